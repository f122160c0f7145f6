#include "store/pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/log.h"
#include "core/share.h"
#include "store/exec.h"

static const char *stmt_sql[STORE_MAX_STMTS];
static const char *stmt_names[STORE_MAX_STMTS]; /* NULL: prepared as "s<id>" */
static int stmt_count;

int store_stmt_register_named(const char *name, const char *sql)
{
    if (stmt_count >= STORE_MAX_STMTS)
        return -1;
    stmt_sql[stmt_count] = sql;
    stmt_names[stmt_count] = name;
    return stmt_count++;
}

int store_stmt_register(const char *sql) { return store_stmt_register_named(NULL, sql); }

/* The setting row-level security reads (sql/016): registered with the first pool. */
static int entity_stmt = -1;

struct store_conn {
    PGconn *pg;
    int in_use;
    int timeout_ms;      /* the server-side statement_timeout in force (the pool's, or a SET LOCAL) */
    int pool_timeout_ms; /* the pool's, restored when the transaction ends */
    unsigned char prepared[STORE_MAX_STMTS];
    /* The guard queued by store_guard for the next statement; guard_stmt -1: none. */
    int guard_stmt;
    char guard_param[STORE_GUARD_PARAM_MAX];
    void (*guard_refused)(const char *param, problem *p);
    /* Transactions opened by store_begin (or a statement starting with BEGIN) and not yet
     * ended: beyond the first, each is a savepoint (store_begin). */
    int depth;
    /* Row-level security (sql/016): the entity the lender asked for (store_set_entity) and
     * the one the session's ciclo.entity_id is known to hold (entity_known 0: unknown, after a
     * rollback that may have undone a set_config). */
    int64_t entity_want;
    int64_t entity_have;
    int entity_known;
    int64_t key; /* whose share of the pool it counts against (store_acquire_for); -1: none */
};

struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;  /* a connection came back: for those waiting for the pool */
    pthread_cond_t shared; /* a keyed one came back: for those waiting for their key's share */
    int share_waiters;
    char *conninfo;
    char options[64];
    char connect_timeout[16];
    int size;
    int wait_ms;
    int timeout_ms;
    int in_use;
    int key_cap; /* connections one key may hold: fair_share(size) */
    long long wait_timeouts;
    store_conn *conns;
};

store_pool *store_pool_new(const char *conninfo, int size, int wait_ms, int timeout_ms)
{
    if (entity_stmt < 0 &&
        (entity_stmt = store_stmt_register_named("pool.entity", "SELECT set_config('ciclo.entity_id', $1, false)")) < 0)
        return NULL;
    store_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->conns = calloc((size_t)size, sizeof *pool->conns);
    pool->conninfo = strdup(conninfo);
    if (!pool->conns || !pool->conninfo) {
        free(pool->conns);
        free(pool->conninfo);
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->freed, NULL);
    pthread_cond_init(&pool->shared, NULL);
    pool->size = size;
    pool->key_cap = fair_share(size);
    pool->wait_ms = wait_ms;
    pool->timeout_ms = timeout_ms;
    for (int i = 0; i < size; i++)
        pool->conns[i].timeout_ms = pool->conns[i].pool_timeout_ms = timeout_ms;
    snprintf(pool->options, sizeof pool->options, "-c statement_timeout=%d -c lock_timeout=%d", timeout_ms, timeout_ms);
    int ct = (timeout_ms + 999) / 1000;
    snprintf(pool->connect_timeout, sizeof pool->connect_timeout, "%d", ct < 2 ? 2 : ct);
    return pool;
}

void store_pool_free(store_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->size; i++)
        if (pool->conns[i].pg)
            PQfinish(pool->conns[i].pg);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->freed);
    pthread_cond_destroy(&pool->shared);
    free(pool->conns);
    free(pool->conninfo);
    free(pool);
}

/* Milliseconds left before deadline (CLOCK_MONOTONIC), 0 when it has passed. */
static int ms_left(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms <= 0 ? 0 : ms > 3600000 ? 3600000 : (int)ms;
}

