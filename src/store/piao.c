/* piao.c — a PIAO's facts for its checker (store/piao.h). */
#include "store/piao.h"

#include <stdlib.h>
#include <string.h>

#include "store/stmt.h"

enum { PI_PLAN, PI_OBJECTIVES };

#define HAS(k) "coalesce(jsonb_typeof(pl.organisation->'" k "') NOT IN ('null'), false)"
/* an indicator lacks: no baseline, or no target for one of the three years (the first year's may be target) */
#define LACKS                                                                                                        \
    "(i.baseline IS NULL OR jsonb_typeof(i.baseline) = 'null' OR NOT ((coalesce(i.targets ? pl.year::text, false) "  \
    "OR (i.target IS NOT NULL AND jsonb_typeof(i.target) <> 'null')) AND coalesce(i.targets ? (pl.year + 1)::text, " \
    "false) AND coalesce(i.targets ? (pl.year + 2)::text, false)))"

static store_stmt st[] = {
    [PI_PLAN] = {"piao.plan",
                 "SELECT pl.year, pl.kind, coalesce(e.staff_count, -1), " HAS("struttura_organizzativa") ", " HAS(
                     "lavoro_agile") ", " HAS("fabbisogni_personale") ", " HAS("formazione") ", pl.entity_id FROM "
                                                                                             "plans pl JOIN entities e "
                                                                                             "ON e.id = pl.entity_id "
                                                                                             "WHERE pl.id = $1::bigint "
                                                                                             "AND ($2::bigint IS NULL "
                                                                                             "OR pl.entity_id = "
                                                                                             "$2::bigint)",
                 2},
    [PI_OBJECTIVES] = {"piao.objectives",
                       "SELECT o.id, o.code, coalesce(o.section, 'performance'), coalesce(o.risk_process, '') <> '', "
                       "o.risk_level IS NOT NULL, count(i.id), count(i.id) FILTER (WHERE i.baseline IS NULL OR "
                       "jsonb_typeof(i.baseline) = 'null'), count(i.id) FILTER (WHERE " LACKS "), "
                       "(array_agg(i.code ORDER BY i.code) FILTER (WHERE " LACKS "))[1], (array_agg(i.id ORDER BY "
                       "i.code) FILTER (WHERE " LACKS "))[1] FROM objectives o JOIN plans pl ON pl.entity_id = "
                       "o.entity_id AND pl.id = o.plan_id LEFT JOIN indicators i ON i.entity_id = o.entity_id AND "
                       "i.objective_id = o.id AND i.removed_in_revision IS NULL WHERE o.entity_id = $1::bigint AND "
                       "o.plan_id = $2::bigint AND o.removed_in_revision IS NULL GROUP BY o.id, o.code, o.section, "
                       "o.risk_process, o.risk_level ORDER BY o.code",
                       2},
};

int store_piao_register(void) { return STORE_STMTS_REGISTER(st); }

static rules_piao_section section_of(const char *s)
{
    if (strcmp(s, "valore_pubblico") == 0)
        return RULES_PIAO_VALUE;
    if (strcmp(s, "anticorruzione") == 0)
        return RULES_PIAO_ANTICORRUPTION;
    if (strcmp(s, "organizzazione") == 0)
        return RULES_PIAO_ORGANISATION;
    return RULES_PIAO_PERFORMANCE;
}

int store_piao_facts_read(store_conn *c, int64_t plan_id, const char *scope, store_piao_facts *out, problem *p)
{
    memset(out, 0, sizeof *out);
    int rc;
    PGresult *r = store_run_row(c, &st[PI_PLAN], STORE_ARGS(SA_I64(plan_id), SA_TEXT(scope)), &rc, p);
    if (!r)
        return rc;
    if (strcmp(row_text(r, 0, 1), "piao") != 0) {
        PQclear(r);
        return 2;
    }
    out->piao.year = row_int(r, 0, 0);
    out->piao.staff_count = row_int(r, 0, 2);
    for (int k = 0; k < RULES_PIAO_ORG_KEYS; k++)
        out->piao.has_org[k] = row_bool(r, 0, 3 + k);
    out->entity_id = row_i64(r, 0, 7);
    PQclear(r);
    if (!(r = store_run(c, &st[PI_OBJECTIVES], STORE_ARGS(SA_I64(out->entity_id), SA_I64(plan_id)), p)))
        return -1;
    size_t n = (size_t)row_count(r), text = 0;
    for (size_t i = 0; i < n; i++)
        text += strlen(row_text(r, (int)i, 1)) + 1 + (row_null(r, (int)i, 8) ? 0 : strlen(row_text(r, (int)i, 8)) + 1);
    size_t fixed = n * (sizeof *out->objectives + 2 * sizeof(int64_t));
    char *mem = malloc(fixed + text + 1);
    if (!mem) {
        PQclear(r);
        return problem_set(p, 503, "out_of_memory", "the plan is too large to check now");
    }
    out->mem = mem;
    out->objectives = (rules_piao_objective *)mem;
    out->ids = (int64_t *)(mem + n * sizeof *out->objectives);
    out->lacking_id = out->ids + n;
    char *strings = mem + fixed;
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        rules_piao_objective *o = &out->objectives[i];
        out->ids[i] = row_i64(r, row, 0);
        size_t len = strlen(row_text(r, row, 1)) + 1;
        memcpy(strings, row_text(r, row, 1), len);
        o->code = strings;
        strings += len;
        o->section = section_of(row_text(r, row, 2));
        o->has_risk_process = row_bool(r, row, 3);
        o->has_risk_level = row_bool(r, row, 4);
        o->indicators = row_int(r, row, 5);
        o->indicators_without_baseline = row_int(r, row, 6);
        o->indicators_without_all_targets = row_int(r, row, 7);
        o->first_lacking = NULL;
        out->lacking_id[i] = row_null(r, row, 9) ? 0 : row_i64(r, row, 9);
        if (!row_null(r, row, 8)) {
            len = strlen(row_text(r, row, 8)) + 1;
            memcpy(strings, row_text(r, row, 8), len);
            o->first_lacking = strings;
            strings += len;
        }
    }
    PQclear(r);
    out->piao.objectives = out->objectives;
    out->piao.n_objectives = n;
    return 1;
}
