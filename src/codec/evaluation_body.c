/* evaluation_body.c — the request bodies of people evaluation and the bonus (evaluation_body.h). */
#include "codec/evaluation_body.h"

#include <string.h>

#include "codec/evaluation_json.h"
#include "codec/json_fields.h"
#include "codec/rule_json.h"

/* The role at "role": borrowed, or NULL after adding an error. */
static const char *role_field(const json_t *body, problem *p)
{
    const json_t *rv = json_object_get(body, "role");
    const char *role = json_is_string(rv) ? json_string_value(rv) : NULL;
    if (jf_one_of(role, eval_role_names))
        return role;
    problem_add(p, "role", "must be one of: manager, eq, staff");
    return NULL;
}

/* The start of a body about one person's year of service: the service defaults (a full year,
 * 12 months; full time, 100%), the keys it may have (jf_object), then person_id. -1 when the
 * body is no object of those keys. */
static int person_service_body(const json_t *body, const char *const *keys, const char *shape, int64_t *person_id,
                               int64_t *months, rules_decimal *part_time, problem *p)
{
    *months = 12;
    *part_time = rules_decimal_from_int(100);
    if (jf_object(body, keys, shape, p) < 0)
        return -1;
    jf_required_int(body, "person_id", 1, INT64_MAX, person_id, "", p);
    return 0;
}

/* months (0..12) and part_time (0..100) when given. */
static void service_fields(const json_t *body, int64_t *months, rules_decimal *part_time, problem *p)
{
    jf_int(body, "months", 0, 12, months, p);
    jf_decimal(body, "part_time", "part_time", 2, 0, 100, part_time, p);
}

int eval_participation_decode(const json_t *body, eval_participation_body *out, problem *p)
{
    static const char *const keys[] = {"person_id", "percent", "months", "part_time", NULL};
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    if (person_service_body(body, keys, " {person_id, percent, months, part_time}", &out->person_id, &out->months,
                            &out->part_time, p) < 0)
        return problem_count(p) - before;
    if (jf_decimal(body, "percent", "percent", 2, 0, 100, &out->percent, p) == 0)
        problem_add(p, "percent", "is required: the %% participation, 0..100");
    service_fields(body, &out->months, &out->part_time, p);
    return problem_count(p) - before;
}

int eval_form_body_decode(const json_t *body, eval_form_body *out, problem *p)
{
    static const char *const keys[] = {"person_id",    "year",           "role",   "plan_id",
                                       "structure_id", "as_of",          "months", "part_time",
                                       "comments",     "interview_date", NULL};
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    if (person_service_body(body, keys, "", &out->person_id, &out->months, &out->part_time, p) < 0)
        return problem_count(p) - before;
    jf_required_int(body, "year", 2000, 2100, &out->year, "", p);
    jf_required_int(body, "plan_id", 1, INT64_MAX, &out->plan_id, ": the plan whose scores the evaluation takes", p);
    jf_int(body, "structure_id", 1, INT64_MAX, &out->structure_id, p);
    out->role = role_field(body, p);
    jf_date(body, "as_of", out->as_of, p);
    jf_date(body, "interview_date", out->interview_date, p);
    service_fields(body, &out->months, &out->part_time, p);
    out->comments = jf_text(body, "comments", EVAL_TEXT_MAX, p);
    return problem_count(p) - before;
}

int eval_form_patch_keys(const json_t *body, eval_patch_body *out, problem *p)
{
    static const char *const keys[] = {"ratings", "comments", "interview_date", "months", "part_time", NULL};
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    if (jf_object(body, keys, "", p) < 0)
        return -1;
    out->evaluator_fields = json_object_get(body, "ratings") || json_object_get(body, "comments") ||
                            json_object_get(body, "interview_date");
    out->hr_fields = json_object_get(body, "months") || json_object_get(body, "part_time");
    return problem_count(p) - before;
}

