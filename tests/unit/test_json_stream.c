/* test_json_stream.c — a JSON object split member by member and an array read item by item
 * (src/codec/json_stream.c), and the plan document checked that way (doc_check_parts) giving
 * what the whole tree gives (doc_check): the same rows, errors and warnings. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/json_stream.h"
#include "codec/plan_doc_check.h"

Suite *json_stream_suite(void);

/* The split of text and its items joined as "rest|item;item;...", or "-1" / "0:rest". */
static char *split_text(const char *text)
{
    json_t *rest = NULL;
    size_t at = 9, len = 9;
    int r = json_split_array(text, strlen(text), "objectives", &rest, &at, &len);
    static char out[512];
    if (r < 0) {
        ck_assert_ptr_null(rest);
        return strcpy(out, "-1");
    }
    char *d = json_dumps(rest, JSON_COMPACT);
    snprintf(out, sizeof out, "%s%s|", r == 0 ? "0:" : "", d);
    free(d);
    json_decref(rest);
    if (r == 0) {
        ck_assert_uint_eq(len, 0);
        return out;
    }
    json_items it;
    json_items_init(&it, text + at, len);
    json_t *item;
    int k;
    while ((k = json_items_next(&it, &item)) == 1) {
        char *e = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
        strncat(out, e, sizeof out - strlen(out) - 2);
        strcat(out, ";");
        free(e);
        json_decref(item);
    }
    ck_assert_int_eq(k, 0);
    ck_assert_int_eq(json_items_next(&it, &item), 0); /* and stays at the end */
    return out;
}

START_TEST(an_object_splits_into_members_and_items)
{
    ck_assert_str_eq(split_text("{\"a\":1,\"objectives\":[{\"x\":1}, 2 ,[3,\"]\"]],\"b\":\"z\"}"),
                     "{\"a\":1,\"b\":\"z\"}|{\"x\":1};2;[3,\"]\"];");
    ck_assert_str_eq(split_text(" \n{ \"objectives\" : [ ] }\r\n "), "{}|");
    ck_assert_str_eq(split_text("{\"objectives\":[-1.5e3,true,null,\"\\u00e8\"]}"), "{}|-1500.0;true;null;\"è\";");
    ck_assert_str_eq(split_text("{}"), "0:{}|");
    ck_assert_str_eq(split_text("{\"objectives\":null,\"y\":[1]}"), "0:{\"objectives\":null,\"y\":[1]}|");
    ck_assert_str_eq(split_text("{\"objectives\":{\"a\":1}}"), "0:{\"objectives\":{\"a\":1}}|");
}
END_TEST

START_TEST(what_is_not_one_well_formed_object_is_left_to_the_caller)
{
    static const char *const bad[] = {
        "",
        "[1]",
        "\"objectives\"",
        "{\"objectives\":[1,]}",
        "{\"objectives\":[1 2]}",
        "{\"objectives\":[1]",
        "{\"objectives\":[{\"b\":1,\"b\":2}]}", /* duplicate keys, as a whole body refuses them */
        "{\"a\":{\"b\":1,\"b\":2}}",
        "{\"a\":1,\"a\":2}",
        "{\"objectives\":[],\"objectives\":[]}",
        "{\"objectives\":[],\"objectives\":null}",
        "{\"a\":1} x",
        "{\"a\":1,}",
        "{a:1}",
        "{\"a\" 1}",
        "{\"objectives\":[\"\\u0000\"]}",
        NULL,
    };
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(strcmp(split_text(bad[i]), "-1") == 0, "%s: %s", bad[i], split_text(bad[i]));
}
END_TEST

START_TEST(a_text_with_a_nul_byte_is_left_to_the_caller)
{
    /* jansson reads [6<NUL>] inside the array as [6] and ends the array at the next ']', so
     * the rest would read as members: the whole text is not an object (a ':' in an array) */
    static const char text[] = "{\"a\":1,\"objectives\":[{\"\":\"\"},4,\"s\",[6\0],\"\":{\"c\":null}}";
    json_error_t e;
    ck_assert_ptr_null(json_loadb(text, sizeof text - 1, JSON_REJECT_DUPLICATES, &e));
    json_t *rest = json_true(); /* a singleton: overwritten, never freed, never leaked */
    size_t at = 9, len = 9;
    ck_assert_int_eq(json_split_array(text, sizeof text - 1, "objectives", &rest, &at, &len), -1);
    ck_assert_ptr_null(rest);
    ck_assert_uint_eq(at + len, 0);
    static const char plain[] = "{\"objectives\":[1]}\0";
    ck_assert_int_eq(json_split_array(plain, sizeof plain - 1, "objectives", &rest, &at, &len), -1);
    ck_assert_ptr_null(rest);
}
END_TEST

/* doc_check of the tree and doc_check_parts of the split text give the same problem, rows
 * and warnings. */
