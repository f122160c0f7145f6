/* lifecycle.h — handlers of the plan lifecycle, its revisions and the audit log (lifecycle.c). */
#ifndef CICLO_API_LIFECYCLE_H
#define CICLO_API_LIFECYCLE_H
#include "core/problem.h"
#include "http/http.h"
#include "store/write.h"

void plan_adopt(http_request *req);            /* POST /v1/plans/{id}/adopt */
void plan_revision_open(http_request *req);    /* POST /v1/plans/{id}/revisions */
void plan_close(http_request *req);            /* POST /v1/plans/{id}/close */
void plan_validate(http_request *req);         /* POST /v1/plans/{id}/validation */
void plan_revision_list(http_request *req);    /* GET /v1/plans/{id}/revisions */
void plan_revision_get(http_request *req);     /* GET /v1/plans/{id}/revisions/{n} */
void plan_revision_changes(http_request *req); /* GET /v1/plans/{id}/revisions/{n}/changes */
void audit_list(http_request *req);            /* GET /v1/audit */

/* Phrases a refusal of the plan lifecycle (or a stale version) for the API: fills p with its
 * status, code and the detail and hint a client reads (naming the route that helps). */
void plan_refusal_phrase(const store_refusal *w, problem *p);

#endif
