/* report.c — the Relazione of a scored plan (api/report.h): as one jansson tree
 * (plan_report_json: report_document's, the test aid CICLO_REPORT_TREE's and the plan
 * document's), or written piece by piece into an answer's buf (report_stream_*: the JSON, CSV
 * and HTML answers and the workbook, issue 21), where each
 * row, total and objective is built as a small tree, dumped and freed at once. Both are made
 * of the same pieces (row_json, total_json, entity_json, cascade_json), so they never differ. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/personal.h"
#include "api/report.h"
#include "api/scoring.h"
#include "codec/rule_json.h"
#include "core/buf.h"
#include "render/csv_report.h"
#include "render/report_groups.h"
#include "render/report_html.h"
#include "render/xlsx_report.h"

struct report_stream {
    int64_t plan_id;
    scored s;
    json_t *analyses;          /* scored_deviation_analyses' (may be NULL) */
    int *ind_start, *ind_list; /* indicators grouped by objective (CSR, in s.m.mem) */
    int *ph_start, *ph_list;   /* phases grouped by objective (CSR, in s.m.mem) */
    int *listed;               /* the assignees the report lists, in the model's order (s.m.mem) */
    unsigned char *carried;    /* by objective: CARRIED_UNSEEN | CARRIED_SEEN (s.m.mem) */
    int n_listed;
    size_t *order; /* report_stream_order's: document order, indexes into listed (s.m.mem) */
};

/* Whom an objective is assigned to, as the caller sees them: a person (or manager) it may not
 * see, anyone else. An objective carried only by people it may not see scores those people:
 * left out of the cascade, as their rows are (docs/SECURITY.md "Personal data"). */
enum { CARRIED_UNSEEN = 1, CARRIED_SEEN = 2 };

static int cascade_hidden(const report_stream *r, int o) { return r->carried[o] == CARRIED_UNSEEN; }

static json_t *dec(rules_decimal d) { return rule_json_decimal(d); }

static json_t *score_or_null(rules_score_status st, rules_decimal d)
{
    return st == RULES_SCORE_MEASURED ? dec(d) : json_null();
}

/* Groups n items by objective (of[i]) into start/list, CSR over n_obj objectives, in the
 * items' order. Returns 0, or -1 when the arena is exhausted. */
static int group_by_objective(arena *a, int n_obj, int n, const int *of, int **start, int **list)
{
    int *st = arena_array(a, (size_t)n_obj + 2, sizeof(int));
    int *li = arena_array(a, (size_t)n + 1, sizeof(int));
    int *fill = arena_array(a, (size_t)n_obj + 1, sizeof(int));
    if (!st || !li || !fill)
        return -1;
    for (int i = 0; i < n; i++)
        st[of[i] + 1]++;
    for (int o = 0; o < n_obj; o++)
        st[o + 1] += st[o];
    for (int i = 0; i < n; i++)
        li[st[of[i]] + fill[of[i]]++] = i;
    *start = st;
    *list = li;
    return 0;
}

static const char *kind_text(const pm_assignee *x)
{
    return x->kind == PM_STRUCTURE ? "structure" : x->kind == PM_MANAGER ? "manager" : "person";
}

/* The k-th objective row of assignee a (k: an index into s.by_assignee). full 0 leaves out
 * the indicators and the deviation analysis (the CSV does not show them). */
