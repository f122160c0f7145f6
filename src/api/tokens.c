/*
 * tokens.c — /v1/tokens: create (the secret is shown once, only its SHA-256 is stored),
 * list without secrets (JSON or CSV; ?active=true leaves out revoked and expired ones), revoke (at once
 * on this process, within a notification's time on the others: api/auth.c).
 *
 * Who may issue and revoke which token is decided in one place, auth_may_issue and
 * auth_may_revoke (api/auth.c; the table is in docs/SECURITY.md): an admin any; a planner
 * planner, reader and erp tokens of its own entity that name no person but itself. A
 * manager token names the person it belongs to (person_id, a person of the same entity),
 * since a manager reports only on what that person leads (api/monitoring.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "api/list_answer.h"
#include "core/text.h"
#include "rules.h"
#include "store/tokens.h"

/* Parses an RFC 3339 timestamp ("2025-12-31T23:59:59Z", "...T10:00:00.5+01:00") into
 * seconds since the epoch. Returns 0, or -1 with why (a static message). */
static int parse_rfc3339(const char *s, int64_t *epoch, const char **why)
{
    *why = "must be an RFC 3339 timestamp, e.g. 2025-12-31T23:59:59Z";
    rules_timestamp t;
    rules_timestamp_fault f = strlen(s) > 40 ? RULES_TIMESTAMP_FORMAT : rules_timestamp_parse(s, 0, &t);
    if (f == RULES_TIMESTAMP_OK && t.second > 59)
        f = RULES_TIMESTAMP_TIME; /* no leap second in an expiry */
    if (f == RULES_TIMESTAMP_DATE)
        *why = "is not a real calendar date";
    else if (f == RULES_TIMESTAMP_TIME)
        *why = "is not a valid time of day";
    if (f != RULES_TIMESTAMP_OK)
        return -1;
    *epoch = rules_timestamp_epoch(&t);
    return 0;
}

void tokens_create(http_request *req)
{
    api_call *call = api_call_of(req);
    int is_admin = api_who(req)->role == (int)ROLE_ADMIN;
    problem p;
    json_t *body = api_body_open(req, &p);
    if (!body)
        return;
    if (!json_is_object(body)) {
        problem_add(&p, "", "must be a JSON object");
        problem_set(&p, 422, "validation_failed", "the token is not valid");
        goto out;
    }
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
    const char *role_s = json_is_string(role) ? json_string_value(role) : NULL;
    token_spec t = {auth_role_from_name(role_s), 0, 0, 0};
    /* anyone but an admin issues tokens of its own entity: the entity defaults to it */
    if (!is_admin && (!entity || json_is_null(entity)))
        entity = NULL;
    if (!t.role)
        problem_add(&p, "role", "must be one of: admin, planner, manager, evaluator, reader, erp");
    if (!json_is_string(name) || !*json_string_value(name) || utf8_length(json_string_value(name)) > 100)
        problem_add(&p, "name", "must be a non-empty string of at most 100 characters");
    if (entity && !json_is_null(entity) && (!json_is_integer(entity) || json_integer_value(entity) < 1))
        problem_add(&p, "entity_id", "must be an entity id");
    if (person && !json_is_null(person) && (!json_is_integer(person) || json_integer_value(person) < 1))
        problem_add(&p, "person_id", "must be a person id");
    int64_t expires_epoch = 0;
    if (expires && !json_is_null(expires)) {
        const char *why = NULL;
        if (!json_is_string(expires) || parse_rfc3339(json_string_value(expires), &expires_epoch, &why) < 0)
            problem_add(&p, "expires_at", "%s",
                        json_is_string(expires) ? why : "must be an RFC 3339 timestamp, e.g. 2025-12-31T23:59:59Z");
        else if (expires_epoch <= (int64_t)time(NULL))
            problem_add(&p, "expires_at", "%s is in the past", json_string_value(expires));
    }
    t.entity_id = json_is_integer(entity) ? json_integer_value(entity) : is_admin ? 0 : api_who(req)->entity_id;
    t.person_id = json_is_integer(person) ? json_integer_value(person) : 0;
    /* the separation of duties first: 403 whatever the rest of the body */
    problem deny;
    problem_init(&deny);
    if (t.role && !auth_may_issue(api_who(req), &t, &deny)) {
        problem_clear(&p);
        json_decref(body);
        api_fail(req, &deny);
        return;
    }
    if (t.role && t.role != ROLE_ADMIN && !t.entity_id && !problem_count(&p))
        problem_add(&p, "entity_id", "is required for every role but admin");
    if (t.role == ROLE_ADMIN && json_is_integer(entity))
        problem_add(&p, "entity_id", "an admin token belongs to no entity");
    if (t.role == ROLE_ADMIN && json_is_integer(person))
        problem_add(&p, "person_id", "an admin token names no person");
    if (t.role == ROLE_MANAGER && !t.person_id && !(person && !json_is_null(person)))
        problem_add(&p, "person_id", "a manager token names the person it belongs to");
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the token is not valid");
        goto out;
    }
    char secret[TOKEN_LEN + 1];
    char *doc_text = NULL;
    int64_t id = auth_token_create(call->db, &call->actor, &t, json_string_value(name),
                                   json_is_string(expires) ? json_string_value(expires) : NULL, secret, &doc_text, &p);
    if (id <= 0)
        goto out;
    json_t *doc = json_loads(doc_text, 0, NULL);
    free(doc_text);
    json_object_set_new(doc, "token", json_string(secret));
    memset(secret, 0, sizeof secret);
    snprintf(req->res.location, sizeof req->res.location, "/v1/tokens/%" PRId64, id);
    json_decref(body);
    http_json(req, 201, doc);
    return;
