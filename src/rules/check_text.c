/* check_text.c — what the plan checker reads in the plan's own words: dates written in
 * titles and targets, month labels of phases, operators and numbers stated in a text. */
#include "internal.h"

#include <string.h>

static const char *const month_it[13] = {"",       "gennaio", "febbraio",  "marzo",   "aprile",   "maggio",  "giugno",
                                         "luglio", "agosto",  "settembre", "ottobre", "novembre", "dicembre"};

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* 0 when s starts with the lower-case ASCII word w, ignoring case. */
static int strncasecmp_ascii(const char *s, const char *w)
{
    for (; *w; s++, w++)
        if (lower((unsigned char)*s) != *w)
            return 1;
    return 0;
}

/* Reads 1..max digits at s; returns how many (0: none, or more than max). */
static int digits(const char *s, int max, int *val)
{
    int n = 0, v = 0;
    while (is_digit(s[n])) {
        if (n == max)
            return 0;
        v = v * 10 + (s[n] - '0');
        n++;
    }
    *val = v;
    return n;
}

/* The month whose Italian name (full, case-insensitive) starts at s, as a whole word; 0 if none.
 * abbrev: three-letter forms ("dic", "dic.") count too. */
static int month_name_at(const char *s, size_t *len, int abbrev)
{
    for (int m = 1; m <= 12; m++) {
        size_t n = strlen(month_it[m]), i = 0;
        while (i < n && lower((unsigned char)s[i]) == month_it[m][i])
            i++;
        if (i == n && !is_alpha(s[n])) {
            *len = n;
            return m;
        }
        if (abbrev && i >= 3 && !is_alpha(s[3])) {
            *len = s[3] == '.' ? 4 : 3;
            return m;
        }
    }
    return 0;
}

static int month_word(const char *s, size_t *len) { return month_name_at(s, len, 0); }

/* 1 when a word that sets a deadline ("entro", "scadenza", "termine") ends within the 14
 * bytes before s. */
static int deadline_word_before(const char *text, const char *s)
{
    static const char *const words[] = {"entro", "scadenza", "termine", "Entro", "ENTRO", "Scadenza"};
    const char *from = s - text > 14 ? s - 14 : text;
    for (const char *p = from; p < s; p++)
        for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
            if (strncmp(p, words[k], strlen(words[k])) == 0)
                return 1;
    return 0;
}

int text_next_date(const char *text, size_t *pos, text_date *d)
{
    for (const char *s = text + *pos; *s; s++) {
        if (!is_digit(*s) || (s > text && (is_digit(s[-1]) || s[-1] == '/' || s[-1] == '.' || s[-1] == ',' ||
                                           (s[-1] == '-' && s - 1 > text && is_digit(s[-2])))))
            continue;
        int day, month, year = 0;
        int nd = digits(s, 2, &day);
        if (!nd)
            continue;
        const char *p = s + nd;
        memset(d, 0, sizeof *d);
        char sep = *p;
        size_t mlen;
        if ((sep == '/' || sep == '.' || sep == '-') && is_digit(p[1])) {
            int nm = digits(p + 1, 2, &month);
            if (!nm)
                continue;
            p += 1 + nm;
            if (*p == sep && is_digit(p[1])) {
                int ny = digits(p + 1, 4, &year);
                if (ny != 2 && ny != 4)
                    continue;
                p += 1 + ny;
                d->two_digit_year = ny == 2;
            } else if (sep != '/' || is_digit(*p) || *p == sep || month < 1 || month > 12 || day > 31) {
                continue; /* "1.1", "2.8": numbers; "63/93": a law's number; only "30/06" is a yearless date */
            }
            if (is_digit(*p) || (*p == ',' && is_digit(p[1])) || (*p == '.' && is_digit(p[1])))
                continue;
        } else {
            /* "31 marzo", "31 marzo 2024", "31-dic", "31-dic-24" */
            const char *q = p;
            int hyphen = *q == '-';
            if (hyphen)
                q++;
            else
                while (*q == ' ')
                    q++;
            if (q == p || !(month = month_name_at(q, &mlen, hyphen)))
                continue;
            p = q + mlen;
            q = p;
            if (hyphen && *q == '-')
                q++;
            else
                while (*q == ' ')
                    q++;
            int ny = digits(q, 4, &year);
            if (ny == 4 || (hyphen && ny == 2)) {
                p = q + ny;
                d->two_digit_year = ny == 2;
            } else {
                year = 0;
                if (ny) /* "31 marzo 24": not read as a year */
                    continue;
            }
        }
        d->at = s;
        d->len = (size_t)(p - s);
        d->day = day;
        d->month = month;
        d->year = year;
        d->after_deadline_word = deadline_word_before(text, s);
        *pos = (size_t)(p - text);
        return 1;
    }
    *pos = strlen(text);
    return 0;
}

int text_month_label(const char *s)
{
    int found = 0;
    for (const char *p = s; *p; p++) {
        size_t len;
        int m;
        if ((p > s && is_alpha(p[-1])) || !(m = month_word(p, &len)))
            continue;
        /* "30 giugno", "giugno 2024": a date, not a label */
        const char *b = p;
        while (b > s && b[-1] == ' ')
            b--;
        if (b > s && is_digit(b[-1]))
            return 0;
        const char *a = p + len;
        while (*a == ' ')
            a++;
        if (is_digit(*a))
            return 0;
        if (found && found != m)
            return 0;
        found = m;
        p += len - 1;
    }
    return found;
}

