/*
 * webhooks.h — events pushed to the administration's systems (issue 20, item 4): the worker that
 * delivers their events, signed (the routes that manage an entity's webhooks: api/handlers.h).
 */
#ifndef CICLO_API_WEBHOOKS_H
#define CICLO_API_WEBHOOKS_H
#include "http/http.h"
#include "store/pool.h"

/* Starts the delivery worker on pool (borrowed until webhook_worker_stop): a thread that writes
 * the events of time and posts due deliveries. Settings from the environment:
 * CICLO_WEBHOOK_POLL_MS (1000), CICLO_WEBHOOK_RETRY_MS (the first retry's delay, doubled at each
 * attempt up to 6 hours; 10000), CICLO_WEBHOOK_SCAN_S (how often the events of time are looked
 * for; 60), CICLO_WEBHOOK_TIMEOUT_S (10). Returns 0, or -1 when the thread cannot start. */
int webhook_worker_start(store_pool *pool);
/* Stops the worker and waits for it (an attempt in flight finishes first). */
void webhook_worker_stop(void);

/* The signature header's value for body sent at timestamp: "v1=" and the hex HMAC-SHA256 of
 * "<timestamp>.<body>" with secret. out holds at least 68 bytes. */
void webhook_sign(const char *secret, long long timestamp, const char *body, size_t len, char out[68]);

#endif
