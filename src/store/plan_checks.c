/* plan_checks.c — the rows the plan checker reads beyond the scoring model, decoded into
 * the checker's context (see plan_checks.h). */
#include "store/plan_checks.h"

#include <string.h>

#include "codec/check_words.h"
#include "store/plan_rows.h"
#include "store/sql_build.h"
#include "store/stmt.h"

enum { X_OBJ, X_PHASE, X_IND, X_STRUCT, X_PEOPLE, X_ASG, X_ADOPTED, X_COUNT };

static store_stmt extra_sql[X_COUNT] = {
    [X_OBJ] = {"plan_checks.objectives",
               "SELECT id, level, routine, scope, cardinality(notes), notes[1], start_year, end_year FROM objectives "
               "WHERE " STORE_SQL_OF_PLAN,
               2, 0},
    [X_PHASE] = {"plan_checks.phases", "SELECT id, seq, description FROM phases WHERE " STORE_SQL_OF_PLAN, 2, 0},
    [X_IND] = {"plan_checks.indicators",
               "SELECT id, target #>> '{}', baseline #>> '{}', direction, value_type FROM indicators WHERE " STORE_SQL_OF_PLAN,
               2, 0},
    [X_STRUCT] = {"plan_checks.structures",
                  "SELECT id, code, name, manager_id FROM structures WHERE entity_id = $1::bigint ORDER BY code", 1, 0},
    [X_PEOPLE] = {"plan_checks.people",
                  "SELECT id, external_id, name, role FROM people WHERE entity_id = $1::bigint ORDER BY name, id", 1, 0},
    /* the rows and order of the model's assignments */
    [X_ASG] = {"plan_checks.assignments",
               "SELECT objective_id, scope, slot FROM assignments WHERE " STORE_SQL_OF_PLAN " ORDER BY id", 2, 0},
    [X_ADOPTED] = {"plan_checks.adopted",
                   "SELECT min(deliberation_date)::text FROM plan_revisions WHERE entity_id = $1::bigint AND plan_id = "
                   "$2::bigint",
                   2, 0},
};

int store_plan_checks_register(void) { return STORE_STMTS_REGISTER(extra_sql); }

static const char *cell(plan_model *m, const PGresult *r, int row, int col)
{
    const char *t = row_text(r, row, col);
    return t ? arena_strdup(&m->mem, t) : NULL;
}

