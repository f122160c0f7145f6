/* test_rule_form.c — codec/rule_form.h: every rule kind decoded from JSON, written as its compact
 * form and read back is the same rule (field by field, and by its scores); a form that is
 * truncated, of another version or damaged is refused. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rule_form.h"
#include "codec/rule_json.h"
#include "suites.h"

static rules_rule J[RULE_JSON_MAX_NODES], F[RULE_JSON_MAX_NODES];

static void same_bands(const rules_bands *a, const rules_bands *b)
{
    ck_assert_int_eq(a->count, b->count);
    ck_assert_int_eq(a->integer, b->integer);
    ck_assert_int_eq(a->direction, b->direction);
    for (int i = 0; i < a->count; i++) {
        const rules_band *x = &a->band[i], *y = &b->band[i];
        ck_assert(x->min.units == y->min.units && x->max.units == y->max.units && x->score.units == y->score.units);
        ck_assert(x->has_min == y->has_min && x->has_max == y->has_max && x->min_exclusive == y->min_exclusive &&
                  x->max_inclusive == y->max_inclusive && x->proportional == y->proportional);
    }
}

/* a and b are the same rule, nested rules included. */
static void same_rule(const rules_rule *a, const rules_rule *b)
{
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(a->kind, b->kind);
    switch (a->kind) {
    case RULES_KIND_BANDS: same_bands(&a->bands, &b->bands); break;
    case RULES_KIND_BOOLEAN: break;
    case RULES_KIND_LINEAR:
        ck_assert(a->linear.target.units == b->linear.target.units);
        ck_assert(a->linear.baseline.units == b->linear.baseline.units);
        break;
    case RULES_KIND_DEADLINE:
        ck_assert_int_eq(rules_date_compare(a->deadline.due, b->deadline.due), 0);
        same_bands(&a->deadline.bands, &b->deadline.bands);
        break;
    case RULES_KIND_FORMULA:
        ck_assert_str_eq(a->formula.expr, b->formula.expr);
        ck_assert_int_eq(a->formula.then != NULL, b->formula.then != NULL);
        if (a->formula.then)
            same_rule(a->formula.then, b->formula.then);
        break;
    case RULES_KIND_ALL_TARGETS:
        ck_assert_int_eq(a->all_targets.count, b->all_targets.count);
        for (int i = 0; i < a->all_targets.count; i++)
            same_rule(a->all_targets.part[i], b->all_targets.part[i]);
        break;
    }
}

/* Decodes rule JSON text, writes its form, reads it back and compares; returns the form's length.
 * value (JSON text, may be NULL) is scored with both rules: the same score or the same error. */
static size_t round_trip(const char *text, const char *value)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    ck_assert_msg(j != NULL, "bad test JSON: %s", je.text);
    rules_error e;
    size_t used_j = 0, used_f = 0;
    ck_assert_msg(rule_json_decode(j, NULL, J, RULE_JSON_MAX_NODES, &used_j, &e) == 0, "%s: %s", text, e.message);
    json_decref(j);
    buf f;
    buf_init(&f, 0);
    ck_assert_int_eq(rule_form_encode(&J[0], &f), 0);
    ck_assert_msg(rule_form_decode(f.data, f.len, F, RULE_JSON_MAX_NODES, &used_f) == 0, "form %s", f.data);
    ck_assert_uint_eq(used_f, used_j);
    same_rule(&J[0], &F[0]);
    buf again; /* the form read back writes the same form */
    buf_init(&again, 0);
    ck_assert_int_eq(rule_form_encode(&F[0], &again), 0);
    ck_assert_str_eq(again.data, f.data);
    buf_free(&again);
    if (value) {
        rules_value vj[RULE_JSON_MAX_VALUES], vf[RULE_JSON_MAX_VALUES];
        json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
        ck_assert_ptr_nonnull(v);
        int dj = rule_json_decode_value(v, &J[0], NULL, vj, RULE_JSON_MAX_VALUES, NULL, &e);
        int df = rule_json_decode_value(v, &F[0], NULL, vf, RULE_JSON_MAX_VALUES, NULL, &e);
        json_decref(v);
        ck_assert_int_eq(dj, df);
        if (dj == 0) {
            rules_decimal sj = {0}, sf = {0};
            char xj[RULES_EXPLANATION_MAX], xf[RULES_EXPLANATION_MAX];
            int rj = rules_evaluate(&J[0], &vj[0], &sj, xj, sizeof xj, &e);
            int rf = rules_evaluate(&F[0], &vf[0], &sf, xf, sizeof xf, &e);
            ck_assert_int_eq(rj, rf);
            ck_assert(rj < 0 || (sj.units == sf.units && strcmp(xj, xf) == 0));
        }
    }
    size_t n = f.len;
    buf_free(&f);
    return n;
}

