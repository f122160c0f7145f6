/*
 * csv_report.h — the Relazione as CSV, the machine format (issue 19): the columns the report
 * CSV always had, plus weight_measured; each assignee's objectives followed directly by its
 * TOTALE row; structures in the tree's order, then managers, then people; the entity's
 * TOTALE row last; a UTF-8 byte order mark first, so that Excel reads the accents.
 *
 * Columns: assignee_kind;assignee_code;assignee_name;objective_code;objective_title;weight;
 * achievement;timeliness;score;status;weight_measured. An objective row leaves
 * weight_measured empty, and weight empty when the plan gives none (not 0). A TOTALE row
 * has objective_code TOTALE, weight the assignee's total weight and weight_measured the
 * weight of its measured objectives (the score is the mean over those). The entity's row
 * has assignee_kind "entity" and the entity's code and name (from the report's "plan").
 */
#ifndef CICLO_RENDER_CSV_REPORT_H
#define CICLO_RENDER_CSV_REPORT_H
#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

/* Appends report (plan_report_json's, grouped and headed by api/documents.c; borrowed) as
 * above to out (only appends: out may spill, buf_spill). Returns 0, or -1 with out failed
 * when memory or out's file fails or the report lacks its rows and totals. */
int csv_report(const json_t *report, buf *out);

/* The same text piece by piece, for a report written as it is walked (api/report.c); each
 * only appends to out and marks it failed when memory or its file fails. csv_report is
 * csv_report_head, then for each assignee in document order csv_report_row of each of its
 * rows and csv_report_total of its total, then csv_report_entity. All arguments borrowed. */
void csv_report_head(buf *out);
/* One objective row (a row of the report's "rows"). */
void csv_report_row(buf *out, const json_t *row);
/* The TOTALE row of one total (an element of the report's "totals"). */
void csv_report_total(buf *out, const json_t *total);
/* The entity's TOTALE row: entity is the report's "entity", plan its heading "plan" (for the
 * entity's code and name); nothing when entity is not an object. */
void csv_report_entity(buf *out, const json_t *entity, const json_t *plan);

#endif
