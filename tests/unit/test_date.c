/* test_date.c — ISO and Italian dates, impossible dates, frequencies, expected values (seed 003). */
#include <string.h>

#include "suites.h"

static rules_date PD(const char *s, int y)
{
    rules_date d;
    rules_error e;
    ck_assert_msg(rules_date_parse_it(s, y, &d, &e) == 0, "%s: %s", s, e.message);
    return d;
}

static void eq(rules_date d, int y, int m, int dd)
{
    ck_assert_int_eq(d.year, y);
    ck_assert_int_eq(d.month, m);
    ck_assert_int_eq(d.day, dd);
}

START_TEST(iso)
{
    rules_date d;
    rules_error e;
    char b[11];
    ck_assert_int_eq(rules_date_parse_iso("2024-02-29", &d, &e), 0);
    eq(d, 2024, 2, 29);
    rules_date_format_iso(d, b);
    ck_assert_str_eq(b, "2024-02-29");
    ck_assert_int_eq(rules_date_parse_iso("2023-02-29", &d, &e), -1);
    ck_assert_str_eq(e.message, "2023-02-29 is not a date: 2023 is not a leap year, February has 28 days");
    ck_assert_int_eq(rules_date_parse_iso("2024-06-31", &d, &e), -1);
    ck_assert_str_eq(e.message, "2024-06-31 is not a date: June has 30 days");
    ck_assert_str_eq(e.hint, "use 2024-06-30 for the last day of June");
    ck_assert_int_eq(rules_date_parse_iso("2024-13-01", &d, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "no month 13"));
    ck_assert_int_eq(rules_date_parse_iso("2024-1-01", &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_iso("2024-01-01T00:00", &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_iso("31.12.2024", &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_iso("", &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_iso("0000-01-01", &d, &e), -1);
}
END_TEST

START_TEST(italian_forms)
{
    eq(PD("31.12.2024", 0), 2024, 12, 31);
    eq(PD("31/12/2024", 0), 2024, 12, 31);
    eq(PD("31-12-2024", 0), 2024, 12, 31);
    eq(PD("2024-12-31", 0), 2024, 12, 31);
    eq(PD("31-dic", 2022), 2022, 12, 31); /* seed 003 */
    eq(PD("31 dic 2024", 0), 2024, 12, 31);
    eq(PD("31-DIC-24", 0), 2024, 12, 31);
    eq(PD("30 giugno 2024", 0), 2024, 6, 30);
    eq(PD("30 Giugno", 2024), 2024, 6, 30);
    eq(PD("1° luglio 2024", 0), 2024, 7, 1);
    eq(PD("15/05/22", 0), 2022, 5, 15); /* seed 003 "15/05/22" */
    eq(PD("29/02/2024", 0), 2024, 2, 29);
    eq(PD(" 15.04.2024 ", 0), 2024, 4, 15);
}
END_TEST

START_TEST(impossible)
{
    rules_date d;
    rules_error e;
    /* seed 001: the first monitoring phase is due "31.06.2024" */
    ck_assert_int_eq(rules_date_parse_it("31.06.2024", 0, &d, &e), -1);
    ck_assert_str_eq(e.message, "31.06.2024 is not a date: June has 30 days");
    ck_assert_str_eq(e.hint, "use 30.06.2024 for the last day of June");
    /* seed 000 */
    ck_assert_int_eq(rules_date_parse_it("33/11/2024", 0, &d, &e), -1);
    ck_assert_str_eq(e.message, "33/11/2024 is not a date: November has 30 days");
    ck_assert_int_eq(rules_date_parse_it("29.02.2023", 0, &d, &e), -1);
    ck_assert_str_eq(e.message, "29.02.2023 is not a date: 2023 is not a leap year, February has 28 days");
    ck_assert_int_eq(rules_date_parse_it("31 aprile 2024", 0, &d, &e), -1);
    ck_assert_str_eq(e.message, "31 aprile 2024 is not a date: April has 30 days");
    ck_assert_int_eq(rules_date_parse_it("00.01.2024", 0, &d, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "no day 0"));
    ck_assert_int_eq(rules_date_parse_it("12.13.2024", 0, &d, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "no month 13"));
    ck_assert_int_eq(rules_date_parse_it("31-dic", 0, &d, &e), -1);
    ck_assert_str_eq(e.message, "31-dic has no year");
    ck_assert_int_eq(rules_date_parse_it("31 dicembrino 2024", 0, &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_it("31.12.202", 0, &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_it("31.12/2024", 0, &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_it("", 2024, &d, &e), -1);
    ck_assert_int_eq(rules_date_parse_it("entro il 31/12", 2024, &d, &e), -1);
}
END_TEST

START_TEST(helpers)
{
    rules_date a = {2024, 1, 1}, b = {2024, 12, 31}, c = {2023, 12, 31};
    ck_assert_int_eq(rules_date_days_between(a, b), 365); /* leap year */
    ck_assert_int_eq(rules_date_days_between(c, a), 1);
    ck_assert_int_eq(rules_date_days_between(b, a), -365);
    ck_assert_int_lt(rules_date_compare(a, b), 0);
    ck_assert_int_eq(rules_date_compare(a, a), 0);
    ck_assert_int_eq(rules_date_ordinal((rules_date){1, 1, 1}), 0);
    ck_assert_int_eq(rules_is_leap_year(2000), 1);
    ck_assert_int_eq(rules_is_leap_year(1900), 0);
    ck_assert_int_eq(rules_days_in_month(2024, 2), 29);
    ck_assert_int_eq(rules_date_valid((rules_date){2024, 6, 31}), 0);
}
END_TEST

START_TEST(frequency_and_expected)
{
    int n = 0;
    rules_expected x;
    rules_error e;
    ck_assert_int_eq(rules_frequency_parse_it("trimestrale", &n, &e), 0); /* seed 003 */
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(rules_frequency_parse_it("Mensile", &n, &e), 0);
    ck_assert_int_eq(n, 12);
    ck_assert_int_eq(rules_frequency_parse_it("semestrali", &n, &e), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(rules_frequency_parse_it("spesso", &n, &e), -1);

    ck_assert_int_eq(rules_expected_parse_it("72,19%", 2022, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_PERCENT);
    ck_assert_str_eq(dfmt(x.number), "72.19");
    ck_assert_int_eq(rules_expected_parse_it("31-dic", 2022, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_DATE);
    eq(x.date, 2022, 12, 31);
    ck_assert_int_eq(rules_expected_parse_it("trimestrale", 2022, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_FREQUENCY);
    ck_assert_int_eq(x.per_year, 4);
    ck_assert_int_eq(rules_expected_parse_it("12", 2022, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_NUMBER);
    ck_assert_str_eq(dfmt(x.number), "12");
    ck_assert_int_eq(rules_expected_parse_it("20%", 2022, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_PERCENT);
    ck_assert_int_eq(rules_expected_parse_it("€ 600.000,00", 2024, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_EURO);
    ck_assert_int_eq(rules_expected_parse_it("Si", 2024, &x, &e), 0);
    ck_assert_int_eq(x.kind, RULES_EXPECTED_BOOLEAN);
    ck_assert_int_eq(x.boolean, 1);
    ck_assert_int_eq(rules_expected_parse_it("15/05/22", 2022, &x, &e), 0);
    eq(x.date, 2022, 5, 15);
    ck_assert_int_eq(rules_expected_parse_it("31.06.2024", 2024, &x, &e), -1);
    ck_assert_str_eq(e.message, "31.06.2024 is not a date: June has 30 days");
    ck_assert_int_eq(rules_expected_parse_it("boh", 2024, &x, &e), -1);
}
END_TEST

/* tests/cases/timestamps.json: every RFC 3339 case, its fault and its epoch. */
START_TEST(timestamps)
{
    json_t *doc = load_cases("timestamps.json");
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(doc, "cases"), i, c)
    {
        const char *in = json_string_value(json_object_get(c, "input"));
        const char *want = json_string_value(json_object_get(c, "fault"));
        ck_assert_msg(in && want, "case %zu: input and fault are needed", i);
        rules_timestamp t;
        rules_timestamp_fault f = rules_timestamp_parse(in, json_is_true(json_object_get(c, "date_only")), &t);
        const char *got = f == RULES_TIMESTAMP_OK       ? "ok"
                          : f == RULES_TIMESTAMP_FORMAT ? "format"
                          : f == RULES_TIMESTAMP_DATE   ? "date"
                                                        : "time";
        ck_assert_msg(strcmp(got, want) == 0, "\"%s\": %s, expected %s", in, got, want);
        json_t *epoch = json_object_get(c, "epoch");
        if (epoch)
            ck_assert_msg(rules_timestamp_epoch(&t) == json_integer_value(epoch), "\"%s\": epoch %lld, expected %lld",
                          in, (long long)rules_timestamp_epoch(&t), (long long)json_integer_value(epoch));
    }
    json_decref(doc);
}
END_TEST

Suite *date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, iso);
    tcase_add_test(tc, italian_forms);
    tcase_add_test(tc, impossible);
    tcase_add_test(tc, helpers);
    tcase_add_test(tc, frequency_and_expected);
    tcase_add_test(tc, timestamps);
    suite_add_tcase(s, tc);
    return s;
}
