/* monitoring.c — progress of phases, measurements of indicators, and reviews. History is
 * kept: every POST adds an entry; the latest on or before a date is what scores use. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "api/list_answer.h"
#include "api/periods.h"
#include "api/validate.h"
#include "codec/rule_json.h"
#include "core/text.h"
#include "store/monitoring.h"

/* Reads an optional ISO date field into out ("" when absent). Adds an error and returns -1 when
 * it is not a date or lies outside the plan's years (entry_date_check). */
static int date_field(json_t *body, const char *name, int plan_year, char out[11], problem *p)
{
    int rc = body_date(body, name, out, p);
    if (rc <= 0)
        return rc;
    if (entry_date_check(out, plan_year, name, p) < 0) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* Reads the phase or indicator an entry is for, in one round trip, and checks it: 404 when
 * missing, 422 when removed from the plan, 403 for a manager who does not report on it (a
 * manager reports only on objectives assigned to itself or to the structures it leads; a
 * manager token that names no person reports on nothing). Returns 1 when the caller may
 * write; else 0 with p set. */
static int entry_target(http_request *req, const char *kind, const char *noun, store_entry_target *t, problem *p)
{
    api_call *call = api_call_of(req);
    int manager = api_who(req)->role == (int)ROLE_MANAGER;
    int found = store_entry_target_read(call->db, kind, call->scope, req->ids[0], manager ? api_who(req)->person_id : 0,
                                        t, p);
    if (found < 0)
        return 0;
    if (found == 0) {
        problem_set(p, 404, "not_found", "no %s with id %" PRId64, noun, req->ids[0]);
        return 0;
    }
    if (t->removed) {
        problem_set(p, 422, "removed", "the %s was removed from the plan by a revision", noun);
        problem_add(p, "", "the %s %" PRId64 " is no longer part of the plan", noun, req->ids[0]);
        return 0;
    }
    if (manager && !api_who(req)->person_id) {
        problem_set(p, 403, "forbidden", "this manager token names no person, so it may report on nothing");
        problem_hint(p, "ask for a token with person_id");
        return 0;
    }
    if (manager && !t->reaches) {
        problem_set(p, 403, "forbidden",
                    "a manager reports only on objectives assigned to itself or to the structures it leads; this %s "
                    "is not one of them",
                    noun);
        return 0;
    }
    return 1;
}

/* An entry's kind: its row's kind and noun, and its own name in field errors and details. */
typedef struct entry_kind {
    const char *rows, *noun;  /* "phases", "phase" */
    const char *what, *named; /* "progress" (unknown fields), "progress entry" (the detail) */
    const char *const *known; /* the body's fields, NULL-terminated */
} entry_kind;

/* The start of an entry POST: the body, read first (a bad one costs no database work), the
 * row it is for (entry_target), and the body's shape. Returns NULL after answering when the
 * body cannot be read or the entry cannot go on; else the body (the caller owns it), with
 * unknown fields added to p's errors. */
static json_t *entry_begin(http_request *req, const entry_kind *k, store_entry_target *t, problem *p)
{
    json_t *body = api_json_body(req);
    if (!body)
        return NULL;
    if (entry_target(req, k->rows, k->noun, t, p)) {
        if (json_is_object(body)) {
            body_unknown_fields(body, k->known, k->what, p);
        } else {
            problem_add(p, "", "must be a JSON object");
            problem_set(p, 422, "validation_failed", "the %s is not valid", k->named);
        }
    }
    if (!p->status)
        return body;
    json_decref(body);
    api_fail(req, p);
    return NULL;
}

/* What an entry carries besides its date (the fields of one kind are used). */
typedef struct entry_fields {
    const char *percent, *completed_on, *note; /* progress */
    const char *value, *source;                /* measurements (note too) */
    int not_assessable;
} entry_fields;

/* Writes the entry dated as_of for row req->ids[0] of kind ("phases", "indicators") under the
 * period rules (api/periods.h): the gate decides, then the row is written only while its
 * plan is still in the state the gate saw; when a review or the validation came in between,
 * the gate decides again. Returns 1 with *doc, or -1 with p set. */
static int gated_write(http_request *req, const char *kind, const char *as_of, const char *reason,
                       const entry_fields *f, char **doc, problem *p)
{
    api_call *call = api_call_of(req);
    for (int attempt = 0; attempt < 3; attempt++) {
        period_state st;
        int v = period_gate(req, kind, req->ids[0], as_of, reason && *reason, &st, p);
        if (v < 0)
            return -1;
        store_entry_guard g;
        period_entry_guard(&st, (rules_entry_verdict)v, reason, &g);
        int found = strcmp(kind, "phases") == 0
                        ? store_progress_add(call->db, call->scope, &call->actor, req->ids[0], f->percent,
                                             f->completed_on, as_of, f->note, &g, doc, p)
                        : store_measurement_add(call->db, call->scope, &call->actor, req->ids[0], f->value,
                                                f->not_assessable, as_of, f->source, f->note, &g, doc, p);
        if (found != 0)
            return found;
    }
    return problem_set(p, 503, "try_again", "the plan's periods changed while the entry was written: try again");
}

static void finish(http_request *req, problem *p, json_t *body, char *doc, int found, const char *noun)
{
    json_decref(body);
    if (api_found(req, found, p, "no such %s", noun))
        http_body(req, 201, "application/json", doc, strlen(doc));
}

void progress_create(http_request *req)
{
    problem p;
    problem_init(&p);
    char *doc = NULL;
    int found = -1;
    static const char *const known[] = {"percent_complete", "completed_on", "as_of", "note", "reason", NULL};
    static const entry_kind kind = {"phases", "phase", "progress", "progress entry", known};
    store_entry_target info;
    json_t *body = entry_begin(req, &kind, &info, &p);
    if (!body)
        return;
    char completed[11], as_of[11], percent[32] = "";
    const char *note;
    date_field(body, "completed_on", info.year, completed, &p);
    date_field(body, "as_of", info.year, as_of, &p);
    note = body_text(body, "note", 5000, &p);
    const char *reason = body_text(body, "reason", 5000, &p);
    if (!as_of[0])
        http_today(as_of);
    json_t *pc = json_object_get(body, "percent_complete");
    rules_decimal d = {0};
    rules_error e;
    memset(&e, 0, sizeof e);
    if (pc && !json_is_null(pc)) {
        if (rule_json_number(pc, 2, "percent_complete", &d, &e) < 0)
            problem_add(&p, "percent_complete", "%s", e.message);
        else if (d.units < 0 || d.units > 100 * RULES_DECIMAL_SCALE)
            problem_add(&p, "percent_complete", "must be between 0 and 100");
        else
            rules_decimal_format(d, 2, '.', percent);
    } else if (completed[0]) {
        snprintf(percent, sizeof percent, "100.00");
        d.units = 100 * RULES_DECIMAL_SCALE;
    } else {
        problem_add(&p, "percent_complete", "is required (or give completed_on for a finished phase)");
    }
    if (completed[0] && percent[0] && d.units != 100 * RULES_DECIMAL_SCALE)
        problem_add(&p, "percent_complete", "a phase completed on %s is 100%% complete", completed);
    if (completed[0] && strcmp(completed, as_of) > 0)
        problem_add(&p, "completed_on", "%s is after as_of %s", completed, as_of);
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the progress entry is not valid");
        goto out;
    }
    entry_fields f = {percent, completed[0] ? completed : NULL, note, NULL, NULL, 0};
    found = gated_write(req, "phases", as_of, reason, &f, &doc, &p);
out:
    finish(req, &p, body, doc, found, "phase");
}

