/*
 * report_html.h — the Relazione sulla performance as one printable HTML page: the cover with
 * the entity's score and the measured share of its weight, the charts (scores by structure,
 * distribution of objective scores), then per structure in tree order its objectives with
 * weight, indicators (target, value, deviation), achievement, timeliness, score and status,
 * and the structure's total under them; then the managers and people the report lists.
 * Every figure, name and the order are read from the JSON report as api/report.h dresses it
 * (report_document: rows and totals in document order, the "plan" heading), so the document
 * cannot differ from GET /v1/plans/{id}/report. Pure.
 */
#ifndef CICLO_RENDER_REPORT_HTML_H
#define CICLO_RENDER_REPORT_HTML_H
#include <jansson.h>

#include "core/buf.h"

/* Appends the page. report: borrowed. Returns 0, or -1 when b failed (out of memory or its
 * limit). */
int report_html(buf *b, const json_t *report);

/* The same page piece by piece, for a report written as it is walked (api/report.c), so that no
 * tree of every row is needed; report_html is made of them. The page is: report_html_head;
 * then for each kind (0 structures, 1 managers, 2 people) that has assignees,
 * report_html_part_open, for each of its assignees in document order
 * report_html_section_open, report_html_row of each of its rows, report_html_section_close,
 * then report_html_part_close; last report_html_end. head: an object with the report's "plan"
 * heading, "revision", "as_of" and "entity" (report_document's keys); a total is an element of
 * the report's "totals", a row of its "rows". All borrowed; each only appends to b. */

/* What the cover's charts draw: the totals of the structures in document order, and the scores
 * of the measured objectives the structures carry (each objective once, at its first row in
 * document order) with the count of those not measured. All borrowed. */
typedef struct report_html_charts {
    const json_t *const *structures;
    int n_structures;
    const double *scores;
    int n_scores, unmeasured;
} report_html_charts;

/* The page's head and cover, with its charts. Returns 0, or -1 when b failed. */
int report_html_head(buf *b, const json_t *head, const report_html_charts *c);
/* The part of one kind of assignee: a frame and its heading. */
void report_html_part_open(buf *b, const json_t *head, int kind);
void report_html_part_close(buf *b);
/* One assignee's section: its heading and table head, from its total. */
void report_html_section_open(buf *b, const json_t *total);
/* One objective row of the assignee of total (with its indicators for a structure). */
void report_html_row(buf *b, const json_t *total, const json_t *row);
/* The total's row under the rows, and the end of the section. */
void report_html_section_close(buf *b, const json_t *total);
/* The end of the page. Returns 0, or -1 when b failed. */
int report_html_end(buf *b);

/* The charts alone (svg_chart.h), from the same JSON: the scores of the structures the report
 * lists, in its order (bars), and the distribution of the scores of the objectives structures
 * carry (objectives carried only by people are personal and left out). id prefixes the chart's
 * ids. Return 0 or -1. */
int report_chart_structures(buf *b, const json_t *report, const char *id);
int report_chart_distribution(buf *b, const json_t *report, const char *id);

#endif
