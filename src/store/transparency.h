/*
 * transparency.h — what an entity publishes of its premiums for a year (D.Lgs. 33/2013 art. 20;
 * issue 20, api/transparency.c).
 */
#ifndef CICLO_STORE_TRANSPARENCY_H
#define CICLO_STORE_TRANSPARENCY_H
#include <stdint.h>

#include "core/problem.h"
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_transparency_register(void);

/*
 * The JSON text of {entity: {id, code, name}, plan: {id, kind, title, status, revision,
 * deliberation_number, deliberation_date} | null, validated_on, distributions: [{id, role,
 * category, fund, distributed, remainder, people: [{band, bonus, premium}]}]} for year: the
 * year's cycle plan (a PIAO, else a Piano della performance) and the bonus distributions in force
 * (not replaced). Money is text ("1234.50"). scope: the caller's entity id as text, NULL for an
 * admin; public_only: only an entity that publishes its figures (transparency_public). Returns 1
 * with *doc (malloc'd: the caller frees it), 0 when there is no such entity, -1 with p set.
 */
int store_transparency_doc(store_conn *c, int64_t entity_id, const char *scope, int public_only, int year, char **doc,
                           problem *p);

#endif
