/* lifecycle.c — adoption, revisions, closing, validation, and the audit log over HTTP. */
#include "api/lifecycle.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/list_answer.h"
#include "codec/csv.h"
#include "codec/plan_diff.h"
#include "codec/rule_json.h"
#include "codec/validate.h"
#include "core/text.h"
#include "rules.h"
#include "rules_lifecycle.h"
#include "store/lifecycle.h"
#include "store/plan_doc.h"

static void no_plan(http_request *req) { http_error(req, 404, "not_found", "no plan with id %" PRId64, req->ids[0]); }

/* An optional JSON object body whose only allowed key is "note" (a string of at most
 * 5000 characters). Returns 0 with *extra set to what the audit record's "after" gains
 * ({"<what>": {"note": ...}} as malloc'd text, or NULL), or -1 after answering. */
static int note_body(http_request *req, const char *what, char **extra)
{
    *extra = NULL;
    if (req->body.len == 0)
        return 0;
    json_t *body = api_json_body(req);
    if (!body)
        return -1;
    problem p;
    problem_init(&p);
    if (!json_is_object(body)) {
        problem_add(&p, "", "must be a JSON object");
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(body, k, v)
        {
            if (strcmp(k, "note") != 0)
                problem_add(&p, k, "is not a field of %s", what);
            else if (!json_is_null(v) && (!json_is_string(v) || utf8_length(json_string_value(v)) > 5000))
                problem_add(&p, k, "must be a string of at most 5000 characters");
        }
    }
    if (problem_count(&p)) {
        json_decref(body);
        problem_set(&p, 422, "validation_failed", "the %s is not valid", what);
        api_fail(req, &p);
        return -1;
    }
    json_t *note = json_object_get(body, "note");
    if (note && json_is_string(note)) {
        json_t *x = json_pack("{s:{s:O}}", what, "note", note);
        *extra = rule_json_dumps(x, JSON_COMPACT);
        json_decref(x);
    }
    json_decref(body);
    return 0;
}

/* Checks {"deliberation": {"number", "date", "body"}}; fills d with strings borrowed from
 * *body (the caller decrefs it). Returns 0 or -1 with p set (422 naming the fields). */
static int check_deliberation(json_t *body, store_deliberation *d, char date[11], problem *p)
{
    memset(d, 0, sizeof *d);
    if (!json_is_object(body)) {
        problem_add(p, "", "must be a JSON object with a deliberation");
        return problem_set(p, 422, "validation_failed", "the adoption is not valid");
    }
    static const char *const known[] = {"deliberation", NULL};
    body_unknown_fields(body, known, "an adoption", p);
    json_t *dl = json_object_get(body, "deliberation");
    if (!dl || json_is_null(dl)) {
        problem_add(p, "deliberation", "is required: the plan is adopted by a deliberation (number and date)");
    } else if (!json_is_object(dl)) {
        problem_add(p, "deliberation", "must be an object {\"number\", \"date\", \"body\"}");
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(dl, k, v)
        {
            if (strcmp(k, "number") && strcmp(k, "date") && strcmp(k, "body"))
                problem_add(p, "deliberation", "%s is not a field of a deliberation", k);
        }
        json_t *num = json_object_get(dl, "number");
        if (!num || json_is_null(num))
            problem_add(p, "deliberation.number", "is required (e.g. \"100\" or \"8/2022\")");
        else if (!json_is_string(num))
            problem_add(p, "deliberation.number", "must be a string (e.g. \"100\" or \"8/2022\")");
        else if (!*json_string_value(num) || utf8_length(json_string_value(num)) > 32)
            problem_add(p, "deliberation.number", "must be from 1 to 32 characters");
        else
            d->number = json_string_value(num);
        json_t *dt = json_object_get(dl, "date");
        if (!dt || json_is_null(dt)) {
            problem_add(p, "deliberation.date", "is required (YYYY-MM-DD)");
        } else if (!json_is_string(dt)) {
            problem_add(p, "deliberation.date", "must be a date (YYYY-MM-DD)");
        } else {
            rules_date rd;
            rules_error e;
            memset(&e, 0, sizeof e);
            if (rules_date_parse_iso(json_string_value(dt), &rd, &e) < 0) {
                if (e.hint[0])
                    problem_add(p, "deliberation.date", "%s: %s", e.message, e.hint);
                else
                    problem_add(p, "deliberation.date", "%s", e.message);
            } else {
                rules_date_format_iso(rd, date);
                d->date = date;
            }
        }
        json_t *b = json_object_get(dl, "body");
        if (b && !json_is_null(b)) {
            if (!json_is_string(b) || utf8_length(json_string_value(b)) > 2000)
                problem_add(p, "deliberation.body", "must be a string of at most 2000 characters");
            else
                d->body = json_string_value(b);
        }
    }
    if (problem_count(p))
        return problem_set(p, 422, "validation_failed", "the adoption is not valid");
    return 0;
}