static json_t *row_json(const report_stream *r, int a, int k, int full)
{
    const scored *s = &r->s;
    const pm_assignee *x = &s->m.assignee[a];
    const rules_assignment *asg = &s->m.plan.assignments[s->by_assignee[k]];
    int weighted = s->m.assignment_weighted[s->by_assignee[k]]; /* a missing weight is null, not 0 */
    int o = asg->objective;
    rules_objective_result res = scored_result_for(s, o, a);
    json_t *row = json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:o}", "assignee_kind", kind_text(x),
                            "assignee_id", (json_int_t)x->id, "assignee_code", x->code ? x->code : "", "assignee_name",
                            x->name ? x->name : "", "objective_id", (json_int_t)s->m.objective_id[o], "objective_code",
                            s->m.plan.objectives[o].code, "objective_title", s->m.objective_title[o], "weight",
                            weighted ? dec(asg->weight) : json_null(), "achievement",
                            res.has_achievement ? dec(res.achievement) : json_null(), "timeliness",
                            res.has_timeliness ? dec(res.timeliness) : json_null());
    if (!row)
        return NULL;
    scored_result_json(row, s, o, &res);
    if (full) {
        json_t *inds = json_array();
        for (int i = r->ind_start[o]; i < r->ind_start[o + 1]; i++)
            json_array_append_new(inds, scored_indicator_json(s, r->ind_list[i]));
        json_object_set_new(row, "indicators", inds);
        json_object_set_new(row, "deviation_analysis", scored_analysis_of(r->analyses, s->m.objective_id[o]));
    }
    return row;
}

/* Assignee a's total: its weights, score and status. */
static json_t *total_json(const report_stream *r, int a)
{
    const scored *s = &r->s;
    const pm_assignee *x = &s->m.assignee[a];
    return json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:s}", "assignee_kind", kind_text(x), "assignee_id",
                     (json_int_t)x->id, "assignee_code", x->code ? x->code : "", "assignee_name",
                     x->name ? x->name : "", "weight_total", dec(s->as[a].weight_total), "weight_measured",
                     dec(s->as[a].weight_measured), "score", score_or_null(s->as[a].status, s->as[a].score), "status",
                     scored_status_name(s->as[a].status));
}

/* The whole entity: its score and how much of its weight was measured (the documents' cover). */
static json_t *entity_json(const report_stream *r)
{
    const scored *s = &r->s;
    int ea = s->m.entity_assignee;
    return json_pack("{s:I, s:o, s:s, s:o, s:o}", "entity_id", (json_int_t)s->m.entity_id, "score",
                     ea >= 0 ? score_or_null(s->as[ea].status, s->as[ea].score) : json_null(), "status",
                     ea >= 0 ? scored_status_name(s->as[ea].status) : "not_measured", "weight_total",
                     dec(ea >= 0 ? s->as[ea].weight_total : (rules_decimal){0}), "weight_measured",
                     dec(ea >= 0 ? s->as[ea].weight_measured : (rules_decimal){0}));
}

/* Objective o of the cascade, in full, with its phases (the documents' cronoprogramma). */
static json_t *cascade_json(const report_stream *r, int o)
{
    json_t *phases = json_array();
    for (int i = r->ph_start[o]; phases && i < r->ph_start[o + 1]; i++)
        json_array_append_new(phases, scored_phase_json(&r->s, r->ph_list[i]));
    return phases ? scored_objective_json(&r->s, o, 1, phases) : NULL;
}

