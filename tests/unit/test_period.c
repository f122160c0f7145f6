/* test_period.c — monitoring periods: who may enter a figure dated as_of (rules_entry_gate), and
 * an approved override counting for the objective, its assignees and its parent (rules_plan_score). */
#include <string.h>

#include "suites.h"

static const rules_date JUN30 = {2024, 6, 30}, JUL1 = {2024, 7, 1}, DEC31 = {2024, 12, 31};

START_TEST(open_plan_takes_every_entry)
{
    rules_period p = {0, 0, {0, 0, 0}};
    ck_assert_int_eq(rules_entry_gate(&p, JUN30, 0, 1, 0), RULES_ENTRY_OPEN);
    ck_assert_int_eq(rules_entry_gate(&p, DEC31, 1, 0, 0), RULES_ENTRY_OPEN);
}
END_TEST

START_TEST(review_closes_up_to_its_date)
{
    rules_period p = {0, 1, JUN30};
    /* on the closing date itself: closed; the day after: open */
    ck_assert_int_eq(rules_entry_gate(&p, JUN30, 0, 0, 0), RULES_ENTRY_PERIOD_CLOSED);
    ck_assert_int_eq(rules_entry_gate(&p, JUN30, 0, 0, 1), RULES_ENTRY_PERIOD_CLOSED); /* a reason does not help */
    ck_assert_int_eq(rules_entry_gate(&p, JUL1, 0, 1, 0), RULES_ENTRY_OPEN);
    ck_assert_str_eq(rules_entry_verdict_code(rules_entry_gate(&p, JUN30, 0, 0, 0)), "period_closed");
}
END_TEST

START_TEST(evaluator_corrects_with_a_reason_never_own_score)
{
    rules_period p = {0, 1, DEC31};
    ck_assert_int_eq(rules_entry_gate(&p, JUN30, 1, 0, 1), RULES_ENTRY_CORRECTION);
    ck_assert_int_eq(rules_entry_gate(&p, JUN30, 1, 0, 0), RULES_ENTRY_REASON_MISSING);
    ck_assert_int_eq(rules_entry_gate(&p, DEC31, 1, 1, 1), RULES_ENTRY_OWN_SCORE);
    ck_assert_str_eq(rules_entry_verdict_code(RULES_ENTRY_OWN_SCORE), "own_score");
}
END_TEST

START_TEST(validated_plan_refuses_everyone)
{
    rules_period p = {1, 1, DEC31};
    rules_date next = {2025, 3, 1};
    ck_assert_int_eq(rules_entry_gate(&p, DEC31, 1, 0, 1), RULES_ENTRY_VALIDATED);
    ck_assert_int_eq(rules_entry_gate(&p, next, 0, 0, 0), RULES_ENTRY_VALIDATED);
    rules_period never_reviewed = {1, 0, {0, 0, 0}};
    ck_assert_int_eq(rules_entry_gate(&never_reviewed, JUL1, 1, 0, 1), RULES_ENTRY_VALIDATED);
    ck_assert_str_eq(rules_entry_verdict_code(RULES_ENTRY_VALIDATED), "plan_validated");
}
END_TEST

/* Parent P (no measure of its own) above child C: C has one phase, 40% done, and is carried by
 * structure S with weight 100. */
START_TEST(override_counts_up_the_cascade)
{
    rules_objective o[2] = {{.code = "P", .parent = -1}, {.code = "C", .parent = 0}};
    rules_assignee as[1] = {{"S", 0}};
    rules_assignment w[1] = {{1, 0, D("100")}};
    rules_phase ph[1];
    memset(ph, 0, sizeof ph);
    ph[0].objective = 1;
    ph[0].has_weight = 1;
    ph[0].weight = D("100");
    ph[0].percent_complete = D("40");
    rules_plan plan = {2024, 2024, o, 2, as, 1, w, 1, ph, 1, NULL, 0, NULL, NULL};
    rules_objective_result r[2];
    rules_assignee_result a[1];
    ck_assert_int_eq(rules_plan_score(&plan, DEC31, r, a, NULL), 0);
    ck_assert_str_eq(dfmt(r[1].score), "40");
    ck_assert_str_eq(dfmt(r[0].score), "40"); /* rolled up */
    ck_assert(!r[1].overridden);
    /* the evaluator approved 90 for C: C, S and P count 90; C's computed 40 stays */
    o[1].has_override = 1;
    o[1].override_score = D("90");
    ck_assert_int_eq(rules_plan_score(&plan, DEC31, r, a, NULL), 0);
    ck_assert(r[1].overridden && r[1].status == RULES_SCORE_MEASURED);
    ck_assert_str_eq(dfmt(r[1].score), "90");
    ck_assert_str_eq(dfmt(r[1].computed_score), "40");
    ck_assert_str_eq(dfmt(a[0].score), "90");
    ck_assert_str_eq(dfmt(r[0].score), "90");
    /* and 10 for P itself: its computed figure is the roll-up of C's 90 */
    o[0].has_override = 1;
    o[0].override_score = D("10");
    ck_assert_int_eq(rules_plan_score(&plan, DEC31, r, a, NULL), 0);
    ck_assert_str_eq(dfmt(r[0].score), "10");
    ck_assert_str_eq(dfmt(r[0].computed_score), "90");
    ck_assert_int_eq(r[0].computed_status, RULES_SCORE_MEASURED);
    /* a single objective's answer agrees */
    rules_objective_result one;
    rules_objective_score(&plan, 1, -1, DEC31, &one, NULL);
    ck_assert_str_eq(dfmt(one.score), "90");
    ck_assert_str_eq(dfmt(one.computed_score), "40");
}
END_TEST

Suite *period_suite(void)
{
    Suite *s = suite_create("period");
    TCase *t = tcase_create("gate");
    tcase_add_test(t, open_plan_takes_every_entry);
    tcase_add_test(t, review_closes_up_to_its_date);
    tcase_add_test(t, evaluator_corrects_with_a_reason_never_own_score);
    tcase_add_test(t, validated_plan_refuses_everyone);
    tcase_add_test(t, override_counts_up_the_cascade);
    suite_add_tcase(s, t);
    return s;
}
