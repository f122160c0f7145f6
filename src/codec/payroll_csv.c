/* payroll_csv.c — a bonus distribution as the payroll file (payroll_csv.h). */
#include "codec/payroll_csv.h"

#include <inttypes.h>
#include <stdio.h>

#include "codec/csv.h"
#include "codec/rule_json.h"

/* A money cell for payroll: "1234,56". */
static void csv_money(buf *b, const json_t *v)
{
    rules_decimal d = {0};
    char s[32];
    rule_json_number(v, 2, "bonus", &d, NULL);
    csv_cell_number(b, rules_decimal_format(d, 2, ',', s), 0);
}

void payroll_csv(const json_t *dist, buf *out)
{
    static const char *const names[] = {"external_id", "name",      "category", "score",          "coefficient",
                                        "months",      "part_time", "premium",  "premium_amount", "bonus"};
    csv_header(out, names, 10);
    size_t i;
    json_t *pj;
    json_array_foreach(json_object_get(dist, "people"), i, pj)
    {
        for (int k = 0; k < 8; k++)
            csv_cell_json(out, json_object_get(pj, names[k]), k == 0);
        csv_money(out, json_object_get(pj, "premium_amount"));
        csv_money(out, json_object_get(pj, "bonus"));
        csv_row_end(out);
    }
}

void payroll_csv_name(const json_t *dist, int64_t id, char *out, size_t n)
{
    const char *role = json_string_value(json_object_get(dist, "role"));
    snprintf(out, n, "premi-%" PRId64 "-%" JSON_INTEGER_FORMAT "-%s.csv", id,
             json_integer_value(json_object_get(dist, "year")), role ? role : "(null)");
}
