/* dispatch.c — authentication, the role check and the body's media type, in one place. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/auth.h"
#include "api/erp.h"
#include "api/idempotency.h"
#include "api/oidc.h"
#include "api/webhooks.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "core/text.h"
#include "store/init.h"
#include "store/monitoring.h"
#include "store/periods.h"

static store_pool *the_pool;

store_pool *api_pool(void) { return the_pool; }

int api_init(store_pool *pool, const config *cfg)
{
    the_pool = pool;
    ratelimit_configure(cfg ? cfg->rate_limit : 0, cfg ? cfg->rate_burst : 0);
    metrics_set_pool_probe(store_pool_stats, pool);
    /* the statements still registered by api files go to the store as they move there */
    if (store_init() < 0 || auth_register() < 0 || oidc_init(cfg) < 0) {
        log_error("cannot register the SQL statements");
        return -1;
    }
    if (cfg && cfg->token_notify) /* the server only: the command line's requests are its own */
        auth_listen_start(cfg->database_url, cfg->db_timeout_ms);
    return 0;
}

static int media_type_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* 415 unless the body's Content-Type is one the route reads. */
static int check_media_type(http_request *req)
{
    const route *rt = req->route;
    if (req->body.len == 0 || !(rt->flags & (ROUTE_BODY_JSON | ROUTE_BODY_CSV)))
        return 0;
    const char *ct = http_header(req, "Content-Type");
    if (ct && (media_type_is(ct, "application/json") ||
               ((rt->flags & ROUTE_MERGE_PATCH) && media_type_is(ct, "application/merge-patch+json")) ||
               ((rt->flags & ROUTE_BODY_CSV) && media_type_is(ct, "text/csv"))))
        return 0;
    http_error(req, 415, "unsupported_media_type", "send the body as %s",
               rt->flags & ROUTE_BODY_CSV      ? "application/json or text/csv"
               : rt->flags & ROUTE_MERGE_PATCH ? "application/merge-patch+json or application/json"
                                               : "application/json");
    return -1;
}

/* A flood of bad tokens must not fill the log: 20 lines per 10 s, then a count (log.h). */
static log_limiter auth_log = LOG_LIMITER("failed authentications", 20, 10);

/* auth_authenticate, with the failure logged (never the token). c may be NULL when the
 * request has no Authorization header at all. Returns 0 or -1 with p set. */
static int authenticate(http_request *req, store_conn *c, principal *who, problem *p)
{
    if (auth_authenticate(c, http_header(req, "Authorization"), who, p) == 0)
        return 0;
    if (p->status == 401)
        log_limited(&auth_log, LOG_WARN, "authentication failed for %s %s: %s", req->method, req->path, p->detail);
    return -1;
}

/* Whose share of the database pool a request of who takes (store_acquire_for): its entity,
 * 0 for an admin, who reads across entities. */
static int64_t pool_key(const principal *who) { return who->role == (int)ROLE_ADMIN ? 0 : who->entity_id; }

int64_t api_heavy_key(http_request *req)
{
    principal who;
    memset(&who, 0, sizeof who);
    return auth_cached(http_header(req, "Authorization"), &who, NULL) ? pool_key(&who) : -1;
}

/* Answers 403 and returns -1 when the route does not admit the caller's role. */
static int forbidden(http_request *req, const principal *who)
{
    if (!(req->route->roles & (unsigned)who->role)) {
        http_error(req, 403, "forbidden", "a %s token may not %s %s", auth_role_name((unsigned)who->role), req->method,
                   req->path);
        return -1;
    }
    /* an employee signed in with no group sees only their own data (api/oidc.h) */
    if (who->own_data_only && !(req->route->flags & ROUTE_OWN_DATA)) {
        http_error(req, 403, "own_data_only",
                   "an employee without a role reads only their own data: /v1/me, their objectives and their "
                   "evaluation forms");
        return -1;
    }
    return 0;
}

/* A request answered without a statement (a 403, a stateless route such as rules:evaluate)
 * has not yet checked its cached token against the database when a guard is queued (the token
 * listener is not live, api/auth.c): check it now, so that a revocation holds at the next request
 * on every process, and answer 401 instead. Nothing to do while the listener is live. */
static void recheck_token(http_request *req, store_conn *c)
{
    problem g;
    problem_init(&g);
    if (c && store_guard_flush(c, &g) < 0 && g.status == 401) {
        req->res.location[0] = '\0';
        req->res.etag[0] = '\0';
        http_problem(req, &g);
    }
    problem_clear(&g);
}

