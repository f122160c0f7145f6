/* date.c — calendar dates: validity, ordinals, ISO and Italian parsing, frequencies. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int rules_is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int rules_days_in_month(int y, int m)
{
    static const int dm[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && rules_is_leap_year(y) ? 29 : dm[m];
}

int rules_date_valid(rules_date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= rules_days_in_month(d.year, d.month);
}

int rules_date_compare(rules_date a, rules_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return (a.day > b.day) - (a.day < b.day);
}

int32_t rules_date_ordinal(rules_date d)
{
    /* days before year, before month, then day (0001-01-01 is 0) */
    static const int cum[13] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int32_t y = d.year - 1;
    int32_t n = y * 365 + y / 4 - y / 100 + y / 400;
    if (d.month >= 1 && d.month <= 12)
        n += cum[d.month] + (d.month > 2 && rules_is_leap_year(d.year));
    return n + d.day - 1;
}

int32_t rules_date_days_between(rules_date a, rules_date b) { return rules_date_ordinal(b) - rules_date_ordinal(a); }

void rules_date_format_iso(rules_date d, char buf[11])
{
    int y = d.year < 0 ? 0 : d.year > 9999 ? 9999 : d.year;
    int m = d.month < 0 ? 0 : d.month > 99 ? 99 : d.month;
    int dd = d.day < 0 ? 0 : d.day > 99 ? 99 : d.day;
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, dd);
}

/* Explains why y-m-d is not a date; `shown` is the input as written. */
static int date_invalid(rules_error *err, const char *shown, int y, int m, int d, int style)
{
    char q[48];
    clip_input(q, sizeof q, shown);
    if (y < 1 || y > 9999) {
        rerr_set(err, NULL, "years go from 1 to 9999", "%s is not a date: year %d is out of range", q, y);
    } else if (m < 1 || m > 12) {
        rerr_set(err, NULL, "months go from 1 to 12", "%s is not a date: there is no month %d", q, m);
    } else if (d < 1) {
        rerr_set(err, NULL, "days start at 1", "%s is not a date: there is no day %d", q, d);
    } else if (m == 2 && d == 29) {
        rerr_set(err, NULL, NULL, "%s is not a date: %d is not a leap year, February has 28 days", q, y);
        if (style == 1)
            rerr_hint(err, "use 28.02.%04d or 01.03.%04d", y, y);
        else
            rerr_hint(err, "use %04d-02-28 or %04d-03-01", y, y);
    } else {
        int dim = rules_days_in_month(y, m);
        rerr_set(err, NULL, NULL, "%s is not a date: %s has %d days", q, rules_month_en[m], dim);
        if (style == 1)
            rerr_hint(err, "use %02d.%02d.%04d for the last day of %s", dim, m, y, rules_month_en[m]);
        else
            rerr_hint(err, "use %04d-%02d-%02d for the last day of %s", y, m, dim, rules_month_en[m]);
    }
    return -1;
}

static int read_digits(const char **pp, int min, int max, int *val)
{
    const char *p = *pp;
    int n = 0, v = 0;
    while (*p >= '0' && *p <= '9' && n < max) {
        v = v * 10 + (*p - '0');
        p++;
        n++;
    }
    if (n < min || (*p >= '0' && *p <= '9'))
        return -1;
    *pp = p;
    *val = v;
    return n;
}

int rules_date_parse_iso(const char *s, rules_date *out, rules_error *err)
{
    char q[48];
    const char *p = s;
    int y, m, d;
    clip_input(q, sizeof q, s ? s : "");
    if (!s || read_digits(&p, 4, 4, &y) < 0 || *p++ != '-' || read_digits(&p, 2, 2, &m) < 0 || *p++ != '-' ||
        read_digits(&p, 2, 2, &d) < 0 || *p != '\0') {
        rerr_set(err, NULL, "write dates as YYYY-MM-DD, e.g. 2024-12-31", "\"%s\" is not a date in the form YYYY-MM-DD",
                 q);
        return -1;
    }
    rules_date r = {y, m, d};
    if (!rules_date_valid(r))
        return date_invalid(err, s, y, m, d, 0);
    *out = r;
    return 0;
}

/* ---- Italian dates ------------------------------------------------------- */

static const char *const mesi[13] = {"",       "gennaio", "febbraio",  "marzo",   "aprile",   "maggio",  "giugno",
                                     "luglio", "agosto",  "settembre", "ottobre", "novembre", "dicembre"};