report_stream *report_stream_open(http_request *req, int64_t plan_id, const char *as_of, int with_analyses)
{
    report_stream *r = calloc(1, sizeof *r); /* freed by report_stream_free */
    if (!r) {
        http_error(req, 503, "out_of_memory", "the plan is too large to score now");
        return NULL;
    }
    if (scored_load(req, plan_id, as_of, &r->s) < 0) {
        free(r);
        return NULL;
    }
    r->plan_id = plan_id;
    scored *s = &r->s;
    arena *a = &s->m.mem;
    int n_obj = s->m.plan.n_objectives, n_ind = s->m.plan.n_indicators, n_ph = s->m.plan.n_phases;
    int *of_ind = arena_array(a, (size_t)n_ind + 1, sizeof(int)), *of_ph = arena_array(a, (size_t)n_ph + 1, sizeof(int));
    r->listed = arena_array(a, (size_t)s->m.plan.n_assignees + 1, sizeof(int));
    r->carried = arena_array(a, (size_t)n_obj + 1, 1);
    for (int i = 0; of_ind && i < n_ind; i++)
        of_ind[i] = s->m.plan.indicators[i].objective;
    for (int k = 0; of_ph && k < n_ph; k++)
        of_ph[k] = s->m.plan.phases[k].objective;
    if (!of_ind || !of_ph || !r->listed || !r->carried ||
        group_by_objective(a, n_obj, n_ind, of_ind, &r->ind_start, &r->ind_list) < 0 ||
        group_by_objective(a, n_obj, n_ph, of_ph, &r->ph_start, &r->ph_list) < 0) {
        report_stream_free(r);
        http_error(req, 503, "out_of_memory", "the plan is too large to score now");
        return NULL;
    }
    for (int i = 0; i < s->m.plan.n_assignees; i++) { /* structures; managers and people as req may see them */
        const pm_assignee *x = &s->m.assignee[i];
        if (x->kind != PM_STRUCTURE && x->kind != PM_MANAGER && x->kind != PM_PERSON)
            continue;
        if (x->kind != PM_STRUCTURE && !personal_may_see(api_who(req), PERSONAL_SCORE, x->id, 0))
            continue;
        r->listed[r->n_listed++] = i;
    }
    for (int k = 0; k < s->m.plan.n_assignments; k++) {
        const pm_assignee *x = &s->m.assignee[s->m.plan.assignments[k].assignee];
        int unseen = (x->kind == PM_PERSON || x->kind == PM_MANAGER) &&
                     !personal_may_see(api_who(req), PERSONAL_SCORE, x->id, 0);
        r->carried[s->m.plan.assignments[k].objective] |= unseen ? CARRIED_UNSEEN : CARRIED_SEEN;
    }
    r->analyses = with_analyses ? scored_deviation_analyses(req, plan_id, as_of) : NULL;
    return r;
}

int report_stream_revision(const report_stream *r) { return r->s.m.revision; }

int report_stream_order(report_stream *r, const json_t *structure_order)
{
    size_t n = (size_t)r->n_listed;
    report_assignee *v = calloc(n + 1, sizeof *v); /* freed below */
    r->order = arena_array(&r->s.m.mem, n + 1, sizeof *r->order);
    if (!v || !r->order) {
        free(v);
        r->order = NULL;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const pm_assignee *x = &r->s.m.assignee[r->listed[i]];
        v[i] = (report_assignee){x->kind == PM_STRUCTURE ? 0
                                 : x->kind == PM_MANAGER ? 1
                                                         : 2,
                                 x->id, x->name ? x->name : ""};
    }
    int rc = report_groups_order(v, n, structure_order, r->order);
    free(v);
    if (rc < 0)
        r->order = NULL;
    return rc;
}

/* The assignee at place g of the document order (the model's order before report_stream_order). */
static int listed_at(const report_stream *r, int g) { return r->listed[r->order ? (int)r->order[g] : g]; }

/* Appends before, then j (stolen) as http_json writes it; a NULL j (memory ran out) fails b. */
static void piece(buf *b, const char *before, json_t *j)
{
    if (!j) {
        b->failed = 1;
        return;
    }
    buf_puts(b, before);
    rule_json_dump_buf(j, JSON_COMPACT | JSON_ENCODE_ANY, b);
    json_decref(j);
}

int report_stream_json(const report_stream *r, const json_t *heading, buf *b)
{
    const scored *s = &r->s;
    buf_printf(b, "{\"plan_id\":%" PRId64, r->plan_id);
    piece(b, ",\"as_of\":", json_string(s->as_of_text));
    buf_printf(b, ",\"revision\":%d,\"rows\":[", s->m.revision);
    int n = 0;
    for (int g = 0; g < r->n_listed && !b->failed; g++) {
        int a = listed_at(r, g);
        for (int k = s->by_assignee_start[a]; k < s->by_assignee_start[a + 1] && !b->failed; k++)
            piece(b, n++ ? "," : "", row_json(r, a, k, 1));
    }
    buf_puts(b, "],\"totals\":[");
    for (int g = 0; g < r->n_listed && !b->failed; g++)
        piece(b, g ? "," : "", total_json(r, listed_at(r, g)));
    piece(b, "],\"entity\":", entity_json(r));
    buf_puts(b, ",\"objectives\":[");
    for (int o = 0, n_shown = 0; o < s->m.plan.n_objectives && !b->failed; o++)
        if (!cascade_hidden(r, o))
            piece(b, n_shown++ ? "," : "", cascade_json(r, o));
    buf_putc(b, ']');
    if (heading)
        piece(b, ",\"plan\":", json_incref((json_t *)heading));
    buf_putc(b, '}');
    return b->failed ? -1 : 0;
}