int store_plan_check_extra(store_conn *c, plan_model *m, int with_texts, check_extra *x, problem *p)
{
    rules_plan *cp = &m->check_plan;
    store_args params = {0};
    arg_i64(&params, m->entity_id);
    arg_i64(&params, m->plan_id);
    store_args entity = {0};
    arg_i64(&entity, m->entity_id);
    PGresult *r[X_COUNT] = {0};
    int rc = -1;
    memset(x, 0, sizeof *x);
    for (int q = 0; q < X_COUNT; q++) {
        if (!with_texts && (q <= X_IND || q == X_ASG))
            continue;
        if (!(r[q] = store_run(c, &extra_sql[q], extra_sql[q].nparams == 1 ? &entity : &params, p)))
            goto out;
    }
    arena *a = &m->mem;
    x->cx.assignment_weighted = m->assignment_weighted;
    /* phases: owners limited to the plan's real assignees (the model adds managers and the entity) */
    x->phases = arena_array(a, (size_t)cp->n_phases + 1, sizeof *x->phases);
    if (!x->phases)
        goto oom;
    for (int j = 0; j < cp->n_phases; j++) {
        x->phases[j] = cp->phases[j];
        if (x->phases[j].owners) {
            int *own = arena_array(a, (size_t)x->phases[j].n_owners + 1, sizeof(int));
            int n = 0;
            if (!own)
                goto oom;
            for (int k = 0; k < x->phases[j].n_owners; k++)
                if (x->phases[j].owners[k] < m->n_real_assignees)
                    own[n++] = x->phases[j].owners[k];
            x->phases[j].owners = n ? own : NULL;
            x->phases[j].n_owners = n;
        }
    }
    cp->phases = x->phases;
    if (with_texts) {
        rules_check_objective *co = arena_array(a, (size_t)cp->n_objectives + 1, sizeof *co);
        rules_check_phase *ph = arena_array(a, (size_t)cp->n_phases + 1, sizeof *ph);
        rules_check_indicator *ci = arena_array(a, (size_t)cp->n_indicators + 1, sizeof *ci);
        idmap pidx, iidx;
        if (!co || !ph || !ci || idmap_init(&pidx, a, (size_t)cp->n_phases) < 0 ||
            idmap_init(&iidx, a, (size_t)cp->n_indicators) < 0)
            goto oom;
        for (int j = 0; j < cp->n_phases; j++)
            idmap_put(&pidx, m->phase_id[j], j);
        for (int k = 0; k < cp->n_indicators; k++)
            idmap_put(&iidx, m->indicator_id[k], k);
        for (int i = 0; i < cp->n_objectives; i++)
            co[i].title = m->objective_title[i];
        for (int row = 0; row < row_count(r[X_OBJ]); row++) {
            int i = plan_model_objective(m, row_i64(r[X_OBJ], row, 0));
            if (i < 0)
                continue;
            co[i].level = checks_level(row_text(r[X_OBJ], row, 1));
            co[i].routine = row_bool(r[X_OBJ], row, 2);
            co[i].scope = checks_scope(row_text(r[X_OBJ], row, 3));
            co[i].n_notes = row_int(r[X_OBJ], row, 4);
            co[i].note = cell(m, r[X_OBJ], row, 5);
            co[i].year_from = row_int(r[X_OBJ], row, 6);
            co[i].year_to = row_int(r[X_OBJ], row, 7);
        }
        for (int row = 0; row < row_count(r[X_PHASE]); row++) {
            int j = idmap_get(&pidx, row_i64(r[X_PHASE], row, 0));
            if (j < 0)
                continue;
            ph[j].seq = row_int(r[X_PHASE], row, 1);
            ph[j].description = cell(m, r[X_PHASE], row, 2);
        }
        for (int row = 0; row < row_count(r[X_IND]); row++) {
            int k = idmap_get(&iidx, row_i64(r[X_IND], row, 0));
            if (k < 0)
                continue;
            ci[k].name = m->indicator[k].name;
            ci[k].target = cell(m, r[X_IND], row, 1);
            ci[k].baseline = cell(m, r[X_IND], row, 2);
            ci[k].direction = checks_direction(row_text(r[X_IND], row, 3));
            const char *vt = row_text(r[X_IND], row, 4);
            ci[k].date_valued = vt && strcmp(vt, "date") == 0;
        }
        /* type and slot per assignment, in the model's order (rows of objectives it holds) */
        rules_check_assignment *ca = arena_array(a, (size_t)cp->n_assignments + 1, sizeof *ca);
        if (!ca)
            goto oom;
        int k = 0;
        for (int row = 0; row < row_count(r[X_ASG]) && k < cp->n_assignments; row++) {
            if (plan_model_objective(m, row_i64(r[X_ASG], row, 0)) < 0)
                continue;
            ca[k].scope = checks_scope(row_text(r[X_ASG], row, 1));
            ca[k++].slot = row_int(r[X_ASG], row, 2);
        }
        x->cx.assignments = k == cp->n_assignments ? ca : NULL; /* a concurrent edit: leave slots out */
        x->cx.objectives = co;
        x->cx.phases = ph;
        x->cx.indicators = ci;
    }
    /* the organisation: every structure and person of the entity */
    int ns = row_count(r[X_STRUCT]), np = row_count(r[X_PEOPLE]);
    rules_check_structure *st = arena_array(a, (size_t)ns + 1, sizeof *st);
    rules_check_person *pe = arena_array(a, (size_t)np + 1, sizeof *pe);
    x->person_id = arena_array(a, (size_t)np + 1, sizeof *x->person_id);
    x->structure_id = arena_array(a, (size_t)ns + 1, sizeof *x->structure_id);
    x->structure_of_assignee = arena_array(a, (size_t)cp->n_assignees + 1, sizeof(int));
    idmap people, sidx;
    if (!st || !pe || !x->person_id || !x->structure_id || !x->structure_of_assignee ||
        idmap_init(&people, a, (size_t)np) < 0 || idmap_init(&sidx, a, (size_t)ns) < 0)
        goto oom;
    for (int i = 0; i < np; i++) {
        x->person_id[i] = row_i64(r[X_PEOPLE], i, 0);
        idmap_put(&people, x->person_id[i], i);
        pe[i].code = cell(m, r[X_PEOPLE], i, 1);
        pe[i].name = cell(m, r[X_PEOPLE], i, 2);
        pe[i].role = checks_role(row_text(r[X_PEOPLE], i, 3));
    }
    for (int i = 0; i < ns; i++) {
        x->structure_id[i] = row_i64(r[X_STRUCT], i, 0);
        idmap_put(&sidx, x->structure_id[i], i);
        st[i].code = cell(m, r[X_STRUCT], i, 1);
        st[i].name = cell(m, r[X_STRUCT], i, 2);
        st[i].manager = row_null(r[X_STRUCT], i, 3) ? -1 : idmap_get(&people, row_i64(r[X_STRUCT], i, 3));
    }
    for (int i = 0; i < cp->n_assignees; i++) {
        const pm_assignee *as = &m->assignee[i];
        x->structure_of_assignee[i] = as->kind == PM_STRUCTURE ? idmap_get(&sidx, as->id) : -1;
        if (x->structure_of_assignee[i] >= 0)
            st[x->structure_of_assignee[i]].carries_objectives = 1;
    }
    x->cx.structures = st;
    x->cx.n_structures = ns;
    x->cx.people = pe;
    x->cx.n_people = np;
    const char *adopted = row_count(r[X_ADOPTED]) > 0 ? row_text(r[X_ADOPTED], 0, 0) : NULL;
    if (adopted)
        x->cx.has_adopted = rules_date_parse_iso(adopted, &x->cx.adopted, NULL) == 0;
    cp->check = &x->cx;
    rc = 0;
    goto out;
oom:
    problem_set(p, 503, "out_of_memory", "the plan is too large to check now");
out:
    for (int q = 0; q < X_COUNT; q++)
        PQclear(r[q]);
    return rc;
}
