/* tokens.c — API tokens in the database (tokens.h). */
#include "store/tokens.h"

#include <stdio.h>
#include <string.h>

#include "store/sql_build.h"
#include "store/stmt.h"

/* The JSON of a token row (columns of tokens, no secret, no hash). */
#define TOKEN_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define TOKEN_JSON                                                                                             \
    "json_build_object('id', id, 'role', role, 'entity_id', entity_id, 'person_id', person_id, 'name', name, " \
    "'issued_by', issued_by, 'created_at', " TOKEN_TS("created_at") ", 'expires_at', " TOKEN_TS(               \
        "expires_at") ", 'revoked_at', " TOKEN_TS("revoked_at") ")"

enum { T_LOOKUP, T_GUARD, T_INSERT, T_GET, T_REVOKE, T_LIST, T_COUNT };

static store_stmt st[T_COUNT] = {
    /* before the entity is known: functions of the tables' owner (sql/016). A token that names a
     * person goes by the person's registered name, not by the label its issuer gave it. */
    [T_LOOKUP] = {"tokens.lookup",
                  "SELECT id, entity_id, role, name, person_id, expires_epoch FROM ciclo_token_lookup($1::bytea)", 1},
    /* the guard of a cached token: division by zero when it no longer holds. A plain statement,
     * run under the token's own entity (store_token_guard), so row-level security shows it its
     * row: a function of the owner (ciclo_token_live) cost a parse and plan of its body per call */
    [T_GUARD] = {"tokens.guard",
                 "SELECT 1 / count(*)::integer FROM tokens WHERE hash = $1::bytea AND revoked_at IS NULL AND "
                 "(expires_at IS NULL OR expires_at > now())",
                 1},
    /* The person must belong to the token's entity: no row is inserted otherwise. $1-$3 the
     * issuer (token id, name, role: the audit row), $4-$9 the new token. */
    [T_INSERT] = {"tokens.insert",
                  "WITH t AS (INSERT INTO tokens (role, entity_id, person_id, name, hash, expires_at, issued_by) "
                  "SELECT $4, $5::bigint, $6::bigint, $7, $8::bytea, $9::timestamptz, $1::bigint WHERE $6::bigint IS "
                  "NULL OR EXISTS (SELECT 1 FROM people WHERE entity_id = $5::bigint AND id = $6::bigint) RETURNING "
                  "*), j AS (SELECT " TOKEN_JSON " AS doc, id, entity_id FROM t), a AS (INSERT INTO audit "
                  "(entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, after) SELECT "
                  "j.entity_id, $1::bigint, $2, $3, 'create', 'tokens', j.id, j.doc::jsonb FROM j) SELECT doc, id "
                  "FROM j",
                  9},
    [T_GET] = {"tokens.get",
               "SELECT role, entity_id, person_id, issued_by FROM tokens WHERE id = $2::bigint AND revoked_at IS NULL "
               "AND " STORE_SQL_SCOPE("tokens"),
               2},
    /* the audit row has the token before and after its revocation; the answer names its hash, which
     * the revoking process forgets (api/auth.c, auth_token_forget) */
    [T_REVOKE] = {"tokens.revoke",
                  "WITH b AS (SELECT " TOKEN_JSON "::jsonb AS doc FROM tokens WHERE id = $2::bigint), w AS (UPDATE "
                  "tokens SET revoked_at = now() WHERE id = $2::bigint AND revoked_at IS NULL AND ($1::bigint IS "
                  "NULL OR entity_id = $1::bigint) RETURNING *), a AS (INSERT INTO audit (entity_id, actor_token, "
                  "actor_name, actor_role, action, resource, resource_id, before, after) SELECT w.entity_id, "
                  "$3::bigint, $4, $5, 'revoke', 'tokens', w.id, b.doc, (SELECT " TOKEN_JSON
                  " FROM w)::jsonb FROM w, b) SELECT id, encode(hash, 'hex') FROM w",
                  5},
    [T_LIST] = {"tokens.list",
                "SELECT " TOKEN_JSON ", id FROM tokens WHERE " STORE_SQL_SCOPE(
                    "tokens") " AND id > "
                              "$2::bigint AND (NOT $4::boolean OR (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > "
                              "now()))) ORDER BY id LIMIT $3::integer",
                4},
};

int store_tokens_register(void) { return STORE_STMTS_REGISTER(st); }

int store_token_lookup(store_conn *c, const char *hash, store_token *out, problem *p)
{
    int rc;
    PGresult *r = store_run_row(c, &st[T_LOOKUP], STORE_ARGS(SA_TEXT(hash)), &rc, p);
    if (!r)
        return rc;
    memset(out, 0, sizeof *out);
    out->id = row_i64(r, 0, 0);
    out->entity_id = row_i64(r, 0, 1);
    snprintf(out->role, sizeof out->role, "%s", row_text(r, 0, 2) ? row_text(r, 0, 2) : "");
    snprintf(out->name, sizeof out->name, "%s", row_text(r, 0, 3) ? row_text(r, 0, 3) : "");
    out->person_id = row_i64(r, 0, 4);
    out->expires_at = row_i64(r, 0, 5);
    PQclear(r);
    return 1;
}

void store_token_guard(store_conn *c, const char *hash, int64_t entity, void (*refused)(const char *hash, problem *p))
{
    store_set_entity(c, entity);
    store_guard(c, st[T_GUARD].id, hash, refused);
}

int64_t store_token_insert(store_conn *c, const store_actor *by, const store_token_new *t, char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_ACTOR(by), SA_TEXT(t->role), SA_LINK(t->entity_id), SA_LINK(t->person_id),
                                     SA_TEXT(t->name), SA_TEXT(t->hash), SA_TEXT(t->expires_at));
    PGresult *r = store_run(c, &st[T_INSERT], a, p);
    if (!r)
        return -1;
    int64_t id = row_count(r) > 0 ? row_i64(r, 0, 1) : 0;
    int rc = id > 0 && doc ? row_dup(r, 0, 0, doc, p) : 1;
    PQclear(r);
    return rc < 0 ? -1 : id;
}

int store_token_get(store_conn *c, const char *scope, int64_t id, store_token *out, problem *p)
{
    int rc;
    PGresult *r = store_run_row(c, &st[T_GET], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), &rc, p);
    if (!r)
        return rc;
    memset(out, 0, sizeof *out);
    out->id = id;
    snprintf(out->role, sizeof out->role, "%s", row_text(r, 0, 0) ? row_text(r, 0, 0) : "");
    out->entity_id = row_i64(r, 0, 1);
    out->person_id = row_i64(r, 0, 2);
    out->issued_by = row_i64(r, 0, 3);
    PQclear(r);
    return 1;
}

int store_token_revoke(store_conn *c, const char *scope, int64_t id, const store_actor *by, char hash_hex[65], problem *p)
{
    int rc;
    hash_hex[0] = '\0';
    PGresult *r = store_run_row(c, &st[T_REVOKE], STORE_ARGS(SA_TEXT(scope), SA_I64(id), SA_ACTOR(by)), &rc, p);
    if (!r)
        return rc;
    snprintf(hash_hex, 65, "%s", row_text(r, 0, 1) ? row_text(r, 0, 1) : "");
    PQclear(r);
    return 1;
}

store_docs *store_token_list(store_conn *c, const char *scope, int64_t after, int limit, int active_only, problem *p)
{
    return store_docs_take(
        store_run(c, &st[T_LIST], STORE_ARGS(SA_TEXT(scope), SA_I64(after), SA_I64(limit), SA_BOOL(active_only)), p), p);
}
