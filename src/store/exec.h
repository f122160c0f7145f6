/*
 * exec.h — running SQL on a pooled connection and getting libpq's raw result back.
 * Store-internal: only src/store includes it (through stmt.h, which store files should use);
 * a file outside src/store that includes it is debt of issue 17 (a store function that
 * returns a value is missing).
 */
#ifndef CICLO_STORE_EXEC_H
#define CICLO_STORE_EXEC_H
#include <libpq-fe.h>

#include "core/problem.h"
#include "store/pool.h"

/* Runs registered statement `stmt` with text parameters (NULL = SQL NULL). Returns a
 * result owned by the caller (PQclear it), or NULL with p filled from the database
 * error (409, 422, 503 ... see errors.c); 503 database_timeout when the server did
 * not answer by the deadline (the connection is then closed: later calls on it fail
 * with 503 until it is released). */
PGresult *store_exec(store_conn *c, int stmt, int nparams, const char *const *params, problem *p);
/* Runs a statement that is not registered (migrations, rare admin paths): parameterised
 * when nparams > 0, several statements when 0. Same result contract as store_exec. */
PGresult *store_exec_sql(store_conn *c, const char *sql, int nparams, const char *const *params, problem *p);
/* The libpq connection, for COPY and other streaming work. Borrowed while lent. Runs a
 * queued guard first, and returns NULL when it fails or cannot run. */
PGconn *store_pg(store_conn *c);

/* Fills p from a failed result or connection (SQLSTATE → HTTP status). Defined in errors.c. */
void store_map_error(PGconn *pg, const PGresult *res, problem *p);

#endif