static const char *const kinds[][2] = {
    {"{\"kind\": \"bands\", \"bands\": [{\"min\": 90, \"score\": 100}, {\"min\": 85, \"max\": 90, \"score\": 80},"
     " {\"max\": 85, \"score\": 0}]}",
     "86.5"},
    {"{\"kind\": \"bands\", \"direction\": \"lower_is_better\", \"integer\": true, \"bands\": [{\"max\": 15, "
     "\"max_inclusive\": true, \"score\": 100}, {\"min\": 15, \"min_exclusive\": true, \"max\": 18, "
     "\"max_inclusive\": true, \"score\": 80.5, \"proportional\": true}, {\"min\": 18, \"min_exclusive\": true, "
     "\"score\": 0, \"description\": \"late\"}]}",
     "17"},
    {"{\"kind\": \"bands\", \"direction\": \"higher_is_better\", \"bands\": [{\"min\": -90000000000000, \"max\": "
     "0.0001, \"score\": 0}, {\"min\": 0.0001, \"score\": 99.99}]}",
     "-3.25"},
    {"{\"kind\": \"boolean\", \"description\": \"done or not\"}", "true"},
    {"{\"kind\": \"linear\", \"target\": 100, \"baseline\": 40.25}", "70"},
    {"{\"kind\": \"linear\", \"target\": -5}", "-1"},
    {"{\"kind\": \"deadline\", \"due\": \"2024-06-30\"}", "\"2024-07-02\""},
    {"{\"kind\": \"deadline\", \"due\": \"2024-02-29\", \"bands\": [{\"max\": 0, \"max_inclusive\": true, \"score\": "
     "100}, {\"min\": 0, \"min_exclusive\": true, \"max\": 30, \"score\": 50}, {\"min\": 30, \"score\": 0}]}",
     "\"2024-03-10\""},
    {"{\"kind\": \"formula\", \"expr\": \"(a - b) / a × 100 − min(a, 2)\"}", "{\"a\": 10, \"b\": 2}"},
    {"{\"kind\": \"formula\", \"expr\": \"max(x, y) * 2\", \"then\": {\"kind\": \"bands\", \"bands\": [{\"min\": 10, "
     "\"score\": 100}, {\"max\": 10, \"score\": 0}]}}",
     "{\"x\": 3, \"y\": 7}"},
    {"{\"kind\": \"all_targets\", \"parts\": [{\"kind\": \"boolean\"}, {\"kind\": \"linear\", \"target\": 10}, "
     "{\"kind\": \"all_targets\", \"parts\": [{\"kind\": \"deadline\", \"due\": \"2025-01-01\"}, {\"kind\": "
     "\"formula\", \"expr\": \"a\", \"then\": {\"kind\": \"boolean\"}}]}]}",
     "[true, 5, [\"2024-12-31\", {\"a\": 1}]]"},
};

START_TEST(every_kind_round_trips)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        round_trip(kinds[i][0], kinds[i][1]);
    /* 32 bands and the longest expression */
    char big[4096];
    size_t o = (size_t)snprintf(big, sizeof big, "{\"kind\": \"bands\", \"bands\": [");
    for (int i = 0; i < RULES_MAX_BANDS; i++)
        o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"min\": %d.25, \"max\": %d.25, \"score\": %d}",
                              i ? ", " : "", i, i + 1, i * 3);
    snprintf(big + o, sizeof big - o, "]}");
    round_trip(big, "7.5");
    o = (size_t)snprintf(big, sizeof big, "{\"kind\": \"formula\", \"expr\": \"");
    for (int i = 0; i < RULES_MAX_EXPR / 4; i++)
        o += (size_t)snprintf(big + o, sizeof big - o, "%s", i ? "+a  " : "a   ");
    snprintf(big + o, sizeof big - o, "\"}");
    round_trip(big, "{\"a\": 0.1}");
}
END_TEST

