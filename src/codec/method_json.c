/* method_json.c — see method_json.h. */
#include "codec/method_json.h"

#include <stdio.h>
#include <string.h>

#include "codec/rule_json.h"
#include "core/text.h"

static int fail(rules_error *err, const char *field, const char *msg)
{
    if (err) {
        memset(err, 0, sizeof *err);
        snprintf(err->field, sizeof err->field, "%s", field);
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return -1;
}

static int pick(const json_t *v, const char *field, const char *const *names, int *out, rules_error *err)
{
    if (!v)
        return 0;
    char msg[200];
    if (json_is_string(v))
        for (int i = 0; names[i]; i++)
            if (strcmp(json_string_value(v), names[i]) == 0) {
                *out = i;
                return 0;
            }
    size_t n = (size_t)snprintf(msg, sizeof msg, "must be one of:");
    for (int i = 0; names[i] && n < sizeof msg; i++)
        n += (size_t)snprintf(msg + n, sizeof msg - n, "%s %s", i ? "," : "", names[i]);
    return fail(err, field, msg);
}

static int number(const json_t *v, const char *field, int decimals, rules_decimal *out, rules_error *err)
{
    if (!v)
        return 0;
    if (!json_is_number(v))
        return fail(err, field, "must be a number");
    if (rule_json_number(v, decimals, field, out, err) < 0)
        return -1;
    return 0;
}

static const char *const combines[] = {"auto", "indicators", "phases", "mix", NULL};
static const char *const phase_ways[] = {"share", "cumulative", NULL};
static const char *const unmeasured[] = {"leave", "zero", NULL};

int method_json_decode(const json_t *j, rules_method *out, rules_error *err)
{
    *out = rules_method_default();
    if (!j || json_is_null(j))
        return 0;
    if (!json_is_object(j))
        return fail(err, "method", "must be an object (or null for the default method)");
    const char *key;
    json_t *v;
    char field[128];
    json_object_foreach((json_t *)j, key, v)
    {
        static const char *const known[] = {"combine",      "mix",          "phases",  "threshold",   "rounding",
                                            "not_measured", "late_per_day", "roll_up", "description", NULL};
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(key, known[i]) == 0;
        if (!ok) {
            snprintf(field, sizeof field, "method.%.100s", key);
            return fail(err, field, "is not a field of method");
        }
    }
    int c = (int)out->combine, ph = (int)out->phases, un = (int)out->unmeasured;
    if (pick(json_object_get(j, "combine"), "method.combine", combines, &c, err) < 0 ||
        pick(json_object_get(j, "phases"), "method.phases", phase_ways, &ph, err) < 0 ||
        pick(json_object_get(j, "not_measured"), "method.not_measured", unmeasured, &un, err) < 0)
        return -1;
    out->combine = (rules_combine)c;
    out->phases = (rules_phase_scoring)ph;
    out->unmeasured = (rules_unmeasured)un;
    json_t *mix = json_object_get(j, "mix");
    if (mix && !json_is_null(mix)) {
        if (!json_is_object(mix) || json_object_size(mix) != (json_object_get(mix, "value") ? 1u : 0u))
            return fail(err, "method.mix", "must be {\"value\": weight % of the achieved value}");
        if (number(json_object_get(mix, "value"), "method.mix.value", 2, &out->mix_value, err) < 0)
            return -1;
    }
    if (number(json_object_get(j, "threshold"), "method.threshold", 2, &out->threshold, err) < 0 ||
        number(json_object_get(j, "late_per_day"), "method.late_per_day", 2, &out->late_per_day, err) < 0)
        return -1;
    json_t *r = json_object_get(j, "rounding");
    if (r) {
        if (!json_is_integer(r))
            return fail(err, "method.rounding", "must be a whole number of decimals: 0, 1 or 2");
        json_int_t d = json_integer_value(r);
        out->rounding = d < 0 || d > 2 ? -1 : (int)d;
    }
    json_t *roll = json_object_get(j, "roll_up");
    if (roll) {
        if (!json_is_boolean(roll))
            return fail(err, "method.roll_up", "must be true or false");
        out->no_roll_up = !json_is_true(roll);
    }
    json_t *d = json_object_get(j, "description");
    if (d && !json_is_null(d) && (!json_is_string(d) || utf8_length(json_string_value(d)) > METHOD_DESCRIPTION_MAX))
        return fail(err, "method.description", "must be a string of at most 2000 characters");
    rules_finding f[8];
    size_t n = 0;
    if (rules_method_check(out, f, 8, &n) > 0)
        return fail(err, f[0].path, f[0].message);
    return 0;
}

json_t *method_json_encode(const rules_method *m)
{
    int c = m->combine >= RULES_COMBINE_AUTO && m->combine <= RULES_COMBINE_MIX ? (int)m->combine : 0;
    return json_pack("{s:s, s:{s:o}, s:s, s:o, s:i, s:s, s:o, s:b}", "combine", combines[c], "mix", "value",
                     rule_json_decimal(m->mix_value), "phases", phase_ways[m->phases == RULES_PHASES_CUMULATIVE],
                     "threshold", rule_json_decimal(m->threshold), "rounding", m->rounding, "not_measured",
                     unmeasured[m->unmeasured == RULES_UNMEASURED_ZERO], "late_per_day",
                     rule_json_decimal(m->late_per_day), "roll_up", !m->no_roll_up);
}

rules_direction method_direction(const char *text)
{
    if (text && strcmp(text, "lower_is_better") == 0)
        return RULES_DIRECTION_LOWER;
    if (text && strcmp(text, "target") == 0)
        return RULES_DIRECTION_EXACT;
    return RULES_DIRECTION_HIGHER;
}

/* Whether a target of this kind can be met by values of value_type (NULL: any). A number
 * indicator whose target reads as a date ("02/01/1900", a spreadsheet's 2) cannot. */
static int fits(rules_expected_kind k, const char *value_type)
{
    if (!value_type)
        return 1;
    int number = k == RULES_EXPECTED_NUMBER || k == RULES_EXPECTED_PERCENT || k == RULES_EXPECTED_EURO;
    if (strcmp(value_type, "date") == 0)
        return k == RULES_EXPECTED_DATE;
    if (strcmp(value_type, "boolean") == 0)
        return k == RULES_EXPECTED_BOOLEAN;
    return number;
}

int method_target(const json_t *t, const char *value_type, int year, rules_expected *out)
{
    memset(out, 0, sizeof *out);
    if (!t || json_is_null(t))
        return -1;
    if (json_is_boolean(t)) {
        out->kind = RULES_EXPECTED_BOOLEAN;
        out->boolean = json_is_true(t);
        return fits(out->kind, value_type);
    }
    if (json_is_number(t)) {
        if (rule_json_number(t, 4, "target", &out->number, NULL) < 0)
            return 0;
        out->kind = value_type && strcmp(value_type, "percent") == 0 ? RULES_EXPECTED_PERCENT
                    : value_type && strcmp(value_type, "money") == 0 ? RULES_EXPECTED_EURO
                                                                     : RULES_EXPECTED_NUMBER;
        return fits(out->kind, value_type);
    }
    if (!json_is_string(t))
        return 0;
    if (rules_expected_parse_it(json_string_value(t), year >= 1 && year <= 9999 ? year : 0, out, NULL) < 0 ||
        out->kind == RULES_EXPECTED_FREQUENCY)
        return 0;
    return fits(out->kind, value_type);
}

int method_value(const json_t *v, rules_value *out, rules_error *err)
{
    memset(out, 0, sizeof *out);
    if (json_is_boolean(v)) {
        *out = rules_value_bool(json_is_true(v));
        return 0;
    }
    if (json_is_number(v)) {
        out->kind = RULES_VALUE_NUMBER;
        return rule_json_number(v, 4, "value", &out->number, err);
    }
    if (json_is_string(v)) {
        rules_date d;
        if (rules_date_parse_iso(json_string_value(v), &d, err) < 0)
            return -1;
        *out = rules_value_date(d);
        return 0;
    }
    return fail(err, "value", "must be a number, true/false or a date (YYYY-MM-DD)");
}

static void set_target(rules_indicator *x, int c, const rules_expected *e, const char *direction)
{
    x->direction = method_direction(direction);
    x->has_target = c >= 0;
    x->target_comparable = c == 1;
    if (c == 1)
        x->target = *e;
}

void method_indicator_target_text(rules_indicator *x, const char *target, const char *value_type, const char *direction,
                                  int year)
{
    rules_expected e;
    set_target(x, method_target_text(target, value_type, year, &e), &e, direction);
}

void method_indicator_target(rules_indicator *x, const json_t *target, const char *value_type, const char *direction,
                             int year)
{
    rules_expected e;
    set_target(x, method_target(target, value_type, year, &e), &e, direction);
}

int method_target_text(const char *text, const char *value_type, int year, rules_expected *out)
{
    memset(out, 0, sizeof *out);
    if (!text || strcmp(text, "null") == 0)
        return -1;
    size_t len = strlen(text);
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        out->kind = RULES_EXPECTED_BOOLEAN;
        out->boolean = text[0] == 't';
        return fits(out->kind, value_type);
    }
    char plain[256];
    if (len >= 2 && text[0] == '"' && text[len - 1] == '"' && len - 2 < sizeof plain &&
        !memchr(text + 1, '\\', len - 2)) { /* a string without escapes: its characters as they are */
        memcpy(plain, text + 1, len - 2);
        plain[len - 2] = '\0';
        if (rules_expected_parse_it(plain, year >= 1 && year <= 9999 ? year : 0, out, NULL) < 0 ||
            out->kind == RULES_EXPECTED_FREQUENCY)
            return 0;
        return fits(out->kind, value_type);
    }
    if (text[0] != '"' && rules_decimal_parse_plain(text, 4, &out->number, NULL) == 0) {
        out->kind = value_type && strcmp(value_type, "percent") == 0 ? RULES_EXPECTED_PERCENT
                    : value_type && strcmp(value_type, "money") == 0 ? RULES_EXPECTED_EURO
                                                                     : RULES_EXPECTED_NUMBER;
        return fits(out->kind, value_type);
    }
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL); /* escapes, long texts, other JSON */
    int c = method_target(j, value_type, year, out);
    json_decref(j);
    return c;
}
