/* oidc.c — OpenID Connect access tokens: verification and who they name (oidc.h). */
#include "api/oidc.h"

#include <cjose/jws.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/jwks.h"
#include "api/roles.h"
#include "codec/jwt_claims.h"
#include "codec/rule_json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/text.h"
#include "store/oidc.h"

#define MAX_TOKEN 16384 /* Entra ID tokens with many groups reach a few KiB */
#define MAX_HEADER 2048
#define MAX_GROUPS 256
#define MAX_CLAIM 255

static const config *settings;

int oidc_init(const config *cfg)
{
    settings = cfg && cfg->oidc_issuers ? cfg : NULL;
    if (!settings)
        return 0;
    char err[256];
    if (jwks_init(cfg->oidc_issuers, cfg->oidc_jwks_refresh_floor_s, cfg->oidc_jwks_max_age_s, err, sizeof err) < 0) {
        log_error("oidc: %s", err);
        return -1;
    }
    log_info("oidc: access tokens of %s accepted for audience %s", cfg->oidc_issuers, cfg->oidc_audience);
    return 0;
}

void oidc_shutdown(void)
{
    if (settings)
        jwks_shutdown();
    settings = NULL;
}

int oidc_is_jwt(const char *token)
{
    const char *dot = strchr(token, '.');
    return dot && (dot = strchr(dot + 1, '.')) && !strchr(dot + 1, '.');
}

/* The 401 of a failed check. Never includes the token. */
static int refuse(problem *p, const char *check, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(problem *p, const char *check, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    metrics_auth_failure();
    problem_set(p, 401, "invalid_token", "the access token failed the %s check: %s", check, why);
    problem_add(p, check, "%s", why);
    return -1;
}

/* The protected header of token, decoded (new reference), or NULL. */
static json_t *jose_header(const char *token)
{
    const char *dot = strchr(token, '.');
    size_t n = (size_t)(dot - token);
    if (n == 0 || n > MAX_HEADER)
        return NULL;
    char enc[MAX_HEADER + 1];
    unsigned char dec[MAX_HEADER];
    memcpy(enc, token, n);
    enc[n] = '\0';
    int len = base64url_decode(enc, dec, sizeof dec);
    return len <= 0 ? NULL : json_loadb((const char *)dec, (size_t)len, 0, NULL);
}

/* exp, nbf, iat and aud of verified claims (codec/jwt_claims.h). */
static int check_claims(json_t *claims, problem *p)
{
    jwt_refusal r;
    if (jwt_check_claims(claims, (double)time(NULL), settings->oidc_clock_skew_s, settings->oidc_audience, &r) < 0)
        return refuse(p, r.check, "%s", r.why);
    return 0;
}

/* Checks alg, signature and claims; returns the verified claims (new reference) or NULL with p set. */
static json_t *verify(const char *token, problem *p)
{
    json_t *header = jose_header(token), *claims = NULL;
    cjose_jws_t *jws = NULL;
    if (!json_is_object(header)) {
        refuse(p, "format", "the token is not a signed JWT");
        goto out;
    }
    const char *alg = json_string_value(json_object_get(header, "alg"));
    const char *kid = json_string_value(json_object_get(header, "kid"));
    if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0)) {
        refuse(p, "alg", "the signature algorithm must be RS256 or ES256");
        goto out;
    }
    cjose_err err;
    uint8_t *payload = NULL;
    size_t plen = 0;
    if (!(jws = cjose_jws_import(token, strlen(token), &err)) || !cjose_jws_get_plaintext(jws, &payload, &plen, &err) ||
        !(claims = json_loadb((const char *)payload, plen, 0, NULL)) || !json_is_object(claims)) {
        refuse(p, "format", "the token is not a signed JWT with a JSON claims set");
        goto fail;
    }
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    if (!iss || !jwks_knows(iss)) {
        refuse(p, "iss", "the token's issuer is not one this service trusts");
        goto fail;
    }
    switch (jwks_verify(iss, kid, alg, jws)) {
    case JWKS_VERIFIED: break;
    case JWKS_BAD_SIG: refuse(p, "signature", "the signature does not verify"); goto fail;
    case JWKS_UNKNOWN_KID: refuse(p, "kid", "the issuer has no %s key with this key id", alg); goto fail;
    case JWKS_NO_KEYS:
        problem_set(p, 503, "keys_unavailable", "the identity provider's signing keys cannot be fetched");
        problem_hint(p, "try again shortly; the operator finds the cause in the server log");
        p->retry_after = 5;
        goto fail;
    }
    if (check_claims(claims, p) < 0)
        goto fail;
    goto out;
