/* evaluation.c — people evaluation and the result bonus (rules.h, "People evaluation and
 * bonus"; the method is documented in docs/EVALUATION.md).
 *
 * Every number is an exact integer computation: decimals are rules_decimal units (1e-4),
 * money is int64 cents, intermediates are 128-bit. Rounding is half away from zero to the
 * 2 decimals of a score; money is shared by largest remainder so that totals are exact. */
#include <string.h>

#include "internal.h"

#define U RULES_DECIMAL_SCALE      /* units of 1 */
#define HUNDRED (100 * (int64_t)U) /* 100 as units */

static const char *const component_names[RULES_EVAL_COMPONENTS] = {"structure", "objectives", "behaviours",
                                                                   "differentiation"};

const char *rules_eval_component_name(rules_eval_component c)
{
    return (unsigned)c < RULES_EVAL_COMPONENTS ? component_names[c] : "?";
}

#define div_round wide_div_round

/* Units rounded to 2 decimals. */
static int64_t round2(rules_wide units) { return (int64_t)(div_round(units, 100) * 100); }

static rules_decimal dec(int64_t units) { return (rules_decimal){units}; }

#define isqrt wide_isqrt

static void money(sbuf *b, int64_t cents)
{
    int64_t a = cents < 0 ? -cents : cents;
    sb_printf(b, "%s%lld.%02lld", cents < 0 ? "-" : "", (long long)(a / 100), (long long)(a % 100));
}

static int in_range(rules_decimal d, int64_t lo_units, int64_t hi_units)
{
    return d.units >= lo_units && d.units <= hi_units;
}

/* ------------------------------------------------------------------------- */
/* Scheme check                                                              */
/* ------------------------------------------------------------------------- */

