/*
 * jwt_claims.h — the time and audience checks of a JWT claims set (RFC 7519 section 4.1), pure:
 * no clock, no I/O, no allocation. api/oidc.c runs them after the signature has verified.
 */
#ifndef CICLO_JWT_CLAIMS_H
#define CICLO_JWT_CLAIMS_H
#include <jansson.h>

/* Which check refused a claims set, and why, for a 401 that names it. */
typedef struct jwt_refusal {
    const char *check; /* "exp", "nbf", "iat" or "aud" (a static string) */
    char why[160];
} jwt_refusal;

/* Checks claims (borrowed) at time now (seconds since the epoch), allowing skew seconds of clock
 * difference: exp is required and not passed; nbf, when present, has come; iat is required and
 * not in the future; aud (a string or an array of strings) holds audience. A time that is not a
 * JSON number is refused as absent. Returns 0, or -1 with r filled. */
int jwt_check_claims(json_t *claims, double now, int skew, const char *audience, jwt_refusal *r);

#endif
