/*
 * webhooks.h — the entity's webhooks, the events they receive and their deliveries
 * (sql/020_webhooks.sql; issue 20, api/webhooks.c and api/webhook_worker.c).
 */
#ifndef CICLO_STORE_WEBHOOKS_H
#define CICLO_STORE_WEBHOOKS_H
#include <stdint.h>

#include "core/problem.h"
#include "store/crud.h" /* store_actor */
#include "store/docs.h"
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_webhooks_register(void);

/* Creates a webhook of entity_id (as the caller of scope sees it) posting to url the events
 * named in events_json (a JSON array of kinds; [] for every kind), signed with secret. Returns 1
 * with *doc (the webhook's JSON without its secret; malloc'd, the caller frees it), 0 when the
 * entity is not the caller's, -1 with p set (422 naming url or events). */
int store_webhook_create(store_conn *c, int64_t entity_id, const char *scope, const char *url, const char *events_json,
                         const char *secret, const store_actor *who, char **doc, problem *p);
/* The entity's webhooks (JSON without secrets, id order): 1 with *out (store_docs_free it), 0
 * when the entity is not the caller's, -1 with p set. */
int store_webhook_list(store_conn *c, int64_t entity_id, const char *scope, store_docs **out, problem *p);
/* Deletes webhook id (its pending deliveries go with it; the events stay). 1, 0 when there is
 * none in scope, -1 with p set. */
int store_webhook_delete(store_conn *c, int64_t id, const char *scope, const store_actor *who, problem *p);
/* The latest deliveries of webhook id (newest first, at most limit): 1 with *out, 0 when there
 * is no such webhook in scope, -1 with p set. */
int store_webhook_deliveries(store_conn *c, int64_t id, const char *scope, int limit, store_docs **out, problem *p);

/* The worker's side: no scope, every entity. */

/* Writes the events of time that have come (phase.late, review.due) for the entities whose
 * webhooks want them, each at most once. Returns how many, or -1 with p set. */
int store_webhook_scan(store_conn *c, problem *p);

/* A delivery the worker holds (row-locked until its transaction ends). */
typedef struct store_delivery {
    int64_t entity_id, id, event_id;
    int attempts;
    char kind[32];
    char created_at[40];
    char url[2048];
    char secret[128];
    char *payload; /* the event's data as JSON text, malloc'd: store_delivery_clear frees it */
} store_delivery;

/* Claims the delivery due soonest (FOR UPDATE SKIP LOCKED: other processes skip it) inside the
 * caller's transaction. 1 with *d, 0 when none is due, -1 with p set. */
int store_delivery_claim(store_conn *c, store_delivery *d, problem *p);
/* Records the outcome of an attempt: delivered, or the next attempt retry_ms from now. */
int store_delivery_record(store_conn *c, const store_delivery *d, int delivered, int status, const char *error,
                          long long retry_ms, problem *p);
void store_delivery_clear(store_delivery *d);

#endif
