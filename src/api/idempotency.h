/*
 * idempotency.h — Idempotency-Key on POST (docs/RELIABILITY.md): the same key and request
 * replay the first answer; the same key with another request is refused (422).
 *
 * Two ways to use it:
 * - the generic path (idem_run, called by api_dispatch for every POST that carries the
 *   header): requests with the same key are serialised by an advisory lock, the handler
 *   runs inside a transaction, and its final answer is stored in that same transaction
 *   (the handler's own transactions become savepoints: store_begin);
 * - the routes flagged ROUTE_OWN_IDEMPOTENCY (plan import, ERP feeds) call idem_read,
 *   idem_replay and idem_store themselves, so that the key commits in the same
 *   transaction as the rows it protects.
 *
 * A key belongs to the caller's entity ("0" for an admin) and token: see idem_read.
 */
#ifndef CICLO_API_IDEMPOTENCY_H
#define CICLO_API_IDEMPOTENCY_H
#include <stdint.h>

#include "http/http.h"
#include "http/router.h"
#include "store/pool.h"

#define IDEM_KEY_MAX 200

/* An Idempotency-Key, its owner and the hash of the request it came with. */
typedef struct idem_key {
    int active; /* 0: the request carried no key */
    char key[IDEM_KEY_MAX + 1];
    char hash[65];    /* hex SHA-256 of method, path, content type and body */
    char owner[24];   /* the caller's entity id, "0" for an admin */
    char token[24];   /* the caller's token id */
    int32_t lock_key; /* from the hash of owner, token and key */
} idem_key;

/* Reads the Idempotency-Key header of req (after authentication: the owner comes from
 * api_call_of(req)). Returns 0 (k->active says whether there was a key), or -1 after
 * answering 400 naming the header (empty, longer than 200 characters, or not printable
 * ASCII). */
int idem_read(http_request *req, idem_key *k);
/* For the routes that keep their key in their own transaction, with it open: 1 when the
 * key was already used by the same request (its first answer has been given again), 0
 * when the request goes ahead, -1 with p set (422 idempotency_key_reused when the key was
 * used for another request). */
int idem_replay(http_request *req, const idem_key *k, problem *p);
/* Stores a JSON answer under the key in the caller's transaction (nothing when the
 * request had no key). Returns 0, or -1 with p set (409 when another request with the
 * key committed meanwhile). */
int idem_store(store_conn *c, const idem_key *k, int status, const char *body, problem *p);

/* The generic path: runs handler for req (a POST whose route is not ROUTE_OWN_IDEMPOTENCY;
 * authenticated, api_call set) under its Idempotency-Key, if any. Answers 400 for a bad
 * key, 409 idempotency_key_in_use (Retry-After) when a request with the key is still
 * running after the lock timeout, 422 for a key used by another request, the stored
 * answer for a repeated request; otherwise the handler answers and a final answer (2xx,
 * 4xx but 401, 403, 408, 429 and 409 idempotency_key_in_use) is stored. Routes flagged
 * ROUTE_SECRET_ANSWER store, instead of a successful answer, a 409 saying where the first
 * request's result is (the secret is never written to the database). The advisory lock is
 * released before returning, whatever happened. */
void idem_run(http_request *req);

#endif
