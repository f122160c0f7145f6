/* itp.c — the payment timeliness indicator (ITP, DPCM 22/9/2014 art. 9). */
#include "internal.h"

int rules_itp(const rules_invoice *inv, size_t n, rules_decimal *itp, int *met, rules_error *err)
{
    rules_wide num = 0, den = 0;
    char field[64];
    if (!inv || n == 0) {
        rerr_set(err, "invoices", "the indicator needs at least one paid invoice", "no invoices");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!rules_date_valid(inv[i].due) || !rules_date_valid(inv[i].paid)) {
            pfmt(field, sizeof field, "invoices[%zu].%s", i, rules_date_valid(inv[i].due) ? "paid" : "due");
            rerr_set(err, field, NULL, "not a date");
            return -1;
        }
        if (inv[i].amount.units <= 0 || inv[i].amount.units > RULES_DECIMAL_MAX_UNITS) {
            pfmt(field, sizeof field, "invoices[%zu].amount", i);
            rerr_set(err, field, "amounts paid are positive", "amount must be greater than 0");
            return -1;
        }
        num += (rules_wide)rules_date_days_between(inv[i].due, inv[i].paid) * inv[i].amount.units;
        den += inv[i].amount.units;
    }
    /* days with 2 decimals, as units of 1e-4 */
    rules_wide q = num * RULES_DECIMAL_SCALE;
    int neg = q < 0;
    if (neg)
        q = -q;
    rules_wide r = q % den;
    q /= den;
    if (r * 2 >= den)
        q++;
    itp->units = (int64_t)(neg ? -q : q);
    *itp = rules_decimal_round(*itp, 2);
    if (met)
        *met = itp->units <= 0;
    return 0;
}
