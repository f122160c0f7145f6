/* periods.c — monitoring periods, the evaluator's corrections and score overrides (periods.h). */
#include "api/periods.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "api/list_answer.h"
#include "codec/rule_json.h"
#include "codec/validate.h"
#include "store/periods.h"

#define REASON_MAX 5000

/* Whether objective_id counts towards person_id's own score (assigned to them or to a
 * structure they lead): 1, 0, -1. */
static int counts_for(store_conn *db, const char *scope, int64_t objective_id, int64_t person_id, problem *p)
{
    return store_manager_reaches(db, "objectives", scope, objective_id, person_id, p);
}

static rules_period period_of(const period_state *st)
{
    rules_period rp;
    memset(&rp, 0, sizeof rp);
    rp.validated = strcmp(st->status, "validated") == 0;
    rp.has_closed = st->closed_through[0] && rules_date_parse_iso(st->closed_through, &rp.closed_through, NULL) == 0;
    return rp;
}

int period_refuse(const period_state *st, rules_entry_verdict v, const char *as_of, problem *p)
{
    switch (v) {
    case RULES_ENTRY_VALIDATED:
        problem_set(p, 409, "plan_validated",
                    "plan %" PRId64 " is validated by the Nucleo di Valutazione: its figures can no longer change",
                    st->plan_id);
        problem_hint(p, "measurements, progress, reviews and overrides of a validated plan are final");
        break;
    case RULES_ENTRY_PERIOD_CLOSED:
        problem_set(p, 409, "period_closed",
                    "the period up to %s is closed by the %s review: an entry dated %s can only be a correction "
                    "by the evaluator",
                    st->closed_through, st->closed_by[0] ? st->closed_by : "latest", as_of ? as_of : "then");
        problem_add(p, "as_of", "%s is on or before %s, the date of the %s review", as_of ? as_of : "the date",
                    st->closed_through, st->closed_by[0] ? st->closed_by : "latest");
        problem_hint(p, "date the entry after %s, or ask the Nucleo di Valutazione to correct the closed period",
                     st->closed_through);
        break;
    case RULES_ENTRY_OWN_SCORE:
        problem_set(p, 403, "own_score",
                    "this entry counts towards your own score and its period is closed: you cannot change it");
        problem_hint(p, "another member of the Nucleo di Valutazione must make the correction");
        break;
    case RULES_ENTRY_REASON_MISSING:
        problem_set(p, 422, "validation_failed",
                    "the period up to %s is closed: a correction by the evaluator gives its reason", st->closed_through);
        problem_add(p, "reason", "is required: why the figure of the closed period is corrected");
        break;
    default: break;
    }
    return -1;
}

int period_gate(http_request *req, const char *kind, int64_t id, const char *as_of, int has_reason, period_state *st,
                problem *p)
{
    api_call *call = api_call_of(req);
    store_period_of q = strcmp(kind, "phases") == 0 ? PS_OF_PHASE : PS_OF_INDICATOR;
    int found = store_period_state_of(call->db, q, call->scope, id, st, p);
    if (found <= 0)
        return found == 0 ? problem_set(p, 404, "not_found", "no %s with id %" PRId64, kind, id) : -1;
    rules_period rp = period_of(st);
    rules_date d;
    if (rules_date_parse_iso(as_of, &d, NULL) < 0)
        return problem_set(p, 422, "validation_failed", "as_of is not a date");
    int evaluator = api_who(req)->role == (int)ROLE_EVALUATOR;
    rules_entry_verdict v = rules_entry_gate(&rp, d, evaluator, 0, has_reason);
    if ((v == RULES_ENTRY_CORRECTION || v == RULES_ENTRY_REASON_MISSING) && api_who(req)->person_id) {
        int own = counts_for(call->db, call->scope, st->objective_id, api_who(req)->person_id, p);
        if (own < 0)
            return -1;
        v = rules_entry_gate(&rp, d, evaluator, own, has_reason);
    }
    if (v == RULES_ENTRY_OPEN && has_reason) {
        problem_set(p, 422, "validation_failed", "the entry is not valid");
        problem_add(p, "reason", "is only for the evaluator's correction of a closed period (%s%s): use note",
                    st->closed_through[0] ? "closed up to " : "none is closed", st->closed_through);
        return -1;
    }
    if (v == RULES_ENTRY_OPEN || v == RULES_ENTRY_CORRECTION)
        return (int)v;
    return period_refuse(st, v, as_of, p);
}

void period_entry_guard(const period_state *st, rules_entry_verdict v, const char *reason, store_entry_guard *g)
{
    g->reason = v == RULES_ENTRY_CORRECTION ? reason : NULL;
    g->status = st->status;
    g->closed_through = st->closed_through[0] ? st->closed_through : NULL;
}

