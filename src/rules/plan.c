/* plan.c — the plan model: achievement, timeliness, objective and assignee
 * scores. Checks are in plan_check.c, the ITP in itp.c. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define HUNDRED (100 * (int64_t)RULES_DECIMAL_SCALE)
#define MAX_ITEMS 1000000

/* accumulators in rules_objective_result.internal_ */
enum {
    IW,  /* Σ weights of measured indicators */
    IWS, /* Σ weight × score */
    IS,  /* Σ score (equal-weight fallback) */
    PW,  /* Σ weights of weighted phases */
    PWP, /* Σ weight × percent */
    PN,  /* unweighted phases */
    PNP, /* Σ their percent */
    DW,  /* Σ weights of phases due */
    OW,  /* Σ weights of phases due and done on time */
    DN,  /* unweighted phases due */
    ON,  /* unweighted phases due and done on time */
    IFIRST,
    ILAST,
    PFIRST,
    PLAST,
    NPH /* phases counted */
};

/* accumulators in rules_objective_result.internal2_ (issue 14) */
enum {
    CW,     /* Σ weights of weighted phases completed by their deadline (cumulative method) */
    TW,     /* time group (MIX): Σ weights of measured date-target indicators */
    TWS,    /* Σ weight × score */
    TS,     /* Σ score */
    TN,     /* count */
    UW,     /* value group: Σ weights of indicators not measured */
    UN,     /* count */
    UTW,    /* time group: Σ weights not measured */
    UTN,    /* count */
    IERR,   /* 1: an indicator could not be evaluated */
    AW,     /* Σ weights of this objective's assignments (its weight as a child) */
    AN,     /* its assignments */
    KIDS,   /* children in the cascade */
    PUSHED, /* children that passed their result up */
    CSW,    /* Σ child weight × child score over scored children */
    CWT,    /* Σ child weights over scored children */
    CSS,    /* Σ child scores */
    CUW,    /* scored children without a weight */
    CNJ,    /* children needing judgement */
    STATE   /* roll-up: 0 final, 1 waiting for children, 2 passed up */
};

_Static_assert(STATE < (int)(sizeof(((rules_objective_result *)0)->internal2_) / sizeof(int64_t)),
               "internal2_ too small");

static int64_t clamp100(int64_t u) { return u < 0 ? 0 : u > HUNDRED ? HUNDRED : u; }

static int64_t rdiv(int64_t n, int64_t d)
{
    int neg = (n < 0) != (d < 0);
    uint64_t an = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    uint64_t q = an / ad;
    if ((an % ad) * 2 >= ad)
        q++;
    return neg ? -(int64_t)q : (int64_t)q;
}

static void res_init(rules_objective_result *o)
{
    memset(o, 0, sizeof *o);
    o->error_indicator = -1;
    o->judgement_indicator = -1;
    o->internal_[IFIRST] = o->internal_[PFIRST] = -1;
}

static const rules_method *method_of(const rules_plan *plan, rules_method *def)
{
    if (plan->method)
        return plan->method;
    *def = rules_method_default();
    return def;
}

/* A time indicator: its target (or its rule) is a date. Only MIX treats them apart. */
static int is_time(const rules_indicator *ind)
{
    if (ind->rule)
        return ind->rule->kind == RULES_KIND_DEADLINE;
    return ind->has_target && ind->target_comparable && ind->target.kind == RULES_EXPECTED_DATE;
}

