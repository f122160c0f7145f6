#include "api/auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/oidc.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/text.h"
#include "store/token_listen.h"
#include "store/tokens.h"

/*
 * The token cache. A process remembers each token it has seen by the token's hash: its id, role,
 * entity, person, name and expiry, which tokens.lookup read. Whether a remembered token still holds
 * (not revoked, not expired, unchanged) is known in one of two ways:
 *
 * - By notification, while the process's listener is live (store/token_listen.h). Every change to a
 *   token's row, and its deletion, is announced on the channel ciclo_tokens when it commits
 *   (sql/033_token_notify.sql), and the listener's thread forgets that token here (forget_one);
 *   its next request looks it up again. A cached token is then trusted without a statement: a
 *   point read costs its own statement only. Its expiry is still checked here (expires_at is
 *   cached). On every (re)connection the listener forgets the whole cache before it declares
 *   itself live (forget_all), since announcements may have been missed while it was away. The
 *   process that revokes a token forgets it itself as soon as the revocation has committed
 *   (auth_token_forget, from api/tokens.c), so that it answers 401 at the very next request; other
 *   processes, within the time a notification takes (milliseconds; at most the listener's lease,
 *   two seconds, when its connection is cut off silently).
 * - By a guard, while the listener is not live (not yet connected, its connection lost, the
 *   triggers of sql/033 missing, or turned off: CICLO_TOKEN_NOTIFY=0). Each request that touches data checks the token against the
 *   database with a guard (store_guard) that travels in the same round trip as the request's first
 *   statement and aborts it when the token no longer holds; a request that touches no data (a 400
 *   for a malformed parameter, a 403 for a role, POST /v1/rules:evaluate) runs the guard on its own
 *   before its answer leaves (api/dispatch.c, recheck_token). A revoked token is a 401 at its next
 *   request on every process, whatever the request.
 *
 * A lookup that raced with an announcement must not put back what the announcement took out:
 * every forget advances cache_gen first, and a lookup stores its row only if cache_gen has not moved
 * since before it ran (cache_put). Whatever the listener says, an entry is read again after
 * CACHE_TTL_S. Direct-mapped by the hash's first bytes: a collision only costs a lookup.
 */
#define CACHE_SLOTS 4096 /* a power of two */
#define CACHE_LOCKS 64
#define CACHE_TTL_S 300 /* re-read a cached token now and then, whatever the guard or the listener says */
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
static atomic_ullong cache_gen; /* advanced by every forget, before it forgets */

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

/* Remembers who for digest, unless something was forgotten since gen was read (cache_gen, before
 * the lookup that found who ran): the lookup may have read a row an announcement has since
 * retracted. */
static void cache_put(const unsigned char digest[32], const principal *who, time_t expires_at, unsigned long long gen)
{
    unsigned i = cache_index(digest);
    pthread_mutex_lock(&cache_lock[i % CACHE_LOCKS]);
    if (atomic_load(&cache_gen) == gen) {
        cache_slot *s = &cache[i];
        memcpy(s->digest, digest, 32);
        s->who = *who;
        s->expires_at = expires_at;
        s->cached_at = now_s();
        s->used = 1;
    }
    pthread_mutex_unlock(&cache_lock[i % CACHE_LOCKS]);
}

static void cache_forget(const unsigned char digest[32])
{
    unsigned i = cache_index(digest);
    atomic_fetch_add(&cache_gen, 1);
    pthread_mutex_lock(&cache_lock[i % CACHE_LOCKS]);
    if (cache[i].used && memcmp(cache[i].digest, digest, 32) == 0)
        cache[i].used = 0;
    pthread_mutex_unlock(&cache_lock[i % CACHE_LOCKS]);
}

static int hexval(char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; }

