/*
 * headcheck.h — the first request of a plain-HTTP connection judged from its header block,
 * before libmicrohttpd reads a byte of it (http/guard.c peeks the block and calls this).
 *
 * It refuses, with the status libmicrohttpd 0.9.75 would have sent in HTML, what that library
 * would refuse on its own (docs/SECURITY.md, "Every answer is problem+json"): a request line
 * with no space or with a version that is not HTTP/d.d (400) or not HTTP/1.x (505), a header
 * line without a colon (400), a Content-Length that is not a number (400) or overflows 64 bits
 * (413), headers that would not fit in libmicrohttpd's connection memory (431; 414 while the
 * request line itself is not whole). It also refuses what RFC 9112 lets a server refuse and
 * no conforming client sends, each a way to smuggle a request past a proxy: whitespace
 * before a header's colon, a header name that is not a token, a folded header line, NUL or a
 * bare CR (400); two Content-Length or two Transfer-Encoding headers, or both (400); a
 * Transfer-Encoding other than "chunked" (501).
 *
 * Pure: no I/O, no allocation.
 */
#ifndef CICLO_HEADCHECK_H
#define CICLO_HEADCHECK_H
#include <stddef.h>

/* The most of a header block the guard reads; a block not whole within it is refused. */
#define HEAD_BYTES_MAX (24 * 1024)
/* The most header fields (server.c answers the same 431 past it on later requests). */
#define HEAD_FIELDS_MAX 100
/* libmicrohttpd's memory pool of each connection (server.c sets it; the guard's budget for a
 * header block is judged against it). */
#define HEAD_CONNECTION_MEMORY (32 * 1024)

typedef enum {
    HEAD_MORE,   /* nothing wrong so far, the block is not whole yet */
    HEAD_PASS,   /* the block is whole and libmicrohttpd will read it as it is */
    HEAD_REFUSE, /* answer v->status and close */
} head_outcome;

typedef struct head_verdict {
    int status;       /* HEAD_REFUSE: 400, 413, 414, 431, 501 or 505 */
    const char *code; /* HEAD_REFUSE: the problem's stable code */
    char detail[200]; /* HEAD_REFUSE: the rule broken */
    int line_whole;   /* the request line is whole (its headers are awaited) */
    size_t block_len; /* HEAD_PASS: bytes of the block, blank line included */
} head_verdict;

/* Judges the first len bytes received on a connection (len <= HEAD_BYTES_MAX; bytes past the
 * block, a body, are not looked at). Fills v; returns what to do. */
head_outcome head_check(const char *data, size_t len, head_verdict *v);

#endif
