/* decimal.c — exact fixed-point decimals: parsing (JSON and Italian), formatting, arithmetic. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static const int64_t pow10_i64[19] = {1LL,
                                      10LL,
                                      100LL,
                                      1000LL,
                                      10000LL,
                                      100000LL,
                                      1000000LL,
                                      10000000LL,
                                      100000000LL,
                                      1000000000LL,
                                      10000000000LL,
                                      100000000000LL,
                                      1000000000000LL,
                                      10000000000000LL,
                                      100000000000000LL,
                                      1000000000000000LL,
                                      10000000000000000LL,
                                      100000000000000000LL,
                                      1000000000000000000LL};

rules_decimal rules_decimal_from_int(int64_t n)
{
    rules_decimal d = {n * RULES_DECIMAL_SCALE};
    return d;
}

int rules_decimal_cmp(rules_decimal a, rules_decimal b) { return (a.units > b.units) - (a.units < b.units); }

rules_decimal rules_decimal_round(rules_decimal d, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals >= 4)
        return d;
    int64_t div = pow10_i64[4 - decimals];
    int64_t q = d.units / div, r = d.units % div;
    if (r < 0)
        r = -r;
    if (r * 2 >= div)
        q += d.units < 0 ? -1 : 1;
    d.units = q * div;
    return d;
}

static int in_range(rules_wide v) { return v <= RULES_DECIMAL_MAX_UNITS && v >= -RULES_DECIMAL_MAX_UNITS; }

int rules_decimal_mul(rules_decimal a, rules_decimal b, rules_decimal *out, rules_error *err)
{
    rules_wide p = wide_div_round((rules_wide)a.units * b.units, RULES_DECIMAL_SCALE);
    if (!in_range(p)) {
        rerr_set(err, NULL, NULL, "product out of range (beyond ±9e13)");
        return -1;
    }
    out->units = (int64_t)p;
    return 0;
}

int rules_decimal_div(rules_decimal a, rules_decimal b, rules_decimal *out, rules_error *err)
{
    if (b.units == 0) {
        rerr_set(err, NULL, NULL, "division by zero");
        return -1;
    }
    rules_wide q = wide_div_round((rules_wide)a.units * RULES_DECIMAL_SCALE, b.units);
    if (!in_range(q)) {
        rerr_set(err, NULL, NULL, "quotient out of range (beyond ±9e13)");
        return -1;
    }
    out->units = (int64_t)q;
    return 0;
}

char *rules_decimal_format(rules_decimal d, int decimals, char sep, char buf[32])
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 4)
        decimals = 4;
    d = rules_decimal_round(d, decimals);
    uint64_t mag = d.units < 0 ? (uint64_t)0 - (uint64_t)d.units : (uint64_t)d.units;
    uint64_t ip = mag / RULES_DECIMAL_SCALE, fp = mag % RULES_DECIMAL_SCALE;
    int n = snprintf(buf, 32, "%s%llu", d.units < 0 ? "-" : "", (unsigned long long)ip);
    if (decimals > 0 && n > 0 && n < 28) {
        fp /= (uint64_t)pow10_i64[4 - decimals];
        snprintf(buf + n, (size_t)(32 - n), "%c%0*llu", sep, decimals, (unsigned long long)fp);
    }
    return buf;
}

char *rules_decimal_format_short(rules_decimal d, char buf[32])
{
    int decimals = 4;
    int64_t u = d.units < 0 ? -d.units : d.units;
    while (decimals > 0 && u % 10 == 0) {
        u /= 10;
        decimals--;
    }
    return rules_decimal_format(d, decimals, '.', buf);
}

/* ---- JSON numbers -------------------------------------------------------- */

/* The error of a number beyond RULES_DECIMAL_MAX_UNITS; q is the input as quoted. -1. */
static int out_of_range(rules_error *err, const char *q)
{
    return rerr_set(err, NULL, "values are limited to ±90000000000000", "%s is out of range", q);
}