int report_stream_csv(const report_stream *r, const json_t *heading, buf *b)
{
    const scored *s = &r->s;
    csv_report_head(b);
    for (int g = 0; g < r->n_listed && !b->failed; g++) {
        int a = listed_at(r, g);
        for (int k = s->by_assignee_start[a]; k < s->by_assignee_start[a + 1] && !b->failed; k++) {
            json_t *row = row_json(r, a, k, 0);
            if (row)
                csv_report_row(b, row);
            else
                b->failed = 1;
            json_decref(row);
        }
        json_t *t = total_json(r, a);
        if (t)
            csv_report_total(b, t);
        else
            b->failed = 1;
        json_decref(t);
    }
    json_t *e = entity_json(r);
    if (e)
        csv_report_entity(b, e, heading);
    else
        b->failed = 1;
    json_decref(e);
    return b->failed ? -1 : 0;
}

/* The charts' figures (report_html_charts) by walking the structures in document order: their
 * totals into t (new references, *nt of them: the caller frees them) and the scores of the
 * objectives they carry, each objective once, into scores. Returns 0, or -1 when memory is
 * exhausted. */
static int html_charts(const report_stream *r, json_t **t, int *nt, double *scores, report_html_charts *c)
{
    const scored *s = &r->s;
    unsigned char *seen = calloc((size_t)s->m.plan.n_objectives + 1, 1); /* freed below */
    *nt = 0;
    *c = (report_html_charts){(const json_t *const *)t, 0, scores, 0, 0};
    if (!seen)
        return -1;
    int rc = 0;
    for (int g = 0; g < r->n_listed && rc == 0; g++) {
        int a = listed_at(r, g);
        if (s->m.assignee[a].kind != PM_STRUCTURE)
            continue;
        if (!(t[*nt] = total_json(r, a)))
            rc = -1;
        else
            ++*nt;
        for (int k = s->by_assignee_start[a]; k < s->by_assignee_start[a + 1]; k++) {
            int o = s->m.plan.assignments[s->by_assignee[k]].objective;
            if (seen[o])
                continue;
            seen[o] = 1;
            rules_objective_result res = scored_result_for(s, o, a);
            json_t *v = score_or_null(res.status, res.score); /* the row's "score", as row_json's */
            if (json_is_number(v))
                scores[c->n_scores++] = json_number_value(v);
            else
                c->unmeasured++;
            json_decref(v);
        }
    }
    c->n_structures = *nt;
    free(seen);
    return rc;
}

int report_stream_html(const report_stream *r, const json_t *heading, buf *b)
{
    const scored *s = &r->s;
    json_t *head = json_pack("{s:s, s:i, s:O, s:o}", "as_of", s->as_of_text, "revision", s->m.revision, "plan",
                             heading ? (json_t *)heading : json_null(), "entity", entity_json(r));
    json_t **t = calloc((size_t)r->n_listed + 1, sizeof *t);                      /* freed below */
    double *scores = calloc((size_t)s->m.plan.n_assignments + 1, sizeof *scores); /* freed below */
    report_html_charts c;
    int nt = 0;
    if (!head || !t || !scores || html_charts(r, t, &nt, scores, &c) < 0 || report_html_head(b, head, &c) < 0)
        b->failed = 1;
    for (int i = 0; i < nt; i++)
        json_decref(t[i]);
    free(t);
    free(scores);
    for (int kind = 0; kind < 3 && !b->failed; kind++) { /* the parts: structures, managers, people */
        int opened = 0;
        for (int g = 0; g < r->n_listed && !b->failed; g++) {
            int a = listed_at(r, g);
            int ka = s->m.assignee[a].kind == PM_STRUCTURE ? 0 : s->m.assignee[a].kind == PM_MANAGER ? 1 : 2;
            if (ka != kind)
                continue;
            json_t *total = total_json(r, a);
            if (!total) {
                b->failed = 1;
                break;
            }
            if (!opened++)
                report_html_part_open(b, head, kind);
            report_html_section_open(b, total);
            for (int k = s->by_assignee_start[a]; k < s->by_assignee_start[a + 1] && !b->failed; k++) {
                json_t *row = row_json(r, a, k, kind == 0); /* indicators: the structures' alone */
                if (row)
                    report_html_row(b, total, row);
                else
                    b->failed = 1;
                json_decref(row);
            }
            report_html_section_close(b, total);
            json_decref(total);
        }
        if (opened)
            report_html_part_close(b);
    }
    report_html_end(b);
    json_decref(head);
    return b->failed ? -1 : 0;
}

