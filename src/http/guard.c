#define _GNU_SOURCE /* accept4 */
#include "http/guard.h"

#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "codec/rule_json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/problem.h"
#include "http/dlist.h"
#include "http/headcheck.h"

/* A connection the guard holds: its header block is not whole yet, or it was refused and its
 * remaining bytes are being drained before the close. In the guard's list; its thread only. */
typedef struct pending {
    struct pending *prev, *next;
    int fd;
    int draining; /* answered: read and dropped until the peer closes or the deadline */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    long long deadline_ms, last_ms, line_ms; /* monotonic; line_ms 0 until the request line */
} pending;

/* Connections open from one client address (held here or served by libmicrohttpd). */
typedef struct addr_count {
    struct addr_count *next;
    int family;
    unsigned char key[16];
    int n;
} addr_count;

#define ADDR_BUCKETS 1024
/* A refused connection's answer has this long to be read before the close. */
#define DRAIN_MS 2000
#define TICK_MS 250

struct http_guard {
    struct MHD_Daemon *daemon;
    const config *cfg;
    int max_connections;
    int listen_fd, epfd;
    pthread_t thread;
    int running;
    atomic_int stop;
    pending *list;
    long long accept_paused_until; /* out of descriptors: the listening socket rests until then */
    pthread_mutex_t lock;          /* guards total and buckets */
    int total;
    addr_count *buckets[ADDR_BUCKETS];
    atomic_llong *line_ms; /* by descriptor, [nline] */
    size_t nline;
};

static log_limiter refused_log = LOG_LIMITER("requests refused by the guard", 20, 60);
static log_limiter guard_cut_log = LOG_LIMITER("connections cut off before their headers", 5, 60);

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The address's bytes and family (the port is not part of it). Returns their length. */
static size_t addr_key(const struct sockaddr *a, int *family, unsigned char key[16])
{
    *family = a->sa_family;
    if (a->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
        return 16;
    }
    memset(key, 0, 16);
    if (a->sa_family == AF_INET)
        memcpy(key, &((const struct sockaddr_in *)a)->sin_addr, 4);
    return 4;
}

static unsigned bucket_of(const unsigned char *key, size_t n)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ key[i]) * 16777619u;
    return h % ADDR_BUCKETS;
}

/* The count of a's address, made when missing (NULL when out of memory). Under g->lock. */
static addr_count *count_of(http_guard *g, const struct sockaddr *a, int make)
{
    int family;
    unsigned char key[16];
    size_t n = addr_key(a, &family, key);
    addr_count **b = &g->buckets[bucket_of(key, n)];
    for (addr_count *c = *b; c; c = c->next)
        if (c->family == family && memcmp(c->key, key, 16) == 0)
            return c;
    if (!make)
        return NULL;
    addr_count *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->family = family;
    memcpy(c->key, key, 16);
    c->next = *b;
    *b = c;
    return c;
}

/* Counts one more connection from a. With check, refuses (returns -1, counts nothing) when
 * the total or a's share is at its cap. */
static int count_add(http_guard *g, const struct sockaddr *a, int check)
{
    int ok = 0;
    pthread_mutex_lock(&g->lock);
    addr_count *c = count_of(g, a, 1);
    int per_ip = g->cfg->per_ip_connections;
    if (check && (g->total >= g->max_connections || !c || (per_ip > 0 && c->n >= per_ip)))
        ok = -1;
    else {
        g->total++;
        if (c)
            c->n++;
    }
    pthread_mutex_unlock(&g->lock);
    return ok;
}

static void count_del(http_guard *g, const struct sockaddr *a)
{
    pthread_mutex_lock(&g->lock);
    g->total--;
    addr_count *c = count_of(g, a, 0);
    if (c && --c->n <= 0) { /* unlinked: the table holds only addresses with connections open */
        int family;
        unsigned char key[16];
        size_t n = addr_key(a, &family, key);
        for (addr_count **b = &g->buckets[bucket_of(key, n)]; *b; b = &(*b)->next)
            if (*b == c) {
                *b = c->next;
                free(c);
                break;
            }
    }
    pthread_mutex_unlock(&g->lock);
}

void http_guard_opened(http_guard *g, const struct sockaddr *addr) { count_add(g, addr, 0); }
void http_guard_closed(http_guard *g, const struct sockaddr *addr) { count_del(g, addr); }