/* Checks a measured value against the indicator's type and rule (decoded by the store);
 * returns its JSON text (malloc'd), or NULL with a field error added to p. */
static char *measured_value(json_t *v, const store_entry_target *info, problem *p)
{
    const char *t = info->value_type;
    rules_decimal d;
    rules_error e;
    memset(&e, 0, sizeof e);
    const rules_rule *nodes = info->rule;
    int has_rule = info->has_rule;
    int structured = has_rule && (nodes[0].kind == RULES_KIND_FORMULA || nodes[0].kind == RULES_KIND_ALL_TARGETS);
    if (!structured) {
        if (strcmp(t, "boolean") == 0 && !json_is_boolean(v)) {
            problem_add(p, "value", "must be true or false for this indicator (value_type boolean)");
            return NULL;
        }
        if (strcmp(t, "date") == 0) {
            rules_date dt;
            if (!json_is_string(v) || rules_date_parse_iso(json_string_value(v), &dt, &e) < 0) {
                problem_add(p, "value", "must be a date (YYYY-MM-DD) for this indicator (value_type date)%s%s",
                            e.message[0] ? ": " : "", e.message);
                return NULL;
            }
        }
        if (strcmp(t, "number") == 0 || strcmp(t, "percent") == 0 || strcmp(t, "money") == 0) {
            if (!json_is_number(v)) {
                problem_add(p, "value", "must be a number for this indicator (value_type %s)", t);
                return NULL;
            }
            if (rule_json_number(v, strcmp(t, "money") == 0 ? 2 : 4, "value", &d, &e) < 0) {
                problem_add(p, "value", "%s", e.message);
                return NULL;
            }
            if (entry_percent_check(t, d, "value", p) < 0)
                return NULL;
        }
    }
    if (has_rule) {
        rules_value vals[RULE_JSON_MAX_VALUES];
        if (rule_json_decode_value(v, &nodes[0], "value", vals, RULE_JSON_MAX_VALUES, NULL, &e) < 0) {
            problem_add(p, e.field[0] ? e.field : "value", "%s", e.message);
            return NULL;
        }
    }
    return rule_json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

void measurement_create(http_request *req)
{
    problem p;
    problem_init(&p);
    char *doc = NULL, *value = NULL;
    int found = -1;
    static const char *const known[] = {"value", "as_of", "source", "note", "not_assessable", "reason", NULL};
    static const entry_kind kind = {"indicators", "indicator", "measurement", "measurement", known};
    store_entry_target info;
    json_t *body = entry_begin(req, &kind, &info, &p);
    if (!body)
        return;
    char as_of[11];
    const char *source, *note;
    date_field(body, "as_of", info.year, as_of, &p);
    if (!as_of[0])
        http_today(as_of);
    source = body_text(body, "source", 200, &p);
    note = body_text(body, "note", 5000, &p);
    const char *reason = body_text(body, "reason", 5000, &p);
    json_t *na = json_object_get(body, "not_assessable");
    int not_assessable = json_is_true(na);
    if (na && !json_is_boolean(na))
        problem_add(&p, "not_assessable", "must be true or false");
    json_t *v = json_object_get(body, "value");
    if (not_assessable) {
        if (!(api_who(req)->role & (ROLE_EVALUATOR | ROLE_ADMIN))) {
            problem_set(&p, 403, "forbidden",
                        "only the evaluator (Nucleo di Valutazione) may declare an indicator "
                        "not assessable");
            goto out;
        }
        if (!note || !*note)
            problem_add(&p, "note", "give the reason why the indicator is not assessable");
        if (v && !json_is_null(v))
            problem_add(&p, "value", "a not assessable indicator has no value");
    } else if (!v || json_is_null(v)) {
        problem_add(&p, "value", "is required");
    } else if (problem_count(&p) == 0) {
        value = measured_value(v, &info, &p);
    }
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the measurement is not valid");
        goto out;
    }
    entry_fields f = {NULL, NULL, note, value, source, not_assessable};
    found = gated_write(req, "indicators", as_of, reason, &f, &doc, &p);
out:
    free(value);
    finish(req, &p, body, doc, found, "indicator");
}

static void history(http_request *req, const char *kind, const char *owner_kind, const char *noun)
{
    list_page pg;
    problem p;
    api_call *call = list_call(req, &pg, &p);
    if (!call)
        return;
    owner_info info;
    int found = store_owner_info(call->db, owner_kind, call->scope, req->ids[0], &info, &p);
    store_docs *r = NULL;
    if (found == 0)
        problem_set(&p, 404, "not_found", "no %s with id %" PRId64, noun, req->ids[0]);
    if (found <= 0 || store_history(call->db, kind, call->scope, req->ids[0], pg.after, pg.limit + 1, &r, &p) < 0) {
        api_fail(req, &p);
        return;
    }
    api_answer_docs(req, r, pg.limit);
}

void progress_list(http_request *req) { history(req, "progress", "phases", "phase"); }
void measurement_list(http_request *req) { history(req, "measurements", "indicators", "indicator"); }
