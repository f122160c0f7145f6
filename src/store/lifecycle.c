/* lifecycle.c — adoption, revisions, closing, validation and the audit list (lifecycle.h). */
#include "store/lifecycle.h"

#include "store/stmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/plan_doc.h"

static int st_lock = -1, st_adopt = -1, st_state = -1, st_revisions = -1, st_audit = -1;
static int st_transition[3] = {-1, -1, -1};

static const char *const transition_action[] = {"open_revision", "close", "validate"};
static const char *const transition_set[] = {"editing = true", "status = 'closed'", "status = 'validated'"};
static const char *const transition_from[] = {"t.status = 'adopted' AND NOT t.editing",
                                              "t.status = 'adopted' AND NOT t.editing", "t.status = 'closed'"};

static int finish(buf *b)
{
    if (b->failed)
        return -1;
    return store_stmt_register(buf_steal(b, NULL)); /* lives for the process */
}

/* $1 scope, $2 token, $3 name, $4 role, $5 number, $6 date, $7 body, $8 plan. */
static int build_adopt(void)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH dl AS (SELECT $5::text AS number, $6::date AS date, $7::text AS body), old AS (SELECT ");
    store_row_json_sql(&b, &model_plans, "t");
    buf_puts(&b,
             " AS doc FROM plans t WHERE t.id = $8::bigint AND ($1::bigint IS NULL OR t.entity_id = $1::bigint)), "
             "rv AS (INSERT INTO plan_revisions (entity_id, plan_id, number, deliberation_number, "
             "deliberation_date, deliberation_body, adopted_by, document) SELECT pl.entity_id, pl.id, "
             "pl.revision + 1, dl.number, dl.date, dl.body, $3::text, (");
    buf_puts(&b, store_plan_doc_sql());
    buf_puts(&b,
             ")::jsonb FROM plans pl, dl WHERE pl.id = $8::bigint AND ($1::bigint IS NULL OR pl.entity_id = "
             "$1::bigint) AND (pl.status = 'draft' OR (pl.status = 'adopted' AND pl.editing)) "
             "RETURNING entity_id, plan_id, number), "
             "w AS (UPDATE plans t SET status = 'adopted', editing = false, revision = rv.number, "
             "version = t.version + 1, updated_at = now() FROM rv WHERE t.entity_id = rv.entity_id AND "
             "t.id = rv.plan_id RETURNING t.*), j AS (SELECT ");
    store_row_json_sql(&b, &model_plans, "w");
    buf_puts(&b,
             " AS doc, w.id, w.version, w.revision, w.entity_id AS eid FROM w), "
             "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, "
             "resource_id, plan_id, before, after) SELECT j.eid, $2::bigint, $3::text, $4::text, 'adopt', "
             "'plans', j.id, j.id, (SELECT doc FROM old)::jsonb, j.doc::jsonb || jsonb_build_object("
             "'deliberation', jsonb_build_object('number', dl.number, 'date', dl.date, 'body', dl.body)) "
             "FROM j, dl) SELECT j.doc, j.version, j.revision FROM j");
    return finish(&b);
}

/* $1 scope, $2 token, $3 name, $4 role, $5 plan, $6 version or NULL, $7 extra audit JSON. */
static int build_transition(store_transition t)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH old AS (SELECT ");
    store_row_json_sql(&b, &model_plans, "t");
    buf_printf(&b,
               " AS doc FROM plans t WHERE t.id = $5::bigint AND ($1::bigint IS NULL OR t.entity_id = $1::bigint)), "
               "w AS (UPDATE plans t SET %s, version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint "
               "AND ($1::bigint IS NULL OR t.entity_id = $1::bigint) AND ($6::integer IS NULL OR t.version = "
               "$6::integer) AND %s RETURNING t.*), j AS (SELECT ",
               transition_set[t], transition_from[t]);
    store_row_json_sql(&b, &model_plans, "w");
    buf_printf(&b,
               " AS doc, w.id, w.version, w.entity_id AS eid FROM w), "
               "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, "
               "resource_id, plan_id, before, after) SELECT j.eid, $2::bigint, $3::text, $4::text, '%s', 'plans', "
               "j.id, j.id, (SELECT doc FROM old)::jsonb, j.doc::jsonb || COALESCE($7::jsonb, '{}'::jsonb) FROM j) "
               "SELECT j.doc, j.version FROM j",
               transition_action[t]);
    return finish(&b);
}

