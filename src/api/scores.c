/* scores.c — scores, and the pieces of the year-end report (report.c). Every number comes
 * from the rules library (rules_plan_score, rules_objective_score, rules_evaluate); this file
 * moves data in and out. Reviews and judgements are in reviews.c, plan checks in checks.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/auth.h"
#include "api/evaluation.h" /* people evaluation and bonus */
#include "api/handlers.h"
#include "api/personal.h"
#include "api/report.h"
#include "api/scoring.h"
#include "codec/json_number.h"
#include "codec/method_json.h"
#include "codec/rule_json.h"
#include "core/buf.h"
#include "core/text.h"
#include "http/server.h"
#include "store/monitoring.h"
#include "store/plan_model.h"

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Server-Timing: the database, the rules library (model and scores), the JSON encoding. */
static void timing_header(const scored *s, double json_ms)
{
    char v[128];
    snprintf(v, sizeof v, "sql;dur=%.2f, rules;dur=%.2f, json;dur=%.2f", s->sql_ms, s->rules_ms, json_ms);
    http_server_timing(v);
}

static json_t *dec(rules_decimal d) { return rule_json_decimal(d); }

const char *scored_status_name(rules_score_status s)
{
    return s == RULES_SCORE_MEASURED          ? "measured"
           : s == RULES_SCORE_ERROR           ? "error"
           : s == RULES_SCORE_NEEDS_JUDGEMENT ? "needs_judgement"
                                              : "not_measured";
}

static json_t *score_or_null(rules_score_status s, rules_decimal d)
{
    return s == RULES_SCORE_MEASURED ? dec(d) : json_null();
}

int scored_load(http_request *req, int64_t plan_id, const char *as_of, scored *s)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    memset(s, 0, sizeof *s);
    snprintf(s->as_of_text, sizeof s->as_of_text, "%s", as_of);
    rules_date_parse_iso(as_of, &s->as_of, NULL);
    int revision; /* absent: -1, the current adopted revision */
    if (http_revision_param(req, -1, &revision, &p) < 0) {
        http_problem(req, &p);
        problem_clear(&p);
        return -1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int found = store_plan_model_load(call->db, call->scope, plan_id, as_of, revision, &s->m, &p);
    s->sql_ms = s->m.sql_ms;
    if (found <= 0) {
        if (found == 0)
            problem_set(&p, 404, "not_found", "no plan with id %" PRId64, plan_id);
        goto fail;
    }
    rules_plan *pl = &s->m.plan;
    arena *a = &s->m.mem;
    s->obj = arena_array(a, (size_t)pl->n_objectives + 1, sizeof *s->obj);
    s->as = arena_array(a, (size_t)pl->n_assignees + 1, sizeof *s->as);
    s->by_assignee_start = arena_array(a, (size_t)pl->n_assignees + 2, sizeof(int));
    s->by_assignee = arena_array(a, (size_t)pl->n_assignments + 1, sizeof(int));
    int *fill = arena_array(a, (size_t)pl->n_assignees + 1, sizeof(int));
    if (!s->obj || !s->as || !s->by_assignee_start || !s->by_assignee || !fill) {
        problem_set(&p, 503, "out_of_memory", "the plan is too large to score now");
        goto fail;
    }
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rules_plan_score(pl, s->as_of, s->obj, s->as, &e) < 0) {
        problem_set(&p, 422, "plan_not_scorable", "%s", e.message);
        goto fail;
    }
    for (int i = 0; i < pl->n_assignments; i++)
        s->by_assignee_start[pl->assignments[i].assignee + 1]++;
    for (int i = 0; i < pl->n_assignees; i++)
        s->by_assignee_start[i + 1] += s->by_assignee_start[i];
    for (int i = 0; i < pl->n_assignments; i++) {
        int as = pl->assignments[i].assignee;
        s->by_assignee[s->by_assignee_start[as] + fill[as]++] = i;
    }
    s->rules_ms = ms_since(&t0) - s->sql_ms; /* decoding the rows and scoring */
    return 0;
fail:
    plan_model_free(&s->m);
    http_problem(req, &p);
    problem_clear(&p);
    return -1;
}

