/*
 * guard.h — the front guard of plain-HTTP connections (docs/SECURITY.md, "Every answer is
 * problem+json").
 *
 * The server owns the listening socket; libmicrohttpd is started without one. The guard's
 * thread accepts each connection, peeks (MSG_PEEK: nothing is consumed) at its first request's
 * header block until it is whole, and judges it (http/headcheck.h): a block libmicrohttpd would
 * refuse in HTML is answered here as problem+json and the connection closed; any other
 * connection is handed to libmicrohttpd (MHD_add_connection) with its bytes untouched, and is
 * never seen here again.
 *
 * While it holds a connection the guard applies the server's limits itself: the caps on
 * connections in all (CICLO_MAX_CONNECTIONS) and per client address (CICLO_PER_IP_CONNECTIONS),
 * counting those it holds and those libmicrohttpd serves (http_guard_opened, _closed); the
 * request deadline (CICLO_REQUEST_TIMEOUT from the connection's opening, CICLO_HEADER_TIMEOUT
 * from its request line) and the idle timeout (CICLO_CONNECTION_TIMEOUT). With TLS the guard
 * cannot read the bytes and is not used (server.c).
 */
#ifndef CICLO_GUARD_H
#define CICLO_GUARD_H
#include <microhttpd.h>
#include <sys/socket.h>

#include "core/config.h"

typedef struct http_guard http_guard;

/* Opens a listening TCP socket on addr (IPv6 sockets accept IPv6 only, as libmicrohttpd's
 * did). Returns the descriptor, or -1 after writing why into err. */
int http_guard_listen(const struct sockaddr *addr, socklen_t addrlen, char *err, size_t errlen);

/* A guard for listen_fd, which it owns from now on (also on failure), with the caps and
 * deadlines of cfg (borrowed for the guard's lifetime) and max_connections. Accepts nothing
 * before http_guard_run. Returns NULL after writing why into err. */
http_guard *http_guard_new(int listen_fd, const config *cfg, int max_connections, char *err, size_t errlen);
/* Starts the guard's thread, handing connections to daemon, which must run with
 * MHD_USE_NO_LISTEN_SOCKET and MHD_USE_ITC. Returns 0, or -1 after writing why into err. */
int http_guard_run(http_guard *g, struct MHD_Daemon *daemon, char *err, size_t errlen);

/* Stops accepting and closes every connection the guard holds. Connections already handed to
 * libmicrohttpd are not touched; http_guard_opened and _closed may still be called. */
void http_guard_stop(http_guard *g);
/* Frees the stopped guard, once libmicrohttpd is stopped too. */
void http_guard_free(http_guard *g);

/* A connection starts, or ends, in libmicrohttpd (its MHD_OPTION_NOTIFY_CONNECTION): counted
 * against the caps. Any thread. */
void http_guard_opened(http_guard *g, const struct sockaddr *addr);
void http_guard_closed(http_guard *g, const struct sockaddr *addr);

/* When the request line of the first request on connection fd reached the guard (monotonic
 * ms), once: 0 when it did not come through the guard, or was asked for already. Any thread. */
long long http_guard_line_ms(http_guard *g, int fd);

#endif
