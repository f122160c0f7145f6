/* rule.c — evaluation of scoring rules: a measured value becomes a score 0..100. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

void rules_rule_init(rules_rule *r, rules_kind kind)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
}

int rules_bands_add(rules_bands *b, rules_band band)
{
    if (b->count >= RULES_MAX_BANDS)
        return -1;
    b->band[b->count++] = band;
    return 0;
}

rules_value rules_value_number(rules_decimal d) { return (rules_value){.kind = RULES_VALUE_NUMBER, .number = d}; }

rules_value rules_value_bool(int b) { return (rules_value){.kind = RULES_VALUE_BOOLEAN, .boolean = b != 0}; }

rules_value rules_value_date(rules_date d) { return (rules_value){.kind = RULES_VALUE_DATE, .date = d}; }

static int band_match(const rules_band *b, int64_t v)
{
    if (b->has_min && (b->min_exclusive ? v <= b->min.units : v < b->min.units))
        return 0;
    if (b->has_max && (b->max_inclusive ? v > b->max.units : v >= b->max.units))
        return 0;
    return 1;
}

/* The band that starts where band i ends (for proportional bands), or -1. */
static int next_band(const rules_bands *b, int i)
{
    const rules_band *x = &b->band[i];
    if (!x->has_max)
        return -1;
    for (int j = 0; j < b->count; j++)
        if (j != i && b->band[j].has_min && b->band[j].min.units == x->max.units)
            return j;
    return -1;
}

static void band_ref(sbuf *s, const rules_bands *b, int i)
{
    sb_printf(s, "bands[%d] ", i);
    sb_band(s, &b->band[i]);
}

int rules_bands_eval(const rules_bands *b, rules_decimal v, const char *field, rules_decimal *score, sbuf *expl,
                     rules_error *err)
{
    char vs[32];
    int m = -1;

    if (b->count <= 0 || b->count > RULES_MAX_BANDS) {
        rerr_set(err, "rule.bands", "add at least one band", "the rule has no bands");
        return -1;
    }
    if (b->integer && v.units % RULES_DECIMAL_SCALE != 0) {
        rerr_set(err, field, "the rule counts whole things: measure a whole number", "%s is not a whole number",
                 rules_decimal_format_short(v, vs));
        return -1;
    }
    for (int i = 0; i < b->count; i++) {
        const rules_band *x = &b->band[i];
        if (!band_match(x, v.units))
            continue;
        if (m < 0) {
            m = i;
            continue;
        }
        const rules_band *y = &b->band[m];
        if (x->score.units != y->score.units || x->proportional || y->proportional) {
            char msg[256];
            sbuf s;
            sb_init(&s, msg, sizeof msg);
            sb_printf(&s, "%s is in overlapping bands with different scores: ", rules_decimal_format_short(v, vs));
            band_ref(&s, b, m);
            sb_puts(&s, " → ");
            sb_dec(&s, y->score);
            sb_puts(&s, " and ");
            band_ref(&s, b, i);
            sb_puts(&s, " → ");
            sb_dec(&s, x->score);
            rerr_set(err, field, "fix the rule so that the bands do not overlap", "%s", msg);
            return -1;
        }
    }
    if (m < 0) {
        /* name the neighbours: the closest band below and above the value */
        int lo = -1, hi = -1;
        for (int i = 0; i < b->count; i++) {
            const rules_band *x = &b->band[i];
            if (x->has_max && x->max.units <= v.units && (lo < 0 || x->max.units > b->band[lo].max.units))
                lo = i;
            if (x->has_min && x->min.units >= v.units && (hi < 0 || x->min.units < b->band[hi].min.units))
                hi = i;
        }
        char msg[256];
        sbuf s;
        sb_init(&s, msg, sizeof msg);
        sb_printf(&s, "%s matches no band", rules_decimal_format_short(v, vs));
        if (lo >= 0 && hi >= 0) {
            sb_puts(&s, ": it lies in the gap between ");
            band_ref(&s, b, lo);
            sb_puts(&s, " and ");
            band_ref(&s, b, hi);
        } else if (hi >= 0) {
            sb_puts(&s, ": it is below ");
            band_ref(&s, b, hi);
        } else if (lo >= 0) {
            sb_puts(&s, ": it is above ");
            band_ref(&s, b, lo);
        }
        rerr_set(err, field, "add a band for it, or fix the measured value", "%s", msg);
        return -1;
    }

    const rules_band *x = &b->band[m];
    if (!x->proportional) {
        *score = x->score;
        if (expl->cap) {
            sb_printf(expl, "%s is in ", rules_decimal_format_short(v, vs));
            sb_band(expl, x);
            sb_puts(expl, " → ");
            sb_dec(expl, x->score);
        }
        return 0;
    }
    int n = next_band(b, m);
    if (!x->has_min || n < 0) {
        rerr_set(err, "rule.bands", "give the band both ends and a band starting at its max",
                 "proportional bands[%d] has no band to interpolate to", m);
        return -1;
    }
    rules_decimal t = b->band[n].score;
    rules_wide span = (rules_wide)x->max.units - x->min.units;
    if (span <= 0) {
        rerr_set(err, "rule.bands", NULL, "proportional bands[%d] is empty", m);
        return -1;
    }
    rules_wide num = ((rules_wide)v.units - x->min.units) * ((rules_wide)t.units - x->score.units);
    rules_wide q = num / span, r = num % span;
    if (r < 0)
        r = -r;
    if (r * 2 >= span)
        q += num < 0 ? -1 : 1;
    score->units = x->score.units + (int64_t)q;
    if (expl->cap) {
        sb_printf(expl, "%s is in ", rules_decimal_format_short(v, vs));
        sb_band(expl, x);
        sb_puts(expl, ", proportional from ");
        sb_dec(expl, x->score);
        sb_puts(expl, " to ");
        sb_dec(expl, t);
        sb_puts(expl, " → ");
        sb_dec(expl, rules_decimal_round(*score, 2));
    }
    return 0;
}

