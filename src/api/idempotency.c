/* idempotency.c — Idempotency-Key on POST (idempotency.h). */
#include "api/idempotency.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "codec/rule_json.h"
#include "core/buf.h"
#include "core/log.h"
#include "store/idempotency.h"

/* SHA-256 of len bytes of data into digest; -1 when it cannot be computed. */
static int sha256(const void *data, size_t len, unsigned char digest[32])
{
    return gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, digest) < 0 ? -1 : 0;
}

int idem_read(http_request *req, idem_key *k)
{
    memset(k, 0, sizeof *k);
    const char *key = http_header(req, "Idempotency-Key");
    if (!key)
        return 0;
    size_t n = strlen(key), printable = strspn(key,
                                               " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                               "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
    if (n == 0 || n > IDEM_KEY_MAX || printable != n) {
        problem p;
        problem_init(&p);
        if (printable != n && n <= IDEM_KEY_MAX) {
            problem_set(&p, 400, "bad_header", "Idempotency-Key may hold printable ASCII characters only");
            problem_add(&p, "Idempotency-Key", "may hold printable ASCII characters only");
        } else {
            problem_set(&p, 400, "bad_header", "Idempotency-Key must have 1 to %d characters (it has %zu)",
                        IDEM_KEY_MAX, n);
            problem_add(&p, "Idempotency-Key", "must have 1 to %d characters", IDEM_KEY_MAX);
        }
        problem_hint(&p, "use a UUID, one per request; send it again unchanged when you retry");
        http_problem(req, &p);
        problem_clear(&p);
        return -1;
    }
    memcpy(k->key, key, n + 1);
    api_call *call = api_call_of(req);
    snprintf(k->owner, sizeof k->owner, "%s", call->scope ? call->scope : "0");
    snprintf(k->token, sizeof k->token, "%s", call->token_id[0] ? call->token_id : "0");
    const char *ct = http_header(req, "Content-Type");
    buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s %s\n%s\n", req->method, req->path, ct ? ct : "");
    buf_append(&b, req->body.data ? req->body.data : "", req->body.len);
    unsigned char digest[32], lock[32];
    int failed = b.failed || sha256(b.data, b.len, digest) < 0;
    if (!failed) {
        buf_free(&b);
        buf_init(&b, 0);
        buf_printf(&b, "%s\n%s\n%s", k->owner, k->token, k->key);
        failed = b.failed || sha256(b.data, b.len, lock) < 0;
    }
    buf_free(&b);
    if (failed) {
        http_error(req, 503, "out_of_memory", "the server is out of memory");
        return -1;
    }
    for (int i = 0; i < 32; i++)
        snprintf(k->hash + 2 * i, 3, "%02x", digest[i]);
    k->lock_key = (int32_t)((uint32_t)lock[0] << 24 | (uint32_t)lock[1] << 16 | (uint32_t)lock[2] << 8 | lock[3]);
    k->active = 1;
    return 0;
}

static int key_reused(const idem_key *k, problem *p)
{
    problem_set(p, 422, "idempotency_key_reused", "the Idempotency-Key %s was used for another request", k->key);
    problem_add(p, "Idempotency-Key", "was used for a request with another method, path, content type or body");
    problem_hint(p, "use a new key for a new request");
    return -1;
}

/* Gives a stored answer again; takes its body. Rows of the feeds stored before 008 have
 * no content type: their bodies are JSON. */
static void replay(http_request *req, store_idem_answer *a)
{
    const char *ct = a->content_type ? a->content_type : a->len ? "application/json" : NULL;
    http_replay(req, a->status, ct, a->body, a->len, a->location, a->etag);
    a->body = NULL;
    store_idem_answer_free(a);
}

int idem_replay(http_request *req, const idem_key *k, problem *p)
{
    if (!k->active)
        return 0;
    store_idem_answer a;
    int found = store_idem_get(api_call_of(req)->db, k->owner, k->token, k->key, &a, p);
    if (found <= 0)
        return found;
    if (strcmp(a.hash, k->hash) != 0) {
        store_idem_answer_free(&a);
        return key_reused(k, p);
    }
    replay(req, &a);
    return 1;
}

int idem_store(store_conn *c, const idem_key *k, int status, const char *body, problem *p)
{
    if (!k->active)
        return 0;
    store_idem_answer a;
    memset(&a, 0, sizeof a);
    snprintf(a.hash, sizeof a.hash, "%s", k->hash);
    a.status = status;
    a.content_type = (char *)"application/json"; /* borrowed: store_idem_put only reads */
    a.body = (char *)body;
    a.len = strlen(body);
    return store_idem_put(c, k->owner, k->token, k->key, &a, p);
}

/* Whether the n bytes at s contain needle. */
static int contains(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; s && i + m <= n; i++)
        if (memcmp(s + i, needle, m) == 0)
            return 1;
    return 0;
}

/* Whether an answer is the request's final word, to be replayed: not an authentication
 * or permission failure, a timeout, a rate limit, a key still in use, or a server-side
 * failure (5xx), which a retry must run again. */
static int is_final(const http_response *r)
{
    int s = r->status;
    if (s >= 200 && s < 300)
        return 1;
    if (s < 400 || s >= 500 || s == 401 || s == 403 || s == 408 || s == 429)
        return 0;
    if (s == 409 && contains(r->body, r->len, "idempotency_key_in_use"))
        return 0;
    return 1;
}

