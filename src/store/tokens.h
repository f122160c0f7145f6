/*
 * tokens.h — the store side of API tokens (sql/001, 011, 016, 033): who a token's SHA-256 names,
 * the guard that re-checks a cached token with the request's first statement (while the process's
 * token listener, store/token_listen.h, is not live), and the rows behind POST, GET and DELETE
 * /v1/tokens. Every statement is here; api/auth.c and api/tokens.c decide
 * who may do what and never see SQL.
 *
 * Hashes are bytea literals "\\x" + 64 hex digits (api/auth.h, auth_token_hash_hex). Roles are
 * their names ("planner"). scope is the caller's entity id as text, NULL for an admin (every
 * entity), as everywhere in the store.
 */
#ifndef CICLO_STORE_TOKENS_H
#define CICLO_STORE_TOKENS_H
#include <stdint.h>

#include "core/problem.h"
#include "store/crud.h"
#include "store/docs.h"
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_tokens_register(void);

/* A token as the store holds it (never its hash). */
typedef struct store_token {
    int64_t id;
    int64_t entity_id;  /* 0: none (an admin token) */
    int64_t person_id;  /* 0: names no person */
    int64_t issued_by;  /* 0: the command line */
    int64_t expires_at; /* seconds since the epoch, 0: never */
    char role[16];
    char name[128]; /* for a token that names a person, the person's registered name */
} store_token;

/* The live (not revoked, not expired) token whose SHA-256 is hash. Runs before the entity is known
 * (through ciclo_token_lookup, sql/016). Returns 1 with *out filled, 0 when there is none, -1 with
 * p set. */
int store_token_lookup(store_conn *c, const char *hash, store_token *out, problem *p);

/* Queues on c the guard of a cached token (store_guard): the next statement on c fails, with
 * refused(hash, p), when the token of that hash has been revoked or has expired. Sets c's entity
 * (store_set_entity) to entity, the token's own (STORE_ENTITY_ALL for an admin token): the guard
 * reads the token's row under row-level security. */
void store_token_guard(store_conn *c, const char *hash, int64_t entity, void (*refused)(const char *hash, problem *p));

/* What a new token is: role name, entity (0: none), person (0: none), its label, the SHA-256 of
 * its secret, and when it expires (RFC 3339 text, NULL: never). All borrowed. */
typedef struct store_token_new {
    const char *role;
    int64_t entity_id;
    int64_t person_id;
    const char *name;
    const char *hash;
    const char *expires_at;
} store_token_new;

/* Stores t, issued by `by` (by->token_id NULL: the command line), with its audit row in the same
 * statement: the one token INSERT of the service. Returns the new id with *doc (its JSON without
 * secret or hash, malloc'd, for the caller to free; doc may be NULL), 0 when t->person_id is not a
 * person of t->entity_id (nothing stored), or -1 with p set. */
int64_t store_token_insert(store_conn *c, const store_actor *by, const store_token_new *t, char **doc, problem *p);

/* The active (not revoked) token id in scope: 1 with role, entity_id, person_id and issued_by of
 * *out filled, 0 when there is none, -1 with p set. */
int store_token_get(store_conn *c, const char *scope, int64_t id, store_token *out, problem *p);

/* Revokes token id in scope, with an audit row holding it before and after. Returns 1 with hash_hex
 * holding the token's SHA-256 (64 hex digits), 0 when no active token id is in scope, -1 with p set.
 * The revocation commits with the statement unless c is inside a transaction. */
int store_token_revoke(store_conn *c, const char *scope, int64_t id, const store_actor *by, char hash_hex[65],
                       problem *p);

/* The tokens in scope after id `after`, at most limit rows (JSON text without secret or hash, id),
 * only the live ones when active_only. Returns the list (the caller frees it with
 * store_docs_free) or NULL with p set. */
store_docs *store_token_list(store_conn *c, const char *scope, int64_t after, int limit, int active_only, problem *p);

#endif
