/*
 * request.h — the readers of a request's query and headers. A reader that can fail returns
 * -1 with p set to a 400 problem naming the parameter and the rule it breaks; it never
 * answers: the handler does, with http_problem (one failure path).
 */
#ifndef CICLO_HTTP_REQUEST_H
#define CICLO_HTTP_REQUEST_H
#include <jansson.h>
#include <stdint.h>

#include "codec/json_limits.h"
#include "core/problem.h"
#include "http/http.h"

/* A query parameter or header value, or NULL. Borrowed: valid during the request. */
const char *http_query(const http_request *req, const char *key);
const char *http_header(const http_request *req, const char *key);

/* Whether the request line and headers fit in max_bytes and max_fields: 0, or -1 with p set
 * to 431 naming `headers`. */
int http_headers_fit(const http_request *req, int max_bytes, int max_fields, problem *p);

/* Parses If-Match: returns 0 when absent, -1 when it is not one entity-tag (also "*"), else 1
 * with *version the version it names, or 0 (no row has it) for a weak tag or one this server
 * never issued: both fail the strong comparison with 412, not 400. */
int http_if_match(const http_request *req, int64_t *version);
/* Whether the client asked for CSV (Accept: text/csv or ?format=csv). */
int http_wants_csv(const http_request *req);
/* Whether the client asked for format (e.g. "html") by ?format=, or, without ?format=, by an
 * Accept header naming media (e.g. "text/html") and not application/json. */
int http_wants_format(const http_request *req, const char *format, const char *media);

/* Page size when ?limit= is absent, and the largest a client may ask for. */
#define HTTP_PAGE_DEFAULT 100
#define HTTP_PAGE_MAX 1000

/* Reads ?limit= (1..HTTP_PAGE_MAX) into *limit, HTTP_PAGE_DEFAULT when absent. Returns 0, or
 * -1 with p set to 400 naming `limit`. */
int http_limit_param(const http_request *req, int *limit, problem *p);
/* Reads ?limit= (http_limit_param) and ?cursor= (a cursor a previous page gave out,
 * core/text.h; 0 when absent or empty) into *limit and *after. Returns 0, or -1 with p set
 * to 400 naming the parameter. */
int http_page_params(const http_request *req, int *limit, int64_t *after, problem *p);
/* Writes today's date (UTC) as YYYY-MM-DD. */
void http_today(char out[11]);
/* Reads the date query parameter `name` (YYYY-MM-DD, the rules library's parser) into out,
 * today when absent. Returns 0, or -1 with p set to 400 naming `name` with the parser's
 * message and hint. */
int http_date_param(const http_request *req, const char *name, char out[11], problem *p);
/* Reads ?revision= (an adopted revision's number, 1..100000) into *out, or absent when the
 * query has none. Returns 0, or -1 with p set to 400 naming `revision`. */
int http_revision_param(const http_request *req, int absent, int *out, problem *p);
/* Reads If-Match for a write at a version (http_if_match): 1 with *wanted the version named
 * (0 for a tag no row has: a weak one, or one this server never issued), 0 when absent
 * (*wanted = -1), or -1 with p set to 400 when it is not one entity-tag. */
int http_if_match_param(const http_request *req, int64_t *wanted, problem *p);

/* The request's JSON body (an object or an array) within json_limits_default: a new
 * reference, or NULL with p set — 400 empty_body / too_deep / malformed_json, 413
 * too_many_items / too_many_values, 422 for a number that cannot be read exactly
 * (http_json_numbers). The handler answers with p. */
json_t *http_json_body(const http_request *req, problem *p);
/* The same within lim (codec/json_limits.h), for routes whose limits are not the default's
 * (plan documents, ERP feeds); its 413 problems carry a hint naming the route's limit. */
json_t *http_json_body_limited(const http_request *req, const json_limits *lim, problem *p);
/* The checks of http_json_body_limited that read the body's bytes without parsing it (empty,
 * limits, numbers): 0, or -1 with p set as there. For a caller that parses the body by
 * parts (codec/json_stream.h). */
int http_json_body_check(const http_request *req, const json_limits *lim, problem *p);

#endif
