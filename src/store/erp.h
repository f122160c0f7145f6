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
#include "store/docs.h"
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

/* The live rows of a plan that a feed names, by their key. */
typedef enum store_feed_of {
    STORE_FEED_INDICATORS, /* key: the indicator's code; id, value_type */
    STORE_FEED_OBJECTIVES, /* key: the objective's code; id 0 */
    STORE_FEED_PHASES      /* key: the objective's code, \x1f, the phase's seq; id */
} store_feed_of;
typedef struct store_feed_key {
    const char *key;
    int64_t id;
    const char *value_type; /* indicators only, else NULL */
} store_feed_key;
typedef struct store_feed_keys {
    int n;
    store_feed_key *row; /* the texts are owned by the list */
    struct pg_result *res_;
} store_feed_keys;
/* The live rows `of` of plan (of entity). Returns 0 with *out (store_feed_keys_free it), or
 * -1 with p set. */
int store_plan_feed_keys(store_conn *c, store_feed_of of, int64_t entity, int64_t plan, store_feed_keys *out, problem *p);
void store_feed_keys_free(store_feed_keys *k);

/* Appends measurements rows [{line, indicator_id, as_of, value (JSON text), source, note}]
 * of plan, skipping a row equal in (indicator, as_of, value, source) to one stored or to
 * an earlier row. Each row added gets its audit record. *inserted counts them. */
int store_measurements_add_rows(store_conn *c, const store_actor *who, int64_t entity, int64_t plan,
                                const char *rows_json, int64_t *inserted, problem *p);

/* The lines of the rows (as for store_measurements_add_rows, or store_progress_add_rows when
 * progress) that would add an entry dated on or before closed_through, in order: 0 with
 * *lines (malloc'd, free it; NULL when *n is 0) and *n, or -1 with p set. */
int store_feed_closed_rows(store_conn *c, int progress, int64_t entity, int64_t plan, const char *rows_json,
                           const char *closed_through, int **lines, int *n, problem *p);
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
 * transactions that may still commit behind them are held back (see erp.c). Rows: the
 * record {id, at, entity_id, resource, resource_id, action, plan_id} and its id. 0 with *out
 * (store_docs_free it), -1 with p set. */
int store_changes(store_conn *c, const char *scope, int64_t after, int limit, store_docs **out, problem *p);

#endif
