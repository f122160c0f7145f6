/*
 * report.h — the store side of the documents (issue 19): what the Relazione prints beside
 * the scores, read in one statement.
 */
#ifndef CICLO_STORE_REPORT_H
#define CICLO_STORE_REPORT_H
#include <stdint.h>

#include "core/problem.h"
#include "store/pool.h"

/* Registers the statements of this module. */
int store_report_register(void);

/* The heading of plan_id's report (in scope) as one JSON document:
 * {"title","year","kind","status","entity":{"id","code","name"},
 *  "deliberation":{"number","date","body"} | null (revision 0, or no such revision),
 *  "structure_order":[structure id, ...]} — every structure of the entity in the tree's
 * order: depth first, each parent before its children, siblings by code in "C" collation.
 * revision: the adopted revision the report scored, whose deliberation is named.
 * Returns 1 with *doc (malloc'd, the caller frees it), 0 when there is no such plan in
 * scope, -1 with p set. */
int store_report_heading(store_conn *c, const char *scope, int64_t plan_id, int revision, char **doc, problem *p);

#endif
