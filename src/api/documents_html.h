/*
 * documents_html.h — the documents people read, as server-rendered HTML (issue 19): the Piano
 * (GET /v1/plans/{id}/document, the objective sheets) and the Relazione
 * (GET /v1/plans/{id}/report?format=html), and the charts alone as SVG (?format=svg on the
 * plan scores, the objective score and an indicator's measurements). Every figure comes from
 * the JSON answer of the route that owns it (the report, the objective score, the
 * measurements), read back from that handler's own answer, so the documents and the charts
 * cannot differ from the JSON; the renderers are src/render.
 */
#ifndef CICLO_API_DOCUMENTS_HTML_H
#define CICLO_API_DOCUMENTS_HTML_H
#include "http/http.h"

/* GET /v1/plans/{id}/document: the Piano as printable HTML (?format=html, Accept: text/html,
 * or no format: HTML is its only form; any other format 406). ?as_of= (default today) dates
 * the achieved values and the completed phases; ?revision= an adopted revision. */
void plan_document(http_request *req);
/* GET /v1/plans/{id}/report: HTML when asked (?format=html or Accept: text/html), else the
 * JSON/CSV answer of plan_report. */
void plan_report_formats(http_request *req);
/* GET /v1/plans/{id}/scores: ?format=svg draws the structures' scores (?chart=structures, the
 * default) or the distribution of objective scores (?chart=distribution); else plan_scores. */
void plan_scores_formats(http_request *req);
/* GET /v1/objectives/{id}/score: ?format=svg draws the Gantt of its phases; else the JSON. */
void objective_score_formats(http_request *req);
/* GET /v1/indicators/{id}/measurements: ?format=svg draws the measurements of the year
 * against the target; else the list. */
void measurement_list_formats(http_request *req);

#endif
