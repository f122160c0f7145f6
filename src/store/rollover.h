/*
 * rollover.h — next year's draft from a plan (issue 20, item 2; POST /v1/plans/{id}:rollover).
 */
#ifndef CICLO_STORE_ROLLOVER_H
#define CICLO_STORE_ROLLOVER_H
#include <stdint.h>

#include "core/problem.h"
#include "store/crud.h" /* store_actor */
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_rollover_register(void);

typedef struct store_rollover_result {
    int64_t plan_id;
    int64_t objectives, assignments, phases, indicators;
} store_rollover_result;

/*
 * Starts the draft of plan_id's next year (same entity and kind; title, or the plan's title with
 * its year moved on when title is NULL; its method and organisation) and carries over, in one
 * statement, the objectives still under way: those ending after the plan's year, and, when their
 * end is not written, those of a PIAO or with a target for next year. A carried objective keeps
 * its fields, assignments, phases not yet due and indicators, links to its origin
 * (carried_from_id) and takes next year's target where the indicator has one. Audited as
 * "rollover". Returns 1 with *out, 0 when the plan is not in scope, -1 with p set: 409
 * plan_draft for a plan never adopted, 409 conflict when next year's plan exists.
 */
int store_rollover(store_conn *c, int64_t plan_id, const char *scope, const char *title, const store_actor *who,
                   store_rollover_result *out, problem *p);

#endif
