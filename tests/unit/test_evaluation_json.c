/* test_evaluation_json.c — the JSON of people evaluation (codec/evaluation_json.h,
 * codec/evaluation_body.h) and the payroll file (codec/payroll_csv.h): what decodes, and the
 * field path and rule of each error, as the API reports them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/evaluation_body.h"
#include "codec/evaluation_json.h"
#include "codec/payroll_csv.h"
#include "codec/rule_json.h"
#include "suites.h"

/* The staff scheme of docs/EVALUATION.md's worked example. */
static const char *const staff_scheme =
    "{\"weights\": {\"structure\": 30, \"objectives\": 40, \"behaviours\": 30},"
    " \"behaviours\": [{\"code\": \"C1\", \"name\": \"Teamwork\", \"weight\": 60,"
    "                   \"scale\": [{\"value\": 1}, {\"value\": 2}, {\"value\": 3}, {\"value\": 4, \"descriptor\": \"top\"}]},"
    "                  {\"code\": \"C2\", \"weight\": 40, \"scale\": [{\"value\": 1}, {\"value\": 2}, {\"value\": 3}, {\"value\": 4}]}],"
    " \"bands\": [{\"min_score\": 65, \"coefficient\": 0.8}, {\"min_score\": 80, \"coefficient\": 1},"
    "             {\"min_score\": 90, \"coefficient\": 1.2}],"
    " \"premium\": {\"share\": 35}}";

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad test JSON: %s", e.text);
    return j;
}

/* The message of the error at field in p (NULL when none). */
static const char *error_at(const problem *p, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
            return json_string_value(json_object_get(e, "message"));
    }
    return NULL;
}

#define ASSERT_ERROR(p, field, part)                                                                         \
    do {                                                                                                     \
        const char *m_ = error_at(p, field);                                                                 \
        ck_assert_msg(m_ != NULL, "no error at %s", field);                                                  \
        ck_assert_msg(strstr(m_, part) != NULL, "error at %s is \"%s\", not about \"%s\"", field, m_, part); \
    } while (0)

START_TEST(scheme_decodes_the_worked_example)
{
    json_t *def = J(staff_scheme);
    problem p;
    problem_init(&p);
    eval_scheme_def d;
    ck_assert_int_eq(eval_scheme_decode(def, RULES_EVAL_STAFF, &d, &p), 0);
    ck_assert_int_eq(d.s.role, RULES_EVAL_STAFF);
    ck_assert_str_eq(dfmt(d.s.weight[RULES_EVAL_STRUCTURE]), "30");
    ck_assert_str_eq(dfmt(d.s.weight[RULES_EVAL_DIFFERENTIATION]), "0");
    ck_assert_int_eq(d.s.n_behaviours, 2);
    ck_assert_str_eq(d.s.behaviour[1].code, "C2");
    ck_assert_int_eq(d.s.behaviour[0].n_levels, 4);
    ck_assert_str_eq(dfmt(d.s.behaviour[0].level[3]), "4");
    ck_assert_int_eq(d.s.n_bands, 3);
    ck_assert_str_eq(dfmt(d.s.band[0].coefficient), "0.8");
    ck_assert_str_eq(dfmt(d.s.premium_share), "35");
    ck_assert_str_eq(dfmt(d.s.premium_increase), "30"); /* the default */
    ck_assert_str_eq(dfmt(d.s.cv_target), "10");        /* the default */
    ck_assert_int_eq(d.basis_entity, 0);
    ck_assert_int_eq(eval_role_of("manager"), RULES_EVAL_MANAGER);
    ck_assert_int_eq(eval_role_of("eq"), RULES_EVAL_EQ);
    json_decref(def);
    problem_clear(&p);
}
END_TEST

START_TEST(scheme_errors_name_the_path)
{
    json_t *def = J(
        "{\"structure_basis\": \"office\", \"weights\": {\"structure\": 30, \"bogus\": 1},"
        " \"behaviours\": [{\"code\": \"C1\", \"weight\": 50, \"scale\": [{\"value\": 1}, {\"value\": 2}]},"
        "                  {\"code\": \"C1\", \"weight\": 50, \"scale\": [{\"value\": 1.234}, 7]}],"
        " \"bands\": [3], \"premium\": {\"share\": 101}}");
    problem p;
    problem_init(&p);
    eval_scheme_def d;
    ck_assert_int_gt(eval_scheme_decode(def, RULES_EVAL_STAFF, &d, &p), 0);
    ASSERT_ERROR(&p, "structure_basis", "must be one of: structure, entity");
    ASSERT_ERROR(&p, "weights.bogus", "is not a field here");
    ASSERT_ERROR(&p, "behaviours[1].code", "already the code of behaviours[0]");
    ASSERT_ERROR(&p, "behaviours[1].scale[0].value", "more than 2 decimals");
    ASSERT_ERROR(&p, "behaviours[1].scale[1]", "must be an object {value, descriptor}");
    ASSERT_ERROR(&p, "bands[0]", "must be an object {min_score, coefficient}");
    ASSERT_ERROR(&p, "premium.share", "must be between 0 and 100");
    json_decref(def);
    problem_clear(&p);

    /* fields that read, a scheme the rules refuse: its findings, at their paths */
    problem_init(&p);
    def = J(
        "{\"weights\": {\"structure\": 30, \"objectives\": 40}, \"bands\": [{\"min_score\": 60, "
        "\"coefficient\": 1}]}");
    ck_assert_int_gt(eval_scheme_decode(def, RULES_EVAL_STAFF, &d, &p), 0);
    ck_assert_ptr_nonnull(error_at(&p, "weights"));
    json_decref(def);
    problem_clear(&p);
}
END_TEST

