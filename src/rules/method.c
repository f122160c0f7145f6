/* method.c — the plan's method (its SMVP) and the scoring of an indicator by its target
 * when the plan wrote no rule for it (issue 14). Objective scores are in plan.c. */
#include "internal.h"

#include <string.h>

#define HUNDRED (100 * (int64_t)RULES_DECIMAL_SCALE)

rules_method rules_method_default(void)
{
    rules_method m;
    memset(&m, 0, sizeof m);
    m.combine = RULES_COMBINE_AUTO;
    m.mix_value.units = 50 * RULES_DECIMAL_SCALE;
    m.phases = RULES_PHASES_SHARE;
    m.rounding = 2;
    m.unmeasured = RULES_UNMEASURED_LEAVE;
    return m;
}

static int in_0_100(rules_decimal d) { return d.units >= 0 && d.units <= HUNDRED; }

int rules_method_check(const rules_method *m, rules_finding *out, size_t cap, size_t *n_found)
{
    findings f = {out, cap, 0, 0};
    if (m->combine < RULES_COMBINE_AUTO || m->combine > RULES_COMBINE_MIX)
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_invalid", "method.combine",
                "must be one of: auto, indicators, phases, mix");
    if (m->phases != RULES_PHASES_SHARE && m->phases != RULES_PHASES_CUMULATIVE)
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_invalid", "method.phases", "must be one of: share, cumulative");
    if (m->unmeasured != RULES_UNMEASURED_LEAVE && m->unmeasured != RULES_UNMEASURED_ZERO)
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_invalid", "method.not_measured", "must be one of: leave, zero");
    if (!in_0_100(m->mix_value))
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_out_of_range", "method.mix.value",
                "the weight of the achieved value must be from 0 to 100 (time takes the rest)");
    if (!in_0_100(m->threshold))
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_out_of_range", "method.threshold",
                "the threshold is an achievement percentage from 0 to 100");
    if (m->rounding < 0 || m->rounding > 2)
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_out_of_range", "method.rounding", "scores keep 0, 1 or 2 decimals");
    if (!in_0_100(m->late_per_day))
        fnd_add(&f, RULES_SEVERITY_ERROR, "method_out_of_range", "method.late_per_day",
                "points lost per day late must be from 0 to 100 (0: a late date scores 0)");
    if (n_found)
        *n_found = f.count;
    return f.errors;
}

/* a × 100 / b in decimal units, exact to 4 decimals (|a|, |b| <= 9e13: 128-bit product). */
static int64_t percent_of(int64_t a, int64_t b)
{
    rules_wide n = (rules_wide)a * HUNDRED;
    rules_wide d = b;
    int neg = (n < 0) != (d < 0);
    if (n < 0)
        n = -n;
    if (d < 0)
        d = -d;
    rules_wide q = n / d;
    if ((n % d) * 2 >= d)
        q++;
    if (q > (rules_wide)INT64_MAX / 2)
        q = (rules_wide)INT64_MAX / 2;
    return neg ? -(int64_t)q : (int64_t)q;
}

static int is_number(rules_expected_kind k)
{
    return k == RULES_EXPECTED_NUMBER || k == RULES_EXPECTED_PERCENT || k == RULES_EXPECTED_EURO;
}

rules_deviation rules_deviation_of(const rules_expected *target, const rules_value *value)
{
    rules_deviation d;
    memset(&d, 0, sizeof d);
    if (!target || !value)
        return d;
    if (is_number(target->kind) && value->kind == RULES_VALUE_NUMBER) {
        d.has_absolute = 1;
        d.absolute.units = value->number.units - target->number.units;
        if (target->number.units != 0) {
            d.has_percent = 1;
            d.percent = rules_decimal_round(
                (rules_decimal){percent_of(d.absolute.units,
                                           target->number.units < 0 ? -target->number.units : target->number.units)},
                2);
        }
    } else if (target->kind == RULES_EXPECTED_DATE && value->kind == RULES_VALUE_DATE &&
               rules_date_valid(target->date) && rules_date_valid(value->date)) {
        d.has_absolute = 1;
        d.absolute = rules_decimal_from_int(rules_date_days_between(target->date, value->date));
    }
    return d;
}

static const char *yes_no(int b) { return b ? "Sì" : "No"; }

