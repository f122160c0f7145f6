/* token_listen.c — the listener on ciclo_tokens (token_listen.h). */
#include "store/token_listen.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

#define CHANNEL "ciclo_tokens"
/* LISTEN, and whether the triggers that announce on CHANNEL are there and enabled: without them
 * (a schema before sql/033, a new binary before `ciclo migrate`) LISTEN works but nothing will
 * ever be announced, and the cache must stay guarded. One simple query: two results. */
#define LISTEN_SQL                                                                     \
    "LISTEN " CHANNEL                                                                  \
    "; SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('tokens') AND "     \
    "tgenabled <> 'D' AND tgname IN ('tokens_notify_update', 'tokens_notify_delete', " \
    "'tokens_notify_truncate')"
#define LISTEN_TRIGGERS "3"
#define HEARTBEAT_MS 1000 /* an empty query this long after the last one was answered */
#define LEASE_MS 2000     /* live until this long after the last answered heartbeat was sent */
#define RETRY_MIN_MS 500  /* the first wait before connecting again; doubles up to RETRY_MAX_MS */
#define RETRY_MAX_MS 8000

static struct {
    char *conninfo;
    int timeout_ms;
    store_token_hooks hooks;
    pthread_t thread;
    int started;
    int wake[2]; /* a byte written to wake[1] wakes the thread (stop) */
    atomic_int stop;
    atomic_llong live_until_ms; /* CLOCK_MONOTONIC ms; 0: not live */
    atomic_llong connects;
} L = {.wake = {-1, -1}};

static long long mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int store_token_listen_live(void)
{
    long long until = atomic_load(&L.live_until_ms);
    return until != 0 && mono_ms() < until;
}

long long store_token_listen_connects(void) { return atomic_load(&L.connects); }

/* Waits up to ms for events on fd (-1: none, a plain sleep). Returns the fd's revents (0: timed out
 * or interrupted), or -1 when the listener is asked to stop. */
static int wait_fd(int fd, short events, long long ms)
{
    struct pollfd pfd[2] = {{L.wake[0], POLLIN, 0}, {fd, events, 0}};
    int n = poll(pfd, fd >= 0 ? 2 : 1, ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms);
    if (atomic_load(&L.stop))
        return -1;
    if (n <= 0)
        return 0;
    return fd >= 0 ? pfd[1].revents : 0;
}

/* The reason libpq gives, on one line, into out. */
static const char *reason(PGconn *pg, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", pg ? PQerrorMessage(pg) : "out of memory");
    out[strcspn(out, "\n")] = '\0';
    return out[0] ? out : "the connection was closed";
}

/* Opens the listener's connection, waiting no longer than max(timeout, 1 s). Returns it, or NULL
 * with why filled (empty when asked to stop). */
