/* test_plan_doc.c — the plan document's export form (src/codec/plan_doc.c): ids and null
 * members left out, every other value copied as written. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "codec/plan_doc.h"

Suite *plan_doc_suite(void);

/* The export form of in, or NULL when plan_doc_strip refuses it (caller frees). */
static char *strip(const char *in)
{
    buf out;
    buf_init(&out, 0);
    if (plan_doc_strip(in, strlen(in), &out) < 0) {
        buf_free(&out);
        return NULL;
    }
    size_t n;
    return buf_steal(&out, &n);
}

static void strips_to(const char *in, const char *want)
{
    char *got = strip(in);
    ck_assert_msg(got != NULL, "refused: %s", in);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(ids_and_nulls_are_left_out_at_every_depth)
{
    strips_to(
        "{\"format\" : \"ciclo-plan/1\", \"deliberation\" : null, \"objectives\" : [{\"id\" : 12, \"code\" : "
        "\"A\", \"phases\" : [{\"id\" : 3, \"seq\" : 1, \"weight\" : null}]}]}",
        "{\"format\":\"ciclo-plan/1\",\"objectives\":[{\"code\":\"A\",\"phases\":[{\"seq\":1}]}]}");
}
END_TEST

START_TEST(values_are_copied_as_written)
{
    /* numbers keep their digits (no binary round trip), strings their escapes, nulls in arrays stay */
    strips_to(
        "{\"weight\": 25.00, \"target\": 1e3, \"title\": \"a \\\"b\\\" \\u00e8\", \"notes\": [null, \"x\"], "
        "\"idx\": 4, \"routine\": false}",
        "{\"weight\":25.00,\"target\":1e3,\"title\":\"a \\\"b\\\" \\u00e8\",\"notes\":[null,\"x\"],\"idx\":4,"
        "\"routine\":false}");
    strips_to(" [ ] ", "[]");
    strips_to("{}", "{}");
    strips_to("{\"id\": {\"a\": [1, {\"id\": 2}]}, \"b\": 1}", "{\"b\":1}");
}
END_TEST

START_TEST(broken_text_is_refused)
{
    static const char *const bad[] = {"",      "{",     "[1,",   "{\"a\" 1}", "{\"a\":1,}x", "{\"a\":\"open}",
                                      "[1] 2", "{1:2}", "[1 2]", "\"\\",      NULL};
    for (int i = 0; bad[i]; i++) {
        char *got = strip(bad[i]);
        ck_assert_msg(got == NULL, "accepted %s as %s", bad[i], got ? got : "");
    }
}
END_TEST

START_TEST(nesting_is_bounded)
{
    char deep[200];
    memset(deep, '[', 66);
    memset(deep + 66, ']', 66);
    deep[132] = '\0';
    ck_assert_ptr_null(strip(deep));
    memset(deep, '[', 60);
    memset(deep + 60, ']', 60);
    deep[120] = '\0';
    char *got = strip(deep);
    ck_assert_str_eq(got, deep);
    free(got);
}
END_TEST

Suite *plan_doc_suite(void)
{
    Suite *s = suite_create("plan_doc");
    TCase *tc = tcase_create("strip");
    tcase_add_test(tc, ids_and_nulls_are_left_out_at_every_depth);
    tcase_add_test(tc, values_are_copied_as_written);
    tcase_add_test(tc, broken_text_is_refused);
    tcase_add_test(tc, nesting_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}