/* The result of objective o as seen by assignee a (phases with owners differ per assignee). */
rules_objective_result scored_result_for(const scored *s, int o, int a)
{
    if (!s->obj[o].has_owner_phases)
        return s->obj[o];
    rules_objective_result r;
    rules_objective_score(&s->m.plan, o, a, s->as_of, &r, NULL);
    return r;
}

/* The plan scores' large arrays written as text, as jansson would write them (JSON_COMPACT, reals
 * with JSON_NUMBER_DIGITS digits, rule_json_dumps): no tree to build, dump and free for the
 * thousands of objects of a large plan (issue 21). */
static void jt_str(buf *b, const char *s)
{
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\') { /* rare: jansson's own escaping */
            json_t *j = json_string(s);
            if (j)
                rule_json_dump_buf(j, JSON_ENCODE_ANY, b);
            else
                b->failed = 1;
            json_decref(j);
            return;
        }
    buf_putc(b, '"');
    buf_puts(b, s);
    buf_putc(b, '"');
}

static void jt_i64(buf *b, int64_t v)
{
    char t[24], *e = t + sizeof t, *p = e;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    buf_append(b, p, (size_t)(e - p));
}

/* key (written as given: ,"name":) then v */
static void jt_key_i64(buf *b, const char *key, int64_t v)
{
    buf_puts(b, key);
    jt_i64(b, v);
}

_Static_assert(RULES_DECIMAL_SCALE == 10000, "jt_dec writes four decimal digits");

/* A decimal as rule_json_decimal's number: an integer when whole, else a real. */
static void jt_dec(buf *b, rules_decimal d)
{
    if (d.units % RULES_DECIMAL_SCALE == 0) {
        jt_i64(b, d.units / RULES_DECIMAL_SCALE);
        return;
    }
    uint64_t a = d.units < 0 ? 0 - (uint64_t)d.units : (uint64_t)d.units;
    if (a < UINT64_C(1000000000000000)) {
        /* at most 15 significant digits: "%.15g" of the real gives back the decimal itself */
        char f[4];
        uint64_t x = a % RULES_DECIMAL_SCALE; /* not 0: the decimal is not whole */
        for (int i = 3; i >= 0; i--, x /= 10)
            f[i] = (char)('0' + x % 10);
        int n = 4;
        while (f[n - 1] == '0')
            n--;
        if (d.units < 0)
            buf_putc(b, '-');
        jt_i64(b, (int64_t)(a / RULES_DECIMAL_SCALE));
        buf_putc(b, '.');
        buf_append(b, f, (size_t)n);
        return;
    }
    char t[32], r[40];
    rules_decimal_format_short(d, t);
    json_number_text(strtod(t, NULL), r);
    /* jansson's touches: a real keeps a point or an exponent; the exponent loses '+' and zeros */
    if (!strchr(r, '.') && !strchr(r, 'e'))
        strcat(r, ".0");
    char *e = strchr(r, 'e');
    if (e) {
        char *start = e + 1, *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start)
            memmove(start, end, strlen(end) + 1);
    }
    buf_puts(b, r);
}

static void jt_score(buf *b, rules_score_status st, rules_decimal d)
{
    if (st == RULES_SCORE_MEASURED)
        jt_dec(b, d);
    else
        buf_puts(b, "null");
}

