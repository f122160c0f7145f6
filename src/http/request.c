/* request.c — what a handler reads from its request: query, headers, If-Match, the page,
 * dates and revisions (see http.h and request.h). */
#include "http/request.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/json_number.h"
#include "core/text.h"
#include "http/http.h"
#include "rules.h"

const char *http_query(const http_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Counts the header fields and their bytes (libmicrohttpd's MHD_KeyValueIterator). */
static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    size_t *n = cls;
    n[0]++;
    n[1] += strlen(key) + (value ? strlen(value) : 0) + 4; /* "name: value\r\n" */
    return MHD_YES;
}

int http_headers_fit(const http_request *req, int max_bytes, int max_fields, problem *p)
{
    size_t n[2] = {0, strlen(req->method) + strlen(req->path) + 11};
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_header, n);
    if (n[0] <= (size_t)max_fields && n[1] <= (size_t)max_bytes)
        return 0;
    problem_set(p, 431, "headers_too_large",
                "the request's headers are over %d bytes or %d fields (%zu bytes, %zu fields)", max_bytes, max_fields,
                n[1], n[0]);
    problem_add(p, "headers", "at most %d bytes and %d fields, request line included", max_bytes, max_fields);
    return -1;
}

const char *http_header(const http_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, key);
}

int http_if_match(const http_request *req, int64_t *version)
{
    const char *h = http_header(req, "If-Match");
    if (!h)
        return 0;
    while (*h == ' ' || *h == '\t')
        h++;
    /* RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; "*" is refused (API.md) */
    int weak = strncmp(h, "W/", 2) == 0;
    if (weak)
        h += 2;
    if (*h != '"')
        return -1;
    const char *tag = ++h;
    while (*h == 0x21 || (*h >= 0x23 && *h <= 0x7e) || (unsigned char)*h >= 0x80)
        h++;
    if (*h != '"')
        return -1;
    const char *rest = h + 1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (*rest)
        return -1; /* a list: this server's resources have one ETag each, name it alone */
    /* If-Match compares strongly (§13.1.1): a weak tag, or one this server never issued, can
     * match nothing. Versions start at 1, so 0 is a version no row has. */
    *version = 0;
    long long v = 0;
    const char *d = tag;
    for (; d < h && *d >= '0' && *d <= '9' && v <= INT32_MAX; d++)
        v = v * 10 + (*d - '0');
    if (!weak && d == h && d > tag && v <= INT32_MAX)
        *version = v;
    return 1;
}

int http_wants_csv(const http_request *req)
{
    const char *f = http_query(req, "format");
    if (f)
        return strcmp(f, "csv") == 0;
    const char *a = http_header(req, "Accept");
    return a && strstr(a, "text/csv") != NULL;
}

int http_wants_format(const http_request *req, const char *format, const char *media)
{
    const char *f = http_query(req, "format");
    if (f)
        return strcmp(f, format) == 0;
    const char *a = http_header(req, "Accept");
    return a && strstr(a, media) != NULL && !strstr(a, "application/json");
}

int http_limit_param(const http_request *req, int *limit, problem *p)
{
    const char *l = http_query(req, "limit");
    *limit = HTTP_PAGE_DEFAULT;
    if (!l)
        return 0;
    char *end;
    long v = strtol(l, &end, 10);
    if (*end || end == l || v < 1 || v > HTTP_PAGE_MAX) {
        problem_set(p, 400, "bad_parameter", "limit must be a whole number from 1 to %d", HTTP_PAGE_MAX);
        problem_add(p, "limit", "must be a whole number from 1 to %d", HTTP_PAGE_MAX);
        return -1;
    }
    *limit = (int)v;
    return 0;
}

int http_page_params(const http_request *req, int *limit, int64_t *after, problem *p)
{
    *after = 0;
    if (http_limit_param(req, limit, p) < 0)
        return -1;
    const char *c = http_query(req, "cursor");
    if (c && *c && cursor_decode(c, after) < 0) {
        problem_set(p, 400, "bad_parameter", "cursor is not one this server gave out");
        problem_add(p, "cursor", "is not a cursor from a previous page");
        return -1;
    }
    return 0;
}

void http_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    rules_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    rules_date_format_iso(d, out);
}