int rules_decimal_parse_plain(const char *s, int max_decimals, rules_decimal *out, rules_error *err)
{
    char q[48];
    const char *p = s;
    int neg = 0, any = 0, k = 0, lost = 0;
    uint64_t m = 0;
    long e = 0;

    clip_input(q, sizeof q, s ? s : "");
    if (max_decimals < 0)
        max_decimals = 0;
    if (max_decimals > 4)
        max_decimals = 4;
    if (!s || !*s)
        goto syntax;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    for (; *p >= '0' && *p <= '9'; p++) {
        any = 1;
        if (k == 0 && *p == '0')
            continue;
        if (k < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            k++;
        } else {
            e++; /* beyond 19 digits the value is out of range anyway */
        }
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            any = 1;
            if (k == 0 && *p == '0') {
                e--;
                continue;
            }
            if (k < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                k++;
                e--;
            } else if (*p != '0') {
                lost = 1; /* a 20th significant digit: more decimals than any field takes */
            }
        }
    }
    if (!any)
        goto syntax;
    if (*p == 'e' || *p == 'E') {
        int eneg = 0;
        long x = 0;
        p++;
        if (*p == '-' || *p == '+')
            eneg = *p++ == '-';
        if (!(*p >= '0' && *p <= '9'))
            goto syntax;
        for (; *p >= '0' && *p <= '9'; p++)
            if (x < 100000)
                x = x * 10 + (*p - '0');
        e += eneg ? -x : x;
    }
    if (*p)
        goto syntax;

    while (m != 0 && m % 10 == 0) {
        m /= 10;
        e++;
    }
    if (m == 0) {
        out->units = 0;
        return 0;
    }
    if (lost || e < -(long)max_decimals) {
        rerr_set(err, NULL, NULL, "%s has more than %d decimal%s", q, max_decimals, max_decimals == 1 ? "" : "s");
        rerr_hint(err, "round it to %d decimal%s", max_decimals, max_decimals == 1 ? "" : "s");
        return -1;
    }
    long shift = e + 4;
    if (shift > 18)
        return out_of_range(err, q);
    {
        rules_wide u = (rules_wide)m * pow10_i64[shift];
        if (u > RULES_DECIMAL_MAX_UNITS)
            return out_of_range(err, q);
        out->units = neg ? -(int64_t)u : (int64_t)u;
    }
    return 0;
syntax:
    return rerr_set(err, NULL, "write a plain number such as 12.5", "\"%s\" is not a number", q);
}

/* ---- Italian numbers ----------------------------------------------------- */

/* Length of a blank at p (ASCII space/tab, NBSP, narrow NBSP, thin space), or 0. */
static size_t blank_len(const char *p)
{
    if (*p == ' ' || *p == '\t')
        return 1;
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
        return 2;
    if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0xAF || (unsigned char)p[2] == 0x89))
        return 3;
    return 0;
}

