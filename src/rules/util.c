/* util.c — string building, errors and findings for the rules library. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *const rules_month_en[13] = {"",     "January", "February",  "March",   "April",    "May",     "June",
                                        "July", "August",  "September", "October", "November", "December"};

void sb_init(sbuf *b, char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = buf ? cap : 0;
    b->len = 0;
    if (b->cap > 0)
        b->buf[0] = '\0';
}

/* After a truncation, drops a UTF-8 sequence cut in the middle. */
static void sb_trim_utf8(sbuf *b)
{
    size_t i = b->len, back = 0;
    while (i > 0 && back < 4 && ((unsigned char)b->buf[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)b->buf[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (need > 1 && back + 1 < need) {
        b->len = i - 1;
        b->buf[b->len] = '\0';
    }
}

void sb_puts(sbuf *b, const char *s)
{
    if (b->cap == 0)
        return;
    size_t n = strlen(s);
    size_t room = b->cap - 1 - b->len;
    int cut = n > room;
    if (cut)
        n = room;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
    if (cut)
        sb_trim_utf8(b);
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    b->len += (size_t)n;
    if (b->len > b->cap - 1) {
        b->len = b->cap - 1;
        sb_trim_utf8(b);
    }
}

void rerr_clear(rules_error *err)
{
    if (err)
        err->field[0] = err->message[0] = err->hint[0] = '\0';
}

int rerr_set(rules_error *err, const char *field, const char *hint, const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    snprintf(err->hint, sizeof err->hint, "%s", hint ? hint : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

void rerr_hint(rules_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
}

void fnd_add(findings *f, rules_severity sev, const char *code, const char *path, const char *fmt, ...)
{
    if (sev == RULES_SEVERITY_ERROR)
        f->errors++;
    if (f->out && f->count < f->cap) {
        rules_finding *x = &f->out[f->count];
        x->severity = sev;
        snprintf(x->code, sizeof x->code, "%s", code);
        snprintf(x->path, sizeof x->path, "%s", path ? path : "");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->message, sizeof x->message, fmt, ap);
        va_end(ap);
    }
    f->count++;
}

const char *rules_severity_name(rules_severity s)
{
    return s == RULES_SEVERITY_ERROR ? "error" : s == RULES_SEVERITY_INFO ? "info" : "warning";
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    unsigned cp;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Copies at most 40 bytes of s, valid UTF-8 only (others become '?'), control
 * characters as '?', "..." when cut: safe to put in a JSON message. */
void clip_input(char *dst, size_t cap, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    if (cap == 0)
        return;
    while (*p && o + 1 < cap) {
        if (o >= 40) {
            if (o + 4 <= cap)
                memcpy(dst + o, "...", 3), o += 3;
            break;
        }
        size_t n = utf8_seq(p);
        if (n == 0 || p[0] < 0x20 || p[0] == 0x7F) {
            dst[o++] = '?';
            p++;
            continue;
        }
        if (o + n + 1 > cap)
            break;
        memcpy(dst + o, p, n);
        o += n;
        p += n;
    }
    dst[o] = '\0';
}

void pfmt(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}
