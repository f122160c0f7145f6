/* periods.c — monitoring periods, corrections and score overrides (periods.h). */
#include "store/periods.h"

#include <stdio.h>
#include <string.h>

#include "store/sql_build.h"
#include "store/stmt.h"

/* The statements, by name; $1 is always the caller's entity scope, writes take $2 token id,
 * $3 actor name, $4 actor role. */
typedef enum store_period_stmt {
    PS_STATE_PHASE, /* $2 id: plan_id, status, closed_through, kind of that review, objective_id */
    PS_STATE_INDICATOR,
    PS_STATE_OBJECTIVE,
    PS_STATE_PLAN,
    PS_MEASUREMENT_CORRECTIONS, /* $2 objective id, $3 as_of: correction JSON, indicator_id */
    PS_PROGRESS_CORRECTIONS,    /* same: correction JSON, phase_id */
    OV_INSERT,                  /* $5 objective id, $6 as_of, $7 score, $8 reason, $9 seen status → doc */
    OV_GET,                     /* $2 id → doc, objective_id, status, as_of */
    OV_LIST_OBJECTIVE,          /* $2 objective id, $3 status or NULL, $4 after id, $5 limit → doc, id */
    OV_LIST_PLAN,               /* $2 plan id, same */
    OV_DECIDE,                  /* $5 id, $6 'approved' or 'rejected', $7 note, $8 seen plan status → doc */
    OV_EFFECTIVE,               /* $2 objective id, $3 as_of → doc */
    PS_COUNT
} store_period_stmt;

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* The plan state of an entry's row `t`: the columns of PS_STATE_*. */
#define STATE_COLS                                                                                         \
    "SELECT pl.id, pl.status, pl.closed_through::text, (SELECT r.kind FROM reviews r WHERE r.entity_id = " \
    "pl.entity_id AND r.plan_id = pl.id AND r.as_of = pl.closed_through ORDER BY r.kind = 'final' DESC LIMIT 1)"
#define STATE_OF(table)                                                      \
    STATE_COLS ", t.objective_id FROM " table                                \
               " t JOIN plans pl ON pl.entity_id = t.entity_id AND pl.id = " \
               "t.plan_id WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE("t")
/* The entity of objective $2 in scope, for the index on (entity_id, objective_id). */
#define OBJECTIVE_ENTITY "(SELECT o.entity_id FROM objectives o WHERE o.id = $2::bigint AND " STORE_SQL_SCOPE("o") ")"
#define OVERRIDE_JSON(v)                                                                                            \
    "(SELECT row_to_json(x) FROM (SELECT " v ".id, " v ".objective_id, " v ".plan_id, " v ".as_of, " v ".score, " v \
    ".reason, " v ".status, " v ".requested_by, " v                                                                 \
    ".requested_role, " TS(v ".requested_at") " AS requested_at, " v                                                \
                                              ".decided_by, " TS(v ".decided_at") " AS decided_at, " v              \
                                                                                  ".decision_note) x)"
#define OVERRIDE_AUDIT                                                                                            \
    "INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, " \
    "before, after) "

