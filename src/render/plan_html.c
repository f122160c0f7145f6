/* plan_html.c — see plan_html.h. */
#include "render/plan_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/doc_html.h"
#include "render/html_text.h"
#include "render/labels.h"
#include "render/svg_chart.h"

static const char *const month_names[12] = {"Gennaio", "Febbraio", "Marzo",     "Aprile",  "Maggio",   "Giugno",
                                            "Luglio",  "Agosto",   "Settembre", "Ottobre", "Novembre", "Dicembre"};

static int gantt(buf *b, const char *code, const char *as_of_iso, const json_t *phases, int year, const char *id);

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *level_label(const char *level)
{
    return strcmp(level, "strategic") == 0     ? "strategico"
           : strcmp(level, "operational") == 0 ? "operativo"
           : strcmp(level, "management") == 0  ? "gestionale"
                                               : "";
}

static const char *group_label(const char *g)
{
    return strcmp(g, "quantity") == 0  ? "Indici di quantità"
           : strcmp(g, "time") == 0    ? "Indici di tempo"
           : strcmp(g, "cost") == 0    ? "Indici di costo"
           : strcmp(g, "quality") == 0 ? "Indici di qualità"
                                       : "Altri indici";
}

/* What the report says of one objective, for the caller (borrowed pointers into it). */
typedef struct obj_figures {
    const json_t *row;     /* its first report row (an assignee the caller may see), or NULL */
    const json_t *cascade; /* its entry of the report's objectives, or NULL */
    int hidden;            /* carried only by people the caller may not see: no figures */
} obj_figures;

/* Objective id → its first report row and its cascade entry, built once per document so that
 * a plan of thousands of objectives is read in one pass: {"<id>": row}, {"<id>": cascade}.
 * New references (they borrow nothing after json_decref of the report). */
typedef struct fig_index {
    json_t *rows, *cascade;
} fig_index;

static void index_by_objective(json_t *into, const json_t *arr)
{
    size_t i;
    json_t *r;
    char key[24];
    json_array_foreach(arr, i, r)
    {
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(r, "objective_id")));
        if (!json_object_get(into, key))
            json_object_set(into, key, r);
    }
}

static obj_figures figures_of(const fig_index *ix, const json_t *obj)
{
    obj_figures f = {NULL, NULL, 0};
    char key[24];
    snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(obj, "id")));
    f.row = json_object_get(ix->rows, key);
    f.cascade = json_object_get(ix->cascade, key);
    size_t i;
    const json_t *a;
    int people = 0, structures = 0;
    json_array_foreach(json_object_get(obj, "assignments"), i, a)
    {
        people += json_is_string(json_object_get(a, "person_external_id"));
        structures += json_is_string(json_object_get(a, "structure_code"));
    }
    f.hidden = !f.row && people > 0 && structures == 0;
    return f;
}

/* The report's indicator id among the row's indicators, or NULL. */
static const json_t *report_indicator(const obj_figures *f, json_int_t id)
{
    size_t i;
    const json_t *ind;
    if (f->row)
        json_array_foreach(json_object_get(f->row, "indicators"), i,
                           ind) if (json_integer_value(json_object_get(ind, "indicator_id")) == id) return ind;
    return NULL;
}

/* The report's phase id of the cascade objective, or NULL. */
static const json_t *report_phase(const obj_figures *f, json_int_t id)
{
    size_t i;
    const json_t *ph;
    if (f->cascade && !f->hidden)
        json_array_foreach(json_object_get(f->cascade, "phases"), i,
                           ph) if (json_integer_value(json_object_get(ph, "phase_id")) == id) return ph;
    return NULL;
}

static void cell_number(buf *b, const json_t *v)
{
    buf_puts(b, "<td class=\"num\">");
    doc_number(b, v, 2);
    buf_puts(b, "</td>");
}

