/* metrics.h — process counters rendered in Prometheus text format. Thread-safe (atomics). */
#ifndef CICLO_METRICS_H
#define CICLO_METRICS_H
#include "core/buf.h"

/* Counts one finished request with its status and latency in microseconds. */
void metrics_request(int status, long long micros);
/* Counts a failed authentication (missing, unknown, expired or revoked token). */
void metrics_auth_failure(void);
/* Counts a request refused by the per-token rate limit. */
void metrics_rate_limited(void);
/* Counts n connections cut off because their request was not whole in time (http/server.h). */
void metrics_connections_cut(int n);
/* Counts a request body refused because the budget of bodies held in memory was spent. */
void metrics_body_budget_refused(void);
/* Counts a heavy request refused (503) because every heavy thread was busy and its queue full. */
void metrics_heavy_refused(void);
/* Pool gauges: the callback returns in-use and total connections when asked. */
void metrics_set_pool_probe(void (*probe)(void *ctx, int *in_use, int *size, long long *waits_timed_out), void *ctx);
/* The token listener's gauges (api/auth.c): whether it is live, how many times it has connected.
 * Rendered only once set. */
void metrics_set_listener_probe(int (*live)(void), long long (*connects)(void));
/* Appends the whole exposition to out. */
void metrics_render(buf *out);

#endif
