/* answer.c — the answers handlers share (api/answer.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/answer.h"
#include "api/api.h"
#include "codec/json_fields.h"
#include "http/request.h"

void api_fail(http_request *req, problem *p)
{
    http_problem(req, p);
    problem_clear(p);
}

int api_found(http_request *req, int found, problem *p, const char *fmt, ...)
{
    if (found > 0)
        return 1;
    if (found == 0) {
        va_list ap;
        va_start(ap, fmt);
        char detail[sizeof p->detail];
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
        problem_set(p, 404, "not_found", "%s", detail);
    }
    api_fail(req, p);
    return 0;
}

int api_bad_parameter(http_request *req, const char *name, const char *message, const char *fmt, ...)
{
    problem p;
    problem_init(&p);
    va_list ap;
    va_start(ap, fmt);
    char detail[sizeof p.detail];
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    problem_set(&p, 400, "bad_parameter", "%s", detail);
    problem_add(&p, name, "%s", message);
    api_fail(req, &p);
    return -1;
}

json_t *api_doc_json(http_request *req, char *doc)
{
    json_t *j = doc ? json_loads(doc, 0, NULL) : NULL;
    free(doc);
    if (!j)
        http_error(req, 503, "out_of_memory", "try again");
    return j;
}

void api_answer_text(http_request *req, int status, char *doc)
{
    json_t *j = api_doc_json(req, doc);
    if (j)
        http_json(req, status, j);
}

json_t *api_json_body(http_request *req)
{
    problem p;
    problem_init(&p);
    json_t *body = http_json_body(req, &p);
    if (!body)
        api_fail(req, &p);
    problem_clear(&p);
    return body;
}

json_t *api_body_open(http_request *req, problem *p)
{
    problem_init(p);
    return api_json_body(req);
}

json_t *api_text_body(http_request *req, int optional, const char *field, size_t max, const char **text, problem *p)
{
    *text = NULL;
    int empty = optional && !req->body.len;
    json_t *body = empty ? json_object() : api_json_body(req);
    if (!body) {
        if (empty) /* api_json_body has answered its own failures */
            http_error(req, 503, "out_of_memory", "try again");
        return NULL;
    }
    const char *const allowed[] = {field, NULL};
    char shape[64];
    snprintf(shape, sizeof shape, " {%s}", field);
    jf_object(body, allowed, shape, p);
    *text = jf_text(body, field, max, p);
    return body;
}

store_conn *api_acquire(http_request *req)
{
    problem p;
    problem_init(&p);
    store_conn *db = store_acquire(api_pool(), &p);
    if (!db)
        api_fail(req, &p);
    return db;
}

int api_if_match(http_request *req, int64_t *wanted)
{
    problem p;
    problem_init(&p);
    int has = http_if_match_param(req, wanted, &p);
    if (has < 0)
        api_fail(req, &p);
    return has;
}

int api_precondition(http_request *req, int64_t *wanted, problem *p)
{
    problem_init(p);
    return api_if_match(req, wanted);
}
