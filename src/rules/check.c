/* check.c — rule checks: overlaps, gaps, monotony, same scores, unreachable bands. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* A band as an interval; for integer rules both ends are closed whole numbers. */
typedef struct ival {
    int has_lo, has_hi;
    int64_t lo, hi;
    int lo_open, hi_open;
    int empty;
} ival;

static int64_t floor_whole(int64_t u)
{
    int64_t q = u / RULES_DECIMAL_SCALE;
    if (u % RULES_DECIMAL_SCALE != 0 && u < 0)
        q--;
    return q * RULES_DECIMAL_SCALE;
}

static int64_t ceil_whole(int64_t u)
{
    int64_t q = u / RULES_DECIMAL_SCALE;
    if (u % RULES_DECIMAL_SCALE != 0 && u > 0)
        q++;
    return q * RULES_DECIMAL_SCALE;
}

static ival to_ival(const rules_band *b, int integer)
{
    ival v = {b->has_min, b->has_max, b->min.units, b->max.units, b->min_exclusive, !b->max_inclusive, 0};
    if (integer) {
        if (v.has_lo)
            v.lo = b->min_exclusive ? floor_whole(v.lo) + RULES_DECIMAL_SCALE : ceil_whole(v.lo);
        if (v.has_hi)
            v.hi = b->max_inclusive ? floor_whole(v.hi) : ceil_whole(v.hi) - RULES_DECIMAL_SCALE;
        v.lo_open = v.hi_open = 0;
    }
    if (v.has_lo && v.has_hi && (v.lo > v.hi || (v.lo == v.hi && (v.lo_open || v.hi_open))))
        v.empty = 1;
    return v;
}

/* 1 when every value of a lies below every value of b. */
static int below(const ival *a, const ival *b)
{
    if (!a->has_hi || !b->has_lo)
        return 0;
    return a->hi < b->lo || (a->hi == b->lo && (a->hi_open || b->lo_open));
}

/* Order by lower end: unbounded first, then smaller, then closed before open. */
static int lo_before(const ival *a, const ival *b)
{
    if (!a->has_lo || !b->has_lo)
        return !a->has_lo && b->has_lo;
    if (a->lo != b->lo)
        return a->lo < b->lo;
    return !a->lo_open && b->lo_open;
}

static void sb_ival_lo(sbuf *s, int64_t v, int open)
{
    rules_decimal d = {v};
    sb_puts(s, open ? "(" : "[");
    sb_dec(s, d);
}

static void sb_ival_hi(sbuf *s, int64_t v, int open)
{
    rules_decimal d = {v};
    sb_dec(s, d);
    sb_puts(s, open ? ")" : "]");
}

