#include "store/monitoring.h"

#include "store/plan_checks.h"
#include "store/plan_rows.h"
#include "store/sql_build.h"
#include "store/stmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rule_json.h"

#define LIVE "removed_in_revision IS NULL"
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

enum {
    Q_JUDGEMENT_ADD,
    Q_OWNER_OBJECTIVE,
    Q_OWNER_PHASE,
    Q_OWNER_INDICATOR,
    Q_PROGRESS_ADD,
    Q_MEASUREMENT_ADD,
    Q_PROGRESS_LIST,
    Q_MEASUREMENT_LIST,
    Q_REVIEW_ADD,
    Q_REVIEW_LIST,
    Q_REVIEW_GET,
    Q_MANAGER_PHASE,
    Q_MANAGER_INDICATOR,
    Q_MANAGER_OBJECTIVE,
    Q_TARGET_PHASE,
    Q_TARGET_INDICATOR,
    Q_COUNT
};

#define PROGRESS_JSON \
    "(SELECT row_to_json(x) FROM (SELECT g.id, g.phase_id, g.objective_id, g.plan_id, g.percent_complete, "         \
    "g.completed_on, g.as_of, g.note, g.actor_name AS recorded_by, " TS("g.created_at") " AS created_at, "       \
    "g.corrects_id, g.correction_reason) x)"
#define MEASUREMENT_JSON                                                                             \
    "(SELECT row_to_json(x) FROM (SELECT g.id, g.indicator_id, g.objective_id, g.plan_id, g.value, " \
    "g.not_assessable, g.as_of, g.source, g.note, g.actor_name AS recorded_by, " TS(                 \
        "g.created_at") " AS created_at, g.corrects_id, g.correction_reason) x)"
#define REVIEW_JSON                                                                                           \
    "(SELECT row_to_json(x) FROM (SELECT g.id, g.plan_id, g.kind, g.as_of, g.note, g.items, g.actor_name AS " \
    "recorded_by, " TS("g.created_at") " AS created_at) x)"

/* An entry's row (phases or indicators $5) with its plan, locked against a concurrent review
 * or validation and still in the state the caller checked (status, closed_through: the
 * parameters named; api/periods.h). */
#define ENTRY_ROW(table, status, closed)                                                                  \
    "SELECT t.entity_id, t.id, t.plan_id, t.objective_id FROM " table                                     \
    " t JOIN plans pl ON pl.entity_id = "                                                                 \
    "t.entity_id AND pl.id = t.plan_id WHERE t.id = $5::bigint AND ($1::bigint IS NULL OR t.entity_id = " \
    "$1::bigint) AND pl.status = " status "::text AND pl.closed_through IS NOT DISTINCT FROM " closed     \
    "::date "                                                                                             \
    "FOR SHARE OF pl"
/* The entry an evaluator's correction (reason given) stands beside: the one that counted
 * at its date. */
#define CORRECTED(table, owner, as_of, reason)                                   \
    "CASE WHEN " reason "::text IS NULL THEN NULL ELSE (SELECT c.id FROM " table \
    " c WHERE c.entity_id = "                                                    \
    "t.entity_id AND c." owner " = t.id AND c.as_of <= " as_of "::date ORDER BY c.as_of DESC, c.id DESC LIMIT 1) END"

/* The objective and plan of an owner row t (phases, indicators). */
#define OWNER_JOINS                                                                                           \
    "JOIN objectives o ON o.entity_id = t.entity_id AND o.id = t.objective_id JOIN plans p ON p.entity_id = " \
    "t.entity_id AND p.id = t.plan_id"
/* Whether person $3 reaches owner row t: its objective is assigned (live) to that person or
 * to a structure the person leads. */
#define REACHES                                                                                                  \
    "($3::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM assignments a LEFT JOIN structures s ON s.entity_id = "   \
    "a.entity_id AND s.id = a.structure_id WHERE a.entity_id = t.entity_id AND a.objective_id = t.objective_id " \
    "AND a." LIVE " AND (a.person_id = $3::bigint OR s.manager_id = $3::bigint)))"