static void assignments_table(buf *b, const json_t *doc, const json_t *obj)
{
    buf_puts(b,
             "<table class=\"data\"><thead><tr><th scope=\"col\">Settore / assegnatario</th><th scope=\"col\">"
             "Responsabile</th><th scope=\"col\" class=\"num\">Peso</th><th scope=\"col\">Collegamento con il "
             "DUP</th></tr></thead><tbody>");
    size_t i;
    const json_t *a;
    const json_t *asg = json_object_get(obj, "assignments");
    json_array_foreach(asg, i, a)
    {
        const char *sc = str(a, "structure_code"), *pe = str(a, "person_external_id");
        const json_t *st = *sc ? doc_structure(doc, sc) : NULL;
        buf_puts(b, "<tr><th scope=\"row\">");
        if (*sc) {
            html_escape(b, sc);
            buf_puts(b, " — ");
            html_escape(b, st ? str(st, "name") : "");
        } else {
            const char *name = doc_person_name(doc, pe);
            html_escape(b, name ? name : pe);
        }
        buf_puts(b, "</th><td>");
        const char *manager = st ? doc_person_name(doc, str(st, "manager")) : NULL;
        html_escape(b, manager ? manager : "—");
        if (manager && json_is_true(json_object_get(st, "interim")))
            buf_puts(b, " (ad interim)");
        buf_puts(b, "</td>");
        cell_number(b, json_object_get(a, "weight"));
        buf_puts(b, "<td>");
        html_escape(b, *str(obj, "dup_ref") ? str(obj, "dup_ref") : "—");
        buf_puts(b, "</td></tr>");
    }
    if (json_array_size(asg) == 0)
        buf_puts(b,
                 "<tr><td colspan=\"4\">Nessun assegnatario: l'obiettivo si misura dai suoi obiettivi "
                 "discendenti.</td></tr>");
    buf_puts(b, "</tbody></table>\n");
}

/* The heading of a table of rows, then, when there are rows, the table up to the text of its
 * last header cell (cols, NULL-terminated; column num right-aligned), which the caller ends
 * with table_body: 1. When there are none, the sentence none instead: 0. */
static int table_open(buf *b, const char *heading, const json_t *rows, const char *none, const char *const *cols, int num)
{
    buf_printf(b, "<h3>%s</h3>", heading);
    if (json_array_size(rows) == 0) {
        buf_printf(b, "<p>%s</p>", none);
        return 0;
    }
    buf_puts(b, "<table class=\"data\"><thead><tr>");
    for (int c = 0; cols[c]; c++)
        buf_printf(b, "%s<th scope=\"col\"%s>%s", c ? "</th>" : "", c == num ? " class=\"num\"" : "", cols[c]);
    return 1;
}

/* Ends the header that table_open began and opens the body. */
static void table_body(buf *b) { buf_puts(b, "</th></tr></thead><tbody>"); }

