/*
 * answer.h — the answers handlers share: a problem, the "not found" of a store lookup, and a
 * JSON document the store wrote. Only handlers answer; these are their last step.
 */
#ifndef CICLO_API_ANSWER_H
#define CICLO_API_ANSWER_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"
#include "http/http.h"
#include "store/pool.h"

/* Answers p (its status, 500 when unset) and clears it. */
void api_fail(http_request *req, problem *p);
/* found as a store lookup returns it: > 0 found, 0 none, < 0 with p set. Returns 1 when found;
 * else answers 404 not_found with the detail (printf format) when 0, or p when < 0, clears p
 * and returns 0. */
int api_found(http_request *req, int found, problem *p, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Answers 400 bad_parameter: the detail (printf format) and, at the query parameter name, the
 * field error message. Returns -1. */
int api_bad_parameter(http_request *req, const char *name, const char *message, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The JSON of doc, the text of a document the store wrote (taken: freed here): a new reference,
 * or NULL after answering 503 out_of_memory when it cannot be read back. */
json_t *api_doc_json(http_request *req, char *doc);
/* Reads If-Match for a write at a version (http_if_match_param): 1 with *wanted, 0 when absent
 * (*wanted -1), or -1 after answering 400. */
int api_if_match(http_request *req, int64_t *wanted);
/* Opens a write that may name the version it expects: p initialised, then If-Match read as by
 * api_if_match, with the same returns. */
int api_precondition(http_request *req, int64_t *wanted, problem *p);
/* A connection of the pool for a route without a token, which the dispatch lends none: release
 * it to api_pool(); NULL after answering (503) when the pool has none. */
store_conn *api_acquire(http_request *req);
/* Answers status with the JSON text doc (takes it: freed here), or 503 out_of_memory when it
 * cannot be read back. */
void api_answer_text(http_request *req, int status, char *doc);
/* The request's JSON body (http_json_body, http/request.h): a new reference, or NULL after
 * answering the problem that reader gave (400, 413 or 422). */
json_t *api_json_body(http_request *req);
/* Opens a handler that writes from a JSON body: p initialised, then the body as by api_json_body,
 * with the same returns. */
json_t *api_body_open(http_request *req, problem *p);
/* Reads a body that is a JSON object whose only field is the text `field` of at most max
 * characters (jf_object, jf_text); with optional, no body at all reads as {}. Returns the body
 * (a new reference; *text is borrowed from it, NULL when absent) with what is wrong with it
 * added to p, or NULL after answering when it cannot be read (as api_json_body). */
json_t *api_text_body(http_request *req, int optional, const char *field, size_t max, const char **text, problem *p);

#endif
