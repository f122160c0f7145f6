#include "http/server.h"

#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "http/dlist.h"
#include "http/guard.h"
#include "http/headcheck.h"
#include "http/heavy.h"
#include "http/negotiate.h"
#include "http/request.h"

/* A connection's deadline: when the request it is receiving (headers and body) must be
 * whole. Made when the connection opens, freed when it closes (on_connection); in the list
 * of its server, which the watchdog walks. */
typedef struct conn_track {
    struct conn_track *prev, *next;
    MHD_socket fd;
    atomic_llong deadline_ms; /* monotonic; 0 = none: a request is being answered */
    atomic_llong request_ms;  /* when the request line of the request being received came */
} conn_track;

struct http_server {
    struct MHD_Daemon *daemon;
    http_guard *guard; /* in front of plain-HTTP connections (http/guard.h); NULL with TLS */
    http_heavy *heavy; /* runs the handlers of ROUTE_HEAVY routes (http/heavy.h); NULL: inline */
    http_server_opts opts;
    atomic_int in_flight;
    atomic_int stopping;
    atomic_size_t buffered;     /* bytes of request bodies held, all requests together */
    pthread_mutex_t track_lock; /* guards tracks and every track's fd while it is shut down */
    conn_track *tracks;
    pthread_t watchdog;
    int watchdog_running;
    atomic_int watchdog_stop;
    atomic_int trim_wanted;   /* a large request ended since the last malloc_trim */
    atomic_llong last_end_ms; /* when the last request ended */
    char *tls_cert;
    char *tls_key;
};

/* A body of unannounced length (chunked) takes the body budget in steps of this size. */
#define BUDGET_STEP (64 * 1024)
/* A request whose body or answer reached this size leaves memory to give back when idle. */
#define LARGE_REQUEST (1024 * 1024)

/* The request whose handler runs on this thread (run_dispatch): a libmicrohttpd worker's, or a
 * heavy thread's (http/heavy.h). The answer is sent later, maybe by another thread, so what the
 * handler says of it is kept in the request itself. */
static _Thread_local http_request *running;

void http_server_timing(const char *value)
{
    if (running)
        snprintf(running->timing, sizeof running->timing, "%s", value);
}

/* Each connection's memory pool (request line, headers, the read and write buffers; bodies
 * stream through it). libmicrohttpd zeroes the whole pool after every request, so every
 * open keep-alive connection keeps all of it resident: 32 KiB (its default) keeps 1,000 open
 * connections near 32 MB, and still lets headers up to about 31 KiB reach the server, which
 * answers those over HEADER_BYTES_MAX itself (libmicrohttpd's own answer, for headers that do
 * not fit at all, is HTML). */
#define CONNECTION_MEMORY HEAD_CONNECTION_MEMORY
/* What the server reads of a request's headers (request line, names and values): past these it
 * answers 431 itself, as problem+json. libmicrohttpd answers on its own, in HTML, only when the
 * headers do not fit in CONNECTION_MEMORY at all (docs/SECURITY.md, "Every answer"). */
#define HEADER_BYTES_MAX (16 * 1024)
#define HEADER_FIELDS_MAX HEAD_FIELDS_MAX

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Connections cut off, refused bodies and 401 answers are logged, but not one line each: a
 * flood of them would fill the disk (log.h, log_limited). */
static log_limiter cut_log = LOG_LIMITER("connections cut off", 5, 60);
static log_limiter body_log = LOG_LIMITER("refused bodies", 20, 60);
static log_limiter unauthorized_log = LOG_LIMITER("401 answers", 20, 10);
static log_limiter heavy_log = LOG_LIMITER("heavy requests refused", 20, 60);

