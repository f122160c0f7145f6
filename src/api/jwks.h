/*
 * jwks.h — the signing keys of the OpenID Connect issuers the service trusts, per process.
 *
 * At start every issuer's discovery document (<issuer>/.well-known/openid-configuration) is
 * fetched for its jwks_uri, then the key set. The keys stay in memory; they are fetched again
 * when a token names a key id (kid) the set does not hold, or when the set is older than its
 * maximum age, but never more often than once per refresh floor per issuer, so a stream of
 * made-up kids cannot turn the service into a flood of requests to the identity provider.
 * Nothing is written anywhere: each process keeps its own copy.
 *
 * URLs must be https, or http to the loopback (tests, a local proxy). Fetches follow no
 * redirect, time out after a few seconds and read at most 1 MiB. libcurl fetches, libcjose
 * imports the keys and checks signatures (RS256 and ES256).
 */
#ifndef CICLO_JWKS_H
#define CICLO_JWKS_H
#include <cjose/jws.h>

#define JWKS_MAX_ISSUERS 8

/* Sets up the issuers of list (comma-separated URLs) and fetches their keys. A fetch that fails
 * is logged and tried again on demand: the identity provider being down at start does not stop
 * the service. Call once, before the server's threads start. Returns 0, or -1 after writing why
 * to err (size errlen) when the list is malformed. */
int jwks_init(const char *list, int refresh_floor_s, int max_age_s, char *err, size_t errlen);
/* Releases every key. */
void jwks_shutdown(void);

/* Whether iss is one of the configured issuers (exact string match). */
int jwks_knows(const char *iss);

typedef enum jwks_result {
    JWKS_VERIFIED,    /* a key of the issuer verified the signature */
    JWKS_BAD_SIG,     /* the key named by kid (or every key that fits alg) refused the signature */
    JWKS_UNKNOWN_KID, /* no key of the issuer has this kid, even after a refresh allowed by the floor */
    JWKS_NO_KEYS,     /* the issuer's keys cannot be fetched */
} jwks_result;

/* Checks jws (alg "RS256" or "ES256", already checked by the caller) against the keys of issuer
 * iss; kid may be NULL (then every key of the right type is tried). Thread-safe. */
jwks_result jwks_verify(const char *iss, const char *kid, const char *alg, cjose_jws_t *jws);

#endif