/* Forgets the token whose SHA-256 is hex (64 lowercase hex digits). */
static void forget_hex(const char *hex)
{
    unsigned char digest[32];
    for (int i = 0; i < 32; i++)
        digest[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    cache_forget(digest);
}

/* Forgets every remembered token (and JWT): the listener may have missed announcements. */
static void forget_all(void)
{
    atomic_fetch_add(&cache_gen, 1);
    for (int l = 0; l < CACHE_LOCKS; l++) {
        pthread_mutex_lock(&cache_lock[l]);
        for (int i = l; i < CACHE_SLOTS; i += CACHE_LOCKS)
            cache[i].used = 0;
        pthread_mutex_unlock(&cache_lock[l]);
    }
}

void auth_token_forget(const char *hash_hex)
{
    if (strlen(hash_hex) == 64 && strspn(hash_hex, "0123456789abcdef") == 64)
        forget_hex(hash_hex);
    else
        forget_all();
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
    return store_tokens_register();
}

void auth_listen_start(const char *conninfo, int timeout_ms)
{
    pthread_once(&cache_once, cache_init);
    store_token_hooks hooks = {forget_hex, forget_all};
    if (store_token_listen_start(conninfo, timeout_ms, &hooks) < 0) {
        log_error("token listener: cannot start its thread; every cached token is checked against the database");
        return;
    }
    metrics_set_listener_probe(store_token_listen_live, store_token_listen_connects);
}

void auth_listen_stop(void) { store_token_listen_stop(); }

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

int auth_cached(const char *authorization, principal *who, int *trusted)
{
    if (trusted)
        *trusted = 0;
    if (!authorization || strncmp(authorization, "Bearer ", 7) != 0)
        return 0;
    const char *token = authorization + 7;
    while (*token == ' ')
        token++;
    size_t n = strlen(token);
    int jwt = oidc_is_jwt(token);
    if (!jwt && (n != TOKEN_LEN || strncmp(token, "ciclo_", 6) != 0))
        return 0;
    unsigned char digest[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, token, n, digest);
    int live = store_token_listen_live(); /* before the cache, as auth_authenticate asks it */
    int hit = cache_get(digest, who);
    if (trusted) /* what auth_authenticate would answer with no statement and no guard */
        *trusted = hit && (jwt || live);
    return hit;
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
    /* OpenID Connect: a JWT from the administration's identity provider (api/oidc.h), remembered
     * by its hash until it expires or OIDC_CACHE_S have passed (no guard: nothing revokes it) */
    if (oidc_is_jwt(token)) {
        unsigned char jwt_digest[32];
        time_t until;
        gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), jwt_digest);
        if (cache_get(jwt_digest, who))
            return 0;
        unsigned long long gen = atomic_load(&cache_gen);
        if (oidc_authenticate(c, token, who, &until, p) < 0)
            return -1;
        cache_put(jwt_digest, who, until, gen);
        return 0;
    }
    if (strlen(token) != TOKEN_LEN || strncmp(token, "ciclo_", 6) != 0)
        return unauthorized(p, "the token is not valid");
    unsigned char digest[32];
    char hash[67];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, token, TOKEN_LEN, digest);
    digest_hex(digest, hash);
    /* asked before the cache: live now means the listener forgot the whole cache since it last came
     * back, so what the cache holds next is exact; asked after, a stale entry found just before a
     * reconnection's forget_all would be trusted once the listener is live again */
    int live = store_token_listen_live();
    if (cache_get(digest, who)) {
        /* trusted while the listener is live (no statement); else checked with the request's first */
        if (!live)
            store_token_guard(c, hash, who->role == (int)ROLE_ADMIN ? STORE_ENTITY_ALL : who->entity_id, guard_refused);
        return 0;
    }
    unsigned long long gen = atomic_load(&cache_gen); /* before the lookup reads the row */
    store_token t;
    int found = store_token_lookup(c, hash, &t, p);
    if (found < 0)
        return -1;
    if (!found)
        return unauthorized(p, "the token is unknown, expired or revoked");
    memset(who, 0, sizeof *who);
    who->token_id = t.id;
    who->entity_id = t.entity_id;
    who->role = (int)auth_role_from_name(t.role);
    snprintf(who->name, sizeof who->name, "%s", t.name);
    who->person_id = t.person_id;
    cache_put(digest, who, (time_t)t.expires_at, gen);
    return 0;
}

int64_t auth_token_create(store_conn *c, const store_actor *by, const token_spec *t, const char *name,
                          const char *expires_at, char secret[TOKEN_LEN + 1], char **doc, problem *p)
{
    char hash[67];
    if (auth_token_generate(secret) < 0) {
        problem_set(p, 503, "no_randomness", "no randomness available; try again");
        p->retry_after = 1;
        return -1;
    }
    auth_token_hash_hex(secret, hash);
    store_token_new row = {auth_role_name(t->role), t->entity_id, t->person_id, name, hash, expires_at};
    int64_t id = store_token_insert(c, by, &row, doc, p);
    if (id == 0) {
        problem_set(p, 422, "validation_failed", "the token is not valid");
        problem_add(p, "person_id", "no such person in this entity");
    }
    return id;
}

/* The roles each role may issue: the ones it may itself act as (indexed like auth_role_index). */
static const unsigned issuable[] = {
    ROLES_ALL,                             /* admin */
    ROLE_PLANNER | ROLE_READER | ROLE_ERP, /* planner: never manager, evaluator or admin */
    ROLE_MANAGER | ROLE_READER,            /* manager */
    ROLE_EVALUATOR | ROLE_READER,          /* evaluator */
    ROLE_READER,                           /* reader */
    ROLE_ERP,                              /* erp */
};

static unsigned issuable_by(unsigned role)
{
    int i = auth_role_index(role);
    return i < 0 ? 0 : issuable[i];
}

int auth_may_issue(const principal *issuer, const token_spec *t, problem *p)
{
    if (!issuer || issuer->role == (int)ROLE_ADMIN)
        return 1;
    /* a person signed in with OpenID Connect (api/oidc.h) has no token to chain an issued one to */
    if (issuer->issuer[0]) {
        problem_set(p, 403, "forbidden", "a person signed in with the identity provider does not issue tokens");
        problem_hint(p, "tokens are for machines: an admin or planner token issues them");
        return 0;
    }
    const char *mine = auth_role_name((unsigned)issuer->role);
    if (!(issuable_by((unsigned)issuer->role) & t->role)) {
        problem_set(p, 403, "forbidden", "a %s may not issue %s tokens: only roles it may act as itself", mine,
                    auth_role_name(t->role));
        problem_hint(p, "ask the administrator (an admin token) for this token");
        return 0;
    }
    if (t->entity_id != issuer->entity_id) {
        problem_set(p, 403, "forbidden", "a %s may issue tokens of its own entity only", mine);
        return 0;
    }
    if (t->person_id && t->person_id != issuer->person_id) {
        problem_set(p, 403, "forbidden", "a token that names a person is issued only to that person or by the admin");
        problem_hint(p, "ask the administrator (an admin token) for this person's token");
        return 0;
    }
    return 1;
}

int auth_may_revoke(const principal *who, int64_t id, const token_spec *t, problem *p)
{
    if (who->role == (int)ROLE_ADMIN || id == who->token_id || (t->issued_by && t->issued_by == who->token_id))
        return 1;
    if (auth_may_issue(who, t, p))
        return 1;
    problem_set(p, 403, "forbidden", "a %s may revoke only its own token, the tokens it issued and those it may issue",
                auth_role_name((unsigned)who->role));
    return 0;
}
