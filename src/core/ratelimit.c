/* ratelimit.c — token buckets in a fixed open-addressing table (see ratelimit.h). */
#include "core/ratelimit.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define PROBES 8

/* A bucket: `milli` is the number of requests available, in thousandths, at `at_ms`. */
typedef struct slot {
    int64_t key; /* 0 = free (token ids start at 1) */
    int64_t at_ms;
    int64_t milli;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot slots[RATELIMIT_SLOTS];
static int64_t rate_per_s;  /* 0 = off */
static int64_t burst_milli; /* capacity of a bucket, thousandths of a request */

void ratelimit_configure(int rate, int burst)
{
    pthread_mutex_lock(&lock);
    rate_per_s = rate > 0 ? rate : 0;
    if (burst <= 0)
        burst = rate > 0 ? rate : 1;
    burst_milli = (int64_t)burst * 1000;
    memset(slots, 0, sizeof slots);
    pthread_mutex_unlock(&lock);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* The key's slot, or a free or least recently used one reset for it. Lock held. */
static slot *find(int64_t key, int64_t now_ms)
{
    uint64_t h = mix((uint64_t)key);
    slot *victim = NULL;
    for (int i = 0; i < PROBES; i++) {
        slot *s = &slots[(h + (uint64_t)i) % RATELIMIT_SLOTS];
        if (s->key == key)
            return s;
        if (s->key == 0) {
            victim = s;
            break;
        }
        if (!victim || s->at_ms < victim->at_ms)
            victim = s;
    }
    victim->key = key;
    victim->at_ms = now_ms;
    victim->milli = burst_milli;
    return victim;
}

int ratelimit_take(int64_t key, int64_t now_ms)
{
    int wait = 0;
    pthread_mutex_lock(&lock);
    if (rate_per_s > 0) {
        slot *s = find(key, now_ms);
        int64_t elapsed = now_ms > s->at_ms ? now_ms - s->at_ms : 0;
        /* refill: rate requests per second = rate thousandths per millisecond */
        if (elapsed > 0) {
            int64_t gain = elapsed > burst_milli ? burst_milli : elapsed * rate_per_s;
            s->milli = s->milli + gain > burst_milli ? burst_milli : s->milli + gain;
            s->at_ms = now_ms;
        }
        if (s->milli >= 1000) {
            s->milli -= 1000;
        } else {
            int64_t missing_ms = (1000 - s->milli + rate_per_s - 1) / rate_per_s; /* ms until one request */
            wait = (int)((missing_ms + 999) / 1000);
            if (wait < 1)
                wait = 1;
        }
    }
    pthread_mutex_unlock(&lock);
    return wait;
}

int ratelimit_take_now(int64_t key)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ratelimit_take(key, (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000);
}
