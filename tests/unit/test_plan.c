/* test_plan.c — achievement, timeliness, objective and assignee scores, and plan checks
 * on the phase tables of seed 001 (Città di Tortona, Piano della Performance 2024). */
#include <string.h>

#include "suites.h"

/* Servizio Segreteria, Programmazione e Controllo Strategico: its seven objectives. */
enum { PTPCT, PNRR, SYLLABUS, PAYMENTS, QUALITY, SOCIAL, SOFTWARE, NOBJ };

static rules_objective O[NOBJ + 2];
static rules_assignee A[3];
static rules_assignment AS[NOBJ + 4];
static rules_phase P[32];
static rules_indicator I[8];
static rules_rule RULE_AT_LEAST_40, RULE_LESS_THAN_5, RULE_ITP, RULE_AT_LEAST_10;
static rules_value V[8];
static rules_plan PLAN;
static int64_t SCRATCH[4096];
static rules_finding F[64];
static size_t NF;
static const int OWN_FIN[1] = {1};

static rules_date DT(const char *it)
{
    rules_date d;
    rules_error e;
    if (rules_date_parse_it(it, 2024, &d, &e) < 0) {
        /* seed 001's "31.06.2024" stays as written: the checker reports it */
        ck_assert_str_eq(it, "31.06.2024");
        ck_assert_str_eq(e.message, "31.06.2024 is not a date: June has 30 days");
        return (rules_date){2024, 6, 31};
    }
    return d;
}

static void phase(int obj, const char *deadline, const char *weight, const char *cumulative)
{
    rules_phase *p = &P[PLAN.n_phases++];
    memset(p, 0, sizeof *p);
    p->objective = obj;
    p->has_deadline = 1;
    p->deadline = DT(deadline);
    if (weight) {
        p->has_weight = 1;
        p->weight = IT(weight);
    }
    if (cumulative) {
        p->has_cumulative = 1;
        p->cumulative = IT(cumulative);
    }
}

static void indicator(const char *code, int obj, const char *weight, const rules_rule *r)
{
    rules_indicator *x = &I[PLAN.n_indicators++];
    memset(x, 0, sizeof *x);
    x->code = code;
    x->objective = obj;
    x->weight = IT(weight);
    x->rule = r;
}

static void measure(int k, rules_value v)
{
    V[k] = v;
    I[k].state = RULES_MEASURED;
    I[k].value = &V[k];
}

static void at_least(rules_rule *r, const char *n)
{
    rules_rule_init(r, RULES_KIND_BANDS);
    r->bands.integer = 1;
    rules_bands_add(&r->bands, B(n, 0, NULL, 0, "100"));
    rules_bands_add(&r->bands, B(NULL, 0, n, 0, "0"));
}

