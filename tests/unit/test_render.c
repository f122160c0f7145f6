/* test_render.c — src/render: HTML escaping of user text, Italian numbers, and the SVG charts
 * (well-formed text with a title and a description, the figures a reader checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render/html_text.h"
#include "render/plan_html.h"
#include "render/report_html.h"
#include "render/svg_chart.h"
#include "suites.h"

static char *escaped(const char *s)
{
    static char out[512];
    buf b;
    buf_init(&b, 0);
    html_escape(&b, s);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    buf_free(&b);
    return out;
}

static char *number(double v, int d)
{
    static char out[64];
    buf b;
    buf_init(&b, 0);
    html_number_it(&b, v, d);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    buf_free(&b);
    return out;
}

/* Occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The chart's text has one <svg ...> root closed once, a title and a desc, and every tag
 * opened is closed (a cheap well-formedness check; the integration suite parses with a real
 * XML parser). */
static void assert_chart(const char *s)
{
    ck_assert_int_eq(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
    ck_assert_int_eq(count(s, "<svg"), 1);
    ck_assert_int_eq(count(s, "</svg>"), 1);
    ck_assert_int_eq(count(s, "<title"), count(s, "</title>"));
    ck_assert_int_eq(count(s, "<text"), count(s, "</text>"));
    ck_assert_int_eq(count(s, "<g"), count(s, "</g>"));
    ck_assert_ptr_nonnull(strstr(s, "role=\"img\""));
    ck_assert_ptr_nonnull(strstr(s, "<desc id=\"c1-d\">"));
    ck_assert_ptr_null(strstr(s, "<script"));
}

START_TEST(user_text_cannot_become_markup)
{
    ck_assert_str_eq(escaped("<script>alert('x')</script> & \"q\""),
                     "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    ck_assert_str_eq(escaped("Attività\x01 ok\n"), "Attività ok\n"); /* XML forbids C0 controls */
    ck_assert_str_eq(escaped(""), "");
}
END_TEST

START_TEST(numbers_are_italian)
{
    ck_assert_str_eq(number(87.5, 2), "87,5");
    ck_assert_str_eq(number(100, 2), "100");
    ck_assert_str_eq(number(0.25, 2), "0,25");
    ck_assert_str_eq(number(-0.001, 2), "0");
    ck_assert_str_eq(number(1.0 / 0.0 - 1.0 / 0.0, 2), "—");
}
END_TEST

START_TEST(bars_show_score_and_measured_share)
{
    svg_bar bars[] = {{"Settore <Finanziario>", 1, 80, 20, 100}, {"Polizia locale", 0, 0, 0, 50}};
    svg_caption c = {"c1", "Punteggi per struttura", "Settore Finanziario 80 (peso misurato 20 su 100)"};
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(svg_chart_bars(&b, &c, bars, 2), 0);
    assert_chart(b.data);
    ck_assert_ptr_nonnull(strstr(b.data, "Settore &lt;Finanziario&gt;"));
    ck_assert_ptr_null(strstr(b.data, "<Finanziario>"));
    ck_assert_ptr_nonnull(strstr(b.data, ">80</text>"));
    ck_assert_ptr_nonnull(strstr(b.data, "peso misurato 20 su 100"));
    ck_assert_ptr_nonnull(strstr(b.data, "non misurato"));
    /* the score bar is 80% of the 400-pixel axis, the weight bar 20% */
    ck_assert_ptr_nonnull(strstr(b.data, "width=\"320.0\" height=\"14\""));
    ck_assert_ptr_nonnull(strstr(b.data, "width=\"80.0\" height=\"5\""));
    buf_free(&b);
}
END_TEST

START_TEST(histogram_counts_classes)
{
    double s[] = {0, 9.99, 10, 55, 99.5, 100, 100};
    int k[10];
    svg_chart_histogram_counts(s, 7, k);
    ck_assert_int_eq(k[0], 2);
    ck_assert_int_eq(k[1], 1);
    ck_assert_int_eq(k[5], 1);
    ck_assert_int_eq(k[9], 3); /* 100 belongs to the last class */
    svg_caption c = {"c1", "Distribuzione", "7 obiettivi misurati"};
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(svg_chart_histogram(&b, &c, s, 7), 0);
    assert_chart(b.data);
    ck_assert_ptr_nonnull(strstr(b.data, ">90–100</text>"));
    buf_free(&b);
}
END_TEST

START_TEST(gantt_marks_late_and_as_of)
{
    int d0, d1, d2;
    ck_assert_int_eq(svg_day_of_year("2024-01-01", 2024, &d0), 0);
    ck_assert_int_eq(d0, 0);
    ck_assert_int_eq(svg_day_of_year("2024-12-31", 2024, &d1), 0);
    ck_assert_int_eq(d1, 365); /* 2024 is a leap year */
    ck_assert_int_eq(svg_day_of_year("2023-12-31", 2024, &d2), 0);
    ck_assert_int_eq(d2, -1);
    ck_assert_int_eq(svg_day_of_year("2024-13-01", 2024, &d2), -1);
    ck_assert_int_eq(svg_day_of_year("2024-06-30x", 2024, &d2), -1);
    int as_of;
    svg_day_of_year("2024-06-30", 2024, &as_of);
    svg_gantt_row r[] = {
        {"Fase 1", 0, 0, 1, 90, 1, 80, 0}, {"Fase 2", 1, 91, 1, 150, 0, 0, 1}, {"Fase 3", 0, 0, 0, 0, 0, 0, 0}};
    svg_caption c = {"c1", "Cronoprogramma", "3 fasi, 1 in ritardo"};
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(svg_chart_gantt(&b, &c, 2024, r, 3, as_of), 0);
    assert_chart(b.data);
    ck_assert_int_eq(count(b.data, ">in ritardo</text>"), 1);
    ck_assert_int_eq(count(b.data, ">completata</text>"), 1);
    ck_assert_int_eq(count(b.data, ">senza scadenza</text>"), 1);
    ck_assert_ptr_nonnull(strstr(b.data, ">al 30/06</text>"));
    ck_assert_ptr_nonnull(strstr(b.data, "url(#c1-late)"));
    buf_free(&b);
}
END_TEST

START_TEST(line_shows_target)
{
    svg_point p[] = {{181, 40}, {365, 95.5}};
    svg_caption c = {"c1", "Misurazioni", "30/06: 40; 31/12: 95,5; atteso 90"};
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(svg_chart_line(&b, &c, 2024, p, 2, 1, 90, "%"), 0);
    assert_chart(b.data);
    ck_assert_ptr_nonnull(strstr(b.data, "atteso 90 %"));
    ck_assert_ptr_nonnull(strstr(b.data, ">95,5</text>"));
    ck_assert_int_eq(count(b.data, "<circle"), 2);
    buf_free(&b);
    buf_init(&b, 0);
    ck_assert_int_eq(svg_chart_line(&b, &c, 2024, NULL, 0, 0, 0, NULL), 0);
    assert_chart(b.data);
    ck_assert_ptr_nonnull(strstr(b.data, "Nessuna misurazione"));
    buf_free(&b);
}
END_TEST

/* The documents from a tiny report and plan document: hostile text escaped, the running
 * header with the revision, the deliberation and the date, the total under its objectives, the
 * cronoprogramma's months, a person's hidden result. */
static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad JSON in the test: %s", e.text);
    return j;
}

static const char REPORT[] =
    "{\"plan_id\":1,\"as_of\":\"2024-06-30\",\"revision\":2,"
    "\"plan\":{\"title\":\"Piano <b>2024</b>\",\"year\":2024,\"entity\":{\"name\":\"Comune di Prova\"},"
    "\"deliberation\":{\"number\":\"12/2024\",\"date\":\"2024-02-01\",\"body\":\"Giunta Comunale\"}},"
    "\"entity\":{\"score\":80,\"status\":\"measured\",\"weight_total\":100,\"weight_measured\":20},"
    "\"rows\":[{\"assignee_kind\":\"structure\",\"assignee_id\":7,\"assignee_code\":\"A01\","
    "\"assignee_name\":\"Affari <generali>\",\"objective_id\":3,\"objective_code\":\"OB1\","
    "\"objective_title\":\"<script>x</script>\",\"weight\":20,\"achievement\":80,\"timeliness\":null,"
    "\"score\":80,\"status\":\"measured\",\"indicators\":[{\"indicator_id\":5,\"name\":\"Pratiche\","
    "\"target\":10,\"value\":8,\"as_of\":\"2024-06-30\",\"deviation\":-2,\"deviation_percent\":-20,"
    "\"score\":80,\"state\":\"measured\"}]}],"
    "\"totals\":[{\"assignee_kind\":\"structure\",\"assignee_id\":7,\"assignee_code\":\"A01\","
    "\"assignee_name\":\"Affari <generali>\",\"weight_total\":100,\"weight_measured\":20,\"score\":80,"
    "\"status\":\"measured\"}],"
    "\"objectives\":[{\"objective_id\":3,\"code\":\"OB1\",\"score\":80,\"status\":\"measured\","
    "\"explanation\":\"e\",\"phases\":[{\"phase_id\":9,\"deadline\":\"2024-03-31\",\"percent_complete\":100,"
    "\"completed_on\":\"2024-05-10\",\"on_time\":false},{\"phase_id\":10,\"deadline\":\"2024-06-15\","
    "\"percent_complete\":0,\"completed_on\":null,\"on_time\":false}]},"
    "{\"objective_id\":4,\"code\":\"OB2\",\"score\":100,\"status\":\"measured\",\"explanation\":\"e\","
    "\"phases\":[]}]}";

static const char PLAN_DOC[] =
    "{\"year\":2024,\"structures\":[{\"code\":\"A01\",\"name\":\"Affari <generali>\",\"manager\":\"M1\"}],"
    "\"people\":[{\"external_id\":\"M1\",\"name\":\"Maria Neri\"},{\"external_id\":\"P1\",\"name\":\"Anna\"}],"
    "\"objectives\":[{\"id\":3,\"code\":\"OB1\",\"title\":\"<script>x</script>\",\"level\":\"strategic\","
    "\"assignments\":[{\"structure_code\":\"A01\",\"weight\":20}],"
    "\"phases\":[{\"id\":9,\"seq\":1,\"description\":\"Avvio\",\"start\":\"2024-02-01\",\"deadline\":\"2024-03-31\"},"
    "{\"id\":10,\"seq\":2,\"description\":\"Chiusura\",\"deadline\":\"2024-06-15\"}],"
    "\"indicators\":[{\"id\":5,\"name\":\"Pratiche\",\"group\":\"quantity\",\"target\":10}]},"
    "{\"id\":4,\"code\":\"OB2\",\"title\":\"Individuale\",\"level\":\"management\","
    "\"assignments\":[{\"person_external_id\":\"P1\",\"weight\":100}],\"phases\":[],"
    "\"indicators\":[{\"id\":6,\"name\":\"Dato\",\"group\":\"time\",\"target\":1}]}]}";

START_TEST(relazione_from_the_report)
{
    json_t *report = J(REPORT);
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(report_html(&b, report), 0);
    const char *h = b.data;
    ck_assert_ptr_nonnull(strstr(h, "<html lang=\"it\">"));
    ck_assert_ptr_null(strstr(h, "<script>"));
    ck_assert_ptr_null(strstr(h, "<b>2024"));
    ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;x&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(h,
                                 "revisione 2 (deliberazione Giunta Comunale n. 12/2024 del 01/02/2024) · dati "
                                 "al 30/06/2024"));
    ck_assert_int_eq(count(h, "<thead><tr><td>Relazione sulla performance"), 2); /* cover, structures */
    ck_assert_ptr_nonnull(strstr(h, "Punteggio dell'ente: <strong>80</strong>"));
    ck_assert_ptr_nonnull(strstr(h, "peso misurato <strong>20</strong> su <strong>100</strong> (20%)"));
    ck_assert_ptr_nonnull(strstr(h, "Totale (peso misurato 20 su 100)"));
    ck_assert_ptr_nonnull(strstr(h, "−2 (−20%)"));
    ck_assert_int_eq(count(h, "role=\"img\""), 2);
    buf_free(&b);
    json_decref(report);
}
END_TEST