int store_lifecycle_register(void)
{
    if (store_plan_doc_register() < 0)
        return -1;
    st_lock = store_stmt_register(
        "SELECT pl.status, pl.editing, pl.revision, pl.version, r.deliberation_number, r.deliberation_date::text "
        "FROM plans pl LEFT JOIN plan_revisions r ON r.entity_id = pl.entity_id AND r.plan_id = pl.id AND "
        "r.number = pl.revision WHERE pl.id = $2::bigint AND ($1::bigint IS NULL OR pl.entity_id = $1::bigint) "
        "FOR UPDATE OF pl");
    st_state = store_stmt_register(
        "SELECT pl.status, pl.editing, pl.revision, pl.version FROM plans pl "
        "WHERE pl.id = $2::bigint AND ($1::bigint IS NULL OR pl.entity_id = $1::bigint)");
    st_revisions = store_stmt_register(
        "SELECT json_build_object('number', r.number, 'status', 'adopted', 'deliberation', json_build_object("
        "'number', r.deliberation_number, 'date', r.deliberation_date, 'body', r.deliberation_body), "
        "'adopted_at', to_char(r.adopted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "'adopted_by', r.adopted_by)::text FROM plan_revisions r WHERE r.plan_id = $2::bigint AND "
        "($1::bigint IS NULL OR r.entity_id = $1::bigint) ORDER BY r.number");
    st_audit = store_stmt_register(
        "SELECT json_build_object('id', a.id, 'at', to_char(a.at AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'actor', json_build_object('name', a.actor_name, 'role', a.actor_role, "
        "'token_id', a.actor_token, 'chain', a.actor_chain), 'action', a.action, 'resource', a.resource, 'resource_id', a.resource_id, "
        "'entity_id', a.entity_id, 'plan_id', a.plan_id, 'before', a.before, 'after', a.after)::text, a.id "
        "FROM audit a WHERE ($1::bigint IS NULL OR a.entity_id = $1::bigint) AND a.id > $2::bigint "
        "AND ($4::bigint IS NULL OR a.entity_id = $4::bigint) AND ($5::bigint IS NULL OR a.plan_id = $5::bigint) "
        "AND ($6::text IS NULL OR a.resource = $6::text) AND ($7::bigint IS NULL OR a.resource_id = $7::bigint) "
        "AND ($8::text IS NULL OR a.actor_name = $8::text) AND ($9::text IS NULL OR a.actor_role = $9::text) "
        "AND ($10::text IS NULL OR a.action = $10::text) AND ($11::timestamptz IS NULL OR a.at >= $11::timestamptz) "
        "AND ($12::timestamptz IS NULL OR a.at < $12::timestamptz) ORDER BY a.id LIMIT $3::integer");
    st_adopt = build_adopt();
    for (int t = 0; t < 3; t++)
        if ((st_transition[t] = build_transition((store_transition)t)) < 0)
            return -1;
    return st_lock < 0 || st_state < 0 || st_revisions < 0 || st_audit < 0 || st_adopt < 0 ? -1 : 0;
}

static const char *status_name(const char *s)
{
    static const char *const names[] = {"draft", "adopted", "closed", "validated"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return names[i];
    return "unknown";
}

int store_plan_state(store_conn *c, const char *scope, int64_t plan_id, const char **status, int *editing,
                     int *revision, int64_t *version, problem *p)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, plan_id);
    const char *params[] = {scope, id};
    PGresult *res = store_exec(c, st_state, 2, params, p);
    if (!res)
        return -1;
    int found = PQntuples(res) > 0;
    if (found) {
        *status = status_name(PQgetvalue(res, 0, 0));
        *editing = PQgetvalue(res, 0, 1)[0] == 't';
        *revision = atoi(PQgetvalue(res, 0, 2));
        *version = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
    }
    PQclear(res);
    return found;
}

/* Fills p with why plan_id (in status/editing/revision) cannot take `what`. */
static void refuse(problem *p, int64_t plan_id, const char *what, const char *status, int editing, int revision)
{
    int adopted = strcmp(status, "adopted") == 0;
    if (strcmp(what, "adopt") == 0) {
        if (adopted)
            problem_set(p, 409, "plan_adopted",
                        "the plan is already adopted (revision %d): open a revision (POST /v1/plans/%" PRId64
                        "/revisions) to change it",
                        revision, plan_id);
        else
            problem_set(p, 409, "plan_not_adoptable", "the plan is %s: it can no longer be adopted", status);
    } else if (strcmp(what, "open_revision") == 0) {
        if (adopted && editing)
            problem_set(p, 409, "revision_open",
                        "revision %d is already open: adopt it (POST /v1/plans/%" PRId64 "/adopt) first", revision + 1,
                        plan_id);
        else if (strcmp(status, "draft") == 0)
            problem_set(p, 409, "plan_draft",
                        "the plan is a draft: it is edited directly, and its first adoption makes revision 1");
        else
            problem_set(p, 409, "plan_not_revisable", "the plan is %s: it can no longer be revised", status);
    } else if (strcmp(what, "close") == 0) {
        if (adopted && editing)
            problem_set(p, 409, "revision_open", "revision %d is open: adopt it before closing the plan", revision + 1);
        else if (strcmp(status, "draft") == 0)
            problem_set(p, 409, "plan_draft", "the plan is a draft: adopt it before closing it");
        else
            problem_set(p, 409, "plan_not_closable", "the plan is already %s", status);
    } else {
        problem_set(p, 409, "plan_not_closed",
                    "the plan is %s: only a closed plan can be validated (POST /v1/plans/%" PRId64 "/close)", status,
                    plan_id);
    }
}