static void setup(void)
{
    static const char *codes[NOBJ] = {"PTPCT",    "PNRR",   "SYLLABUS",      "TEMPI-PAGAMENTO",
                                      "CUSTOMER", "SOCIAL", "SW-PERFORMANCE"};
    static const char *weights[NOBJ] = {"5%", "5%", "5%", "30%", "10%", "20%", "25%"};
    memset(&PLAN, 0, sizeof PLAN);
    memset(O, 0, sizeof O);
    for (int i = 0; i < NOBJ; i++) {
        O[i].code = codes[i];
        O[i].parent = -1;
        AS[i].objective = i;
        AS[i].assignee = 0;
        AS[i].weight = IT(weights[i]);
    }
    O[PAYMENTS].payment_timeliness = 1;
    A[0] = (rules_assignee){"S.S.P.C.", 1};
    A[1] = (rules_assignee){"FIN.", 1};
    A[2] = (rules_assignee){"LL.PP.", 0};

    /* FASI PRINCIPALI — DATA ULTIMAZIONE FASE — PESO FASE — VALORE OBIETTIVO */
    phase(PTPCT, "31.06.2024", "50%", "50%");
    phase(PTPCT, "31.12.2024", "50%", "100%");
    phase(PNRR, "15.04.2024", NULL, NULL); /* S.E. phases carry no weight */
    phase(PNRR, "15.04.2024", NULL, NULL);
    phase(PNRR, "30.04.2024", "50%", "50%");
    phase(PNRR, "30.04.2024", "50%", "100%");
    phase(PNRR, "30.06.2024", NULL, NULL);
    phase(SYLLABUS, "30.04.2024", "20%", "20%");
    phase(SYLLABUS, "30.12.2024", "60%", "80%");
    phase(SYLLABUS, "31.12.2024", "20%", "100%");
    phase(PAYMENTS, "31.12.2024", "50%", "50%");
    phase(PAYMENTS, "31.12.2024", "50%", "100%");
    phase(PAYMENTS, "31.12.2024", NULL, NULL); /* FIN. only */
    P[PLAN.n_phases - 1].owners = OWN_FIN;
    P[PLAN.n_phases - 1].n_owners = 1;
    phase(QUALITY, "31.07.2024", "30%", "30%");
    phase(QUALITY, "31.10.2024", "30%", "60%");
    phase(QUALITY, "31.12.2024", "40%", "100%");
    phase(SOCIAL, "31.12.2024", "50%", "50%");
    phase(SOCIAL, "31.12.2024", "50%", "100%");
    phase(SOFTWARE, "30.04.2024", "20%", "20%");
    phase(SOFTWARE, "30.06.2024", "40%", "60%");
    phase(SOFTWARE, "30.07.2024", "20%", "80%");
    phase(SOFTWARE, "31.10.2024", "20%", "100%");

    /* INDICATORI DI RISULTATO */
    at_least(&RULE_AT_LEAST_40, "40");
    rules_rule_init(&RULE_LESS_THAN_5, RULES_KIND_BANDS); /* "N. criticità rilevate < 5" */
    RULE_LESS_THAN_5.bands.integer = 1;
    rules_bands_add(&RULE_LESS_THAN_5.bands, B(NULL, 0, "5", 0, "100"));
    rules_bands_add(&RULE_LESS_THAN_5.bands, B("5", 0, NULL, 0, "0"));
    rules_rule_init(&RULE_ITP, RULES_KIND_BANDS); /* "Ritardo di pagamento =< 0" */
    rules_bands_add(&RULE_ITP.bands, B(NULL, 0, "0", 1, "100"));
    rules_bands_add(&RULE_ITP.bands, B("0", 1, NULL, 0, "0"));
    at_least(&RULE_AT_LEAST_10, "10");
    indicator("ITP", PAYMENTS, "100", &RULE_ITP);
    indicator("QUESTIONARI", QUALITY, "50", &RULE_AT_LEAST_40);
    indicator("CRITICITA", QUALITY, "50", &RULE_LESS_THAN_5);
    indicator("FACEBOOK", SOCIAL, "50", &RULE_AT_LEAST_10);
    indicator("INSTAGRAM", SOCIAL, "50", &RULE_AT_LEAST_40);

    PLAN.year_from = PLAN.year_to = 2024;
    PLAN.objectives = O;
    PLAN.n_objectives = NOBJ;
    PLAN.assignees = A;
    PLAN.n_assignees = 2; /* FIN. owns a phase; it carries no objective here */
    PLAN.assignments = AS;
    PLAN.n_assignments = NOBJ;
    PLAN.phases = P;
    PLAN.indicators = I;
}

static int check(void)
{
    size_t need = rules_plan_check_scratch(&PLAN);
    ck_assert_uint_le(need, sizeof SCRATCH / sizeof SCRATCH[0]);
    return rules_plan_check(&PLAN, F, 64, &NF, SCRATCH, need);
}

START_TEST(seed001_as_written)
{
    setup();
    /* 5+5+5+30+10+20+25 = 100, payments 30%: the only error is 31.06.2024; the S.E. phases
     * without weight beside weighted ones are warnings */
    ck_assert_int_eq(check(), 1);
    ck_assert_uint_eq(NF, 5);
    ck_assert_str_eq(F[0].code, "invalid_date");
    ck_assert_str_eq(F[0].path, "phases[0].deadline");
    ck_assert_str_eq(F[0].message, "the deadline of a phase of objective PTPCT is not a date");
    ck_assert(has_finding(F, NF, "phase_without_weight", "phases[2].weight"));
    ck_assert(has_finding(F, NF, "phase_without_weight", "phases[12].weight"));
    ck_assert_int_eq(F[1].severity, RULES_SEVERITY_WARNING);
}
END_TEST