/* Answers 409 plan_validated for a validated plan, 403 own_score when the objective of row
 * id (statement q) counts towards the caller's own person, or 404; returns 0 when the act may
 * go ahead, -1 after answering. For acts with no date of their own (reviews, judgements). */
static int refuse_frozen(http_request *req, store_period_of q, int64_t id, const char *noun)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    period_state st;
    int found = store_period_state_of(call->db, q, call->scope, id, &st, &p);
    if (found == 0)
        problem_set(&p, 404, "not_found", "no %s with id %" PRId64, noun, id);
    else if (found > 0 && strcmp(st.status, "validated") == 0)
        found = period_refuse(&st, RULES_ENTRY_VALIDATED, NULL, &p);
    else if (found > 0 && st.objective_id && api_who(req)->person_id) {
        int own = counts_for(call->db, call->scope, st.objective_id, api_who(req)->person_id, &p);
        found = own > 0 ? period_refuse(&st, RULES_ENTRY_OWN_SCORE, NULL, &p) : own < 0 ? -1 : 1;
    }
    if (found > 0)
        return 0;
    api_fail(req, &p);
    return -1;
}

void period_judgement_create(http_request *req)
{
    if (refuse_frozen(req, PS_OF_INDICATOR, req->ids[0], "indicator") == 0)
        judgement_create(req);
}

void period_review_create(http_request *req)
{
    if (refuse_frozen(req, PS_OF_PLAN, req->ids[0], "plan") == 0)
        review_create(req);
}

/* ----------------------------------------------------------------------------------- */
/* The score answer                                                                    */
/* ----------------------------------------------------------------------------------- */

static json_t *item_with_id(json_t *arr, const char *key, json_int_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it) if (json_integer_value(json_object_get(it, key)) == id) return it;
    return NULL;
}

/* Puts each correction of rows l (correction JSON, the item's id) on its item of out[list]. */
static void attach_corrections(json_t *out, const char *list, const char *key, const store_docs *l)
{
    for (int i = 0; i < store_docs_count(l); i++) {
        json_t *item = item_with_id(json_object_get(out, list), key, store_docs_id(l, i));
        json_t *c = item ? json_loads(store_docs_text(l, i), 0, NULL) : NULL;
        if (!c)
            continue;
        json_t *orig = json_object_get(c, "corrects");
        const char *expl = json_string_value(json_object_get(item, "explanation"));
        char text[RULES_EXPLANATION_MAX + 600], was[160] = "";
        if (json_is_object(orig)) {
            char *v = rule_json_dumps(json_object_get(orig, strcmp(list, "phases") ? "value" : "percent_complete"),
                                      JSON_ENCODE_ANY | JSON_COMPACT);
            snprintf(was, sizeof was, "; the original entry %" JSON_INTEGER_FORMAT " (%s as of %s) is kept",
                     json_integer_value(json_object_get(orig, "id")), v ? v : "?",
                     json_string_value(json_object_get(orig, "as_of")));
            free(v);
        }
        snprintf(text, sizeof text, "%s%scorrected by the evaluator (%s) after the period closed: %s%s",
                 expl ? expl : "", expl ? "; " : "", json_string_value(json_object_get(c, "recorded_by")),
                 json_string_value(json_object_get(c, "reason")), was);
        json_object_set_new(item, "explanation", json_string(text));
        json_object_set_new(item, "correction", c);
    }
}

/* Adds to the score answer out (borrowed) of objective_id as of as_of its counted corrections
 * and its approved override; leaves out as it is where a lookup fails. */
static void decorate(http_request *req, int64_t objective_id, const char *as_of, json_t *out)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    for (int progress = 0; progress < 2; progress++) {
        store_docs *l = NULL;
        if (store_period_corrections(call->db, progress, call->scope, objective_id, as_of, &l, &p) == 0)
            attach_corrections(out, progress ? "phases" : "indicators", progress ? "phase_id" : "indicator_id", l);
        store_docs_free(l);
    }
    json_t *ov = NULL;
    char *doc = NULL;
    if (store_override_effective(call->db, call->scope, objective_id, as_of, &doc, &p) > 0)
        ov = json_loads(doc, 0, NULL);
    free(doc);
    /* the rules library already counts the override (rules_objective.has_override): say so */
    const char *expl = json_string_value(json_object_get(out, "explanation"));
    if (ov && expl) {
        char *computed = rule_json_dumps(json_object_get(out, "computed_score"), JSON_ENCODE_ANY);
        char *set = rule_json_dumps(json_object_get(out, "score"), JSON_ENCODE_ANY);
        char text[RULES_EXPLANATION_MAX + 800];
        snprintf(text, sizeof text,
                 "set by hand to %s (override %" JSON_INTEGER_FORMAT " approved by %s: %s); computed: %s (%s)",
                 set ? set : "?", json_integer_value(json_object_get(ov, "id")),
                 json_string_value(json_object_get(ov, "decided_by")), json_string_value(json_object_get(ov, "reason")),
                 computed ? computed : "?", expl);
        json_object_set_new(out, "explanation", json_string(text));
        free(computed);
        free(set);
    }
    json_object_set_new(out, "override", ov ? ov : json_null());
    problem_clear(&p);
}

