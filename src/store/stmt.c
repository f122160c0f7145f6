/* stmt.c — named statement tables, the typed binder and row getters (see stmt.h). */
#include "store/stmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

int store_stmts_register(store_stmt *t, int n)
{
    for (int i = 0; i < n; i++) {
        if (!t[i].name || !t[i].sql || strlen(t[i].name) > 63)
            return -1;
        t[i].id = store_stmt_register_named(t[i].name, t[i].sql);
        if (t[i].id < 0)
            return -1;
    }
    return 0;
}

static const char **next_slot(store_args *a)
{
    if (a->n >= STORE_MAX_ARGS) {
        a->overflow = 1;
        return NULL;
    }
    return &a->v[a->n++];
}

void arg_i64(store_args *a, int64_t v)
{
    int i = a->n;
    const char **slot = next_slot(a);
    if (!slot)
        return;
    snprintf(a->num[i], sizeof a->num[i], "%" PRId64, v);
    *slot = a->num[i];
}

void arg_text(store_args *a, const char *s)
{
    const char **slot = next_slot(a);
    if (slot)
        *slot = s;
}

void arg_null(store_args *a) { arg_text(a, NULL); }

void arg_id_or_null(store_args *a, int64_t id)
{
    if (id > 0)
        arg_i64(a, id);
    else
        arg_null(a);
}

void store_bind_actor(store_args *a, const char *scope, const store_actor *who)
{
    arg_text(a, scope);
    arg_text(a, who->token_id);
    arg_text(a, who->name);
    arg_text(a, who->role);
}

store_args *store_bind_list(store_args *a, const store_arg *v, int n)
{
    for (int k = 0; k < n; k++) {
        const store_arg *x = &v[k];
        switch (x->kind) {
        case 's': arg_text(a, x->s); break;
        case 'i': arg_i64(a, x->i); break;
        case 'b': arg_text(a, x->i ? "true" : "false"); break;
        case 'o': arg_id_or_null(a, x->i); break;
        case 'v':
            if (x->i >= 0)
                arg_i64(a, x->i);
            else
                arg_null(a);
            break;
        case 'n': arg_null(a); break;
        case 'w': store_bind_actor(a, x->s, x->who); break;
        case 'a':
            arg_text(a, x->who->token_id);
            arg_text(a, x->who->name);
            arg_text(a, x->who->role);
            break;
        default:
            log_error("store_bind_list: unknown kind %d", x->kind);
            a->overflow = 1;
            return a;
        }
    }
    return a;
}

PGresult *store_run_id(store_conn *c, int stmt, int nparams, const store_args *a, problem *p)
{
    if (a->overflow || a->n != nparams) {
        log_error("statement %d bound with %d parameters, takes %d", stmt, a->overflow ? STORE_MAX_ARGS + 1 : a->n,
                  nparams);
        problem_set(p, 500, "internal", "a statement was bound with the wrong parameters");
        return NULL;
    }
    return store_exec(c, stmt, a->n, a->v, p);
}

PGresult *store_run(store_conn *c, const store_stmt *s, const store_args *a, problem *p)
{
    return store_run_id(c, s->id, s->nparams, a, p);
}

int store_run_text_n(store_conn *c, const store_stmt *s, const store_args *a, char **out, int64_t *n1, problem *p)
{
    PGresult *res = store_run(c, s, a, p);
    if (!res)
        return -1;
    int found = PQntuples(res) > 0;
    if (found && n1)
        *n1 = row_i64(res, 0, 1);
    int rc = found ? row_dup(res, 0, 0, out, p) : 0;
    PQclear(res);
    return rc;
}

int store_run_text(store_conn *c, const store_stmt *s, const store_args *a, char **out, problem *p)
{
    return store_run_text_n(c, s, a, out, NULL, p);
}

PGresult *store_run_row(store_conn *c, const store_stmt *s, const store_args *a, int *rc, problem *p)
{
    PGresult *res = store_run(c, s, a, p);
    *rc = res ? 0 : -1;
    if (res && PQntuples(res) == 0) {
        PQclear(res);
        return NULL;
    }
    return res;
}

int store_run_exec(store_conn *c, const store_stmt *s, const store_args *a, problem *p)
{
    PGresult *res = store_run(c, s, a, p);
    int rc = res ? 0 : -1;
    PQclear(res);
    return rc;
}

int store_run_found(store_conn *c, const store_stmt *s, const store_args *a, problem *p)
{
    PGresult *res = store_run(c, s, a, p);
    int found = res ? PQntuples(res) > 0 : -1;
    PQclear(res);
    return found;
}

int64_t store_run_count(store_conn *c, const store_stmt *s, const store_args *a, problem *p)
{
    PGresult *res = store_run(c, s, a, p);
    int64_t n = !res ? -1 : PQntuples(res) > 0 ? row_i64(res, 0, 0) : 0;
    PQclear(res);
    return n;
}

int row_count(const PGresult *res) { return PQntuples(res); }

int row_null(const PGresult *res, int row, int col) { return PQgetisnull(res, row, col); }

int64_t row_i64(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : (int64_t)strtoll(PQgetvalue(res, row, col), NULL, 10);
}

void row_i64s(const PGresult *res, int row, int col, int64_t *const *out, int n)
{
    for (int i = 0; i < n; i++)
        *out[i] = row_i64(res, row, col + i);
}

int row_int(const PGresult *res, int row, int col) { return (int)row_i64(res, row, col); }

int row_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

const char *row_text(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int row_dup(const PGresult *res, int row, int col, char **out, problem *p)
{
    *out = NULL;
    if (PQgetisnull(res, row, col))
        return 1;
    if (!(*out = strdup(PQgetvalue(res, row, col))))
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    return 1;
}
