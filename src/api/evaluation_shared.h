/*
 * evaluation_shared.h — what the handlers of people evaluation and the bonus share
 * (api/evaluation.c): the store context of a request, the answers they give, the list
 * filters they read and the scheme lookup. Private to evaluation*.c, participations.c and
 * bonus.c.
 */
#ifndef CICLO_API_EVALUATION_SHARED_H
#define CICLO_API_EVALUATION_SHARED_H
#include <jansson.h>
#include <stdint.h>

#include "api/list_answer.h"
#include "codec/evaluation_json.h"
#include "core/arena.h"
#include "core/problem.h"
#include "http/http.h"
#include "store/evaluation.h"

/* The store context of req: its connection, scope and actor (borrowed from req). */
eval_ctx eval_ctx_of(http_request *req);

/* Answers p and clears it. */
void eval_answer(http_request *req, problem *p);
/* Sets p to the 422 of an invalid body described by what (keeping its field errors); -1. */
int eval_invalid(problem *p, const char *what);

/* Answers status with the document d (taken), with its ETag when etag. */
void eval_answer_doc(http_request *req, int status, store_doc *d, int etag);
/* Answers a read by id from the store's rc: 1 the document d (taken; ETag when etag), 0
 * 404 naming noun and req->ids[0], -1 the problem p. */
void eval_answer_read(http_request *req, int rc, store_doc *d, problem *p, const char *noun, int etag);
/* Answers a create from the store's rc: 1 201 with d (taken; ETag when etag) and its
 * Location under /v1/<collection>/, 0 404 naming parent and req->ids[0], -1 the problem p. */
void eval_answer_created(http_request *req, int rc, store_doc *d, problem *p, const char *collection, int etag,
                         const char *parent);

/* A store function that reads one document by id (store_eval_scheme_get ...). */
typedef int (*eval_getter)(const eval_ctx *x, int64_t id, store_doc *out, problem *p);
/* Answers GET of row req->ids[0] as get reads it (eval_answer_read). */
void eval_get(http_request *req, eval_getter get, const char *noun, int etag);

/* A list request: its store context, the page asked for, and the rows a store function
 * hands over into d. */
typedef struct eval_list {
    eval_ctx x;
    problem p;
    list_page lp; /* the page as list_answer_docs wants it */
    eval_page pg; /* the page as the store reads it: one row over, to tell there is a next */
    store_docs *d;
    const char *year, *role; /* the ?year= and ?role= filters (NULL: none), when read */
} eval_list;
/* Reads ?limit= and ?cursor= into l, and with year_role the ?year= and ?role= filters.
 * Returns 0, or -1 after answering 400. */
int eval_list_start(http_request *req, eval_list *l, int year_role);
/* Answers the page from the store's rc (0: the rows l->d, taken; -1: the problem l->p). keep
 * names the query filters the link to the next CSV page repeats (NULL-terminated, or NULL). */
void eval_list_answer(http_request *req, eval_list *l, int rc, const char *const *keep);
/* The query filter name: its value (borrowed; NULL when absent) when it is a whole number
 * (values NULL) or one of values (NULL-terminated). Otherwise answers 400 and sets *bad;
 * does nothing once *bad is set. */
const char *eval_list_filter(http_request *req, const char *name, const char *const *values, int *bad);

/* Creates from a JSON body: reads it (answering 400 when it is none), runs make, then answers
 * what make left in p unless make answered: field errors without a status as the 422 of an
 * invalid body described by what ("the evaluation form is not valid"), else p as it is. */
typedef void (*eval_make)(http_request *req, const json_t *body, problem *p);
void eval_create(http_request *req, eval_make make, const char *what);

/* The optional JSON body of an action (sign, accept ...): {} when empty. NULL after
 * answering 400. New reference. */
json_t *eval_optional_body(http_request *req);

/* The scheme of entity, year and role, decoded into sd: 1 with *scheme_id and *def (the
 * definition, a new reference that sd's behaviour codes point into: keep it while sd is
 * used), 0 when there is none, -1 with p set (database), -2 when it does not decode (its
 * field errors in p). */
int eval_scheme_for(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, int64_t *scheme_id,
                    json_t **def, eval_scheme_def *sd, problem *p);

#endif
