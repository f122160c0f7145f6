/* plan_check.c — the plan checker: references, weights, phases, dates, rules and
 * codes of a whole plan, as findings a programming office can act on. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define HUNDRED (100 * (int64_t)RULES_DECIMAL_SCALE)
#define MAX_ITEMS 1000000

static int64_t clamp100(int64_t u) { return u < 0 ? 0 : u > HUNDRED ? HUNDRED : u; }

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
    return 8 * a + 11 * o + pow2_at_least(2 * max3(o, a, i));
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
                fnd_add(f, RULES_SEVERITY_ERROR, "duplicate_code", path, "code \"%s\" is already used by %s[%d]", q,
                        what, j);
                break;
            }
            h = (h + 1) & (size - 1);
        }
    }
}

static const char *obj_code(const rules_plan *p, int i) { return p->objectives[i].code; }
static const char *ind_code(const rules_plan *p, int i) { return p->indicators[i].code; }
static const char *asg_code(const rules_plan *p, int i) { return p->assignees[i].code; }

/* ---- Names a programming office knows ---------------------------------------------- */

static const char *ocode(const rules_plan *plan, int o, char q[48])
{
    const char *c = o >= 0 && o < plan->n_objectives ? plan->objectives[o].code : NULL;
    clip_input(q, 48, c && *c ? c : "?");
    return q;
}

/* "phase 2 of objective SIS-01" */
static const char *phase_name(const rules_plan *plan, int j, char *buf, size_t cap)
{
    char q[48];
    const rules_check_context *cx = plan->check;
    int seq = cx && cx->phases ? cx->phases[j].seq : 0;
    if (seq > 0)
        pfmt(buf, cap, "phase %d of objective %s", seq, ocode(plan, plan->phases[j].objective, q));
    else
        pfmt(buf, cap, "a phase of objective %s", ocode(plan, plan->phases[j].objective, q));
    return buf;
}

/* "indicator T1-I1 (objective 1)" */
static const char *indicator_name(const rules_plan *plan, int k, char *buf, size_t cap)
{
    char q[48], c[48];
    const char *code = plan->indicators[k].code;
    clip_input(c, sizeof c, code && *code ? code : "?");
    pfmt(buf, cap, "indicator %s (objective %s)", c, ocode(plan, plan->indicators[k].objective, q));
    return buf;
}

static const char *assignee_name(const rules_plan *plan, int a, char q[48])
{
    const char *c = plan->assignees[a].code;
    clip_input(q, 48, c && *c ? c : "?");
    return q;
}

/* ---- Dates ------------------------------------------------------------------------- */

static int in_years(const rules_plan *plan, int year)
{
    return plan->year_from <= 0 || plan->year_to <= 0 || (year >= plan->year_from && year <= plan->year_to);
}

static void years_text(const rules_plan *plan, char *buf, size_t cap)
{
    if (plan->year_from == plan->year_to)
        pfmt(buf, cap, "year %d", plan->year_from);
    else
        pfmt(buf, cap, "years %d-%d", plan->year_from, plan->year_to);
}

static void check_year(findings *f, const rules_plan *plan, rules_date d, const char *path, const char *who)
{
    if (in_years(plan, d.year))
        return;
    char ds[11], ys[24];
    rules_date_format_iso(d, ds);
    years_text(plan, ys, sizeof ys);
    fnd_add(f, RULES_SEVERITY_WARNING, "deadline_outside_plan", path,
            "the deadline of %s, %s, is outside the plan's %s", who, ds, ys);
}

static void check_before_adoption(findings *f, const rules_plan *plan, rules_date d, const char *path, const char *who)
{
    const rules_check_context *cx = plan->check;
    if (!cx || !cx->has_adopted || !rules_date_valid(d) || rules_date_compare(d, cx->adopted) >= 0)
        return;
    char ds[11], as[11];
    rules_date_format_iso(d, ds);
    rules_date_format_iso(cx->adopted, as);
    fnd_add(f, RULES_SEVERITY_WARNING, "deadline_before_adoption", path,
            "the deadline of %s, %s, had already passed when the plan was adopted on %s", who, ds, as);
}

static void check_rule_dates(findings *f, const rules_plan *plan, const rules_rule *r, const char *path,
                             const char *who, int depth)
{
    char p2[160];
    if (!r || depth > RULES_MAX_NESTING)
        return;
    if (r->kind == RULES_KIND_DEADLINE && rules_date_valid(r->deadline.due)) {
        pfmt(p2, sizeof p2, "%s.due", path);
        check_year(f, plan, r->deadline.due, p2, who);
    } else if (r->kind == RULES_KIND_FORMULA) {
        pfmt(p2, sizeof p2, "%s.then", path);
        check_rule_dates(f, plan, r->formula.then, p2, who, depth + 1);
    } else if (r->kind == RULES_KIND_ALL_TARGETS) {
        for (int i = 0; i < r->all_targets.count && i < RULES_MAX_PARTS; i++) {
            pfmt(p2, sizeof p2, "%s.parts[%d]", path, i);
            check_rule_dates(f, plan, r->all_targets.part[i], p2, who, depth + 1);
        }
    }
}

