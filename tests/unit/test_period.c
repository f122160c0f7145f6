/* test_period.c — monitoring periods: who may enter a figure dated as_of (rules_entry_gate). */
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

Suite *period_suite(void)
{
    Suite *s = suite_create("period");
    TCase *t = tcase_create("gate");
    tcase_add_test(t, open_plan_takes_every_entry);
    tcase_add_test(t, review_closes_up_to_its_date);
    tcase_add_test(t, evaluator_corrects_with_a_reason_never_own_score);
    tcase_add_test(t, validated_plan_refuses_everyone);
    suite_add_tcase(s, t);
    return s;
}
