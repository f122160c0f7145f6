#include "store/monitoring.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIVE "removed_in_revision IS NULL"
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

enum {
    Q_PLAN,
    Q_OBJECTIVES,
    Q_ASSIGNMENTS,
    Q_STRUCTURES,
    Q_PEOPLE,
    Q_PHASES,
    Q_INDICATORS,
    Q_PROGRESS,
    Q_MEASUREMENTS,
    Q_JUDGEMENTS,
    Q_OVERRIDES,
    Q_JUDGEMENT_ADD,
    Q_REV_EXISTS,
    Q_REV_OBJECTIVES,
    Q_REV_ASSIGNMENTS,
    Q_REV_PHASES,
    Q_REV_INDICATORS,
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
    Q_COUNT
};

static int st[Q_COUNT];

#define PROGRESS_JSON                                                                                               \
    "(SELECT row_to_json(x) FROM (SELECT g.id, g.phase_id, g.objective_id, g.plan_id, g.percent_complete, "         \
    "g.completed_on, g.as_of, g.note, g.actor_name AS recorded_by, " TS("g.created_at") " AS created_at, "       \
    "g.corrects_id, g.correction_reason) x)"
#define MEASUREMENT_JSON                                                                                            \
    "(SELECT row_to_json(x) FROM (SELECT g.id, g.indicator_id, g.objective_id, g.plan_id, g.value, "                \
    "g.not_assessable, g.as_of, g.source, g.note, g.actor_name AS recorded_by, " TS("g.created_at")                 \
    " AS created_at, g.corrects_id, g.correction_reason) x)"
#define REV_DOC                                                                                                     \
    "SELECT document FROM plan_revisions WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND number = "       \
    "$3::integer"
#define REVIEW_JSON                                                                                                 \
    "(SELECT row_to_json(x) FROM (SELECT g.id, g.plan_id, g.kind, g.as_of, g.note, g.items, g.actor_name AS "       \
    "recorded_by, " TS("g.created_at") " AS created_at) x)"

/* An entry's row (phases or indicators $5) with its plan, locked against a concurrent review
 * or validation and still in the state the caller checked (status, closed_through: the
 * parameters named; api/periods.h). */
#define ENTRY_ROW(table, status, closed)                                                                            \
    "SELECT t.entity_id, t.id, t.plan_id, t.objective_id FROM " table " t JOIN plans pl ON pl.entity_id = "       \
    "t.entity_id AND pl.id = t.plan_id WHERE t.id = $5::bigint AND ($1::bigint IS NULL OR t.entity_id = "          \
    "$1::bigint) AND pl.status = " status "::text AND pl.closed_through IS NOT DISTINCT FROM " closed "::date "     \
    "FOR SHARE OF pl"
/* The entry an evaluator's correction (reason given) stands beside: the one that counted
 * at its date. */
#define CORRECTED(table, owner, as_of, reason)                                                                      \
    "CASE WHEN " reason "::text IS NULL THEN NULL ELSE (SELECT c.id FROM " table " c WHERE c.entity_id = "          \
    "t.entity_id AND c." owner " = t.id AND c.as_of <= " as_of "::date ORDER BY c.as_of DESC, c.id DESC LIMIT 1) END"