int rules_eval_scheme_check(const rules_eval_scheme *s, rules_finding *out, size_t cap, size_t *n_found)
{
    findings f = {out, cap, 0, 0};
    char path[128], a[32], b2[32];
    int64_t total = 0;
    for (int c = 0; c < RULES_EVAL_COMPONENTS; c++) {
        pfmt(path, sizeof path, "weights.%s", component_names[c]);
        if (!in_range(s->weight[c], 0, HUNDRED))
            fnd_add(&f, RULES_SEVERITY_ERROR, "weight_out_of_range", path, "the weight %s is not between 0 and 100",
                    rules_decimal_format_short(s->weight[c], a));
        total += s->weight[c].units;
    }
    if (total != HUNDRED)
        fnd_add(&f, RULES_SEVERITY_ERROR, "weights_not_100", "weights",
                "the weights of the components total %s, not 100", rules_decimal_format_short(dec(total), a));
    if (s->role != RULES_EVAL_MANAGER && s->weight[RULES_EVAL_DIFFERENTIATION].units != 0)
        fnd_add(&f, RULES_SEVERITY_ERROR, "differentiation_not_for_role", "weights.differentiation",
                "only managers are judged on the differentiation of the evaluations they give");
    if (s->role == RULES_EVAL_MANAGER && s->weight[RULES_EVAL_DIFFERENTIATION].units > 0 &&
        !(s->cv_target.units > 0 && s->cv_target.units <= 1000 * (int64_t)U))
        fnd_add(&f, RULES_SEVERITY_ERROR, "cv_target_invalid", "differentiation_cv_target",
                "the coefficient of variation that earns the full differentiation score must be above 0 and at "
                "most 1000 (%%)");
    if (s->n_behaviours < 0 || s->n_behaviours > RULES_EVAL_MAX_BEHAVIOURS)
        fnd_add(&f, RULES_SEVERITY_ERROR, "behaviours_missing", "behaviours", "a scheme has 0 to %d behaviours",
                RULES_EVAL_MAX_BEHAVIOURS);
    else if (s->weight[RULES_EVAL_BEHAVIOURS].units > 0 && s->n_behaviours == 0)
        fnd_add(&f, RULES_SEVERITY_ERROR, "behaviours_missing", "behaviours",
                "the behaviours weigh %s but the catalogue has no behaviour",
                rules_decimal_format_short(s->weight[RULES_EVAL_BEHAVIOURS], a));
    else if (s->weight[RULES_EVAL_BEHAVIOURS].units == 0 && s->n_behaviours > 0)
        fnd_add(&f, RULES_SEVERITY_ERROR, "behaviours_missing", "weights.behaviours",
                "the scheme lists behaviours but gives them no weight");
    else {
        int64_t bt = 0;
        for (int i = 0; i < s->n_behaviours; i++) {
            const rules_behaviour *bh = &s->behaviour[i];
            pfmt(path, sizeof path, "behaviours[%d].weight", i);
            if (!in_range(bh->weight, 0, HUNDRED))
                fnd_add(&f, RULES_SEVERITY_ERROR, "weight_out_of_range", path, "the weight %s is not between 0 and 100",
                        rules_decimal_format_short(bh->weight, a));
            bt += bh->weight.units;
            pfmt(path, sizeof path, "behaviours[%d].scale", i);
            if (bh->n_levels < 2 || bh->n_levels > RULES_EVAL_MAX_LEVELS) {
                fnd_add(&f, RULES_SEVERITY_ERROR, "scale_too_short", path,
                        "a rating scale has 2 to %d levels, this one %d", RULES_EVAL_MAX_LEVELS, bh->n_levels);
                continue;
            }
            for (int j = 0; j < bh->n_levels; j++) {
                pfmt(path, sizeof path, "behaviours[%d].scale[%d]", i, j);
                if (bh->level[j].units < 0 || bh->level[j].units > 1000 * (int64_t)U)
                    fnd_add(&f, RULES_SEVERITY_ERROR, "scale_negative", path, "the level %s is outside 0..1000",
                            rules_decimal_format_short(bh->level[j], a));
                if (j > 0 && bh->level[j].units <= bh->level[j - 1].units)
                    fnd_add(&f, RULES_SEVERITY_ERROR, "scale_not_ascending", path,
                            "the level %s does not follow %s: levels must be strictly ascending",
                            rules_decimal_format_short(bh->level[j], a),
                            rules_decimal_format_short(bh->level[j - 1], b2));
            }
        }
        if (s->n_behaviours > 0 && bt != HUNDRED)
            fnd_add(&f, RULES_SEVERITY_ERROR, "behaviour_weights_not_100", "behaviours",
                    "the weights of the behaviours total %s, not 100", rules_decimal_format_short(dec(bt), a));
    }
    if (s->n_bands < 1 || s->n_bands > RULES_EVAL_MAX_BANDS)
        fnd_add(&f, RULES_SEVERITY_ERROR, "bands_missing", "bands", "a scheme has 1 to %d score bands, this one %d",
                RULES_EVAL_MAX_BANDS, s->n_bands);
    else
        for (int i = 0; i < s->n_bands; i++) {
            const rules_eval_band *bd = &s->band[i];
            pfmt(path, sizeof path, "bands[%d]", i);
            if (!in_range(bd->min_score, 0, HUNDRED) || !in_range(bd->coefficient, 0, 10 * (int64_t)U))
                fnd_add(&f, RULES_SEVERITY_ERROR, "band_out_of_range", path,
                        "a band starts at a score 0..100 and has a coefficient 0..10");
            if (i > 0 && bd->min_score.units <= s->band[i - 1].min_score.units)
                fnd_add(&f, RULES_SEVERITY_ERROR, "band_not_ascending", path,
                        "the band from %s does not follow the band from %s: bands must ascend",
                        rules_decimal_format_short(bd->min_score, a),
                        rules_decimal_format_short(s->band[i - 1].min_score, b2));
            if (i > 0 && bd->coefficient.units < s->band[i - 1].coefficient.units)
                fnd_add(&f, RULES_SEVERITY_ERROR, "band_coefficient_decreasing", path,
                        "a better score would earn a lower coefficient (%s after %s)",
                        rules_decimal_format_short(bd->coefficient, a),
                        rules_decimal_format_short(s->band[i - 1].coefficient, b2));
        }
    if (!in_range(s->premium_share, 0, HUNDRED))
        fnd_add(&f, RULES_SEVERITY_ERROR, "premium_out_of_range", "premium.share",
                "the share of people who get the premium is a percentage 0..100");
    if (s->premium_share.units > 0 && !in_range(s->premium_increase, 30 * (int64_t)U, HUNDRED))
        fnd_add(&f, RULES_SEVERITY_ERROR, "premium_out_of_range", "premium.increase",
                "the premium is 30 to 100%% of the average individual bonus (CCNL Funzioni Locali art. 81)");
    if (n_found)
        *n_found = f.count;
    return f.errors;
}

