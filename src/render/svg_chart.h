/*
 * svg_chart.h — the charts of the documents, drawn as standalone SVG 1.1 text: scores by
 * structure, the distribution of objective scores, a Gantt of the phases, an indicator's
 * measurements against its target. Pure: the input is plain arrays, the output is appended
 * to a buf; no SQL, no HTTP, no JSON. Every chart carries role="img", a <title> and a <desc>
 * (the sentence a screen reader reads and that prints when the picture cannot be seen), its
 * text escaped (html_text.h), its ids prefixed by the caller's id so that several charts can
 * live in one HTML page. Sizes are in CSS pixels; the svg scales to its container (viewBox).
 */
#ifndef CICLO_RENDER_SVG_CHART_H
#define CICLO_RENDER_SVG_CHART_H
#include "core/buf.h"

/* What every chart is called and described by. Borrowed strings; id: [A-Za-z0-9_-]+. */
typedef struct svg_caption {
    const char *id;
    const char *title;
    const char *desc;
} svg_caption;

/* One structure's bar: its score (0..100) when measured, and how much of its weight was
 * measured (weight_measured of weight_total). */
typedef struct svg_bar {
    const char *label;
    int has_score;
    double score;
    double weight_measured, weight_total;
} svg_bar;

/* Horizontal bars, one per item: the score's bar with its figure, and under it a thin bar
 * of the measured share of the weight ("peso misurato 20 su 100"). Returns 0 or -1. */
int svg_chart_bars(buf *b, const svg_caption *c, const svg_bar *bars, int n);

/* The distribution of n scores (0..100) in ten classes [0,10) ... [90,100], as columns
 * with their counts; not-measured objectives are not scores and are left out by the caller
 * (and told in the caption). Returns 0 or -1. */
int svg_chart_histogram(buf *b, const svg_caption *c, const double *scores, int n);

/* The ten counts svg_chart_histogram draws (class k: [10k, 10k+10), the last with 100). */
void svg_chart_histogram_counts(const double *scores, int n, int counts[10]);

/* One phase of the Gantt. Days are counted from 1 January of the chart's year (0 = 1
 * January; may be negative or past the year: they are clipped to it). */
typedef struct svg_gantt_row {
    const char *label;
    int has_start; /* else the phase is drawn from 1 January */
    int start;
    int has_deadline; /* else it has no planned bar, only a note */
    int deadline;
    int completed; /* completed on or before the as-of date */
    int completed_on;
    int late; /* due by the as-of date and not done by its deadline (the caller judges) */
} svg_gantt_row;

/* A Gantt over the twelve months of year: for each row the planned bar (start to deadline),
 * the completed bar over it (start to completion), late rows marked with a hatched outline
 * and the word "in ritardo"; a vertical line at as_of (day of the year; drawn when inside).
 * Returns 0 or -1. */
int svg_chart_gantt(buf *b, const svg_caption *c, int year, const svg_gantt_row *rows, int n, int as_of);

/* One measurement: its day (from 1 January of the chart's year) and value. */
typedef struct svg_point {
    int day;
    double value;
} svg_point;

/* An indicator's measurements over the year as a line with dots, and the target as a
 * dashed horizontal line (when has_target). Points are drawn in the order given (the caller
 * sorts them by day). unit (may be NULL) follows the figures. Returns 0 or -1. */
int svg_chart_line(buf *b, const svg_caption *c, int year, const svg_point *pts, int n, int has_target, double target,
                   const char *unit);

/* The day of the year (0 = 1 January of year) of an ISO date "YYYY-MM-DD"; a date in
 * another year counts past or before (31 December of year - 1 is -1). Returns 0 with *day,
 * or -1 when iso is not such a date. */
int svg_day_of_year(const char *iso, int year, int *day);

#endif
