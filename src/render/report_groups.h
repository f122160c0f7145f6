/*
 * report_groups.h — the Relazione's rows grouped under their assignee's total, in the order
 * every document prints them (the JSON report, the CSV, the workbook, the HTML): structures
 * in the tree's order, then managers, then people, each by name. Pure (jansson only).
 *
 * The report is plan_report_json's (api/report.h): "rows" (one per objective of an assignee,
 * with assignee_kind and assignee_id) and "totals" (one per assignee, the same keys).
 */
#ifndef CICLO_RENDER_REPORT_GROUPS_H
#define CICLO_RENDER_REPORT_GROUPS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* An assignee as the order sees it: kind 0 structure, 1 manager, 2 person, 3 anything else;
 * its id; its name (borrowed, may be NULL). */
typedef struct report_assignee {
    int kind;
    int64_t id;
    const char *name;
} report_assignee;

/* The document order of the n assignees of v (the totals as listed, each (kind, id) once):
 * structures by their place in structure_order (as report_groups'), then managers, then
 * people, each by name, ties in the order of v. Fills order[0..n) with indexes of v. Returns
 * 0, or -1 when memory is exhausted. The one order report_groups and the streamed report
 * (api/report.c) both follow. */
int report_groups_order(const report_assignee *v, size_t n, const json_t *structure_order, size_t *order);

/* Groups report's rows under its totals. structure_order: an array of structure ids in the
 * tree's order (borrowed; NULL keeps the structures in the order the totals have them; a
 * structure it does not name goes after those it names). Returns a new array of objects
 * {"kind": "structure"|"manager"|"person", "total": {...}, "rows": [...]} holding new
 * references to the report's own objects; a row whose assignee has no total is left out.
 * NULL when memory is exhausted or report has no "rows" and "totals" arrays. */
json_t *report_groups(const json_t *report, const json_t *structure_order);

/* Rewrites report's "rows" and "totals" in the order of groups (report_groups' answer for
 * it, borrowed). Returns 0, or -1 when memory is exhausted (report is then unchanged). */
int report_groups_apply(json_t *report, const json_t *groups);

#endif
