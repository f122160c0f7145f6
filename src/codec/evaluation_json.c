/* evaluation_json.c — the JSON of people evaluation (evaluation_json.h). */
#include "codec/evaluation_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codec/json_fields.h"
#include "codec/rule_json.h"
#include "core/text.h"

const char *const eval_role_names[] = {"manager", "eq", "staff", NULL};
const char *const eval_status_names[] = {"draft", "signed", "accepted", "contested", "conciliated", NULL};
const char *const eval_definition_keys[] = {"structure_basis",           "weights", "behaviours", "bands", "premium",
                                            "differentiation_cv_target", NULL};

rules_eval_role eval_role_of(const char *name)
{
    return strcmp(name, "manager") == 0 ? RULES_EVAL_MANAGER
           : strcmp(name, "eq") == 0    ? RULES_EVAL_EQ
                                        : RULES_EVAL_STAFF;
}

static void decode_weights(const json_t *def, rules_eval_scheme *s, problem *p)
{
    static const char *const comp_keys[] = {"structure", "objectives", "behaviours", "differentiation", NULL};
    const json_t *w = json_object_get(def, "weights");
    if (!json_is_object(w)) {
        problem_add(p, "weights", "is required: {structure, objectives, behaviours, differentiation} totalling 100");
        return;
    }
    jf_unknown_keys(w, comp_keys, "weights.", p);
    for (int c = 0; c < RULES_EVAL_COMPONENTS; c++) {
        char path[64];
        snprintf(path, sizeof path, "weights.%s", comp_keys[c]);
        jf_decimal(w, comp_keys[c], path, 2, 0, 100, &s->weight[c], p);
    }
}

/* Behaviour i (b, its fields at prefix) of s, whose earlier behaviours are decoded. */
static void decode_behaviour(const json_t *b, size_t i, const char *prefix, rules_eval_scheme *s, problem *p)
{
    static const char *const level_keys[] = {"value", "descriptor", NULL};
    rules_behaviour *bh = &s->behaviour[i];
    char path[96];
    const json_t *code = json_object_get(b, "code");
    snprintf(path, sizeof path, "%scode", prefix);
    if (!json_is_string(code) || !json_string_length(code) || utf8_length(json_string_value(code)) > 32) {
        problem_add(p, path, "is required: a short code of at most 32 characters");
    } else {
        bh->code = json_string_value(code);
        for (size_t k = 0; k < i; k++)
            if (s->behaviour[k].code && strcmp(s->behaviour[k].code, bh->code) == 0)
                problem_add(p, path, "%s is already the code of behaviours[%zu]", bh->code, k);
    }
    const json_t *name = json_object_get(b, "name");
    snprintf(path, sizeof path, "%sname", prefix);
    if (name && (!json_is_string(name) || utf8_length(json_string_value(name)) > 300))
        problem_add(p, path, "must be a string of at most 300 characters");
    jf_required_decimal(b, prefix, "weight", 2, 0, 100, &bh->weight, p);
    const json_t *scale = json_object_get(b, "scale");
    snprintf(path, sizeof path, "%sscale", prefix);
    if (!json_is_array(scale) || json_array_size(scale) > RULES_EVAL_MAX_LEVELS) {
        problem_add(p, path, "is required: 2 to %d levels [{value, descriptor}]", RULES_EVAL_MAX_LEVELS);
        return;
    }
    for (size_t j = 0; j < json_array_size(scale); j++) {
        char lprefix[140];
        const json_t *lv = jf_array_object(scale, j, path, level_keys, "{value, descriptor}", lprefix, sizeof lprefix, p);
        if (!lv)
            continue;
        const json_t *desc = json_object_get(lv, "descriptor");
        if (desc && (!json_is_string(desc) || utf8_length(json_string_value(desc)) > 2000))
            problem_add(p, lprefix, "descriptor must be a string of at most 2000 characters");
        jf_required_decimal(lv, lprefix, "value", 2, 0, 1000, &bh->level[bh->n_levels], p);
        bh->n_levels++;
    }
}

