/* evaluation_schemes.c — evaluation schemes (the SMVP of an entity, year and role) and the
 * participations of people in objectives: the handlers of api/evaluation.h. */
#include "api/evaluation.h"
#include "api/evaluation_shared.h"
#include "api/personal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "codec/evaluation_body.h"
#include "codec/json_fields.h"
#include "codec/rule_json.h"

/* ------------------------------------------------------------------------- */
/* Schemes                                                                   */
/* ------------------------------------------------------------------------- */

/* The eval_make of a scheme: the body validated (eval_scheme_body), then written. */
static void scheme_make(http_request *req, const json_t *body, problem *p)
{
    eval_scheme_head h;
    json_t *def = eval_scheme_body(body, &h, p);
    if (!def)
        return;
    eval_ctx x = eval_ctx_of(req);
    store_doc d = {0};
    char *text = rule_json_dumps(def, JSON_COMPACT);
    int rc = store_eval_scheme_insert(&x, req->ids[0], h.year, h.role, h.title, text, &d, p);
    free(text);
    eval_answer_created(req, rc, &d, p, "evaluation-schemes", 1, "entity");
    json_decref(def);
}

void eval_scheme_create(http_request *req) { eval_create(req, scheme_make, "the evaluation scheme is not valid"); }

void eval_scheme_get(http_request *req) { eval_get(req, store_eval_scheme_get, "evaluation scheme", 1); }

void eval_scheme_list(http_request *req)
{
    static const char *const keep[] = {"year", "role", NULL};
    eval_list l;
    if (eval_list_start(req, &l, 1) == 0)
        eval_list_answer(req, &l, store_eval_scheme_list(&l.x, req->ids[0], l.year, l.role, &l.pg, &l.d, &l.p), keep);
}

static int scheme_load(http_request *req, char **doc, int64_t *version, problem *p)
{
    eval_ctx x = eval_ctx_of(req);
    store_doc d = {0};
    int rc = store_eval_scheme_get(&x, req->ids[0], &d, p);
    *doc = d.text;
    *version = d.version;
    return rc;
}

/* The patch_target write of a scheme: the merged scheme is validated like a new one. */
static int scheme_write(http_request *req, json_t *current, json_t *patch, int64_t version, char **doc,
                        int64_t *new_version, problem *p)
{
    static const char *const server_keys[] = {"id", "entity_id", "version", "created_at", "updated_at", NULL};
    const char *key;
    json_t *v;
    if (json_is_object(patch))
        json_object_foreach(patch, key, v)
        {
            if (jf_one_of(key, server_keys) && !json_equal(v, json_object_get(current, key)))
                problem_add(p, key, "is set by the server");
        }
    if (problem_count(p))
        return eval_invalid(p, "the evaluation scheme is not valid");
    json_t *merged = merge_patch(current, patch);
    if (!merged)
        return problem_oom(p);
    for (int i = 0; server_keys[i]; i++)
        json_object_del(merged, server_keys[i]);
    eval_scheme_head h;
    json_t *def = eval_scheme_body(merged, &h, p);
    int rc = -1;
    if (def) {
        eval_ctx x = eval_ctx_of(req);
        store_doc d = {0};
        char *text = rule_json_dumps(def, JSON_COMPACT);
        rc = store_eval_scheme_update(&x, req->ids[0], version, h.year, h.role, h.title, text, &d, p);
        free(text);
        *doc = d.text;
        *new_version = d.version;
    }
    json_decref(def);
    json_decref(merged);
    return rc;
}

void eval_scheme_patch(http_request *req)
{
    static const patch_target scheme = {"evaluation scheme", scheme_load, scheme_write};
    crud_patch_with(req, &scheme);
}

void eval_scheme_delete(http_request *req)
{
    int64_t wanted;
    problem p;
    int has_match = api_precondition(req, &wanted, &p);
    if (has_match < 0)
        return;
    eval_ctx x = eval_ctx_of(req);
    int rc = store_eval_scheme_delete(&x, req->ids[0], wanted, &p);
    if (rc == 1) {
        http_body(req, 204, NULL, NULL, 0);
        return;
    }
    store_doc d = {0};
    if (rc == 0 && has_match && store_eval_scheme_get(&x, req->ids[0], &d, &p) == 1)
        problem_set(&p, 412, "precondition_failed", "the evaluation scheme has changed since you read it");
    store_doc_free(&d);
    if (!p.status)
        problem_set(&p, 404, "not_found", "no evaluation scheme with id %" PRId64, req->ids[0]);
    eval_answer(req, &p);
}

/* ------------------------------------------------------------------------- */
/* Participations                                                            */
/* ------------------------------------------------------------------------- */

/* The objective (live, in scope): its entity id, or 0 after answering 404 / -1 on error. */
static int64_t objective_entity(http_request *req, int64_t objective_id)
{
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    int64_t e = 0;
    int rc = store_eval_objective_entity(&x, objective_id, &e, &p);
    if (rc < 0) {
        eval_answer(req, &p);
        return -1;
    }
    if (!rc || !e)
        http_error(req, 404, "not_found", "no objective with id %" PRId64 " in the plan as it stands", objective_id);
    return rc ? e : 0;
}

void participation_list(http_request *req)
{
    if (objective_entity(req, req->ids[0]) <= 0)
        return;
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    arena a;
    arena_init(&a);
    store_docs *d = NULL;
    int64_t *person_ids;
    int rc = store_eval_part_list(&x, req->ids[0], &a, &d, &person_ids, &p);
    if (rc == 0 && personal_participations(req, req->ids[0], d, person_ids, &p) < 0) /* api/personal.h */
        rc = -1;
    arena_free(&a);
    if (rc < 0) {
        store_docs_free(d);
        eval_answer(req, &p);
        return;
    }
    list_answer_docs(req, d, 0, NULL);
}

/* The eval_make of a participation: in a live objective, of a person of its entity. */
static void participation_make(http_request *req, const json_t *body, problem *p)
{
    int64_t eid = objective_entity(req, req->ids[0]);
    if (eid <= 0)
        return; /* answered */
    eval_participation_body b;
    if (eval_participation_decode(body, &b, p))
        return;
    /* the person, in the objective's entity */
    eval_ctx x = eval_ctx_of(req);
    char eid_s[24];
    snprintf(eid_s, sizeof eid_s, "%" PRId64, eid);
    eval_ctx in_entity = {x.db, eid_s, x.actor};
    int64_t unused;
    int rc = store_eval_person_entity(&in_entity, b.person_id, &unused, p);
    if (rc == 0)
        problem_add(p, "person_id", "no person with id %" PRId64 " in this entity", b.person_id);
    if (rc != 1)
        return;
    store_doc d = {0};
    rc = store_eval_part_insert(&x, req->ids[0], b.person_id, b.percent, b.months, b.part_time, &d, p);
    eval_answer_created(req, rc, &d, p, "participations", 0, "objective");
}

void participation_create(http_request *req) { eval_create(req, participation_make, "the participation is not valid"); }

void participation_delete(http_request *req)
{
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    int rc = store_eval_part_delete(&x, req->ids[0], &p);
    if (rc < 0)
        eval_answer(req, &p);
    else if (rc)
        http_body(req, 204, NULL, NULL, 0);
    else
        http_error(req, 404, "not_found", "no participation with id %" PRId64, req->ids[0]);
}
