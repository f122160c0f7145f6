/*
 * json_limits.h — the shape limits of a JSON request body, checked on its bytes before
 * jansson builds anything. jansson's own nesting limit is 2048, and a 32 MiB body of
 * "[0,0,0,..." would become millions of values: these bounds keep a request's memory
 * near its size. A plan import and the ERP feeds stay far below them.
 */
#ifndef CICLO_JSON_LIMITS_H
#define CICLO_JSON_LIMITS_H
#include <stddef.h>

#define JSON_MAX_DEPTH 64        /* arrays and objects inside one another */
#define JSON_MAX_ARRAY 100000    /* items of one array */
#define JSON_MAX_VALUES 1000000  /* values (strings, numbers, literals, containers) in all */

enum json_limit { JSON_WITHIN_LIMITS = 0, JSON_TOO_DEEP, JSON_TOO_MANY_ITEMS, JSON_TOO_MANY_VALUES };

/* Scans the JSON text s[0..n) (need not be NUL-terminated) and says which limit it breaks
 * first, if any. Malformed text passes: the decoder reports it. Pure; thread-safe. */
enum json_limit json_limits_check(const char *s, size_t n);

#endif