static void assignee_text(buf *b, const scored *s, int a)
{
    const pm_assignee *x = &s->m.assignee[a];
    const rules_assignee_result *r = &s->as[a];
    if (x->kind == PM_STRUCTURE) {
        jt_key_i64(b, "{\"structure_id\":", x->id);
        buf_puts(b, ",\"code\":");
        jt_str(b, x->code ? x->code : "");
        buf_puts(b, ",\"name\":");
        jt_str(b, x->name ? x->name : "");
        if (x->manager_id)
            jt_key_i64(b, ",\"manager_id\":", x->manager_id);
        else
            buf_puts(b, ",\"manager_id\":null");
        buf_puts(b, x->interim ? ",\"interim\":true" : ",\"interim\":false");
    } else {
        jt_key_i64(b, "{\"person_id\":", x->id);
        buf_puts(b, ",\"name\":");
        jt_str(b, x->name ? x->name : "");
    }
    buf_puts(b, ",\"score\":");
    jt_score(b, r->status, r->score);
    buf_puts(b, ",\"status\":\"");
    buf_puts(b, scored_status_name(r->status));
    buf_puts(b, "\",\"weight_total\":");
    jt_dec(b, r->weight_total);
    buf_puts(b, ",\"weight_measured\":");
    jt_dec(b, r->weight_measured);
    buf_puts(b, r->equal_weights ? ",\"equal_weights\":true" : ",\"equal_weights\":false");
    jt_key_i64(b, ",\"not_measured\":", r->n_not_measured);
    jt_key_i64(b, ",\"needs_judgement\":", r->n_needs_judgement);
    buf_puts(b, ",\"objectives\":[");
    for (int k = s->by_assignee_start[a]; k < s->by_assignee_start[a + 1]; k++) {
        const rules_assignment *asg = &s->m.plan.assignments[s->by_assignee[k]];
        rules_objective_result o = scored_result_for(s, asg->objective, a);
        jt_key_i64(b, k > s->by_assignee_start[a] ? ",{\"objective_id\":" : "{\"objective_id\":",
                   s->m.objective_id[asg->objective]);
        buf_puts(b, ",\"code\":");
        jt_str(b, s->m.plan.objectives[asg->objective].code);
        buf_puts(b, ",\"weight\":");
        jt_dec(b, asg->weight);
        buf_puts(b, ",\"score\":");
        jt_score(b, o.status, o.score);
        buf_puts(b, ",\"status\":\"");
        buf_puts(b, scored_status_name(o.status));
        buf_puts(b, "\"}");
    }
    buf_putc(b, ']');
    if (x->kind == PM_MANAGER) {
        int interim = 0, n = 0;
        buf_puts(b, ",\"structures\":[");
        for (int k = 0; k < s->m.n_real_assignees; k++) {
            const pm_assignee *y = &s->m.assignee[k];
            if (y->manager != a || y->kind != PM_STRUCTURE)
                continue;
            buf_printf(b, "%s{\"structure_id\":%" PRId64 ",\"code\":", n++ ? "," : "", y->id);
            jt_str(b, y->code ? y->code : "");
            buf_puts(b, y->interim ? ",\"interim\":true}" : ",\"interim\":false}");
            interim |= y->interim != 0;
        }
        buf_puts(b, interim ? "],\"interim\":true" : "],\"interim\":false");
    }
    buf_putc(b, '}');
}

/* Appends ,"key": and the compact text of j (stolen; NULL: nothing, as a key jansson failed to set). */
static void jt_tree(buf *b, const char *key, json_t *j)
{
    if (!j)
        return;
    buf_printf(b, ",\"%s\":", key);
    rule_json_dump_buf(j, JSON_COMPACT, b);
    json_decref(j);
}

/* Personal scores: the one rule of api/personal.h. */
static int may_see_person(const http_request *req, int64_t person_id)
{
    return personal_may_see(api_who(req), PERSONAL_SCORE, person_id, 0);
}

json_t *scored_objective_json(const scored *s, int o, int full, json_t *phases)
{
    int parent = s->m.plan.objectives[o].parent;
    json_t *j = json_pack("{s:I, s:s, s:o}", "objective_id", (json_int_t)s->m.objective_id[o], "code",
                          s->m.plan.objectives[o].code, "parent_id",
                          parent >= 0 ? json_integer(s->m.objective_id[parent]) : json_null());
    if (full)
        json_object_set_new(j, "title", json_string(s->m.objective_title[o]));
    scored_result_json(j, s, o, &s->obj[o]);
    if (phases)
        json_object_set_new(j, "phases", phases);
    if (!full) {
        json_object_del(j, "value");
        json_object_del(j, "time");
        json_object_del(j, "phase_value");
    }
    return j;
}

/* The objectives of the plan scores (read often on plans of thousands of objectives): only
 * those no assignee carries — the cascade's strategic and DUP objectives, which score from
 * their children — without the value/time/phase parts; the others are under their assignees.
 * The report's cascade, every objective in full, is api/report.c's. */
