/* formula.c — the safe arithmetic expression language of formula rules.
 *
 * A recursive-descent parser that evaluates as it parses (no tree, no
 * allocation). Numbers are fixed point with 12 decimals in 128 bits; every
 * operation checks its range, so no input can overflow or divide by zero. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define WSCALE ((rules_wide)1000000000000LL)           /* 1e12 */
#define WLIMIT_INT ((rules_wide)1000000000000000000LL) /* |value| <= 1e18 */
#define WLIMIT (WLIMIT_INT * WSCALE)

typedef struct fparser {
    const char *src;
    const char *p;
    int depth;
    int check_only; /* syntax check: names are 1, no arithmetic errors */
    const rules_input *in;
    int n_in;
    char (*names)[RULES_MAX_NAME];
    int names_cap;
    int n_names;
    rules_error *err;
    int failed;
} fparser;

static int fail(fparser *f, const char *hint, const char *fmt, const char *a)
{
    if (!f->failed) {
        char msg[200];
        size_t pos = (size_t)(f->p - f->src) + 1;
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s", a ? a : "");
        snprintf(msg, sizeof msg, fmt, tmp);
        rerr_set(f->err, NULL, hint, "%s at character %zu", msg, pos);
        f->failed = 1;
    }
    return -1;
}

static void skip_ws(fparser *f)
{
    while (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r')
        f->p++;
}

/* Operator at p: '+', '-', '*', '/' (ASCII or − × ÷); returns it and its length. */
static char peek_op(fparser *f, size_t *len)
{
    const unsigned char *p = (const unsigned char *)f->p;
    *len = 1;
    if (*p == '+' || *p == '-' || *p == '*' || *p == '/')
        return (char)*p;
    if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) { /* − U+2212 */
        *len = 3;
        return '-';
    }
    if (p[0] == 0xC3 && p[1] == 0x97) { /* × U+00D7 */
        *len = 2;
        return '*';
    }
    if (p[0] == 0xC3 && p[1] == 0xB7) { /* ÷ U+00F7 */
        *len = 2;
        return '/';
    }
    return 0;
}

static rules_wide wabs(rules_wide v) { return v < 0 ? -v : v; }

static int wmul(fparser *f, rules_wide a, rules_wide b, rules_wide *out)
{
    int neg = (a < 0) != (b < 0);
    a = wabs(a);
    b = wabs(b);
    rules_wide ai = a / WSCALE, af = a % WSCALE, bi = b / WSCALE, bf = b % WSCALE;
    if (ai != 0 && bi > WLIMIT_INT / ai)
        return fail(f, "values are limited to 1e18", "result too large", NULL);
    rules_wide r = ai * bi * WSCALE + ai * bf + af * bi;
    rules_wide lo = af * bf; /* < 1e24 */
    r += lo / WSCALE + ((lo % WSCALE) * 2 >= WSCALE ? 1 : 0);
    if (r > WLIMIT)
        return fail(f, "values are limited to 1e18", "result too large", NULL);
    *out = neg ? -r : r;
    return 0;
}

static int wdiv(fparser *f, rules_wide a, rules_wide b, rules_wide *out, const char *at)
{
    if (b == 0) {
        if (f->check_only) {
            *out = 0;
            return 0;
        }
        return fail(f, "make sure the divisor cannot be 0", "division by zero%s", at);
    }
    int neg = (a < 0) != (b < 0);
    a = wabs(a);
    b = wabs(b);
    rules_wide qi = a / b, r = a % b;
    if (qi > WLIMIT_INT)
        return fail(f, "values are limited to 1e18", "result too large", NULL);
    rules_wide frac = 0;
    for (int i = 0; i < 12; i++) {
        r *= 10;
        frac = frac * 10 + r / b;
        r %= b;
    }
    rules_wide q = qi * WSCALE + frac + (r * 2 >= b ? 1 : 0);
    *out = neg ? -q : q;
    return 0;
}

static int parse_expr(fparser *f, rules_wide *v);

