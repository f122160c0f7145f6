/*
 * import.h — the plan document ("ciclo-plan/1", examples/README.md) in and out: the
 * whole-plan import (POST /v1/plans:import and `ciclo import FILE`), the export
 * (GET /v1/plans/{id}/export), and the validation of structures and people that the
 * import shares with the ERP feeds (api/erp.c).
 */
#ifndef CICLO_API_IMPORT_H
#define CICLO_API_IMPORT_H
#include <jansson.h>
#include <stdint.h>

#include "codec/json_limits.h"
#include "core/problem.h"
#include "http/http.h"
#include "store/crud.h"
#include "store/pool.h"

/* Structures and people being validated for an upsert by code, with the references to
 * them (parent_code, manager, assignments) still to resolve. Every json_t is owned. */
typedef struct org_rows {
    json_t *structures;      /* rows for store_structures_upsert */
    json_t *people;          /* rows for store_people_upsert */
    json_t *structure_index; /* code → index of the row */
    json_t *person_index;    /* external_id → index of the row */
    json_t *structure_paths; /* code → path of the row (for findings) */
    json_t *person_paths;
    json_t *structure_refs;  /* code → [paths that refer to it] */
    json_t *person_refs;
    json_t *parents;         /* structure code → parent_code, for cycles */
} org_rows;

void org_rows_init(org_rows *o);
void org_rows_free(org_rows *o);
/* Validates the person (or structure) obj (borrowed) found at path ("people[3]",
 * "line[4]") and appends its row; every problem is added to p with its path. */
void org_add_person(org_rows *o, json_t *obj, const char *path, problem *p);
void org_add_structure(org_rows *o, json_t *obj, const char *path, problem *p);
/* Records that field path refers to structure code / person external_id. */
void org_ref_structure(org_rows *o, const char *code, const char *path);
void org_ref_person(org_rows *o, const char *external_id, const char *path);
/* Resolves the references: to rows added, else to rows of the entity (entity 0: a new
 * entity, which has none). Adds an error per reference that resolves to nothing and per
 * cycle of parents. Returns 0, or -1 on a database error (p set). */
int org_resolve(org_rows *o, store_conn *c, int64_t entity, problem *p);
/* Upserts the people, then the structures, into entity; counts go into counts
 * {"people": {"inserted","updated"}, "structures": {...}} (borrowed object). */
int org_write(org_rows *o, store_conn *c, const store_actor *who, int64_t entity, json_t *counts, problem *p);

/* Who imports: the actor for the audit log, and the caller's entity (0 for an admin). */
typedef struct import_caller {
    const store_actor *who;
    int64_t entity_id;
    int is_admin;
} import_caller;

/*
 * Validates the plan document doc (borrowed) and stores it inside the transaction the
 * caller has open on c (nothing is committed here). Every error of the document is
 * gathered into p (422, each with its JSON path) before anything is written; 403 for an
 * entity outside the caller's reach, 409 when the entity already has the plan. Returns 0
 * with *result (new reference): {"id","entity_id","status","revision","counts",
 * "warnings":[{severity,code,message,path}],"warnings_total"}; or -1 with p set.
 */
int plan_import_run(store_conn *c, const import_caller *caller, json_t *doc, json_t **result, problem *p);

/*
 * Applies the plan document doc (borrowed) to plan_id (in scope) as its next revision,
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
int plan_revise_run(store_conn *c, const import_caller *caller, const char *scope, int64_t plan_id, json_t *doc,
                    json_t **result, problem *p);

/* The plan a revision document is for (`ciclo import --revise`): the plan of the
 * document's entity (entity_id, or entity.code) for its year and kind. Returns 0 with
 * *plan_id, or -1 with p set (404 naming the field when there is none, 422). */
int plan_revise_find(store_conn *c, json_t *doc, int64_t *plan_id, problem *p);

/* Decodes the JSON text s[0..n) within lim (json_limits.h): NULL with p set — 400
 * empty_body / too_deep / malformed_json, 413 too_many_items / too_many_values naming the
 * limit — or a new reference the caller owns. */
json_t *json_body_parse(const char *s, size_t n, const json_limits *lim, problem *p);

/* Copies the JSON text in[0..n) to out without object members named "id" and members
 * whose value is null (the export's form of store_plan_document). Returns 0, or -1 when
 * the text is not JSON or out fails. */
int plan_doc_strip(const char *in, size_t n, buf *out);

/* The work of an import inside its transaction: 0 with *result (a new reference, the
 * answer's body), or -1 with p set (a status of 0 becomes 422 validation_failed). */
typedef int (*import_tx_fn)(http_request *req, void *arg, json_t **result, problem *p);

/*
 * The transaction of every import (plan documents, revisions, ERP feeds): reads the
 * Idempotency-Key, begins with the statement timeout raised to timeout_ms, replays the
 * answer of a key already used, runs fn(req, arg), stores the key with the answer and
 * commits — the key commits with the rows it protects (routes flagged
 * ROUTE_OWN_IDEMPOTENCY). Answers `status` with the result as JSON and returns the result
 * (a new reference the caller owns, to set headers or log from; the answer is already
 * given), or answers the problem or the replay and returns NULL; nothing is stored then.
 */
json_t *import_in_transaction(http_request *req, int timeout_ms, int status, import_tx_fn fn, void *arg);

void plan_import(http_request *req); /* POST /v1/plans:import */
void plan_export(http_request *req); /* GET /v1/plans/{id}/export */
void plan_revision_import(http_request *req); /* POST /v1/plans/{id}/revisions:import */

#endif
