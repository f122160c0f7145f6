/* test_plan_check.c — the plan checker's classes of defect (issue 15), each on a minimal plan:
 * two objectives (a parent and a child), one structure, one indicator each, a phase or two. */
#include <string.h>

#include "suites.h"

static rules_objective O[4];
static rules_assignee A[2];
static rules_assignment AS[4];
static unsigned char WEIGHTED[4];
static rules_check_assignment CA[4];
static rules_phase P[4];
static rules_indicator I[4];
static rules_check_objective CO[4];
static rules_check_phase CP[4];
static rules_check_indicator CI[4];
static rules_check_structure ST[3];
static rules_check_person PE[3];
static rules_check_context CX;
static rules_plan PLAN;
static rules_rule RULE;
static int64_t SCRATCH[1024];
static rules_finding F[64];
static size_t NF;

/* A clean plan: DUP-1 (operational) → PEG-1 (management), structure S1 led by Rossi; PEG-1
 * carries two phases (50 + 50) and its indicator a number target; DUP-1 a number target. */
static void setup(void)
{
    memset(&PLAN, 0, sizeof PLAN);
    memset(O, 0, sizeof O), memset(AS, 0, sizeof AS), memset(P, 0, sizeof P), memset(I, 0, sizeof I);
    memset(CA, 0, sizeof CA), memset(CO, 0, sizeof CO), memset(CP, 0, sizeof CP), memset(CI, 0, sizeof CI),
        memset(&CX, 0, sizeof CX);
    O[0] = (rules_objective){.code = "DUP-1", .parent = -1, .payment_timeliness = 0};
    O[1] = (rules_objective){.code = "PEG-1", .parent = 0, .payment_timeliness = 1};
    CO[0] = (rules_check_objective){.title = "Riorganizzazione dei servizi", .level = RULES_LEVEL_OPERATIONAL};
    CO[1] = (rules_check_objective){.title = "Nuovo regolamento entro il 30/06/2024", .level = RULES_LEVEL_MANAGEMENT};
    A[0] = (rules_assignee){"S1", 1};
    AS[0] = (rules_assignment){0, 0, D("60")};
    AS[1] = (rules_assignment){1, 0, D("40")};
    WEIGHTED[0] = WEIGHTED[1] = 1;
    for (int j = 0; j < 2; j++) {
        P[j].objective = 1;
        P[j].has_weight = P[j].has_cumulative = P[j].has_deadline = 1;
        P[j].weight = D("50");
        P[j].cumulative = D(j ? "100" : "50");
        P[j].deadline = (rules_date){2024, j ? 12 : 6, j ? 31 : 30};
        CP[j].seq = j + 1;
    }
    CP[0].description = "Bozza del regolamento - Giugno";
    CP[1].description = "Approvazione in Consiglio";
    rules_rule_init(&RULE, RULES_KIND_BANDS);
    rules_bands_add(&RULE.bands, B("10", 0, NULL, 0, "100"));
    rules_bands_add(&RULE.bands, B(NULL, 0, "10", 0, "0"));
    I[0] = (rules_indicator){.code = "DUP-1-I1", .objective = 0, .rule = &RULE};
    I[1] = (rules_indicator){.code = "PEG-1-I1", .objective = 1, .rule = &RULE};
    CI[0] = (rules_check_indicator){"Servizi riorganizzati", "10", NULL, RULES_DIRECTION_HIGHER, 0};
    CI[1] = (rules_check_indicator){"Servizi riorganizzati nell'anno", "12", "4", RULES_DIRECTION_HIGHER, 0};
    ST[0] = (rules_check_structure){"S1", "Servizi finanziari", 0, 1};
    PE[0] = (rules_check_person){"ROSSI", "Mario Rossi", RULES_ROLE_MANAGER};
    CX = (rules_check_context){CO, CP, CI, WEIGHTED, CA, ST, 1, PE, 1, 1, {2024, 1, 20}};
    PLAN = (rules_plan){2024, 2024, O, 2, A, 1, AS, 2, P, 2, I, 2, NULL, &CX};
}