START_TEST(seed001_cumulative_mismatch)
{
    setup();
    P[0].deadline = (rules_date){2024, 6, 30};
    P[8].cumulative = IT("70%");  /* Syllabus: 20 + 60 is 80 */
    ck_assert_int_eq(check(), 0); /* scorable: a warning */
    ck_assert(has_finding(F, NF, "phase_cumulative_mismatch", "phases[8].cumulative"));
    for (size_t i = 0; i < NF; i++)
        if (strcmp(F[i].code, "phase_cumulative_mismatch") == 0)
            ck_assert_str_eq(F[i].message,
                             "the cumulative value of a phase of objective SYLLABUS, 70, does not follow "
                             "from the weights: the phases up to it weigh 80");
    P[8].cumulative = IT("80%");
    P[9].weight = IT("30%"); /* 20 + 60 + 30 = 110 */
    ck_assert_int_eq(check(), 0);
    ck_assert(has_finding(F, NF, "phase_weights_not_100", "objectives[2].phases"));
    ck_assert(has_finding(F, NF, "phase_cumulative_mismatch", "phases[9].cumulative"));
}
END_TEST

START_TEST(weights_and_payment_share)
{
    setup();
    P[0].deadline = (rules_date){2024, 6, 30};
    AS[PAYMENTS].weight = IT("20");
    AS[SOFTWARE].weight = IT("35"); /* still 100 in total, payments 20% */
    ck_assert_int_eq(check(), 0);
    ck_assert_str_eq(F[0].code, "payment_timeliness_below_30");
    ck_assert_str_eq(F[0].path, "assignments[3].weight"); /* the payment objective's weight */
    ck_assert_int_eq(F[0].severity, RULES_SEVERITY_WARNING);
    ck_assert_str_eq(
        F[0].message,
        "payment-timeliness objectives weigh 20 of 100 for S.S.P.C.: DL 13/2023 art. 4-bis requires at least 30%");
    A[0].is_manager = 0; /* a structure, not a manager: the share does not apply */
    check();
    ck_assert(!has_finding(F, NF, "payment_timeliness_below_30", ""));
    AS[SOFTWARE].weight = IT("40");
    ck_assert_int_eq(check(), 0);
    ck_assert_str_eq(F[0].code, "assignee_weights_not_100");
    ck_assert_str_eq(F[0].message, "the objective weights of S.S.P.C. total 105, not 100");
}
END_TEST

START_TEST(structure_findings)
{
    rules_rule broken;
    setup();
    P[0].deadline = (rules_date){2025, 1, 31};                        /* outside 2024 */
    O[NOBJ] = (rules_objective){.code = "PTPCT", .parent = NOBJ + 1}; /* duplicate code, cycle with the next */
    O[NOBJ + 1] = (rules_objective){.code = "ORPHAN", .parent = NOBJ};
    PLAN.n_objectives = NOBJ + 2; /* neither has indicator nor phase */
    I[1].rule = NULL;
    I[2].code = "ITP";
    rules_rule_init(&broken, RULES_KIND_BANDS);
    rules_bands_add(&broken.bands, B("10", 0, "20", 0, "80"));
    rules_bands_add(&broken.bands, B("15", 0, NULL, 0, "100"));
    rules_bands_add(&broken.bands, B(NULL, 0, "10", 0, "0"));
    I[3].rule = &broken;
    check();
    ck_assert(has_finding(F, NF, "deadline_outside_plan", "phases[0].deadline"));
    ck_assert(has_finding(F, NF, "duplicate_code", "objectives[7].code"));
    ck_assert(has_finding(F, NF, "duplicate_code", "indicators[2].code"));
    ck_assert(has_finding(F, NF, "objective_cycle", "objectives[7].parent"));
    ck_assert(has_finding(F, NF, "indicator_without_target", "indicators[1].target"));
    ck_assert(has_finding(F, NF, "band_overlap", "indicators[3].rule.bands[1]"));
    int cycles = 0;
    for (size_t i = 0; i < NF; i++)
        cycles += strcmp(F[i].code, "objective_cycle") == 0;
    ck_assert_int_eq(cycles, 1);
    /* a bad index is reported, never followed */
    I[0].objective = 99;
    check();
    ck_assert(has_finding(F, NF, "invalid_reference", "indicators[0].objective"));
    ck_assert_int_eq(rules_plan_check(&PLAN, F, 64, &NF, SCRATCH, 1), -1);
    rules_objective_result r[NOBJ + 2];
    rules_error e;
    ck_assert_int_eq(rules_plan_score(&PLAN, (rules_date){2024, 12, 31}, r, NULL, &e), -1);
    ck_assert_str_eq(e.message, "indicators[0].objective is out of range");
}
END_TEST

