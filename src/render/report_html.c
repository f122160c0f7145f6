/* report_html.c — see report_html.h. */
#include "render/report_html.h"

#include <stdlib.h>
#include <string.h>

#include "render/doc_html.h"
#include "render/html_text.h"
#include "render/labels.h"
#include "render/svg_chart.h"

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int is_kind(const json_t *row, const char *kind) { return strcmp(str(row, "assignee_kind"), kind) == 0; }

/* The report's totals of kind, in its order (the document order of api/report.h). Fills out
 * (borrowed pointers) and returns how many; at most max. */
static int totals_of(const json_t *report, const char *kind, const json_t **out, int max)
{
    size_t i;
    const json_t *t;
    int count = 0;
    json_array_foreach(json_object_get(report, "totals"), i, t) if (is_kind(t, kind) && count < max) out[count++] = t;
    return count;
}

/* "kind:id" of a row's or total's assignee. */
static void assignee_key(const json_t *r, char *key, size_t n)
{
    snprintf(key, n, "%s:%" JSON_INTEGER_FORMAT, str(r, "assignee_kind"),
             json_integer_value(json_object_get(r, "assignee_id")));
}

/* "+3,5" / "−2" */
static void signed_number(buf *b, const json_t *v, const char *suffix)
{
    if (!json_is_number(v))
        return;
    double d = json_number_value(v);
    buf_puts(b, d > 0 ? "+" : d < 0 ? "−" : "");
    html_number_it(b, d < 0 ? -d : d, 2);
    buf_puts(b, suffix);
}

static void deviation(buf *b, const json_t *ind)
{
    const json_t *abs = json_object_get(ind, "deviation"), *pct = json_object_get(ind, "deviation_percent");
    if (!json_is_number(abs) && !json_is_number(pct)) {
        buf_puts(b, "—");
        return;
    }
    signed_number(b, abs, "");
    if (json_is_number(pct)) {
        buf_puts(b, json_is_number(abs) ? " (" : "");
        signed_number(b, pct, "%");
        buf_puts(b, json_is_number(abs) ? ")" : "");
    }
}

static void num_cell(buf *b, const json_t *v)
{
    buf_puts(b, "<td class=\"num\">");
    doc_number(b, v, 2);
    buf_puts(b, "</td>");
}

static void table_head(buf *b)
{
    static const int cols[] = {LABEL_COL_CODE,       LABEL_COL_TITLE,    LABEL_COL_WEIGHT,    LABEL_COL_INDICATOR,
                               LABEL_COL_TARGET,     LABEL_COL_ACHIEVED, LABEL_COL_DEVIATION, LABEL_COL_ACHIEVEMENT,
                               LABEL_COL_TIMELINESS, LABEL_COL_SCORE,    LABEL_COL_STATUS};
    buf_puts(b, "<thead><tr>");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        int num = cols[i] == LABEL_COL_WEIGHT || cols[i] == LABEL_COL_ACHIEVEMENT || cols[i] == LABEL_COL_TIMELINESS ||
                  cols[i] == LABEL_COL_SCORE;
        buf_printf(b, "<th scope=\"col\"%s>%s%s</th>", num ? " class=\"num\"" : "", labels_column(cols[i]),
                   cols[i] == LABEL_COL_ACHIEVEMENT || cols[i] == LABEL_COL_TIMELINESS ? " %" : "");
    }
    buf_puts(b, "</tr></thead>");
}

/* One objective row and, with_indicators, its indicators' rows. */
static void objective_rows(buf *b, const json_t *row, int with_indicators)
{
    const json_t *inds = with_indicators ? json_object_get(row, "indicators") : NULL;
    buf_puts(b, "<tr><th scope=\"row\">");
    html_escape(b, str(row, "objective_code"));
    buf_puts(b, "</th><td>");
    html_escape(b, str(row, "objective_title"));
    buf_puts(b, "</td>");
    num_cell(b, json_object_get(row, "weight"));
    buf_printf(b, "<td>%s</td><td></td><td></td><td></td>", json_array_size(inds) || !with_indicators ? "" : "—");
    num_cell(b, json_object_get(row, "achievement"));
    num_cell(b, json_object_get(row, "timeliness"));
    num_cell(b, json_object_get(row, "score"));
    buf_printf(b, "<td>%s</td></tr>\n", labels_status(str(row, "status")));
    size_t i;
    const json_t *ind;
    json_array_foreach(inds, i, ind)
    {
        buf_puts(b, "<tr class=\"ind\"><td></td><td></td><td></td><td>");
        html_escape(b, str(ind, "name"));
        buf_puts(b, "</td><td>");
        doc_value(b, json_object_get(ind, "target"), NULL);
        buf_puts(b, "</td><td>");
        doc_value(b, json_object_get(ind, "value"), NULL);
        if (json_is_string(json_object_get(ind, "as_of"))) {
            buf_puts(b, " <small>al ");
            doc_date(b, str(ind, "as_of"));
            buf_puts(b, "</small>");
        }
        buf_puts(b, "</td><td>");
        deviation(b, ind);
        buf_puts(b, "</td><td></td><td></td>");
        num_cell(b, json_object_get(ind, "score"));
        buf_printf(b, "<td>%s</td></tr>\n", labels_status(str(ind, "state")));
    }
}

