#include "codec/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/json_fields.h"
#include "codec/method_json.h"
#include "codec/rule_json.h"
#include "core/buf.h"
#include "core/text.h"
#include "rules.h"

void field_values_free(field_values *fv)
{
    for (int i = 0; i < VALUES_MAX; i++) {
        free(fv->v[i]);
        fv->v[i] = NULL;
    }
}

static void path_of(char *out, size_t n, const char *prefix, const char *name)
{
    snprintf(out, n, "%s%s%s", prefix, *prefix ? "." : "", name);
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "a whole number";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static char *text_array_literal(const json_t *arr)
{
    buf b;
    buf_init(&b, 0);
    buf_putc(&b, '{');
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        if (i)
            buf_putc(&b, ',');
        buf_putc(&b, '"');
        for (const char *s = json_string_value(item); *s; s++) {
            if (*s == '"' || *s == '\\')
                buf_putc(&b, '\\');
            buf_putc(&b, *s);
        }
        buf_putc(&b, '"');
    }
    buf_putc(&b, '}');
    return buf_steal(&b, NULL);
}

#define CODE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* A plan's method (issue 14) is checked by the rules library: 422 naming the field
 * ("method.threshold"). Returns 1 when it is broken (the problem is added). */
static int method_field_invalid(const field_spec *f, const json_t *v, const char *path, problem *p)
{
    if (strcmp(f->name, "method") != 0 || !json_is_object(v))
        return 0;
    rules_method m;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (method_json_decode(v, &m, &e) == 0)
        return 0;
    const char *rest = strncmp(e.field, "method", 6) == 0 ? e.field + 6 : "";
    char full[256];
    snprintf(full, sizeof full, "%.120s%.120s", path, rest);
    problem_add(p, full, "%s", e.message);
    return 1;
}

/* An indicator's rule is decoded by the rules library when written, so an unknown kind
 * ({"kind":"magic"}) or a broken band is a 422 naming the field ("rule.kind") at once, not a
 * finding of the next check. Returns 1 when it is broken (the problem is added). */
static int rule_field_invalid(const field_spec *f, const json_t *v, const char *path, problem *p)
{
    if (strcmp(f->name, "rule") != 0 || !json_is_object(v))
        return 0;
    rules_rule nodes[RULE_JSON_MAX_NODES];
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rule_json_decode(v, path, nodes, RULE_JSON_MAX_NODES, NULL, &e) == 0)
        return 0;
    body_rules_error(p, e.field[0] ? e.field : path, &e);
    return 1;
}

/* An indicator's targets per year (the PIAO's three years, issue 20): keys are years 2000..2100,
 * values numbers, texts or yes/no as a target is. Returns 1 when broken (the problems are added). */
static int targets_field_invalid(const field_spec *f, const json_t *v, const char *path, problem *p)
{
    if (strcmp(f->name, "targets") != 0 || !json_is_object(v))
        return 0;
    const char *year;
    json_t *t;
    int bad = 0;
    json_object_foreach((json_t *)v, year, t)
    {
        char full[160];
        snprintf(full, sizeof full, "%.100s.%.40s", path, year);
        char *end;
        long y = strtol(year, &end, 10);
        if (strlen(year) != 4 || *end || y < 2000 || y > 2100) {
            problem_add(p, full, "is not a year (2000..2100): targets are given by year, {\"2025\": 80}");
            bad = 1;
        } else if (!json_is_number(t) && !json_is_string(t) && !json_is_boolean(t)) {
            problem_add(p, full, "must be a number, a text or true/false, as a target");
            bad = 1;
        }
    }
    return bad;
}

/* s, a parameter just made; NULL makes p out of memory. */
static char *made(char *s, problem *p)
{
    if (!s)
        problem_oom(p);
    return s;
}

/* Adds the error of a number outside f's range [min, max] (negative: it is below 0). NULL. */
static char *out_of_range(const field_spec *f, int negative, const char *path, problem *p)
{
    if (f->type == FT_REF)
        problem_add(p, path, "must be a positive id");
    else if (f->type == FT_DEC && f->min == 0 && negative)
        problem_add(p, path, "must not be negative");
    else
        problem_add(p, path, "must be between %lld and %lld", (long long)f->min, (long long)f->max);
    return NULL;
}

/* Converts one non-null value. Returns a malloc'd parameter, or NULL after adding an error (or
 * making p out of memory). */
