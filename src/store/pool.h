/*
 * pool.h — the PostgreSQL connection pool and the statement table.
 *
 * Statements are registered once at start-up (store_stmt_register) and prepared
 * lazily on each connection the first time they run. A connection is lent to one
 * request at a time; a broken one is dropped on release and a new one is made on
 * the next acquire, so the pool heals itself after a database outage.
 */
#ifndef CICLO_STORE_POOL_H
#define CICLO_STORE_POOL_H
#include <libpq-fe.h>

#include "core/problem.h"

#define STORE_MAX_STMTS 512

typedef struct store_pool store_pool;
typedef struct store_conn store_conn;

/* Registers a parameterised statement and returns its id (>= 0), or -1 if the table is
 * full. Call before the pool serves requests; not thread-safe. sql is borrowed and must
 * outlive the process (string literals or memory never freed). */
int store_stmt_register(const char *sql);

/* Creates a pool of `size` connections to conninfo (made on demand). wait_ms bounds the
 * wait for a free connection; timeout_ms is each statement's timeout. Returns NULL on
 * out of memory. The pool owns its connections; free with store_pool_free. */
store_pool *store_pool_new(const char *conninfo, int size, int wait_ms, int timeout_ms);
/* Closes every connection. No connection may be lent out. */
void store_pool_free(store_pool *pool);

/* Lends a connection, connecting if needed. Returns NULL with p set to 503 when no
 * connection is free within wait_ms or the database cannot be reached. */
store_conn *store_acquire(store_pool *pool, problem *p);
/* Takes the connection back. A connection left inside a transaction is rolled back;
 * a broken one is closed. */
void store_release(store_pool *pool, store_conn *c);

/* Runs registered statement `stmt` with text parameters (NULL = SQL NULL). Returns a
 * result owned by the caller (PQclear it), or NULL with p filled from the database
 * error (409, 422, 503 ... see errors.c). */
PGresult *store_exec(store_conn *c, int stmt, int nparams, const char *const *params, problem *p);
/* Runs a statement that is not registered (migrations, rare admin paths): parameterised
 * when nparams > 0, several statements when 0. Same result contract as store_exec. */
PGresult *store_exec_sql(store_conn *c, const char *sql, int nparams, const char *const *params, problem *p);
/* BEGIN / COMMIT / ROLLBACK. Return 0 or -1 with p set. */
int store_begin(store_conn *c, problem *p);
int store_commit(store_conn *c, problem *p);
void store_rollback(store_conn *c);
/* The libpq connection, for COPY and other streaming work. Borrowed while lent. */
PGconn *store_pg(store_conn *c);

/* Probes for /metrics and /readyz. */
void store_pool_stats(void *pool, int *in_use, int *size, long long *wait_timeouts);
/* Returns 0 if the database answers a trivial query within the timeouts, else -1. */
int store_ping(store_pool *pool, problem *p);

/* Fills p from a failed result or connection (SQLSTATE → HTTP status). Defined in errors.c. */
void store_map_error(PGconn *pg, const PGresult *res, problem *p);

#endif
