/* reviews.c — the plan's reviews (intermediate and final, with their deviation analyses)
 * and the evaluator's judgements of indicators; both check what they name against the plan
 * as scored (scoring.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/list_answer.h"
#include "api/scoring.h"
#include "codec/rule_json.h"
#include "core/text.h"
#include "store/monitoring.h"

void review_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    json_t *body = api_body_open(req, &p);
    if (!body)
        return;
    json_t *kind = json_object_get(body, "kind"), *as_of = json_object_get(body, "as_of");
    json_t *note = json_object_get(body, "note"), *items = json_object_get(body, "items");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) if (strcmp(key, "kind") && strcmp(key, "as_of") && strcmp(key, "note") &&
                                          strcmp(key, "items")) problem_add(&p, key, "is not a field of review");
    if (!json_is_string(kind) ||
        (strcmp(json_string_value(kind), "intermediate") && strcmp(json_string_value(kind), "final")))
        problem_add(&p, "kind", "must be one of: intermediate, final");
    rules_date d;
    rules_error e;
    memset(&e, 0, sizeof e);
    int date_ok = json_is_string(as_of) && rules_date_parse_iso(json_string_value(as_of), &d, &e) == 0;
    if (!date_ok)
        problem_add(&p, "as_of", "%s", e.message[0] ? e.message : "is required: the date of the review (YYYY-MM-DD)");
    if (note && !json_is_null(note) && (!json_is_string(note) || utf8_length(json_string_value(note)) > 20000))
        problem_add(&p, "note", "must be a string of at most 20000 characters");
    if (items && !json_is_array(items))
        problem_add(&p, "items", "must be an array");
    scored s;
    int have_model = 0;
    if (date_ok) { /* the plan as of the review's date, to check the objectives named */
        if (scored_load(req, req->ids[0], json_string_value(as_of), &s) < 0) {
            json_decref(body);
            problem_clear(&p);
            return;
        }
        have_model = 1;
    }
    static const char *const text_fields[] = {"causes", "effects", "actions_taken", "actions_planned"};
    size_t i;
    json_t *it;
    char path[64];
    if (json_is_array(items) && json_array_size(items) > 10000)
        problem_add(&p, "items", "has more than 10000 items");
    else if (json_is_array(items))
        json_array_foreach(items, i, it)
        {
            snprintf(path, sizeof path, "items[%zu]", i);
            json_t *oid = json_object_get(it, "objective_id");
            if (!json_is_object(it) || !json_is_integer(oid)) {
                snprintf(path, sizeof path, "items[%zu].objective_id", i);
                problem_add(&p, path, "is required: the id of an objective of the plan");
                continue;
            }
            if (have_model && plan_model_objective(&s.m, json_integer_value(oid)) < 0) {
                snprintf(path, sizeof path, "items[%zu].objective_id", i);
                problem_add(&p, path, "objective %" JSON_INTEGER_FORMAT " is not part of this plan",
                            json_integer_value(oid));
            }
            json_object_foreach(it, key, v)
            {
                int ok = strcmp(key, "objective_id") == 0;
                for (int t = 0; t < 4; t++)
                    ok |= strcmp(key, text_fields[t]) == 0;
                snprintf(path, sizeof path, "items[%zu].%s", i, key);
                if (!ok)
                    problem_add(&p, path, "is not a field of a review item");
                else if (strcmp(key, "objective_id") && !json_is_null(v) &&
                         (!json_is_string(v) || utf8_length(json_string_value(v)) > 20000))
                    problem_add(&p, path, "must be a string of at most 20000 characters");
            }
        }
    if (have_model)
        plan_model_free(&s.m);
    char *doc = NULL;
    int found = -1;
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the review is not valid");
    } else {
        char *items_text = items ? rule_json_dumps(items, JSON_COMPACT) : NULL;
        found = store_review_add(call->db, call->scope, &call->actor, req->ids[0], json_string_value(kind),
                                 json_string_value(as_of), json_is_string(note) ? json_string_value(note) : NULL,
                                 items_text ? items_text : "[]", &doc, &p);
        free(items_text);
        if (found == 0)
            problem_set(&p, 404, "not_found", "no plan with id %" PRId64, req->ids[0]);
    }
    json_decref(body);
    if (found > 0) {
        json_t *j = json_loads(doc, 0, NULL);
        free(doc);
        snprintf(req->res.location, sizeof req->res.location, "/v1/reviews/%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(j, "id")));
        http_json(req, 201, j);
        return;
    }
    api_fail(req, &p);
}

