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
 *  - Parameters are bound in order on a store_args that starts zeroed: in one call with
 *    typed constructors (`STORE_ARGS(SA_TEXT(scope), SA_I64(id))` makes and binds one; a
 *    value of the wrong type does not compile), or one by one with the arg_* calls (lists whose length varies). Integers are rendered by the
 *    binder (never snprintf an id into text by hand); text is borrowed and must outlive
 *    the run; NULL binds SQL NULL. store_run refuses (500 "internal", logged) a count that
 *    differs from the table's, or more than STORE_MAX_ARGS: a programming error never
 *    reaches the server.
 *  - A run ends with the helper that fits what the caller wants back: store_run_text(_n)
 *    (one document), store_run_docs (a list), store_run_found (whether a row came back),
 *    store_run_count (one integer), store_run_exec (nothing), store_run_row (the row to
 *    read), else store_run and the row_* getters.
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

/* One parameter value for store_bind_list, made by a constructor below: each one's argument
 * has a C type, so a value of the wrong type does not compile (-Wall -Wextra -Werror:
 * tools/check-bind-types.sh keeps it so). kind is the constructor's letter. */
typedef struct store_arg {
    unsigned char kind;
    int64_t i;
    const char *s;
    const store_actor *who;
} store_arg;

/* text, borrowed (NULL binds SQL NULL) */
#define SA_TEXT(x) ((store_arg){.kind = 's', .s = (x)})
/* an integer (an int converts) */
#define SA_I64(x) ((store_arg){.kind = 'i', .i = (x)})
/* a boolean: "true" when non-zero, else "false" */
#define SA_BOOL(x) ((store_arg){.kind = 'b', .i = (x)})
/* an optional link: SQL NULL when <= 0 (arg_id_or_null) */
#define SA_LINK(x) ((store_arg){.kind = 'o', .i = (x)})
/* an optional version: SQL NULL when < 0 */
#define SA_VERSION(x) ((store_arg){.kind = 'v', .i = (x)})
/* SQL NULL */
#define SA_NULL ((store_arg){.kind = 'n'})
/* the scope and the actor: 4 parameters (store_bind_actor) */
#define SA_SCOPE_ACTOR(scope, actor) ((store_arg){.kind = 'w', .s = (scope), .who = (actor)})
/* the actor alone: token id, name, role (3 parameters) */
#define SA_ACTOR(actor) ((store_arg){.kind = 'a', .who = (actor)})

/* Binds the n values of v, in order, after those a holds, and returns a (so that the call
 * can stand as store_run's argument). A value of an unknown kind marks a as overflowing:
 * store_run then refuses it (500, logged). */
store_args *store_bind_list(store_args *a, const store_arg *v, int n);
#define STORE_ARG_LIST(...) \
    (const store_arg[]){__VA_ARGS__}, (int)(sizeof((const store_arg[]){__VA_ARGS__}) / sizeof(store_arg))
/* Binds the values given (constructors above) after those a holds; returns a. */
#define STORE_BIND(a, ...) store_bind_list((a), STORE_ARG_LIST(__VA_ARGS__))
/* The values given bound on a fresh, zeroed store_args that lives until the end of the
 * enclosing block:
 *     return store_run_text(c, &st[Q_GET], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), doc, p);
 * STORE_NO_ARGS is the same for a statement without parameters. */
#define STORE_ARGS(...) store_bind_list(&(store_args){0}, STORE_ARG_LIST(__VA_ARGS__))
#define STORE_NO_ARGS (&(store_args){0})

/* Runs statement s with the bound parameters. Returns the result (caller PQclears it) or
 * NULL with p set (store_exec's errors, or 500 when the count does not match s). */
PGresult *store_run(store_conn *c, const store_stmt *s, const store_args *a, problem *p);
/* The same for a statement registered by id with store_stmt_register (statements built at
 * start-up from the model's specs, store/crud.c); nparams is the count it takes. */
PGresult *store_run_id(store_conn *c, int stmt, int nparams, const store_args *a, problem *p);

/* The same for a statement built at start-up (store_stmt_register_built): a store_stmt
 * (value) with its id and the count of parameters it takes, for the helpers below. */
#define STORE_BUILT(stmt_id, n) ((store_stmt){.name = NULL, .sql = NULL, .nparams = (n), .id = (stmt_id)})

/* Runs s and copies the first cell of its first row: 1 with *out (malloc'd, the caller
 * frees it; NULL when the cell is SQL NULL), 0 when there is no row, -1 with p set (503
 * out_of_memory when the copy fails). For statements that return one document. */
int store_run_text(store_conn *c, const store_stmt *s, const store_args *a, char **out, problem *p);
/* store_run_text, and when a row is found and n1 is not NULL, *n1 = its second cell read as
 * an integer (the document's version, or an id: what the statement returns second). */
int store_run_text_n(store_conn *c, const store_stmt *s, const store_args *a, char **out, int64_t *n1, problem *p);
/* Runs s and keeps its result when it has a row: the result (the caller reads its rows and
 * PQclears it), or NULL with *rc = 0 when it has none, or with *rc = -1 and p set on failure.
 *     PGresult *r = store_run_row(c, &st[Q_GET], STORE_ARGS(SA_TEXT(scope), SA_I64(id)), &rc, p);
 *     if (!r)
 *         return rc; */
PGresult *store_run_row(store_conn *c, const store_stmt *s, const store_args *a, int *rc, problem *p);
/* Runs s for what it does and drops its rows: 0, or -1 with p set. */
int store_run_exec(store_conn *c, const store_stmt *s, const store_args *a, problem *p);
/* Runs s: 1 when it returns at least one row (a write that matched, a row that exists), 0
 * when none, -1 with p set. */
int store_run_found(store_conn *c, const store_stmt *s, const store_args *a, problem *p);
/* Runs s and reads the first cell of its first row as an integer (a count): the value, 0
 * when there is no row or the cell is SQL NULL; -1 with p set. For cells that are never
 * negative. */
int64_t store_run_count(store_conn *c, const store_stmt *s, const store_args *a, problem *p);

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
/* Reads n cells of row `row`, from column col on, as integers: *out[i] = cell col + i. */
void row_i64s(const PGresult *res, int row, int col, int64_t *const *out, int n);

#endif
