/*
 * org_rows.h — the structures and people of a plan document (codec/plan_doc_check.h) and of the
 * ERP feeds (api/erp.c): each row validated as POST /v1/structures and /v1/people validate
 * it, matched by code (external_id for people), the references to them (parent_code,
 * manager, assignments) resolved against the rows given and the entity's, then upserted.
 */
#ifndef CICLO_CODEC_ORG_ROWS_H
#define CICLO_CODEC_ORG_ROWS_H
#include <jansson.h>
#include <stdint.h>

#include "core/problem.h"

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
    json_t *parents;          /* structure code → parent_code, for cycles */
    json_t *known_structures; /* codes the entity already has (org_known) */
    json_t *known_people;
    int failed; /* memory ran out: the rows are not whole (told by org_check_refs, org_rows_text) */
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
/* The codes referred to and not given by the rows, as JSON array texts of strings (malloc'd
 * into *structures and *people; the caller frees both, also after -1). Returns 1 when either
 * list is not empty, 0 when both are, -1 when memory runs out (now or while gathering). */
int org_undefined(const org_rows *o, char **structures, char **people);
/* Records that the entity already has the structure (kind 's') or person ('p') code. */
void org_known(org_rows *o, char kind, const char *code);
/* Adds an error per reference that resolves to no row given and none known (org_known), and
 * per cycle of parents; 422 validation_failed when it added any, 503 when memory ran out while
 * the rows were gathered. */
void org_check_refs(org_rows *o, problem *p);
/* The rows as the JSON texts of store_people_upsert and store_structures_upsert (malloc'd;
 * NULL when there are none of that kind; the caller frees both, also after -1). Returns 0, or
 * -1 with p set (503) when memory runs out (now or while gathering). */
int org_rows_text(const org_rows *o, char **people, char **structures, problem *p);

#endif
