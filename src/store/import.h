/*
 * import.h — the store side of the whole-plan import (POST /v1/plans:import, `ciclo
 * import`) and of the organisation feeds: set-based statements that take their rows as
 * one JSON array parameter each (json_to_recordset), so a plan of any size costs a
 * fixed number of round trips. The caller holds the transaction (store_import_begin /
 * store_commit / store_rollback): nothing here commits.
 *
 * Rows are JSON arrays of flat objects whose values are the validated text parameters
 * of api/validate.c (strings or null), so every cast happens in SQL exactly as for a
 * single write.
 */
#ifndef CICLO_STORE_IMPORT_H
#define CICLO_STORE_IMPORT_H
#include <stdint.h>

#include "codec/org_rows.h"
#include "store/crud.h"
#include "store/exec.h"
#include "store/pool.h"

/* Registers the statements of this module. Called once at start-up. */
int store_import_register(void);

/* BEGIN, with the statement timeout raised to timeout_ms for this transaction only
 * (a large import outlives the pool's per-statement timeout). Returns 0 or -1 (p set). */
int store_import_begin(store_conn *c, int timeout_ms, problem *p);

/* The entity with this code: 1 with *id, 0 when there is none, -1. */
int store_entity_by_code(store_conn *c, const char *code, int64_t *id, problem *p);
/* Whether entity id exists: 1, 0, -1. */
int store_entity_exists(store_conn *c, int64_t id, problem *p);
/* Creates an entity (text parameters, kind/fiscal_code may be NULL) with its audit record.
 * Returns 0 with *id, -1 (409 when the code is taken meanwhile). */
int store_entity_create(store_conn *c, const store_actor *who, const char *code, const char *name, const char *kind,
                        const char *fiscal_code, int64_t *id, problem *p);

/* Resolves the references of the rows o (codec/org_rows.h): the codes o refers to and does not
 * give are looked up among entity's rows (entity 0: a new entity, which has none), then
 * org_check_refs adds an error per reference that resolves to nothing and per cycle of
 * parents (422). Returns 0, or -1 on a database error (p's status and detail set; the
 * errors p holds are kept). */
int store_org_resolve(store_conn *c, int64_t entity, org_rows *o, problem *p);

/* The plan of entity for (year, kind): 1 with *plan_id, 0 when there is none, -1. */
int store_plan_find(store_conn *c, int64_t entity, const char *year, const char *kind, int64_t *plan_id, problem *p);

/* Upserts people by external_id: rows [{external_id, name, role, category}]. Only rows
 * that change are written, each with its audit record. *inserted / *updated count them. */
int store_people_upsert(store_conn *c, const store_actor *who, int64_t entity, const char *rows_json, int64_t *inserted,
                        int64_t *updated, problem *p);
/* Upserts structures by code: rows [{code, name, kind, interim, parent_code, manager}],
 * parent_code naming a row of the same array or an existing structure, manager an
 * existing person's external_id (upsert people first). Same contract as above. */
int store_structures_upsert(store_conn *c, const store_actor *who, int64_t entity, const char *rows_json,
                            int64_t *inserted, int64_t *updated, problem *p);

/* What store_org_write wrote. */
typedef struct store_org_counts {
    int64_t people_inserted, people_updated, structures_inserted, structures_updated;
} store_org_counts;
/* Upserts the people, then the structures of o into entity (store_people_upsert,
 * store_structures_upsert); *n counts what changed. Returns 0 or -1 (p set). */
int store_org_write(store_conn *c, const store_actor *who, int64_t entity, const org_rows *o, store_org_counts *n,
                    problem *p);

/* The plan's content, as JSON arrays of rows. Objectives carry "ord" (their position) and
 * "parent_ord"; assignments, phases and indicators carry the "ord" of their objective.
 * Assignments name structure_code or person_external_id (existing rows). */
typedef struct store_plan_rows_in {
    const char *year, *kind, *title;
    const char *objectives, *assignments, *phases, *indicators;
    const char *method;       /* the plan's method as JSON text, NULL: the default (issue 14) */
    const char *organisation; /* the PIAO's section 3 figures as JSON text, or NULL (issue 20) */
} store_plan_rows_in;

typedef struct store_import_counts {
    int64_t objectives, assignments, phases, indicators;
} store_import_counts;

/* Inserts the plan and all its content in one statement, with the audit record "import".
 * Returns 0 with *plan_id and *n, or -1 (409 when the plan exists meanwhile). */
int store_plan_insert(store_conn *c, const store_actor *who, int64_t entity, const store_plan_rows_in *in,
                      int64_t *plan_id, store_import_counts *n, problem *p);

/* Adopts the plan just imported as revision 1 by the deliberation (text: number, ISO
 * date, body or NULL), storing the snapshot as POST /v1/plans/{id}/adopt does, with its
 * audit record "adopt". Returns 0 or -1. */
int store_plan_adopt_imported(store_conn *c, const store_actor *who, int64_t entity, int64_t plan_id,
                              const char *number, const char *date, const char *body, problem *p);

/* Per table of plan content: objectives, assignments, phases, indicators. */
#define STORE_REV_TABLES 4
typedef struct store_revise_counts {
    int64_t inserted[STORE_REV_TABLES], updated[STORE_REV_TABLES], removed[STORE_REV_TABLES];
} store_revise_counts;

/*
 * Makes the plan's live content (the working copy of an open revision) equal to the rows
 * in (store_plan_rows_in, as for store_plan_insert; year and kind are not used, title
 * is set when it differs): objectives matched by code, assignments by (objective,
 * assignee), phases by (objective, seq), indicators by code. A matched row keeps its id
 * (its measurements and progress stay attached) and is updated only where a field
 * differs; a row of the document without a match is inserted; a live row without one
 * is removed softly (removed_in_revision = revision, the revision being made). Every
 * write has its audit record (create / update / delete). Four statements plus one for
 * the title, whatever the plan's size. Returns 0 with *n, or -1 (p set).
 */
int store_plan_revise_content(store_conn *c, const store_actor *who, int64_t entity, int64_t plan_id, int revision,
                              const store_plan_rows_in *in, store_revise_counts *n, problem *p);

/* After a large import has committed: refreshes the planner's statistics of the plan
 * tables, so that the next reads (the export's one statement) do not plan against the
 * sizes of before. Best effort, outside any transaction; errors are ignored. */
void store_import_analyze(store_conn *c);

#endif