static store_stmt st[Q_COUNT] = {
    /* An evaluator's judgement of an indicator (issue 14), audited in the same statement. */
    [Q_JUDGEMENT_ADD] =
        {"monitoring.judgement_add",
         "WITH t AS (SELECT entity_id, id, plan_id, objective_id FROM indicators WHERE id = $5::bigint AND "
         "($1::bigint IS NULL OR entity_id = $1::bigint)), g AS (INSERT INTO judgements (entity_id, plan_id, "
         "objective_id, indicator_id, score, reason, as_of, actor_name, actor_role) SELECT t.entity_id, t.plan_id, "
         "t.objective_id, t.id, $6::numeric, $7::text, $8::date, $3::text, $4::text FROM t RETURNING *), j AS (SELECT "
         "(SELECT row_to_json(x) FROM (SELECT g.id, g.indicator_id, g.objective_id, g.plan_id, g.score, g.reason, "
         "g.as_of, g.actor_name AS recorded_by, " TS(
             "g.created_at") " AS created_at) x) AS doc, g.id, g.entity_id, "
                             "g.plan_id FROM g), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, "
                             "resource, resource_id, plan_id, after) SELECT j.entity_id, $2::bigint, $3::text, $4::text, 'create', "
                             "'judgements', j.id, j.plan_id, j.doc::jsonb FROM j) SELECT j.doc FROM j",
         8, 0},
    [Q_OWNER_OBJECTIVE] =
        {"monitoring.owner_objective",
         "SELECT o.plan_id, p.year, o.removed_in_revision IS NOT NULL, NULL, NULL FROM objectives o JOIN plans "
         "p ON p.entity_id = o.entity_id AND p.id = o.plan_id WHERE o.id = $2::bigint AND " STORE_SQL_SCOPE("o"),
         2, 0},
    [Q_OWNER_PHASE] =
        {"monitoring.owner_phase",
         "SELECT t.plan_id, p.year, t.removed_in_revision IS NOT NULL OR o.removed_in_revision IS NOT "
         "NULL, NULL, NULL FROM phases t JOIN objectives o ON o.entity_id = t.entity_id AND o.id = t.objective_id "
         "JOIN plans p ON p.entity_id = t.entity_id AND p.id = t.plan_id WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE("t"),
         2, 0},
    [Q_OWNER_INDICATOR] = {"monitoring.owner_indicator",
                           "SELECT t.plan_id, p.year, t.removed_in_revision IS NOT NULL OR o.removed_in_revision IS "
                           "NOT NULL, t.value_type, t.rule::text FROM indicators t JOIN objectives o ON o.entity_id = t.entity_id AND o.id = "
                           "t.objective_id JOIN plans p ON p.entity_id = t.entity_id AND p.id = t.plan_id WHERE t.id = "
                           "$2::bigint AND " STORE_SQL_SCOPE("t"),
                           2, 0},
    [Q_PROGRESS_ADD] =
        {"monitoring.progress_add",
         "WITH t AS (" ENTRY_ROW(
             "phases", "$11",
             "$12") "), g AS (INSERT INTO progress (entity_id, plan_id, objective_id, "
                    "phase_id, percent_complete, completed_on, as_of, note, actor_name, actor_role, corrects_id, "
                    "correction_reason) SELECT t.entity_id, t.plan_id, t.objective_id, t.id, $6::numeric, $7::date, $8::date, "
                    "$9::text, $3::text, $4::text, " CORRECTED(
                        "progress", "phase_id", "$8",
                        "$10") ", $10::text FROM t "
                               "RETURNING *), "
                               "j AS (SELECT " PROGRESS_JSON
                               " AS doc, g.id, g.entity_id, g.plan_id FROM g), a AS (INSERT INTO audit "
                               "(entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, after) SELECT "
                               "j.entity_id, $2::bigint, $3::text, $4::text, 'create', 'progress', j.id, j.plan_id, j.doc::jsonb FROM j) "
                               "SELECT j.doc FROM j",
         12, 0},
    [Q_MEASUREMENT_ADD] =
        {"monitoring.measurement_add",
         "WITH t AS (" ENTRY_ROW(
             "indicators", "$12",
             "$13") "), g AS (INSERT INTO measurements (entity_id, plan_id, "
                    "objective_id, indicator_id, value, not_assessable, as_of, source, note, actor_name, actor_role, "
                    "corrects_id, correction_reason) SELECT t.entity_id, t.plan_id, t.objective_id, t.id, $6::jsonb, "
                    "$7::boolean, $8::date, $9::text, $10::text, $3::text, $4::text, " CORRECTED(
                        "measurements", "indicator_id", "$8",
                        "$11") ", $11::text FROM t RETURNING *), j AS (SELECT " MEASUREMENT_JSON
                               " AS doc, g.id, g.entity_id, "
                               "g.plan_id FROM g), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, "
                               "resource, resource_id, plan_id, after) SELECT j.entity_id, $2::bigint, $3::text, $4::text, 'create', "
                               "'measurements', j.id, j.plan_id, j.doc::jsonb FROM j) SELECT j.doc FROM j",
         13, 0},
    [Q_PROGRESS_LIST] = {"monitoring.progress_list",
                         "SELECT " PROGRESS_JSON
                         ", g.id FROM progress g WHERE g.phase_id = $2::bigint AND " STORE_SQL_SCOPE(
                             "g") " AND g.id > $3::bigint ORDER BY g.id "
                                  "LIMIT $4::integer",
                         4, 0},
    [Q_MEASUREMENT_LIST] = {"monitoring.measurement_list",
                            "SELECT " MEASUREMENT_JSON ", g.id FROM measurements g WHERE g.indicator_id = "
                            "$2::bigint AND " STORE_SQL_SCOPE("g") " AND g.id > $3::bigint "
                                                                   "ORDER BY g.id LIMIT $4::integer",
                            4, 0},
    [Q_REVIEW_ADD] =
        {"monitoring.review_add",
         "WITH t AS (SELECT entity_id, id FROM plans WHERE id = $5::bigint AND ($1::bigint IS NULL OR entity_id = "
         "$1::bigint) AND status <> 'validated' FOR NO KEY UPDATE), g AS (INSERT INTO reviews (entity_id, plan_id, kind, as_of, note, items, actor_name) SELECT "
         "t.entity_id, t.id, $6::text, $7::date, $8::text, $9::jsonb, $3::text FROM t RETURNING *), j AS (SELECT " REVIEW_JSON
         " AS doc, g.id, g.entity_id, g.plan_id FROM g), a AS (INSERT INTO audit (entity_id, "
         "actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, after) SELECT j.entity_id, "
         "$2::bigint, $3::text, $4::text, 'create', 'reviews', j.id, j.plan_id, j.doc::jsonb FROM j), "
         /* the review closes the period up to its date (sql/009_periods.sql) */
         "c AS (UPDATE plans pl SET closed_through = GREATEST(pl.closed_through, g.as_of) FROM g WHERE pl.entity_id = "
         "g.entity_id AND pl.id = g.plan_id) SELECT j.doc FROM j",
         9, 0},
    [Q_REVIEW_LIST] = {"monitoring.review_list",
                       "SELECT " REVIEW_JSON ", g.id FROM reviews g WHERE g.plan_id = $2::bigint AND ($1::bigint IS "
                       "NULL OR g.entity_id = $1::bigint) ORDER BY g.as_of, g.id",
                       2, 0},
    [Q_REVIEW_GET] = {"monitoring.review_get",
                      "SELECT " REVIEW_JSON ", g.plan_id FROM reviews g WHERE g.id = $2::bigint AND ($1::bigint IS "
                      "NULL OR g.entity_id = $1::bigint)",
                      2, 0},
    /* Whether person $3 may report on the phase / indicator $2: its objective is assigned
     * (live) to that person or to a structure the person leads (structures.manager_id). */
    [Q_MANAGER_PHASE] = {"monitoring.manager_phase",
                         "SELECT EXISTS (SELECT 1 FROM phases t JOIN assignments a ON a.entity_id = t.entity_id AND "
                         "a.objective_id = t.objective_id AND a." LIVE " LEFT JOIN structures s ON s.entity_id = "
                         "a.entity_id AND s.id = a.structure_id WHERE t.id = $2::bigint AND ($1::bigint IS NULL OR "
                         "t.entity_id = $1::bigint) AND (a.person_id = $3::bigint OR s.manager_id = $3::bigint))",
                         3, 0},
    [Q_MANAGER_INDICATOR] = {"monitoring.manager_indicator",
                             "SELECT EXISTS (SELECT 1 FROM indicators t JOIN assignments a ON a.entity_id = "
                             "t.entity_id AND a.objective_id = t.objective_id AND a." LIVE " LEFT JOIN structures s "
                             "ON s.entity_id = a.entity_id AND s.id = a.structure_id WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE(
                                 "t") " AND (a.person_id = $3::bigint OR "
                                      "s.manager_id = $3::bigint))",
                             3, 0},
    [Q_MANAGER_OBJECTIVE] = {"monitoring.manager_objective",
                             "SELECT EXISTS (SELECT 1 FROM assignments a LEFT JOIN structures s ON s.entity_id = "
                             "a.entity_id AND s.id = a.structure_id WHERE a.objective_id = $2::bigint AND ($1::bigint "
                             "IS NULL OR a.entity_id = $1::bigint) AND a." LIVE " AND (a.person_id = $3::bigint OR "
                             "s.manager_id = $3::bigint))",
                             3, 0},
    /* What an entry POST needs about its row, in one round trip: the owner's plan, year,
     * removal, type and rule, and whether person $3 (NULL: not asked) reaches it. */
    [Q_TARGET_PHASE] = {"monitoring.target_phase",
                        "SELECT t.plan_id, p.year, t.removed_in_revision IS NOT NULL OR o.removed_in_revision IS NOT NULL, NULL, "
                        "NULL, " REACHES " FROM phases t " OWNER_JOINS " WHERE t.id = $2::bigint AND ($1::bigint IS NULL OR "
                        "t.entity_id = $1::bigint)",
                        3, 0},
    [Q_TARGET_INDICATOR] = {"monitoring.target_indicator",
                            "SELECT t.plan_id, p.year, t.removed_in_revision IS NOT NULL OR o.removed_in_revision IS NOT NULL, "
                            "t.value_type, t.rule::text, " REACHES " FROM indicators t " OWNER_JOINS
                            " WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE("t"),
                            3, 0},
};