void review_list(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    store_docs *r;
    if (store_crud_parent_exists(call->db, &model_objectives, call->scope, req->ids[0], &p) == 0)
        problem_set(&p, 404, "not_found", "no plan with id %" PRId64, req->ids[0]);
    if (p.status || store_review_list(call->db, call->scope, req->ids[0], &r, &p) < 0) {
        api_fail(req, &p);
        return;
    }
    api_answer_docs(req, r, 0);
}

void review_get(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char *doc = NULL;
    int64_t plan_id;
    int found = store_review_get(call->db, call->scope, req->ids[0], &doc, &plan_id, &p);
    if (!api_found(req, found, &p, "no review with id %" PRId64, req->ids[0]))
        return;
    json_t *j = json_loads(doc, 0, NULL);
    free(doc);
    scored s;
    if (scored_load(req, plan_id, json_string_value(json_object_get(j, "as_of")), &s) < 0) {
        json_decref(j);
        return;
    }
    json_object_set_new(j, "scores", scored_plan_json(req, &s));
    plan_model_free(&s.m);
    http_json(req, 200, j);
}

/* POST /v1/indicators/{id}/judgement {"score", "reason", "as_of"?}: the evaluator scores an
 * indicator whose target cannot be compared with a value (issue 14). The score then counts;
 * the judgement is audited. An indicator scored by its rule or by a comparable target is not
 * judged (409 not_judgeable). as_of absent: the judgement counts at every date. */
void judgement_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    owner_info info;
    int found = store_owner_info(call->db, "indicators", call->scope, req->ids[0], &info, &p);
    if (!api_found(req, found, &p, "no indicator with id %" PRId64, req->ids[0]))
        return;
    json_t *body = api_json_body(req);
    if (!body)
        return;
    const char *key;
    json_t *v;
    if (!json_is_object(body))
        problem_add(&p, "", "must be a JSON object");
    else
        json_object_foreach(body, key, v) if (strcmp(key, "score") && strcmp(key, "reason") && strcmp(key, "as_of"))
            problem_add(&p, key, "is not a field of a judgement");
    json_t *score = json_object_get(body, "score"), *reason = json_object_get(body, "reason");
    json_t *as_of = json_object_get(body, "as_of");
    rules_decimal d = {0};
    rules_error e;
    memset(&e, 0, sizeof e);
    char score_s[32] = "", date[11] = "";
    if (!json_is_number(score) || rule_json_number(score, 2, "score", &d, &e) < 0 || d.units < 0 ||
        d.units > 100 * RULES_DECIMAL_SCALE)
        problem_add(&p, "score", "is required: a number from 0 to 100 with at most 2 decimals");
    else
        rules_decimal_format(d, 2, '.', score_s);
    if (!json_is_string(reason) || !*json_string_value(reason) || utf8_length(json_string_value(reason)) > 20000)
        problem_add(&p, "reason", "is required: why the evaluator gives this score (at most 20000 characters)");
    rules_date dd;
    if (as_of && !json_is_null(as_of)) {
        if (!json_is_string(as_of) || rules_date_parse_iso(json_string_value(as_of), &dd, &e) < 0)
            problem_add(&p, "as_of", "%s", e.message[0] ? e.message : "must be a date (YYYY-MM-DD)");
        else
            rules_date_format_iso(dd, date);
    }
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the judgement is not valid");
        goto out;
    }
    char today[11];
    http_today(today);
    scored s;
    if (scored_load(req, info.plan_id, date[0] ? date : today, &s) < 0) {
        json_decref(body);
        problem_clear(&p);
        return;
    }
    int k = -1;
    for (int i = 0; i < s.m.plan.n_indicators && k < 0; i++)
        if (s.m.indicator_id[i] == req->ids[0])
            k = i;
    const rules_indicator *ind = k >= 0 ? &s.m.plan.indicators[k] : NULL;
    if (!ind)
        problem_set(&p, 404, "not_found", "indicator %" PRId64 " is not part of the plan as it stands", req->ids[0]);
    else if (ind->rule || s.m.indicator[k].rule_error || (ind->has_target && ind->target_comparable))
        problem_set(&p, 409, "not_judgeable", "indicator %s is scored by its %s, not by an evaluator's judgement",
                    ind->code ? ind->code : "", ind->rule || s.m.indicator[k].rule_error ? "rule" : "target");
    plan_model_free(&s.m);
    char *doc = NULL;
    if (!p.status) {
        found = store_judgement_add(call->db, call->scope, &call->actor, req->ids[0], score_s,
                                    json_string_value(reason), date[0] ? date : NULL, &doc, &p);
        if (found == 0)
            problem_set(&p, 404, "not_found", "no indicator with id %" PRId64, req->ids[0]);
        if (found > 0) {
            json_decref(body);
            http_json(req, 201, json_loads(doc, 0, NULL));
            free(doc);
            return;
        }
    }
out:
    json_decref(body);
    api_fail(req, &p);
}