static const char *const mesi3[13] = {"",    "gen", "feb", "mar", "apr", "mag", "giu",
                                      "lug", "ago", "set", "ott", "nov", "dic"};

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Reads a month name (full or three letters, optionally with a dot); returns 1..12 or 0. */
static int read_month_name(const char **pp)
{
    const char *p = *pp;
    char w[16];
    size_t n = 0;
    while (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) && n < sizeof w - 1)
        w[n++] = (char)lower(*p++);
    w[n] = '\0';
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
        return 0;
    for (int m = 1; m <= 12; m++) {
        if (strcmp(w, mesi[m]) == 0 || strcmp(w, mesi3[m]) == 0) {
            if (*p == '.' && strcmp(w, mesi3[m]) == 0)
                p++;
            *pp = p;
            return m;
        }
    }
    return 0;
}

static const char *skip_blanks(const char *p)
{
    for (;;) {
        if (*p == ' ' || *p == '\t')
            p++;
        else if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
            p += 2;
        else
            return p;
    }
}

/* The year after a day and a month: "<sep>24" or "<sep>2024" (20YY for two digits) when p is at
 * sep, else default_year; then only blanks. 0, -1 when malformed, -2 when there is no year. */
static int read_year(const char *p, char sep, int default_year, int *y)
{
    if (*p == sep) {
        p++;
        int yl = read_digits(&p, 2, 4, y);
        if (yl < 0 || yl == 3)
            return -1;
        if (yl == 2)
            *y += 2000;
    } else if ((*y = default_year) == 0) {
        return -2;
    }
    return *skip_blanks(p) ? -1 : 0;
}

int rules_date_parse_it(const char *s, int default_year, rules_date *out, rules_error *err)
{
    char q[48];
    const char *p;
    int y = 0, m = 0, d = 0, style = 1;

    clip_input(q, sizeof q, s ? s : "");
    if (!s)
        goto syntax;
    p = skip_blanks(s);
    /* ISO first: four digits then '-' */
    if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' &&
        p[3] <= '9' && p[4] == '-') {
        const char *e = p;
        if (read_digits(&e, 4, 4, &y) < 0 || *e++ != '-' || read_digits(&e, 1, 2, &m) < 0 || *e++ != '-' ||
            read_digits(&e, 1, 2, &d) < 0)
            goto syntax;
        p = skip_blanks(e);
        if (*p)
            goto syntax;
        style = 0;
        goto validate;
    }
    if (read_digits(&p, 1, 2, &d) < 0)
        goto syntax;
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xB0) /* 1° */
        p += 2;
    if (*p == '.' || *p == '/' || *p == '-') {
        char sep = *p++;
        if (*p >= '0' && *p <= '9') {
            if (read_digits(&p, 1, 2, &m) < 0)
                goto syntax;
        } else if (sep != '-' || (m = read_month_name(&p)) == 0) { /* 31-dic, 31-dic-2024 */
            goto syntax;
        }
        int r = read_year(p, sep, default_year, &y);
        if (r == -2)
            goto noyear;
        if (r < 0)
            goto syntax;
        goto validate;
    }
    /* 30 giugno 2024, 31 dic */
    {
        const char *b = skip_blanks(p);
        if (b == p)
            goto syntax;
        p = b;
        if ((m = read_month_name(&p)) == 0)
            goto syntax;
        b = skip_blanks(p);
        if (*b) {
            if (b == p || read_digits(&b, 4, 4, &y) < 0)
                goto syntax;
            b = skip_blanks(b);
            if (*b)
                goto syntax;
        } else {
            y = default_year;
            if (y == 0)
                goto noyear;
        }
    }
validate : {
    rules_date r = {y, m, d};
    if (!rules_date_valid(r))
        return date_invalid(err, s, y, m, d, style);
    *out = r;
    return 0;
}
noyear:
    return rerr_set(err, NULL, "write the year, e.g. 31.12.2024", "%s has no year", q);
syntax:
    return rerr_set(err, NULL, "write 31.12.2024, 31/12/2024, 31-dic, 30 giugno 2024 or 2024-12-31",
                    "\"%s\" is not a date", q);
}

/* ---- Frequencies --------------------------------------------------------- */

int rules_frequency_parse_it(const char *s, int *per_year, rules_error *err)
{
    static const struct {
        const char *stem; /* without the final vowel */
        int n;
    } f[] = {{"giornalier", 365}, {"quotidian", 365}, {"settimanal", 52}, {"quindicinal", 24},
             {"mensil", 12},      {"bimestral", 6},   {"trimestral", 4},  {"quadrimestral", 3},
             {"semestral", 2},    {"annual", 1},      {"biennal", 0}};
    char w[32], q[48];
    size_t n = 0;
    const char *p;
    clip_input(q, sizeof q, s ? s : "");
    if (!s)
        goto bad;
    p = skip_blanks(s);
    while (*p && n < sizeof w - 1 && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        w[n++] = (char)lower(*p++);
    w[n] = '\0';
    p = skip_blanks(p);
    if (*p || n < 2)
        goto bad;
    {
        char last = w[n - 1];
        if (last != 'e' && last != 'i' && last != 'a' && last != 'o')
            goto bad;
        w[n - 1] = '\0';
    }
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (strcmp(w, f[i].stem) == 0) {
            if (f[i].n == 0)
                break;
            *per_year = f[i].n;
            return 0;
        }
    }
bad:
    rerr_set(err, NULL, "use mensile, bimestrale, trimestrale, quadrimestrale, semestrale or annuale",
             "\"%s\" is not a frequency", q);
    return -1;
}