int store_plan_adopt(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, int64_t if_version,
                     const store_deliberation *d, char **doc, int64_t *version, int *revision, problem *p)
{
    if (store_begin(c, p) < 0)
        return -1;
    int rc = store_plan_adopt_in_tx(c, scope, who, plan_id, if_version, d, doc, version, revision, p);
    if (rc == 1 && store_commit(c, p) < 0) {
        free(*doc);
        *doc = NULL;
        rc = -1;
    }
    if (rc != 1)
        store_rollback(c);
    return rc;
}

int store_plan_adopt_in_tx(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, int64_t if_version,
                           const store_deliberation *d, char **doc, int64_t *version, int *revision, problem *p)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, plan_id);
    *doc = NULL;
    const char *lock_params[] = {scope, id};
    PGresult *res = store_exec(c, st_lock, 2, lock_params, p);
    if (!res)
        goto fail;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    const char *status = status_name(PQgetvalue(res, 0, 0));
    int editing = PQgetvalue(res, 0, 1)[0] == 't';
    int current = atoi(PQgetvalue(res, 0, 2));
    int64_t at_version = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
    char prev_number[64], prev_date[16];
    snprintf(prev_number, sizeof prev_number, "%s", PQgetvalue(res, 0, 4));
    snprintf(prev_date, sizeof prev_date, "%s", PQgetvalue(res, 0, 5));
    int has_prev = !PQgetisnull(res, 0, 5);
    PQclear(res);
    if (if_version >= 0 && if_version != at_version) {
        problem_set(p, 412, "precondition_failed", "the plan has changed since you read it");
        problem_hint(p, "read it again (its ETag is \"%" PRId64 "\")", at_version);
        goto fail;
    }
    if (!(strcmp(status, "draft") == 0 || (strcmp(status, "adopted") == 0 && editing))) {
        refuse(p, plan_id, "adopt", status, editing, current);
        goto fail;
    }
    if (has_prev && strcmp(d->date, prev_date) < 0) {
        problem_set(p, 422, "validation_failed", "the deliberation is older than the plan's current revision");
        problem_add(p, "deliberation.date", "%s is before %s, the date of deliberation %s (revision %d)", d->date,
                    prev_date, prev_number, current);
        goto fail;
    }
    const char *params[] = {scope, who->token_id, who->name, who->role, d->number, d->date, d->body, id};
    res = store_exec(c, st_adopt, 8, params, p);
    if (!res)
        goto fail;
    if (PQntuples(res) == 0) { /* cannot happen while we hold the row */
        PQclear(res);
        problem_set(p, 409, "conflict", "the plan changed while it was adopted; try again");
        goto fail;
    }
    *doc = strdup(PQgetvalue(res, 0, 0));
    *version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    *revision = atoi(PQgetvalue(res, 0, 2));
    PQclear(res);
    if (!*doc) {
        problem_set(p, 503, "out_of_memory", "the server is out of memory");
        goto fail;
    }
    return 1;
fail:
    return -1;
}

int store_plan_transition(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, store_transition t,
                          int64_t if_version, const char *extra_json, char **doc, int64_t *version, problem *p)
{
    char id[24], ver[24];
    snprintf(id, sizeof id, "%" PRId64, plan_id);
    snprintf(ver, sizeof ver, "%" PRId64, if_version);
    const char *params[] = {scope, who->token_id, who->name, who->role, id, if_version >= 0 ? ver : NULL, extra_json};
    PGresult *res = store_exec(c, st_transition[t], 7, params, p);
    if (!res)
        return -1;
    if (PQntuples(res) > 0) {
        *doc = strdup(PQgetvalue(res, 0, 0));
        *version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        PQclear(res);
        if (!*doc)
            return problem_set(p, 503, "out_of_memory", "the server is out of memory");
        return 1;
    }
    PQclear(res);
    /* Nothing matched: tell why, from the state as it is now. */
    const char *status;
    int editing, revision;
    int64_t at_version;
    int found = store_plan_state(c, scope, plan_id, &status, &editing, &revision, &at_version, p);
    if (found <= 0)
        return found;
    if (if_version >= 0 && if_version != at_version) {
        problem_set(p, 412, "precondition_failed", "the plan has changed since you read it");
        return -1;
    }
    refuse(p, plan_id, transition_action[t], status, editing, revision);
    return -1;
}

int store_plan_revision_list(store_conn *c, const char *scope, int64_t plan_id, store_docs **out, problem *p)
{
    store_args a = {0};
    arg_text(&a, scope);
    arg_i64(&a, plan_id);
    *out = store_docs_take(store_run_id(c, st_revisions, 2, &a, p), p);
    return *out ? 0 : -1;
}

int store_audit_list(store_conn *c, const char *scope, const store_audit_filter *f, int64_t after, int limit,
                     store_docs **out, problem *p)
{
    store_args a = {0};
    arg_text(&a, scope);
    arg_i64(&a, after);
    arg_i64(&a, limit);
    const char *const filters[] = {f->entity_id, f->plan_id, f->resource, f->resource_id, f->actor,
                                   f->role,      f->action,  f->since,    f->until};
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        arg_text(&a, filters[i]);
    *out = store_docs_take(store_run_id(c, st_audit, 12, &a, p), p);
    return *out ? 0 : -1;
}
