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

/* Loads and scores plan_id as of as_of, as plan_report_json; with_analyses 0 leaves out the
 * reviews' deviation analyses (a query), which only the JSON shows: the rows then carry null.
 * Returns the report to write (free with report_stream_free), or NULL after answering (404,
 * 422, 503 ...). */
report_stream *report_stream_open(http_request *req, int64_t plan_id, const char *as_of, int with_analyses);
/* The revision scored (for the heading, store_report_heading). */
int report_stream_revision(const report_stream *r);
/* Puts the assignees in document order (render/report_groups.h's report_groups_order;
 * structure_order borrowed, as report_groups'). Returns 0, or -1 when memory is exhausted. */
int report_stream_order(report_stream *r, const json_t *structure_order);
/* Appends the report as report_document's JSON (heading: its "plan", borrowed) or CSV
 * (csv_report's) to b (only appends: b may spill). Returns 0, or -1 with b failed. */
int report_stream_json(const report_stream *r, const json_t *heading, buf *b);
int report_stream_csv(const report_stream *r, const json_t *heading, buf *b);
/* Appends the report as render/report_html.h's page (report_html of report_document's tree,
 * byte for byte; heading: its "plan", borrowed): the cover's charts from the structures'
 * totals and scores, then each assignee's section, each total and row built and freed at once.
 * Stops as soon as b fails (its limit: api/documents_html.c's DOC_LIMIT). Returns 0, or -1
 * with b failed. */
int report_stream_html(const report_stream *r, const json_t *heading, buf *b);
/* Writes the report as render/xlsx_report.h's workbook (heading: its "plan", borrowed), each
 * total and row handed to the workbook as built and freed at once (xlsx_book_*). Returns 0
 * with *fd and *len as xlsx_report's, or -1 with *err (a static sentence). */
int report_stream_xlsx(const report_stream *r, const json_t *heading, int *fd, size_t *len, const char **err);
void report_stream_free(report_stream *r);

/* The start every streamed answer of the report of req->ids[0] shares: ?as_of= (default
 * today) into as_of, report_stream_open (with_analyses as its), the heading of the revision scored (store_report_heading,
 * without its "structure_order") and report_stream_order; the problems report_document would
 * answer. Returns 0 with *r (free with report_stream_free) and *heading (a new reference), or
 * -1 after answering. (documents.c) */
int report_stream_begin(http_request *req, char as_of[11], int with_analyses, report_stream **r, json_t **heading);

/* CICLO_REPORT_TREE=1: a test aid (tests/integration/test_report_stream.py compares the two),
 * never set in service: the report's answers drawn from report_document's whole tree, the old
 * way, instead of report_stream's. (documents.c) */
int report_as_tree(void);

/* plan_report_json for the plan of the path (req->ids[0]) as of ?as_of= (default today),
 * dressed for reading: "plan" gets the heading (title, year, kind, status, entity {id, code,
 * name}, deliberation {number, date, body} of the revision scored, or null), and "rows" and
 * "totals" are in document order (render/report_groups.h: structures in the tree's order,
 * then managers, then people). New reference; NULL after answering. (documents.c) */
json_t *report_document(http_request *req);

#endif