static int want(const rules_value *v, rules_value_kind k, const char *what, rules_error *err)
{
    if (!v || v->kind != k) {
        rerr_set(err, "value", NULL, "this rule needs %s", what);
        return -1;
    }
    return 0;
}

static int eval_at(const rules_rule *r, const rules_value *v, rules_decimal *score, sbuf *ex, rules_error *err,
                   int depth);

static int eval_linear(const rules_rule *r, const rules_value *v, rules_decimal *score, sbuf *ex, rules_error *err)
{
    if (want(v, RULES_VALUE_NUMBER, "a number", err) < 0)
        return -1;
    rules_wide den = (rules_wide)r->linear.target.units - r->linear.baseline.units;
    if (den == 0) {
        rerr_set(err, "rule.target", "the target must differ from the baseline",
                 "linear rule with target equal to baseline");
        return -1;
    }
    rules_wide num = ((rules_wide)v->number.units - r->linear.baseline.units) * 100 * RULES_DECIMAL_SCALE;
    int neg = (num < 0) != (den < 0);
    rules_wide an = num < 0 ? -num : num, ad = den < 0 ? -den : den;
    rules_wide q = an / ad;
    if ((an % ad) * 2 >= ad)
        q++;
    if (neg)
        q = -q;
    rules_wide raw = q;
    if (q < 0)
        q = 0;
    if (q > 100 * RULES_DECIMAL_SCALE)
        q = 100 * RULES_DECIMAL_SCALE;
    score->units = (int64_t)q;
    if (ex->cap) {
        sb_puts(ex, "(");
        sb_dec(ex, v->number);
        sb_puts(ex, " - ");
        sb_dec(ex, r->linear.baseline);
        sb_puts(ex, ") / (");
        sb_dec(ex, r->linear.target);
        sb_puts(ex, " - ");
        sb_dec(ex, r->linear.baseline);
        sb_puts(ex, ") × 100");
        rules_decimal rd = {(int64_t)(raw > RULES_DECIMAL_MAX_UNITS    ? RULES_DECIMAL_MAX_UNITS
                                      : raw < -RULES_DECIMAL_MAX_UNITS ? -RULES_DECIMAL_MAX_UNITS
                                                                       : raw)};
        rd = rules_decimal_round(rd, 2);
        if (raw != q) {
            sb_puts(ex, " = ");
            sb_dec(ex, rd);
            sb_puts(ex, raw > q ? ", capped at 100" : ", floored at 0");
        }
        sb_puts(ex, " → ");
        sb_dec(ex, rules_decimal_round(*score, 2));
    }
    return 0;
}

