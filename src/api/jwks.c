/* jwks.c — the issuers' signing keys: discovery, fetch, cache and signature checks (jwks.h). */
#include "api/jwks.h"

#include <cjose/jwk.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"

#define MAX_KEYS 32
#define MAX_DOC (1024 * 1024)
#define FETCH_TIMEOUT_S 5

typedef struct jwk_entry {
    char kid[128];
    char crv[16]; /* EC keys: the curve */
    char alg[16]; /* the key's alg member, empty when absent */
    cjose_jwk_kty_t kty;
    cjose_jwk_t *jwk; /* owned */
} jwk_entry;

typedef struct issuer_keys {
    char iss[256];
    pthread_rwlock_t lock; /* keys, nkeys, loaded_at */
    jwk_entry keys[MAX_KEYS];
    int nkeys;
    time_t loaded_at;           /* 0: never loaded */
    pthread_mutex_t fetch_lock; /* one fetch at a time; guards jwks_uri and attempted_at */
    char jwks_uri[512];         /* empty until discovery succeeds */
    time_t attempted_at;        /* the last fetch, successful or not (0: none) */
} issuer_keys;

static issuer_keys issuers[JWKS_MAX_ISSUERS];
static int nissuers;
static int refresh_floor = 60, max_age = 3600;

static time_t now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1; /* never 0, which means "never" */
}

/* https anywhere, http only to the loopback. */
static int url_allowed(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    static const char *const loopback[] = {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
                                           "http://localhost/", "http://[::1]:",     "http://[::1]/"};
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++)
        if (strncasecmp(url, loopback[i], strlen(loopback[i])) == 0)
            return 1;
    return 0;
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
    return buf_append(arg, data, size * n) < 0 ? 0 : size * n; /* 0 aborts the transfer */
}

/* GETs url and parses it as a JSON object. Returns a new reference, or NULL after logging why. */
static json_t *fetch_json(const char *url)
{
    if (!url_allowed(url)) {
        log_error("oidc: %s is neither https nor http to the loopback; not fetched", url);
        return NULL;
    }
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    buf b;
    buf_init(&b, MAX_DOC);
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)FETCH_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_DOC);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ciclo");
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    json_t *doc = NULL;
    if (rc != CURLE_OK)
        log_error("oidc: cannot fetch %s: %s", url, curl_err[0] ? curl_err : curl_easy_strerror(rc));
    else if (status != 200)
        log_error("oidc: %s answered %ld", url, status);
    else if (!(doc = json_loadb(b.data ? b.data : "", b.len, 0, NULL)) || !json_is_object(doc)) {
        log_error("oidc: %s did not answer a JSON object", url);
        json_decref(doc);
        doc = NULL;
    }
    buf_free(&b);
    return doc;
}

/* Finds the jwks_uri of k in its discovery document. Called with fetch_lock held. */
static int discover(issuer_keys *k)
{
    char url[600];
    size_t n = strlen(k->iss);
    snprintf(url, sizeof url, "%.*s/.well-known/openid-configuration", (int)(n && k->iss[n - 1] == '/' ? n - 1 : n),
             k->iss);
    json_t *doc = fetch_json(url);
    if (!doc)
        return -1;
    const char *iss = json_string_value(json_object_get(doc, "issuer"));
    const char *uri = json_string_value(json_object_get(doc, "jwks_uri"));
    int rc = -1;
    if (!iss || strcmp(iss, k->iss) != 0)
        log_error("oidc: the discovery document of %s names issuer %s", k->iss, iss ? iss : "(none)");
    else if (!uri || strlen(uri) >= sizeof k->jwks_uri || !url_allowed(uri))
        log_error("oidc: the discovery document of %s has no usable jwks_uri", k->iss);
    else {
        snprintf(k->jwks_uri, sizeof k->jwks_uri, "%s", uri);
        rc = 0;
    }
    json_decref(doc);
    return rc;
}

static void copy_member(json_t *key, const char *name, char *out, size_t size)
{
    const char *v = json_string_value(json_object_get(key, name));
    snprintf(out, size, "%s", v && strlen(v) < size ? v : "");
}

/* Imports the signing keys of a JWKS document into out (at most MAX_KEYS). Returns their count. */
static int import_keys(json_t *doc, jwk_entry *out, const char *iss)
{
    json_t *keys = json_object_get(doc, "keys"), *key;
    size_t i;
    int n = 0;
    json_array_foreach(keys, i, key)
    {
        if (n == MAX_KEYS) {
            log_warn("oidc: the key set of %s has more than %d keys; the rest are ignored", iss, MAX_KEYS);
            break;
        }
        const char *use = json_string_value(json_object_get(key, "use"));
        const char *kty = json_string_value(json_object_get(key, "kty"));
        if ((use && strcmp(use, "sig") != 0) || !kty || (strcmp(kty, "RSA") != 0 && strcmp(kty, "EC") != 0))
            continue;
        cjose_err err;
        cjose_jwk_t *jwk = cjose_jwk_import_json((cjose_header_t *)key, &err);
        if (!jwk) {
            log_warn("oidc: a key of %s cannot be read: %s", iss, err.message);
            continue;
        }
        jwk_entry *e = &out[n++];
        memset(e, 0, sizeof *e);
        e->jwk = jwk;
        e->kty = cjose_jwk_get_kty(jwk, &err);
        copy_member(key, "kid", e->kid, sizeof e->kid);
        copy_member(key, "crv", e->crv, sizeof e->crv);
        copy_member(key, "alg", e->alg, sizeof e->alg);
    }
    return n;
}

static void release_keys(jwk_entry *keys, int n)
{
    for (int i = 0; i < n; i++)
        cjose_jwk_release(keys[i].jwk);
}

