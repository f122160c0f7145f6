/* test_piao.c — what a PIAO must contain, by form (rules_piao_check). */
#include <string.h>

#include "suites.h"

static rules_piao full(const rules_piao_objective *o, size_t n, int staff)
{
    rules_piao p;
    memset(&p, 0, sizeof p);
    p.year = 2024;
    p.staff_count = staff;
    p.objectives = o;
    p.n_objectives = n;
    for (int k = 0; k < RULES_PIAO_ORG_KEYS; k++)
        p.has_org[k] = 1;
    return p;
}

START_TEST(a_complete_full_piao_has_no_finding)
{
    rules_piao_objective o[3] = {{"VP1", RULES_PIAO_VALUE, 0, 0, 2, 0, 0, NULL},
                                 {"P1", RULES_PIAO_PERFORMANCE, 0, 0, 1, 0, 0, NULL},
                                 {"AC1", RULES_PIAO_ANTICORRUPTION, 1, 1, 1, 0, 0, NULL}};
    rules_piao p = full(o, 3, 120);
    rules_finding f[16];
    size_t n = 0;
    ck_assert_int_eq(rules_piao_check(&p, f, 16, &n), 0);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(the_full_form_lacks_sections_targets_and_figures)
{
    rules_piao_objective o[2] = {{"VP1", RULES_PIAO_VALUE, 0, 0, 2, 0, 1, "VP1-I2"},
                                 {"AC1", RULES_PIAO_ANTICORRUPTION, 1, 0, 0, 0, 0, NULL}};
    rules_piao p = full(o, 2, 120);
    p.has_org[1] = 0;
    rules_finding f[16];
    size_t n = 0;
    ck_assert_int_eq(rules_piao_check(&p, f, 16, &n), 4);
    ck_assert(has_finding(f, n, "piao_value_indicator_incomplete", "objectives[VP1].indicators[VP1-I2]"));
    ck_assert(has_finding(f, n, "piao_risk_incomplete", "objectives[AC1].risk_level"));
    ck_assert(has_finding(f, n, "piao_measure_unmeasured", "objectives[AC1].indicators"));
    ck_assert(has_finding(f, n, "piao_section_missing", "sections.performance"));
    ck_assert(has_finding(f, n, "piao_organisation_missing", "organisation.lavoro_agile"));
}
END_TEST

START_TEST(the_simplified_form_under_fifty_staff)
{
    /* only anticorruption and three figures of section 3 are asked; value and performance are not */
    rules_piao_objective o[1] = {{"AC1", RULES_PIAO_ANTICORRUPTION, 1, 1, 1, 0, 0, NULL}};
    rules_piao p = full(o, 1, 32);
    p.has_org[3] = 0; /* training: not asked of the simplified form */
    rules_finding f[16];
    size_t n = 0;
    ck_assert_int_eq(rules_piao_check(&p, f, 16, &n), 0);
    ck_assert_uint_eq(n, 0);
    p.n_objectives = 0;
    ck_assert_int_eq(rules_piao_check(&p, f, 16, &n), 1);
    ck_assert(has_finding(f, n, "piao_section_missing", "sections.anticorruzione"));
    /* unknown staff: the full form, with a warning */
    p.staff_count = -1;
    rules_piao_check(&p, f, 16, &n);
    ck_assert(has_finding(f, n, "piao_staff_count_unknown", "entity.staff_count"));
    ck_assert(has_finding(f, n, "piao_section_missing", "sections.valore_pubblico"));
    ck_assert(has_finding(f, n, "piao_organisation_missing", "organisation.formazione"));
}
END_TEST

Suite *piao_suite(void)
{
    Suite *s = suite_create("piao");
    TCase *t = tcase_create("piao");
    tcase_add_test(t, a_complete_full_piao_has_no_finding);
    tcase_add_test(t, the_full_form_lacks_sections_targets_and_figures);
    tcase_add_test(t, the_simplified_form_under_fifty_staff);
    suite_add_tcase(s, t);
    return s;
}
