/* fuzz_formula.c — libFuzzer target for the formula expression parser. */
#include <stdint.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char expr[RULES_MAX_EXPR + 64];
    char names[8][RULES_MAX_NAME];
    rules_input in[3] = {{"a", {120000}}, {"b", {0}}, {"value", {-5}}};
    rules_decimal out;
    rules_error err;
    int n;
    if (size >= sizeof expr)
        size = sizeof expr - 1;
    memcpy(expr, data, size);
    expr[size] = '\0';
    rules_formula_eval(expr, in, 3, &out, &err);
    rules_formula_check(expr, names, 8, &n, &err);
    return 0;
}
