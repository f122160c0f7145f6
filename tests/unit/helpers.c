/* helpers.c — small constructors shared by the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/problem.h"
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

void expect_problem(const problem *p, json_t *expect, const char *name)
{
    json_t *status = json_object_get(expect, "status");
    ck_assert_msg(p->status == json_integer_value(status), "%s: status %d, expected %lld", name, p->status,
                  (long long)json_integer_value(status));
    static const char *const texts[] = {"code", "detail", "hint"};
    const char *got[] = {p->code, p->detail, p->hint};
    for (int k = 0; k < 3; k++) {
        const char *want = json_string_value(json_object_get(expect, texts[k]));
        if (want)
            ck_assert_msg(strcmp(got[k], want) == 0, "%s: %s \"%s\", expected \"%s\"", name, texts[k], got[k], want);
    }
    json_t *retry = json_object_get(expect, "retry_after");
    if (retry)
        ck_assert_msg(p->retry_after == json_integer_value(retry), "%s: retry_after %d, expected %lld", name,
                      p->retry_after, (long long)json_integer_value(retry));
    json_t *errors = json_object_get(expect, "errors");
    if (!errors)
        return;
    size_t n = p->errors ? json_array_size(p->errors) : 0;
    char *all = p->errors ? json_dumps(p->errors, JSON_COMPACT) : NULL;
    ck_assert_msg(n == json_array_size(errors), "%s: %zu errors, expected %zu: %s", name, n, json_array_size(errors),
                  all ? all : "[]");
    for (size_t i = 0; i < n; i++) {
        json_t *have = json_array_get(p->errors, i), *want = json_array_get(errors, i);
        for (int k = 0; k < 2; k++) {
            const char *key = k ? "message" : "field";
            const char *w = json_string_value(json_object_get(want, key));
            ck_assert_msg(!w || strcmp(w, json_string_value(json_object_get(have, key))) == 0,
                          "%s: error %zu's %s is not \"%s\": %s", name, i, key, w ? w : "", all);
        }
    }
    free(all);
}
