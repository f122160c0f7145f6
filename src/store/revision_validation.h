/*
 * revision_validation.h — the Nucleo's validation of an adopted plan revision
 * (sql/028_legal_gates.sql; issue 20, item 6).
 */
#ifndef CICLO_STORE_REVISION_VALIDATION_H
#define CICLO_STORE_REVISION_VALIDATION_H
#include <stdint.h>

#include "core/problem.h"
#include "store/crud.h" /* store_actor */
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_revision_validation_register(void);

/* Validates revision number of plan_id (as the caller of scope sees it) with note (may be NULL).
 * Returns 1 with *doc ({plan_id, number, deliberation, note, validated_by, validated_at};
 * malloc'd, the caller frees it), 0 when the plan has no such adopted revision in scope, -1
 * with p set (409 when it is validated already). */
int store_revision_validate(store_conn *c, int64_t plan_id, int number, const char *scope, const char *note,
                            const store_actor *who, char **doc, problem *p);
/* The validation of revision number: 1 with *doc, 0 when there is none in scope, -1 with p. */
int store_revision_validation_get(store_conn *c, int64_t plan_id, int number, const char *scope, char **doc, problem *p);

#endif
