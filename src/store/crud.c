#include "store/crud.h"

#include "store/stmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "store/lifecycle.h"
#include "store/sql_build.h"

/* Statements that check a parent, one per resource that has one. */
static int st_parent[16];
/* Statements that read the lifecycle state of a row's plan, for plans and plan content. */
static int st_state[16];

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

static void row_json(buf *b, const resource_spec *r, const char *a) { store_row_json_sql(b, r, a); }

static void scope_cond(buf *b, const resource_spec *r, const char *a, int param)
{
    buf_printf(b, "($%d::bigint IS NULL OR %s.%s = $%d::bigint)", param, a, entity_col(r), param);
}

/* The write lock of the plan lifecycle (sql/002_revisions.sql): a plan's content may be
 * written while the plan (alias a) is in a state that allows it (rules_lifecycle.h: a draft
 * or an adopted plan with a revision open). */
static void plan_writable(buf *b, const char *a) { store_plan_allows_sql(b, a, RULES_PLAN_WRITE_CONTENT); }

/* " AND <the plan of content row a is writable>", locking the plan row in share mode so
 * that an adoption (which locks it for update) waits for the write, or the write sees the
 * adopted plan and does nothing. */
static void content_writable(buf *b, const char *a)
{
    buf_printf(b, " AND EXISTS (SELECT 1 FROM plans pl WHERE pl.entity_id = %s.entity_id AND pl.id = %s.plan_id AND ",
               a, a);
    plan_writable(b, "pl");
    buf_puts(b, " FOR SHARE)");
}

static int is_plans(const resource_spec *r) { return r == &model_plans; }

/* Appends " AND <row a may be written now>": for a plan (plan), that it allows writing its
 * content (in share mode when share); for a row of plan content (content), that it is not
 * removed and its plan allows it. Nothing for other rows. */
static void row_writable(buf *b, const char *a, int plan, int content, int share)
{
    if (plan) {
        buf_puts(b, " AND ");
        plan_writable(b, a);
        if (share)
            buf_puts(b, " FOR SHARE");
    } else if (content) {
        buf_printf(b, " AND %s.removed_in_revision IS NULL", a);
        content_writable(b, a);
    }
}

/* Whether rows of the table are removed softly (hidden when removed_in_revision is set). */
static int table_is_soft(const char *table)
{
    for (int i = 0; table && i < model_resource_count; i++)
        if (strcmp(model_resources[i]->table, table) == 0)
            return model_is_plan_content(model_resources[i]);
    return 0;
}

static const char *plan_expr(const resource_spec *r)
{
    if (strcmp(r->table, "plans") == 0)
        return "j.id";
    return r->has_plan ? "j.pid" : "NULL::bigint";
}

static int finish(buf *b) { return store_stmt_register_built(b); }

/* Starts b with a read of live rows t of r in scope $1 whose id is `cmp` $2: each row as
 * JSON and its column col. */
static void begin_read(buf *b, const resource_spec *r, const char *col, const char *cmp)
{
    buf_init(b, 0);
    buf_puts(b, "SELECT ");
    row_json(b, r, "t");
    buf_printf(b, ", t.%s FROM %s t WHERE t.id %s $2::bigint AND ", col, r->table, cmp);
    scope_cond(b, r, "t", 1);
    if (model_is_plan_content(r))
        buf_puts(b, " AND t.removed_in_revision IS NULL");
}

/* Starts b with the CTE old: row $5 of r in scope $1 (live only when live) as JSON, the
 * audit record's before. */
static void begin_old(buf *b, const resource_spec *r, int live)
{
    buf_init(b, 0);
    buf_puts(b, "WITH old AS (SELECT ");
    row_json(b, r, "t");
    buf_printf(b, " AS doc FROM %s t WHERE t.id = $5::bigint AND %s", r->table,
               live ? "t.removed_in_revision IS NULL AND " : "");
    scope_cond(b, r, "t", 1);
    buf_putc(b, ')');
}

