/* test_validate.c — the checks every write of the plan model goes through (src/codec/validate.c):
 * the cases of tests/cases/validate.json (bodies, patches, merge patches), and what no case file
 * can hold: a body checked after the problem's error list is full, and memory running out. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "codec/doc_fields.h"
#include "codec/validate.h"
#include "suites.h"

static const resource_spec *resource_named(const char *collection)
{
    for (int i = 0; i < model_resource_count; i++)
        if (strcmp(model_resources[i]->collection, collection) == 0)
            return model_resources[i];
    ck_abort_msg("no resource %s in codec/model.c", collection ? collection : "(none)");
    return NULL;
}

/* A validate case: the values given when valid, the problem when not. */
static void validate_case(json_t *c, const char *name)
{
    const resource_spec *r = resource_named(json_string_value(json_object_get(c, "resource")));
    const char *mode = json_string_value(json_object_get(c, "mode"));
    const char *prefix = json_string_value(json_object_get(c, "prefix"));
    json_t *values = json_object_get(c, "values"), *expect = json_object_get(c, "expect");
    ck_assert_msg((values != NULL) != (expect != NULL), "%s: give values or expect", name);
    problem p;
    problem_init(&p);
    field_values v;
    int rc = validate_object(r, json_object_get(c, "body"),
                             mode && strcmp(mode, "replace") == 0 ? VALIDATE_REPLACE : VALIDATE_CREATE,
                             prefix ? prefix : "", &v, &p);
    if (expect) {
        ck_assert_msg(rc == -1, "%s: accepted", name);
        expect_problem(&p, expect, name);
        for (int i = 0; i < VALUES_MAX; i++)
            ck_assert_msg(v.v[i] == NULL, "%s: values left behind after -1", name);
    } else {
        ck_assert_msg(rc == 0 && p.status == 0 && problem_count(&p) == 0, "%s: refused (%s)", name,
                      problem_count(&p) ? json_string_value(json_object_get(json_array_get(p.errors, 0), "message"))
                                        : p.detail);
        const char *field;
        json_t *want;
        json_object_foreach(values, field, want)
        {
            ck_assert_msg(model_field(r, field), "%s: %s is not a field of %s", name, field, r->name);
            const char *got = doc_fv(r, &v, field);
            if (json_is_null(want))
                ck_assert_msg(got == NULL, "%s: %s is \"%s\", expected none", name, field, got);
            else
                ck_assert_msg(got && strcmp(got, json_string_value(want)) == 0, "%s: %s is \"%s\", expected \"%s\"",
                              name, field, got ? got : "(none)", json_string_value(want));
        }
        field_values_free(&v);
    }
    problem_clear(&p);
}

static void patch_case(json_t *c, const char *name)
{
    const resource_spec *r = resource_named(json_string_value(json_object_get(c, "resource")));
    json_t *expect = json_object_get(c, "expect");
    problem p;
    problem_init(&p);
    int rc = validate_patch(r, json_object_get(c, "patch"), json_object_get(c, "current"), &p);
    if (expect) {
        ck_assert_msg(rc == -1, "%s: accepted", name);
        expect_problem(&p, expect, name);
    } else {
        ck_assert_msg(rc == 0 && problem_count(&p) == 0, "%s: refused", name);
    }
    problem_clear(&p);
}

static void merge_case(json_t *c, const char *name)
{
    json_t *got = merge_patch(json_object_get(c, "target"), json_object_get(c, "patch"));
    json_t *want = json_object_get(c, "result");
    char *text = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
    ck_assert_msg(got && json_equal(got, want), "%s: %s", name, text ? text : "NULL");
    free(text);
    json_decref(got);
}

START_TEST(cases)
{
    json_t *doc = load_cases("validate.json");
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(doc, "cases"), i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *kind = json_string_value(json_object_get(c, "kind"));
        ck_assert_msg(name != NULL, "case %zu has no name", i);
        if (!kind || strcmp(kind, "validate") == 0)
            validate_case(c, name);
        else if (strcmp(kind, "patch") == 0)
            patch_case(c, name);
        else if (strcmp(kind, "merge") == 0)
            merge_case(c, name);
        else
            ck_abort_msg("%s: unknown kind %s", name, kind);
    }
    json_decref(doc);
}
END_TEST

/* A plan document with hundreds of broken rows fills the problem's list (PROBLEM_MAX_ERRORS): a
 * row checked after that is still refused, its values never half-made. */
START_TEST(a_full_error_list_still_refuses)
{
    problem p;
    problem_init(&p);
    for (int i = 0; i < PROBLEM_MAX_ERRORS + 5; i++)
        problem_add(&p, "x", "broken");
    ck_assert_int_eq((int)json_array_size(p.errors), PROBLEM_MAX_ERRORS);
    json_t *phase = json_pack("{s:s, s:s}", "seq", "one", "description", "Avvio");
    field_values v;
    ck_assert_int_eq(validate_object(&model_phases, phase, VALIDATE_CREATE, "phases[0]", &v, &p), -1);
    ck_assert_int_eq(p.dropped, 6);
    json_t *body = problem_to_json(&p);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "errors_not_listed")), 6);
    json_decref(body);
    json_decref(phase);
    problem_clear(&p);
}
END_TEST

/* An object that could not be made (NULL) is memory run out: 503, and it stays 503 whatever
 * is set after it. */
START_TEST(no_object_is_out_of_memory)
{
    problem p;
    problem_init(&p);
    field_values v;
    ck_assert_int_eq(validate_object(&model_phases, NULL, VALIDATE_CREATE, "", &v, &p), -1);
    ck_assert_int_eq(p.status, 503);
    ck_assert_str_eq(p.code, "out_of_memory");
    problem_set(&p, 422, "validation_failed", "the document is not valid");
    ck_assert_int_eq(p.status, 503);
    ck_assert(problem_is_oom(&p));
    problem_clear(&p);
}
END_TEST

Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cases);
    tcase_add_test(tc, a_full_error_list_still_refuses);
    tcase_add_test(tc, no_object_is_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
