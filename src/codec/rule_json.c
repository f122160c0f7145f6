/* rule_json.c — JSON <-> rules library types (see rule_json.h). */
#include "rule_json.h"

#include "codec/json_number.h"
#include "core/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dec {
    rules_rule *nodes;
    size_t cap;
    size_t used;
    rules_error *err;
} dec;

static void pfx(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pfx(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

static int fail(rules_error *err, const char *field, const char *hint, const char *msg)
{
    if (err) {
        pfx(err->field, sizeof err->field, "%s", field);
        pfx(err->message, sizeof err->message, "%s", msg);
        pfx(err->hint, sizeof err->hint, "%s", hint ? hint : "");
    }
    return -1;
}

int rule_json_number(const json_t *j, int max_decimals, const char *path, rules_decimal *out, rules_error *err)
{
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);
        if (v > RULES_DECIMAL_MAX_UNITS / RULES_DECIMAL_SCALE || v < -(RULES_DECIMAL_MAX_UNITS / RULES_DECIMAL_SCALE))
            return fail(err, path, "values are limited to ±90000000000000", "number out of range");
        out->units = (int64_t)v * RULES_DECIMAL_SCALE;
        return 0;
    }
    if (json_is_real(j)) {
        char text[32];
        double d = json_real_value(j);
        if (!isfinite(d))
            return fail(err, path, NULL, "number out of range");
        json_number_text(d, text);
        if (rules_decimal_parse_plain(text, max_decimals, out, err) < 0) {
            if (err)
                pfx(err->field, sizeof err->field, "%s", path);
            return -1;
        }
        return 0;
    }
    return fail(err, path, NULL, "must be a number");
}

static int get_bool(const json_t *o, const char *key, const char *path, int *out, rules_error *err)
{
    json_t *v = json_object_get(o, key);
    char f[160];
    *out = 0;
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        pfx(f, sizeof f, "%s.%s", path, key);
        return fail(err, f, NULL, "must be true or false");
    }
    *out = json_is_true(v);
    return 0;
}

static int only_keys(const json_t *o, const char *path, const char *const *allowed, rules_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = 1;
        if (!ok) {
            char f[200], q[48];
            size_t n = strlen(key);
            pfx(q, sizeof q, "%.40s%s", key, n > 40 ? "..." : "");
            for (char *c = q; *c; c++)
                if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7F)
                    *c = '?';
            pfx(f, sizeof f, "%s.%s", path, q);
            return fail(err, f, "check the spelling against the API's rule format", "unknown key");
        }
    }
    (void)v;
    return 0;
}

static int decode_bands(const json_t *o, const char *path, rules_bands *b, int score_only_int, rules_error *err)
{
    static const char *const band_keys[] = {"min",   "max",          "min_exclusive", "max_inclusive",
                                            "score", "proportional", "description",   NULL};
    char f[160], g[200];
    json_t *arr = json_object_get(o, "bands");
    pfx(f, sizeof f, "%s.bands", path);
    memset(b, 0, sizeof *b);
    if (!json_is_array(arr))
        return fail(err, f, "give a list of bands such as [{\"min\": 90, \"score\": 100}]", "must be an array of bands");
    size_t n = json_array_size(arr);
    if (n == 0)
        return fail(err, f, NULL, "needs at least one band");
    if (n > RULES_MAX_BANDS)
        return fail(err, f, NULL, "at most 32 bands");
    for (size_t i = 0; i < n; i++) {
        json_t *jb = json_array_get(arr, i);
        rules_band *x = &b->band[i];
        pfx(f, sizeof f, "%s.bands[%zu]", path, i);
        if (!json_is_object(jb))
            return fail(err, f, NULL, "must be an object");
        if (only_keys(jb, f, band_keys, err) < 0)
            return -1;
        json_t *v;
        if ((v = json_object_get(jb, "min")) && !json_is_null(v)) {
            pfx(g, sizeof g, "%s.min", f);
            if (rule_json_number(v, 4, g, &x->min, err) < 0)
                return -1;
            x->has_min = 1;
        }
        if ((v = json_object_get(jb, "max")) && !json_is_null(v)) {
            pfx(g, sizeof g, "%s.max", f);
            if (rule_json_number(v, 4, g, &x->max, err) < 0)
                return -1;
            x->has_max = 1;
        }
        pfx(g, sizeof g, "%s.score", f);
        if (!(v = json_object_get(jb, "score")))
            return fail(err, g, NULL, "is required");
        if (rule_json_number(v, 2, g, &x->score, err) < 0)
            return -1;
        int t;
        if (get_bool(jb, "min_exclusive", f, &t, err) < 0)
            return -1;
        x->min_exclusive = (unsigned char)t;
        if (get_bool(jb, "max_inclusive", f, &t, err) < 0)
            return -1;
        x->max_inclusive = (unsigned char)t;
        if (get_bool(jb, "proportional", f, &t, err) < 0)
            return -1;
        x->proportional = (unsigned char)t;
    }
    b->count = (int)n;
    if (get_bool(o, "integer", path, &b->integer, err) < 0)
        return -1;
    (void)score_only_int;
    json_t *d = json_object_get(o, "direction");
    if (d) {
        const char *s = json_string_value(d);
        pfx(f, sizeof f, "%s.direction", path);
        if (s && strcmp(s, "higher_is_better") == 0)
            b->direction = RULES_DIRECTION_HIGHER;
        else if (s && strcmp(s, "lower_is_better") == 0)
            b->direction = RULES_DIRECTION_LOWER;
        else
            return fail(err, f, NULL, "must be \"higher_is_better\" or \"lower_is_better\"");
    }
    return 0;
}

