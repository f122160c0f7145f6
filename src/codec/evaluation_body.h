/*
 * evaluation_body.h — the request bodies of people evaluation and the bonus (openapi:
 * ParticipationCreate, EvaluationFormCreate, EvaluationFormPatch, the form actions and
 * BonusDistributionCreate), read into typed values.
 *
 * Pure: jansson and the rules library. Bodies are borrowed and every string a decoder hands
 * back is borrowed from its body. Each decoder adds the errors of the fields it reads to p,
 * naming the field and the rule ("percent": "is required: the % participation, 0..100"),
 * and returns how many it added; it leaves p's status to the caller, which knows what the
 * body is for.
 */
#ifndef CICLO_EVALUATION_BODY_H
#define CICLO_EVALUATION_BODY_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"
#include "rules.h"

#define EVAL_TEXT_MAX 20000 /* characters of comments, reasons and notes */

/* POST /v1/objectives/{id}/participations. */
typedef struct eval_participation_body {
    int64_t person_id;       /* required */
    rules_decimal percent;   /* required, 0..100 */
    int64_t months;          /* 0..12, default 12 */
    rules_decimal part_time; /* 0..100, default 100 */
} eval_participation_body;
int eval_participation_decode(const json_t *body, eval_participation_body *out, problem *p);

/* POST /v1/evaluation-forms. */
typedef struct eval_form_body {
    int64_t person_id, year, plan_id; /* required */
    int64_t structure_id;             /* 0: not given */
    const char *role;                 /* required: manager, eq or staff */
    char as_of[11];                   /* "" when not given */
    char interview_date[11];          /* "" when not given */
    int64_t months;                   /* default 12 */
    rules_decimal part_time;          /* default 100 */
    const char *comments;             /* NULL when not given */
} eval_form_body;
int eval_form_body_decode(const json_t *body, eval_form_body *out, problem *p);

/* PATCH /v1/evaluation-forms/{id}: the evaluator's fields and the HR office's. */
typedef struct eval_patch_body {
    int evaluator_fields;  /* ratings, comments or interview_date present */
    int hr_fields;         /* months or part_time present */
    const json_t *ratings; /* the ratings patch (an object), NULL when absent */
    int has_comments;      /* comments present: comments (NULL: cleared) */
    const char *comments;
    int has_interview_date; /* interview_date present: the date ("": cleared) */
    char interview_date[11];
    int has_months;
    int64_t months;
    int has_part_time;
    rules_decimal part_time;
} eval_patch_body;
/* First the shape: a JSON object with the patch's keys only, and which groups it sets.
 * Returns -1 when body is no object (error at ""), else the errors added. */
int eval_form_patch_keys(const json_t *body, eval_patch_body *out, problem *p);
/* Then the values, once the caller knows who may set them. Returns -1 at once when ratings
 * is no object (error at "ratings"), else the errors added. */
int eval_form_patch_values(const json_t *body, eval_patch_body *out, problem *p);

/* POST .../sign: {comments, interview_date}, both optional (body an object). */
typedef struct eval_sign_body {
    int has_comments; /* comments present: comments (NULL when null or not right) */
    const char *comments;
    char interview_date[11]; /* "" when not given */
} eval_sign_body;
int eval_sign_decode(const json_t *body, eval_sign_body *out, problem *p);

/* POST .../accept and .../contest: {reason}, required to contest and refused to accept
 * (body an object). *reason NULL when absent. */
int eval_answer_decode(const json_t *body, int contest, const char **reason, problem *p);

/* POST .../conciliate: {note (required), ratings (an object, optional)}. *ratings NULL when
 * absent. */
int eval_conciliate_decode(const json_t *body, const char **note, const json_t **ratings, problem *p);

/* POST /v1/entities/{id}/bonus-distributions. */
typedef struct eval_bonus_body {
    int64_t year;         /* required */
    const char *role;     /* required */
    rules_decimal fund;   /* required, euro, >= 0, 2 decimals */
    const char *category; /* NULL: every category */
    int redistribute;     /* default 1 */
    int64_t replaces;     /* 0: none; else the distribution this one replaces */
} eval_bonus_body;
int eval_bonus_decode(const json_t *body, eval_bonus_body *out, problem *p);

#endif
