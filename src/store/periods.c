/* periods.c — monitoring periods, corrections and score overrides (periods.h). */
#include "store/periods.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define SCOPED(alias) "($1::bigint IS NULL OR " alias ".entity_id = $1::bigint)"
/* The plan state of an entry's row `t`: the columns of PS_STATE_*. */
#define STATE_COLS                                                                                         \
    "SELECT pl.id, pl.status, pl.closed_through::text, (SELECT r.kind FROM reviews r WHERE r.entity_id = " \
    "pl.entity_id AND r.plan_id = pl.id AND r.as_of = pl.closed_through ORDER BY r.kind = 'final' DESC LIMIT 1)"
#define STATE_OF(table)                                                      \
    STATE_COLS ", t.objective_id FROM " table                                \
               " t JOIN plans pl ON pl.entity_id = t.entity_id AND pl.id = " \
               "t.plan_id WHERE t.id = $2::bigint AND " SCOPED("t")
/* The entity of objective $2 in scope, for the index on (entity_id, objective_id). */
#define OBJECTIVE_ENTITY "(SELECT o.entity_id FROM objectives o WHERE o.id = $2::bigint AND " SCOPED("o") ")"
#define OVERRIDE_JSON(v)                                                                                            \
    "(SELECT row_to_json(x) FROM (SELECT " v ".id, " v ".objective_id, " v ".plan_id, " v ".as_of, " v ".score, " v \
    ".reason, " v ".status, " v ".requested_by, " v                                                                 \
    ".requested_role, " TS(v ".requested_at") " AS requested_at, " v                                                \
                                              ".decided_by, " TS(v ".decided_at") " AS decided_at, " v              \
                                                                                  ".decision_note) x)"
#define OVERRIDE_AUDIT                                                                                            \
    "INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, " \
    "before, after) "

