/*
 * json_fields.h — readers of single fields of a JSON request body, for the bodies that are
 * not model resources (people evaluation, the bonus). Each reads obj's member key (obj and
 * the value are borrowed) and, when the value is there but not right, adds an error to p
 * naming the field's path and the rule it breaks. Absent and null mean "not given".
 */
#ifndef CICLO_JSON_FIELDS_H
#define CICLO_JSON_FIELDS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/problem.h"
#include "rules.h"

/* Whether s (may be NULL: no) is one of vals (NULL-terminated). */
int jf_one_of(const char *s, const char *const *vals);

/* Adds "is not a field here" at prefix + key for each key of obj not in allowed
 * (NULL-terminated). prefix is "" at the top ("bands[0]." inside). */
void jf_unknown_keys(const json_t *obj, const char *const *allowed, const char *prefix, problem *p);

/* The body is a JSON object with no key but allowed (NULL-terminated): 0, else -1 after
 * adding "must be a JSON object<shape>" at "" (shape: " {year, role}" or ""). Unknown keys
 * are added as errors ("is not a field here") and do not make it -1. */
int jf_object(const json_t *body, const char *const *allowed, const char *shape, problem *p);

/* jf_int, adding "is required<why>" at key when absent (why: ": the plan ..." or ""). */
void jf_required_int(const json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out, const char *why,
                     problem *p);

/* A decimal of at most `decimals` decimals in [lo, hi], error at path: 1 when present and
 * valid (*out set), 0 when absent or null (*out untouched), -1 after adding an error. */
int jf_decimal(const json_t *obj, const char *key, const char *path, int decimals, int64_t lo, int64_t hi,
               rules_decimal *out, problem *p);

/* jf_decimal at path prefix + key, adding "is required" when absent. */
void jf_required_decimal(const json_t *obj, const char *prefix, const char *key, int decimals, int64_t lo, int64_t hi,
                         rules_decimal *out, problem *p);

/* A whole number in [lo, hi], error at key: 1 present (*out set), 0 absent, -1 error added. */
int jf_int(const json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out, problem *p);

/* The string at key of at most max characters (borrowed from obj); NULL when absent, null
 * or not right. */
const char *jf_text(const json_t *obj, const char *key, size_t max, problem *p);

/* The date (YYYY-MM-DD) at key, normalised into out: 1 when present, 0 when absent or null
 * (out ""), -1 when it is not a date. */
int jf_date(const json_t *obj, const char *key, char out[11], problem *p);

/* Element i of the array arr (at path, e.g. "bands") when it is an object with no key but
 * those allowed; NULL after adding "must be an object <shape>" when it is not an object.
 * prefix (n bytes) receives "path[i]." for the paths of its fields. */
const json_t *jf_array_object(const json_t *arr, size_t i, const char *path, const char *const *allowed,
                              const char *shape, char *prefix, size_t n, problem *p);

#endif
