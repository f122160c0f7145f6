/*
 * plan_diff.h — what changed between two plan documents (store/plan_doc.h), objective by
 * objective. Pure jansson: no I/O.
 *
 * Objectives are matched by code. Each objective that differs gives one item
 * {"code", "title", "change": "inserted" | "modified" | "removed", "fields": [...]};
 * unchanged objectives give none. Items are ordered by code (byte order). "fields" is
 * empty for inserted and removed objectives; for a modified one it names, in the plan
 * document's field order:
 *   - each changed field of the objective ("title", "end_year", ...);
 *   - "assignments", "phases", "indicators" when anything in that list changed, each
 *     followed by the detail: an item inserted or removed is named by its key
 *     ("phases[3]", "indicators[FIN-1.Q2]", "assignments[structure:FIN]",
 *     "assignments[person:M001]"), a changed field of an item by key and field
 *     ("phases[2].deadline", "assignments[structure:FIN].weight").
 * Phases are keyed by seq, indicators by code, assignments by assignee. Row ids ("id")
 * are never compared: a row re-created with the same content is unchanged. Numbers
 * compare by value (25 equals 25.00).
 * An item whose change the new document declares ("revision_mark": the deliberation's
 * list of modified/inserted sheets) also has "source": "deliberation" and "declared": the
 * mark; other items come from the comparison alone and have neither. A declared "modified"
 * objective is listed even when no field differs (the previous text may not be known);
 * "revision_mark" itself is never compared as a field.
 */
#ifndef CICLO_PLAN_DIFF_H
#define CICLO_PLAN_DIFF_H
#include <jansson.h>

/* The changes from old_doc to new_doc (both borrowed; old_doc NULL = an empty plan, so
 * every objective is inserted). Returns a new array, or NULL when new_doc is not a plan
 * document (no "objectives" array) or memory ran out. */
json_t *plan_diff(const json_t *old_doc, const json_t *new_doc);

#endif
