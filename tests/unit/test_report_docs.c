/* test_report_docs.c — the Relazione as documents (src/render): the Italian labels, the
 * document order of the report's groups, the CSV report and the workbook's sheet names. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/csv_report.h"
#include "render/labels.h"
#include "render/report_groups.h"
#include "render/xlsx_report.h"
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

/* A report as plan_report_json answers it, in the assignees' order of the model: the manager
 * first, then S1 (child of S2), S2 and S0; S1's objective has no weight. */
static json_t *sample_report(void)
{
    return json_pack(
        "{s:I, s:s, s:i, s:[{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:n, s:n, s:i, s:s},"
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:n, s:n, s:n, s:i, s:s},"
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:n, s:n, s:f, s:s},"
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:n, s:s}],"
        " s:[{s:s, s:I, s:s, s:s, s:i, s:i, s:i, s:s}, {s:s, s:I, s:s, s:s, s:i, s:i, s:i, s:s},"
        "{s:s, s:I, s:s, s:s, s:i, s:i, s:f, s:s}, {s:s, s:I, s:s, s:s, s:i, s:i, s:n, s:s}],"
        " s:{s:i, s:i, s:f, s:s}, s:{s:{s:s, s:s}}}",
        "plan_id", (json_int_t)7, "as_of", "2024-12-31", "revision", 1, "rows",
        /* rows */
        "assignee_kind", "manager", "assignee_id", (json_int_t)9, "assignee_code", "ROSSI_A", "assignee_name",
        "Anna Rossi", "objective_code", "OB2", "objective_title", "Pratiche", "weight", 100, "achievement",
        "timeliness", "score", 80, "status", "measured",
        /**/
        "assignee_kind", "structure", "assignee_id", (json_int_t)11, "assignee_code", "S1", "assignee_name",
        "Lavori; pubblici", "objective_code", "OB1", "objective_title", "=Cantieri", "weight", "achievement",
        "timeliness", "score", 100, "status", "measured",
        /**/
        "assignee_kind", "structure", "assignee_id", (json_int_t)12, "assignee_code", "S2", "assignee_name",
        "Area tecnica", "objective_code", "OB2", "objective_title", "Pratiche", "weight", 100, "achievement",
        "timeliness", "score", 82.5, "status", "measured",
        /**/
        "assignee_kind", "structure", "assignee_id", (json_int_t)10, "assignee_code", "S0", "assignee_name", "Attività",
        "objective_code", "OB0", "objective_title", "Archivio", "weight", 100, "achievement", 50, "timeliness", 100,
        "score", "status", "not_measured",
        /* totals */
        "totals", "assignee_kind", "manager", "assignee_id", (json_int_t)9, "assignee_code", "ROSSI_A", "assignee_name",
        "Anna Rossi", "weight_total", 100, "weight_measured", 100, "score", 80, "status", "measured",
        /**/
        "assignee_kind", "structure", "assignee_id", (json_int_t)11, "assignee_code", "S1", "assignee_name",
        "Lavori; pubblici", "weight_total", 0, "weight_measured", 0, "score", 100, "status", "measured",
        /**/
        "assignee_kind", "structure", "assignee_id", (json_int_t)12, "assignee_code", "S2", "assignee_name",
        "Area tecnica", "weight_total", 100, "weight_measured", 100, "score", 82.5, "status", "measured",
        /**/
        "assignee_kind", "structure", "assignee_id", (json_int_t)10, "assignee_code", "S0", "assignee_name", "Attività",
        "weight_total", 100, "weight_measured", 0, "score", "status", "not_measured",
        /* entity, plan */
        "entity", "weight_total", 200, "weight_measured", 100, "score", 82.5, "status", "measured", "plan", "entity",
        "code", "PROVA", "name", "Comune di Prova");
}

START_TEST(groups_follow_the_tree_then_managers)
{
    json_t *rep = sample_report();
    ck_assert_ptr_nonnull(rep);
    json_t *order = json_pack("[I, I, I]", (json_int_t)10, (json_int_t)12, (json_int_t)11); /* S0, S2, S1 */
    json_t *g = report_groups(rep, order);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq((int)json_array_size(g), 4);
    static const char *const want[] = {"S0", "S2", "S1", "ROSSI_A"};
    for (int i = 0; i < 4; i++) {
        json_t *x = json_array_get(g, (size_t)i);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "total"), "assignee_code")), want[i]);
        ck_assert_int_eq((int)json_array_size(json_object_get(x, "rows")), 1);
    }
    ck_assert_int_eq(report_groups_apply(rep, g), 0);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(json_object_get(rep, "rows"), 0), "assignee_code")), "S0");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(json_object_get(rep, "rows"), 3), "assignee_code")), "ROSSI_A");
    json_decref(g);
    json_decref(order);
    json_decref(rep);
}
END_TEST

