/* test_csv_read.c — the RFC 4180 reader of the ERP feeds (';' separator). */
#include <string.h>

#include "codec/csv_read.h"
#include "suites.h"

static csv_reader R;

static void open_text(const char *text) { csv_reader_init(&R, text, strlen(text), ';'); }

static void expect(int line, int n, const char *const *cells)
{
    ck_assert_int_eq(csv_read_record(&R), 1);
    ck_assert_int_eq(R.line, line);
    ck_assert_int_eq(R.ncells, n);
    for (int i = 0; i < n; i++)
        ck_assert_str_eq(R.cells[i], cells[i]);
}

START_TEST(plain_records)
{
    open_text("indicator_code;as_of;value\r\nI1;31/12/2024;72,19%\r\nI2;2024-06-30;1.000.000,00");
    expect(1, 3, (const char *[]){"indicator_code", "as_of", "value"});
    expect(2, 3, (const char *[]){"I1", "31/12/2024", "72,19%"});
    expect(3, 3, (const char *[]){"I2", "2024-06-30", "1.000.000,00"});
    ck_assert_int_eq(csv_read_record(&R), 0);
    ck_assert_int_eq(csv_read_record(&R), 0);
    csv_reader_free(&R);
}
END_TEST

START_TEST(quotes_and_empty_cells)
{
    open_text(
        "\xEF\xBB\xBF"
        "a;\"b;c\";\"say \"\"Sì\"\"\";;\n\"\";x;\n");
    expect(1, 5, (const char *[]){"a", "b;c", "say \"Sì\"", "", ""});
    expect(2, 3, (const char *[]){"", "x", ""});
    ck_assert_int_eq(csv_read_record(&R), 0);
    csv_reader_free(&R);
}
END_TEST

START_TEST(line_breaks_inside_quotes_count_lines)
{
    open_text("h1;h2\n\n\"two\nlines\";b\r\n\r\nlast;\"x\r\ny\"\nend;z");
    expect(1, 2, (const char *[]){"h1", "h2"});
    expect(3, 2, (const char *[]){"two\nlines", "b"});
    expect(6, 2, (const char *[]){"last", "x\r\ny"});
    expect(8, 2, (const char *[]){"end", "z"});
    ck_assert_int_eq(csv_read_record(&R), 0);
    csv_reader_free(&R);
}
END_TEST

START_TEST(malformed_records)
{
    open_text("a;b\nc;\"open\nnever closed");
    expect(1, 2, (const char *[]){"a", "b"});
    ck_assert_int_eq(csv_read_record(&R), -1);
    ck_assert_int_eq(R.line, 2);
    ck_assert_ptr_nonnull(strstr(R.error, "not closed"));
    ck_assert_int_eq(csv_read_record(&R), -1);
    csv_reader_free(&R);

    open_text("x;\"quoted\"junk;y\n");
    ck_assert_int_eq(csv_read_record(&R), -1);
    ck_assert_int_eq(R.line, 1);
    ck_assert_ptr_nonnull(strstr(R.error, "after a closing quote"));
    csv_reader_free(&R);

    char many[CSV_MAX_CELLS * 2 + 8];
    memset(many, ';', CSV_MAX_CELLS + 1);
    many[CSV_MAX_CELLS + 1] = '\0';
    open_text(many);
    ck_assert_int_eq(csv_read_record(&R), -1);
    csv_reader_free(&R);
}
END_TEST

START_TEST(empty_input)
{
    open_text("");
    ck_assert_int_eq(csv_read_record(&R), 0);
    csv_reader_free(&R);
    open_text("\r\n\n");
    ck_assert_int_eq(csv_read_record(&R), 0);
    csv_reader_free(&R);
    csv_reader_init(&R, NULL, 5, ';');
    ck_assert_int_eq(csv_read_record(&R), 0);
    csv_reader_free(&R);
}
END_TEST

Suite *csv_read_suite(void)
{
    Suite *s = suite_create("csv_read");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, plain_records);
    tcase_add_test(tc, quotes_and_empty_cells);
    tcase_add_test(tc, line_breaks_inside_quotes_count_lines);
    tcase_add_test(tc, malformed_records);
    tcase_add_test(tc, empty_input);
    suite_add_tcase(s, tc);
    return s;
}
