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

/* The charts alone (svg_chart.h), from the same JSON: the scores of the structures the report
 * lists, in its order (bars), and the distribution of the scores of the objectives structures
 * carry (objectives carried only by people are personal and left out). id prefixes the chart's
 * ids. Return 0 or -1. */
int report_chart_structures(buf *b, const json_t *report, const char *id);
int report_chart_distribution(buf *b, const json_t *report, const char *id);

#endif