static int decode_at(dec *d, const json_t *j, const char *path, rules_rule **out, int depth);

static int decode_rule(dec *d, const json_t *j, const char *path, rules_rule *r, int depth)
{
    static const char *const k_bands[] = {"kind", "bands", "integer", "direction", "description", NULL};
    static const char *const k_bool[] = {"kind", "description", NULL};
    static const char *const k_linear[] = {"kind", "target", "baseline", "description", NULL};
    static const char *const k_deadline[] = {"kind", "due", "bands", "direction", "description", NULL};
    static const char *const k_formula[] = {"kind", "expr", "then", "description", NULL};
    static const char *const k_all[] = {"kind", "parts", "description", NULL};
    char f[160];
    const char *kind = json_string_value(json_object_get(j, "kind"));
    pfx(f, sizeof f, "%s.kind", path);
    if (!kind)
        return fail(d->err, f, "one of bands, boolean, linear, deadline, formula, all_targets",
                    "is required and must be a string");
    if (strcmp(kind, "bands") == 0) {
        rules_rule_init(r, RULES_KIND_BANDS);
        if (only_keys(j, path, k_bands, d->err) < 0)
            return -1;
        return decode_bands(j, path, &r->bands, 0, d->err);
    }
    if (strcmp(kind, "boolean") == 0) {
        rules_rule_init(r, RULES_KIND_BOOLEAN);
        return only_keys(j, path, k_bool, d->err);
    }
    if (strcmp(kind, "linear") == 0) {
        rules_rule_init(r, RULES_KIND_LINEAR);
        if (only_keys(j, path, k_linear, d->err) < 0)
            return -1;
        json_t *t = json_object_get(j, "target"), *b = json_object_get(j, "baseline");
        pfx(f, sizeof f, "%s.target", path);
        if (!t)
            return fail(d->err, f, NULL, "is required");
        if (rule_json_number(t, 4, f, &r->linear.target, d->err) < 0)
            return -1;
        pfx(f, sizeof f, "%s.baseline", path);
        if (b && rule_json_number(b, 4, f, &r->linear.baseline, d->err) < 0)
            return -1;
        if (r->linear.target.units == r->linear.baseline.units) {
            pfx(f, sizeof f, "%s.target", path);
            return fail(d->err, f, "the target must differ from the baseline", "target equals baseline");
        }
        return 0;
    }
    if (strcmp(kind, "deadline") == 0) {
        rules_rule_init(r, RULES_KIND_DEADLINE);
        if (only_keys(j, path, k_deadline, d->err) < 0)
            return -1;
        const char *due = json_string_value(json_object_get(j, "due"));
        pfx(f, sizeof f, "%s.due", path);
        if (!due)
            return fail(d->err, f, "write the due date as YYYY-MM-DD", "is required");
        if (rules_date_parse_iso(due, &r->deadline.due, d->err) < 0) {
            if (d->err)
                pfx(d->err->field, sizeof d->err->field, "%s", f);
            return -1;
        }
        if (json_object_get(j, "bands")) {
            if (decode_bands(j, path, &r->deadline.bands, 1, d->err) < 0)
                return -1;
            r->deadline.bands.integer = 1;
        }
        return 0;
    }
    if (strcmp(kind, "formula") == 0) {
        rules_rule_init(r, RULES_KIND_FORMULA);
        if (only_keys(j, path, k_formula, d->err) < 0)
            return -1;
        const char *e = json_string_value(json_object_get(j, "expr"));
        pfx(f, sizeof f, "%s.expr", path);
        if (!e)
            return fail(d->err, f, "write an expression such as (a - b) / a * 100", "is required and must be a string");
        size_t n = json_string_length(json_object_get(j, "expr"));
        if (n > RULES_MAX_EXPR || strlen(e) != n)
            return fail(d->err, f, "split the calculation",
                        n > RULES_MAX_EXPR ? "expression longer than 1024 characters"
                                           : "expression contains a NUL character");
        memcpy(r->formula.expr, e, n + 1);
        if (rules_formula_check(e, NULL, 0, NULL, d->err) < 0) {
            if (d->err)
                pfx(d->err->field, sizeof d->err->field, "%s", f);
            return -1;
        }
        json_t *then = json_object_get(j, "then");
        if (then && !json_is_null(then)) {
            rules_rule *t;
            pfx(f, sizeof f, "%s.then", path);
            if (decode_at(d, then, f, &t, depth + 1) < 0)
                return -1;
            r->formula.then = t;
        }
        return 0;
    }
    if (strcmp(kind, "all_targets") == 0) {
        rules_rule_init(r, RULES_KIND_ALL_TARGETS);
        if (only_keys(j, path, k_all, d->err) < 0)
            return -1;
        json_t *parts = json_object_get(j, "parts");
        pfx(f, sizeof f, "%s.parts", path);
        if (!json_is_array(parts) || json_array_size(parts) == 0)
            return fail(d->err, f, NULL, "must be a non-empty array of rules");
        if (json_array_size(parts) > RULES_MAX_PARTS)
            return fail(d->err, f, NULL, "at most 16 parts");
        for (size_t i = 0; i < json_array_size(parts); i++) {
            rules_rule *t;
            pfx(f, sizeof f, "%s.parts[%zu]", path, i);
            if (decode_at(d, json_array_get(parts, i), f, &t, depth + 1) < 0)
                return -1;
            r->all_targets.part[i] = t;
        }
        r->all_targets.count = (int)json_array_size(parts);
        return 0;
    }
    return fail(d->err, f, "one of bands, boolean, linear, deadline, formula, all_targets", "unknown kind");
}