static void same_check(const char *text, int expected_errors)
{
    json_t *tree = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    ck_assert_ptr_nonnull(tree);
    json_t *rest = NULL;
    size_t at = 0, len = 0;
    ck_assert_int_eq(json_split_array(text, strlen(text), "objectives", &rest, &at, &len), 1);
    problem p[2];
    doc_state s[2];
    char *rows[2][4];
    json_t *warnings[2];
    int total[2];
    for (int k = 0; k < 2; k++) {
        problem_init(&p[k]);
        doc_state_init(&s[k], &p[k]);
        ck_assert_int_eq(k ? doc_check_parts(&s[k], rest, text + at, len) : doc_check(&s[k], tree), 0);
        warnings[k] = doc_warnings(&s[k], &total[k]);
        if (k) /* the rows outlive the checker's model */
            doc_state_drop_checker(&s[k]);
        ck_assert_int_eq(doc_content_rows(&s[k], rows[k], &p[k]), 0);
    }
    ck_assert_int_eq(p[0].status, p[1].status);
    ck_assert(p[0].errors == p[1].errors || json_equal(p[0].errors, p[1].errors)); /* NULL: none */
    ck_assert_int_eq(problem_count(&p[0]), expected_errors);
    ck_assert(json_equal(warnings[0], warnings[1]));
    ck_assert_int_eq(total[0], total[1]);
    for (int t = 0; t < 4; t++)
        ck_assert_str_eq(rows[0][t], rows[1][t]);
    for (int k = 0; k < 2; k++) {
        for (int t = 0; t < 4; t++)
            free(rows[k][t]);
        json_decref(warnings[k]);
        doc_state_free(&s[k]);
        problem_clear(&p[k]);
    }
    json_decref(rest);
    json_decref(tree);
}

START_TEST(a_document_read_by_parts_is_checked_as_the_whole_tree)
{
    same_check(
        "{\"format\":\"ciclo-plan/1\",\"year\":2024,\"title\":\"Piano 2024\","
        "\"deliberation\":{\"number\":\"12/2024\",\"date\":\"2024-01-30\"},"
        "\"objectives\":[{\"code\":\"O1\",\"title\":\"Riscossione\",\"notes\":[\"nota\"],\"assignments\":["
        "{\"structure_code\":\"FIN\",\"weight\":60},{\"person_external_id\":\"P1\",\"weight\":60}],"
        "\"phases\":[{\"seq\":1,\"description\":\"Avvio\",\"deadline\":\"2024-06-30\",\"weight\":50}],"
        "\"indicators\":[{\"code\":\"O1.1\",\"name\":\"Incassi\",\"target\":90,\"rule\":{\"kind\":"
        "\"linear\",\"target\":90,\"baseline\":0}},{\"code\":\"O1.2\",\"name\":\"Tempi\",\"target\":\"trimestrale\",\"baseline\":\"12,5%\","
        "\"rule\":{\"kind\":\"linear\",\"target\":90,\"baseline\":0}}]},"
        "{\"code\":\"O2\",\"title\":\"Sotto\",\"parent_code\":\"O1\"}],"
        "\"people\":[{\"external_id\":\"P1\",\"name\":\"Maria Rossi\",\"role\":\"dirigente\"}],"
        "\"structures\":[{\"code\":\"FIN\",\"name\":\"Finanziario\",\"manager\":\"P1\"}]}",
        0);
    same_check(
        "{\"format\":\"ciclo-plan/1\",\"year\":2024,\"title\":\"T\",\"extra\":1,"
        "\"objectives\":[{\"code\":\"O1\",\"title\":\"a\",\"parent_code\":\"O2\",\"phases\":[{\"seq\":1,"
        "\"description\":\"x\",\"start\":\"2024-05-01\",\"deadline\":\"2024-01-01\"}],\"indicators\":["
        "{\"code\":\"I1\",\"name\":\"n\",\"rule\":{\"kind\":\"bands\"}},{\"code\":\"I1\",\"name\":\"m\"}]},"
        "{\"code\":\"O2\",\"title\":\"b\",\"parent_code\":\"O1\",\"revision_mark\":\"x\"},"
        "{\"code\":\"O1\",\"title\":\"c\"},7],\"deliberation\":{\"number\":\"1/2024\",\"date\":\"2024-13-01\"}}",
        10);
}
END_TEST

Suite *json_stream_suite(void)
{
    Suite *s = suite_create("json_stream");
    TCase *tc = tcase_create("parts");
    tcase_add_test(tc, an_object_splits_into_members_and_items);
    tcase_add_test(tc, what_is_not_one_well_formed_object_is_left_to_the_caller);
    tcase_add_test(tc, a_text_with_a_nul_byte_is_left_to_the_caller);
    tcase_add_test(tc, a_document_read_by_parts_is_checked_as_the_whole_tree);
    suite_add_tcase(s, tc);
    return s;
}