static json_t *objectives_json(const scored *s)
{
    json_t *arr = json_array();
    unsigned char *carried = calloc((size_t)s->m.plan.n_objectives + 1, 1); /* freed below */
    for (int i = 0; carried && i < s->m.plan.n_assignments; i++)
        carried[s->m.plan.assignments[i].objective] = 1;
    for (int o = 0; o < s->m.plan.n_objectives; o++)
        if (!(carried && carried[o]))
            json_array_append_new(arr, scored_objective_json(s, o, 0, NULL));
    free(carried);
    return arr;
}

/* Appends the plan scores as JSON text to b (only appends: b may spill). Returns 0, or -1 when
 * b failed (memory ran out, or its file's write). */
static int scored_plan_text(http_request *req, const scored *s, buf *b)
{
    buf_printf(b, "{\"plan_id\":%" PRId64 ",\"as_of\":", s->m.plan_id);
    jt_str(b, s->as_of_text);
    buf_printf(b, ",\"revision\":%d,\"entity\":{\"entity_id\":%" PRId64 ",\"score\":", s->m.revision, s->m.entity_id);
    int e = s->m.entity_assignee;
    if (e >= 0) {
        jt_score(b, s->as[e].status, s->as[e].score);
        buf_printf(b, ",\"status\":\"%s\"}", scored_status_name(s->as[e].status));
    } else {
        buf_puts(b, "null,\"status\":\"not_measured\"}");
    }
    static const struct {
        pm_assignee_kind kind;
        const char *key;
    } lists[] = {{PM_STRUCTURE, "structures"}, {PM_MANAGER, "managers"}, {PM_PERSON, "individuals"}};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        int n = 0;
        buf_printf(b, ",\"%s\":[", lists[l].key);
        for (int a = 0; a < s->m.plan.n_assignees; a++) {
            const pm_assignee *x = &s->m.assignee[a];
            if (x->kind != lists[l].kind || (x->kind != PM_STRUCTURE && !may_see_person(req, x->id)))
                continue;
            if (n++)
                buf_putc(b, ',');
            assignee_text(b, s, a);
        }
        buf_putc(b, ']');
    }
    jt_tree(b, "method", method_json_encode(&s->m.method));
    if (s->m.method_error)
        jt_tree(b, "method_error", json_string(s->m.method_error));
    jt_tree(b, "objectives", objectives_json(s));
    buf_putc(b, '}');
    return b->failed ? -1 : 0;
}

json_t *scored_plan_json(http_request *req, const scored *s)
{
    buf b;
    buf_init(&b, 0);
    json_t *j = scored_plan_text(req, s, &b) == 0 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
    buf_free(&b);
    return j;
}

void plan_scores(http_request *req)
{
    char as_of[11];
    scored s;
    problem p;
    problem_init(&p);
    if (http_date_param(req, "as_of", as_of, &p) < 0) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    if (scored_load(req, req->ids[0], as_of, &s) < 0)
        return;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    buf b;
    http_answer_init(&b, 0); /* tens of MB for a plan of 100,000 objectives: it may spill */
    if (scored_plan_text(req, &s, &b) < 0 || http_buf(req, 200, "application/json", &b) < 0) {
        buf_free(&b);
        http_unwritten(req); /* memory or its file ran out: a 503, never a part of the text */
    }
    timing_header(&s, ms_since(&t0));
    plan_model_free(&s.m);
}

static json_t *on_time(const rules_phase *ph, rules_date as_of)
{
    if (!ph->has_deadline)
        return json_null();
    if (ph->completed && rules_date_compare(ph->completed_on, as_of) <= 0)
        return json_boolean(rules_date_compare(ph->completed_on, ph->deadline) <= 0);
    return rules_date_compare(ph->deadline, as_of) <= 0 ? json_false() : json_null(); /* due by the date */
}

/* A stored JSON text as a value (null when absent or unreadable). */
static json_t *json_text(const char *text)
{
    json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return j ? j : json_null();
}

/* One indicator as the score answer and the report show it: its score and why, and the
 * expected, achieved and deviation (seed 003's ATTESO, RAGGIUNTO, Scost.). */
