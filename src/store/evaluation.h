/*
 * evaluation.h — the store side of people evaluation and the result bonus
 * (sql/005_evaluation.sql): evaluation schemes, participations, evaluation forms and bonus
 * distributions, read and written as typed values.
 *
 * Every function runs under an eval_ctx: the caller's entity scope goes into each
 * statement's WHERE (NULL: an admin, every entity), and every write appends its audit row
 * in the same statement. Unless said otherwise a function returns 1 when it found (or
 * wrote) its row, 0 when there is none in scope (for an update: none at that version),
 * and -1 with p filled from the database error (409, 422, 503 ... see errors.c). Out
 * values are set only on 1. Documents are the API's JSON as the database renders it.
 */
#ifndef CICLO_STORE_EVALUATION_H
#define CICLO_STORE_EVALUATION_H
#include <stdint.h>

#include "core/arena.h"
#include "core/problem.h"
#include "rules.h"
#include "store/crud.h"
#include "store/docs.h"
#include "store/pool.h"

/* Who runs the statements: all borrowed for the call. actor is needed by writes only. */
typedef struct eval_ctx {
    store_conn *db;
    const char *scope; /* the caller's entity id as text, NULL for every entity */
    const store_actor *actor;
} eval_ctx;

/* Registers the statements of this module. Call once at start-up. Returns 0 or -1. */
int store_evaluation_register(void);

/* ---- Schemes: doc with version ---- */
int store_eval_scheme_insert(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, const char *title,
                             const char *definition, store_doc *out, problem *p);
int store_eval_scheme_get(const eval_ctx *x, int64_t id, store_doc *out, problem *p);
int store_eval_scheme_update(const eval_ctx *x, int64_t id, int64_t version, int64_t year, const char *role,
                             const char *title, const char *definition, store_doc *out, problem *p);
/* Deletes scheme id (only at version when version >= 0). */
int store_eval_scheme_delete(const eval_ctx *x, int64_t id, int64_t version, problem *p);
/* The scheme of entity, year and role: its id and definition (JSON text, in the arena a). */
int store_eval_scheme_find(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, arena *a, int64_t *id,
                           char **definition, problem *p);

/* A page of a list: rows with id > after, at most limit (callers ask one more than they
 * show, to tell there is a next page). Filters are the query's texts, NULL: none. Returns 0
 * with *out (store_docs_free it, or hand it to list_answer_docs), or -1. */
typedef struct eval_page {
    int64_t after;
    int limit;
} eval_page;
int store_eval_scheme_list(const eval_ctx *x, int64_t entity_id, const char *year, const char *role,
                           const eval_page *pg, store_docs **out, problem *p);

/* ---- Participations ---- */
/* The entity of objective id, live (not removed from the plan) and in scope. */
int store_eval_objective_entity(const eval_ctx *x, int64_t objective_id, int64_t *entity_id, problem *p);
/* Every participation in the objective: 0 with *out (store_docs_free it) and, in the arena,
 * (*person_ids)[i] the person row i is about; or -1. */
int store_eval_part_list(const eval_ctx *x, int64_t objective_id, arena *a, store_docs **out, int64_t **person_ids,
                         problem *p);
/* Whether person_id leads a structure objective_id is assigned to (1 yes, 0 no, -1). */
int store_eval_leads(const eval_ctx *x, int64_t objective_id, int64_t person_id, problem *p);
int store_eval_part_insert(const eval_ctx *x, int64_t objective_id, int64_t person_id, rules_decimal percent,
                           int64_t months, rules_decimal part_time, store_doc *out, problem *p);
int store_eval_part_delete(const eval_ctx *x, int64_t id, problem *p);

/* A participation of a person in a live objective of a plan. */
typedef struct eval_part {
    int64_t objective_id;
    const char *code; /* in the arena */
    rules_decimal percent, part_time;
    int months;
} eval_part;
/* The participations of person_id in plan_id, by objective code, in the arena a.
 * Returns 0 with *rows and *n, or -1. */
int store_eval_parts_of(const eval_ctx *x, int64_t person_id, int64_t plan_id, arena *a, eval_part **rows, int *n,
                        problem *p);

/* ---- People, structures, plans ---- */
int store_eval_person_entity(const eval_ctx *x, int64_t person_id, int64_t *entity_id, problem *p);
/* Plan id: its entity and the as_of of its final review ("" when none). */
int store_eval_plan(const eval_ctx *x, int64_t plan_id, int64_t *entity_id, char final_as_of[11], problem *p);
/* Structure id of entity: its manager and parent (0 when none). */
int store_eval_structure(const eval_ctx *x, int64_t structure_id, int64_t entity_id, int64_t *manager_id,
                         int64_t *parent_id, problem *p);