static long long micros_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long long)(t1.tv_sec - t0->tv_sec) * 1000000LL + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* The Origin, when it is in the configured allowlist. */
static const char *allowed_origin(const http_server *srv, http_request *req)
{
    const char *origin = http_header(req, "Origin");
    const char *list = srv->opts.cfg->cors_origins;
    if (!origin || !*list)
        return NULL;
    size_t olen = strlen(origin);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        if ((n == olen && strncmp(p, origin, n) == 0) || (n == 1 && *p == '*'))
            return origin;
        if (!comma)
            break;
        p = comma + 1;
    }
    return NULL;
}

static enum MHD_Result send_answer(http_server *srv, http_request *req)
{
    http_response *r = &req->res;
    if (!req->answered)
        http_error(req, 500, "internal", "the request was not answered");
    /* a body in a file (http_file) goes out with sendfile: libmicrohttpd closes the file when the
     * answer is done, or when the client goes away before it is */
    struct MHD_Response *resp = r->has_file ? MHD_create_response_from_fd((uint64_t)r->len, r->file)
                                            : MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"",
                                                                              r->body ? MHD_RESPMEM_MUST_FREE
                                                                                      : MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO; /* on_completed frees the body or closes the file */
    r->body = NULL;    /* MHD owns it now */
    r->has_file = 0;
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->etag[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    if (r->location[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->allow[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->link[0])
        MHD_add_response_header(resp, "Link", r->link);
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    /* RFC 6750: how to authenticate; invalid_token when a token was sent and refused */
    if (r->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                http_header(req, "Authorization") ? "Bearer error=\"invalid_token\"" : "Bearer");
    if (r->retry_after > 0) {
        char s[16];
        snprintf(s, sizeof s, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, s);
    }
    if (req->timing[0])
        MHD_add_response_header(resp, "Server-Timing", req->timing);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    const char *origin = allowed_origin(srv, req);
    if (origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(resp, "Access-Control-Expose-Headers",
                                "ETag, Location, Retry-After, Link, Content-Disposition");
        if (strcmp(req->method, "OPTIONS") == 0) {
            /* the preflight: what the front end may send */
            MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE");
            MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                    "Authorization, Content-Type, Accept, If-Match, Idempotency-Key");
            MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
        }
    }
    if (*srv->opts.cfg->cors_origins)
        MHD_add_response_header(resp, "Vary", "Origin");
    if (atomic_load(&srv->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void answer_preflight(http_server *srv, http_request *req)
{
    if (allowed_origin(srv, req))
        http_body(req, 204, NULL, NULL, 0);
    else
        http_error(req, 403, "origin_not_allowed", "the origin %.200s may not call this API from a browser",
                   http_header(req, "Origin"));
}

/* Takes n bytes from the budget of bodies held in memory. Returns 0, or -1 when it is spent. */
static int budget_take(http_server *srv, size_t n)
{
    size_t cur = atomic_load(&srv->buffered);
    do {
        if (n > srv->opts.cfg->body_budget || cur > srv->opts.cfg->body_budget - n)
            return -1;
    } while (!atomic_compare_exchange_weak(&srv->buffered, &cur, cur + n));
    return 0;
}

/* Answers 503: the budget of bodies held in memory is spent. */
static void answer_busy(http_server *srv, http_request *req)
{
    metrics_body_budget_refused();
    log_limited(&body_log, LOG_WARN, "%s %s: the body budget (%zu bytes) is spent; answered 503", req->method,
                req->path, srv->opts.cfg->body_budget);
    http_error(req, 503, "busy", "the server is reading as many request bodies as it may; try again");
    req->res.retry_after = 1;
}

static void set_deadline(http_request *req, long long deadline_ms)
{
    if (req->track)
        atomic_store(&req->track->deadline_ms, deadline_ms);
}

/*
 * What the headers alone decide, on the first call for a request (before any body is read
 * and before "100 Continue"): the preflight, the route, a body over the limit, a body on a
 * route that takes none, the token and role (opts.admit), the body budget. Returns 0 to
 * read the body, 1 after answering with the body (if any) to be drained first, or -1 after
 * answering at once.
 *
 * A refused request's body is never kept. When the client asked "Expect: 100-continue", the
 * answer goes at once, before "100 Continue" (libmicrohttpd then sends no 100, never reads
 * the body and closes the connection after the answer). Otherwise the client is sending it
 * anyway: it is read and thrown away (up to the request deadline) before the answer, so that
 * the client reads the answer instead of a reset.
 */
/* Answers 431 when the request line and headers are over HEADER_BYTES_MAX bytes or
 * HEADER_FIELDS_MAX fields. Returns 1 after answering. */
static int headers_too_large(http_request *req)
{
    problem p;
    problem_init(&p);
    int over = http_headers_fit(req, HEADER_BYTES_MAX, HEADER_FIELDS_MAX, &p) < 0;
    if (over)
        http_problem(req, &p);
    problem_clear(&p);
    return over;
}

static int admit_headers(http_server *srv, http_request *req)
{
    const config *cfg = srv->opts.cfg;
    const char *cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    const char *expect = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    unsigned long long length = cl ? strtoull(cl, NULL, 10) : 0;
    int has_body = length > 0 || te != NULL;
    int refuse = has_body && expect ? -1 : 1;
    if (headers_too_large(req))
        return -1; /* the connection closes: its next bytes may be more of the same */
    if (length > cfg->max_body) {
        log_limited(&body_log, LOG_WARN, "%s %s: a body of %llu bytes refused before it was read", req->method,
                    req->path, length);
        http_error(req, 413, "body_too_large", "the body is larger than %zu bytes", cfg->max_body);
        return refuse;
    }
    if (strcmp(req->method, "OPTIONS") == 0 && http_header(req, "Origin")) {
        answer_preflight(srv, req);
        return refuse;
    }
    char allow[96];
    switch (router_match(srv->opts.routes, srv->opts.nroutes, req->method, req->path, &req->route, req->ids, &req->nids,
                         allow, sizeof allow)) {
    case ROUTE_NOT_FOUND: http_error(req, 404, "not_found", "no resource at %s", req->path); return refuse;
    case ROUTE_BAD_METHOD:
        http_error(req, 405, "method_not_allowed", "%s is not allowed on %s", req->method, req->path);
        snprintf(req->res.allow, sizeof req->res.allow, "%s", allow);
        return refuse;
    case ROUTE_FOUND: break;
    }
    if (negotiate_format_refused(req) || negotiate_refuse_early(req))
        return refuse;
    if (!has_body)
        return 0;
    if (req->route->roles == 0) {
        http_error(req, 413, "body_too_large", "%s %s takes no body", req->method, req->path);
        return refuse;
    }
    if (srv->opts.admit && srv->opts.admit(req) < 0)
        return refuse;
    req->admitted = srv->opts.admit != NULL;
    if (length > 0) {
        if (budget_take(srv, length) < 0) {
            answer_busy(srv, req);
            return refuse;
        }
        req->body_reserved = length;
    }
    return 0;
}

/* Stops keeping the body: gives its memory and budget back; the rest will be drained. */
static void drop_body(http_server *srv, http_request *req)
{
    buf_free(&req->body);
    atomic_fetch_sub(&srv->buffered, req->body_reserved);
    req->body_reserved = 0;
}

/* Set while this worker closes a connection on purpose (answer_mid_body): libmicrohttpd then
 * logs "Application reported internal error", which it is not. */
static _Thread_local int closing_on_purpose;

/*
 * Sends the answer of a request refused in the middle of its body (a chunked body past the limit
 * or the budget) and closes the connection without reading the rest: returns MHD_NO, on which
 * libmicrohttpd closes it. libmicrohttpd 0.9.75 queues an answer only before the body or after
 * all of it (MHD_queue_response refuses one in between), so the answer is written to the socket
 * here: a few hundred bytes, on a socket that has nothing else to send while it receives. Over
 * TLS the socket carries records, not the answer's bytes: there the rest of the body is read and
 * thrown away (never kept) and libmicrohttpd sends the answer after it.
 */
static enum MHD_Result answer_mid_body(http_server *srv, http_request *req)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (srv->tls_cert || !ci)
        return MHD_YES;
    const http_response *r = &req->res;
    const char *reason = MHD_get_reason_phrase_for((unsigned)r->status);
    char retry[32] = "";
    if (r->retry_after > 0)
        snprintf(retry, sizeof retry, "Retry-After: %d\r\n", r->retry_after);
    buf b;
    buf_init(&b, 64 * 1024);
    buf_printf(&b,
               "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n"
               "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n",
               r->status, reason ? reason : "", r->content_type ? r->content_type : "application/problem+json", r->len,
               retry);
    buf_append(&b, r->body ? r->body : "", r->len);
    if (!b.failed) {
        size_t off = 0;
        while (off < b.len) {
            ssize_t w = send(ci->connect_fd, b.data + off, b.len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        shutdown(ci->connect_fd, SHUT_WR); /* the answer, then the end of the stream */
    }
    buf_free(&b);
    closing_on_purpose = 1;
    return MHD_NO;
}

/* Keeps n bytes of the body, or drains them when the request is already answered. A chunked
 * body that goes past the limit or the budget is answered 413 or 503 at once and the connection
 * closed (answer_mid_body). Returns MHD_NO when out of memory or when it closed the connection. */
static enum MHD_Result take_body(http_server *srv, http_request *req, const char *data, size_t n)
{
    if (req->answered)
        return MHD_YES;
    const config *cfg = srv->opts.cfg;
    size_t need = req->body.len + n;
    if (need > cfg->max_body) {
        log_limited(&body_log, LOG_WARN, "%s %s: a chunked body went past %zu bytes; answered 413", req->method,
                    req->path, cfg->max_body);
        drop_body(srv, req);
        http_error(req, 413, "body_too_large", "the body is larger than %zu bytes", cfg->max_body);
        return answer_mid_body(srv, req);
    }
    if (need > req->body_reserved) {
        size_t more = need - req->body_reserved;
        more = (more + BUDGET_STEP - 1) / BUDGET_STEP * BUDGET_STEP;
        if (req->body_reserved + more > cfg->max_body)
            more = cfg->max_body - req->body_reserved;
        if (budget_take(srv, more) < 0) {
            drop_body(srv, req);
            answer_busy(srv, req);
            return answer_mid_body(srv, req);
        }
        req->body_reserved += more;
    }
    if (req->body.len == 0 && buf_reserve(&req->body, req->body_reserved) < 0)
        return MHD_NO;
    return buf_append(&req->body, data, n) < 0 ? MHD_NO : MHD_YES;
}

/* Runs the route's handler and the checks of its answer, on the calling thread. */
static void run_dispatch(http_server *srv, http_request *req)
{
    running = req;
    srv->opts.dispatch(req);
    running = NULL;
    negotiate_format_checked(req);
    negotiate_check_answer(req);
}

/* Answers 503 stopping: the server takes no more heavy work. */
static void answer_stopping(http_request *req)
{
    http_error(req, 503, "stopping", "the server is stopping; try again");
    req->res.retry_after = 1;
}

/* A heavy thread's job (http/heavy.h): answers the suspended request, then resumes its
 * connection. Never touches req after the resume: libmicrohttpd may free it at once. */
static void run_heavy(void *cls, void *job, int refused)
{
    http_server *srv = cls;
    http_request *req = job;
    struct MHD_Connection *conn = req->conn;
    if (refused)
        answer_stopping(req);
    else
        run_dispatch(srv, req);
    if (!req->answered) /* else the access handler, called again on resume, would queue it again */
        http_error(req, 500, "internal", "the request was not answered");
    MHD_resume_connection(conn);
}

/* Answers 503: every heavy thread is busy and the queue is full (or, share = 1, the caller's key
 * keeps its share of it), or the server is stopping. The request never waits on a libmicrohttpd
 * worker, where it would hold up its other connections. */
static void answer_heavy_busy(http_server *srv, http_request *req, int share)
{
    if (atomic_load(&srv->stopping)) { /* the heavy threads are stopped, or stopping */
        answer_stopping(req);
        return;
    }
    metrics_heavy_refused();
    log_limited(&heavy_log, LOG_WARN, "%s %s: %s (CICLO_HEAVY_QUEUE); answered 503", req->method, req->path,
                share ? "the caller's key holds its share of the heavy queue" : "the heavy queue is full");
    http_error(req, 503, "busy", "%s; try again",
               share ? "your heavy requests hold as many places of the queue as one caller may"
                     : "the server is running as many heavy requests as it may");
    req->res.retry_after = 1;
}

static conn_track *track_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Called by libmicrohttpd when a request line is in (MHD_OPTION_URI_LOG_CALLBACK): its headers
 * must follow within CICLO_HEADER_TIMEOUT, and the whole request within CICLO_REQUEST_TIMEOUT
 * of now (set on the access handler's first call). Returns the request's first con_cls: none. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)uri;
    http_server *srv = cls;
    conn_track *t = track_of(conn);
    if (!t)
        return NULL;
    long long guarded = srv->guard ? http_guard_line_ms(srv->guard, t->fd) : 0;
    long long now = guarded ? guarded : now_ms(); /* the guard saw the line first */
    long long headers_by = now + (long long)srv->opts.cfg->header_timeout_s * 1000;
    long long d = atomic_load(&t->deadline_ms);
    atomic_store(&t->request_ms, now);
    if (d && headers_by < d)
        atomic_store(&t->deadline_ms, headers_by);
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)version;
    http_server *srv = cls;
    http_request *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &req->started);
        req->conn = conn;
        req->method = method;
        req->path = url;
        req->track = track_of(conn);
        buf_init(&req->body, srv->opts.cfg->max_body);
        *con_cls = req;
        atomic_fetch_add(&srv->in_flight, 1);
        if (req->track) { /* the headers are in: the body may take what is left of the request's time */
            long long since = atomic_load(&req->track->request_ms);
            set_deadline(req, (since ? since : now_ms()) + (long long)srv->opts.cfg->request_timeout_s * 1000);
        }
        if (admit_headers(srv, req) < 0) {
            set_deadline(req, 0);
            return send_answer(srv, req); /* the body, if any, is never read */
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        enum MHD_Result r = take_body(srv, req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return r;
    }
    set_deadline(req, 0); /* the request is whole: answering it has no deadline */
    if (!req->answered) {
        /* a heavy route's handler runs on a heavy thread, which resumes the connection when it
         * has answered: libmicrohttpd then calls here again, with req->answered set */
        if (srv->heavy && req->route && (req->route->flags & ROUTE_HEAVY)) {
            /* only a caller whose token holds, in a role the route admits, waits for a heavy
             * thread: anyone else is answered here (401, 403) and takes no place in the queue */
            int refused = !req->admitted && req->route->roles && srv->opts.admit && srv->opts.admit(req) < 0;
            int64_t key = !refused && srv->opts.heavy_key ? srv->opts.heavy_key(req) : -1;
            int kept = refused ? -1 : http_heavy_reserve(srv->heavy, key);
            if (kept == 0) {
                MHD_suspend_connection(conn);
                http_heavy_push(srv->heavy, key, req);
                return MHD_YES;
            }
            if (!refused)
                answer_heavy_busy(srv, req, kept == -2);
        } else {
            run_dispatch(srv, req);
        }
    }
    return send_answer(srv, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    http_server *srv = cls;
    http_request *req = *con_cls;
    if (!req)
        return;
    long long us = micros_since(&req->started);
    int status = req->answered ? req->res.status : 0;
    metrics_request(status, us);
    const char *early = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed early)";
    if (status == 401) /* anyone can cause these at will: a flood must not fill the log */
        log_limited(&unauthorized_log, LOG_INFO, "%s %s %d %lldus%s", req->method, req->path, status, us, early);
    else
        log_info("%s %s %d %lldus%s", req->method, req->path, status, us, early);
    /* a heavy route may have used much memory whatever it answered (a 503 for a document over
     * its limit came after the whole plan was loaded) */
    if (req->body_reserved >= LARGE_REQUEST || req->res.len >= LARGE_REQUEST ||
        (req->route && (req->route->flags & ROUTE_HEAVY)))
        atomic_store(&srv->trim_wanted, 1);
    atomic_fetch_sub(&srv->buffered, req->body_reserved);
    /* the next request on this connection must arrive whole in time, from now */
    set_deadline(req, now_ms() + (long long)srv->opts.cfg->request_timeout_s * 1000);
    buf_free(&req->body);
    free(req->res.body);
    if (req->res.has_file) /* never handed to libmicrohttpd */
        close(req->res.file);
    free(req);
    *con_cls = NULL;
    atomic_store(&srv->last_end_ms, now_ms());
    atomic_fetch_sub(&srv->in_flight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    http_server *srv = cls;
    conn_track *t = *socket_context;
    if (srv->guard) { /* it counts the connections libmicrohttpd serves against the caps */
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr)
            (code == MHD_CONNECTION_NOTIFY_STARTED ? http_guard_opened : http_guard_closed)(srv->guard, ci->client_addr);
    }
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        t = calloc(1, sizeof *t);
        if (!t)
            return; /* this connection has only the idle timeout */
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        t->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
        atomic_init(&t->deadline_ms, now_ms() + (long long)srv->opts.cfg->request_timeout_s * 1000);
        pthread_mutex_lock(&srv->track_lock);
        t->next = srv->tracks;
        if (srv->tracks)
            srv->tracks->prev = t;
        srv->tracks = t;
        pthread_mutex_unlock(&srv->track_lock);
        *socket_context = t;
        return;
    }
    if (!t)
        return;
    /* libmicrohttpd closes the socket after this call: under the lock, the watchdog never
     * shuts down a descriptor that already belongs to another connection */
    pthread_mutex_lock(&srv->track_lock);
    DLIST_UNLINK(srv->tracks, t);
    pthread_mutex_unlock(&srv->track_lock);
    free(t);
    *socket_context = NULL;
}

/* Shuts down every connection past its deadline (libmicrohttpd then sees it closed and
 * frees it on its own thread). Returns how many. */
static int cut_late_connections(http_server *srv, long long now)
{
    int cut = 0;
    pthread_mutex_lock(&srv->track_lock);
    for (conn_track *t = srv->tracks; t; t = t->next) {
        long long d = atomic_load(&t->deadline_ms);
        if (d && d <= now && t->fd != MHD_INVALID_SOCKET) {
            shutdown(t->fd, SHUT_RDWR);
            atomic_store(&t->deadline_ms, 0);
            cut++;
        }
    }
    pthread_mutex_unlock(&srv->track_lock);
    return cut;
}

/*
 * The watchdog thread: four times a second, cuts off the connections whose request is late
 * (CICLO_REQUEST_TIMEOUT: libmicrohttpd's own timeout only counts idleness, which a client
 * sending a byte now and then never shows); once a second, writes the counts of limited log
 * lines; and, once the server has been idle for half a second after a large request, gives
 * the allocator's free memory back to the system (malloc_trim: tune_allocator keeps up to
 * 64 MB per arena between requests, which is right under load and wrong at rest).
 */
static void *watchdog(void *arg)
{
    http_server *srv = arg;
    for (int tick = 0; !atomic_load(&srv->watchdog_stop); tick++) {
        usleep(250000);
        long long now = now_ms();
        int cut = cut_late_connections(srv, now);
        metrics_connections_cut(cut);
        if (cut)
            log_limited(&cut_log, LOG_WARN, "%d connection(s) cut off: no whole request within %d s", cut,
                        srv->opts.cfg->request_timeout_s);
        if (tick % 4 == 0)
            log_flush_limited();
#ifdef __GLIBC__
        if (atomic_load(&srv->trim_wanted) && atomic_load(&srv->in_flight) == 0 &&
            now - atomic_load(&srv->last_end_ms) >= 500) {
            atomic_store(&srv->trim_wanted, 0);
            malloc_trim(0);
        }
#endif
    }
    return NULL;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes %HH in the path and query arguments, except %00: a NUL would cut the string short
 * ("/v1/plans/1%00x" read as "/v1/plans/1"), so it stays as the three characters. */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r;) {
        int hi, lo;
        if (r[0] == '%' && (hi = hex_digit(r[1])) >= 0 && (lo = hex_digit(r[2])) >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (closing_on_purpose && strstr(line, "reported internal error")) {
        closing_on_purpose = 0;
        return;
    }
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    log_warn("http: %s", line);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b;
    buf_init(&b, 1 << 20);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (b.failed) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

/*
 * The allocator's policy for a server whose large answers (a plan's scores: tens of MB of
 * rows, model and JSON, freed at the end of the request) come again and again. glibc gives
 * such memory back to the kernel after each request (trim, munmap) and the next request
 * faults it in again, zeroed: on the reference machine that was two thirds of a scores
 * request. Keeping up to 64 MB per allocator arena, with one arena per core, bounds what
 * is kept (bench/memory.sh: RSS after a burst of scores) and removes the faults
 * (bench/scores.sh). GLIBC_TUNABLES, when set, is the operator's choice and wins.
 */
static void tune_allocator(void)
{
#ifdef __GLIBC__
    if (getenv("GLIBC_TUNABLES"))
        return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_ARENA_MAX, cores < 2 ? 2 : cores > 64 ? 64 : (int)cores);
#endif
}

/* Raises the soft limit of open files to what max_connections needs (a connection is a
 * descriptor; the database pool, logs and TLS files need a few more). Returns how many
 * connections the limit allows. */
static int fit_open_files(int max_connections)
{
    const rlim_t spare = 256;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return max_connections;
    rlim_t want = (rlim_t)max_connections + spare;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        int fit = rl.rlim_cur > spare + 16 ? (int)(rl.rlim_cur - spare) : 16;
        log_warn("the open-file limit (%llu) allows %d connections, not CICLO_MAX_CONNECTIONS=%d",
                 (unsigned long long)rl.rlim_cur, fit, max_connections);
        return fit;
    }
    return max_connections;
}

http_server *http_server_start(const http_server_opts *opts, char *err, size_t errlen)
{
    tune_allocator();
    http_spool_bytes(opts->cfg->spool_bytes);
    const config *cfg = opts->cfg;
    int max_connections = fit_open_files(cfg->max_connections);
    http_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    srv->opts = *opts;
    pthread_mutex_init(&srv->track_lock, NULL);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    /* suspend and resume: a heavy route's connection waits, suspended, for a heavy thread */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    const char *host = cfg->listen_host[0] ? cfg->listen_host : "0.0.0.0";
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)cfg->listen_port);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)cfg->listen_port);
        flags |= MHD_USE_IPv6;
    } else if (strcmp(host, "localhost") == 0) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)cfg->listen_port);
        inet_pton(AF_INET, "127.0.0.1", &v4->sin_addr);
    } else {
        snprintf(err, errlen, "CICLO_LISTEN host %s is not an IP address", host);
        free(srv);
        return NULL;
    }
    if (cfg->tls_cert) {
        srv->tls_cert = read_file(cfg->tls_cert);
        srv->tls_key = read_file(cfg->tls_key);
        if (!srv->tls_cert || !srv->tls_key) {
            snprintf(err, errlen, "cannot read CICLO_TLS_CERT or CICLO_TLS_KEY");
            free(srv->tls_cert);
            free(srv->tls_key);
            free(srv);
            return NULL;
        }
        flags |= MHD_USE_TLS;
    } else { /* plain HTTP: the guard owns the listening socket (http/guard.h) */
        char why[128];
        int fd = http_guard_listen((struct sockaddr *)&ss, v6->sin6_family == AF_INET6 ? sizeof *v6 : sizeof *v4, why,
                                   sizeof why);
        if (fd < 0)
            snprintf(err, errlen, "cannot listen on %s:%d (%s)", host, cfg->listen_port, why);
        srv->guard = fd < 0 ? NULL : http_guard_new(fd, cfg, max_connections, err, errlen);
        if (!srv->guard) {
            free(srv);
            return NULL;
        }
        flags |= MHD_USE_NO_LISTEN_SOCKET;
    }
    struct MHD_OptionItem tls_opts[] = {
        {srv->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->tls_cert},
        {srv->tls_key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, srv->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    /* before the daemon: no request can come before it */
    srv->heavy = http_heavy_new(cfg->heavy_threads, cfg->heavy_queue, run_heavy, srv);
    if (!srv->heavy)
        log_warn("no heavy threads: heavy requests run on the HTTP workers");
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, srv, MHD_OPTION_URI_LOG_CALLBACK, on_request_line, srv, MHD_OPTION_UNESCAPE_CALLBACK,
        on_unescape, NULL, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%d (in use, or not allowed)", host, cfg->listen_port);
        if (srv->heavy) {
            http_heavy_stop(srv->heavy);
            http_heavy_free(srv->heavy);
        }
        if (srv->guard) {
            http_guard_stop(srv->guard);
            http_guard_free(srv->guard);
        }
        free(srv->tls_cert);
        free(srv->tls_key);
        free(srv);
        return NULL;
    }
    if (srv->guard && http_guard_run(srv->guard, srv->daemon, err, errlen) < 0) {
        http_guard_stop(srv->guard);
        MHD_stop_daemon(srv->daemon);
        if (srv->heavy) {
            http_heavy_stop(srv->heavy);
            http_heavy_free(srv->heavy);
        }
        http_guard_free(srv->guard);
        free(srv);
        return NULL;
    }
    srv->watchdog_running = pthread_create(&srv->watchdog, NULL, watchdog, srv) == 0;
    if (!srv->watchdog_running)
        log_warn("no watchdog thread: requests have only the idle timeout");
    return srv;
}

