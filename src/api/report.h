/*
 * report.h — the Relazione (the year-end report) as data, and the one place that dresses it
 * for the documents: report.c computes it from scores.c's pieces, documents.c heads it,
 * orders it and answers it as JSON, CSV or XLSX (written as it is walked, without a tree:
 * issue 21); the HTML Relazione starts from the same value, so no two differ.
 */
#ifndef CICLO_API_REPORT_H
#define CICLO_API_REPORT_H
#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

/* Scores plan_id as of as_of ("YYYY-MM-DD"; ?revision= is read from req) and returns the
 * report: {"plan_id","as_of","revision","rows":[one per objective of each structure, manager
 * and person the caller may see: assignee_kind, assignee_id, assignee_code, assignee_name,
 * objective_id, objective_code, objective_title, weight (null when the plan gives none),
 * achievement, timeliness, score, status, indicators, deviation_analysis ...],
 * "totals":[one per assignee: weight_total, weight_measured, score, status],
 * "entity":{entity_id, weight_total, weight_measured, score, status},"objectives":[...]}.
 * New reference; NULL after answering (404, 422, 503 ...). (report.c) */
json_t *plan_report_json(http_request *req, int64_t plan_id, const char *as_of);

/* The same report written without its tree (issue 21): each row, total and objective is
 * built, dumped into the answer's buf and freed in turn, so that a plan of 100,000 objectives
 * holds its model and one row at a time, not a tree of every row. The text is the one
 * http_json and csv_report write from report_document's tree, byte for byte. (report.c) */
typedef struct report_stream report_stream;

/* Loads and scores plan_id as of as_of, as plan_report_json. Returns the report to write
 * (free with report_stream_free), or NULL after answering (404, 422, 503 ...). */
report_stream *report_stream_open(http_request *req, int64_t plan_id, const char *as_of);
/* The revision scored (for the heading, store_report_heading). */
int report_stream_revision(const report_stream *r);
/* Puts the assignees in document order (render/report_groups.h's report_groups_order;
 * structure_order borrowed, as report_groups'). Returns 0, or -1 when memory is exhausted. */
int report_stream_order(report_stream *r, const json_t *structure_order);
/* Appends the report as report_document's JSON (heading: its "plan", borrowed) or CSV
 * (csv_report's) to b (only appends: b may spill). Returns 0, or -1 with b failed. */
int report_stream_json(const report_stream *r, const json_t *heading, buf *b);
int report_stream_csv(const report_stream *r, const json_t *heading, buf *b);
/* Writes the report as render/xlsx_report.h's workbook (heading: its "plan", borrowed), each
 * total and row handed to the workbook as built and freed at once (xlsx_book_*). Returns 0
 * with *fd and *len as xlsx_report's, or -1 with *err (a static sentence). */
int report_stream_xlsx(const report_stream *r, const json_t *heading, int *fd, size_t *len, const char **err);
void report_stream_free(report_stream *r);

/* plan_report_json for the plan of the path (req->ids[0]) as of ?as_of= (default today),
 * dressed for reading: "plan" gets the heading (title, year, kind, status, entity {id, code,
 * name}, deliberation {number, date, body} of the revision scored, or null), and "rows" and
 * "totals" are in document order (render/report_groups.h: structures in the tree's order,
 * then managers, then people). New reference; NULL after answering. (documents.c) */
json_t *report_document(http_request *req);

#endif
