/* test_bands.c — band rules from seed 000's "Target e regole di calcolo": every
 * boundary just below, at and just above; explanations; gaps and overlaps. */
#include <stdio.h>
#include <string.h>

#include "suites.h"

static rules_rule R;

/* Scores an Italian number with R; returns the score as text, or "ERR". */
static const char *score(const char *it, char *expl, size_t n)
{
    rules_value v = rules_value_number(IT(it));
    rules_decimal s;
    rules_error e;
    if (rules_evaluate(&R, &v, &s, expl, n, &e) < 0)
        return "ERR";
    return dfmt(s);
}

#define SC(it, want) ck_assert_str_eq(score(it, NULL, 0), want)

/* Row 1: "Se il valore è >= 1.000.000 € ... 100; 900.000 <= valore < 1.000.000 Punteggio 90;
 * 800.000 <= valore < 900.000 Punteggio 80; 650.000 <= valore < 800.000 Punteggio 50;
 * Valore < 650.000 Punteggio 0" */
static void row1(void)
{
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B("1.000.000", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("900.000", 0, "1.000.000", 0, "90"));
    rules_bands_add(&R.bands, B("800.000", 0, "900.000", 0, "80"));
    rules_bands_add(&R.bands, B("650.000", 0, "800.000", 0, "50"));
    rules_bands_add(&R.bands, B(NULL, 0, "650.000", 0, "0"));
}

START_TEST(seed000_row1_money)
{
    char ex[RULES_EXPLANATION_MAX];
    row1();
    SC("€ 999.999,99", "90");
    SC("€ 1.000.000,00", "100");
    SC("€ 1.000.000,01", "100");
    SC("899.999,99", "80");
    SC("900.000", "90");
    SC("900.000,01", "90");
    SC("799.999,99", "50");
    SC("800.000", "80");
    SC("800.000,01", "80");
    SC("649.999,99", "0");
    SC("650.000", "50");
    SC("650.000,01", "50");
    SC("0", "0");
    SC("-5", "0");
    ck_assert_str_eq(score("950.000,5", ex, sizeof ex), "90");
    ck_assert_str_eq(ex, "950000.5 is in [900000, 1000000) → 90");
    ck_assert_str_eq(score("1.000.000", ex, sizeof ex), "100");
    ck_assert_str_eq(ex, "1000000 is in [1000000, +∞) → 100");
    ck_assert_str_eq(score("12", ex, sizeof ex), "0");
    ck_assert_str_eq(ex, "12 is in (-∞, 650000) → 0");
    size_t n;
    rules_finding f[16];
    ck_assert_int_eq(rules_check(&R, NULL, f, 16, &n), 0);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* Row 42 (RA1, lower is better): "<=15 → 100; 15 <n°<=18 → 80; 18<n°<=21 → 60;
 * 21<n°<=24 → 30; n°>24 → 0" (mean days: not whole numbers) */
START_TEST(seed000_row42_days_lower_is_better)
{
    char ex[RULES_EXPLANATION_MAX];
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B(NULL, 0, "15", 1, "100"));
    rules_bands_add(&R.bands, B("15", 1, "18", 1, "80"));
    rules_bands_add(&R.bands, B("18", 1, "21", 1, "60"));
    rules_bands_add(&R.bands, B("21", 1, "24", 1, "30"));
    rules_bands_add(&R.bands, B("24", 1, NULL, 0, "0"));
    SC("14,99", "100");
    SC("15", "100");
    SC("15,01", "80");
    SC("17,99", "80");
    SC("18", "80");
    SC("18,01", "60");
    SC("21", "60");
    SC("21,01", "30");
    SC("24", "30");
    SC("24,01", "0");
    SC("300", "0");
    ck_assert_str_eq(score("16,5", ex, sizeof ex), "80");
    ck_assert_str_eq(ex, "16.5 is in (15, 18] → 80");
    size_t n;
    rules_finding f[16];
    ck_assert_int_eq(rules_check(&R, NULL, f, 16, &n), 0);
    ck_assert_uint_eq(n, 0); /* lower is better: inferred, and monotonic */
}
END_TEST

/* Row 67 (UB1): "... 450.000 <= valore < 500.000 Punteggio 50; 400.000 <= valore < 450.000
 * Punteggio 30; Valore < 400.000 Punteggio 30" */
