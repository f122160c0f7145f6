/* test_check.c — rule checks: overlaps, gaps (integer-aware), monotony, same
 * scores, unreachable bands, no full score, scores out of range. */
#include <string.h>

#include "suites.h"

static rules_rule R;
static rules_finding F[32];
static size_t N;

static int run(void) { return rules_check(&R, NULL, F, 32, &N); }

static void bands(void) { rules_rule_init(&R, RULES_KIND_BANDS); }

START_TEST(gap_continuous)
{
    bands();
    rules_bands_add(&R.bands, B("20", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B("10", 0, "15", 0, "50"));
    rules_bands_add(&R.bands, B(NULL, 0, "10", 0, "0"));
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "band_gap", "rule.bands"));
    ck_assert_str_eq(F[0].message, "values in [15, 20) match no band: a gap between bands[1] and bands[0]");
}
END_TEST

START_TEST(gap_single_point)
{
    /* (-∞, 10) and (10, +∞): 10 itself matches nothing */
    bands();
    rules_bands_add(&R.bands, B(NULL, 0, "10", 0, "0"));
    rules_bands_add(&R.bands, B("10", 1, NULL, 0, "100"));
    ck_assert_int_eq(run(), 1);
    ck_assert_str_eq(F[0].message, "values in [10, 10] match no band: a gap between bands[0] and bands[1]");
}
END_TEST

START_TEST(gap_integer_only_between_whole_numbers)
{
    /* n <= 2 and n >= 3: no gap for a count; for a measure only fractions fall in it, as in
     * the seeds' "1-10 giorni → 80, 11-30 → 50": a warning that says so */
    bands();
    rules_bands_add(&R.bands, B(NULL, 0, "2", 1, "0"));
    rules_bands_add(&R.bands, B("3", 0, NULL, 0, "100"));
    ck_assert_int_eq(run(), 0);
    ck_assert(has_finding(F, N, "band_gap_fractional", NULL));
    ck_assert_int_eq(F[0].severity, RULES_SEVERITY_WARNING);
    ck_assert_str_eq(F[0].message,
                     "values in (2, 3) match no band: a gap between bands[0] and bands[1]; whole "
                     "numbers are all covered: mark the rule integer if the value is a count");
    R.bands.integer = 1;
    ck_assert_int_eq(run(), 0);
    ck_assert_uint_eq(N, 0);
    /* n <= 2 and n >= 4: 3 is missing */
    R.bands.band[1] = B("4", 0, NULL, 0, "100");
    ck_assert_int_eq(run(), 1);
    ck_assert_str_eq(F[0].message, "values in [3, 3] match no band: a gap between bands[0] and bands[1]");
}
END_TEST

START_TEST(overlap_different_scores)
{
    bands();
    rules_bands_add(&R.bands, B("10", 0, "20", 0, "80"));
    rules_bands_add(&R.bands, B("15", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B(NULL, 0, "10", 0, "0"));
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "band_overlap", "rule.bands[1]"));
    ck_assert_str_eq(F[0].message, "bands[0] [10, 20) → 80 and bands[1] [15, +∞) → 100 overlap with different scores");
}
END_TEST

START_TEST(overlap_same_score_is_fine)
{
    bands();
    rules_bands_add(&R.bands, B("10", 0, "20", 0, "100"));
    rules_bands_add(&R.bands, B("15", 0, NULL, 0, "100"));
    rules_bands_add(&R.bands, B(NULL, 0, "10", 0, "0"));
    ck_assert_int_eq(run(), 0);
    ck_assert(!has_finding(F, N, "band_overlap", NULL));
}
END_TEST

START_TEST(not_monotonic)
{
    /* higher is better, but [20, 30) scores more than [30, 40) */
    bands();
    rules_bands_add(&R.bands, B(NULL, 0, "20", 0, "0"));
    rules_bands_add(&R.bands, B("20", 0, "30", 0, "80"));
    rules_bands_add(&R.bands, B("30", 0, "40", 0, "60"));
    rules_bands_add(&R.bands, B("40", 0, NULL, 0, "100"));
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "band_not_monotonic", "rule.bands[2]"));
    ck_assert_str_eq(
        F[0].message,
        "worse values [20, 30) score 80, more than better values [30, 40) which score 60 (bands[1], bands[2], higher is better)");
    /* declared lower is better: now the whole rule is upside down */
    R.bands.direction = RULES_DIRECTION_LOWER;
    ck_assert_int_ge(run(), 2);
}
END_TEST

