/*
 * periods.h — the store side of monitoring periods and score overrides (sql/009_periods.sql):
 * the state an entry is checked against (plan status, closed through), the evaluator's
 * corrections that count at a date, and requests to set an objective's score by hand.
 *
 * One entry point runs a statement of this module by its name with text parameters (NULL =
 * SQL NULL); the parameters and columns of each are listed below. $1 is always the caller's
 * entity scope (NULL for an admin); writes take $2 token id, $3 actor name, $4 actor role and
 * append their audit row in the same statement.
 */
#ifndef CICLO_STORE_PERIODS_H
#define CICLO_STORE_PERIODS_H
#include "store/pool.h"

typedef enum store_period_stmt {
    /* The plan state of the row an entry is for. Row: plan_id, status, closed_through (or
     * NULL), kind of the review that closed it (or NULL), objective_id (NULL for a plan). */
    PS_STATE_PHASE,     /* $2 phase id */
    PS_STATE_INDICATOR, /* $2 indicator id */
    PS_STATE_OBJECTIVE, /* $2 objective id */
    PS_STATE_PLAN,      /* $2 plan id */
    /* The corrections that count as of $3 for the indicators / phases of objective $2:
     * rows (indicator_id or phase_id, correction JSON with the original it corrects). */
    PS_MEASUREMENT_CORRECTIONS,
    PS_PROGRESS_CORRECTIONS,
    /* Overrides. Rows: doc (JSON text) and, for lists, id. */
    OV_INSERT,         /* $5 objective id, $6 as_of, $7 score, $8 reason, $9 seen status → doc
                         (no row: objective gone, or the plan's status moved on from $9) */
    OV_GET,            /* $2 id → doc, objective_id, status, as_of */
    OV_LIST_OBJECTIVE, /* $2 objective id, $3 status or NULL, $4 after id, $5 limit → doc, id */
    OV_LIST_PLAN,      /* $2 plan id, same */
    OV_DECIDE,         /* $5 id, $6 'approved' or 'rejected', $7 note, $8 seen plan status → doc
                         (no row: not pending any more, or the plan's status moved on) */
    OV_EFFECTIVE,      /* $2 objective id, $3 as_of → doc of the latest approved override dated
                         on or before as_of */
    PS_COUNT
} store_period_stmt;

/* Registers the statements (called by api_init). */
int store_periods_register(void);
/* Runs statement q with params. Returns the result (PQclear it) or NULL with p set. */
PGresult *store_period(store_conn *c, store_period_stmt q, int nparams, const char *const *params, problem *p);

#endif