static int decode_at(dec *d, const json_t *j, const char *path, rules_rule **out, int depth)
{
    if (depth > RULES_MAX_NESTING)
        return fail(d->err, path, "nest rules at most 4 deep", "rules nested too deeply");
    if (!json_is_object(j))
        return fail(d->err, path, NULL, "must be an object");
    if (d->used >= d->cap)
        return fail(d->err, path, NULL, "too many nested rules");
    rules_rule *r = &d->nodes[d->used++];
    *out = r;
    return decode_rule(d, j, path, r, depth);
}

int rule_json_decode(const json_t *j, const char *path, rules_rule *nodes, size_t cap, size_t *used, rules_error *err)
{
    dec d = {nodes, cap, 0, err};
    rules_rule *root;
    if (used)
        *used = 0;
    if (!nodes || cap == 0)
        return fail(err, path ? path : "rule", NULL, "no room for the rule");
    int rc = decode_at(&d, j, path ? path : "rule", &root, 1);
    if (used)
        *used = d.used;
    return rc;
}

/* ---- values -------------------------------------------------------------- */

typedef struct vdec {
    rules_value *vals;
    size_t cap;
    size_t used;
    rules_error *err;
} vdec;

static int is_ident(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int value_at(vdec *d, const json_t *j, const rules_rule *r, const char *path, rules_value *v, int depth)
{
    char f[200];
    memset(v, 0, sizeof *v);
    if (!r)
        return fail(d->err, path, NULL, "missing rule");
    if (depth > RULES_MAX_NESTING)
        return fail(d->err, path, NULL, "rules nested too deeply");
    switch (r->kind) {
    case RULES_KIND_BANDS:
    case RULES_KIND_LINEAR: v->kind = RULES_VALUE_NUMBER; return rule_json_number(j, 4, path, &v->number, d->err);
    case RULES_KIND_BOOLEAN:
        if (!json_is_boolean(j))
            return fail(d->err, path, NULL, "must be true or false");
        v->kind = RULES_VALUE_BOOLEAN;
        v->boolean = json_is_true(j);
        return 0;
    case RULES_KIND_DEADLINE: {
        const char *s = json_string_value(j);
        if (!s)
            return fail(d->err, path, "write the completion date as YYYY-MM-DD", "must be a date string");
        v->kind = RULES_VALUE_DATE;
        if (rules_date_parse_iso(s, &v->date, d->err) < 0) {
            if (d->err)
                pfx(d->err->field, sizeof d->err->field, "%s", path);
            return -1;
        }
        return 0;
    }
    case RULES_KIND_FORMULA: {
        const char *key;
        json_t *x;
        if (!json_is_object(j))
            return fail(d->err, path, "give the inputs as {\"name\": number, ...}", "must be an object of numbers");
        if (json_object_size(j) > RULES_MAX_INPUTS)
            return fail(d->err, path, NULL, "at most 16 inputs");
        v->kind = RULES_VALUE_INPUTS;
        json_object_foreach((json_t *)j, key, x)
        {
            if (strlen(key) >= RULES_MAX_NAME || !is_ident(key)) {
                char q[48];
                pfx(q, sizeof q, "%.31s", key);
                for (char *c = q; *c; c++)
                    if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7F)
                        *c = '?';
                pfx(f, sizeof f, "%s.%s", path, q);
                return fail(d->err, f, "names are letters, digits and _, at most 31", "invalid input name");
            }
            pfx(f, sizeof f, "%s.%s", path, key);
            rules_input *in = &v->inputs[v->n_inputs];
            memcpy(in->name, key, strlen(key) + 1);
            if (rule_json_number(x, 4, f, &in->value, d->err) < 0)
                return -1;
            v->n_inputs++;
        }
        return 0;
    }
    case RULES_KIND_ALL_TARGETS: {
        int n = r->all_targets.count;
        if (!json_is_array(j))
            return fail(d->err, path, "give one value per part, in order", "must be an array");
        if (json_array_size(j) != (size_t)n) {
            pfx(f, sizeof f, "the rule has %d parts: give %d values", n, n);
            return fail(d->err, path, NULL, f);
        }
        if (n <= 0 || n > RULES_MAX_PARTS || d->used + (size_t)n > d->cap)
            return fail(d->err, path, NULL, "too many values");
        rules_value *parts = &d->vals[d->used];
        d->used += (size_t)n;
        for (int i = 0; i < n; i++) {
            pfx(f, sizeof f, "%s[%d]", path, i);
            if (value_at(d, json_array_get(j, (size_t)i), r->all_targets.part[i], f, &parts[i], depth + 1) < 0)
                return -1;
        }
        v->kind = RULES_VALUE_PARTS;
        v->n_parts = n;
        v->parts = parts;
        return 0;
    }
    }
    return fail(d->err, path, NULL, "unknown rule kind");
}