json_t *scored_indicator_json(const scored *s, int i)
{
    const rules_indicator *ind = &s->m.plan.indicators[i];
    const pm_indicator_info *info = &s->m.indicator[i];
    json_t *j = json_pack("{s:I, s:s, s:s}", "indicator_id", (json_int_t)s->m.indicator_id[i], "code",
                          ind->code ? ind->code : "", "name", info->name ? info->name : "");
    json_object_set_new(j, "value", json_text(info->value_json));
    json_object_set_new(j, "as_of", info->as_of ? json_string(info->as_of) : json_null());
    json_object_set_new(j, "weight", dec(ind->weight));
    char expl[RULES_EXPLANATION_MAX] = "";
    rules_decimal score = {0};
    rules_error e;
    memset(&e, 0, sizeof e);
    rules_deviation dev;
    memset(&dev, 0, sizeof dev);
    const char *state = "not_measured";
    json_t *score_j = json_null();
    if (ind->state == RULES_NOT_ASSESSABLE) {
        state = "not_assessable";
    } else if (info->rule_error || info->value_error) {
        state = "error";
        snprintf(expl, sizeof expl, "%s", info->rule_error ? info->rule_error : info->value_error);
    } else {
        rules_score_status st = rules_indicator_score(s->m.plan.method, ind, &score, &dev, expl, sizeof expl, &e);
        state = scored_status_name(st);
        if (st == RULES_SCORE_MEASURED)
            score_j = dec(score);
        else if (st == RULES_SCORE_ERROR)
            snprintf(expl, sizeof expl, "%s", e.message);
    }
    json_object_set_new(j, "state", json_string(state));
    json_object_set_new(j, "score", score_j);
    json_object_set_new(j, "explanation", expl[0] ? json_string(expl) : json_null());
    json_object_set_new(j, "scored_by", json_string(ind->rule ? "rule" : ind->judged ? "judgement" : "target"));
    json_object_set_new(j, "target", json_text(info->target_json));
    json_object_set_new(j, "baseline", json_text(info->baseline_json));
    json_object_set_new(j, "direction", json_string(info->direction ? info->direction : "higher_is_better"));
    json_object_set_new(j, "deviation", dev.has_absolute ? dec(dev.absolute) : json_null());
    json_object_set_new(j, "deviation_percent", dev.has_percent ? dec(dev.percent) : json_null());
    json_object_set_new(j, "judgement",
                        ind->judged ? json_pack("{s:o, s:s?, s:s?}", "score", dec(ind->judgement), "reason",
                                                info->judgement_reason, "as_of", info->judgement_as_of)
                                    : json_null());
    return j;
}

static const char *combined_name(rules_combine c)
{
    return c == RULES_COMBINE_PHASES ? "phases" : c == RULES_COMBINE_MIX ? "mix" : "indicators";
}

/* An objective's result with the sentence that explains it and how it was made. */
void scored_result_json(json_t *j, const scored *s, int o, const rules_objective_result *r)
{
    char expl[RULES_EXPLANATION_MAX];
    rules_objective_result computed = *r; /* an override is explained by api/periods.c */
    computed.status = r->overridden ? r->computed_status : r->status;
    computed.score = r->overridden ? r->computed_score : r->score;
    rules_objective_explain(&s->m.plan, o, &computed, expl, sizeof expl);
    json_object_set_new(j, "score", score_or_null(r->status, r->score));
    json_object_set_new(j, "computed_score", score_or_null(r->computed_status, r->computed_score)); /* periods.h */
    json_object_set_new(j, "status", json_string(scored_status_name(r->status)));
    json_object_set_new(j, "explanation", json_string(expl));
    json_object_set_new(j, "scored_from", json_string(r->from_children ? "children" : combined_name(r->combined)));
    json_object_set_new(j, "value", r->has_value ? dec(r->value) : json_null());
    json_object_set_new(j, "time", r->has_time ? dec(r->time) : json_null());
    json_object_set_new(j, "phase_value", r->has_phase_value ? dec(r->phase_value) : json_null());
}

/* objective id (text) → the deviation analysis of the latest review on or before as_of that
 * names it: {review_id, kind, as_of, causes, effects, actions_taken, actions_planned}. New
 * reference; an empty object when there is none, NULL when the reviews cannot be read. */