int store_monitoring_register(void)
{
    if (store_plan_rows_register() < 0 || store_plan_checks_register() < 0)
        return -1;
    return STORE_STMTS_REGISTER(st);
}

/* Cells 0-3 of an owner's row (Q_OWNER_*, Q_TARGET_*): its plan, year, removal, value type. */
static void owner_cells(const PGresult *r, int64_t *plan_id, int *year, int *removed, char value_type[16])
{
    *plan_id = row_i64(r, 0, 0);
    *year = row_int(r, 0, 1);
    *removed = row_bool(r, 0, 2);
    const char *vt = row_text(r, 0, 3);
    snprintf(value_type, 16, "%s", vt ? vt : "");
}

int store_owner_info(store_conn *c, const char *kind, const char *scope, int64_t id, owner_info *info, problem *p)
{
    memset(info, 0, sizeof *info);
    int q = strcmp(kind, "phases") == 0       ? Q_OWNER_PHASE
            : strcmp(kind, "indicators") == 0 ? Q_OWNER_INDICATOR
                                              : Q_OWNER_OBJECTIVE;
    int rc;
    PGresult *r = store_run_row(c, &st[q], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), &rc, p);
    if (!r)
        return rc;
    owner_cells(r, &info->plan_id, &info->year, &info->removed, info->value_type);
    PQclear(r);
    return 1;
}

