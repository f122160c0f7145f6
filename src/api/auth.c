#include "api/auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/metrics.h"
#include "core/text.h"

static const char *const role_names[] = {"admin", "planner", "manager", "evaluator", "reader", "erp"};

static int st_lookup = -1;
static int st_create = -1;
static int st_guard = -1;

/*
 * The token cache. A token's role, entity, person and name never change (tokens are
 * created and revoked, never edited), so a process may remember them by the token's
 * hash. What can change is whether the token still holds (revoked, expired): that is
 * checked against the database on every request that touches data, by a guard
 * (store_guard) that travels in the same round trip as the request's first statement and
 * aborts it when the token no longer holds. A revocation therefore stops the token at once
 * on every instance, with no invalidation message, and a cached request costs one round
 * trip instead of two. A request that touches no data (a 400 for a malformed parameter,
 * a 403 for a role, POST /v1/rules:evaluate) is answered from the cache without the check.
 * Direct-mapped by the hash's first bytes: a collision only costs a lookup.
 */
#define CACHE_SLOTS 4096 /* a power of two */
#define CACHE_LOCKS 64
#define CACHE_TTL_S 300 /* re-read a cached token now and then, whatever the guard says */
typedef struct cache_slot {
    unsigned char digest[32];
    int used;
    time_t cached_at;
    time_t expires_at; /* 0: never */
    principal who;
} cache_slot;
static cache_slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock[CACHE_LOCKS];
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_init(void)
{
    for (int i = 0; i < CACHE_LOCKS; i++)
        pthread_mutex_init(&cache_lock[i], NULL);
}

static unsigned cache_index(const unsigned char digest[32])
{
    return ((unsigned)digest[0] | (unsigned)digest[1] << 8 | (unsigned)digest[2] << 16) & (CACHE_SLOTS - 1);
}

static time_t now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec;
}

/* 1 with *who filled when digest is cached, not expired and fresh enough. */
static int cache_get(const unsigned char digest[32], principal *who)
{
    unsigned i = cache_index(digest);
    time_t now = now_s();
    int hit = 0;
    pthread_mutex_lock(&cache_lock[i % CACHE_LOCKS]);
    cache_slot *s = &cache[i];
    if (s->used && memcmp(s->digest, digest, 32) == 0) {
        if ((s->expires_at && s->expires_at <= now) || now - s->cached_at >= CACHE_TTL_S)
            s->used = 0;
        else {
            *who = s->who;
            hit = 1;
        }
    }
    pthread_mutex_unlock(&cache_lock[i % CACHE_LOCKS]);
    return hit;
}

static void cache_put(const unsigned char digest[32], const principal *who, time_t expires_at)
{
    unsigned i = cache_index(digest);
    pthread_mutex_lock(&cache_lock[i % CACHE_LOCKS]);
    cache_slot *s = &cache[i];
    memcpy(s->digest, digest, 32);
    s->who = *who;
    s->expires_at = expires_at;
    s->cached_at = now_s();
    s->used = 1;
    pthread_mutex_unlock(&cache_lock[i % CACHE_LOCKS]);
}

static void cache_forget(const unsigned char digest[32])
{
    unsigned i = cache_index(digest);
    pthread_mutex_lock(&cache_lock[i % CACHE_LOCKS]);
    if (cache[i].used && memcmp(cache[i].digest, digest, 32) == 0)
        cache[i].used = 0;
    pthread_mutex_unlock(&cache_lock[i % CACHE_LOCKS]);
}

static int hexval(char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; }

unsigned auth_role_from_name(const char *name)
{
    for (unsigned i = 0; i < 6; i++)
        if (name && strcmp(name, role_names[i]) == 0)
            return 1u << i;
    return 0;
}

const char *auth_role_name(unsigned role)
{
    for (unsigned i = 0; i < 6; i++)
        if (role == 1u << i)
            return role_names[i];
    return "none";
}

int auth_token_generate(char out[TOKEN_LEN + 1])
{
    unsigned char raw[32];
    if (gnutls_rnd(GNUTLS_RND_KEY, raw, sizeof raw) != 0)
        return -1;
    memcpy(out, "ciclo_", 6);
    base64url_encode(raw, sizeof raw, out + 6);
    return 0;
}

