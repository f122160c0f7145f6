/* test_codec.c — the JSON rule format of API.md: decoding with JSON paths in errors,
 * values, encoding (round trip) and findings. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rule_json.h"
#include "suites.h"

static rules_rule N[RULE_JSON_MAX_NODES];
static rules_value VALS[RULE_JSON_MAX_VALUES];
static rules_error E;

static int dec(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    ck_assert_msg(j != NULL, "bad test JSON: %s", je.text);
    int rc = rule_json_decode(j, NULL, N, RULE_JSON_MAX_NODES, NULL, &E);
    json_decref(j);
    return rc;
}

/* Evaluates JSON value text with N[0]; returns the score or "ERR". */
static const char *evj(const char *value, char *ex, size_t exn)
{
    json_t *j = json_loads(value, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(j);
    rules_decimal s;
    int rc = rule_json_decode_value(j, &N[0], NULL, VALS, RULE_JSON_MAX_VALUES, NULL, &E);
    json_decref(j);
    if (rc < 0 || rules_evaluate(&N[0], &VALS[0], &s, ex, exn, &E) < 0)
        return "ERR";
    return dfmt(s);
}

START_TEST(api_examples)
{
    char ex[RULES_EXPLANATION_MAX];
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"bands\": [{\"min\": 90, \"score\": 100},"
                         "{\"min\": 85, \"max\": 90, \"score\": 80}, {\"max\": 75, \"score\": 0}]}"),
                     0);
    ck_assert_str_eq(evj("86.5", ex, sizeof ex), "80");
    ck_assert_str_eq(ex, "86.5 is in [85, 90) → 80");
    ck_assert_str_eq(evj("0.10000000000000001", NULL, 0), "0");
    ck_assert_str_eq(evj("true", NULL, 0), "ERR");
    ck_assert_str_eq(E.message, "must be a number");
    /* seed 000's 15 < n <= 18 */
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"direction\": \"lower_is_better\", \"bands\": ["
                         "{\"max\": 15, \"max_inclusive\": true, \"score\": 100},"
                         "{\"min\": 15, \"min_exclusive\": true, \"max\": 18, \"max_inclusive\": true, \"score\": 80},"
                         "{\"min\": 18, \"min_exclusive\": true, \"score\": 0}]}"),
                     0);
    ck_assert_int_eq(N[0].bands.direction, RULES_DIRECTION_LOWER);
    ck_assert_str_eq(evj("18", ex, sizeof ex), "80");
    ck_assert_str_eq(ex, "18 is in (15, 18] → 80");
    ck_assert_str_eq(evj("15.000000000000002", NULL, 0), "100");

    ck_assert_int_eq(dec("{\"kind\": \"boolean\"}"), 0);
    ck_assert_str_eq(evj("true", NULL, 0), "100");
    ck_assert_int_eq(dec("{\"kind\": \"linear\", \"target\": 60, \"baseline\": 0}"), 0);
    ck_assert_str_eq(evj("45", NULL, 0), "75");
    ck_assert_int_eq(dec("{\"kind\": \"deadline\", \"due\": \"2024-06-30\", \"bands\": ["
                         "{\"max\": 0, \"max_inclusive\": true, \"score\": 100},"
                         "{\"min\": 0, \"min_exclusive\": true, \"score\": 0}]}"),
                     0);
    ck_assert_int_eq(N[0].deadline.bands.integer, 1);
    ck_assert_str_eq(evj("\"2024-06-30\"", NULL, 0), "100");
    ck_assert_str_eq(evj("\"2024-07-01\"", NULL, 0), "0");
    ck_assert_str_eq(evj("\"2024-06-31\"", NULL, 0), "ERR");
    ck_assert_str_eq(E.field, "value");
    ck_assert_str_eq(E.message, "2024-06-31 is not a date: June has 30 days");
    ck_assert_int_eq(dec("{\"kind\": \"formula\", \"expr\": \"(assigned - lost) / assigned * 100\","
                         " \"then\": {\"kind\": \"bands\", \"bands\": [{\"min\": 90, \"score\": 100},"
                         " {\"max\": 90, \"score\": 0}]}}"),
                     0);
    ck_assert_str_eq(evj("{\"assigned\": 80, \"lost\": 5}", ex, sizeof ex), "100");
    ck_assert_str_eq(ex, "(assigned - lost) / assigned * 100 = 93.75; 93.75 is in [90, +∞) → 100");
    ck_assert_str_eq(evj("{\"assigned\": 80}", NULL, 0), "ERR");
    ck_assert_str_eq(E.message, "unknown input 'lost' at character 13");
    ck_assert_int_eq(dec("{\"kind\": \"all_targets\", \"parts\": [{\"kind\": \"linear\", \"target\": 100},"
                         " {\"kind\": \"linear\", \"target\": 75}]}"),
                     0);
    ck_assert_str_eq(evj("[100, 60]", NULL, 0), "90");
    ck_assert_str_eq(evj("[100]", NULL, 0), "ERR");
}
END_TEST

