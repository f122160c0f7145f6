/* test_method.c — the plan's method (issue 14): indicators scored by their target without a
 * rule, needs_judgement and judgements, phases by share or cumulative weights, mixed
 * objectives, not measured as zero, rounding, the cascade rolling up; and the method's JSON. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "codec/method_json.h"
#include "suites.h"

static rules_indicator number_target(const char *target, rules_direction dir, const rules_value *v)
{
    rules_indicator x;
    memset(&x, 0, sizeof x);
    x.has_target = x.target_comparable = 1;
    x.target.kind = RULES_EXPECTED_NUMBER;
    x.target.number = D(target);
    x.direction = dir;
    x.value = v;
    x.state = v ? RULES_MEASURED : RULES_NOT_MEASURED;
    return x;
}

/* Scores one indicator under m and checks score and explanation (expl NULL: not checked). */
static void expect(const rules_method *m, const rules_indicator *x, rules_score_status st, const char *score,
                   const char *expl)
{
    rules_decimal s = {0};
    char buf[RULES_EXPLANATION_MAX];
    rules_error e;
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(rules_indicator_score(m, x, &s, NULL, buf, sizeof buf, &e), st);
    if (score)
        ck_assert_str_eq(dfmt(s), score);
    if (expl)
        ck_assert_str_eq(buf, expl);
}

START_TEST(number_ratio_both_directions)
{
    rules_value v45 = rules_value_number(D("45")), v12 = rules_value_number(D("12.5")), v60 = rules_value_number(D("60"));
    rules_indicator x = number_target("50", RULES_DIRECTION_HIGHER, &v45);
    expect(NULL, &x, RULES_SCORE_MEASURED, "90", "value 45 / target 50 = 90% → 90");
    x.value = &v60; /* above the target: capped */
    expect(NULL, &x, RULES_SCORE_MEASURED, "100", "value 60 reaches the target 50 → 100");
    x = number_target("10", RULES_DIRECTION_LOWER, &v12);
    expect(NULL, &x, RULES_SCORE_MEASURED, "80", "target 10 / value 12.5 = 80% → 80");
    x = number_target("50", RULES_DIRECTION_EXACT, &v45); /* 10% away */
    expect(NULL, &x, RULES_SCORE_MEASURED, "90", NULL);
    x = number_target("50", RULES_DIRECTION_EXACT, &v60); /* 20% away, the other side */
    expect(NULL, &x, RULES_SCORE_MEASURED, "80", NULL);
    /* a target of 0, lower is better: above it nothing is earned */
    x = number_target("0", RULES_DIRECTION_LOWER, &v12);
    expect(NULL, &x, RULES_SCORE_MEASURED, "0", "value 12.5 is above a target of 0 (lower is better) → 0");
    rules_value zero = rules_value_number(D("0"));
    x.value = &zero;
    expect(NULL, &x, RULES_SCORE_MEASURED, "100", NULL);
    /* the ratio keeps exact decimals: 2 / 3 = 66.6667% → 66.67 */
    rules_value two = rules_value_number(D("2"));
    x = number_target("3", RULES_DIRECTION_HIGHER, &two);
    expect(NULL, &x, RULES_SCORE_MEASURED, "66.67", "value 2 / target 3 = 66.67% → 66.67");
}
END_TEST

START_TEST(threshold_and_rounding)
{
    rules_method m = rules_method_default();
    m.threshold = D("85");
    rules_value v = rules_value_number(D("42"));
    rules_indicator x = number_target("50", RULES_DIRECTION_HIGHER, &v); /* 84% */
    expect(&m, &x, RULES_SCORE_MEASURED, "0", "value 42 / target 50 = 84%, below the threshold 85% → 0");
    m.threshold = D("84");
    expect(&m, &x, RULES_SCORE_MEASURED, "84", NULL);
    rules_value two = rules_value_number(D("2"));
    x = number_target("3", RULES_DIRECTION_HIGHER, &two);
    m.rounding = 0;
    m.threshold = D("0");
    expect(&m, &x, RULES_SCORE_MEASURED, "67", "value 2 / target 3 = 67% → 67");
}
END_TEST

