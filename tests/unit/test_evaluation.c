/* test_evaluation.c — people evaluation and the result bonus: scheme checks, forms, the
 * differentiation measure and the distribution of a fund, with the worked example of
 * docs/EVALUATION.md. */
#include <string.h>

#include "suites.h"

/* The staff scheme of the worked example: structure 30, objectives 40, behaviours 30;
 * C1 weight 60 and C2 weight 40 rated 1..4; bands 65 → 0.8, 80 → 1, 90 → 1.2; premium for
 * 35% of the eligible, 30% of the average. */
static rules_eval_scheme staff_scheme(void)
{
    rules_eval_scheme s;
    memset(&s, 0, sizeof s);
    s.role = RULES_EVAL_STAFF;
    s.weight[RULES_EVAL_STRUCTURE] = D("30");
    s.weight[RULES_EVAL_OBJECTIVES] = D("40");
    s.weight[RULES_EVAL_BEHAVIOURS] = D("30");
    s.n_behaviours = 2;
    const char *codes[] = {"C1", "C2"};
    const char *weights[] = {"60", "40"};
    for (int i = 0; i < 2; i++) {
        s.behaviour[i].code = codes[i];
        s.behaviour[i].weight = D(weights[i]);
        s.behaviour[i].n_levels = 4;
        for (int j = 0; j < 4; j++)
            s.behaviour[i].level[j] = rules_decimal_from_int(j + 1);
    }
    s.n_bands = 3;
    s.band[0] = (rules_eval_band){D("65"), D("0.8")};
    s.band[1] = (rules_eval_band){D("80"), D("1")};
    s.band[2] = (rules_eval_band){D("90"), D("1.2")};
    s.premium_share = D("35");
    s.premium_increase = D("30");
    return s;
}

/* The managers' scheme: structure (the entity) 20, objectives 50, behaviours 20,
 * differentiation 10 (CV target 10%); L1, L2 weight 50 each rated 1..5. */
static rules_eval_scheme manager_scheme(void)
{
    rules_eval_scheme s = staff_scheme();
    s.role = RULES_EVAL_MANAGER;
    s.weight[RULES_EVAL_STRUCTURE] = D("20");
    s.weight[RULES_EVAL_OBJECTIVES] = D("50");
    s.weight[RULES_EVAL_BEHAVIOURS] = D("20");
    s.weight[RULES_EVAL_DIFFERENTIATION] = D("10");
    s.cv_target = D("10");
    const char *codes[] = {"L1", "L2"};
    for (int i = 0; i < 2; i++) {
        s.behaviour[i].code = codes[i];
        s.behaviour[i].weight = D("50");
        s.behaviour[i].n_levels = 5;
        for (int j = 0; j < 5; j++)
            s.behaviour[i].level[j] = rules_decimal_from_int(j + 1);
    }
    s.n_bands = 3;
    s.band[0] = (rules_eval_band){D("60"), D("0.8")};
    s.band[1] = (rules_eval_band){D("75"), D("1")};
    s.band[2] = (rules_eval_band){D("83"), D("1.1")};
    s.premium_share = D("0");
    return s;
}

START_TEST(scheme_valid)
{
    rules_finding f[16];
    size_t n = 99;
    rules_eval_scheme s = staff_scheme();
    ck_assert_int_eq(rules_eval_scheme_check(&s, f, 16, &n), 0);
    ck_assert_uint_eq(n, 0);
    s = manager_scheme();
    ck_assert_int_eq(rules_eval_scheme_check(&s, f, 16, &n), 0);
}
END_TEST

START_TEST(scheme_errors)
{
    rules_finding f[32];
    size_t n;
    rules_eval_scheme s = staff_scheme();
    s.weight[RULES_EVAL_OBJECTIVES] = D("45");
    s.weight[RULES_EVAL_DIFFERENTIATION] = D("5");
    s.behaviour[1].weight = D("30");
    s.behaviour[0].level[2] = D("2");
    s.behaviour[1].n_levels = 1;
    s.band[2].coefficient = D("0.9");
    s.band[1].min_score = D("65");
    s.premium_increase = D("20");
    int errors = rules_eval_scheme_check(&s, f, 32, &n);
    ck_assert_int_eq(errors, (int)n);
    ck_assert(has_finding(f, n, "weights_not_100", "weights"));
    ck_assert(has_finding(f, n, "differentiation_not_for_role", "weights.differentiation"));
    ck_assert(has_finding(f, n, "behaviour_weights_not_100", "behaviours"));
    ck_assert(has_finding(f, n, "scale_not_ascending", "behaviours[0].scale[2]"));
    ck_assert(has_finding(f, n, "scale_too_short", "behaviours[1].scale"));
    ck_assert(has_finding(f, n, "band_coefficient_decreasing", "bands[2]"));
    ck_assert(has_finding(f, n, "band_not_ascending", "bands[1]"));
    ck_assert(has_finding(f, n, "premium_out_of_range", "premium.increase"));
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].code, "weights_not_100") == 0)
            ck_assert_str_eq(f[i].message, "the weights of the components total 110, not 100");
    s = manager_scheme();
    s.cv_target = D("0");
    s.n_bands = 0;
    ck_assert_int_eq(rules_eval_scheme_check(&s, f, 32, &n), 2);
    ck_assert(has_finding(f, n, "cv_target_invalid", NULL));
    ck_assert(has_finding(f, n, "bands_missing", "bands"));
    s = staff_scheme();
    s.n_behaviours = 0;
    ck_assert_int_eq(rules_eval_scheme_check(&s, f, 32, &n), 1);
    ck_assert(has_finding(f, n, "behaviours_missing", "behaviours"));
}
END_TEST