/* For ROUTE_SECRET_ANSWER: the answer kept instead of a successful one. Returns a
 * malloc'd problem+json body (the caller frees it) or NULL. */
static char *secret_not_kept(const idem_key *k, const http_response *r)
{
    problem p;
    problem_init(&p);
    problem_set(&p, 409, "idempotency_answer_not_kept",
                "the first request with the Idempotency-Key %s succeeded%s%s; its answer held a secret, which is shown "
                "once and never stored",
                k->key, r->location[0] ? " and created " : "", r->location);
    problem_add(&p, "Idempotency-Key", "was used by a request whose answer is not kept");
    problem_hint(&p, "if the secret was lost, delete what the first request created and repeat it with a new key");
    json_t *j = problem_to_json(&p);
    problem_clear(&p);
    char *s = j ? rule_json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

/* Keeps the answer the handler gave (borrowed from req->res) under k, in the transaction open on
 * the request's connection, if any. Returns 0, or -1 with p set. */
static int keep_answer(http_request *req, const idem_key *k, problem *p)
{
    store_conn *db = api_call_of(req)->db;
    if (http_answer_in_memory(req) < 0) /* an answer large enough to be in a file is kept all the same */
        return problem_set(p, 503, "out_of_memory", "the answer could not be read back to be kept");
    const http_response *r = &req->res;
    store_idem_answer a;
    memset(&a, 0, sizeof a);
    snprintf(a.hash, sizeof a.hash, "%s", k->hash);
    a.status = r->status;
    /* borrowed: store_idem_put only reads them */
    a.content_type = (char *)r->content_type;
    a.len = r->len;
    a.location = r->location[0] ? (char *)r->location : NULL;
    a.etag = r->etag[0] ? (char *)r->etag : NULL;
    /* owned here: the body as a NUL-terminated string (a text parameter of the store ends at
     * the NUL; a handler's body need not have one) */
    char *text = NULL;
    if ((req->route->flags & ROUTE_SECRET_ANSWER) && r->status < 300) {
        text = secret_not_kept(k, r);
        a.status = 409;
        a.content_type = (char *)"application/problem+json";
        a.len = text ? strlen(text) : 0;
        a.etag = NULL;
    } else if ((text = malloc(r->len + 1)) != NULL) {
        if (r->len)
            memcpy(text, r->body, r->len);
        text[r->len] = '\0';
    }
    if (!text)
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    if (strlen(text) != a.len) {
        log_warn("Idempotency-Key %s not stored: the answer is not text", k->key);
        free(text);
        return 0;
    }
    a.body = text;
    int rc = store_idem_put(db, k->owner, k->token, k->key, &a, p);
    free(text);
    return rc;
}

/* Runs handler inside a transaction and stores its final answer under k in that same
 * transaction: the write and its key commit together or not at all, so a retry after a crash
 * finds either both (and gets the answer again) or neither (and runs again). A handler's own
 * transactions become savepoints (store_begin). A handler whose statement failed, leaving the
 * transaction aborted, has written nothing: its answer is then kept on its own. When the key
 * cannot be stored, the write is undone and the answer is that failure. */
static void run_and_keep(http_request *req, route_handler handler, const idem_key *k)
{
    store_conn *db = api_call_of(req)->db;
    problem p;
    problem_init(&p);
    if (store_begin(db, &p) < 0) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    handler(req);
    int clean = store_in_clean_transaction(db);
    int final = req->answered && is_final(&req->res);
    if (!clean) {
        /* aborted, or left with a savepoint open: nothing of it is kept */
        while (store_depth(db) > 0)
            store_rollback(db);
        if (final && keep_answer(req, k, &p) < 0)
            log_warn("the answer of %s %s was given but its Idempotency-Key %s not stored: %s", req->method, req->path,
                     k->key, p.detail);
    } else if ((final && keep_answer(req, k, &p) < 0) || store_commit(db, &p) < 0) {
        store_rollback(db);
        log_warn("%s %s undone: its Idempotency-Key %s could not be stored with it: %s", req->method, req->path, k->key,
                 p.detail);
        req->res.location[0] = '\0';
        req->res.etag[0] = '\0';
        if (p.status < 500) {
            problem_clear(&p);
            problem_set(&p, 503, "idempotency_key_not_stored",
                        "the request was undone: its Idempotency-Key could "
                        "not be stored with it; send it again");
        }
        p.retry_after = 1;
        http_problem(req, &p);
    }
    if (final)
        store_idem_purge(db);
    problem_clear(&p);
}

void idem_run(http_request *req)
{
    route_handler handler = req->route->handler;
    idem_key k;
    if (idem_read(req, &k) < 0)
        return;
    if (!k.active) {
        handler(req);
        return;
    }
    store_conn *db = api_call_of(req)->db;
    problem p;
    problem_init(&p);
    if (store_idem_lock(db, k.lock_key, &p) < 0) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    store_idem_answer a;
    int found = store_idem_get(db, k.owner, k.token, k.key, &a, &p);
    if (found < 0) {
        http_problem(req, &p);
    } else if (found && strcmp(a.hash, k.hash) != 0) {
        store_idem_answer_free(&a);
        key_reused(&k, &p);
        http_problem(req, &p);
    } else if (found) {
        replay(req, &a);
    } else {
        run_and_keep(req, handler, &k);
    }
    store_idem_unlock(db, k.lock_key);
    problem_clear(&p);
}