void report_html_section_open(buf *b, const json_t *total)
{
    buf_puts(b, "<h3>");
    if (*str(total, "assignee_code")) {
        html_escape(b, str(total, "assignee_code"));
        buf_puts(b, " — ");
    }
    html_escape(b, str(total, "assignee_name"));
    buf_puts(b, "</h3>");
    /* fixed widths (mm of the 273 of an A4 landscape line): the title takes what is left */
    buf_puts(b,
             "<table class=\"data fixed\"><colgroup><col style=\"width:17mm\"><col><col style=\"width:11mm\">"
             "<col style=\"width:42mm\"><col style=\"width:21mm\"><col style=\"width:23mm\"><col "
             "style=\"width:21mm\"><col style=\"width:19mm\"><col style=\"width:17mm\"><col style=\"width:16mm\">"
             "<col style=\"width:17mm\"></colgroup>");
    table_head(b);
    buf_puts(b, "<tbody>");
}

void report_html_row(buf *b, const json_t *total, const json_t *row)
{
    objective_rows(b, row, strcmp(str(total, "assignee_kind"), "structure") == 0);
}

void report_html_section_close(buf *b, const json_t *total)
{
    buf_puts(b, "<tr class=\"total\"><th scope=\"row\" colspan=\"2\">Totale (peso misurato ");
    doc_number(b, json_object_get(total, "weight_measured"), 2);
    buf_puts(b, " su ");
    doc_number(b, json_object_get(total, "weight_total"), 2);
    buf_puts(b, ")</th>");
    num_cell(b, json_object_get(total, "weight_total"));
    buf_puts(b, "<td></td><td></td><td></td><td></td><td></td><td></td>");
    num_cell(b, json_object_get(total, "score"));
    buf_printf(b, "<td>%s</td></tr></tbody></table>\n", labels_status(str(total, "status")));
}

/* The section of one assignee: heading, its objectives, its total under them. Managers and
 * people list the objectives of their structures again: without their indicators, which the
 * structures' sections show. */
static void assignee_section(buf *b, const json_t *by_assignee, const json_t *total)
{
    size_t i;
    const json_t *row;
    char key[48];
    report_html_section_open(b, total);
    assignee_key(total, key, sizeof key);
    json_array_foreach(json_object_get(by_assignee, key), i, row) report_html_row(b, total, row);
    report_html_section_close(b, total);
}

/* The bars of the structures' totals t[0..k) (borrowed) as of as_of. */
static int chart_structures(buf *b, const json_t *const *t, int k, const char *as_of, const char *id)
{
    svg_bar *bars = calloc((size_t)k + 1, sizeof *bars);
    if (!bars)
        return -1;
    buf desc;
    buf_init(&desc, 0);
    buf_printf(&desc, "Punteggio di %d strutture al ", k);
    doc_date(&desc, as_of);
    buf_puts(&desc, ", con il peso misurato sul peso totale: ");
    for (int i = 0; i < k; i++) {
        const json_t *s = json_object_get(t[i], "score");
        bars[i].label = str(t[i], "assignee_name");
        bars[i].has_score = json_is_number(s);
        bars[i].score = json_number_value(s);
        bars[i].weight_measured = json_number_value(json_object_get(t[i], "weight_measured"));
        bars[i].weight_total = json_number_value(json_object_get(t[i], "weight_total"));
        buf_printf(&desc, "%s%s ", i ? "; " : "", str(t[i], "assignee_code"));
        buf_puts(&desc, bars[i].label);
        buf_puts(&desc, " ");
        if (bars[i].has_score)
            html_number_it(&desc, bars[i].score, 2);
        else
            buf_puts(&desc, "non misurato");
        buf_puts(&desc, " (peso ");
        html_number_it(&desc, bars[i].weight_measured, 2);
        buf_puts(&desc, " su ");
        html_number_it(&desc, bars[i].weight_total, 2);
        buf_puts(&desc, ")");
    }
    buf_puts(&desc, ".");
    svg_caption c = {id, "Punteggi per struttura", desc.failed ? "" : desc.data};
    int rc = desc.failed ? -1 : svg_chart_bars(b, &c, bars, k);
    buf_free(&desc);
    free(bars);
    return rc;
}

