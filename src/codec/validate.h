/* validate.h — request bodies checked against the model and turned into SQL parameters. */
#ifndef CICLO_VALIDATE_H
#define CICLO_VALIDATE_H
#include <jansson.h>

#include "codec/model.h"
#include "core/problem.h"
#include "rules.h"

#define VALUES_MAX 48

/* One text parameter per field of a resource (NULL = absent / SQL NULL). Owns its strings. */
typedef struct field_values {
    char *v[VALUES_MAX];
} field_values;

void field_values_free(field_values *fv);

typedef enum { VALIDATE_CREATE, VALIDATE_REPLACE } validate_mode;

/*
 * Checks obj against resource r and fills out. CREATE: unknown and server fields are
 * errors, required fields must be present. REPLACE: obj is a whole row after a merge
 * patch; server fields are ignored and no non-null field may be null. Every problem is
 * added to p with its path (prefix, e.g. "objectives[3]", may be ""); p's status is set
 * to 422 when any was found. Returns 0 when obj is valid, else -1. obj is borrowed; NULL (an
 * allocation that failed upstream) and any allocation failing here give -1 with p out of
 * memory (503, problem_oom).
 */
int validate_object(const resource_spec *r, json_t *obj, validate_mode mode, const char *prefix, field_values *out,
                    problem *p);

/* Checks a merge patch's keys before it is applied: unknown fields, and read-only fields
 * whose value would change. current is the row as stored. Returns 0 or -1 (p set). */
int validate_patch(const resource_spec *r, json_t *patch, json_t *current, problem *p);

/* Readers of single fields, for bodies that are not model resources. Each adds an error to p
 * naming the field (key) when the value is there but not right. */

/* The string at key of obj (borrowed from obj) of at most max characters; NULL when absent,
 * null or not right. */
const char *body_text(json_t *obj, const char *key, size_t max, problem *p);

/* The date (YYYY-MM-DD) at key of obj, normalised into out: 1 when present, 0 when absent or
 * null (out ""), -1 when it is not a date. */
int body_date(json_t *obj, const char *key, char out[11], problem *p);

/* Adds the rules library's error e at field: "message: hint", or the message alone when e has
 * no hint. */
void body_rules_error(problem *p, const char *field, const rules_error *e);

/* Adds an error "is not a field of <what>" for each key of obj not in known (NULL-terminated). */
void body_unknown_fields(json_t *obj, const char *const *known, const char *what, problem *p);

/* Entries (measurements, phase progress), by the API and the feeds alike (issue 18). */

/* The years an entry of a plan of plan_year may be dated in: the plan's year and the next one,
 * when the year's final measurements and the Relazione sulla performance (by 30 June) are
 * written. Adds an error at field and returns -1 for an ISO date (YYYY-MM-DD) outside them. */
#define ENTRY_YEARS_AFTER_PLAN 1
int entry_date_check(const char *iso, int plan_year, const char *field, problem *p);

/* A value of an indicator of value_type "percent" lies in 0–100 (an indicator whose values
 * may leave that range, a growth rate, is a "number" with unit "%"). Adds an error at field
 * and returns -1 when it does not; 0 for any other value_type. */
int entry_percent_check(const char *value_type, rules_decimal d, const char *field, problem *p);

/* RFC 7396 JSON Merge Patch: returns target with patch applied (a new reference; target
 * and patch are borrowed), or NULL when memory runs out. */
json_t *merge_patch(json_t *target, json_t *patch);

#endif