START_TEST(csv_has_bom_totals_under_groups_and_the_entity_last)
{
    json_t *rep = sample_report();
    json_t *order = json_pack("[I, I, I]", (json_int_t)10, (json_int_t)12, (json_int_t)11);
    json_t *g = report_groups(rep, order);
    ck_assert_int_eq(report_groups_apply(rep, g), 0);
    buf out;
    buf_init(&out, 0);
    ck_assert_int_eq(csv_report(rep, &out), 0);
    size_t len = 0;
    char *csv = buf_steal(&out, &len);
    ck_assert_ptr_nonnull(csv);
    ck_assert_uint_eq(strlen(csv), len);
    const char *want =
        "\xEF\xBB\xBF"
        "assignee_kind;assignee_code;assignee_name;objective_code;objective_title;weight;achievement;"
        "timeliness;score;status;weight_measured\r\n"
        "structure;S0;Attività;OB0;Archivio;100;50;100;;not_measured;\r\n"
        "structure;S0;Attività;TOTALE;;100;;;;not_measured;0\r\n"
        "structure;S2;Area tecnica;OB2;Pratiche;100;;;82,50;measured;\r\n"
        "structure;S2;Area tecnica;TOTALE;;100;;;82,50;measured;100\r\n"
        "structure;S1;\"Lavori; pubblici\";OB1;\"'=Cantieri\";;;;100;measured;\r\n"
        "structure;S1;\"Lavori; pubblici\";TOTALE;;0;;;100;measured;0\r\n"
        "manager;ROSSI_A;Anna Rossi;OB2;Pratiche;100;;;80;measured;\r\n"
        "manager;ROSSI_A;Anna Rossi;TOTALE;;100;;;80;measured;100\r\n"
        "entity;PROVA;Comune di Prova;TOTALE;;200;;;82,50;measured;100\r\n";
    ck_assert_str_eq(csv, want);
    free(csv);
    json_decref(g);
    json_decref(order);
    json_decref(rep);
}
END_TEST

/* The CSV written into a buf that spills to a file every few bytes is the same text. */
START_TEST(csv_spilled_to_a_file_is_the_same_text)
{
    json_t *rep = sample_report();
    json_t *order = json_pack("[I, I, I]", (json_int_t)10, (json_int_t)12, (json_int_t)11);
    json_t *g = report_groups(rep, order);
    ck_assert_int_eq(report_groups_apply(rep, g), 0);
    buf mem, sp;
    buf_init(&mem, 0);
    ck_assert_int_eq(csv_report(rep, &mem), 0);
    buf_init(&sp, 0);
    buf_spill(&sp, 40);
    ck_assert_int_eq(csv_report(rep, &sp), 0);
    ck_assert(sp.has_file);
    size_t len = 0;
    int fd = buf_take_file(&sp, &len);
    ck_assert_int_ge(fd, 0);
    ck_assert_uint_eq(len, mem.len);
    char *back = malloc(len);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(pread(fd, back, len, 0), (ssize_t)len);
    ck_assert_int_eq(memcmp(back, mem.data, len), 0);
    free(back);
    close(fd);
    buf_free(&mem);
    json_decref(g);
    json_decref(order);
    json_decref(rep);
}
END_TEST

static const char *sheet(const char *want, const char *const *taken, int n)
{
    static char out[XLSX_SHEET_NAME_BUF];
    xlsx_sheet_name(want, taken, n, out);
    return out;
}

START_TEST(sheet_names_excel_accepts)
{
    ck_assert_str_eq(sheet("A02 Affari: generali/legali [x]?*", NULL, 0), "A02 Affari- generali-legali -x-");
    ck_assert_str_eq(sheet("'Segreteria'", NULL, 0), "Segreteria");
    ck_assert_str_eq(sheet("", NULL, 0), "Foglio");
    ck_assert_str_eq(sheet("history", NULL, 0), "History_");
    /* 31 characters, counted as characters (à is one), cut at a character boundary */
    ck_assert_str_eq(sheet("S01 Attività produttive e commercio ambulante", NULL, 0), "S01 Attività produttive e comme");
    const char *taken[] = {"Dir. Anna Rossi", "S01 ATTIVITÀ PRODUTTIVE E COMME"};
    ck_assert_str_eq(sheet("dir. anna rossi", taken, 1), "dir. anna rossi (2)");
    /* taken without regard to ASCII case; the suffix fits in 31 */
    ck_assert_str_eq(sheet("S01 attivitÀ produttive e commercio", taken, 2), "S01 attivitÀ produttive e c (2)");
}
END_TEST

/* The order alone, as the streamed report (api/report.c) asks for it: structures by the tree
 * (one it does not name after those it names), then managers, then people, each by name, ties
 * in the given order. */
START_TEST(order_of_assignees_without_a_report)
{
    const report_assignee v[] = {{2, 7, "Bruno"}, {1, 5, "Zeno"}, {0, 30, "S30"}, {1, 6, "Anna"}, {0, 10, "S10"},
                                 {2, 8, "Anna"},  {0, 20, "S20"}, {1, 4, "Anna"}, {2, 9, NULL}};
    size_t order[9];
    json_t *tree = json_pack("[I, I]", (json_int_t)20, (json_int_t)10);
    ck_assert_int_eq(report_groups_order(v, 9, tree, order), 0);
    static const size_t want[] = {6, 4, 2, 3, 7, 1, 8, 5, 0};
    for (int i = 0; i < 9; i++)
        ck_assert_uint_eq(order[i], want[i]);
    ck_assert_int_eq(report_groups_order(v, 9, NULL, order), 0); /* no tree: structures as given */
    ck_assert_uint_eq(order[0], 2);
    ck_assert_uint_eq(order[1], 4);
    ck_assert_uint_eq(order[2], 6);
    json_decref(tree);
}
END_TEST

Suite *report_docs_suite(void)
{
    Suite *s = suite_create("report_docs");
    TCase *tc = tcase_create("labels");
    tcase_add_test(tc, statuses_and_kinds_in_italian);
    tcase_add_test(tc, groups_follow_the_tree_then_managers);
    tcase_add_test(tc, order_of_assignees_without_a_report);
    tcase_add_test(tc, csv_has_bom_totals_under_groups_and_the_entity_last);
    tcase_add_test(tc, csv_spilled_to_a_file_is_the_same_text);
    tcase_add_test(tc, sheet_names_excel_accepts);
    suite_add_tcase(s, tc);
    return s;
}
