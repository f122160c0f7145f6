/* test_json_number.c — exact decimals through jansson (codec/json_number.h, rule_json_decimal,
 * rule_json_dumps): what goes in comes out digit for digit. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/json_number.h"
#include "codec/rule_json.h"
#include "suites.h"

START_TEST(digits)
{
    char d[32];
    long e;
    int neg;
    ck_assert_int_eq(json_number_digits("-12.50", 6, d, sizeof d, &e, &neg), 3);
    ck_assert_str_eq(d, "125");
    ck_assert_int_eq(e, -1);
    ck_assert_int_eq(neg, 1);
    ck_assert_int_eq(json_number_digits("0.000120e3", 10, d, sizeof d, &e, &neg), 2);
    ck_assert_str_eq(d, "12");
    ck_assert_int_eq(e, -2);
    ck_assert_int_eq(json_number_digits("1200", 4, d, sizeof d, &e, &neg), 2);
    ck_assert_int_eq(e, 2);
    ck_assert_int_eq(json_number_digits("10.01", 5, d, sizeof d, &e, &neg), 4);
    ck_assert_str_eq(d, "1001");
    ck_assert_int_eq(json_number_digits("0.0", 3, d, sizeof d, &e, &neg), 0);
    ck_assert_str_eq(d, "");
    ck_assert_int_eq(json_number_digits("1.2.3", 5, d, sizeof d, &e, &neg), -1);
    ck_assert_int_eq(json_number_digits("1e", 2, d, sizeof d, &e, &neg), -1);
    ck_assert_int_eq(json_number_digits("-", 1, d, sizeof d, &e, &neg), -1);
    /* cut to the buffer, counted in full */
    ck_assert_int_eq(json_number_digits("0.10000000000000001", 19, d, 4, &e, &neg), 17);
    ck_assert_str_eq(d, "100");
}
END_TEST

static enum json_number_fault check(const char *text, char *path, char *lexeme)
{
    return json_number_check(text, strlen(text), path, 64, lexeme, 48);
}

START_TEST(check_names_path_and_text)
{
    char path[64], lexeme[48];
    ck_assert_int_eq(check("{\"fund\":123456.78,\"w\":[33.33,33.33,33.34],\"big\":90000000000000}", path, lexeme),
                     JSON_NUMBERS_EXACT);
    ck_assert_int_eq(check("{\"a\":{\"b\":[1,2,{\"c\":0.10000000000000001}]}}", path, lexeme), JSON_NUMBER_TOO_PRECISE);
    ck_assert_str_eq(path, "a.b[2].c");
    ck_assert_str_eq(lexeme, "0.10000000000000001");
    /* keys that look like numbers, strings holding numbers, and escapes do not confuse it */
    ck_assert_int_eq(check("{\"1.00000000000000001\":\"2.00000000000000001\",\"k\\\"\":[0.5,1e-400]}", path, lexeme),
                     JSON_NUMBER_OUT_OF_RANGE);
    ck_assert_str_eq(path, "k\\\"[1]");
    ck_assert_str_eq(lexeme, "1e-400");
    ck_assert_int_eq(check("[123456789012345.6]", path, lexeme), JSON_NUMBER_TOO_PRECISE);
    ck_assert_str_eq(path, "[0]");
    ck_assert_int_eq(check("12345678901234.5", path, lexeme), JSON_NUMBERS_EXACT);
    ck_assert_int_eq(check("1.5000000000000000000000", path, lexeme), JSON_NUMBERS_EXACT);
    /* integers are exact in jansson whatever their length; malformed text is the decoder's */
    ck_assert_int_eq(check("[12345678901234567890]", path, lexeme), JSON_NUMBERS_EXACT);
    ck_assert_int_eq(check("{\"a\":1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7]", path, lexeme), JSON_NUMBERS_EXACT);
    /* a long number is quoted cut */
    char longer[200] = "[0.";
    memset(longer + 3, '1', 100);
    strcpy(longer + 103, "]");
    ck_assert_int_eq(check(longer, path, lexeme), JSON_NUMBER_TOO_PRECISE);
    ck_assert_uint_eq(strlen(lexeme), 47);
    ck_assert_str_eq(lexeme + 44, "…");
}
END_TEST

/* A decimal of at most 15 significant digits, through jansson and back, both ways. */
static void round_trip(const char *text)
{
    json_error_t je;
    char body[64], *dumped;
    snprintf(body, sizeof body, "[%s]", text);
    char path[64], lexeme[48];
    ck_assert_int_eq(check(body, path, lexeme), JSON_NUMBERS_EXACT);
    json_t *j = json_loads(body, 0, &je);
    ck_assert_ptr_nonnull(j);
    rules_decimal d;
    rules_error e;
    ck_assert_msg(rule_json_number(json_array_get(j, 0), 4, "x", &d, &e) == 0, "%s: %s", text, e.message);
    ck_assert_str_eq(rules_decimal_format_short(d, (char[32]){0}), text);
    json_t *out = json_pack("[o]", rule_json_decimal(d));
    dumped = rule_json_dumps(out, JSON_COMPACT);
    ck_assert_str_eq(dumped, body);
    free(dumped);
    dumped = rule_json_dumps(j, JSON_COMPACT); /* a client's number stored as it came */
    ck_assert_str_eq(dumped, body);
    free(dumped);
    json_decref(out);
    json_decref(j);
}

START_TEST(exact_both_ways)
{
    static const char *const cases[] = {
        "123456.78", "4253.01", "925.93",           "1301.82",          "0.1", "0.3",     "33.33", "1.2",
        "-0.07",     "0.0001",  "99999999999.9999", "9999999999999.99", "1.1", "2142.86", "72.19"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        round_trip(cases[i]);
    /* every cent up to a million and a scattering of larger amounts and 4-decimal figures */
    char text[32];
    for (int64_t c = 1; c < 100000000; c += 9973) {
        snprintf(text, sizeof text, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
        if (c % 100 && c % 10)
            round_trip(text);
    }
    srand(23);
    for (int i = 0; i < 20000; i++) {
        int64_t units = ((int64_t)rand() << 31 | rand()) % INT64_C(999999999999999);
        rules_decimal d = {units};
        if (units % 10)
            round_trip(rules_decimal_format_short(d, text));
    }
}
END_TEST

START_TEST(refusals_quote_the_client)
{
    json_t *j = json_loads("[33.333, 1e-05, 12.5]", 0, NULL);
    rules_decimal d;
    rules_error e;
    ck_assert_int_eq(rule_json_number(json_array_get(j, 0), 2, "weight", &d, &e), -1);
    ck_assert_str_eq(e.message, "33.333 has more than 2 decimals");
    ck_assert_str_eq(e.field, "weight");
    ck_assert_int_eq(rule_json_number(json_array_get(j, 1), 4, "v", &d, &e), -1);
    ck_assert_int_eq(rule_json_number(json_array_get(j, 2), 1, "v", &d, &e), 0);
    ck_assert_int_eq(d.units, 125000);
    json_decref(j);
}
END_TEST

Suite *json_number_suite(void)
{
    Suite *s = suite_create("json_number");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, digits);
    tcase_add_test(tc, check_names_path_and_text);
    tcase_add_test(tc, exact_both_ways);
    tcase_add_test(tc, refusals_quote_the_client);
    suite_add_tcase(s, tc);
    return s;
}
