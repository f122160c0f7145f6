/*
 * periods.h — the store side of monitoring periods and score overrides (sql/009_periods.sql):
 * the state an entry is checked against (plan status, closed through), the evaluator's
 * corrections that count at a date, and requests to set an objective's score by hand.
 *
 * Each function returns typed values: the state as a struct, documents as JSON text
 * (malloc'd) or a list of documents (store/docs.h). scope is the caller's entity scope (NULL for an admin); the
 * writes append their audit row in the same statement.
 */
#ifndef CICLO_STORE_PERIODS_H
#define CICLO_STORE_PERIODS_H
#include <stdint.h>

#include "store/crud.h"
#include "store/docs.h"
#include "store/pool.h"

/* The plan state a row's entry is checked against. */
typedef struct store_period_state {
    int64_t plan_id;
    int64_t objective_id;    /* the objective the row belongs to (0 for a plan) */
    char status[16];         /* the plan's status */
    char closed_through[11]; /* the latest review's date, "" when no period is closed */
    char closed_by[16];      /* the kind of that review (intermediate, final), "" when none */
} store_period_state;

/* Which row the state is read for. */
typedef enum store_period_of { PS_OF_PHASE, PS_OF_INDICATOR, PS_OF_OBJECTIVE, PS_OF_PLAN } store_period_of;

/* Registers the statements (called by api_init). */
int store_periods_register(void);

/* The plan state of row id (a phase, indicator, objective or plan) in scope: 1 with *out, 0
 * when there is no such row in scope, -1 with p set. */
int store_period_state_of(store_conn *c, store_period_of of, const char *scope, int64_t id, store_period_state *out,
                          problem *p);

/* The corrections that count as of as_of (YYYY-MM-DD) for the indicators (progress 0) or
 * phases (progress 1) of objective_id: rows (the correction JSON with "corrects", the original
 * it stands beside; the indicator's or phase's id), in id order. 0 with *out (free it with
 * store_docs_free), -1 with p set. */
int store_period_corrections(store_conn *c, int progress, const char *scope, int64_t objective_id, const char *as_of,
                             store_docs **out, problem *p);

/* The override of objective_id that counts as of as_of: the latest approved one dated on or
 * before it. 1 with *doc (its JSON, malloc'd), 0 when there is none, -1 with p set. */
int store_override_effective(store_conn *c, const char *scope, int64_t objective_id, const char *as_of, char **doc,
                             problem *p);

/* A request to set objective_id's score (text parameters: as_of date, score, reason) while
 * its plan is still in status seen. 1 with *doc (the new override's JSON, malloc'd), 0 when
 * the objective is gone or the plan's status moved on, -1 with p set. */
int store_override_insert(store_conn *c, const char *scope, const store_actor *who, int64_t objective_id,
                          const char *as_of, const char *score, const char *reason, const char *seen, char **doc,
                          problem *p);

/* One override. */
typedef struct store_override {
    char *doc; /* its JSON (malloc'd: free it) */
    int64_t objective_id;
    char status[16]; /* requested, approved, rejected */
} store_override;
/* Override id in scope: 1 with *out, 0 when there is none, -1 with p set. */
int store_override_get(store_conn *c, const char *scope, int64_t id, store_override *out, problem *p);

/* A page of the overrides of objective id (of_plan 0) or of plan id (of_plan 1), with status
 * (NULL: any), after id `after`, at most `limit` rows (text: the list statements take limit + 1
 * to tell a next page): rows (JSON, id). 0 with *out (store_docs_free it), -1 with p set. */
int store_override_list(store_conn *c, int of_plan, const char *scope, int64_t id, const char *status,
                        const char *after, const char *limit, store_docs **out, problem *p);

/* The evaluator's decision (status "approved" or "rejected", note or NULL) on override id,
 * still requested, while its plan is in status seen. 1 with *doc (the override's JSON,
 * malloc'd), 0 when it is decided already or the plan's status moved on, -1 with p set. */
int store_override_decide(store_conn *c, const char *scope, const store_actor *who, int64_t id, const char *status,
                          const char *note, const char *seen, char **doc, problem *p);

#endif
