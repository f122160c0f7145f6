/*
 * feed_rows.h — the rows of an ERP feed (api/erp.c), read from the request body: CSV (';',
 * a header row of column names) when the Content-Type is text/csv, else a JSON array of
 * objects (or {"items": [...]}) within the default limits of a JSON body. The one place
 * where a feed's raw body is read.
 */
#ifndef CICLO_API_FEED_ROWS_H
#define CICLO_API_FEED_ROWS_H
#include <jansson.h>

#include "core/problem.h"
#include "http/http.h"

/* Whether the request's body is CSV (Content-Type text/csv). */
int feed_is_csv(http_request *req);

/* Reads the body into *items (objects; CSV cells as strings, empty cells and rows of empty
 * cells left out) and *paths (the prefix of each row's errors: "line[N]" with N the CSV line,
 * or "[i]"); cols (NULL-terminated) are the feed's columns. Returns 0, or -1 with p set (400
 * for a body that cannot be read, 422 naming each unknown or repeated column). *items and
 * *paths are new references either way: the caller decrefs them. */
int feed_read_rows(http_request *req, const char *const *cols, json_t **items, json_t **paths, problem *p);

/* An error at path.key for each member of the JSON row that is not a column of cols. */
void feed_check_keys(json_t *row, const char *path, const char *const *cols, problem *p);

/* The text member key of row (borrowed), or NULL: absent, null or "" (an error at path.key when
 * required), or after an error for another kind of value or a text longer than max characters. */
const char *feed_text(json_t *row, const char *key, const char *path, int max, int required, problem *p);

#endif