START_TEST(errors_name_the_path)
{
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"bands\": [{\"min\": 90, \"score\": 100},"
                         "{\"min\": 85, \"max\": \"90\", \"score\": 80}, {\"max\": 75, \"score\": 0}]}"),
                     -1);
    ck_assert_str_eq(E.field, "rule.bands[1].max");
    ck_assert_str_eq(E.message, "must be a number");
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"bands\": [{\"min\": 90, \"score\": 100.005}]}"), -1);
    ck_assert_str_eq(E.field, "rule.bands[0].score");
    ck_assert_str_eq(E.message, "100.005 has more than 2 decimals");
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"bands\": [{\"mn\": 90, \"score\": 100}]}"), -1);
    ck_assert_str_eq(E.field, "rule.bands[0].mn");
    ck_assert_str_eq(E.message, "unknown key");
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"bands\": []}"), -1);
    ck_assert_int_eq(dec("{\"kind\": \"bands\"}"), -1);
    ck_assert_str_eq(E.field, "rule.bands");
    ck_assert_int_eq(dec("{\"kind\": \"stars\"}"), -1);
    ck_assert_str_eq(E.field, "rule.kind");
    ck_assert_int_eq(dec("{}"), -1);
    ck_assert_int_eq(dec("[]"), -1);
    ck_assert_str_eq(E.field, "rule");
    ck_assert_int_eq(dec("{\"kind\": \"deadline\", \"due\": \"2024-06-31\"}"), -1);
    ck_assert_str_eq(E.field, "rule.due");
    ck_assert_int_eq(dec("{\"kind\": \"formula\", \"expr\": \"(a - b\"}"), -1);
    ck_assert_str_eq(E.field, "rule.expr");
    ck_assert_int_eq(
        dec("{\"kind\": \"all_targets\", \"parts\": [{\"kind\": \"boolean\"}, {\"kind\": \"linear\", \"target\": 1, \"baseline\": 1}]}"),
        -1);
    ck_assert_str_eq(E.field, "rule.parts[1].target");
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"integer\": 1, \"bands\": [{\"score\": 100}]}"), -1);
    ck_assert_str_eq(E.field, "rule.integer");
    ck_assert_int_eq(dec("{\"kind\": \"bands\", \"bands\": [{\"min\": 1e300, \"score\": 100}]}"), -1);
    /* nesting is bounded */
    ck_assert_int_eq(dec("{\"kind\":\"formula\",\"expr\":\"a\",\"then\":{\"kind\":\"formula\",\"expr\":\"a\",\"then\":"
                         "{\"kind\":\"formula\",\"expr\":\"a\",\"then\":{\"kind\":\"formula\",\"expr\":\"a\",\"then\":"
                         "{\"kind\":\"boolean\"}}}}}"),
                     -1);
    ck_assert_str_eq(E.message, "rules nested too deeply");
    /* 33 bands */
    char big[4096] = "{\"kind\": \"bands\", \"bands\": [";
    for (int i = 0; i < 33; i++)
        strcat(big, i ? ",{\"score\": 1}" : "{\"score\": 1}");
    strcat(big, "]}");
    ck_assert_int_eq(dec(big), -1);
    ck_assert_str_eq(E.message, "at most 32 bands");
}
END_TEST