START_TEST(achievement_and_timeliness)
{
    rules_objective_result r;
    setup();
    /* Syllabus: the list of employees done on 15.04 (due 30.04), training half done */
    P[7].completed = 1;
    P[7].completed_on = (rules_date){2024, 4, 15};
    P[8].percent_complete = IT("50");
    rules_objective_score(&PLAN, SYLLABUS, -1, (rules_date){2024, 12, 31}, &r, NULL);
    ck_assert_int_eq(r.status, RULES_SCORE_MEASURED);
    ck_assert_int_eq(r.from_phases, 1);
    ck_assert_str_eq(dfmt(r.achievement), "50"); /* 20×100% + 60×50% + 20×0% */
    ck_assert_str_eq(dfmt(r.score), "50");
    ck_assert_int_eq(r.has_timeliness, 1);
    ck_assert_str_eq(dfmt(r.timeliness), "20"); /* of 100 weight due, 20 on time */
    rules_objective_score(&PLAN, SYLLABUS, -1, (rules_date){2024, 6, 30}, &r, NULL);
    ck_assert_str_eq(dfmt(r.timeliness), "100"); /* only the first phase is due */
    rules_objective_score(&PLAN, SYLLABUS, -1, (rules_date){2024, 4, 1}, &r, NULL);
    ck_assert_int_eq(r.has_timeliness, 0);        /* nothing due yet */
    ck_assert_str_eq(dfmt(r.achievement), "30");  /* the completion is after the date: 0%, 50%, 0% */
    P[7].completed_on = (rules_date){2024, 5, 2}; /* late */
    rules_objective_score(&PLAN, SYLLABUS, -1, (rules_date){2024, 6, 30}, &r, NULL);
    ck_assert_str_eq(dfmt(r.timeliness), "0");
    /* PNRR: weighted phases count, the unweighted S.E. ones do not */
    P[4].completed = 1;
    P[4].completed_on = (rules_date){2024, 4, 30};
    rules_objective_score(&PLAN, PNRR, -1, (rules_date){2024, 12, 31}, &r, NULL);
    ck_assert_str_eq(dfmt(r.achievement), "50");
    ck_assert_str_eq(dfmt(r.timeliness), "50");
}
END_TEST