static void decode_behaviours(const json_t *def, rules_eval_scheme *s, problem *p)
{
    static const char *const beh_keys[] = {"code", "name", "weight", "scale", NULL};
    const json_t *bs = json_object_get(def, "behaviours");
    if (bs && !json_is_null(bs) && (!json_is_array(bs) || json_array_size(bs) > RULES_EVAL_MAX_BEHAVIOURS)) {
        problem_add(p, "behaviours", "must be an array of at most %d behaviours", RULES_EVAL_MAX_BEHAVIOURS);
        return;
    }
    for (size_t i = 0; bs && i < json_array_size(bs); i++) {
        char prefix[64];
        s->n_behaviours++;
        const json_t *b = jf_array_object(bs, i, "behaviours", beh_keys, "{code, name, weight, scale}", prefix,
                                          sizeof prefix, p);
        if (b)
            decode_behaviour(b, i, prefix, s, p);
    }
}

static void decode_bands(const json_t *def, rules_eval_scheme *s, problem *p)
{
    static const char *const band_keys[] = {"min_score", "coefficient", NULL};
    const json_t *bands = json_object_get(def, "bands");
    if (!json_is_array(bands) || json_array_size(bands) > RULES_EVAL_MAX_BANDS) {
        problem_add(p, "bands", "is required: 1 to %d bands [{min_score, coefficient}]", RULES_EVAL_MAX_BANDS);
        return;
    }
    for (size_t i = 0; i < json_array_size(bands); i++) {
        char prefix[32];
        rules_eval_band *bd = &s->band[s->n_bands++];
        const json_t *b = jf_array_object(bands, i, "bands", band_keys, "{min_score, coefficient}", prefix,
                                          sizeof prefix, p);
        if (!b)
            continue;
        jf_required_decimal(b, prefix, "min_score", 2, 0, 100, &bd->min_score, p);
        jf_required_decimal(b, prefix, "coefficient", 4, 0, 10, &bd->coefficient, p);
    }
}

int eval_scheme_decode(const json_t *def, rules_eval_role role, eval_scheme_def *out, problem *p)
{
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    rules_eval_scheme *s = &out->s;
    s->role = role;
    s->premium_increase = rules_decimal_from_int(30);
    s->cv_target = rules_decimal_from_int(10);
    const json_t *basis = json_object_get(def, "structure_basis");
    if (basis && !json_is_null(basis)) {
        if (!json_is_string(basis) ||
            (strcmp(json_string_value(basis), "structure") && strcmp(json_string_value(basis), "entity")))
            problem_add(p, "structure_basis", "must be one of: structure, entity");
        else
            out->basis_entity = strcmp(json_string_value(basis), "entity") == 0;
    }
    decode_weights(def, s, p);
    decode_behaviours(def, s, p);
    decode_bands(def, s, p);
    static const char *const prem_keys[] = {"share", "increase", NULL};
    const json_t *prem = json_object_get(def, "premium");
    if (prem && !json_is_null(prem)) {
        if (!json_is_object(prem)) {
            problem_add(p, "premium", "must be an object {share, increase}");
        } else {
            jf_unknown_keys(prem, prem_keys, "premium.", p);
            jf_decimal(prem, "share", "premium.share", 2, 0, 100, &s->premium_share, p);
            jf_decimal(prem, "increase", "premium.increase", 2, 0, 100, &s->premium_increase, p);
        }
    }
    jf_decimal(def, "differentiation_cv_target", "differentiation_cv_target", 2, 0, 1000, &s->cv_target, p);
    if (problem_count(p) == before) {
        rules_finding f[64];
        size_t n = 0;
        rules_eval_scheme_check(s, f, 64, &n);
        for (size_t i = 0; i < n && i < 64; i++)
            problem_add(p, f[i].path, "%s", f[i].message);
    }
    return problem_count(p) - before;
}