START_TEST(round_trip_and_findings)
{
    const char *src =
        "{\"kind\": \"bands\", \"integer\": true, \"bands\": [{\"min\": 3, \"score\": 100},"
        "{\"min\": 2, \"max\": 3, \"score\": 80}, {\"max\": 2, \"score\": 40.5, \"proportional\": true}]}";
    ck_assert_int_eq(dec(src), 0);
    json_t *out = rule_json_encode(&N[0]);
    ck_assert_ptr_nonnull(out);
    json_t *want = json_loads(src, 0, NULL);
    ck_assert(json_equal(out, want));
    json_decref(want);
    json_decref(out);

    rules_finding f[8];
    size_t n;
    rules_check(&N[0], "indicators[0].rule", f, 8, &n);
    ck_assert_uint_ge(n, 1);
    json_t *arr = rule_json_findings(f, n);
    ck_assert_ptr_nonnull(arr);
    json_t *first = json_array_get(arr, 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "code")), "band_proportional_end");
    ck_assert_str_eq(json_string_value(json_object_get(first, "severity")), "error");
    ck_assert_str_eq(json_string_value(json_object_get(first, "path")), "indicators[0].rule.bands[2]");
    json_decref(arr);

    json_t *r = rule_json_result(D("86.5"), "86.5 is in [85, 90) → 80");
    char *s = json_dumps(r, JSON_SORT_KEYS | JSON_COMPACT);
    ck_assert_str_eq(s, "{\"explanation\":\"86.5 is in [85, 90) → 80\",\"score\":86.5}");
    free(s);
    json_decref(r);

    /* every kind round-trips */
    const char *kinds[] = {
        "{\"kind\": \"boolean\"}",
        "{\"kind\": \"linear\", \"target\": 10, \"baseline\": 30}",
        "{\"kind\": \"deadline\", \"due\": \"2024-06-30\"}",
        "{\"kind\": \"formula\", \"expr\": \"a / b * 100\", \"then\": {\"kind\": \"linear\", \"target\": 60, \"baseline\": 0}}",
        "{\"kind\": \"all_targets\", \"parts\": [{\"kind\": \"boolean\"}, {\"kind\": \"linear\", \"target\": 75, \"baseline\": 0}]}",
        "{\"kind\": \"bands\", \"direction\": \"higher_is_better\", \"bands\": [{\"min\": 0.5, \"min_exclusive\": true, \"max\": 9.25, \"max_inclusive\": true, \"score\": 100}]}",
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ck_assert_int_eq(dec(kinds[i]), 0);
        out = rule_json_encode(&N[0]);
        want = json_loads(kinds[i], 0, NULL);
        ck_assert_msg(json_equal(out, want), "round trip of %s", kinds[i]);
        json_decref(want);
        json_decref(out);
    }
}
END_TEST

START_TEST(values)
{
    ck_assert_int_eq(dec("{\"kind\": \"formula\", \"expr\": \"a + b\"}"), 0);
    ck_assert_str_eq(evj("{\"a\": 1, \"b\": 2.5}", NULL, 0), "3.5");
    ck_assert_str_eq(evj("{\"a\": 1, \"b\": \"2\"}", NULL, 0), "ERR");
    ck_assert_str_eq(E.field, "value.b");
    ck_assert_str_eq(evj("{\"a b\": 1}", NULL, 0), "ERR");
    ck_assert_str_eq(E.message, "invalid input name");
    ck_assert_str_eq(evj("[1]", NULL, 0), "ERR");
    ck_assert_int_eq(
        dec("{\"kind\": \"all_targets\", \"parts\": [{\"kind\": \"boolean\"}, {\"kind\": \"deadline\", \"due\": \"2024-06-30\"}]}"),
        0);
    ck_assert_str_eq(evj("[true, \"2024-06-01\"]", NULL, 0), "100");
    ck_assert_str_eq(evj("[true, \"2024-07-01\"]", NULL, 0), "50");
    ck_assert_str_eq(evj("[true, 3]", NULL, 0), "ERR");
    ck_assert_str_eq(E.field, "value[1]");
}
END_TEST

Suite *codec_suite(void)
{
    Suite *s = suite_create("codec");
    TCase *tc = tcase_create("rule_json");
    tcase_add_test(tc, api_examples);
    tcase_add_test(tc, errors_name_the_path);
    tcase_add_test(tc, round_trip_and_findings);
    tcase_add_test(tc, values);
    suite_add_tcase(s, tc);
    return s;
}