static void deadline_in(struct timespec *deadline, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, deadline);
    deadline->tv_sec += ms / 1000;
    deadline->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (deadline->tv_nsec >= 1000000000L) {
        deadline->tv_sec++;
        deadline->tv_nsec -= 1000000000L;
    }
}

/* Waits until the connection's socket is ready for events or the deadline passes: 1 ready, 0 timed out,
 * -1 no socket or a poll error. */
static int wait_socket(PGconn *pg, short events, const struct timespec *deadline)
{
    int fd = PQsocket(pg);
    if (fd < 0)
        return -1;
    for (;;) {
        struct pollfd pfd = {fd, events, 0};
        int n = poll(&pfd, 1, ms_left(deadline));
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

static void set_unavailable(problem *p, const char *why)
{
    log_error("database unavailable: %s", why);
    problem_set(p, 503, "database_unavailable", "the database is not reachable");
    p->retry_after = 2;
}

/* Connects without ever blocking longer than the pool's timeout (at least a second): a database host
 * that accepts the connection but never answers (frozen, half-open network) is a 503, not a hang. */
static int pool_connect(store_pool *pool, store_conn *c, problem *p)
{
    const char *keys[] = {"dbname", "options", "connect_timeout", "application_name", NULL};
    const char *vals[] = {pool->conninfo, pool->options, pool->connect_timeout, "ciclo", NULL};
    struct timespec deadline;
    deadline_in(&deadline, pool->timeout_ms < 1000 ? 1000 : pool->timeout_ms);
    memset(c->prepared, 0, sizeof c->prepared);
    c->timeout_ms = c->pool_timeout_ms = pool->timeout_ms;
    c->entity_have = STORE_ENTITY_NONE; /* a new session has no ciclo.entity_id: no entity's rows */
    c->entity_known = 1;
    c->pg = PQconnectStartParams(keys, vals, 1);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (c->pg && PQstatus(c->pg) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        int ready = wait_socket(c->pg, st == PGRES_POLLING_READING ? POLLIN : POLLOUT, &deadline);
        if (ready <= 0) {
            set_unavailable(p, ready == 0 ? "connection timed out" : "connection failed");
            PQfinish(c->pg);
            c->pg = NULL;
            return -1;
        }
        st = PQconnectPoll(c->pg);
    }
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        set_unavailable(p, c->pg ? PQerrorMessage(c->pg) : "out of memory");
        PQfinish(c->pg);
        c->pg = NULL;
        return -1;
    }
    return 0;
}

/* 1 when an idle pooled connection is still usable. The server closing it while it sat in the pool
 * (a restart, an administrator's pg_terminate_backend) shows as a readable socket: reading it finds
 * the end of the stream and libpq marks the connection bad. */
static int still_alive(PGconn *pg)
{
    for (int round = 0; round < 4; round++) {
        if (PQstatus(pg) != CONNECTION_OK)
            return 0;
        struct pollfd pfd = {PQsocket(pg), POLLIN, 0};
        if (pfd.fd < 0)
            return 0;
        int n = poll(&pfd, 1, 0);
        if (n == 0)
            return 1;
        if (n < 0 || (pfd.revents & (POLLERR | POLLNVAL)) || !PQconsumeInput(pg))
            return 0;
        if (PQisBusy(pg)) /* data we did not ask for: never reuse a connection in an unknown state */
            return 0;
    }
    return PQstatus(pg) == CONNECTION_OK;
}

/* How many lent connections count against key. Under pool->lock. */
static int held_by(const store_pool *pool, int64_t key)
{
    int n = 0;
    for (int i = 0; i < pool->size; i++)
        n += pool->conns[i].in_use && pool->conns[i].key == key;
    return n;
}

int store_pool_key(store_pool *pool, store_conn *c, int64_t key)
{
    pthread_mutex_lock(&pool->lock);
    int fits = key < 0 || held_by(pool, key) < pool->key_cap;
    if (fits)
        c->key = key;
    pthread_mutex_unlock(&pool->lock);
    return fits ? 0 : -1;
}

store_conn *store_acquire(store_pool *pool, problem *p) { return store_acquire_for(pool, -1, p); }

store_conn *store_acquire_for(store_pool *pool, int64_t key, problem *p)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += pool->wait_ms / 1000;
    deadline.tv_nsec += (long)(pool->wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        int full = pool->in_use == pool->size, capped = !full && key >= 0 && held_by(pool, key) >= pool->key_cap;
        if (!full && !capped)
            break;
        int rc;
        if (capped) { /* a free connection is not ours: pass a wake-up meant for the pool on */
            pthread_cond_signal(&pool->freed);
            pool->share_waiters++;
            rc = pthread_cond_timedwait(&pool->shared, &pool->lock, &deadline);
            pool->share_waiters--;
        } else {
            rc = pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline);
        }
        if (rc == ETIMEDOUT && (pool->in_use == pool->size || (key >= 0 && held_by(pool, key) >= pool->key_cap))) {
            pool->wait_timeouts++;
            pthread_mutex_unlock(&pool->lock);
            problem_set(p, 503, "database_busy", "every database connection is busy");
            p->retry_after = 1;
            return NULL;
        }
    }
    store_conn *c = NULL;
    for (int i = 0; i < pool->size; i++) /* prefer a live connection */
        if (!pool->conns[i].in_use && pool->conns[i].pg) {
            c = &pool->conns[i];
            break;
        }
    for (int i = 0; !c && i < pool->size; i++)
        if (!pool->conns[i].in_use)
            c = &pool->conns[i];
    c->in_use = 1;
    c->key = key;
    c->guard_stmt = -1;
    c->entity_want = STORE_ENTITY_NONE; /* fail closed: no entity's rows until the lender says whose */
    pool->in_use++;
    pthread_mutex_unlock(&pool->lock);

    if (c->pg && !still_alive(c->pg)) {
        log_warn("dropping a pooled database connection that the server closed");
        PQfinish(c->pg);
        c->pg = NULL;
    }
    if (!c->pg && pool_connect(pool, c, p) < 0) {
        store_release(pool, c);
        return NULL;
    }
    c->timeout_ms = c->pool_timeout_ms;
    return c;
}