static const char *const sql[Q_COUNT] = {
    [Q_PLAN] = "SELECT entity_id, year, revision, status, editing, method::text FROM plans WHERE id = $2::bigint AND ($1::bigint IS NULL OR "
               "entity_id = $1::bigint)",
    [Q_OBJECTIVES] = "SELECT id, code, title, parent_id, payment_timeliness, start_year, end_year FROM objectives "
                     "WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY code", /* unique among live */
    [Q_ASSIGNMENTS] = "SELECT objective_id, structure_id, person_id, weight FROM assignments WHERE entity_id = "
                      "$1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY id",
    [Q_STRUCTURES] = "SELECT id, code, name, manager_id, interim FROM structures WHERE entity_id = $1::bigint "
                     "ORDER BY code",
    [Q_PEOPLE] = "SELECT id, external_id, name, role FROM people p WHERE p.entity_id = $1::bigint AND (p.id IN "
                 "(SELECT person_id FROM assignments WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE
                 ") OR p.id IN (SELECT manager_id FROM structures WHERE entity_id = $1::bigint)) ORDER BY p.name, p.id",
    [Q_PHASES] = "SELECT id, objective_id, weight, cumulative, deadline, array_to_string(owners, chr(31)) FROM phases "
                 "WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY objective_id, seq",
    [Q_INDICATORS] = "SELECT id, objective_id, code, weight, rule::text, name, value_type, target::text, "
                     "baseline::text, direction FROM indicators WHERE "
                     "entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY objective_id, code",
    [Q_PROGRESS] = "SELECT DISTINCT ON (phase_id) phase_id, percent_complete, completed_on FROM progress WHERE "
                   "entity_id = $1::bigint AND plan_id = $2::bigint AND as_of <= $3::date ORDER BY phase_id, as_of "
                   "DESC, id DESC",
    [Q_MEASUREMENTS] = "SELECT DISTINCT ON (indicator_id) indicator_id, value::text, not_assessable, as_of FROM "
                       "measurements WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND as_of <= $3::date "
                       "ORDER BY indicator_id, as_of DESC, id DESC",
    [Q_JUDGEMENTS] = "SELECT DISTINCT ON (indicator_id) indicator_id, score, reason, as_of FROM judgements WHERE "
                     "entity_id = $1::bigint AND plan_id = $2::bigint AND (as_of IS NULL OR as_of <= $3::date) "
                     "ORDER BY indicator_id, id DESC",
    /* An evaluator's judgement of an indicator (issue 14), audited in the same statement. */
    /* score overrides (sql/009_periods.sql): the latest approved one dated on or before as_of */
    [Q_OVERRIDES] = "SELECT DISTINCT ON (objective_id) objective_id, score FROM score_overrides WHERE entity_id = "
                    "$1::bigint AND plan_id = $2::bigint AND status = 'approved' AND as_of <= $3::date ORDER BY "
                    "objective_id, as_of DESC, decided_at DESC, id DESC",
    [Q_JUDGEMENT_ADD] =
        "WITH t AS (SELECT entity_id, id, plan_id, objective_id FROM indicators WHERE id = $5::bigint AND "
        "($1::bigint IS NULL OR entity_id = $1::bigint)), g AS (INSERT INTO judgements (entity_id, plan_id, "
        "objective_id, indicator_id, score, reason, as_of, actor_name, actor_role) SELECT t.entity_id, t.plan_id, "
        "t.objective_id, t.id, $6::numeric, $7::text, $8::date, $3::text, $4::text FROM t RETURNING *), j AS (SELECT "
        "(SELECT row_to_json(x) FROM (SELECT g.id, g.indicator_id, g.objective_id, g.plan_id, g.score, g.reason, "
        "g.as_of, g.actor_name AS recorded_by, " TS("g.created_at") " AS created_at) x) AS doc, g.id, g.entity_id, "
        "g.plan_id FROM g), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, "
        "resource, resource_id, plan_id, after) SELECT j.entity_id, $2::bigint, $3::text, $4::text, 'create', "
        "'judgements', j.id, j.plan_id, j.doc::jsonb FROM j) SELECT j.doc FROM j",
    /* The same row sets, read from an adopted revision's snapshot (src/store/plan_doc.c). */
    [Q_REV_EXISTS] = "SELECT 1 FROM plan_revisions WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND number = "
                     "$3::integer",
    [Q_REV_OBJECTIVES] =
        "WITH d AS (" REV_DOC ") SELECT (o->>'id')::bigint, o->>'code', o->>'title', (SELECT (q->>'id')::bigint FROM "
        "jsonb_array_elements(d.document->'objectives') q WHERE q->>'code' = o->>'parent_code' LIMIT 1), "
        "COALESCE((o->>'payment_timeliness')::boolean, false), (o->>'start_year')::integer, "
        "(o->>'end_year')::integer FROM d, jsonb_array_elements(d.document->'objectives') o ORDER BY o->>'code'",
    [Q_REV_ASSIGNMENTS] =
        "WITH d AS (" REV_DOC ") SELECT (o->>'id')::bigint, s.id, pe.id, (a->>'weight')::numeric FROM d "
        "CROSS JOIN jsonb_array_elements(d.document->'objectives') o CROSS JOIN jsonb_array_elements(o->'assignments') "
        "a LEFT JOIN structures s ON s.entity_id = $1::bigint AND s.code = a->>'structure_code' LEFT JOIN people pe "
        "ON pe.entity_id = $1::bigint AND pe.external_id = a->>'person_external_id' WHERE s.id IS NOT NULL OR pe.id "
        "IS NOT NULL",
    [Q_REV_PHASES] =
        "WITH d AS (" REV_DOC ") SELECT (f->>'id')::bigint, (o->>'id')::bigint, (f->>'weight')::numeric, "
        "(f->>'cumulative')::numeric, (f->>'deadline')::date, array_to_string(ARRAY(SELECT "
        "jsonb_array_elements_text(CASE WHEN jsonb_typeof(f->'owners') = 'array' THEN f->'owners' ELSE '[]' END)), "
        "chr(31)) FROM d, jsonb_array_elements(d.document->'objectives') o, jsonb_array_elements(o->'phases') f "
        "ORDER BY (o->>'id')::bigint, (f->>'seq')::integer",
    [Q_REV_INDICATORS] =
        "WITH d AS (" REV_DOC ") SELECT (i->>'id')::bigint, (o->>'id')::bigint, i->>'code', (i->>'weight')::numeric, "
        "CASE WHEN jsonb_typeof(i->'rule') = 'object' THEN (i->'rule')::text END, i->>'name', "
        "COALESCE(i->>'value_type', 'number'), CASE WHEN jsonb_typeof(i->'target') <> 'null' THEN "
        "(i->'target')::text END, CASE WHEN jsonb_typeof(i->'baseline') <> 'null' THEN (i->'baseline')::text END, "
        "COALESCE(i->>'direction', 'higher_is_better') FROM d, jsonb_array_elements(d.document->'objectives') o, "
        "jsonb_array_elements(o->'indicators') i ORDER BY (o->>'id')::bigint, i->>'code'",
    [Q_OWNER_OBJECTIVE] = "SELECT o.plan_id, p.year, o.removed_in_revision IS NOT NULL, NULL, NULL FROM objectives o JOIN plans "
                          "p ON p.entity_id = o.entity_id AND p.id = o.plan_id WHERE o.id = $2::bigint AND "
                          "($1::bigint IS NULL OR o.entity_id = $1::bigint)",
    [Q_OWNER_PHASE] = "SELECT t.plan_id, p.year, t.removed_in_revision IS NOT NULL OR o.removed_in_revision IS NOT "
                      "NULL, NULL, NULL FROM phases t JOIN objectives o ON o.entity_id = t.entity_id AND o.id = t.objective_id "
                      "JOIN plans p ON p.entity_id = t.entity_id AND p.id = t.plan_id WHERE t.id = $2::bigint AND "
                      "($1::bigint IS NULL OR t.entity_id = $1::bigint)",
    [Q_OWNER_INDICATOR] = "SELECT t.plan_id, p.year, t.removed_in_revision IS NOT NULL OR o.removed_in_revision IS "
                          "NOT NULL, t.value_type, t.rule::text FROM indicators t JOIN objectives o ON o.entity_id = t.entity_id AND o.id = "
                          "t.objective_id JOIN plans p ON p.entity_id = t.entity_id AND p.id = t.plan_id WHERE t.id = "
                          "$2::bigint AND ($1::bigint IS NULL OR t.entity_id = $1::bigint)",
    [Q_PROGRESS_ADD] =
        "WITH t AS (" ENTRY_ROW("phases", "$11", "$12") "), g AS (INSERT INTO progress (entity_id, plan_id, objective_id, "
        "phase_id, percent_complete, completed_on, as_of, note, actor_name, actor_role, corrects_id, "
        "correction_reason) SELECT t.entity_id, t.plan_id, t.objective_id, t.id, $6::numeric, $7::date, $8::date, "
        "$9::text, $3::text, $4::text, " CORRECTED("progress", "phase_id", "$8", "$10") ", $10::text FROM t "
        "RETURNING *), "
        "j AS (SELECT " PROGRESS_JSON " AS doc, g.id, g.entity_id, g.plan_id FROM g), a AS (INSERT INTO audit "
        "(entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, after) SELECT "
        "j.entity_id, $2::bigint, $3::text, $4::text, 'create', 'progress', j.id, j.plan_id, j.doc::jsonb FROM j) "
        "SELECT j.doc FROM j",
    [Q_MEASUREMENT_ADD] =
        "WITH t AS (" ENTRY_ROW("indicators", "$12", "$13") "), g AS (INSERT INTO measurements (entity_id, plan_id, "
        "objective_id, indicator_id, value, not_assessable, as_of, source, note, actor_name, actor_role, "
        "corrects_id, correction_reason) SELECT t.entity_id, t.plan_id, t.objective_id, t.id, $6::jsonb, "
        "$7::boolean, $8::date, $9::text, $10::text, $3::text, $4::text, " CORRECTED("measurements", "indicator_id",
        "$8", "$11") ", $11::text FROM t RETURNING *), j AS (SELECT " MEASUREMENT_JSON " AS doc, g.id, g.entity_id, "
        "g.plan_id FROM g), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, "
        "resource, resource_id, plan_id, after) SELECT j.entity_id, $2::bigint, $3::text, $4::text, 'create', "
        "'measurements', j.id, j.plan_id, j.doc::jsonb FROM j) SELECT j.doc FROM j",
    [Q_PROGRESS_LIST] = "SELECT " PROGRESS_JSON ", g.id FROM progress g WHERE g.phase_id = $2::bigint AND "
                        "($1::bigint IS NULL OR g.entity_id = $1::bigint) AND g.id > $3::bigint ORDER BY g.id "
                        "LIMIT $4::integer",
    [Q_MEASUREMENT_LIST] = "SELECT " MEASUREMENT_JSON ", g.id FROM measurements g WHERE g.indicator_id = "
                           "$2::bigint AND ($1::bigint IS NULL OR g.entity_id = $1::bigint) AND g.id > $3::bigint "
                           "ORDER BY g.id LIMIT $4::integer",
    [Q_REVIEW_ADD] =
        "WITH t AS (SELECT entity_id, id FROM plans WHERE id = $5::bigint AND ($1::bigint IS NULL OR entity_id = "
        "$1::bigint) AND status <> 'validated' FOR NO KEY UPDATE), g AS (INSERT INTO reviews (entity_id, plan_id, kind, as_of, note, items, actor_name) SELECT "
        "t.entity_id, t.id, $6::text, $7::date, $8::text, $9::jsonb, $3::text FROM t RETURNING *), j AS (SELECT "
        REVIEW_JSON " AS doc, g.id, g.entity_id, g.plan_id FROM g), a AS (INSERT INTO audit (entity_id, "
        "actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, after) SELECT j.entity_id, "
        "$2::bigint, $3::text, $4::text, 'create', 'reviews', j.id, j.plan_id, j.doc::jsonb FROM j), "
        /* the review closes the period up to its date (sql/009_periods.sql) */
        "c AS (UPDATE plans pl SET closed_through = GREATEST(pl.closed_through, g.as_of) FROM g WHERE pl.entity_id = "
        "g.entity_id AND pl.id = g.plan_id) SELECT j.doc FROM j",
    [Q_REVIEW_LIST] = "SELECT " REVIEW_JSON ", g.id FROM reviews g WHERE g.plan_id = $2::bigint AND ($1::bigint IS "
                      "NULL OR g.entity_id = $1::bigint) ORDER BY g.as_of, g.id",
    [Q_REVIEW_GET] = "SELECT " REVIEW_JSON ", g.plan_id FROM reviews g WHERE g.id = $2::bigint AND ($1::bigint IS "
                     "NULL OR g.entity_id = $1::bigint)",
    /* Whether person $3 may report on the phase / indicator $2: its objective is assigned
     * (live) to that person or to a structure the person leads (structures.manager_id). */
    [Q_MANAGER_PHASE] = "SELECT EXISTS (SELECT 1 FROM phases t JOIN assignments a ON a.entity_id = t.entity_id AND "
                        "a.objective_id = t.objective_id AND a." LIVE " LEFT JOIN structures s ON s.entity_id = "
                        "a.entity_id AND s.id = a.structure_id WHERE t.id = $2::bigint AND ($1::bigint IS NULL OR "
                        "t.entity_id = $1::bigint) AND (a.person_id = $3::bigint OR s.manager_id = $3::bigint))",
    [Q_MANAGER_INDICATOR] = "SELECT EXISTS (SELECT 1 FROM indicators t JOIN assignments a ON a.entity_id = "
                            "t.entity_id AND a.objective_id = t.objective_id AND a." LIVE " LEFT JOIN structures s "
                            "ON s.entity_id = a.entity_id AND s.id = a.structure_id WHERE t.id = $2::bigint AND "
                            "($1::bigint IS NULL OR t.entity_id = $1::bigint) AND (a.person_id = $3::bigint OR "
                            "s.manager_id = $3::bigint))",
    [Q_MANAGER_OBJECTIVE] = "SELECT EXISTS (SELECT 1 FROM assignments a LEFT JOIN structures s ON s.entity_id = "
                            "a.entity_id AND s.id = a.structure_id WHERE a.objective_id = $2::bigint AND ($1::bigint "
                            "IS NULL OR a.entity_id = $1::bigint) AND a." LIVE " AND (a.person_id = $3::bigint OR "
                            "s.manager_id = $3::bigint))",
};

