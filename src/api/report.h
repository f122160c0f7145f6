/*
 * report.h — the Relazione (the year-end report) as data, and the one place that dresses it
 * for the documents: scores.c computes it, documents.c heads it, orders it and answers it as
 * JSON, CSV or XLSX; the HTML Relazione starts from the same value, so no two differ.
 */
#ifndef CICLO_API_REPORT_H
#define CICLO_API_REPORT_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

/* Scores plan_id as of as_of ("YYYY-MM-DD"; ?revision= is read from req) and returns the
 * report: {"plan_id","as_of","revision","rows":[one per objective of each structure, manager
 * and person the caller may see: assignee_kind, assignee_id, assignee_code, assignee_name,
 * objective_id, objective_code, objective_title, weight (null when the plan gives none),
 * achievement, timeliness, score, status, indicators, deviation_analysis ...],
 * "totals":[one per assignee: weight_total, weight_measured, score, status],
 * "entity":{entity_id, weight_total, weight_measured, score, status},"objectives":[...]}.
 * New reference; NULL after answering (404, 422, 503 ...). (scores.c) */
json_t *plan_report_json(http_request *req, int64_t plan_id, const char *as_of);

/* plan_report_json for the plan of the path (req->ids[0]) as of ?as_of= (default today),
 * dressed for reading: "plan" gets the heading (title, year, kind, status, entity {id, code,
 * name}, deliberation {number, date, body} of the revision scored, or null), and "rows" and
 * "totals" are in document order (render/report_groups.h: structures in the tree's order,
 * then managers, then people). New reference; NULL after answering. (documents.c) */
json_t *report_document(http_request *req);

#endif