/* Closes a connection that can no longer be trusted (timed out mid-query, broken). The server side
 * sees the socket close and rolls back whatever the connection had open. */
static void drop(store_conn *c)
{
    if (c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    memset(c->prepared, 0, sizeof c->prepared);
    c->depth = 0;
    c->entity_known = 0;
}

static PGresult *exec_simple(store_conn *c, const char *sql, problem *p);

void store_release(store_pool *pool, store_conn *c)
{
    c->guard_stmt = -1; /* never sent: the request touched no data */
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        c->entity_known = 0; /* the rollback may undo a set_config of this transaction */
        problem ignored;
        problem_init(&ignored);
        PQclear(exec_simple(c, "ROLLBACK", &ignored));
        problem_clear(&ignored);
    }
    if (c->pg && (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE ||
                  PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF))
        drop(c);
    c->timeout_ms = c->pool_timeout_ms;
    c->depth = 0;
    pthread_mutex_lock(&pool->lock);
    c->in_use = 0;
    pool->in_use--;
    pthread_cond_signal(&pool->freed);
    /* every waiter for a share looks again: past two connections one key at most is at its share
     * (it is over half), but waiters of a key that was at its share before may still sleep here,
     * and a signal that woke one of the key at its share now would be lost to them */
    if (c->key >= 0 && pool->share_waiters)
        pthread_cond_broadcast(&pool->shared);
    pthread_mutex_unlock(&pool->lock);
}

/* Collects the result of a query sent with one of libpq's PQsend* functions (sent = its return value),
 * never waiting past the statement timeout in force plus a second: the server enforces the timeout
 * itself, so the client deadline fires only when the server cannot (frozen, unreachable). Then the
 * connection is closed. Returns the last result, like PQexec, or NULL with p set. */
