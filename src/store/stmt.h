/*
 * stmt.h — how a store file talks SQL: a named statement table, a typed binder for the
 * parameters and typed getters for the cells of a result. Store-internal: only files of
 * src/store include it (it brings libpq); handlers get values from store functions.
 *
 * The contract, for every store file:
 *  - Statements live in ONE static table per file, each with a name unique in the process
 *    ("<file>.<what>", at most 63 bytes), its parameterised SQL and how many parameters
 *    ($1..$n) it takes:
 *        static store_stmt st[] = {
 *            [DOC_WORKING] = {"plan_doc.working", working_sql, 2},
 *            [DOC_REVISION] = {"plan_doc.revision", "SELECT ... $2::bigint ... $3::integer", 3},
 *        };
 *    registered once at start-up with STORE_STMTS_REGISTER(st) (before the pool serves).
 *    Each pooled connection prepares a statement under its name the first time it runs it
 *    there (store/pool.c), so pg_stat_statements and server logs name it.
 *  - Parameters are bound in order with the arg_* calls on a store_args that starts
 *    zeroed (`store_args a = {0};`). Integers are rendered by the binder (never snprintf
 *    an id into text by hand); text is borrowed and must outlive the run; NULL binds SQL
 *    NULL. store_run refuses (500 "internal", logged) a count that differs from the
 *    table's, or more than STORE_MAX_ARGS: a programming error never reaches the server.
 *  - Cells are read with the row_* getters, which read SQL NULL as 0 / false / NULL, so
 *    `strtoll(PQgetvalue(...))` and `strcmp(PQgetvalue(...), "t")` go away. Pointers
 *    returned by row_text are borrowed from the result (valid until PQclear).
 *  - A result handed back is owned by the caller (PQclear it); on failure NULL is
 *    returned with p set exactly as by store_exec (store/pool.h).
 */
#ifndef CICLO_STORE_STMT_H
#define CICLO_STORE_STMT_H
#include <libpq-fe.h>
#include <stdint.h>

#include "core/problem.h"
#include "store/docs.h"
#include "store/exec.h"
#include "store/pool.h"
#include "store/write.h"

typedef struct store_stmt {
    const char *name; /* unique in the process, <= 63 bytes; borrowed (a literal) */
    const char *sql;  /* borrowed, must outlive the process */
    int nparams;      /* how many parameters ($1..$n) the statement takes */
    int id;           /* the pool's statement id, set by store_stmts_register */
} store_stmt;

/* Registers n statements of table t under their names; sets each t[i].id. Returns 0, or
 * -1 when the pool's table is full or an entry lacks name or SQL. Start-up only; not
 * thread-safe. */
int store_stmts_register(store_stmt *t, int n);
#define STORE_STMTS_REGISTER(t) store_stmts_register((t), (int)(sizeof(t) / sizeof((t)[0])))

#define STORE_MAX_ARGS 64

/* Parameters being bound. Start zeroed; lives on the caller's stack. */
typedef struct store_args {
    int n;
    int overflow; /* set when more than STORE_MAX_ARGS were bound */
    const char *v[STORE_MAX_ARGS];
    char num[STORE_MAX_ARGS][24];
} store_args;

/* Binds the next parameter: an integer (rendered in decimal), text (borrowed; NULL binds
 * SQL NULL), SQL NULL, or an id that binds SQL NULL when it is <= 0 (optional links). */
void arg_i64(store_args *a, int64_t v);
void arg_text(store_args *a, const char *s);
void arg_null(store_args *a);
void arg_id_or_null(store_args *a, int64_t id);

/* Binds scope, then the actor's token id, name and role: the head ($1..$4) of every audited
 * write's parameters. */
void store_bind_actor(store_args *a, const char *scope, const store_actor *who);

/* Runs statement s with the bound parameters. Returns the result (caller PQclears it) or
 * NULL with p set (store_exec's errors, or 500 when the count does not match s). */
PGresult *store_run(store_conn *c, const store_stmt *s, const store_args *a, problem *p);
/* The same for a statement registered by id with store_stmt_register (statements built at
 * start-up from the model's specs, store/crud.c); nparams is the count it takes. */
PGresult *store_run_id(store_conn *c, int stmt, int nparams, const store_args *a, problem *p);

/* Runs s and copies the first cell of its first row: 1 with *out (malloc'd, the caller
 * frees it; NULL when the cell is SQL NULL), 0 when there is no row, -1 with p set (503
 * out_of_memory when the copy fails). For statements that return one document. */
int store_run_text(store_conn *c, const store_stmt *s, const store_args *a, char **out, problem *p);

/* Wraps a list result (column 0 JSON text, column 1 the id) as a store_docs (docs.h),
 * taking res; NULL res gives NULL. On out of memory res is cleared, p set, NULL returned.
 * store_run_docs runs s and wraps its result: 0 with *out (free with store_docs_free),
 * or -1 with p set. */
store_docs *store_docs_take(PGresult *res, problem *p);
int store_run_docs(store_conn *c, const store_stmt *s, const store_args *a, store_docs **out, problem *p);

/* Cell getters. SQL NULL reads as 0, false or NULL. row_text's pointer is borrowed from
 * res. row_bool is true for PostgreSQL's "t". row_dup copies a cell: 1 with *out
 * (malloc'd; NULL for SQL NULL), -1 with p set (503 out_of_memory). */
int row_count(const PGresult *res);
int row_null(const PGresult *res, int row, int col);
int64_t row_i64(const PGresult *res, int row, int col);
int row_int(const PGresult *res, int row, int col);
int row_bool(const PGresult *res, int row, int col);
const char *row_text(const PGresult *res, int row, int col);
int row_dup(const PGresult *res, int row, int col, char **out, problem *p);

#endif
