/* checks.c — GET /v1/plans/{id}/checks: the plan as stored, turned into the rules
 * library's model and checked by rules_plan_check; this file names each finding's
 * object as the API knows it (codes and ids) and moves the answer out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/checks.h"

#include "api/api.h"
#include "api/plan_model.h"
#include "codec/csv.h"
#include "core/text.h"
#include "http/server.h"
#include "store/monitoring.h"

#define CHECK_FINDINGS_MAX 5000

/* The value paired with name s in names (NULL-terminated), or fallback. case_blind: ignore case. */
static int word_value(const char *s, const char *const *names, const int *values, int fallback, int case_blind)
{
    for (int i = 0; s && names[i]; i++)
        if ((case_blind ? strcasecmp(s, names[i]) : strcmp(s, names[i])) == 0)
            return values[i];
    return fallback;
}

rules_level checks_level(const char *level)
{
    static const char *const n[] = {"strategic", "operational", "management", NULL};
    static const int v[] = {RULES_LEVEL_STRATEGIC, RULES_LEVEL_OPERATIONAL, RULES_LEVEL_MANAGEMENT};
    return (rules_level)word_value(level, n, v, RULES_LEVEL_UNKNOWN, 0);
}

rules_role checks_role(const char *role)
{
    static const char *const n[] = {"dirigente", "eq", "po", NULL};
    static const int v[] = {RULES_ROLE_MANAGER, RULES_ROLE_EQ, RULES_ROLE_EQ};
    return (rules_role)word_value(role, n, v, RULES_ROLE_OTHER, 1);
}

rules_scope checks_scope(const char *scope)
{
    static const char *const n[] = {"entity", "structure", "individual", NULL};
    static const int v[] = {RULES_SCOPE_ENTITY, RULES_SCOPE_STRUCTURE, RULES_SCOPE_INDIVIDUAL};
    return (rules_scope)word_value(scope, n, v, RULES_SCOPE_NONE, 0);
}

rules_direction checks_direction(const char *direction)
{
    static const char *const n[] = {"higher_is_better", "lower_is_better", NULL};
    static const int v[] = {RULES_DIRECTION_HIGHER, RULES_DIRECTION_LOWER};
    return (rules_direction)word_value(direction, n, v, RULES_DIRECTION_AUTO, 0);
}

/* What the checker reads beyond the scoring model, for the working copy of a plan. */
typedef struct check_extra {
    rules_check_context cx;
    rules_phase *phases;       /* the model's phases with owners limited to real assignees */
    int *structure_of_assignee;/* assignee index → index into cx.structures, -1 */
    int64_t *person_id;        /* cx.people[i]'s id */
    int64_t *structure_id;     /* cx.structures[i]'s id */
} check_extra;

static const char *const extra_sql[] = {
    "SELECT id, level, routine, scope, cardinality(notes), notes[1], start_year, end_year FROM objectives WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND "
    "removed_in_revision IS NULL",
    "SELECT id, seq, description FROM phases WHERE entity_id = $1::bigint AND plan_id = $2::bigint AND "
    "removed_in_revision IS NULL",
    "SELECT id, target #>> '{}', baseline #>> '{}', direction, value_type FROM indicators WHERE entity_id = "
    "$1::bigint AND plan_id = $2::bigint AND removed_in_revision IS NULL",
    "SELECT id, code, name, manager_id FROM structures WHERE entity_id = $1::bigint ORDER BY code",
    "SELECT id, external_id, name, role FROM people WHERE entity_id = $1::bigint ORDER BY name, id",
    "SELECT objective_id, scope, slot FROM assignments WHERE entity_id = $1::bigint AND plan_id = $2::bigint "
    "AND removed_in_revision IS NULL ORDER BY id", /* the rows and order of the model's assignments */
    "SELECT min(deliberation_date)::text FROM plan_revisions WHERE entity_id = $1::bigint AND plan_id = "
    "$2::bigint",
};
enum { X_OBJ, X_PHASE, X_IND, X_STRUCT, X_PEOPLE, X_ASG, X_ADOPTED, X_COUNT }; /* the order of extra_sql */

static const char *cell(plan_model *m, const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : arena_strdup(&m->mem, PQgetvalue(r, row, col));
}

/* Fills x from the database; everything lives in m's arena. Per-plan texts (levels,
 * phase and indicator texts) are read for the working copy only (with_texts). Returns 0,
 * or -1 with p set. */
