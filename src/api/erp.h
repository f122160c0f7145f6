/*
 * erp.h — how the ERP's bulk feeds (CSV or JSON, all-or-nothing, errors by line) run, for
 * erp.c and payments.c; the handlers are declared in api/handlers.h. Their Idempotency-Key
 * handling is api/idempotency.h.
 */
#ifndef CICLO_API_ERP_H
#define CICLO_API_ERP_H
#include "api/idempotency.h" /* idem_key, idem_read, idem_replay, idem_store */
#include <jansson.h>

#include "http/http.h"
#include "store/pool.h"

/* What a feed does with its rows, inside the feed's transaction: items are the rows (JSON
 * objects; CSV cells as strings), paths the prefix of each row's errors ("line[N]" or "[i]");
 * it adds its counts to result. Returns 0, or -1 with p set (nothing is stored). */
typedef int (*feed_fn)(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p);
/* Reads the body (CSV with ';' and a header of the columns cols, NULL-terminated, or JSON rows),
 * then runs fn in the import's transaction (Idempotency-Key, all or nothing); answers 200 with
 * {"rows", ...what fn adds}, or the problem. */
void erp_run_feed(http_request *req, const char *const *cols, feed_fn fn);

#endif