static void digest_hex(const unsigned char digest[32], char out[67])
{
    static const char hex[] = "0123456789abcdef";
    out[0] = '\\';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = hex[digest[i] >> 4];
        out[3 + 2 * i] = hex[digest[i] & 15];
    }
    out[66] = '\0';
}

void auth_token_hash_hex(const char *token, char out[67])
{
    unsigned char digest[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), digest);
    digest_hex(digest, out);
}

int auth_register(void)
{
    pthread_once(&cache_once, cache_init);
    st_lookup = store_stmt_register(
        "SELECT id, entity_id, role, name, person_id, extract(epoch FROM expires_at)::bigint FROM tokens WHERE hash "
        "= $1::bytea AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())");
    /* The guard of a cached token: division by zero when it no longer holds (see above). */
    st_guard = store_stmt_register("SELECT 1 / (SELECT count(*)::integer FROM tokens WHERE hash = $1::bytea AND "
                                   "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()))");
    st_create = store_stmt_register(
        "INSERT INTO tokens (role, entity_id, person_id, name, hash, expires_at) "
        "VALUES ($1, $2::bigint, $3::bigint, $4, $5::bytea, $6::timestamptz) RETURNING id");
    return st_lookup < 0 || st_create < 0 || st_guard < 0 ? -1 : 0;
}

static int unauthorized(problem *p, const char *why)
{
    metrics_auth_failure();
    return problem_set(p, 401, "unauthorized", "%s", why);
}

/* The guard found the cached token revoked or expired: forget it, answer 401. */
static void guard_refused(const char *hash, problem *p)
{
    unsigned char digest[32];
    for (int i = 0; i < 32 && hash[2 + 2 * i] && hash[3 + 2 * i]; i++)
        digest[i] = (unsigned char)(hexval(hash[2 + 2 * i]) << 4 | hexval(hash[3 + 2 * i]));
    cache_forget(digest);
    unauthorized(p, "the token is unknown, expired or revoked");
}

int auth_authenticate(store_conn *c, const char *authorization, principal *who, problem *p)
{
    if (!authorization)
        return unauthorized(p, "this request needs an Authorization: Bearer token");
    if (strncmp(authorization, "Bearer ", 7) != 0)
        return unauthorized(p, "the Authorization header must be \"Bearer <token>\"");
    const char *token = authorization + 7;
    while (*token == ' ')
        token++;
    if (strlen(token) != TOKEN_LEN || strncmp(token, "ciclo_", 6) != 0)
        return unauthorized(p, "the token is not valid");
    unsigned char digest[32];
    char hash[67];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, token, TOKEN_LEN, digest);
    digest_hex(digest, hash);
    if (cache_get(digest, who)) {
        store_guard(c, st_guard, hash, guard_refused);
        return 0;
    }
    const char *params[] = {hash};
    PGresult *r = store_exec(c, st_lookup, 1, params, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return unauthorized(p, "the token is unknown, expired or revoked");
    }
    memset(who, 0, sizeof *who);
    who->token_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    who->entity_id = PQgetisnull(r, 0, 1) ? 0 : strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    who->role = (int)auth_role_from_name(PQgetvalue(r, 0, 2));
    snprintf(who->name, sizeof who->name, "%s", PQgetvalue(r, 0, 3));
    who->person_id = PQgetisnull(r, 0, 4) ? 0 : strtoll(PQgetvalue(r, 0, 4), NULL, 10);
    time_t expires_at = PQgetisnull(r, 0, 5) ? 0 : (time_t)strtoll(PQgetvalue(r, 0, 5), NULL, 10);
    PQclear(r);
    cache_put(digest, who, expires_at);
    return 0;
}

int64_t auth_token_create(store_conn *c, const char *role, int64_t entity_id, int64_t person_id, const char *name,
                          const char *expires_at, char secret[TOKEN_LEN + 1], problem *p)
{
    char hash[67], entity_s[24], person_s[24];
    if (auth_token_generate(secret) < 0) {
        problem_set(p, 500, "internal", "no randomness available");
        return -1;
    }
    auth_token_hash_hex(secret, hash);
    snprintf(entity_s, sizeof entity_s, "%" PRId64, entity_id);
    snprintf(person_s, sizeof person_s, "%" PRId64, person_id);
    const char *params[] = {role, entity_id ? entity_s : NULL, person_id ? person_s : NULL, name, hash, expires_at};
    PGresult *r = store_exec(c, st_create, 6, params, p);
    if (!r)
        return -1;
    int64_t id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return id;
}
