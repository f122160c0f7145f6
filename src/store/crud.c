#include "store/crud.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

#define MAX_PARAMS 64

/* Statements that check a parent, one per resource that has one. */
static int st_parent[16];

const char *store_field_sqltype(const field_spec *f)
{
    switch (f->type) {
    case FT_INT: return "integer";
    case FT_DEC: return "numeric";
    case FT_BOOL: return "boolean";
    case FT_DATE: return "date";
    case FT_REF: return "bigint";
    case FT_JSON: return "jsonb";
    case FT_TEXTS: return "text[]";
    default: return "text";
    }
}

static const char *entity_col(const resource_spec *r) { return r->parent_table ? "entity_id" : "id"; }

/* Whether the field is the parent link, written from the parent rather than the body. */
static int is_parent_field(const resource_spec *r, const field_spec *f)
{
    return r->parent_col && strcmp(field_column(f), r->parent_col) == 0;
}

static int writable_on_create(const resource_spec *r, const field_spec *f)
{
    return !(f->flags & F_SERVER) && !is_parent_field(r, f);
}

static int writable_on_update(const resource_spec *r, const field_spec *f)
{
    return writable_on_create(r, f) && !(f->flags & F_CREATE_ONLY);
}

/* The row alias a as compact JSON, in the API's field order. */
static void row_json(buf *b, const resource_spec *r, const char *a)
{
    const char *names[MODEL_MAX_OUTPUT];
    int n = model_output_fields(r, names, MODEL_MAX_OUTPUT);
    buf_puts(b, "(SELECT row_to_json(x) FROM (SELECT ");
    for (int i = 0; i < n; i++) {
        const field_spec *f = model_field(r, names[i]);
        const char *sep = i ? ", " : "";
        if (strcmp(names[i], "created_at") == 0 || strcmp(names[i], "updated_at") == 0)
            buf_printf(b, "%sto_char(%s.%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS %s", sep, a,
                       names[i], names[i]);
        else
            buf_printf(b, "%s%s.\"%s\" AS \"%s\"", sep, a, f ? field_column(f) : names[i], names[i]);
    }
    buf_puts(b, ") x)");
}

static void scope_cond(buf *b, const resource_spec *r, const char *a, int param)
{
    buf_printf(b, "($%d::bigint IS NULL OR %s.%s = $%d::bigint)", param, a, entity_col(r), param);
}

static const char *plan_expr(const resource_spec *r)
{
    if (strcmp(r->table, "plans") == 0)
        return "j.id";
    return r->has_plan ? "j.pid" : "NULL::bigint";
}

static int finish(buf *b)
{
    if (b->failed)
        return -1;
    char *sql = buf_steal(b, NULL); /* lives for the process: the statement table borrows it */
    return store_stmt_register(sql);
}

static int build_get(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT ");
    row_json(&b, r, "t");
    buf_printf(&b, ", t.version FROM %s t WHERE t.id = $2::bigint AND ", r->table);
    scope_cond(&b, r, "t", 1);
    return finish(&b);
}

static int build_parent_exists(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    const char *pe = strcmp(r->parent_table, "entities") == 0 ? "id" : "entity_id";
    buf_printf(&b, "SELECT 1 FROM %s p WHERE p.id = $2::bigint AND ($1::bigint IS NULL OR p.%s = $1::bigint)",
               r->parent_table, pe);
    return finish(&b);
}

static int build_list(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT ");
    row_json(&b, r, "t");
    buf_printf(&b, ", t.id FROM %s t WHERE ", r->table);
    scope_cond(&b, r, "t", 1);
    buf_puts(&b, " AND t.id > $2::bigint");
    int n = 3;
    if (r->list_by_parent) {
        n++;
        buf_printf(&b, " AND t.%s = $%d::bigint", r->parent_col, n);
    }
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        if (!(f->flags & F_FILTER))
            continue;
        n++;
        buf_printf(&b, " AND ($%d::%s IS NULL OR t.\"%s\" = $%d::%s)", n, store_field_sqltype(f), field_column(f), n,
                   store_field_sqltype(f));
    }
    buf_puts(&b, " ORDER BY t.id LIMIT $3::integer");
    return finish(&b);
}

static void audit_insert(buf *b, const resource_spec *r, const char *action, const char *before, const char *after)
{
    buf_printf(b,
               "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, "
               "resource_id, plan_id, before, after) SELECT j.eid, $2::bigint, $3::text, $4::text, '%s', '%s', j.id, "
               "%s, %s, %s FROM j)",
               action, r->collection, plan_expr(r), before, after);
}

