/*
 * payments.h — payment timeliness (issue 20): the ERP's feed of paid invoices and
 * GET /v1/entities/{id}/payment-timeliness?year=, the ITP (DPCM 22/9/2014 art. 9) with the
 * 30% check of DL 13/2023 art. 4-bis beside it.
 */
#ifndef CICLO_API_PAYMENTS_H
#define CICLO_API_PAYMENTS_H
#include "http/http.h"

void payments_import(http_request *req);        /* POST /v1/entities/{id}/payments:import */
void payment_timeliness_get(http_request *req); /* GET /v1/entities/{id}/payment-timeliness */

#endif
