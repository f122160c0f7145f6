/* plan_rows.c — a plan read as rows in one consistent snapshot, for the plan model
 * (store/plan_model.c). See plan_rows.h. */
#include "store/plan_rows.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "store/stmt.h"

#define LIVE "removed_in_revision IS NULL"
#define REV_DOC                                                                                               \
    "SELECT document FROM plan_revisions WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND number = " \
    "$3::integer"

enum {
    Q_PLAN,
    Q_OBJECTIVES,
    Q_ASSIGNMENTS,
    Q_STRUCTURES,
    Q_PEOPLE,
    Q_PHASES,
    Q_INDICATORS,
    Q_INDICATORS_JSON,
    Q_KEEP_FORMS,
    Q_PROGRESS,
    Q_MEASUREMENTS,
    Q_JUDGEMENTS,
    Q_OVERRIDES,
    Q_REV_EXISTS,
    Q_REV_OBJECTIVES,
    Q_REV_ASSIGNMENTS,
    Q_REV_PHASES,
    Q_REV_INDICATORS,
    Q_COUNT
};

static store_stmt st[Q_COUNT] = {
    [Q_PLAN] = {"plan_rows.plan",
                "SELECT entity_id, year, revision, status, editing, method::text FROM plans WHERE id = $2::bigint AND ($1::bigint IS NULL OR "
                "entity_id = $1::bigint)",
                2, 0},
    [Q_OBJECTIVES] = {"plan_rows.objectives",
                      "SELECT id, code, title, parent_id, payment_timeliness, start_year, end_year FROM objectives "
                      "WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY code",
                      2, 0},
    [Q_ASSIGNMENTS] = {"plan_rows.assignments",
                       "SELECT objective_id, structure_id, person_id, weight FROM assignments WHERE entity_id = "
                       "$1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY id",
                       2, 0},
    [Q_STRUCTURES] = {"plan_rows.structures",
                      "SELECT id, code, name, manager_id, interim FROM structures WHERE entity_id = $1::bigint "
                      "ORDER BY code",
                      1, 0},
    [Q_PEOPLE] = {"plan_rows.people",
                  "SELECT id, external_id, name, role FROM people p WHERE p.entity_id = $1::bigint AND (p.id IN "
                  "(SELECT person_id FROM assignments WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE
                  ") OR p.id IN (SELECT manager_id FROM structures WHERE entity_id = $1::bigint)) ORDER BY p.name, p.id",
                  2, 0},
    [Q_PHASES] = {"plan_rows.phases",
                  "SELECT id, objective_id, weight, cumulative, deadline, array_to_string(owners, chr(31)) FROM phases "
                  "WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY objective_id, seq",
                  2, 0},
    /* The rule as its stored compact form when it has one (sql/030_rule_forms.sql), else as
     * JSON text with the SHA-256 of that text (store_plan_rows_keep_forms checks it). */
    [Q_INDICATORS] = {"plan_rows.indicators",
                      "SELECT id, objective_id, code, weight, CASE WHEN rule_form IS NULL THEN rule::text END, name, "
                      "value_type, COALESCE(targets -> to_char($3::date, 'YYYY'), target)::text, baseline::text, "
                      "direction, rule_form, CASE WHEN rule_form IS NULL AND rule IS NOT NULL THEN "
                      "encode(sha256(convert_to(rule::text, 'UTF8')), 'hex') END FROM indicators WHERE entity_id = "
                      "$1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY objective_id, code",
                      3, 0},
    /* Every rule as JSON: after a form failed to read back (the forms are written again). */
    [Q_INDICATORS_JSON] = {"plan_rows.indicators_json",
                           "SELECT id, objective_id, code, weight, rule::text, name, value_type, COALESCE(targets -> "
                           "to_char($3::date, 'YYYY'), target)::text, baseline::text, direction, NULL::text, "
                           "encode(sha256(convert_to(rule::text, 'UTF8')), 'hex') FROM indicators WHERE entity_id = "
                           "$1::bigint AND plan_id = $2::bigint AND " LIVE " ORDER BY objective_id, code",
                           3, 0},
    /* Forms written back where the rule is still the text they were decoded from. */
    [Q_KEEP_FORMS] = {"plan_rows.keep_forms",
                      "UPDATE indicators t SET rule_form = x.f FROM json_to_recordset($2::json) AS x(i bigint, d text, "
                      "f text) WHERE t.entity_id = $1::bigint AND t.id = x.i AND t.rule_form IS DISTINCT FROM x.f AND "
                      "sha256(convert_to(t.rule::text, 'UTF8')) = decode(x.d, 'hex')",
                      2, 0},
    [Q_PROGRESS] = {"plan_rows.progress",
                    "SELECT DISTINCT ON (phase_id) phase_id, percent_complete, completed_on FROM progress WHERE "
                    "entity_id = $1::bigint AND plan_id = $2::bigint AND as_of <= $3::date ORDER BY phase_id, as_of "
                    "DESC, id DESC",
                    3, 0},
    [Q_MEASUREMENTS] = {"plan_rows.measurements",
                        "SELECT DISTINCT ON (indicator_id) indicator_id, value::text, not_assessable, as_of FROM "
                        "measurements WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND as_of <= $3::date "
                        "ORDER BY indicator_id, as_of DESC, id DESC",
                        3, 0},
    [Q_JUDGEMENTS] = {"plan_rows.judgements",
                      "SELECT DISTINCT ON (indicator_id) indicator_id, score, reason, as_of FROM judgements WHERE "
                      "entity_id = $1::bigint AND plan_id = $2::bigint AND (as_of IS NULL OR as_of <= $3::date) "
                      "ORDER BY indicator_id, id DESC",
                      3, 0},
    /* score overrides (sql/009_periods.sql): the latest approved one dated on or before as_of */
    [Q_OVERRIDES] = {"plan_rows.overrides",
                     "SELECT DISTINCT ON (objective_id) objective_id, score FROM score_overrides WHERE entity_id = "
                     "$1::bigint AND plan_id = $2::bigint AND status = 'approved' AND as_of <= $3::date ORDER BY "
                     "objective_id, as_of DESC, decided_at DESC, id DESC",
                     3, 0},
    /* The same row sets, read from an adopted revision's snapshot (src/store/plan_doc.c). */
    [Q_REV_EXISTS] = {"plan_rows.rev_exists",
                      "SELECT 1 FROM plan_revisions WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND number = "
                      "$3::integer",
                      3, 0},
    [Q_REV_OBJECTIVES] =
        {"plan_rows.rev_objectives",
         "WITH d AS (" REV_DOC ") SELECT (o->>'id')::bigint, o->>'code', o->>'title', (SELECT (q->>'id')::bigint FROM "
         "jsonb_array_elements(d.document->'objectives') q WHERE q->>'code' = o->>'parent_code' LIMIT 1), "
         "COALESCE((o->>'payment_timeliness')::boolean, false), (o->>'start_year')::integer, "
         "(o->>'end_year')::integer FROM d, jsonb_array_elements(d.document->'objectives') o ORDER BY o->>'code'",
         3, 0},
    [Q_REV_ASSIGNMENTS] =
        {"plan_rows.rev_assignments",
         "WITH d AS (" REV_DOC ") SELECT (o->>'id')::bigint, s.id, pe.id, (a->>'weight')::numeric FROM d "
         "CROSS JOIN jsonb_array_elements(d.document->'objectives') o CROSS JOIN jsonb_array_elements(o->'assignments') "
         "a LEFT JOIN structures s ON s.entity_id = $1::bigint AND s.code = a->>'structure_code' LEFT JOIN people pe "
         "ON pe.entity_id = $1::bigint AND pe.external_id = a->>'person_external_id' WHERE s.id IS NOT NULL OR pe.id "
         "IS NOT NULL",
         3, 0},
    [Q_REV_PHASES] = {"plan_rows.rev_phases",
                      "WITH d AS (" REV_DOC ") SELECT (f->>'id')::bigint, (o->>'id')::bigint, (f->>'weight')::numeric, "
                      "(f->>'cumulative')::numeric, (f->>'deadline')::date, array_to_string(ARRAY(SELECT "
                      "jsonb_array_elements_text(CASE WHEN jsonb_typeof(f->'owners') = 'array' THEN f->'owners' ELSE '[]' END)), "
                      "chr(31)) FROM d, jsonb_array_elements(d.document->'objectives') o, jsonb_array_elements(o->'phases') f "
                      "ORDER BY (o->>'id')::bigint, (f->>'seq')::integer",
                      3, 0},
    [Q_REV_INDICATORS] =
        {"plan_rows.rev_indicators",
         "WITH d AS (" REV_DOC ") SELECT (i->>'id')::bigint, (o->>'id')::bigint, i->>'code', (i->>'weight')::numeric, "
         "CASE WHEN jsonb_typeof(i->'rule') = 'object' THEN (i->'rule')::text END, i->>'name', "
         "COALESCE(i->>'value_type', 'number'), CASE WHEN jsonb_typeof(COALESCE(i->'targets'->to_char($4::date, "
         "'YYYY'), i->'target')) <> 'null' THEN COALESCE(i->'targets'->to_char($4::date, 'YYYY'), i->'target')::text END, CASE WHEN jsonb_typeof(i->'baseline') <> 'null' THEN (i->'baseline')::text END, "
         "COALESCE(i->>'direction', 'higher_is_better'), NULL::text, NULL::text FROM d, jsonb_array_elements(d.document->'objectives') o, "
         "jsonb_array_elements(o->'indicators') i ORDER BY (o->>'id')::bigint, i->>'code'",
         4, 0},
};

