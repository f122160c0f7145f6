/* test_report_docs.c — the Relazione as documents (src/render): the Italian labels. */
#include <string.h>

#include "render/labels.h"
#include "suites.h"

START_TEST(statuses_and_kinds_in_italian)
{
    ck_assert_str_eq(labels_status("measured"), "misurato");
    ck_assert_str_eq(labels_status("not_measured"), "non misurato");
    ck_assert_str_eq(labels_status("needs_judgement"), "da valutare");
    ck_assert_str_eq(labels_status("not_assessable"), "non valutabile");
    ck_assert_str_eq(labels_status("error"), "errore");
    ck_assert_str_eq(labels_status("something_new"), "something_new"); /* shown, not hidden */
    ck_assert_str_eq(labels_status(NULL), "");
    ck_assert_str_eq(labels_assignee_kind("structure"), "Struttura");
    ck_assert_str_eq(labels_assignee_kind("manager"), "Dirigente");
    ck_assert_str_eq(labels_column(LABEL_COL_ACHIEVEMENT), "Grado di raggiungimento");
    ck_assert_str_eq(labels_column(LABEL_COL_TIMELINESS), "Rispetto dei tempi");
    ck_assert_ptr_null(labels_column(LABEL_COL_COUNT));
    ck_assert_ptr_null(labels_column(-1));
}
END_TEST

Suite *report_docs_suite(void)
{
    Suite *s = suite_create("report_docs");
    TCase *tc = tcase_create("labels");
    tcase_add_test(tc, statuses_and_kinds_in_italian);
    suite_add_tcase(s, tc);
    return s;
}
