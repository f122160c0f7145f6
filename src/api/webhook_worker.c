/*
 * webhook_worker.c — delivers webhook events (api/webhooks.h).
 *
 * One thread per process. Every poll it claims the delivery due soonest with FOR UPDATE SKIP
 * LOCKED (so that the processes of a deployment share the queue and never post the same delivery
 * at once), posts it while the row stays locked, and records the outcome in the same
 * transaction: delivered on a 2xx, else the next attempt after a delay that doubles each time.
 * A process killed mid-post leaves the row undelivered (its transaction rolls back) and another
 * attempt follows; receivers deduplicate on Ciclo-Webhook-Id. Every scan it writes the events
 * of time (phase.late, review.due) that have come.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/webhooks.h"
#include "core/buf.h"
#include "core/log.h"
#include "store/webhooks.h"

#define RETRY_CAP_MS (6LL * 3600 * 1000)
#define BATCH 20 /* deliveries per poll */

static struct {
    store_pool *pool;
    pthread_t thread;
    int started;
    atomic_int stop;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    long long poll_ms, retry_ms, scan_s, timeout_s;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static long long env_ll(const char *name, long long def, long long lo, long long hi)
{
    const char *s = getenv(name);
    char *end;
    long long v = s ? strtoll(s, &end, 10) : def;
    if (s && (!*s || *end || v < lo || v > hi)) {
        log_warn("%s=%s is not a number in %lld..%lld: using %lld", name, s, lo, hi, def);
        return def;
    }
    return v;
}

static size_t discard(char *ptr, size_t size, size_t n, void *user)
{
    (void)ptr;
    (void)user;
    return size * n;
}

/* Posts the delivery's event. Returns the HTTP status, or 0 with err filled. */
static long post(const store_delivery *d, char *err, size_t errlen)
{
    buf body;
    buf_init(&body, 0);
    buf_printf(&body, "{\"id\":\"%lld.%lld\",\"type\":\"%s\",\"entity_id\":%lld,\"created_at\":\"%s\",\"data\":%s}",
               (long long)d->entity_id, (long long)d->event_id, d->kind, (long long)d->entity_id, d->created_at,
               d->payload ? d->payload : "null");
    if (body.failed) {
        buf_free(&body);
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    long long now = (long long)time(NULL);
    char sig[68], h_id[80], h_ts[64], h_sig[100];
    webhook_sign(d->secret, now, body.data, body.len, sig);
    snprintf(h_id, sizeof h_id, "Ciclo-Webhook-Id: %lld.%lld", (long long)d->entity_id, (long long)d->event_id);
    snprintf(h_ts, sizeof h_ts, "Ciclo-Webhook-Timestamp: %lld", now);
    snprintf(h_sig, sizeof h_sig, "Ciclo-Webhook-Signature: %s", sig);
    struct curl_slist *hdr = NULL;
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, h_id);
    hdr = curl_slist_append(hdr, h_ts);
    hdr = curl_slist_append(hdr, h_sig);
    hdr = curl_slist_append(hdr, "User-Agent: Ciclo-Webhooks/1");
    long status = 0;
    CURL *h = curl_easy_init();
    if (!h || !hdr) {
        snprintf(err, errlen, "cannot make an HTTP client");
    } else {
        char cerr[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(h, CURLOPT_URL, d->url);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)w.timeout_s);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body.len);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
        CURLcode rc = curl_easy_perform(h);
        if (rc == CURLE_OK)
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        else
            snprintf(err, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
    }
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);
    buf_free(&body);
    return status;
}

/* Delivers up to BATCH due deliveries on c. Returns how many were attempted. */
static int deliver_due(store_conn *c)
{
    int done = 0;
    for (; done < BATCH && !atomic_load(&w.stop); done++) {
        problem p;
        problem_init(&p);
        store_delivery d;
        if (store_begin(c, &p) < 0) {
            problem_clear(&p);
            break;
        }
        int got = store_delivery_claim(c, &d, &p);
        if (got <= 0) {
            store_rollback(c);
            problem_clear(&p);
            break;
        }
        char err[256] = "";
        long status = post(&d, err, sizeof err);
        int ok = status >= 200 && status <= 299;
        if (!ok && !err[0])
            snprintf(err, sizeof err, "the receiver answered %ld", status);
        long long delay = w.retry_ms;
        for (int i = 0; i < d.attempts && delay < RETRY_CAP_MS; i++)
            delay *= 2;
        if (delay > RETRY_CAP_MS)
            delay = RETRY_CAP_MS;
        if (store_delivery_record(c, &d, ok, (int)status, ok ? NULL : err, delay, &p) < 0 || store_commit(c, &p) < 0) {
            store_rollback(c);
            log_warn("webhook delivery %lld of event %lld: the outcome could not be recorded: %s", (long long)d.id,
                     (long long)d.event_id, p.detail);
        } else if (ok) {
            log_info("webhook event %lld.%lld (%s) delivered to %s", (long long)d.entity_id, (long long)d.event_id,
                     d.kind, d.url);
        } else {
            log_warn("webhook event %lld.%lld (%s) to %s failed (attempt %d): %s; next in %lld ms",
                     (long long)d.entity_id, (long long)d.event_id, d.kind, d.url, d.attempts + 1, err, delay);
        }
        store_delivery_clear(&d);
        problem_clear(&p);
    }
    return done;
}

static void *run(void *arg)
{
    (void)arg;
    time_t last_scan = 0;
    while (!atomic_load(&w.stop)) {
        problem p;
        problem_init(&p);
        store_conn *c = store_acquire(w.pool, &p);
        if (c) {
            /* the queue holds every entity's deliveries: row-level security must let it see them all */
            store_set_entity(c, STORE_ENTITY_ALL);
            time_t now = time(NULL);
            if (now - last_scan >= w.scan_s) {
                int n = store_webhook_scan(c, &p);
                if (n > 0)
                    log_info("webhooks: %d event%s of time written", n, n == 1 ? "" : "s");
                last_scan = now;
            }
            deliver_due(c);
            store_release(w.pool, c);
        }
        problem_clear(&p);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += w.poll_ms / 1000;
        until.tv_nsec += (w.poll_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&w.lock);
        if (!atomic_load(&w.stop))
            pthread_cond_timedwait(&w.wake, &w.lock, &until);
        pthread_mutex_unlock(&w.lock);
    }
    return NULL;
}

int webhook_worker_start(store_pool *pool)
{
    w.pool = pool;
    w.poll_ms = env_ll("CICLO_WEBHOOK_POLL_MS", 1000, 10, 600000);
    w.retry_ms = env_ll("CICLO_WEBHOOK_RETRY_MS", 10000, 10, RETRY_CAP_MS);
    w.scan_s = env_ll("CICLO_WEBHOOK_SCAN_S", 60, 0, 86400);
    w.timeout_s = env_ll("CICLO_WEBHOOK_TIMEOUT_S", 10, 1, 120);
    atomic_store(&w.stop, 0);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || pthread_create(&w.thread, NULL, run, NULL) != 0) {
        log_error("webhooks: the delivery worker cannot start");
        return -1;
    }
    w.started = 1;
    return 0;
}

void webhook_worker_stop(void)
{
    if (!w.started)
        return;
    pthread_mutex_lock(&w.lock);
    atomic_store(&w.stop, 1);
    pthread_cond_signal(&w.wake);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL);
    w.started = 0;
}