static int check(void)
{
    size_t need = rules_plan_check_scratch(&PLAN);
    ck_assert_uint_le(need, sizeof SCRATCH / sizeof SCRATCH[0]);
    return rules_plan_check(&PLAN, F, 64, &NF, SCRATCH, need);
}

/* The message of the only finding with code at a path containing path_part. */
static const char *only(const char *code, const char *path_part)
{
    const char *msg = NULL;
    int n = 0;
    for (size_t i = 0; i < NF; i++)
        if (strcmp(F[i].code, code) == 0 && (!path_part || strstr(F[i].path, path_part))) {
            msg = F[i].message;
            n++;
        }
    ck_assert_msg(n == 1, "%d findings %s at %s (of %zu)", n, code, path_part ? path_part : "-", NF);
    return msg;
}

START_TEST(clean_plan_has_no_finding)
{
    setup();
    ck_assert_int_eq(check(), 0);
    ck_assert_msg(NF == 0, "%zu findings, first %s %s %s", NF, F[0].code, F[0].path, F[0].message);
}
END_TEST

START_TEST(weights)
{
    setup();
    WEIGHTED[1] = 0; /* the seed prints no weight for PEG-1 */
    ck_assert_int_eq(check(), 0);
    ck_assert_str_eq(only("assignment_without_weight", "assignments[1]"),
                     "objective PEG-1 of S1 has no weight, beside weighted ones");
    ck_assert_str_eq(only("assignee_weights_not_100", "assignees[0]"), "the objective weights of S1 total 60, not 100");
    WEIGHTED[0] = 0;
    check();
    ck_assert_str_eq(only("plan_without_weights", "plan"),
                     "no objective of the plan has a weight: every assignee's objectives count the same");
    setup();
    P[1].has_weight = 0; /* a phase without weight beside a weighted one */
    P[1].cumulative = D("50");
    check();
    only("phase_without_weight", "phases[1].weight");
    only("phase_weights_not_100", "objectives[1].phases");
    ck_assert_str_eq(only("phase_cumulative_not_100", "phases[1]"),
                     "the cumulative values of objective PEG-1 end at 50, not 100");
    setup();
    P[1].cumulative = D("40"); /* falls */
    check();
    ck_assert_str_eq(only("phase_cumulative_not_rising", "phases[1].cumulative"),
                     "the cumulative value of phase 2 of objective PEG-1, 40, is below the one before it, 50");
    setup();
    AS[0].weight = D("90"), AS[1].weight = D("10"); /* the payment objective weighs 10 of 100 */
    ck_assert_int_eq(check(), 0);
    ck_assert_str_eq(only("payment_timeliness_below_30", "assignments[1].weight"),
                     "payment-timeliness objectives weigh 10 of 100 for S1: DL 13/2023 art. 4-bis requires at least 30%");
    WEIGHTED[1] = 0; /* the payment objective's weight is not printed: its share is unknown */
    check();
    ck_assert(!has_finding(F, NF, "payment_timeliness_below_30", NULL));
    WEIGHTED[1] = 1;
    AS[1].weight = D("140");
    ck_assert_int_eq(check(), 1); /* a weight outside 0..100 cannot be scored as written */
    only("weight_out_of_range", "assignments[1].weight");
}
END_TEST