/* How many structures of entity person_id leads (the first, by code, in *structure_id),
 * or -1. */
int store_eval_led(const eval_ctx *x, int64_t person_id, int64_t entity_id, int64_t *structure_id, problem *p);

/* ---- Forms ---- */
/* A new form (strings borrowed; 0 ids and NULL texts are SQL NULL). */
typedef struct eval_form_new {
    int64_t person_id, year, scheme_id, plan_id, structure_id, evaluator_id, months;
    const char *role, *as_of, *ratings, *comments, *interview_date, *computed;
    rules_decimal part_time;
    int has_score;
    rules_decimal score;
} eval_form_new;
/* Inserts the form of a person in scope (0: no such person). doc with version. */
int store_eval_form_insert(const eval_ctx *x, const eval_form_new *f, store_doc *out, problem *p);

/* A stored form with the values the handlers decide on. Texts in the arena given. */
typedef struct eval_form {
    store_doc doc; /* malloc'd: store_doc_free, or hand it over */
    int64_t id, entity_id, person_id, evaluator_id, plan_id, structure_id, scheme_id;
    int year, months;
    char role[16], status[16], as_of[11], interview_date[11]; /* interview_date "" when none */
    rules_decimal part_time;
    const char *ratings;  /* JSON text, "{}" when none */
    const char *computed; /* JSON text, NULL when none */
    const char *comments; /* NULL when none */
    int has_score;
    rules_decimal score;
} eval_form;
int store_eval_form_get(const eval_ctx *x, int64_t id, arena *a, eval_form *out, problem *p);

/* The forms of the scope (viewer: only those whose person or evaluator it is; NULL: all),
 * with the query's filters. Returns 0 or -1. */
int store_eval_form_list(const eval_ctx *x, const char *viewer, const char *year, const char *role, const char *status,
                         const eval_page *pg, store_docs **out, problem *p);

/* What an action writes to form id at version (NULL texts: SQL NULL; signed_by,
 * contest_reason and conciliation_note NULL keep what is stored). */
typedef struct eval_form_write {
    int64_t id, version;
    const char *action; /* for the audit, and the timestamp it sets: sign, accept, contest, conciliate, update */
    const char *status, *ratings, *comments, *interview_date, *computed;
    int months;
    rules_decimal part_time;
    int has_score;
    rules_decimal score;
    const char *signed_by, *contest_reason, *conciliation_note;
} eval_form_write;
/* 0: the form is gone or no longer at version. doc with version. */
int store_eval_form_update(const eval_ctx *x, const eval_form_write *w, store_doc *out, problem *p);

/* The final scores of the forms evaluator_id signed in year (of entity), at most max, in
 * the arena. Returns 0 with *scores and *n, or -1. */
int store_eval_given(const eval_ctx *x, int64_t evaluator_id, int64_t year, int64_t entity_id, int max, arena *a,
                     rules_decimal **scores, int *n, problem *p);

/* A form counted by a bonus distribution, with its person. Texts in the arena. */
typedef struct eval_fund_form {
    int64_t form_id, person_id;
    const char *name, *external_id, *category, *status; /* external_id, category may be NULL */
    int has_score;
    rules_decimal score, part_time;
    int months;
} eval_fund_form;
/* The forms of entity, year and role (category: only its people; NULL: all), by person.
 * Returns 0 with *rows and *n, or -1. */
int store_eval_fund(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, const char *category,
                    arena *a, eval_fund_form **rows, int *n, problem *p);

/* ---- Distributions: doc without version ---- */
typedef struct eval_dist_new {
    int64_t entity_id, year, scheme_id, replaces; /* replaces 0: none */
    const char *role, *category, *result;         /* category NULL: every one; result JSON */
    rules_decimal fund, distributed, remainder;
    int redistribute;
} eval_dist_new;
/* 0: the entity is not in scope. */
int store_eval_dist_insert(const eval_ctx *x, const eval_dist_new *d, store_doc *out, problem *p);
int store_eval_dist_get(const eval_ctx *x, int64_t id, store_doc *out, problem *p);
/* The distributions of entity, without their people. Returns 0 or -1. */
int store_eval_dist_list(const eval_ctx *x, int64_t entity_id, const eval_page *pg, store_docs **out, problem *p);

#endif
