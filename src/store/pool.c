#include "store/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

static const char *stmt_sql[STORE_MAX_STMTS];
static int stmt_count;

int store_stmt_register(const char *sql)
{
    if (stmt_count >= STORE_MAX_STMTS)
        return -1;
    stmt_sql[stmt_count] = sql;
    return stmt_count++;
}

struct store_conn {
    PGconn *pg;
    int in_use;
    unsigned char prepared[STORE_MAX_STMTS];
};

struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *conninfo;
    char options[64];
    char connect_timeout[16];
    int size;
    int wait_ms;
    int in_use;
    long long wait_timeouts;
    store_conn *conns;
};

store_pool *store_pool_new(const char *conninfo, int size, int wait_ms, int timeout_ms)
{
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
    pool->size = size;
    pool->wait_ms = wait_ms;
    snprintf(pool->options, sizeof pool->options, "-c statement_timeout=%d -c lock_timeout=%d", timeout_ms,
             timeout_ms);
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
    free(pool->conns);
    free(pool->conninfo);
    free(pool);
}

static int pool_connect(store_pool *pool, store_conn *c, problem *p)
{
    const char *keys[] = {"dbname", "options", "connect_timeout", "application_name", NULL};
    const char *vals[] = {pool->conninfo, pool->options, pool->connect_timeout, "ciclo", NULL};
    c->pg = PQconnectdbParams(keys, vals, 1);
    memset(c->prepared, 0, sizeof c->prepared);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        log_error("database connection failed: %s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
        if (c->pg)
            PQfinish(c->pg);
        c->pg = NULL;
        problem_set(p, 503, "database_unavailable", "the database is not reachable");
        p->retry_after = 2;
        return -1;
    }
    return 0;
}

store_conn *store_acquire(store_pool *pool, problem *p)
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
    while (pool->in_use == pool->size) {
        if (pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline) == ETIMEDOUT &&
            pool->in_use == pool->size) {
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
    pool->in_use++;
    pthread_mutex_unlock(&pool->lock);

    if (c->pg && PQstatus(c->pg) != CONNECTION_OK) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    if (!c->pg && pool_connect(pool, c, p) < 0) {
        store_release(pool, c);
        return NULL;
    }
    return c;
}

void store_release(store_pool *pool, store_conn *c)
{
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
    }
    if (c->pg && (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE)) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    pthread_mutex_lock(&pool->lock);
    c->in_use = 0;
    pool->in_use--;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

static PGresult *check_result(store_conn *c, PGresult *r, problem *p)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_COPY_IN)
        return r;
    store_map_error(c->pg, r, p);
    PQclear(r);
    return NULL;
}

PGresult *store_exec(store_conn *c, int stmt, int nparams, const char *const *params, problem *p)
{
    char name[16];
    snprintf(name, sizeof name, "s%d", stmt);
    if (!c->prepared[stmt]) {
        PGresult *r = check_result(c, PQprepare(c->pg, name, stmt_sql[stmt], 0, NULL), p);
        if (!r) {
            log_error("prepare of statement %d failed: %s", stmt, p->detail);
            return NULL;
        }
        PQclear(r);
        c->prepared[stmt] = 1;
    }
    return check_result(c, PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0), p);
}

PGresult *store_exec_sql(store_conn *c, const char *sql, int nparams, const char *const *params, problem *p)
{
    PGresult *r = nparams > 0 ? PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0) : PQexec(c->pg, sql);
    return check_result(c, r, p);
}

int store_begin(store_conn *c, problem *p)
{
    PGresult *r = store_exec_sql(c, "BEGIN", 0, NULL, p);
    PQclear(r);
    return r ? 0 : -1;
}

int store_commit(store_conn *c, problem *p)
{
    PGresult *r = store_exec_sql(c, "COMMIT", 0, NULL, p);
    PQclear(r);
    return r ? 0 : -1;
}

void store_rollback(store_conn *c)
{
    if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        PQclear(PQexec(c->pg, "ROLLBACK"));
}

PGconn *store_pg(store_conn *c) { return c->pg; }

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
