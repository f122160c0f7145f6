/* erp.c — feed locks, measurements, financial figures, changes (erp.h). */
#include "store/erp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_build.h"
#include "store/stmt.h"

enum {
    Q_ENTITY_LOCK,
    Q_PLAN_LOCK,
    Q_INDICATORS,
    Q_OBJECTIVES,
    Q_MEASUREMENTS,
    Q_FINANCIALS,
    Q_CHANGES,
    Q_MEASUREMENTS_CLOSED,
    Q_PHASES,
    Q_PROGRESS_ROWS,
    Q_PROGRESS_CLOSED,
    Q_COUNT
};

/* The rows of a measurements feed (JSON text `rows`) that add something: not equal in
 * (indicator, as_of, value, source) to a stored measurement or to an earlier row, as CTEs
 * x (distinct rows) and t (what is new, with the indicator's plan and objective). */
#define FEED_NEW_ROWS(entity, plan, rows)                                                                     \
    "x AS (SELECT DISTINCT ON (x.indicator_id, x.as_of, x.value::jsonb, x.source) x.line, x.indicator_id, "   \
    "x.as_of, x.value::jsonb AS value, x.source, x.note FROM json_to_recordset(" rows                         \
    "::json) AS x(line integer, "                                                                             \
    "indicator_id bigint, as_of date, value text, source text, note text) ORDER BY x.indicator_id, x.as_of, " \
    "x.value::jsonb, x.source, x.line), "                                                                     \
    "t AS (SELECT x.*, i.plan_id, i.objective_id FROM x JOIN indicators i ON i.entity_id = " entity           \
    "::bigint AND "                                                                                           \
    "i.id = x.indicator_id AND i.plan_id = " plan                                                             \
    "::bigint WHERE NOT EXISTS (SELECT 1 FROM measurements m WHERE "                                          \
    "m.entity_id = " entity                                                                                   \
    "::bigint AND m.indicator_id = x.indicator_id AND m.as_of = x.as_of AND m.value = "                       \
    "x.value AND NOT m.not_assessable AND m.source IS NOT DISTINCT FROM x.source))"

/* The same for a progress feed: rows not equal in (phase, as_of, percent, completed_on) to a
 * stored entry or an earlier row, as CTEs x and t. */
#define FEED_NEW_PROGRESS(entity, plan, rows)                                                                 \
    "x AS (SELECT DISTINCT ON (x.phase_id, x.as_of, x.percent, x.completed_on) x.line, x.phase_id, x.as_of, " \
    "x.percent, x.completed_on, x.note FROM json_to_recordset(" rows                                          \
    "::json) AS x(line integer, phase_id bigint, "                                                            \
    "as_of date, percent numeric, completed_on date, note text) ORDER BY x.phase_id, x.as_of, x.percent, "    \
    "x.completed_on, x.line), "                                                                               \
    "t AS (SELECT x.*, f.plan_id, f.objective_id FROM x JOIN phases f ON f.entity_id = " entity               \
    "::bigint AND "                                                                                           \
    "f.id = x.phase_id AND f.plan_id = " plan                                                                 \
    "::bigint WHERE NOT EXISTS (SELECT 1 FROM progress g WHERE "                                              \
    "g.entity_id = " entity                                                                                   \
    "::bigint AND g.phase_id = x.phase_id AND g.as_of = x.as_of AND g.percent_complete = "                    \
    "x.percent AND g.completed_on IS NOT DISTINCT FROM x.completed_on))"

/* After FEED_NEW_ROWS or FEED_NEW_PROGRESS ($4 the date the periods are closed through): the
 * lines of the new rows dated in a closed period. */
#define CLOSED_LINES " SELECT t.line FROM t WHERE t.as_of <= $4::date ORDER BY t.line"

