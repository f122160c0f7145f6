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
    char *body;               /* owned (malloc); NULL when the body is in file */
    size_t len;               /* of the body, in memory or in file */
    int file;                 /* with has_file: an open temporary file holding the body (owned; sent with
                                 sendfile, closed by libmicrohttpd or at the request's end) */
    int has_file;
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
    int admitted;     /* the server's admit hook passed it (token and role) before its body was read */
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
/* Initialises b for the text of an answer: as buf_init(b, limit), spilling to a temporary file
 * once it holds more than CICLO_SPOOL_BYTES (buf_spill; never when that is 0). */
void http_answer_init(buf *b, size_t limit);
/* Answers with the text of b (http_answer_init's, taken: b is freed), from memory or from its
 * file. Returns 0, or -1 without answering when b failed or its file's last write failed. */
int http_buf(http_request *req, int status, const char *content_type, buf *b);
/* Answers with the first len bytes of the file fd (taken: closed by the server). */
void http_file(http_request *req, int status, const char *content_type, int fd, size_t len);
/* For the few that read an answer back (a JSON answer turned into a chart, an answer kept for
 * an Idempotency-Key): brings an answer held in a file into req->res.body. Returns 0, or -1
 * after answering 503 when it cannot be read. */
int http_answer_in_memory(http_request *req);
/* The threshold of http_answer_init (CICLO_SPOOL_BYTES), set once at start. */
void http_spool_bytes(size_t bytes);
/* Answers 503 (out_of_memory, Retry-After): the text of an answer could not be written whole,
 * its buf failed (memory, or the write of its temporary file: a full TMPDIR). Never a part of it. */
void http_unwritten(http_request *req);
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