static int build_get(const resource_spec *r)
{
    buf b;
    begin_read(&b, r, "version", "=");
    return finish(&b);
}

static int build_parent_exists(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    const char *pe = strcmp(r->parent_table, "entities") == 0 ? "id" : "entity_id";
    buf_printf(&b, "SELECT 1 FROM %s p WHERE p.id = $2::bigint AND ($1::bigint IS NULL OR p.%s = $1::bigint)",
               r->parent_table, pe);
    if (table_is_soft(r->parent_table))
        buf_puts(&b, " AND p.removed_in_revision IS NULL");
    return finish(&b);
}

static int build_list(const resource_spec *r)
{
    buf b;
    begin_read(&b, r, "id", ">");
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

/* Appends what follows the write w (a CTE returning the written row): j, the row as JSON
 * with its id, version, entity and plan; its audit record (action, before); and the final
 * SELECT of `out` from j; registers the statement. */
static int written(buf *b, const resource_spec *r, const char *action, const char *before, const char *out)
{
    buf_puts(b, ", j AS (SELECT ");
    row_json(b, r, "w");
    buf_printf(b, " AS doc, w.id, w.version, w.%s AS eid%s FROM w), ", entity_col(r),
               r->has_plan ? ", w.plan_id AS pid" : "");
    audit_insert(b, r, action, before, "j.doc::jsonb");
    buf_printf(b, " SELECT %s FROM j", out);
    return finish(b);
}

/* Ends a removal whose CTE j holds the removed rows' ids: their audit records (before from
 * old), then SELECT the ids; registers the statement. */
static int removed(buf *b, const resource_spec *r)
{
    audit_insert(b, r, "delete", "(SELECT doc FROM old)::jsonb", "NULL");
    buf_puts(b, " SELECT j.id FROM j");
    return finish(b);
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
        buf_printf(&b, "($1::bigint IS NULL OR p.%s = $1::bigint)", parent_is_entity ? "id" : "entity_id");
        int content = model_is_plan_content(r);
        row_writable(&b, "p", content && strcmp(r->parent_table, "plans") == 0, content, 1);
        buf_puts(&b, "), ");
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
    buf_puts(&b, " FROM p RETURNING *)");
    return written(&b, r, "create", "NULL", "j.doc, j.id, j.version");
}

static int build_update(const resource_spec *r)
{
    buf b;
    begin_old(&b, r, 0);
    buf_printf(&b, ", w AS (UPDATE %s t SET ", r->table);
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
    row_writable(&b, "t", is_plans(r), model_is_plan_content(r), 0);
    buf_puts(&b, " RETURNING t.*)");
    return written(&b, r, "update", "(SELECT doc FROM old)::jsonb", "j.doc, j.version");
}

/* Removal of plan content: deleted while the plan is a draft (never adopted), marked
 * removed_in_revision = revision + 1 in an adopted plan's open revision (with, for an
 * objective, its assignments, phases and indicators), refused otherwise. One statement. */
static int build_delete_content(const resource_spec *r)
{
    buf b;
    begin_old(&b, r, 1);
    buf_printf(&b,
               ", pl AS (SELECT pl.entity_id, pl.id, pl.status, pl.revision FROM %s t JOIN plans pl ON "
               "pl.entity_id = t.entity_id AND pl.id = t.plan_id WHERE t.id = $5::bigint AND ",
               r->table);
    scope_cond(&b, r, "t", 1);
    buf_puts(&b, " AND ");
    plan_writable(&b, "pl");
    buf_puts(&b, " FOR SHARE OF pl), ");
    const char *match =
        " t.id = $5::bigint AND t.entity_id = pl.entity_id AND t.removed_in_revision IS NULL AND "
        "($6::integer IS NULL OR t.version = $6::integer)";
    buf_printf(&b,
               "hard AS (DELETE FROM %s t USING pl WHERE pl.status = 'draft' AND%s RETURNING t.id, t.entity_id AS "
               "eid, t.plan_id AS pid), ",
               r->table, match);
    buf_printf(&b,
               "soft AS (UPDATE %s t SET removed_in_revision = pl.revision + 1, version = t.version + 1, "
               "updated_at = now() FROM pl WHERE pl.status = 'adopted' AND%s RETURNING t.id, t.entity_id AS eid, "
               "t.plan_id AS pid), ",
               r->table, match);
    if (r == &model_objectives) {
        static const char *const kids[] = {"assignments", "phases", "indicators"};
        for (int i = 0; i < 3; i++)
            buf_printf(&b,
                       "k_%s AS (UPDATE %s k SET removed_in_revision = pl.revision + 1, version = k.version + 1, "
                       "updated_at = now() FROM soft, pl WHERE k.entity_id = soft.eid AND k.objective_id = soft.id "
                       "AND k.removed_in_revision IS NULL), ",
                       kids[i], kids[i]);
    }
    buf_puts(&b, "j AS (SELECT * FROM hard UNION ALL SELECT * FROM soft), ");
    return removed(&b, r);
}

/* The plan behind a row of r (a plan itself, or plan content): id, status, editing,
 * revision. $1 scope, $2 the row's id; hidden removed rows are not found. */
static int build_state(const resource_spec *r)
{
    buf b;
    buf_init(&b, 0);
    if (is_plans(r)) {
        buf_puts(&b, "SELECT t.id, t.status, t.editing, t.revision FROM plans t WHERE t.id = $2::bigint AND ");
        scope_cond(&b, r, "t", 1);
    } else {
        buf_printf(&b,
                   "SELECT pl.id, pl.status, pl.editing, pl.revision FROM %s t JOIN plans pl ON pl.entity_id = "
                   "t.entity_id AND pl.id = t.plan_id WHERE t.id = $2::bigint AND t.removed_in_revision IS NULL AND ",
                   r->table);
        scope_cond(&b, r, "t", 1);
    }
    return finish(&b);
}

static int build_delete(const resource_spec *r)
{
    if (model_is_plan_content(r))
        return build_delete_content(r);
    buf b;
    begin_old(&b, r, 0);
    buf_printf(
        &b, ", j AS (DELETE FROM %s t WHERE t.id = $5::bigint AND ($6::integer IS NULL OR t.version = $6::integer) AND ",
        r->table);
    scope_cond(&b, r, "t", 1);
    if (is_plans(r)) { /* an adopted plan is an act: it stays */
        buf_puts(&b, " AND ");
        store_plan_allows_sql(&b, "t", RULES_PLAN_DELETE);
    }
    buf_printf(&b, " RETURNING t.id, t.%s AS eid%s), ", entity_col(r), r->has_plan ? ", t.plan_id AS pid" : "");
    return removed(&b, r);
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
        st_state[i] = is_plans(r) || model_is_plan_content(r) ? build_state(r) : -1;
        if (r->st_get < 0 || r->st_list < 0 || r->st_insert < 0 || r->st_update < 0 || r->st_delete < 0 ||
            (r->parent_table && st_parent[i] < 0) || ((is_plans(r) || model_is_plan_content(r)) && st_state[i] < 0))
            return -1;
    }
    /* The plan lifecycle's statements (store/lifecycle.c, store/plan_doc.c). */
    return store_lifecycle_register();
}