/* "value 12 is at or below the target 10 → 100": a whole verdict, score and sentence. */
static void verdict(sbuf *ex, rules_decimal v, const char *pc, const char *how, rules_decimal target, const char *tail,
                    int64_t score, rules_decimal *out)
{
    sb_puts(ex, "value ");
    sb_dec(ex, v);
    sb_printf(ex, "%s %s ", pc, how);
    sb_dec(ex, target);
    sb_printf(ex, "%s%s → %d", pc, tail, score ? 100 : 0);
    out->units = score;
}

/* Scores a number against its target: the achievement ratio, capped, 0 below the threshold. */
static void score_number(const rules_method *m, const rules_indicator *ind, rules_decimal v, sbuf *ex,
                         rules_decimal *score)
{
    int64_t t = ind->target.number.units, x = v.units;
    rules_direction dir = ind->direction;
    const char *pc = ind->target.kind == RULES_EXPECTED_PERCENT ? "%" : "";
    rules_decimal target = ind->target.number;
    /* per direction: the target is met; it is missed and no ratio can be taken (a target of 0,
     * or of 0 or less where the ratio divides by it) */
    static const struct {
        const char *met, *missed, *missed_tail;
    } words[] = {[RULES_DIRECTION_HIGHER] = {"reaches the target", "is below a target of", ""},
                 [RULES_DIRECTION_LOWER] = {"is at or below the target", "is above a target of", " (lower is better)"},
                 [RULES_DIRECTION_EXACT] = {"equals the target", "differs from a target of", ""}};
    int64_t pct;
    if (dir != RULES_DIRECTION_LOWER && dir != RULES_DIRECTION_EXACT)
        dir = RULES_DIRECTION_HIGHER;
    if (dir == RULES_DIRECTION_LOWER ? x <= t : dir == RULES_DIRECTION_EXACT ? x == t : x >= t) {
        verdict(ex, v, pc, words[dir].met, target, "", HUNDRED, score);
        return;
    }
    if (dir == RULES_DIRECTION_EXACT ? t == 0 : t <= 0) {
        verdict(ex, v, pc, words[dir].missed, target, words[dir].missed_tail, 0, score);
        return;
    }
    if (dir == RULES_DIRECTION_LOWER) {
        pct = percent_of(t, x);
        sb_puts(ex, "target ");
        sb_dec(ex, target);
        sb_puts(ex, " / value ");
        sb_dec(ex, v);
    } else if (dir == RULES_DIRECTION_EXACT) {
        int64_t off = x > t ? x - t : t - x;
        pct = HUNDRED - percent_of(off, t < 0 ? -t : t);
        sb_puts(ex, "value ");
        sb_dec(ex, v);
        sb_puts(ex, " is ");
        sb_dec(ex, rules_decimal_round((rules_decimal){HUNDRED - pct}, 2));
        sb_puts(ex, "% away from the target ");
        sb_dec(ex, target);
        sb_puts(ex, ": 100 - that");
    } else {
        pct = percent_of(x, t);
        sb_puts(ex, "value ");
        sb_dec(ex, v);
        sb_puts(ex, " / target ");
        sb_dec(ex, target);
    }
    if (pct < 0)
        pct = 0;
    if (pct > HUNDRED)
        pct = HUNDRED;
    rules_decimal shown = rules_decimal_round((rules_decimal){pct}, m->rounding);
    sb_puts(ex, " = ");
    sb_dec(ex, shown);
    sb_puts(ex, "%");
    if (m->threshold.units > 0 && pct < m->threshold.units) {
        sb_puts(ex, ", below the threshold ");
        sb_dec(ex, m->threshold);
        sb_puts(ex, "% → 0");
        score->units = 0;
        return;
    }
    sb_puts(ex, " → ");
    sb_dec(ex, shown);
    score->units = pct;
}

static void score_date(const rules_method *m, const rules_indicator *ind, rules_date done, sbuf *ex, rules_decimal *score)
{
    char a[11], b[11];
    rules_date_format_iso(done, a);
    rules_date_format_iso(ind->target.date, b);
    int32_t late = rules_date_days_between(ind->target.date, done);
    if (late <= 0) {
        sb_printf(ex, "done on %s, on or before %s → 100", a, b);
        score->units = HUNDRED;
        return;
    }
    sb_printf(ex, "done on %s, %ld day%s after %s", a, (long)late, late == 1 ? "" : "s", b);
    if (m->late_per_day.units == 0) {
        sb_puts(ex, " → 0");
        score->units = 0;
        return;
    }
    int64_t lost = (int64_t)late * m->late_per_day.units;
    int64_t s = lost >= HUNDRED ? 0 : HUNDRED - lost;
    sb_puts(ex, ": 100 - ");
    sb_dec(ex, m->late_per_day);
    sb_printf(ex, " × %ld → ", (long)late);
    sb_dec(ex, (rules_decimal){s});
    score->units = s;
}

