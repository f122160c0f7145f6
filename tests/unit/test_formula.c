/* test_formula.c — the expression language: arithmetic, exactness, errors, limits. */
#include <string.h>

#include "suites.h"

static rules_input IN[4];
static int NIN;

static void input(const char *name, const char *plain)
{
    strcpy(IN[NIN].name, name);
    IN[NIN].value = D(plain);
    NIN++;
}

static const char *ev(const char *expr, rules_error *e)
{
    rules_decimal d;
    if (rules_formula_eval(expr, IN, NIN, &d, e) < 0)
        return "ERR";
    return dfmt(d);
}

START_TEST(arithmetic)
{
    rules_error e;
    NIN = 0;
    input("assigned", "80");
    input("lost", "5");
    ck_assert_str_eq(ev("(assigned - lost) / assigned * 100", &e), "93.75");
    ck_assert_str_eq(ev("1 + 2 * 3", &e), "7");
    ck_assert_str_eq(ev("(1 + 2) * 3", &e), "9");
    ck_assert_str_eq(ev("-assigned + 100", &e), "20");
    ck_assert_str_eq(ev("- -3", &e), "3");
    ck_assert_str_eq(ev("10 / 4", &e), "2.5");
    ck_assert_str_eq(ev("min(assigned, lost, 7)", &e), "5");
    ck_assert_str_eq(ev("max(assigned, 100) - 1", &e), "99");
    ck_assert_str_eq(ev("min(max(assigned / lost * 10, 0), 100)", &e), "100");
    ck_assert_str_eq(ev("assigned × 2 ÷ 4 − 1", &e), "39");
    ck_assert_str_eq(ev("0.1 + 0.2", &e), "0.3"); /* exact, not 0.30000000000000004 */
    ck_assert_str_eq(ev("1 / 3 * 3", &e), "1");   /* 12 decimals inside, 4 outside */
    ck_assert_str_eq(ev("2 / 3", &e), "0.6667");
    ck_assert_str_eq(ev("-2 / 3", &e), "-0.6667");
    ck_assert_str_eq(ev("1000000000 * 1000000000", &e), "ERR"); /* beyond 9e13 at the end */
}
END_TEST

START_TEST(errors)
{
    rules_error e;
    NIN = 0;
    input("assigned", "0");
    input("lost", "5");
    ck_assert_str_eq(ev("(lost - 1) / assigned * 100", &e), "ERR");
    ck_assert_str_eq(e.message, "division by zero: 'assigned' is 0 at character 12");
    ck_assert_str_eq(ev("lost / (assigned * 2)", &e), "ERR");
    ck_assert_str_eq(e.message, "division by zero: '(assigned * 2)' is 0 at character 6");
    ck_assert_str_eq(ev("lost + gained", &e), "ERR");
    ck_assert_str_eq(e.message, "unknown input 'gained' at character 8");
    ck_assert_str_eq(e.hint, "inputs given: assigned, lost");
    ck_assert_str_eq(ev("(lost", &e), "ERR");
    ck_assert_str_eq(e.message, "expected ')' at character 6");
    ck_assert_str_eq(ev("lost)", &e), "ERR");
    ck_assert_str_eq(e.message, "unbalanced ')' at character 5");
    ck_assert_str_eq(ev("lost lost", &e), "ERR");
    ck_assert_str_eq(ev("", &e), "ERR");
    ck_assert_str_eq(e.message, "empty expression");
    ck_assert_str_eq(ev("sqrt(4)", &e), "ERR");
    ck_assert_str_eq(e.message, "unknown function 'sqrt' at character 1");
    ck_assert_str_eq(ev("1 +", &e), "ERR");
    ck_assert_str_eq(ev("2 ** 3", &e), "ERR");
    ck_assert_str_eq(ev("1.2.3", &e), "ERR");
    ck_assert_str_eq(ev("min()", &e), "ERR");
    ck_assert_str_eq(ev("1e3", &e), "ERR");
    ck_assert_str_eq(ev("9999999999999999999", &e), "ERR");
}
END_TEST

START_TEST(limits)
{
    rules_error e;
    char deep[200];
    NIN = 0;
    /* 32 levels are fine, 33 are not */
    memset(deep, 0, sizeof deep);
    for (int i = 0; i < 32; i++)
        strcat(deep, "(");
    strcat(deep, "1");
    for (int i = 0; i < 32; i++)
        strcat(deep, ")");
    ck_assert_str_eq(ev(deep, &e), "1");
    memmove(deep + 1, deep, strlen(deep) + 1);
    deep[0] = '(';
    strcat(deep, ")");
    ck_assert_str_eq(ev(deep, &e), "ERR");
    ck_assert_ptr_nonnull(strstr(e.message, "nested deeper than 32"));
    char lng[1100];
    memset(lng, ' ', sizeof lng);
    lng[0] = '1';
    lng[sizeof lng - 1] = '\0';
    ck_assert_str_eq(ev(lng, &e), "ERR");
    ck_assert_str_eq(e.message, "expression longer than 1024 characters");
    lng[1024] = '\0';
    ck_assert_str_eq(ev(lng, &e), "1");
}
END_TEST

START_TEST(input_names)
{
    char names[4][RULES_MAX_NAME];
    int n = 0;
    rules_error e;
    ck_assert_int_eq(rules_formula_check("(a - b) / a * 100 + min(c, x1)", names, 4, &n, &e), 0);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(names[0], "a");
    ck_assert_str_eq(names[1], "b");
    ck_assert_str_eq(names[2], "c");
    ck_assert_str_eq(names[3], "x1");
    /* the syntax check never divides */
    ck_assert_int_eq(rules_formula_check("a / (b - b)", NULL, 0, NULL, &e), 0);
    ck_assert_int_eq(rules_formula_check("a / ", NULL, 0, NULL, &e), -1);
}
END_TEST

Suite *formula_suite(void)
{
    Suite *s = suite_create("formula");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, arithmetic);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, input_names);
    suite_add_tcase(s, tc);
    return s;
}
