/* test_kinds.c — boolean, linear, deadline, formula and all_targets rules. */
#include <string.h>

#include "suites.h"

static char EX[RULES_EXPLANATION_MAX];
static rules_error E;

static const char *eval(const rules_rule *r, const rules_value *v)
{
    rules_decimal s;
    if (rules_evaluate(r, v, &s, EX, sizeof EX, &E) < 0)
        return "ERR";
    return dfmt(s);
}

START_TEST(boolean)
{
    rules_rule r;
    rules_rule_init(&r, RULES_KIND_BOOLEAN); /* seed 000: "Tipo Si/No" */
    rules_value v = rules_value_bool(1);
    ck_assert_str_eq(eval(&r, &v), "100");
    ck_assert_str_eq(EX, "true → 100");
    v = rules_value_bool(0);
    ck_assert_str_eq(eval(&r, &v), "0");
    ck_assert_str_eq(EX, "false → 0");
    v = rules_value_number(D("1"));
    ck_assert_str_eq(eval(&r, &v), "ERR");
}
END_TEST

START_TEST(linear)
{
    rules_rule r;
    rules_rule_init(&r, RULES_KIND_LINEAR);
    r.linear.target = D("60");
    r.linear.baseline = D("0");
    rules_value v = rules_value_number(D("45"));
    ck_assert_str_eq(eval(&r, &v), "75");
    ck_assert_str_eq(EX, "(45 - 0) / (60 - 0) × 100 → 75");
    v = rules_value_number(D("90"));
    ck_assert_str_eq(eval(&r, &v), "100");
    ck_assert_str_eq(EX, "(90 - 0) / (60 - 0) × 100 = 150, capped at 100 → 100");
    v = rules_value_number(D("-6"));
    ck_assert_str_eq(eval(&r, &v), "0");
    v = rules_value_number(D("20"));
    ck_assert_str_eq(eval(&r, &v), "33.33");
    /* lower is better: from 30 days down to 10 */
    r.linear.target = D("10");
    r.linear.baseline = D("30");
    v = rules_value_number(D("20"));
    ck_assert_str_eq(eval(&r, &v), "50");
    v = rules_value_number(D("8"));
    ck_assert_str_eq(eval(&r, &v), "100");
    v = rules_value_number(D("35"));
    ck_assert_str_eq(eval(&r, &v), "0");
    r.linear.target = r.linear.baseline;
    ck_assert_str_eq(eval(&r, &v), "ERR");
}
END_TEST

START_TEST(deadline)
{
    rules_rule r;
    rules_rule_init(&r, RULES_KIND_DEADLINE);
    r.deadline.due = (rules_date){2024, 6, 30};
    rules_value v = rules_value_date((rules_date){2024, 6, 30});
    ck_assert_str_eq(eval(&r, &v), "100");
    ck_assert_str_eq(EX, "completed 2024-06-30, on the due date; on time → 100");
    v.date = (rules_date){2024, 7, 1};
    ck_assert_str_eq(eval(&r, &v), "0");
    ck_assert_str_eq(EX, "completed 2024-07-01, 1 day after 2024-06-30; late → 0");
    /* bands on days late: <= 0 → 100, 1..10 → 80, 11..30 → 50, > 30 → 0 */
    rules_bands_add(&r.deadline.bands, B(NULL, 0, "0", 1, "100"));
    rules_bands_add(&r.deadline.bands, B("1", 0, "10", 1, "80"));
    rules_bands_add(&r.deadline.bands, B("11", 0, "30", 1, "50"));
    rules_bands_add(&r.deadline.bands, B("30", 1, NULL, 0, "0"));
    v.date = (rules_date){2024, 6, 20};
    ck_assert_str_eq(eval(&r, &v), "100");
    ck_assert_str_eq(EX, "completed 2024-06-20, 10 days before 2024-06-30; days late: -10 is in (-∞, 0] → 100");
    v.date = (rules_date){2024, 7, 10};
    ck_assert_str_eq(eval(&r, &v), "80");
    v.date = (rules_date){2024, 7, 11};
    ck_assert_str_eq(eval(&r, &v), "50");
    v.date = (rules_date){2024, 7, 30};
    ck_assert_str_eq(eval(&r, &v), "50");
    v.date = (rules_date){2024, 7, 31};
    ck_assert_str_eq(eval(&r, &v), "0");
    /* integer gaps: 10 and 11 are adjacent for days; the checker agrees */
    rules_finding f[8];
    size_t n;
    ck_assert_int_eq(rules_check(&r, NULL, f, 8, &n), 0);
    ck_assert_uint_eq(n, 0);
    v.date = (rules_date){2024, 6, 31};
    ck_assert_str_eq(eval(&r, &v), "ERR");
}
END_TEST

