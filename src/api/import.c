/* import.c — the plan document's endpoints: import, revision import, export (import.h). */
#include "api/import.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/idempotency.h"
#include "api/plan_import.h"
#include "codec/i18n.h"
#include "codec/json_limits.h"
#include "codec/json_stream.h"
#include "codec/plan_doc.h"
#include "codec/rule_json.h"
#include "core/log.h"
#include "http/request.h"
#include "store/import.h"
#include "store/plan_doc.h"

#define IMPORT_TIMEOUT_MS 600000
#define ANALYZE_FROM 2000 /* objectives: a load this large changes the tables' statistics */

json_t *import_in_transaction(http_request *req, int timeout_ms, int status, import_tx_fn fn, void *arg)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    idem_key key;
    if (idem_read(req, &key) < 0)
        return NULL;
    json_t *result = NULL;
    if (store_import_begin(call->db, timeout_ms, &p) < 0)
        goto fail;
    int replayed = idem_replay(req, &key, &p);
    if (replayed != 0) {
        store_rollback(call->db);
        if (replayed < 0)
            goto fail;
        return NULL;
    }
    if (fn(req, arg, &result, &p) < 0) {
        store_rollback(call->db);
        goto fail;
    }
    /* a plan document's warnings are the checker's findings: in Italian when asked (codec/i18n.h) */
    i18n_messages(json_object_get(result, "warnings"), i18n_lang_of(http_header(req, "Accept-Language")));
    char *body = rule_json_dumps(result, JSON_COMPACT);
    if (!body || idem_store(call->db, &key, status, body, &p) < 0 || store_commit(call->db, &p) < 0) {
        free(body);
        store_rollback(call->db);
        if (!p.status)
            problem_set(&p, 503, "out_of_memory", "the server is out of memory");
        goto fail;
    }
    http_body(req, status, "application/json", body, strlen(body));
    return result;
fail:
    json_decref(result);
    if (!p.status) /* a feed's rows refused without a status of their own */
        problem_set(&p, 422, "validation_failed", "the request is not valid: nothing was stored");
    http_problem(req, &p);
    problem_clear(&p);
    return NULL;
}

static int run_plan_import(http_request *req, void *d, json_t **result, problem *p)
{
    api_call *call = api_call_of(req);
    import_caller caller = {&call->actor, api_who(req)->entity_id, call->scope == NULL};
    return plan_import_run(call->db, &caller, d, result, p);
}

static int run_plan_revise(http_request *req, void *d, json_t **result, problem *p)
{
    api_call *call = api_call_of(req);
    import_caller caller = {&call->actor, api_who(req)->entity_id, call->scope == NULL};
    return plan_revise_run(call->db, &caller, call->scope, req->ids[0], d, result, p);
}

/* After a plan document was stored and answered: the log line, fresh statistics after a
 * large load (the commit is done: the answer waits only for this). */
static void after_plan_document(http_request *req, json_t *result, const char *what)
{
    json_int_t n_obj = json_integer_value(json_object_get(json_object_get(result, "counts"), "objectives"));
    log_info("plan %" JSON_INTEGER_FORMAT " %s (revision %" JSON_INTEGER_FORMAT ", %" JSON_INTEGER_FORMAT " objectives)",
             json_integer_value(json_object_get(result, "id")), what,
             json_integer_value(json_object_get(result, "revision")), n_obj);
    if (n_obj >= ANALYZE_FROM)
        store_import_analyze(api_call_of(req)->db);
}

/* The objectives text is checked (plan_document.release): the body is read no more. */
static void release_body(void *req) { buf_free(&((http_request *)req)->body); }

/* The plan document of the request, within the limits of a plan document, into *d: its
 * objectives stay text in the request's body, each parsed when the checker reads it
 * (codec/json_stream.h), so a dense document of 30 MB never becomes a jansson tree ten times
 * its size; d->doc holds the other members (the caller's reference). A body that is not one
 * well-formed object is parsed whole, for jansson's own error (or, for a JSON value that is
 * not an object, for the importer's 422). Returns 0, or -1 after answering the problem. */
static int plan_document_body(http_request *req, plan_document *d)
{
    problem p;
    problem_init(&p);
    memset(d, 0, sizeof *d);
    if (http_json_body_check(req, &json_limits_plan_document, &p) == 0) {
        size_t at = 0;
        if (json_split_array(req->body.data, req->body.len, "objectives", &d->doc, &at, &d->objectives_len) == 1) {
            d->objectives = req->body.data + at;
            d->release = release_body;
            d->release_arg = req;
        }
        if (d->doc)
            return 0;
        d->doc = http_json_body_limited(req, &json_limits_plan_document, &p);
        if (d->doc)
            return 0;
    }
    http_problem(req, &p);
    problem_clear(&p);
    return -1;
}

void plan_import(http_request *req)
{
    plan_document d;
    if (plan_document_body(req, &d) < 0)
        return;
    json_t *result = import_in_transaction(req, IMPORT_TIMEOUT_MS, 201, run_plan_import, &d);
    if (result) {
        snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(result, "id")));
        after_plan_document(req, result, "imported");
    }
    json_decref(result);
    json_decref(d.doc);
}

void plan_revision_import(http_request *req)
{
    plan_document d;
    if (plan_document_body(req, &d) < 0)
        return;
    json_t *result = import_in_transaction(req, IMPORT_TIMEOUT_MS, 201, run_plan_revise, &d);
    if (result) {
        snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%" PRId64 "/revisions/%" JSON_INTEGER_FORMAT,
                 req->ids[0], json_integer_value(json_object_get(result, "revision")));
        after_plan_document(req, result, "revised");
    }
    json_decref(result);
    json_decref(d.doc);
}

void plan_export(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char *doc = NULL;
    /* a plan of thousands of objectives outlives the pool's per-statement timeout */
    int found = store_import_begin(call->db, IMPORT_TIMEOUT_MS, &p);
    if (found == 0) {
        found = store_plan_document(call->db, call->scope, req->ids[0], &doc, &p);
        store_rollback(call->db); /* read only: nothing to keep */
    }
    if (found <= 0) {
        if (found == 0)
            problem_set(&p, 404, "not_found", "no such plan");
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    size_t n = strlen(doc);
    buf out;
    http_answer_init(&out, 0);
    int rc = plan_doc_strip(doc, n, &out);
    free(doc);
    if (rc < 0 || http_buf(req, 200, "application/json", &out) < 0) {
        buf_free(&out);
        http_error(req, 503, "export_failed", "the plan document could not be built");
        return;
    }
    snprintf(req->res.disposition, sizeof req->res.disposition, "attachment; filename=\"plan-%" PRId64 ".json\"",
             req->ids[0]);
}