fail:
    json_decref(claims);
    claims = NULL;
out:
    cjose_jws_release(jws);
    json_decref(header);
    return claims;
}

/* The value of a claim naming someone or something: a string or an integer, at most
 * MAX_CLAIM characters. Returns 0 with out filled, or -1. */
static int claim_text(json_t *claims, const char *name, char out[MAX_CLAIM + 1])
{
    json_t *v = json_object_get(claims, name);
    if (json_is_integer(v))
        snprintf(out, MAX_CLAIM + 1, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_string(v) && *json_string_value(v) && strlen(json_string_value(v)) <= MAX_CLAIM)
        snprintf(out, MAX_CLAIM + 1, "%s", json_string_value(v));
    else
        return -1;
    return 0;
}

/* The groups claim as a JSON array of strings (malloc'd), or NULL with p set. */
static char *groups_of(json_t *claims, problem *p)
{
    json_t *v = json_object_get(claims, settings->oidc_groups_claim), *g, *out = json_array();
    size_t i;
    if (json_is_string(v))
        json_array_append(out, v);
    json_array_foreach(v, i, g)
    {
        if (json_is_string(g) && json_array_size(out) < MAX_GROUPS)
            json_array_append(out, g);
    }
    char *s = rule_json_dumps(out, JSON_COMPACT);
    json_decref(out);
    if (!s)
        problem_set(p, 503, "out_of_memory", "the server is out of memory; try again");
    return s;
}

/* The role of a person found by store_oidc_find_person, and where it came from. */
static void decide_role(const store_oidc_person *f, principal *who)
{
    unsigned group_role = auth_role_from_name(f->group_role[0] ? f->group_role : NULL);
    if (group_role == ROLE_PLANNER || group_role == ROLE_EVALUATOR || (group_role && !f->led_structure)) {
        who->role = (int)group_role;
        snprintf(who->role_group, sizeof who->role_group, "%s", f->group);
    } else if (f->led_structure) {
        who->role = (int)ROLE_MANAGER;
        who->role_structure = f->led_structure;
    } else {
        who->role = (int)ROLE_READER;
        who->own_data_only = 1;
    }
}

int oidc_authenticate(store_conn *c, const char *token, principal *who, time_t *until, problem *p)
{
    if (!settings)
        return refuse(p, "iss", "this service accepts no OpenID Connect tokens (CICLO_OIDC_ISSUER is not set)");
    if (strlen(token) > MAX_TOKEN)
        return refuse(p, "format", "the token is longer than %d bytes", MAX_TOKEN);
    json_t *claims = verify(token, p);
    if (!claims)
        return -1;
    int rc = -1;
    char person[MAX_CLAIM + 1], entity[MAX_CLAIM + 1];
    const char *person_claim = settings->oidc_person_claim, *entity_claim = settings->oidc_entity_claim;
    char *groups = NULL;
    if (claim_text(claims, person_claim, person) < 0) {
        refuse(p, person_claim, "the token has no usable %s claim to name the person", person_claim);
        goto out;
    }
    if (entity_claim && claim_text(claims, entity_claim, entity) < 0) {
        refuse(p, entity_claim, "the token has no usable %s claim to name the entity", entity_claim);
        goto out;
    }
    if (!(groups = groups_of(claims, p)))
        goto out;
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    store_oidc_person f;
    int n = store_oidc_find_person(c, iss, person, entity_claim ? entity : NULL, groups, &f, p);
    if (n < 0)
        goto out;
    if (n == 0) {
        refuse(p, "person", "no entity that accepts this issuer has a person with this %s", person_claim);
        goto out;
    }
    if (n > 1) {
        refuse(p, "person", "several entities that accept this issuer have a person with this %s", person_claim);
        problem_hint(p, "the operator sets CICLO_OIDC_ENTITY_CLAIM to the claim that names the entity");
        goto out;
    }
    memset(who, 0, sizeof *who);
    who->token_id = f.identity_id;
    who->entity_id = f.entity_id;
    who->person_id = f.person_id;
    snprintf(who->issuer, sizeof who->issuer, "%s", iss);
    snprintf(who->name, sizeof who->name, "person %" PRId64 " via %s", f.person_id, iss);
    decide_role(&f, who);
    time_t now = time(NULL);
    double exp = json_number_value(json_object_get(claims, "exp"));
    *until = exp < (double)(now + OIDC_CACHE_S) ? (time_t)exp : now + OIDC_CACHE_S;
    rc = 0;
out:
    free(groups);
    json_decref(claims);
    return rc;
}
