/* idempotency.c — stored answers, the per-key advisory lock, the purge (idempotency.h). */
#include "store/idempotency.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/exec.h"

enum { Q_GET, Q_PUT, Q_LOCK, Q_UNLOCK, Q_PURGE, Q_COUNT };
static int st[Q_COUNT];

#define XSTR(x) #x
#define STR(x) XSTR(x)

static const char *const sql[Q_COUNT] = {
    [Q_GET] =
        "SELECT request_hash, status, response, content_type, location, etag FROM idempotency_keys WHERE "
        "entity_id = $1::bigint AND token_id = $2::bigint AND key = $3::text AND created_at > now() - "
        "interval '" STORE_IDEM_TTL "'",
    /* $1 entity, $2 token, $3 key, $4 hash, $5 status, $6 body, $7 content type, $8 location, $9 etag */
    [Q_PUT] =
        "INSERT INTO idempotency_keys AS k (entity_id, token_id, key, request_hash, status, response, "
        "content_type, location, etag) VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::integer, "
        "$6::text, $7::text, $8::text, $9::text) ON CONFLICT (entity_id, token_id, key) DO UPDATE SET "
        "request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, response = EXCLUDED.response, "
        "content_type = EXCLUDED.content_type, location = EXCLUDED.location, etag = EXCLUDED.etag, "
        "created_at = now() WHERE k.created_at <= now() - interval '" STORE_IDEM_TTL "' RETURNING 1",
    [Q_LOCK] = "SELECT pg_advisory_lock(" STR(STORE_IDEM_LOCK_CLASS) ", $1::integer)",
    [Q_UNLOCK] = "SELECT pg_advisory_unlock(" STR(STORE_IDEM_LOCK_CLASS) ", $1::integer)",
    /* a bounded batch, so that a backlog never makes one request slow */
    [Q_PURGE] = "SELECT ciclo_purge_idempotency_keys()", /* every entity's: sql/016 */
};

int store_idem_register(void)
{
    for (int i = 0; i < Q_COUNT; i++)
        if ((st[i] = store_stmt_register(sql[i])) < 0)
            return -1;
    return 0;
}

/* A malloc'd copy of column col of row 0, or NULL for SQL NULL; *failed set when out of memory. */
static char *column(const PGresult *r, int col, size_t *len, int *failed)
{
    if (PQgetisnull(r, 0, col))
        return NULL;
    size_t n = (size_t)PQgetlength(r, 0, col);
    char *s = malloc(n + 1);
    if (!s) {
        *failed = 1;
        return NULL;
    }
    memcpy(s, PQgetvalue(r, 0, col), n + 1);
    if (len)
        *len = n;
    return s;
}

int store_idem_get(store_conn *c, const char *entity, const char *token, const char *key, store_idem_answer *out,
                   problem *p)
{
    memset(out, 0, sizeof *out);
    const char *params[] = {entity, token, key};
    PGresult *r = store_exec(c, st[Q_GET], 3, params, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    int failed = 0;
    snprintf(out->hash, sizeof out->hash, "%s", PQgetvalue(r, 0, 0));
    out->status = atoi(PQgetvalue(r, 0, 1));
    out->body = column(r, 2, &out->len, &failed);
    out->content_type = column(r, 3, NULL, &failed);
    out->location = column(r, 4, NULL, &failed);
    out->etag = column(r, 5, NULL, &failed);
    PQclear(r);
    if (failed) {
        store_idem_answer_free(out);
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    return 1;
}

void store_idem_answer_free(store_idem_answer *a)
{
    free(a->content_type);
    free(a->body);
    free(a->location);
    free(a->etag);
    memset(a, 0, sizeof *a);
}

int store_idem_put(store_conn *c, const char *entity, const char *token, const char *key, const store_idem_answer *a,
                   problem *p)
{
    char s[16];
    snprintf(s, sizeof s, "%d", a->status);
    const char *params[] = {entity,          token,       key,    a->hash, s, a->body ? a->body : "",
                            a->content_type, a->location, a->etag};
    PGresult *r = store_exec(c, st[Q_PUT], 9, params, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    PQclear(r);
    if (n == 0)
        return problem_set(p, 409, "idempotency_key_in_use",
                           "another request with this Idempotency-Key was stored "
                           "meanwhile: send it again to get its answer");
    return 0;
}

int store_idem_lock(store_conn *c, int32_t lock_key, problem *p)
{
    char k[16];
    snprintf(k, sizeof k, "%d", (int)lock_key);
    const char *params[] = {k};
    PGresult *r = store_exec(c, st[Q_LOCK], 1, params, p);
    if (!r) {
        /* the lock or statement timeout (55P03 try_again, 57014 database_timeout; the pool
         * sets both to the same value, so either may fire) on a connection that is still
         * up: the first request with this key is still running. A connection closed for a
         * missed client deadline stays a 503. */
        PGconn *pg = store_pg(c);
        if (p->status == 503 && (strcmp(p->code, "try_again") == 0 || strcmp(p->code, "database_timeout") == 0) && pg &&
            PQstatus(pg) == CONNECTION_OK) {
            problem_clear(p);
            problem_init(p);
            problem_set(p, 409, "idempotency_key_in_use",
                        "a request with this Idempotency-Key is still running; send it again to get its answer");
            problem_add(p, "Idempotency-Key", "is in use by a request that has not finished");
            p->retry_after = 1;
        }
        return -1;
    }
    PQclear(r);
    return 0;
}

int store_idem_unlock(store_conn *c, int32_t lock_key)
{
    PGconn *pg = store_pg(c);
    if (pg && PQtransactionStatus(pg) != PQTRANS_IDLE)
        store_rollback(c);
    char k[16];
    snprintf(k, sizeof k, "%d", (int)lock_key);
    const char *params[] = {k};
    problem p;
    problem_init(&p);
    PGresult *r = store_exec(c, st[Q_UNLOCK], 1, params, &p);
    int rc = 0;
    if (!r) {
        log_error("cannot release the Idempotency-Key lock %d: %s", (int)lock_key, p.detail);
        rc = -1;
    } else {
        if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
            log_error("the Idempotency-Key lock %d was not held", (int)lock_key);
            rc = -1;
        }
        PQclear(r);
    }
    problem_clear(&p);
    return rc;
}

void store_idem_purge(store_conn *c)
{
    static _Atomic long long next_run;
    long long now = (long long)time(NULL), due = atomic_load(&next_run);
    if (now < due || !atomic_compare_exchange_strong(&next_run, &due, now + 60))
        return;
    problem p;
    problem_init(&p);
    PGresult *r = store_exec(c, st[Q_PURGE], 0, NULL, &p);
    if (!r)
        log_warn("expired Idempotency-Keys not purged: %s", p.detail);
    else if (PQntuples(r) == 1 && atoi(PQgetvalue(r, 0, 0)) > 0)
        log_info("purged %s expired Idempotency-Keys", PQgetvalue(r, 0, 0));
    PQclear(r);
    problem_clear(&p);
}