static PGresult *collect(store_conn *c, int sent, problem *p)
{
    if (!sent) {
        set_unavailable(p, c->pg ? PQerrorMessage(c->pg) : "no connection");
        drop(c);
        return NULL;
    }
    struct timespec deadline;
    deadline_in(&deadline, c->timeout_ms + 1000);
    int f;
    while ((f = PQflush(c->pg)) == 1) {
        int ready = wait_socket(c->pg, POLLOUT | POLLIN, &deadline);
        if (ready <= 0 || !PQconsumeInput(c->pg)) {
            f = ready == 0 ? -2 : -1;
            break;
        }
    }
    PGresult *last = NULL;
    while (f == 0) {
        while (PQisBusy(c->pg)) {
            int ready = wait_socket(c->pg, POLLIN, &deadline);
            if (ready == 0) {
                f = -2;
                break;
            }
            if (ready < 0 || !PQconsumeInput(c->pg))
                break; /* the connection is gone: PQgetResult reports it */
        }
        if (f)
            break;
        PGresult *r = PQgetResult(c->pg);
        if (!r)
            break;
        PQclear(last);
        last = r;
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH || PQstatus(c->pg) == CONNECTION_BAD)
            break;
    }
    if (f == -2) {
        log_error("the database did not answer within %d ms: closing the connection", c->timeout_ms + 1000);
        PQclear(last);
        drop(c);
        problem_set(p, 503, "database_timeout", "the database did not answer in time");
        p->retry_after = 2;
        return NULL;
    }
    if (!last) {
        set_unavailable(p, PQerrorMessage(c->pg));
        drop(c);
    }
    return last;
}

static PGresult *check_result(store_conn *c, PGresult *r, problem *p)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_COPY_IN)
        return r;
    if (r || c->pg) /* without either, collect() has filled p already */
        store_map_error(c->pg, r, p);
    PQclear(r);
    return NULL;
}

static PGresult *exec_simple(store_conn *c, const char *sql, problem *p)
{
    if (!c->pg) {
        set_unavailable(p, "the connection was closed");
        return NULL;
    }
    return check_result(c, collect(c, PQsendQuery(c->pg, sql), p), p);
}

/* The name statement stmt is prepared under: its registered name, else "s<id>". */
static void stmt_name(char name[64], int stmt)
{
    if (stmt_names[stmt])
        snprintf(name, 64, "%s", stmt_names[stmt]);
    else
        snprintf(name, 64, "s%d", stmt);
}

/* Prepares statement stmt on c once. Returns 0 or -1 with p set. */
static int ensure_prepared(store_conn *c, int stmt, problem *p)
{
    if (c->prepared[stmt])
        return 0;
    char name[64];
    stmt_name(name, stmt);
    PGresult *r = check_result(c, collect(c, PQsendPrepare(c->pg, name, stmt_sql[stmt], 0, NULL), p), p);
    if (!r) {
        log_error("prepare of statement %d failed: %s", stmt, p->detail);
        return -1;
    }
    PQclear(r);
    c->prepared[stmt] = 1;
    return 0;
}

/* Whether a failed guard result says "refused" (division_by_zero) rather than an outage. */
static int guard_refused(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return state && strcmp(state, "22012") == 0;
}

/* Fills p from a failed guard result (refused, or the database's own error). */
static void guard_failed(store_conn *c, const char *param, void (*refused)(const char *, problem *), const PGresult *r,
                         problem *p)
{
    if (guard_refused(r))
        refused(param, p);
    else
        store_map_error(c->pg, r, p);
}

/* Runs the queued guard on its own. Returns 0 when there is none or it holds, else -1 with p set. */
static int run_guard(store_conn *c, problem *p)
{
    if (c->guard_stmt < 0)
        return 0;
    int g = c->guard_stmt;
    c->guard_stmt = -1;
    if (ensure_prepared(c, g, p) < 0)
        return -1;
    char name[64];
    stmt_name(name, g);
    const char *params[] = {c->guard_param};
    PGresult *r = collect(c, PQsendQueryPrepared(c->pg, name, 1, params, NULL, NULL, 0), p);
    if (!r && !c->pg)
        return -1; /* collect() has filled p */
    int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        guard_failed(c, c->guard_param, c->guard_refused, r, p);
    PQclear(r);
    return ok ? 0 : -1;
}

