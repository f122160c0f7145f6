/* test_csv_write.c — CSV cells: formula neutralisation (csv.h) and numbers kept as numbers. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec/csv.h"
#include "suites.h"

/* The cell csv_cell_text writes for s (first in its row). Static: valid until the next call. */
static const char *text_cell(const char *s)
{
    static char out[256];
    buf b;
    buf_init(&b, 0);
    csv_cell_text(&b, s, 1);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    buf_free(&b);
    return out;
}

static const char *json_cell(json_t *v)
{
    static char out[256];
    buf b;
    buf_init(&b, 0);
    csv_cell_json(&b, v, 1);
    json_decref(v);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    buf_free(&b);
    return out;
}

START_TEST(formulas_are_neutralised)
{
    ck_assert_str_eq(text_cell("=1+1"), "\"'=1+1\"");
    ck_assert_str_eq(text_cell("-1+HYPERLINK(\"x\")"), "\"'-1+HYPERLINK(\"\"x\"\")\"");
    ck_assert_str_eq(text_cell("-5"), "\"'-5\"");
    ck_assert_str_eq(text_cell("+1"), "\"'+1\"");
    ck_assert_str_eq(text_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
    ck_assert_str_eq(text_cell("\tx"), "\"'\tx\"");
    ck_assert_str_eq(text_cell("\rx"), "\"'\rx\"");
    ck_assert_str_eq(text_cell("  =1"), "\"'  =1\"");
    ck_assert_str_eq(text_cell("\n=1"), "\"'\n=1\"");
    ck_assert_str_eq(text_cell("\xef\xbc\x9d"
                               "1"),
                     "\"'\xef\xbc\x9d"
                     "1\""); /* fullwidth = */
    ck_assert_str_eq(text_cell("\xef\xbc\x8b"
                               "1"),
                     "\"'\xef\xbc\x8b"
                     "1\""); /* fullwidth + */
    ck_assert_str_eq(text_cell("\xef\xbc\x8d"
                               "1"),
                     "\"'\xef\xbc\x8d"
                     "1\""); /* fullwidth - */
    ck_assert_str_eq(text_cell("\xef\xbc\xa0"
                               "x"),
                     "\"'\xef\xbc\xa0"
                     "x\""); /* fullwidth @ */
    /* plain text stays plain; separators are quoted */
    ck_assert_str_eq(text_cell("10 - 5"), "10 - 5");
    ck_assert_str_eq(text_cell("a;b"), "\"a;b\"");
    ck_assert_str_eq(text_cell(""), "");
    ck_assert_str_eq(text_cell("\xef\xbc\xa1"), "\xef\xbc\xa1"); /* fullwidth A */
}
END_TEST

START_TEST(numbers_stay_numbers)
{
    ck_assert_str_eq(json_cell(json_real(-1.5)), "-1,50");
    ck_assert_str_eq(json_cell(json_integer(-12)), "-12");
    ck_assert_str_eq(json_cell(json_string("-12")), "\"'-12\""); /* text that looks like a number */
    buf b;
    buf_init(&b, 0);
    csv_cell_number(&b, "-1234,56", 1);
    csv_cell_number(&b, "-1+1", 0);
    csv_cell_number(&b, "7", 0);
    ck_assert_str_eq(b.data, "-1234,56;\"'-1+1\";7");
    buf_free(&b);
}
END_TEST

Suite *csv_write_suite(void)
{
    Suite *s = suite_create("csv_write");
    TCase *tc = tcase_create("cells");
    tcase_add_test(tc, formulas_are_neutralised);
    tcase_add_test(tc, numbers_stay_numbers);
    suite_add_tcase(s, tc);
    return s;
}
