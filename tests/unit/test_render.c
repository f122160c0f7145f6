/* test_render.c — src/render: HTML escaping of user text, Italian numbers, and the SVG charts
 * (well-formed text with a title and a description, the figures a reader checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/html_text.h"
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
    suite_add_tcase(s, tc);
    return s;
}
