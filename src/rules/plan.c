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
    IFIRST, ILAST, PFIRST, PLAST,
    NPH  /* phases counted */
};

static int64_t clamp100(int64_t u)
{
    return u < 0 ? 0 : u > HUNDRED ? HUNDRED : u;
}

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
    o->internal_[IFIRST] = o->internal_[PFIRST] = -1;
}

static void acc_indicator(rules_objective_result *o, const rules_indicator *ind, int k,
                          rules_error *err)
{
    int64_t *a = o->internal_;
    if (a[IFIRST] < 0)
        a[IFIRST] = k;
    a[ILAST] = k;
    o->n_indicators++;
    if (ind->state == RULES_NOT_ASSESSABLE) {
        o->n_not_assessable++;
        return;
    }
    if (ind->state != RULES_MEASURED || o->status == RULES_SCORE_ERROR)
        return;
    rules_decimal s;
    if (!ind->rule || !ind->value) {
        o->status = RULES_SCORE_ERROR;
        o->error_indicator = k;
        rerr_set(err, NULL, NULL, "indicator %d has %s", k, ind->rule ? "no value" : "no rule");
        return;
    }
    if (rules_evaluate(ind->rule, ind->value, &s, NULL, 0, err) < 0) {
        o->status = RULES_SCORE_ERROR;
        o->error_indicator = k;
        return;
    }
    int64_t w = clamp100(ind->weight.units);
    o->n_measured++;
    a[IW] += w;
    a[IWS] += w * s.units;
    a[IS] += s.units;
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
    int done = ph->completed && rules_date_valid(ph->completed_on) &&
               rules_date_compare(ph->completed_on, as_of) <= 0;
    int64_t pct = done ? HUNDRED : clamp100(ph->percent_complete.units);
    int64_t w = clamp100(ph->weight.units);
    if (ph->has_weight) {
        a[PW] += w;
        a[PWP] += w * pct;
    } else {
        a[PN]++;
        a[PNP] += pct;
    }
    if (ph->has_deadline && rules_date_valid(ph->deadline) &&
        rules_date_compare(ph->deadline, as_of) <= 0) {
        int on_time = done && rules_date_compare(ph->completed_on, ph->deadline) <= 0;
        if (ph->has_weight) {
            a[DW] += w;
            a[OW] += on_time ? w : 0;
        } else {
            a[DN]++;
            a[ON] += on_time;
        }
    }
}

static void finish(rules_objective_result *o)
{
    const int64_t *a = o->internal_;
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
    if (o->status == RULES_SCORE_ERROR)
        return;
    if (o->n_measured > 0) {
        o->status = RULES_SCORE_MEASURED;
        o->score.units = a[IW] > 0 ? rdiv(a[IWS], a[IW]) : rdiv(a[IS], o->n_measured);
        o->score = rules_decimal_round(o->score, 2);
    } else if (o->n_indicators == 0 && o->has_achievement) {
        o->status = RULES_SCORE_MEASURED;
        o->from_phases = 1;
        o->score = o->achievement;
    } else {
        o->status = RULES_SCORE_NOT_MEASURED;
    }
}

/* Scores objective `obj` over indicator range [i0, i1] and phase range [p0, p1]. */
static void score_range(const rules_plan *plan, int obj, int assignee, rules_date as_of, int i0,
                        int i1, int p0, int p1, rules_objective_result *out, rules_error *err)
{
    res_init(out);
    for (int k = i0; k >= 0 && k <= i1 && k < plan->n_indicators; k++)
        if (plan->indicators[k].objective == obj)
            acc_indicator(out, &plan->indicators[k], k, err);
    for (int j = p0; j >= 0 && j <= p1 && j < plan->n_phases; j++)
        if (plan->phases[j].objective == obj && owns(&plan->phases[j], assignee))
            acc_phase(out, &plan->phases[j], j, as_of);
    finish(out);
}

void rules_objective_score(const rules_plan *plan, int objective, int assignee, rules_date as_of,
                           rules_objective_result *out, rules_error *err)
{
    score_range(plan, objective, assignee, as_of, 0, plan->n_indicators - 1, 0,
                plan->n_phases - 1, out, err);
}

static int bad_plan(const rules_plan *plan, rules_error *err)
{
    if (plan->n_objectives < 0 || plan->n_objectives > MAX_ITEMS || plan->n_indicators < 0 ||
        plan->n_indicators > MAX_ITEMS || plan->n_phases < 0 || plan->n_phases > MAX_ITEMS ||
        plan->n_assignments < 0 || plan->n_assignments > MAX_ITEMS || plan->n_assignees < 0 ||
        plan->n_assignees > MAX_ITEMS) {
        rerr_set(err, NULL, "split the plan", "plan too large: at most %d items of each kind",
                 MAX_ITEMS);
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

int rules_plan_score(const rules_plan *plan, rules_date as_of, rules_objective_result *objectives,
                     rules_assignee_result *assignees, rules_error *err)
{
    if (bad_plan(plan, err))
        return -1;
    for (int i = 0; i < plan->n_objectives; i++)
        res_init(&objectives[i]);
    for (int k = 0; k < plan->n_indicators; k++)
        acc_indicator(&objectives[plan->indicators[k].objective], &plan->indicators[k], k, NULL);
    for (int j = 0; j < plan->n_phases; j++)
        acc_phase(&objectives[plan->phases[j].objective], &plan->phases[j], j, as_of);
    for (int i = 0; i < plan->n_objectives; i++)
        finish(&objectives[i]);
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
            o = &own;
        }
        int64_t w = clamp100(x->weight.units);
        r->n_objectives++;
        r->weight_total.units += w;
        if (o->status == RULES_SCORE_MEASURED) {
            r->weight_measured.units += w;
            r->internal_[0] += w * o->score.units;
            r->internal_[1]++;
        } else if (o->status == RULES_SCORE_ERROR) {
            r->n_errors++;
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
        r->score.units = r->weight_measured.units > 0
                             ? rdiv(r->internal_[0], r->weight_measured.units)
                             : 0;
        r->score = rules_decimal_round(r->score, 2);
    }
    return 0;
}

int rules_assignee_not_measured(const rules_plan *plan, const rules_objective_result *objectives,
                                int assignee, int *out, int cap)
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
