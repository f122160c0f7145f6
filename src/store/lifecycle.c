/* lifecycle.c — adoption, revisions, closing, validation and the audit list (lifecycle.h). */
#include "store/lifecycle.h"

#include "store/stmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/plan_doc.h"
#include "store/sql_build.h"

static int st_lock = -1, st_adopt = -1, st_state = -1, st_revisions = -1, st_audit = -1;
static int st_transition[3] = {-1, -1, -1};

/* store_transition → the audit action and the lifecycle's action. */
static const char *const transition_action[] = {"open_revision", "close", "validate"};
static const rules_plan_action transition_rule[] = {RULES_PLAN_OPEN_REVISION, RULES_PLAN_CLOSE, RULES_PLAN_VALIDATE};

static int finish(buf *b) { return store_stmt_register_built(b); }

/* Appends the CTE old: the plan $<id> (in scope $1) as JSON, before the write. */
static void plan_before(buf *b, int id)
{
    buf_puts(b, "old AS (SELECT ");
    store_row_json_sql(b, &model_plans, "t");
    buf_printf(b, " AS doc FROM plans t WHERE t.id = $%d::bigint AND ($1::bigint IS NULL OR t.entity_id = $1::bigint))",
               id);
}

/* Appends, after the CTE w (the written plan), the CTEs j (w as JSON with its id, version,
 * the columns `more` and its entity) and a (the audit row of `action` by $2..$4: before from
 * old, after the document || the jsonb `after`, selected FROM j`from`). */
static void plan_audited(buf *b, const char *more, const char *action, const char *after, const char *from)
{
    buf_puts(b, "j AS (SELECT ");
    store_row_json_sql(b, &model_plans, "w");
    buf_printf(b,
               " AS doc, w.id, w.version%s, w.entity_id AS eid FROM w), a AS (INSERT INTO audit (entity_id, "
               "actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, before, after) SELECT "
               "j.eid, $2::bigint, $3::text, $4::text, '%s', 'plans', j.id, j.id, (SELECT doc FROM old)::jsonb, "
               "j.doc::jsonb || %s FROM j%s)",
               more, action, after, from);
}

/* $1 scope, $2 token, $3 name, $4 role, $5 number, $6 date, $7 body, $8 plan. */
static int build_adopt(void)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH dl AS (SELECT $5::text AS number, $6::date AS date, $7::text AS body), ");
    plan_before(&b, 8);
    buf_puts(&b,
             ", rv AS (INSERT INTO plan_revisions (entity_id, plan_id, number, deliberation_number, "
             "deliberation_date, deliberation_body, adopted_by, document) SELECT pl.entity_id, pl.id, "
             "pl.revision + 1, dl.number, dl.date, dl.body, $3::text, (");
    buf_puts(&b, store_plan_doc_sql());
    buf_puts(&b,
             ")::jsonb FROM plans pl, dl WHERE pl.id = $8::bigint AND ($1::bigint IS NULL OR pl.entity_id = "
             "$1::bigint) AND ");
    store_plan_allows_sql(&b, "pl", RULES_PLAN_ADOPT);
    buf_puts(&b,
             " RETURNING entity_id, plan_id, number), "
             "w AS (UPDATE plans t SET status = 'adopted', editing = false, revision = rv.number, "
             "version = t.version + 1, updated_at = now() FROM rv WHERE t.entity_id = rv.entity_id AND "
             "t.id = rv.plan_id RETURNING t.*), ");
    plan_audited(&b, ", w.revision", "adopt",
                 "jsonb_build_object('deliberation', jsonb_build_object('number', dl.number, 'date', dl.date, "
                 "'body', dl.body))",
                 ", dl");
    buf_puts(&b, " SELECT j.doc, j.version, j.revision FROM j");
    return finish(&b);
}

/* $1 scope, $2 token, $3 name, $4 role, $5 plan, $6 version or NULL, $7 extra audit JSON. */
static int build_transition(store_transition t)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH ");
    plan_before(&b, 5);
    buf_puts(&b, ", w AS (UPDATE plans t SET ");
    store_plan_after_sql(&b, transition_rule[t]);
    buf_puts(&b,
             ", version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint "
             "AND ($1::bigint IS NULL OR t.entity_id = $1::bigint) AND ($6::integer IS NULL OR t.version = "
             "$6::integer) AND ");
    store_plan_allows_sql(&b, "t", transition_rule[t]);
    buf_puts(&b, " RETURNING t.*), ");
    plan_audited(&b, "", transition_action[t], "COALESCE($7::jsonb, '{}'::jsonb)", "");
    buf_puts(&b, " SELECT j.doc, j.version FROM j");
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

int store_plan_state(store_conn *c, const char *scope, int64_t plan_id, const char **status, int *editing,
                     int *revision, int64_t *version, problem *p)
{
    int rc;
    PGresult *res = store_run_row(c, &STORE_BUILT(st_state, 2), STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id)), &rc, p);
    if (!res)
        return rc;
    *status = rules_plan_status_name(rules_plan_status_parse(row_text(res, 0, 0)));
    *editing = row_bool(res, 0, 1);
    *revision = row_int(res, 0, 2);
    *version = row_i64(res, 0, 3);
    PQclear(res);
    return 1;
}

void store_refuse(const store_refusal *w, problem *p)
{
    if (w->stale) {
        problem_set(p, 412, "precondition_failed", "the plan has changed since you read it");
        return;
    }
    const char *status = rules_plan_status_name(w->state.status);
    if (w->state.status == RULES_PLAN_ADOPTED && w->state.editing)
        problem_set(p, 409, rules_plan_refusal_code(w->why),
                    "the plan is adopted with revision %d open: it refuses this", w->revision + 1);
    else
        problem_set(p, 409, rules_plan_refusal_code(w->why), "the plan is %s (revision %d): it refuses this", status,
                    w->revision);
}