int rules_eval_band_of(const rules_eval_scheme *s, rules_decimal score, rules_decimal *coefficient)
{
    int band = -1;
    for (int i = 0; i < s->n_bands && i < RULES_EVAL_MAX_BANDS; i++)
        if (score.units >= s->band[i].min_score.units)
            band = i;
    if (coefficient)
        *coefficient = band >= 0 ? s->band[band].coefficient : dec(0);
    return band;
}

/* ------------------------------------------------------------------------- */
/* The form                                                                  */
/* ------------------------------------------------------------------------- */

static void objectives_component(const rules_eval_input *in, rules_eval_result *out, rules_error *err, int *bad)
{
    sbuf b;
    char x[32], y[32];
    sb_init(&b, out->explanation[RULES_EVAL_OBJECTIVES], RULES_EVAL_EXPLANATION);
    if (in->n_participations <= 0) {
        if (in->has_own_score) {
            out->has[RULES_EVAL_OBJECTIVES] = 1;
            out->score[RULES_EVAL_OBJECTIVES] = dec(round2(in->own_score.units));
            sb_printf(&b, "own objectives in the plan scored %s",
                      rules_decimal_format_short(out->score[RULES_EVAL_OBJECTIVES], x));
        } else {
            sb_puts(&b, "not scored: no participation in an objective and no objective of one's own");
        }
        return;
    }
    rules_wide num = 0, den = 0;
    int measured = 0, left = 0;
    for (int i = 0; i < in->n_participations; i++) {
        const rules_participation *p = &in->participations[i];
        char field[64];
        pfmt(field, sizeof field, "participations[%d]", i);
        if (!in_range(p->percent, 0, HUNDRED) || p->months < 0 || p->months > 12 || !in_range(p->part_time, 0, HUNDRED) ||
            (p->status == RULES_SCORE_MEASURED && !in_range(p->score, 0, HUNDRED))) {
            rerr_set(err, field, "percent and part-time are 0..100, months 0..12, scores 0..100",
                     "participation %d is out of range", i);
            *bad = 1;
            return;
        }
        if (p->status != RULES_SCORE_MEASURED) {
            left++;
            continue;
        }
        rules_wide w = (rules_wide)p->percent.units * p->months * p->part_time.units;
        if (w == 0)
            continue;
        num += w * p->score.units;
        den += w;
        sb_puts(&b, measured++ ? " + " : "(");
        sb_printf(&b, "%s %s × %s%%", p->code ? p->code : "?", rules_decimal_format_short(p->score, x),
                  rules_decimal_format_short(p->percent, y));
        if (p->months != 12)
            sb_printf(&b, " × %d/12", p->months);
        if (p->part_time.units != HUNDRED)
            sb_printf(&b, " × %s%% time", rules_decimal_format_short(p->part_time, x));
    }
    if (den == 0) {
        sb_puts(&b, "not scored: none of the objectives the person takes part in is measured");
        return;
    }
    out->has[RULES_EVAL_OBJECTIVES] = 1;
    out->score[RULES_EVAL_OBJECTIVES] = dec(round2(div_round(num, den)));
    /* the divisor as an effective percentage: Σ percent × months/12 × part_time/100 */
    rules_decimal eff = dec((int64_t)div_round(den, (rules_wide)12 * HUNDRED));
    sb_printf(&b, ") / %s%% = %s", rules_decimal_format_short(eff, x),
              rules_decimal_format_short(out->score[RULES_EVAL_OBJECTIVES], y));
    if (left)
        sb_printf(&b, "; %d objective%s not measured left out", left, left == 1 ? "" : "s");
}

