/* fuzz_number.c — libFuzzer target for the number parsers (JSON plain and Italian). */
#include <stdint.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[256], buf[32];
    rules_decimal d;
    rules_number_unit u;
    rules_error err;
    rules_expected x;
    if (size >= sizeof s)
        size = sizeof s - 1;
    memcpy(s, data, size);
    s[size] = '\0';
    for (int k = 0; k <= 4; k++)
        if (rules_decimal_parse_plain(s, k, &d, &err) == 0) {
            rules_decimal_format(d, k, ',', buf);
            rules_decimal_format_short(d, buf);
        }
    if (rules_number_parse_it(s, &d, &u, &err) == 0) {
        rules_decimal_format(d, 2, '.', buf);
        rules_decimal_mul(d, d, &d, &err);
        rules_decimal_div(d, (rules_decimal){3}, &d, &err);
    }
    rules_expected_parse_it(s, 2024, &x, &err);
    return 0;
}
