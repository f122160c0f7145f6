/* piao_checks.c — the PIAO's findings (api/piao_checks.h). */
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/piao_checks.h"
#include "rules.h"
#include "store/piao.h"

#define PIAO_FINDINGS_MAX 2000

/* The resource a finding's path names: the objective (or its indicator), the entity, or the plan. */
static void resource_of(const store_piao_facts *f, int64_t plan_id, const char *path, const char **resource, int64_t *id)
{
    *resource = "plan";
    *id = plan_id;
    if (strncmp(path, "entity.", 7) == 0) {
        *resource = "entity";
        *id = f->entity_id;
        return;
    }
    for (size_t i = 0; strncmp(path, "objectives[", 11) == 0 && i < f->piao.n_objectives; i++) {
        size_t len = strlen(f->objectives[i].code);
        if (strncmp(path + 11, f->objectives[i].code, len) != 0 || path[11 + len] != ']')
            continue;
        int indicator = strstr(path, "].indicators[") != NULL && f->lacking_id[i];
        *resource = indicator ? "indicator" : "objective";
        *id = indicator ? f->lacking_id[i] : f->ids[i];
        return;
    }
}

int piao_checks_append(http_request *req, int64_t plan_id, json_t *findings, int *errors, int *warnings)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    store_piao_facts f;
    int rc = store_piao_facts_read(call->db, plan_id, call->scope, &f, &p);
    if (rc < 0) {
        api_fail(req, &p);
        return -1;
    }
    if (rc != 1)
        return 0;
    rules_finding *out = malloc(PIAO_FINDINGS_MAX * sizeof *out);
    if (!out) {
        free(f.mem);
        http_error(req, 503, "out_of_memory", "the plan is too large to check now");
        return -1;
    }
    size_t n = 0;
    rules_piao_check(&f.piao, out, PIAO_FINDINGS_MAX, &n);
    for (size_t i = 0; i < n && i < PIAO_FINDINGS_MAX; i++) {
        const char *resource;
        int64_t id;
        resource_of(&f, plan_id, out[i].path, &resource, &id);
        json_array_append_new(findings, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "severity",
                                                  rules_severity_name(out[i].severity), "code", out[i].code, "message",
                                                  out[i].message, "path", out[i].path, "resource", resource,
                                                  "resource_id", (json_int_t)id));
        if (out[i].severity == RULES_SEVERITY_ERROR)
            (*errors)++;
        else
            (*warnings)++;
    }
    free(out);
    free(f.mem);
    return 0;
}