static void check_bands(const rules_bands *b, int integer, const char *path, findings *f)
{
    char bp[160], msg[256], p2[160];
    ival iv[RULES_MAX_BANDS];
    int order[RULES_MAX_BANDS], n = 0;
    int count = b->count;
    sbuf s;

    pfmt(bp, sizeof bp, "%s.bands", path);
    if (count <= 0) {
        fnd_add(f, RULES_SEVERITY_ERROR, "bands_empty", bp, "the rule has no bands");
        return;
    }
    if (count > RULES_MAX_BANDS) {
        fnd_add(f, RULES_SEVERITY_ERROR, "rule_invalid", bp, "more than %d bands", RULES_MAX_BANDS);
        return;
    }
    int has_full = 0;
    for (int i = 0; i < count; i++) {
        const rules_band *x = &b->band[i];
        pfmt(p2, sizeof p2, "%s[%d]", bp, i);
        if (x->score.units < 0 || x->score.units > 100 * RULES_DECIMAL_SCALE) {
            char vs[32];
            fnd_add(f, RULES_SEVERITY_ERROR, "score_out_of_range", p2, "bands[%d] scores %s: scores go from 0 to 100",
                    i, rules_decimal_format_short(x->score, vs));
        }
        if (x->score.units >= 100 * RULES_DECIMAL_SCALE)
            has_full = 1;
        iv[i] = to_ival(x, integer);
        if (iv[i].empty) {
            sb_init(&s, msg, sizeof msg);
            sb_printf(&s, "bands[%d] ", i);
            sb_band(&s, x);
            sb_puts(&s,
                    integer ? " contains no whole number: no value can match it" : " is empty: no value can match it");
            fnd_add(f, RULES_SEVERITY_ERROR, "band_unreachable", p2, "%s", msg);
            continue;
        }
        if (x->proportional) {
            int next = -1;
            for (int j = 0; j < count && x->has_max; j++)
                if (j != i && b->band[j].has_min && b->band[j].min.units == x->max.units)
                    next = j;
            if (!x->has_min || !x->has_max || next < 0)
                fnd_add(f, RULES_SEVERITY_ERROR, "band_proportional_end", p2,
                        "proportional bands[%d] needs a min, a max and a band starting at its max", i);
        }
        /* insertion into the order by lower end */
        int k = n++;
        while (k > 0 && lo_before(&iv[i], &iv[order[k - 1]])) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    if (!has_full)
        fnd_add(f, RULES_SEVERITY_WARNING, "band_no_full_score", bp, "no band scores 100");

    /* overlaps with different scores */
    for (int a = 0; a < count; a++) {
        if (iv[a].empty)
            continue;
        for (int c = a + 1; c < count; c++) {
            if (iv[c].empty || below(&iv[a], &iv[c]) || below(&iv[c], &iv[a]))
                continue;
            const rules_band *x = &b->band[a], *y = &b->band[c];
            if (x->score.units == y->score.units && !x->proportional && !y->proportional)
                continue;
            sb_init(&s, msg, sizeof msg);
            sb_printf(&s, "bands[%d] ", a);
            sb_band(&s, x);
            sb_puts(&s, " → ");
            sb_dec(&s, x->score);
            sb_printf(&s, " and bands[%d] ", c);
            sb_band(&s, y);
            sb_puts(&s, " → ");
            sb_dec(&s, y->score);
            sb_puts(&s, " overlap with different scores");
            pfmt(p2, sizeof p2, "%s[%d]", bp, c);
            fnd_add(f, RULES_SEVERITY_ERROR, "band_overlap", p2, "%s", msg);
        }
    }
    if (n == 0)
        return;

    /* gaps and open ends, sweeping by lower end */
    const ival *first = &iv[order[0]];
    if (first->has_lo) {
        sb_init(&s, msg, sizeof msg);
        sb_puts(&s, "values below ");
        sb_dec(&s, (rules_decimal){first->lo});
        sb_printf(&s, " match no band (the lowest is bands[%d])", order[0]);
        fnd_add(f, RULES_SEVERITY_WARNING, "band_open_end", bp, "%s", msg);
    }
    ival reach = *first;
    int reach_band = order[0];
    for (int k = 1; k < n && reach.has_hi; k++) {
        const ival *x = &iv[order[k]];
        int gap;
        if (integer)
            gap = x->lo > reach.hi + RULES_DECIMAL_SCALE;
        else
            gap = reach.hi < x->lo || (reach.hi == x->lo && reach.hi_open && x->lo_open);
        if (gap) {
            sb_init(&s, msg, sizeof msg);
            sb_puts(&s, "values in ");
            if (integer) {
                sb_ival_lo(&s, reach.hi + RULES_DECIMAL_SCALE, 0);
                sb_puts(&s, ", ");
                sb_ival_hi(&s, x->lo - RULES_DECIMAL_SCALE, 0);
            } else {
                sb_ival_lo(&s, reach.hi, !reach.hi_open);
                sb_puts(&s, ", ");
                sb_ival_hi(&s, x->lo, !x->lo_open);
            }
            sb_printf(&s, " match no band: a gap between bands[%d] and bands[%d]", reach_band, order[k]);
            /* "1-10 → 80, 11-30 → 50" in days: only fractions fall in the gap (issue 15) */
            int whole_ok = !integer && reach.hi % RULES_DECIMAL_SCALE == 0 && x->lo % RULES_DECIMAL_SCALE == 0 &&
                           x->lo - reach.hi == RULES_DECIMAL_SCALE && !reach.hi_open && !x->lo_open;
            if (whole_ok)
                sb_puts(&s, "; whole numbers are all covered: mark the rule integer if the value is a count");
            fnd_add(f, whole_ok ? RULES_SEVERITY_WARNING : RULES_SEVERITY_ERROR,
                    whole_ok ? "band_gap_fractional" : "band_gap", bp, "%s", msg);
        }
        if (!x->has_hi) {
            reach.has_hi = 0;
        } else if (x->hi > reach.hi || (x->hi == reach.hi && !x->hi_open)) {
            reach.hi = x->hi;
            reach.hi_open = x->hi_open;
            reach_band = order[k];
        }
    }
    if (reach.has_hi) {
        sb_init(&s, msg, sizeof msg);
        sb_puts(&s, "values above ");
        sb_dec(&s, (rules_decimal){reach.hi});
        sb_printf(&s, " match no band (the highest is bands[%d])", reach_band);
        fnd_add(f, RULES_SEVERITY_WARNING, "band_open_end", bp, "%s", msg);
    }

    /* direction, monotony and same scores of neighbours */
    rules_direction dir = b->direction;
    if (dir == RULES_DIRECTION_AUTO) {
        int64_t s0 = b->band[order[0]].score.units, s1 = b->band[order[n - 1]].score.units;
        dir = s1 > s0 ? RULES_DIRECTION_HIGHER : s1 < s0 ? RULES_DIRECTION_LOWER : RULES_DIRECTION_AUTO;
    }
    for (int k = 1; k < n; k++) {
        int i = order[k - 1], j = order[k];
        const rules_band *x = &b->band[i], *y = &b->band[j];
        pfmt(p2, sizeof p2, "%s[%d]", bp, j);
        int worse_above = (dir == RULES_DIRECTION_HIGHER && y->score.units < x->score.units) ||
                          (dir == RULES_DIRECTION_LOWER && y->score.units > x->score.units);
        if (worse_above) {
            const rules_band *w = dir == RULES_DIRECTION_HIGHER ? x : y;
            const rules_band *g = dir == RULES_DIRECTION_HIGHER ? y : x;
            sb_init(&s, msg, sizeof msg);
            sb_puts(&s, "worse values ");
            sb_band(&s, w);
            sb_puts(&s, " score ");
            sb_dec(&s, w->score);
            sb_puts(&s, ", more than better values ");
            sb_band(&s, g);
            sb_puts(&s, " which score ");
            sb_dec(&s, g->score);
            sb_printf(&s, " (bands[%d], bands[%d], %s is better)", i, j,
                      dir == RULES_DIRECTION_HIGHER ? "higher" : "lower");
            fnd_add(f, RULES_SEVERITY_ERROR, "band_not_monotonic", p2, "%s", msg);
        }
        if (x->score.units == y->score.units && !x->proportional && !y->proportional) {
            sb_init(&s, msg, sizeof msg);
            sb_printf(&s, "bands[%d] ", i);
            sb_band(&s, x);
            sb_printf(&s, " and bands[%d] ", j);
            sb_band(&s, y);
            sb_puts(&s, " both score ");
            sb_dec(&s, x->score);
            sb_puts(&s, ": merge them or fix one score");
            fnd_add(f, RULES_SEVERITY_WARNING, "band_same_score", p2, "%s", msg);
        }
    }
}

static void check_at(const rules_rule *r, const char *path, findings *f, int depth)
{
    char p2[160];
    if (!r) {
        fnd_add(f, RULES_SEVERITY_ERROR, "rule_invalid", path, "missing rule");
        return;
    }
    if (depth > RULES_MAX_NESTING) {
        fnd_add(f, RULES_SEVERITY_ERROR, "rule_invalid", path, "rules nested more than %d deep", RULES_MAX_NESTING);
        return;
    }
    switch (r->kind) {
    case RULES_KIND_BANDS: check_bands(&r->bands, r->bands.integer, path, f); return;
    case RULES_KIND_BOOLEAN: return;
    case RULES_KIND_LINEAR:
        if (r->linear.target.units == r->linear.baseline.units) {
            pfmt(p2, sizeof p2, "%s.target", path);
            fnd_add(f, RULES_SEVERITY_ERROR, "linear_flat", p2, "the target equals the baseline: no value can be scored");
        }
        return;
    case RULES_KIND_DEADLINE:
        if (!rules_date_valid(r->deadline.due)) {
            pfmt(p2, sizeof p2, "%s.due", path);
            fnd_add(f, RULES_SEVERITY_ERROR, "rule_invalid", p2, "the due date is not a date");
        }
        if (r->deadline.bands.count > 0)
            check_bands(&r->deadline.bands, 1, path, f);
        return;
    case RULES_KIND_FORMULA: {
        rules_error e;
        rerr_clear(&e);
        if (memchr(r->formula.expr, '\0', sizeof r->formula.expr) == NULL ||
            rules_formula_check(r->formula.expr, NULL, 0, NULL, &e) < 0) {
            pfmt(p2, sizeof p2, "%s.expr", path);
            fnd_add(f, RULES_SEVERITY_ERROR, "formula_invalid", p2, "%s",
                    e.message[0] ? e.message : "expression not terminated");
        }
        if (r->formula.then) {
            pfmt(p2, sizeof p2, "%s.then", path);
            check_at(r->formula.then, p2, f, depth + 1);
        }
        return;
    }
    case RULES_KIND_ALL_TARGETS:
        if (r->all_targets.count <= 0 || r->all_targets.count > RULES_MAX_PARTS) {
            pfmt(p2, sizeof p2, "%s.parts", path);
            fnd_add(f, RULES_SEVERITY_ERROR, "parts_empty", p2, "give 1 to %d parts", RULES_MAX_PARTS);
            return;
        }
        for (int i = 0; i < r->all_targets.count; i++) {
            pfmt(p2, sizeof p2, "%s.parts[%d]", path, i);
            check_at(r->all_targets.part[i], p2, f, depth + 1);
        }
        return;
    }
    fnd_add(f, RULES_SEVERITY_ERROR, "rule_invalid", path, "unknown rule kind %d", (int)r->kind);
}

int rules_check(const rules_rule *rule, const char *path, rules_finding *out, size_t cap, size_t *n_found)
{
    findings f = {out, cap, 0, 0};
    check_at(rule, path ? path : "rule", &f, 1);
    if (n_found)
        *n_found = f.count;
    return f.errors;
}