long long http_guard_line_ms(http_guard *g, int fd)
{
    if (fd < 0 || (size_t)fd >= g->nline)
        return 0;
    return atomic_exchange(&g->line_ms[fd], 0);
}

static void unlink_pending(http_guard *g, pending *p)
{
    DLIST_UNLINK(g->list, p);
    count_del(g, (struct sockaddr *)&p->addr);
}

static void close_pending(http_guard *g, pending *p)
{
    unlink_pending(g, p);
    close(p->fd); /* also leaves the epoll set */
    free(p);
}

/* Gives the connection to libmicrohttpd, which reads its request from the first byte. */
static void hand_off(http_guard *g, pending *p, long long now)
{
    epoll_ctl(g->epfd, EPOLL_CTL_DEL, p->fd, NULL);
    unlink_pending(g, p);
    if ((size_t)p->fd < g->nline)
        atomic_store(&g->line_ms[p->fd], p->line_ms ? p->line_ms : now);
    /* on refusal (its own caps) libmicrohttpd has closed the socket */
    MHD_add_connection(g->daemon, p->fd, (struct sockaddr *)&p->addr, p->addrlen);
    free(p);
}

/* Drops what the socket holds (the peeked block, part of a body) so that the close that follows
 * the answer is not a reset. Returns 0 at the end of the stream or on an error. */
static int drain(int fd)
{
    char sink[16 * 1024];
    for (int i = 0; i < 16; i++) {
        ssize_t r = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (r > 0)
            continue;
        return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
    return 1;
}

/* Answers v as problem+json, then drains the connection until the peer closes (or DRAIN_MS). */
static void answer(http_guard *g, pending *p, const head_verdict *v, long long now)
{
    problem pr;
    problem_init(&pr);
    problem_set(&pr, v->status, v->code, "%s", v->detail);
    json_t *j = problem_to_json(&pr);
    problem_clear(&pr);
    char *body = j ? rule_json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    char date[40];
    time_t t = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&t, &tm));
    char head[512];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(
        head, sizeof head,
        "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
        "Content-Length: %zu\r\nDate: %s\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n",
        v->status, problem_title(v->status), blen, date);
    int open = drain(p->fd);
    struct iovec iov[2] = {{head, (size_t)n}, {body, blen}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = body ? 2 : 1};
    sendmsg(p->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT); /* a fresh connection's buffer holds it */
    free(body);
    metrics_request(v->status, 0);
    log_limited(&refused_log, LOG_INFO, "a request refused before libmicrohttpd: %d %s: %s", v->status, v->code,
                v->detail);
    shutdown(p->fd, SHUT_WR);
    if (!open) {
        close_pending(g, p);
        return;
    }
    p->draining = 1;
    p->deadline_ms = now + DRAIN_MS;
}

/* The connection has something new to read (or was closed by its peer). */
static void on_readable(http_guard *g, pending *p, unsigned events, long long now)
{
    if (p->draining) {
        if (!drain(p->fd))
            close_pending(g, p);
        return;
    }
    char block[HEAD_BYTES_MAX];
    ssize_t r = recv(p->fd, block, sizeof block, MSG_PEEK | MSG_DONTWAIT);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (r <= 0) { /* closed before a whole request: nothing to answer */
        close_pending(g, p);
        return;
    }
    p->last_ms = now;
    head_verdict v;
    switch (head_check(block, (size_t)r, &v)) {
    case HEAD_PASS: hand_off(g, p, now); return;
    case HEAD_REFUSE: answer(g, p, &v, now); return;
    case HEAD_MORE: break;
    }
    if (v.line_whole && !p->line_ms) {
        long long headers_by = now + (long long)g->cfg->header_timeout_s * 1000;
        p->line_ms = now;
        if (headers_by < p->deadline_ms)
            p->deadline_ms = headers_by;
    }
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) /* no more bytes will come */
        close_pending(g, p);
}

