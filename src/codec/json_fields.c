/* json_fields.c — readers of single fields of a JSON body (json_fields.h). */
#include "codec/json_fields.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codec/rule_json.h"
#include "core/text.h"

int jf_one_of(const char *s, const char *const *vals)
{
    for (; s && *vals; vals++)
        if (strcmp(s, *vals) == 0)
            return 1;
    return 0;
}

void jf_unknown_keys(const json_t *obj, const char *const *allowed, const char *prefix, problem *p)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (!jf_one_of(key, allowed)) {
            char path[200];
            snprintf(path, sizeof path, "%s%s", prefix, key);
            problem_add(p, path, "is not a field here");
        }
    }
}

int jf_decimal(const json_t *obj, const char *key, const char *path, int decimals, int64_t lo, int64_t hi,
               rules_decimal *out, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rule_json_number(v, decimals, path, out, &e) < 0) {
        problem_add(p, path, "%s", e.message);
        return -1;
    }
    if (out->units < lo * RULES_DECIMAL_SCALE || out->units > hi * RULES_DECIMAL_SCALE) {
        problem_add(p, path, "must be between %" PRId64 " and %" PRId64, lo, hi);
        return -1;
    }
    return 1;
}

void jf_required_decimal(const json_t *obj, const char *prefix, const char *key, int decimals, int64_t lo, int64_t hi,
                         rules_decimal *out, problem *p)
{
    char path[200];
    snprintf(path, sizeof path, "%s%s", prefix, key);
    if (jf_decimal(obj, key, path, decimals, lo, hi, out, p) == 0)
        problem_add(p, path, "is required");
}

int jf_int(const json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        problem_add(p, key, "must be a whole number from %" PRId64 " to %" PRId64, lo, hi);
        return -1;
    }
    *out = json_integer_value(v);
    return 1;
}

int jf_object(const json_t *body, const char *const *allowed, const char *shape, problem *p)
{
    if (!json_is_object(body)) {
        problem_add(p, "", "must be a JSON object%s", shape);
        return -1;
    }
    jf_unknown_keys(body, allowed, "", p);
    return 0;
}

void jf_required_int(const json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out, const char *why,
                     problem *p)
{
    if (jf_int(obj, key, lo, hi, out, p) == 0)
        problem_add(p, key, "is required%s", why);
}

const char *jf_text(const json_t *obj, const char *key, size_t max, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v) || utf8_length(json_string_value(v)) > max) {
        problem_add(p, key, "must be a string of at most %zu characters", max);
        return NULL;
    }
    return json_string_value(v);
}

int jf_date(const json_t *obj, const char *key, char out[11], problem *p)
{
    json_t *v = json_object_get(obj, key);
    out[0] = '\0';
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        problem_add(p, key, "must be a date (YYYY-MM-DD)");
        return -1;
    }
    rules_date d;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rules_date_parse_iso(json_string_value(v), &d, &e) < 0) {
        problem_add(p, key, "%s%s%s", e.message, e.hint[0] ? ": " : "", e.hint);
        return -1;
    }
    rules_date_format_iso(d, out);
    return 1;
}

const json_t *jf_array_object(const json_t *arr, size_t i, const char *path, const char *const *allowed,
                              const char *shape, char *prefix, size_t n, problem *p)
{
    const json_t *o = json_array_get(arr, i);
    int len = snprintf(prefix, n, "%s[%zu]", path, i);
    if (!json_is_object(o)) {
        problem_add(p, prefix, "must be an object %s", shape);
        return NULL;
    }
    if (len > 0 && (size_t)len + 1 < n)
        snprintf(prefix + len, n - (size_t)len, ".");
    jf_unknown_keys(o, allowed, prefix, p);
    return o;
}
