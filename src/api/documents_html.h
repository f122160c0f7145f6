/*
 * documents_html.h — the documents people read, as server-rendered HTML (issue 19): the Piano
 * (GET /v1/plans/{id}/document, the objective sheets) and the Relazione
 * (GET /v1/plans/{id}/report?format=html), and the charts alone as SVG (?format=svg on the
 * plan scores, the objective score and an indicator's measurements). The Relazione and the
 * plan charts are drawn from report_document (api/report.h), the value the JSON, CSV and XLSX
 * report answer too; the Gantt and the measurements chart from the JSON answer of the route
 * they hang on, read back from that handler's own answer; so no document or chart can differ
 * from the JSON. The renderers are src/render.
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
