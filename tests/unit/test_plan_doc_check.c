/* test_plan_doc_check.c — the plan document's checks (src/codec/plan_doc_check.c) and its
 * structure and people rows (src/codec/org_rows.c): the rows a valid document gives the
 * store, and errors that keep their JSON paths and messages. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "codec/plan_doc_check.h"

Suite *plan_doc_check_suite(void);

static json_t *doc_of(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad test JSON: %s", e.text);
    return j;
}

/* Whether p has an error at field whose message contains part. */
static int has_error(const problem *p, const char *field, const char *part)
{
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        const char *f = json_string_value(json_object_get(e, "field"));
        const char *m = json_string_value(json_object_get(e, "message"));
        if (f && m && strcmp(f, field) == 0 && strstr(m, part))
            return 1;
    }
    return 0;
}

#define VALID                                                                                                  \
    "{\"format\":\"ciclo-plan/1\",\"year\":2024,\"title\":\"Piano 2024\","                                     \
    "\"deliberation\":{\"number\":\"12/2024\",\"date\":\"2024-01-30\"},"                                       \
    "\"people\":[{\"external_id\":\"P1\",\"name\":\"Maria Rossi\",\"role\":\"dirigente\"}],"                   \
    "\"structures\":[{\"code\":\"FIN\",\"name\":\"Finanziario\",\"manager\":\"P1\"},"                          \
    "{\"code\":\"TRIB\",\"name\":\"Tributi\",\"parent_code\":\"FIN\"}],"                                       \
    "\"objectives\":[{\"code\":\"O1\",\"title\":\"Riscossione\",\"assignments\":[{\"structure_code\":\"FIN\"," \
    "\"weight\":100}],\"phases\":[{\"seq\":1,\"description\":\"Avvio\",\"deadline\":\"2024-06-30\"}],"         \
    "\"indicators\":[{\"code\":\"O1.1\",\"name\":\"Incassi\",\"target\":90}]},"                                \
    "{\"code\":\"O2\",\"title\":\"Sotto\",\"parent_code\":\"O1\"}]}"

START_TEST(a_valid_document_gives_its_rows)
{
    problem p;
    problem_init(&p);
    doc_state s;
    doc_state_init(&s, &p);
    json_t *doc = doc_of(VALID);
    ck_assert_int_eq(doc_check(&s, doc), 0);
    ck_assert_int_eq(p.status, 0);
    ck_assert_int_eq(problem_count(&p), 0);
    org_check_refs(&s.org, &p); /* every reference is to a row of the document */
    ck_assert_int_eq(p.status, 0);
    char *rows[4] = {NULL, NULL, NULL, NULL};
    ck_assert_int_eq(doc_content_rows(&s, rows, &p), 0);
    ck_assert_ptr_nonnull(strstr(rows[0], "\"parent_ord\":0")); /* O2 under O1 */
    ck_assert_ptr_nonnull(strstr(rows[1], "\"structure_code\":\"FIN\""));
    ck_assert_ptr_nonnull(strstr(rows[3], "\"code\":\"O1.1\""));
    char *people = NULL, *structures = NULL;
    ck_assert_int_eq(org_rows_text(&s.org, &people, &structures, &p), 0);
    ck_assert_ptr_nonnull(strstr(structures, "\"parent_code\":\"FIN\""));
    ck_assert_ptr_nonnull(strstr(people, "\"external_id\":\"P1\""));
    for (int k = 0; k < 4; k++)
        free(rows[k]);
    free(people);
    free(structures);
    json_decref(doc);
    doc_state_free(&s);
    problem_clear(&p);
}
END_TEST

