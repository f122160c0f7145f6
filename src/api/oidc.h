/*
 * oidc.h — people sign in with the administration's identity provider: OpenID Connect access
 * tokens (JWT) are accepted beside Ciclo's opaque tokens, which remain for machines.
 *
 * A token is accepted when
 *   - its header names alg RS256 or ES256 and its signature verifies with a key of its issuer's
 *     key set (api/jwks.h);
 *   - iss is one of CICLO_OIDC_ISSUER, aud holds CICLO_OIDC_AUDIENCE, exp has not passed, nbf has
 *     come and iat is not in the future, each within CICLO_OIDC_CLOCK_SKEW seconds;
 *   - the person claim (CICLO_OIDC_PERSON_CLAIM) is the external_id of exactly one person of an
 *     entity that accepts the issuer (its oidc_issuers rows; narrowed to the entity whose code is
 *     the CICLO_OIDC_ENTITY_CLAIM claim when that is set).
 * A token that fails a check is a 401 whose one field error names the check ("signature",
 * "exp", "aud" ...); the token itself is never echoed nor logged.
 *
 * The role: the entity's group table (oidc_groups) maps the groups claim
 * (CICLO_OIDC_GROUPS_CLAIM) to planner or evaluator; else leading a structure
 * (structures.manager_id) makes a manager; else a group may give erp or reader; else the person
 * is an employee: a reader of their own data only (ROUTE_OWN_DATA routes: /v1/me, their forms,
 * their objectives). The actor of the audit log is "person <id> via <issuer>" with the id of the
 * person's identity row (sql/013_oidc.sql), never a display name from the token.
 */
#ifndef CICLO_OIDC_H
#define CICLO_OIDC_H

#include <time.h>

#include "api/principal.h"
#include "core/config.h"
#include "core/problem.h"
#include "http/http.h"
#include "store/pool.h"

/* Reads the OpenID Connect settings of cfg (borrowed for the process lifetime), fetches the
 * issuers' keys (store_init registers the statements). Does nothing when no issuer is set.
 * Returns 0, or -1 after logging why. */
int oidc_init(const config *cfg);
/* Releases the keys. */
void oidc_shutdown(void);

/* Whether a bearer token is a JWT (three dot-separated parts) rather than an opaque token. */
int oidc_is_jwt(const char *token);

/* How long a process may remember a verified token's principal (api/auth.c's cache): a change of
 * the group table or of who leads a structure reaches a token already in use within this time. */
#define OIDC_CACHE_S 60

/* Verifies the JWT token and resolves who it names into who; *until is when the answer stops
 * holding (the token's exp, or OIDC_CACHE_S from now if sooner). Returns 0, or -1 with p set: 401
 * naming the failed check, 503 when the keys or the database cannot be reached. */
int oidc_authenticate(store_conn *c, const char *token, principal *who, time_t *until, problem *p);

#endif
