/* config.h — the service's settings, read once from the environment. */
#ifndef CICLO_CONFIG_H
#define CICLO_CONFIG_H
#include <stddef.h>

typedef struct config {
    const char *database_url; /* DATABASE_URL (libpq conninfo or URI) */
    char listen_host[64];     /* CICLO_LISTEN host part, default 127.0.0.1 */
    int listen_port;          /* CICLO_LISTEN port part, default 8080 */
    int threads;              /* CICLO_THREADS: HTTP worker threads, default 8 */
    int pool_size;            /* CICLO_POOL_SIZE: PostgreSQL connections, default 8 */
    int heavy_threads;        /* CICLO_HEAVY_THREADS: threads for heavy routes (http/heavy.h), default
                                   min(4, CICLO_POOL_SIZE / 2), at least 1 */
    int heavy_queue;          /* CICLO_HEAVY_QUEUE: heavy requests waiting for a thread, default 64 */
    int pool_wait_ms;         /* CICLO_POOL_WAIT_MS: wait for a free connection, default 2000 */
    int db_timeout_ms;        /* CICLO_DB_TIMEOUT_MS: statement and connect timeout, default 5000 */
    int max_connections;      /* CICLO_MAX_CONNECTIONS: open HTTP connections, default 4096 */
    int per_ip_connections;   /* CICLO_PER_IP_CONNECTIONS: default 64 (0 = no limit) */
    int connection_timeout_s; /* CICLO_CONNECTION_TIMEOUT: idle/slow client, seconds, default 30 */
    int request_timeout_s;    /* CICLO_REQUEST_TIMEOUT: a whole request (headers and body) must
                                   arrive within this many seconds, default 30 */
    int header_timeout_s;     /* CICLO_HEADER_TIMEOUT: its headers within this many seconds of its
                                   request line, default 10 */
    size_t max_body;          /* CICLO_MAX_BODY: request body limit, bytes, default 32 MiB */
    size_t body_budget;       /* CICLO_BODY_BUDGET_MIB: request bodies held in memory at once, all
                                   connections together, bytes, default 128 MiB (at least max_body) */
    size_t spool_bytes;       /* CICLO_SPOOL_BYTES: an answer's text past this many bytes goes to an
                                   unlinked temporary file in TMPDIR and out with sendfile, default
                                   1 MiB (0 = every answer in memory) */
    int rate_limit;           /* CICLO_RATE_LIMIT: requests per second per token, 0 = off */
    int rate_burst;           /* CICLO_RATE_BURST: requests a token may make at once, default 2 x rate */
    const char *cors_origins; /* CICLO_CORS_ORIGINS: comma-separated allowed origins */
    const char *tls_cert;     /* CICLO_TLS_CERT: PEM file, enables HTTPS with tls_key */
    const char *tls_key;      /* CICLO_TLS_KEY */
    int shutdown_grace_s;     /* CICLO_SHUTDOWN_GRACE: seconds to finish requests on SIGTERM, default 30 */
    int token_notify;         /* CICLO_TOKEN_NOTIFY: 1 (default) listen for token changes and trust cached
                                   tokens while listening; 0 check each cached token against the
                                   database on every request (e.g. behind a transaction pooler) */
    /* OpenID Connect sign-in (api/oidc.h); off while oidc_issuers is NULL */
    const char *oidc_issuers;      /* CICLO_OIDC_ISSUER: issuer URLs the service trusts, comma-separated */
    const char *oidc_audience;     /* CICLO_OIDC_AUDIENCE: the aud a token must carry (required with an issuer) */
    const char *oidc_person_claim; /* CICLO_OIDC_PERSON_CLAIM: claim matched to people.external_id, default employee_id */
    const char *oidc_groups_claim; /* CICLO_OIDC_GROUPS_CLAIM: claim listing the groups, default groups */
    const char *oidc_entity_claim; /* CICLO_OIDC_ENTITY_CLAIM: claim naming the entity code, default none */
    int oidc_clock_skew_s;         /* CICLO_OIDC_CLOCK_SKEW: seconds allowed on exp, nbf, iat, default 60 */
    int oidc_jwks_refresh_floor_s; /* CICLO_OIDC_JWKS_REFRESH_FLOOR: at most one key fetch per issuer in this
                                       many seconds, default 60 */
    int oidc_jwks_max_age_s;       /* CICLO_OIDC_JWKS_MAX_AGE: keys are fetched again after, default 3600 */
    /* end of OpenID Connect sign-in */
} config;

/* Fills cfg from the environment. Returns 0, or -1 after writing why to err (size errlen).
 * The strings point into the environment and stay valid for the process lifetime. */
int config_load(config *cfg, char *err, size_t errlen);

#endif