static int sync_entity(store_conn *c, problem *p);

int store_guard_flush(store_conn *c, problem *p)
{
    if (c->guard_stmt < 0)
        return 0;
    if (!c->pg) {
        set_unavailable(p, "the connection was closed");
        return -1;
    }
    return sync_entity(c, p) < 0 ? -1 : run_guard(c, p);
}

void store_guard(store_conn *c, int stmt, const char *param, void (*refused)(const char *param, problem *p))
{
    c->guard_stmt = stmt;
    snprintf(c->guard_param, sizeof c->guard_param, "%s", param);
    c->guard_refused = refused;
}

/* The next result of a pipeline, waiting no later than deadline; *late set when it passed. */
static PGresult *pipeline_result(store_conn *c, const struct timespec *deadline, int *late)
{
    while (!*late && PQisBusy(c->pg)) {
        int ready = wait_socket(c->pg, POLLIN, deadline);
        if (ready == 0)
            *late = 1;
        else if (ready < 0 || !PQconsumeInput(c->pg))
            break; /* the connection is gone: PQgetResult reports it */
    }
    return *late ? NULL : PQgetResult(c->pg);
}

/* One query's result in a pipeline and the NULL that closes it; NULL when the connection broke. */
static PGresult *pipeline_query(store_conn *c, const struct timespec *deadline, int *late)
{
    PGresult *r = pipeline_result(c, deadline, late);
    if (r) {
        PGresult *end = pipeline_result(c, deadline, late);
        if (end || *late) {
            PQclear(end);
            PQclear(r);
            return NULL;
        }
    }
    return r;
}

void store_set_entity(store_conn *c, int64_t entity) { c->entity_want = entity < 0 ? STORE_ENTITY_ALL : entity; }

int64_t store_entity(const store_conn *c) { return c->entity_want; }

/* Whether the session's ciclo.entity_id may differ from what the lender asked for. */
static int entity_stale(const store_conn *c) { return !c->entity_known || c->entity_have != c->entity_want; }

/* The text ciclo.entity_id takes for what the lender asked for: an id, "all", or "" (none). */
static void entity_text(const store_conn *c, char v[24])
{
    v[0] = '\0';
    if (c->entity_want == STORE_ENTITY_ALL)
        snprintf(v, 24, "all");
    else if (c->entity_want > 0)
        snprintf(v, 24, "%lld", (long long)c->entity_want);
}

/* Makes the session's ciclo.entity_id say what the lender asked for, when it does not already
 * (a round trip, only when it changes; store_exec folds it into its statement's round trip).
 * Session-level, so that it holds for statements outside a transaction too; a rollback may undo
 * it, after which it is set again (entity_known). Returns 0 or -1 with p set. */
static int sync_entity(store_conn *c, problem *p)
{
    if (!entity_stale(c))
        return 0;
    if (ensure_prepared(c, entity_stmt, p) < 0)
        return -1;
    char v[24], name[64];
    entity_text(c, v);
    stmt_name(name, entity_stmt);
    const char *params[] = {v};
    PGresult *r = check_result(c, collect(c, PQsendQueryPrepared(c->pg, name, 1, params, NULL, NULL, 0), p), p);
    if (!r)
        return -1;
    PQclear(r);
    c->entity_have = c->entity_want;
    c->entity_known = 1;
    return 0;
}

/* What store_exec owes before statement stmt (the entity's setting when it changed, the queued
 * guard) and stmt itself, in one libpq pipeline: one round trip. A failure aborts the rest of the
 * pipeline, and its implicit transaction, setting included. */