/* Staff member P1 of the worked example: S1 scored 86; OB1 90 at 70%, OB2 80 at 30%; C1 4, C2 3. */
START_TEST(form_staff_worked_example)
{
    rules_eval_scheme s = staff_scheme();
    rules_participation parts[] = {{"OB1", RULES_SCORE_MEASURED, D("90"), D("70"), 12, D("100")},
                                   {"OB2", RULES_SCORE_MEASURED, D("80"), D("30"), 12, D("100")}};
    rules_decimal ratings[] = {D("4"), D("3")};
    unsigned char rated[] = {1, 1};
    rules_eval_input in = {1, D("86"), parts, 2, 0, {0}, ratings, rated, 2, NULL, 0};
    rules_eval_result r;
    rules_error e;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), 0);
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_STRUCTURE]), "86");
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_OBJECTIVES]), "87");
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_BEHAVIOURS]), "90");
    ck_assert(!r.has[RULES_EVAL_DIFFERENTIATION]);
    ck_assert(r.complete && r.has_total);
    ck_assert_str_eq(dfmt(r.total), "87.6");
    ck_assert_int_eq(r.band, 1);
    ck_assert_str_eq(dfmt(r.coefficient), "1");
    ck_assert_str_eq(r.explanation[RULES_EVAL_OBJECTIVES], "(OB1 90 × 70% + OB2 80 × 30%) / 100% = 87");
    ck_assert_str_eq(r.explanation[RULES_EVAL_BEHAVIOURS], "C1 60 × 4/4 + C2 40 × 3/4 = 90");
    ck_assert_str_eq(r.total_explanation,
                     "(structure 30 × 86 + objectives 40 × 87 + behaviours 30 × 90) / 100 = "
                     "87.6; band from 80, coefficient 1");
}
END_TEST

/* P4 joined in July: months count pro rata in the weighting of objectives. */
START_TEST(form_pro_rata_and_not_measured)
{
    rules_eval_scheme s = staff_scheme();
    rules_participation parts[] = {{"OB3", RULES_SCORE_MEASURED, D("70"), D("40"), 6, D("100")},
                                   {"OB4", RULES_SCORE_MEASURED, D("100"), D("60"), 6, D("100")},
                                   {"OB9", RULES_SCORE_NOT_MEASURED, D("0"), D("50"), 12, D("50")}};
    rules_eval_input in = {1, D("85"), parts, 3, 0, {0}, NULL, NULL, 0, NULL, 0};
    rules_eval_result r;
    rules_error e;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), 0);
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_OBJECTIVES]), "88");
    ck_assert_str_eq(r.explanation[RULES_EVAL_OBJECTIVES],
                     "(OB3 70 × 40% × 6/12 + OB4 100 × 60% × 6/12) / 50% = 88; 1 objective not measured left out");
    /* behaviours not rated: the form is not complete and the total leaves them out */
    ck_assert(!r.has[RULES_EVAL_BEHAVIOURS] && !r.complete && r.has_total);
    ck_assert_str_eq(r.explanation[RULES_EVAL_BEHAVIOURS], "not scored: not rated yet: C1, C2");
    ck_assert_str_eq(dfmt(r.total), "86.71"); /* (30×85 + 40×88) / 70 = 86.714… */
    ck_assert_ptr_nonnull(strstr(r.total_explanation, "left out: behaviours"));
    /* partial weights: part-time halves the weight of an objective */
    rules_participation pt[] = {{"A", RULES_SCORE_MEASURED, D("100"), D("50"), 12, D("50")},
                                {"B", RULES_SCORE_MEASURED, D("40"), D("50"), 12, D("100")}};
    in.participations = pt;
    in.n_participations = 2;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), 0);
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_OBJECTIVES]), "60"); /* (100×25 + 40×50) / 75 */
}
END_TEST

