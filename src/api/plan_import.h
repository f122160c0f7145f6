/*
 * plan_import.h — the whole-plan import and the revision from a document, as a service: the
 * work inside a transaction the caller holds, for POST /v1/plans:import and
 * /v1/plans/{id}/revisions:import (api/import.c) and for `ciclo import` (main.c). Validation
 * first (codec/plan_doc_check.h), every error gathered, then a few set-based statements
 * (store/import.h). No HTTP.
 */
#ifndef CICLO_API_PLAN_IMPORT_H
#define CICLO_API_PLAN_IMPORT_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"
#include "store/crud.h"
#include "store/pool.h"

/* Who imports: the actor for the audit log, and the caller's entity (0 for an admin). */
typedef struct import_caller {
    const store_actor *who;
    int64_t entity_id;
    int is_admin;
} import_caller;

/* A plan document: its members (doc), and when its objectives are read one at a time the text
 * of their array (codec/json_stream.h; doc then has no "objectives"), else NULL. Borrowed.
 * release, when set, is called (with release_arg) once the objectives text has been checked
 * and is read no more: before the rows are written, so that the text's owner (the request's
 * body) can free it and the write does not hold it too. */
typedef struct plan_document {
    json_t *doc;
    const char *objectives;
    size_t objectives_len;
    void (*release)(void *release_arg);
    void *release_arg;
} plan_document;

/*
 * Validates the plan document pd (borrowed) and stores it inside the transaction the
 * caller has open on c (nothing is committed here). Every error of the document is
 * gathered into p (422, each with its JSON path) before anything is written; 403 for an
 * entity outside the caller's reach, 409 when the entity already has the plan. Returns 0
 * with *result (new reference): {"id","entity_id","status","revision","counts",
 * "warnings":[{severity,code,message,path}],"warnings_total"}; or -1 with p set.
 */
int plan_import_run(store_conn *c, const import_caller *caller, const plan_document *pd, json_t **result, problem *p);

/*
 * Applies the plan document pd (borrowed) to plan_id (in scope) as its next revision,
 * inside the transaction the caller has open on c: the plan must be adopted with no
 * revision open (409 plan_draft / revision_open / plan_not_revisable); the document's
 * entity, year and kind must be the plan's and its deliberation is required (422 naming
 * the field, with every other error of the document and its path). Then, as if edited by
 * hand: the revision is opened, structures and people are upserted by code, the content
 * is matched row by row (store_plan_revise_content: matched rows keep their ids) and the
 * revision is adopted by the document's deliberation. Returns 0 with *result (new
 * reference): {"id","entity_id","status":"adopted","revision","counts":{structures,
 * people,objectives,...},"changes":{"objectives":{"inserted","updated","removed",
 * "unchanged"},...},"warnings","warnings_total"}; or -1 with p set (the caller rolls
 * back).
 */
int plan_revise_run(store_conn *c, const import_caller *caller, const char *scope, int64_t plan_id,
                    const plan_document *pd, json_t **result, problem *p);

/* The plan a revision document is for (`ciclo import --revise`): the plan of the
 * document's entity (entity_id, or entity.code) for its year and kind. Returns 0 with
 * *plan_id, or -1 with p set (404 naming the field when there is none, 422). */
int plan_revise_find(store_conn *c, json_t *doc, int64_t *plan_id, problem *p);

#endif
