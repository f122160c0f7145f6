/* test_plan_diff.c — objective-by-objective changes between two plan documents
 * (src/codec/plan_diff.c). Register with srunner_add_suite(sr, plan_diff_suite()). */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "codec/plan_diff.h"

Suite *plan_diff_suite(void);

/* A plan document with the objectives given as a JSON array text. */
static json_t *doc(const char *objectives)
{
    json_error_t e;
    json_t *objs = json_loads(objectives, 0, &e);
    ck_assert_msg(objs != NULL, "bad test JSON: %s", e.text);
    return json_pack("{s:s, s:i, s:o}", "format", "ciclo-plan/1", "year", 2022, "objectives", objs);
}

/* The diff as compact JSON text (caller frees). */
static char *diff_text(const json_t *a, const json_t *b)
{
    json_t *d = plan_diff(a, b);
    ck_assert_ptr_nonnull(d);
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

#define SUT                                                                                                    \
    "{\"id\":1,\"code\":\"FIN-1\",\"title\":\"SUT\",\"end_year\":2022,\"assignments\":[{\"structure_code\":"   \
    "\"FIN\",\"weight\":25.00}],\"phases\":[{\"id\":7,\"seq\":1,\"description\":\"Formazione\",\"deadline\":"  \
    "\"2022-03-31\",\"weight\":25},{\"id\":8,\"seq\":2,\"description\":\"Avvio\",\"deadline\":\"2022-09-30\"," \
    "\"weight\":75}],\"indicators\":[{\"id\":3,\"code\":\"FIN-1.Q1\",\"name\":\"Procedimenti\",\"target\":1}]}"

START_TEST(unchanged_objectives_are_not_listed)
{
    json_t *a = doc("[" SUT "]"), *b = doc("[" SUT "]");
    char *s = diff_text(a, b);
    ck_assert_str_eq(s, "[]");
    free(s);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(inserted_removed_modified_by_code)
{
    json_t *a = doc("[" SUT ",{\"code\":\"FIN-2\",\"title\":\"Incassi\",\"phases\":[]}]");
    json_t *b = doc("[{\"code\":\"FIN-2-PNRR\",\"title\":\"PNRR\"}," SUT "]");
    json_object_set_new(json_array_get(json_object_get(b, "objectives"), 1), "end_year", json_integer(2023));
    char *s = diff_text(a, b);
    ck_assert_str_eq(s,
                     "[{\"code\":\"FIN-1\",\"title\":\"SUT\",\"change\":\"modified\",\"fields\":[\"end_year\"]},"
                     "{\"code\":\"FIN-2\",\"title\":\"Incassi\",\"change\":\"removed\",\"fields\":[]},"
                     "{\"code\":\"FIN-2-PNRR\",\"title\":\"PNRR\",\"change\":\"inserted\",\"fields\":[]}]");
    free(s);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(nested_lists_name_the_item_and_field)
{
    json_t *a = doc("[" SUT "]");
    json_t *b = doc(
        "[{\"id\":99,\"code\":\"FIN-1\",\"title\":\"SUT\",\"end_year\":2022,"
        "\"assignments\":[{\"structure_code\":\"FIN\",\"weight\":15},{\"person_external_id\":\"M1\","
        "\"weight\":10}],"
        "\"phases\":[{\"id\":70,\"seq\":1,\"description\":\"Formazione\",\"deadline\":\"2022-03-31\","
        "\"weight\":25.0},{\"id\":8,\"seq\":2,\"description\":\"Avvio\",\"deadline\":\"2023-03-31\","
        "\"weight\":50},{\"seq\":10,\"description\":\"Nuova\",\"deadline\":null,\"weight\":25}],"
        "\"indicators\":[{\"id\":3,\"code\":\"FIN-1.Q2\",\"name\":\"2023\",\"target\":100}]}]");
    char *s = diff_text(a, b);
    /* ids are not compared (phase 1 re-created with id 70 is unchanged; 25 equals 25.0);
     * phases sort by seq as numbers (2 before 10) */
    ck_assert_str_eq(s,
                     "[{\"code\":\"FIN-1\",\"title\":\"SUT\",\"change\":\"modified\",\"fields\":["
                     "\"assignments\",\"assignments[person:M1]\",\"assignments[structure:FIN].weight\","
                     "\"phases\",\"phases[2].deadline\",\"phases[2].weight\",\"phases[10]\","
                     "\"indicators\",\"indicators[FIN-1.Q1]\",\"indicators[FIN-1.Q2]\"]}]");
    free(s);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(first_revision_inserts_everything)
{
    json_t *b = doc("[{\"code\":\"B\",\"title\":\"b\"},{\"code\":\"A\",\"title\":\"a\"}]");
    char *s = diff_text(NULL, b);
    ck_assert_str_eq(s,
                     "[{\"code\":\"A\",\"title\":\"a\",\"change\":\"inserted\",\"fields\":[]},"
                     "{\"code\":\"B\",\"title\":\"b\",\"change\":\"inserted\",\"fields\":[]}]");
    free(s);
    json_decref(b);
}
END_TEST

START_TEST(null_and_absent_are_the_same_and_extra_fields_count)
{
    json_t *a = doc("[{\"code\":\"A\",\"title\":\"a\",\"mission\":null,\"colour\":\"red\"}]");
    json_t *b = doc("[{\"code\":\"A\",\"title\":\"a\",\"colour\":\"blue\",\"rule\":{\"kind\":\"boolean\"}}]");
    char *s = diff_text(a, b);
    ck_assert_str_eq(s, "[{\"code\":\"A\",\"title\":\"a\",\"change\":\"modified\",\"fields\":[\"colour\",\"rule\"]}]");
    free(s);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(declared_changes_are_listed_with_the_deliberation_as_source)
{
    /* A: declared modified, same text (the previous text is not known); B: declared and
     * changed; C: changed, not declared; D: declared inserted; E: unchanged, not declared */
    json_t *a = doc(
        "[{\"code\":\"A\",\"title\":\"a\"},{\"code\":\"B\",\"title\":\"b\"},"
        "{\"code\":\"C\",\"title\":\"c\"},{\"code\":\"E\",\"title\":\"e\"}]");
    json_t *b = doc(
        "[{\"code\":\"A\",\"title\":\"a\",\"revision_mark\":\"modified\"},"
        "{\"code\":\"B\",\"title\":\"b2\",\"revision_mark\":\"modified\"},"
        "{\"code\":\"C\",\"title\":\"c2\",\"revision_mark\":null},"
        "{\"code\":\"D\",\"title\":\"d\",\"revision_mark\":\"inserted\"},{\"code\":\"E\",\"title\":\"e\"}]");
    char *s = diff_text(a, b);
    ck_assert_str_eq(s,
                     "[{\"code\":\"A\",\"title\":\"a\",\"change\":\"modified\",\"fields\":[],"
                     "\"source\":\"deliberation\",\"declared\":\"modified\"},"
                     "{\"code\":\"B\",\"title\":\"b2\",\"change\":\"modified\",\"fields\":[\"title\"],"
                     "\"source\":\"deliberation\",\"declared\":\"modified\"},"
                     "{\"code\":\"C\",\"title\":\"c2\",\"change\":\"modified\",\"fields\":[\"title\"]},"
                     "{\"code\":\"D\",\"title\":\"d\",\"change\":\"inserted\",\"fields\":[],"
                     "\"source\":\"deliberation\",\"declared\":\"inserted\"}]");
    free(s);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(not_a_plan_document)
{
    json_t *x = json_pack("{s:s}", "format", "something else");
    ck_assert_ptr_null(plan_diff(NULL, x));
    ck_assert_ptr_null(plan_diff(x, NULL));
    json_decref(x);
}
END_TEST

Suite *plan_diff_suite(void)
{
    Suite *s = suite_create("plan_diff");
    TCase *tc = tcase_create("plan_diff");
    tcase_add_test(tc, unchanged_objectives_are_not_listed);
    tcase_add_test(tc, inserted_removed_modified_by_code);
    tcase_add_test(tc, nested_lists_name_the_item_and_field);
    tcase_add_test(tc, first_revision_inserts_everything);
    tcase_add_test(tc, null_and_absent_are_the_same_and_extra_fields_count);
    tcase_add_test(tc, declared_changes_are_listed_with_the_deliberation_as_source);
    tcase_add_test(tc, not_a_plan_document);
    suite_add_tcase(s, tc);
    return s;
}