static void acc_indicator(rules_objective_result *o, const rules_method *m, const rules_indicator *ind, int k,
                          rules_error *err)
{
    int64_t *a = o->internal_, *b = o->internal2_;
    if (a[IFIRST] < 0)
        a[IFIRST] = k;
    a[ILAST] = k;
    o->n_indicators++;
    if (ind->state == RULES_NOT_ASSESSABLE) {
        o->n_not_assessable++;
        return;
    }
    int time = m->combine == RULES_COMBINE_MIX && is_time(ind);
    int64_t w = clamp100(ind->weight.units);
    rules_decimal s = {0};
    rules_score_status st = rules_indicator_score(m, ind, &s, NULL, NULL, 0, b[IERR] ? NULL : err);
    if (st == RULES_SCORE_NEEDS_JUDGEMENT) {
        if (o->n_needs_judgement++ == 0)
            o->judgement_indicator = k;
        return;
    }
    if (st == RULES_SCORE_ERROR) {
        if (!b[IERR])
            o->error_indicator = k;
        b[IERR] = 1;
        return;
    }
    if (st == RULES_SCORE_NOT_MEASURED) {
        b[time ? UTW : UW] += w;
        b[time ? UTN : UN]++;
        return;
    }
    o->n_measured++;
    if (time) {
        b[TW] += w;
        b[TWS] += w * s.units;
        b[TS] += s.units;
        b[TN]++;
    } else {
        a[IW] += w;
        a[IWS] += w * s.units;
        a[IS] += s.units;
    }
}

static int owns(const rules_phase *ph, int assignee)
{
    if (assignee < 0 || !ph->owners || ph->n_owners <= 0)
        return 1;
    for (int i = 0; i < ph->n_owners; i++)
        if (ph->owners[i] == assignee)
            return 1;
    return 0;
}

static void acc_phase(rules_objective_result *o, const rules_phase *ph, int j, rules_date as_of)
{
    int64_t *a = o->internal_;
    if (a[PFIRST] < 0)
        a[PFIRST] = j;
    a[PLAST] = j;
    if (ph->owners && ph->n_owners > 0)
        o->has_owner_phases = 1;
    a[NPH]++;
    int done = ph->completed && rules_date_valid(ph->completed_on) && rules_date_compare(ph->completed_on, as_of) <= 0;
    int64_t pct = done ? HUNDRED : clamp100(ph->percent_complete.units);
    int64_t w = clamp100(ph->weight.units);
    if (ph->has_weight) {
        a[PW] += w;
        a[PWP] += w * pct;
    } else {
        a[PN]++;
        a[PNP] += pct;
    }
    int in_time = done && (!ph->has_deadline || !rules_date_valid(ph->deadline) ||
                           rules_date_compare(ph->completed_on, ph->deadline) <= 0);
    if (ph->has_weight && in_time)
        o->internal2_[CW] += w;
    if (ph->has_deadline && rules_date_valid(ph->deadline) && rules_date_compare(ph->deadline, as_of) <= 0) {
        int on_time = in_time;
        if (ph->has_weight) {
            a[DW] += w;
            a[OW] += on_time ? w : 0;
        } else {
            a[DN]++;
            a[ON] += on_time;
        }
    }
}

/* The (weighted) mean of a group: Σ w × s / Σ w, or the plain mean when no weight is given;
 * indicators not measured count as 0 under RULES_UNMEASURED_ZERO. */
static int group_mean(const rules_method *m, int64_t w, int64_t ws, int64_t sum, int64_t n, int64_t uw, int64_t un,
                      rules_decimal *out)
{
    if (n == 0)
        return 0;
    if (m->unmeasured == RULES_UNMEASURED_ZERO) {
        w += uw;
        n += un;
    }
    out->units = w > 0 ? rdiv(ws, w) : rdiv(sum, n);
    return 1;
}