json_t *scored_deviation_analyses(http_request *req, int64_t plan_id, const char *as_of)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    store_docs *r;
    if (store_review_list(call->db, call->scope, plan_id, &r, &p) < 0) {
        problem_clear(&p);
        return NULL;
    }
    json_t *out = json_object();
    for (int row = 0; row < store_docs_count(r); row++) { /* oldest first: later reviews overwrite */
        json_t *rev = json_loads(store_docs_text(r, row), 0, NULL);
        const char *date = json_string_value(json_object_get(rev, "as_of"));
        size_t i;
        json_t *it;
        if (date && strcmp(date, as_of) <= 0)
            json_array_foreach(json_object_get(rev, "items"), i, it)
            {
                char key[24];
                snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
                         json_integer_value(json_object_get(it, "objective_id")));
                json_t *a = json_pack("{s:O, s:O, s:s}", "review_id", json_object_get(rev, "id"), "kind",
                                      json_object_get(rev, "kind"), "as_of", date);
                static const char *const fields[] = {"causes", "effects", "actions_taken", "actions_planned"};
                for (int f = 0; f < 4; f++) {
                    json_t *v = json_object_get(it, fields[f]);
                    json_object_set(a, fields[f], v ? v : json_null());
                }
                json_object_set_new(out, key, a);
            }
        json_decref(rev);
    }
    store_docs_free(r);
    return out;
}

json_t *scored_analysis_of(json_t *analyses, int64_t objective_id)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, objective_id);
    json_t *a = analyses ? json_object_get(analyses, key) : NULL;
    return a ? json_incref(a) : json_null();
}

/* Phase k as of the scoring date: its weight, deadline, progress, completion and whether it
 * was on time (null while not yet due). */
json_t *scored_phase_json(const scored *s, int k)
{
    const rules_phase *ph = &s->m.plan.phases[k];
    char done[11];
    if (ph->completed)
        rules_date_format_iso(ph->completed_on, done);
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "phase_id", (json_int_t)s->m.phase_id[k], "weight",
                     ph->has_weight ? dec(ph->weight) : json_null(), "cumulative",
                     ph->has_cumulative ? dec(ph->cumulative) : json_null(), "deadline",
                     s->m.phase_deadline[k] ? json_string(s->m.phase_deadline[k]) : json_null(), "percent_complete",
                     dec(ph->percent_complete), "completed_on", ph->completed ? json_string(done) : json_null(),
                     "on_time", on_time(ph, s->as_of));
}

