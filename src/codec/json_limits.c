/* json_limits.c — one pass over the bytes, counting depth, array items and values. */
#include "codec/json_limits.h"

const json_limits json_limits_default = {JSON_MAX_DEPTH, JSON_MAX_ARRAY, JSON_MAX_VALUES};
const json_limits json_limits_plan_document = {JSON_MAX_DEPTH, JSON_MAX_ARRAY, JSON_MAX_VALUES_PLAN_DOCUMENT};

enum json_limit json_limits_check(const char *s, size_t n)
{
    return json_limits_check_with(s, n, &json_limits_default);
}

enum json_limit json_limits_check_with(const char *s, size_t n, const json_limits *lim)
{
    int max_depth = lim->max_depth > 0 && lim->max_depth < JSON_MAX_DEPTH ? lim->max_depth : JSON_MAX_DEPTH;
    long items[JSON_MAX_DEPTH]; /* commas seen in each open array; -1 for an object */
    int depth = 0, in_string = 0, in_scalar = 0;
    long values = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        int scalar = 0;
        switch (c) {
        case '"':
            in_string = 1;
            values++;
            break;
        case '[':
        case '{':
            if (depth == max_depth)
                return JSON_TOO_DEEP;
            items[depth++] = c == '[' ? 0 : -1;
            values++;
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        case ',':
            if (depth > 0 && items[depth - 1] >= 0 && ++items[depth - 1] >= lim->max_array)
                return JSON_TOO_MANY_ITEMS;
            break;
        case ' ':
        case '\t':
        case '\r':
        case '\n':
        case ':': break;
        default: /* a number or a literal: count it once, at its first character */
            scalar = 1;
            if (!in_scalar)
                values++;
            break;
        }
        in_scalar = scalar;
        if (values > lim->max_values)
            return JSON_TOO_MANY_VALUES;
    }
    return JSON_WITHIN_LIMITS;
}
