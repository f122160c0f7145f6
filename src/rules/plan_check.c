/* plan_check.c — the plan checker: references, weights, phases, dates, rules and
 * codes of a whole plan, as findings a programming office can act on. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define HUNDRED (100 * (int64_t)RULES_DECIMAL_SCALE)
#define MAX_ITEMS 1000000

static int64_t clamp100(int64_t u)
{
    return u < 0 ? 0 : u > HUNDRED ? HUNDRED : u;
}

static size_t pow2_at_least(size_t n)
{
    size_t p = 16;
    while (p < n)
        p <<= 1;
    return p;
}

static size_t max3(size_t a, size_t b, size_t c)
{
    size_t m = a > b ? a : b;
    return m > c ? m : c;
}

size_t rules_plan_check_scratch(const rules_plan *plan)
{
    size_t o = plan->n_objectives > 0 ? (size_t)plan->n_objectives : 0;
    size_t a = plan->n_assignees > 0 ? (size_t)plan->n_assignees : 0;
    size_t i = plan->n_indicators > 0 ? (size_t)plan->n_indicators : 0;
    return 2 * a + 4 * o + pow2_at_least(2 * max3(o, a, i));
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Reports duplicate codes among n items whose code is code_at(i). */
static void check_duplicates(findings *f, const char *what, int n, const char *(*code_at)(const rules_plan *, int),
                             const rules_plan *plan, int64_t *table, size_t size)
{
    memset(table, 0, size * sizeof *table);
    for (int i = 0; i < n; i++) {
        const char *c = code_at(plan, i);
        if (!c || !*c)
            continue;
        size_t h = fnv1a(c) & (size_t)(size - 1);
        for (;;) {
            if (table[h] == 0) {
                table[h] = i + 1;
                break;
            }
            int j = (int)table[h] - 1;
            if (strcmp(code_at(plan, j), c) == 0) {
                char path[64], q[48];
                clip_input(q, sizeof q, c);
                pfmt(path, sizeof path, "%s[%d].code", what, i);
                fnd_add(f, RULES_SEVERITY_ERROR, "duplicate_code", path,
                        "code \"%s\" is already used by %s[%d]", q, what, j);
                break;
            }
            h = (h + 1) & (size - 1);
        }
    }
}

static const char *obj_code(const rules_plan *p, int i)
{
    return p->objectives[i].code;
}
static const char *ind_code(const rules_plan *p, int i)
{
    return p->indicators[i].code;
}
static const char *asg_code(const rules_plan *p, int i)
{
    return p->assignees[i].code;
}

static void check_year(findings *f, const rules_plan *plan, rules_date d, const char *path)
{
    if (plan->year_from <= 0 || plan->year_to <= 0)
        return;
    if (d.year < plan->year_from || d.year > plan->year_to) {
        char ds[11];
        rules_date_format_iso(d, ds);
        if (plan->year_from == plan->year_to)
            fnd_add(f, RULES_SEVERITY_WARNING, "deadline_outside_plan", path,
                    "%s is outside the plan's year %d", ds, plan->year_from);
        else
            fnd_add(f, RULES_SEVERITY_WARNING, "deadline_outside_plan", path,
                    "%s is outside the plan's years %d-%d", ds, plan->year_from, plan->year_to);
    }
}

static void check_rule_dates(findings *f, const rules_plan *plan, const rules_rule *r,
                             const char *path, int depth)
{
    char p2[160];
    if (!r || depth > RULES_MAX_NESTING)
        return;
    if (r->kind == RULES_KIND_DEADLINE && rules_date_valid(r->deadline.due)) {
        pfmt(p2, sizeof p2, "%s.due", path);
        check_year(f, plan, r->deadline.due, p2);
    } else if (r->kind == RULES_KIND_FORMULA) {
        pfmt(p2, sizeof p2, "%s.then", path);
        check_rule_dates(f, plan, r->formula.then, p2, depth + 1);
    } else if (r->kind == RULES_KIND_ALL_TARGETS) {
        for (int i = 0; i < r->all_targets.count && i < RULES_MAX_PARTS; i++) {
            pfmt(p2, sizeof p2, "%s.parts[%d]", path, i);
            check_rule_dates(f, plan, r->all_targets.part[i], p2, depth + 1);
        }
    }
}