START_TEST(seed000_row67_same_score_warning)
{
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B("600.000", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("550.000", 0, "600.000", 0, "90"));
    rules_bands_add(&R.bands, B("500.000", 0, "550.000", 0, "80"));
    rules_bands_add(&R.bands, B("450.000", 0, "500.000", 0, "50"));
    rules_bands_add(&R.bands, B("400.000", 0, "450.000", 0, "30"));
    rules_bands_add(&R.bands, B(NULL, 0, "400.000", 0, "30"));
    SC("399.999,99", "30");
    SC("400.000", "30");
    SC("449.999,99", "30");
    SC("450.000", "50");
    SC("599.999,99", "90");
    SC("600.000", "100");
    size_t n;
    rules_finding f[16];
    ck_assert_int_eq(rules_check(&R, NULL, f, 16, &n), 0); /* a warning, not an error */
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(f[0].code, "band_same_score");
    ck_assert_int_eq(f[0].severity, RULES_SEVERITY_WARNING);
    ck_assert_str_eq(f[0].path, "rule.bands[4]");
    ck_assert_str_eq(f[0].message,
                     "bands[5] (-∞, 400000) and bands[4] [400000, 450000) both score "
                     "30: merge them or fix one score");
}
END_TEST

/* Row 8 (QA1 – SA0, a count): ">=3 → 100; 2<=n°<3 → 80; 1<=n°<2 → 40; <1 → 0" */
START_TEST(seed000_row8_integer)
{
    char ex[RULES_EXPLANATION_MAX];
    rules_error e;
    rules_rule_init(&R, RULES_KIND_BANDS);
    R.bands.integer = 1;
    rules_bands_add(&R.bands, B("3", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("2", 0, "3", 0, "80"));
    rules_bands_add(&R.bands, B("1", 0, "2", 0, "40"));
    rules_bands_add(&R.bands, B(NULL, 0, "1", 0, "0"));
    SC("0", "0");
    SC("1", "40");
    SC("2", "80");
    SC("3", "100");
    SC("4", "100");
    ck_assert_str_eq(score("2", ex, sizeof ex), "80");
    ck_assert_str_eq(ex, "2 is in [2, 3) → 80");
    rules_value v = rules_value_number(IT("2,5"));
    rules_decimal s;
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, NULL, 0, &e), -1);
    ck_assert_str_eq(e.message, "2.5 is not a whole number");
    ck_assert_str_eq(e.field, "value");
}
END_TEST

/* Row 39 (TAO, robots): ">=5 → 100; 4<=n°<5 → 80; 3<=n°<4 → 60; 2<=n°< 3 → 40; <2 → 0" */
START_TEST(seed000_row39_robots)
{
    rules_rule_init(&R, RULES_KIND_BANDS);
    R.bands.integer = 1;
    rules_bands_add(&R.bands, B("5", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("4", 0, "5", 0, "80"));
    rules_bands_add(&R.bands, B("3", 0, "4", 0, "60"));
    rules_bands_add(&R.bands, B("2", 0, "3", 0, "40"));
    rules_bands_add(&R.bands, B(NULL, 0, "2", 0, "0"));
    const char *want[] = {"0", "0", "40", "60", "80", "100", "100"};
    for (int i = 0; i <= 6; i++) {
        char in[16];
        snprintf(in, sizeof in, "%d", i);
        SC(in, want[i]);
    }
}
END_TEST

/* Row 59 (RA6): ">=5 → 100; n° è 4 → 80; n° è 3 → 50; n° <=3 → 0": 3 is in two bands that
 * disagree, so evaluating 3 is an error naming both. */
START_TEST(seed000_row59_overlap_is_an_error)
{
    rules_error e;
    rules_decimal s;
    rules_rule_init(&R, RULES_KIND_BANDS);
    R.bands.integer = 1;
    rules_bands_add(&R.bands, B("5", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("4", 0, "4", 1, "80"));
    rules_bands_add(&R.bands, B("3", 0, "3", 1, "50"));
    rules_bands_add(&R.bands, B(NULL, 0, "3", 1, "0"));
    SC("4", "80");
    SC("2", "0");
    rules_value v = rules_value_number(IT("3"));
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, NULL, 0, &e), -1);
    ck_assert_str_eq(e.message,
                     "3 is in overlapping bands with different scores: bands[2] [3, 3] "
                     "→ 50 and bands[3] (-∞, 3] → 0");
    size_t n;
    rules_finding f[16];
    ck_assert_int_eq(rules_check(&R, NULL, f, 16, &n), 1);
    ck_assert(has_finding(f, n, "band_overlap", "rule.bands[3]"));
}
END_TEST

/* Overlapping bands that agree: that is the score. */
START_TEST(overlap_agreeing)
{
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B("10", 0, "20", 0, "50"));
    rules_bands_add(&R.bands, B("15", 0, "30", 0, "50"));
    rules_bands_add(&R.bands, B("30", 0, NULL, 0, "100"));
    SC("17", "50");
}
END_TEST