int store_entry_target_read(store_conn *c, const char *kind, const char *scope, int64_t id, int64_t person_id,
                            store_entry_target *t, problem *p)
{
    t->plan_id = 0;
    t->year = t->removed = t->reaches = t->has_rule = 0;
    t->value_type[0] = '\0';
    const store_args *a = STORE_ARGS(SA_TEXT(scope), SA_I64(id), SA_LINK(person_id));
    int rc;
    PGresult *r = store_run_row(c, &st[strcmp(kind, "phases") == 0 ? Q_TARGET_PHASE : Q_TARGET_INDICATOR], a, &rc, p);
    if (!r)
        return rc;
    owner_cells(r, &t->plan_id, &t->year, &t->removed, t->value_type);
    t->reaches = row_bool(r, 0, 5);
    const char *rule = row_text(r, 0, 4);
    if (rule) { /* decoded once, here, from the cell: no copy to own */
        json_t *j = json_loads(rule, 0, NULL);
        rules_error e;
        memset(&e, 0, sizeof e);
        t->has_rule = j && rule_json_decode(j, "rule", t->rule, RULE_JSON_MAX_NODES, NULL, &e) == 0;
        json_decref(j);
    }
    PQclear(r);
    return 1;
}

int store_manager_reaches(store_conn *c, const char *kind, const char *scope, int64_t id, int64_t person_id, problem *p)
{
    if (person_id <= 0)
        return 0;
    int q = strcmp(kind, "phases") == 0       ? Q_MANAGER_PHASE
            : strcmp(kind, "objectives") == 0 ? Q_MANAGER_OBJECTIVE
                                              : Q_MANAGER_INDICATOR;
    PGresult *r = store_run(c, &st[q], STORE_ARGS(SA_TEXT(scope), SA_I64(id), SA_I64(person_id)), p);
    int yes = r ? row_count(r) > 0 && row_bool(r, 0, 0) : -1;
    PQclear(r);
    return yes;
}