/* Dates written in a text of the plan: impossible ones, two-digit years, missing years,
 * and deadlines ("entro il ...") outside the plan's years or already past at adoption.
 * is_deadline: 1 the text is a deadline or a date target; 2 a phase's description ("31/12"
 * without a year counts); 0 a title or a name. */
static void check_text_dates(findings *f, const rules_plan *plan, const char *text, const char *path, const char *who,
                             int is_deadline)
{
    if (!text)
        return;
    size_t pos = 0;
    text_date d;
    char shown[48], ys[24];
    int n = 0;
    while (n++ < 20 && text_next_date(text, &pos, &d)) {
        pfmt(shown, sizeof shown, "%.*s", (int)(d.len < 40 ? d.len : 40), d.at);
        if ((d.year == 1900 || d.year == 1899) && !d.two_digit_year) { /* a spreadsheet's day 0, 1, 2... */
            fnd_add(f, RULES_SEVERITY_WARNING, "date_excel_serial", path,
                    "\"%s\" in %s is a spreadsheet's day number shown as a date, not a date of the plan", shown, who);
            continue;
        }
        int year = d.year == 0        ? (plan->year_from > 0 ? plan->year_from : 2000)
                   : d.two_digit_year ? 2000 + d.year
                                      : d.year;
        if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > rules_days_in_month(year, d.month)) {
            if (d.day == 0)
                fnd_add(f, RULES_SEVERITY_WARNING, "impossible_date", path,
                        "\"%s\" in %s is not a date: there is no day 0", shown, who);
            else if (d.month >= 1 && d.month <= 12)
                fnd_add(f, RULES_SEVERITY_WARNING, "impossible_date", path, "\"%s\" in %s is not a date: %s has %d days",
                        shown, who, text_month_name(d.month), rules_days_in_month(year, d.month));
            else
                fnd_add(f, RULES_SEVERITY_WARNING, "impossible_date", path,
                        "\"%s\" in %s is not a date: there is no month %d", shown, who, d.month);
            continue;
        }
        if (d.two_digit_year)
            fnd_add(f, RULES_SEVERITY_WARNING, "date_two_digit_year", path,
                    "\"%s\" in %s has a two-digit year: write %02d/%02d/%d", shown, who, d.day, d.month, year);
        else if (d.year == 0 && (is_deadline || d.after_deadline_word))
            fnd_add(f, RULES_SEVERITY_WARNING, "date_without_year", path,
                    "\"%s\" in %s has no year: write the year the deadline falls in", shown, who);
        if (d.year == 0 || !(is_deadline == 1 || d.after_deadline_word))
            continue;
        if (!in_years(plan, year)) {
            years_text(plan, ys, sizeof ys);
            fnd_add(f, RULES_SEVERITY_WARNING, "date_outside_plan", path,
                    "the deadline \"%s\" in %s is outside the plan's %s", shown, who, ys);
        } else {
            check_before_adoption(f, plan, (rules_date){year, d.month, d.day}, path, who);
        }
    }
}

static void check_serial(findings *f, const char *text, const char *path, const char *who)
{
    rules_date d;
    char ds[11];
    if (!text || !text_spreadsheet_serial(text, &d))
        return;
    rules_date_format_iso(d, ds);
    fnd_add(f, RULES_SEVERITY_WARNING, "date_excel_serial", path,
            "%s gives %s where a date belongs: a spreadsheet's day number for %s", who, text, ds);
}

/* 1 when expr divides by an input or a bracket (which may be zero), not by a constant. */
static int formula_divides_by_input(const char *expr)
{
    for (const char *p = expr; *p; p++) {
        if (*p != '/')
            continue;
        const char *q = p + 1;
        while (*q == ' ')
            q++;
        if (*q == '(' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_')
            return 1;
    }
    return 0;
}

/* ---- Targets ----------------------------------------------------------------------- */

/* A target or baseline as written, classified; 0 when it is not a comparable value. */
static int read_expected(const char *text, int year, rules_expected *e)
{
    if (!text || !*text)
        return 0;
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) { /* a JSON yes/no */
        e->kind = RULES_EXPECTED_BOOLEAN;
        e->boolean = text[0] == 't';
        return 1;
    }
    if (rules_decimal_parse_plain(text, 4, &e->number, NULL) == 0) { /* a JSON number */
        e->kind = RULES_EXPECTED_NUMBER;
        return 1;
    }
    return rules_expected_parse_it(text, year, e, NULL) == 0 && e->kind != RULES_EXPECTED_FREQUENCY;
}

/* a compared with b in the direction: 1 better, 0 equal, -1 worse. */
static int better(const rules_expected *a, const rules_expected *b, rules_direction dir)
{
    int c = a->kind == RULES_EXPECTED_DATE ? rules_date_compare(a->date, b->date)
                                           : (a->number.units > b->number.units) - (a->number.units < b->number.units);
    return dir == RULES_DIRECTION_LOWER ? -c : c;
}

static int comparable(const rules_expected *a, const rules_expected *b)
{
    int an = a->kind == RULES_EXPECTED_NUMBER || a->kind == RULES_EXPECTED_PERCENT || a->kind == RULES_EXPECTED_EURO;
    return (a->kind == b->kind && a->kind != RULES_EXPECTED_BOOLEAN) ||
           (an && b->kind == RULES_EXPECTED_NUMBER && a->kind != RULES_EXPECTED_DATE) ||
           (b->kind == RULES_EXPECTED_NUMBER && a->kind == RULES_EXPECTED_NUMBER);
}

