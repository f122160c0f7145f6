/* tokens.c — /v1/tokens: create (the secret is shown once), list without secrets, revoke. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/auth.h"
#include "core/text.h"

static int st_list = -1, st_revoke = -1, st_get = -1;

#define TOKEN_JSON                                                                                                  \
    "json_build_object('id', id, 'role', role, 'entity_id', entity_id, 'person_id', person_id, 'name', name, "      \
    "'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                       \
    "'expires_at', to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                       \
    "'revoked_at', to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

int tokens_register(void)
{
    st_list = store_stmt_register("SELECT " TOKEN_JSON ", id FROM tokens WHERE ($1::bigint IS NULL OR entity_id = "
                                  "$1::bigint) AND id > $2::bigint ORDER BY id LIMIT $3::integer");
    st_get = store_stmt_register("SELECT " TOKEN_JSON " FROM tokens WHERE id = $2::bigint AND ($1::bigint IS NULL OR "
                                 "entity_id = $1::bigint)");
    st_revoke = store_stmt_register(
        "WITH w AS (UPDATE tokens SET revoked_at = now() WHERE id = $2::bigint AND revoked_at IS NULL AND "
        "($1::bigint IS NULL OR entity_id = $1::bigint) RETURNING id, entity_id), "
        "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id) "
        "SELECT w.entity_id, $3::bigint, $4, $5, 'revoke', 'tokens', w.id FROM w) SELECT id FROM w");
    return st_list < 0 || st_revoke < 0 || st_get < 0 ? -1 : 0;
}

void tokens_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    json_t *body = http_json_body(req);
    if (!body)
        return;
    json_t *role = json_object_get(body, "role"), *name = json_object_get(body, "name");
    json_t *entity = json_object_get(body, "entity_id"), *person = json_object_get(body, "person_id");
    json_t *expires = json_object_get(body, "expires_at");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "role") && strcmp(key, "name") && strcmp(key, "entity_id") && strcmp(key, "person_id") &&
            strcmp(key, "expires_at"))
            problem_add(&p, key, "is not a field of token");
    }
    if (!json_is_string(role) || !auth_role_from_name(json_string_value(role)))
        problem_add(&p, "role", "must be one of: admin, planner, manager, evaluator, reader, erp");
    if (!json_is_string(name) || !*json_string_value(name) || utf8_length(json_string_value(name)) > 100)
        problem_add(&p, "name", "must be a non-empty string of at most 100 characters");
    if (entity && !json_is_null(entity) && (!json_is_integer(entity) || json_integer_value(entity) < 1))
        problem_add(&p, "entity_id", "must be an entity id");
    if (person && !json_is_null(person) && (!json_is_integer(person) || json_integer_value(person) < 1))
        problem_add(&p, "person_id", "must be a person id");
    if (expires && !json_is_null(expires) && !json_is_string(expires))
        problem_add(&p, "expires_at", "must be an RFC 3339 timestamp");
    int is_admin = json_is_string(role) && strcmp(json_string_value(role), "admin") == 0;
    if (!is_admin && !json_is_integer(entity) && problem_count(&p) == 0)
        problem_add(&p, "entity_id", "is required for every role but admin");
    if (is_admin && json_is_integer(entity))
        problem_add(&p, "entity_id", "an admin token belongs to no entity");
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the token is not valid");
        goto out;
    }
    char secret[TOKEN_LEN + 1];
    int64_t id = auth_token_create(call->db, json_string_value(role), json_is_integer(entity) ? json_integer_value(entity) : 0,
                                   json_is_integer(person) ? json_integer_value(person) : 0, json_string_value(name),
                                   json_is_string(expires) ? json_string_value(expires) : NULL, secret, &p);
    if (id < 0)
        goto out;
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    const char *params[] = {NULL, ids};
    PGresult *r = store_exec(call->db, st_get, 2, params, &p);
    if (!r)
        goto out;
    json_t *doc = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    PQclear(r);
    json_object_set_new(doc, "token", json_string(secret));
    snprintf(req->res.location, sizeof req->res.location, "/v1/tokens/%" PRId64, id);
    json_decref(body);
    http_json(req, 201, doc);
    return;
out:
    json_decref(body);
    http_problem(req, &p);
    problem_clear(&p);
}

void tokens_list(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    int limit;
    int64_t after;
    if (api_page_params(req, &limit, &after) < 0)
        return;
    char after_s[24], limit_s[16];
    snprintf(after_s, sizeof after_s, "%" PRId64, after);
    snprintf(limit_s, sizeof limit_s, "%d", limit + 1);
    const char *params[] = {call->scope, after_s, limit_s};
    PGresult *r = store_exec(call->db, st_list, 3, params, &p);
    if (!r) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    int rows = PQntuples(r), more = rows > limit;
    if (more)
        rows = limit;
    buf out;
    buf_init(&out, 0);
    buf_puts(&out, "{\"items\":[");
    for (int i = 0; i < rows; i++)
        buf_printf(&out, "%s%s", i ? "," : "", PQgetvalue(r, i, 0));
    char cursor[32];
    if (more) {
        cursor_encode(strtoll(PQgetvalue(r, rows - 1, 1), NULL, 10), cursor);
        buf_printf(&out, "],\"next_cursor\":\"%s\"}", cursor);
    } else {
        buf_puts(&out, "],\"next_cursor\":null}");
    }
    PQclear(r);
    size_t len;
    char *body = buf_steal(&out, &len);
    http_body(req, 200, "application/json", body, len);
}

void tokens_delete(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, req->ids[0]);
    const char *params[] = {call->scope, ids, call->actor.token_id, call->actor.name, call->actor.role};
    PGresult *r = store_exec(call->db, st_revoke, 5, params, &p);
    if (!r) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    int ok = PQntuples(r) > 0;
    PQclear(r);
    if (!ok) {
        http_error(req, 404, "not_found", "no active token with id %" PRId64, req->ids[0]);
        return;
    }
    http_body(req, 204, NULL, NULL, 0);
}