START_TEST(form_rejects_bad_ratings)
{
    rules_eval_scheme s = staff_scheme();
    rules_decimal ratings[] = {D("5"), D("3")};
    unsigned char rated[] = {1, 1};
    rules_eval_input in = {1, D("86"), NULL, 0, 1, D("80"), ratings, rated, 2, NULL, 0};
    rules_eval_result r;
    rules_error e;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), -1);
    ck_assert_str_eq(e.field, "ratings[0]");
    ck_assert_str_eq(e.message, "5 is not a level of the scale of C1");
    ck_assert_str_eq(e.hint, "rate with one of: 1, 2, 3, 4");
    ratings[0] = D("2.5");
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), -1);
    in.n_ratings = 3;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), -1);
    ck_assert_str_eq(e.field, "ratings");
    ratings[0] = D("2");
    in.n_ratings = 2;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), 0);
    ck_assert_str_eq(r.explanation[RULES_EVAL_OBJECTIVES], "own objectives in the plan scored 80");
    in.structure_score = D("100.01");
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), -1);
    in.structure_score = D("86");
    rules_participation bad[] = {{"X", RULES_SCORE_MEASURED, D("50"), D("120"), 12, D("100")}};
    in.participations = bad;
    in.n_participations = 1;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), -1);
    ck_assert_str_eq(e.field, "participations[0]");
}
END_TEST

/* Managers M1 and M2: the differentiation of the evaluations they signed. */
START_TEST(form_manager_differentiation)
{
    rules_eval_scheme s = manager_scheme();
    rules_decimal r1[] = {D("4"), D("5")};
    unsigned char rated[] = {1, 1};
    rules_decimal given1[] = {D("87.6"), D("82.3")};
    rules_eval_input in = {1, D("85.5"), NULL, 0, 1, D("86"), r1, rated, 2, given1, 2};
    rules_eval_result r;
    rules_error e;
    ck_assert_int_eq(rules_eval_form(&s, &in, &r, &e), 0);
    ck_assert_str_eq(dfmt(r.cv), "3.12");
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_DIFFERENTIATION]), "31.2");
    ck_assert_str_eq(r.explanation[RULES_EVAL_DIFFERENTIATION],
                     "2 evaluations given: mean 84.95, standard deviation 2.65, CV 3.12% / target 10% × 100 = 31.2");
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_BEHAVIOURS]), "90");
    ck_assert_str_eq(dfmt(r.total), "81.22");
    ck_assert_int_eq(r.band, 1);

    rules_decimal r2[] = {D("3"), D("4")};
    rules_decimal given2[] = {D("61"), D("90.7")};
    rules_eval_input in2 = {1, D("85.5"), NULL, 0, 1, D("85"), r2, rated, 2, given2, 2};
    ck_assert_int_eq(rules_eval_form(&s, &in2, &r, &e), 0);
    ck_assert_str_eq(dfmt(r.cv), "19.58");
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_DIFFERENTIATION]), "100");
    ck_assert_str_eq(dfmt(r.total), "83.6");
    ck_assert_int_eq(r.band, 2);

    /* one evaluation only: not scored, the total leaves it out */
    in2.n_given = 1;
    ck_assert_int_eq(rules_eval_form(&s, &in2, &r, &e), 0);
    ck_assert(!r.has[RULES_EVAL_DIFFERENTIATION] && !r.complete);
    ck_assert_str_eq(r.explanation[RULES_EVAL_DIFFERENTIATION], "not scored: 1 evaluation given, at least 2 are needed");
    /* every evaluation equal: no differentiation */
    rules_decimal same[] = {D("80"), D("80"), D("80")};
    in2.given = same;
    in2.n_given = 3;
    ck_assert_int_eq(rules_eval_form(&s, &in2, &r, &e), 0);
    ck_assert_str_eq(dfmt(r.score[RULES_EVAL_DIFFERENTIATION]), "0");
}
END_TEST

