/*
 * rule_form.h — the compact stored form of a decoded scoring rule (issue 21).
 *
 * A rule's JSON text is decoded once (codec/rule_json.h) and kept as this flat ASCII form
 * (table rule_forms, sql/030_rule_forms.sql), so that reading a plan rebuilds its rules without
 * a jansson tree. The form is versioned ("r1") and every field is checked when read back: a
 * form that is damaged, truncated or of another version is refused, never half-read.
 *
 * Grammar (tokens separated by one space; numbers are decimal integers; decimals are
 * rules_decimal units):
 *   form  := "r1" node
 *   node  := "B" bands | "T" | "L" target baseline | "D" year month day bands
 *          | "F" len expr then | "A" count node...
 *   bands := integer direction count (flags min max score)...   flags: 1 has_min, 2 has_max,
 *            4 min_exclusive, 8 max_inclusive, 16 proportional
 *   expr  := exactly len bytes;  then := "0" | "1" node
 * Nodes are laid out in the order rule_json_decode lays them out (pre-order).
 */
#ifndef CICLO_RULE_FORM_H
#define CICLO_RULE_FORM_H

#include <stddef.h>

#include "core/buf.h"
#include "rules.h"

/* Appends the form of rule (and the rules it points to) to out. Returns 0, or -1 when out
 * fails to grow or the rule is malformed (a kind out of range, nesting beyond
 * RULES_MAX_NESTING, a count beyond its limit). */
int rule_form_encode(const rules_rule *rule, buf *out);

/* Reads the form s[0..len) into nodes[0..cap) (root at nodes[0]; nested rules follow and are
 * pointed to from it, as rule_json_decode leaves them); *used receives the nodes filled.
 * Returns 0, or -1 when the form is not a valid version-1 form: then nodes are garbage. Pure:
 * no allocation. */
int rule_form_decode(const char *s, size_t len, rules_rule *nodes, size_t cap, size_t *used);

#endif