static int resource_index(const resource_spec *r)
{
    for (int i = 0; i < model_resource_count; i++)
        if (model_resources[i] == r)
            return i;
    return -1;
}

int store_crud_write_state(store_conn *c, const resource_spec *r, const char *scope, int64_t id, store_write_op op,
                           store_refusal *why, problem *p)
{
    const resource_spec *target = r;
    if (op == STORE_WRITE_UNDER) {
        target = NULL;
        for (int i = 0; r->parent_table && i < model_resource_count; i++)
            if (strcmp(model_resources[i]->table, r->parent_table) == 0)
                target = model_resources[i];
    }
    int idx = target ? resource_index(target) : -1;
    if (idx < 0 || st_state[idx] < 0 || !(is_plans(r) || model_is_plan_content(r)))
        return 1;
    int rc;
    PGresult *res = store_run_row(c, &STORE_BUILT(st_state[idx], 2), STORE_ARGS(SA_TEXT(scope), SA_I64(id)), &rc, p);
    if (!res)
        return rc;
    store_refusal w = {0};
    w.action = op == STORE_DELETE_ROW && is_plans(r) ? RULES_PLAN_DELETE : RULES_PLAN_WRITE_CONTENT;
    w.plan_id = row_i64(res, 0, 0);
    w.state.status = rules_plan_status_parse(row_text(res, 0, 1));
    w.state.editing = row_bool(res, 0, 2);
    w.revision = row_int(res, 0, 3);
    PQclear(res);
    w.why = rules_plan_transition(w.state, w.action, NULL);
    if (w.why == RULES_PLAN_ALLOWED)
        return 1;
    store_refuse(&w, p);
    if (why)
        *why = w;
    return 2;
}

