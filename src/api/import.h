/*
 * import.h — the plan document ("ciclo-plan/1", examples/README.md) over HTTP: the
 * whole-plan import (POST /v1/plans:import), the revision import and the export (GET
 * /v1/plans/{id}/export), and the transaction every import runs in (the ERP feeds' too).
 * The work itself is api/plan_import.h's, which `ciclo import` calls as well.
 */
#ifndef CICLO_API_IMPORT_H
#define CICLO_API_IMPORT_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"
#include "http/http.h"

/* The work of an import inside its transaction: 0 with *result (a new reference, the
 * answer's body), or -1 with p set (a status of 0 becomes 422 validation_failed). */
typedef int (*import_tx_fn)(http_request *req, void *arg, json_t **result, problem *p);

/*
 * The transaction of every import (plan documents, revisions, ERP feeds): reads the
 * Idempotency-Key, begins with the statement timeout raised to timeout_ms, replays the
 * answer of a key already used, runs fn(req, arg), stores the key with the answer and
 * commits — the key commits with the rows it protects (routes flagged
 * ROUTE_OWN_IDEMPOTENCY). Answers `status` with the result as JSON and returns the result
 * (a new reference the caller owns, to set headers or log from; the answer is already
 * given), or answers the problem or the replay and returns NULL; nothing is stored then.
 */
json_t *import_in_transaction(http_request *req, int timeout_ms, int status, import_tx_fn fn, void *arg);

void plan_import(http_request *req);          /* POST /v1/plans:import */
void plan_export(http_request *req);          /* GET /v1/plans/{id}/export */
void plan_revision_import(http_request *req); /* POST /v1/plans/{id}/revisions:import */

#endif
