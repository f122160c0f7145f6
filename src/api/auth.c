#include "api/auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "core/text.h"

static const char *const role_names[] = {"admin", "planner", "manager", "evaluator", "reader", "erp"};

static int st_lookup = -1;
static int st_create = -1;

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

void auth_token_hash_hex(const char *token, char out[67])
{
    unsigned char digest[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), digest);
    out[0] = '\\';
    out[1] = 'x';
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 + 2 * i, 3, "%02x", digest[i]);
}

int auth_register(void)
{
    st_lookup = store_stmt_register(
        "SELECT id, entity_id, role, name, person_id FROM tokens WHERE hash = $1::bytea AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > now())");
    st_create = store_stmt_register(
        "INSERT INTO tokens (role, entity_id, person_id, name, hash, expires_at) "
        "VALUES ($1, $2::bigint, $3::bigint, $4, $5::bytea, $6::timestamptz) RETURNING id");
    return st_lookup < 0 || st_create < 0 ? -1 : 0;
}

static int unauthorized(problem *p, const char *why)
{
    metrics_auth_failure();
    return problem_set(p, 401, "unauthorized", "%s", why);
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
    char hash[67];
    auth_token_hash_hex(token, hash);
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
    PQclear(r);
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