int http_date_param(const http_request *req, const char *name, char out[11], problem *p)
{
    const char *q = http_query(req, name);
    if (!q) {
        http_today(out);
        return 0;
    }
    rules_date d;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rules_date_parse_iso(q, &d, &e) < 0) {
        problem_set(p, 400, "bad_parameter", "%s must be a date (YYYY-MM-DD)", name);
        problem_add(p, name, "%s%s%s", e.message, e.hint[0] ? ": " : "", e.hint);
        return -1;
    }
    rules_date_format_iso(d, out);
    return 0;
}

int http_revision_param(const http_request *req, int absent, int *out, problem *p)
{
    const char *rq = http_query(req, "revision");
    *out = absent;
    if (!rq)
        return 0;
    char *end;
    long v = strtol(rq, &end, 10);
    if (!*rq || *end || v < 1 || v > 100000) {
        problem_set(p, 400, "bad_parameter", "revision must be the number of an adopted revision");
        problem_add(p, "revision", "must be a whole number from 1");
        return -1;
    }
    *out = (int)v;
    return 0;
}

int http_if_match_param(const http_request *req, int64_t *wanted, problem *p)
{
    *wanted = -1;
    int has = http_if_match(req, wanted);
    if (has < 0) {
        problem_set(p, 400, "bad_if_match", "If-Match must be one entity-tag, e.g. \"3\" (not * nor a list)");
        return -1;
    }
    if (!has)
        *wanted = -1;
    return has;
}

int http_json_numbers(const char *s, size_t n, problem *p)
{
    char path[256], lexeme[48];
    enum json_number_fault f = json_number_check(s, n, path, sizeof path, lexeme, sizeof lexeme);
    if (f == JSON_NUMBERS_EXACT)
        return 0;
    problem_set(p, 422, "validation_failed", "the number %s cannot be read exactly", lexeme);
    if (f == JSON_NUMBER_TOO_PRECISE) {
        problem_add(p, path, "%s has more than %d significant digits", lexeme, JSON_NUMBER_DIGITS);
        problem_hint(p,
                     "no field takes that many: amounts and scores have at most 2 decimals, coefficients and "
                     "measurements 4");
    } else {
        problem_add(p, path, "%s is too close to zero to be read exactly", lexeme);
    }
    return -1;
}

/* The checks of a body within lim; hints: the 413 problems name the route's limit in a hint. */
static int body_check(const http_request *req, const json_limits *lim, int hints, problem *p)
{
    const char *s = req->body.data ? req->body.data : "";
    size_t n = req->body.len;
    if (n == 0)
        return problem_set(p, 400, "empty_body", "the request needs a JSON body");
    switch (json_limits_check_with(s, n, lim)) {
    case JSON_WITHIN_LIMITS: break;
    case JSON_TOO_DEEP:
        return problem_set(p, 400, "too_deep", "the body nests arrays and objects more than %d deep", lim->max_depth);
    case JSON_TOO_MANY_ITEMS:
        problem_set(p, 413, "too_many_items", "an array of the body has more than %ld items", lim->max_array);
        if (hints)
            problem_hint(p, "the limit of this route is %ld items in one array; send the rows in parts", lim->max_array);
        return -1;
    case JSON_TOO_MANY_VALUES:
        problem_set(p, 413, "too_many_values", "the body holds more than %ld JSON values; send it in parts",
                    lim->max_values);
        if (hints)
            problem_hint(p, "the limit of this route is %ld JSON values (every key, value, array and object counts)",
                         lim->max_values);
        return -1;
    }
    return http_json_numbers(s, n, p);
}

int http_json_body_check(const http_request *req, const json_limits *lim, problem *p)
{
    return body_check(req, lim, 1, p);
}

/* The body within lim, parsed (body_check's hints). */
static json_t *json_body(const http_request *req, const json_limits *lim, int hints, problem *p)
{
    if (body_check(req, lim, hints, p) < 0)
        return NULL;
    const char *s = req->body.data ? req->body.data : "";
    size_t n = req->body.len;
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        problem_set(p, 400, "malformed_json", "the body is not valid JSON: %s (line %d, column %d)", e.text, e.line,
                    e.column);
    return j;
}

json_t *http_json_body(const http_request *req, problem *p) { return json_body(req, &json_limits_default, 0, p); }

json_t *http_json_body_limited(const http_request *req, const json_limits *lim, problem *p)
{
    return json_body(req, lim, 1, p);
}
