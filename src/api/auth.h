/*
 * auth.h — tokens and roles. A token is "ciclo_" + 43 base64url characters (256 random
 * bits); only its SHA-256 is stored. Roles are bits so that a route can name the set
 * of roles it admits; the check happens in one place (api_dispatch).
 */
#ifndef CICLO_AUTH_H
#define CICLO_AUTH_H
#include <stdint.h>

#include "core/problem.h"
#include "http/http.h"
#include "store/pool.h"

#define ROLE_ADMIN 1u
#define ROLE_PLANNER 2u
#define ROLE_MANAGER 4u
#define ROLE_EVALUATOR 8u
#define ROLE_READER 16u
#define ROLE_ERP 32u
#define ROLES_ALL (ROLE_ADMIN | ROLE_PLANNER | ROLE_MANAGER | ROLE_EVALUATOR | ROLE_READER | ROLE_ERP)

#define TOKEN_LEN 49 /* "ciclo_" + 43 */

/* The role bit for a name ("planner"), or 0 when unknown. */
unsigned auth_role_from_name(const char *name);
/* The name of a role bit. */
const char *auth_role_name(unsigned role);

/* Makes a new random token into out (TOKEN_LEN + 1 bytes). Returns 0 or -1. */
int auth_token_generate(char out[TOKEN_LEN + 1]);
/* Writes the SHA-256 of token as a bytea literal "\\x…" into out (67 bytes). */
void auth_token_hash_hex(const char *token, char out[67]);

/* Registers the auth statements. Call once at start-up. */
int auth_register(void);

/* Resolves "Authorization: Bearer …" into who. Returns 0, or -1 with p set (401 for a
 * missing, unknown, expired or revoked token; 503 when the database is down). A token seen
 * before by this process is answered from memory, and its validity is then checked by a
 * guard sent with the request's first statement on c (store_guard): that statement fails
 * with 401 when the token has been revoked or has expired in the meantime. */
int auth_authenticate(store_conn *c, const char *authorization, principal *who, problem *p);

/* Stores a new token for role/entity/name (entity 0 = none; person 0 = none; expires
 * NULL = never) and writes the secret into secret. Returns the new token's id, or -1. */
int64_t auth_token_create(store_conn *c, const char *role, int64_t entity_id, int64_t person_id, const char *name,
                          const char *expires_at, char secret[TOKEN_LEN + 1], problem *p);

#endif