static int enter(fparser *f)
{
    if (++f->depth > RULES_MAX_EXPR_DEPTH)
        return fail(f, "simplify the expression", "expression nested deeper than 32 levels%s", "");
    return 0;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int parse_number(fparser *f, rules_wide *v)
{
    rules_wide ip = 0, fp = 0, scale = WSCALE;
    int nd = 0;
    while (is_digit(*f->p)) {
        if (++nd > 18)
            return fail(f, "values are limited to 1e18", "number too large%s", "");
        ip = ip * 10 + (*f->p++ - '0');
    }
    if (*f->p == '.') {
        f->p++;
        if (!is_digit(*f->p))
            return fail(f, "write numbers like 12.5", "digit expected after '.'%s", "");
        int nf = 0;
        while (is_digit(*f->p)) {
            if (++nf > 12)
                return fail(f, "at most 12 decimals", "too many decimals%s", "");
            scale /= 10;
            fp += (*f->p++ - '0') * scale;
        }
    }
    if (is_alpha(*f->p) || *f->p == '.')
        return fail(f, NULL, "unexpected '%s' after a number", (char[]){*f->p, 0});
    *v = ip * WSCALE + fp;
    return 0;
}

static int lookup(fparser *f, const char *name, size_t n, rules_wide *v, const char *at)
{
    if (f->check_only) {
        int seen = 0;
        int stored = f->n_names < f->names_cap ? f->n_names : f->names_cap;
        for (int i = 0; i < stored; i++)
            if (strncmp(f->names[i], name, n) == 0 && f->names[i][n] == '\0')
                seen = 1;
        if (!seen) {
            if (f->n_names < f->names_cap) {
                memcpy(f->names[f->n_names], name, n);
                f->names[f->n_names][n] = '\0';
            }
            f->n_names++;
        }
    }
    if (f->check_only) {
        *v = WSCALE;
        return 0;
    }
    for (int i = 0; i < f->n_in; i++) {
        if (strncmp(f->in[i].name, name, n) == 0 && f->in[i].name[n] == '\0') {
            *v = (rules_wide)f->in[i].value.units * (WSCALE / RULES_DECIMAL_SCALE);
            return 0;
        }
    }
    if (!f->failed) {
        char nm[RULES_MAX_NAME], hint[160];
        sbuf h;
        memcpy(nm, name, n);
        nm[n] = '\0';
        sb_init(&h, hint, sizeof hint);
        if (f->n_in == 0) {
            sb_puts(&h, "no inputs were given");
        } else {
            sb_puts(&h, "inputs given: ");
            for (int i = 0; i < f->n_in; i++) {
                if (i)
                    sb_puts(&h, ", ");
                char c[48];
                clip_input(c, sizeof c, f->in[i].name);
                sb_puts(&h, c);
            }
        }
        f->p = at;
        fail(f, hint, "unknown input '%s'", nm);
        return -1;
    }
    return -1;
}

static int parse_primary(fparser *f, rules_wide *v)
{
    skip_ws(f);
    char c = *f->p;
    if (is_digit(c) || (c == '.' && is_digit(f->p[1])))
        return parse_number(f, v);
    if (c == '(') {
        f->p++;
        if (enter(f) < 0 || parse_expr(f, v) < 0)
            return -1;
        skip_ws(f);
        if (*f->p != ')')
            return fail(f, "close every parenthesis", "expected ')'%s", "");
        f->p++;
        f->depth--;
        return 0;
    }
    if (is_alpha(c)) {
        const char *name = f->p;
        while (is_alpha(*f->p) || is_digit(*f->p))
            f->p++;
        size_t n = (size_t)(f->p - name);
        if (n >= RULES_MAX_NAME)
            return fail(f, "names have at most 31 characters", "name too long%s", "");
        const char *after = f->p;
        skip_ws(f);
        if (*f->p == '(') {
            int is_min = n == 3 && strncmp(name, "min", 3) == 0;
            int is_max = n == 3 && strncmp(name, "max", 3) == 0;
            if (!is_min && !is_max) {
                char nm[RULES_MAX_NAME];
                memcpy(nm, name, n);
                nm[n] = '\0';
                f->p = name;
                return fail(f, "the functions are min and max", "unknown function '%s'", nm);
            }
            f->p++;
            if (enter(f) < 0)
                return -1;
            rules_wide acc = 0, x;
            int count = 0;
            for (;;) {
                if (parse_expr(f, &x) < 0)
                    return -1;
                if (count++ == 0 || (is_min ? x < acc : x > acc))
                    acc = x;
                skip_ws(f);
                if (*f->p == ',') {
                    f->p++;
                    continue;
                }
                if (*f->p == ')') {
                    f->p++;
                    break;
                }
                return fail(f, "separate arguments with ','", "expected ',' or ')'%s", "");
            }
            f->depth--;
            *v = acc;
            return 0;
        }
        f->p = after;
        return lookup(f, name, n, v, name);
    }
    if (c == '\0')
        return fail(f, NULL, "unexpected end of expression%s", "");
    if (c == ')')
        return fail(f, NULL, "unexpected ')'%s", "");
    {
        char t[5] = {c, 0};
        if ((unsigned char)c >= 0x80)
            t[0] = '?';
        return fail(f, NULL, "unexpected '%s'", t);
    }
}

static int parse_unary(fparser *f, rules_wide *v)
{
    size_t len;
    skip_ws(f);
    char op = peek_op(f, &len);
    if (op == '-' || op == '+') {
        f->p += len;
        if (enter(f) < 0 || parse_unary(f, v) < 0)
            return -1;
        f->depth--;
        if (op == '-')
            *v = -*v;
        return 0;
    }
    return parse_primary(f, v);
}

/* Applies v op r for op '+', '-', '*' or '/'; at is where the operator stands and r_text the
 * text of r, for the message of a division by zero. */
static int apply(fparser *f, char op, rules_wide *v, rules_wide r, const char *at, const char *r_text)
{
    if (op == '*')
        return wmul(f, *v, r, v);
    if (op == '/') {
        char what[120];
        size_t n = (size_t)(f->p - r_text);
        while (n > 0 && (*r_text == ' '))
            r_text++, n--;
        if (n > 60)
            n = 60;
        snprintf(what, sizeof what, ": '%.*s' is 0", (int)n, r_text);
        const char *save = f->p;
        f->p = at;
        if (wdiv(f, *v, r, v, what) < 0)
            return -1;
        f->p = save;
        return 0;
    }
    *v = op == '+' ? *v + r : *v - r;
    if (*v > WLIMIT || *v < -WLIMIT)
        return fail(f, "values are limited to 1e18", "result too large%s", "");
    return 0;
}

/* One level of left-associative operators: level 0 '+' and '-' over level 1, '*' and '/' over
 * unary terms. */
static int parse_level(fparser *f, rules_wide *v, int level)
{
    static const char *const ops[] = {"+-", "*/"};
    if ((level ? parse_unary(f, v) : parse_level(f, v, 1)) < 0)
        return -1;
    for (;;) {
        size_t len;
        skip_ws(f);
        char op = peek_op(f, &len);
        if (!op || !strchr(ops[level], op))
            return 0;
        const char *at = f->p;
        f->p += len;
        const char *rstart = f->p;
        rules_wide r;
        if ((level ? parse_unary(f, &r) : parse_level(f, &r, 1)) < 0 || apply(f, op, v, r, at, rstart) < 0)
            return -1;
    }
}

static int parse_expr(fparser *f, rules_wide *v) { return parse_level(f, v, 0); }

static int run(fparser *f, rules_wide *v)
{
    size_t len = strlen(f->src);
    if (len > RULES_MAX_EXPR) {
        rerr_set(f->err, NULL, "split the calculation", "expression longer than %d characters", RULES_MAX_EXPR);
        return -1;
    }
    skip_ws(f);
    if (*f->p == '\0') {
        rerr_set(f->err, NULL, "write an expression such as (a - b) / a * 100", "empty expression");
        return -1;
    }
    if (parse_expr(f, v) < 0)
        return -1;
    skip_ws(f);
    if (*f->p != '\0') {
        if (*f->p == ')')
            return fail(f, "remove the extra ')'", "unbalanced ')'%s", "");
        return fail(f, "an operator is missing", "unexpected text%s", "");
    }
    return 0;
}

int rules_formula_eval(const char *expr, const rules_input *inputs, int n, rules_decimal *out, rules_error *err)
{
    fparser f = {0};
    rules_wide v;
    f.src = f.p = expr ? expr : "";
    f.in = inputs;
    f.n_in = inputs ? n : 0;
    f.err = err;
    f.n_names = -1; /* not collecting */
    if (run(&f, &v) < 0)
        return -1;
    /* round to 4 decimals, half away from zero */
    rules_wide div = WSCALE / RULES_DECIMAL_SCALE;
    rules_wide a = wabs(v), q = a / div;
    if ((a % div) * 2 >= div)
        q++;
    if (q > RULES_DECIMAL_MAX_UNITS) {
        rerr_set(err, NULL, "values are limited to ±90000000000000", "result out of range");
        return -1;
    }
    out->units = (int64_t)(v < 0 ? -q : q);
    return 0;
}

int rules_formula_check(const char *expr, char (*names)[RULES_MAX_NAME], int cap, int *n_names, rules_error *err)
{
    fparser f = {0};
    rules_wide v;
    f.src = f.p = expr ? expr : "";
    f.check_only = 1;
    f.err = err;
    f.names = names;
    f.names_cap = names ? cap : 0;
    f.n_names = 0;
    if (run(&f, &v) < 0)
        return -1;
    if (n_names)
        *n_names = f.n_names;
    return 0;
}