static PGconn *connect_db(char *why, size_t whylen)
{
    char app[64], ct[16];
    snprintf(app, sizeof app, "ciclo-listen %ld", (long)getpid());
    int budget = L.timeout_ms < 1000 ? 1000 : L.timeout_ms;
    snprintf(ct, sizeof ct, "%d", (budget + 999) / 1000 < 2 ? 2 : (budget + 999) / 1000);
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *vals[] = {L.conninfo, ct, app, NULL};
    long long deadline = mono_ms() + budget;
    PGconn *pg = PQconnectStartParams(keys, vals, 1);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    why[0] = '\0';
    while (pg && PQstatus(pg) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        long long left = deadline - mono_ms();
        int ready = left > 0 ? wait_fd(PQsocket(pg), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, left) : 0;
        if (ready < 0) {
            PQfinish(pg);
            return NULL;
        }
        if (ready == 0 && mono_ms() >= deadline) {
            snprintf(why, whylen, "connection timed out");
            PQfinish(pg);
            return NULL;
        }
        st = PQconnectPoll(pg);
    }
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        reason(pg, why, whylen);
        PQfinish(pg);
        return NULL;
    }
    if (PQsetnonblocking(pg, 1) != 0) {
        reason(pg, why, whylen);
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* Hands the notifications libpq has read to the hooks. */
static void deliver(PGconn *pg)
{
    PGnotify *n;
    while ((n = PQnotifies(pg)) != NULL) {
        size_t len = strlen(n->extra);
        if (len == 64 && strspn(n->extra, "0123456789abcdef") == 64)
            L.hooks.forget(n->extra);
        else
            L.hooks.forget_all(); /* '*' (a TRUNCATE), or what this version does not know */
        PQfreemem(n);
    }
}

/* Serves one connection: LISTEN, then the heartbeats, handing over every notification, until the
 * connection breaks, a heartbeat goes unanswered past the timeout, or the listener stops. The
 * listener is live from the answer to LISTEN (after forget_all) until it returns. Fills why. */
static void serve(PGconn *pg, char *why, size_t whylen)
{
    int fd = PQsocket(pg);
    int listening = 0, announced = 0, want_write;
    long long sent = mono_ms(), next = 0; /* when the query in flight was sent (0: none), the next heartbeat */
    if (!PQsendQuery(pg, LISTEN_SQL)) {
        reason(pg, why, whylen);
        return;
    }
    want_write = PQflush(pg) == 1;
    for (;;) {
        long long now = mono_ms();
        if (!sent && now >= next) { /* the heartbeat: an empty query, which the server answers at once */
            if (!PQsendQuery(pg, "")) {
                reason(pg, why, whylen);
                return;
            }
            sent = now;
            want_write = PQflush(pg) == 1;
        }
        long long limit = sent ? sent + L.timeout_ms + 1000 : next;
        if (sent && now >= limit) {
            snprintf(why, whylen, "no answer within %d ms", L.timeout_ms + 1000);
            return;
        }
        int ev = wait_fd(fd, (short)(POLLIN | (want_write ? POLLOUT : 0)), limit - now);
        if (ev < 0) {
            why[0] = '\0';
            return;
        }
        if (want_write && (ev & POLLOUT) && (want_write = PQflush(pg)) < 0) {
            reason(pg, why, whylen);
            return;
        }
        if ((ev & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(pg)) {
            reason(pg, why, whylen);
            return;
        }
        deliver(pg);
        while (sent && !PQisBusy(pg)) {
            PGresult *r = PQgetResult(pg);
            if (r) {
                ExecStatusType st = PQresultStatus(r);
                if (st == PGRES_TUPLES_OK && !listening) /* LISTEN_SQL's count of the triggers */
                    announced = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), LISTEN_TRIGGERS) == 0;
                PQclear(r);
                if (st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY && st != PGRES_TUPLES_OK) {
                    reason(pg, why, whylen);
                    return;
                }
                continue;
            }
            /* the query is over, and every notification the server had for us came before it */
            deliver(pg);
            if (!listening && !announced) {
                snprintf(why, whylen,
                         "the triggers of sql/033_token_notify.sql are missing or disabled "
                         "(ciclo migrate)");
                return;
            }
            if (!listening) {
                L.hooks.forget_all(); /* whatever was announced while no one listened */
                listening = 1;
                atomic_fetch_add(&L.connects, 1);
                log_info("token listener: listening on %s; cached tokens are trusted until announced", CHANNEL);
            }
            atomic_store(&L.live_until_ms, sent + LEASE_MS);
            sent = 0;
            next = mono_ms() + HEARTBEAT_MS;
        }
        if (PQstatus(pg) == CONNECTION_BAD) {
            reason(pg, why, whylen);
            return;
        }
    }
}

static void *listen_main(void *arg)
{
    (void)arg;
    int retry_ms = RETRY_MIN_MS, quiet = 0; /* quiet: the failure was logged, until a connection holds */
    char why[256];
    while (!atomic_load(&L.stop)) {
        PGconn *pg = connect_db(why, sizeof why);
        long long connects = atomic_load(&L.connects);
        if (pg)
            serve(pg, why, sizeof why);
        atomic_store(&L.live_until_ms, 0);
        PQfinish(pg);
        if (atomic_load(&L.stop))
            break;
        if (atomic_load(&L.connects) != connects) { /* it listened: the next failure is news */
            retry_ms = RETRY_MIN_MS;
            quiet = 0;
        }
        if (!quiet)
            log_warn("token listener: %s; every cached token is checked against the database until it is back",
                     why[0] ? why : "disconnected");
        quiet = 1;
        if (wait_fd(-1, 0, retry_ms) < 0)
            break;
        retry_ms = retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : retry_ms * 2;
    }
    return NULL;
}

int store_token_listen_start(const char *conninfo, int timeout_ms, const store_token_hooks *hooks)
{
    if (L.started)
        return 0;
    L.conninfo = strdup(conninfo);
    if (!L.conninfo || pipe(L.wake) != 0) {
        free(L.conninfo);
        L.conninfo = NULL;
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(L.wake[i], F_SETFL, O_NONBLOCK);
        fcntl(L.wake[i], F_SETFD, FD_CLOEXEC);
    }
    L.timeout_ms = timeout_ms;
    L.hooks = *hooks;
    atomic_store(&L.stop, 0);
    if (pthread_create(&L.thread, NULL, listen_main, NULL) != 0) {
        close(L.wake[0]);
        close(L.wake[1]);
        L.wake[0] = L.wake[1] = -1;
        free(L.conninfo);
        L.conninfo = NULL;
        return -1;
    }
    L.started = 1;
    return 0;
}

void store_token_listen_stop(void)
{
    if (!L.started)
        return;
    atomic_store(&L.stop, 1);
    ssize_t w = write(L.wake[1], "x", 1);
    (void)w; /* a full pipe is already a wake-up */
    pthread_join(L.thread, NULL);
    atomic_store(&L.live_until_ms, 0);
    close(L.wake[0]);
    close(L.wake[1]);
    L.wake[0] = L.wake[1] = -1;
    free(L.conninfo);
    L.conninfo = NULL;
    L.started = 0;
}