START_TEST(errors_keep_their_paths_and_messages)
{
    problem p;
    problem_init(&p);
    doc_state s;
    doc_state_init(&s, &p);
    json_t *doc = doc_of(
        "{\"format\":\"ciclo-plan/1\",\"year\":2024,\"title\":\"T\",\"extra\":1,"
        "\"deliberation\":{\"number\":\"1/2024\",\"date\":\"2024-13-01\"},"
        "\"objectives\":[{\"code\":\"O1\",\"title\":\"a\",\"parent_code\":\"O2\",\"phases\":[{\"seq\":1,"
        "\"description\":\"x\",\"start\":\"2024-05-01\",\"deadline\":\"2024-01-01\"}],\"indicators\":["
        "{\"code\":\"I1\",\"name\":\"n\"},{\"code\":\"I1\",\"name\":\"m\"}]},"
        "{\"code\":\"O2\",\"title\":\"b\",\"parent_code\":\"O1\",\"revision_mark\":\"x\"},"
        "{\"code\":\"O1\",\"title\":\"c\"}]}");
    ck_assert_int_eq(doc_check(&s, doc), 0);
    ck_assert_int_eq(p.status, 422);
    ck_assert(has_error(&p, "extra", "is not a field of a plan document"));
    ck_assert(has_error(&p, "deliberation.date", ""));
    ck_assert(has_error(&p, "objectives[0].phases[0].deadline", "the deadline 2024-01-01 is before the start"));
    ck_assert(has_error(&p, "objectives[0].indicators[1].code",
                        "I1 is already used by objectives[0].indicators[0]: indicator codes are unique in the plan"));
    ck_assert(has_error(&p, "objectives[1].revision_mark", "must be \"inserted\", \"modified\" or null"));
    ck_assert(has_error(&p, "objectives[2].code", "O1 is already used by objectives[0]"));
    ck_assert(has_error(&p, "objectives[0].parent_code", "the cascade of O1 loops back to it"));
    json_decref(doc);
    doc_state_free(&s);
    problem_clear(&p);
}
END_TEST

START_TEST(references_resolve_to_rows_given_or_known)
{
    problem p;
    problem_init(&p);
    doc_state s;
    doc_state_init(&s, &p);
    json_t *doc = doc_of(
        "{\"year\":2024,\"title\":\"T\",\"structures\":[{\"code\":\"A\",\"name\":\"A\",\"parent_code\":"
        "\"B\",\"manager\":\"X9\"},{\"code\":\"B\",\"name\":\"B\",\"parent_code\":\"A\"}],"
        "\"objectives\":[{\"code\":\"O1\",\"title\":\"a\",\"assignments\":[{\"structure_code\":"
        "\"Z\"},{\"person_external_id\":\"P7\"}]}]}");
    ck_assert_int_eq(doc_check(&s, doc), 0);
    ck_assert_int_eq(p.status, 0);
    char *sc = NULL, *pc = NULL;
    ck_assert_int_eq(org_undefined(&s.org, &sc, &pc), 1);
    ck_assert_str_eq(sc, "[\"Z\"]");
    ck_assert_str_eq(pc, "[\"X9\",\"P7\"]");
    free(sc);
    free(pc);
    org_known(&s.org, 'p', "P7"); /* the entity has P7, not X9 nor Z */
    org_check_refs(&s.org, &p);
    ck_assert_int_eq(p.status, 422);
    ck_assert(has_error(&p, "structures[0].manager", "no person with external_id X9 in the document or the entity"));
    ck_assert(has_error(&p, "objectives[0].assignments[0].structure_code", "no structure with code Z"));
    ck_assert(!has_error(&p, "objectives[0].assignments[1].person_external_id", ""));
    ck_assert(has_error(&p, "structures[0].parent_code", "the parents of A loop back to it"));
    json_decref(doc);
    doc_state_free(&s);
    problem_clear(&p);
}
END_TEST

Suite *plan_doc_check_suite(void)
{
    Suite *s = suite_create("plan_doc_check");
    TCase *tc = tcase_create("checks");
    tcase_add_test(tc, a_valid_document_gives_its_rows);
    tcase_add_test(tc, errors_keep_their_paths_and_messages);
    tcase_add_test(tc, references_resolve_to_rows_given_or_known);
    suite_add_tcase(s, tc);
    return s;
}
