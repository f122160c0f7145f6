/* rollover.c — next year's draft, with the objectives still under way (store/rollover.h). */
#include "store/rollover.h"

#include "store/stmt.h"

enum { RO_STATE, RO_CARRY };

/* $1 plan, $2 scope, $3 title or NULL, $4 token, $5 name, $6 role */
static store_stmt st[] = {
    [RO_STATE] = {"rollover.state",
                  "SELECT status FROM plans WHERE id = $1::bigint AND ($2::bigint IS NULL OR entity_id = $2::bigint)", 2},
    [RO_CARRY] =
        {"rollover.carry",
         "WITH src AS (SELECT * FROM plans WHERE id = $1::bigint AND ($2::bigint IS NULL OR entity_id = $2::bigint) "
         "AND status <> 'draft'), "
         "np AS (INSERT INTO plans (entity_id, year, kind, title, method, organisation) SELECT entity_id, year + 1, "
         "kind, COALESCE($3::text, CASE WHEN position(year::text IN title) > 0 THEN replace(title, year::text, "
         "(year + 1)::text) ELSE title || ' ' || (year + 1) END), method, organisation FROM src RETURNING *), "
         "o AS (SELECT o.*, nextval(pg_get_serial_sequence('objectives', 'id')) AS new_id FROM objectives o JOIN src "
         "ON o.entity_id = src.entity_id AND o.plan_id = src.id WHERE o.removed_in_revision IS NULL AND (o.end_year > "
         "src.year OR (o.end_year IS NULL AND (src.kind = 'piao' OR EXISTS (SELECT 1 FROM indicators i WHERE "
         "i.entity_id = o.entity_id AND i.objective_id = o.id AND i.removed_in_revision IS NULL AND i.targets ? "
         "(src.year + 1)::text))))), "
         "io AS (INSERT INTO objectives (entity_id, id, plan_id, code, title, description, level, parent_id, scope, "
         "routine, dup_ref, mission, programme, public_value_dimension, expected_result, financial_resources, "
         "start_year, end_year, payment_timeliness, notes, section, driver, sdg, bes, risk_process, risk, risk_level, "
         "carried_from_id) SELECT o.entity_id, o.new_id, np.id, o.code, o.title, o.description, o.level, po.new_id, "
         "o.scope, o.routine, o.dup_ref, o.mission, o.programme, o.public_value_dimension, o.expected_result, "
         "o.financial_resources, o.start_year, o.end_year, o.payment_timeliness, o.notes, o.section, o.driver, "
         "o.sdg, o.bes, o.risk_process, o.risk, o.risk_level, o.id FROM o CROSS JOIN np LEFT JOIN o po ON po.id = "
         "o.parent_id RETURNING 1), "
         "ia AS (INSERT INTO assignments (entity_id, plan_id, objective_id, structure_id, person_id, weight, scope, "
         "slot) SELECT a.entity_id, np.id, o.new_id, a.structure_id, a.person_id, a.weight, a.scope, a.slot FROM "
         "assignments a JOIN o ON a.entity_id = o.entity_id AND a.objective_id = o.id CROSS JOIN np WHERE "
         "a.removed_in_revision IS NULL RETURNING 1), "
         "ip AS (INSERT INTO phases (entity_id, plan_id, objective_id, seq, description, owners, start, deadline, "
         "weight, cumulative) SELECT f.entity_id, np.id, o.new_id, f.seq, f.description, f.owners, f.start, "
         "f.deadline, f.weight, f.cumulative FROM phases f JOIN o ON f.entity_id = o.entity_id AND f.objective_id = "
         "o.id CROSS JOIN np CROSS JOIN src WHERE f.removed_in_revision IS NULL AND (f.deadline IS NULL OR "
         "f.deadline > make_date(src.year, 12, 31)) RETURNING 1), "
         "ii AS (INSERT INTO indicators (entity_id, plan_id, objective_id, code, name, indicator_group, unit, "
         "value_type, baseline, target, targets, direction, rule, weight, source) SELECT i.entity_id, np.id, "
         "o.new_id, i.code, i.name, i.indicator_group, i.unit, i.value_type, i.baseline, COALESCE(i.targets -> "
         "(src.year + 1)::text, i.target), i.targets, i.direction, i.rule, i.weight, i.source FROM indicators i "
         "JOIN o ON i.entity_id = o.entity_id AND i.objective_id = o.id CROSS JOIN np CROSS JOIN src WHERE "
         "i.removed_in_revision IS NULL RETURNING 1), "
         "n AS (SELECT (SELECT count(*) FROM io) AS objectives, (SELECT count(*) FROM ia) AS assignments, "
         "(SELECT count(*) FROM ip) AS phases, (SELECT count(*) FROM ii) AS indicators), "
         "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, "
         "plan_id, after) SELECT np.entity_id, $4::bigint, $5::text, $6::text, 'rollover', 'plans', np.id, np.id, "
         "jsonb_build_object('from_plan', src.id, 'year', np.year, 'objectives', n.objectives, 'assignments', "
         "n.assignments, 'phases', n.phases, 'indicators', n.indicators) FROM np, src, n) "
         "SELECT np.id, n.objectives, n.assignments, n.phases, n.indicators FROM np, n",
         6},
};

int store_rollover_register(void) { return STORE_STMTS_REGISTER(st); }

int store_rollover(store_conn *c, int64_t plan_id, const char *scope, const char *title, const store_actor *who,
                   store_rollover_result *out, problem *p)
{
    int rc;
    PGresult *r = store_run_row(c, &st[RO_STATE], STORE_ARGS(SA_I64(plan_id), SA_TEXT(scope)), &rc, p);
    if (!r)
        return rc;
    int draft = row_text(r, 0, 0) && row_text(r, 0, 0)[0] == 'd';
    PQclear(r);
    if (draft) {
        problem_set(p, 409, "plan_draft", "plan %lld is a draft: only an adopted plan is rolled over to next year",
                    (long long)plan_id);
        return -1;
    }
    if (!(r = store_run_row(c, &st[RO_CARRY],
                            STORE_ARGS(SA_I64(plan_id), SA_TEXT(scope), SA_TEXT(title), SA_ACTOR(who)), &rc, p)))
        return rc;
    int64_t *const cells[] = {&out->plan_id, &out->objectives, &out->assignments, &out->phases, &out->indicators};
    row_i64s(r, 0, 0, cells, 5);
    PQclear(r);
    return 1;
}
