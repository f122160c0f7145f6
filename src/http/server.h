/*
 * server.h — the HTTP server: libmicrohttpd in its internal thread-pool/epoll mode, and the
 * heavy threads (http/heavy.h) that run the routes flagged ROUTE_HEAVY while their connection is
 * suspended.
 *
 * What it guards before a handler runs (docs/SECURITY.md, "Limits before authentication"):
 * a body is read only once the headers have passed admit (the token and the role); a
 * Content-Length over the limit is refused before "100 Continue"; bodies held in memory
 * count against one budget for all connections (503 when it is spent); a request must
 * arrive whole (headers and body) within CICLO_REQUEST_TIMEOUT seconds, however slowly it
 * trickles; connections are capped in all and per client address. Over plain HTTP the first
 * request of every connection passes the front guard first (http/guard.h): what libmicrohttpd
 * would refuse in HTML is answered there as problem+json.
 */
#ifndef CICLO_SERVER_H
#define CICLO_SERVER_H
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "http/router.h"

typedef struct http_server http_server;

typedef struct http_server_opts {
    const config *cfg;   /* borrowed for the server's lifetime */
    const route *routes; /* borrowed for the server's lifetime */
    int nroutes;
    /* Called once the body is read and req->route is set, on the connection's worker thread,
     * or on a heavy thread for a ROUTE_HEAVY route (then nothing else touches req meanwhile); it
     * must answer (http_json, http_problem, ...). */
    void (*dispatch)(http_request *req);
    /* Called on a worker thread when the headers of a request that carries a body are in
     * and req->route is set, before any byte of the body is read (and before "100
     * Continue"): returns 0 to read the body, or -1 after answering (401, 403, 503), in
     * which case the body is never read and the connection is closed after the answer. */
    int (*admit)(http_request *req);
    /* Called on a worker thread, after admit, for a request of a ROUTE_HEAVY route about to be
     * queued for the heavy threads: whose request it is (a key >= 0, e.g. the caller's entity),
     * or -1 when unknown. The heavy queue is shared fairly between keys (http/heavy.h). NULL:
     * every request has the key -1 (one FIFO queue). */
    int64_t (*heavy_key)(http_request *req);
} http_server_opts;

/* Sets the Server-Timing header (RFC: W3C Server Timing, e.g. "sql;dur=12.3, json;dur=4.5")
 * of the answer whose handler runs on the calling thread (dispatch). value is copied (up to 255
 * bytes) into the request. */
void http_server_timing(const char *value);

/* Starts listening. Returns NULL after writing why into err. */
http_server *http_server_start(const http_server_opts *opts, char *err, size_t errlen);
/* Stops accepting, waits up to grace_s seconds for requests in flight to be answered (heavy
 * ones included), stops the heavy threads (those running finish; those queued are answered
 * 503), then closes every connection and frees the server. */
void http_server_stop(http_server *srv, int grace_s);

#endif