static int eval_deadline(const rules_rule *r, const rules_value *v, rules_decimal *score, sbuf *ex, rules_error *err)
{
    char a[11], b[11];
    if (want(v, RULES_VALUE_DATE, "a completion date", err) < 0)
        return -1;
    if (!rules_date_valid(v->date) || !rules_date_valid(r->deadline.due)) {
        rerr_set(err, rules_date_valid(v->date) ? "rule.due" : "value", NULL, "invalid date");
        return -1;
    }
    int32_t late = rules_date_days_between(r->deadline.due, v->date);
    rules_date_format_iso(v->date, a);
    rules_date_format_iso(r->deadline.due, b);
    if (ex->cap) {
        if (late > 0)
            sb_printf(ex, "completed %s, %d day%s after %s; ", a, (int)late, late == 1 ? "" : "s", b);
        else if (late < 0)
            sb_printf(ex, "completed %s, %d day%s before %s; ", a, (int)-late, late == -1 ? "" : "s", b);
        else
            sb_printf(ex, "completed %s, on the due date; ", a);
    }
    if (r->deadline.bands.count == 0) {
        *score = rules_decimal_from_int(late <= 0 ? 100 : 0);
        if (ex->cap)
            sb_puts(ex, late <= 0 ? "on time → 100" : "late → 0");
        return 0;
    }
    rules_bands db = r->deadline.bands;
    db.integer = 1;
    if (ex->cap)
        sb_puts(ex, "days late: ");
    return rules_bands_eval(&db, rules_decimal_from_int(late), "value", score, ex, err);
}

static int eval_formula(const rules_rule *r, const rules_value *v, rules_decimal *score, sbuf *ex, rules_error *err,
                        int depth)
{
    rules_decimal x;
    if (want(v, RULES_VALUE_INPUTS, "an object of named numbers", err) < 0)
        return -1;
    if (rules_formula_eval(r->formula.expr, v->inputs, v->n_inputs, &x, err) < 0) {
        if (err)
            snprintf(err->field, sizeof err->field, "rule.expr");
        return -1;
    }
    if (ex->cap) {
        sb_puts(ex, r->formula.expr);
        sb_puts(ex, " = ");
        sb_dec(ex, x);
    }
    if (!r->formula.then) {
        if (x.units < 0 || x.units > 100 * RULES_DECIMAL_SCALE) {
            char vs[32];
            rerr_set(err, "rule.expr", "add a \"then\" rule, or bound it with min(max(..., 0), 100)",
                     "the formula gives %s, outside 0..100", rules_decimal_format_short(x, vs));
            return -1;
        }
        *score = x;
        if (ex->cap) {
            sb_puts(ex, " → ");
            sb_dec(ex, rules_decimal_round(x, 2));
        }
        return 0;
    }
    rules_value nv = rules_value_number(x);
    if (ex->cap)
        sb_puts(ex, "; ");
    return eval_at(r->formula.then, &nv, score, ex, err, depth + 1);
}

