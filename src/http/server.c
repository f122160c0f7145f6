#include "http/server.h"

#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"

struct http_server {
    struct MHD_Daemon *daemon;
    http_server_opts opts;
    atomic_int in_flight;
    atomic_int stopping;
    char *tls_cert;
    char *tls_key;
};

/* The Server-Timing of the answer this worker thread is building (http_server_timing). A
 * worker runs a request's handler and sends its answer in the same call (on_request). */
static _Thread_local char server_timing[256];

void http_server_timing(const char *value) { snprintf(server_timing, sizeof server_timing, "%s", value); }

/* Each connection's memory pool (request line, headers, the read and write buffers; bodies
 * stream through it). libmicrohttpd zeroes the whole pool after every request, so every
 * open keep-alive connection keeps all of it resident: 32 KiB (its default) holds headers
 * of a few KiB with room to spare and keeps 1,000 open connections near 32 MB. */
#define CONNECTION_MEMORY (32 * 1024)

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
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"", r->body ? MHD_RESPMEM_MUST_FREE
                                                                                         : MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    r->body = NULL; /* MHD owns it now */
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
    if (server_timing[0]) {
        MHD_add_response_header(resp, "Server-Timing", server_timing);
        server_timing[0] = '\0';
    }
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    const char *origin = allowed_origin(srv, req);
    if (origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(resp, "Access-Control-Expose-Headers", "ETag, Location, Retry-After, Link");
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
    http_body(req, allowed_origin(srv, req) ? 204 : 403, NULL, NULL, 0);
}

static void handle(http_server *srv, http_request *req)
{
    if (req->body_too_large) {
        http_error(req, 413, "body_too_large", "the body is larger than %zu bytes", srv->opts.cfg->max_body);
        return;
    }
    if (strcmp(req->method, "OPTIONS") == 0 && http_header(req, "Origin")) {
        answer_preflight(srv, req);
        return;
    }
    char allow[96];
    switch (router_match(srv->opts.routes, srv->opts.nroutes, req->method, req->path, &req->route, req->ids,
                         &req->nids, allow, sizeof allow)) {
    case ROUTE_NOT_FOUND:
        http_error(req, 404, "not_found", "no resource at %s", req->path);
        return;
    case ROUTE_BAD_METHOD:
        http_error(req, 405, "method_not_allowed", "%s is not allowed on %s", req->method, req->path);
        snprintf(req->res.allow, sizeof req->res.allow, "%s", allow);
        return;
    case ROUTE_FOUND:
        break;
    }
    srv->opts.dispatch(req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
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
        buf_init(&req->body, srv->opts.cfg->max_body);
        *con_cls = req;
        atomic_fetch_add(&srv->in_flight, 1);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > srv->opts.cfg->max_body)
            req->body_too_large = 1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!req->body_too_large && buf_append(&req->body, upload_data, *upload_data_size) < 0)
            req->body_too_large = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    server_timing[0] = '\0';
    handle(srv, req);
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
    log_info("%s %s %d %lldus%s", req->method, req->path, status, us,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed early)");
    buf_free(&req->body);
    free(req->res.body);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
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

http_server *http_server_start(const http_server_opts *opts, char *err, size_t errlen)
{
    tune_allocator();
    const config *cfg = opts->cfg;
    http_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    srv->opts = *opts;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
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
    }
    struct MHD_OptionItem tls_opts[] = {
        {srv->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->tls_cert},
        {srv->tls_key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, srv->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
        MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%d (in use, or not allowed)", host, cfg->listen_port);
        free(srv->tls_cert);
        free(srv->tls_key);
        free(srv);
        return NULL;
    }
    return srv;
}

void http_server_stop(http_server *srv, int grace_s)
{
    atomic_store(&srv->stopping, 1);
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    for (int waited_ms = 0; atomic_load(&srv->in_flight) > 0 && waited_ms < grace_s * 1000; waited_ms += 20)
        usleep(20000);
    if (atomic_load(&srv->in_flight) > 0)
        log_warn("stopping with %d requests still open", atomic_load(&srv->in_flight));
    MHD_stop_daemon(srv->daemon);
    free(srv->tls_cert);
    free(srv->tls_key);
    free(srv);
}