static char *convert(const field_spec *f, const json_t *v, const char *path, problem *p)
{
    char tmp[64];
    rules_error e;
    memset(&e, 0, sizeof e);
    switch (f->type) {
    case FT_TEXT: {
        if (!json_is_string(v))
            break;
        const char *s = json_string_value(v);
        if ((f->flags & F_REQUIRED) && !(f->flags & F_MAY_BE_EMPTY) && !*s) {
            problem_add(p, path, "must not be empty");
            return NULL;
        }
        if ((int)utf8_length(s) > f->max_len) {
            problem_add(p, path, "is longer than %d characters", f->max_len);
            return NULL;
        }
        if ((f->flags & F_CODE) && (!isalnum((unsigned char)*s) || s[strspn(s, CODE_CHARS)])) {
            problem_add(p, path,
                        "must match [A-Za-z0-9][A-Za-z0-9._-]* (letters, digits, '.', '_', '-'; "
                        "no spaces)");
            return NULL;
        }
        return made(strdup(s), p);
    }
    case FT_INT:
    case FT_REF: {
        if (!json_is_integer(v))
            break;
        long long n = json_integer_value(v);
        if (n < f->min || n > f->max)
            return out_of_range(f, n < 0, path, p);
        snprintf(tmp, sizeof tmp, "%lld", n);
        return made(strdup(tmp), p);
    }
    case FT_DEC: {
        if (!json_is_number(v))
            break;
        rules_decimal d;
        if (rule_json_number(v, f->decimals, path, &d, &e) < 0) {
            problem_add(p, path, "%s", e.message);
            return NULL;
        }
        if (d.units < f->min * RULES_DECIMAL_SCALE || d.units > f->max * RULES_DECIMAL_SCALE)
            return out_of_range(f, d.units < 0, path, p);
        char out[32];
        return made(strdup(rules_decimal_format(d, f->decimals, '.', out)), p);
    }
    case FT_BOOL:
        if (!json_is_boolean(v))
            break;
        return made(strdup(json_is_true(v) ? "true" : "false"), p);
    case FT_DATE: {
        if (!json_is_string(v))
            break;
        rules_date d;
        if (rules_date_parse_iso(json_string_value(v), &d, &e) < 0) {
            body_rules_error(p, path, &e);
            return NULL;
        }
        char iso[11];
        rules_date_format_iso(d, iso);
        return made(strdup(iso), p);
    }
    case FT_ENUM: {
        if (!json_is_string(v))
            break;
        for (const char *const *x = f->values; *x; x++)
            if (strcmp(*x, json_string_value(v)) == 0)
                return made(strdup(*x), p);
        buf b;
        buf_init(&b, 512);
        for (const char *const *x = f->values; *x; x++)
            buf_printf(&b, "%s%s", x == f->values ? "" : ", ", *x);
        if (b.failed)
            problem_oom(p);
        problem_add(p, path, "must be one of: %s", b.data ? b.data : "");
        buf_free(&b);
        return NULL;
    }
    case FT_JSON: {
        char kind = json_is_number(v)    ? 'n'
                    : json_is_string(v)  ? 's'
                    : json_is_boolean(v) ? 'b'
                    : json_is_object(v)  ? 'o'
                                         : 'a';
        if (!strchr(f->json_kinds, kind))
            break;
        if (method_field_invalid(f, v, path, p) || rule_field_invalid(f, v, path, p) ||
            targets_field_invalid(f, v, path, p))
            return NULL;
        char *s = made(rule_json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY), p);
        if (s && strlen(s) > 65536) {
            free(s);
            problem_add(p, path, "is larger than 64 KiB");
            return NULL;
        }
        return s;
    }
    case FT_TEXTS: {
        if (!json_is_array(v))
            break;
        if ((int)json_array_size(v) > f->max_len) {
            problem_add(p, path, "has more than %d items", f->max_len);
            return NULL;
        }
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            int64_t most = f->max > 0 ? f->max : 64;
            if (!json_is_string(item) || (int64_t)utf8_length(json_string_value(item)) > most ||
                !*json_string_value(item)) {
                problem_add(p, path, "item %zu must be a non-empty string of at most %lld characters", i,
                            (long long)most);
                return NULL;
            }
        }
        return made(text_array_literal(v), p);
    }
    }
    static const char *const expected[] = {
        "a string", "a whole number",         "a number", "true or false",      "a date (YYYY-MM-DD)",
        "a string", "an id (a whole number)", "",         "an array of strings"};
    if (f->type == FT_JSON) {
        char kinds[96] = "";
        for (const char *k = f->json_kinds; *k; k++) {
            const char *word = *k == 'n' ? "a number" : *k == 's' ? "a string" : *k == 'b' ? "a boolean" : "an object";
            snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s", k == f->json_kinds ? "" : " or ", word);
        }
        problem_add(p, path, "must be %s, not %s", kinds, json_kind(v));
    } else {
        problem_add(p, path, "must be %s, not %s", expected[f->type], json_kind(v));
    }
    return NULL;
}

/* Names the server writes: never accepted from a client, ignored in a whole row. */
static int is_server_name(const resource_spec *r, const char *key)
{
    const char *names[MODEL_MAX_OUTPUT];
    int n = model_output_fields(r, names, MODEL_MAX_OUTPUT);
    if (model_field(r, key))
        return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], key) == 0)
            return 1;
    return 0;
}