void plan_refusal_phrase(const store_refusal *w, problem *p)
{
    const char *status = rules_plan_status_name(w->state.status);
    const char *code = rules_plan_refusal_code(w->why);
    int64_t plan = w->plan_id;
    int next = w->revision + 1;
    if (w->stale) {
        problem_set(p, 412, "precondition_failed", "the plan has changed since you read it");
        if (w->action == RULES_PLAN_ADOPT)
            problem_hint(p, "read it again (its ETag is \"%" PRId64 "\")", w->version);
        return;
    }
    switch (w->why) {
    case RULES_PLAN_ALLOWED: return;
    case RULES_PLAN_REFUSED_ADOPTED:
        if (w->action == RULES_PLAN_ADOPT) {
            problem_set(p, 409, code,
                        "the plan is already adopted (revision %d): open a revision (POST /v1/plans/%" PRId64
                        "/revisions) to change it",
                        w->revision, plan);
        } else {
            problem_set(p, 409, code,
                        "the plan is adopted: open a revision (POST /v1/plans/%" PRId64 "/revisions) to change it", plan);
            problem_hint(p, "progress, measurements and reviews never need a revision");
        }
        return;
    case RULES_PLAN_REFUSED_NOT_ADOPTABLE:
        problem_set(p, 409, code, "the plan is %s: it can no longer be adopted", status);
        return;
    case RULES_PLAN_REFUSED_REVISION_OPEN:
        if (w->action == RULES_PLAN_OPEN_REVISION)
            problem_set(p, 409, code, "revision %d is already open: adopt it (POST /v1/plans/%" PRId64 "/adopt) first",
                        next, plan);
        else
            problem_set(p, 409, code, "revision %d is open: adopt it before closing the plan", next);
        return;
    case RULES_PLAN_REFUSED_DRAFT:
        if (w->action == RULES_PLAN_OPEN_REVISION)
            problem_set(p, 409, code,
                        "the plan is a draft: it is edited directly, and its first adoption makes revision 1");
        else
            problem_set(p, 409, code, "the plan is a draft: adopt it before closing it");
        return;
    case RULES_PLAN_REFUSED_NOT_REVISABLE:
        problem_set(p, 409, code, "the plan is %s: it can no longer be revised", status);
        return;
    case RULES_PLAN_REFUSED_NOT_CLOSABLE: problem_set(p, 409, code, "the plan is already %s", status); return;
    case RULES_PLAN_REFUSED_NOT_CLOSED:
        problem_set(p, 409, code,
                    "the plan is %s: only a closed plan can be validated (POST /v1/plans/%" PRId64 "/close)", status,
                    plan);
        return;
    case RULES_PLAN_REFUSED_CLOSED:
    case RULES_PLAN_REFUSED_VALIDATED:
        problem_set(p, 409, code, "the plan is %s: its content can no longer be changed", status);
        return;
    case RULES_PLAN_REFUSED_NOT_DRAFT:
        problem_set(p, 409, code, "the plan is %s (revision %d): an adopted plan is an act and cannot be deleted",
                    status, w->revision);
        return;
    }
}

/* After a lifecycle write that returned ok: 1 when it was done; else 0 after answering the
 * problem (phrased from the refusal when the store gave one) or 404 for no plan. */
static int plan_written(http_request *req, int ok, const store_refusal *why, problem *p)
{
    if (ok > 0)
        return 1;
    if (ok == 0) {
        no_plan(req);
        return 0;
    }
    if (why->stale || why->why != RULES_PLAN_ALLOWED)
        plan_refusal_phrase(why, p);
    api_fail(req, p);
    return 0;
}

