/*
 * org_rows.h — the structures and people of a plan document (api/plan_doc_check.h) and of the
 * ERP feeds (api/erp.c): each row validated as POST /v1/structures and /v1/people validate
 * it, matched by code (external_id for people), the references to them (parent_code,
 * manager, assignments) resolved against the rows given and the entity's, then upserted.
 */
#ifndef CICLO_API_ORG_ROWS_H
#define CICLO_API_ORG_ROWS_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"
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
    json_t *structure_refs; /* code → [paths that refer to it] */
    json_t *person_refs;
    json_t *parents; /* structure code → parent_code, for cycles */
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

#endif
