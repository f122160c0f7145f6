/* checks.c — GET /v1/plans/{id}/checks: the plan as stored, turned into the rules
 * library's model and checked by rules_plan_check; this file names each finding's
 * object as the API knows it (codes and ids) and moves the answer out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/piao_checks.h"
#include "codec/csv.h"
#include "codec/i18n.h"
#include "core/text.h"
#include "http/server.h"
#include "store/plan_checks.h"
#include "store/plan_model.h"

#define CHECK_FINDINGS_MAX 5000

/* Loads plan_id (today's state, or ?revision=) into m. Answers and returns -1 on failure. */
static int load_model(http_request *req, int64_t plan_id, plan_model *m, check_extra *x)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    memset(m, 0, sizeof *m);
    int revision; /* absent: 0, the working copy (while a revision is open, the draft being edited) */
    if (http_revision_param(req, 0, &revision, &p) < 0) {
        api_fail(req, &p);
        return -1;
    }
    char today[11];
    http_today(today);
    int found = store_plan_model_load(call->db, call->scope, plan_id, today, revision, m, &p);
    if (found == 0)
        problem_set(&p, 404, "not_found", "no plan with id %" PRId64, plan_id);
    if (found > 0 && store_plan_check_extra(call->db, m, revision == 0, x, &p) == 0)
        return 0;
    plan_model_free(m);
    api_fail(req, &p);
    return -1;
}

/* The object a library path names by its list (kind, "objectives") and index: its resource
 * ("objective"), its id and the label the API shows for it ("objectives[OB1]"); NULL when the
 * path names none. */
static const char *path_object(const plan_model *m, const check_extra *x, const char *kind, int idx, int64_t *id,
                               char *label, size_t cap)
{
    const struct {
        const char *kind, *resource;
        int n;
        const int64_t *ids;
    } lists[] = {{"objectives", "objective", m->plan.n_objectives, m->objective_id},
                 {"indicators", "indicator", m->plan.n_indicators, m->indicator_id},
                 {"structures", "structure", x->cx.n_structures, x->structure_id},
                 {"people", "person", x->cx.n_people, x->person_id}};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        if (strcmp(kind, lists[l].kind) != 0 || idx >= lists[l].n)
            continue;
        const char *code = l == 0   ? m->plan.objectives[idx].code
                           : l == 1 ? m->plan.indicators[idx].code
                           : l == 2 ? x->cx.structures[idx].code
                                    : x->cx.people[idx].code;
        *id = lists[l].ids[idx];
        snprintf(label, cap, "%s[%s]", kind, code ? code : "?");
        return lists[l].resource;
    }
    if (strcmp(kind, "phases") == 0 && idx < m->plan.n_phases) {
        *id = m->phase_id[idx];
        const char *oc = m->plan.objectives[m->plan.phases[idx].objective].code;
        int seq = x->cx.phases ? x->cx.phases[idx].seq : 0;
        if (seq > 0)
            snprintf(label, cap, "objectives[%s].phases[%d]", oc, seq);
        else
            snprintf(label, cap, "objectives[%s].phases", oc);
        return "phase";
    }
    if (strcmp(kind, "assignees") == 0 && idx < m->n_real_assignees) {
        const pm_assignee *a = &m->assignee[idx];
        *id = a->id;
        snprintf(label, cap, "%s[%s]", a->kind == PM_STRUCTURE ? "structures" : "people", a->code ? a->code : "?");
        return a->kind == PM_STRUCTURE ? "structure" : "person";
    }
    if (strcmp(kind, "assignments") == 0 && idx < m->plan.n_assignments) {
        int o = m->plan.assignments[idx].objective;
        *id = m->objective_id[o];
        const char *ac = m->assignee[m->plan.assignments[idx].assignee].code;
        snprintf(label, cap, "objectives[%s].assignments[%s]", m->plan.objectives[o].code, ac ? ac : "?");
        return "objective";
    }
    return NULL;
}

/* Rewrites a library path ("objectives[3].phases") with the API's ids and codes. */
static json_t *finding_json(const plan_model *m, const check_extra *x, const rules_finding *f)
{
    json_t *j = json_pack("{s:s, s:s, s:s}", "severity", rules_severity_name(f->severity), "code", f->code, "message",
                          f->message);
    char kind[16];
    int idx = -1, used = 0;
    const char *path = f->path;
    if (sscanf(path, "%15[a-z][%d]%n", kind, &idx, &used) == 2 && idx >= 0) {
        const char *rest = path + used;
        char label[160] = "";
        int64_t id = 0;
        const char *resource = path_object(m, x, kind, idx, &id, label, sizeof label);
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
                                                 "resource", "indicator", "resource_id", (json_int_t)m.indicator_id[i]));
            errors++;
        }
    free(scratch);
    free(findings);
    if (piao_checks_append(req, req->ids[0], arr, &errors, &warnings) < 0) { /* a PIAO's form, issue 20 */
        json_decref(arr);
        plan_model_free(&m);
        return;
    }
    json_t *out = json_pack("{s:I, s:i, s:i, s:i, s:I, s:o}", "plan_id", (json_int_t)req->ids[0], "errors", errors,
                            "warnings", warnings, "infos", infos, "not_listed", (json_int_t)(n - kept), "findings", arr);
    plan_model_free(&m);
    i18n_messages(json_object_get(out, "findings"), i18n_lang_of(http_header(req, "Accept-Language")));
    if (http_wants_csv(req)) {
        static const char *const names[] = {"severity", "code", "path", "message", "resource", "resource_id"};
        buf b;
        http_answer_init(&b, 0);
        csv_header(&b, names, 6);
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(out, "findings"), i, f) csv_row_from_object(&b, f, names, 6);
        json_decref(out);
        if (http_buf(req, 200, "text/csv; charset=utf-8", &b) < 0) {
            buf_free(&b);
            http_error(req, 503, "out_of_memory", "the findings could not be written now");
        }
        return;
    }
    http_json(req, 200, out);
}
