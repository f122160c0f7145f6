/* test_calendar.c — the cycle's legal deadlines and their state, the payment-timeliness share of
 * a manager's bonus, and the spread of premiums (issue 20). */
#include <string.h>

#include "suites.h"

static const char *iso(rules_date d)
{
    static char b[4][11];
    static int i;
    i = (i + 1) % 4;
    rules_date_format_iso(d, b[i]);
    return b[i];
}

START_TEST(add_days_crosses_months_years_and_leap_days)
{
    ck_assert_str_eq(iso(rules_date_add_days((rules_date){2024, 2, 28}, 1)), "2024-02-29");
    ck_assert_str_eq(iso(rules_date_add_days((rules_date){2023, 2, 28}, 1)), "2023-03-01");
    ck_assert_str_eq(iso(rules_date_add_days((rules_date){2024, 12, 31}, 1)), "2025-01-01");
    ck_assert_str_eq(iso(rules_date_add_days((rules_date){2025, 1, 1}, -1)), "2024-12-31");
    ck_assert_str_eq(iso(rules_date_add_days((rules_date){2000, 3, 1}, -1)), "2000-02-29");
    ck_assert_str_eq(iso(rules_date_add_days((rules_date){1900, 3, 1}, -1)), "1900-02-28");
    /* every day of four centuries round-trips through the ordinal */
    rules_date d = {1999, 1, 1};
    for (int i = 0; i < 146097 + 400; i++) {
        rules_date next = rules_date_add_days(d, 1);
        ck_assert_int_eq(rules_date_days_between(d, next), 1);
        ck_assert(rules_date_valid(next));
        d = next;
    }
}
END_TEST

START_TEST(legal_dates_of_a_cycle)
{
    rules_date due;
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PIANO, 2025, NULL, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-01-31");
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_RELAZIONE, 2024, NULL, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-06-30");
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_VALIDATION, 2024, NULL, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-06-30");
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PUBLICATION, 2024, NULL, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-12-31");
    ck_assert_str_eq(rules_deadline_code(RULES_DEADLINE_PIANO), "piano_adoption");
    ck_assert_ptr_nonnull(strstr(rules_deadline_law(RULES_DEADLINE_PIANO), "art. 10"));
}
END_TEST

START_TEST(a_deferred_budget_moves_the_piano_by_thirty_days)
{
    rules_date due, early = {2024, 12, 20}, late = {2025, 3, 14}, jan1 = {2025, 1, 1}, bad = {2025, 2, 30};
    /* a budget approved in December does not bring the date forward */
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PIANO, 2025, &early, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-01-31");
    /* 1 January + 30 days is 31 January: unchanged */
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PIANO, 2025, &jan1, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-01-31");
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PIANO, 2025, &late, &due, NULL), 0);
    ck_assert_str_eq(iso(due), "2025-04-13");
    rules_error err;
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PIANO, 2025, &bad, &due, &err), -1);
    ck_assert_str_eq(err.field, "budget_approved_on");
    ck_assert_int_eq(rules_legal_deadline(RULES_DEADLINE_PIANO, 0, NULL, &due, &err), -1);
    ck_assert_str_eq(err.field, "year");
}
END_TEST

START_TEST(state_due_late_done)
{
    rules_date due = {2025, 1, 31}, before = {2025, 1, 30}, after = {2025, 2, 1};
    int on_time = -1;
    ck_assert_int_eq(rules_deadline_state_of(due, NULL, before, &on_time), RULES_DEADLINE_DUE);
    ck_assert_int_eq(on_time, 0);
    ck_assert_int_eq(rules_deadline_state_of(due, NULL, due, NULL), RULES_DEADLINE_DUE); /* the day itself */
    ck_assert_int_eq(rules_deadline_state_of(due, NULL, after, NULL), RULES_DEADLINE_LATE);
    ck_assert_int_eq(rules_deadline_state_of(due, &due, after, &on_time), RULES_DEADLINE_DONE);
    ck_assert_int_eq(on_time, 1);
    ck_assert_int_eq(rules_deadline_state_of(due, &after, after, &on_time), RULES_DEADLINE_DONE);
    ck_assert_int_eq(on_time, 0);
    ck_assert_str_eq(rules_deadline_state_code(RULES_DEADLINE_LATE), "late");
}
END_TEST

START_TEST(payment_share_thirty_percent)
{
    rules_decimal share;
    int met = -1;
    ck_assert_int_eq(rules_payment_share(D("30"), D("100"), &share, &met, NULL), 0);
    ck_assert_str_eq(dfmt(share), "30");
    ck_assert_int_eq(met, 1);
    ck_assert_int_eq(rules_payment_share(D("20"), D("70"), &share, &met, NULL), 0);
    ck_assert_str_eq(dfmt(share), "28.57");
    ck_assert_int_eq(met, 0);
    rules_error err;
    ck_assert_int_eq(rules_payment_share(D("10"), D("0"), &share, &met, &err), -1);
    ck_assert_str_eq(err.field, "total");
    ck_assert_int_eq(rules_payment_share(D("110"), D("100"), &share, &met, &err), -1);
    ck_assert_str_eq(err.field, "payment");
}
END_TEST

START_TEST(spread_of_premiums)
{
    /* 1000, 2000, 3000 euro: mean 2000, σ = 816.50, CV = 40.82% */
    int64_t c[3] = {100000, 200000, 300000};
    rules_spread s;
    ck_assert_int_eq(rules_spread_of(c, 3, &s, NULL), 0);
    ck_assert_str_eq(dfmt(s.mean), "2000");
    ck_assert_str_eq(dfmt(s.stdev), "816.5");
    ck_assert_str_eq(dfmt(s.cv), "40.82");
    ck_assert_str_eq(dfmt(s.min), "1000");
    ck_assert_str_eq(dfmt(s.max), "3000");
    int64_t same[2] = {5000, 5000};
    ck_assert_int_eq(rules_spread_of(same, 2, &s, NULL), 0);
    ck_assert_str_eq(dfmt(s.cv), "0");
    int64_t zero[1] = {0};
    ck_assert_int_eq(rules_spread_of(zero, 1, &s, NULL), 0);
    ck_assert_str_eq(dfmt(s.cv), "0");
    rules_error err;
    int64_t neg[2] = {1, -1};
    ck_assert_int_eq(rules_spread_of(neg, 2, &s, &err), -1);
    ck_assert_str_eq(err.field, "amounts[1]");
    ck_assert_int_eq(rules_spread_of(c, 0, &s, &err), -1);
}
END_TEST

Suite *calendar_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *t = tcase_create("calendar");
    tcase_add_test(t, add_days_crosses_months_years_and_leap_days);
    tcase_add_test(t, legal_dates_of_a_cycle);
    tcase_add_test(t, a_deferred_budget_moves_the_piano_by_thirty_days);
    tcase_add_test(t, state_due_late_done);
    tcase_add_test(t, payment_share_thirty_percent);
    tcase_add_test(t, spread_of_premiums);
    suite_add_tcase(s, t);
    return s;
}