static void check_target(findings *f, const rules_plan *plan, int k, const char *path)
{
    const rules_check_indicator *ci = &plan->check->indicators[k];
    char who[160], q[48], op[4], vs[32], ws[32];
    indicator_name(plan, k, who, sizeof who);
    const char *t = ci->target;
    int year = plan->year_from > 0 ? plan->year_from : 2000;
    rules_expected te, be;
    memset(&te, 0, sizeof te);
    int has_t = read_expected(t, year, &te);
    rules_decimal n;
    int pc;
    if (t && *t) {
        clip_input(q, sizeof q, t);
        rules_expected fe;
        if (text_operator(t, op, &n, &pc))
            fnd_add(f, RULES_SEVERITY_WARNING, "target_operator_in_text", path,
                    "the target of %s, \"%s\", holds the operator %s: give the number %s%s as the target and "
                    "the direction %s",
                    who, q, op, rules_decimal_format_short(n, vs), pc ? "%" : "",
                    op[0] == '<' ? "lower_is_better" : "higher_is_better");
        else if (rules_expected_parse_it(t, year, &fe, NULL) == 0 && fe.kind == RULES_EXPECTED_FREQUENCY)
            fnd_add(f, RULES_SEVERITY_WARNING, "target_not_measurable", path,
                    "the target of %s, \"%s\", is a frequency, not a value to reach: state what must be done "
                    "how many times",
                    who, q);
        else if (!has_t && !strstr(t, "/1900") && !strstr(t, "/1899")) /* those: date_excel_serial */
            fnd_add(f, RULES_SEVERITY_WARNING, "target_not_measurable", path,
                    "the target of %s, \"%s\", is not a number, a percentage, an amount, a date or Si/No: "
                    "it cannot be measured as written",
                    who, q);
        if (ci->date_valued)
            check_serial(f, t, path, who);
        if (has_t && te.kind == RULES_EXPECTED_DATE && rules_date_parse_iso(t, &te.date, NULL) == 0) {
            /* the objective's own years where it states them, else the plan's first year */
            const rules_check_objective *co = plan->check->objectives
                                                  ? &plan->check->objectives[plan->indicators[k].objective]
                                                  : NULL;
            rules_plan own = *plan;
            if (co && co->year_from > 0) {
                own.year_from = co->year_from;
                own.year_to = co->year_to >= co->year_from ? co->year_to : co->year_from;
            } else if (co) {
                own.year_to = own.year_from;
            }
            char ys[24];
            years_text(&own, ys, sizeof ys);
            if (!in_years(&own, te.date.year))
                fnd_add(f, RULES_SEVERITY_WARNING, "date_outside_plan", path,
                        "the target date of %s, %s, is outside the plan's %s", who, t, ys);
            else
                check_before_adoption(f, plan, te.date, path, who);
        }
        check_text_dates(f, plan, t, path, who, ci->date_valued);
    } else if (ci->name && text_operator(ci->name, op, &n, &pc)) {
        clip_input(q, sizeof q, ci->name);
        fnd_add(f, RULES_SEVERITY_WARNING, "target_operator_in_text", path,
                "%s has no target; its name \"%s\" holds %s %s%s: give %s%s as the target", who, q, op,
                rules_decimal_format_short(n, vs), pc ? "%" : "", rules_decimal_format_short(n, ws), pc ? "%" : "");
    }
    if (ci->name)
        check_text_dates(f, plan, ci->name, path, who, 0);
    /* a number that contradicts the words: "almeno il 5%" and a target of 72,19% */
    if (has_t && (te.kind == RULES_EXPECTED_NUMBER || te.kind == RULES_EXPECTED_PERCENT) && ci->name &&
        text_stated_number(ci->name, &n, &pc) && n.units != te.number.units &&
        (pc == (te.kind == RULES_EXPECTED_PERCENT) || te.kind == RULES_EXPECTED_NUMBER)) {
        clip_input(q, sizeof q, t);
        fnd_add(f, RULES_SEVERITY_WARNING, "target_contradicts_text", path,
                "the target of %s is %s, but its description states %s%s", who, q, rules_decimal_format_short(n, vs),
                pc ? "%" : "");
    }
    /* a direction its own words contradict */
    int dc = text_direction_conflict(ci->name, ci->direction);
    if (dc) {
        clip_input(q, sizeof q, ci->name);
        fnd_add(f, RULES_SEVERITY_WARNING, "target_contradicts_text", path,
                "%s counts \"%s\" as %s is better: its words say the opposite", who, q, dc > 0 ? "more" : "fewer");
    }
    /* a target the baseline already meets */
    memset(&be, 0, sizeof be);
    if (has_t && ci->direction != RULES_DIRECTION_AUTO && read_expected(ci->baseline, year, &be) &&
        comparable(&te, &be) && better(&be, &te, ci->direction) >= 0) {
        char bq[48];
        clip_input(q, sizeof q, t);
        clip_input(bq, sizeof bq, ci->baseline);
        fnd_add(f, RULES_SEVERITY_WARNING, "target_met_by_baseline", path,
                "the target of %s, %s, is already met by its baseline %s", who, q, bq);
    }
}