int rules_plan_check(const rules_plan *plan, rules_finding *out, size_t cap, size_t *n_found,
                     int64_t *scratch, size_t scratch_len)
{
    findings f = {out, cap, 0, 0};
    char path[96], vs[32], ws[32];
    int no = plan->n_objectives, na = plan->n_assignees;
    size_t need = rules_plan_check_scratch(plan);
    int refs_ok = 1;

    if (n_found)
        *n_found = 0;
    if (!scratch || scratch_len < need || no < 0 || na < 0 || plan->n_indicators < 0 ||
        plan->n_phases < 0 || plan->n_assignments < 0 || no > MAX_ITEMS || na > MAX_ITEMS ||
        plan->n_indicators > MAX_ITEMS || plan->n_phases > MAX_ITEMS ||
        plan->n_assignments > MAX_ITEMS)
        return -1;
    int64_t *a_w = scratch;              /* per assignee: Σ weights */
    int64_t *a_pay = a_w + na;           /* per assignee: Σ weights of payment objectives */
    int64_t *o_pw = a_pay + na;          /* per objective: Σ phase weights */
    int64_t *o_np = o_pw + no;           /* per objective: weighted phases, phases, indicators */
    int64_t *o_run = o_np + no;          /* per objective: running cumulative */
    int64_t *o_cnt = o_run + no;         /* per objective: phases + indicators */
    int64_t *table = o_cnt + no;
    size_t table_size = need - (size_t)(table - scratch);
    memset(scratch, 0, (size_t)(table - scratch) * sizeof *scratch);

    /* references */
    for (int i = 0; i < no; i++) {
        int p = plan->objectives[i].parent;
        if (p < -1 || p >= no) {
            pfmt(path, sizeof path, "objectives[%d].parent", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "parent %d is not an objective of the plan", p);
            refs_ok = 0;
        }
    }
    for (int k = 0; k < plan->n_indicators; k++) {
        int o = plan->indicators[k].objective;
        if (o < 0 || o >= no) {
            pfmt(path, sizeof path, "indicators[%d].objective", k);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "objective %d is not in the plan", o);
            refs_ok = 0;
        }
    }
    for (int j = 0; j < plan->n_phases; j++) {
        const rules_phase *ph = &plan->phases[j];
        if (ph->objective < 0 || ph->objective >= no) {
            pfmt(path, sizeof path, "phases[%d].objective", j);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "objective %d is not in the plan", ph->objective);
            refs_ok = 0;
        }
        for (int q = 0; ph->owners && q < ph->n_owners; q++)
            if (ph->owners[q] < 0 || ph->owners[q] >= na) {
                pfmt(path, sizeof path, "phases[%d].owners[%d]", j, q);
                fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                        "assignee %d is not in the plan", ph->owners[q]);
            }
    }
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        if (x->objective < 0 || x->objective >= no || x->assignee < 0 || x->assignee >= na) {
            pfmt(path, sizeof path, "assignments[%d]", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "refers to a missing objective or assignee");
            refs_ok = 0;
        }
    }
    if (!refs_ok)
        goto done;

    /* assignee weights and the payment-timeliness share */
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        int64_t w = x->weight.units;
        if (w < 0 || w > HUNDRED) {
            pfmt(path, sizeof path, "assignments[%d].weight", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "weight_out_of_range", path,
                    "weight %s is outside 0..100", rules_decimal_format_short(x->weight, vs));
            w = clamp100(w);
        }
        a_w[x->assignee] += w;
        if (plan->objectives[x->objective].payment_timeliness)
            a_pay[x->assignee] += w;
    }
    for (int a = 0; a < na; a++) {
        const char *code = plan->assignees[a].code;
        char q[48];
        clip_input(q, sizeof q, code ? code : "");
        pfmt(path, sizeof path, "assignees[%d]", a);
        if (a_w[a] != 0 && a_w[a] != HUNDRED)
            fnd_add(&f, RULES_SEVERITY_ERROR, "assignee_weights_not_100", path,
                    "the objective weights of %s%s%stotal %s, not 100", q[0] ? "\"" : "", q,
                    q[0] ? "\" " : "", rules_decimal_format_short((rules_decimal){a_w[a]}, vs));
        if (plan->assignees[a].is_manager && a_w[a] > 0 && a_pay[a] * 10 < a_w[a] * 3)
            fnd_add(&f, RULES_SEVERITY_ERROR, "payment_timeliness_below_30", path,
                    "payment-timeliness objectives weigh %s of %s for %s%s%s: DL 13/2023 art. "
                    "4-bis requires at least 30%%",
                    rules_decimal_format_short((rules_decimal){a_pay[a]}, vs),
                    rules_decimal_format_short((rules_decimal){a_w[a]}, ws), q[0] ? "\"" : "", q[0] ? q : "this manager",
                    q[0] ? "\"" : "");
    }

    /* phases: weights, cumulative values, dates */
    for (int j = 0; j < plan->n_phases; j++) {
        const rules_phase *ph = &plan->phases[j];
        int o = ph->objective;
        o_cnt[o]++;
        if (ph->has_weight) {
            int64_t w = ph->weight.units;
            if (w < 0 || w > HUNDRED) {
                pfmt(path, sizeof path, "phases[%d].weight", j);
                fnd_add(&f, RULES_SEVERITY_ERROR, "weight_out_of_range", path,
                        "weight %s is outside 0..100", rules_decimal_format_short(ph->weight, vs));
            }
            o_pw[o] += clamp100(w);
            o_np[o]++;
            o_run[o] += clamp100(w);
        }
        if (ph->has_cumulative && ph->cumulative.units != o_run[o]) {
            pfmt(path, sizeof path, "phases[%d].cumulative", j);
            fnd_add(&f, RULES_SEVERITY_ERROR, "phase_cumulative_mismatch", path,
                    "cumulative value %s does not follow from the weights: the phases up to this "
                    "one weigh %s",
                    rules_decimal_format_short(ph->cumulative, vs),
                    rules_decimal_format_short((rules_decimal){o_run[o]}, ws));
        }
        if (ph->has_deadline) {
            pfmt(path, sizeof path, "phases[%d].deadline", j);
            if (!rules_date_valid(ph->deadline))
                fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_date", path, "the deadline is not a date");
            else
                check_year(&f, plan, ph->deadline, path);
        }
        if (ph->completed && !rules_date_valid(ph->completed_on)) {
            pfmt(path, sizeof path, "phases[%d].completed_on", j);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_date", path, "the completion date is not a date");
        }
    }
    for (int i = 0; i < no; i++) {
        if (o_np[i] > 0 && o_pw[i] != HUNDRED) {
            pfmt(path, sizeof path, "objectives[%d].phases", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "phase_weights_not_100", path,
                    "the phase weights total %s, not 100",
                    rules_decimal_format_short((rules_decimal){o_pw[i]}, vs));
        }
    }

    /* indicators: rules and their checks */
    for (int k = 0; k < plan->n_indicators; k++) {
        const rules_indicator *ind = &plan->indicators[k];
        o_cnt[ind->objective]++;
        if (!ind->rule) {
            pfmt(path, sizeof path, "indicators[%d].rule", k);
            fnd_add(&f, RULES_SEVERITY_ERROR, "indicator_without_rule", path,
                    "the indicator has no target or scoring rule");
            continue;
        }
        pfmt(path, sizeof path, "indicators[%d].rule", k);
        size_t n = 0;
        int errs = rules_check(ind->rule, path, f.out && f.count < f.cap ? f.out + f.count : NULL,
                               f.out && f.count < f.cap ? f.cap - f.count : 0, &n);
        f.count += n;
        f.errors += errs;
        check_rule_dates(&f, plan, ind->rule, path, 1);
    }
    for (int i = 0; i < no; i++) {
        if (o_cnt[i] == 0) {
            pfmt(path, sizeof path, "objectives[%d]", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "objective_without_measure", path,
                    "the objective has no indicator and no phase: it cannot be measured");
        }
    }

    /* cascade cycles: walk up from each objective at most no steps; report a
     * cycle once, at its smallest index */
    for (int i = 0; i < no; i++) {
        int p = plan->objectives[i].parent, steps = 0;
        while (p >= 0 && p != i && steps < no) {
            p = plan->objectives[p].parent;
            steps++;
        }
        if (p != i)
            continue;
        int min = i;
        for (p = plan->objectives[i].parent; p != i; p = plan->objectives[p].parent)
            if (p < min)
                min = p;
        if (min != i)
            continue;
        pfmt(path, sizeof path, "objectives[%d].parent", i);
        fnd_add(&f, RULES_SEVERITY_ERROR, "objective_cycle", path,
                "the objective cascade loops back to objectives[%d] after %d step%s", i, steps + 1,
                steps ? "s" : "");
    }

    /* duplicate codes */
    check_duplicates(&f, "objectives", no, obj_code, plan, table, table_size);
    check_duplicates(&f, "indicators", plan->n_indicators, ind_code, plan, table, table_size);
    check_duplicates(&f, "assignees", na, asg_code, plan, table, table_size);

done:
    if (n_found)
        *n_found = f.count;
    return f.errors;
}
