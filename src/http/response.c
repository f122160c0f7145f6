/* response.c — the helpers handlers answer with (see http.h). */
#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/i18n.h"
#include "codec/json_limits.h"
#include "codec/rule_json.h"
#include "http/http.h"
#include "http/request.h"

/* CICLO_SPOOL_BYTES: written once at start, before any request (http_server_start). */
static size_t spool_bytes = 1024 * 1024;

void http_spool_bytes(size_t bytes) { spool_bytes = bytes; }

void http_answer_init(buf *b, size_t limit)
{
    buf_init(b, limit);
    buf_spill(b, spool_bytes);
}

void http_body(http_request *req, int status, const char *content_type, char *body, size_t len)
{
    free(req->res.body);
    if (req->res.has_file)
        close(req->res.file);
    req->res.has_file = 0;
    req->res.status = status;
    req->res.content_type = content_type;
    req->res.body = body;
    req->res.len = len;
    req->answered = 1;
}

void http_file(http_request *req, int status, const char *content_type, int fd, size_t len)
{
    http_body(req, status, content_type, NULL, len);
    req->res.file = fd;
    req->res.has_file = 1;
}

int http_buf(http_request *req, int status, const char *content_type, buf *b)
{
    size_t len;
    if (b->failed) {
        buf_free(b);
        return -1;
    }
    if (b->has_file) {
        int fd = buf_take_file(b, &len);
        if (fd < 0)
            return -1;
        http_file(req, status, content_type, fd, len);
        return 0;
    }
    char *body = buf_steal(b, &len);
    if (!body)
        return -1;
    http_body(req, status, content_type, body, len);
    return 0;
}

int http_answer_in_memory(http_request *req)
{
    http_response *r = &req->res;
    if (!r->has_file)
        return 0;
    char *body = malloc(r->len + 1);
    size_t got = 0;
    while (body && got < r->len) {
        ssize_t n = pread(r->file, body + got, r->len - got, (off_t)got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (!body || got < r->len) {
        free(body);
        http_error(req, 503, "out_of_memory", "the answer could not be read back");
        return -1;
    }
    body[got] = '\0';
    close(r->file);
    r->has_file = 0;
    r->body = body;
    return 0;
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
    if (!j) {
        http_error(req, 500, "internal", "the answer could not be encoded");
        return;
    }
    buf b;
    http_answer_init(&b, 0);
    int rc = rule_json_dump_buf(j, JSON_COMPACT, &b);
    json_decref(j);
    if (rc < 0 || http_buf(req, status, "application/json", &b) < 0) {
        buf_free(&b);
        http_unwritten(req);
    }
}

void http_unwritten(http_request *req)
{
    http_error(req, 503, "out_of_memory", "the answer could not be written now: memory or temporary space ran out");
    req->res.retry_after = 1;
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
