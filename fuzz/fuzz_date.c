/* fuzz_date.c — libFuzzer target for the date parsers (ISO, Italian, frequencies). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[128], iso[11];
    rules_date d, e;
    rules_error err;
    int n;
    if (size >= sizeof s)
        size = sizeof s - 1;
    memcpy(s, data, size);
    s[size] = '\0';
    if (rules_date_parse_iso(s, &d, &err) == 0) {
        rules_date_format_iso(d, iso);
        if (rules_date_parse_iso(iso, &e, &err) != 0 || rules_date_compare(d, e) != 0)
            abort(); /* ISO must round-trip */
    }
    if (rules_date_parse_it(s, 2024, &d, &err) == 0) {
        if (!rules_date_valid(d))
            abort(); /* a parsed date is always a real date */
        rules_date_days_between(d, (rules_date){2024, 12, 31});
    }
    rules_date_parse_it(s, 0, &d, &err);
    rules_frequency_parse_it(s, &n, &err);
    return 0;
}
