/* fuzz_json_number.c — libFuzzer target for exact decimals through jansson (codec/json_number.h).
 *
 * For any text: json_number_check never reads out of bounds and always names a path and a
 * number. For a body it lets through that jansson parses: every real in the tree, turned back
 * by json_number_text, is exactly the decimal its lexeme wrote (same sign, significant digits
 * and exponent), and rule_json_dumps writes the tree's reals back as those very decimals. The
 * lexemes are found again by walking the text in the order jansson reads it. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/json_number.h"
#include "codec/rule_json.h"

typedef struct digits {
    char d[JSON_NUMBER_DIGITS + 2];
    long exp;
    int neg, count;
} digits;

static void digits_of(const char *s, size_t n, digits *out)
{
    out->count = json_number_digits(s, n, out->d, sizeof out->d, &out->exp, &out->neg);
    if (out->count == 0)
        out->neg = 0; /* -0.0 and 0 are the same decimal */
}

static void same(const digits *a, const digits *b)
{
    if (a->count != b->count || a->exp != b->exp || a->neg != b->neg || strcmp(a->d, b->d) != 0)
        abort();
}

/* The real lexemes of s in order, as jansson meets them (strings skipped). */
static size_t next_real(const char *s, size_t n, size_t i, size_t *start, size_t *len)
{
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            for (i++; i < n && s[i] != '"'; i += s[i] == '\\' ? 2 : 1)
                ;
            i++;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t b = i;
            int real = 0;
            while (i < n && s[i] && strchr("0123456789.eE+-", s[i])) {
                real |= s[i] == '.' || s[i] == 'e' || s[i] == 'E';
                i++;
            }
            if (real) {
                *start = b;
                *len = i - b;
                return i;
            }
            continue;
        }
        i++;
    }
    return SIZE_MAX;
}

/* Compares each real of the tree (in document order: arrays only, so order is certain) with
 * the next lexeme of the text. */
static void walk(const json_t *j, const char *s, size_t n, size_t *at)
{
    if (json_is_array(j)) {
        size_t i;
        const json_t *v;
        json_array_foreach(j, i, v) walk(v, s, n, at);
        return;
    }
    if (!json_is_real(j))
        return;
    size_t start, len;
    *at = next_real(s, n, *at, &start, &len);
    if (*at == SIZE_MAX)
        abort(); /* jansson found a real the scan did not */
    char text[32];
    digits written, recovered;
    digits_of(s + start, len, &written);
    json_number_text(json_real_value(j), text);
    digits_of(text, strlen(text), &recovered);
    same(&written, &recovered);
    /* and out again through the service's one dumper */
    char *dumped = rule_json_dumps(j, JSON_ENCODE_ANY);
    if (!dumped)
        abort();
    digits out;
    digits_of(dumped, strlen(dumped), &out);
    same(&written, &out);
    free(dumped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char path[256], lexeme[48];
    enum json_number_fault f = json_number_check(s, size, path, sizeof path, lexeme, sizeof lexeme);
    if (f != JSON_NUMBERS_EXACT) {
        if (!lexeme[0] || strlen(path) >= sizeof path || strlen(lexeme) >= sizeof lexeme)
            abort();
        return 0;
    }
    json_error_t e;
    json_t *j = json_loadb(s, size, JSON_DECODE_ANY, &e);
    if (!j)
        return 0;
    /* objects keep no order that is certain to be the text's (duplicates): arrays and scalars only */
    if (!memchr(s, '{', size)) {
        size_t at = 0;
        walk(j, s, size, &at);
    }
    json_decref(j);
    return 0;
}