/* The staff fund of the worked example: 10,000.00 € among P1..P4. */
START_TEST(bonus_worked_example)
{
    rules_eval_scheme s = staff_scheme();
    rules_bonus_input in[] = {{D("87.6"), 12, D("100"), 1},
                              {D("82.3"), 12, D("50"), 2},
                              {D("61"), 12, D("100"), 3},
                              {D("90.7"), 6, D("100"), 4}};
    rules_bonus_output out[4];
    int scratch[4];
    rules_bonus_result res;
    rules_error e;
    ck_assert_int_eq(rules_bonus_distribute(&s, 1000000, 1, in, out, 4, scratch, &res, &e), 0);
    ck_assert_int_eq(res.n_eligible, 3);
    ck_assert_int_eq(res.n_premium, 1);
    ck_assert_int_eq(res.average_cents, 333333);
    ck_assert_int_eq(res.premium_cents, 100000);
    ck_assert_int_eq(out[0].bonus_cents, 428571);
    ck_assert_int_eq(out[1].bonus_cents, 214286);
    ck_assert_int_eq(out[2].bonus_cents, 0);
    ck_assert_int_eq(out[3].base_cents, 257143);
    ck_assert_int_eq(out[3].bonus_cents, 357143);
    ck_assert(out[3].premium && !out[0].premium);
    ck_assert_int_eq(out[3].rank, 1);
    ck_assert_int_eq(out[2].rank, 4);
    ck_assert_int_eq(out[2].band, -1);
    ck_assert_int_eq(res.distributed_cents, 1000000);
    ck_assert_int_eq(res.remainder_cents, 0);
    ck_assert_str_eq(out[3].explanation,
                     "score 90.7, rank 1: band from 90, coefficient 1.2 × 6/12 × 100% time = 0.6 points; 9000.00 € × "
                     "0.6 / 2.1 points = 2571.42 € + 0.01 (largest remainder) + premium 1000.00 € (art. 69/81: one "
                     "of the best evaluated) = 3571.43 €");
    ck_assert_str_eq(out[2].explanation, "score 61, rank 4: below the first band (65): no bonus");
    ck_assert_str_eq(res.explanation,
                     "fund 10000.00 € for 4 people, 3 eligible; 1 premium of ceil(30% × 10000.00 / "
                     "3) = 1000.00 €; 9000.00 € shared by points (largest remainder); distributed "
                     "10000.00 €, remainder 0.00 €");

    /* without redistribution the shares of part-time, partial years and lower bands are savings */
    ck_assert_int_eq(rules_bonus_distribute(&s, 1000000, 0, in, out, 4, scratch, &res, &e), 0);
    ck_assert_int_eq(out[0].bonus_cents, 187500);
    ck_assert_int_eq(out[1].bonus_cents, 93750);
    ck_assert_int_eq(out[3].bonus_cents, 212500);
    ck_assert_int_eq(res.distributed_cents, 493750);
    ck_assert_int_eq(res.remainder_cents, 506250);
}
END_TEST

START_TEST(bonus_managers_and_ties)
{
    rules_eval_scheme s = manager_scheme();
    rules_bonus_input in[] = {{D("81.22"), 12, D("100"), 10}, {D("83.6"), 12, D("100"), 11}};
    rules_bonus_output out[2];
    int scratch[2];
    rules_bonus_result res;
    rules_error e;
    ck_assert_int_eq(rules_bonus_distribute(&s, 500000, 1, in, out, 2, scratch, &res, &e), 0);
    ck_assert_int_eq(out[0].bonus_cents, 238095);
    ck_assert_int_eq(out[1].bonus_cents, 261905);
    ck_assert_int_eq(res.n_premium, 0);
    ck_assert_int_eq(res.remainder_cents, 0);

    /* ties at the premium cut-off: the lower key wins, deterministically */
    s = staff_scheme();
    s.premium_share = D("25");
    rules_bonus_input t[] = {
        {D("95"), 12, D("100"), 7}, {D("95"), 12, D("100"), 3}, {D("85"), 12, D("100"), 1}, {D("85"), 12, D("100"), 2}};
    rules_bonus_output o[4];
    int sc[4];
    ck_assert_int_eq(rules_bonus_distribute(&s, 100001, 1, t, o, 4, sc, &res, &e), 0);
    ck_assert(o[1].premium && !o[0].premium);
    ck_assert_int_eq(o[1].rank, 1);
    ck_assert_int_eq(o[0].rank, 2);
    ck_assert_ptr_nonnull(strstr(o[0].explanation, "ties with the last premium's score"));
    ck_assert_int_eq(res.premium_cents, 7501); /* ceil(30% × 1000.01 / 4) */
    ck_assert_int_eq(o[0].bonus_cents + o[1].bonus_cents + o[2].bonus_cents + o[3].bonus_cents, 100001);
    ck_assert_int_eq(res.remainder_cents, 0);
}
END_TEST

