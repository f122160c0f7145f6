/*
 * json_limits.h — the shape limits of a JSON request body, checked on its bytes before
 * jansson builds anything. jansson's own nesting limit is 2048, and a 32 MiB body of
 * "[0,0,0,..." would become millions of values: these bounds keep a request's memory
 * near its size.
 *
 * Two sets of bounds: json_limits_default for every body (a feed or a single write stays
 * far below it), and json_limits_plan_document for the routes that take a whole plan
 * (POST /v1/plans:import, POST /v1/plans/{id}/revisions:import), whose documents are
 * dense: a plan of 20,000 objectives with 4 phases, 4 indicators and 2 assignments each
 * holds about 3.5 million values (keys count as values) in about 29 MB of compact JSON.
 * The byte size of any body stays bounded by CICLO_MAX_BODY_MIB (at most 32 MiB).
 */
#ifndef CICLO_JSON_LIMITS_H
#define CICLO_JSON_LIMITS_H
#include <stddef.h>

#define JSON_MAX_DEPTH 64                     /* arrays and objects inside one another */
#define JSON_MAX_ARRAY 100000                 /* items of one array */
#define JSON_MAX_VALUES 1000000               /* values (strings, numbers, literals, containers) in all */
#define JSON_MAX_VALUES_PLAN_DOCUMENT 5000000 /* the same, for a whole plan document */

typedef struct json_limits {
    int max_depth; /* at most JSON_MAX_DEPTH */
    long max_array;
    long max_values;
} json_limits;

extern const json_limits json_limits_default;       /* 64, 100,000, 1,000,000 */
extern const json_limits json_limits_plan_document; /* 64, 100,000, 5,000,000 */

enum json_limit { JSON_WITHIN_LIMITS = 0, JSON_TOO_DEEP, JSON_TOO_MANY_ITEMS, JSON_TOO_MANY_VALUES };

/* Scans the JSON text s[0..n) (need not be NUL-terminated) and says which of lim's
 * bounds it breaks first, if any. Malformed text passes: the decoder reports it. Pure;
 * thread-safe. */
enum json_limit json_limits_check_with(const char *s, size_t n, const json_limits *lim);

/* json_limits_check_with(s, n, &json_limits_default). */
enum json_limit json_limits_check(const char *s, size_t n);

#endif