/* 1 when indicator k has a target that can be compared with another's (a number, a
 * percentage, an amount or a date) and a direction; e receives it. */
static int comparable_target(const rules_plan *plan, int k, rules_expected *e)
{
    const rules_check_indicator *ci = &plan->check->indicators[k];
    return ci->direction != RULES_DIRECTION_AUTO &&
           read_expected(ci->target, plan->year_from > 0 ? plan->year_from : 2000, e) &&
           e->kind != RULES_EXPECTED_BOOLEAN;
}

/* A child's (PEG) target weaker than its parent's (DUP) one, when the parent has exactly one
 * comparable target (o_tcnt, o_tlast: per objective, how many and the last one + 1) of the same
 * kind and direction. */
static void check_target_vs_parent(findings *f, const rules_plan *plan, int k, const char *path, const int64_t *o_tcnt,
                                   const int64_t *o_tlast)
{
    const rules_check_indicator *ci = plan->check->indicators;
    int o = plan->indicators[k].objective, par = plan->objectives[o].parent;
    rules_expected te, best;
    if (par < 0 || o_tcnt[par] != 1 || !comparable_target(plan, k, &te))
        return;
    int pk = (int)o_tlast[par] - 1;
    if (!comparable_target(plan, pk, &best) || best.kind != te.kind || ci[pk].direction != ci[k].direction ||
        better(&te, &best, ci[k].direction) >= 0)
        return;
    char who[160], pw[160], q[48], pq[48];
    clip_input(q, sizeof q, ci[k].target);
    clip_input(pq, sizeof pq, ci[pk].target);
    fnd_add(f, RULES_SEVERITY_WARNING, "target_weaker_than_parent", path,
            "the target of %s, %s, asks less than %s above it, %s", indicator_name(plan, k, who, sizeof who), q,
            indicator_name(plan, pk, pw, sizeof pw), pq);
}

/* ---- Organisation ------------------------------------------------------------------ */

static void norm_name(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            out[o++] = (char)c;
        else if (c >= 'A' && c <= 'Z')
            out[o++] = (char)(c - 'A' + 'a');
    }
    out[o] = '\0';
}

static void check_organisation(findings *f, const rules_plan *plan, int64_t *led)
{
    const rules_check_context *cx = plan->check;
    char path[96], q[48], q2[48], nm[48];
    int ns = cx->n_structures < 100000 ? cx->n_structures : 100000;
    int np = cx->n_people < 100000 ? cx->n_people : 100000;
    if (!cx->structures || ns <= 0)
        return;
    for (int p = 0; p < np && cx->people; p++)
        led[p] = 0;
    for (int s = 0; s < ns; s++) {
        const rules_check_structure *st = &cx->structures[s];
        clip_input(q, sizeof q, st->code ? st->code : "?");
        pfmt(path, sizeof path, "structures[%d]", s);
        if (st->manager >= 0 && st->manager < np)
            led[st->manager]++;
        else if (st->manager == -1)
            fnd_add(f, RULES_SEVERITY_WARNING, "structure_without_manager", path, "structure %s names no manager%s", q,
                    st->carries_objectives ? ": nobody answers for its objectives" : "");
    }
    for (int p = 0; p < np && cx->people; p++) {
        const rules_check_person *pe = &cx->people[p];
        if (led[p] || pe->role == RULES_ROLE_OTHER)
            continue;
        clip_input(q, sizeof q, pe->name ? pe->name : pe->code ? pe->code : "?");
        pfmt(path, sizeof path, "people[%d]", p);
        if (pe->role == RULES_ROLE_MANAGER)
            fnd_add(f, RULES_SEVERITY_WARNING, "manager_without_structure", path,
                    "%s is a manager but leads no structure of the plan", q);
        else
            fnd_add(f, RULES_SEVERITY_WARNING, "eq_without_unit", path,
                    "%s holds an EQ post but no unit is given to them", q);
    }
    /* one structure under several names: the same name under different codes (quadratic,
     * so only for organisations of a municipal size) */
    for (int s = 0; s < ns && ns <= 2000; s++) {
        char a[96], b[96];
        norm_name(cx->structures[s].name ? cx->structures[s].name : "", a, sizeof a);
        if (!a[0])
            continue;
        for (int t = s + 1; t < ns; t++) {
            norm_name(cx->structures[t].name ? cx->structures[t].name : "", b, sizeof b);
            if (strcmp(a, b) != 0)
                continue;
            clip_input(q, sizeof q, cx->structures[s].code ? cx->structures[s].code : "?");
            clip_input(q2, sizeof q2, cx->structures[t].code ? cx->structures[t].code : "?");
            clip_input(nm, sizeof nm, cx->structures[s].name);
            pfmt(path, sizeof path, "structures[%d]", s);
            fnd_add(f, RULES_SEVERITY_WARNING, "structure_several_names", path,
                    "structures %s and %s are both \"%s\": one structure under two codes", q, q2, nm);
            break;
        }
    }
}

/* ---- The checker ------------------------------------------------------------------- */