static PGresult *exec_pipelined(store_conn *c, int stmt, int nparams, const char *const *params, problem *p)
{
    int g = c->guard_stmt, set = entity_stale(c);
    c->guard_stmt = -1;
    if ((set && ensure_prepared(c, entity_stmt, p) < 0) || (g >= 0 && ensure_prepared(c, g, p) < 0) ||
        ensure_prepared(c, stmt, p) < 0)
        return NULL;
    char ename[64], gname[64], name[64], v[24];
    stmt_name(ename, entity_stmt);
    stmt_name(gname, g >= 0 ? g : stmt);
    stmt_name(name, stmt);
    entity_text(c, v);
    const char *eparams[] = {v};
    const char *gparams[] = {c->guard_param};
    if (!PQenterPipelineMode(c->pg) || (set && !PQsendQueryPrepared(c->pg, ename, 1, eparams, NULL, NULL, 0)) ||
        (g >= 0 && !PQsendQueryPrepared(c->pg, gname, 1, gparams, NULL, NULL, 0)) ||
        !PQsendQueryPrepared(c->pg, name, nparams, params, NULL, NULL, 0) || !PQpipelineSync(c->pg)) {
        set_unavailable(p, PQerrorMessage(c->pg));
        drop(c);
        return NULL;
    }
    struct timespec deadline;
    deadline_in(&deadline, c->timeout_ms + 1000);
    int late = 0, f;
    while ((f = PQflush(c->pg)) == 1) {
        int ready = wait_socket(c->pg, POLLOUT | POLLIN, &deadline);
        if (ready <= 0 || !PQconsumeInput(c->pg)) {
            late = ready == 0;
            f = -1;
            break;
        }
    }
    /* the results in the order sent: [0] the setting, [1] the guard, [2] the statement */
    PGresult *res[3] = {NULL, NULL, NULL};
    const int sent[3] = {set, g >= 0, 1};
    int broken = f != 0;
    for (int i = 0; i < 3 && !broken; i++)
        if (sent[i] && !(res[i] = pipeline_query(c, &deadline, &late)))
            broken = 1;
    PGresult *sync = broken ? NULL : pipeline_result(c, &deadline, &late);
    int clean = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC && PQexitPipelineMode(c->pg);
    PQclear(sync);
    if (!clean) {
        for (int i = 0; i < 3; i++)
            PQclear(res[i]);
        if (late) {
            log_error("the database did not answer within %d ms: closing the connection", c->timeout_ms + 1000);
            problem_set(p, 503, "database_timeout", "the database did not answer in time");
            p->retry_after = 2;
        } else {
            set_unavailable(p, PQerrorMessage(c->pg));
        }
        drop(c);
        return NULL;
    }
    PGresult *r = NULL;
    if (set && PQresultStatus(res[0]) != PGRES_TUPLES_OK)
        store_map_error(c->pg, res[0], p);
    else if (g >= 0 && PQresultStatus(res[1]) != PGRES_TUPLES_OK)
        guard_failed(c, c->guard_param, c->guard_refused, res[1], p);
    else {
        r = check_result(c, res[2], p); /* clears res[2] when it failed */
        res[2] = NULL;
    }
    for (int i = 0; i < 3; i++)
        PQclear(res[i]);
    if (set) { /* the setting holds once the whole pipeline went through, else it is unknown */
        c->entity_have = c->entity_want;
        c->entity_known = r != NULL;
    }
    return r;
}

PGresult *store_exec(store_conn *c, int stmt, int nparams, const char *const *params, problem *p)
{
    if (!c->pg) {
        set_unavailable(p, "the connection was closed");
        return NULL;
    }
    if (c->guard_stmt >= 0 || entity_stale(c))
        return exec_pipelined(c, stmt, nparams, params, p);
    if (ensure_prepared(c, stmt, p) < 0)
        return NULL;
    char name[64];
    stmt_name(name, stmt);
    return check_result(c, collect(c, PQsendQueryPrepared(c->pg, name, nparams, params, NULL, NULL, 0), p), p);
}

