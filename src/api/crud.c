/* crud.c — the generic handlers behind every resource of the model (route arg = spec), and their
 * If-Match and merge-patch loop for handlers of resources outside the model (crud_patch_with). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/lifecycle.h"
#include "api/list_answer.h"
#include "api/validate.h"

#define PATCH_ATTEMPTS 5

static const resource_spec *spec_of(http_request *req) { return (const resource_spec *)req->route->arg; }

/* The parent's name for messages: "entity", "plan", "objective". */
static const char *parent_noun(const resource_spec *r)
{
    for (int i = 0; i < model_resource_count; i++)
        if (r->parent_table && strcmp(model_resources[i]->table, r->parent_table) == 0)
            return model_resources[i]->name;
    return "parent";
}

static void answer_doc(http_request *req, int status, char *doc, int64_t version)
{
    http_body(req, status, "application/json", doc, strlen(doc));
    http_etag(req, version);
}

static int parse_filter(const field_spec *f, const char *q, http_request *req)
{
    char *end;
    switch (f->type) {
    case FT_INT:
    case FT_REF: {
        errno = 0;
        long long v = strtoll(q, &end, 10);
        if (*q && !*end && !errno && v >= f->min && v <= f->max)
            return 0;
        break;
    }
    case FT_BOOL:
        if (strcmp(q, "true") == 0 || strcmp(q, "false") == 0)
            return 0;
        break;
    case FT_ENUM:
        for (const char *const *e = f->values; *e; e++)
            if (strcmp(*e, q) == 0)
                return 0;
        break;
    default:
        if (strlen(q) <= 1000)
            return 0;
    }
    return api_bad_parameter(req, f->name, "is not a valid value for this filter", "the filter %s=%s is not valid",
                             f->name, q);
}

void crud_list(http_request *req)
{
    const resource_spec *r = spec_of(req);
    list_page pg;
    problem p;
    api_call *call = list_call(req, &pg, &p);
    if (!call)
        return;
    int64_t parent = r->list_by_parent ? req->ids[0] : 0;
    if (r->list_by_parent) {
        int found = store_crud_parent_exists(call->db, r, call->scope, parent, &p);
        if (!api_found(req, found, &p, "no such %s", parent_noun(r)))
            return;
    }
    const char *filters[VALUES_MAX] = {0};
    const char *keep[VALUES_MAX + 1]; /* the filters, for the next CSV page's link */
    int nkeep = 0;
    for (int i = 0; i < r->nfields && i < VALUES_MAX; i++) {
        if (!(r->fields[i].flags & F_FILTER))
            continue;
        keep[nkeep++] = r->fields[i].name;
        filters[i] = http_query(req, r->fields[i].name);
        if (filters[i] && parse_filter(&r->fields[i], filters[i], req) < 0)
            return;
    }
    store_docs *res;
    if (store_crud_list(call->db, r, call->scope, parent, pg.after, pg.limit + 1, filters, &res, &p) < 0) {
        api_fail(req, &p);
        return;
    }
    keep[nkeep] = NULL;
    const char *names[MODEL_MAX_OUTPUT];
    list_csv csv = {names, model_output_fields(r, names, MODEL_MAX_OUTPUT), NULL, keep};
    list_answer_docs(req, res, pg.limit, &csv);
}

void crud_get(http_request *req)
{
    const resource_spec *r = spec_of(req);
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char *doc = NULL;
    int64_t version;
    int found = store_crud_get(call->db, r, call->scope, req->ids[0], &doc, &version, &p);
    if (found < 0) {
        api_fail(req, &p);
        return;
    }
    if (!found) {
        http_error(req, 404, "not_found", "no %s with id %" PRId64, r->name, req->ids[0]);
        return;
    }
    answer_doc(req, 200, doc, version);
}

void crud_create(http_request *req)
{
    const resource_spec *r = spec_of(req);
    api_call *call = api_call_of(req);
    problem p;
    json_t *body = api_body_open(req, &p);
    if (!body)
        return;
    int64_t parent = r->list_by_parent ? req->ids[0] : 0;
    if (r->parent_in_body && json_is_object(body) && !json_object_get(body, r->parent_col) && call->scope)
        json_object_set_new(body, r->parent_col, json_integer(strtoll(call->scope, NULL, 10)));
    field_values values;
    if (validate_object(r, body, VALIDATE_CREATE, "", &values, &p) < 0) {
        json_decref(body);
        api_fail(req, &p);
        return;
    }
    if (r->parent_in_body)
        for (int i = 0; i < r->nfields; i++)
            if (strcmp(field_column(&r->fields[i]), r->parent_col) == 0 && values.v[i])
                parent = strtoll(values.v[i], NULL, 10);
    json_decref(body);
    char *doc = NULL;
    int64_t id, version;
    int ok = store_crud_insert(call->db, r, call->scope, &call->actor, parent, (const char *const *)values.v, &doc, &id,
                               &version, &p);
    field_values_free(&values);
    if (ok < 0) {
        api_fail(req, &p);
        return;
    }
    if (!ok) {
        if (r->parent_in_body) {
            problem_set(&p, 422, "validation_failed", "the %s is not valid", r->name);
            problem_add(&p, r->parent_col, "no such %s", parent_noun(r));
        } else {
            store_refusal why = {0};
            int state = store_crud_write_state(call->db, r, call->scope, parent, STORE_WRITE_UNDER, &why, &p);
            if (state == 2)
                plan_refusal_phrase(&why, &p);
            else if (state <= 1 && !p.status)
                problem_set(&p, 404, "not_found", "no such %s", parent_noun(r));
        }
        api_fail(req, &p);
        return;
    }
    snprintf(req->res.location, sizeof req->res.location, "/v1/%s/%" PRId64, r->collection, id);
    answer_doc(req, 201, doc, version);
}