json_t *eval_scheme_body(const json_t *body, eval_scheme_head *head, problem *p)
{
    static const char *const keys[] = {"year",       "role",  "title",   "structure_basis",           "weights",
                                       "behaviours", "bands", "premium", "differentiation_cv_target", NULL};
    memset(head, 0, sizeof *head);
    if (!json_is_object(body)) {
        problem_set(p, 422, "validation_failed", "the evaluation scheme must be a JSON object");
        return NULL;
    }
    jf_unknown_keys(body, keys, "", p);
    jf_required_int(body, "year", 2000, 2100, &head->year, "", p);
    const json_t *r = json_object_get(body, "role");
    head->role = json_is_string(r) ? json_string_value(r) : NULL;
    if (!jf_one_of(head->role, eval_role_names))
        problem_add(p, "role", "must be one of: manager, eq, staff");
    head->title = jf_text(body, "title", 300, p);
    if (!problem_count(p)) {
        eval_scheme_def d;
        eval_scheme_decode(body, eval_role_of(head->role), &d, p);
    }
    if (problem_count(p)) {
        problem_set(p, 422, "validation_failed", "the evaluation scheme is not valid");
        return NULL;
    }
    json_t *def = json_object();
    for (int i = 0; def && eval_definition_keys[i]; i++) {
        json_t *v = json_object_get(body, eval_definition_keys[i]);
        if (v && !json_is_null(v) && json_object_set(def, eval_definition_keys[i], v) < 0) {
            json_decref(def);
            def = NULL;
        }
    }
    if (!def)
        problem_set(p, 503, "out_of_memory", "try again");
    return def;
}

int eval_ratings_decode(const json_t *ratings, const rules_eval_scheme *s, rules_decimal *values, unsigned char *rated,
                        problem *p)
{
    int before = problem_count(p);
    memset(values, 0, sizeof *values * RULES_EVAL_MAX_BEHAVIOURS);
    memset(rated, 0, RULES_EVAL_MAX_BEHAVIOURS);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)ratings, key, v)
    {
        char path[80];
        snprintf(path, sizeof path, "ratings.%s", key);
        int k = -1;
        for (int i = 0; i < s->n_behaviours; i++)
            if (strcmp(s->behaviour[i].code, key) == 0)
                k = i;
        if (k < 0) {
            problem_add(p, path, "is not a behaviour of the scheme");
            continue;
        }
        if (json_is_null(v))
            continue;
        rules_error e;
        memset(&e, 0, sizeof e);
        if (rule_json_number(v, 2, path, &values[k], &e) < 0)
            problem_add(p, path, "%s", e.message);
        else
            rated[k] = 1;
    }
    return problem_count(p) - before;
}

void eval_form_refusal(const rules_eval_scheme *s, const rules_error *e, problem *p)
{
    int k = -1;
    char field[160];
    if (sscanf(e->field, "ratings[%d]", &k) == 1 && k >= 0 && k < s->n_behaviours)
        snprintf(field, sizeof field, "ratings.%s", s->behaviour[k].code);
    else
        snprintf(field, sizeof field, "%s", e->field);
    problem_set(p, 422, "validation_failed", "%s", e->message);
    problem_add(p, field, "%s", e->message);
    if (e->hint[0])
        problem_hint(p, "%s", e->hint);
}

void eval_form_incomplete(const rules_eval_result *res, problem *p)
{
    problem_set(p, 422, "form_incomplete", "the evaluation cannot be signed before every component has a score");
    for (int k = 0; k < RULES_EVAL_COMPONENTS; k++)
        if (res->weight[k].units > 0 && !res->has[k])
            problem_add(p, k == RULES_EVAL_BEHAVIOURS ? "ratings" : rules_eval_component_name((rules_eval_component)k),
                        "%s", res->explanation[k]);
}

/* A decimal, or null when there is none. */
static json_t *decimal_or_null(int has, rules_decimal d) { return has ? rule_json_decimal(d) : json_null(); }