int store_monitoring_register(void)
{
    for (int i = 0; i < Q_COUNT; i++)
        if ((st[i] = store_stmt_register(sql[i])) < 0)
            return -1;
    return 0;
}

void store_plan_rows_clear(plan_rows *rows)
{
    PGresult **all[] = {&rows->plan,   &rows->objectives, &rows->assignments, &rows->structures,  &rows->people,
                        &rows->phases, &rows->indicators, &rows->progress,    &rows->measurements,
                        &rows->judgements, &rows->overrides};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        PQclear(*all[i]);
        *all[i] = NULL;
    }
}

int store_plan_rows(store_conn *c, const char *scope, int64_t plan_id, const char *as_of, int revision,
                    plan_rows *out, problem *p)
{
    memset(out, 0, sizeof *out);
    char id_s[24], rev_s[16];
    snprintf(id_s, sizeof id_s, "%" PRId64, plan_id);
    /* work_mem: whatever still sorts (DISTINCT ON) sorts in memory, not on disk.
     * random_page_cost: the plan's rows are cached; at the default (4) the planner sorts
     * 20,000 indicator rows rather than read them in the order of indicators_plan_order_idx
     * (sql/006), which costs the backend ~45 ms of CPU more per request. */
    PGresult *r = store_exec_sql(c,
                                 "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL work_mem = '64MB'; "
                                 "SET LOCAL random_page_cost = 1.1",
                                 0, NULL, p);
    if (!r)
        return -1;
    PQclear(r);
    const char *pp[] = {scope, id_s};
    if (!(out->plan = store_exec(c, st[Q_PLAN], 2, pp, p)))
        goto fail;
    if (PQntuples(out->plan) == 0) {
        store_rollback(c);
        store_plan_rows_clear(out);
        return 0;
    }
    /* While a revision is open, the working copy is a draft: scores read the adopted one. */
    if (revision < 0)
        revision = strcmp(PQgetvalue(out->plan, 0, 4), "t") == 0 ? atoi(PQgetvalue(out->plan, 0, 2)) : 0;
    snprintf(rev_s, sizeof rev_s, "%d", revision);
    const char *eid = PQgetvalue(out->plan, 0, 0);
    const char *params[] = {eid, id_s, as_of};
    const char *rparams[] = {eid, id_s, rev_s};
    if (revision > 0) {
        PGresult *x = store_exec(c, st[Q_REV_EXISTS], 3, rparams, p);
        int exists = x && PQntuples(x) > 0;
        PQclear(x);
        if (!x)
            goto fail;
        if (!exists) {
            problem_set(p, 404, "not_found", "plan %" PRId64 " has no adopted revision %d", plan_id, revision);
            goto fail;
        }
        if (!(out->objectives = store_exec(c, st[Q_REV_OBJECTIVES], 3, rparams, p)) ||
            !(out->assignments = store_exec(c, st[Q_REV_ASSIGNMENTS], 3, rparams, p)) ||
            !(out->phases = store_exec(c, st[Q_REV_PHASES], 3, rparams, p)) ||
            !(out->indicators = store_exec(c, st[Q_REV_INDICATORS], 3, rparams, p)))
            goto fail;
    } else if (!(out->objectives = store_exec(c, st[Q_OBJECTIVES], 2, params, p)) ||
               !(out->assignments = store_exec(c, st[Q_ASSIGNMENTS], 2, params, p)) ||
               !(out->phases = store_exec(c, st[Q_PHASES], 2, params, p)) ||
               !(out->indicators = store_exec(c, st[Q_INDICATORS], 2, params, p))) {
        goto fail;
    }
    if (!(out->structures = store_exec(c, st[Q_STRUCTURES], 1, params, p)) ||
        !(out->people = store_exec(c, st[Q_PEOPLE], 2, params, p)) ||
        !(out->progress = store_exec(c, st[Q_PROGRESS], 3, params, p)) ||
        !(out->measurements = store_exec(c, st[Q_MEASUREMENTS], 3, params, p)) ||
        !(out->judgements = store_exec(c, st[Q_JUDGEMENTS], 3, params, p)) ||
        !(out->overrides = store_exec(c, st[Q_OVERRIDES], 3, params, p)))
        goto fail;
    out->revision = revision;
    store_rollback(c); /* read only: nothing to keep */
    return 1;
fail:
    store_rollback(c);
    store_plan_rows_clear(out);
    return -1;
}