static store_stmt st[PS_COUNT] = {
    [PS_STATE_PHASE] = {"periods.state_phase", STATE_OF("phases"), 2, 0},
    [PS_STATE_INDICATOR] = {"periods.state_indicator", STATE_OF("indicators"), 2, 0},
    [PS_STATE_OBJECTIVE] = {"periods.state_objective",
                            STATE_COLS ", t.id FROM objectives t JOIN plans pl ON pl.entity_id = t.entity_id AND "
                                       "pl.id = t.plan_id WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE("t"),
                            2, 0},
    [PS_STATE_PLAN] = {"periods.state_plan",
                       STATE_COLS ", NULL::bigint FROM plans pl WHERE pl.id = $2::bigint AND " STORE_SQL_SCOPE("pl"), 2,
                       0},
    [PS_MEASUREMENT_CORRECTIONS] =
        {"periods.measurement_corrections",
         "SELECT json_build_object('id', c.id, 'value', c.value, 'not_assessable', c.not_assessable, 'as_of', "
         "c.as_of, 'reason', c.correction_reason, 'recorded_by', c.actor_name, 'created_at', " TS(
             "c.created_at") ", "
                             "'corrects', (SELECT json_build_object('id', m.id, 'value', m.value, 'not_assessable', m.not_assessable, "
                             "'as_of', m.as_of, 'recorded_by', m.actor_name, 'recorded_role', m.actor_role) FROM measurements m WHERE "
                             "m.entity_id = c.entity_id AND m.id = c.corrects_id))::text, i.id FROM indicators i CROSS JOIN LATERAL (SELECT "
                             "m.* FROM measurements m WHERE m.entity_id = i.entity_id AND m.indicator_id = i.id AND m.as_of <= "
                             "$3::date ORDER BY m.as_of DESC, m.id DESC LIMIT 1) c WHERE i.entity_id = " OBJECTIVE_ENTITY
                             " AND "
                             "i.objective_id = $2::bigint AND c.correction_reason IS NOT NULL ORDER BY i.id",
         3, 0},
    [PS_PROGRESS_CORRECTIONS] =
        {"periods.progress_corrections",
         "SELECT json_build_object('id', c.id, 'percent_complete', c.percent_complete, 'completed_on', "
         "c.completed_on, 'as_of', c.as_of, 'reason', c.correction_reason, 'recorded_by', c.actor_name, "
         "'created_at', " TS(
             "c.created_at") ", 'corrects', (SELECT json_build_object('id', g.id, "
                             "'percent_complete', g.percent_complete, 'completed_on', g.completed_on, 'as_of', g.as_of, 'recorded_by', "
                             "g.actor_name, 'recorded_role', g.actor_role) FROM progress g WHERE g.entity_id = c.entity_id AND g.id = "
                             "c.corrects_id))::text, f.id FROM phases f CROSS JOIN LATERAL (SELECT g.* FROM progress g WHERE g.entity_id = "
                             "f.entity_id AND g.phase_id = f.id AND g.as_of <= $3::date ORDER BY g.as_of DESC, g.id DESC LIMIT 1) c "
                             "WHERE f.entity_id = " OBJECTIVE_ENTITY
                             " AND f.objective_id = $2::bigint AND c.correction_reason IS NOT "
                             "NULL ORDER BY f.id",
         3, 0},
    [OV_INSERT] =
        {"periods.override_insert",
         "WITH t AS (SELECT o.entity_id, o.id, o.plan_id FROM objectives o JOIN plans pl ON pl.entity_id = "
         "o.entity_id AND pl.id = o.plan_id WHERE o.id = $5::bigint AND " STORE_SQL_SCOPE(
             "o") " AND o.removed_in_revision "
                  "IS NULL AND pl.status = $9::text FOR SHARE OF pl), g AS (INSERT INTO score_overrides (entity_id, plan_id, "
                  "objective_id, as_of, score, reason, requested_by, requested_role) SELECT t.entity_id, t.plan_id, t.id, "
                  "$6::date, $7::numeric, $8::text, $3::text, $4::text FROM t RETURNING *), j AS (SELECT " OVERRIDE_JSON(
                      "g") " AS doc, g.id, g.entity_id, g.plan_id FROM g), a AS (" OVERRIDE_AUDIT
                           "SELECT j.entity_id, $2::bigint, "
                           "$3::text, $4::text, 'create', 'score_overrides', j.id, j.plan_id, NULL, j.doc::jsonb FROM j) SELECT j.doc "
                           "FROM j",
         9, 0},
    [OV_GET] = {"periods.override_get",
                "SELECT " OVERRIDE_JSON("v") ", v.objective_id, v.status, v.as_of FROM score_overrides v WHERE v.id = "
                                             "$2::bigint AND " STORE_SQL_SCOPE("v"),
                2, 0},
    [OV_LIST_OBJECTIVE] = {"periods.override_list_objective",
                           "SELECT " OVERRIDE_JSON(
                               "v") ", v.id FROM score_overrides v WHERE v.entity_id = " OBJECTIVE_ENTITY
                                    " AND v.objective_id = $2::bigint AND ($3::text IS NULL OR v.status = "
                                    "$3::text) AND v.id > $4::bigint ORDER BY v.id LIMIT $5::integer",
                           5, 0},
    [OV_LIST_PLAN] =
        {"periods.override_list_plan",
         "SELECT " OVERRIDE_JSON("v") ", v.id FROM score_overrides v WHERE v.plan_id = $2::bigint AND " STORE_SQL_SCOPE(
             "v") " AND ($3::text IS NULL OR v.status = $3::text) AND v.id > $4::bigint ORDER BY v.id "
                  "LIMIT $5::integer",
         5, 0},
    [OV_DECIDE] =
        {"periods.override_decide",
         "WITH cur AS (SELECT v.* FROM score_overrides v JOIN plans pl ON pl.entity_id = v.entity_id AND pl.id = "
         "v.plan_id WHERE v.id = $5::bigint AND " STORE_SQL_SCOPE(
             "v") " AND v.status = 'requested' AND pl.status = $8::text "
                  "FOR UPDATE OF v FOR SHARE OF pl), w AS (UPDATE score_overrides t SET status = $6::text, decided_by = "
                  "$3::text, decided_at = now(), decision_note = $7::text, version = t.version + 1 FROM cur WHERE t.entity_id "
                  "= cur.entity_id AND t.id = cur.id RETURNING t.*), j AS (SELECT " OVERRIDE_JSON("w") " AS doc, (SELECT " OVERRIDE_JSON(
                      "cur") " FROM cur) AS before, w.id, w.entity_id, w.plan_id FROM w), a AS (" OVERRIDE_AUDIT
                             "SELECT j.entity_id, $2::bigint, $3::text, $4::text, CASE WHEN $6::text = 'approved' THEN 'approve' ELSE "
                             "'reject' END, 'score_overrides', j.id, j.plan_id, j.before::jsonb, j.doc::jsonb FROM j) SELECT j.doc FROM j",
         8, 0},
    [OV_EFFECTIVE] = {"periods.override_effective",
                      "SELECT " OVERRIDE_JSON(
                          "v") " FROM score_overrides v WHERE v.entity_id = " OBJECTIVE_ENTITY
                               " AND v.objective_id = $2::bigint AND v.status = 'approved' AND v.as_of <= $3::date ORDER BY "
                               "v.as_of DESC, v.decided_at DESC, v.id DESC LIMIT 1",
                      3, 0},
};