START_TEST(piano_sheets_and_cronoprogramma)
{
    json_t *report = J(REPORT), *doc = J(PLAN_DOC);
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(plan_html(&b, doc, report), 0);
    const char *h = b.data;
    ck_assert_ptr_null(strstr(h, "<script>"));
    ck_assert_int_eq(count(h, "<table class=\"frame\""), 2); /* two sheets, each from a new page */
    ck_assert_ptr_nonnull(strstr(h, "Obiettivo strategico n° OB1 · PESO: 20"));
    ck_assert_ptr_nonnull(strstr(h, "Maria Neri"));
    /* phase 1: planned February–March, completed in May (after its deadline); phase 2 late in June */
    ck_assert_ptr_nonnull(strstr(h,
                                 "<tr><th scope=\"row\">1</th><td></td><td class=\"p\">P</td><td class=\"p\">P"
                                 "</td><td></td><td class=\"c\">C</td>"));
    ck_assert_ptr_nonnull(strstr(h, "<td class=\"l\">R</td>"));
    ck_assert_ptr_nonnull(strstr(h, "completata il 10/05/2024 <span class=\"mark\">(oltre la scadenza)</span>"));
    /* OB2 is carried by a person the report does not show: no result */
    ck_assert_ptr_nonnull(strstr(h, "dati personali"));
    ck_assert_ptr_nonnull(strstr(h, "riservato"));
    buf_free(&b);
    json_decref(report);
    json_decref(doc);
}
END_TEST