int store_crud_get(store_conn *c, const resource_spec *r, const char *scope, int64_t id, char **doc, int64_t *version,
                   problem *p)
{
    return store_run_text_n(c, &STORE_BUILT(r->st_get, 2), STORE_ARGS(SA_TEXT(scope), SA_I64(id)), doc, version, p);
}

int store_crud_parent_exists(store_conn *c, const resource_spec *r, const char *scope, int64_t parent, problem *p)
{
    int idx = resource_index(r);
    if (idx < 0 || st_parent[idx] < 0)
        return 1;
    return store_run_found(c, &STORE_BUILT(st_parent[idx], 2), STORE_ARGS(SA_TEXT(scope), SA_I64(parent)), p);
}

int store_crud_list(store_conn *c, const resource_spec *r, const char *scope, int64_t parent, int64_t after, int limit,
                    const char *const *filters, store_docs **out, problem *p)
{
    store_args *a = STORE_ARGS(SA_TEXT(scope), SA_I64(after), SA_I64(limit));
    if (r->list_by_parent)
        arg_i64(a, parent);
    for (int i = 0; i < r->nfields; i++)
        if (r->fields[i].flags & F_FILTER)
            arg_text(a, filters ? filters[i] : NULL);
    return store_run_docs(c, &STORE_BUILT(r->st_list, a->n), a, out, p);
}

/* Binds the writable fields' values (create or update) after what a already holds. */
static void bind_values(store_args *a, const resource_spec *r, const char *const *values, int update)
{
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        if (update ? writable_on_update(r, f) : writable_on_create(r, f))
            arg_text(a, values[i]);
    }
}

/* Runs built write statement stmt (its parameter count varies with the resource): 1 when it
 * wrote, with *doc its first cell (malloc'd) and *out[i] the integer cells after it; 0 when
 * no row matched; -1 with p set. */
static int run_write(store_conn *c, int stmt, const store_args *a, char **doc, int64_t *const *out, int nout, problem *p)
{
    PGresult *res = store_exec(c, stmt, a->n, a->v, p);
    if (!res)
        return -1;
    int ok = row_count(res) > 0;
    if (ok) {
        row_i64s(res, 0, 1, out, nout);
        ok = row_dup(res, 0, 0, doc, p);
    }
    PQclear(res);
    return ok;
}

int store_crud_insert(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t parent,
                      const char *const *values, char **doc, int64_t *id, int64_t *version, problem *p)
{
    store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(parent));
    bind_values(a, r, values, 0);
    int64_t *out[] = {id, version};
    return run_write(c, r->st_insert, a, doc, out, 2, p);
}

int store_crud_update(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t id,
                      int64_t version, const char *const *values, char **doc, int64_t *new_version, problem *p)
{
    store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(id), SA_I64(version));
    bind_values(a, r, values, 1);
    int64_t *out[] = {new_version};
    return run_write(c, r->st_update, a, doc, out, 1, p);
}

int store_crud_delete(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t id,
                      int64_t version, problem *p)
{
    return store_run_found(c, &STORE_BUILT(r->st_delete, 6),
                           STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(id), SA_VERSION(version)), p);
}
