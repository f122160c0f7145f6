/*
 * calendar.h — what the cycle's calendar is made of (issue 20, api/calendar.c): the entity's
 * plans with the dates their acts were done, and the phase deadlines in a window.
 */
#ifndef CICLO_STORE_CALENDAR_H
#define CICLO_STORE_CALENDAR_H
#include <stdint.h>

#include "core/problem.h"
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_calendar_register(void);

#define STORE_CALENDAR_MAX_PHASES 5000 /* phase deadlines in one answer; more sets "truncated" */

/*
 * The JSON text of {entity: {id, code, name, transparency_public}, plans: [{id, year, kind, title, status,
 * budget_approved_on, adopted_on, closed_on, validated_on, reviews: [{kind, as_of, on}]}],
 * distributions: [{year, on}], phases: [{id, plan_id, objective_id, objective_code, seq,
 * description, deadline, done_on}], truncated} for entity_id as the caller of `scope` (the
 * caller's entity id as text, NULL for an admin) sees it: plans of years first_year..last_year
 * (every status), phases of adopted plans whose deadline falls within from..to (ISO dates).
 * Dates are ISO text or null; `on` and the *_on dates are when the act was done. Returns 1 with
 * *doc (malloc'd: the caller frees it), 0 when the entity is not the caller's or does not
 * exist, -1 with p set.
 */
int store_calendar_doc(store_conn *c, int64_t entity_id, const char *scope, int first_year, int last_year,
                       const char *from, const char *to, char **doc, problem *p);

/* Calendar subscriptions (sql/029_calendar_feeds.sql). key_hash_hex: the SHA-256 of the key as
 * PostgreSQL's bytea text ("\\x..."). */
/* Makes a feed of entity_id named name: 1 with *doc ({id, entity_id, name, created_at}; malloc'd,
 * the caller frees it), 0 when the entity is not the caller's, -1 with p set. */
int store_calendar_feed_create(store_conn *c, int64_t entity_id, const char *scope, const char *name,
                               const char *key_hash_hex, const char *who_name, char **doc, problem *p);
/* Revokes feed id: 1, 0 when there is no live one in scope, -1 with p set. */
int store_calendar_feed_revoke(store_conn *c, int64_t id, const char *scope, problem *p);
/* The entity a live key reads: 1 with *entity_id, 0 when the key is unknown or revoked, -1 with p. */
int store_calendar_feed_entity(store_conn *c, const char *key_hash_hex, int64_t *entity_id, problem *p);

#endif