/* Refuses action on plan_id in the given state: fills *why (when not NULL) and p. */
static void refuse(problem *p, store_refusal *why, int64_t plan_id, rules_plan_action action, rules_plan_state state,
                   int revision)
{
    store_refusal w = {action, rules_plan_transition(state, action, NULL), state, revision, plan_id, 0, 0};
    store_refuse(&w, p);
    if (why)
        *why = w;
}

/* Refuses a write whose version precondition is stale: fills *why (when not NULL) and p. */
static void refuse_stale(problem *p, store_refusal *why, int64_t plan_id, rules_plan_action action, int64_t version)
{
    store_refusal w = {action, RULES_PLAN_ALLOWED, {RULES_PLAN_STATUS_UNKNOWN, 0}, 0, plan_id, 1, version};
    store_refuse(&w, p);
    if (why)
        *why = w;
}

int store_plan_adopt(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, int64_t if_version,
                     const store_deliberation *d, char **doc, int64_t *version, int *revision, store_refusal *why,
                     problem *p)
{
    if (store_begin(c, p) < 0)
        return -1;
    int rc = store_plan_adopt_in_tx(c, scope, who, plan_id, if_version, d, doc, version, revision, why, p);
    if (rc == 1 && store_commit(c, p) < 0) {
        free(*doc);
        *doc = NULL;
        rc = -1;
    }
    if (rc != 1)
        store_rollback(c);
    return rc;
}

int store_plan_adopt_in_tx(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id,
                           int64_t if_version, const store_deliberation *d, char **doc, int64_t *version, int *revision,
                           store_refusal *why, problem *p)
{
    *doc = NULL;
    int rc;
    PGresult *res = store_run_row(c, &STORE_BUILT(st_lock, 2), STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id)), &rc, p);
    if (!res)
        return rc;
    rules_plan_state state = {rules_plan_status_parse(row_text(res, 0, 0)), row_bool(res, 0, 1)};
    int current = row_int(res, 0, 2);
    int64_t at_version = row_i64(res, 0, 3);
    char prev_number[64], prev_date[16];
    const char *number = row_text(res, 0, 4), *date = row_text(res, 0, 5);
    snprintf(prev_number, sizeof prev_number, "%s", number ? number : "");
    snprintf(prev_date, sizeof prev_date, "%s", date ? date : "");
    int has_prev = date != NULL;
    PQclear(res);
    if (if_version >= 0 && if_version != at_version) {
        refuse_stale(p, why, plan_id, RULES_PLAN_ADOPT, at_version);
        return -1;
    }
    if (rules_plan_transition(state, RULES_PLAN_ADOPT, NULL) != RULES_PLAN_ALLOWED) {
        refuse(p, why, plan_id, RULES_PLAN_ADOPT, state, current);
        return -1;
    }
    if (has_prev && strcmp(d->date, prev_date) < 0) {
        problem_set(p, 422, "validation_failed", "the deliberation is older than the plan's current revision");
        problem_add(p, "deliberation.date", "%s is before %s, the date of deliberation %s (revision %d)", d->date,
                    prev_date, prev_number, current);
        return -1;
    }
    res = store_run(
        c, &STORE_BUILT(st_adopt, 8),
        STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_TEXT(d->number), SA_TEXT(d->date), SA_TEXT(d->body), SA_I64(plan_id)),
        p);
    if (!res)
        return -1;
    if (row_count(res) == 0) { /* cannot happen while we hold the row */
        PQclear(res);
        return problem_set(p, 409, "conflict", "the plan changed while it was adopted; try again");
    }
    *version = row_i64(res, 0, 1);
    *revision = row_int(res, 0, 2);
    rc = row_dup(res, 0, 0, doc, p);
    PQclear(res);
    return rc;
}

int store_plan_transition(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, store_transition t,
                          int64_t if_version, const char *extra_json, char **doc, int64_t *version, store_refusal *why,
                          problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(plan_id), SA_VERSION(if_version),
                                     SA_TEXT(extra_json));
    PGresult *res = store_run(c, &STORE_BUILT(st_transition[t], 7), a, p);
    if (!res)
        return -1;
    if (row_count(res) > 0) {
        *version = row_i64(res, 0, 1);
        int rc = row_dup(res, 0, 0, doc, p);
        PQclear(res);
        return rc;
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
        refuse_stale(p, why, plan_id, transition_rule[t], at_version);
        return -1;
    }
    refuse(p, why, plan_id, transition_rule[t], (rules_plan_state){rules_plan_status_parse(status), editing}, revision);
    return -1;
}

int store_plan_revision_list(store_conn *c, const char *scope, int64_t plan_id, store_docs **out, problem *p)
{
    return store_run_docs(c, &STORE_BUILT(st_revisions, 2), STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id)), out, p);
}

int store_audit_list(store_conn *c, const char *scope, const store_audit_filter *f, int64_t after, int limit,
                     store_docs **out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(scope), SA_I64(after), SA_I64(limit), SA_TEXT(f->entity_id),
                                     SA_TEXT(f->plan_id), SA_TEXT(f->resource), SA_TEXT(f->resource_id),
                                     SA_TEXT(f->actor), SA_TEXT(f->role), SA_TEXT(f->action), SA_TEXT(f->since),
                                     SA_TEXT(f->until));
    return store_run_docs(c, &STORE_BUILT(st_audit, 12), a, out, p);
}