START_TEST(dates)
{
    setup();
    P[0].deadline = (rules_date){2024, 7, 31}; /* labelled "Giugno" */
    check();
    ck_assert_str_eq(only("deadline_label_mismatch", "phases[0]"),
                     "phase 1 of objective PEG-1 is labelled \"giugno\" but due on 2024-07-31");
    setup();
    P[0].deadline = (rules_date){2024, 12, 31}, P[1].deadline = (rules_date){2024, 9, 30};
    CP[0].description = NULL;
    check();
    ck_assert_str_eq(only("phases_out_of_order", "phases[1]"),
                     "phase 2 of objective PEG-1 is due on 2024-09-30, before the phase that precedes it");
    setup();
    P[0].deadline = (rules_date){2024, 1, 15}; /* before the adoption on 2024-01-20 */
    CP[0].description = "Bozza - Gennaio";
    check();
    only("deadline_before_adoption", "phases[0].deadline");
    setup();
    P[1].has_deadline = 0;
    check();
    only("phase_without_deadline", "phases[1].deadline");
    /* dates as written: impossible, two-digit year, no year, outside the plan, a spreadsheet's */
    setup();
    P[1].has_deadline = 0;
    CP[1].deadline_text = "31.06.2024";
    check();
    ck_assert_str_eq(only("impossible_date", "phases[1].deadline"),
                     "\"31.06.2024\" in phase 2 of objective PEG-1 is not a date: giugno has 30 days");
    CP[1].deadline_text = "45291";
    check();
    ck_assert_str_eq(only("date_excel_serial", "phases[1].deadline"),
                     "phase 2 of objective PEG-1 gives 45291 where a date belongs: a spreadsheet's day number for "
                     "2023-12-31");
    setup();
    CI[1].date_valued = 1;
    CI[1].target = "15/05/22";
    check();
    ck_assert_str_eq(only("date_two_digit_year", "indicators[1].target"),
                     "\"15/05/22\" in indicator PEG-1-I1 (objective PEG-1) has a two-digit year: write 15/05/2022");
    only("date_outside_plan", "indicators[1].target");
    CI[1].target = "31-dic";
    check();
    only("date_without_year", "indicators[1].target");
    CI[1].target = "00/01/1900";
    check();
    only("date_excel_serial", "indicators[1].target");
    setup();
    CO[1].title = "Nuovo regolamento entro il 33/11/2024, poi entro il 30/04/2004";
    check();
    ck_assert_str_eq(only("impossible_date", "objectives[1]"),
                     "\"33/11/2024\" in the title of objective PEG-1 is not a date: novembre has 30 days");
    only("date_outside_plan", "objectives[1]");
    setup();
    CO[1].title = "Adempimenti del D.Lgs. 63/93 e del DUP 1.1.2, indicatore 2,8"; /* numbers, not dates */
    ck_assert_int_eq(check(), 0);
    ck_assert_uint_eq(NF, 0);
}
END_TEST

START_TEST(targets)
{
    setup();
    CI[1].target = "trimestrale";
    check();
    ck_assert_str_eq(only("target_not_measurable", "indicators[1].target"),
                     "the target of indicator PEG-1-I1 (objective PEG-1), \"trimestrale\", is a frequency, not a "
                     "value to reach: state what must be done how many times");
    CI[1].target = "true"; /* a yes/no target (JSON true): measurable */
    check();
    ck_assert(!has_finding(F, NF, "target_not_measurable", NULL));
    CI[1].target = "2 giornate";
    check();
    only("target_not_measurable", "indicators[1].target");
    CI[1].target = "<= 140, 55 giorni";
    check();
    only("target_operator_in_text", "indicators[1].target");
    CI[1].target = NULL;
    CI[1].name = "N. dipendenti formati <=24";
    check();
    only("target_operator_in_text", "indicators[1].target");
    setup();
    CI[1].name = "Incremento indicatore di almeno il 5%";
    CI[1].target = "72,19%";
    CI[1].baseline = NULL;
    check();
    ck_assert_str_eq(only("target_contradicts_text", "indicators[1].target"),
                     "the target of indicator PEG-1-I1 (objective PEG-1) is 72,19%, but its description states 5%");
    setup();
    CI[1].name = "N. criticità rilevate"; /* more critical issues is not better */
    check();
    ck_assert_str_eq(only("target_contradicts_text", "indicators[1].target"),
                     "indicator PEG-1-I1 (objective PEG-1) counts \"N. criticità rilevate\" as more is better: its "
                     "words say the opposite");
    CI[1].name = "N. sinistri gestiti internamente/N. sinistri"; /* a ratio: no finding */
    check();
    ck_assert(!has_finding(F, NF, "target_contradicts_text", NULL));
    setup();
    CI[1].baseline = "12"; /* the target, 12, is already met */
    check();
    only("target_met_by_baseline", "indicators[1].target");
    setup();
    CI[1].target = "8"; /* PEG asks 8 where its DUP parent asks 10 */
    CI[1].baseline = NULL;
    check();
    ck_assert_str_eq(only("target_weaker_than_parent", "indicators[1].target"),
                     "the target of indicator PEG-1-I1 (objective PEG-1), 8, asks less than indicator DUP-1-I1 "
                     "(objective DUP-1) above it, 10");
    setup();
    I[1].rule = NULL; /* a target and no rule: scored by the method, not a finding */
    ck_assert_int_eq(check(), 0);
    ck_assert_uint_eq(NF, 0);
    CI[1].target = NULL;
    ck_assert_int_eq(check(), 0);
    only("indicator_without_target", "indicators[1].target");
}
END_TEST

