/* json_number.c — exact decimals through jansson's doubles (see json_number.h). */
#include "codec/json_number.h"

#include <stdio.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int json_number_digits(const char *s, size_t n, char *digits, size_t cap, long *exp10, int *neg)
{
    size_t i = 0;
    int count = 0, zeros = 0; /* zeros: trailing zeros seen but not yet written */
    long point = 0;           /* digits after the point, once the point is passed */
    long e = 0;
    int after_point = 0, any = 0;
    size_t w = 0;
    *neg = 0;
    *exp10 = 0;
    if (cap)
        digits[0] = '\0';
    if (i < n && s[i] == '-')
        *neg = 1, i++;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.' && !after_point) {
            after_point = 1;
            continue;
        }
        if (!is_digit(c))
            break;
        any = 1;
        if (after_point)
            point++;
        if (c == '0') {
            if (count)
                zeros++;
            continue;
        }
        for (; zeros > 0; zeros--, count++) /* zeros between significant digits */
            if (w + 1 < cap)
                digits[w++] = '0';
        if (w + 1 < cap)
            digits[w++] = c;
        count++;
    }
    if (!any)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        if (i >= n || !is_digit(s[i]))
            return -1;
        for (; i < n && is_digit(s[i]); i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        if (eneg)
            e = -e;
    }
    if (i != n)
        return -1;
    if (cap)
        digits[w < cap ? w : cap - 1] = '\0';
    *exp10 = count ? e - point + zeros : 0;
    return count;
}

/* Where a value sits: an array and its index, or an object and the key being read. */
typedef struct frame {
    int array;
    long index;
    const char *key; /* the key's text inside s, without quotes; NULL before the first key */
    size_t key_len;
} frame;

static void write_path(const frame *st, int depth, char *path, size_t cap)
{
    size_t w = 0;
    if (!cap)
        return;
    path[0] = '\0';
    for (int k = 0; k < depth && w + 1 < cap; k++) {
        int len;
        if (st[k].array)
            len = snprintf(path + w, cap - w, "[%ld]", st[k].index);
        else
            len = snprintf(path + w, cap - w, "%s%.*s", w ? "." : "", (int)(st[k].key ? st[k].key_len : 0),
                           st[k].key ? st[k].key : "");
        if (len < 0)
            break;
        w += (size_t)len < cap - w ? (size_t)len : cap - w - 1;
    }
}

static void write_lexeme(const char *s, size_t n, char *out, size_t cap)
{
    static const char more[] = "…";
    if (n < cap) {
        memcpy(out, s, n);
        out[n] = '\0';
    } else if (cap > sizeof more) {
        memcpy(out, s, cap - sizeof more);
        memcpy(out + cap - sizeof more, more, sizeof more);
    } else if (cap) {
        out[0] = '\0';
    }
}

/* Whether the real s[0..n) passes through a double exactly. Malformed numbers pass. */
static enum json_number_fault fault_of(const char *s, size_t n)
{
    char digits[JSON_NUMBER_DIGITS + 2];
    long e;
    int neg;
    int count = json_number_digits(s, n, digits, sizeof digits, &e, &neg);
    if (count <= 0)
        return JSON_NUMBERS_EXACT;
    if (count > JSON_NUMBER_DIGITS)
        return JSON_NUMBER_TOO_PRECISE;
    /* 10^(magnitude-1) <= |value| < 10^magnitude. Too large a number is jansson's overflow
     * error; too small a one would quietly become a denormal or 0. */
    long magnitude = e + count;
    if (magnitude < -JSON_NUMBER_MAX_EXP)
        return JSON_NUMBER_OUT_OF_RANGE;
    return JSON_NUMBERS_EXACT;
}

#define CHECK_MAX_DEPTH 64

enum json_number_fault json_number_check(const char *s, size_t n, char *path, size_t path_cap, char *lexeme,
                                         size_t lexeme_cap)
{
    frame st[CHECK_MAX_DEPTH];
    int depth = 0, expect_key = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            size_t start = ++i;
            while (i < n && s[i] != '"')
                i += s[i] == '\\' ? 2 : 1;
            if (i > n)
                i = n;
            if (depth > 0 && !st[depth - 1].array && expect_key) {
                st[depth - 1].key = s + start;
                st[depth - 1].key_len = i - start;
            }
            i++;
        } else if (c == '{' || c == '[') {
            if (depth == CHECK_MAX_DEPTH)
                return JSON_NUMBERS_EXACT; /* the shape limits answer this body */
            st[depth++] = (frame){c == '[', 0, NULL, 0};
            expect_key = c == '{';
            i++;
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
            expect_key = 0;
            i++;
        } else if (c == ',') {
            if (depth > 0 && st[depth - 1].array)
                st[depth - 1].index++;
            expect_key = depth > 0 && !st[depth - 1].array;
            i++;
        } else if (c == ':') {
            expect_key = 0;
            i++;
        } else if (c == '-' || is_digit(c)) {
            size_t start = i;
            int real = 0;
            while (i < n && (is_digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-')) {
                real |= s[i] == '.' || s[i] == 'e' || s[i] == 'E';
                i++;
            }
            enum json_number_fault f = real ? fault_of(s + start, i - start) : JSON_NUMBERS_EXACT;
            if (f != JSON_NUMBERS_EXACT) {
                write_path(st, depth, path, path_cap);
                write_lexeme(s + start, i - start, lexeme, lexeme_cap);
                return f;
            }
        } else {
            i++;
        }
    }
    return JSON_NUMBERS_EXACT;
}

char *json_number_text(double d, char buf[32])
{
    snprintf(buf, 32, "%.*g", JSON_NUMBER_DIGITS, d);
    return buf;
}
