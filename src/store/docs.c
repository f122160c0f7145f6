/* docs.c — a list of JSON documents over one database result (see docs.h, stmt.h). */
#include "store/docs.h"

#include <stdlib.h>
#include <string.h>

#include "store/stmt.h"

struct store_docs {
    PGresult *res;
};

store_docs *store_docs_take(PGresult *res, problem *p)
{
    if (!res)
        return NULL;
    store_docs *d = malloc(sizeof *d);
    if (!d) {
        PQclear(res);
        problem_set(p, 503, "out_of_memory", "the server is out of memory");
        return NULL;
    }
    d->res = res;
    return d;
}

int store_run_docs(store_conn *c, const store_stmt *s, const store_args *a, store_docs **out, problem *p)
{
    *out = store_docs_take(store_run(c, s, a, p), p);
    return *out ? 0 : -1;
}

int store_docs_count(const store_docs *d) { return d ? PQntuples(d->res) : 0; }

const char *store_docs_text(const store_docs *d, int i)
{
    const char *t = row_text(d->res, i, 0);
    return t ? t : "null";
}

int64_t store_docs_id(const store_docs *d, int i) { return PQnfields(d->res) > 1 ? row_i64(d->res, i, 1) : 0; }

void store_docs_free(store_docs *d)
{
    if (!d)
        return;
    PQclear(d->res);
    free(d);
}

int store_docs_keep(store_docs *d, const unsigned char *keep, problem *p)
{
    PGresult *r = d->res, *kept = PQcopyResult(r, PG_COPYRES_ATTRS);
    int n = 0, failed = !kept;
    for (int i = 0; !failed && i < PQntuples(r); i++) {
        if (!keep[i])
            continue;
        for (int c = 0; !failed && c < PQnfields(r); c++)
            failed = !PQsetvalue(kept, n, c, PQgetvalue(r, i, c), PQgetlength(r, i, c));
        n++;
    }
    if (failed) {
        PQclear(kept);
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    PQclear(r);
    d->res = kept;
    return 0;
}

void store_doc_free(store_doc *d)
{
    free(d->text);
    memset(d, 0, sizeof *d);
}