/* 1 when s contains one of the stems, case-insensitively. */
static int has_stem(const char *s, const char *const *stems)
{
    for (const char *p = s; *p; p++)
        for (const char *const *w = stems; *w; w++) {
            size_t i = 0;
            while ((*w)[i] && lower((unsigned char)p[i]) == (*w)[i])
                i++;
            if (!(*w)[i])
                return 1;
        }
    return 0;
}

int text_direction_conflict(const char *name, rules_direction direction)
{
    static const char *const bad[] = {"critic",  "reclam", "errori",   "ritard",  "contenzios",
                                      "sanzion", "anomal", "infortun", "sinistr", NULL};
    static const char *const good[] = {"completat", "realizzat", "approvat", "attivat", "partecipant", NULL};
    static const char *const fewer[] = {"riduzion", "diminuzion", "calo ", "contenimento", "abbattimento", NULL};
    if (!name || strchr(name, '/') || has_stem(name, fewer))
        return 0; /* a ratio, or a reduction: the words do not say which way is better */
    int count = (lower((unsigned char)name[0]) == 'n' && name[1] == '.') || strncasecmp_ascii(name, "numero ") == 0;
    if (!count)
        return 0;
    if (direction == RULES_DIRECTION_HIGHER && has_stem(name, bad))
        return 1;
    if (direction == RULES_DIRECTION_LOWER && has_stem(name, good))
        return -1;
    return 0;
}

const char *text_month_name(int m) { return m >= 1 && m <= 12 ? month_it[m] : ""; }

/* Reads an Italian number (digits, '.', ',') with an optional % at s into n; returns its length. */
static size_t number_at(const char *s, rules_decimal *n, int *percent)
{
    char buf[40];
    size_t k = 0;
    while ((is_digit(s[k]) || ((s[k] == '.' || s[k] == ',') && is_digit(s[k + 1]))) && k < sizeof buf - 2)
        k++;
    if (k == 0)
        return 0;
    memcpy(buf, s, k);
    buf[k] = '\0';
    size_t len = k;
    const char *q = s + k;
    while (*q == ' ')
        q++;
    *percent = *q == '%';
    if (*percent)
        len = (size_t)(q + 1 - s);
    rules_number_unit u;
    if (rules_number_parse_it(buf, n, &u, NULL) == 0 || rules_decimal_parse_plain(buf, 4, n, NULL) == 0)
        return len;
    /* "9,000,000": not an Italian number; its leading digits still say which number */
    size_t d = 0;
    while (is_digit(buf[d]))
        d++;
    buf[d] = '\0';
    return d && rules_decimal_parse_plain(buf, 4, n, NULL) == 0 ? len : 0;
}

int text_operator(const char *s, char op[4], rules_decimal *n, int *percent)
{
    static const char *const ops[] = {"<=", ">=", "=<", "=>", "\xe2\x89\xa4", "\xe2\x89\xa5", "<", ">"};
    for (const char *p = s; *p; p++)
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
            size_t l = strlen(ops[k]);
            if (strncmp(p, ops[k], l) != 0)
                continue;
            const char *q = p + l;
            while (*q == ' ')
                q++;
            if (strncmp(q, "\xe2\x82\xac", 3) == 0) /* "€" */
                q += 3;
            while (*q == ' ')
                q++;
            if (!number_at(q, n, percent))
                continue;
            pfmt(op, 4, "%s", k == 4 ? "<=" : k == 5 ? ">=" : k == 2 ? "<=" : k == 3 ? ">=" : ops[k]);
            return 1;
        }
    return 0;
}

int text_stated_number(const char *s, rules_decimal *n, int *percent)
{
    static const char *const lead[] = {"almeno il ",        "almeno l'",        "almeno ",      "non inferiore al ",
                                       "non inferiore a ",  "minimo del ",      "minimo ", /* not "pari a": a base */
                                       "non superiore al ", "non superiore a ", "massimo del ", "incremento del ",
                                       "incremento di ",    "riduzione del "};
    int found = 0;
    for (const char *p = s; *p; p++)
        for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++) {
            size_t l = strlen(lead[k]);
            size_t i = 0;
            while (i < l && lower((unsigned char)p[i]) == lead[k][i])
                i++;
            if (i != l || (p > s && is_alpha(p[-1])))
                continue;
            rules_decimal v;
            int pc;
            size_t len = number_at(p + l, &v, &pc);
            if (!len || is_digit(p[l + len]) || p[l + len] == '/')
                continue;
            if (found && (v.units != n->units || pc != *percent))
                return 0; /* two different numbers: not one stated target */
            *n = v;
            *percent = pc;
            found = 1;
            p += l + len - 1;
            break;
        }
    return found;
}

int text_spreadsheet_serial(const char *text, rules_date *out)
{
    int v = 0, n = 0;
    while (text[n] >= '0' && text[n] <= '9' && n < 6)
        v = v * 10 + (text[n++] - '0');
    if (n != 5 || text[n] || v < 36526 || v > 73051) /* 2000-01-01 .. 2099-12-31 */
        return 0;
    rules_date d = {1899, 12, 30};
    int32_t target = rules_date_ordinal(d) + v;
    int y = 2000;
    while (rules_date_ordinal((rules_date){y + 1, 1, 1}) <= target)
        y++;
    int m = 1;
    while (m < 12 && rules_date_ordinal((rules_date){y, m + 1, 1}) <= target)
        m++;
    *out = (rules_date){y, m, 1 + target - rules_date_ordinal((rules_date){y, m, 1})};
    return 1;
}