START_TEST(scheme_body_keeps_the_definition)
{
    problem p;
    problem_init(&p);
    eval_scheme_head h;
    json_t *body = J(staff_scheme);
    json_object_set_new(body, "year", json_integer(2024));
    json_object_set_new(body, "role", json_string("staff"));
    json_object_set_new(body, "title", json_string("SMVP 2024"));
    json_object_set_new(body, "differentiation_cv_target", json_null());
    json_t *def = eval_scheme_body(body, &h, &p);
    ck_assert_ptr_nonnull(def);
    ck_assert_int_eq(h.year, 2024);
    ck_assert_str_eq(h.role, "staff");
    ck_assert_str_eq(h.title, "SMVP 2024");
    ck_assert_ptr_null(json_object_get(def, "year"));                      /* the head is not the definition */
    ck_assert_ptr_null(json_object_get(def, "differentiation_cv_target")); /* null: left out */
    ck_assert_ptr_nonnull(json_object_get(def, "bands"));
    json_decref(def);

    json_object_set_new(body, "year", json_integer(1999));
    json_object_set_new(body, "role", json_string("boss"));
    json_object_set_new(body, "colour", json_string("red"));
    ck_assert_ptr_null(eval_scheme_body(body, &h, &p));
    ck_assert_int_eq(p.status, 422);
    ASSERT_ERROR(&p, "year", "from 2000 to 2100");
    ASSERT_ERROR(&p, "role", "manager, eq, staff");
    ASSERT_ERROR(&p, "colour", "is not a field here");
    problem_clear(&p);
    json_decref(body);

    problem_init(&p);
    json_t *arr = J("[]");
    ck_assert_ptr_null(eval_scheme_body(arr, &h, &p));
    ck_assert_int_eq(p.status, 422);
    json_decref(arr);
    problem_clear(&p);
}
END_TEST

START_TEST(ratings_by_behaviour_code)
{
    json_t *def = J(staff_scheme);
    problem p;
    problem_init(&p);
    eval_scheme_def d;
    ck_assert_int_eq(eval_scheme_decode(def, RULES_EVAL_STAFF, &d, &p), 0);
    rules_decimal v[RULES_EVAL_MAX_BEHAVIOURS];
    unsigned char rated[RULES_EVAL_MAX_BEHAVIOURS];
    json_t *r = J("{\"C2\": 3, \"C1\": null}");
    ck_assert_int_eq(eval_ratings_decode(r, &d.s, v, rated, &p), 0);
    ck_assert_int_eq(rated[0], 0);
    ck_assert_int_eq(rated[1], 1);
    ck_assert_str_eq(dfmt(v[1]), "3");
    json_decref(r);
    r = J("{\"C9\": 3, \"C1\": 2.555}");
    ck_assert_int_eq(eval_ratings_decode(r, &d.s, v, rated, &p), 2);
    ASSERT_ERROR(&p, "ratings.C9", "is not a behaviour of the scheme");
    ASSERT_ERROR(&p, "ratings.C1", "more than 2 decimals");
    json_decref(r);
    problem_clear(&p);

    /* the rules library's refusal of rating 2 names its code */
    problem_init(&p);
    rules_error e;
    memset(&e, 0, sizeof e);
    snprintf(e.field, sizeof e.field, "ratings[1]");
    snprintf(e.message, sizeof e.message, "5 is not a level of the scale");
    eval_form_refusal(&d.s, &e, &p);
    ck_assert_int_eq(p.status, 422);
    ASSERT_ERROR(&p, "ratings.C2", "not a level");
    problem_clear(&p);
    json_decref(def);
}
END_TEST