static int build_insert(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    int n = 5;
    buf_puts(&b, "WITH ");
    if (r->parent_table) {
        int parent_is_entity = strcmp(r->parent_table, "entities") == 0;
        buf_printf(&b, "p AS (SELECT p.%s AS eid, p.id AS pid%s FROM %s p WHERE p.id = $5::bigint AND ",
                   parent_is_entity ? "id" : "entity_id", r->parent_has_plan ? ", p.plan_id" : "", r->parent_table);
        buf_printf(&b, "($1::bigint IS NULL OR p.%s = $1::bigint)), ", parent_is_entity ? "id" : "entity_id");
    } else {
        /* No parent: $1 and $5 are still sent, so give them a type. */
        buf_puts(&b, "p AS (SELECT $1::bigint AS unused_scope, $5::bigint AS unused_parent), ");
    }
    buf_printf(&b, "w AS (INSERT INTO %s (", r->table);
    int first = 1;
    if (r->parent_table) {
        buf_puts(&b, "entity_id");
        if (strcmp(r->parent_col, "entity_id") != 0)
            buf_printf(&b, ", %s", r->parent_col);
        if (r->parent_has_plan)
            buf_puts(&b, ", plan_id");
        first = 0;
    }
    for (int i = 0; i < r->nfields; i++)
        if (writable_on_create(r, &r->fields[i])) {
            buf_printf(&b, "%s\"%s\"", first ? "" : ", ", field_column(&r->fields[i]));
            first = 0;
        }
    buf_puts(&b, ") SELECT ");
    first = 1;
    if (r->parent_table) {
        buf_puts(&b, "p.eid");
        if (strcmp(r->parent_col, "entity_id") != 0)
            buf_puts(&b, ", p.pid");
        if (r->parent_has_plan)
            buf_puts(&b, ", p.plan_id");
        first = 0;
    }
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        if (!writable_on_create(r, f))
            continue;
        n++;
        if (f->default_sql)
            buf_printf(&b, "%sCOALESCE($%d::%s, %s)", first ? "" : ", ", n, store_field_sqltype(f), f->default_sql);
        else
            buf_printf(&b, "%s$%d::%s", first ? "" : ", ", n, store_field_sqltype(f));
        first = 0;
    }
    buf_puts(&b, " FROM p RETURNING *), j AS (SELECT ");
    row_json(&b, r, "w");
    buf_printf(&b, " AS doc, w.id, w.version, w.%s AS eid%s FROM w), ", entity_col(r), r->has_plan ? ", w.plan_id AS pid" : "");
    audit_insert(&b, r, "create", "NULL", "j.doc::jsonb");
    buf_puts(&b, " SELECT j.doc, j.id, j.version FROM j");
    return finish(&b);
}

static int build_update(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH old AS (SELECT ");
    row_json(&b, r, "t");
    buf_printf(&b, " AS doc FROM %s t WHERE t.id = $5::bigint AND ", r->table);
    scope_cond(&b, r, "t", 1);
    buf_printf(&b, "), w AS (UPDATE %s t SET ", r->table);
    int n = 6;
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        if (!writable_on_update(r, f))
            continue;
        n++;
        buf_printf(&b, "\"%s\" = $%d::%s, ", field_column(f), n, store_field_sqltype(f));
    }
    buf_puts(&b, "version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint AND t.version = $6::integer AND ");
    scope_cond(&b, r, "t", 1);
    buf_puts(&b, " RETURNING t.*), j AS (SELECT ");
    row_json(&b, r, "w");
    buf_printf(&b, " AS doc, w.id, w.version, w.%s AS eid%s FROM w), ", entity_col(r), r->has_plan ? ", w.plan_id AS pid" : "");
    audit_insert(&b, r, "update", "(SELECT doc FROM old)::jsonb", "j.doc::jsonb");
    buf_puts(&b, " SELECT j.doc, j.version FROM j");
    return finish(&b);
}

static int build_delete(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH old AS (SELECT ");
    row_json(&b, r, "t");
    buf_printf(&b, " AS doc FROM %s t WHERE t.id = $5::bigint AND ", r->table);
    scope_cond(&b, r, "t", 1);
    buf_printf(&b, "), j AS (DELETE FROM %s t WHERE t.id = $5::bigint AND ($6::integer IS NULL OR t.version = $6::integer) AND ",
               r->table);
    scope_cond(&b, r, "t", 1);
    buf_printf(&b, " RETURNING t.id, t.%s AS eid%s), ", entity_col(r), r->has_plan ? ", t.plan_id AS pid" : "");
    audit_insert(&b, r, "delete", "(SELECT doc FROM old)::jsonb", "NULL");
    buf_puts(&b, " SELECT j.id FROM j");
    return finish(&b);
}

int store_crud_register(void)
{
    for (int i = 0; i < model_resource_count; i++) {
        resource_spec *r = model_resources[i];
        r->st_get = build_get(r);
        r->st_list = build_list(r);
        r->st_insert = build_insert(r);
        r->st_update = build_update(r);
        r->st_delete = build_delete(r);
        st_parent[i] = r->parent_table ? build_parent_exists(r) : -1;
        if (r->st_get < 0 || r->st_list < 0 || r->st_insert < 0 || r->st_update < 0 || r->st_delete < 0 ||
            (r->parent_table && st_parent[i] < 0))
            return -1;
    }
    return 0;
}

static char *dup_value(PGresult *res, int row, int col)
{
    return strdup(PQgetvalue(res, row, col));
}

int store_crud_get(store_conn *c, const resource_spec *r, const char *scope, int64_t id, char **doc,
                   int64_t *version, problem *p)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    const char *params[] = {scope, ids};
    PGresult *res = store_exec(c, r->st_get, 2, params, p);
    if (!res)
        return -1;
    int found = PQntuples(res) > 0;
    if (found) {
        *doc = dup_value(res, 0, 0);
        *version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    }
    PQclear(res);
    return found;
}