static void finish(rules_objective_result *o, const rules_method *m)
{
    const int64_t *a = o->internal_, *b = o->internal2_;
    if (a[PW] > 0) {
        o->has_achievement = 1;
        o->achievement.units = rdiv(a[PWP], a[PW]);
    } else if (a[PN] > 0) {
        o->has_achievement = 1;
        o->achievement.units = rdiv(a[PNP], a[PN]);
    }
    o->achievement = rules_decimal_round(o->achievement, 2);
    if (a[DW] > 0) {
        o->has_timeliness = 1;
        o->timeliness.units = rdiv(a[OW] * HUNDRED, a[DW]);
    } else if (a[DN] > 0) {
        o->has_timeliness = 1;
        o->timeliness.units = rdiv(a[ON] * HUNDRED, a[DN]);
    }
    o->timeliness = rules_decimal_round(o->timeliness, 2);
    if (m->phases == RULES_PHASES_CUMULATIVE && a[PW] > 0) {
        o->has_phase_value = 1;
        o->phase_value.units = clamp100(b[CW]);
    } else if (o->has_achievement) {
        o->has_phase_value = 1;
        o->phase_value = o->achievement;
    }
    o->phase_value = rules_decimal_round(o->phase_value, m->rounding);
    /* Which measures make the score. */
    rules_combine use = m->combine;
    if (use == RULES_COMBINE_AUTO || use == RULES_COMBINE_INDICATORS)
        use = o->n_indicators > 0 || a[NPH] == 0 ? RULES_COMBINE_INDICATORS : RULES_COMBINE_PHASES;
    else if (use == RULES_COMBINE_PHASES && a[NPH] == 0)
        use = RULES_COMBINE_INDICATORS;
    else if (use == RULES_COMBINE_MIX && o->n_indicators == 0)
        use = RULES_COMBINE_PHASES;
    o->combined = use;
    o->has_value = group_mean(m, a[IW], a[IWS], a[IS], o->n_measured - b[TN], b[UW], b[UN], &o->value);
    o->value = rules_decimal_round(o->value, m->rounding);
    if (use == RULES_COMBINE_MIX) {
        o->has_time = group_mean(m, b[TW], b[TWS], b[TS], b[TN], b[UTW], b[UTN], &o->time);
        if (!o->has_time && o->has_timeliness) {
            o->has_time = 1;
            o->time = o->timeliness;
        }
        o->time = rules_decimal_round(o->time, m->rounding);
    }
    if (use == RULES_COMBINE_PHASES) {
        if (o->has_phase_value) {
            o->status = RULES_SCORE_MEASURED;
            o->from_phases = 1;
            o->score = o->phase_value;
        } else {
            o->status = RULES_SCORE_NOT_MEASURED;
        }
        return;
    }
    if (b[IERR]) {
        o->status = RULES_SCORE_ERROR;
        return;
    }
    if (o->n_needs_judgement > 0) {
        o->status = RULES_SCORE_NEEDS_JUDGEMENT;
        return;
    }
    if (use == RULES_COMBINE_MIX && o->has_value && o->has_time) {
        int64_t wv = clamp100(m->mix_value.units);
        o->status = RULES_SCORE_MEASURED;
        o->score.units = rdiv(o->value.units * wv + o->time.units * (HUNDRED - wv), HUNDRED);
    } else if (o->has_value || o->has_time) {
        o->status = RULES_SCORE_MEASURED;
        o->score = o->has_value ? o->value : o->time;
    } else {
        o->status = RULES_SCORE_NOT_MEASURED;
        return;
    }
    o->score = rules_decimal_round(o->score, m->rounding);
}

/* Scores objective `obj` over indicator range [i0, i1] and phase range [p0, p1]. */
static void score_range(const rules_plan *plan, int obj, int assignee, rules_date as_of, int i0, int i1, int p0, int p1,
                        rules_objective_result *out, rules_error *err)
{
    rules_method def;
    const rules_method *m = method_of(plan, &def);
    res_init(out);
    for (int k = i0; k >= 0 && k <= i1 && k < plan->n_indicators; k++)
        if (plan->indicators[k].objective == obj)
            acc_indicator(out, m, &plan->indicators[k], k, err);
    for (int j = p0; j >= 0 && j <= p1 && j < plan->n_phases; j++)
        if (plan->phases[j].objective == obj && owns(&plan->phases[j], assignee))
            acc_phase(out, &plan->phases[j], j, as_of);
    finish(out, m);
}

/* An approved override (issue 14) replaces the computed result, which stays in computed_*. */
static void apply_override(rules_objective_result *o, const rules_objective *ob)
{
    o->computed_status = o->status;
    o->computed_score = o->score;
    if (!ob->has_override)
        return;
    o->overridden = 1;
    o->status = RULES_SCORE_MEASURED;
    o->score = ob->override_score;
}

void rules_objective_score(const rules_plan *plan, int objective, int assignee, rules_date as_of,
                           rules_objective_result *out, rules_error *err)
{
    score_range(plan, objective, assignee, as_of, 0, plan->n_indicators - 1, 0, plan->n_phases - 1, out, err);
    apply_override(out, &plan->objectives[objective]);
}

