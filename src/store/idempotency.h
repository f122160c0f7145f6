/*
 * idempotency.h — the store side of Idempotency-Key (docs/RELIABILITY.md): the answers
 * kept under (entity, token, key) for 24 hours, the advisory lock that serialises the
 * requests that carry the same key, and the purge of expired keys.
 *
 * Owner: entity is the caller's entity id as text ("0" for an admin), token the id of
 * the caller's token as text. The lookup and the store run in whatever the caller has
 * open: inside the transaction of a feed (the key commits with the rows), or on their
 * own (the generic path of api/idempotency.c).
 */
#ifndef CICLO_STORE_IDEMPOTENCY_H
#define CICLO_STORE_IDEMPOTENCY_H
#include <stdint.h>

#include "store/pool.h"

/* How long a key is kept and replayed: an SQL interval. */
#define STORE_IDEM_TTL "24 hours"

/* An answer as it was first given. The strings are malloc'd and owned by the struct:
 * free them with store_idem_answer_free. content_type, location and etag may be NULL. */
typedef struct store_idem_answer {
    char hash[65]; /* the request's hash (hex SHA-256) */
    int status;
    char *content_type;
    char *body;
    size_t len;
    char *location;
    char *etag;
} store_idem_answer;

/* Registers the statements of this module (called by api_init). */
int store_idem_register(void);

/* The live (younger than STORE_IDEM_TTL) answer stored for (entity, token, key): 1 with
 * *out filled (the caller frees it with store_idem_answer_free), 0 when there is none,
 * -1 with p set. */
int store_idem_get(store_conn *c, const char *entity, const char *token, const char *key, store_idem_answer *out,
                   problem *p);
/* Frees the strings of a (and zeroes it). */
void store_idem_answer_free(store_idem_answer *a);

/* Stores a->status, body and headers under (entity, token, key) with a->hash, in the
 * caller's transaction if one is open; an expired row of the same key is replaced.
 * Returns 0, or -1 with p set: 409 idempotency_key_in_use when a live row holds the key
 * (another request stored it meanwhile). a is borrowed. */
int store_idem_put(store_conn *c, const char *entity, const char *token, const char *key, const store_idem_answer *a,
                   problem *p);

/* Takes the session-level advisory lock (STORE_IDEM_LOCK_CLASS, lock_key), waiting at
 * most the connection's lock (or statement) timeout. Returns 0, or -1 with p set (a
 * timeout is 409 idempotency_key_in_use with Retry-After). The lock outlives transactions: the
 * caller must store_idem_unlock it before the connection goes back to the pool. */
#define STORE_IDEM_LOCK_CLASS 7243052
int store_idem_lock(store_conn *c, int32_t lock_key, problem *p);
/* Releases the lock taken by store_idem_lock (rolling back first a transaction the
 * request left open or failed, which would refuse the statement). Returns 0, or -1 after
 * logging: the lock is then gone only when the connection is (a broken one is closed on
 * release). */
int store_idem_unlock(store_conn *c, int32_t lock_key);

/* Deletes a batch of expired keys, at most once a minute per process (a no-op until
 * then). Failures are logged and ignored: the lookup ignores expired rows anyway. */
void store_idem_purge(store_conn *c);

#endif
