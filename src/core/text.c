#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void utf8_trim_partial(char *s)
{
    size_t len = strlen(s);
    size_t i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--; /* continuation bytes */
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void base64url_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
}

int base64url_decode(const char *in, unsigned char *out, size_t cap)
{
    unsigned v = 0;
    int bits = 0;
    size_t o = 0;
    for (; *in; in++) {
        const char *p = strchr(b64, *in);
        if (!p)
            return -1;
        v = (v << 6) | (unsigned)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)(v >> bits);
            v &= (1u << bits) - 1;
        }
    }
    return (int)o;
}

void cursor_encode(int64_t last_id, char out[32])
{
    char raw[24];
    int n = snprintf(raw, sizeof raw, "k1:%lld", (long long)last_id);
    base64url_encode((const unsigned char *)raw, (size_t)n, out);
}

int cursor_decode(const char *s, int64_t *last_id)
{
    unsigned char raw[24];
    if (strlen(s) > 30)
        return -1;
    int n = base64url_decode(s, raw, sizeof raw - 1);
    if (n < 4)
        return -1;
    raw[n] = '\0';
    if (memcmp(raw, "k1:", 3) != 0)
        return -1;
    char *end;
    long long v = strtoll((const char *)raw + 3, &end, 10);
    if (*end || v < 0)
        return -1;
    *last_id = v;
    return 0;
}