static void behaviours_component(const rules_eval_scheme *s, const rules_eval_input *in, rules_eval_result *out,
                                 rules_error *err, int *bad)
{
    sbuf b;
    char x[32], y[32], z[32];
    sb_init(&b, out->explanation[RULES_EVAL_BEHAVIOURS], RULES_EVAL_EXPLANATION);
    if (s->n_behaviours == 0) {
        sb_puts(&b, "the scheme has no behaviours");
        return;
    }
    if (in->n_ratings > s->n_behaviours || in->n_ratings < 0) {
        rerr_set(err, "ratings", NULL, "%d ratings for %d behaviours", in->n_ratings, s->n_behaviours);
        *bad = 1;
        return;
    }
    for (int i = 0; i < in->n_ratings; i++) {
        if (!in->rated || !in->rated[i])
            continue;
        const rules_behaviour *bh = &s->behaviour[i];
        int ok = 0;
        for (int j = 0; j < bh->n_levels && j < RULES_EVAL_MAX_LEVELS; j++)
            ok |= bh->level[j].units == in->ratings[i].units;
        if (!ok) {
            char field[64], levels[160];
            sbuf lb;
            sb_init(&lb, levels, sizeof levels);
            for (int j = 0; j < bh->n_levels && j < RULES_EVAL_MAX_LEVELS; j++)
                sb_printf(&lb, "%s%s", j ? ", " : "", rules_decimal_format_short(bh->level[j], x));
            pfmt(field, sizeof field, "ratings[%d]", i);
            rerr_set(err, field, NULL, "%s is not a level of the scale of %s",
                     rules_decimal_format_short(in->ratings[i], y), bh->code ? bh->code : "the behaviour");
            rerr_hint(err, "rate with one of: %s", levels);
            *bad = 1;
            return;
        }
    }
    int missing = 0;
    for (int i = 0; i < s->n_behaviours; i++)
        if (i >= in->n_ratings || !in->rated || !in->rated[i]) {
            sb_printf(&b, "%s%s", missing++ ? ", " : "not scored: not rated yet: ",
                      s->behaviour[i].code ? s->behaviour[i].code : "?");
        }
    if (missing)
        return;
    /* Σ weight × rating / max at 1e-12, rounded once at the end */
    rules_wide sum = 0;
    for (int i = 0; i < s->n_behaviours; i++) {
        const rules_behaviour *bh = &s->behaviour[i];
        rules_wide max = bh->level[bh->n_levels - 1].units;
        if (max <= 0)
            continue;
        sum += div_round((rules_wide)bh->weight.units * in->ratings[i].units * 100000000, max);
        sb_printf(&b, "%s%s %s × %s/%s", i ? " + " : "", bh->code ? bh->code : "?",
                  rules_decimal_format_short(bh->weight, x), rules_decimal_format_short(in->ratings[i], y),
                  rules_decimal_format_short(dec((int64_t)max), z));
    }
    out->has[RULES_EVAL_BEHAVIOURS] = 1;
    out->score[RULES_EVAL_BEHAVIOURS] = dec(round2(div_round(sum, 100000000)));
    sb_printf(&b, " = %s", rules_decimal_format_short(out->score[RULES_EVAL_BEHAVIOURS], x));
}

