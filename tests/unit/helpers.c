/* helpers.c — small constructors shared by the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

rules_decimal D(const char *plain)
{
    rules_decimal d;
    rules_error e;
    ck_assert_msg(rules_decimal_parse_plain(plain, 4, &d, &e) == 0, "D(%s): %s", plain, e.message);
    return d;
}

rules_decimal IT(const char *italian)
{
    rules_decimal d;
    rules_error e;
    ck_assert_msg(rules_number_parse_it(italian, &d, NULL, &e) == 0, "IT(%s): %s", italian, e.message);
    return d;
}

rules_band B(const char *min, int min_excl, const char *max, int max_incl, const char *score)
{
    rules_band b;
    memset(&b, 0, sizeof b);
    if (min) {
        b.has_min = 1;
        b.min = IT(min);
        b.min_exclusive = (unsigned char)min_excl;
    }
    if (max) {
        b.has_max = 1;
        b.max = IT(max);
        b.max_inclusive = (unsigned char)max_incl;
    }
    b.score = IT(score);
    return b;
}

const char *dfmt(rules_decimal d)
{
    static char bufs[8][32];
    static int k;
    k = (k + 1) % 8;
    return rules_decimal_format_short(d, bufs[k]);
}

int has_finding(const rules_finding *f, size_t n, const char *code, const char *path_part)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].code, code) == 0 && (!path_part || strstr(f[i].path, path_part)))
            return 1;
    return 0;
}

json_t *load_cases(const char *name)
{
    const char *dir = getenv("CICLO_CASES_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "tests/cases", name);
    json_error_t e;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    ck_assert_msg(j != NULL, "%s: %s (line %d)", path, e.text, e.line);
    ck_assert_msg(json_is_array(json_object_get(j, "cases")) && json_array_size(json_object_get(j, "cases")) > 0,
                  "%s: no \"cases\" array", path);
    return j;
}
