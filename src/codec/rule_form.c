/* rule_form.c — the compact stored form of a decoded rule (see rule_form.h). */
#include "codec/rule_form.h"

#include <inttypes.h>
#include <string.h>

enum { F_HAS_MIN = 1, F_HAS_MAX = 2, F_MIN_EXCL = 4, F_MAX_INCL = 8, F_PROPORTIONAL = 16, F_ALL = 31 };

static int encode_bands(const rules_bands *b, buf *out)
{
    if (b->count < 0 || b->count > RULES_MAX_BANDS)
        return -1;
    buf_printf(out, " %d %d %d", b->integer, (int)b->direction, b->count);
    for (int i = 0; i < b->count; i++) {
        const rules_band *x = &b->band[i];
        int flags = (x->has_min ? F_HAS_MIN : 0) | (x->has_max ? F_HAS_MAX : 0) | (x->min_exclusive ? F_MIN_EXCL : 0) |
                    (x->max_inclusive ? F_MAX_INCL : 0) | (x->proportional ? F_PROPORTIONAL : 0);
        buf_printf(out, " %d %" PRId64 " %" PRId64 " %" PRId64, flags, x->min.units, x->max.units, x->score.units);
    }
    return 0;
}

static int encode_node(const rules_rule *r, int depth, buf *out)
{
    if (!r || depth > RULES_MAX_NESTING)
        return -1;
    switch (r->kind) {
    case RULES_KIND_BANDS: buf_puts(out, " B"); return encode_bands(&r->bands, out);
    case RULES_KIND_BOOLEAN: buf_puts(out, " T"); return 0;
    case RULES_KIND_LINEAR:
        buf_printf(out, " L %" PRId64 " %" PRId64, r->linear.target.units, r->linear.baseline.units);
        return 0;
    case RULES_KIND_DEADLINE:
        buf_printf(out, " D %d %d %d", r->deadline.due.year, r->deadline.due.month, r->deadline.due.day);
        return encode_bands(&r->deadline.bands, out);
    case RULES_KIND_FORMULA: {
        size_t n = strnlen(r->formula.expr, sizeof r->formula.expr);
        if (n > RULES_MAX_EXPR)
            return -1;
        buf_printf(out, " F %zu ", n);
        buf_append(out, r->formula.expr, n);
        buf_puts(out, r->formula.then ? " 1" : " 0");
        return r->formula.then ? encode_node(r->formula.then, depth + 1, out) : 0;
    }
    case RULES_KIND_ALL_TARGETS:
        if (r->all_targets.count < 1 || r->all_targets.count > RULES_MAX_PARTS)
            return -1;
        buf_printf(out, " A %d", r->all_targets.count);
        for (int i = 0; i < r->all_targets.count; i++)
            if (encode_node(r->all_targets.part[i], depth + 1, out) < 0)
                return -1;
        return 0;
    }
    return -1;
}

int rule_form_encode(const rules_rule *rule, buf *out)
{
    buf_puts(out, "r1");
    return encode_node(rule, 1, out) < 0 || out->failed ? -1 : 0;
}

/* ---- reading back ---------------------------------------------------------------- */

typedef struct reader {
    const char *s, *end;
    rules_rule *nodes;
    size_t cap, used;
} reader;

/* The separator, then one token of [A-Za-z] (a tag). Returns the tag, or 0. */
static char tag(reader *r)
{
    if (r->end - r->s < 2 || r->s[0] != ' ')
        return 0;
    char c = r->s[1];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        return 0;
    if (r->end - r->s > 2 && r->s[2] != ' ')
        return 0;
    r->s += 2;
    return c;
}

/* The separator, then an integer in [lo, hi] written without leading zeros. 0, or -1. */
static int num(reader *r, int64_t lo, int64_t hi, int64_t *out)
{
    if (r->s >= r->end || *r->s != ' ')
        return -1;
    const char *p = r->s + 1;
    int neg = p < r->end && *p == '-';
    p += neg;
    const char *digits = p;
    uint64_t v = 0;
    while (p < r->end && *p >= '0' && *p <= '9') {
        if (p - digits >= 19)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == digits || (p - digits > 1 && *digits == '0') || (neg && v == 0) || v > (uint64_t)INT64_MAX)
        return -1;
    int64_t x = neg ? -(int64_t)v : (int64_t)v;
    if (x < lo || x > hi)
        return -1;
    *out = x;
    r->s = p;
    return 0;
}