static void accept_all(http_guard *g, long long now)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(g->listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                struct epoll_event ev = {.events = 0, .data.ptr = NULL};
                epoll_ctl(g->epfd, EPOLL_CTL_MOD, g->listen_fd, &ev);
                g->accept_paused_until = now + 100;
            }
            return; /* EAGAIN, or a connection that died in the backlog */
        }
        if (count_add(g, (struct sockaddr *)&ss, 1) < 0) {
            close(fd); /* over a cap: closed unanswered, as libmicrohttpd did */
            continue;
        }
        pending *p = calloc(1, sizeof *p);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = p};
        if (!p || epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            count_del(g, (struct sockaddr *)&ss);
            close(fd);
            free(p);
            continue;
        }
        p->fd = fd;
        p->addr = ss;
        p->addrlen = len;
        p->last_ms = now;
        p->deadline_ms = now + (long long)g->cfg->request_timeout_s * 1000;
        p->next = g->list;
        if (g->list)
            g->list->prev = p;
        g->list = p;
    }
}

/* Closes the connections past their deadline or idle too long. */
static void sweep(http_guard *g, long long now)
{
    int cut = 0;
    long long idle = (long long)g->cfg->connection_timeout_s * 1000;
    for (pending *p = g->list, *next; p; p = next) {
        next = p->next;
        if (now >= p->deadline_ms || now - p->last_ms >= idle) {
            cut += !p->draining;
            close_pending(g, p);
        }
    }
    if (cut) {
        metrics_connections_cut(cut);
        log_limited(&guard_cut_log, LOG_WARN, "%d connection(s) cut off: no whole header block in time", cut);
    }
    if (g->accept_paused_until && now >= g->accept_paused_until) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
        epoll_ctl(g->epfd, EPOLL_CTL_MOD, g->listen_fd, &ev);
        g->accept_paused_until = 0;
    }
}

static void *guard_main(void *arg)
{
    http_guard *g = arg;
    struct epoll_event evs[64];
    long long last_sweep = now_ms();
    while (!atomic_load(&g->stop)) {
        int n = epoll_wait(g->epfd, evs, 64, TICK_MS);
        long long now = now_ms();
        for (int i = 0; i < n; i++) {
            if (!evs[i].data.ptr)
                accept_all(g, now);
            else
                on_readable(g, evs[i].data.ptr, evs[i].events, now);
        }
        if (now - last_sweep >= TICK_MS) {
            sweep(g, now);
            last_sweep = now;
        }
    }
    while (g->list)
        close_pending(g, g->list);
    return NULL;
}

int http_guard_listen(const struct sockaddr *addr, socklen_t addrlen, char *err, size_t errlen)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (addr->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, addr, addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

http_guard *http_guard_new(int listen_fd, const config *cfg, int max_connections, char *err, size_t errlen)
{
    http_guard *g = calloc(1, sizeof *g);
    struct rlimit rl;
    size_t nline = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (size_t)rl.rlim_cur : 65536;
    if (g)
        g->line_ms = calloc(nline, sizeof *g->line_ms);
    if (!g || !g->line_ms) {
        snprintf(err, errlen, "out of memory");
        close(listen_fd);
        if (g)
            free(g->line_ms);
        free(g);
        return NULL;
    }
    g->cfg = cfg;
    g->max_connections = max_connections;
    g->listen_fd = listen_fd;
    g->epfd = -1;
    g->nline = nline;
    pthread_mutex_init(&g->lock, NULL);
    return g;
}

int http_guard_run(http_guard *g, struct MHD_Daemon *daemon, char *err, size_t errlen)
{
    g->daemon = daemon;
    g->epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (g->epfd < 0 || epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->listen_fd, &ev) < 0 ||
        pthread_create(&g->thread, NULL, guard_main, g) != 0) {
        snprintf(err, errlen, "cannot start the connection guard: %s", strerror(errno));
        return -1;
    }
    g->running = 1;
    return 0;
}

void http_guard_stop(http_guard *g)
{
    if (g->running) {
        atomic_store(&g->stop, 1);
        pthread_join(g->thread, NULL);
        g->running = 0;
    }
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    if (g->epfd >= 0)
        close(g->epfd);
    g->listen_fd = g->epfd = -1;
}

void http_guard_free(http_guard *g)
{
    for (size_t i = 0; i < ADDR_BUCKETS; i++)
        for (addr_count *c = g->buckets[i], *next; c; c = next) {
            next = c->next;
            free(c);
        }
    pthread_mutex_destroy(&g->lock);
    free(g->line_ms);
    free(g);
}