int store_owner_info(store_conn *c, const char *kind, const char *scope, int64_t id, owner_info *info, problem *p)
{
    memset(info, 0, sizeof *info);
    int q = strcmp(kind, "phases") == 0 ? Q_OWNER_PHASE : strcmp(kind, "indicators") == 0 ? Q_OWNER_INDICATOR
                                                                                            : Q_OWNER_OBJECTIVE;
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, id);
    const char *params[] = {scope, id_s};
    PGresult *r = store_exec(c, st[q], 2, params, p);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        info->plan_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        info->year = atoi(PQgetvalue(r, 0, 1));
        info->removed = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
        snprintf(info->value_type, sizeof info->value_type, "%s", PQgetvalue(r, 0, 3));
        if (!PQgetisnull(r, 0, 4))
            info->rule = strdup(PQgetvalue(r, 0, 4));
    }
    PQclear(r);
    return found;
}

int store_manager_reaches(store_conn *c, const char *kind, const char *scope, int64_t id, int64_t person_id,
                          problem *p)
{
    if (person_id <= 0)
        return 0;
    char id_s[24], person_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, id);
    snprintf(person_s, sizeof person_s, "%" PRId64, person_id);
    const char *params[] = {scope, id_s, person_s};
    int q = strcmp(kind, "phases") == 0 ? Q_MANAGER_PHASE : strcmp(kind, "objectives") == 0 ? Q_MANAGER_OBJECTIVE
                                                                                          : Q_MANAGER_INDICATOR;
    PGresult *r = store_exec(c, st[q], 3, params, p);
    if (!r)
        return -1;
    int yes = PQntuples(r) > 0 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return yes;
}

