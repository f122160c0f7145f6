/*
 * heavy.h — the small pool of threads that runs the handlers of heavy routes (ROUTE_HEAVY:
 * a plan's scores, report, documents, checks, imports, exports), so that a request of seconds
 * never holds a libmicrohttpd worker, whose other connections would wait behind it (issue 21,
 * docs/ARCHITECTURE.md "Threads"). The server suspends the connection, queues the request
 * here, and a thread of the pool runs it and resumes the connection (http/server.c).
 *
 * The queue is bounded: a request finds a place at once or is refused (the server answers
 * 503), so the thread that queues never waits. Each job carries a key (whose request: the
 * caller's entity, 0 for an admin, -1 unknown); one key keeps at most cap - max(1, cap / 4)
 * places, and a free thread takes a job of the key with the fewest running, keys taking turns
 * (http/heavyq.h): one entity's backlog never makes another's heavy request wait behind it.
 */
#ifndef CICLO_HTTP_HEAVY_H
#define CICLO_HTTP_HEAVY_H
#include <stdint.h>

typedef struct http_heavy http_heavy;

/* What a thread of the pool does with a job: run it, or (refused = 1, the pool is stopping and
 * the job never started) answer it without running it. Either way it must finish the job. */
typedef void (*http_heavy_run)(void *ctx, void *job, int refused);

/* Starts `threads` threads (at least 1) and a queue of `queue_max` waiting jobs (at least 1),
 * each job handed to run(ctx, job, 0). Returns NULL when no thread could be started or out of
 * memory. The pool is stopped by http_heavy_stop, then freed by http_heavy_free. */
http_heavy *http_heavy_new(int threads, int queue_max, http_heavy_run run, void *ctx);
/* Keeps a place in the queue for one job of key, without waiting. Returns 0, after which the
 * caller must http_heavy_push exactly one job of the same key; -1 when the queue is full or the
 * pool stopping; -2 when key keeps its share of the queue already. */
int http_heavy_reserve(http_heavy *h, int64_t key);
/* Queues job in the place kept for key by http_heavy_reserve. job is borrowed until run returns. */
void http_heavy_push(http_heavy *h, int64_t key, void *job);
/* Stops taking jobs; the jobs running finish, the jobs still waiting (and one reserved, once
 * pushed) are handed to run with refused = 1; then joins the threads. h stays valid: a later
 * http_heavy_reserve fails at once (libmicrohttpd's workers may still call it until their daemon
 * is stopped), until http_heavy_free. */
void http_heavy_stop(http_heavy *h);
/* Frees h, stopped by http_heavy_stop, once nothing may call http_heavy_reserve any more. */
void http_heavy_free(http_heavy *h);

#endif