int store_plan_rows_register(void) { return STORE_STMTS_REGISTER(st); }

void store_plan_rows_clear(plan_rows *rows)
{
    PGresult **all[] = {&rows->plan,         &rows->objectives, &rows->assignments, &rows->structures,
                        &rows->people,       &rows->phases,     &rows->indicators,  &rows->progress,
                        &rows->measurements, &rows->judgements, &rows->overrides};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        PQclear(*all[i]);
        *all[i] = NULL;
    }
}

/* Runs st[q] bound with the first n of (entity, plan, third, fourth) into *out. 0, or -1 with p set. */
static int read_set4(store_conn *c, int q, int64_t entity, int64_t plan_id, const char *third, const char *fourth,
                     PGresult **out, problem *p)
{
    store_args a = {0};
    arg_i64(&a, entity);
    if (st[q].nparams > 1)
        arg_i64(&a, plan_id);
    if (st[q].nparams > 2)
        arg_text(&a, third);
    if (st[q].nparams > 3)
        arg_text(&a, fourth);
    return (*out = store_run(c, &st[q], &a, p)) ? 0 : -1;
}

static int read_set(store_conn *c, int q, int64_t entity, int64_t plan_id, const char *third, PGresult **out, problem *p)
{
    return read_set4(c, q, entity, plan_id, third, NULL, out, p);
}

