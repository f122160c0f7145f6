/*
 * lifecycle.h — a plan's lifecycle (draft → adopted → closed → validated), its revisions
 * by deliberation, and the audit log read back. Every transition is one transaction that
 * locks the plan row, checks the state it starts from, and writes its audit record with
 * the change. The write lock on plan content lives in the statements of store/crud.c.
 */
#ifndef CICLO_STORE_LIFECYCLE_H
#define CICLO_STORE_LIFECYCLE_H
#include <stdint.h>

#include "store/docs.h"
#include "store/pool.h"
#include "store/write.h"

/* Registers the statements of the lifecycle, the plan document and the audit list.
 * Called once at start-up by store_crud_register. */
int store_lifecycle_register(void);

/* A deliberation, as validated text (borrowed): number ("8/2022"), date "YYYY-MM-DD",
 * body (the adopting body or a note; may be NULL). */
typedef struct store_deliberation {
    const char *number;
    const char *date;
    const char *body;
} store_deliberation;

/*
 * Adopts plan_id: a draft becomes revision 1; an adopted plan with a revision open
 * becomes revision + 1. Stores the snapshot, updates the plan and writes the audit
 * record ("adopt") in one transaction holding the plan row. if_version >= 0 requires
 * the plan to be at that version (412). Returns 1 with *doc (the plan row as JSON,
 * malloc'd), *version and *revision; 0 when the plan is not in scope; -1 with p set
 * (409 from a state that cannot be adopted or a deliberation number already used, 412,
 * 422 for a date before the previous revision's deliberation). A lifecycle refusal or a
 * stale version also fills *why (when not NULL), for the handler to phrase.
 */
int store_plan_adopt(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, int64_t if_version,
                     const store_deliberation *d, char **doc, int64_t *version, int *revision, store_refusal *why,
                     problem *p);

/* store_plan_adopt inside the transaction the caller holds on c (nothing is begun,
 * committed or rolled back here: on -1 the caller rolls back). Same results. Used by the
 * revision import (api/import.c), which opens, fills and adopts a revision in one
 * transaction. */
int store_plan_adopt_in_tx(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id,
                           int64_t if_version, const store_deliberation *d, char **doc, int64_t *version, int *revision,
                           store_refusal *why, problem *p);

typedef enum store_transition {
    STORE_OPEN_REVISION, /* adopted, no revision open → a revision open ("open_revision") */
    STORE_CLOSE,         /* adopted, no revision open → closed ("close") */
    STORE_VALIDATE,      /* closed → validated ("validate") */
} store_transition;

/* Runs transition t on plan_id in one conditional statement with its audit record;
 * extra_json (a JSON object text or NULL) is merged into the audit record's "after".
 * Returns 1 with *doc (plan row JSON, malloc'd) and *version, 0 when the plan is not in
 * scope, -1 with p set (409 with the refusal's code, 412 for if_version; then *why, when
 * not NULL, holds the refusal for the handler to phrase). */
int store_plan_transition(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, store_transition t,
                          int64_t if_version, const char *extra_json, char **doc, int64_t *version, store_refusal *why,
                          problem *p);

/* Fills p from a refusal: 409 with the refusal's code (rules_plan_refusal_code), or 412 for
 * a stale version, with a plain detail that names no route or header (handlers phrase
 * their own, api/lifecycle.h). */
void store_refuse(const store_refusal *w, problem *p);

/* The plan's state: 1 with status (a static string), *editing, *revision, *version; 0 when
 * not in scope; -1. */
int store_plan_state(store_conn *c, const char *scope, int64_t plan_id, const char **status, int *editing,
                     int *revision, int64_t *version, problem *p);

/* The adopted revisions of plan_id, oldest first, each a JSON object {number,
 * status:"adopted", deliberation:{number,date,body}, adopted_at, adopted_by}. Returns 0
 * with *out (free with store_docs_free) or -1. */
int store_plan_revision_list(store_conn *c, const char *scope, int64_t plan_id, store_docs **out, problem *p);

/* Filters of the audit list; NULL = no filter. Text as the client sent it, checked. */
typedef struct store_audit_filter {
    const char *entity_id, *plan_id, *resource, *resource_id, *actor, *role, *action, *since, *until;
} store_audit_filter;

/* Audit records with id > after in id order, at most limit, in the caller's scope, each
 * {id, at, actor:{name,role,token_id}, action, resource, resource_id, entity_id, plan_id,
 * before, after} with its id. Returns 0 with *out (free with store_docs_free) or -1. */
int store_audit_list(store_conn *c, const char *scope, const store_audit_filter *f, int64_t after, int limit,
                     store_docs **out, problem *p);

#endif
