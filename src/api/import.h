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

/* Copies the JSON text in[0..n) to out without object members named "id" and members
 * whose value is null (the export's form of store_plan_document). Returns 0, or -1 when
 * the text is not JSON or out fails. */
int plan_doc_strip(const char *in, size_t n, buf *out);

void plan_import(http_request *req); /* POST /v1/plans:import */
void plan_export(http_request *req); /* GET /v1/plans/{id}/export */

#endif