int report_stream_xlsx(const report_stream *r, const json_t *heading, int *fd, size_t *len, const char **err)
{
    const scored *s = &r->s;
    *fd = -1;
    *len = 0;
    json_t *head = json_pack("{s:s, s:i, s:O, s:o}", "as_of", s->as_of_text, "revision", s->m.revision, "plan",
                             (json_t *)heading, "entity", entity_json(r));
    if (!head) {
        *err = "out of memory";
        return -1;
    }
    xlsx_book *b = xlsx_book_open(head, NULL, err);
    json_decref(head);
    if (!b)
        return -1;
    for (int g = 0; g < r->n_listed; g++) { /* the cover's lines first: the totals alone */
        json_t *t = total_json(r, listed_at(r, g));
        if (t)
            xlsx_book_cover_line(b, t);
        else
            xlsx_book_fail(b);
        json_decref(t);
    }
    for (int g = 0; g < r->n_listed; g++) { /* then each assignee's sheet, one after the other */
        int a = listed_at(r, g);
        if (s->m.assignee[a].kind == PM_PERSON)
            continue; /* no sheet: the workbook leaves people out */
        json_t *t = total_json(r, a);
        int ok = t != NULL;
        if (ok)
            xlsx_book_sheet(b, t);
        else
            xlsx_book_fail(b);
        json_decref(t);
        for (int k = s->by_assignee_start[a]; ok && k < s->by_assignee_start[a + 1]; k++) {
            json_t *row = row_json(r, a, k, 1);
            if (row)
                xlsx_book_row(b, row);
            else
                xlsx_book_fail(b);
            json_decref(row);
        }
    }
    return xlsx_book_close(b, fd, len, err);
}

void report_stream_free(report_stream *r)
{
    if (!r)
        return;
    json_decref(r->analyses);
    plan_model_free(&r->s.m);
    free(r);
}

json_t *plan_report_json(http_request *req, int64_t plan_id, const char *as_of)
{
    report_stream *r = report_stream_open(req, plan_id, as_of, 1);
    if (!r)
        return NULL;
    const scored *s = &r->s;
    json_t *rows = json_array(), *totals = json_array(), *cascade = json_array();
    for (int g = 0; g < r->n_listed; g++) { /* the model's order: report_document orders them */
        int a = r->listed[g];
        for (int k = s->by_assignee_start[a]; k < s->by_assignee_start[a + 1]; k++)
            json_array_append_new(rows, row_json(r, a, k, 1));
        json_array_append_new(totals, total_json(r, a));
    }
    for (int o = 0; o < s->m.plan.n_objectives; o++)
        if (!cascade_hidden(r, o))
            json_array_append_new(cascade, cascade_json(r, o));
    json_t *entity = entity_json(r);
    int revision = s->m.revision;
    report_stream_free(r);
    return json_pack("{s:I, s:s, s:i, s:o, s:o, s:o, s:o}", "plan_id", (json_int_t)plan_id, "as_of", as_of, "revision",
                     revision, "rows", rows, "totals", totals, "entity", entity, "objectives", cascade);
}