void http_server_stop(http_server *srv, int grace_s)
{
    atomic_store(&srv->stopping, 1);
    if (srv->guard) {
        http_guard_stop(srv->guard);
    } else {
        MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
    }
    for (int waited_ms = 0; atomic_load(&srv->in_flight) > 0 && waited_ms < grace_s * 1000; waited_ms += 20)
        usleep(20000);
    if (atomic_load(&srv->in_flight) > 0)
        log_warn("stopping with %d requests still open", atomic_load(&srv->in_flight));
    /* before libmicrohttpd stops, no connection may stay suspended: the heavy requests running
     * finish (each resumes its connection), those still waiting are answered 503. Its workers
     * still serve the connections left open (an idle keep-alive one may send a heavy request):
     * the stopped pool refuses those, and is freed only once the daemon is stopped */
    if (srv->heavy)
        http_heavy_stop(srv->heavy);
    if (srv->watchdog_running) {
        atomic_store(&srv->watchdog_stop, 1);
        pthread_join(srv->watchdog, NULL);
    }
    MHD_stop_daemon(srv->daemon);
    if (srv->heavy)
        http_heavy_free(srv->heavy);
    if (srv->guard)
        http_guard_free(srv->guard);
    pthread_mutex_destroy(&srv->track_lock);
    free(srv->tls_cert);
    free(srv->tls_key);
    free(srv);
}
