#include "codec/csv.h"
#include "codec/json_number.h"
#include "codec/rule_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fullwidth forms of = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20), which some spreadsheets
 * fold to their ASCII forms before evaluating, in UTF-8. */
static int fullwidth_formula(const unsigned char *s)
{
    return s[0] == 0xEF && s[1] == 0xBC && (s[2] == 0x9D || s[2] == 0x8B || s[2] == 0x8D || s[2] == 0xA0);
}

int csv_text_is_formula(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    /* a leading tab or CR is itself a way in (a spreadsheet may drop it and read on) */
    if (s[0] == '\t' || s[0] == '\r')
        return 1;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return *s == '=' || *s == '+' || *s == '-' || *s == '@' || fullwidth_formula(s);
}

void csv_cell_text(buf *out, const char *s, int first)
{
    if (!first)
        buf_putc(out, ';');
    int formula = csv_text_is_formula(s);
    if (!formula && !strpbrk(s, ";\"\r\n")) {
        buf_puts(out, s);
        return;
    }
    buf_putc(out, '"');
    if (formula)
        buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

/* Whether s is a plain number: an optional '-', digits, and at most one ',' or '.' followed
 * by digits. */
static int plain_number(const char *s)
{
    if (*s == '-')
        s++;
    if (!(*s >= '0' && *s <= '9'))
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == ',' || *s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

void csv_cell_number(buf *out, const char *s, int first)
{
    if (!plain_number(s)) {
        csv_cell_text(out, s, first);
        return;
    }
    if (!first)
        buf_putc(out, ';');
    buf_puts(out, s);
}

/* A number with a decimal comma: integers as they are, reals exactly with at least two
 * decimals ("90,70", "1,125"). */
static void number_text(const json_t *v, char *s, size_t n)
{
    if (json_is_integer(v)) {
        snprintf(s, n, "%lld", (long long)json_integer_value(v));
        return;
    }
    rules_decimal d;
    char text[32];
    if (rule_json_number(v, 4, "", &d, NULL) < 0) { /* not a decimal of ours: as JSON writes it */
        snprintf(s, n, "%s", json_number_text(json_real_value(v), text));
        return;
    }
    int decimals = 4;
    for (int64_t u = d.units; decimals > 2 && u % 10 == 0; u /= 10)
        decimals--;
    snprintf(s, n, "%s", rules_decimal_format(d, decimals, ',', text));
}

void csv_cell_json(buf *out, const json_t *v, int first)
{
    char num[64];
    if (!v || json_is_null(v)) {
        if (!first)
            buf_putc(out, ';');
        return;
    }
    if (json_is_string(v)) {
        csv_cell_text(out, json_string_value(v), first);
    } else if (json_is_number(v)) {
        number_text(v, num, sizeof num);
        csv_cell_number(out, num, first);
    } else if (json_is_boolean(v)) {
        csv_cell_text(out, json_is_true(v) ? "true" : "false", first);
    } else if (json_is_array(v)) {
        buf joined;
        buf_init(&joined, 0);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (i)
                buf_puts(&joined, ", ");
            if (json_is_string(item)) {
                buf_puts(&joined, json_string_value(item));
            } else if (json_is_number(item)) {
                number_text(item, num, sizeof num);
                buf_puts(&joined, num);
            } else {
                char *s = rule_json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
                if (s)
                    buf_puts(&joined, s);
                free(s);
            }
        }
        csv_cell_text(out, joined.data ? joined.data : "", first);
        buf_free(&joined);
    } else {
        char *s = rule_json_dumps(v, JSON_COMPACT);
        csv_cell_text(out, s ? s : "", first);
        free(s);
    }
}

void csv_row_end(buf *out) { buf_puts(out, "\r\n"); }

void csv_header(buf *out, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        csv_cell_text(out, names[i], i == 0);
    csv_row_end(out);
}

void csv_row_from_object(buf *out, const json_t *obj, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        csv_cell_json(out, json_object_get(obj, names[i]), i == 0);
    csv_row_end(out);
}
