/*
 * auth.h — tokens and roles. A token is "ciclo_" + 43 base64url characters (256 random
 * bits); only its SHA-256 is stored. Roles are bits so that a route can name the set
 * of roles it admits; the check happens in one place (api_dispatch).
 */
#ifndef CICLO_AUTH_H
#define CICLO_AUTH_H
#include <stdint.h>

#include "api/principal.h"
#include "api/roles.h"
#include "core/problem.h"
#include "http/http.h"
#include "store/crud.h"
#include "store/pool.h"

#define TOKEN_LEN 49 /* "ciclo_" + 43 */

/* Makes a new random token into out (TOKEN_LEN + 1 bytes). Returns 0 or -1. */
int auth_token_generate(char out[TOKEN_LEN + 1]);
/* Writes the SHA-256 of token as a bytea literal "\\x…" into out (67 bytes). */
void auth_token_hash_hex(const char *token, char out[67]);

/* Registers the auth statements. Call once at start-up. */
int auth_register(void);
/* Starts the process's token listener (store/token_listen.h) on conninfo, and its gauges on
 * /metrics: while it is live, a cached token is trusted without a guard. A failure to start is
 * logged and leaves every cached token guarded. Call once, after auth_register, before serving. */
void auth_listen_start(const char *conninfo, int timeout_ms);
/* Stops it (at shutdown, once no request is served). Harmless when it never started. */
void auth_listen_stop(void);
/* Forgets the token whose SHA-256 is hash_hex (64 lowercase hex digits; anything else: every
 * token). The process that revokes a token calls it once the revocation has committed, so that
 * its own next request with the token is a 401 whatever the listener. */
void auth_token_forget(const char *hash_hex);

/* Resolves "Authorization: Bearer …" into who. Returns 0, or -1 with p set (401 for a
 * missing, unknown, expired or revoked token; 503 when the database is down). A token seen
 * before by this process is answered from memory (if not past its expiry). While the token
 * listener is live, that is all: a revocation reaches the cache by notification. Otherwise its
 * validity is checked by a guard sent with the request's first statement on c (store_guard):
 * that statement fails with 401 when the token has been revoked or has expired meanwhile. */
int auth_authenticate(store_conn *c, const char *authorization, principal *who, problem *p);
/* 1 with *who filled when the token of authorization is in this process's cache (what
 * auth_authenticate would answer from memory, before its guard runs), else 0. Needs no
 * database: the caller learns whose request it is before it takes a connection. *trusted
 * (when not NULL) is set to 1 when that answer is final, as auth_authenticate would give it
 * with no guard (the token listener is live, or an identity provider's JWT): the caller need
 * not call auth_authenticate at all. */
int auth_cached(const char *authorization, principal *who, int *trusted);

/* ---- separation of duties (docs/SECURITY.md): the one place that decides who may issue
 * and revoke which token. ---- */

/* What a token is or would be: its role bit, entity (0 = none), person (0 = none) and, for an
 * existing token, the token that issued it (0 = the command line). */
typedef struct token_spec {
    unsigned role;
    int64_t entity_id;
    int64_t person_id;
    int64_t issued_by;
} token_spec;

/* Whether issuer may issue a token t (issuer NULL: the command line on the server, which may
 * issue any). The rules: an admin issues any token; any other issuer only tokens of its own
 * entity, of a role it may itself act as (a planner: planner, reader, erp; any other role:
 * its own), and a token that names a person only for itself (its own person). Returns 1, or 0
 * with p set to 403 naming the rule. */
int auth_may_issue(const principal *issuer, const token_spec *t, problem *p);
/* Whether who may revoke the token `id` described by t: its own token, one it issued, or one
 * it may issue (auth_may_issue). Returns 1, or 0 with p set to 403. */
int auth_may_revoke(const principal *who, int64_t id, const token_spec *t, problem *p);

/* Stores a new token t named `name` (expires NULL = never), issued by `by` (by->token_id NULL:
 * the command line), with its audit row in the same statement, and writes the secret into
 * secret. Does not check auth_may_issue: the caller does. Returns the new token's id with
 * *doc (its JSON, malloc'd, for the caller to free; doc may be NULL), 0 with p set to 422
 * when the person is not one of the entity's, or -1 with p set. */
int64_t auth_token_create(store_conn *c, const store_actor *by, const token_spec *t, const char *name,
                          const char *expires_at, char secret[TOKEN_LEN + 1], char **doc, problem *p);

#endif