static store_stmt st[Q_COUNT] = {
    [Q_ENTITY_LOCK] = {"erp.entity_lock",
                       "SELECT id FROM entities WHERE id = $2::bigint AND ($1::bigint IS NULL OR id = $1::bigint) "
                       "FOR NO KEY UPDATE",
                       2, 0},
    [Q_PLAN_LOCK] = {"erp.plan_lock",
                     "SELECT pl.entity_id, pl.year, pl.status, pl.editing, pl.kind, pl.revision, e.code, "
                     "pl.closed_through::text FROM plans pl "
                     "JOIN entities e ON e.id = pl.entity_id WHERE pl.id = $2::bigint AND " STORE_SQL_SCOPE(
                         "pl") " FOR NO KEY UPDATE OF pl",
                     2, 0},
    [Q_INDICATORS] = {"erp.indicator_keys",
                      "SELECT i.code, i.id, i.value_type FROM indicators i JOIN objectives o ON o.entity_id = "
                      "i.entity_id AND o.id = i.objective_id WHERE i.entity_id = $1::bigint AND i.plan_id = "
                      "$2::bigint AND i.removed_in_revision IS NULL AND o.removed_in_revision IS NULL",
                      2, 0},
    [Q_OBJECTIVES] = {"erp.objective_keys", "SELECT code FROM objectives WHERE " STORE_SQL_OF_PLAN, 2, 0},
    /* $1 entity, $2 token, $3 name, $4 role, $5 plan, $6 rows */
    [Q_MEASUREMENTS] =
        {"erp.measurements_add",
         "WITH " FEED_NEW_ROWS(
             "$1", "$5",
             "$6") ", "
                   "g AS (INSERT INTO measurements (entity_id, plan_id, objective_id, indicator_id, value, not_assessable, as_of, "
                   "source, note, actor_name, actor_role) SELECT $1::bigint, t.plan_id, t.objective_id, t.indicator_id, "
                   "t.value, false, t.as_of, t.source, t.note, $3::text, $4::text FROM t ORDER BY t.line RETURNING *), "
                   "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, "
                   "plan_id, after) SELECT g.entity_id, $2::bigint, $3::text, $4::text, 'create', 'measurements', g.id, "
                   "g.plan_id, jsonb_build_object('id', g.id, 'indicator_id', g.indicator_id, 'value', g.value, "
                   "'not_assessable', g.not_assessable, 'as_of', g.as_of, 'source', g.source, 'note', g.note) FROM g) "
                   "SELECT count(*) FROM g",
         6, 0},
    /* $1 entity, $2 token, $3 name, $4 role, $5 plan, $6 rows */
    [Q_FINANCIALS] =
        {"erp.financials_set",
         "WITH x AS (SELECT DISTINCT ON (x.code) x.code, x.amount FROM json_to_recordset($6::json) AS x(line integer, "
         "code text, amount numeric) ORDER BY x.code, x.line DESC), "
         "cur AS (SELECT o.id, o.financial_resources FROM objectives o JOIN x ON o.entity_id = $1::bigint AND "
         "o.plan_id = $5::bigint AND o.code = x.code AND o.removed_in_revision IS NULL), "
         "upd AS (UPDATE objectives t SET financial_resources = x.amount, version = t.version + 1, updated_at = now() "
         "FROM x WHERE t.entity_id = $1::bigint AND t.plan_id = $5::bigint AND t.code = x.code AND "
         "t.removed_in_revision IS NULL AND t.financial_resources IS DISTINCT FROM x.amount RETURNING t.*), "
         "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, "
         "plan_id, before, after) SELECT upd.entity_id, $2::bigint, $3::text, $4::text, 'update', 'objectives', "
         "upd.id, upd.plan_id, jsonb_build_object('financial_resources', cur.financial_resources), "
         "jsonb_build_object('financial_resources', upd.financial_resources) FROM upd JOIN cur ON cur.id = upd.id) "
         "SELECT count(*) FROM upd",
         6, 0},
    /* A transaction that is still running may commit audit rows with ids below the ones
     * already visible: rows written since the oldest such transaction began are held back
     * until it ends, so that a cursor never skips a row. */
    [Q_CHANGES] = {"erp.changes",
                   "SELECT json_build_object('id', a.id, 'at', to_char(a.at AT TIME ZONE 'UTC', "
                   "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'entity_id', a.entity_id, 'resource', a.resource, 'resource_id', "
                   "a.resource_id, 'action', a.action, 'plan_id', a.plan_id)::text, a.id FROM audit a WHERE ($1::bigint IS NULL "
                   "OR a.entity_id = $1::bigint) AND a.id > $2::bigint AND a.at < COALESCE((SELECT min(s.xact_start) FROM "
                   "pg_stat_activity s WHERE s.backend_xid IS NOT NULL AND s.pid <> pg_backend_pid()), 'infinity') "
                   "ORDER BY a.id LIMIT $3::integer",
                   3, 0},
    /* $1 entity, $2 plan, $3 rows, $4 closed through: the lines of the new rows dated in a
     * closed period (a row already stored is no new entry, and may be sent again) */
    [Q_MEASUREMENTS_CLOSED] = {"erp.measurements_closed", "WITH " FEED_NEW_ROWS("$1", "$2", "$3") CLOSED_LINES, 4, 0},
    /* the live phases of a plan by objective code and seq: key (code, chr(31), seq), id */
    [Q_PHASES] = {"erp.phase_keys",
                  "SELECT o.code || chr(31) || f.seq::text, f.id FROM phases f JOIN objectives o ON o.entity_id = "
                  "f.entity_id AND o.id = f.objective_id WHERE f.entity_id = $1::bigint AND f.plan_id = $2::bigint AND "
                  "f.removed_in_revision IS NULL AND o.removed_in_revision IS NULL",
                  2, 0},
    /* $1 entity, $2 token, $3 name, $4 role, $5 plan, $6 rows */
    [Q_PROGRESS_ROWS] =
        {"erp.progress_add",
         "WITH " FEED_NEW_PROGRESS(
             "$1", "$5",
             "$6") ", g AS (INSERT INTO progress (entity_id, plan_id, objective_id, "
                   "phase_id, percent_complete, completed_on, as_of, note, actor_name, actor_role) SELECT $1::bigint, t.plan_id, "
                   "t.objective_id, t.phase_id, t.percent, t.completed_on, t.as_of, t.note, $3::text, $4::text FROM t ORDER BY "
                   "t.line RETURNING *), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, "
                   "resource, resource_id, plan_id, after) SELECT g.entity_id, $2::bigint, $3::text, $4::text, 'create', "
                   "'progress', g.id, g.plan_id, jsonb_build_object('id', g.id, 'phase_id', g.phase_id, 'percent_complete', "
                   "g.percent_complete, 'completed_on', g.completed_on, 'as_of', g.as_of, 'note', g.note) FROM g) SELECT "
                   "count(*) FROM g",
         6, 0},
    [Q_PROGRESS_CLOSED] = {"erp.progress_closed", "WITH " FEED_NEW_PROGRESS("$1", "$2", "$3") CLOSED_LINES, 4, 0},
};