START_TEST(objective_scores_from_indicators)
{
    rules_objective_result r;
    rules_error e;
    setup();
    rules_objective_score(&PLAN, QUALITY, -1, (rules_date){2024, 12, 31}, &r, &e);
    ck_assert_int_eq(r.status, RULES_SCORE_NOT_MEASURED); /* phases do not stand in for indicators */
    measure(1, rules_value_number(D("45")));              /* questionari >= 40 → 100 */
    rules_objective_score(&PLAN, QUALITY, -1, (rules_date){2024, 12, 31}, &r, &e);
    ck_assert_int_eq(r.status, RULES_SCORE_MEASURED);
    ck_assert_str_eq(dfmt(r.score), "100"); /* the unmeasured one is not a zero */
    measure(2, rules_value_number(D("6"))); /* criticità < 5 → 0 */
    rules_objective_score(&PLAN, QUALITY, -1, (rules_date){2024, 12, 31}, &r, &e);
    ck_assert_str_eq(dfmt(r.score), "50");
    I[2].state = RULES_NOT_ASSESSABLE; /* non valutabile: leaves sum and weights */
    rules_objective_score(&PLAN, QUALITY, -1, (rules_date){2024, 12, 31}, &r, &e);
    ck_assert_str_eq(dfmt(r.score), "100");
    ck_assert_int_eq(r.n_not_assessable, 1);
    /* an indicator that cannot be scored makes the objective an error, named */
    measure(2, rules_value_number(D("5.5")));
    rules_objective_score(&PLAN, QUALITY, -1, (rules_date){2024, 12, 31}, &r, &e);
    ck_assert_int_eq(r.status, RULES_SCORE_ERROR);
    ck_assert_int_eq(r.error_indicator, 2);
    ck_assert_str_eq(e.message, "5.5 is not a whole number");
    /* ITP -1.25 days → 100 */
    rules_invoice inv[2] = {{{2024, 3, 1}, {2024, 3, 11}, IT("1.000,00")},
                            {{2024, 2, 28}, {2024, 2, 23}, IT("3.000,00")}};
    rules_decimal itp;
    ck_assert_int_eq(rules_itp(inv, 2, &itp, NULL, &e), 0);
    measure(0, rules_value_number(itp));
    rules_objective_score(&PLAN, PAYMENTS, -1, (rules_date){2024, 12, 31}, &r, &e);
    ck_assert_str_eq(dfmt(r.score), "100");
}
END_TEST

START_TEST(assignee_scores)
{
    rules_objective_result r[NOBJ];
    rules_assignee_result a[2];
    rules_error e;
    int nm[NOBJ];
    setup();
    measure(0, rules_value_number(D("-1.25"))); /* payments 30 → 100 */
    measure(1, rules_value_number(D("45")));    /* quality 10 → (100 + 0) / 2 = 50 */
    measure(2, rules_value_number(D("7")));
    measure(3, rules_value_number(D("12"))); /* social 20 → 100 */
    measure(4, rules_value_number(D("41")));
    P[18].completed = 1; /* software 25 → 20 + 40×50% = 40 */
    P[18].completed_on = (rules_date){2024, 4, 30};
    P[19].percent_complete = IT("50");
    /* PTPCT, PNRR, Syllabus: phases with no progress → 0 achievement, measured as 0 */
    ck_assert_int_eq(rules_plan_score(&PLAN, (rules_date){2024, 12, 31}, r, a, &e), 0);
    ck_assert_str_eq(dfmt(r[PAYMENTS].score), "100");
    ck_assert_str_eq(dfmt(r[QUALITY].score), "50");
    ck_assert_str_eq(dfmt(r[SOCIAL].score), "100");
    ck_assert_str_eq(dfmt(r[SOFTWARE].score), "40");
    ck_assert_str_eq(dfmt(r[PTPCT].score), "0");
    /* (30×100 + 10×50 + 20×100 + 25×40 + 15×0) / 100 = 65 */
    ck_assert_int_eq(a[0].status, RULES_SCORE_MEASURED);
    ck_assert_str_eq(dfmt(a[0].score), "65");
    ck_assert_int_eq(a[0].n_not_measured, 0);
    /* Social not measured: it leaves the mean, and is reported */
    I[3].state = I[4].state = RULES_NOT_MEASURED;
    ck_assert_int_eq(rules_plan_score(&PLAN, (rules_date){2024, 12, 31}, r, a, &e), 0);
    ck_assert_int_eq(a[0].n_not_measured, 1);
    ck_assert_str_eq(dfmt(a[0].weight_measured), "80");
    ck_assert_str_eq(dfmt(a[0].score), "56.25"); /* 4500 / 80 */
    ck_assert_int_eq(rules_assignee_not_measured(&PLAN, r, 0, nm, NOBJ), 1);
    ck_assert_int_eq(nm[0], SOCIAL);
}
END_TEST