static int single_doc(PGresult *r, char **doc)
{
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found)
        *doc = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return found;
}

int store_progress_add(store_conn *c, const char *scope, const store_actor *who, int64_t phase_id,
                       const char *percent, const char *completed_on, const char *as_of, const char *note,
                       const store_entry_guard *g, char **doc, problem *p)
{
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, phase_id);
    const char *params[] = {scope, who->token_id, who->name, who->role, id_s,     percent,
                            completed_on, as_of, note, g->reason, g->status, g->closed_through};
    return single_doc(store_exec(c, st[Q_PROGRESS_ADD], 12, params, p), doc);
}

int store_measurement_add(store_conn *c, const char *scope, const store_actor *who, int64_t indicator_id,
                          const char *value_json, int not_assessable, const char *as_of, const char *source,
                          const char *note, const store_entry_guard *g, char **doc, problem *p)
{
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, indicator_id);
    const char *params[] = {scope, who->token_id, who->name, who->role, id_s, value_json,
                            not_assessable ? "true" : "false", as_of, source, note, g->reason, g->status,
                            g->closed_through};
    return single_doc(store_exec(c, st[Q_MEASUREMENT_ADD], 13, params, p), doc);
}

int store_judgement_add(store_conn *c, const char *scope, const store_actor *who, int64_t indicator_id,
                        const char *score, const char *reason, const char *as_of, char **doc, problem *p)
{
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, indicator_id);
    const char *params[] = {scope, who->token_id, who->name, who->role, id_s, score, reason, as_of};
    return single_doc(store_exec(c, st[Q_JUDGEMENT_ADD], 8, params, p), doc);
}