static const char *const sql[PS_COUNT] = {
    [PS_STATE_PHASE] = STATE_OF("phases"),
    [PS_STATE_INDICATOR] = STATE_OF("indicators"),
    [PS_STATE_OBJECTIVE] = STATE_COLS ", t.id FROM objectives t JOIN plans pl ON pl.entity_id = t.entity_id AND "
                                      "pl.id = t.plan_id WHERE t.id = $2::bigint AND " SCOPED("t"),
    [PS_STATE_PLAN] = STATE_COLS ", NULL::bigint FROM plans pl WHERE pl.id = $2::bigint AND " SCOPED("pl"),
    [PS_MEASUREMENT_CORRECTIONS] =
        "SELECT i.id, json_build_object('id', c.id, 'value', c.value, 'not_assessable', c.not_assessable, 'as_of', "
        "c.as_of, 'reason', c.correction_reason, 'recorded_by', c.actor_name, 'created_at', " TS("c.created_at") ", "
        "'corrects', (SELECT json_build_object('id', m.id, 'value', m.value, 'not_assessable', m.not_assessable, "
        "'as_of', m.as_of, 'recorded_by', m.actor_name, 'recorded_role', m.actor_role) FROM measurements m WHERE "
        "m.entity_id = c.entity_id AND m.id = c.corrects_id))::text FROM indicators i CROSS JOIN LATERAL (SELECT "
        "m.* FROM measurements m WHERE m.entity_id = i.entity_id AND m.indicator_id = i.id AND m.as_of <= "
        "$3::date ORDER BY m.as_of DESC, m.id DESC LIMIT 1) c WHERE i.entity_id = " OBJECTIVE_ENTITY " AND "
        "i.objective_id = $2::bigint AND c.correction_reason IS NOT NULL ORDER BY i.id",
    [PS_PROGRESS_CORRECTIONS] =
        "SELECT f.id, json_build_object('id', c.id, 'percent_complete', c.percent_complete, 'completed_on', "
        "c.completed_on, 'as_of', c.as_of, 'reason', c.correction_reason, 'recorded_by', c.actor_name, "
        "'created_at', " TS("c.created_at") ", 'corrects', (SELECT json_build_object('id', g.id, "
        "'percent_complete', g.percent_complete, 'completed_on', g.completed_on, 'as_of', g.as_of, 'recorded_by', "
        "g.actor_name, 'recorded_role', g.actor_role) FROM progress g WHERE g.entity_id = c.entity_id AND g.id = "
        "c.corrects_id))::text FROM phases f CROSS JOIN LATERAL (SELECT g.* FROM progress g WHERE g.entity_id = "
        "f.entity_id AND g.phase_id = f.id AND g.as_of <= $3::date ORDER BY g.as_of DESC, g.id DESC LIMIT 1) c "
        "WHERE f.entity_id = " OBJECTIVE_ENTITY " AND f.objective_id = $2::bigint AND c.correction_reason IS NOT "
        "NULL ORDER BY f.id",
    [OV_INSERT] =
        "WITH t AS (SELECT o.entity_id, o.id, o.plan_id FROM objectives o JOIN plans pl ON pl.entity_id = "
        "o.entity_id AND pl.id = o.plan_id WHERE o.id = $5::bigint AND " SCOPED("o") " AND o.removed_in_revision "
        "IS NULL AND pl.status = $9::text FOR SHARE OF pl), g AS (INSERT INTO score_overrides (entity_id, plan_id, "
        "objective_id, as_of, score, reason, requested_by, requested_role) SELECT t.entity_id, t.plan_id, t.id, "
        "$6::date, $7::numeric, $8::text, $3::text, $4::text FROM t RETURNING *), j AS (SELECT " OVERRIDE_JSON("g")
        " AS doc, g.id, g.entity_id, g.plan_id FROM g), a AS (" OVERRIDE_AUDIT "SELECT j.entity_id, $2::bigint, "
        "$3::text, $4::text, 'create', 'score_overrides', j.id, j.plan_id, NULL, j.doc::jsonb FROM j) SELECT j.doc "
        "FROM j",
    [OV_GET] = "SELECT " OVERRIDE_JSON("v") ", v.objective_id, v.status, v.as_of FROM score_overrides v WHERE v.id = "
               "$2::bigint AND " SCOPED("v"),
    [OV_LIST_OBJECTIVE] = "SELECT " OVERRIDE_JSON("v") ", v.id FROM score_overrides v WHERE v.entity_id = "
                          OBJECTIVE_ENTITY " AND v.objective_id = $2::bigint AND ($3::text IS NULL OR v.status = "
                          "$3::text) AND v.id > $4::bigint ORDER BY v.id LIMIT $5::integer",
    [OV_LIST_PLAN] = "SELECT " OVERRIDE_JSON("v") ", v.id FROM score_overrides v WHERE v.plan_id = $2::bigint AND "
                     SCOPED("v") " AND ($3::text IS NULL OR v.status = $3::text) AND v.id > $4::bigint ORDER BY v.id "
                     "LIMIT $5::integer",
    [OV_DECIDE] =
        "WITH cur AS (SELECT v.* FROM score_overrides v JOIN plans pl ON pl.entity_id = v.entity_id AND pl.id = "
        "v.plan_id WHERE v.id = $5::bigint AND " SCOPED("v") " AND v.status = 'requested' AND pl.status = $8::text "
        "FOR UPDATE OF v FOR SHARE OF pl), w AS (UPDATE score_overrides t SET status = $6::text, decided_by = "
        "$3::text, decided_at = now(), decision_note = $7::text, version = t.version + 1 FROM cur WHERE t.entity_id "
        "= cur.entity_id AND t.id = cur.id RETURNING t.*), j AS (SELECT " OVERRIDE_JSON("w") " AS doc, (SELECT "
        OVERRIDE_JSON("cur") " FROM cur) AS before, w.id, w.entity_id, w.plan_id FROM w), a AS (" OVERRIDE_AUDIT
        "SELECT j.entity_id, $2::bigint, $3::text, $4::text, CASE WHEN $6::text = 'approved' THEN 'approve' ELSE "
        "'reject' END, 'score_overrides', j.id, j.plan_id, j.before::jsonb, j.doc::jsonb FROM j) SELECT j.doc FROM j",
    [OV_EFFECTIVE] = "SELECT " OVERRIDE_JSON("v") " FROM score_overrides v WHERE v.entity_id = " OBJECTIVE_ENTITY
                     " AND v.objective_id = $2::bigint AND v.status = 'approved' AND v.as_of <= $3::date ORDER BY "
                     "v.as_of DESC, v.decided_at DESC, v.id DESC LIMIT 1",
};

static int st[PS_COUNT];

int store_periods_register(void)
{
    for (int i = 0; i < PS_COUNT; i++)
        if ((st[i] = store_stmt_register(sql[i])) < 0)
            return -1;
    return 0;
}

PGresult *store_period(store_conn *c, store_period_stmt q, int nparams, const char *const *params, problem *p)
{
    return store_exec(c, st[q], nparams, params, p);
}