START_TEST(dates_and_lateness)
{
    rules_indicator x;
    memset(&x, 0, sizeof x);
    x.has_target = x.target_comparable = 1;
    x.target.kind = RULES_EXPECTED_DATE;
    x.target.date = (rules_date){2020, 6, 30};
    rules_value early = rules_value_date((rules_date){2020, 6, 30}), late = rules_value_date((rules_date){2020, 7, 10});
    x.state = RULES_MEASURED;
    x.value = &early;
    expect(NULL, &x, RULES_SCORE_MEASURED, "100", "done on 2020-06-30, on or before 2020-06-30 → 100");
    x.value = &late;
    expect(NULL, &x, RULES_SCORE_MEASURED, "0", "done on 2020-07-10, 10 days after 2020-06-30 → 0");
    rules_method m = rules_method_default();
    m.late_per_day = D("2.5");
    expect(&m, &x, RULES_SCORE_MEASURED, "75", "done on 2020-07-10, 10 days after 2020-06-30: 100 - 2.5 × 10 → 75");
    m.late_per_day = D("20");
    expect(&m, &x, RULES_SCORE_MEASURED, "0", NULL);
    rules_deviation d = rules_deviation_of(&x.target, &late);
    ck_assert(d.has_absolute && !d.has_percent);
    ck_assert_str_eq(dfmt(d.absolute), "10");
    /* a number for a date target is an error, not a silent zero */
    rules_value n = rules_value_number(D("1"));
    x.value = &n;
    expect(NULL, &x, RULES_SCORE_ERROR, NULL, NULL);
}
END_TEST

START_TEST(yes_no_and_judgement)
{
    rules_indicator x;
    memset(&x, 0, sizeof x);
    x.has_target = x.target_comparable = 1;
    x.target.kind = RULES_EXPECTED_BOOLEAN;
    x.target.boolean = 1;
    rules_value yes = rules_value_bool(1), no = rules_value_bool(0);
    x.state = RULES_MEASURED;
    x.value = &yes;
    expect(NULL, &x, RULES_SCORE_MEASURED, "100", "Sì, expected Sì → 100");
    x.value = &no;
    expect(NULL, &x, RULES_SCORE_MEASURED, "0", "No, expected Sì → 0");
    /* "trimestrale": needs an evaluator, measured or not; the judgement then counts */
    rules_indicator f;
    memset(&f, 0, sizeof f);
    f.has_target = 1;
    f.target_comparable = 0;
    expect(NULL, &f, RULES_SCORE_NEEDS_JUDGEMENT, NULL,
           "the target cannot be compared with a value: an evaluator judges it");
    f.judged = 1;
    f.judgement = D("70");
    expect(NULL, &f, RULES_SCORE_MEASURED, "70", "judged by the evaluator → 70");
    /* no rule and no target at all: judged as well */
    rules_indicator none;
    memset(&none, 0, sizeof none);
    expect(NULL, &none, RULES_SCORE_NEEDS_JUDGEMENT, NULL, "no rule and no target: an evaluator judges it");
    /* a rule wins over the target */
    rules_rule r;
    rules_rule_init(&r, RULES_KIND_BOOLEAN);
    x.rule = &r;
    x.value = &yes;
    expect(NULL, &x, RULES_SCORE_MEASURED, "100", NULL);
    x.value = NULL;
    x.state = RULES_NOT_MEASURED;
    expect(NULL, &x, RULES_SCORE_NOT_MEASURED, NULL, NULL);
}
END_TEST

START_TEST(deviation_of_numbers)
{
    rules_expected t = {.kind = RULES_EXPECTED_PERCENT, .number = D("100")};
    rules_value v = rules_value_number(D("60"));
    rules_deviation d = rules_deviation_of(&t, &v);
    ck_assert(d.has_absolute && d.has_percent);
    ck_assert_str_eq(dfmt(d.absolute), "-40");
    ck_assert_str_eq(dfmt(d.percent), "-40");
    t.number = D("-3");
    d = rules_deviation_of(&t, &v); /* 63 / |-3| = 2100% */
    ck_assert_str_eq(dfmt(d.percent), "2100");
    t.number = D("0");
    d = rules_deviation_of(&t, &v);
    ck_assert(d.has_absolute && !d.has_percent);
    t.kind = RULES_EXPECTED_BOOLEAN;
    d = rules_deviation_of(&t, &v);
    ck_assert(!d.has_absolute);
}
END_TEST

/* A small plan: objectives[0..n), indicators and phases filled by the tests. */
static rules_objective PO[8];
static rules_indicator PI[8];
static rules_phase PP[8];
static rules_value PV[8];
static rules_assignee PA[2];
static rules_assignment PS[8];
static rules_plan PL;
static rules_objective_result R[8];
static rules_method M;