/* Every rule of the example plans (the JSON files of examples/, when the tests run from the repository). */
static int walk(const json_t *j, int *n)
{
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v)
        {
            if (strcmp(k, "rule") == 0 && json_is_object(v)) {
                char *t = json_dumps(v, 0);
                json_t *again = json_loads(t, 0, NULL);
                rules_error e;
                if (again && rule_json_decode(again, NULL, J, RULE_JSON_MAX_NODES, NULL, &e) == 0) {
                    round_trip(t, NULL);
                    (*n)++;
                }
                json_decref(again);
                free(t);
            } else {
                walk(v, n);
            }
        }
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            walk(json_array_get(j, i), n);
    }
    return *n;
}

START_TEST(example_rules_round_trip)
{
    static const char *const files[] = {"examples/torino-2024.json", "examples/tortona-2024.json",
                                        "examples/caluso-2022-r1.json", "examples/venezia-peg-2020.json",
                                        "examples/monitoring/monitoring.json"};
    int n = 0, read = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        json_t *j = json_load_file(files[i], 0, NULL);
        if (!j)
            continue;
        read++;
        walk(j, &n);
        json_decref(j);
    }
    ck_assert_msg(read == 0 || n > 0, "the example plans hold no rule");
}
END_TEST

START_TEST(damaged_forms_are_refused)
{
    buf f;
    buf_init(&f, 0);
    size_t used;
    round_trip(kinds[10][0], NULL); /* J: all_targets with every other kind inside */
    ck_assert_int_eq(rule_form_encode(&J[0], &f), 0);
    /* every truncation */
    for (size_t n = 0; n < f.len; n++)
        ck_assert_msg(rule_form_decode(f.data, n, F, RULE_JSON_MAX_NODES, &used) < 0, "prefix %zu read", n);
    ck_assert_int_eq(rule_form_decode(f.data, f.len, F, RULE_JSON_MAX_NODES, &used), 0);
    /* too few nodes to hold it */
    ck_assert_int_lt(rule_form_decode(f.data, f.len, F, used - 1, &used), 0);
    buf_free(&f);
    static const char *const bad[] = {
        "",
        "r1",
        "r2 T",
        "r1 T ",
        "r1 T T",
        "r1  T",
        "r1 X",
        "r1 B 0 0 0",                           /* bands need one band */
        "r1 B 0 0 1 0 0 0 100",                 /* fine ... */
        "r1 B 0 0 1 0 5 0 100",                 /* ... but a min without has_min */
        "r1 B 0 0 1 32 0 0 100",                /* unknown flag */
        "r1 B 0 3 1 0 0 0 100",                 /* direction */
        "r1 B 2 0 1 0 0 0 100",                 /* integer */
        "r1 B 0 0 1 0 0 0 150",                 /* a score with 4 decimals */
        "r1 B 0 0 1 0 0 0 0100",                /* leading zero */
        "r1 B 0 0 1 0 0 0 -0",                  /* negative zero */
        "r1 L 5 5",                             /* target equals baseline */
        "r1 L 900000000000000001 0",            /* out of range */
        "r1 L 99999999999999999999 0",          /* overflow */
        "r1 D 2023 2 29 0 0 0",                 /* not a date */
        "r1 F 3 a+b 0",                         /* fine ... */
        "r1 F 3 a+( 0",                         /* ... but a bad expression */
        "r1 F 4 a+b 0",                         /* a length that does not match */
        "r1 F 0  0",                            /* an empty expression */
        "r1 A 0",                               /* no parts */
        "r1 A 2 T",                             /* a missing part */
        "r1 A 1 A 1 A 1 A 1 T",                 /* nested too deeply */
        "r1 F 1 a 1 F 1 a 1 F 1 a 1 F 1 a 1 T", /* nested too deeply */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ok = i == 8 || i == 20;
        ck_assert_msg((rule_form_decode(bad[i], strlen(bad[i]), F, RULE_JSON_MAX_NODES, &used) == 0) == ok,
                      "form \"%s\" %s", bad[i], ok ? "refused" : "read");
    }
    char nul[] = "r1 F 3 a\0b 0";
    ck_assert_int_lt(rule_form_decode(nul, sizeof nul - 1, F, RULE_JSON_MAX_NODES, &used), 0);
}
END_TEST

Suite *rule_form_suite(void)
{
    Suite *s = suite_create("rule_form");
    TCase *tc = tcase_create("rule_form");
    tcase_add_test(tc, every_kind_round_trips);
    tcase_add_test(tc, example_rules_round_trip);
    tcase_add_test(tc, damaged_forms_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