int store_crud_parent_exists(store_conn *c, const resource_spec *r, const char *scope, int64_t parent, problem *p)
{
    int idx = -1;
    for (int i = 0; i < model_resource_count; i++)
        if (model_resources[i] == r)
            idx = i;
    if (idx < 0 || st_parent[idx] < 0)
        return 1;
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, parent);
    const char *params[] = {scope, ids};
    PGresult *res = store_exec(c, st_parent[idx], 2, params, p);
    if (!res)
        return -1;
    int found = PQntuples(res) > 0;
    PQclear(res);
    return found;
}

int store_crud_list(store_conn *c, const resource_spec *r, const char *scope, int64_t parent, int64_t after,
                    int limit, const char *const *filters, PGresult **out, problem *p)
{
    const char *params[MAX_PARAMS];
    char after_s[24], limit_s[16], parent_s[24];
    snprintf(after_s, sizeof after_s, "%" PRId64, after);
    snprintf(limit_s, sizeof limit_s, "%d", limit);
    snprintf(parent_s, sizeof parent_s, "%" PRId64, parent);
    int n = 0;
    params[n++] = scope;
    params[n++] = after_s;
    params[n++] = limit_s;
    if (r->list_by_parent)
        params[n++] = parent_s;
    for (int i = 0; i < r->nfields; i++)
        if (r->fields[i].flags & F_FILTER)
            params[n++] = filters ? filters[i] : NULL;
    PGresult *res = store_exec(c, r->st_list, n, params, p);
    if (!res)
        return -1;
    *out = res;
    return 0;
}

static int fill_values(const resource_spec *r, const char *const *values, int update, const char **params, int n)
{
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        if (update ? writable_on_update(r, f) : writable_on_create(r, f))
            params[n++] = values[i];
    }
    return n;
}

int store_crud_insert(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who,
                      int64_t parent, const char *const *values, char **doc, int64_t *id, int64_t *version,
                      problem *p)
{
    const char *params[MAX_PARAMS];
    char parent_s[24];
    snprintf(parent_s, sizeof parent_s, "%" PRId64, parent);
    params[0] = scope;
    params[1] = who->token_id;
    params[2] = who->name;
    params[3] = who->role;
    params[4] = parent_s;
    int n = fill_values(r, values, 0, params, 5);
    PGresult *res = store_exec(c, r->st_insert, n, params, p);
    if (!res)
        return -1;
    int ok = PQntuples(res) > 0;
    if (ok) {
        *doc = dup_value(res, 0, 0);
        *id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        *version = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
    }
    PQclear(res);
    return ok;
}

int store_crud_update(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t id,
                      int64_t version, const char *const *values, char **doc, int64_t *new_version, problem *p)
{
    const char *params[MAX_PARAMS];
    char id_s[24], version_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, id);
    snprintf(version_s, sizeof version_s, "%" PRId64, version);
    params[0] = scope;
    params[1] = who->token_id;
    params[2] = who->name;
    params[3] = who->role;
    params[4] = id_s;
    params[5] = version_s;
    int n = fill_values(r, values, 1, params, 6);
    PGresult *res = store_exec(c, r->st_update, n, params, p);
    if (!res)
        return -1;
    int ok = PQntuples(res) > 0;
    if (ok) {
        *doc = dup_value(res, 0, 0);
        *new_version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    }
    PQclear(res);
    return ok;
}

int store_crud_delete(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t id,
                      int64_t version, problem *p)
{
    char id_s[24], version_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, id);
    snprintf(version_s, sizeof version_s, "%" PRId64, version);
    const char *params[] = {scope, who->token_id, who->name, who->role, id_s, version >= 0 ? version_s : NULL};
    PGresult *res = store_exec(c, r->st_delete, 6, params, p);
    if (!res)
        return -1;
    int ok = PQntuples(res) > 0;
    PQclear(res);
    return ok;
}
