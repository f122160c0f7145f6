/*
 * transparency.h — the premiums' figures an entity publishes (D.Lgs. 33/2013 art. 20; issue 20):
 * GET /v1/entities/{id}/transparency?year= (JSON or CSV), and the same without a token on
 * GET /v1/public/entities/{id}/transparency when the entity says so (transparency_public).
 */
#ifndef CICLO_API_TRANSPARENCY_H
#define CICLO_API_TRANSPARENCY_H
#include "http/http.h"

#define TRANSPARENCY_MIN_GROUP 3 /* fewer people than this in a group: its figures are not shown */

void transparency_get(http_request *req);        /* with a token */
void transparency_public_get(http_request *req); /* no token; 404 unless the entity publishes */

#endif