/* A plan that prints no weight (Venezia's PEG): the assignee's score is the plain
 * mean of its measured objectives, flagged, never a zero. */
START_TEST(assignee_without_weights_scores_the_mean)
{
    rules_objective_result r[NOBJ];
    rules_assignee_result a[2];
    rules_error e;
    setup();
    measure(0, rules_value_number(D("-1.25")));
    measure(1, rules_value_number(D("45")));
    measure(2, rules_value_number(D("7")));
    measure(3, rules_value_number(D("12")));
    measure(4, rules_value_number(D("41")));
    P[18].completed = 1;
    P[18].completed_on = (rules_date){2024, 4, 30};
    P[19].percent_complete = IT("50");
    for (int i = 0; i < PLAN.n_assignments; i++)
        if (AS[i].assignee == 0)
            AS[i].weight = D("0");
    ck_assert_int_eq(rules_plan_score(&PLAN, (rules_date){2024, 12, 31}, r, a, &e), 0);
    ck_assert_int_eq(a[0].status, RULES_SCORE_MEASURED);
    ck_assert_int_eq(a[0].equal_weights, 1);
    ck_assert_str_eq(dfmt(a[0].weight_measured), "0");
    /* (100 + 50 + 100 + 40 + 0 + 0 + 0) / 7: PTPCT, PNRR and Syllabus measure 0 */
    ck_assert_str_eq(dfmt(a[0].score), "41.43");
    setup();
    measure(0, rules_value_number(D("-1.25")));
    ck_assert_int_eq(rules_plan_score(&PLAN, (rules_date){2024, 12, 31}, r, a, &e), 0);
    ck_assert_int_eq(a[0].equal_weights, 0);
}
END_TEST

START_TEST(owner_phases_per_assignee)
{
    /* a shared objective: phase A for everyone, phase B for FIN. only */
    rules_objective o[1] = {{.code = "SHARED", .parent = -1}};
    rules_assignee as[2] = {{"S.S.P.C.", 0}, {"FIN.", 0}};
    rules_assignment w[2] = {{0, 0, D("100")}, {0, 1, D("100")}};
    rules_phase p[2];
    memset(p, 0, sizeof p);
    p[0].objective = 0;
    p[0].has_weight = 1;
    p[0].weight = D("50");
    p[0].completed = 1;
    p[0].completed_on = (rules_date){2024, 3, 1};
    p[1].objective = 0;
    p[1].has_weight = 1;
    p[1].weight = D("50");
    p[1].owners = OWN_FIN;
    p[1].n_owners = 1;
    rules_plan plan = {2024, 2024, o, 1, as, 2, w, 2, p, 2, NULL, 0, NULL, NULL};
    rules_objective_result r[1], one;
    rules_assignee_result a[2];
    ck_assert_int_eq(rules_plan_score(&plan, (rules_date){2024, 12, 31}, r, a, NULL), 0);
    ck_assert_str_eq(dfmt(r[0].score), "50");
    ck_assert_str_eq(dfmt(a[0].score), "100"); /* only phase A is theirs */
    ck_assert_str_eq(dfmt(a[1].score), "50");
    rules_objective_score(&plan, 0, 0, (rules_date){2024, 12, 31}, &one, NULL);
    ck_assert_str_eq(dfmt(one.achievement), "100");
}
END_TEST

Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("seed001");
    tcase_add_test(tc, seed001_as_written);
    tcase_add_test(tc, seed001_cumulative_mismatch);
    tcase_add_test(tc, weights_and_payment_share);
    tcase_add_test(tc, structure_findings);
    tcase_add_test(tc, achievement_and_timeliness);
    tcase_add_test(tc, objective_scores_from_indicators);
    tcase_add_test(tc, assignee_scores);
    tcase_add_test(tc, assignee_without_weights_scores_the_mean);
    tcase_add_test(tc, owner_phases_per_assignee);
    suite_add_tcase(s, tc);
    return s;
}