START_TEST(rules)
{
    static rules_rule f;
    setup();
    rules_rule_init(&f, RULES_KIND_FORMULA);
    strcpy(f.formula.expr, "(assigned - lost) / assigned * 100");
    I[1].rule = &f;
    ck_assert_int_eq(check(), 0);
    only("formula_division_by_zero", "indicators[1].rule");
    strcpy(f.formula.expr, "done / 4 * 100"); /* a constant divisor */
    check();
    ck_assert_uint_eq(NF, 0);
    rules_rule_init(&RULE, RULES_KIND_BANDS); /* "1-10 giorni → 80, 11-30 → 50": a warning */
    rules_bands_add(&RULE.bands, B(NULL, 0, "1", 0, "100"));
    rules_bands_add(&RULE.bands, B("1", 0, "10", 1, "80"));
    rules_bands_add(&RULE.bands, B("11", 0, "30", 1, "50"));
    rules_bands_add(&RULE.bands, B("30", 1, NULL, 0, "0"));
    I[1].rule = &RULE;
    I[0].rule = NULL;
    ck_assert_int_eq(check(), 0);
    only("band_gap_fractional", "indicators[1].rule");
    rules_bands_add(&RULE.bands, B(NULL, 0, "3", 1, "0")); /* overlaps: cannot be scored */
    ck_assert_int_ge(check(), 1);
    ck_assert(has_finding(F, NF, "band_overlap", "indicators[1].rule"));
}
END_TEST