/* The ratings patch at "ratings": NULL when absent; -1 after adding an error when no object. */
static int ratings_field(const json_t *body, const json_t **ratings, problem *p)
{
    *ratings = json_object_get(body, "ratings");
    if (!*ratings || json_is_object(*ratings))
        return 0;
    problem_add(p, "ratings", "must be an object {behaviour code: rating}");
    *ratings = NULL;
    return -1;
}

int eval_form_patch_values(const json_t *body, eval_patch_body *out, problem *p)
{
    int before = problem_count(p);
    if (ratings_field(body, &out->ratings, p) < 0)
        return -1;
    if ((out->has_comments = json_object_get(body, "comments") != NULL))
        out->comments = jf_text(body, "comments", EVAL_TEXT_MAX, p);
    if ((out->has_interview_date = json_object_get(body, "interview_date") != NULL) &&
        jf_date(body, "interview_date", out->interview_date, p) <= 0)
        out->interview_date[0] = '\0';
    out->has_months = jf_int(body, "months", 0, 12, &out->months, p) > 0;
    out->has_part_time = jf_decimal(body, "part_time", "part_time", 2, 0, 100, &out->part_time, p) > 0;
    return problem_count(p) - before;
}

int eval_sign_decode(const json_t *body, eval_sign_body *out, problem *p)
{
    static const char *const keys[] = {"comments", "interview_date", NULL};
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    jf_unknown_keys(body, keys, "", p);
    if ((out->has_comments = json_object_get(body, "comments") != NULL))
        out->comments = jf_text(body, "comments", EVAL_TEXT_MAX, p);
    if (jf_date(body, "interview_date", out->interview_date, p) <= 0)
        out->interview_date[0] = '\0';
    return problem_count(p) - before;
}

int eval_answer_decode(const json_t *body, int contest, const char **reason, problem *p)
{
    static const char *const keys[] = {"reason", NULL};
    int before = problem_count(p);
    jf_unknown_keys(body, keys, "", p);
    *reason = jf_text(body, "reason", EVAL_TEXT_MAX, p);
    if (contest && !*reason && problem_count(p) == before)
        problem_add(p, "reason", "is required: why the evaluation is contested");
    if (!contest && *reason)
        problem_add(p, "reason", "is only for contesting");
    return problem_count(p) - before;
}

int eval_conciliate_decode(const json_t *body, const char **note, const json_t **ratings, problem *p)
{
    static const char *const keys[] = {"note", "ratings", NULL};
    int before = problem_count(p);
    *note = NULL;
    *ratings = NULL;
    if (jf_object(body, keys, " {note, ratings}", p) < 0)
        return problem_count(p) - before;
    *note = jf_text(body, "note", EVAL_TEXT_MAX, p);
    if (!*note && problem_count(p) == before)
        problem_add(p, "note", "is required: the outcome of the conciliation");
    ratings_field(body, ratings, p);
    return problem_count(p) - before;
}

int eval_bonus_decode(const json_t *body, eval_bonus_body *out, problem *p)
{
    static const char *const keys[] = {"year", "role", "fund", "category", "redistribute", "replaces", NULL};
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    out->redistribute = 1;
    if (jf_object(body, keys, " {year, role, fund, category, redistribute}", p) < 0)
        return problem_count(p) - before;
    jf_required_int(body, "year", 2000, 2100, &out->year, "", p);
    out->role = role_field(body, p);
    const json_t *fv = json_object_get(body, "fund");
    rules_error e;
    memset(&e, 0, sizeof e);
    if (!fv)
        problem_add(p, "fund", "is required: the fund in euro");
    else if (rule_json_number(fv, 2, "fund", &out->fund, &e) < 0)
        problem_add(p, "fund", "%s", e.message);
    else if (out->fund.units < 0)
        problem_add(p, "fund", "the fund is below zero");
    out->category = jf_text(body, "category", 32, p);
    const json_t *rd = json_object_get(body, "redistribute");
    if (rd && !json_is_boolean(rd))
        problem_add(p, "redistribute", "must be true or false");
    out->redistribute = !rd || json_is_true(rd);
    jf_int(body, "replaces", 1, INT64_MAX, &out->replaces, p); /* the distribution this one replaces (sql/015) */
    return problem_count(p) - before;
}