static int bad_plan(const rules_plan *plan, rules_error *err)
{
    if (plan->n_objectives < 0 || plan->n_objectives > MAX_ITEMS || plan->n_indicators < 0 ||
        plan->n_indicators > MAX_ITEMS || plan->n_phases < 0 || plan->n_phases > MAX_ITEMS || plan->n_assignments < 0 ||
        plan->n_assignments > MAX_ITEMS || plan->n_assignees < 0 || plan->n_assignees > MAX_ITEMS) {
        rerr_set(err, NULL, "split the plan", "plan too large: at most %d items of each kind", MAX_ITEMS);
        return 1;
    }
    for (int k = 0; k < plan->n_indicators; k++)
        if (plan->indicators[k].objective < 0 || plan->indicators[k].objective >= plan->n_objectives) {
            rerr_set(err, NULL, NULL, "indicators[%d].objective is out of range", k);
            return 1;
        }
    for (int j = 0; j < plan->n_phases; j++)
        if (plan->phases[j].objective < 0 || plan->phases[j].objective >= plan->n_objectives) {
            rerr_set(err, NULL, NULL, "phases[%d].objective is out of range", j);
            return 1;
        }
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        if (x->objective < 0 || x->objective >= plan->n_objectives || x->assignee < 0 ||
            x->assignee >= plan->n_assignees) {
            rerr_set(err, NULL, NULL, "assignments[%d] refers to a missing objective or assignee", i);
            return 1;
        }
    }
    return 0;
}

/* Passes a final child's result up to its parent. */
static void push_up(rules_objective_result *parent, const rules_objective_result *child)
{
    int64_t *p = parent->internal2_;
    const int64_t *c = child->internal2_;
    p[PUSHED]++;
    if (child->status == RULES_SCORE_NEEDS_JUDGEMENT)
        p[CNJ]++;
    if (child->status != RULES_SCORE_MEASURED)
        return;
    parent->n_children_scored++;
    int64_t w = c[AN] > 0 ? rdiv(c[AW], c[AN]) : 0;
    if (w > 0) {
        p[CSW] += w * child->score.units;
        p[CWT] += w;
    } else {
        p[CUW]++;
    }
    p[CSS] += child->score.units;
}

static void finish_parent(rules_objective_result *o, const rules_method *m)
{
    int64_t *b = o->internal2_;
    b[STATE] = 0;
    o->from_children = 1;
    if (b[CNJ] > 0) {
        o->status = RULES_SCORE_NEEDS_JUDGEMENT;
        return;
    }
    if (o->n_children_scored == 0) {
        o->status = RULES_SCORE_NOT_MEASURED;
        return;
    }
    o->children_weighted = b[CUW] == 0 && b[CWT] > 0;
    o->status = RULES_SCORE_MEASURED;
    o->score.units = o->children_weighted ? rdiv(b[CSW], b[CWT]) : rdiv(b[CSS], o->n_children_scored);
    o->score = rules_decimal_round(o->score, m->rounding);
}

/* The cascade: an objective with no indicator and no phase scores from its children, weighted
 * by their assignment weights when every scored child has one, else their mean (without
 * roll-up it is not measured). Passes go up one level each; a cascade deeper than
 * RULES_MAX_CASCADE (or a loop, which the plan check reports) leaves the objectives above not
 * measured. One with no indicator, no phase and no child needs a judgement: nothing else can
 * score it. */