int rule_json_decode_value(const json_t *j, const rules_rule *rule, const char *path, rules_value *vals, size_t cap,
                           size_t *used, rules_error *err)
{
    vdec d = {vals, cap, 1, err};
    if (used)
        *used = 0;
    if (!vals || cap == 0)
        return fail(err, path ? path : "value", NULL, "no room for the value");
    int rc = value_at(&d, j, rule, path ? path : "value", &vals[0], 1);
    if (used)
        *used = d.used;
    return rc;
}

/* ---- encoding ------------------------------------------------------------ */

json_t *rule_json_decimal(rules_decimal d)
{
    if (d.units % RULES_DECIMAL_SCALE == 0)
        return json_integer(d.units / RULES_DECIMAL_SCALE);
    char text[32];
    rules_decimal_format_short(d, text);
    return json_real(strtod(text, NULL));
}

static int dump_to_buf(const char *text, size_t n, void *b) { return buf_append(b, text, n); }

/* Written into a buf, not by json_dumps: jansson 2.14 goes on past an object key it could not
 * write for want of memory, and would give a text without that key; a buf stays failed. */
int rule_json_dump_buf(const json_t *j, size_t flags, buf *b)
{
    if (json_dump_callback(j, dump_to_buf, b, flags | JSON_REAL_PRECISION(JSON_NUMBER_DIGITS)) < 0 || b->failed) {
        b->failed = 1;
        return -1;
    }
    return 0;
}

