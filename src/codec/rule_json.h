/*
 * rule_json.h — the JSON form of scoring rules (API.md "Scoring rules") and of
 * their values and findings, to and from the rules library's plain types.
 *
 * The only place where rules meet jansson. Every json_t argument is borrowed
 * (never stolen, never kept); every json_t returned is a new reference that the
 * caller must json_decref. Decoded rules live in caller-owned arrays.
 */
#ifndef CICLO_RULE_JSON_H
#define CICLO_RULE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "rules.h"

/* Nodes enough for any rule the decoder accepts: a root with nested rules. */
#define RULE_JSON_MAX_NODES 64
/* Values enough for any value the decoder accepts. */
#define RULE_JSON_MAX_VALUES 64

/*
 * Decodes rule JSON `j` (borrowed) into nodes[0..cap): the root is nodes[0],
 * nested rules (formula "then", all_targets "parts") follow it and are pointed
 * to from it, so the array must outlive the root. *used (may be NULL) receives
 * the number of nodes filled. `path` prefixes error fields (NULL: "rule").
 * Numbers are exact: at most 4 decimals, scores at most 2. Unknown keys are
 * errors (a typo must not pass silently); "description" is allowed and ignored.
 * The formula's syntax is checked. Returns 0, or -1 with err whose field is
 * the JSON path ("rule.bands[2].max"). Does not run rules_check: call it for
 * overlaps, gaps and the like.
 */
int rule_json_decode(const json_t *j, const char *path, rules_rule *nodes, size_t cap, size_t *used, rules_error *err);

/*
 * Decodes the measured value `j` (borrowed) for `rule`: a number (bands,
 * linear, formula's "then" is not involved), true/false (boolean), an ISO date
 * "YYYY-MM-DD" (deadline), an object of numbers (formula), an array with one
 * value per part (all_targets). vals[0] is the root; parts use vals[1..cap).
 * `path` prefixes error fields (NULL: "value"). Returns 0 or -1 with err.
 */
int rule_json_decode_value(const json_t *j, const rules_rule *rule, const char *path, rules_value *vals, size_t cap,
                           size_t *used, rules_error *err);

/*
 * Decodes a JSON number (borrowed) as an exact decimal with at most
 * max_decimals decimals: integers directly, reals as the decimal they were
 * parsed from (json_number_text: exact for the at most 15 significant digits
 * json_number_check lets into a body). Returns 0 or -1 with err (field = path),
 * whose message quotes the number as the client wrote it, in its shortest form
 * ("33.333 has more than 2 decimals"; 33.3330 and 3.3333e1 are quoted as 33.333 too).
 */
int rule_json_number(const json_t *j, int max_decimals, const char *path, rules_decimal *out, rules_error *err);

/* Encodes a rule in the API's JSON form. New reference; NULL on allocation failure. */
json_t *rule_json_encode(const rules_rule *rule);

/*
 * Encodes a decimal as a JSON number (an integer when whole). New reference. The
 * service's one encoder of money, scores, weights, percentages and coefficients:
 * a real is written back as its exact decimal ("4253.01", never 4253.0100000000002)
 * when the text is made by rule_json_dumps, for any decimal of at most 15
 * significant digits (json_number.h); beyond that it is rounded to 15.
 */
json_t *rule_json_decimal(rules_decimal d);

/*
 * jansson's dump of j with flags, reals printed with 15 significant digits, so that every
 * decimal encoded by rule_json_decimal or read by json_number_check'ed jansson comes
 * out as its exact decimal text. Every JSON text the service writes (answers, stored
 * documents, replays) is made here. malloc'd text for the caller (NULL on failure).
 */
char *rule_json_dumps(const json_t *j, size_t flags);
/* The same text, appended to b (which may spill: buf_spill). Returns 0, or -1 (b failed). */
int rule_json_dump_buf(const json_t *j, size_t flags, buf *b);

/* Encodes findings as [{"severity","code","message","path"}]. New reference. */
json_t *rule_json_findings(const rules_finding *findings, size_t n);

/* Encodes {"score": 80, "explanation": "..."}. New reference. */
json_t *rule_json_result(rules_decimal score, const char *explanation);

/* Copies the `used` decoded rule nodes of tmp (as rule_json_decode leaves them, pointing
 * into tmp) into mem, moving the pointers between nodes; the copy is owned by mem. Returns
 * the root node, or NULL when mem is exhausted. */
const rules_rule *rule_json_keep(arena *mem, const rules_rule *tmp, size_t used);

#endif