static int eval_all(const rules_rule *r, const rules_value *v, rules_decimal *score, sbuf *ex, rules_error *err, int depth)
{
    int n = r->all_targets.count;
    if (n <= 0 || n > RULES_MAX_PARTS) {
        rerr_set(err, "rule.parts", "give 1 to 16 parts", "all_targets rule with %d parts", n);
        return -1;
    }
    if (want(v, RULES_VALUE_PARTS, "one value per part", err) < 0)
        return -1;
    if (v->n_parts != n || !v->parts) {
        rerr_set(err, "value", NULL, "the rule has %d parts but %d values were given", n, v->n_parts);
        return -1;
    }
    int64_t sum = 0;
    int met = 0;
    for (int i = 0; i < n; i++) {
        rules_decimal s;
        if (ex->cap)
            sb_printf(ex, "%spart %d: ", i ? "; " : "", i + 1);
        if (eval_at(r->all_targets.part[i], &v->parts[i], &s, ex, err, depth + 1) < 0) {
            if (err) {
                char f[128];
                sbuf fb;
                sb_init(&fb, f, sizeof f);
                if (strncmp(err->field, "rule", 4) == 0)
                    sb_printf(&fb, "rule.parts[%d]%s", i, err->field + 4);
                else if (strncmp(err->field, "value", 5) == 0)
                    sb_printf(&fb, "value[%d]%s", i, err->field + 5);
                else
                    sb_printf(&fb, "value[%d]", i);
                memcpy(err->field, f, sizeof f);
            }
            return -1;
        }
        sum += s.units;
        met += s.units >= 100 * RULES_DECIMAL_SCALE;
    }
    if (met == n) {
        *score = rules_decimal_from_int(100);
        if (ex->cap)
            sb_puts(ex, "; every target met → 100");
        return 0;
    }
    score->units = (sum + (sum >= 0 ? n / 2 : -(n / 2))) / n;
    if (ex->cap) {
        sb_printf(ex, "; %d of %d targets met: mean → ", met, n);
        sb_dec(ex, rules_decimal_round(*score, 2));
    }
    return 0;
}

static int eval_at(const rules_rule *r, const rules_value *v, rules_decimal *score, sbuf *ex, rules_error *err, int depth)
{
    if (!r) {
        rerr_set(err, "rule", NULL, "missing rule");
        return -1;
    }
    if (depth > RULES_MAX_NESTING) {
        rerr_set(err, "rule", "nest rules at most 4 deep", "rules nested too deeply");
        return -1;
    }
    switch (r->kind) {
    case RULES_KIND_BANDS:
        if (want(v, RULES_VALUE_NUMBER, "a number", err) < 0)
            return -1;
        return rules_bands_eval(&r->bands, v->number, "value", score, ex, err);
    case RULES_KIND_BOOLEAN:
        if (want(v, RULES_VALUE_BOOLEAN, "true or false", err) < 0)
            return -1;
        *score = rules_decimal_from_int(v->boolean ? 100 : 0);
        if (ex->cap)
            sb_puts(ex, v->boolean ? "true → 100" : "false → 0");
        return 0;
    case RULES_KIND_LINEAR: return eval_linear(r, v, score, ex, err);
    case RULES_KIND_DEADLINE: return eval_deadline(r, v, score, ex, err);
    case RULES_KIND_FORMULA: return eval_formula(r, v, score, ex, err, depth);
    case RULES_KIND_ALL_TARGETS: return eval_all(r, v, score, ex, err, depth);
    }
    rerr_set(err, "rule.kind", NULL, "unknown rule kind %d", (int)r->kind);
    return -1;
}

int rules_evaluate(const rules_rule *rule, const rules_value *value, rules_decimal *score, char *explanation,
                   size_t explanation_size, rules_error *err)
{
    sbuf ex;
    rules_decimal s = {0};
    sb_init(&ex, explanation, explanation_size);
    if (eval_at(rule, value, &s, &ex, err, 1) < 0) {
        if (explanation && explanation_size)
            explanation[0] = '\0';
        return -1;
    }
    if (s.units < 0 || s.units > 100 * RULES_DECIMAL_SCALE) {
        char vs[32];
        rerr_set(err, "rule", "scores go from 0 to 100", "the rule gives %s, outside 0..100",
                 rules_decimal_format_short(s, vs));
        return -1;
    }
    *score = rules_decimal_round(s, 2);
    return 0;
}
