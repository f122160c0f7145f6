/* rollover.c — POST /v1/plans/{id}:rollover (api/handlers.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "store/model.h"
#include "store/rollover.h"

#define TITLE_MAX 300

void plan_rollover(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    const char *title;
    json_t *body = api_text_body(req, 1, "title", TITLE_MAX, &title, &p);
    if (!body)
        return;
    if (title && !*title)
        problem_add(&p, "title", "must not be empty");
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the rollover is not valid");
        api_fail(req, &p);
        json_decref(body);
        return;
    }
    store_rollover_result res;
    int found = store_rollover(call->db, req->ids[0], call->scope, title, &call->actor, &res, &p);
    json_decref(body);
    if (!api_found(req, found, &p, "no plan %lld", (long long)req->ids[0]))
        return;
    char *doc = NULL;
    int64_t version;
    if (store_crud_get(call->db, &model_plans, call->scope, res.plan_id, &doc, &version, &p) <= 0) {
        if (!p.status)
            problem_set(&p, 500, "internal", "the new plan cannot be read");
        api_fail(req, &p);
        return;
    }
    json_t *plan = api_doc_json(req, doc);
    if (!plan)
        return;
    snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%lld", (long long)res.plan_id);
    http_json(req, 201,
              json_pack("{s:o, s:I, s:{s:I, s:I, s:I, s:I}}", "plan", plan, "from_plan", (json_int_t)req->ids[0],
                        "carried", "objectives", (json_int_t)res.objectives, "assignments", (json_int_t)res.assignments,
                        "phases", (json_int_t)res.phases, "indicators", (json_int_t)res.indicators));
    problem_clear(&p);
}
