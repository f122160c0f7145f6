/*
 * pool.h — the PostgreSQL connection pool and the statement table.
 *
 * Statements are registered once at start-up (store_stmt_register) and prepared
 * lazily on each connection the first time they run. A connection is lent to one
 * request at a time; a broken one is dropped on release and a new one is made on
 * the next acquire, so the pool heals itself after a database outage. An idle one
 * that the server closed while it sat in the pool (a restart) is noticed on acquire
 * and replaced, so the first requests after a restart do not fail.
 *
 * Nothing here waits without a bound: connecting gives up after max(timeout, 1 s),
 * and every query after the statement timeout in force plus one second (the server
 * enforces the timeout itself; the client deadline is for a server that cannot:
 * frozen, or cut off by the network). A connection that missed its deadline is
 * closed, and the server rolls back whatever it had open. A SET LOCAL
 * statement_timeout run through store_exec_sql moves the deadline until the
 * transaction ends (long imports).
 *
 * This header names no libpq type: statements are run through store/exec.h (raw results,
 * for the files of src/store) and store/stmt.h (named tables, the typed binder).
 */
#ifndef CICLO_STORE_POOL_H
#define CICLO_STORE_POOL_H
#include <stdint.h>

#include "core/problem.h"

#define STORE_MAX_STMTS 512

typedef struct store_pool store_pool;
typedef struct store_conn store_conn;

/* Registers a parameterised statement and returns its id (>= 0), or -1 if the table is
 * full. Call before the pool serves requests; not thread-safe. sql is borrowed and must
 * outlive the process (string literals or memory never freed). */
int store_stmt_register(const char *sql);
/* The same, prepared on each connection under `name` (unique, at most 63 bytes, borrowed
 * like sql) instead of "s<id>". Store files use named tables (store/stmt.h). */
int store_stmt_register_named(const char *name, const char *sql);

/* Creates a pool of `size` connections to conninfo (made on demand). wait_ms bounds the
 * wait for a free connection; timeout_ms is each statement's timeout. Returns NULL on
 * out of memory or a full statement table (store_stmt_register). The pool owns its connections; free with store_pool_free. */
store_pool *store_pool_new(const char *conninfo, int size, int wait_ms, int timeout_ms);
/* Closes every connection. No connection may be lent out. */
void store_pool_free(store_pool *pool);

/* Lends a connection, connecting if needed. Returns NULL with p set to 503 when no
 * connection is free within wait_ms or the database cannot be reached (within
 * max(timeout_ms, 1 s)). The connection counts against no key (store_acquire_for). */
store_conn *store_acquire(store_pool *pool, problem *p);
/* Fairness between entities (issue 21, docs/SECURITY.md "Fairness"): the same, with the
 * connection counted against key (>= 0: the requester's entity, 0 for a cross-entity admin;
 * -1: none). One key holds at most size - max(1, size / 4) connections (at least 1), so the
 * heavy requests of one entity always leave a connection to the others: past that the call
 * waits, within the same wait_ms, as for a full pool. */
store_conn *store_acquire_for(store_pool *pool, int64_t key, problem *p);
/* Counts c, already lent (against no key), against key from now on: for a lender that learns
 * whose request it serves only with the connection in hand (a token not yet cached). Returns 0,
 * or -1 without waiting when key's share is taken: the lender then gives c back and waits for
 * the share with store_acquire_for. */
int store_pool_key(store_pool *pool, store_conn *c, int64_t key);
/* Takes the connection back. A connection left inside a transaction is rolled back;
 * a broken one is closed. */
void store_release(store_pool *pool, store_conn *c);

/* Queues a guard on c: registered statement `stmt`, run with the one text parameter `param`
 * (copied; at most STORE_GUARD_PARAM_MAX - 1 bytes), that raises division_by_zero when
 * what it guards no longer holds (e.g. "SELECT 1 / (SELECT count(*)::int FROM ... )").
 * The guard runs just before the next statement on c and in the same round trip:
 * store_exec sends both (and the entity's setting, store_set_entity) in one libpq pipeline, so a failed guard aborts the statement
 * before it runs; store_exec_sql, store_begin and store_pg run the guard on its own first.
 * When the guard fails, `refused` fills p (it gets param) and the caller of the statement
 * gets NULL / -1 with that problem. A guard that no statement follows is dropped when the
 * connection is released: that request read and wrote nothing. */
#define STORE_GUARD_PARAM_MAX 80
void store_guard(store_conn *c, int stmt, const char *param, void (*refused)(const char *param, problem *p));
/* Runs the guard still queued on c, if any (a request that ran no statement). Returns 0 when
 * there is none or it holds, -1 with p set when it fails (the guard's refusal, or an outage).
 * Like every statement, the guard runs under the entity asked for (store_set_entity). */
int store_guard_flush(store_conn *c, problem *p);
/* BEGIN / COMMIT / ROLLBACK. Return 0 or -1 with p set. They nest: inside a transaction,
 * store_begin (and store_exec_sql of a statement starting with BEGIN) opens a savepoint, and
 * store_commit / store_rollback end the innermost one (RELEASE / ROLLBACK TO SAVEPOINT), so a
 * caller may run code that opens its own transaction inside one it holds (api/idempotency.c). */
int store_begin(store_conn *c, problem *p);
int store_commit(store_conn *c, problem *p);
void store_rollback(store_conn *c);
/* How many transactions store_begin has opened on c and not yet ended (0: none). */
int store_depth(const store_conn *c);
/* 1 when c holds exactly one transaction opened by store_begin, with no savepoint left open and
 * no statement failed in it (so that COMMIT would commit), else 0. Runs a queued guard first. */
int store_in_clean_transaction(store_conn *c);
/* Row-level security (sql/016_row_security.sql, docs/SECURITY.md "Isolation between entities"):
 * whose rows the connection's statements may see and write, below every WHERE clause. An entity
 * id (> 0), STORE_ENTITY_ALL (an admin token, the command line), or STORE_ENTITY_NONE: no
 * entity's rows at all, which is what every connection lent by store_acquire starts with (the
 * token lookup does not need more: it goes through functions of the owner). Applied before the
 * next statement on c, only when it differs from the session's: in store_exec's round trip,
 * else in a round trip of its own. */
#define STORE_ENTITY_NONE 0
#define STORE_ENTITY_ALL (-1)
void store_set_entity(store_conn *c, int64_t entity);
/* The entity store_set_entity last asked for on c. */
int64_t store_entity(const store_conn *c);

/* Probes for /metrics and /readyz. */
void store_pool_stats(void *pool, int *in_use, int *size, long long *wait_timeouts);
/* Returns 0 if the database answers a trivial query within the timeouts, else -1. */
int store_ping(store_pool *pool, problem *p);

#endif