/* The row is gone: 412 when the client sent If-Match (RFC 9110: it is false when nothing is
 * there), else 404. */
static void gone(http_request *req, const char *noun, int has_match, problem *p)
{
    if (has_match)
        problem_set(p, 412, "precondition_failed", "the %s no longer exists", noun);
    else
        problem_set(p, 404, "not_found", "no %s with id %" PRId64, noun, req->ids[0]);
}

void crud_patch_with(http_request *req, const patch_target *t)
{
    int64_t wanted;
    problem p;
    int has_match = api_precondition(req, &wanted, &p);
    if (has_match < 0)
        return;
    json_t *patch = api_json_body(req);
    if (!patch)
        return;
    for (int attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
        char *doc = NULL;
        int64_t version;
        int found = t->load(req, &doc, &version, &p);
        if (found <= 0) {
            if (found == 0)
                gone(req, t->noun, has_match, &p);
            break;
        }
        if (has_match && version != wanted) {
            free(doc);
            problem_set(&p, 412, "precondition_failed", "the %s has changed since you read it", t->noun);
            problem_hint(&p, "read it again and reapply your change");
            break;
        }
        json_t *current = json_loads(doc, 0, NULL);
        free(doc);
        doc = NULL;
        int64_t new_version;
        int ok = current ? t->write(req, current, patch, version, &doc, &new_version, &p) : -1;
        json_decref(current);
        if (ok > 0) {
            json_decref(patch);
            answer_doc(req, 200, doc, new_version);
            return;
        }
        if (ok == PATCH_GONE)
            gone(req, t->noun, has_match, &p);
        if (ok < 0)
            break;
        if (has_match) {
            problem_set(&p, 412, "precondition_failed", "the %s has changed since you read it", t->noun);
            break;
        }
        /* Changed between our read and our write: read again and reapply. */
    }
    if (!p.status)
        problem_set(&p, 409, "conflict", "the %s kept changing while the patch was applied; try again", t->noun);
    json_decref(patch);
    api_fail(req, &p);
}

static int spec_load(http_request *req, char **doc, int64_t *version, problem *p)
{
    api_call *call = api_call_of(req);
    return store_crud_get(call->db, spec_of(req), call->scope, req->ids[0], doc, version, p);
}

static int spec_write(http_request *req, json_t *current, json_t *patch, int64_t version, char **doc,
                      int64_t *new_version, problem *p)
{
    const resource_spec *r = spec_of(req);
    api_call *call = api_call_of(req);
    if (validate_patch(r, patch, current, p) < 0)
        return -1;
    json_t *merged = merge_patch(current, patch);
    field_values values;
    int bad = validate_object(r, merged, VALIDATE_REPLACE, "", &values, p);
    json_decref(merged);
    if (bad < 0)
        return -1;
    int ok = store_crud_update(call->db, r, call->scope, &call->actor, req->ids[0], version,
                               (const char *const *)values.v, doc, new_version, p);
    field_values_free(&values);
    if (ok)
        return ok > 0 ? 1 : -1;
    /* Refused by the plan's lifecycle (adopted, closed) rather than by a version? */
    store_refusal why = {0};
    int state = store_crud_write_state(call->db, r, call->scope, req->ids[0], STORE_WRITE_ROW, &why, p);
    if (state == 2)
        plan_refusal_phrase(&why, p);
    if (state < 0 || state == 2)
        return -1;
    return state == 0 ? PATCH_GONE : 0;
}

void crud_patch(http_request *req)
{
    const patch_target t = {spec_of(req)->name, spec_load, spec_write};
    crud_patch_with(req, &t);
}

void crud_delete(http_request *req)
{
    const resource_spec *r = spec_of(req);
    api_call *call = api_call_of(req);
    int64_t wanted;
    problem p;
    int has_match = api_precondition(req, &wanted, &p);
    if (has_match < 0)
        return;
    int ok = store_crud_delete(call->db, r, call->scope, &call->actor, req->ids[0], wanted, &p);
    if (ok < 0) {
        api_fail(req, &p);
        return;
    }
    if (ok) {
        http_body(req, 204, NULL, NULL, 0);
        return;
    }
    char *doc = NULL;
    int64_t version;
    int found = store_crud_get(call->db, r, call->scope, req->ids[0], &doc, &version, &p);
    free(doc);
    if (found > 0) {
        /* Refused by the plan's lifecycle (p set to 409), or by the version. */
        store_refusal why = {0};
        int state = store_crud_write_state(call->db, r, call->scope, req->ids[0], STORE_DELETE_ROW, &why, &p);
        if (state == 2)
            plan_refusal_phrase(&why, &p);
        if (state == 0 || state == 1)
            problem_set(&p, 412, "precondition_failed", "the %s has changed since you read it", r->name);
    } else if (found == 0) {
        gone(req, r->name, has_match, &p);
    }
    api_fail(req, &p);
}
