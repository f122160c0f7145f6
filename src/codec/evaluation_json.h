/*
 * evaluation_json.h — the JSON of people evaluation (issue 10, docs/EVALUATION.md) to and
 * from the rules library's types: an evaluation scheme's definition, a form's ratings and
 * computed record, a bonus distribution's result.
 *
 * Pure: jansson and the rules library. Every json_t argument is borrowed; every json_t
 * returned is a new reference (NULL when out of memory). Field errors are added to a
 * problem with the field's JSON path ("behaviours[1].scale[0].value", "ratings.C1"), as the
 * API reports them.
 */
#ifndef CICLO_EVALUATION_JSON_H
#define CICLO_EVALUATION_JSON_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"
#include "rules.h"

/* The roles a scheme, a form or a distribution is for, NULL-terminated:
 * "manager", "eq", "staff". */
extern const char *const eval_role_names[];
/* The statuses of a form, NULL-terminated, in rules_form_status order. */
extern const char *const eval_status_names[];

/* The rules role named name ("manager", "eq", anything else: staff). */
rules_eval_role eval_role_of(const char *name);

/* A scheme definition as the rules library computes with it. */
typedef struct eval_scheme_def {
    rules_eval_scheme s;
    int basis_entity; /* structure_basis "entity": the entity's score is the structure component */
} eval_scheme_def;

/* The keys of a scheme's definition (what is stored as its definition), NULL-terminated. */
extern const char *const eval_definition_keys[];

/*
 * Decodes a scheme definition def (borrowed: behaviour codes point into it, so it must
 * outlive out) for role, with the defaults (premium increase 30, CV target 10), and when
 * every field reads runs rules_eval_scheme_check. Field errors go to p; returns their number.
 */
int eval_scheme_decode(const json_t *def, rules_eval_role role, eval_scheme_def *out, problem *p);

/* The head of a scheme body: year, role and title (role and title borrowed from the body). */
typedef struct eval_scheme_head {
    int64_t year;
    const char *role;
    const char *title;
} eval_scheme_head;

/*
 * Validates a whole scheme body ({year, role, title} and the definition's keys; no other).
 * Returns the definition (new reference: only the definition's keys that are not null), or
 * NULL with p set to 422 validation_failed and the field errors.
 */
json_t *eval_scheme_body(const json_t *body, eval_scheme_head *head, problem *p);

/*
 * Reads a form's ratings {behaviour code: rating or null} against scheme s into values[i] /
 * rated[i] (one per behaviour of s, both zeroed first). Adds "ratings.<code>" errors (not a
 * behaviour of the scheme; not a number of at most 2 decimals); returns their number.
 */
int eval_ratings_decode(const json_t *ratings, const rules_eval_scheme *s, rules_decimal *values, unsigned char *rated,
                        problem *p);

/* Sets p to the 422 of rules_eval_form's error e, naming the rating by its behaviour code
 * ("ratings.C2") instead of its index. */
void eval_form_refusal(const rules_eval_scheme *s, const rules_error *e, problem *p);

/* Sets p to 422 form_incomplete, with one error for each weighted component without a score
 * (its explanation; the behaviours at "ratings"). */
void eval_form_incomplete(const rules_eval_result *res, problem *p);

/* What a form's computed record holds besides the result. Arrays borrowed. */
typedef struct eval_computed {
    const char *as_of;
    int64_t plan_id;
    int plan_revision;
    int basis_entity;
    const rules_eval_result *result;
    const int64_t *objective_ids;     /* one per participation */
    const rules_participation *parts; /* a part's score is null unless its status is MEASURED */
    int n_parts;
    const rules_decimal *given; /* the evaluations given (managers) */
    int n_given;
} eval_computed;

/* Encodes a form's computed record: every number with its explanation. */
json_t *eval_computed_encode(const eval_computed *c);

/* Who one line of a bonus distribution is. Strings borrowed; external_id, category may be NULL. */
typedef struct eval_bonus_person {
    int64_t form_id, person_id;
    const char *name, *external_id, *category;
} eval_bonus_person;

/* Encodes a distribution's result: its totals and one line per person with the rules
 * library's output for them (in, out and who have n entries each). */
json_t *eval_bonus_encode(const rules_bonus_result *res, const eval_bonus_person *who, const rules_bonus_input *in,
                          const rules_bonus_output *out, int n);

#endif