json_t *eval_computed_encode(const eval_computed *c)
{
    const rules_eval_result *r = c->result;
    json_t *comps = json_array();
    for (int k = 0; k < RULES_EVAL_COMPONENTS; k++) {
        char expl[RULES_EVAL_EXPLANATION + 64];
        snprintf(expl, sizeof expl, "%s%s",
                 k == RULES_EVAL_STRUCTURE && c->basis_entity ? "the entity as a whole: " : "", r->explanation[k]);
        json_array_append_new(comps, json_pack("{s:s, s:o, s:o, s:s}", "component",
                                               rules_eval_component_name((rules_eval_component)k), "weight",
                                               rule_json_decimal(r->weight[k]), "score",
                                               decimal_or_null(r->has[k], r->score[k]), "explanation", expl));
    }
    json_t *pj = json_array();
    for (int i = 0; i < c->n_parts; i++) {
        const rules_participation *pt = &c->parts[i];
        json_array_append_new(pj, json_pack("{s:I, s:s, s:o, s:i, s:o, s:o}", "objective_id",
                                            (json_int_t)c->objective_ids[i], "code", pt->code, "percent",
                                            rule_json_decimal(pt->percent), "months", pt->months, "part_time",
                                            rule_json_decimal(pt->part_time), "score",
                                            decimal_or_null(pt->status == RULES_SCORE_MEASURED, pt->score)));
    }
    json_t *gj = json_array();
    for (int i = 0; i < c->n_given; i++)
        json_array_append_new(gj, rule_json_decimal(c->given[i]));
    return json_pack("{s:s, s:I, s:i, s:s, s:o, s:o, s:o, s:b, s:s, s:o, s:o, s:o, s:o}", "as_of", c->as_of, "plan_id",
                     (json_int_t)c->plan_id, "plan_revision", c->plan_revision, "structure_basis",
                     c->basis_entity ? "entity" : "structure", "components", comps, "total",
                     decimal_or_null(r->has_total, r->total), "band",
                     r->band >= 0 ? json_integer(r->band) : json_null(), "complete", r->complete, "total_explanation",
                     r->total_explanation, "coefficient", rule_json_decimal(r->coefficient), "cv",
                     decimal_or_null(r->has_cv, r->cv), "participations", pj, "evaluations_given", gj);
}

static json_t *money_json(int64_t cents) { return rule_json_decimal((rules_decimal){cents * 100}); }

static json_t *text_or_null(const char *s) { return s ? json_string(s) : json_null(); }

json_t *eval_bonus_encode(const rules_bonus_result *res, const eval_bonus_person *who, const rules_bonus_input *in,
                          const rules_bonus_output *out, int n)
{
    json_t *people = json_array();
    for (int i = 0; i < n; i++) {
        json_t *pj = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:i, s:b, s:o, s:o, s:o, s:s}",
                               "form_id", (json_int_t)who[i].form_id, "person_id", (json_int_t)who[i].person_id, "name",
                               who[i].name, "external_id", text_or_null(who[i].external_id), "category",
                               text_or_null(who[i].category), "score", rule_json_decimal(in[i].score), "band",
                               out[i].band >= 0 ? json_integer(out[i].band) : json_null(), "coefficient",
                               rule_json_decimal(out[i].coefficient), "months", in[i].months, "part_time",
                               rule_json_decimal(in[i].part_time), "rank", out[i].rank, "premium", out[i].premium,
                               "base", money_json(out[i].base_cents), "premium_amount", money_json(out[i].premium_cents),
                               "bonus", money_json(out[i].bonus_cents), "explanation", out[i].explanation);
        json_array_append_new(people, pj);
    }
    return json_pack("{s:i, s:i, s:i, s:o, s:o, s:s, s:o}", "people_count", res->n_people, "eligible", res->n_eligible,
                     "premiums", res->n_premium, "average", money_json(res->average_cents), "premium_amount",
                     money_json(res->premium_cents), "explanation", res->explanation, "people", people);
}
