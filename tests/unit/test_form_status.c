/* test_form_status.c — the life of an evaluation form: every action from every status, the
 * five the table allows and the twenty it refuses, and the names the API and the audit use. */
#include <string.h>

#include "suites.h"

/* What the table must say: the status each action leads to from each status, -1 refused. */
static const int expected[RULES_FORM_STATUSES][RULES_FORM_ACTIONS] = {
    /*                          update            sign               accept               contest               conciliate */
    [RULES_FORM_DRAFT] = {RULES_FORM_DRAFT, RULES_FORM_SIGNED, -1, -1, -1},
    [RULES_FORM_SIGNED] = {-1, -1, RULES_FORM_ACCEPTED, RULES_FORM_CONTESTED, -1},
    [RULES_FORM_ACCEPTED] = {-1, -1, -1, -1, -1},
    [RULES_FORM_CONTESTED] = {-1, -1, -1, -1, RULES_FORM_CONCILIATED},
    [RULES_FORM_CONCILIATED] = {-1, -1, -1, -1, -1},
};

START_TEST(every_transition)
{
    int allowed = 0, refused = 0;
    for (int s = 0; s < RULES_FORM_STATUSES; s++)
        for (int a = 0; a < RULES_FORM_ACTIONS; a++) {
            rules_form_status to = (rules_form_status)99;
            int rc = rules_form_transition((rules_form_status)s, (rules_form_action)a, &to);
            if (expected[s][a] < 0) {
                ck_assert_msg(rc == -1, "%s from %s must be refused", rules_form_action_name((rules_form_action)a),
                              rules_form_status_name((rules_form_status)s));
                ck_assert_int_eq(to, 99); /* left alone */
                refused++;
            } else {
                ck_assert_msg(rc == 0, "%s from %s must be allowed", rules_form_action_name((rules_form_action)a),
                              rules_form_status_name((rules_form_status)s));
                ck_assert_int_eq(to, expected[s][a]);
                /* the one status the action needs is the one it was allowed from */
                ck_assert_int_eq(rules_form_action_from((rules_form_action)a), s);
                allowed++;
            }
        }
    ck_assert_int_eq(allowed, 5);
    ck_assert_int_eq(refused, 20);
}
END_TEST

START_TEST(out_of_range_refused)
{
    rules_form_status to = RULES_FORM_DRAFT;
    ck_assert_int_eq(rules_form_transition(RULES_FORM_STATUSES, RULES_FORM_UPDATE, &to), -1);
    ck_assert_int_eq(rules_form_transition(RULES_FORM_DRAFT, RULES_FORM_ACTIONS, &to), -1);
    ck_assert_int_eq(rules_form_transition((rules_form_status)-1, RULES_FORM_SIGN, &to), -1);
    ck_assert_str_eq(rules_form_status_name(RULES_FORM_STATUSES), "?");
    ck_assert_str_eq(rules_form_action_name(RULES_FORM_ACTIONS), "?");
}
END_TEST

START_TEST(names_round_trip)
{
    static const char *const statuses[] = {"draft", "signed", "accepted", "contested", "conciliated"};
    for (int s = 0; s < RULES_FORM_STATUSES; s++) {
        rules_form_status back = RULES_FORM_STATUSES;
        ck_assert_str_eq(rules_form_status_name((rules_form_status)s), statuses[s]);
        ck_assert_int_eq(rules_form_status_parse(statuses[s], &back), 0);
        ck_assert_int_eq(back, s);
    }
    rules_form_status unused;
    ck_assert_int_eq(rules_form_status_parse("Draft", &unused), -1);
    ck_assert_int_eq(rules_form_status_parse("", &unused), -1);
    ck_assert_int_eq(rules_form_status_parse(NULL, &unused), -1);
    static const char *const actions[] = {"update", "sign", "accept", "contest", "conciliate"};
    static const char *const done[] = {"changed", "signed", "accepted", "contested", "conciliated"};
    for (int a = 0; a < RULES_FORM_ACTIONS; a++) {
        ck_assert_str_eq(rules_form_action_name((rules_form_action)a), actions[a]);
        ck_assert_str_eq(rules_form_action_done((rules_form_action)a), done[a]);
    }
}
END_TEST

START_TEST(final_for_the_bonus)
{
    ck_assert(!rules_form_is_final(RULES_FORM_DRAFT));
    ck_assert(rules_form_is_final(RULES_FORM_SIGNED));
    ck_assert(rules_form_is_final(RULES_FORM_ACCEPTED));
    ck_assert(!rules_form_is_final(RULES_FORM_CONTESTED));
    ck_assert(rules_form_is_final(RULES_FORM_CONCILIATED));
}
END_TEST

Suite *form_status_suite(void)
{
    Suite *s = suite_create("form_status");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, every_transition);
    tcase_add_test(tc, out_of_range_refused);
    tcase_add_test(tc, names_round_trip);
    tcase_add_test(tc, final_for_the_bonus);
    suite_add_tcase(s, tc);
    return s;
}
