/* server.h — the HTTP server: libmicrohttpd in its internal thread-pool/epoll mode. */
#ifndef CICLO_SERVER_H
#define CICLO_SERVER_H
#include <stddef.h>

#include "core/config.h"
#include "http/router.h"

typedef struct http_server http_server;

typedef struct http_server_opts {
    const config *cfg;       /* borrowed for the server's lifetime */
    const route *routes;     /* borrowed for the server's lifetime */
    int nroutes;
    /* Called on a worker thread once the body is read and req->route is set; it must
     * answer (http_json, http_problem, ...). */
    void (*dispatch)(http_request *req);
} http_server_opts;

/* Sets the Server-Timing header (RFC: W3C Server Timing, e.g. "sql;dur=12.3, json;dur=4.5")
 * of the answer being built on the calling worker thread. value is copied (up to 255 bytes). */
void http_server_timing(const char *value);

/* Starts listening. Returns NULL after writing why into err. */
http_server *http_server_start(const http_server_opts *opts, char *err, size_t errlen);
/* Stops accepting, waits up to grace_s seconds for requests in flight to be answered,
 * then closes every connection and frees the server. */
void http_server_stop(http_server *srv, int grace_s);

#endif
