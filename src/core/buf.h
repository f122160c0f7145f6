/* buf.h — a growable byte buffer with a hard size limit, which may spill to a temporary file. */
#ifndef CICLO_BUF_H
#define CICLO_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data; /* NUL-terminated while len < cap; owned by the buf. Once spilled: the text's tail */
    size_t len; /* bytes in data */
    size_t cap;
    size_t limit;   /* 0 = no limit; appends that take the whole text (file and memory) past it fail */
    int failed;     /* set once an append failed (out of memory, over limit, or the file's write) */
    size_t spill;   /* buf_spill: at most this many bytes kept in memory, the rest in a file; 0 = never */
    size_t spilled; /* bytes of the text already in the file (its head) */
    int fd;         /* the file, unlinked, owned by the buf: open while has_file */
    int has_file;
} buf;

/* Initialises an empty buffer that will refuse to grow past limit bytes (0: unlimited). */
void buf_init(buf *b, size_t limit);
/* Frees the buffer's memory and closes its file, if any; b may be reused after buf_init. */
void buf_free(buf *b);
/* Lets b spill: once the bytes held in memory would pass threshold (0: never), they are written
 * to an unlinked temporary file (buf_temp_file) and memory keeps only what follows, so that a
 * text of any size holds about threshold bytes of heap. Only for a text that is appended to and
 * never read back or patched through data and len until it is taken whole (buf_take_file, or
 * buf_steal while it has not spilled). When no temporary file can be made, b stays in memory. */
void buf_spill(buf *b, size_t threshold);
/* The size of the whole text, in the file and in memory. */
size_t buf_size(const buf *b);
/* Makes room for extra more bytes in one allocation (what appends of up to extra bytes
 * will then use). A spilling buffer may first move what it holds to its file. Returns 0, or
 * -1 (and sets failed) on overflow of limit, memory or the file's write. */
int buf_reserve(buf *b, size_t extra);
/* Appends n bytes. Returns 0, or -1 (and sets failed) on overflow of limit or memory. */
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the body of a JSON string (without quotes), escaping as RFC 8259 requires. */
int buf_json_escape(buf *b, const char *s);
/* Hands the data over to the caller (who frees it with free()) and resets b. Never NULL
 * unless memory is exhausted, or b has spilled to a file (then b fails: use buf_take_file).
 * *len receives the length when len is not NULL. */
char *buf_steal(buf *b, size_t *len);
/* Hands over the file of a buffer that spilled, with the rest of the text written to it: its
 * descriptor (the caller closes it; read it with pread or sendfile from offset 0) with *len the
 * text's size, and b is freed. -1 when b has no file (nothing changes: take the text with
 * buf_steal), or when b failed or the last write fails (b is freed). */
int buf_take_file(buf *b, size_t *len);
/* Opens a new temporary file, read and write, mode 0600, close-on-exec, that has no name: made
 * with O_TMPFILE in $TMPDIR (/tmp when unset) where the file system has it, else with mkstemp
 * there and unlinked at once. Returns the descriptor (the caller closes it), or -1. */
int buf_temp_file(void);

#endif