int store_erp_register(void) { return STORE_STMTS_REGISTER(st); }

int store_entity_lock(store_conn *c, const char *scope, int64_t id, problem *p)
{
    return store_run_found(c, &st[Q_ENTITY_LOCK], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), p);
}

int store_plan_lock(store_conn *c, const char *scope, int64_t id, store_plan_state_row *out, problem *p)
{
    int rc;
    PGresult *r = store_run_row(c, &st[Q_PLAN_LOCK], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), &rc, p);
    if (!r)
        return rc;
    out->entity_id = row_i64(r, 0, 0);
    out->year = row_int(r, 0, 1);
    snprintf(out->status, sizeof out->status, "%s", row_text(r, 0, 2));
    out->editing = row_bool(r, 0, 3);
    snprintf(out->kind, sizeof out->kind, "%s", row_text(r, 0, 4));
    out->revision = row_int(r, 0, 5);
    snprintf(out->entity_code, sizeof out->entity_code, "%s", row_text(r, 0, 6));
    snprintf(out->closed_through, sizeof out->closed_through, "%s", row_null(r, 0, 7) ? "" : row_text(r, 0, 7));
    PQclear(r);
    return 1;
}

int store_plan_feed_keys(store_conn *c, store_feed_of of, int64_t entity, int64_t plan, store_feed_keys *out, problem *p)
{
    static const int q[] = {Q_INDICATORS, Q_OBJECTIVES, Q_PHASES};
    memset(out, 0, sizeof *out);
    PGresult *r = store_run(c, &st[q[of]], STORE_ARGS(SA_I64(entity), SA_I64(plan)), p);
    if (!r)
        return -1;
    int n = row_count(r), cols = PQnfields(r);
    if (!(out->row = calloc((size_t)n + 1, sizeof *out->row))) {
        PQclear(r);
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    for (int i = 0; i < n; i++) {
        out->row[i].key = row_text(r, i, 0);
        out->row[i].id = cols > 1 ? row_i64(r, i, 1) : 0;
        out->row[i].value_type = cols > 2 ? row_text(r, i, 2) : NULL;
    }
    out->n = n;
    out->res_ = r;
    return 0;
}

void store_feed_keys_free(store_feed_keys *k)
{
    PQclear(k->res_);
    free(k->row);
    memset(k, 0, sizeof *k);
}

static int rows_write(store_conn *c, int q, const store_actor *who, int64_t entity, int64_t plan, const char *rows,
                      int64_t *count, problem *p)
{
    int64_t n = store_run_count(c, &st[q], STORE_ARGS(SA_I64(entity), SA_ACTOR(who), SA_I64(plan), SA_TEXT(rows)), p);
    if (n < 0)
        return -1;
    *count = n;
    return 0;
}

int store_measurements_add_rows(store_conn *c, const store_actor *who, int64_t entity, int64_t plan,
                                const char *rows_json, int64_t *inserted, problem *p)
{
    return rows_write(c, Q_MEASUREMENTS, who, entity, plan, rows_json, inserted, p);
}

int store_progress_add_rows(store_conn *c, const store_actor *who, int64_t entity, int64_t plan, const char *rows_json,
                            int64_t *inserted, problem *p)
{
    return rows_write(c, Q_PROGRESS_ROWS, who, entity, plan, rows_json, inserted, p);
}

int store_financials_set(store_conn *c, const store_actor *who, int64_t entity, int64_t plan, const char *rows_json,
                         int64_t *updated, problem *p)
{
    return rows_write(c, Q_FINANCIALS, who, entity, plan, rows_json, updated, p);
}

int store_feed_closed_rows(store_conn *c, int progress, int64_t entity, int64_t plan, const char *rows_json,
                           const char *closed_through, int **lines, int *n, problem *p)
{
    *lines = NULL;
    *n = 0;
    const store_args *a = STORE_ARGS(SA_I64(entity), SA_I64(plan), SA_TEXT(rows_json), SA_TEXT(closed_through));
    PGresult *r = store_run(c, &st[progress ? Q_PROGRESS_CLOSED : Q_MEASUREMENTS_CLOSED], a, p);
    if (!r)
        return -1;
    int rows = row_count(r);
    if (rows > 0 && !(*lines = malloc((size_t)rows * sizeof **lines))) {
        PQclear(r);
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    for (int i = 0; i < rows; i++)
        (*lines)[i] = row_int(r, i, 0);
    *n = rows;
    PQclear(r);
    return 0;
}

int store_changes(store_conn *c, const char *scope, int64_t after, int limit, store_docs **out, problem *p)
{
    return store_run_docs(c, &st[Q_CHANGES], STORE_ARGS(SA_TEXT(scope), SA_I64(after), SA_I64(limit)), out, p);
}