int report_chart_structures(buf *b, const json_t *report, const char *id)
{
    size_t n = json_array_size(json_object_get(report, "totals"));
    const json_t **t = calloc(n + 1, sizeof *t);
    if (!t)
        return -1;
    int k = totals_of(report, "structure", t, (int)n);
    int rc = chart_structures(b, t, k, str(report, "as_of"), id);
    free(t);
    return rc;
}

/* The histogram of the k measured scores (unmeasured more were not) as of as_of. */
static int chart_distribution(buf *b, const double *scores, int k, int unmeasured, const char *as_of, const char *id)
{
    int counts[10];
    svg_chart_histogram_counts(scores, k, counts);
    buf desc;
    buf_init(&desc, 0);
    buf_printf(&desc, "%d obiettivi delle strutture misurati al ", k);
    doc_date(&desc, as_of);
    buf_puts(&desc, ", per classe di punteggio: ");
    for (int c = 0; c < 10; c++)
        buf_printf(&desc, "%s%d–%d: %d", c ? "; " : "", c * 10, c * 10 + 10, counts[c]);
    buf_printf(&desc, ". %d obiettivi non ancora misurati.", unmeasured);
    svg_caption cap = {id, "Distribuzione dei punteggi degli obiettivi", desc.failed ? "" : desc.data};
    int rc = desc.failed ? -1 : svg_chart_histogram(b, &cap, scores, k);
    buf_free(&desc);
    return rc;
}

/* The charts' figures out of the tree: the structures' totals and the scores of the objectives
 * they carry, each objective once (report_chart_structures, report_chart_distribution). Fills c
 * with t and scores (the caller's, of the report's totals and rows: room enough). */
static void charts_of(const json_t *report, report_html_charts *c, const json_t **t, double *scores)
{
    size_t n = json_array_size(json_object_get(report, "totals"));
    c->structures = t;
    c->n_structures = totals_of(report, "structure", t, (int)n);
    c->scores = scores;
    c->n_scores = c->unmeasured = 0;
    json_t *seen = json_object();
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "rows"), i, row)
    {
        if (!is_kind(row, "structure"))
            continue;
        char key[24]; /* an objective carried by several structures counts once */
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(row, "objective_id")));
        if (json_object_get(seen, key))
            continue;
        json_object_set_new(seen, key, json_true());
        const json_t *s = json_object_get(row, "score");
        if (json_is_number(s))
            scores[c->n_scores++] = json_number_value(s);
        else
            c->unmeasured++;
    }
    json_decref(seen);
}

int report_chart_distribution(buf *b, const json_t *report, const char *id)
{
    const json_t **t = calloc(json_array_size(json_object_get(report, "totals")) + 1, sizeof *t);
    double *scores = calloc(json_array_size(json_object_get(report, "rows")) + 1, sizeof *scores);
    int rc = -1;
    if (t && scores) {
        report_html_charts c;
        charts_of(report, &c, t, scores);
        rc = chart_distribution(b, c.scores, c.n_scores, c.unmeasured, str(report, "as_of"), id);
    }
    free(t);
    free(scores);
    return rc;
}

/* Closes the figure of a chart: the caption says how to read it; the chart's <desc> (read by
 * screen readers) holds its figures. */
static void figure_end(buf *b, const char *caption)
{
    buf_puts(b, "<figcaption>");
    html_escape(b, caption);
    buf_puts(b, "</figcaption></figure></section>\n");
}