/* ---- Expected values ----------------------------------------------------- */

int rules_expected_parse_it(const char *s, int default_year, rules_expected *out, rules_error *err)
{
    char q[48];
    const char *p;
    memset(out, 0, sizeof *out);
    clip_input(q, sizeof q, s ? s : "");
    if (!s)
        goto bad;
    p = skip_blanks(s);
    if ((lower(p[0]) == 's' && lower(p[1]) == 'i' && *skip_blanks(p + 2) == '\0') ||
        (lower(p[0]) == 's' && (unsigned char)p[1] == 0xC3 && (unsigned char)p[2] == 0xAC && *skip_blanks(p + 3) == '\0')) {
        out->kind = RULES_EXPECTED_BOOLEAN;
        out->boolean = 1;
        return 0;
    }
    if (lower(p[0]) == 'n' && lower(p[1]) == 'o' && *skip_blanks(p + 2) == '\0') {
        out->kind = RULES_EXPECTED_BOOLEAN;
        return 0;
    }
    if (rules_frequency_parse_it(s, &out->per_year, NULL) == 0) {
        out->kind = RULES_EXPECTED_FREQUENCY;
        return 0;
    }
    {
        rules_error derr;
        rerr_clear(&derr);
        if (rules_date_parse_it(s, default_year, &out->date, &derr) == 0) {
            out->kind = RULES_EXPECTED_DATE;
            return 0;
        }
        /* an impossible date is reported as such, not as "not a number" */
        if (strstr(derr.message, "is not a date:") || strstr(derr.message, "has no year")) {
            if (err)
                *err = derr;
            return -1;
        }
    }
    {
        rules_number_unit u;
        if (rules_number_parse_it(s, &out->number, &u, NULL) == 0) {
            out->kind = u == RULES_UNIT_PERCENT ? RULES_EXPECTED_PERCENT
                        : u == RULES_UNIT_EURO  ? RULES_EXPECTED_EURO
                                                : RULES_EXPECTED_NUMBER;
            return 0;
        }
    }
bad:
    rerr_set(err, NULL, "expected a number, a percentage, an amount in euro, a date, a frequency or Si/No",
             "\"%s\" is not an expected value", q);
    return -1;
}

static int all_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

rules_timestamp_fault rules_timestamp_parse(const char *s, int date_only, rules_timestamp *out)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(s);
    if (len < 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
        return RULES_TIMESTAMP_FORMAT;
    int bare = len == 10;
    if (bare && !date_only)
        return RULES_TIMESTAMP_FORMAT;
    const char *t = s + 10;
    if (!bare && (len < 20 || (*t != 'T' && *t != 't') || !all_digits(t + 1, 2) || t[3] != ':' ||
                  !all_digits(t + 4, 2) || t[6] != ':' || !all_digits(t + 7, 2)))
        return RULES_TIMESTAMP_FORMAT;
    out->date.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + two(s + 2);
    out->date.month = two(s + 5);
    out->date.day = two(s + 8);
    if (!rules_date_valid(out->date))
        return RULES_TIMESTAMP_DATE;
    if (bare)
        return RULES_TIMESTAMP_OK;
    out->has_time = 1;
    out->hour = two(t + 1);
    out->minute = two(t + 4);
    out->second = two(t + 7);
    if (out->hour > 23 || out->minute > 59 || out->second > 60)
        return RULES_TIMESTAMP_TIME;
    const char *z = t + 9;
    if (*z == '.') {
        z++;
        if (!all_digits(z, 1))
            return RULES_TIMESTAMP_FORMAT;
        while (*z >= '0' && *z <= '9')
            z++;
    }
    if ((z[0] == 'Z' || z[0] == 'z') && z[1] == '\0')
        return RULES_TIMESTAMP_OK;
    if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && all_digits(z + 1, 2) && z[3] == ':' && all_digits(z + 4, 2) &&
        two(z + 1) <= 23 && two(z + 4) <= 59) {
        out->offset_minutes = (two(z + 1) * 60 + two(z + 4)) * (z[0] == '-' ? -1 : 1);
        return RULES_TIMESTAMP_OK;
    }
    return RULES_TIMESTAMP_FORMAT;
}

int64_t rules_timestamp_epoch(const rules_timestamp *t)
{
    static const rules_date epoch = {1970, 1, 1};
    int64_t days = rules_date_days_between(epoch, t->date);
    return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second - (int64_t)t->offset_minutes * 60;
}