START_TEST(organisation)
{
    setup();
    ST[1] = (rules_check_structure){"S2", "Servizi  Finanziari.", -1, 0}; /* S1 again, unled */
    PE[1] = (rules_check_person){"BIANCHI", "Anna Bianchi", RULES_ROLE_MANAGER};
    PE[2] = (rules_check_person){"VERDI", "Luca Verdi", RULES_ROLE_EQ};
    CX.n_structures = 2, CX.n_people = 3;
    check();
    ck_assert_str_eq(only("structure_without_manager", "structures[1]"), "structure S2 names no manager");
    ck_assert_str_eq(only("structure_several_names", "structures[0]"),
                     "structures S1 and S2 are both \"Servizi finanziari\": one structure under two codes");
    ck_assert_str_eq(only("manager_without_structure", "people[1]"),
                     "Anna Bianchi is a manager but leads no structure of the plan");
    ck_assert_str_eq(only("eq_without_unit", "people[2]"), "Luca Verdi holds an EQ post but no unit is given to them");
    setup();
    O[1].parent = -1; /* PEG-1 loses its parent; a second PEG keeps one */
    O[2] = (rules_objective){.code = "PEG-2", .parent = 0, .payment_timeliness = 0};
    CO[2] = (rules_check_objective){.title = "Altro", .level = RULES_LEVEL_MANAGEMENT};
    AS[1].weight = D("20"), AS[2] = (rules_assignment){2, 0, D("20")};
    WEIGHTED[2] = 1;
    I[2] = (rules_indicator){.code = "PEG-2-I1", .objective = 2, .rule = &RULE};
    CI[2] = (rules_check_indicator){"x", "10", NULL, RULES_DIRECTION_HIGHER, 0};
    PLAN.n_objectives = 3, PLAN.n_assignments = 3, PLAN.n_indicators = 3;
    check();
    ck_assert_str_eq(only("objective_without_parent", "objectives[1]"),
                     "objective PEG-1 hangs from no objective above it, in a plan where objectives cascade");
    CO[1].routine = 1; /* "Obiettivo routinario": no parent expected */
    check();
    ck_assert(!has_finding(F, NF, "objective_without_parent", NULL));
    setup();
    O[2] = (rules_objective){
        .code = "SO-1", .parent = -1, .payment_timeliness = 0}; /* strategic, nothing under it, no measure */
    CO[2] = (rules_check_objective){.title = "", .level = RULES_LEVEL_STRATEGIC};
    PLAN.n_objectives = 3;
    check();
    only("strategic_without_children", "objectives[2]");
    only("objective_without_title", "objectives[2]");
    O[0].parent = 2; /* now DUP-1 hangs from it: measured through its children */
    check();
    ck_assert(!has_finding(F, NF, "strategic_without_children", NULL));
    ck_assert(!has_finding(F, NF, "objective_without_measure", NULL));
}
END_TEST

START_TEST(slots_and_notes)
{
    setup();
    CA[0] = (rules_check_assignment){RULES_SCOPE_STRUCTURE, 1};
    CA[1] = (rules_check_assignment){RULES_SCOPE_STRUCTURE, 1}; /* two "Direzione" objectives, one column */
    check();
    ck_assert_str_eq(only("slot_over_limit", "assignees[0]"),
                     "S1 carries 2 structure objectives, but the plan has 1 slot for them");
    CA[1].slot = 2;
    check();
    ck_assert(!has_finding(F, NF, "slot_over_limit", NULL));
    setup();
    CO[1].n_notes = 1;
    CO[1].note = "tabella: entro il 31/03/2024; matrice: entro il 30/03/2024";
    check();
    only("seed_conflict", "objectives[1]");
}
END_TEST

START_TEST(law)
{
    setup();
    CX.adopted = (rules_date){2024, 3, 12};
    check();
    ck_assert_str_eq(only("plan_adopted_late", "plan"),
                     "the plan was adopted on 2024-03-12, after its legal deadline 2024-01-31 (art. 10 D.Lgs. "
                     "150/2009, art. 6 DL 80/2021)");
    CX.adopted = (rules_date){2024, 1, 31};
    check();
    ck_assert(!has_finding(F, NF, "plan_adopted_late", NULL));
}
END_TEST

START_TEST(owners_out_of_range_are_one_error_named_by_phase)
{
    static const int owners[1] = {16};
    setup();
    P[1].owners = owners;
    P[1].n_owners = 1;
    ck_assert_int_eq(check(), 1);
    ck_assert_str_eq(only("invalid_reference", "phases[1].owners"),
                     "an owner of phase 2 of objective PEG-1 is not an assignee of the plan");
}
END_TEST

Suite *plan_check_suite(void)
{
    Suite *s = suite_create("plan_check");
    TCase *t = tcase_create("classes");
    tcase_add_test(t, clean_plan_has_no_finding);
    tcase_add_test(t, weights);
    tcase_add_test(t, dates);
    tcase_add_test(t, targets);
    tcase_add_test(t, rules);
    tcase_add_test(t, organisation);
    tcase_add_test(t, slots_and_notes);
    tcase_add_test(t, law);
    tcase_add_test(t, owners_out_of_range_are_one_error_named_by_phase);
    suite_add_tcase(s, t);
    return s;
}
