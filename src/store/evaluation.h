/*
 * evaluation.h — the store side of people evaluation and the result bonus (sql/005_evaluation.sql):
 * evaluation schemes, participations, evaluation forms and bonus distributions.
 *
 * One entry point runs a statement of this module by its name in store_eval_stmt with text
 * parameters (NULL = SQL NULL); the parameters and columns of each statement are listed
 * below. Every statement carries the caller's entity scope ($1, NULL for an admin) in its
 * WHERE, and every write appends its audit row in the same statement ($2 token id, $3 actor
 * name, $4 actor role).
 */
#ifndef CICLO_STORE_EVALUATION_H
#define CICLO_STORE_EVALUATION_H
#include <stdint.h>

#include "store/crud.h"
#include "store/pool.h"

typedef enum store_eval_stmt {
    /* Schemes. Rows: doc (JSON text), version. */
    EV_SCHEME_INSERT, /* $5 entity_id, $6 year, $7 role, $8 title, $9 definition (JSON) */
    EV_SCHEME_GET,    /* $2 id → doc, version, entity_id */
    EV_SCHEME_LIST,   /* $2 entity_id, $3 year|NULL, $4 role|NULL, $5 after id, $6 limit → doc, id */
    EV_SCHEME_UPDATE, /* $5 id, $6 version, $7 year, $8 role, $9 title, $10 definition → doc, version */
    EV_SCHEME_DELETE, /* $5 id, $6 version|NULL → id */
    EV_SCHEME_FIND,   /* $2 entity_id, $3 year, $4 role → id, definition (JSON text) */
    /* Participations. */
    EV_PART_INSERT, /* $5 objective_id, $6 person_id, $7 percent, $8 months, $9 part_time → doc */
    EV_PART_LIST,   /* $2 objective_id → doc, id */
    EV_PART_DELETE, /* $5 id → id */
    EV_PART_OF,     /* $2 person_id, $3 plan_id → objective_id, code, percent, months, part_time */
    EV_OBJECTIVE,   /* $2 objective_id → id (the objective is live and in scope) */
    /* People, structures, plans. */
    EV_PERSON,    /* $2 person_id → id, entity_id, name, external_id, category */
    EV_STRUCTURE, /* $2 structure_id, $3 entity_id → id, code, name, manager_id, parent_id */
    EV_LED,       /* $2 person_id, $3 entity_id → id, code (structures the person leads) */
    EV_PLAN,      /* $2 plan_id → entity_id, year, final review as_of (or NULL) */
    /* Forms. Rows of EV_FORM_GET: doc, version, id, entity_id, person_id, evaluator_id, role, status,
     * year, plan_id, structure_id, as_of, months, part_time, ratings (JSON), scheme_id, comments,
     * interview_date. */
    EV_FORM_INSERT, /* $5 person, $6 year, $7 role, $8 scheme, $9 plan, $10 structure, $11 evaluator,
                       $12 as_of, $13 months, $14 part_time, $15 ratings, $16 comments, $17 interview_date,
                       $18 computed, $19 score → doc, version */
    EV_FORM_GET,    /* $2 id */
    EV_FORM_LIST,   /* $2 viewer person|NULL (NULL: every form of the scope), $3 year|NULL, $4 role|NULL,
                       $5 status|NULL, $6 after id, $7 limit → doc, id */
    EV_FORM_UPDATE, /* $5 id, $6 version, $7 action (audit, and which timestamp to set: sign, accept,
                       contest, conciliate, update), $8 status, $9 ratings, $10 comments,
                       $11 interview_date, $12 months, $13 part_time, $14 computed, $15 score,
                       $16 signed_by, $17 contest_reason, $18 conciliation_note → doc, version */
    EV_FORM_GIVEN,  /* $2 evaluator person, $3 year, $4 entity_id → score (signed or later) */
    EV_FORM_FUND,   /* $2 entity_id, $3 year, $4 role, $5 category|NULL → id, person_id, name,
                       external_id, category, status, score, months, part_time */
    /* Distributions. Rows: doc. */
    EV_DIST_INSERT, /* $5 entity_id, $6 year, $7 role, $8 category, $9 scheme, $10 fund, $11 redistribute,
                       $12 distributed, $13 remainder, $14 result (JSON) → doc */
    EV_DIST_GET,    /* $2 id → doc */
    EV_DIST_LIST,   /* $2 entity_id, $3 after id, $4 limit → doc (without the people), id */
    EV_COUNT
} store_eval_stmt;

/* Registers the statements of this module. Call once at start-up. Returns 0 or -1. */
int store_evaluation_register(void);

/* Runs statement q with nparams text parameters. Returns the result (PQclear it), or NULL
 * with p filled from the database error (409, 422, 503 ... see errors.c). */
PGresult *store_eval(store_conn *c, store_eval_stmt q, int nparams, const char *const *params, problem *p);

#endif