#define RULES_MAX_CASCADE 64
static void roll_up(const rules_plan *plan, const rules_method *m, rules_objective_result *res)
{
    int n = plan->n_objectives, waiting = 0;
    for (int i = 0; i < plan->n_assignments; i++) {
        int64_t *b = res[plan->assignments[i].objective].internal2_;
        b[AW] += clamp100(plan->assignments[i].weight.units);
        b[AN]++;
    }
    for (int i = 0; i < n; i++) {
        int p = plan->objectives[i].parent;
        if (p >= 0 && p < n && p != i)
            res[p].n_children++;
    }
    for (int i = 0; i < n; i++) {
        rules_objective_result *o = &res[i];
        if (o->n_indicators > 0 || o->internal_[NPH] > 0)
            continue;
        if (o->n_children == 0) {
            o->status = RULES_SCORE_NEEDS_JUDGEMENT; /* nothing to score it by */
        } else if (!m->no_roll_up) {
            o->internal2_[STATE] = 1;
            o->status = RULES_SCORE_NOT_MEASURED;
            waiting++;
        }
    }
    for (int pass = 0; waiting > 0 && pass < RULES_MAX_CASCADE; pass++) {
        int progress = 0;
        for (int i = 0; i < n; i++) {
            int p = plan->objectives[i].parent;
            if (p < 0 || p >= n || p == i || res[i].internal2_[STATE] != 0 || res[p].internal2_[STATE] != 1)
                continue;
            push_up(&res[p], &res[i]);
            res[i].internal2_[STATE] = 2;
            progress = 1;
        }
        for (int i = 0; i < n; i++)
            if (res[i].internal2_[STATE] == 1 && res[i].internal2_[PUSHED] == res[i].n_children) {
                finish_parent(&res[i], m);
                apply_override(&res[i], &plan->objectives[i]); /* the parent passes its override up */
                waiting--;
                progress = 1;
            }
        if (!progress)
            break;
    }
}

int rules_plan_score(const rules_plan *plan, rules_date as_of, rules_objective_result *objectives,
                     rules_assignee_result *assignees, rules_error *err)
{
    if (bad_plan(plan, err))
        return -1;
    rules_method def;
    const rules_method *m = method_of(plan, &def);
    for (int i = 0; i < plan->n_objectives; i++)
        res_init(&objectives[i]);
    for (int k = 0; k < plan->n_indicators; k++)
        acc_indicator(&objectives[plan->indicators[k].objective], m, &plan->indicators[k], k, NULL);
    for (int j = 0; j < plan->n_phases; j++)
        acc_phase(&objectives[plan->phases[j].objective], &plan->phases[j], j, as_of);
    for (int i = 0; i < plan->n_objectives; i++) {
        finish(&objectives[i], m);
        apply_override(&objectives[i], &plan->objectives[i]);
    }
    roll_up(plan, m, objectives);
    if (!assignees)
        return 0;
    for (int a = 0; a < plan->n_assignees; a++) {
        memset(&assignees[a], 0, sizeof assignees[a]);
        assignees[a].status = RULES_SCORE_NOT_MEASURED;
    }
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        rules_assignee_result *r = &assignees[x->assignee];
        const rules_objective_result *o = &objectives[x->objective];
        rules_objective_result own;
        if (o->has_owner_phases && o->n_indicators == 0) {
            score_range(plan, x->objective, x->assignee, as_of, -1, -1, (int)o->internal_[PFIRST],
                        (int)o->internal_[PLAST], &own, NULL);
            apply_override(&own, &plan->objectives[x->objective]);
            o = &own;
        }
        int64_t w = clamp100(x->weight.units);
        r->n_objectives++;
        r->weight_total.units += w;
        if (o->status == RULES_SCORE_MEASURED) {
            r->weight_measured.units += w;
            r->internal_[0] += w * o->score.units;
            r->internal_[1]++;
            r->internal_[2] += o->score.units;
        } else if (o->status == RULES_SCORE_ERROR) {
            r->n_errors++;
            r->n_not_measured++;
        } else if (o->status == RULES_SCORE_NEEDS_JUDGEMENT) {
            r->n_needs_judgement++;
            r->n_not_measured++;
        } else {
            r->n_not_measured++;
        }
    }
    for (int a = 0; a < plan->n_assignees; a++) {
        rules_assignee_result *r = &assignees[a];
        if (r->internal_[1] == 0)
            continue;
        r->status = RULES_SCORE_MEASURED;
        r->equal_weights = r->weight_measured.units == 0;
        r->score.units = r->equal_weights ? rdiv(r->internal_[2], r->internal_[1])
                                          : rdiv(r->internal_[0], r->weight_measured.units);
        r->score = rules_decimal_round(r->score, 2);
    }
    return 0;
}