/* ----------------------------------------------------------------------------------- */
/* Score overrides                                                                     */
/* ----------------------------------------------------------------------------------- */

/* Answers the override doc (taken: freed here) with status (201 with Location, or 200). */
static void answer_doc(http_request *req, char *doc, int status)
{
    json_t *j = json_loads(doc, 0, NULL);
    free(doc);
    if (status == 201)
        snprintf(req->res.location, sizeof req->res.location, "/v1/overrides/%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(j, "id")));
    http_json(req, status, j);
}

void override_request(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    json_t *body = api_body_open(req, &p);
    if (!body)
        return;
    period_state st;
    int found = store_period_state_of(call->db, PS_OF_OBJECTIVE, call->scope, req->ids[0], &st, &p);
    if (found == 0)
        problem_set(&p, 404, "not_found", "no objective with id %" PRId64, req->ids[0]);
    if (found <= 0)
        goto out;
    if (strcmp(st.status, "validated") == 0) {
        period_refuse(&st, RULES_ENTRY_VALIDATED, NULL, &p);
        goto out;
    }
    if (api_who(req)->role == (int)ROLE_MANAGER) {
        int mine = counts_for(call->db, call->scope, req->ids[0], api_who(req)->person_id, &p);
        if (mine < 0)
            goto out;
        if (!mine) {
            problem_set(&p, 403, "forbidden",
                        "a manager asks for overrides only on the objectives of the structures they lead (or their own)");
            goto out;
        }
    }
    if (!json_is_object(body)) {
        problem_add(&p, "", "must be a JSON object");
    } else {
        static const char *const known[] = {"score", "reason", "as_of", NULL};
        body_unknown_fields(body, known, "an override", &p);
    }
    char as_of[11] = "", score[32] = "";
    const char *reason = json_is_object(body) ? body_text(body, "reason", REASON_MAX, &p) : NULL;
    if (json_is_object(body) && body_date(body, "as_of", as_of, &p) == 0)
        problem_add(&p, "as_of", "is required: the date from which the score is set (YYYY-MM-DD)");
    if (json_is_object(body) && (!reason || !*reason))
        problem_add(&p, "reason", "is required: why the computed score should not count");
    json_t *sv = json_is_object(body) ? json_object_get(body, "score") : NULL;
    rules_decimal d;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (!sv || json_is_null(sv))
        problem_add(&p, "score", "is required: the score to set, from 0 to 100");
    else if (rule_json_number(sv, 2, "score", &d, &e) < 0)
        problem_add(&p, "score", "%s", e.message);
    else if (d.units < 0 || d.units > 100 * RULES_DECIMAL_SCALE)
        problem_add(&p, "score", "must be between 0 and 100");
    else
        rules_decimal_format(d, 2, '.', score);
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the override request is not valid");
        goto out;
    }
    char *doc = NULL;
    int made = store_override_insert(call->db, call->scope, &call->actor, req->ids[0], as_of, score, reason, st.status,
                                     &doc, &p);
    if (made < 0)
        goto out;
    if (made == 0) {
        problem_set(&p, 409, "conflict", "the objective was removed from the plan, or its plan changed state meanwhile");
        problem_hint(&p, "read the objective and its plan again");
        goto out;
    }
    json_decref(body);
    answer_doc(req, doc, 201);
    return;
out:
    json_decref(body);
    api_fail(req, &p);
}

/* Reads the ?status= filter of a list: 0 with *status (NULL for none), or -1 with p set to 400. */
static int status_filter(const http_request *req, const char **status, problem *p)
{
    *status = http_query(req, "status");
    if (!*status || strcmp(*status, "requested") == 0 || strcmp(*status, "approved") == 0 ||
        strcmp(*status, "rejected") == 0)
        return 0;
    problem_add(p, "status", "must be one of: requested, approved, rejected");
    return problem_set(p, 400, "bad_parameter", "status must be requested, approved or rejected");
}