static void plan_reset(int n_objectives)
{
    memset(PO, 0, sizeof PO);
    memset(PI, 0, sizeof PI);
    memset(PP, 0, sizeof PP);
    memset(PS, 0, sizeof PS);
    memset(PA, 0, sizeof PA);
    memset(&PL, 0, sizeof PL);
    for (int i = 0; i < n_objectives; i++)
        PO[i].parent = -1;
    PL.objectives = PO;
    PL.n_objectives = n_objectives;
    PL.indicators = PI;
    PL.phases = PP;
    PL.assignees = PA;
    PL.n_assignees = 1;
    PL.assignments = PS;
    M = rules_method_default();
    PL.method = &M;
}

static void ind_number(int obj, const char *target, const char *value)
{
    int k = PL.n_indicators++;
    PV[k] = rules_value_number(D(value ? value : "0"));
    PI[k] = number_target(target, RULES_DIRECTION_HIGHER, value ? &PV[k] : NULL);
    PI[k].objective = obj;
}

static void ind_date(int obj, rules_date target, const rules_date *done)
{
    int k = PL.n_indicators++;
    memset(&PI[k], 0, sizeof PI[k]);
    PI[k].objective = obj;
    PI[k].has_target = PI[k].target_comparable = 1;
    PI[k].target.kind = RULES_EXPECTED_DATE;
    PI[k].target.date = target;
    if (done) {
        PV[k] = rules_value_date(*done);
        PI[k].value = &PV[k];
        PI[k].state = RULES_MEASURED;
    }
}

static void ph(int obj, const char *weight, rules_date deadline, const rules_date *done)
{
    rules_phase *p = &PP[PL.n_phases++];
    p->objective = obj;
    p->has_weight = 1;
    p->weight = D(weight);
    p->has_deadline = 1;
    p->deadline = deadline;
    if (done) {
        p->completed = 1;
        p->completed_on = *done;
    }
}

static void score_at(rules_date d)
{
    rules_error e;
    ck_assert_int_eq(rules_plan_score(&PL, d, R, NULL, &e), 0);
}

static const char *explain(int o)
{
    static char buf[RULES_EXPLANATION_MAX];
    return rules_objective_explain(&PL, o, &R[o], buf, sizeof buf);
}

START_TEST(phases_cumulative_and_share)
{
    plan_reset(1);
    rules_date jun = {2024, 6, 30}, dec = {2024, 12, 31}, on_time = {2024, 6, 28}, late = {2025, 1, 15};
    ph(0, "50", jun, &on_time);
    ph(0, "50", dec, &late);
    ind_number(0, "2", "1"); /* shown, not scored, under combine phases */
    M.combine = RULES_COMBINE_PHASES;
    M.phases = RULES_PHASES_CUMULATIVE;
    score_at((rules_date){2025, 1, 31});
    ck_assert_int_eq(R[0].status, RULES_SCORE_MEASURED);
    ck_assert_str_eq(dfmt(R[0].score), "50");
    ck_assert_int_eq(R[0].combined, RULES_COMBINE_PHASES);
    ck_assert_str_eq(explain(0), "phases completed by their deadline reach 50 of 100 (running total of phase weights)");
    M.phases = RULES_PHASES_SHARE; /* both completed by the date: 100 */
    score_at((rules_date){2025, 1, 31});
    ck_assert_str_eq(dfmt(R[0].score), "100");
    /* auto: the indicator scores (1 of 2 = 50%) */
    M.combine = RULES_COMBINE_AUTO;
    score_at((rules_date){2025, 1, 31});
    ck_assert_str_eq(dfmt(R[0].score), "50");
    ck_assert_int_eq(R[0].combined, RULES_COMBINE_INDICATORS);
    /* an indicator in error does not block a phases-only objective */
    PI[0].target.kind = RULES_EXPECTED_DATE;
    M.combine = RULES_COMBINE_PHASES;
    score_at((rules_date){2025, 1, 31});
    ck_assert_int_eq(R[0].status, RULES_SCORE_MEASURED);
    M.combine = RULES_COMBINE_INDICATORS;
    score_at((rules_date){2025, 1, 31});
    ck_assert_int_eq(R[0].status, RULES_SCORE_ERROR);
    ck_assert_str_eq(explain(0), "an indicator could not be scored (its explanation says why)");
    PI[0].code = "T-1";
    ck_assert_str_eq(explain(0), "indicator T-1 could not be scored (its explanation says why)");
}
END_TEST