/* The length of plan_html's page of a plan of year 2024 whose objectives are n copies of obj
 * (JSON text), against an empty report: nothing shown for them but what every sheet shows. */
static size_t piano_length(const char *obj, int n)
{
    json_t *doc = json_pack("{s:i, s:[], s:[], s:[]}", "year", 2024, "structures", "people", "objectives");
    for (int k = 0; k < n; k++)
        json_array_append_new(json_object_get(doc, "objectives"), J(obj));
    json_t *report = json_object();
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(plan_html(&b, doc, report), 0);
    size_t len = b.len;
    buf_free(&b);
    json_decref(report);
    json_decref(doc);
    return len;
}

/* plan_html_min_size never passes what plan_html writes for objectives, phases and indicators
 * whose texts are empty and figures absent, in each of the sheet's shorter ways (no assignee,
 * an assignee hidden from the caller, empty phases and indicators of an unknown group): the
 * document's lower bound that GET /v1/plans/{id}/document refuses from. */
START_TEST(piano_never_shorter_than_its_bound)
{
    static const struct {
        const char *obj;
        int phases, indicators;
    } shapes[] = {
        {"{\"id\":1,\"code\":\"\",\"title\":\"\"}", 0, 0},
        {"{\"id\":1,\"assignments\":[{\"person_external_id\":\"\"}],\"phases\":[],\"indicators\":[]}", 0, 0},
        {"{\"id\":1,\"phases\":[{\"id\":2}],\"indicators\":[{\"id\":3}]}", 1, 1},
        {"{\"id\":1,\"assignments\":[{\"person_external_id\":\"\"}],\"phases\":[{},{},{}],"
         "\"indicators\":[{\"group\":\"x\"},{},{\"group\":\"time\"},{}]}",
         3, 4},
    };
    size_t none = piano_length("{}", 0);
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        for (int n = 1; n <= 3; n += 2) {
            size_t len = piano_length(shapes[k].obj, n);
            size_t bound = plan_html_min_size(n, (int64_t)n * shapes[k].phases, (int64_t)n * shapes[k].indicators);
            ck_assert_msg(len - none >= bound, "shape %zu x%d: %zu bytes for a bound of %zu", k, n, len - none, bound);
        }
    ck_assert_uint_eq(plan_html_min_size(2, 3, 5),
                      2 * PLAN_HTML_MIN_OBJECTIVE + 3 * PLAN_HTML_MIN_PHASE + 5 * PLAN_HTML_MIN_INDICATOR);
    ck_assert_uint_eq(plan_html_min_size(-1, 0, 0), 0);
    ck_assert_uint_eq(plan_html_min_size(INT64_MAX, INT64_MAX, 1), SIZE_MAX);
}
END_TEST

Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("html_and_svg");
    tcase_add_test(tc, user_text_cannot_become_markup);
    tcase_add_test(tc, numbers_are_italian);
    tcase_add_test(tc, bars_show_score_and_measured_share);
    tcase_add_test(tc, histogram_counts_classes);
    tcase_add_test(tc, gantt_marks_late_and_as_of);
    tcase_add_test(tc, line_shows_target);
    tcase_add_test(tc, relazione_from_the_report);
    tcase_add_test(tc, piano_sheets_and_cronoprogramma);
    tcase_add_test(tc, piano_never_shorter_than_its_bound);
    suite_add_tcase(s, tc);
    return s;
}