int store_plan_rows(store_conn *c, const char *scope, int64_t plan_id, const char *as_of, int revision, int forms,
                    plan_rows *out, problem *p)
{
    memset(out, 0, sizeof *out);
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
    store_args a = {0};
    arg_text(&a, scope);
    arg_i64(&a, plan_id);
    if (!(out->plan = store_run(c, &st[Q_PLAN], &a, p)))
        goto fail;
    if (row_count(out->plan) == 0) {
        store_rollback(c);
        store_plan_rows_clear(out);
        return 0;
    }
    /* While a revision is open, the working copy is a draft: scores read the adopted one. */
    if (revision < 0)
        revision = row_bool(out->plan, 0, 4) ? row_int(out->plan, 0, 2) : 0;
    int64_t eid = row_i64(out->plan, 0, 0);
    if (revision > 0) {
        char rev_s[16];
        snprintf(rev_s, sizeof rev_s, "%d", revision);
        PGresult *x;
        if (read_set(c, Q_REV_EXISTS, eid, plan_id, rev_s, &x, p) < 0)
            goto fail;
        int exists = row_count(x) > 0;
        PQclear(x);
        if (!exists) {
            problem_set(p, 404, "not_found", "plan %" PRId64 " has no adopted revision %d", plan_id, revision);
            goto fail;
        }
        if (read_set(c, Q_REV_OBJECTIVES, eid, plan_id, rev_s, &out->objectives, p) < 0 ||
            read_set(c, Q_REV_ASSIGNMENTS, eid, plan_id, rev_s, &out->assignments, p) < 0 ||
            read_set(c, Q_REV_PHASES, eid, plan_id, rev_s, &out->phases, p) < 0 ||
            read_set4(c, Q_REV_INDICATORS, eid, plan_id, rev_s, as_of, &out->indicators, p) < 0)
            goto fail;
    } else if (read_set(c, Q_OBJECTIVES, eid, plan_id, NULL, &out->objectives, p) < 0 ||
               read_set(c, Q_ASSIGNMENTS, eid, plan_id, NULL, &out->assignments, p) < 0 ||
               read_set(c, Q_PHASES, eid, plan_id, NULL, &out->phases, p) < 0 ||
               read_set(c, forms ? Q_INDICATORS : Q_INDICATORS_JSON, eid, plan_id, as_of, &out->indicators, p) < 0) {
        goto fail;
    }
    if (read_set(c, Q_STRUCTURES, eid, plan_id, NULL, &out->structures, p) < 0 ||
        read_set(c, Q_PEOPLE, eid, plan_id, NULL, &out->people, p) < 0 ||
        read_set(c, Q_PROGRESS, eid, plan_id, as_of, &out->progress, p) < 0 ||
        read_set(c, Q_MEASUREMENTS, eid, plan_id, as_of, &out->measurements, p) < 0 ||
        read_set(c, Q_JUDGEMENTS, eid, plan_id, as_of, &out->judgements, p) < 0 ||
        read_set(c, Q_OVERRIDES, eid, plan_id, as_of, &out->overrides, p) < 0)
        goto fail;
    out->revision = revision;
    store_rollback(c); /* read only: nothing to keep */
    return 1;
fail:
    store_rollback(c);
    store_plan_rows_clear(out);
    return -1;
}

void store_plan_rows_keep_forms(store_conn *c, int64_t entity_id, const char *json)
{
    /* inside the caller's transaction (a POST under its Idempotency-Key) the forms wait for a
     * later read: their lock timeout would outlast them there, and their rows stay locked */
    if (store_depth(c) > 0)
        return;
    problem p;
    problem_init(&p);
    /* a row a writer holds is left for a later read: never wait for it, never deadlock it */
    PGresult *r = store_exec_sql(c, "BEGIN; SET LOCAL lock_timeout = '50ms'", 0, NULL, &p);
    if (r) {
        PQclear(r);
        store_args a = {0};
        arg_i64(&a, entity_id);
        arg_text(&a, json);
        r = store_run(c, &st[Q_KEEP_FORMS], &a, &p);
    }
    int kept = r != NULL;
    PQclear(r);
    if (!kept || store_commit(c, &p) < 0) {
        log_info("rule forms not kept: %s", p.detail);
        store_rollback(c);
    }
    problem_clear(&p);
}
