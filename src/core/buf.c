#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include "core/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* A TMPDIR where no file can be made is said, but not once per answer. */
static log_limiter temp_log = LOG_LIMITER("temporary files not made", 5, 60);

void buf_init(buf *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = limit;
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    if (b->has_file)
        close(b->fd);
    b->has_file = 0;
    b->spilled = 0;
}

void buf_spill(buf *b, size_t threshold) { b->spill = threshold; }

size_t buf_size(const buf *b) { return b->spilled + b->len; }

int buf_temp_file(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return -1; /* the directory itself is missing or closed to us */
#endif
    char path[4096];
    if (snprintf(path, sizeof path, "%s/ciclo-spool-XXXXXX", dir) >= (int)sizeof path)
        return -1;
    int tmp = mkostemp(path, O_CLOEXEC); /* mode 0600 */
    if (tmp < 0)
        return -1;
    if (unlink(path) < 0) {
        close(tmp);
        return -1;
    }
    return tmp;
}

/* Writes n bytes of p to fd whole. Returns 0, or -1. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Moves what b holds in memory to its file (made on first use). Returns 0 (b may have
 * stopped spilling: no file could be made), or -1 with failed set. */
static int spill_out(buf *b)
{
    if (!b->has_file) {
        b->fd = buf_temp_file();
        if (b->fd < 0) {
            log_limited(&temp_log, LOG_WARN, "no temporary file in TMPDIR (%s): a large text stays in memory",
                        strerror(errno));
            b->spill = 0;
            return 0;
        }
        b->has_file = 1;
    }
    if (write_all(b->fd, b->data, b->len) < 0) {
        b->failed = 1;
        return -1;
    }
    b->spilled += b->len;
    b->len = 0;
    b->data[0] = '\0';
    return 0;
}

int buf_reserve(buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    size_t need = b->len + extra + 1;
    if (need < b->len || (b->limit && (need - 1 > b->limit || b->spilled > b->limit - (need - 1)))) {
        b->failed = 1;
        return -1;
    }
    if (b->spill && b->len && need - 1 > b->spill) {
        if (spill_out(b) < 0)
            return -1;
        need = b->len + extra + 1;
    }
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int buf_append(buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_putc(buf *b, char c) { return buf_append(b, &c, 1); }

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int buf_json_escape(buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (buf_append(b, run, (size_t)(s - run)) < 0)
            return -1;
        run = s + 1;
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: buf_printf(b, "\\u%04x", c); break;
        }
    }
    return buf_append(b, run, (size_t)(s - run));
}

char *buf_steal(buf *b, size_t *len)
{
    if (b->has_file) {
        b->failed = 1;
        return NULL;
    }
    if (!b->data && buf_reserve(b, 0) < 0)
        return NULL;
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return p;
}

int buf_take_file(buf *b, size_t *len)
{
    if (!b->has_file)
        return -1;
    if (b->failed || write_all(b->fd, b->data, b->len) < 0) {
        buf_free(b);
        b->failed = 1;
        return -1;
    }
    int fd = b->fd;
    *len = b->spilled + b->len;
    b->has_file = 0;
    buf_free(b);
    return fd;
}