START_TEST(bonus_edges)
{
    rules_eval_scheme s = staff_scheme();
    rules_bonus_input in[] = {{D("50"), 12, D("100"), 1}, {D("99"), 0, D("100"), 2}};
    rules_bonus_output out[2];
    int scratch[2];
    rules_bonus_result res;
    rules_error e;
    ck_assert_int_eq(rules_bonus_distribute(&s, -1, 1, in, out, 2, scratch, &res, &e), -1);
    ck_assert_str_eq(e.field, "fund");
    ck_assert_str_eq(e.message, "the fund is below zero");
    /* nobody eligible: the whole fund is the remainder */
    ck_assert_int_eq(rules_bonus_distribute(&s, 12345, 1, in, out, 2, scratch, &res, &e), 0);
    ck_assert_int_eq(res.n_eligible, 0);
    ck_assert_int_eq(res.distributed_cents, 0);
    ck_assert_int_eq(res.remainder_cents, 12345);
    ck_assert_str_eq(out[1].explanation,
                     "score 99, rank 1: band from 90, coefficient 1.2; no service in the year: no bonus");
    /* nobody at all */
    ck_assert_int_eq(rules_bonus_distribute(&s, 500, 1, in, out, 0, scratch, &res, &e), 0);
    ck_assert_int_eq(res.remainder_cents, 500);
    in[0].months = 13;
    ck_assert_int_eq(rules_bonus_distribute(&s, 500, 1, in, out, 2, scratch, &res, &e), -1);
    ck_assert_str_eq(e.field, "people[0].months");
    /* a zero fund is fine */
    in[0].months = 12;
    in[0].score = D("70");
    ck_assert_int_eq(rules_bonus_distribute(&s, 0, 1, in, out, 2, scratch, &res, &e), 0);
    ck_assert_int_eq(out[0].bonus_cents, 0);
    ck_assert_int_eq(res.remainder_cents, 0);
    /* a scheme that skipped its checks is refused, never computed with (no overflow) */
    s.band[2].coefficient = rules_decimal_from_int(1000000);
    ck_assert_int_eq(rules_bonus_distribute(&s, 500, 1, in, out, 2, scratch, &res, &e), -1);
    ck_assert_str_eq(e.field, "scheme");
    rules_eval_scheme bad = staff_scheme();
    bad.behaviour[0].level[3] = rules_decimal_from_int(900000000);
    rules_eval_input none;
    memset(&none, 0, sizeof none);
    rules_eval_result r;
    ck_assert_int_eq(rules_eval_form(&bad, &none, &r, &e), -1);
    ck_assert_str_eq(e.field, "scheme");
}
END_TEST

/* Many people, odd amounts: the total is always exact to the cent. */
START_TEST(bonus_exact_total)
{
    enum { N = 997 };
    static rules_bonus_input in[N];
    static rules_bonus_output out[N];
    static int scratch[N];
    rules_eval_scheme s = staff_scheme();
    for (int i = 0; i < N; i++) {
        in[i].score = rules_decimal_from_int(60 + (i * 37) % 41);
        in[i].months = 1 + (i * 7) % 12;
        in[i].part_time = rules_decimal_from_int(50 + (i * 13) % 51);
        in[i].tiebreak = i;
    }
    rules_bonus_result res;
    rules_error e;
    ck_assert_int_eq(rules_bonus_distribute(&s, 123456789, 1, in, out, N, scratch, &res, &e), 0);
    int64_t total = 0, avg_base = 0;
    int premiums = 0;
    for (int i = 0; i < N; i++) {
        total += out[i].bonus_cents;
        premiums += out[i].premium;
        avg_base += out[i].base_cents;
    }
    ck_assert_int_eq(total, 123456789);
    ck_assert_int_eq(res.remainder_cents, 0);
    ck_assert_int_eq(premiums, res.n_premium);
    ck_assert_int_eq(res.n_premium, res.n_eligible * 35 / 100);
    /* the premium is at least 30% of the average individual bonus */
    ck_assert(res.premium_cents * 100 >= 30 * (123456789 / res.n_eligible));
    (void)avg_base;
}
END_TEST

Suite *evaluation_suite(void)
{
    Suite *s = suite_create("evaluation");
    TCase *t = tcase_create("core");
    tcase_add_test(t, scheme_valid);
    tcase_add_test(t, scheme_errors);
    tcase_add_test(t, form_staff_worked_example);
    tcase_add_test(t, form_pro_rata_and_not_measured);
    tcase_add_test(t, form_rejects_bad_ratings);
    tcase_add_test(t, form_manager_differentiation);
    tcase_add_test(t, bonus_worked_example);
    tcase_add_test(t, bonus_managers_and_ties);
    tcase_add_test(t, bonus_edges);
    tcase_add_test(t, bonus_exact_total);
    suite_add_tcase(s, t);
    return s;
}
