/* internal.h — helpers shared by the files of the rules library (private). */
#ifndef CICLO_RULES_INTERNAL_H
#define CICLO_RULES_INTERNAL_H

#include "rules.h"

#include <stdarg.h>
#include <stddef.h>

/* A bounded string builder over a caller buffer: never overflows, always
 * NUL-terminated when cap > 0. A NULL buffer swallows everything. */
typedef struct sbuf {
    char *buf;
    size_t cap;
    size_t len;
} sbuf;

void sb_init(sbuf *b, char *buf, size_t cap);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_dec(sbuf *b, rules_decimal d); /* shortest form, '.' separator */

/* Fills err (may be NULL): field, message, hint (printf format for message). Returns -1, the
 * failure of the caller that reports it. */
int rerr_set(rules_error *err, const char *field, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Like rerr_set, with the hint formatted too. */
void rerr_hint(rules_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rerr_clear(rules_error *err);

/* snprintf into dst, truncating silently (paths, short texts). */
void pfmt(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends a finding (counted even when out is full). */
typedef struct findings {
    rules_finding *out;
    size_t cap;
    size_t count;
    int errors;
} findings;

void fnd_add(findings *f, rules_severity sev, const char *code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Quotes an input for a message: copies at most 40 bytes of s with "..." if cut. */
void clip_input(char *dst, size_t cap, const char *s);

extern const char *const rules_month_en[13];

/* Band evaluation shared by bands and deadline rules. */
int rules_bands_eval(const rules_bands *b, rules_decimal v, const char *field, rules_decimal *score, sbuf *expl,
                     rules_error *err);
/* "[85, 90)", "(-∞, 75)": the interval of a band. */
void sb_band(sbuf *b, const rules_band *band);

/* ---- The plan's own words (check_text.c), for the plan checker ---- */

/* A date written in free text: "31/12/2024", "31.06.2024", "31/12/23", "30/06", "31 marzo",
 * "31 marzo 2024". year 0: no year written. Numbers such as "1.1.2" or "2,8" are skipped. */
typedef struct text_date {
    const char *at;
    size_t len;
    int day, month, year;
    int two_digit_year;
    int after_deadline_word; /* "entro", "scadenza", "termine" just before it */
} text_date;

/* The next date in text from *pos (advanced past it): 1, or 0 when there is none. */
int text_next_date(const char *text, size_t *pos, text_date *d);
/* The one month named in s as a label ("Monitoraggio - Giugno"), 0 when none, several, or
 * part of a date ("30 giugno"). */
int text_month_label(const char *s);
/* A spreadsheet's day number written where a date belongs: Excel stores dates as days since
 * 1899-12-30 (45291 is 2023-12-31). 1 with *out for five digits naming a day of 2000..2099. */
int text_spreadsheet_serial(const char *text, rules_date *out);
const char *text_month_name(int month);
/* A comparison operator followed by a number in s ("<=24", "≥ 5%"): 1 with op ("<=", ">=",
 * "<", ">"), the number and whether it is a percentage; 0 when there is none. */
int text_operator(const char *s, char op[4], rules_decimal *n, int *percent);
/* A count indicator whose words contradict its direction: 1 "N. criticità" where higher is
 * better, -1 "N. dipendenti che hanno completato" where lower is better, else 0. */
int text_direction_conflict(const char *name, rules_direction direction);
/* The one number stated as a target in words ("almeno il 5%", "non inferiore a 10"): 1 with
 * it, 0 when there is none or several different ones. */
int text_stated_number(const char *s, rules_decimal *n, int *percent);

/* Wide fixed point used inside formulas. */
__extension__ typedef __int128 rules_wide;

/* n / d rounded half away from zero; d != 0 (wide.c). */
rules_wide wide_div_round(rules_wide n, rules_wide d);
/* Floor of the square root of v; 0 for v <= 0 (wide.c). */
rules_wide wide_isqrt(rules_wide v);

#endif
