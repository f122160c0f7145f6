/*
 * list_answer.h — the answer of every list endpoint: {"items": [...], "next_cursor": ...} in
 * JSON, or CSV (';', header row; docs API.md) with a Link header to the next page.
 */
#ifndef CICLO_API_LIST_ANSWER_H
#define CICLO_API_LIST_ANSWER_H
#include <jansson.h>
#include <stdint.h>

#include "api/api.h"
#include "http/http.h"
#include "http/request.h"
#include "store/docs.h"

/* How a list is written as CSV. Every member may be left 0 / NULL. */
typedef struct list_csv {
    const char *const *columns; /* header and cells, in order; NULL: the keys of the first row */
    int ncolumns;
    void (*reshape)(json_t *row); /* applied to each decoded row before its cells are read */
    const char *const *keep;      /* query parameters the next page's Link repeats; NULL-terminated */
} list_csv;

/* The page a list request asks for (?limit=, ?cursor=), also as the text parameters that the
 * list statements take. */
typedef struct list_page {
    int limit;
    int64_t after;       /* the id the page starts after */
    char after_text[24]; /* after */
    char limit_text[16]; /* limit + 1: the extra row tells whether there is a next page */
} list_page;

/* Reads ?limit= and ?cursor= into pg. Returns 0, or -1 with p set to 400 naming the
 * parameter (http_page_params); the handler answers. */
int list_page_read(const http_request *req, list_page *pg, problem *p);
/* Opens a list handler: p initialised and the page read into pg (list_page_read). Returns the
 * request's call, or NULL after answering the 400. */
api_call *list_call(http_request *req, list_page *pg, problem *p);

/*
 * Answers a list from the documents d (each row's JSON text and its id, the cursor key).
 * limit > 0 means d holds up to limit + 1 rows, the extra one only telling that there is a
 * next page; limit 0 means d is the whole list. JSON unless the client asks for CSV
 * (http_wants_csv). csv may be NULL; it and everything it points to are borrowed for the call.
 * Takes d (freed before returning).
 */
void list_answer_docs(http_request *req, store_docs *d, int limit, const list_csv *csv);
/* list_answer_docs with no CSV shape: a whole list (limit 0) or a page. Takes d. */
void api_answer_docs(http_request *req, store_docs *d, int limit);

/* TRANSITIONAL: the same from libpq's raw result (column 0 JSON, column 1 id), for
 * handlers whose store functions do not return store_docs yet (me.c, tokens.c). Takes r.
 * Declared on libpq's struct so that this header needs no libpq; it goes with its callers. */
struct pg_result;
void list_answer(http_request *req, struct pg_result *r, int limit, const list_csv *csv);

#endif
