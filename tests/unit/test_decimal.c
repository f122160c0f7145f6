/* test_decimal.c — exact decimals: JSON numbers, Italian numbers, formatting, ITP arithmetic. */
#include <string.h>

#include "suites.h"

START_TEST(plain_is_exact)
{
    rules_decimal d;
    rules_error e;
    /* no digit is rounded away: binary noise is more decimals, not the number it came from */
    ck_assert_int_eq(rules_decimal_parse_plain("0.10000000000000001", 2, &d, &e), -1);
    ck_assert_str_eq(e.message, "0.10000000000000001 has more than 2 decimals");
    ck_assert_int_eq(rules_decimal_parse_plain("72.189999999999998", 4, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("86.5", 2, &d, &e), 0);
    ck_assert_int_eq(d.units, 865000);
    ck_assert_int_eq(rules_decimal_parse_plain("123456.78", 2, &d, &e), 0);
    ck_assert_int_eq(d.units, 1234567800);
    ck_assert_int_eq(rules_decimal_parse_plain("89999999999999.9999", 4, &d, &e), 0);
    ck_assert_int_eq(d.units, INT64_C(899999999999999999));
    ck_assert_int_eq(rules_decimal_parse_plain("1.50000000000000000000000000", 2, &d, &e), 0);
    ck_assert_int_eq(d.units, 15000);
    ck_assert_int_eq(rules_decimal_parse_plain("1.00000000000000000000000001", 4, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("100000000000000000000.5", 4, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("1e3", 0, &d, &e), 0);
    ck_assert_int_eq(d.units, 10000000);
    ck_assert_int_eq(rules_decimal_parse_plain("-12.5", 1, &d, &e), 0);
    ck_assert_int_eq(d.units, -125000);
    ck_assert_int_eq(rules_decimal_parse_plain("600000.05", 2, &d, &e), 0);
    ck_assert_int_eq(d.units, 6000000500);
    ck_assert_int_eq(rules_decimal_parse_plain("0", 2, &d, &e), 0);
    ck_assert_int_eq(d.units, 0);
    ck_assert_int_eq(rules_decimal_parse_plain("1.5e-3", 4, &d, &e), 0);
    ck_assert_int_eq(d.units, 15);
}
END_TEST

START_TEST(plain_rejects)
{
    rules_decimal d;
    rules_error e;
    ck_assert_int_eq(rules_decimal_parse_plain("1.0049999999999999", 2, &d, &e), -1);
    ck_assert_str_eq(e.message, "1.0049999999999999 has more than 2 decimals");
    ck_assert_int_eq(rules_decimal_parse_plain("1.005", 2, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("1e14", 2, &d, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "out of range"));
    ck_assert_int_eq(rules_decimal_parse_plain("9e13", 2, &d, &e), 0);
    ck_assert_int_eq(rules_decimal_parse_plain("", 2, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("abc", 2, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("1.2.3", 2, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("nan", 2, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain("1e", 2, &d, &e), -1);
    ck_assert_int_eq(rules_decimal_parse_plain(".", 2, &d, &e), -1);
}
END_TEST

START_TEST(format)
{
    char b[32];
    ck_assert_str_eq(rules_decimal_format(D("1000000"), 2, ',', b), "1000000,00");
    ck_assert_str_eq(rules_decimal_format(D("72.19"), 2, '.', b), "72.19");
    ck_assert_str_eq(rules_decimal_format(D("0.005"), 2, '.', b), "0.01");
    ck_assert_str_eq(rules_decimal_format(D("-0.005"), 2, '.', b), "-0.01");
    ck_assert_str_eq(rules_decimal_format(D("-12.5"), 0, '.', b), "-13");
    ck_assert_str_eq(rules_decimal_format_short(D("86.5"), b), "86.5");
    ck_assert_str_eq(rules_decimal_format_short(D("100"), b), "100");
    ck_assert_str_eq(rules_decimal_format_short(D("0.0001"), b), "0.0001");
}
END_TEST

START_TEST(arithmetic)
{
    rules_decimal r;
    rules_error e;
    ck_assert_int_eq(rules_decimal_mul(D("0.1"), D("3"), &r, &e), 0);
    ck_assert_int_eq(r.units, 3000);
    ck_assert_int_eq(rules_decimal_div(D("10"), D("3"), &r, &e), 0);
    ck_assert_int_eq(r.units, 33333);
    ck_assert_int_eq(rules_decimal_div(D("1"), D("0"), &r, &e), -1);
    ck_assert_int_eq(rules_decimal_mul(D("90000000000000"), D("2"), &r, &e), -1);
    ck_assert_int_eq(rules_decimal_round(D("2.345"), 2).units, 23500);
    ck_assert_int_eq(rules_decimal_cmp(D("0.3"), IT("0,3")), 0);
}
END_TEST

START_TEST(italian_numbers)
{
    rules_decimal d;
    rules_number_unit u;
    rules_error e;
    ck_assert_int_eq(rules_number_parse_it("1.000.000,00", &d, &u, &e), 0);
    ck_assert_int_eq(d.units, 10000000000LL);
    ck_assert_int_eq(u, RULES_UNIT_NONE);
    ck_assert_int_eq(rules_number_parse_it("€ 600.000,00", &d, &u, &e), 0);
    ck_assert_int_eq(d.units, 6000000000LL);
    ck_assert_int_eq(u, RULES_UNIT_EURO);
    ck_assert_int_eq(rules_number_parse_it("€1.000.000,00", &d, &u, &e), 0); /* seed 000 row 1 */
    ck_assert_int_eq(d.units, 10000000000LL);
    ck_assert_int_eq(rules_number_parse_it("5 %", &d, &u, &e), 0);
    ck_assert_int_eq(d.units, 50000);
    ck_assert_int_eq(u, RULES_UNIT_PERCENT);
    ck_assert_int_eq(rules_number_parse_it("72,19%", &d, &u, &e), 0); /* seed 003 */
    ck_assert_int_eq(d.units, 721900);
    ck_assert_int_eq(u, RULES_UNIT_PERCENT);
    ck_assert_int_eq(rules_number_parse_it("0,5", &d, &u, &e), 0);
    ck_assert_int_eq(d.units, 5000);
    ck_assert_int_eq(rules_number_parse_it("-3", &d, &u, &e), 0);
    ck_assert_int_eq(d.units, -30000);
    ck_assert_int_eq(rules_number_parse_it("1000000", &d, &u, &e), 0);
    ck_assert_int_eq(d.units, 10000000000LL);
    ck_assert_int_eq(rules_number_parse_it("50.000 euro", &d, &u, &e), 0);
    ck_assert_int_eq(u, RULES_UNIT_EURO);
    ck_assert_int_eq(rules_number_parse_it("\xC2\xA0"
                                           "400.000\xC2\xA0",
                                           &d, &u, &e),
                     0);
    ck_assert_int_eq(d.units, 4000000000LL);
}
END_TEST

START_TEST(italian_numbers_rejected)
{
    rules_decimal d;
    rules_error e;
    ck_assert_int_eq(rules_number_parse_it("72.19", &d, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "not an Italian number"));
    ck_assert_ptr_nonnull(strstr(e.hint, "72,19"));
    ck_assert_int_eq(rules_number_parse_it("1.00.000", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("1,2,3", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("0,12345", &d, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "more than 4 decimals"));
    ck_assert_int_eq(rules_number_parse_it("5 % %", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("€ 5 %", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("abc", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("5,", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("1 000", &d, NULL, &e), -1);
    ck_assert_int_eq(rules_number_parse_it("999.999.999.999.999", &d, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.message, "out of range"));
}
END_TEST

START_TEST(itp)
{
    /* 1000 € paid 10 days late, 3000 € paid 5 days early: (10000 - 15000) / 4000 = -1.25 */
    rules_invoice inv[2] = {{{2024, 3, 1}, {2024, 3, 11}, IT("1.000,00")},
                            {{2024, 2, 28}, {2024, 2, 23}, IT("3.000,00")}};
    rules_decimal x;
    int met = -1;
    rules_error e;
    ck_assert_int_eq(rules_itp(inv, 2, &x, &met, &e), 0);
    ck_assert_str_eq(dfmt(x), "-1.25");
    ck_assert_int_eq(met, 1);
    /* across 29 February 2024 (leap year): due 28.02, paid 01.03 = 2 days */
    rules_invoice late[1] = {{{2024, 2, 28}, {2024, 3, 1}, IT("0,01")}};
    ck_assert_int_eq(rules_itp(late, 1, &x, &met, &e), 0);
    ck_assert_str_eq(dfmt(x), "2");
    ck_assert_int_eq(met, 0);
    /* on the due date: 0, met at <= 0 */
    rules_invoice zero[1] = {{{2024, 12, 31}, {2024, 12, 31}, IT("10")}};
    ck_assert_int_eq(rules_itp(zero, 1, &x, &met, &e), 0);
    ck_assert_int_eq(x.units, 0);
    ck_assert_int_eq(met, 1);
    /* a third of a day rounds to 2 decimals */
    rules_invoice third[2] = {{{2024, 1, 1}, {2024, 1, 2}, IT("1")}, {{2024, 1, 1}, {2024, 1, 1}, IT("2")}};
    ck_assert_int_eq(rules_itp(third, 2, &x, NULL, &e), 0);
    ck_assert_str_eq(dfmt(x), "0.33");
    rules_invoice bad[1] = {{{2024, 2, 30}, {2024, 3, 1}, IT("5")}};
    ck_assert_int_eq(rules_itp(bad, 1, &x, NULL, &e), -1);
    ck_assert_str_eq(e.field, "invoices[0].due");
    rules_invoice neg[1] = {{{2024, 2, 1}, {2024, 3, 1}, IT("0")}};
    ck_assert_int_eq(rules_itp(neg, 1, &x, NULL, &e), -1);
    ck_assert_str_eq(e.field, "invoices[0].amount");
    ck_assert_int_eq(rules_itp(NULL, 0, &x, NULL, &e), -1);
}
END_TEST

Suite *decimal_suite(void)
{
    Suite *s = suite_create("decimal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, plain_is_exact);
    tcase_add_test(tc, plain_rejects);
    tcase_add_test(tc, format);
    tcase_add_test(tc, arithmetic);
    tcase_add_test(tc, italian_numbers);
    tcase_add_test(tc, italian_numbers_rejected);
    tcase_add_test(tc, itp);
    suite_add_tcase(s, tc);
    return s;
}