START_TEST(unreachable_and_out_of_range)
{
    bands();
    rules_bands_add(&R.bands, B("50", 0, "40", 0, "80"));  /* min > max */
    rules_bands_add(&R.bands, B("5", 0, "5", 0, "10"));    /* [5, 5) is empty */
    rules_bands_add(&R.bands, B("60", 0, NULL, 0, "120")); /* score > 100 */
    rules_bands_add(&R.bands, B(NULL, 0, "60", 0, "0"));
    run();
    ck_assert(has_finding(F, N, "band_unreachable", "rule.bands[0]"));
    ck_assert(has_finding(F, N, "band_unreachable", "rule.bands[1]"));
    ck_assert(has_finding(F, N, "score_out_of_range", "rule.bands[2]"));
    /* integer: (3, 4) has no whole number */
    bands();
    R.bands.integer = 1;
    rules_bands_add(&R.bands, B("3", 1, "4", 0, "50"));
    rules_bands_add(&R.bands, B(NULL, 0, NULL, 0, "100"));
    run();
    ck_assert(has_finding(F, N, "band_unreachable", "rule.bands[0]"));
}
END_TEST

START_TEST(no_full_score_and_empty)
{
    bands();
    rules_bands_add(&R.bands, B("50", 0, NULL, 0, "90"));
    rules_bands_add(&R.bands, B(NULL, 0, "50", 0, "0"));
    ck_assert_int_eq(run(), 0);
    ck_assert(has_finding(F, N, "band_no_full_score", "rule.bands"));
    bands();
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "bands_empty", NULL));
}
END_TEST

START_TEST(proportional_needs_next)
{
    bands();
    rules_band p = B("80", 0, "90", 0, "60");
    p.proportional = 1;
    rules_bands_add(&R.bands, p);
    rules_bands_add(&R.bands, B(NULL, 0, "80", 0, "0"));
    run();
    ck_assert(has_finding(F, N, "band_proportional_end", "rule.bands[0]"));
}
END_TEST

START_TEST(other_kinds)
{
    rules_rule parts[2];
    rules_rule_init(&R, RULES_KIND_LINEAR);
    R.linear.target = IT("5");
    R.linear.baseline = IT("5");
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "linear_flat", "rule.target"));

    rules_rule_init(&R, RULES_KIND_FORMULA);
    strcpy(R.formula.expr, "(a - b");
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "formula_invalid", "rule.expr"));

    rules_rule_init(&R, RULES_KIND_ALL_TARGETS);
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "parts_empty", NULL));
    rules_rule_init(&parts[0], RULES_KIND_BOOLEAN);
    rules_rule_init(&parts[1], RULES_KIND_BANDS);
    R.all_targets.count = 2;
    R.all_targets.part[0] = &parts[0];
    R.all_targets.part[1] = &parts[1];
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "bands_empty", "rule.parts[1].bands"));

    rules_rule_init(&R, RULES_KIND_DEADLINE);
    R.deadline.due = (rules_date){2024, 6, 31};
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "rule_invalid", "rule.due"));

    /* a rule that contains itself is cut at the nesting limit, not looped */
    rules_rule_init(&R, RULES_KIND_FORMULA);
    strcpy(R.formula.expr, "a");
    R.formula.then = &R;
    ck_assert_int_eq(run(), 1);
    ck_assert(has_finding(F, N, "rule_invalid", NULL));
    rules_value v;
    memset(&v, 0, sizeof v);
    v.kind = RULES_VALUE_INPUTS;
    v.n_inputs = 1;
    strcpy(v.inputs[0].name, "a");
    rules_decimal s;
    rules_error e;
    ck_assert_int_eq(rules_evaluate(&R, &v, &s, NULL, 0, &e), -1);
}
END_TEST

START_TEST(capacity)
{
    rules_finding one[1];
    size_t n;
    bands();
    rules_bands_add(&R.bands, B("50", 0, "40", 0, "80"));
    rules_bands_add(&R.bands, B("5", 0, "5", 0, "10"));
    ck_assert_int_ge(rules_check(&R, "x", one, 1, &n), 2);
    ck_assert_uint_ge(n, 3);
    ck_assert_ptr_nonnull(strstr(one[0].path, "x.bands"));
    ck_assert_int_ge(rules_check(&R, NULL, NULL, 0, &n), 2);
}
END_TEST

Suite *check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("bands");
    tcase_add_test(tc, gap_continuous);
    tcase_add_test(tc, gap_single_point);
    tcase_add_test(tc, gap_integer_only_between_whole_numbers);
    tcase_add_test(tc, overlap_different_scores);
    tcase_add_test(tc, overlap_same_score_is_fine);
    tcase_add_test(tc, not_monotonic);
    tcase_add_test(tc, unreachable_and_out_of_range);
    tcase_add_test(tc, no_full_score_and_empty);
    tcase_add_test(tc, proportional_needs_next);
    tcase_add_test(tc, other_kinds);
    tcase_add_test(tc, capacity);
    suite_add_tcase(s, tc);
    return s;
}