int rules_assignee_not_measured(const rules_plan *plan, const rules_objective_result *objectives, int assignee,
                                int *out, int cap)
{
    int n = 0;
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        if (x->assignee != assignee || x->objective < 0 || x->objective >= plan->n_objectives)
            continue;
        if (objectives[x->objective].status == RULES_SCORE_MEASURED)
            continue;
        if (out && n < cap)
            out[n] = x->objective;
        n++;
    }
    return n;
}

char *rules_objective_explain(const rules_plan *plan, int objective, const rules_objective_result *r, char *buf,
                              size_t size)
{
    (void)objective; /* in the contract (rules.h) for callers; r already holds what is explained */
    sbuf ex;
    sb_init(&ex, buf, size);
    rules_method def;
    const rules_method *m = method_of(plan, &def);
    if (r->from_children) {
        if (r->status == RULES_SCORE_NEEDS_JUDGEMENT)
            sb_printf(&ex, "rolled up from %d children: some wait for an evaluator's judgement", r->n_children);
        else if (r->status != RULES_SCORE_MEASURED)
            sb_printf(&ex, "rolled up from %d children: none is measured yet", r->n_children);
        else {
            sb_printf(&ex, "%s of the %d of %d children scored",
                      r->children_weighted ? "weighted mean (by their weights)" : "mean", r->n_children_scored,
                      r->n_children);
            sb_puts(&ex, " = ");
            sb_dec(&ex, r->score);
        }
        return buf;
    }
    if (r->status == RULES_SCORE_ERROR) {
        int k = r->error_indicator;
        if (k >= 0 && k < plan->n_indicators && plan->indicators[k].code)
            sb_printf(&ex, "indicator %s could not be scored (its explanation says why)", plan->indicators[k].code);
        else
            sb_puts(&ex, "an indicator could not be scored (its explanation says why)");
        return buf;
    }
    if (r->status == RULES_SCORE_NEEDS_JUDGEMENT && r->n_needs_judgement == 0) {
        sb_puts(&ex,
                "no indicator, phase or child objective to score it: an evaluator's judgement is needed (an "
                "approved override sets its score)");
        return buf;
    }
    if (r->status == RULES_SCORE_NEEDS_JUDGEMENT) {
        sb_printf(&ex, "%d indicator%s cannot be compared with %s target and wait%s for an evaluator's judgement",
                  r->n_needs_judgement, r->n_needs_judgement == 1 ? "" : "s",
                  r->n_needs_judgement == 1 ? "its" : "their", r->n_needs_judgement == 1 ? "s" : "");
        return buf;
    }
    if (r->status != RULES_SCORE_MEASURED) {
        sb_puts(&ex, "not measured yet");
        return buf;
    }
    if (r->combined == RULES_COMBINE_PHASES) {
        if (m->phases == RULES_PHASES_CUMULATIVE && r->internal_[PW] > 0) {
            sb_puts(&ex, "phases completed by their deadline reach ");
            sb_dec(&ex, r->score);
            sb_puts(&ex, " of 100 (running total of phase weights)");
        } else {
            sb_puts(&ex, "phases: share completed, weighted by phase weights = ");
            sb_dec(&ex, r->score);
        }
        return buf;
    }
    if (r->combined == RULES_COMBINE_MIX && r->has_value && r->has_time) {
        int64_t wv = m->mix_value.units;
        sb_puts(&ex, "achieved value ");
        sb_dec(&ex, r->value);
        sb_puts(&ex, " × ");
        sb_dec(&ex, (rules_decimal){wv});
        sb_puts(&ex, "% + timeliness ");
        sb_dec(&ex, r->time);
        sb_puts(&ex, " × ");
        sb_dec(&ex, (rules_decimal){HUNDRED - wv});
        sb_puts(&ex, "% = ");
        sb_dec(&ex, r->score);
        return buf;
    }
    sb_printf(&ex, "%s of %d measured indicator%s",
              r->combined == RULES_COMBINE_MIX && !r->has_value ? "timeliness" : "mean", r->n_measured,
              r->n_measured == 1 ? "" : "s");
    if (m->unmeasured == RULES_UNMEASURED_ZERO && r->n_indicators > r->n_measured + r->n_not_assessable)
        sb_puts(&ex, " (those not measured count 0)");
    sb_puts(&ex, " = ");
    sb_dec(&ex, r->score);
    return buf;
}
