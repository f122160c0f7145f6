/* charset.c — feeds in any charset they declare, read as UTF-8 (charset.h). */
#include "codec/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

int charset_param(const char *content_type, char *out, size_t n)
{
    if (n)
        out[0] = '\0';
    const char *p = content_type ? strchr(content_type, ';') : NULL;
    while (p) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "charset", 7) == 0) {
            const char *v = p + 7;
            while (*v == ' ')
                v++;
            if (*v == '=') {
                v++;
                while (*v == ' ' || *v == '"')
                    v++;
                size_t k = 0;
                while (v[k] && v[k] != ';' && v[k] != '"' && v[k] != ' ' && k + 1 < n) {
                    out[k] = lower(v[k]);
                    k++;
                }
                out[k] = '\0';
                return k > 0;
            }
        }
        p = strchr(p, ';');
    }
    return 0;
}

/* The well-formed UTF-8 sequences (Unicode table 3-7) by lead byte: how many continuation
 * bytes follow and the range of the first of them (the others are 80..BF). */
static const struct {
    unsigned char first, last, n, lo, hi;
} utf8_leads[] = {
    {0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF}, {0xE1, 0xEC, 2, 0x80, 0xBF}, {0xED, 0xED, 2, 0x80, 0x9F},
    {0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF}, {0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F},
};

size_t charset_utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t r = 0, rows = sizeof utf8_leads / sizeof utf8_leads[0];
        while (r < rows && c > utf8_leads[r].last)
            r++;
        if (r == rows || c < utf8_leads[r].first)
            return i;
        size_t n = utf8_leads[r].n;
        if (i + n >= len) /* cut short */
            return i;
        for (size_t k = 1; k <= n; k++) {
            unsigned b = s[i + k];
            unsigned l = k == 1 ? utf8_leads[r].lo : 0x80, h = k == 1 ? utf8_leads[r].hi : 0xBF;
            if (b < l || b > h)
                return i;
        }
        i += n + 1;
    }
    return len;
}

/* Whether w is one of the space-separated words of words. */
static int one_of_words(const char *words, const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || strchr(w, ' '))
        return 0;
    for (const char *p = words; (p = strstr(p, w)) != NULL; p++)
        if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

/* The iconv name of a charset this server reads, or NULL. */
static const char *iconv_name(const char *cs, const char **used)
{
    static const struct {
        const char *iconv, *canonical, *names;
    } known[] = {
        {"UTF-8", "utf-8", "utf-8 utf8"},
        {"CP1252", "windows-1252", "windows-1252 cp1252 x-cp1252"},
        {"ISO-8859-1", "iso-8859-1", "iso-8859-1 iso_8859-1 latin1 l1"},
        {"ISO-8859-15", "iso-8859-15", "iso-8859-15 latin9"},
        {"ASCII", "us-ascii", "us-ascii ascii"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (one_of_words(known[i].names, cs)) {
            *used = known[i].canonical;
            return known[i].iconv;
        }
    return NULL;
}

charset_status charset_to_utf8(const char *in, size_t len, const char *charset, char **out, size_t *out_len,
                               size_t *bad, const char **used)
{
    *out = NULL;
    *out_len = 0;
    *bad = 0;
    const char *from;
    if (!charset || !*charset) {
        if (charset_utf8_invalid_at((const unsigned char *)in, len) == len) {
            from = "UTF-8";
            *used = "utf-8";
        } else {
            from = "CP1252";
            *used = "windows-1252";
        }
    } else if (!(from = iconv_name(charset, used))) {
        return CHARSET_UNSUPPORTED;
    }
    if (strcmp(from, "UTF-8") == 0) {
        size_t at = charset_utf8_invalid_at((const unsigned char *)in, len);
        if (at < len) {
            *bad = at;
            return CHARSET_INVALID;
        }
        char *copy = malloc(len + 1);
        if (!copy)
            return CHARSET_NO_MEMORY;
        memcpy(copy, in, len);
        copy[len] = '\0';
        *out = copy;
        *out_len = len;
        return CHARSET_OK;
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return CHARSET_UNSUPPORTED;
    size_t cap = len * 3 + 1; /* a single-byte charset grows at most threefold (€ is 3 bytes) */
    char *buf = malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return CHARSET_NO_MEMORY;
    }
    char *src = (char *)in, *dst = buf;
    size_t left = len, room = cap - 1;
    charset_status st = CHARSET_OK;
    if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1) {
        st = errno == E2BIG ? CHARSET_NO_MEMORY : CHARSET_INVALID;
        *bad = (size_t)(src - in);
    }
    iconv_close(cd);
    if (st != CHARSET_OK) {
        free(buf);
        return st;
    }
    *dst = '\0';
    *out = buf;
    *out_len = (size_t)(dst - buf);
    return CHARSET_OK;
}

void charset_locate(const char *text, size_t len, size_t offset, int *line, char *field, size_t n)
{
    if (offset > len)
        offset = len;
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    int col = 0, quoted = 0;
    for (size_t i = start; i < offset; i++) {
        if (text[i] == '"')
            quoted = !quoted;
        else if (text[i] == ';' && !quoted)
            col++;
    }
    if (n)
        field[0] = '\0';
    /* the header cell of column col */
    size_t i = 0, k = 0;
    int c = 0;
    while (i < len && text[i] != '\n' && text[i] != '\r' && c < col) {
        if (text[i] == ';')
            c++;
        i++;
    }
    if (c != col)
        return;
    while (i < len && (text[i] == ' ' || text[i] == '"'))
        i++;
    while (i < len && text[i] != ';' && text[i] != '\n' && text[i] != '\r' && text[i] != '"' && k + 1 < n) {
        field[k++] = lower(text[i]);
        i++;
    }
    while (k && field[k - 1] == ' ')
        k--;
    if (n)
        field[k] = '\0';
}