int store_history(store_conn *c, const char *kind, const char *scope, int64_t owner_id, int64_t after, int limit,
                  PGresult **out, problem *p)
{
    char id_s[24], after_s[24], limit_s[16];
    snprintf(id_s, sizeof id_s, "%" PRId64, owner_id);
    snprintf(after_s, sizeof after_s, "%" PRId64, after);
    snprintf(limit_s, sizeof limit_s, "%d", limit);
    const char *params[] = {scope, id_s, after_s, limit_s};
    int q = strcmp(kind, "progress") == 0 ? Q_PROGRESS_LIST : Q_MEASUREMENT_LIST;
    *out = store_exec(c, st[q], 4, params, p);
    return *out ? 0 : -1;
}

int store_review_add(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, const char *kind,
                     const char *as_of, const char *note, const char *items_json, char **doc, problem *p)
{
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, plan_id);
    const char *params[] = {scope, who->token_id, who->name, who->role, id_s, kind, as_of, note, items_json};
    return single_doc(store_exec(c, st[Q_REVIEW_ADD], 9, params, p), doc);
}

int store_review_list(store_conn *c, const char *scope, int64_t plan_id, PGresult **out, problem *p)
{
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, plan_id);
    const char *params[] = {scope, id_s};
    *out = store_exec(c, st[Q_REVIEW_LIST], 2, params, p);
    return *out ? 0 : -1;
}

int store_review_get(store_conn *c, const char *scope, int64_t review_id, char **doc, int64_t *plan_id, problem *p)
{
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%" PRId64, review_id);
    const char *params[] = {scope, id_s};
    PGresult *r = store_exec(c, st[Q_REVIEW_GET], 2, params, p);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        *doc = strdup(PQgetvalue(r, 0, 0));
        *plan_id = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    }
    PQclear(r);
    return found;
}
