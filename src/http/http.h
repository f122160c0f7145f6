/*
 * http.h — the request and response as handlers see them, and the helpers that
 * answer. A handler reads the request and fills exactly one answer through these
 * helpers; the server turns it into bytes, headers, CORS and a log line.
 */
#ifndef CICLO_HTTP_H
#define CICLO_HTTP_H
#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "core/problem.h"

struct MHD_Connection;
struct route;

typedef struct http_response {
    int status;
    const char *content_type; /* static string */
    char *body;               /* owned (malloc) */
    size_t len;
    char etag[40]; /* without quotes; empty = none */
    char location[160];
    char allow[96];
    char disposition[128]; /* Content-Disposition, for CSV downloads */
    char link[256];        /* Link header (RFC 8288), e.g. the next page of a CSV list */
    int retry_after;
    char content_type_buf[96]; /* content_type points here for a replayed answer (http_replay) */
} http_response;

#define HTTP_MAX_IDS 4

typedef struct http_request {
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    buf body;
    int body_too_large;
    size_t body_reserved;      /* bytes of the server's body budget held by this request */
    struct conn_track *track;  /* the connection's deadline (server.c), NULL when unknown */
    int64_t ids[HTTP_MAX_IDS]; /* the {id} segments of the path, in order */
    int nids;
    const struct route *route;
    struct timespec started;
    http_response res;
    int answered;
    char timing[256]; /* the answer's Server-Timing (http_server_timing); empty = none */
    void *app;        /* the dispatch layer's per-request state (api_call) */
} http_request;

/* Answers with j dumped compactly as application/json. Steals j. */
void http_json(http_request *req, int status, json_t *j);
/* Answers with a body the caller hands over (malloc'd; freed by the server). */
void http_body(http_request *req, int status, const char *content_type, char *body, size_t len);
/* Answers with the problem as application/problem+json. p is borrowed. */
void http_problem(http_request *req, const problem *p);
/* Shorthand: a problem with no field errors. */
void http_error(http_request *req, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Answers again as a stored answer was given (Idempotency-Key): status, content type,
 * Location and ETag are copied (NULL: none), body (malloc'd) is handed over. The answer a
 * handler gives is itself in req->res once it returns: that is what gets stored. */
void http_replay(http_request *req, int status, const char *content_type, char *body, size_t len, const char *location,
                 const char *etag);
/* Sets the ETag of the answer from a row version. */
void http_etag(http_request *req, int64_t version);
/* Checks, before jansson parses the JSON text s[0..n), that every number in it can be read
 * exactly (codec/json_number.h): 0, or -1 with p set to 422 naming the number's path and
 * quoting it as written. Every request body goes through it. */
int http_json_numbers(const char *s, size_t n, problem *p);

#endif
