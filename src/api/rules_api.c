/* rules_api.c — POST /v1/rules:evaluate and /v1/rules:check: the rules library, stateless. */
#include <stdio.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "codec/rule_json.h"

#define CHECK_FINDINGS_MAX 64

static void rules_problem(http_request *req, const rules_error *e, const char *detail)
{
    problem p;
    problem_init(&p);
    problem_set(&p, 422, "validation_failed", "%s", detail);
    if (e->hint[0]) {
        problem_hint(&p, "%s", e->hint);
        problem_add(&p, e->field, "%s: %s", e->message, e->hint);
    } else {
        problem_add(&p, e->field, "%s", e->message);
    }
    api_fail(req, &p);
}

/* Reads {"rule": ...} from the body into nodes; answers and returns NULL on failure. */
static json_t *read_rule(http_request *req, rules_rule *nodes, size_t cap)
{
    json_t *body = http_json_body(req);
    if (!body)
        return NULL;
    rules_error e;
    memset(&e, 0, sizeof e);
    json_t *rule = json_object_get(body, "rule");
    if (!json_is_object(rule)) {
        snprintf(e.field, sizeof e.field, "rule");
        snprintf(e.message, sizeof e.message, "is required and must be an object");
        rules_problem(req, &e, "the request needs a rule");
        json_decref(body);
        return NULL;
    }
    if (rule_json_decode(rule, "rule", nodes, cap, NULL, &e) < 0) {
        rules_problem(req, &e, "the rule is not valid");
        json_decref(body);
        return NULL;
    }
    return body;
}

void rules_evaluate_handler(http_request *req)
{
    rules_rule nodes[RULE_JSON_MAX_NODES];
    json_t *body = read_rule(req, nodes, RULE_JSON_MAX_NODES);
    if (!body)
        return;
    rules_error e;
    memset(&e, 0, sizeof e);
    rules_value vals[RULE_JSON_MAX_VALUES];
    json_t *value = json_object_get(body, "value");
    if (!value) {
        snprintf(e.field, sizeof e.field, "value");
        snprintf(e.message, sizeof e.message, "is required");
        rules_problem(req, &e, "the request needs a value to score");
        json_decref(body);
        return;
    }
    rules_decimal score;
    char explanation[RULES_EXPLANATION_MAX];
    if (rule_json_decode_value(value, &nodes[0], "value", vals, RULE_JSON_MAX_VALUES, NULL, &e) < 0 ||
        rules_evaluate(&nodes[0], &vals[0], &score, explanation, sizeof explanation, &e) < 0) {
        if (!e.field[0])
            snprintf(e.field, sizeof e.field, "value");
        rules_problem(req, &e, "the value cannot be scored with this rule");
        json_decref(body);
        return;
    }
    json_decref(body);
    http_json(req, 200, rule_json_result(score, explanation));
}

void rules_check_handler(http_request *req)
{
    rules_rule nodes[RULE_JSON_MAX_NODES];
    json_t *body = read_rule(req, nodes, RULE_JSON_MAX_NODES);
    if (!body)
        return;
    json_decref(body);
    rules_finding findings[CHECK_FINDINGS_MAX];
    size_t n = 0;
    int errors = rules_check(&nodes[0], "rule", findings, CHECK_FINDINGS_MAX, &n);
    if (n > CHECK_FINDINGS_MAX)
        n = CHECK_FINDINGS_MAX;
    http_json(req, 200, json_pack("{s:b, s:o}", "valid", errors == 0, "findings", rule_json_findings(findings, n)));
}