/* Answers 200 with the plan (doc, handed over) a lifecycle write left at version. */
static void answer_plan(http_request *req, char *doc, int64_t version)
{
    http_body(req, 200, "application/json", doc, strlen(doc));
    http_etag(req, version);
}

void plan_adopt(http_request *req)
{
    api_call *call = api_call_of(req);
    int64_t if_version;
    if (api_if_match(req, &if_version) < 0)
        return;
    json_t *body = api_json_body(req);
    if (!body)
        return;
    problem p;
    problem_init(&p);
    store_deliberation d;
    char date[11];
    if (check_deliberation(body, &d, date, &p) < 0) {
        json_decref(body);
        api_fail(req, &p);
        return;
    }
    char *doc = NULL;
    int64_t version;
    int revision;
    store_refusal why = {0};
    int ok = store_plan_adopt(call->db, call->scope, &call->actor, req->ids[0], if_version, &d, &doc, &version,
                              &revision, &why, &p);
    json_decref(body);
    if (!plan_written(req, ok, &why, &p))
        return;
    snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%" PRId64 "/revisions/%d", req->ids[0], revision);
    answer_plan(req, doc, version);
}

static void transition(http_request *req, store_transition t, const char *what)
{
    api_call *call = api_call_of(req);
    int64_t if_version;
    if (api_if_match(req, &if_version) < 0)
        return;
    char *extra = NULL;
    if (note_body(req, what, &extra) < 0)
        return;
    problem p;
    problem_init(&p);
    char *doc = NULL;
    int64_t version;
    store_refusal why = {0};
    int ok = store_plan_transition(call->db, call->scope, &call->actor, req->ids[0], t, if_version, extra, &doc,
                                   &version, &why, &p);
    free(extra);
    if (!plan_written(req, ok, &why, &p))
        return;
    if (t != STORE_OPEN_REVISION) {
        answer_plan(req, doc, version);
        return;
    }
    /* 201: the draft revision, with the plan as it now is. */
    json_t *plan = json_loads(doc, 0, NULL);
    free(doc);
    int base = (int)json_integer_value(json_object_get(plan, "revision"));
    json_t *out = json_pack("{s:i, s:s, s:i, s:n, s:o}", "number", base + 1, "status", "draft", "based_on", base,
                            "deliberation", "plan", plan ? plan : json_null());
    snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%" PRId64 "/revisions/%d", req->ids[0], base + 1);
    http_json(req, 201, out);
    http_etag(req, version);
}

void plan_revision_open(http_request *req) { transition(req, STORE_OPEN_REVISION, "revision"); }
void plan_close(http_request *req) { transition(req, STORE_CLOSE, "closing"); }
void plan_validate(http_request *req) { transition(req, STORE_VALIDATE, "validation"); }

/* Where plan req->ids[0] stands in its lifecycle: *editing (a draft revision is open) and
 * *revision (the last adopted one). Returns 1, or 0 after answering (404 or the problem). */
static int plan_state_read(http_request *req, int *editing, int *revision)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    const char *status;
    int64_t version;
    int found = store_plan_state(call->db, call->scope, req->ids[0], &status, editing, revision, &version, &p);
    return api_found(req, found, &p, "no plan with id %" PRId64, req->ids[0]);
}