START_TEST(bodies_read_with_defaults_and_paths)
{
    problem p;
    problem_init(&p);
    eval_participation_body pb;
    json_t *b = J("{\"person_id\": 7, \"percent\": 50}");
    ck_assert_int_eq(eval_participation_decode(b, &pb, &p), 0);
    ck_assert_int_eq(pb.person_id, 7);
    ck_assert_int_eq(pb.months, 12);
    ck_assert_str_eq(dfmt(pb.part_time), "100");
    json_decref(b);
    b = J("{\"months\": 13, \"x\": 1}");
    ck_assert_int_eq(eval_participation_decode(b, &pb, &p), 4);
    ASSERT_ERROR(&p, "person_id", "is required");
    ASSERT_ERROR(&p, "percent", "is required");
    ASSERT_ERROR(&p, "months", "from 0 to 12");
    ASSERT_ERROR(&p, "x", "is not a field here");
    json_decref(b);
    problem_clear(&p);

    problem_init(&p);
    eval_form_body fb;
    b = J("{\"person_id\": 1, \"year\": 2024, \"role\": \"eq\", \"plan_id\": 2, \"as_of\": \"2024-12-31\"}");
    ck_assert_int_eq(eval_form_body_decode(b, &fb, &p), 0);
    ck_assert_str_eq(fb.role, "eq");
    ck_assert_str_eq(fb.as_of, "2024-12-31");
    ck_assert_str_eq(fb.interview_date, "");
    ck_assert_int_eq(fb.structure_id, 0);
    json_decref(b);
    b = J("{\"person_id\": 1, \"year\": 2024, \"role\": \"eq\", \"plan_id\": 2, \"as_of\": \"2024-02-30\"}");
    ck_assert_int_eq(eval_form_body_decode(b, &fb, &p), 1);
    ck_assert_ptr_nonnull(error_at(&p, "as_of"));
    json_decref(b);
    problem_clear(&p);

    /* a patch: who sets what, then the values */
    problem_init(&p);
    eval_patch_body pt;
    b = J("{\"months\": 6, \"comments\": null, \"interview_date\": \"2025-01-15\"}");
    ck_assert_int_eq(eval_form_patch_keys(b, &pt, &p), 0);
    ck_assert(pt.evaluator_fields && pt.hr_fields);
    ck_assert_int_eq(eval_form_patch_values(b, &pt, &p), 0);
    ck_assert(pt.has_months && pt.months == 6);
    ck_assert(pt.has_comments && pt.comments == NULL); /* null clears */
    ck_assert_str_eq(pt.interview_date, "2025-01-15");
    ck_assert(!pt.has_part_time && pt.ratings == NULL);
    json_decref(b);
    b = J("{\"ratings\": [1]}");
    ck_assert_int_eq(eval_form_patch_keys(b, &pt, &p), 0);
    ck_assert_int_eq(eval_form_patch_values(b, &pt, &p), -1);
    ASSERT_ERROR(&p, "ratings", "must be an object");
    json_decref(b);
    b = J("[1]");
    ck_assert_int_eq(eval_form_patch_keys(b, &pt, &p), -1);
    json_decref(b);
    problem_clear(&p);

    /* answers */
    problem_init(&p);
    const char *reason;
    b = J("{}");
    ck_assert_int_eq(eval_answer_decode(b, 0, &reason, &p), 0);
    ck_assert_int_eq(eval_answer_decode(b, 1, &reason, &p), 1);
    ASSERT_ERROR(&p, "reason", "is required");
    json_decref(b);
    problem_clear(&p);
    problem_init(&p);
    b = J("{\"reason\": \"too low\"}");
    ck_assert_int_eq(eval_answer_decode(b, 1, &reason, &p), 0);
    ck_assert_str_eq(reason, "too low");
    ck_assert_int_eq(eval_answer_decode(b, 0, &reason, &p), 1);
    ASSERT_ERROR(&p, "reason", "is only for contesting");
    json_decref(b);
    problem_clear(&p);

    problem_init(&p);
    const char *note;
    const json_t *ratings;
    b = J("{\"ratings\": {\"C1\": 2}}");
    ck_assert_int_eq(eval_conciliate_decode(b, &note, &ratings, &p), 1);
    ASSERT_ERROR(&p, "note", "is required");
    ck_assert_ptr_nonnull(ratings);
    json_decref(b);
    problem_clear(&p);

    problem_init(&p);
    eval_bonus_body bb;
    b = J("{\"year\": 2024, \"role\": \"staff\", \"fund\": 1000.5}");
    ck_assert_int_eq(eval_bonus_decode(b, &bb, &p), 0);
    ck_assert_str_eq(dfmt(bb.fund), "1000.5");
    ck_assert_int_eq(bb.redistribute, 1);
    ck_assert_ptr_null(bb.category);
    json_decref(b);
    b = J("{\"year\": 2024, \"role\": \"staff\", \"fund\": -1, \"redistribute\": \"yes\"}");
    ck_assert_int_eq(eval_bonus_decode(b, &bb, &p), 2);
    ASSERT_ERROR(&p, "fund", "below zero");
    ASSERT_ERROR(&p, "redistribute", "true or false");
    json_decref(b);
    problem_clear(&p);
}
END_TEST