START_TEST(formula_then)
{
    rules_rule r, then;
    rules_rule_init(&then, RULES_KIND_BANDS);
    rules_bands_add(&then.bands, B("90", 0, NULL, 0, "100"));
    rules_bands_add(&then.bands, B(NULL, 0, "90", 0, "50"));
    rules_rule_init(&r, RULES_KIND_FORMULA);
    strcpy(r.formula.expr, "(assigned - lost) / assigned * 100");
    r.formula.then = &then;
    rules_value v;
    memset(&v, 0, sizeof v);
    v.kind = RULES_VALUE_INPUTS;
    v.n_inputs = 2;
    strcpy(v.inputs[0].name, "assigned");
    v.inputs[0].value = D("80");
    strcpy(v.inputs[1].name, "lost");
    v.inputs[1].value = D("5");
    ck_assert_str_eq(eval(&r, &v), "100");
    ck_assert_str_eq(EX, "(assigned - lost) / assigned * 100 = 93.75; 93.75 is in [90, +∞) → 100");
    v.inputs[0].value = D("0");
    ck_assert_str_eq(eval(&r, &v), "ERR");
    ck_assert_str_eq(E.field, "rule.expr");
    /* without then the result is the score, which must be 0..100 */
    r.formula.then = NULL;
    v.inputs[0].value = D("80");
    ck_assert_str_eq(eval(&r, &v), "93.75");
    strcpy(r.formula.expr, "assigned * 2");
    ck_assert_str_eq(eval(&r, &v), "ERR");
    ck_assert_str_eq(E.message, "the formula gives 160, outside 0..100");
}
END_TEST

/* Seed 000 row 38 (TAO): 100% of the 2024 cases and >= 75% of the 2025 ones; "se uno dei due
 * parametri non viene raggiunto si valuta lo scostamento % rispetto ai target attesi". */
START_TEST(all_targets)
{
    rules_rule r, p[2];
    rules_rule_init(&p[0], RULES_KIND_LINEAR);
    p[0].linear.target = D("100");
    rules_rule_init(&p[1], RULES_KIND_LINEAR);
    p[1].linear.target = D("75");
    rules_rule_init(&r, RULES_KIND_ALL_TARGETS);
    r.all_targets.count = 2;
    r.all_targets.part[0] = &p[0];
    r.all_targets.part[1] = &p[1];
    rules_value parts[2] = {rules_value_number(D("100")), rules_value_number(D("80"))};
    rules_value v;
    memset(&v, 0, sizeof v);
    v.kind = RULES_VALUE_PARTS;
    v.n_parts = 2;
    v.parts = parts;
    ck_assert_str_eq(eval(&r, &v), "100");
    ck_assert_str_eq(
        EX,
        "part 1: (100 - 0) / (100 - 0) × 100 → 100; part 2: (80 - 0) / (75 - 0) × 100 = 106.67, capped at 100 → 100; every target met → 100");
    parts[1] = rules_value_number(D("60"));
    ck_assert_str_eq(eval(&r, &v), "90");
    ck_assert_ptr_nonnull(strstr(EX, "1 of 2 targets met: mean → 90"));
    v.n_parts = 1;
    ck_assert_str_eq(eval(&r, &v), "ERR");
    ck_assert_str_eq(E.message, "the rule has 2 parts but 1 values were given");
    v.n_parts = 2;
    parts[1] = rules_value_bool(1);
    ck_assert_str_eq(eval(&r, &v), "ERR");
    ck_assert_str_eq(E.field, "value[1]");
}
END_TEST

Suite *kinds_suite(void)
{
    Suite *s = suite_create("kinds");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, boolean);
    tcase_add_test(tc, linear);
    tcase_add_test(tc, deadline);
    tcase_add_test(tc, formula_then);
    tcase_add_test(tc, all_targets);
    suite_add_tcase(s, tc);
    return s;
}