static void phases_table(buf *b, const json_t *obj, const obj_figures *f, const char *as_of)
{
    const json_t *phases = json_object_get(obj, "phases");
    static const char *const cols[] = {"N.", "Descrizione", "Inizio", "Scadenza", "Peso", "Stato al ", NULL};
    if (!table_open(b, "Fasi di attuazione", phases, "Nessuna fase.", cols, 4))
        return;
    doc_date(b, as_of);
    table_body(b);
    size_t i;
    const json_t *ph;
    json_array_foreach(phases, i, ph)
    {
        const json_t *rp = report_phase(f, json_integer_value(json_object_get(ph, "id")));
        buf_printf(b, "<tr><th scope=\"row\">%" JSON_INTEGER_FORMAT "</th><td>",
                   json_integer_value(json_object_get(ph, "seq")));
        html_escape(b, str(ph, "description"));
        buf_puts(b, "</td><td class=\"d\">");
        doc_date(b, *str(ph, "start") ? str(ph, "start") : NULL);
        buf_puts(b, "</td><td class=\"d\">");
        doc_date(b, *str(ph, "deadline") ? str(ph, "deadline") : NULL);
        buf_puts(b, "</td>");
        cell_number(b, json_object_get(ph, "weight"));
        buf_puts(b, "<td>");
        if (!rp) {
            buf_puts(b, "—");
        } else if (json_is_string(json_object_get(rp, "completed_on"))) {
            buf_puts(b, "completata il ");
            doc_date(b, str(rp, "completed_on"));
            if (json_is_false(json_object_get(rp, "on_time")))
                buf_puts(b, " <span class=\"mark\">(oltre la scadenza)</span>");
        } else {
            buf_puts(b, "avanzamento ");
            doc_number(b, json_object_get(rp, "percent_complete"), 2);
            buf_puts(b, "%");
            if (json_is_false(json_object_get(rp, "on_time")))
                buf_puts(b, " <span class=\"mark\">in ritardo</span>");
        }
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>\n");
}

static void indicators_table(buf *b, const json_t *obj, const obj_figures *f)
{
    static const char *const groups[] = {"quantity", "time", "cost", "quality", NULL};
    const json_t *inds = json_object_get(obj, "indicators");
    static const char *const cols[] = {"Indicatore", "Tipo", "ATTESO", "RAGGIUNTO", "Scostamento", "Punteggio", NULL};
    if (!table_open(b, "Indici di risultato", inds, "Nessun indicatore.", cols, 5))
        return;
    table_body(b);
    for (int g = 0; g < 5; g++) { /* the seed's order: quantity, time, cost, quality, then the rest */
        size_t i;
        const json_t *ind;
        json_array_foreach(inds, i, ind)
        {
            const char *grp = str(ind, "group");
            int known = 0;
            for (int k = 0; groups[k]; k++)
                known |= strcmp(grp, groups[k]) == 0;
            if (groups[g] ? strcmp(grp, groups[g]) != 0 : known)
                continue;
            const json_t *ri = report_indicator(f, json_integer_value(json_object_get(ind, "id")));
            const char *unit = str(ind, "unit");
            buf_puts(b, "<tr><th scope=\"row\">");
            html_escape(b, str(ind, "name"));
            buf_printf(b, "</th><td>%s</td><td>", group_label(grp));
            doc_value(b, json_object_get(ind, "target"), unit);
            buf_puts(b, "</td><td>");
            if (f->hidden)
                buf_puts(b, "riservato");
            else
                doc_value(b, ri ? json_object_get(ri, "value") : NULL, unit);
            buf_puts(b, "</td><td>");
            const json_t *dev = ri ? json_object_get(ri, "deviation") : NULL;
            const json_t *pct = ri ? json_object_get(ri, "deviation_percent") : NULL;
            if (json_is_number(dev)) {
                double d = json_number_value(dev);
                buf_puts(b, d > 0 ? "+" : d < 0 ? "−" : "");
                html_number_it(b, d < 0 ? -d : d, 4);
                if (json_is_number(pct)) {
                    double q = json_number_value(pct);
                    buf_puts(b, q > 0 ? " (+" : q < 0 ? " (−" : " (");
                    html_number_it(b, q < 0 ? -q : q, 2);
                    buf_puts(b, "%)");
                }
            } else {
                buf_puts(b, "—");
            }
            buf_puts(b, "</td>");
            cell_number(b, ri ? json_object_get(ri, "score") : NULL);
            buf_puts(b, "</tr>");
        }
    }
    buf_puts(b, "</tbody></table>\n");
}

/* Month (1..12) of an ISO date in year, 0 before it, 13 after it; -1 when not a date. */
static int month_in(const char *iso, int year)
{
    int d;
    if (!iso || !*iso || svg_day_of_year(iso, year, &d) < 0)
        return -1;
    int y = atoi(iso);
    if (y < year)
        return 0;
    if (y > year)
        return 13;
    return atoi(iso + 5);
}

static void cronoprogramma(buf *b, const json_t *obj, const obj_figures *f, int year, const char *as_of)
{
    const json_t *phases = json_object_get(obj, "phases");
    if (json_array_size(phases) == 0)
        return;
    buf_printf(b, "<h3>Cronoprogramma %d</h3><table class=\"data cron\"><thead><tr><th scope=\"col\">Fase</th>", year);
    for (int m = 0; m < 12; m++)
        buf_printf(b, "<th scope=\"col\">%s</th>", month_names[m]);
    buf_puts(b, "</tr></thead><tbody>");
    size_t i;
    const json_t *ph;
    json_array_foreach(phases, i, ph)
    {
        const json_t *rp = report_phase(f, json_integer_value(json_object_get(ph, "id")));
        int end = month_in(str(ph, "deadline"), year);
        int start = month_in(str(ph, "start"), year);
        if (start < 0)
            start = end; /* no start written: the deadline's month */
        int done = rp ? month_in(str(rp, "completed_on"), year) : -1;
        int late = rp && json_is_false(json_object_get(rp, "on_time")) && done < 0;
        buf_printf(b, "<tr><th scope=\"row\">%" JSON_INTEGER_FORMAT "</th>",
                   json_integer_value(json_object_get(ph, "seq")));
        for (int m = 1; m <= 12; m++) {
            if (m == done)
                buf_puts(b, "<td class=\"c\">C</td>");
            else if (late && m == end)
                buf_puts(b, "<td class=\"l\">R</td>");
            else if (end >= 0 && start >= 0 && m >= start && m <= end)
                buf_puts(b, "<td class=\"p\">P</td>");
            else
                buf_puts(b, "<td></td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b,
             "</tbody></table><p class=\"legend\">P: mese previsto (dall'inizio alla scadenza; senza inizio, "
             "il mese della scadenza) · C: mese in cui la fase è stata completata · R: scadenza superata senza "
             "completamento</p>\n");
    /* the same phases drawn to the day, with a line at the date, when any has a deadline */
    json_t *drawn = json_array();
    int deadlines = 0;
    json_array_foreach(phases, i, ph)
    {
        const json_t *rp = report_phase(f, json_integer_value(json_object_get(ph, "id")));
        deadlines += rp && json_is_string(json_object_get(rp, "deadline"));
        if (rp)
            json_array_append(drawn, (json_t *)rp);
    }
    if (deadlines) {
        char id[40];
        snprintf(id, sizeof id, "gantt-%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(obj, "id")));
        buf_puts(b, "<section class=\"chart\"><h3>Diagramma delle fasi</h3><figure>");
        gantt(b, str(obj, "code"), as_of, drawn, year, id);
        buf_puts(b,
                 "<figcaption>Le stesse fasi al giorno: barra chiara il periodo previsto, verde lo svolto fino al "
                 "completamento, tratteggio rosso le fasi in ritardo, linea rossa la data dei dati.</figcaption>"
                 "</figure></section>\n");
    }
    json_decref(drawn);
}

static void verification(buf *b, const obj_figures *f, const char *as_of)
{
    buf_puts(b, "<h3>Verifica al ");
    doc_date(b, as_of);
    buf_puts(b, "</h3>");
    if (f->hidden) {
        buf_puts(b,
                 "<p>L'obiettivo è assegnato a persone: i suoi risultati sono dati personali e non sono mostrati "
                 "a questo profilo.</p>\n");
        return;
    }
    const json_t *src = f->row ? f->row : f->cascade;
    buf_puts(b,
             "<table class=\"data\"><thead><tr><th scope=\"col\" class=\"num\">Media valore raggiunto %</th>"
             "<th scope=\"col\" class=\"num\">Media rispetto dei tempi %</th><th scope=\"col\" class=\"num\">"
             "Punteggio</th><th scope=\"col\">Stato</th><th scope=\"col\">Come è stato calcolato</th></tr></thead>"
             "<tbody><tr>");
    cell_number(b, f->row ? json_object_get(f->row, "achievement") : NULL);
    cell_number(b, f->row ? json_object_get(f->row, "timeliness") : NULL);
    cell_number(b, src ? json_object_get(src, "score") : NULL);
    buf_printf(b, "<td>%s</td><td>", src ? labels_status(str(src, "status")) : "—");
    html_escape(b, src ? str(src, "explanation") : "");
    buf_puts(b, "</td></tr></tbody></table>\n");
}

/* Weight shown in the sheet's heading: the assignments' weights when they agree, else "vari". */
static void heading_weight(buf *b, const json_t *obj)
{
    size_t i;
    const json_t *a, *first = NULL;
    int differ = 0;
    json_array_foreach(json_object_get(obj, "assignments"), i, a)
    {
        const json_t *w = json_object_get(a, "weight");
        if (!json_is_number(w))
            continue;
        if (!first)
            first = w;
        else if (json_number_value(w) != json_number_value(first))
            differ = 1;
    }
    if (!first)
        return;
    buf_puts(b, " · PESO: ");
    if (differ)
        buf_puts(b, "vari (vedi assegnatari)");
    else
        doc_number(b, first, 2);
}

static void sheet(buf *b, const doc_facts *facts, const json_t *doc, const fig_index *ix, const json_t *obj)
{
    obj_figures f = figures_of(ix, obj);
    doc_frame_open(b, facts, 0);
    buf_puts(b, "<h2>");
    html_escape(b, facts->entity ? facts->entity : "");
    buf_printf(b, " ANNO %d — Obiettivo %s n° ", facts->year, level_label(str(obj, "level")));
    html_escape(b, str(obj, "code"));
    heading_weight(b, obj);
    const char *mark = str(obj, "revision_mark");
    if (*mark)
        buf_printf(b, " <span class=\"mark\">%s</span>",
                   strcmp(mark, "inserted") == 0   ? "INSERITO"
                   : strcmp(mark, "modified") == 0 ? "MODIFICATO"
                                                   : "");
    buf_puts(b, "</h2>");
    assignments_table(b, doc, obj);
    buf_puts(b, "<p><strong>OBIETTIVO: ");
    html_escape(b, str(obj, "title"));
    buf_puts(b, "</strong></p>");
    if (*str(obj, "description")) {
        buf_puts(b, "<p style=\"white-space:pre-line\">");
        html_escape(b, str(obj, "description"));
        buf_puts(b, "</p>");
    }
    if (*str(obj, "expected_result")) {
        buf_puts(b, "<p><strong>Risultato atteso:</strong> ");
        html_escape(b, str(obj, "expected_result"));
        buf_puts(b, "</p>");
    }
    phases_table(b, obj, &f, facts->as_of);
    indicators_table(b, obj, &f);
    cronoprogramma(b, obj, &f, facts->year, facts->as_of);
    verification(b, &f, facts->as_of);
    doc_frame_close(b);
}

int plan_html(buf *b, const json_t *doc, const json_t *report)
{
    doc_facts f;
    doc_facts_read(&f, report, "Piano — schede obiettivo");
    const json_t *objs = json_object_get(doc, "objectives");
    doc_html_open(b, &f);
    doc_frame_open(b, &f, 1);
    buf_printf(b, "<h1>Piano della performance %d — schede obiettivo</h1><p class=\"facts\">", f.year);
    doc_facts_line(b, &f);
    buf_printf(b,
               "</p><p class=\"kpi\">%zu schede obiettivo, una per pagina, nell'ordine dei codici; %zu "
               "strutture.</p>",
               json_array_size(objs), json_array_size(json_object_get(doc, "structures")));
    buf_puts(b,
             "<p>Ogni scheda riporta l'obiettivo, gli assegnatari con il peso, le fasi, gli indici di risultato "
             "(ATTESO, RAGGIUNTO alla data, scostamento), il cronoprogramma mensile e la verifica alla data dei "
             "dati.</p>");
    doc_frame_close(b);
    size_t i;
    const json_t *obj;
    fig_index ix = {json_object(), json_object()};
    index_by_objective(ix.rows, json_object_get(report, "rows"));
    index_by_objective(ix.cascade, json_object_get(report, "objectives"));
    json_array_foreach(objs, i, obj) sheet(b, &f, doc, &ix, obj);
    json_decref(ix.rows);
    json_decref(ix.cascade);
    doc_html_close(b);
    return b->failed ? -1 : 0;
}

/* n times per, saturating at SIZE_MAX (n < 0 as 0). */
static size_t times(int64_t n, size_t per)
{
    if (n <= 0)
        return 0;
    return (uint64_t)n > SIZE_MAX / per ? SIZE_MAX : (size_t)n * per;
}

size_t plan_html_min_size(int64_t objectives, int64_t phases, int64_t indicators)
{
    size_t parts[3] = {times(objectives, PLAN_HTML_MIN_OBJECTIVE), times(phases, PLAN_HTML_MIN_PHASE),
                       times(indicators, PLAN_HTML_MIN_INDICATOR)};
    size_t sum = 0;
    for (int i = 0; i < 3; i++)
        sum = parts[i] > SIZE_MAX - sum ? SIZE_MAX : sum + parts[i];
    return sum;
}

/* The Gantt of phases (the score answer's or the report's: deadline, completed_on, on_time;
 * drawn as "Fase 1", "Fase 2" ... in the order given) of objective code as of as_of_iso. */
static int gantt(buf *b, const char *code, const char *as_of_iso, const json_t *phases, int year, const char *id)
{
    size_t n = json_array_size(phases), i;
    svg_gantt_row *rows = calloc(n + 1, sizeof *rows);
    char(*labels)[48] = calloc(n + 1, sizeof *labels);
    if (!rows || !labels) {
        free(rows);
        free(labels);
        return -1;
    }
    int as_of = -1, late = 0, done = 0;
    svg_day_of_year(as_of_iso, year, &as_of);
    buf desc;
    buf_init(&desc, 0);
    const json_t *ph;
    json_array_foreach(phases, i, ph)
    {
        svg_gantt_row *r = &rows[i];
        snprintf(labels[i], sizeof labels[i], "Fase %zu", i + 1);
        r->label = labels[i];
        r->has_deadline = svg_day_of_year(str(ph, "deadline"), year, &r->deadline) == 0;
        r->completed = svg_day_of_year(str(ph, "completed_on"), year, &r->completed_on) == 0;
        r->late = json_is_false(json_object_get(ph, "on_time"));
        late += r->late;
        done += r->completed;
        buf_printf(&desc, "%sfase %zu: scadenza ", i ? "; " : "", i + 1);
        doc_date(&desc, r->has_deadline ? str(ph, "deadline") : "nessuna");
        if (r->completed) {
            buf_puts(&desc, ", completata il ");
            doc_date(&desc, str(ph, "completed_on"));
        }
        if (r->late)
            buf_puts(&desc, ", in ritardo");
    }
    buf t;
    buf_init(&t, 0);
    buf_printf(&t, "Fasi dell'obiettivo ");
    buf_puts(&t, code);
    buf_printf(&t, " al ");
    doc_date(&t, as_of_iso);
    buf full;
    buf_init(&full, 0);
    buf_printf(&full, "%zu fasi, %d completate, %d in ritardo%s", n, done, late, n ? ": " : ".");
    buf_puts(&full, desc.data ? desc.data : "");
    svg_caption c = {id, t.data ? t.data : "", full.data ? full.data : ""};
    int rc = t.failed || full.failed ? -1 : svg_chart_gantt(b, &c, year, rows, (int)n, as_of);
    buf_free(&t);
    buf_free(&full);
    buf_free(&desc);
    free(rows);
    free(labels);
    return rc;
}

int plan_chart_gantt(buf *b, const json_t *score, int year, const char *id)
{
    return gantt(b, str(score, "code"), str(score, "as_of"), json_object_get(score, "phases"), year, id);
}

int plan_chart_measurements(buf *b, const json_t *indicator, const json_t *list, int year, const char *id)
{
    const json_t *items = json_object_get(list, "items");
    size_t n = json_array_size(items), i, j;
    svg_point *pts = calloc(n + 1, sizeof *pts);
    if (!pts)
        return -1;
    int k = 0;
    const json_t *m;
    json_array_foreach(items, i, m)
    {
        json_int_t mid = json_integer_value(json_object_get(m, "id"));
        int corrected = 0;
        for (j = 0; j < n && !corrected; j++)
            corrected = json_integer_value(json_object_get(json_array_get(items, j), "corrects_id")) == mid && mid;
        int day;
        const json_t *v = json_object_get(m, "value");
        if (corrected || !json_is_number(v) || svg_day_of_year(str(m, "as_of"), year, &day) < 0)
            continue;
        int at = k; /* sorted by day; a later entry of the same day replaces the earlier */
        while (at > 0 && pts[at - 1].day > day)
            at--;
        if (at > 0 && pts[at - 1].day == day) {
            pts[at - 1].value = json_number_value(v);
            continue;
        }
        memmove(&pts[at + 1], &pts[at], sizeof *pts * (size_t)(k - at));
        pts[at] = (svg_point){day, json_number_value(v)};
        k++;
    }
    const json_t *target = json_object_get(indicator, "target");
    const char *unit = str(indicator, "unit");
    buf t, d;
    buf_init(&t, 0);
    buf_init(&d, 0);
    buf_puts(&t, "Misurazioni dell'indicatore ");
    buf_puts(&t, str(indicator, "name"));
    buf_printf(&d, "%d misurazioni numeriche nel %d", k, year);
    for (int q = 0; q < k; q++) {
        buf_puts(&d, q ? "; " : ": ");
        html_number_it(&d, pts[q].value, 4);
    }
    buf_puts(&d, json_is_number(target) ? ". Valore atteso: " : ". Nessun valore atteso numerico.");
    if (json_is_number(target))
        doc_value(&d, target, unit);
    svg_caption c = {id, t.data ? t.data : "", d.data ? d.data : ""};
    int rc = t.failed || d.failed
                 ? -1
                 : svg_chart_line(b, &c, year, pts, k, json_is_number(target), json_number_value(target), unit);
    buf_free(&t);
    buf_free(&d);
    free(pts);
    return rc;
}