void objective_score(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char as_of[11];
    if (http_date_param(req, "as_of", as_of, &p) < 0) {
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    owner_info info;
    int found = store_owner_info(call->db, "objectives", call->scope, req->ids[0], &info, &p);
    if (found <= 0) {
        if (found == 0)
            problem_set(&p, 404, "not_found", "no objective with id %" PRId64, req->ids[0]);
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    scored s;
    if (scored_load(req, info.plan_id, as_of, &s) < 0)
        return;
    int o = plan_model_objective(&s.m, req->ids[0]);
    if (o < 0) {
        plan_model_free(&s.m);
        http_error(req, 404, "not_found", "objective %" PRId64 " is not part of the plan as it stands", req->ids[0]);
        return;
    }
    /* an objective assigned to a person scores that person: personal data (api/personal.h) */
    for (int k = 0; k < s.m.plan.n_assignments; k++) {
        const pm_assignee *x = &s.m.assignee[s.m.plan.assignments[k].assignee];
        if (s.m.plan.assignments[k].objective == o && x->kind == PM_PERSON && !may_see_person(req, x->id)) {
            plan_model_free(&s.m);
            http_error(req, 403, "personal_data",
                       "objective %" PRId64
                       " is assigned to a person: its score is that person's, and this token may "
                       "not see it",
                       req->ids[0]);
            return;
        }
    }
    const rules_objective_result *r = &s.obj[o];
    json_t *inds = json_array(), *phases = json_array(), *not_measured = json_array(), *judge = json_array();
    for (int i = 0; i < s.m.plan.n_indicators; i++) {
        if (s.m.plan.indicators[i].objective != o)
            continue;
        json_t *j = scored_indicator_json(&s, i);
        const char *state = json_string_value(json_object_get(j, "state"));
        if (strcmp(state, "not_measured") == 0)
            json_array_append_new(not_measured, json_integer(s.m.indicator_id[i]));
        else if (strcmp(state, "needs_judgement") == 0)
            json_array_append_new(judge, json_integer(s.m.indicator_id[i]));
        json_array_append_new(inds, j);
    }
    for (int k = 0; k < s.m.plan.n_phases; k++) {
        const rules_phase *ph = &s.m.plan.phases[k];
        if (ph->objective != o)
            continue;
        json_array_append_new(phases, scored_phase_json(&s, k));
    }
    json_t *children = json_array();
    for (int c = 0; c < s.m.plan.n_objectives; c++)
        if (c != o && s.m.plan.objectives[c].parent == o)
            json_array_append_new(
                children, json_pack("{s:I, s:s, s:o, s:s}", "objective_id", (json_int_t)s.m.objective_id[c], "code",
                                    s.m.plan.objectives[c].code, "score", score_or_null(s.obj[c].status, s.obj[c].score),
                                    "status", scored_status_name(s.obj[c].status)));
    int parent = s.m.plan.objectives[o].parent;
    json_t *out = json_pack("{s:I, s:s, s:s, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "objective_id",
                            (json_int_t)req->ids[0], "code", s.m.plan.objectives[o].code, "as_of", as_of, "parent_id",
                            parent >= 0 ? json_integer(s.m.objective_id[parent]) : json_null(), "from_phases",
                            r->from_phases, "achievement", r->has_achievement ? dec(r->achievement) : json_null(),
                            "timeliness", r->has_timeliness ? dec(r->timeliness) : json_null(), "indicators", inds,
                            "phases", phases, "children", children, "not_measured", not_measured, "needs_judgement",
                            judge);
    scored_result_json(out, &s, o, r);
    json_object_set_new(out, "method", method_json_encode(&s.m.method));
    json_t *analyses = scored_deviation_analyses(req, info.plan_id, as_of);
    json_object_set_new(out, "deviation_analysis", scored_analysis_of(analyses, req->ids[0]));
    json_decref(analyses);
    plan_model_free(&s.m);
    http_json(req, 200, out);
}

/* people evaluation and bonus: the plan's scores that an evaluation form is computed from
 * (api/evaluation.h). Additive: reuses load_and_score and changes nothing above. */
int scores_for_evaluation(http_request *req, int64_t plan_id, const char *as_of, int64_t structure_id,
                          int64_t person_id, const int64_t *objective_ids, int n, rules_score_status *status,
                          rules_decimal *score, eval_plan_scores *out)
{
    scored s;
    memset(out, 0, sizeof *out);
    if (scored_load(req, plan_id, as_of, &s) < 0)
        return -1;
    out->revision = s.m.revision;
    int e = s.m.entity_assignee;
    if (e >= 0 && s.as[e].status == RULES_SCORE_MEASURED) {
        out->has_entity = 1;
        out->entity = s.as[e].score;
    }
    int own_manager = -1, own_person = -1;
    for (int a = 0; a < s.m.plan.n_assignees; a++) {
        const pm_assignee *x = &s.m.assignee[a];
        if (x->kind == PM_STRUCTURE && structure_id > 0 && x->id == structure_id &&
            s.as[a].status == RULES_SCORE_MEASURED) {
            out->has_structure = 1;
            out->structure = s.as[a].score;
        }
        if (x->kind == PM_MANAGER && x->id == person_id)
            own_manager = a;
        if (x->kind == PM_PERSON && x->id == person_id)
            own_person = a;
    }
    int own = own_manager >= 0 ? own_manager : own_person;
    if (own >= 0 && s.as[own].status == RULES_SCORE_MEASURED) {
        out->has_own = 1;
        out->own = s.as[own].score;
    }
    for (int i = 0; i < n; i++) {
        int o = plan_model_objective(&s.m, objective_ids[i]);
        status[i] = o >= 0 ? s.obj[o].status : RULES_SCORE_NOT_MEASURED;
        score[i] = o >= 0 ? s.obj[o].score : (rules_decimal){0};
    }
    plan_model_free(&s.m);
    return 0;
}
