/*
 * ratelimit.h — a per-key token bucket (key: the API token's id), in process memory.
 *
 * Each key may spend `burst` requests at once and regains `rate` per second. The table
 * is fixed in size (RATELIMIT_SLOTS, no allocation): when it is full, the key seen least
 * recently among the probed slots loses its bucket (it starts again full), so memory is
 * bounded whatever the number of tokens. Thread-safe (one mutex, held for a few
 * instructions). The limit is per process: instances behind a load balancer each keep
 * their own buckets; a shared limit needs the database or the proxy in front.
 */
#ifndef CICLO_RATELIMIT_H
#define CICLO_RATELIMIT_H
#include <stdint.h>

#define RATELIMIT_SLOTS 4096

/* Sets the limit: rate requests per second (0 = no limit) and the burst (at least 1;
 * 0 = the same as rate). Forgets every bucket. Call before the server starts. */
void ratelimit_configure(int rate, int burst);

/* Spends one request of key at monotonic time now_ms (milliseconds). Returns 0 when the
 * request may go on, or the number of whole seconds to wait (>= 1) when it may not. */
int ratelimit_take(int64_t key, int64_t now_ms);

/* The same with the current monotonic clock. */
int ratelimit_take_now(int64_t key);

#endif
