#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int env_int(const char *name, int def, int min, int max, int *out, char *err, size_t errlen)
{
    const char *s = getenv(name);
    if (!s || !*s) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        snprintf(err, errlen, "%s=%s is not a whole number between %d and %d", name, s, min, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static const char *env_str(const char *name, const char *def)
{
    const char *s = getenv(name);
    return s && *s ? s : def;
}

static int parse_listen(config *cfg, const char *s, char *err, size_t errlen)
{
    const char *colon = strrchr(s, ':');
    const char *host = s;
    size_t hostlen = colon ? (size_t)(colon - s) : 0;
    if (!colon) {
        snprintf(err, errlen, "CICLO_LISTEN=%s must be HOST:PORT", s);
        return -1;
    }
    if (hostlen && host[0] == '[' && host[hostlen - 1] == ']') {
        host++;
        hostlen -= 2;
    }
    if (hostlen >= sizeof cfg->listen_host) {
        snprintf(err, errlen, "CICLO_LISTEN host is too long");
        return -1;
    }
    memcpy(cfg->listen_host, host, hostlen);
    cfg->listen_host[hostlen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) {
        snprintf(err, errlen, "CICLO_LISTEN=%s: the port must be 1-65535", s);
        return -1;
    }
    cfg->listen_port = (int)port;
    return 0;
}

int config_load(config *cfg, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    int max_body_mib, budget_mib, spool_bytes;
    cfg->database_url = env_str("DATABASE_URL", "");
    if (parse_listen(cfg, env_str("CICLO_LISTEN", "127.0.0.1:8080"), err, errlen) < 0)
        return -1;
    if (env_int("CICLO_THREADS", 8, 1, 256, &cfg->threads, err, errlen) < 0 ||
        env_int("CICLO_POOL_SIZE", 8, 1, 256, &cfg->pool_size, err, errlen) < 0 ||
        env_int("CICLO_HEAVY_THREADS",
                cfg->pool_size / 2 > 4   ? 4
                : cfg->pool_size / 2 < 1 ? 1
                                         : cfg->pool_size / 2,
                1, 256, &cfg->heavy_threads, err, errlen) < 0 ||
        env_int("CICLO_HEAVY_QUEUE", 64, 1, 100000, &cfg->heavy_queue, err, errlen) < 0 ||
        env_int("CICLO_POOL_WAIT_MS", 2000, 1, 60000, &cfg->pool_wait_ms, err, errlen) < 0 ||
        env_int("CICLO_DB_TIMEOUT_MS", 5000, 100, 600000, &cfg->db_timeout_ms, err, errlen) < 0 ||
        env_int("CICLO_MAX_CONNECTIONS", 4096, 1, 60000, &cfg->max_connections, err, errlen) < 0 ||
        env_int("CICLO_PER_IP_CONNECTIONS", 64, 0, 60000, &cfg->per_ip_connections, err, errlen) < 0 ||
        env_int("CICLO_CONNECTION_TIMEOUT", 30, 1, 3600, &cfg->connection_timeout_s, err, errlen) < 0 ||
        env_int("CICLO_REQUEST_TIMEOUT", 30, 1, 3600, &cfg->request_timeout_s, err, errlen) < 0 ||
        env_int("CICLO_HEADER_TIMEOUT", 10, 1, 3600, &cfg->header_timeout_s, err, errlen) < 0 ||
        env_int("CICLO_MAX_BODY_MIB", 32, 1, 32, &max_body_mib, err, errlen) < 0 ||
        env_int("CICLO_BODY_BUDGET_MIB", 128, 1, 65536, &budget_mib, err, errlen) < 0 ||
        env_int("CICLO_SPOOL_BYTES", 1024 * 1024, 0, 1 << 30, &spool_bytes, err, errlen) < 0 ||
        env_int("CICLO_RATE_LIMIT", 0, 0, 1000000, &cfg->rate_limit, err, errlen) < 0 ||
        env_int("CICLO_RATE_BURST", 0, 0, 1000000, &cfg->rate_burst, err, errlen) < 0 ||
        env_int("CICLO_SHUTDOWN_GRACE", 30, 0, 3600, &cfg->shutdown_grace_s, err, errlen) < 0 ||
        env_int("CICLO_TOKEN_NOTIFY", 1, 0, 1, &cfg->token_notify, err, errlen) < 0)
        return -1;
    cfg->max_body = (size_t)max_body_mib * 1024 * 1024;
    cfg->spool_bytes = (size_t)spool_bytes;
    cfg->body_budget = (size_t)(budget_mib > max_body_mib ? budget_mib : max_body_mib) * 1024 * 1024;
    if (cfg->rate_burst == 0)
        cfg->rate_burst = cfg->rate_limit > 0 ? 2 * cfg->rate_limit : 0;
    cfg->cors_origins = env_str("CICLO_CORS_ORIGINS", "");
    cfg->tls_cert = env_str("CICLO_TLS_CERT", NULL);
    cfg->tls_key = env_str("CICLO_TLS_KEY", NULL);
    if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
        snprintf(err, errlen, "CICLO_TLS_CERT and CICLO_TLS_KEY go together");
        return -1;
    }
    /* OpenID Connect sign-in */
    cfg->oidc_issuers = env_str("CICLO_OIDC_ISSUER", NULL);
    cfg->oidc_audience = env_str("CICLO_OIDC_AUDIENCE", NULL);
    cfg->oidc_person_claim = env_str("CICLO_OIDC_PERSON_CLAIM", "employee_id");
    cfg->oidc_groups_claim = env_str("CICLO_OIDC_GROUPS_CLAIM", "groups");
    cfg->oidc_entity_claim = env_str("CICLO_OIDC_ENTITY_CLAIM", NULL);
    if (env_int("CICLO_OIDC_CLOCK_SKEW", 60, 0, 600, &cfg->oidc_clock_skew_s, err, errlen) < 0 ||
        env_int("CICLO_OIDC_JWKS_REFRESH_FLOOR", 60, 0, 86400, &cfg->oidc_jwks_refresh_floor_s, err, errlen) < 0 ||
        env_int("CICLO_OIDC_JWKS_MAX_AGE", 3600, 1, 604800, &cfg->oidc_jwks_max_age_s, err, errlen) < 0)
        return -1;
    if (cfg->oidc_issuers && !cfg->oidc_audience) {
        snprintf(err, errlen, "CICLO_OIDC_ISSUER needs CICLO_OIDC_AUDIENCE (the aud of the access tokens)");
        return -1;
    }
    return 0;
}
