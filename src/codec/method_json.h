/*
 * method_json.h — the JSON form of a plan's method (its SMVP, issue 14) and of the targets,
 * baselines and values of indicators scored without a rule.
 *
 * Every json_t argument is borrowed; every json_t returned is a new reference. The method
 * object (README "Scoring", openapi Method):
 *   {"combine": "auto"|"indicators"|"phases"|"mix", "mix": {"value": 50},
 *    "phases": "share"|"cumulative", "threshold": 0, "rounding": 2,
 *    "not_measured": "leave"|"zero", "late_per_day": 0, "roll_up": true,
 *    "description": "..."}
 * Every key is optional (absent: the default's value); unknown keys are errors.
 */
#ifndef CICLO_METHOD_JSON_H
#define CICLO_METHOD_JSON_H

#include <jansson.h>

#include "rules.h"

#define METHOD_DESCRIPTION_MAX 2000 /* characters of "description" */

/* Decodes j (NULL or null: the default method) into *out and checks it with
 * rules_method_check. Returns 0, or -1 with err naming the field ("method.threshold"). */
int method_json_decode(const json_t *j, rules_method *out, rules_error *err);

/* Encodes m with every key (the method as it applies). New reference, NULL on failure. */
json_t *method_json_encode(const rules_method *m);

/* "higher_is_better" / "lower_is_better" / "target" (NULL or other: higher). */
rules_direction method_direction(const char *text);

/*
 * Reads an indicator's target or baseline (JSON number, boolean or string, borrowed):
 * numbers are NUMBER (PERCENT for value_type "percent", EURO for "money"), booleans
 * yes/no, strings go through rules_expected_parse_it (Italian and ISO dates, "72,19%",
 * "Sì"); year is the default year of dates written without one. Returns 1 when the target
 * can be compared with a value (*out filled), 0 when it cannot ("trimestrale", "nessuna",
 * free text, or a kind the value_type cannot meet: a date for a number indicator), -1 when
 * there is none (absent or null). value_type NULL accepts any kind.
 */
int method_target(const json_t *t, const char *value_type, int year, rules_expected *out);

/* method_target on a stored JSON text (jsonb::text, NULL: none) without building a jansson
 * value for the usual forms (numbers, true/false, strings without escapes): a plan of 20,000
 * indicators reads its targets in well under a millisecond. Numbers are read exactly. */
int method_target_text(const char *text, const char *value_type, int year, rules_expected *out);

/* Fills an indicator's target and direction (what scores it without a rule) from its JSON
 * target (borrowed, may be NULL), value_type and direction texts (may be NULL). */
void method_indicator_target(rules_indicator *x, const json_t *target, const char *value_type, const char *direction,
                             int year);
/* The same from the stored JSON text of the target (NULL: none). */
void method_indicator_target_text(rules_indicator *x, const char *target, const char *value_type, const char *direction,
                                  int year);

/* Decodes a measured value for an indicator without a rule: a number, true/false, or an
 * ISO date. Returns 0 or -1 with err (field "value"). */
int method_value(const json_t *v, rules_value *out, rules_error *err);

#endif