static int num_int(reader *r, int lo, int hi, int *out)
{
    int64_t x;
    if (num(r, lo, hi, &x) < 0)
        return -1;
    *out = (int)x;
    return 0;
}

static int decimal(reader *r, rules_decimal *out)
{
    return num(r, -RULES_DECIMAL_MAX_UNITS, RULES_DECIMAL_MAX_UNITS, &out->units);
}

static int decode_bands(reader *r, rules_bands *b, int min_count)
{
    int direction;
    if (num_int(r, 0, 1, &b->integer) < 0 || num_int(r, 0, 2, &direction) < 0 ||
        num_int(r, min_count, RULES_MAX_BANDS, &b->count) < 0)
        return -1;
    b->direction = (rules_direction)direction;
    for (int i = 0; i < b->count; i++) {
        rules_band *x = &b->band[i];
        int flags;
        if (num_int(r, 0, F_ALL, &flags) < 0 || decimal(r, &x->min) < 0 || decimal(r, &x->max) < 0 ||
            decimal(r, &x->score) < 0)
            return -1;
        x->has_min = (flags & F_HAS_MIN) != 0;
        x->has_max = (flags & F_HAS_MAX) != 0;
        x->min_exclusive = (flags & F_MIN_EXCL) != 0;
        x->max_inclusive = (flags & F_MAX_INCL) != 0;
        x->proportional = (flags & F_PROPORTIONAL) != 0;
        /* what rule_json_decode leaves: an absent end is zero, a score has 2 decimals */
        if ((!x->has_min && x->min.units) || (!x->has_max && x->max.units) || x->score.units % 100)
            return -1;
    }
    return 0;
}

static int decode_node(reader *r, int depth, rules_rule **out)
{
    if (depth > RULES_MAX_NESTING || r->used >= r->cap)
        return -1;
    rules_rule *n = &r->nodes[r->used++];
    *out = n;
    switch (tag(r)) {
    case 'B': rules_rule_init(n, RULES_KIND_BANDS); return decode_bands(r, &n->bands, 1);
    case 'T': rules_rule_init(n, RULES_KIND_BOOLEAN); return 0;
    case 'L':
        rules_rule_init(n, RULES_KIND_LINEAR);
        if (decimal(r, &n->linear.target) < 0 || decimal(r, &n->linear.baseline) < 0)
            return -1;
        return n->linear.target.units == n->linear.baseline.units ? -1 : 0;
    case 'D':
        rules_rule_init(n, RULES_KIND_DEADLINE);
        if (num_int(r, 1, 9999, &n->deadline.due.year) < 0 || num_int(r, 1, 12, &n->deadline.due.month) < 0 ||
            num_int(r, 1, 31, &n->deadline.due.day) < 0 || !rules_date_valid(n->deadline.due))
            return -1;
        return decode_bands(r, &n->deadline.bands, 0);
    case 'F': {
        rules_rule_init(n, RULES_KIND_FORMULA);
        int len, then;
        if (num_int(r, 0, RULES_MAX_EXPR, &len) < 0 || r->end - r->s < len + 1 || *r->s != ' ')
            return -1;
        memcpy(n->formula.expr, r->s + 1, (size_t)len);
        n->formula.expr[len] = '\0';
        r->s += len + 1;
        if (memchr(n->formula.expr, '\0', (size_t)len) ||
            rules_formula_check(n->formula.expr, NULL, 0, NULL, NULL) < 0 || num_int(r, 0, 1, &then) < 0)
            return -1;
        if (!then)
            return 0;
        rules_rule *t;
        if (decode_node(r, depth + 1, &t) < 0)
            return -1;
        n->formula.then = t;
        return 0;
    }
    case 'A':
        rules_rule_init(n, RULES_KIND_ALL_TARGETS);
        if (num_int(r, 1, RULES_MAX_PARTS, &n->all_targets.count) < 0)
            return -1;
        for (int i = 0; i < n->all_targets.count; i++) {
            rules_rule *t;
            if (decode_node(r, depth + 1, &t) < 0)
                return -1;
            n->all_targets.part[i] = t;
        }
        return 0;
    }
    return -1;
}

int rule_form_decode(const char *s, size_t len, rules_rule *nodes, size_t cap, size_t *used)
{
    reader r = {s, s + len, nodes, cap, 0};
    *used = 0;
    if (!s || !nodes || len < 2 || memcmp(s, "r1", 2) != 0)
        return -1;
    r.s += 2;
    rules_rule *root;
    if (decode_node(&r, 1, &root) < 0 || r.s != r.end)
        return -1;
    *used = r.used;
    return 0;
}