int store_progress_add(store_conn *c, const char *scope, const store_actor *who, int64_t phase_id, const char *percent,
                       const char *completed_on, const char *as_of, const char *note, const store_entry_guard *g,
                       char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(phase_id), SA_TEXT(percent),
                                     SA_TEXT(completed_on), SA_TEXT(as_of), SA_TEXT(note), SA_TEXT(g->reason),
                                     SA_TEXT(g->status), SA_TEXT(g->closed_through));
    return store_run_text(c, &st[Q_PROGRESS_ADD], a, doc, p);
}

int store_measurement_add(store_conn *c, const char *scope, const store_actor *who, int64_t indicator_id,
                          const char *value_json, int not_assessable, const char *as_of, const char *source,
                          const char *note, const store_entry_guard *g, char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(indicator_id), SA_TEXT(value_json),
                                     SA_BOOL(not_assessable), SA_TEXT(as_of), SA_TEXT(source), SA_TEXT(note),
                                     SA_TEXT(g->reason), SA_TEXT(g->status), SA_TEXT(g->closed_through));
    return store_run_text(c, &st[Q_MEASUREMENT_ADD], a, doc, p);
}

int store_judgement_add(store_conn *c, const char *scope, const store_actor *who, int64_t indicator_id,
                        const char *score, const char *reason, const char *as_of, char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(indicator_id), SA_TEXT(score), SA_TEXT(reason),
                                     SA_TEXT(as_of));
    return store_run_text(c, &st[Q_JUDGEMENT_ADD], a, doc, p);
}

int store_history(store_conn *c, const char *kind, const char *scope, int64_t owner_id, int64_t after, int limit,
                  store_docs **out, problem *p)
{
    int q = strcmp(kind, "progress") == 0 ? Q_PROGRESS_LIST : Q_MEASUREMENT_LIST;
    return store_run_docs(c, &st[q], STORE_ARGS(SA_TEXT(scope), SA_I64(owner_id), SA_I64(after), SA_I64(limit)), out, p);
}

int store_review_add(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, const char *kind,
                     const char *as_of, const char *note, const char *items_json, char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(scope, who), SA_I64(plan_id), SA_TEXT(kind), SA_TEXT(as_of),
                                     SA_TEXT(note), SA_TEXT(items_json));
    return store_run_text(c, &st[Q_REVIEW_ADD], a, doc, p);
}

int store_review_list(store_conn *c, const char *scope, int64_t plan_id, store_docs **out, problem *p)
{
    return store_run_docs(c, &st[Q_REVIEW_LIST], STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id)), out, p);
}

int store_review_get(store_conn *c, const char *scope, int64_t review_id, char **doc, int64_t *plan_id, problem *p)
{
    return store_run_text_n(c, &st[Q_REVIEW_GET], STORE_ARGS(SA_TEXT(scope), SA_I64(review_id)), doc, plan_id, p);
}
