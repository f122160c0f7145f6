/*
 * rollover.h — POST /v1/plans/{id}:rollover: next year's draft with the objectives still under
 * way (issue 20, item 2; store/rollover.h says which).
 */
#ifndef CICLO_API_ROLLOVER_H
#define CICLO_API_ROLLOVER_H
#include "http/http.h"

void plan_rollover(http_request *req);

#endif
