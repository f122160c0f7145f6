/* lifecycle.h — handlers of the plan lifecycle, its revisions and the audit log (lifecycle.c). */
#ifndef CICLO_API_LIFECYCLE_H
#define CICLO_API_LIFECYCLE_H
#include "http/http.h"

void plan_adopt(http_request *req);            /* POST /v1/plans/{id}/adopt */
void plan_revision_open(http_request *req);    /* POST /v1/plans/{id}/revisions */
void plan_close(http_request *req);            /* POST /v1/plans/{id}/close */
void plan_validate(http_request *req);         /* POST /v1/plans/{id}/validation */
void plan_revision_list(http_request *req);    /* GET /v1/plans/{id}/revisions */
void plan_revision_get(http_request *req);     /* GET /v1/plans/{id}/revisions/{n} */
void plan_revision_changes(http_request *req); /* GET /v1/plans/{id}/revisions/{n}/changes */
void audit_list(http_request *req);            /* GET /v1/audit */

#endif