/* Fetches k's keys (discovering its jwks_uri first when needed) unless the floor forbids it:
 * force skips the floor (start-up). Returns 0 when the keys were replaced, -1 otherwise. */
static int refresh(issuer_keys *k, int force)
{
    pthread_mutex_lock(&k->fetch_lock);
    time_t now = now_s();
    int rc = -1;
    if (!force && k->attempted_at && now - k->attempted_at < refresh_floor)
        goto out;
    k->attempted_at = now;
    if (!k->jwks_uri[0] && discover(k) < 0)
        goto out;
    json_t *doc = fetch_json(k->jwks_uri);
    if (!doc)
        goto out;
    jwk_entry fresh[MAX_KEYS];
    int n = import_keys(doc, fresh, k->iss);
    json_decref(doc);
    if (n == 0) {
        log_error("oidc: the key set of %s holds no RSA or EC signing key", k->iss);
        goto out;
    }
    jwk_entry old[MAX_KEYS];
    pthread_rwlock_wrlock(&k->lock);
    int nold = k->nkeys;
    memcpy(old, k->keys, sizeof(jwk_entry) * (size_t)nold);
    memcpy(k->keys, fresh, sizeof(jwk_entry) * (size_t)n);
    k->nkeys = n;
    k->loaded_at = now;
    pthread_rwlock_unlock(&k->lock);
    release_keys(old, nold);
    log_info("oidc: %d signing keys of %s loaded from %s", n, k->iss, k->jwks_uri);
    rc = 0;
out:
    pthread_mutex_unlock(&k->fetch_lock);
    return rc;
}

int jwks_init(const char *list, int refresh_floor_s, int max_age_s, char *err, size_t errlen)
{
    refresh_floor = refresh_floor_s;
    max_age = max_age_s;
    nissuers = 0;
    if (!list || !*list)
        return 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl cannot start");
        return -1;
    }
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && (*p == ' ')) {
            p++;
            n--;
        }
        while (n && p[n - 1] == ' ')
            n--;
        if (n == 0 || n >= sizeof issuers[0].iss || nissuers == JWKS_MAX_ISSUERS) {
            snprintf(err, errlen, "CICLO_OIDC_ISSUER must list at most %d issuer URLs of at most %zu characters",
                     JWKS_MAX_ISSUERS, sizeof issuers[0].iss - 1);
            return -1;
        }
        issuer_keys *k = &issuers[nissuers];
        memset(k, 0, sizeof *k);
        memcpy(k->iss, p, n);
        if (!url_allowed(k->iss)) {
            snprintf(err, errlen, "the issuer %s must be an https URL (http only to the loopback)", k->iss);
            return -1;
        }
        pthread_rwlock_init(&k->lock, NULL);
        pthread_mutex_init(&k->fetch_lock, NULL);
        nissuers++;
        p += n;
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
    }
    for (int i = 0; i < nissuers; i++)
        if (refresh(&issuers[i], 1) < 0)
            log_warn("oidc: no keys for %s yet; tokens it signs are refused until its keys can be fetched",
                     issuers[i].iss);
    return 0;
}

void jwks_shutdown(void)
{
    for (int i = 0; i < nissuers; i++) {
        release_keys(issuers[i].keys, issuers[i].nkeys);
        issuers[i].nkeys = 0;
        pthread_rwlock_destroy(&issuers[i].lock);
        pthread_mutex_destroy(&issuers[i].fetch_lock);
    }
    if (nissuers)
        curl_global_cleanup();
    nissuers = 0;
}

static issuer_keys *find(const char *iss)
{
    for (int i = 0; iss && i < nissuers; i++)
        if (strcmp(issuers[i].iss, iss) == 0)
            return &issuers[i];
    return NULL;
}

int jwks_knows(const char *iss) { return find(iss) != NULL; }

static int key_fits(const jwk_entry *e, const char *alg)
{
    if (e->alg[0] && strcmp(e->alg, alg) != 0)
        return 0;
    if (strcmp(alg, "RS256") == 0)
        return e->kty == CJOSE_JWK_KTY_RSA;
    return strcmp(alg, "ES256") == 0 && e->kty == CJOSE_JWK_KTY_EC && strcmp(e->crv, "P-256") == 0;
}

/* One pass over k's keys. *stale is set when the keys are missing or past their age. */
static jwks_result try_keys(issuer_keys *k, const char *kid, const char *alg, cjose_jws_t *jws, int *stale)
{
    jwks_result res = JWKS_UNKNOWN_KID;
    pthread_rwlock_rdlock(&k->lock);
    *stale = k->loaded_at == 0 || now_s() - k->loaded_at >= max_age;
    if (k->nkeys == 0)
        res = JWKS_NO_KEYS;
    for (int i = 0; i < k->nkeys; i++) {
        const jwk_entry *e = &k->keys[i];
        if ((kid && strcmp(e->kid, kid) != 0) || !key_fits(e, alg))
            continue;
        cjose_err err;
        if (cjose_jws_verify(jws, e->jwk, &err)) {
            res = JWKS_VERIFIED;
            break;
        }
        res = JWKS_BAD_SIG;
    }
    pthread_rwlock_unlock(&k->lock);
    return res;
}

jwks_result jwks_verify(const char *iss, const char *kid, const char *alg, cjose_jws_t *jws)
{
    issuer_keys *k = find(iss);
    if (!k)
        return JWKS_NO_KEYS;
    int stale;
    jwks_result res = try_keys(k, kid, alg, jws, &stale);
    if ((res == JWKS_UNKNOWN_KID || res == JWKS_NO_KEYS || stale) && refresh(k, 0) == 0)
        res = try_keys(k, kid, alg, jws, &stale);
    return res;
}