int report_html_head(buf *b, const json_t *head, const report_html_charts *c)
{
    doc_facts f;
    doc_facts_read(&f, head, "Relazione sulla performance");
    doc_html_open(b, &f);
    doc_frame_open(b, &f, 1);
    buf_printf(b, "<h1>Relazione sulla performance %d</h1><p class=\"facts\">", f.year);
    doc_facts_line(b, &f);
    buf_puts(b, "</p>");
    const json_t *e = json_object_get(head, "entity");
    buf_puts(b, "<p class=\"kpi\">Punteggio dell'ente: <strong>");
    doc_number(b, json_object_get(e, "score"), 2);
    buf_printf(b, "</strong> (%s) · peso misurato <strong>", labels_status(str(e, "status")));
    doc_number(b, json_object_get(e, "weight_measured"), 2);
    buf_puts(b, "</strong> su <strong>");
    doc_number(b, json_object_get(e, "weight_total"), 2);
    buf_puts(b, "</strong>");
    double wt = json_number_value(json_object_get(e, "weight_total"));
    if (wt > 0) {
        buf_puts(b, " (");
        html_number_it(b, 100.0 * json_number_value(json_object_get(e, "weight_measured")) / wt, 1);
        buf_puts(b, "%)");
    }
    buf_puts(b,
             "</p><p>Il punteggio è la media ponderata degli obiettivi misurati alla data; il peso misurato "
             "dice quanta parte del peso degli obiettivi è già stata misurata.</p>\n");
    buf_puts(b, "<section class=\"chart\"><h2>Punteggi per struttura</h2><figure>");
    int rc = chart_structures(b, c->structures, c->n_structures, f.as_of, "chart-structures");
    figure_end(b,
               "Barra blu: punteggio della struttura (0–100); barra grigia sottile: quota del suo peso misurata. I "
               "valori sono nelle tabelle che seguono.");
    buf_puts(b, "<section class=\"chart\"><h2>Distribuzione dei punteggi degli obiettivi</h2><figure>");
    rc |= chart_distribution(b, c->scores, c->n_scores, c->unmeasured, f.as_of, "chart-distribution");
    figure_end(b,
               "Numero di obiettivi delle strutture per classe di punteggio; gli obiettivi non misurati non sono "
               "contati.");
    doc_frame_close(b);
    return rc < 0 || b->failed ? -1 : 0;
}

void report_html_part_open(buf *b, const json_t *head, int kind)
{
    static const char *const titles[] = {"Risultati per struttura", "Risultati per dirigente", "Risultati individuali"};
    doc_facts f;
    doc_facts_read(&f, head, "Relazione sulla performance");
    doc_frame_open(b, &f, 0);
    buf_printf(b, "<h2>%s</h2>\n", titles[kind >= 0 && kind < 3 ? kind : 2]);
}

void report_html_part_close(buf *b) { doc_frame_close(b); }

int report_html_end(buf *b)
{
    doc_html_close(b);
    return b->failed ? -1 : 0;
}

int report_html(buf *b, const json_t *report)
{
    size_t n = json_array_size(json_object_get(report, "totals"));
    size_t nr = json_array_size(json_object_get(report, "rows"));
    const json_t **t = calloc(n + 1, sizeof *t);
    double *scores = calloc(nr + 1, sizeof *scores);
    if (!t || !scores) {
        free(t);
        free(scores);
        b->failed = 1;
        return -1;
    }
    report_html_charts c;
    charts_of(report, &c, t, scores);
    int rc = report_html_head(b, report, &c);
    free(scores);
    static const char *const kinds[] = {"structure", "manager", "person"};
    /* the rows by assignee, once: {"kind:id": [row, ...]} (a plan of thousands of objectives) */
    json_t *by_assignee = json_object();
    size_t r;
    const json_t *row;
    json_array_foreach(json_object_get(report, "rows"), r, row)
    {
        char key[48];
        assignee_key(row, key, sizeof key);
        json_t *list = json_object_get(by_assignee, key);
        if (!list)
            json_object_set_new(by_assignee, key, list = json_array());
        json_array_append(list, (json_t *)row);
    }
    for (int k = 0; k < 3; k++) {
        int m = totals_of(report, kinds[k], t, (int)n);
        if (m == 0)
            continue;
        report_html_part_open(b, report, k);
        for (int i = 0; i < m; i++)
            assignee_section(b, by_assignee, t[i]);
        report_html_part_close(b);
    }
    json_decref(by_assignee);
    free(t);
    rc |= report_html_end(b);
    return rc < 0 ? -1 : 0;
}
