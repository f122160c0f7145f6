/* accept.c — Accept and Accept-Language (accept.h). */
#include "codec/accept.h"

#include <stddef.h>
#include <string.h>

/* One element of a comma-separated header: its value (token before ';') and its q (0..1000). */
typedef struct {
    const char *value;
    size_t len;
    int q;
} element;

static int is_space(char c) { return c == ' ' || c == '\t'; }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int same(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* The q of a parameter text "q=0.5" (RFC 9110 §12.4.2: 0, 1 or 0.ddd, 1.000); 1000 when absent or
 * malformed is read as 0 (refused). */
static int read_q(const char *p, const char *end)
{
    int q = 1000;
    while (p < end) {
        while (p < end && (is_space(*p) || *p == ';'))
            p++;
        const char *name = p;
        while (p < end && *p != '=' && *p != ';')
            p++;
        size_t nlen = (size_t)(p - name);
        while (nlen && is_space(name[nlen - 1]))
            nlen--;
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_space(*p))
                p++;
            const char *v = p;
            while (p < end && *p != ';')
                p++;
            const char *vend = p;
            while (vend > v && is_space(vend[-1]))
                vend--;
            if (same(name, nlen, "q", 1)) {
                if (vend > v && (*v == '0' || *v == '1')) {
                    int whole = *v - '0', frac = 0, digits = 0;
                    const char *d = v + 1;
                    if (d < vend && *d == '.')
                        for (d++; d < vend && digits < 3 && *d >= '0' && *d <= '9'; d++, digits++)
                            frac = frac * 10 + (*d - '0');
                    while (digits < 3) {
                        frac *= 10;
                        digits++;
                    }
                    q = d == vend ? whole * 1000 + frac : 0;
                    if (q > 1000)
                        q = 0;
                } else {
                    q = 0;
                }
            }
        }
    }
    return q;
}

/* Reads the next element of header at *pos; returns 0 at the end. */
static int next_element(const char *h, size_t n, size_t *pos, element *e)
{
    while (*pos < n) {
        size_t i = *pos;
        while (i < n && (is_space(h[i]) || h[i] == ','))
            i++;
        if (i >= n) {
            *pos = n;
            return 0;
        }
        size_t start = i;
        while (i < n && h[i] != ',')
            i++;
        *pos = i;
        size_t vend = start;
        while (vend < i && h[vend] != ';')
            vend++;
        size_t vlen = vend - start;
        while (vlen && is_space(h[start + vlen - 1]))
            vlen--;
        if (!vlen)
            continue;
        e->value = h + start;
        e->len = vlen;
        e->q = read_q(h + vend, h + i);
        return 1;
    }
    return 0;
}

static size_t header_len(const char *h)
{
    size_t n = 0;
    while (n < ACCEPT_MAX_HEADER && h[n])
        n++;
    return n;
}

int accept_media_quality(const char *header, const char *media)
{
    if (!header || !*header)
        return 1000;
    size_t mlen = strcspn(media, ";");
    while (mlen && is_space(media[mlen - 1]))
        mlen--;
    const char *slash = memchr(media, '/', mlen);
    if (!slash)
        return 0;
    size_t tlen = (size_t)(slash - media);
    size_t n = header_len(header), pos = 0;
    int best_rank = 0, best_q = 0;
    element e;
    while (next_element(header, n, &pos, &e)) {
        const char *s = memchr(e.value, '/', e.len);
        if (!s)
            continue;
        size_t etl = (size_t)(s - e.value), esl = e.len - etl - 1;
        int rank = 0;
        if (etl == 1 && e.value[0] == '*' && esl == 1 && s[1] == '*')
            rank = 1;
        else if (same(e.value, etl, media, tlen) && esl == 1 && s[1] == '*')
            rank = 2;
        else if (same(e.value, e.len, media, mlen))
            rank = 3;
        if (rank > best_rank || (rank == best_rank && rank && e.q > best_q)) {
            best_rank = rank;
            best_q = e.q;
        }
    }
    return best_rank ? best_q : 0;
}

int accept_language_pick(const char *header, const char *const *supported)
{
    if (!header || !*header)
        return 0;
    size_t n = header_len(header), pos = 0;
    int best = 0, best_q = 0;
    element e;
    while (next_element(header, n, &pos, &e)) {
        if (e.q <= best_q)
            continue;
        size_t primary = 0;
        while (primary < e.len && e.value[primary] != '-' && e.value[primary] != '_')
            primary++;
        if (same(e.value, e.len, "*", 1)) {
            best = 0;
            best_q = e.q;
            continue;
        }
        for (int i = 0; supported[i]; i++)
            if (same(e.value, primary, supported[i], strlen(supported[i]))) {
                best = i;
                best_q = e.q;
                break;
            }
    }
    return best;
}
