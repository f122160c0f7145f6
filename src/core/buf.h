/* buf.h — a growable byte buffer with a hard size limit. */
#ifndef CICLO_BUF_H
#define CICLO_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data; /* NUL-terminated while len < cap; owned by the buf */
    size_t len;
    size_t cap;
    size_t limit; /* 0 = no limit; appends past it fail */
    int failed;   /* set once an append failed (out of memory or over limit) */
} buf;

/* Initialises an empty buffer that will refuse to grow past limit bytes (0: unlimited). */
void buf_init(buf *b, size_t limit);
/* Frees the buffer's memory; b may be reused after buf_init. */
void buf_free(buf *b);
/* Makes room for extra more bytes in one allocation (what appends of up to extra bytes
 * will then use). Returns 0, or -1 (and sets failed) on overflow of limit or memory. */
int buf_reserve(buf *b, size_t extra);
/* Appends n bytes. Returns 0, or -1 (and sets failed) on overflow of limit or memory. */
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the body of a JSON string (without quotes), escaping as RFC 8259 requires. */
int buf_json_escape(buf *b, const char *s);
/* Hands the data over to the caller (who frees it with free()) and resets b. Never NULL
 * unless memory is exhausted. *len receives the length when len is not NULL. */
char *buf_steal(buf *b, size_t *len);

#endif
