/* test_lifecycle.c — the plan lifecycle's transition table (rules_lifecycle.h). */
#include "rules_lifecycle.h"
#include "suites.h"

static const rules_plan_state DRAFT = {RULES_PLAN_DRAFT, 0}, ADOPTED = {RULES_PLAN_ADOPTED, 0},
                              REVISING = {RULES_PLAN_ADOPTED, 1}, CLOSED = {RULES_PLAN_CLOSED, 0},
                              VALIDATED = {RULES_PLAN_VALIDATED, 0};

START_TEST(the_happy_path_walks_draft_to_validated)
{
    rules_plan_state s;
    ck_assert_int_eq(rules_plan_transition(DRAFT, RULES_PLAN_ADOPT, &s), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(s.status, RULES_PLAN_ADOPTED);
    ck_assert_int_eq(s.editing, 0);
    ck_assert_int_eq(rules_plan_transition(s, RULES_PLAN_OPEN_REVISION, &s), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(s.status, RULES_PLAN_ADOPTED);
    ck_assert_int_eq(s.editing, 1);
    ck_assert_int_eq(rules_plan_transition(s, RULES_PLAN_ADOPT, &s), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(s.editing, 0);
    ck_assert_int_eq(rules_plan_transition(s, RULES_PLAN_CLOSE, &s), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(s.status, RULES_PLAN_CLOSED);
    ck_assert_int_eq(rules_plan_transition(s, RULES_PLAN_VALIDATE, &s), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(s.status, RULES_PLAN_VALIDATED);
}
END_TEST

START_TEST(refusals_name_why)
{
    rules_plan_state s;
    ck_assert_int_eq(rules_plan_transition(ADOPTED, RULES_PLAN_ADOPT, &s), RULES_PLAN_REFUSED_ADOPTED);
    ck_assert_int_eq(s.status, RULES_PLAN_ADOPTED); /* a refusal leaves the state */
    ck_assert_str_eq(rules_plan_refusal_code(RULES_PLAN_REFUSED_ADOPTED), "plan_adopted");
    ck_assert_int_eq(rules_plan_transition(CLOSED, RULES_PLAN_ADOPT, NULL), RULES_PLAN_REFUSED_NOT_ADOPTABLE);
    ck_assert_int_eq(rules_plan_transition(REVISING, RULES_PLAN_OPEN_REVISION, NULL), RULES_PLAN_REFUSED_REVISION_OPEN);
    ck_assert_int_eq(rules_plan_transition(REVISING, RULES_PLAN_CLOSE, NULL), RULES_PLAN_REFUSED_REVISION_OPEN);
    ck_assert_int_eq(rules_plan_transition(DRAFT, RULES_PLAN_OPEN_REVISION, NULL), RULES_PLAN_REFUSED_DRAFT);
    ck_assert_int_eq(rules_plan_transition(DRAFT, RULES_PLAN_CLOSE, NULL), RULES_PLAN_REFUSED_DRAFT);
    ck_assert_int_eq(rules_plan_transition(VALIDATED, RULES_PLAN_OPEN_REVISION, NULL), RULES_PLAN_REFUSED_NOT_REVISABLE);
    ck_assert_int_eq(rules_plan_transition(CLOSED, RULES_PLAN_CLOSE, NULL), RULES_PLAN_REFUSED_NOT_CLOSABLE);
    ck_assert_int_eq(rules_plan_transition(ADOPTED, RULES_PLAN_VALIDATE, NULL), RULES_PLAN_REFUSED_NOT_CLOSED);
    ck_assert_str_eq(rules_plan_refusal_code(RULES_PLAN_REFUSED_NOT_CLOSED), "plan_not_closed");
}
END_TEST

START_TEST(content_is_written_only_while_drafting)
{
    ck_assert_int_eq(rules_plan_transition(DRAFT, RULES_PLAN_WRITE_CONTENT, NULL), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(rules_plan_transition(REVISING, RULES_PLAN_WRITE_CONTENT, NULL), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(rules_plan_transition(ADOPTED, RULES_PLAN_WRITE_CONTENT, NULL), RULES_PLAN_REFUSED_ADOPTED);
    ck_assert_int_eq(rules_plan_transition(CLOSED, RULES_PLAN_WRITE_CONTENT, NULL), RULES_PLAN_REFUSED_CLOSED);
    ck_assert_int_eq(rules_plan_transition(VALIDATED, RULES_PLAN_WRITE_CONTENT, NULL), RULES_PLAN_REFUSED_VALIDATED);
    /* only a draft is deleted: an adopted plan is an act */
    ck_assert_int_eq(rules_plan_transition(DRAFT, RULES_PLAN_DELETE, NULL), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(rules_plan_transition(REVISING, RULES_PLAN_DELETE, NULL), RULES_PLAN_REFUSED_NOT_DRAFT);
    ck_assert_str_eq(rules_plan_refusal_code(RULES_PLAN_REFUSED_NOT_DRAFT), "plan_not_draft");
}
END_TEST

START_TEST(unknown_status_refuses_everything)
{
    rules_plan_state odd = {rules_plan_status_parse("archived"), 0};
    ck_assert_int_eq(odd.status, RULES_PLAN_STATUS_UNKNOWN);
    ck_assert_str_eq(rules_plan_status_name(odd.status), "unknown");
    for (int a = 0; a < RULES_PLAN_ACTION_COUNT; a++)
        ck_assert_int_ne(rules_plan_transition(odd, (rules_plan_action)a, NULL), RULES_PLAN_ALLOWED);
    ck_assert_int_eq(rules_plan_status_parse("closed"), RULES_PLAN_CLOSED);
    ck_assert_int_eq(rules_plan_status_parse(NULL), RULES_PLAN_STATUS_UNKNOWN);
}
END_TEST

Suite *lifecycle_suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("transitions");
    tcase_add_test(tc, the_happy_path_walks_draft_to_validated);
    tcase_add_test(tc, refusals_name_why);
    tcase_add_test(tc, content_is_written_only_while_drafting);
    tcase_add_test(tc, unknown_status_refuses_everything);
    suite_add_tcase(s, tc);
    return s;
}