void plan_revision_list(http_request *req)
{
    api_call *call = api_call_of(req);
    int editing, revision;
    if (!plan_state_read(req, &editing, &revision))
        return;
    problem p;
    problem_init(&p);
    store_docs *res;
    if (store_plan_revision_list(call->db, call->scope, req->ids[0], &res, &p) < 0) {
        api_fail(req, &p);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < store_docs_count(res); i++)
        json_array_append_new(items, json_loads(store_docs_text(res, i), 0, NULL));
    store_docs_free(res);
    if (editing)
        json_array_append_new(items, json_pack("{s:i, s:s, s:n, s:n, s:n}", "number", revision + 1, "status", "draft",
                                               "deliberation", "adopted_at", "adopted_by"));
    if (http_wants_csv(req)) {
        static const char *const names[] = {
            "number",     "status",    "deliberation_number", "deliberation_date", "deliberation_body",
            "adopted_at", "adopted_by"};
        buf out;
        http_answer_init(&out, 0);
        csv_header(&out, names, 7);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            json_t *dl = json_object_get(it, "deliberation");
            json_t *row = json_pack(
                "{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "number", json_object_get(it, "number"), "status",
                json_object_get(it, "status"), "deliberation_number",
                dl && json_object_get(dl, "number") ? json_object_get(dl, "number") : json_null(), "deliberation_date",
                dl && json_object_get(dl, "date") ? json_object_get(dl, "date") : json_null(), "deliberation_body",
                dl && json_object_get(dl, "body") ? json_object_get(dl, "body") : json_null(), "adopted_at",
                json_object_get(it, "adopted_at"), "adopted_by", json_object_get(it, "adopted_by"));
            csv_row_from_object(&out, row, names, 7);
            json_decref(row);
        }
        json_decref(items);
        if (http_buf(req, 200, "text/csv; charset=utf-8", &out) < 0) {
            buf_free(&out);
            http_error(req, 503, "out_of_memory", "the list could not be written now");
        }
        return;
    }
    http_json(req, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

/* Revision n of the plan: an adopted snapshot, or the working copy when n is the open
 * draft. Returns 1 with *doc (malloc'd), 0 after answering 404 (or the problem of reading
 * the plan's state), -1 after answering. */
static int revision_doc(http_request *req, int64_t n, char **doc, int *draft)
{
    api_call *call = api_call_of(req);
    int editing, revision;
    *draft = 0;
    if (!plan_state_read(req, &editing, &revision))
        return 0;
    problem p;
    problem_init(&p);
    int ok = 0;
    if (n >= 1 && n <= revision) {
        ok = store_plan_revision_document(call->db, call->scope, req->ids[0], (int)n, doc, &p);
    } else if (editing && n == revision + 1) {
        *draft = 1;
        ok = store_plan_document(call->db, call->scope, req->ids[0], doc, &p);
    }
    if (ok < 0) {
        api_fail(req, &p);
        return -1;
    }
    if (!ok) {
        problem_set(&p, 404, "not_found", "the plan has no revision %" PRId64, n);
        problem_hint(&p, "its revisions are 1 to %d%s", revision, editing ? ", and the open draft" : "");
        api_fail(req, &p);
        return 0;
    }
    return 1;
}

void plan_revision_get(http_request *req)
{
    char *doc = NULL;
    int draft;
    if (revision_doc(req, req->ids[1], &doc, &draft) <= 0)
        return;
    http_body(req, 200, "application/json", doc, strlen(doc));
}

void plan_revision_changes(http_request *req)
{
    int64_t n = req->ids[1];
    char *new_text = NULL, *old_text = NULL;
    int draft, old_draft;
    if (revision_doc(req, n, &new_text, &draft) <= 0)
        return;
    if (n > 1 && revision_doc(req, n - 1, &old_text, &old_draft) <= 0) {
        free(new_text);
        return;
    }
    json_t *new_doc = json_loads(new_text, 0, NULL);
    json_t *old_doc = old_text ? json_loads(old_text, 0, NULL) : NULL;
    free(new_text);
    free(old_text);
    json_t *items = new_doc ? plan_diff(old_doc, new_doc) : NULL;
    json_decref(new_doc);
    json_decref(old_doc);
    if (!items) {
        http_error(req, 500, "internal", "the revisions could not be compared");
        return;
    }
    if (http_wants_csv(req)) {
        static const char *const names[] = {"code", "title", "change", "fields"};
        buf out;
        http_answer_init(&out, 0);
        csv_header(&out, names, 4);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) csv_row_from_object(&out, it, names, 4);
        json_decref(items);
        if (http_buf(req, 200, "text/csv; charset=utf-8", &out) < 0) {
            buf_free(&out);
            http_error(req, 503, "out_of_memory", "the list could not be written now");
        }
        return;
    }
    json_t *out = json_pack("{s:I, s:s, s:o}", "revision", (json_int_t)n, "status", draft ? "draft" : "adopted",
                            "items", items);
    json_object_set_new(out, "previous", n > 1 ? json_integer(n - 1) : json_null());
    http_json(req, 200, out);
}

/* --- the audit log ------------------------------------------------------------------ */