int store_periods_register(void) { return STORE_STMTS_REGISTER(st); }

int store_period_state_of(store_conn *c, store_period_of of, const char *scope, int64_t id, store_period_state *out,
                          problem *p)
{
    static const store_period_stmt q[] = {PS_STATE_PHASE, PS_STATE_INDICATOR, PS_STATE_OBJECTIVE, PS_STATE_PLAN};
    memset(out, 0, sizeof *out);
    int rc;
    PGresult *r = store_run_row(c, &st[q[of]], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), &rc, p);
    if (!r)
        return rc;
    out->plan_id = row_i64(r, 0, 0);
    snprintf(out->status, sizeof out->status, "%s", row_text(r, 0, 1));
    snprintf(out->closed_through, sizeof out->closed_through, "%s", row_null(r, 0, 2) ? "" : row_text(r, 0, 2));
    snprintf(out->closed_by, sizeof out->closed_by, "%s", row_null(r, 0, 3) ? "" : row_text(r, 0, 3));
    out->objective_id = row_i64(r, 0, 4);
    PQclear(r);
    return 1;
}

int store_period_corrections(store_conn *c, int progress, const char *scope, int64_t objective_id, const char *as_of,
                             store_docs **out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(scope), SA_I64(objective_id), SA_TEXT(as_of));
    return store_run_docs(c, &st[progress ? PS_PROGRESS_CORRECTIONS : PS_MEASUREMENT_CORRECTIONS], a, out, p);
}

int store_override_effective(store_conn *c, const char *scope, int64_t objective_id, const char *as_of, char **doc,
                             problem *p)
{
    return store_run_text(c, &st[OV_EFFECTIVE], STORE_ARGS(SA_TEXT(scope), SA_I64(objective_id), SA_TEXT(as_of)), doc, p);
}

int store_override_insert(store_conn *c, const char *scope, const store_actor *who, int64_t objective_id,
                          const char *as_of, const char *score, const char *reason, const char *seen, char **doc,
                          problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(objective_id), SA_TEXT(as_of), SA_TEXT(score),
                                     SA_TEXT(reason), SA_TEXT(seen));
    return store_run_text(c, &st[OV_INSERT], a, doc, p);
}

int store_override_get(store_conn *c, const char *scope, int64_t id, store_override *out, problem *p)
{
    memset(out, 0, sizeof *out);
    PGresult *r = store_run(c, &st[OV_GET], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), p);
    if (!r)
        return -1;
    int found = row_count(r) > 0;
    if (found) {
        out->objective_id = row_i64(r, 0, 1);
        snprintf(out->status, sizeof out->status, "%s", row_text(r, 0, 2));
        found = row_dup(r, 0, 0, &out->doc, p) < 0 ? -1 : 1;
    }
    PQclear(r);
    return found;
}

int store_override_list(store_conn *c, int of_plan, const char *scope, int64_t id, const char *status,
                        const char *after, const char *limit, store_docs **out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(scope), SA_I64(id), SA_TEXT(status), SA_TEXT(after), SA_TEXT(limit));
    return store_run_docs(c, &st[of_plan ? OV_LIST_PLAN : OV_LIST_OBJECTIVE], a, out, p);
}

int store_override_decide(store_conn *c, const char *scope, const store_actor *who, int64_t id, const char *status,
                          const char *note, const char *seen, char **doc, problem *p)
{
    return store_run_text(
        c, &st[OV_DECIDE],
        STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(id), SA_TEXT(status), SA_TEXT(note), SA_TEXT(seen)), doc, p);
}
