/* rules_bench.c — scores a synthetic plan of 5,000 objectives × (4 indicators +
 * 3 phases) with 500 assignees, and prints evaluations per second and the time
 * of one whole-plan score against the 5 ms target (one core). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules.h"

#define NOBJ 5000
#define NIND (NOBJ * 4)
#define NPH (NOBJ * 3)
#define NASG 500
#define RUNS 200

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static rules_decimal dec(long long whole, int hundredths)
{
    rules_decimal d = {whole * RULES_DECIMAL_SCALE + hundredths * 100};
    return d;
}

static rules_band band(int has_min, long long min, int has_max, long long max, int score)
{
    rules_band b;
    memset(&b, 0, sizeof b);
    b.has_min = (unsigned char)has_min;
    b.min = dec(min, 0);
    b.has_max = (unsigned char)has_max;
    b.max = dec(max, 0);
    b.score = dec(score, 0);
    return b;
}

static unsigned seed = 12345;

static long long RND(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) & 0xFFFF;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    static rules_objective obj[NOBJ];
    static rules_indicator ind[NIND];
    static rules_value val[NIND];
    static rules_phase ph[NPH];
    static rules_assignee asg[NASG];
    static rules_assignment as[NOBJ];
    static rules_objective_result res[NOBJ];
    static rules_assignee_result ares[NASG];
    static char codes[NOBJ + NIND][16];
    rules_rule money, days, linear, boolean, formula, deadline;
    rules_error err;

    /* seed 000 row 1: money bands */
    rules_rule_init(&money, RULES_KIND_BANDS);
    rules_bands_add(&money.bands, band(1, 1000000, 0, 0, 100));
    rules_bands_add(&money.bands, band(1, 900000, 1, 1000000, 90));
    rules_bands_add(&money.bands, band(1, 800000, 1, 900000, 80));
    rules_bands_add(&money.bands, band(1, 650000, 1, 800000, 50));
    rules_bands_add(&money.bands, band(0, 0, 1, 650000, 0));
    /* seed 000 row 42: days, lower is better */
    rules_rule_init(&days, RULES_KIND_BANDS);
    rules_bands_add(&days.bands, band(0, 0, 1, 15, 100));
    rules_bands_add(&days.bands, band(1, 15, 1, 18, 80));
    rules_bands_add(&days.bands, band(1, 18, 1, 21, 60));
    rules_bands_add(&days.bands, band(1, 21, 1, 24, 30));
    rules_bands_add(&days.bands, band(1, 24, 0, 0, 0));
    for (int i = 0; i < days.bands.count; i++) {
        days.bands.band[i].max_inclusive = days.bands.band[i].has_max;
        days.bands.band[i].min_exclusive = days.bands.band[i].has_min;
    }
    rules_rule_init(&linear, RULES_KIND_LINEAR);
    linear.linear.target = dec(60, 0);
    rules_rule_init(&boolean, RULES_KIND_BOOLEAN);
    rules_rule_init(&deadline, RULES_KIND_DEADLINE);
    deadline.deadline.due = (rules_date){2024, 6, 30};
    rules_rule_init(&formula, RULES_KIND_FORMULA);
    strcpy(formula.formula.expr, "(assigned - lost) / assigned * 100");
    formula.formula.then = &days;

    for (int i = 0; i < NOBJ; i++) {
        snprintf(codes[i], sizeof codes[i], "OB-%05d", i);
        obj[i] = (rules_objective){
            .code = codes[i], .parent = i % 10 == 0 ? -1 : i - i % 10, .payment_timeliness = i % 10 == 3};
        /* ten objectives per assignee: 30 (payments) + 14 + 8 × 7 = 100 */
        as[i] = (rules_assignment){i, i / 10, dec(i % 10 == 3 ? 30 : i % 10 == 0 ? 14 : 7, 0)};
    }
    for (int a = 0; a < NASG; a++) {
        asg[a].code = NULL;
        asg[a].is_manager = 1;
    }
    int formulas = 0;
    for (int k = 0; k < NIND; k++) {
        int o = k / 4;
        snprintf(codes[NOBJ + k], sizeof codes[0], "IND-%05d", k);
        ind[k].code = codes[NOBJ + k];
        ind[k].objective = o;
        ind[k].weight = dec(25, 0);
        ind[k].state = RULES_MEASURED;
        ind[k].value = &val[k];
        memset(&val[k], 0, sizeof val[k]);
        switch (k % 4) {
        case 0:
            ind[k].rule = &money;
            val[k] = rules_value_number(dec(500000 + RND() * 10, RND() % 100));
            break;
        case 1:
            ind[k].rule = &days;
            val[k] = rules_value_number(dec(10 + RND() % 20, RND() % 100));
            break;
        case 2:
            ind[k].rule = o % 2 ? &linear : &boolean;
            val[k] = o % 2 ? rules_value_number(dec(RND() % 80, 0)) : rules_value_bool(RND() & 1);
            break;
        default:
            if (o % 10 == 0) { /* one objective in ten has a formula indicator */
                ind[k].rule = &formula;
                val[k].kind = RULES_VALUE_INPUTS;
                val[k].n_inputs = 2;
                strcpy(val[k].inputs[0].name, "assigned");
                val[k].inputs[0].value = dec(80 + RND() % 20, 0);
                strcpy(val[k].inputs[1].name, "lost");
                val[k].inputs[1].value = dec(RND() % 10, 0);
                formulas++;
            } else {
                ind[k].rule = &deadline;
                val[k] = rules_value_date((rules_date){2024, 6, (int)(1 + RND() % 30)});
            }
            break;
        }
        if (k % 97 == 5)
            ind[k].state = RULES_NOT_MEASURED;
        if (k % 211 == 7)
            ind[k].state = RULES_NOT_ASSESSABLE;
    }
    for (int j = 0; j < NPH; j++) {
        memset(&ph[j], 0, sizeof ph[j]);
        ph[j].objective = j / 3;
        ph[j].has_weight = ph[j].has_cumulative = ph[j].has_deadline = 1;
        ph[j].weight = dec(j % 3 == 2 ? 40 : 30, 0);
        ph[j].cumulative = dec(j % 3 == 0 ? 30 : j % 3 == 1 ? 60 : 100, 0);
        ph[j].deadline = (rules_date){2024, 4 * (j % 3) + 3, 30};
        ph[j].percent_complete = dec(RND() % 101, 0);
        if (RND() % 2) {
            ph[j].completed = 1;
            ph[j].completed_on = (rules_date){2024, 4 * (j % 3) + 3, (int)(1 + RND() % 30)};
        }
    }
    rules_plan plan = {2024, 2024, obj, NOBJ, asg, NASG, as, NOBJ, ph, NPH, ind, NIND, NULL, NULL};

    /* warm up and sanity */
    if (rules_plan_score(&plan, (rules_date){2024, 12, 31}, res, ares, &err) < 0) {
        fprintf(stderr, "score: %s\n", err.message);
        return 1;
    }
    int measured = 0, errors = 0;
    for (int i = 0; i < NOBJ; i++) {
        measured += res[i].status == RULES_SCORE_MEASURED;
        errors += res[i].status == RULES_SCORE_ERROR;
    }
    if (errors) {
        fprintf(stderr, "%d objectives failed to score\n", errors);
        return 1;
    }

    static double t[RUNS];
    double sink = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        rules_plan_score(&plan, (rules_date){2024, 12, 31}, res, ares, &err);
        t[r] = now() - t0;
        sink += (double)ares[r % NASG].score.units;
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    double median = t[RUNS / 2], best = t[0];

    /* single evaluations with explanations, for reference */
    char ex[RULES_EXPLANATION_MAX];
    rules_decimal s;
    double t0 = now();
    int evals = 0;
    for (int r = 0; r < 10; r++)
        for (int k = 0; k < NIND; k++)
            if (ind[k].state == RULES_MEASURED) {
                rules_evaluate(ind[k].rule, ind[k].value, &s, ex, sizeof ex, NULL);
                evals++;
            }
    double tex = now() - t0;

    /* plan checks */
    size_t need = rules_plan_check_scratch(&plan), nf;
    int64_t *scratch = malloc(need * sizeof *scratch);
    rules_finding f[64];
    t0 = now();
    int cerr = rules_plan_check(&plan, f, 64, &nf, scratch, need);
    double tc = now() - t0;
    free(scratch);

    int n_measured_ind = 0;
    for (int k = 0; k < NIND; k++)
        n_measured_ind += ind[k].state == RULES_MEASURED;
    printf("plan: %d objectives, %d indicators (%d measured, %d formulas), %d phases, %d assignees\n", NOBJ, NIND,
           n_measured_ind, formulas, NPH, NASG);
    printf("objectives measured: %d; plan check: %zu findings (%d errors) in %.2f ms\n", measured, nf, cerr, tc * 1e3);
    printf("evaluations with explanation: %.0f per second\n", evals / tex);
    printf("whole-plan score: median %.3f ms, best %.3f ms over %d runs (sink %.0f)\n", median * 1e3, best * 1e3, RUNS,
           sink > 0 ? 1.0 : 0.0);
    printf("evaluations per second (whole-plan scoring): %.0f\n", n_measured_ind / median);
    printf("median %.3f ms vs 5 ms target: ratio %.2f (%s)\n", median * 1e3, median / 5e-3,
           median < 5e-3 ? "PASS" : "FAIL");
    return median < 5e-3 ? 0 : 1;
}