static void override_list(http_request *req, int of_plan, const char *noun)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    list_page pg;
    const char *status;
    if (list_page_read(req, &pg, &p) < 0 || status_filter(req, &status, &p) < 0) {
        api_fail(req, &p);
        return;
    }
    period_state st;
    int found = store_period_state_of(call->db, of_plan ? PS_OF_PLAN : PS_OF_OBJECTIVE, call->scope, req->ids[0], &st,
                                      &p);
    if (found == 0)
        problem_set(&p, 404, "not_found", "no %s with id %" PRId64, noun, req->ids[0]);
    if (found <= 0) {
        api_fail(req, &p);
        return;
    }
    store_docs *l = NULL;
    if (store_override_list(call->db, of_plan, call->scope, req->ids[0], status, pg.after_text, pg.limit_text, &l, &p) <
        0) {
        api_fail(req, &p);
        return;
    }
    static const char *const keep[] = {"status", NULL};
    list_csv csv = {NULL, 0, NULL, keep};
    list_answer_docs(req, l, pg.limit, &csv);
}

void override_list_objective(http_request *req) { override_list(req, 0, "objective"); }

void override_list_plan(http_request *req) { override_list(req, 1, "plan"); }

/* Reads override id: 1 with *ov (free ov->doc), 0 after answering 404, -1 with p set. */
static int load_override(http_request *req, store_override *ov, problem *p)
{
    api_call *call = api_call_of(req);
    int found = store_override_get(call->db, call->scope, req->ids[0], ov, p);
    if (found == 0)
        http_error(req, 404, "not_found", "no override with id %" PRId64, req->ids[0]);
    return found;
}

void override_get(http_request *req)
{
    problem p;
    problem_init(&p);
    store_override ov;
    int found = load_override(req, &ov, &p);
    if (found < 0)
        api_fail(req, &p);
    else if (found > 0)
        answer_doc(req, ov.doc, 200);
}

/* The evaluator's decision on a requested override: status "approved" or "rejected" (which
 * needs a note saying why). */
static void decide(http_request *req, const char *status)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    json_t *body = NULL;
    char *doc = NULL;
    const char *note = NULL;
    if (req->body.len > 0) {
        if (!(body = api_json_body(req)))
            return;
        if (!json_is_object(body)) {
            problem_add(&p, "", "must be a JSON object");
        } else {
            static const char *const known[] = {"note", NULL};
            body_unknown_fields(body, known, "a decision", &p);
            note = body_text(body, "note", REASON_MAX, &p);
        }
    }
    if (strcmp(status, "rejected") == 0 && (!note || !*note) && !problem_count(&p))
        problem_add(&p, "note", "is required: why the request is rejected");
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the decision is not valid");
        goto out;
    }
    store_override ov;
    int found = load_override(req, &ov, &p);
    if (found <= 0)
        goto done;
    free(ov.doc);
    int64_t objective = ov.objective_id;
    const char *current = ov.status;
    period_state st;
    if (store_period_state_of(call->db, PS_OF_OBJECTIVE, call->scope, objective, &st, &p) < 0)
        goto out;
    if (strcmp(st.status, "validated") == 0) {
        period_refuse(&st, RULES_ENTRY_VALIDATED, NULL, &p);
        goto out;
    }
    int own = counts_for(call->db, call->scope, objective, api_who(req)->person_id, &p);
    if (own < 0)
        goto out;
    if (own) {
        problem_set(&p, 403, "own_score", "the objective counts towards your own score: you cannot decide on it");
        problem_hint(&p, "another member of the Nucleo di Valutazione must decide");
        goto out;
    }
    if (strcmp(current, "requested") != 0) {
        problem_set(&p, 409, "override_decided", "override %" PRId64 " is already %s", req->ids[0], current);
        goto out;
    }
    int decided = store_override_decide(call->db, call->scope, &call->actor, req->ids[0], status, note, st.status, &doc,
                                        &p);
    if (decided < 0)
        goto out;
    if (decided == 0) {
        problem_set(&p, 409, "override_decided",
                    "override %" PRId64 " was decided, or its plan changed state, meanwhile", req->ids[0]);
        goto out;
    }
    json_decref(body);
    answer_doc(req, doc, 200);
    return;
out:
    api_fail(req, &p);
done:
    json_decref(body);
    problem_clear(&p);
}

void override_approve(http_request *req) { decide(req, "approved"); }
void override_reject(http_request *req) { decide(req, "rejected"); }

void period_objective_score(http_request *req)
{
    objective_score(req);
    if (req->res.status != 200 || http_answer_in_memory(req) < 0 || !req->res.body)
        return;
    json_t *out = json_loadb(req->res.body, req->res.len, 0, NULL);
    const char *as_of = json_string_value(json_object_get(out, "as_of"));
    if (!as_of) {
        json_decref(out);
        return;
    }
    char date[11];
    snprintf(date, sizeof date, "%s", as_of);
    decorate(req, req->ids[0], date, out);
    http_json(req, 200, out);
}
