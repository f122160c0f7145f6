/*
 * erp.h — the store side of the ERP feeds (their idempotency keys: store/idempotency.h): the locks that make a feed
 * all-or-nothing against a concurrent one, the set-based writes of measurements and
 * financial figures, and the change feed over the audit log. Like store/import.h, the
 * caller holds the transaction.
 */
#ifndef CICLO_STORE_ERP_H
#define CICLO_STORE_ERP_H
#include <stdint.h>

#include "store/crud.h"
#include "store/pool.h"

/* Registers the statements of this module. */
int store_erp_register(void);

/* Locks entity id (in scope) against concurrent feeds: 1, 0 when not in scope, -1. */
int store_entity_lock(store_conn *c, const char *scope, int64_t id, problem *p);

typedef struct store_plan_state_row {
    int64_t entity_id;
    int year;
    char status[16];
    int editing;
    char kind[16];
    int revision; /* the current (last adopted) revision, 0 for a draft */
    char entity_code[72];
    char closed_through[11]; /* the date up to which its periods are closed (its latest review), "" for none */
} store_plan_state_row;
/* Locks plan id (in scope) against concurrent feeds and revisions (FOR NO KEY UPDATE,
 * for the caller's transaction) and reads its state: 1, 0, -1. */
int store_plan_lock(store_conn *c, const char *scope, int64_t id, store_plan_state_row *out, problem *p);

/* The live indicators of a plan: *out rows (code, id, value_type); PQclear it. */
int store_plan_indicator_codes(store_conn *c, int64_t entity, int64_t plan, PGresult **out, problem *p);
/* The live objective codes of a plan: *out rows (code). */
int store_plan_objective_codes(store_conn *c, int64_t entity, int64_t plan, PGresult **out, problem *p);

/* Appends measurements rows [{line, indicator_id, as_of, value (JSON text), source, note}]
 * of plan, skipping a row equal in (indicator, as_of, value, source) to one stored or to
 * an earlier row. Each row added gets its audit record. *inserted counts them. */
int store_measurements_add_rows(store_conn *c, const store_actor *who, int64_t entity, int64_t plan,
                                const char *rows_json, int64_t *inserted, problem *p);

/* The lines of the rows (as for store_measurements_add_rows, or store_progress_add_rows when
 * progress) that would add an entry dated on or before closed_through: *out rows (line);
 * PQclear it. Returns 0 or -1. */
int store_feed_closed_rows(store_conn *c, int progress, int64_t entity, int64_t plan, const char *rows_json,
                           const char *closed_through, PGresult **out, problem *p);
/* The live phases of a plan: *out rows (objective code, chr(31), seq as one key; id). */
int store_plan_phase_keys(store_conn *c, int64_t entity, int64_t plan, PGresult **out, problem *p);
/* Appends progress rows [{line, phase_id, as_of, percent, completed_on, note}] of plan, skipping
 * a row equal in (phase, as_of, percent, completed_on) to a stored entry or an earlier row;
 * each with its audit record. *inserted counts them. */
int store_progress_add_rows(store_conn *c, const store_actor *who, int64_t entity, int64_t plan, const char *rows_json,
                            int64_t *inserted, problem *p);

/* Sets objectives' financial_resources from rows [{code, amount}] (live objectives of
 * plan); only changed rows are written, with their audit records. */
int store_financials_set(store_conn *c, const store_actor *who, int64_t entity, int64_t plan, const char *rows_json,
                         int64_t *updated, problem *p);

/* Audit records after id `after`, in id order, at most limit, in scope; records of
 * transactions that may still commit behind them are held back (see erp.c). Column 0 is
 * {id, at, entity_id, resource, resource_id, action, plan_id}, column 1 the id. */
int store_changes(store_conn *c, const char *scope, int64_t after, int limit, PGresult **out, problem *p);

#endif