static int word_ci(const char *p, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

int rules_number_parse_it(const char *s, rules_decimal *out, rules_number_unit *unit, rules_error *err)
{
    char q[48], body[64];
    size_t bl = 0;
    int neg = 0, sign_seen = 0, pct = 0, eur = 0, body_done = 0;
    const char *p = s;

    clip_input(q, sizeof q, s ? s : "");
    if (!s)
        goto empty;
    while (*p) {
        size_t b = blank_len(p);
        if (b) {
            p += b;
            if (bl > 0)
                body_done = 1;
            continue;
        }
        unsigned char c = (unsigned char)*p;
        if ((c >= '0' && c <= '9') || c == '.' || c == ',') {
            if (body_done || pct)
                goto bad;
            if (bl + 1 >= sizeof body) {
                rerr_set(err, NULL, NULL, "%s is too long for a number", q);
                return -1;
            }
            body[bl++] = (char)c;
            p++;
            continue;
        }
        if (bl > 0)
            body_done = 1;
        if ((c == '-' || c == '+') && bl == 0 && !sign_seen) {
            neg = c == '-';
            sign_seen = 1;
            p++;
        } else if (c == '%' && !pct && !eur && bl > 0) {
            pct = 1;
            p++;
        } else if (c == 0xE2 && (unsigned char)p[1] == 0x82 && (unsigned char)p[2] == 0xAC && !eur && !pct) {
            eur = 1;
            p += 3;
        } else if (word_ci(p, "euro") && !eur && !pct && bl > 0) {
            eur = 1;
            p += 4;
        } else if (word_ci(p, "eur") && !eur && !pct && bl > 0) {
            eur = 1;
            p += 3;
        } else {
            goto bad;
        }
    }
    if (bl == 0)
        goto empty;
    body[bl] = '\0';

    {
        const char *comma = strchr(body, ',');
        size_t ilen = comma ? (size_t)(comma - body) : bl;
        int64_t ip = 0, fp = 0;
        int ndec = 0, groups = 0, glen = 0, first = 1;
        if (comma && strchr(comma + 1, ','))
            goto bad;
        if (ilen == 0)
            goto bad;
        /* integer part: plain digits, or 1-3 digits then groups of exactly 3 after '.' */
        for (size_t i = 0; i < ilen; i++) {
            char c = body[i];
            if (c == '.') {
                if (glen == 0 || (first ? glen > 3 : glen != 3))
                    goto grouping;
                first = 0;
                groups++;
                glen = 0;
                continue;
            }
            glen++;
            if (ip > RULES_DECIMAL_MAX_UNITS / RULES_DECIMAL_SCALE)
                return out_of_range(err, q);
            ip = ip * 10 + (c - '0');
        }
        if (groups > 0 && glen != 3)
            goto grouping;
        if (comma) {
            for (const char *c = comma + 1; *c; c++) {
                if (*c == '.')
                    goto bad;
                if (++ndec > 4) {
                    rerr_set(err, NULL, "at most 4 decimals", "%s has more than 4 decimals", q);
                    return -1;
                }
                fp = fp * 10 + (*c - '0');
            }
            if (ndec == 0)
                goto bad;
            fp *= pow10_i64[4 - ndec];
        }
        if (ip > RULES_DECIMAL_MAX_UNITS / RULES_DECIMAL_SCALE)
            return out_of_range(err, q);
        out->units = ip * RULES_DECIMAL_SCALE + fp;
        if (out->units > RULES_DECIMAL_MAX_UNITS)
            return out_of_range(err, q);
        if (neg)
            out->units = -out->units;
        if (unit)
            *unit = pct ? RULES_UNIT_PERCENT : eur ? RULES_UNIT_EURO : RULES_UNIT_NONE;
        return 0;
    }
grouping:
    rerr_set(err, NULL, NULL, "%s is not an Italian number: '.' groups thousands in threes", q);
    rerr_hint(err, "write decimals after a comma (72,19) and thousands with points (1.000.000,00)");
    return -1;
empty:
    return rerr_set(err, NULL, "write a number such as 1.000,50 or 72,19%", "\"%s\" has no digits", q);
bad:
    return rerr_set(err, NULL, "write a number such as 1.000,50, € 600.000,00 or 72,19%", "\"%s\" is not a number", q);
}

/* The string builder's decimal and band writers (internal.h) live here, beside the
 * formatting they use, so that util.c needs nothing of the library. */
void sb_dec(sbuf *b, rules_decimal d)
{
    char tmp[32];
    sb_puts(b, rules_decimal_format_short(d, tmp));
}

void sb_band(sbuf *b, const rules_band *band)
{
    if (band->has_min) {
        sb_puts(b, band->min_exclusive ? "(" : "[");
        sb_dec(b, band->min);
    } else {
        sb_puts(b, "(-∞");
    }
    sb_puts(b, ", ");
    if (band->has_max) {
        sb_dec(b, band->max);
        sb_puts(b, band->max_inclusive ? "]" : ")");
    } else {
        sb_puts(b, "+∞)");
    }
}