static void differentiation_component(const rules_eval_scheme *s, const rules_eval_input *in, rules_eval_result *out,
                                      rules_error *err, int *bad)
{
    sbuf b;
    char x[32], y[32], z[32];
    sb_init(&b, out->explanation[RULES_EVAL_DIFFERENTIATION], RULES_EVAL_EXPLANATION);
    if (s->role != RULES_EVAL_MANAGER || s->weight[RULES_EVAL_DIFFERENTIATION].units == 0) {
        sb_puts(&b, "not part of this scheme");
        return;
    }
    if (in->n_given < 0 || in->n_given > RULES_EVAL_MAX_GIVEN) {
        rerr_set(err, "given", NULL, "at most %d evaluations given", RULES_EVAL_MAX_GIVEN);
        *bad = 1;
        return;
    }
    if (in->n_given < 2) {
        sb_printf(&b, "not scored: %d evaluation%s given, at least 2 are needed", in->n_given,
                  in->n_given == 1 ? "" : "s");
        return;
    }
    rules_wide sum = 0, sq = 0, n = in->n_given;
    for (int i = 0; i < in->n_given; i++) {
        if (!in_range(in->given[i], 0, HUNDRED)) {
            rerr_set(err, "given", NULL, "a score given is outside 0..100");
            *bad = 1;
            return;
        }
        sum += in->given[i].units;
        sq += (rules_wide)in->given[i].units * in->given[i].units;
    }
    rules_wide d = n * sq - sum * sum; /* n² × variance, in units² */
    int64_t cv = 0;
    if (sum > 0)
        cv = round2(div_round(isqrt(d * (rules_wide)1000000000000), sum)); /* 100 × σ/μ in units */
    out->has_cv = 1;
    out->cv = dec(cv);
    rules_wide score = div_round((rules_wide)cv * HUNDRED, s->cv_target.units > 0 ? s->cv_target.units : 1);
    if (score > HUNDRED)
        score = HUNDRED;
    out->has[RULES_EVAL_DIFFERENTIATION] = 1;
    out->score[RULES_EVAL_DIFFERENTIATION] = dec(round2(score));
    rules_decimal mean = dec(round2(div_round(sum, n)));
    rules_decimal sd = dec(round2(div_round(isqrt(d * 10000), n * 100)));
    sb_printf(&b, "%d evaluations given: mean %s, standard deviation %s, CV %s%%", in->n_given,
              rules_decimal_format_short(mean, x), rules_decimal_format_short(sd, y),
              rules_decimal_format_short(out->cv, z));
    if (score >= HUNDRED)
        sb_printf(&b, " >= target %s%% → 100", rules_decimal_format_short(s->cv_target, x));
    else
        sb_printf(&b, " / target %s%% × 100 = %s", rules_decimal_format_short(s->cv_target, x),
                  rules_decimal_format_short(out->score[RULES_EVAL_DIFFERENTIATION], y));
}