rules_score_status rules_indicator_score(const rules_method *m, const rules_indicator *ind, rules_decimal *score,
                                         rules_deviation *dev, char *explanation, size_t explanation_size,
                                         rules_error *err)
{
    rules_method def = rules_method_default();
    if (!m)
        m = &def;
    sbuf ex;
    sb_init(&ex, explanation, explanation_size);
    rules_decimal s = {0};
    if (dev) {
        memset(dev, 0, sizeof *dev);
        if (ind->has_target && ind->target_comparable && ind->state == RULES_MEASURED)
            *dev = rules_deviation_of(&ind->target, ind->value);
    }
    if (ind->state == RULES_NOT_ASSESSABLE) {
        sb_puts(&ex, "not assessable: leaves the objective's sum and weights");
        return RULES_SCORE_NOT_MEASURED;
    }
    if (ind->rule) {
        if (ind->state != RULES_MEASURED)
            return RULES_SCORE_NOT_MEASURED;
        if (!ind->value) {
            rerr_set(err, "value", NULL, "the indicator is measured but has no value");
            return RULES_SCORE_ERROR;
        }
        if (rules_evaluate(ind->rule, ind->value, &s, explanation, explanation_size, err) < 0)
            return RULES_SCORE_ERROR;
        *score = rules_decimal_round(s, m->rounding);
        return RULES_SCORE_MEASURED;
    }
    if (ind->judged) {
        if (!in_0_100(ind->judgement)) {
            rerr_set(err, "judgement", NULL, "the judgement is outside 0..100");
            return RULES_SCORE_ERROR;
        }
        *score = rules_decimal_round(ind->judgement, m->rounding);
        sb_puts(&ex, "judged by the evaluator → ");
        sb_dec(&ex, *score);
        return RULES_SCORE_MEASURED;
    }
    if (!ind->has_target || !ind->target_comparable || ind->target.kind == RULES_EXPECTED_FREQUENCY) {
        sb_puts(&ex, ind->has_target ? "the target cannot be compared with a value: an evaluator judges it"
                                     : "no rule and no target: an evaluator judges it");
        return RULES_SCORE_NEEDS_JUDGEMENT;
    }
    if (ind->state != RULES_MEASURED)
        return RULES_SCORE_NOT_MEASURED;
    const rules_value *v = ind->value;
    if (!v) {
        rerr_set(err, "value", NULL, "the indicator is measured but has no value");
        return RULES_SCORE_ERROR;
    }
    if (is_number(ind->target.kind)) {
        if (v->kind != RULES_VALUE_NUMBER) {
            rerr_set(err, "value", "report a number", "the target is a number: the value must be one");
            return RULES_SCORE_ERROR;
        }
        score_number(m, ind, v->number, &ex, &s);
    } else if (ind->target.kind == RULES_EXPECTED_DATE) {
        if (v->kind != RULES_VALUE_DATE || !rules_date_valid(v->date) || !rules_date_valid(ind->target.date)) {
            rerr_set(err, "value", "report the completion date (YYYY-MM-DD)",
                     "the target is a date: the value must be the date it was done");
            return RULES_SCORE_ERROR;
        }
        score_date(m, ind, v->date, &ex, &s);
    } else if (ind->target.kind == RULES_EXPECTED_BOOLEAN) {
        if (v->kind != RULES_VALUE_BOOLEAN) {
            rerr_set(err, "value", "report true or false", "the target is yes/no: the value must be one");
            return RULES_SCORE_ERROR;
        }
        int met = !v->boolean == !ind->target.boolean;
        sb_printf(&ex, "%s, expected %s → %d", yes_no(v->boolean), yes_no(ind->target.boolean), met ? 100 : 0);
        s.units = met ? HUNDRED : 0;
    } else {
        sb_puts(&ex, "the target cannot be compared with a value: an evaluator judges it");
        return RULES_SCORE_NEEDS_JUDGEMENT;
    }
    *score = rules_decimal_round(s, m->rounding);
    return RULES_SCORE_MEASURED;
}