int validate_object(const resource_spec *r, json_t *obj, validate_mode mode, const char *prefix, field_values *out,
                    problem *p)
{
    char path[256];
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    if (!obj)
        return problem_oom(p);
    if (!json_is_object(obj)) {
        problem_add(p, *prefix ? prefix : "", "must be a JSON object, not %s", json_kind(obj));
        problem_set(p, 422, "validation_failed", "the %s is not valid", r->name);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (model_field(r, key))
            continue;
        if (mode == VALIDATE_REPLACE && is_server_name(r, key))
            continue;
        path_of(path, sizeof path, prefix, key);
        if (is_server_name(r, key))
            problem_add(p, path, "is set by the server");
        else
            problem_add(p, path, "is not a field of %s", r->name);
    }
    for (int i = 0; i < r->nfields && i < VALUES_MAX; i++) {
        const field_spec *f = &r->fields[i];
        v = json_object_get(obj, f->name);
        path_of(path, sizeof path, prefix, f->name);
        if (f->flags & F_SERVER) {
            if (mode == VALIDATE_CREATE && v)
                problem_add(p, path, "is set by the server");
            continue;
        }
        if (!v || json_is_null(v)) {
            if (f->flags & F_REQUIRED)
                problem_add(p, path, "is required");
            else if ((f->flags & F_NOT_NULL) && mode == VALIDATE_REPLACE)
                problem_add(p, path, "must not be null");
            continue;
        }
        out->v[i] = convert(f, v, path, p);
    }
    if (problem_count(p) > before || problem_is_oom(p)) {
        problem_set(p, 422, "validation_failed", "the %s is not valid", r->name);
        field_values_free(out);
        return -1;
    }
    return 0;
}

int validate_patch(const resource_spec *r, json_t *patch, json_t *current, problem *p)
{
    if (!json_is_object(patch)) {
        problem_add(p, "", "a merge patch must be a JSON object");
        return problem_set(p, 422, "validation_failed", "the patch is not valid");
    }
    const char *key;
    json_t *v;
    json_object_foreach(patch, key, v)
    {
        const field_spec *f = model_field(r, key);
        int fixed = f ? (f->flags & (F_SERVER | F_CREATE_ONLY)) != 0 : is_server_name(r, key);
        if (!f && !fixed)
            problem_add(p, key, "is not a field of %s", r->name);
        else if (fixed && !json_equal(v, json_object_get(current, key)))
            problem_add(p, key, "is read-only");
    }
    if (problem_count(p))
        return problem_set(p, 422, "validation_failed", "the patch is not valid");
    return 0;
}

json_t *merge_patch(json_t *target, json_t *patch)
{
    if (!json_is_object(patch))
        return json_incref(patch);
    json_t *result = json_object();
    const char *key;
    json_t *v;
    if (json_is_object(target)) /* copied key by key: json_copy keeps going when a key is lost */
        json_object_foreach(target, key, v)
        {
            if (json_object_set(result, key, v) < 0) {
                json_decref(result);
                return NULL;
            }
        }
    json_object_foreach(patch, key, v)
    {
        if (json_is_null(v)) {
            json_object_del(result, key);
            continue;
        }
        if (json_object_set_new(result, key, merge_patch(json_object_get(result, key), v)) < 0) {
            json_decref(result);
            return NULL;
        }
    }
    return result;
}

const char *body_text(json_t *obj, const char *key, size_t max, problem *p) { return jf_text(obj, key, max, p); }

int body_date(json_t *obj, const char *key, char out[11], problem *p) { return jf_date(obj, key, out, p); }

void body_rules_error(problem *p, const char *field, const rules_error *e)
{
    problem_add(p, field, "%s%s%s", e->message, e->hint[0] ? ": " : "", e->hint);
}

void body_unknown_fields(json_t *obj, const char *const *known, const char *what, problem *p)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            ok |= strcmp(*k, key) == 0;
        if (!ok)
            problem_add(p, key, "is not a field of %s", what);
    }
}

int entry_date_check(const char *iso, int plan_year, const char *field, problem *p)
{
    int year = atoi(iso);
    if (year >= plan_year && year <= plan_year + ENTRY_YEARS_AFTER_PLAN)
        return 0;
    problem_add(p, field, "%.10s is outside the plan's years: a plan of %d takes entries dated %d to %d", iso,
                plan_year, plan_year, plan_year + ENTRY_YEARS_AFTER_PLAN);
    return -1;
}

int entry_percent_check(const char *value_type, rules_decimal d, const char *field, problem *p)
{
    if (strcmp(value_type, "percent") != 0 || (d.units >= 0 && d.units <= 100 * (int64_t)RULES_DECIMAL_SCALE))
        return 0;
    char text[48];
    problem_add(p, field,
                "%s is outside 0-100 for a percent indicator (value_type percent; a rate that may "
                "leave that range is value_type number)",
                rules_decimal_format_short(d, text));
    return -1;
}
