/* body_limits.c — JSON request bodies within the limits of their route (body_limits.h). */
#include "http/body_limits.h"

json_t *json_body_parse(const char *s, size_t n, const json_limits *lim, problem *p)
{
    if (n == 0) {
        problem_set(p, 400, "empty_body", "the request needs a JSON body");
        return NULL;
    }
    switch (json_limits_check_with(s, n, lim)) {
    case JSON_WITHIN_LIMITS: break;
    case JSON_TOO_DEEP:
        problem_set(p, 400, "too_deep", "the body nests arrays and objects more than %d deep", lim->max_depth);
        return NULL;
    case JSON_TOO_MANY_ITEMS:
        problem_set(p, 413, "too_many_items", "an array of the body has more than %ld items", lim->max_array);
        problem_hint(p, "the limit of this route is %ld items in one array; send the rows in parts", lim->max_array);
        return NULL;
    case JSON_TOO_MANY_VALUES:
        problem_set(p, 413, "too_many_values", "the body holds more than %ld JSON values; send it in parts",
                    lim->max_values);
        problem_hint(p, "the limit of this route is %ld JSON values (every key, value, array and object counts)",
                     lim->max_values);
        return NULL;
    }
    if (http_json_numbers(s, n, p) < 0)
        return NULL;
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        problem_set(p, 400, "malformed_json", "the body is not valid JSON: %s (line %d, column %d)", e.text, e.line,
                    e.column);
    return j;
}

json_t *http_json_body_within(http_request *req, const json_limits *lim)
{
    problem p;
    problem_init(&p);
    json_t *j = json_body_parse(req->body.data ? req->body.data : "", req->body.len, lim, &p);
    if (!j) {
        http_problem(req, &p);
        problem_clear(&p);
    }
    return j;
}