static int load_extra(store_conn *c, plan_model *m, int with_texts, check_extra *x, problem *p)
{
    rules_plan *cp = &m->check_plan;
    char eid[24], pid[24];
    snprintf(eid, sizeof eid, "%" PRId64, m->entity_id);
    snprintf(pid, sizeof pid, "%" PRId64, m->plan_id);
    const char *params[] = {eid, pid};
    PGresult *r[X_COUNT] = {0};
    int rc = -1;
    memset(x, 0, sizeof *x);
    for (int q = 0; q < X_COUNT; q++) {
        if (!with_texts && (q <= X_IND || q == X_ASG))
            continue;
        if (!(r[q] = store_exec_sql(c, extra_sql[q], q == X_STRUCT || q == X_PEOPLE ? 1 : 2, params, p)))
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
        for (int row = 0; row < PQntuples(r[X_OBJ]); row++) {
            int i = plan_model_objective(m, strtoll(PQgetvalue(r[X_OBJ], row, 0), NULL, 10));
            if (i < 0)
                continue;
            co[i].level = checks_level(PQgetvalue(r[X_OBJ], row, 1));
            co[i].routine = strcmp(PQgetvalue(r[X_OBJ], row, 2), "t") == 0;
            co[i].scope = checks_scope(PQgetvalue(r[X_OBJ], row, 3));
            co[i].n_notes = atoi(PQgetvalue(r[X_OBJ], row, 4));
            co[i].note = cell(m, r[X_OBJ], row, 5);
            co[i].year_from = atoi(PQgetvalue(r[X_OBJ], row, 6));
            co[i].year_to = atoi(PQgetvalue(r[X_OBJ], row, 7));
        }
        for (int row = 0; row < PQntuples(r[X_PHASE]); row++) {
            int j = idmap_get(&pidx, strtoll(PQgetvalue(r[X_PHASE], row, 0), NULL, 10));
            if (j < 0)
                continue;
            ph[j].seq = atoi(PQgetvalue(r[X_PHASE], row, 1));
            ph[j].description = cell(m, r[X_PHASE], row, 2);
        }
        for (int row = 0; row < PQntuples(r[X_IND]); row++) {
            int k = idmap_get(&iidx, strtoll(PQgetvalue(r[X_IND], row, 0), NULL, 10));
            if (k < 0)
                continue;
            ci[k].name = m->indicator[k].name;
            ci[k].target = cell(m, r[X_IND], row, 1);
            ci[k].baseline = cell(m, r[X_IND], row, 2);
            ci[k].direction = checks_direction(PQgetvalue(r[X_IND], row, 3));
            ci[k].date_valued = strcmp(PQgetvalue(r[X_IND], row, 4), "date") == 0;
        }
        /* type and slot per assignment, in the model's order (rows of objectives it holds) */
        rules_check_assignment *ca = arena_array(a, (size_t)cp->n_assignments + 1, sizeof *ca);
        if (!ca)
            goto oom;
        int k = 0;
        for (int row = 0; row < PQntuples(r[X_ASG]) && k < cp->n_assignments; row++) {
            if (plan_model_objective(m, strtoll(PQgetvalue(r[X_ASG], row, 0), NULL, 10)) < 0)
                continue;
            ca[k].scope = checks_scope(PQgetisnull(r[X_ASG], row, 1) ? NULL : PQgetvalue(r[X_ASG], row, 1));
            ca[k++].slot = atoi(PQgetvalue(r[X_ASG], row, 2));
        }
        x->cx.assignments = k == cp->n_assignments ? ca : NULL; /* a concurrent edit: leave slots out */
        x->cx.objectives = co;
        x->cx.phases = ph;
        x->cx.indicators = ci;
    }
    /* the organisation: every structure and person of the entity */
    int ns = PQntuples(r[X_STRUCT]), np = PQntuples(r[X_PEOPLE]);
    rules_check_structure *st = arena_array(a, (size_t)ns + 1, sizeof *st);
    rules_check_person *pe = arena_array(a, (size_t)np + 1, sizeof *pe);
    x->person_id = arena_array(a, (size_t)np + 1, sizeof *x->person_id);
    x->structure_id = arena_array(a, (size_t)ns + 1, sizeof *x->structure_id);
    x->structure_of_assignee = arena_array(a, (size_t)cp->n_assignees + 1, sizeof(int));
    idmap people, sidx;
    if (!st || !pe || !x->person_id || !x->structure_id || !x->structure_of_assignee || idmap_init(&people, a, (size_t)np) < 0 ||
        idmap_init(&sidx, a, (size_t)ns) < 0)
        goto oom;
    for (int i = 0; i < np; i++) {
        x->person_id[i] = strtoll(PQgetvalue(r[X_PEOPLE], i, 0), NULL, 10);
        idmap_put(&people, x->person_id[i], i);
        pe[i].code = cell(m, r[X_PEOPLE], i, 1);
        pe[i].name = cell(m, r[X_PEOPLE], i, 2);
        pe[i].role = checks_role(PQgetvalue(r[X_PEOPLE], i, 3));
    }
    for (int i = 0; i < ns; i++) {
        x->structure_id[i] = strtoll(PQgetvalue(r[X_STRUCT], i, 0), NULL, 10);
        idmap_put(&sidx, x->structure_id[i], i);
        st[i].code = cell(m, r[X_STRUCT], i, 1);
        st[i].name = cell(m, r[X_STRUCT], i, 2);
        st[i].manager = PQgetisnull(r[X_STRUCT], i, 3)
                            ? -1
                            : idmap_get(&people, strtoll(PQgetvalue(r[X_STRUCT], i, 3), NULL, 10));
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
    if (PQntuples(r[X_ADOPTED]) > 0 && !PQgetisnull(r[X_ADOPTED], 0, 0))
        x->cx.has_adopted = rules_date_parse_iso(PQgetvalue(r[X_ADOPTED], 0, 0), &x->cx.adopted, NULL) == 0;
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

/* Loads plan_id (today's state, or ?revision=) into m. Answers and returns -1 on failure. */
static int load_model(http_request *req, int64_t plan_id, plan_model *m, check_extra *x)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    memset(m, 0, sizeof *m);
    int revision; /* absent: 0, the working copy (while a revision is open, the draft being edited) */
    if (api_revision_param(req, 0, &revision) < 0)
        return -1;
    char today[11];
    api_today(today);
    plan_rows rows;
    int found = store_plan_rows(call->db, call->scope, plan_id, today, revision, &rows, &p);
    if (found <= 0) {
        if (found == 0)
            problem_set(&p, 404, "not_found", "no plan with id %" PRId64, plan_id);
        goto fail;
    }
    int built = plan_model_build(m, &rows, plan_id, &p);
    store_plan_rows_clear(&rows);
    if (built == 0 && load_extra(call->db, m, revision == 0, x, &p) == 0)
        return 0;
    plan_model_free(m);
fail:
    http_problem(req, &p);
    problem_clear(&p);
    return -1;
}

/* Rewrites a library path ("objectives[3].phases") with the API's ids and codes. */
static json_t *finding_json(const plan_model *m, const check_extra *x, const rules_finding *f)
{
    json_t *j = json_pack("{s:s, s:s, s:s}", "severity", rules_severity_name(f->severity), "code", f->code,
                          "message", f->message);
    char kind[16];
    int idx = -1, used = 0;
    const char *path = f->path;
    if (sscanf(path, "%15[a-z][%d]%n", kind, &idx, &used) == 2 && idx >= 0) {
        const char *rest = path + used;
        char label[160] = "";
        const char *resource = NULL;
        int64_t id = 0;
        if (strcmp(kind, "objectives") == 0 && idx < m->plan.n_objectives) {
            resource = "objective";
            id = m->objective_id[idx];
            snprintf(label, sizeof label, "objectives[%s]", m->plan.objectives[idx].code);
        } else if (strcmp(kind, "indicators") == 0 && idx < m->plan.n_indicators) {
            resource = "indicator";
            id = m->indicator_id[idx];
            snprintf(label, sizeof label, "indicators[%s]", m->plan.indicators[idx].code);
        } else if (strcmp(kind, "phases") == 0 && idx < m->plan.n_phases) {
            resource = "phase";
            id = m->phase_id[idx];
            const char *oc = m->plan.objectives[m->plan.phases[idx].objective].code;
            int seq = x->cx.phases ? x->cx.phases[idx].seq : 0;
            if (seq > 0)
                snprintf(label, sizeof label, "objectives[%s].phases[%d]", oc, seq);
            else
                snprintf(label, sizeof label, "objectives[%s].phases", oc);
        } else if (strcmp(kind, "assignees") == 0 && idx < m->n_real_assignees) {
            const pm_assignee *a = &m->assignee[idx];
            resource = a->kind == PM_STRUCTURE ? "structure" : "person";
            id = a->id;
            snprintf(label, sizeof label, "%s[%s]", a->kind == PM_STRUCTURE ? "structures" : "people",
                     a->code ? a->code : "?");
        } else if (strcmp(kind, "assignments") == 0 && idx < m->plan.n_assignments) {
            int o = m->plan.assignments[idx].objective;
            resource = "objective";
            id = m->objective_id[o];
            const char *ac = m->assignee[m->plan.assignments[idx].assignee].code;
            snprintf(label, sizeof label, "objectives[%s].assignments[%s]", m->plan.objectives[o].code, ac ? ac : "?");
        } else if (strcmp(kind, "structures") == 0 && idx < x->cx.n_structures) {
            resource = "structure";
            id = x->structure_id[idx];
            snprintf(label, sizeof label, "structures[%s]", x->cx.structures[idx].code);
        } else if (strcmp(kind, "people") == 0 && idx < x->cx.n_people) {
            resource = "person";
            id = x->person_id[idx];
            snprintf(label, sizeof label, "people[%s]", x->cx.people[idx].code ? x->cx.people[idx].code : "?");
        }
        if (resource) {
            char full[300];
            snprintf(full, sizeof full, "%s%s", label, rest);
            utf8_trim_partial(full);
            json_object_set_new(j, "path", json_string(full));
            json_object_set_new(j, "resource", json_string(resource));
            json_object_set_new(j, "resource_id", json_integer(id));
            return j;
        }
    }
    json_object_set_new(j, "path", json_string(path));
    return j;
}

void plan_checks(http_request *req)
{
    plan_model m;
    check_extra x;
    if (load_model(req, req->ids[0], &m, &x) < 0)
        return;
    const rules_plan *cp = &m.check_plan;
    size_t words = rules_plan_check_scratch(cp);
    int64_t *scratch = malloc((words + 1) * sizeof *scratch);
    rules_finding *findings = malloc(CHECK_FINDINGS_MAX * sizeof *findings);
    if (!scratch || !findings) {
        free(scratch);
        free(findings);
        plan_model_free(&m);
        http_error(req, 503, "out_of_memory", "the plan is too large to check now");
        return;
    }
    size_t n = 0;
    rules_plan_check(cp, findings, CHECK_FINDINGS_MAX, &n, scratch, words + 1);
    size_t kept = n < CHECK_FINDINGS_MAX ? n : CHECK_FINDINGS_MAX;
    json_t *arr = json_array();
    int errors = 0, warnings = 0, infos = 0;
    for (size_t i = 0; i < kept; i++) {
        json_array_append_new(arr, finding_json(&m, &x, &findings[i]));
        if (findings[i].severity == RULES_SEVERITY_ERROR)
            errors++;
        else if (findings[i].severity == RULES_SEVERITY_INFO)
            infos++;
        else
            warnings++;
    }
    for (int i = 0; i < m.plan.n_indicators; i++) /* rules the library could not even read */
        if (m.indicator[i].rule_error) {
            char path[200];
            snprintf(path, sizeof path, "indicators[%s].rule", m.plan.indicators[i].code);
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "severity", "error", "code",
                                                 "rule_invalid", "message", m.indicator[i].rule_error, "path", path,
                                                 "resource", "indicator", "resource_id",
                                                 (json_int_t)m.indicator_id[i]));
            errors++;
        }
    free(scratch);
    free(findings);
    json_t *out = json_pack("{s:I, s:i, s:i, s:i, s:I, s:o}", "plan_id", (json_int_t)req->ids[0], "errors", errors,
                            "warnings", warnings, "infos", infos, "not_listed", (json_int_t)(n - kept), "findings", arr);
    plan_model_free(&m);
    if (http_wants_csv(req)) {
        static const char *const names[] = {"severity", "code", "path", "message", "resource", "resource_id"};
        buf b;
        buf_init(&b, 0);
        csv_header(&b, names, 6);
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(out, "findings"), i, f) csv_row_from_object(&b, f, names, 6);
        json_decref(out);
        size_t len;
        char *body = buf_steal(&b, &len);
        http_body(req, 200, "text/csv; charset=utf-8", body, len);
        return;
    }
    http_json(req, 200, out);
}