PGresult *store_exec_sql(store_conn *c, const char *sql, int nparams, const char *const *params, problem *p)
{
    if (!c->pg) {
        set_unavailable(p, "the connection was closed");
        return NULL;
    }
    if (sync_entity(c, p) < 0 || run_guard(c, p) < 0)
        return NULL;
    if (nparams == 0 && strncmp(sql, "BEGIN", 5) == 0) {
        /* inside a transaction, a BEGIN opens a savepoint; what follows its first ';' (SET
         * LOCAL ...) still runs; an isolation level cannot be changed and stays the outer one */
        char nested[512];
        const char *rest = strchr(sql, ';');
        if (c->depth > 0 &&
            snprintf(nested, sizeof nested, "SAVEPOINT ciclo_%d%s", c->depth, rest ? rest : "") >= (int)sizeof nested) {
            problem_set(p, 500, "internal", "a nested transaction's statement is too long");
            return NULL;
        }
        PGresult *r = exec_simple(c, c->depth > 0 ? nested : sql, p);
        if (r)
            c->depth++;
        return r;
    }
    if (nparams == 0) {
        PGresult *r = exec_simple(c, sql, p);
        /* A longer (or shorter) timeout for this transaction: wait for the database that long. */
        static const char set_local[] = "SET LOCAL statement_timeout";
        if (r && strncasecmp(sql, set_local, sizeof set_local - 1) == 0) {
            const char *v = sql + sizeof set_local - 1;
            int ms = atoi(v + strcspn(v, "0123456789"));
            if (ms > 0)
                c->timeout_ms = ms;
        }
        return r;
    }
    return check_result(c, collect(c, PQsendQueryParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0), p), p);
}

int store_begin(store_conn *c, problem *p)
{
    PGresult *r = store_exec_sql(c, "BEGIN", 0, NULL, p);
    PQclear(r);
    return r ? 0 : -1;
}

int store_commit(store_conn *c, problem *p)
{
    if (c->depth > 1) {
        char sql[48];
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT ciclo_%d", c->depth - 1);
        PGresult *r = store_exec_sql(c, sql, 0, NULL, p);
        PQclear(r);
        c->depth--;
        return r ? 0 : -1;
    }
    PGresult *r = store_exec_sql(c, "COMMIT", 0, NULL, p);
    PQclear(r);
    c->timeout_ms = c->pool_timeout_ms;
    c->depth = 0;
    if (!r)
        c->entity_known = 0; /* a failed COMMIT rolled back, set_config included */
    return r ? 0 : -1;
}

void store_rollback(store_conn *c)
{
    problem ignored;
    problem_init(&ignored);
    c->entity_known = 0; /* a set_config since the transaction (or savepoint) began is undone */
    if (c->depth > 1 && c->pg) {
        char sql[96];
        snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT ciclo_%d; RELEASE SAVEPOINT ciclo_%d", c->depth - 1,
                 c->depth - 1);
        PQclear(exec_simple(c, sql, &ignored));
        c->depth--;
        problem_clear(&ignored);
        return;
    }
    if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        PQclear(exec_simple(c, "ROLLBACK", &ignored));
    problem_clear(&ignored);
    c->timeout_ms = c->pool_timeout_ms;
    c->depth = 0;
}

int store_depth(const store_conn *c) { return c->depth; }

int store_in_clean_transaction(store_conn *c)
{
    PGconn *pg = store_pg(c);
    return pg && c->depth == 1 && PQtransactionStatus(pg) == PQTRANS_INTRANS;
}

PGconn *store_pg(store_conn *c)
{
    problem p;
    problem_init(&p);
    int ok = c->pg && sync_entity(c, &p) == 0 && run_guard(c, &p) == 0;
    problem_clear(&p);
    return ok ? c->pg : NULL;
}

void store_pool_stats(void *ctx, int *in_use, int *size, long long *wait_timeouts)
{
    store_pool *pool = ctx;
    pthread_mutex_lock(&pool->lock);
    *in_use = pool->in_use;
    *size = pool->size;
    *wait_timeouts = pool->wait_timeouts;
    pthread_mutex_unlock(&pool->lock);
}

int store_ping(store_pool *pool, problem *p)
{
    store_conn *c = store_acquire(pool, p);
    if (!c)
        return -1;
    PGresult *r = store_exec_sql(c, "SELECT 1", 0, NULL, p);
    PQclear(r);
    store_release(pool, c);
    return r ? 0 : -1;
}