char *rule_json_dumps(const json_t *j, size_t flags)
{
    buf b;
    buf_init(&b, 0);
    if (rule_json_dump_buf(j, flags, &b) < 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

static int set_new(json_t *o, const char *k, json_t *v) { return v ? json_object_set_new(o, k, v) : -1; }

/* Appends o (stolen) to arr when it was built whole (rc 0). Returns 0, or -1 after dropping both
 * o and arr (a member failed, or the append did). */
static int append_built(json_t *arr, json_t *o, int rc)
{
    if (rc) {
        json_decref(o);
    } else if (json_array_append_new(arr, o) == 0) {
        return 0;
    }
    json_decref(arr);
    return -1;
}

static json_t *encode_bands(const rules_bands *b)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (int i = 0; i < b->count && i < RULES_MAX_BANDS; i++) {
        const rules_band *x = &b->band[i];
        json_t *o = json_object();
        int rc = o ? 0 : -1;
        if (x->has_min)
            rc |= set_new(o, "min", rule_json_decimal(x->min));
        if (x->min_exclusive)
            rc |= set_new(o, "min_exclusive", json_true());
        if (x->has_max)
            rc |= set_new(o, "max", rule_json_decimal(x->max));
        if (x->max_inclusive)
            rc |= set_new(o, "max_inclusive", json_true());
        rc |= set_new(o, "score", rule_json_decimal(x->score));
        if (x->proportional)
            rc |= set_new(o, "proportional", json_true());
        if (append_built(arr, o, rc) < 0)
            return NULL;
    }
    return arr;
}

static json_t *encode_at(const rules_rule *r, int depth)
{
    static const char *const kinds[] = {"", "bands", "boolean", "linear", "deadline", "formula", "all_targets"};
    if (!r || depth > RULES_MAX_NESTING || r->kind < RULES_KIND_BANDS || r->kind > RULES_KIND_ALL_TARGETS)
        return NULL;
    json_t *o = json_object();
    int rc = o ? set_new(o, "kind", json_string(kinds[r->kind])) : -1;
    char ds[11];
    const rules_bands *b = NULL;
    switch (r->kind) {
    case RULES_KIND_BANDS:
        b = &r->bands;
        rc |= set_new(o, "bands", encode_bands(b));
        if (b->integer)
            rc |= set_new(o, "integer", json_true());
        break;
    case RULES_KIND_BOOLEAN: break;
    case RULES_KIND_LINEAR:
        rc |= set_new(o, "target", rule_json_decimal(r->linear.target));
        rc |= set_new(o, "baseline", rule_json_decimal(r->linear.baseline));
        break;
    case RULES_KIND_DEADLINE:
        rules_date_format_iso(r->deadline.due, ds);
        rc |= set_new(o, "due", json_string(ds));
        if (r->deadline.bands.count > 0) {
            b = &r->deadline.bands;
            rc |= set_new(o, "bands", encode_bands(b));
        }
        break;
    case RULES_KIND_FORMULA:
        rc |= set_new(o, "expr", json_stringn(r->formula.expr, strnlen(r->formula.expr, RULES_MAX_EXPR)));
        if (r->formula.then)
            rc |= set_new(o, "then", encode_at(r->formula.then, depth + 1));
        break;
    case RULES_KIND_ALL_TARGETS: {
        json_t *parts = json_array();
        rc |= parts ? 0 : -1;
        for (int i = 0; parts && i < r->all_targets.count && i < RULES_MAX_PARTS; i++) {
            json_t *p = encode_at(r->all_targets.part[i], depth + 1);
            rc |= p ? json_array_append_new(parts, p) : -1;
        }
        rc |= set_new(o, "parts", parts);
        break;
    }
    }
    if (b && b->direction != RULES_DIRECTION_AUTO)
        rc |= set_new(o, "direction",
                      json_string(b->direction == RULES_DIRECTION_HIGHER ? "higher_is_better" : "lower_is_better"));
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *rule_json_encode(const rules_rule *rule) { return encode_at(rule, 1); }

json_t *rule_json_findings(const rules_finding *findings, size_t n)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const rules_finding *f = &findings[i];
        json_t *o = json_object();
        int rc = o ? 0 : -1;
        rc |= set_new(o, "severity", json_string(rules_severity_name(f->severity)));
        rc |= set_new(o, "code", json_string(f->code));
        rc |= set_new(o, "message", json_string(f->message));
        rc |= set_new(o, "path", json_string(f->path));
        if (append_built(arr, o, rc) < 0)
            return NULL;
    }
    return arr;
}

json_t *rule_json_result(rules_decimal score, const char *explanation)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (set_new(o, "score", rule_json_decimal(score)) ||
        set_new(o, "explanation", json_string(explanation ? explanation : ""))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

const rules_rule *rule_json_keep(arena *mem, const rules_rule *tmp, size_t used)
{
    rules_rule *copy = arena_array(mem, used, sizeof *copy);
    if (!copy)
        return NULL;
    memcpy(copy, tmp, used * sizeof *copy);
    for (size_t k = 0; k < used; k++) {
        if (copy[k].kind == RULES_KIND_FORMULA && copy[k].formula.then)
            copy[k].formula.then = copy + (copy[k].formula.then - tmp);
        if (copy[k].kind == RULES_KIND_ALL_TARGETS)
            for (int i = 0; i < copy[k].all_targets.count; i++)
                if (copy[k].all_targets.part[i])
                    copy[k].all_targets.part[i] = copy + (copy[k].all_targets.part[i] - tmp);
    }
    return copy;
}
