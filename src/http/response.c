/* response.c — the helpers handlers answer with (see http.h). */
#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/i18n.h"
#include "codec/json_limits.h"
#include "codec/rule_json.h"
#include "http/http.h"
#include "http/request.h"

void http_body(http_request *req, int status, const char *content_type, char *body, size_t len)
{
    free(req->res.body);
    req->res.status = status;
    req->res.content_type = content_type;
    req->res.body = body;
    req->res.len = len;
    req->answered = 1;
}

void http_replay(http_request *req, int status, const char *content_type, char *body, size_t len, const char *location,
                 const char *etag)
{
    http_body(req, status, NULL, body, len);
    if (content_type) {
        snprintf(req->res.content_type_buf, sizeof req->res.content_type_buf, "%s", content_type);
        req->res.content_type = req->res.content_type_buf;
    }
    snprintf(req->res.location, sizeof req->res.location, "%s", location ? location : "");
    snprintf(req->res.etag, sizeof req->res.etag, "%s", etag ? etag : "");
}

void http_json(http_request *req, int status, json_t *j)
{
    char *s = j ? rule_json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s) {
        problem p;
        problem_init(&p);
        problem_set(&p, 500, "internal", "the answer could not be encoded");
        http_problem(req, &p);
        return;
    }
    http_body(req, status, "application/json", s, strlen(s));
}

void http_problem(http_request *req, const problem *p)
{
    json_t *j = problem_to_json(p);
    i18n_problem(j, i18n_lang_of(http_header(req, "Accept-Language"))); /* Italian when asked */
    char *s = j ? rule_json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s) {
        s = strdup("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}");
        http_body(req, 500, "application/problem+json", s, s ? strlen(s) : 0);
        return;
    }
    http_body(req, p->status ? p->status : 500, "application/problem+json", s, strlen(s));
    req->res.retry_after = p->retry_after;
    req->res.etag[0] = '\0';
}

void http_error(http_request *req, int status, const char *code, const char *fmt, ...)
{
    problem p;
    problem_init(&p);
    p.status = status;
    snprintf(p.code, sizeof p.code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p.detail, sizeof p.detail, fmt, ap);
    va_end(ap);
    http_problem(req, &p);
    problem_clear(&p);
}

void http_etag(http_request *req, int64_t version)
{
    snprintf(req->res.etag, sizeof req->res.etag, "\"%lld\"", (long long)version);
}