int rules_plan_check(const rules_plan *plan, rules_finding *out, size_t cap, size_t *n_found, int64_t *scratch,
                     size_t scratch_len)
{
    findings f = {out, cap, 0, 0};
    char path[96], vs[32], ws[48], who[160], q[48];
    int no = plan->n_objectives, na = plan->n_assignees;
    size_t need = rules_plan_check_scratch(plan);
    const rules_check_context *cx = plan->check;
    int refs_ok = 1;

    if (n_found)
        *n_found = 0;
    if (!scratch || scratch_len < need || no < 0 || na < 0 || plan->n_indicators < 0 || plan->n_phases < 0 ||
        plan->n_assignments < 0 || no > MAX_ITEMS || na > MAX_ITEMS || plan->n_indicators > MAX_ITEMS ||
        plan->n_phases > MAX_ITEMS || plan->n_assignments > MAX_ITEMS)
        return -1;
    int64_t *a_w = scratch;                   /* per assignee: Σ weights given */
    int64_t *a_pay = a_w + na;                /* per assignee: Σ weights of payment objectives */
    int64_t *a_n = a_pay + na;                /* per assignee: assignments */
    int64_t *a_nw = a_n + na;                 /* per assignee: assignments with a weight */
    int64_t *a_paypos = a_nw + na;            /* per assignee: its first payment assignment + 1 */
    int64_t *a_slots = a_paypos + na;         /* per assignee and type (3): objectives of that type */
    int64_t *o_pw = a_slots + 3 * (size_t)na; /* per objective: Σ phase weights */
    int64_t *o_np = o_pw + no;                /* per objective: weighted phases */
    int64_t *o_run = o_np + no;               /* per objective: running Σ of phase weights */
    int64_t *o_cnt = o_run + no;              /* per objective: phases + indicators */
    int64_t *o_child = o_cnt + no;            /* per objective: objectives under it */
    int64_t *o_ph = o_child + no;             /* per objective: phases */
    int64_t *o_last = o_ph + no;              /* per objective: last phase deadline (ordinal + 1) */
    int64_t *o_cum = o_last + no;             /* per objective: last cumulative + 1 */
    int64_t *o_lastph = o_cum + no;           /* per objective: index of its last phase + 1 */
    int64_t *o_tcnt = o_lastph + no;          /* per objective: indicators with a comparable target */
    int64_t *o_tlast = o_tcnt + no;           /* per objective: the last of them + 1 */
    int64_t *table = o_tlast + no;
    size_t table_size = need - (size_t)(table - scratch);
    memset(scratch, 0, (size_t)(table - scratch) * sizeof *scratch);

    /* references */
    for (int i = 0; i < no; i++) {
        int p = plan->objectives[i].parent;
        if (p < -1 || p >= no) {
            pfmt(path, sizeof path, "objectives[%d].parent", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "the parent of objective %s is not an objective of the plan", ocode(plan, i, q));
            refs_ok = 0;
        }
    }
    for (int k = 0; k < plan->n_indicators; k++) {
        int o = plan->indicators[k].objective;
        if (o < 0 || o >= no) {
            pfmt(path, sizeof path, "indicators[%d].objective", k);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "the objective of an indicator is not in the plan");
            refs_ok = 0;
        }
    }
    for (int j = 0; j < plan->n_phases; j++) {
        const rules_phase *ph = &plan->phases[j];
        if (ph->objective < 0 || ph->objective >= no) {
            pfmt(path, sizeof path, "phases[%d].objective", j);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path, "the objective of a phase is not in the plan");
            refs_ok = 0;
            continue;
        }
        for (int k = 0; ph->owners && k < ph->n_owners; k++)
            if (ph->owners[k] < 0 || ph->owners[k] >= na) {
                pfmt(path, sizeof path, "phases[%d].owners", j);
                fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                        "an owner of %s is not an assignee of the plan", phase_name(plan, j, who, sizeof who));
                break;
            }
    }
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        if (x->objective < 0 || x->objective >= no || x->assignee < 0 || x->assignee >= na) {
            pfmt(path, sizeof path, "assignments[%d]", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_reference", path,
                    "an assignment refers to a missing objective or assignee");
            refs_ok = 0;
        }
    }
    if (!refs_ok)
        goto done;

    /* assignee weights and the payment-timeliness share */
    int any_weight = 0;
    for (int i = 0; i < plan->n_assignments; i++) {
        const rules_assignment *x = &plan->assignments[i];
        int given = !cx || !cx->assignment_weighted || cx->assignment_weighted[i];
        a_n[x->assignee]++;
        if (!given) {
            if (plan->objectives[x->objective].payment_timeliness)
                a_paypos[x->assignee] = -1; /* its payment share is not known */
            continue;
        }
        any_weight = 1;
        a_nw[x->assignee]++;
        int64_t w = x->weight.units;
        if (w < 0 || w > HUNDRED) {
            pfmt(path, sizeof path, "assignments[%d].weight", i);
            fnd_add(&f, RULES_SEVERITY_ERROR, "weight_out_of_range", path,
                    "the weight of objective %s for %s is %s, outside 0..100", ocode(plan, x->objective, q),
                    assignee_name(plan, x->assignee, ws), rules_decimal_format_short(x->weight, vs));
            w = clamp100(w);
        }
        a_w[x->assignee] += w;
        if (plan->objectives[x->objective].payment_timeliness) {
            a_pay[x->assignee] += w;
            if (a_paypos[x->assignee] == 0)
                a_paypos[x->assignee] = i + 1;
        }
    }
    if (!any_weight && plan->n_assignments > 0)
        fnd_add(&f, RULES_SEVERITY_WARNING, "plan_without_weights", "plan",
                "no objective of the plan has a weight: every assignee's objectives count the same");
    for (int i = 0; any_weight && plan->n_assignments > 0 && cx && cx->assignment_weighted && i < plan->n_assignments;
         i++) {
        const rules_assignment *x = &plan->assignments[i];
        if (cx->assignment_weighted[i] || a_nw[x->assignee] == 0)
            continue;
        pfmt(path, sizeof path, "assignments[%d].weight", i);
        fnd_add(&f, RULES_SEVERITY_WARNING, "assignment_without_weight", path,
                "objective %s of %s has no weight, beside weighted ones", ocode(plan, x->objective, q),
                assignee_name(plan, x->assignee, ws));
    }
    for (int a = 0; a < na; a++) {
        assignee_name(plan, a, q);
        pfmt(path, sizeof path, "assignees[%d]", a);
        if (any_weight && a_n[a] > 0 && a_nw[a] == 0)
            fnd_add(&f, RULES_SEVERITY_WARNING, "assignee_without_weights", path,
                    "none of the %d objectives of %s has a weight", (int)a_n[a], q);
        if (a_nw[a] > 0 && a_w[a] != HUNDRED)
            fnd_add(&f, RULES_SEVERITY_WARNING, "assignee_weights_not_100", path,
                    "the objective weights of %s total %s, not 100", q,
                    rules_decimal_format_short((rules_decimal){a_w[a]}, vs));
        /* the share of the weights given, or of 100 where weights are missing */
        if (plan->assignees[a].is_manager && a_w[a] > 0 && a_paypos[a] >= 0 &&
            a_pay[a] * 10 < (a_w[a] > HUNDRED ? a_w[a] : HUNDRED) * 3) {
            char pp[96];
            if (a_paypos[a] > 0)
                pfmt(pp, sizeof pp, "assignments[%d].weight", (int)a_paypos[a] - 1);
            else
                pfmt(pp, sizeof pp, "%s", path);
            fnd_add(&f, RULES_SEVERITY_WARNING, "payment_timeliness_below_30", pp,
                    "payment-timeliness objectives weigh %s of %s for %s: DL 13/2023 art. 4-bis requires at "
                    "least 30%%",
                    rules_decimal_format_short((rules_decimal){a_pay[a]}, vs),
                    rules_decimal_format_short((rules_decimal){a_w[a]}, ws), q);
        }
    }

    /* slots: no more objectives of a type than the plan has columns for it (the highest slot used) */
    if (cx && cx->assignments) {
        int limit[4] = {0, 0, 0, 0};
        static const char *const type_name[4] = {"", "entity", "structure", "individual"};
        for (int i = 0; i < plan->n_assignments; i++) {
            const rules_check_assignment *ca = &cx->assignments[i];
            int sc = ca->scope        ? (int)ca->scope
                     : cx->objectives ? (int)cx->objectives[plan->assignments[i].objective].scope
                                      : 0;
            if (sc < 1 || sc > 3)
                continue;
            if (ca->slot > limit[sc])
                limit[sc] = ca->slot;
            a_slots[3 * (size_t)plan->assignments[i].assignee + (size_t)sc - 1]++;
        }
        for (int a = 0; a < na; a++)
            for (int sc = 1; sc <= 3; sc++)
                if (limit[sc] > 0 && a_slots[3 * (size_t)a + (size_t)sc - 1] > limit[sc]) {
                    pfmt(path, sizeof path, "assignees[%d]", a);
                    fnd_add(&f, RULES_SEVERITY_WARNING, "slot_over_limit", path,
                            "%s carries %d %s objectives, but the plan has %d slot%s for them",
                            assignee_name(plan, a, q), (int)a_slots[3 * (size_t)a + (size_t)sc - 1], type_name[sc],
                            limit[sc], limit[sc] > 1 ? "s" : "");
                }
    }

    /* phases: weights, cumulative values, dates, order */
    for (int j = 0; j < plan->n_phases; j++) {
        const rules_phase *ph = &plan->phases[j];
        const rules_check_phase *cp = cx && cx->phases ? &cx->phases[j] : NULL;
        int o = ph->objective;
        phase_name(plan, j, who, sizeof who);
        o_cnt[o]++;
        o_ph[o]++;
        o_lastph[o] = j + 1;
        if (ph->has_weight) {
            int64_t w = ph->weight.units;
            if (w < 0 || w > HUNDRED) {
                pfmt(path, sizeof path, "phases[%d].weight", j);
                fnd_add(&f, RULES_SEVERITY_ERROR, "weight_out_of_range", path, "the weight of %s is %s, outside 0..100",
                        who, rules_decimal_format_short(ph->weight, vs));
            }
            o_pw[o] += clamp100(w);
            o_np[o]++;
            o_run[o] += clamp100(w);
        }
        if (ph->has_cumulative) {
            pfmt(path, sizeof path, "phases[%d].cumulative", j);
            if (o_cum[o] > 0 && ph->cumulative.units < o_cum[o] - 1)
                fnd_add(&f, RULES_SEVERITY_WARNING, "phase_cumulative_not_rising", path,
                        "the cumulative value of %s, %s, is below the one before it, %s", who,
                        rules_decimal_format_short(ph->cumulative, vs),
                        rules_decimal_format_short((rules_decimal){o_cum[o] - 1}, ws));
            else if (o_np[o] > 0 && ph->cumulative.units != o_run[o])
                fnd_add(&f, RULES_SEVERITY_WARNING, "phase_cumulative_mismatch", path,
                        "the cumulative value of %s, %s, does not follow from the weights: the phases up to it "
                        "weigh %s",
                        who, rules_decimal_format_short(ph->cumulative, vs),
                        rules_decimal_format_short((rules_decimal){o_run[o]}, ws));
            o_cum[o] = ph->cumulative.units + 1;
        }
        if (ph->has_deadline) {
            pfmt(path, sizeof path, "phases[%d].deadline", j);
            if (!rules_date_valid(ph->deadline)) {
                fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_date", path, "the deadline of %s is not a date", who);
            } else {
                check_year(&f, plan, ph->deadline, path, who);
                check_before_adoption(&f, plan, ph->deadline, path, who);
                int64_t ord = rules_date_ordinal(ph->deadline) + 1;
                if (o_last[o] > ord) {
                    char ds[11];
                    rules_date_format_iso(ph->deadline, ds);
                    fnd_add(&f, RULES_SEVERITY_WARNING, "phases_out_of_order", path,
                            "%s is due on %s, before the phase that precedes it", who, ds);
                }
                o_last[o] = ord;
                int m = cp && cp->description ? text_month_label(cp->description) : 0;
                if (m && m != ph->deadline.month) {
                    char ds[11];
                    rules_date_format_iso(ph->deadline, ds);
                    fnd_add(&f, RULES_SEVERITY_WARNING, "deadline_label_mismatch", path,
                            "%s is labelled \"%s\" but due on %s", who, text_month_name(m), ds);
                }
            }
        }
        if (!ph->has_deadline && !(cp && cp->deadline_text)) {
            pfmt(path, sizeof path, "phases[%d].deadline", j);
            fnd_add(&f, RULES_SEVERITY_INFO, "phase_without_deadline", path,
                    "%s has no deadline: its timeliness cannot be judged", who);
        }
        if (cp && cp->deadline_text) {
            pfmt(path, sizeof path, "phases[%d].deadline", j);
            check_serial(&f, cp->deadline_text, path, who);
            check_text_dates(&f, plan, cp->deadline_text, path, who, 1);
        }
        if (cp && cp->description) {
            pfmt(path, sizeof path, "phases[%d].description", j);
            check_text_dates(&f, plan, cp->description, path, who, 2);
        }
        if (ph->completed && !rules_date_valid(ph->completed_on)) {
            pfmt(path, sizeof path, "phases[%d].completed_on", j);
            fnd_add(&f, RULES_SEVERITY_ERROR, "invalid_date", path, "the completion date of %s is not a date", who);
        }
    }
    for (int j = 0; j < plan->n_phases; j++) {
        const rules_phase *ph = &plan->phases[j];
        if (!ph->has_weight && o_np[ph->objective] > 0) {
            pfmt(path, sizeof path, "phases[%d].weight", j);
            fnd_add(&f, RULES_SEVERITY_WARNING, "phase_without_weight", path,
                    "%s has no weight, beside weighted phases: it does not count", phase_name(plan, j, who, sizeof who));
        }
    }
    for (int i = 0; i < no; i++) {
        ocode(plan, i, q);
        if (o_np[i] > 0 && o_pw[i] != HUNDRED) {
            pfmt(path, sizeof path, "objectives[%d].phases", i);
            fnd_add(&f, RULES_SEVERITY_WARNING, "phase_weights_not_100", path,
                    "the phase weights of objective %s total %s, not 100", q,
                    rules_decimal_format_short((rules_decimal){o_pw[i]}, vs));
        }
        if (o_cum[i] > 0 && o_cum[i] - 1 != HUNDRED) {
            pfmt(path, sizeof path, "phases[%d].cumulative", (int)o_lastph[i] - 1);
            fnd_add(&f, RULES_SEVERITY_WARNING, "phase_cumulative_not_100", path,
                    "the cumulative values of objective %s end at %s, not 100", q,
                    rules_decimal_format_short((rules_decimal){o_cum[i] - 1}, vs));
        }
    }

    /* indicators: rules, targets and their checks */
    for (int k = 0; cx && cx->indicators && k < plan->n_indicators; k++) {
        rules_expected e;
        if (comparable_target(plan, k, &e)) {
            o_tcnt[plan->indicators[k].objective]++;
            o_tlast[plan->indicators[k].objective] = k + 1;
        }
    }
    for (int k = 0; k < plan->n_indicators; k++) {
        const rules_indicator *ind = &plan->indicators[k];
        const rules_check_indicator *ci = cx && cx->indicators ? &cx->indicators[k] : NULL;
        o_cnt[ind->objective]++;
        indicator_name(plan, k, who, sizeof who);
        if (ci) {
            pfmt(path, sizeof path, "indicators[%d].target", k);
            check_target(&f, plan, k, path);
            check_target_vs_parent(&f, plan, k, path, o_tcnt, o_tlast);
        }
        if (!ind->rule) {
            if (!ind->has_target && (!ci || !ci->target || !*ci->target)) {
                pfmt(path, sizeof path, "indicators[%d].target", k);
                fnd_add(&f, RULES_SEVERITY_WARNING, "indicator_without_target", path,
                        "%s has neither a target nor a scoring rule: it cannot be measured", who);
            }
            continue;
        }
        pfmt(path, sizeof path, "indicators[%d].rule", k);
        size_t n = 0;
        int errs = rules_check(ind->rule, path, f.out && f.count < f.cap ? f.out + f.count : NULL,
                               f.out && f.count < f.cap ? f.cap - f.count : 0, &n);
        f.count += n;
        f.errors += errs;
        check_rule_dates(&f, plan, ind->rule, path, who, 1);
        if (ind->rule->kind == RULES_KIND_FORMULA && formula_divides_by_input(ind->rule->formula.expr)) {
            char ex[48];
            clip_input(ex, sizeof ex, ind->rule->formula.expr);
            fnd_add(&f, RULES_SEVERITY_WARNING, "formula_division_by_zero", path,
                    "the formula of %s, \"%s\", divides by a value that may be zero: say what it scores then", who, ex);
        }
    }

    /* the cascade: what measures each objective, what hangs from what */
    int cascaded[4] = {0, 0, 0, 0}; /* per level: some objective of it hangs from a parent */
    for (int i = 0; i < no; i++)
        if (plan->objectives[i].parent >= 0) {
            o_child[plan->objectives[i].parent]++;
            rules_level lv = cx && cx->objectives ? cx->objectives[i].level : RULES_LEVEL_UNKNOWN;
            cascaded[lv >= 0 && lv <= 3 ? lv : 0] = 1;
        }
    for (int i = 0; i < no; i++) {
        rules_level lv = cx && cx->objectives ? cx->objectives[i].level : RULES_LEVEL_UNKNOWN;
        ocode(plan, i, q);
        pfmt(path, sizeof path, "objectives[%d]", i);
        if (lv == RULES_LEVEL_STRATEGIC && o_child[i] == 0 && o_cnt[i] == 0)
            fnd_add(&f, RULES_SEVERITY_WARNING, "strategic_without_children", path,
                    "strategic objective %s has no objective under it: nothing measures it", q);
        else if (o_cnt[i] == 0 && o_child[i] == 0)
            fnd_add(&f, RULES_SEVERITY_WARNING, "objective_without_measure", path,
                    "objective %s has no indicator, no phase and no objective under it: it cannot be measured", q);
        if (lv != RULES_LEVEL_STRATEGIC && lv != RULES_LEVEL_UNKNOWN && cascaded[lv] &&
            plan->objectives[i].parent < 0 && !cx->objectives[i].routine)
            fnd_add(&f, RULES_SEVERITY_WARNING, "objective_without_parent", path,
                    "objective %s hangs from no objective above it, in a plan where objectives cascade", q);
        if (cx && cx->objectives && cx->objectives[i].n_notes > 0) {
            char nq[48];
            clip_input(nq, sizeof nq, cx->objectives[i].note ? cx->objectives[i].note : "");
            fnd_add(&f, RULES_SEVERITY_WARNING, "seed_conflict", path,
                    "the source of objective %s contradicts itself (%d note%s): \"%s\"", q, cx->objectives[i].n_notes,
                    cx->objectives[i].n_notes > 1 ? "s" : "", nq);
        }
        if (cx && cx->objectives && (!cx->objectives[i].title || !*cx->objectives[i].title))
            fnd_add(&f, RULES_SEVERITY_WARNING, "objective_without_title", path, "objective %s has no title", q);
        if (cx && cx->objectives && cx->objectives[i].title) {
            char w2[96];
            pfmt(w2, sizeof w2, "the title of objective %s", q);
            check_text_dates(&f, plan, cx->objectives[i].title, path, w2, 0);
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
                "the cascade of objective %s loops back to it after %d step%s", ocode(plan, i, q), steps + 1,
                steps ? "s" : "");
    }

    /* the law: adoption by 31 January of the plan's year */
    /* (2022: the PIAO's first year, due by 30 June 2022, DL 36/2022 art. 7) */
    rules_date due = {plan->year_from, plan->year_from == 2022 ? 6 : 1, plan->year_from == 2022 ? 30 : 31};
    if (cx && cx->has_adopted && plan->year_from > 0 && rules_date_compare(cx->adopted, due) > 0) {
        char ds[11], dd[11];
        rules_date_format_iso(cx->adopted, ds);
        rules_date_format_iso(due, dd);
        fnd_add(&f, RULES_SEVERITY_WARNING, "plan_adopted_late", "plan",
                "the plan was adopted on %s, after its legal deadline %s (art. 10 D.Lgs. 150/2009, art. 6 "
                "DL 80/2021)",
                ds, dd);
    }

    /* duplicate codes */
    check_duplicates(&f, "objectives", no, obj_code, plan, table, table_size);
    check_duplicates(&f, "indicators", plan->n_indicators, ind_code, plan, table, table_size);
    check_duplicates(&f, "assignees", na, asg_code, plan, table, table_size);

    if (cx && cx->structures && (size_t)cx->n_people <= table_size)
        check_organisation(&f, plan, table);

done:
    if (n_found)
        *n_found = f.count;
    return f.errors;
}
