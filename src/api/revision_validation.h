/*
 * revision_validation.h — the Nucleo validates an adopted revision of a plan (issue 20, item 6):
 * POST and GET /v1/plans/{id}/revisions/{n}/validation.
 */
#ifndef CICLO_API_REVISION_VALIDATION_H
#define CICLO_API_REVISION_VALIDATION_H
#include "http/http.h"

void revision_validation_create(http_request *req);
void revision_validation_get(http_request *req);

#endif