int api_admit(http_request *req)
{
    principal who; /* the dispatch authenticates again, from the token cache */
    memset(&who, 0, sizeof who);
    int trusted;
    /* a token the cache vouches for needs no connection: the libmicrohttpd worker never waits
     * for the pool here (a heavy request is admitted on it before it is queued) */
    if (auth_cached(http_header(req, "Authorization"), &who, &trusted) && trusted)
        return forbidden(req, &who);
    problem p;
    problem_init(&p);
    store_conn *c = NULL;
    /* without the header, auth_authenticate answers 401 before it needs the database */
    if (http_header(req, "Authorization") && !(c = store_acquire(the_pool, &p))) {
        http_problem(req, &p);
        problem_clear(&p);
        return -1;
    }
    int rc = authenticate(req, c, &who, &p);
    /* a cached token is checked against the database now (when its guard is queued: the token
     * listener is not live), before the role and before the body is read: a revoked one is a
     * 401, as every invalid token, never a 403 or a "100 Continue" (the dispatch checks it
     * again with its first statement) */
    if (rc == 0 && c && store_guard_flush(c, &p) < 0)
        rc = -1;
    if (rc < 0)
        http_problem(req, &p);
    else
        rc = forbidden(req, &who);
    if (c)
        store_release(the_pool, c);
    problem_clear(&p);
    return rc;
}

void api_dispatch(http_request *req)
{
    const route *rt = req->route;
    if (rt->roles == 0) {
        rt->handler(req);
        return;
    }
    problem p;
    problem_init(&p);
    api_call call;
    memset(&call, 0, sizeof call);
    /* fairness (store/pool.h): the connection counts against the caller's entity, known before
     * it is taken when the token is cached (else the token is read first, then the connection
     * is counted, or given back when that entity's share is taken, to wait for it like others) */
    int trusted;
    int64_t key = auth_cached(http_header(req, "Authorization"), &call.who, &trusted) ? pool_key(&call.who) : -1;
    call.db = store_acquire_for(the_pool, key, &p);
    int rc = call.db ? (trusted ? 0 : authenticate(req, call.db, &call.who, &p)) : -1;
    if (rc == 0 && key != pool_key(&call.who) && store_pool_key(the_pool, call.db, pool_key(&call.who)) < 0) {
        store_release(the_pool, call.db);
        call.db = store_acquire_for(the_pool, pool_key(&call.who), &p);
        rc = call.db ? authenticate(req, call.db, &call.who, &p) : -1;
    }
    if (!call.db) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    req->app = &call;
    if (rc < 0) {
        http_problem(req, &p);
        goto done;
    }
    int wait = ratelimit_take_now(call.who.token_id);
    if (wait > 0) {
        metrics_rate_limited();
        problem_set(&p, 429, "rate_limited", "this token made too many requests; wait %d s", wait);
        problem_hint(&p, "retry after the number of seconds in Retry-After");
        p.retry_after = wait;
        http_problem(req, &p);
        goto done;
    }
    if (forbidden(req, &call.who) < 0)
        goto done;
    if (check_media_type(req) < 0)
        goto done;
    if (call.who.role != (int)ROLE_ADMIN) {
        snprintf(call.scope_buf, sizeof call.scope_buf, "%" PRId64, call.who.entity_id);
        call.scope = call.scope_buf;
    }
    /* row-level security, under every WHERE (store/pool.h): the caller's entity's rows, or all */
    store_set_entity(call.db, call.who.role == (int)ROLE_ADMIN ? STORE_ENTITY_ALL : call.who.entity_id);
    snprintf(call.token_id, sizeof call.token_id, "%" PRId64, call.who.token_id);
    call.actor.token_id = call.token_id;
    call.actor.name = call.who.name;
    call.actor.role = auth_role_name((unsigned)call.who.role);
    /* Idempotency-Key on every POST (api/idempotency.h); the routes that keep the key in
     * their own transaction read it themselves */
    if (strcmp(req->method, "POST") == 0 && !(rt->flags & ROUTE_OWN_IDEMPOTENCY))
        idem_run(req);
    else
        rt->handler(req);
done:
    recheck_token(req, call.db);
    store_release(the_pool, call.db);
    req->app = NULL;
    problem_clear(&p);
}