START_TEST(mix_value_and_time)
{
    plan_reset(2);
    M.combine = RULES_COMBINE_MIX;
    rules_date due = {2022, 12, 31}, done = {2022, 11, 30};
    ind_number(0, "1", "1");    /* 100 */
    ind_number(0, "100", "60"); /* 60: value = 80 */
    ind_date(0, due, &done);    /* time = 100 */
    score_at(due);
    ck_assert_str_eq(dfmt(R[0].value), "80");
    ck_assert_str_eq(dfmt(R[0].time), "100");
    ck_assert_str_eq(dfmt(R[0].score), "90");
    ck_assert_str_eq(explain(0), "achieved value 80 × 50% + timeliness 100 × 50% = 90");
    M.mix_value = D("70"); /* 80 × 0.7 + 100 × 0.3 = 86 */
    score_at(due);
    ck_assert_str_eq(dfmt(R[0].score), "86");
    /* without date indicators the phases' timeliness is the time part */
    ph(1, "100", (rules_date){2022, 6, 30}, NULL);
    ind_number(1, "10", "5"); /* value 50, timeliness 0 (due and not done) */
    score_at(due);
    ck_assert(R[1].has_time);
    ck_assert_str_eq(dfmt(R[1].score), "35");
    /* only one part: it is the score */
    score_at((rules_date){2022, 1, 31});
    ck_assert_str_eq(dfmt(R[1].score), "50");
}
END_TEST

START_TEST(not_measured_zero_and_judgement)
{
    plan_reset(1);
    ind_number(0, "10", "10");
    ind_number(0, "10", NULL);
    score_at((rules_date){2024, 12, 31});
    ck_assert_str_eq(dfmt(R[0].score), "100"); /* leaves the mean */
    M.unmeasured = RULES_UNMEASURED_ZERO;
    score_at((rules_date){2024, 12, 31});
    ck_assert_str_eq(dfmt(R[0].score), "50");
    ck_assert_str_eq(explain(0), "mean of 1 measured indicator (those not measured count 0) = 50");
    /* a target that cannot be compared holds the objective until judged */
    int k = PL.n_indicators++;
    memset(&PI[k], 0, sizeof PI[k]);
    PI[k].has_target = 1;
    score_at((rules_date){2024, 12, 31});
    ck_assert_int_eq(R[0].status, RULES_SCORE_NEEDS_JUDGEMENT);
    ck_assert_int_eq(R[0].judgement_indicator, k);
    ck_assert_str_eq(explain(0), "1 indicator cannot be compared with its target and waits for an evaluator's judgement");
    PI[k].judged = 1;
    PI[k].judgement = D("40");
    score_at((rules_date){2024, 12, 31});
    ck_assert_str_eq(dfmt(R[0].score), "46.67"); /* (100 + 0 + 40) / 3 */
}
END_TEST

START_TEST(cascade_rolls_up)
{
    plan_reset(5);
    /* 0 strategic ← 1 DUP ← {2 (weight 60), 3 (weight 40)}; 4 strategic with no child */
    PO[1].parent = 0;
    PO[2].parent = PO[3].parent = 1;
    PS[0] = (rules_assignment){2, 0, D("60")};
    PS[1] = (rules_assignment){3, 0, D("40")};
    PL.n_assignments = 2;
    ind_number(2, "100", "100");
    ind_number(3, "100", "50");
    score_at((rules_date){2024, 12, 31});
    ck_assert_int_eq(R[1].status, RULES_SCORE_MEASURED);
    ck_assert(R[1].from_children && R[1].children_weighted);
    ck_assert_str_eq(dfmt(R[1].score), "80");
    ck_assert_str_eq(explain(1), "weighted mean (by their weights) of the 2 of 2 children scored = 80");
    ck_assert_str_eq(dfmt(R[0].score), "80");
    /* nothing to score it by: an evaluator's judgement (an override) is needed */
    ck_assert_int_eq(R[4].status, RULES_SCORE_NEEDS_JUDGEMENT);
    ck_assert(!R[4].from_children);
    ck_assert_str_eq(explain(4),
                     "no indicator, phase or child objective to score it: an evaluator's judgement is "
                     "needed (an approved override sets its score)");
    /* a child without weight: the plain mean (100 + 50) / 2 */
    PL.n_assignments = 1;
    score_at((rules_date){2024, 12, 31});
    ck_assert(!R[1].children_weighted);
    ck_assert_str_eq(dfmt(R[1].score), "75");
    /* a child waiting for a judgement holds its parents */
    int k = PL.n_indicators++;
    memset(&PI[k], 0, sizeof PI[k]);
    PI[k].objective = 3;
    PI[k].has_target = 1;
    score_at((rules_date){2024, 12, 31});
    ck_assert_int_eq(R[1].status, RULES_SCORE_NEEDS_JUDGEMENT);
    ck_assert_int_eq(R[0].status, RULES_SCORE_NEEDS_JUDGEMENT);
    /* no roll-up */
    M.no_roll_up = 1;
    score_at((rules_date){2024, 12, 31});
    ck_assert_int_eq(R[1].status, RULES_SCORE_NOT_MEASURED);
    /* a loop in the cascade (the checker reports it) leaves both not measured */
    M.no_roll_up = 0;
    plan_reset(2);
    PO[0].parent = 1;
    PO[1].parent = 0;
    score_at((rules_date){2024, 12, 31});
    ck_assert_int_eq(R[0].status, RULES_SCORE_NOT_MEASURED);
    ck_assert_int_eq(R[1].status, RULES_SCORE_NOT_MEASURED);
}
END_TEST