int rules_eval_form(const rules_eval_scheme *s, const rules_eval_input *in, rules_eval_result *out, rules_error *err)
{
    memset(out, 0, sizeof *out);
    rerr_clear(err);
    out->band = -1;
    if (s->n_behaviours < 0 || s->n_behaviours > RULES_EVAL_MAX_BEHAVIOURS || s->n_bands < 0 ||
        s->n_bands > RULES_EVAL_MAX_BANDS) {
        rerr_set(err, "scheme", "check it with rules_eval_scheme_check", "the scheme is malformed");
        return -1;
    }
    if (rules_eval_scheme_check(s, NULL, 0, NULL) > 0) { /* keeps every product within 128 bits */
        rerr_set(err, "scheme", "check it with rules_eval_scheme_check", "the scheme does not pass its checks");
        return -1;
    }
    for (int c = 0; c < RULES_EVAL_COMPONENTS; c++)
        out->weight[c] = s->weight[c];
    char x[32], y[32];
    int bad = 0;
    sbuf b;
    sb_init(&b, out->explanation[RULES_EVAL_STRUCTURE], RULES_EVAL_EXPLANATION);
    if (in->has_structure) {
        if (!in_range(in->structure_score, 0, HUNDRED)) {
            rerr_set(err, "structure_score", NULL, "the structure's score is outside 0..100");
            return -1;
        }
        out->has[RULES_EVAL_STRUCTURE] = 1;
        out->score[RULES_EVAL_STRUCTURE] = dec(round2(in->structure_score.units));
        sb_printf(&b, "the structure scored %s", rules_decimal_format_short(out->score[RULES_EVAL_STRUCTURE], x));
    } else {
        sb_puts(&b, "not scored: the structure's objectives are not measured");
    }
    if (in->has_own_score && !in_range(in->own_score, 0, HUNDRED)) {
        rerr_set(err, "own_score", NULL, "the person's own score is outside 0..100");
        return -1;
    }
    objectives_component(in, out, err, &bad);
    if (!bad)
        behaviours_component(s, in, out, err, &bad);
    if (!bad)
        differentiation_component(s, in, out, err, &bad);
    if (bad)
        return -1;
    rules_wide num = 0, den = 0;
    int terms = 0;
    out->complete = 1;
    sb_init(&b, out->total_explanation, RULES_EVAL_EXPLANATION);
    char left[128] = "";
    sbuf lb;
    sb_init(&lb, left, sizeof left);
    for (int c = 0; c < RULES_EVAL_COMPONENTS; c++) {
        if (s->weight[c].units == 0)
            continue;
        if (!out->has[c]) {
            out->complete = 0;
            sb_printf(&lb, "%s%s", left[0] ? ", " : "", component_names[c]);
            continue;
        }
        num += (rules_wide)s->weight[c].units * out->score[c].units;
        den += s->weight[c].units;
        sb_printf(&b, "%s%s %s × %s", terms++ ? " + " : "(", component_names[c],
                  rules_decimal_format_short(s->weight[c], x), rules_decimal_format_short(out->score[c], y));
    }
    if (den == 0) {
        sb_puts(&b, "not scored: no component has a score yet");
        return 0;
    }
    out->has_total = 1;
    out->total = dec(round2(div_round(num, den)));
    sb_printf(&b, ") / %s = %s", rules_decimal_format_short(dec((int64_t)den), x),
              rules_decimal_format_short(out->total, y));
    if (left[0])
        sb_printf(&b, "; not scored yet, left out: %s", left);
    out->band = rules_eval_band_of(s, out->total, &out->coefficient);
    if (out->band >= 0)
        sb_printf(&b, "; band from %s, coefficient %s", rules_decimal_format_short(s->band[out->band].min_score, x),
                  rules_decimal_format_short(out->coefficient, y));
    else
        sb_puts(&b, "; below the first band: no bonus");
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Bonus distribution                                                        */
/* ------------------------------------------------------------------------- */

typedef struct order_ctx {
    const rules_bonus_input *in;
    const int64_t *key; /* NULL: rank order; else descending key first (remainders) */
    size_t stride;      /* bytes between keys (they live inside the outputs) */
} order_ctx;

static int64_t key_at(const order_ctx *c, int i)
{
    return *(const int64_t *)((const char *)c->key + (size_t)i * c->stride);
}

/* <0 when i comes before j. */
static int order_cmp(const order_ctx *c, int i, int j)
{
    if (c->key) {
        int64_t a = key_at(c, i), b = key_at(c, j);
        if (a != b)
            return a > b ? -1 : 1;
    }
    if (c->in[i].score.units != c->in[j].score.units)
        return c->in[i].score.units > c->in[j].score.units ? -1 : 1;
    if (c->in[i].tiebreak != c->in[j].tiebreak)
        return c->in[i].tiebreak < c->in[j].tiebreak ? -1 : 1;
    return i < j ? -1 : i > j;
}

static void sift(const order_ctx *c, int *a, size_t start, size_t end)
{
    size_t root = start;
    while (2 * root + 1 < end) {
        size_t child = 2 * root + 1;
        if (child + 1 < end && order_cmp(c, a[child], a[child + 1]) < 0)
            child++;
        if (order_cmp(c, a[root], a[child]) >= 0)
            return;
        int t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

/* Heapsort of the indices a[0..n) by order_cmp: no allocation, O(n log n). */
static void order_sort(const order_ctx *c, int *a, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift(c, a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        int t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(c, a, 0, end);
    }
}

/* Points of a person: coefficient × months × part-time, in units (1e-4 × 1 × 1e-4). */
static int64_t points_of(rules_decimal coefficient, int months, rules_decimal part_time)
{
    return coefficient.units * months * part_time.units;
}

#define FULL_POINTS_PER_UNIT ((int64_t)12 * HUNDRED) /* months × part-time of a full year, full time */

int rules_bonus_distribute(const rules_eval_scheme *s, int64_t fund_cents, int redistribute, const rules_bonus_input *in,
                           rules_bonus_output *out, size_t n, int *scratch, rules_bonus_result *res, rules_error *err)
{
    memset(res, 0, sizeof *res);
    rerr_clear(err);
    char x[32], y[32];
    if (fund_cents < 0) {
        rerr_set(err, "fund", "give the fund in euro, 0 or more", "the fund is below zero");
        return -1;
    }
    if (fund_cents > (int64_t)9000000000000000) {
        rerr_set(err, "fund", NULL, "the fund is too large");
        return -1;
    }
    if (n > 1000000) {
        rerr_set(err, "people", NULL, "at most 1,000,000 people in one distribution");
        return -1;
    }
    if (s->n_bands < 0 || s->n_bands > RULES_EVAL_MAX_BANDS || rules_eval_scheme_check(s, NULL, 0, NULL) > 0) {
        rerr_set(err, "scheme", "check it with rules_eval_scheme_check", "the scheme does not pass its checks");
        return -1;
    }
    res->fund_cents = fund_cents;
    res->n_people = (int)n;
    rules_wide points_total = 0;
    for (size_t i = 0; i < n; i++) {
        char field[64];
        memset(&out[i], 0, sizeof out[i]);
        if (!in_range(in[i].score, 0, HUNDRED) || in[i].months < 0 || in[i].months > 12 ||
            !in_range(in[i].part_time, 0, HUNDRED)) {
            pfmt(field, sizeof field, "people[%zu].%s", i,
                 !in_range(in[i].score, 0, HUNDRED)      ? "score"
                 : in[i].months < 0 || in[i].months > 12 ? "months"
                                                         : "part_time");
            rerr_set(err, field, NULL, "scores and part-time are 0..100, months 0..12");
            return -1;
        }
        out[i].band = rules_eval_band_of(s, in[i].score, &out[i].coefficient);
        int64_t pts = points_of(out[i].coefficient, in[i].months, in[i].part_time);
        out[i].eligible = pts > 0;
        if (out[i].eligible) {
            res->n_eligible++;
            points_total += pts;
        }
        scratch[i] = (int)i;
    }
    res->points_total = (int64_t)points_total;
    order_ctx rank = {in, NULL, 0};
    order_sort(&rank, scratch, n);
    for (size_t r = 0; r < n; r++)
        out[scratch[r]].rank = (int)r + 1;

    /* The art. 69/81 premium for the best evaluated. */
    int k = 0;
    int64_t premium = 0;
    if (res->n_eligible > 0) {
        res->average_cents = fund_cents / res->n_eligible;
        k = (int)(((rules_wide)res->n_eligible * s->premium_share.units) / HUNDRED);
        if (k > 0) {
            rules_wide num = (rules_wide)s->premium_increase.units * fund_cents;
            rules_wide den = (rules_wide)HUNDRED * res->n_eligible;
            premium = (int64_t)((num + den - 1) / den); /* at least the share: round up to the cent */
            if ((rules_wide)premium * k > fund_cents) {
                rerr_set(err, "fund", "lower the premium share or increase",
                         "%d premiums of %lld cents exceed the fund", k, (long long)premium);
                return -1;
            }
        }
    }
    res->premium_cents = premium;
    int last_premium = -1;
    for (size_t r = 0, given = 0; r < n && (int)given < k; r++) {
        int i = scratch[r];
        if (!out[i].eligible)
            continue;
        out[i].premium = 1;
        out[i].premium_cents = premium;
        last_premium = i;
        given++;
    }
    res->n_premium = k;
    int64_t pool = fund_cents - premium * k;

    /* The rest by points. */
    rules_wide den = redistribute ? points_total
                                  : (rules_wide)n * (s->n_bands > 0 ? s->band[s->n_bands - 1].coefficient.units : 0) *
                                        FULL_POINTS_PER_UNIT;
    int64_t shared = 0;
    if (den > 0) {
        for (size_t i = 0; i < n; i++) {
            if (!out[i].eligible)
                continue;
            rules_wide num = (rules_wide)pool * points_of(out[i].coefficient, in[i].months, in[i].part_time);
            out[i].base_cents = (int64_t)(num / den);
            out[i].bonus_cents = (int64_t)(num % den); /* the remainder, for now */
            shared += out[i].base_cents;
        }
        if (redistribute) {
            int64_t leftover = pool - shared; /* < number of eligible people */
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (out[i].eligible)
                    scratch[m++] = (int)i;
            order_ctx byrem = {in, &out[0].bonus_cents, sizeof out[0]};
            order_sort(&byrem, scratch, m);
            for (size_t r = 0; r < m && leftover > 0; r++, leftover--) {
                out[scratch[r]].base_cents++;
                out[scratch[r]].bonus_cents = -1; /* marks the extra cent for the explanation */
                shared++;
            }
        }
    }
    int64_t distributed = 0;
    for (size_t i = 0; i < n; i++) {
        int extra = out[i].bonus_cents == -1 && redistribute;
        out[i].bonus_cents = out[i].base_cents + out[i].premium_cents;
        distributed += out[i].bonus_cents;
        sbuf b;
        sb_init(&b, out[i].explanation, RULES_EVAL_EXPLANATION);
        sb_printf(&b, "score %s, rank %d: ", rules_decimal_format_short(in[i].score, x), out[i].rank);
        if (out[i].band < 0) {
            sb_printf(&b, "below the first band (%s): no bonus",
                      s->n_bands > 0 ? rules_decimal_format_short(s->band[0].min_score, y) : "none");
            continue;
        }
        sb_printf(&b, "band from %s, coefficient %s", rules_decimal_format_short(s->band[out[i].band].min_score, x),
                  rules_decimal_format_short(out[i].coefficient, y));
        if (!out[i].eligible) {
            sb_puts(&b, out[i].coefficient.units == 0 ? ": no bonus" : "; no service in the year: no bonus");
            continue;
        }
        int64_t pts = points_of(out[i].coefficient, in[i].months, in[i].part_time);
        sb_printf(&b, " × %d/12 × %s%% time = %s points; ", in[i].months, rules_decimal_format_short(in[i].part_time, x),
                  rules_decimal_format_short(dec((int64_t)div_round(pts, FULL_POINTS_PER_UNIT)), y));
        money(&b, pool);
        sb_printf(&b, " € × %s / %s points = ", y,
                  rules_decimal_format_short(dec((int64_t)div_round(den, FULL_POINTS_PER_UNIT)), x));
        money(&b, out[i].base_cents - extra);
        sb_puts(&b, " €");
        if (extra)
            sb_puts(&b, " + 0.01 (largest remainder)");
        if (out[i].premium) {
            sb_puts(&b, " + premium ");
            money(&b, out[i].premium_cents);
            sb_puts(&b, " € (art. 69/81: one of the best evaluated)");
        } else if (last_premium >= 0 && in[i].score.units == in[last_premium].score.units) {
            sb_puts(&b, " (ties with the last premium's score: the lower key ranks first)");
        }
        sb_puts(&b, " = ");
        money(&b, out[i].bonus_cents);
        sb_puts(&b, " €");
    }
    res->distributed_cents = distributed;
    res->remainder_cents = fund_cents - distributed;
    sbuf b;
    sb_init(&b, res->explanation, RULES_EVAL_EXPLANATION);
    sb_puts(&b, "fund ");
    money(&b, fund_cents);
    sb_printf(&b, " € for %d people, %d eligible", res->n_people, res->n_eligible);
    if (k > 0) {
        sb_printf(&b, "; %d premium%s of ceil(%s%% × ", k, k == 1 ? "" : "s",
                  rules_decimal_format_short(s->premium_increase, x));
        money(&b, fund_cents);
        sb_printf(&b, " / %d) = ", res->n_eligible);
        money(&b, premium);
        sb_puts(&b, " €");
    }
    sb_puts(&b, "; ");
    money(&b, pool);
    sb_printf(&b, " € shared by points%s; distributed ",
              redistribute ? " (largest remainder)" : " valued at full time, full year, top band");
    money(&b, distributed);
    sb_puts(&b, " €, remainder ");
    money(&b, res->remainder_cents);
    sb_puts(&b, " €");
    return 0;
}
