/*
 * plan_rows.h — a plan as raw rows, read in one REPEATABLE READ transaction (one consistent
 * snapshot). Store-internal: store/plan_model.c decodes these rows into the plan model;
 * nothing outside src/store sees them.
 */
#ifndef CICLO_STORE_PLAN_ROWS_H
#define CICLO_STORE_PLAN_ROWS_H
#include <libpq-fe.h>
#include <stdint.h>

#include "core/problem.h"
#include "store/exec.h"
#include "store/pool.h"

/* A plan as rows, read in one REPEATABLE READ transaction. Each result is owned here. */
typedef struct plan_rows {
    PGresult *plan;         /* entity_id, year, revision, status, editing, method (json text or NULL) */
    PGresult *objectives;   /* id, code, title, parent_id, payment_timeliness, start_year, end_year */
    PGresult *assignments;  /* objective_id, structure_id, person_id, weight */
    PGresult *structures;   /* id, code, name, manager_id, interim (every structure of the entity) */
    PGresult *people;       /* id, external_id, name, role (those the plan names) */
    PGresult *phases;       /* id, objective_id, weight, cumulative, deadline, owners (joined by \x1f) */
    PGresult *indicators;   /* id, objective_id, code, weight, rule (json text, NULL when its form
                               is read), name, value_type, target, baseline (json text), direction,
                               form (the rule's compact form, codec/rule_form.h, or NULL), digest
                               (SHA-256 hex of the rule text, when the rule is read as JSON from the
                               live table, else NULL) */
    PGresult *progress;     /* phase_id, percent_complete, completed_on (latest on or before as_of) */
    PGresult *measurements; /* indicator_id, value (json text), not_assessable, as_of (latest on or before) */
    PGresult *judgements;   /* indicator_id, score, reason, as_of (latest undated or on or before) */
    PGresult *overrides;    /* objective_id, score: the approved override that counts as of as_of */
    int revision;           /* the adopted revision read, 0 for the working copy */
} plan_rows;

/* Registers the statements of this module; called by store_monitoring_register. */
int store_plan_rows_register(void);

/* Reads plan_id (in scope) with its latest progress and measurements on or before as_of
 * ("YYYY-MM-DD"). revision n > 0 reads the plan as adopted in revision n (its snapshot);
 * 0 the working copy; -1 the working copy, or the current revision while a new one is open
 * (a draft). forms 1 reads each rule's stored compact form where there is one (instead of its
 * JSON text), 0 every rule as JSON text. Returns 1, 0 when there is no such plan, -1 on error
 * (404 for a missing revision). Free with store_plan_rows_clear. */
int store_plan_rows(store_conn *c, const char *scope, int64_t plan_id, const char *as_of, int revision, int forms,
                    plan_rows *out, problem *p);
void store_plan_rows_clear(plan_rows *rows);

/* Writes compact rule forms back to indicators of entity_id: json (borrowed) is an array of
 * {"i": indicator id, "d": SHA-256 (hex) of the rule text the form was decoded from, "f": form};
 * a form is written only where the row's rule is still that text. Best effort, in a
 * transaction of its own: a failure (a row locked by a writer, a read-only database) is logged
 * and changes nothing. Inside a transaction of the caller (store_depth), nothing is written. */
void store_plan_rows_keep_forms(store_conn *c, int64_t entity_id, const char *json);

#endif