/* Accepts an RFC 3339 timestamp (2024-01-31T10:00:00Z, with optional fraction and
 * offset) or a date (midnight UTC). Writes what PostgreSQL reads into out. */
static int rfc3339(const char *s, char *out, size_t n)
{
    rules_timestamp t;
    if (rules_timestamp_parse(s, 1, &t) != RULES_TIMESTAMP_OK)
        return -1;
    if (t.has_time)
        snprintf(out, n, "%s", s);
    else
        snprintf(out, n, "%.10sT00:00:00Z", s);
    return 0;
}

static int bad_param(http_request *req, const char *name, const char *msg)
{
    return api_bad_parameter(req, name, msg, "the filter %s is not valid", name);
}

static int id_param(http_request *req, const char *name, const char **out)
{
    const char *v = http_query(req, name);
    *out = NULL;
    if (!v)
        return 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || x < 1)
        return bad_param(req, name, "must be a positive id");
    *out = v;
    return 0;
}

/* CSV has no nested objects: the actor's name and role become columns of their own. */
static void audit_flatten(json_t *row)
{
    json_t *actor = json_object_get(row, "actor");
    json_object_set(row, "actor_name", json_object_get(actor, "name"));
    json_object_set(row, "actor_role", json_object_get(actor, "role"));
}

void audit_list(http_request *req)
{
    list_page pg;
    problem p;
    api_call *call = list_call(req, &pg, &p);
    if (!call)
        return;
    store_audit_filter f = {0};
    char resource[64], resource_id[24], since[64], until[64];
    if (id_param(req, "entity_id", &f.entity_id) < 0 || id_param(req, "plan_id", &f.plan_id) < 0 ||
        id_param(req, "resource_id", &f.resource_id) < 0)
        return;
    const char *r = http_query(req, "resource");
    if (r) {
        /* "objectives" or "objectives/12" */
        const char *slash = strchr(r, '/');
        size_t n = slash ? (size_t)(slash - r) : strlen(r);
        if (n == 0 || n >= sizeof resource)
            return (void)bad_param(req, "resource", "must be a collection name (objectives) or name/id (objectives/12)");
        memcpy(resource, r, n);
        resource[n] = '\0';
        f.resource = resource;
        if (slash) {
            char *end;
            long long x = strtoll(slash + 1, &end, 10);
            if (!slash[1] || *end || x < 1)
                return (void)bad_param(req, "resource",
                                       "must be a collection name (objectives) or name/id (objectives/12)");
            snprintf(resource_id, sizeof resource_id, "%lld", x);
            f.resource_id = resource_id;
        }
    }
    f.actor = http_query(req, "actor");
    f.role = http_query(req, "role");
    f.action = http_query(req, "action");
    const char *s = http_query(req, "since"), *u = http_query(req, "until");
    if (s) {
        if (rfc3339(s, since, sizeof since) < 0)
            return (void)bad_param(req, "since", "must be an RFC 3339 timestamp (2024-01-31T10:00:00Z) or a date");
        f.since = since;
    }
    if (u) {
        if (rfc3339(u, until, sizeof until) < 0)
            return (void)bad_param(req, "until", "must be an RFC 3339 timestamp (2024-01-31T10:00:00Z) or a date");
        f.until = until;
    }
    if ((f.actor && strlen(f.actor) > 200) || (f.role && strlen(f.role) > 32) || (f.action && strlen(f.action) > 32))
        return (void)bad_param(req,
                               f.actor && strlen(f.actor) > 200 ? "actor"
                               : f.role && strlen(f.role) > 32  ? "role"
                                                                : "action",
                               "is too long");
    store_docs *res;
    if (store_audit_list(call->db, call->scope, &f, pg.after, pg.limit + 1, &res, &p) < 0) {
        api_fail(req, &p);
        return;
    }
    static const char *const columns[] = {"id",          "at",        "actor_name", "actor_role", "action", "resource",
                                          "resource_id", "entity_id", "plan_id",    "before",     "after"};
    static const char *const keep[] = {"entity_id", "plan_id", "resource", "resource_id", "actor",
                                       "role",      "action",  "since",    "until",       NULL};
    list_answer_docs(req, res, pg.limit, &(list_csv){columns, 11, audit_flatten, keep});
}
