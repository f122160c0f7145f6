#include "http/headcheck.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * What the block costs in libmicrohttpd 0.9.75's connection memory (server.c,
 * CONNECTION_MEMORY = 32 KiB): the read buffer, which starts at half the pool and holds the
 * whole block, plus one record of 64 bytes per header field, query argument and cookie, plus a
 * copy of the Cookie header. Blocks over MEMORY_BUDGET are refused here with 431, leaving the
 * rest of the pool for the answer's headers (tests/integration/test_guard.py walks the edge).
 */
#define READ_BUFFER_START (HEAD_CONNECTION_MEMORY / 2)
#define RECORD_BYTES 64
#define MEMORY_BUDGET (HEAD_CONNECTION_MEMORY * 3 / 4)

static head_outcome refuse(head_verdict *v, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static head_outcome refuse(head_verdict *v, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    v->status = status;
    v->code = code;
    return HEAD_REFUSE;
}

/* RFC 9110 tchar */
static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int name_is(const char *s, size_t n, const char *lower)
{
    if (strlen(lower) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (c != lower[i])
            return 0;
    }
    return 1;
}

/* The next line from *pos: [*start, *end) without its LF or CRLF (libmicrohttpd's rule: a CR
 * ends a line only before an LF). Returns 0 when no LF has come yet. */
static int next_line(const char *d, size_t len, size_t *pos, size_t *start, size_t *end)
{
    const char *nl = memchr(d + *pos, '\n', len - *pos);
    if (!nl)
        return 0;
    size_t e = (size_t)(nl - d);
    *start = *pos;
    *pos = e + 1;
    *end = e > *start && d[e - 1] == '\r' ? e - 1 : e;
    return 1;
}

/* NUL, or a CR that does not end the line. */
static int has_nul_or_cr(const char *s, size_t n) { return memchr(s, '\0', n) || memchr(s, '\r', n); }

/* Checks the request line s[0..n) the way libmicrohttpd reads it (parse_initial_message_line:
 * the method up to the first space, the version after the last one). Adds its query arguments
 * to *records. */
static head_outcome check_request_line(const char *s, size_t n, size_t *records, head_verdict *v)
{
    if (has_nul_or_cr(s, n))
        return refuse(v, 400, "malformed_request", "the request line holds a NUL or a CR");
    const char *sp = memchr(s, ' ', n);
    if (!sp || sp == s)
        return refuse(v, 400, "malformed_request", "the request line is not \"METHOD target HTTP/1.1\"");
    const char *uri = sp + 1, *end = s + n;
    while (uri < end && *uri == ' ')
        uri++;
    const char *ver = end - 1, *uri_end = end;
    size_t vlen = 0;
    if (uri < end) {
        while (ver > uri && *ver == ' ')
            ver--;
        while (ver > uri && *ver != ' ')
            ver--;
        if (ver > uri) {
            uri_end = ver;
            vlen = (size_t)(end - (ver + 1));
            ver++;
        }
    }
    if (vlen != 8 || memcmp(ver, "HTTP/", 5) != 0 || ver[5] < '0' || ver[5] > '9' || ver[6] != '.' || ver[7] < '0' ||
        ver[7] > '9')
        return refuse(v, 400, "malformed_request", "the request line does not end with an HTTP version (HTTP/1.1)");
    if (ver[5] != '1')
        return refuse(v, 505, "http_version_not_supported", "HTTP/%c.%c is not served: only HTTP/1.x", ver[5], ver[7]);
    const char *q = memchr(uri, '?', (size_t)(uri_end - uri));
    for (const char *p = q; p && p < uri_end; p = memchr(p + 1, '&', (size_t)(uri_end - p - 1)))
        (*records)++;
    return HEAD_MORE;
}

/* What the header lines have said so far. */
typedef struct {
    size_t fields, records, cookie_bytes;
    int content_length, transfer_encoding;
} head_state;

/* Checks one header line s[0..n) (not the blank one). */
static head_outcome check_header_line(const char *s, size_t n, head_state *st, head_verdict *v)
{
    if (has_nul_or_cr(s, n))
        return refuse(v, 400, "malformed_request", "a header line holds a NUL or a CR");
    if (*s == ' ' || *s == '\t')
        return refuse(v, 400, "malformed_request", "a header line is folded (it starts with a space or a tab)");
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return refuse(v, 400, "malformed_request", "a header line has no colon");
    size_t nlen = (size_t)(colon - s);
    if (nlen == 0)
        return refuse(v, 400, "malformed_request", "a header line has no name before its colon");
    for (size_t i = 0; i < nlen; i++)
        if (!is_tchar((unsigned char)s[i]))
            return refuse(v, 400, "malformed_request", "the header name \"%.*s\" is not a token%s",
                          nlen > 40 ? 40 : (int)nlen, s,
                          s[i] == ' ' || s[i] == '\t' ? " (whitespace before its colon)" : "");
    const char *val = colon + 1, *end = s + n;
    while (val < end && (*val == ' ' || *val == '\t'))
        val++;
    size_t vlen = (size_t)(end - val);
    if (++st->fields > HEAD_FIELDS_MAX)
        return refuse(v, 431, "headers_too_large", "the request has more than %d header fields", HEAD_FIELDS_MAX);
    st->records++;
    if (name_is(s, nlen, "content-length")) {
        if (st->content_length++)
            return refuse(v, 400, "malformed_request", "the request has more than one Content-Length");
        uint64_t length = 0;
        int overflow = 0;
        if (vlen == 0)
            return refuse(v, 400, "malformed_request", "the Content-Length is empty");
        for (size_t i = 0; i < vlen; i++) {
            if (val[i] < '0' || val[i] > '9')
                return refuse(v, 400, "malformed_request", "the Content-Length \"%.*s\" is not a number",
                              vlen > 30 ? 30 : (int)vlen, val);
            unsigned d = (unsigned)(val[i] - '0');
            if (length > (UINT64_MAX - d) / 10)
                overflow = 1;
            else
                length = length * 10 + d;
        }
        if (overflow)
            return refuse(v, 413, "body_too_large", "the Content-Length does not fit in 64 bits");
    } else if (name_is(s, nlen, "transfer-encoding")) {
        if (st->transfer_encoding++)
            return refuse(v, 400, "malformed_request", "the request has more than one Transfer-Encoding");
        if (!name_is(val, vlen, "chunked"))
            return refuse(v, 501, "transfer_coding_not_supported",
                          "the Transfer-Encoding \"%.*s\" is not served: only \"chunked\"", vlen > 30 ? 30 : (int)vlen,
                          val);
    } else if (name_is(s, nlen, "cookie")) {
        st->cookie_bytes += vlen + 1;
        for (size_t i = 0; i < vlen; i++)
            st->records += val[i] == ';' || val[i] == ',';
    }
    if (st->content_length && st->transfer_encoding)
        return refuse(v, 400, "malformed_request", "the request has both Content-Length and Transfer-Encoding");
    return HEAD_MORE;
}

head_outcome head_check(const char *data, size_t len, head_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (len > HEAD_BYTES_MAX)
        len = HEAD_BYTES_MAX;
    head_state st = {0};
    size_t pos = 0, s, e;
    for (;;) { /* blank lines before the request line are skipped, as libmicrohttpd does */
        if (!next_line(data, len, &pos, &s, &e))
            goto incomplete;
        if (e > s)
            break;
    }
    if (check_request_line(data + s, e - s, &st.records, v) == HEAD_REFUSE)
        return HEAD_REFUSE;
    v->line_whole = 1;
    for (;;) {
        if (!next_line(data, len, &pos, &s, &e))
            goto incomplete;
        if (e == s)
            break;
        if (check_header_line(data + s, e - s, &st, v) == HEAD_REFUSE)
            return HEAD_REFUSE;
    }
    size_t read_buffer = pos > READ_BUFFER_START ? pos : READ_BUFFER_START;
    if (read_buffer + RECORD_BYTES * st.records + st.cookie_bytes > MEMORY_BUDGET)
        return refuse(v, 431, "headers_too_large",
                      "the request line and headers (%zu bytes, %zu fields, query arguments and cookies) are over "
                      "what the server reads",
                      pos, st.records);
    v->block_len = pos;
    return HEAD_PASS;
incomplete:
    if (len < HEAD_BYTES_MAX)
        return HEAD_MORE;
    if (!v->line_whole)
        return refuse(v, 414, "uri_too_long", "the request line is over %d bytes", HEAD_BYTES_MAX);
    return refuse(v, 431, "headers_too_large", "the request line and headers are over %d bytes", HEAD_BYTES_MAX);
}
