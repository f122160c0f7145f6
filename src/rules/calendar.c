/* calendar.c — the cycle's legal deadlines, their state, and the public figures of premiums
 * (issue 20; include/rules.h "The cycle's calendar and public figures"). */
#include "internal.h"

rules_date rules_date_add_days(rules_date d, int32_t n)
{
    int32_t ord = rules_date_ordinal(d) + n;
    if (ord < 0)
        return (rules_date){1, 1, 1};
    /* 400 years are 146097 days */
    int32_t y400 = ord / 146097, rest = ord % 146097;
    int year = 1 + 400 * y400;
    for (;;) {
        int len = rules_is_leap_year(year) ? 366 : 365;
        if (rest < len)
            break;
        rest -= len;
        year++;
    }
    if (year > 9999)
        return (rules_date){9999, 12, 31};
    int month = 1;
    for (;;) {
        int len = rules_days_in_month(year, month);
        if (rest < len)
            break;
        rest -= len;
        month++;
    }
    return (rules_date){year, month, rest + 1};
}

static const char *const deadline_code[RULES_DEADLINE_KINDS] = {"piano_adoption", "relazione", "relazione_validation",
                                                                "premiums_publication"};
static const char *const deadline_law[RULES_DEADLINE_KINDS] = {
    "D.Lgs. 150/2009 art. 10 c. 1 a; DL 80/2021 art. 6; DM 132/2022 art. 8 c. 2",
    "D.Lgs. 150/2009 art. 10 c. 1 b",
    "D.Lgs. 150/2009 art. 10 c. 1 b and art. 14 c. 4 c",
    "D.Lgs. 33/2013 art. 20 c. 1-2 (promptly: Ciclo's date is the end of the year of payment)",
};

const char *rules_deadline_code(rules_deadline_kind kind)
{
    return kind >= 0 && kind < RULES_DEADLINE_KINDS ? deadline_code[kind] : "";
}

const char *rules_deadline_law(rules_deadline_kind kind)
{
    return kind >= 0 && kind < RULES_DEADLINE_KINDS ? deadline_law[kind] : "";
}

int rules_legal_deadline(rules_deadline_kind kind, int year, const rules_date *budget_approved, rules_date *due,
                         rules_error *err)
{
    if (year < 1 || year > 9998) {
        rerr_set(err, "year", "a year between 1 and 9998", "%d is not a cycle's year", year);
        return -1;
    }
    switch (kind) {
    case RULES_DEADLINE_PIANO:
        *due = (rules_date){year, 1, 31};
        if (budget_approved) {
            if (!rules_date_valid(*budget_approved)) {
                rerr_set(err, "budget_approved_on", NULL, "the budget's approval date is not a date");
                return -1;
            }
            rules_date deferred = rules_date_add_days(*budget_approved, 30);
            if (rules_date_compare(deferred, *due) > 0)
                *due = deferred;
        }
        return 0;
    case RULES_DEADLINE_RELAZIONE:
    case RULES_DEADLINE_VALIDATION: *due = (rules_date){year + 1, 6, 30}; return 0;
    case RULES_DEADLINE_PUBLICATION: *due = (rules_date){year + 1, 12, 31}; return 0;
    default: rerr_set(err, "kind", NULL, "not a legal deadline"); return -1;
    }
}

rules_deadline_state rules_deadline_state_of(rules_date due, const rules_date *done_on, rules_date today, int *on_time)
{
    if (on_time)
        *on_time = done_on && rules_date_compare(*done_on, due) <= 0;
    if (done_on)
        return RULES_DEADLINE_DONE;
    return rules_date_compare(today, due) > 0 ? RULES_DEADLINE_LATE : RULES_DEADLINE_DUE;
}

const char *rules_deadline_state_code(rules_deadline_state s)
{
    switch (s) {
    case RULES_DEADLINE_DUE: return "due";
    case RULES_DEADLINE_LATE: return "late";
    case RULES_DEADLINE_DONE: return "done";
    }
    return "";
}

int rules_payment_share(rules_decimal payment, rules_decimal total, rules_decimal *share, int *met, rules_error *err)
{
    if (total.units <= 0 || total.units > RULES_DECIMAL_MAX_UNITS) {
        rerr_set(err, "total", "the manager has no weighted objective", "the total weight must be positive");
        return -1;
    }
    if (payment.units < 0 || payment.units > total.units) {
        rerr_set(err, "payment", NULL, "the payment-timeliness weight must be between 0 and the total weight");
        return -1;
    }
    rules_wide q = wide_div_round((rules_wide)payment.units * 100 * RULES_DECIMAL_SCALE, total.units);
    *share = rules_decimal_round((rules_decimal){(int64_t)q}, 2);
    if (met)
        *met = share->units >= 30 * RULES_DECIMAL_SCALE;
    return 0;
}

#define SPREAD_MAX_N 1000000
#define SPREAD_MAX_CENTS INT64_C(100000000000) /* a billion euro */

int rules_spread_of(const int64_t *cents, size_t n, rules_spread *out, rules_error *err)
{
    if (!cents || n == 0 || n > SPREAD_MAX_N) {
        rerr_set(err, "amounts", NULL, n ? "more than 1,000,000 amounts" : "no amounts");
        return -1;
    }
    rules_wide sum = 0, sq = 0;
    int64_t lo = cents[0], hi = cents[0];
    for (size_t i = 0; i < n; i++) {
        if (cents[i] < 0 || cents[i] > SPREAD_MAX_CENTS) {
            char field[48];
            pfmt(field, sizeof field, "amounts[%zu]", i);
            rerr_set(err, field, NULL, "an amount is outside 0..1,000,000,000.00");
            return -1;
        }
        sum += cents[i];
        sq += (rules_wide)cents[i] * cents[i];
        lo = cents[i] < lo ? cents[i] : lo;
        hi = cents[i] > hi ? cents[i] : hi;
    }
    rules_wide nn = (rules_wide)n;
    /* n²σ² in cents², scaled by 100^k (k <= 4) as far as 128 bits allow, so that the root keeps
     * k more digits: n × σ in units of 10^-k cents */
    rules_wide d = nn * sq - sum * sum, scale = 1;
    for (int k = 0; k < 4 && d <= ((rules_wide)1 << 120) / 100; k++) {
        d *= 100;
        scale *= 10;
    }
    rules_wide root = wide_isqrt(d);
    /* decimals of 1e-4: a cent is 100 units */
    out->mean = rules_decimal_round((rules_decimal){(int64_t)wide_div_round(sum * 100, nn)}, 2);
    out->stdev = rules_decimal_round((rules_decimal){(int64_t)wide_div_round(root * 100, nn * scale)}, 2);
    out->cv = sum > 0 ? rules_decimal_round((rules_decimal){(int64_t)wide_div_round(root * 1000000, sum * scale)}, 2)
                      : (rules_decimal){0};
    out->min = (rules_decimal){lo * 100};
    out->max = (rules_decimal){hi * 100};
    return 0;
}