out:
    json_decref(body);
    api_fail(req, &p);
}

/* Checks ?active= (true, false or absent). Returns 0, or -1 with p set to 400. */
static int active_filter(const char *active, problem *p)
{
    if (!active || strcmp(active, "true") == 0 || strcmp(active, "false") == 0)
        return 0;
    problem_add(p, "active", "must be true or false");
    return problem_set(p, 400, "bad_parameter", "active must be true or false");
}

void tokens_list(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    list_page pg;
    const char *active = http_query(req, "active");
    store_docs *rows = NULL;
    if (list_page_read(req, &pg, &p) == 0 && active_filter(active, &p) == 0)
        rows = store_token_list(call->db, call->scope, pg.after, pg.limit + 1, active && strcmp(active, "true") == 0, &p);
    if (!rows) {
        api_fail(req, &p);
        return;
    }
    static const char *const columns[] = {"id",   "role",       "entity_id",  "person_id",
                                          "name", "created_at", "expires_at", "revoked_at"};
    static const char *const keep[] = {"active", NULL};
    list_answer_docs(req, rows, pg.limit, &(list_csv){columns, 8, NULL, keep});
}

void tokens_delete(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    store_token row;
    int found = store_token_get(call->db, call->scope, req->ids[0], &row, &p);
    if (!api_found(req, found, &p, "no active token with id %" PRId64, req->ids[0]))
        return;
    token_spec t = {auth_role_from_name(row.role), row.entity_id, row.person_id, row.issued_by};
    if (!auth_may_revoke(api_who(req), req->ids[0], &t, &p)) {
        api_fail(req, &p);
        return;
    }
    char hash[65];
    int done = store_token_revoke(call->db, call->scope, req->ids[0], &call->actor, hash, &p);
    if (!api_found(req, done, &p, "no active token with id %" PRId64, req->ids[0]))
        return;
    /* committed (no transaction is open on a DELETE): this process forgets it now, the others
     * when its notification reaches them (api/auth.c) */
    auth_token_forget(hash);
    http_body(req, 204, NULL, NULL, 0);
}
