/* rules_api.c — POST /v1/rules:evaluate and /v1/rules:check: the rules library, stateless. */
#include <stdio.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "codec/rule_json.h"
#include "http/request.h"

#define CHECK_FINDINGS_MAX 64

/* Fills p with the rules library's error e under detail (422). Returns -1. */
static int rules_problem(const rules_error *e, const char *detail, problem *p)
{
    problem_set(p, 422, "validation_failed", "%s", detail);
    if (e->hint[0]) {
        problem_hint(p, "%s", e->hint);
        problem_add(p, e->field, "%s: %s", e->message, e->hint);
    } else {
        problem_add(p, e->field, "%s", e->message);
    }
    return -1;
}

/* Reads {"rule": ...} from the body into nodes: the body (a new reference), or NULL with p
 * set. */
static json_t *read_rule(const http_request *req, rules_rule *nodes, size_t cap, problem *p)
{
    json_t *body = http_json_body(req, p);
    if (!body)
        return NULL;
    rules_error e;
    memset(&e, 0, sizeof e);
    json_t *rule = json_object_get(body, "rule");
    if (!json_is_object(rule)) {
        snprintf(e.field, sizeof e.field, "rule");
        snprintf(e.message, sizeof e.message, "is required and must be an object");
        rules_problem(&e, "the request needs a rule", p);
    } else if (rule_json_decode(rule, "rule", nodes, cap, NULL, &e) < 0) {
        rules_problem(&e, "the rule is not valid", p);
    } else {
        return body;
    }
    json_decref(body);
    return NULL;
}

/* The score of body's "value" under the rule nodes[0]: {score, explanation} (a new reference),
 * or NULL with p set. */
static json_t *score_value(json_t *body, const rules_rule *nodes, problem *p)
{
    rules_error e;
    memset(&e, 0, sizeof e);
    rules_value vals[RULE_JSON_MAX_VALUES];
    json_t *value = json_object_get(body, "value");
    if (!value) {
        snprintf(e.field, sizeof e.field, "value");
        snprintf(e.message, sizeof e.message, "is required");
        rules_problem(&e, "the request needs a value to score", p);
        return NULL;
    }
    rules_decimal score;
    char explanation[RULES_EXPLANATION_MAX];
    if (rule_json_decode_value(value, &nodes[0], "value", vals, RULE_JSON_MAX_VALUES, NULL, &e) < 0 ||
        rules_evaluate(&nodes[0], &vals[0], &score, explanation, sizeof explanation, &e) < 0) {
        if (!e.field[0])
            snprintf(e.field, sizeof e.field, "value");
        rules_problem(&e, "the value cannot be scored with this rule", p);
        return NULL;
    }
    return rule_json_result(score, explanation);
}

/* What rules:check finds in the rule nodes[0]: {valid, findings} (a new reference). */
static json_t *check_rule(const rules_rule *nodes)
{
    rules_finding findings[CHECK_FINDINGS_MAX];
    size_t n = 0;
    int errors = rules_check(&nodes[0], "rule", findings, CHECK_FINDINGS_MAX, &n);
    if (n > CHECK_FINDINGS_MAX)
        n = CHECK_FINDINGS_MAX;
    return json_pack("{s:b, s:o}", "valid", errors == 0, "findings", rule_json_findings(findings, n));
}

/* Answers 200 with result (taken), or the problem p when it is set (a result that could not be
 * made is http_json's 500). */
static void answer(http_request *req, json_t *result, problem *p)
{
    if (result || !p->status) {
        http_json(req, 200, result);
        problem_clear(p);
    } else {
        api_fail(req, p);
    }
}

void rules_evaluate_handler(http_request *req)
{
    rules_rule nodes[RULE_JSON_MAX_NODES];
    problem p;
    problem_init(&p);
    json_t *body = read_rule(req, nodes, RULE_JSON_MAX_NODES, &p);
    json_t *result = body ? score_value(body, nodes, &p) : NULL;
    json_decref(body);
    answer(req, result, &p);
}

void rules_check_handler(http_request *req)
{
    rules_rule nodes[RULE_JSON_MAX_NODES];
    problem p;
    problem_init(&p);
    json_t *body = read_rule(req, nodes, RULE_JSON_MAX_NODES, &p);
    json_t *result = body ? check_rule(nodes) : NULL;
    json_decref(body);
    answer(req, result, &p);
}