START_TEST(computed_record_explains_every_number)
{
    rules_eval_result r;
    memset(&r, 0, sizeof r);
    r.has[RULES_EVAL_STRUCTURE] = 1;
    r.score[RULES_EVAL_STRUCTURE] = D("80");
    r.weight[RULES_EVAL_STRUCTURE] = D("30");
    snprintf(r.explanation[RULES_EVAL_STRUCTURE], RULES_EVAL_EXPLANATION, "80 as scored");
    r.band = -1;
    int64_t ids[] = {11, 12};
    rules_participation parts[] = {{"OB1", RULES_SCORE_MEASURED, D("90"), D("50"), 12, D("100")},
                                   {"OB2", RULES_SCORE_NOT_MEASURED, D("0"), D("50"), 6, D("50")}};
    rules_decimal given[] = {D("70"), D("85.5")};
    json_t *c = eval_computed_encode(&(eval_computed){"2024-12-31", 5, 2, 1, &r, ids, parts, 2, given, 2});
    ck_assert_ptr_nonnull(c);
    char *text = rule_json_dumps(c, JSON_COMPACT);
    ck_assert_ptr_nonnull(strstr(text, "\"structure_basis\":\"entity\""));
    ck_assert_ptr_nonnull(strstr(text, "\"explanation\":\"the entity as a whole: 80 as scored\""));
    ck_assert_ptr_nonnull(strstr(text, "\"code\":\"OB2\""));
    ck_assert_ptr_nonnull(strstr(text, "\"evaluations_given\":[70,85.5]"));
    ck_assert_ptr_nonnull(strstr(text, "\"band\":null"));
    json_t *p2 = json_array_get(json_object_get(c, "participations"), 1);
    ck_assert(json_is_null(json_object_get(p2, "score"))); /* not measured: no score */
    ck_assert_int_eq(json_integer_value(json_object_get(c, "plan_revision")), 2);
    free(text);
    json_decref(c);
}
END_TEST

START_TEST(bonus_result_and_payroll_file)
{
    rules_bonus_result res;
    memset(&res, 0, sizeof res);
    res.n_people = 1;
    res.n_eligible = 1;
    res.average_cents = 123456;
    snprintf(res.explanation, sizeof res.explanation, "one person");
    eval_bonus_person who[] = {{9, 4, "Rossi; Mario", NULL, "C"}};
    rules_bonus_input in[] = {{D("91.5"), 12, D("100"), 4}};
    rules_bonus_output out[1];
    memset(out, 0, sizeof out);
    out[0].band = 2;
    out[0].coefficient = D("1.2");
    out[0].base_cents = 123456;
    out[0].bonus_cents = 123456;
    json_t *r = eval_bonus_encode(&res, who, in, out, 1);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "people_count")), 1);
    json_t *line = json_array_get(json_object_get(r, "people"), 0);
    ck_assert(json_is_null(json_object_get(line, "external_id")));
    ck_assert_int_eq(json_integer_value(json_object_get(line, "form_id")), 9);
    /* the stored distribution as the payroll reads it */
    json_object_set_new(r, "year", json_integer(2024));
    json_object_set_new(r, "role", json_string("staff"));
    buf b;
    buf_init(&b, 0);
    payroll_csv(r, &b);
    ck_assert_ptr_nonnull(b.data);
    ck_assert_ptr_nonnull(strstr(b.data,
                                 "external_id;name;category;score;coefficient;months;part_time;premium;"
                                 "premium_amount;bonus\r\n"));
    ck_assert_ptr_nonnull(strstr(b.data, ";\"Rossi; Mario\";C;91,50;1,20;12;100;false;0,00;1234,56\r\n"));
    buf_free(&b);
    char name[96];
    payroll_csv_name(r, 31, name, sizeof name);
    ck_assert_str_eq(name, "premi-31-2024-staff.csv");
    json_decref(r);
}
END_TEST

Suite *evaluation_json_suite(void)
{
    Suite *s = suite_create("evaluation_json");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, scheme_decodes_the_worked_example);
    tcase_add_test(tc, scheme_errors_name_the_path);
    tcase_add_test(tc, scheme_body_keeps_the_definition);
    tcase_add_test(tc, ratings_by_behaviour_code);
    tcase_add_test(tc, bodies_read_with_defaults_and_paths);
    tcase_add_test(tc, computed_record_explains_every_number);
    tcase_add_test(tc, bonus_result_and_payroll_file);
    suite_add_tcase(s, tc);
    return s;
}