/* The API's own example has a gap [75, 85): a value there is an error, not a zero. */
START_TEST(api_example_and_gap)
{
    char ex[RULES_EXPLANATION_MAX];
    rules_error e;
    rules_decimal s;
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B("90", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("85", 0, "90", 0, "80"));
    rules_bands_add(&R.bands, B(NULL, 0, "75", 0, "0"));
    ck_assert_str_eq(score("86,5", ex, sizeof ex), "80");
    ck_assert_str_eq(ex, "86.5 is in [85, 90) → 80");
    rules_value v = rules_value_number(IT("80"));
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, ex, sizeof ex, &e), -1);
    ck_assert_str_eq(e.message,
                     "80 matches no band: it lies in the gap between bands[2] (-∞, 75) "
                     "and bands[1] [85, 90)");
    ck_assert_str_eq(ex, "");
    SC("74,99", "0");
    SC("75", "ERR");
    SC("84,99", "ERR");
    SC("85", "80");
}
END_TEST

/* Seed 000 row 5: "=100 → 100" written as a point: above 100 matches nothing. */
START_TEST(point_band_and_open_end)
{
    rules_error e;
    rules_decimal s;
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B("100", 0, "100", 1, "100"));
    rules_bands_add(&R.bands, B("90", 0, "100", 0, "80"));
    rules_bands_add(&R.bands, B("80", 0, "90", 0, "60"));
    rules_bands_add(&R.bands, B("70", 0, "80", 0, "30"));
    rules_bands_add(&R.bands, B(NULL, 0, "70", 0, "0"));
    SC("100", "100");
    SC("99,99", "80");
    SC("69,99", "0");
    rules_value v = rules_value_number(IT("100,01"));
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, NULL, 0, &e), -1);
    ck_assert_str_eq(e.message, "100.01 matches no band: it is above bands[0] [100, 100]");
    size_t n;
    rules_finding f[16];
    ck_assert_int_eq(rules_check(&R, NULL, f, 16, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(f[0].code, "band_open_end");
    ck_assert_str_eq(f[0].message, "values above 100 match no band (the highest is bands[0])");
}
END_TEST

START_TEST(proportional)
{
    char ex[RULES_EXPLANATION_MAX];
    rules_rule_init(&R, RULES_KIND_BANDS);
    rules_bands_add(&R.bands, B("90", 0, NULL, 0, "100"));
    rules_band p = B("80", 0, "90", 0, "60");
    p.proportional = 1;
    rules_bands_add(&R.bands, p);
    rules_bands_add(&R.bands, B(NULL, 0, "80", 0, "0"));
    SC("80", "60");
    SC("85", "80");
    SC("89,99", "99.96");
    SC("90", "100");
    ck_assert_str_eq(score("87,5", ex, sizeof ex), "90");
    ck_assert_str_eq(ex, "87.5 is in [80, 90), proportional from 60 to 100 → 90");
    /* 1/3 of the way: 60 + 40/3 = 73.33 */
    SC("83,3333", "73.33");
}
END_TEST

START_TEST(explanation_truncates_safely)
{
    char ex[12];
    row1();
    ck_assert_str_eq(score("950.000,5", ex, sizeof ex), "90");
    ck_assert_str_eq(ex, "950000.5 is");
    char tiny[1];
    ck_assert_str_eq(score("950.000,5", tiny, sizeof tiny), "90");
    ck_assert_str_eq(tiny, "");
    /* a cut never splits "→" */
    char cut[34];
    ck_assert_str_eq(score("950.000,5", cut, sizeof cut), "90");
    ck_assert_str_eq(cut, "950000.5 is in [900000, 1000000) ");
}
END_TEST

START_TEST(wrong_value_kind)
{
    rules_error e;
    rules_decimal s;
    row1();
    rules_value v = rules_value_bool(1);
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, NULL, 0, &e), -1);
    ck_assert_str_eq(e.message, "this rule needs a number");
    rules_rule_init(&R, RULES_KIND_BANDS);
    v = rules_value_number(IT("1"));
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, NULL, 0, &e), -1);
    ck_assert_str_eq(e.message, "the rule has no bands");
}
END_TEST

Suite *bands_suite(void)
{
    Suite *s = suite_create("bands");
    TCase *tc = tcase_create("seed000");
    tcase_add_test(tc, seed000_row1_money);
    tcase_add_test(tc, seed000_row42_days_lower_is_better);
    tcase_add_test(tc, seed000_row67_same_score_warning);
    tcase_add_test(tc, seed000_row8_integer);
    tcase_add_test(tc, seed000_row39_robots);
    tcase_add_test(tc, seed000_row59_overlap_is_an_error);
    tcase_add_test(tc, overlap_agreeing);
    tcase_add_test(tc, api_example_and_gap);
    tcase_add_test(tc, point_band_and_open_end);
    tcase_add_test(tc, proportional);
    tcase_add_test(tc, explanation_truncates_safely);
    tcase_add_test(tc, wrong_value_kind);
    suite_add_tcase(s, tc);
    return s;
}