START_TEST(method_check_and_json)
{
    rules_method m = rules_method_default();
    rules_finding f[8];
    size_t n = 0;
    ck_assert_int_eq(rules_method_check(&m, f, 8, &n), 0);
    m.threshold = D("101");
    m.rounding = 3;
    m.mix_value = D("-1");
    ck_assert_int_eq(rules_method_check(&m, f, 8, &n), 3);
    ck_assert(has_finding(f, n, "method_out_of_range", "method.threshold"));
    ck_assert(has_finding(f, n, "method_out_of_range", "method.rounding"));
    ck_assert(has_finding(f, n, "method_out_of_range", "method.mix.value"));

    rules_error e;
    json_t *j = json_loads(
        "{\"combine\":\"mix\",\"mix\":{\"value\":60},\"phases\":\"cumulative\",\"threshold\":30,"
        "\"rounding\":1,\"not_measured\":\"zero\",\"late_per_day\":2.5,\"roll_up\":false}",
        0, NULL);
    ck_assert_int_eq(method_json_decode(j, &m, &e), 0);
    ck_assert_int_eq(m.combine, RULES_COMBINE_MIX);
    ck_assert_str_eq(dfmt(m.mix_value), "60");
    ck_assert_int_eq(m.phases, RULES_PHASES_CUMULATIVE);
    ck_assert_int_eq(m.rounding, 1);
    ck_assert_int_eq(m.unmeasured, RULES_UNMEASURED_ZERO);
    ck_assert_str_eq(dfmt(m.late_per_day), "2.5");
    ck_assert_int_eq(m.no_roll_up, 1);
    json_t *back = method_json_encode(&m);
    ck_assert_str_eq(json_string_value(json_object_get(back, "not_measured")), "zero");
    ck_assert(json_is_false(json_object_get(back, "roll_up")));
    json_decref(back);
    json_decref(j);
    ck_assert_int_eq(method_json_decode(NULL, &m, &e), 0);
    ck_assert_int_eq(m.rounding, 2);
    static const char *const bad[][2] = {{"{\"threshold\":150}", "method.threshold"},
                                         {"{\"rounding\":1.5}", "method.rounding"},
                                         {"{\"combine\":\"sum\"}", "method.combine"},
                                         {"{\"foo\":1}", "method.foo"},
                                         {"{\"mix\":{\"value\":50,\"time\":50}}", "method.mix"},
                                         {"{\"roll_up\":\"yes\"}", "method.roll_up"},
                                         {"[1]", "method"},
                                         {"{\"late_per_day\":\"2\"}", "method.late_per_day"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = json_loads(bad[i][0], 0, NULL);
        memset(&e, 0, sizeof e);
        ck_assert_int_eq(method_json_decode(j, &m, &e), -1);
        ck_assert_str_eq(e.field, bad[i][1]);
        json_decref(j);
    }
}
END_TEST

START_TEST(targets_from_json)
{
    rules_expected t;
    json_t *j = json_loads(
        "[40, \"100%\", \"2020-12-31\", \"31/12/2022\", true, \"trimestrale\", \"nessuna\", "
        "\"Almeno una revisione entro il 31/12/2020\", null]",
        0, NULL);
    ck_assert_int_eq(method_target(json_array_get(j, 0), "percent", 2024, &t), 1);
    ck_assert_int_eq(t.kind, RULES_EXPECTED_PERCENT);
    ck_assert_int_eq(method_target(json_array_get(j, 1), "number", 2024, &t), 1);
    ck_assert_str_eq(dfmt(t.number), "100");
    ck_assert_int_eq(method_target(json_array_get(j, 2), "date", 2020, &t), 1);
    ck_assert_int_eq(t.kind, RULES_EXPECTED_DATE);
    ck_assert_int_eq(method_target(json_array_get(j, 3), "date", 2022, &t), 1);
    ck_assert_int_eq(t.date.day, 31);
    ck_assert_int_eq(method_target(json_array_get(j, 4), "boolean", 2022, &t), 1);
    ck_assert_int_eq(t.kind, RULES_EXPECTED_BOOLEAN);
    for (int i = 5; i <= 7; i++)
        ck_assert_int_eq(method_target(json_array_get(j, (size_t)i), "number", 2022, &t), 0);
    ck_assert_int_eq(method_target(json_array_get(j, 8), "number", 2022, &t), -1);
    ck_assert_int_eq(method_target(NULL, "number", 2022, &t), -1);
    /* a kind the indicator's values cannot meet: "02/01/1900" (a spreadsheet's 2) for a number */
    json_t *mismatch = json_loads("[\"02/01/1900\", 40, true]", 0, NULL);
    ck_assert_int_eq(method_target(json_array_get(mismatch, 0), "number", 2020, &t), 0);
    ck_assert_int_eq(method_target(json_array_get(mismatch, 1), "date", 2020, &t), 0);
    ck_assert_int_eq(method_target(json_array_get(mismatch, 2), "number", 2020, &t), 0);
    ck_assert_int_eq(method_target(json_array_get(mismatch, 0), NULL, 2020, &t), 1);
    json_decref(mismatch);
    /* the stored text gives the same answers without jansson (escapes go through it) */
    static const char *const vt[] = {"percent", "number", "date",   "date",  "boolean",
                                     "number",  "number", "number", "number"};
    for (size_t i = 0; i < json_array_size(j); i++) {
        rules_expected a, b;
        char *text = json_dumps(json_array_get(j, i), JSON_ENCODE_ANY);
        int ca = method_target(json_array_get(j, i), vt[i], 2022, &a), cb = method_target_text(text, vt[i], 2022, &b);
        ck_assert_int_eq(ca, cb);
        if (ca == 1) {
            ck_assert_int_eq(a.kind, b.kind);
            ck_assert_str_eq(dfmt(a.number), dfmt(b.number));
        }
        free(text);
    }
    rules_expected esc;
    ck_assert_int_eq(method_target_text("\"31\\/12\\/2022\"", "date", 2022, &esc), 1);
    ck_assert_int_eq(esc.date.month, 12);
    ck_assert_int_eq(method_target_text("51294.82", "money", 2020, &esc), 1);
    ck_assert_str_eq(dfmt(esc.number), "51294.82");
    ck_assert_int_eq(method_target_text(NULL, "number", 2020, &esc), -1);
    json_decref(j);
    ck_assert_int_eq(method_direction("lower_is_better"), RULES_DIRECTION_LOWER);
    ck_assert_int_eq(method_direction("target"), RULES_DIRECTION_EXACT);
    ck_assert_int_eq(method_direction(NULL), RULES_DIRECTION_HIGHER);
}
END_TEST

Suite *method_suite(void)
{
    Suite *s = suite_create("method");
    TCase *tc = tcase_create("method");
    tcase_add_test(tc, number_ratio_both_directions);
    tcase_add_test(tc, threshold_and_rounding);
    tcase_add_test(tc, dates_and_lateness);
    tcase_add_test(tc, yes_no_and_judgement);
    tcase_add_test(tc, deviation_of_numbers);
    tcase_add_test(tc, phases_cumulative_and_share);
    tcase_add_test(tc, mix_value_and_time);
    tcase_add_test(tc, not_measured_zero_and_judgement);
    tcase_add_test(tc, cascade_rolls_up);
    tcase_add_test(tc, method_check_and_json);
    tcase_add_test(tc, targets_from_json);
    suite_add_tcase(s, tc);
    return s;
}
