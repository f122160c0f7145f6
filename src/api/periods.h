/*
 * periods.h — monitoring periods over HTTP (issue 14; README "Periods, corrections and
 * overrides"): a review closes the period up to its date, a validated plan freezes its
 * figures, the evaluator corrects a closed period beside the original, and a manager or
 * planner asks for an objective's score to be set by hand, which the evaluator approves or
 * rejects. The decisions are the rules library's (rules_entry_gate); this file reads the
 * state they need and answers.
 */
#ifndef CICLO_API_PERIODS_H
#define CICLO_API_PERIODS_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "rules.h"
#include "store/monitoring.h"
#include "store/periods.h"

/* The plan state an entry is checked against (store/periods.h). */
typedef store_period_state period_state;

/*
 * Whether the caller of req may write an entry (measurement, phase progress) dated as_of
 * (YYYY-MM-DD) for row id of kind ("phases" or "indicators"); has_reason says whether it
 * gives a correction reason. Returns RULES_ENTRY_OPEN or RULES_ENTRY_CORRECTION with *st
 * filled, 0 with p set to 404 when the row is not in scope, or -1 with p set: 409
 * plan_validated, 409 period_closed (naming as_of), 403 own_score, 422 reason_required.
 */
int period_gate(http_request *req, const char *kind, int64_t id, const char *as_of, int has_reason, period_state *st,
                problem *p);
/* Fills p with why verdict v (neither OPEN nor CORRECTION) refuses an entry dated as_of (NULL
 * for acts without a date) into the plan in st: 409 plan_validated, 409 period_closed naming
 * as_of, 403 own_score, 422 for a missing reason. Returns -1. */
int period_refuse(const period_state *st, rules_entry_verdict v, const char *as_of, problem *p);
/* What the store writes the entry under: st's state (borrowed; g lives as long as st) and the
 * reason when v is a correction. */
void period_entry_guard(const period_state *st, rules_entry_verdict v, const char *reason, store_entry_guard *g);

#endif
