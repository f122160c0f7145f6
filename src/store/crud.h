/*
 * crud.h — create, read, list, update and delete for every resource of the model,
 * from statements built once from the specs in model.h. Every statement carries the
 * caller's entity scope in its WHERE (NULL scope: an admin, every entity), and every
 * write appends its audit record in the same statement.
 */
#ifndef CICLO_STORE_CRUD_H
#define CICLO_STORE_CRUD_H
#include <stdint.h>

#include "core/buf.h"
#include "store/docs.h"
#include "store/model.h"
#include "store/pool.h"
#include "store/write.h"

/* Builds and registers the statements of every resource. Call once at start-up. */
int store_crud_register(void);

/* Reads one row as JSON. Returns 1 (with *doc malloc'd for the caller, *version set),
 * 0 when there is no such row in scope, -1 on error (p set). scope: entity id as text
 * or NULL for every entity. */
int store_crud_get(store_conn *c, const resource_spec *r, const char *scope, int64_t id, char **doc, int64_t *version,
                   problem *p);

/* Whether the parent row exists in scope: 1, 0, or -1 on error. */
int store_crud_parent_exists(store_conn *c, const resource_spec *r, const char *scope, int64_t parent, problem *p);

/* Lists rows with id > after, at most limit, in id order. filters has one entry per field
 * of r (NULL = no filter; only F_FILTER fields are used). On success returns 0 and *out:
 * each row's JSON and id (free with store_docs_free); else -1 with p set. */
int store_crud_list(store_conn *c, const resource_spec *r, const char *scope, int64_t parent, int64_t after, int limit,
                    const char *const *filters, store_docs **out, problem *p);

/* Inserts a row under parent. values has one entry per field of r (NULL = absent).
 * Returns 1 (with *doc malloc'd, *id, *version), 0 when the parent is not in scope,
 * -1 on error. */
int store_crud_insert(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t parent,
                      const char *const *values, char **doc, int64_t *id, int64_t *version, problem *p);

/* Replaces every writable field of row id if its version is still `version`. Returns 1
 * (with *doc malloc'd and *new_version), 0 when no row matched (gone or changed), -1. */
int store_crud_update(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t id,
                      int64_t version, const char *const *values, char **doc, int64_t *new_version, problem *p);

/* Deletes row id (only at `version` when version >= 0). Returns 1, 0 when no row
 * matched, -1 on error (409 when other rows still refer to it). */
int store_crud_delete(store_conn *c, const resource_spec *r, const char *scope, const store_actor *who, int64_t id,
                      int64_t version, problem *p);

/* What a refused write to plan content (or to a plan) is classified with. */
typedef enum store_write_op {
    STORE_WRITE_ROW,   /* PATCH or DELETE of row id of r */
    STORE_DELETE_ROW,  /* DELETE of row id of r (a plan may only be deleted as a draft) */
    STORE_WRITE_UNDER, /* POST of a new row of r under parent row id */
} store_write_op;

/* The plan lifecycle's write lock, read after a write of r matched no row, to tell why:
 * returns 0 when the row (or parent) is not in scope, 1 when its plan accepts the write
 * (the miss was something else, e.g. a version), 2 when the plan refuses it (p set to a
 * 409 with the refusal's code, and *why, when not NULL, to the refusal for the handler to
 * phrase), -1 on error. For resources other than plans and plan content it returns 1. */
int store_crud_write_state(store_conn *c, const resource_spec *r, const char *scope, int64_t id, store_write_op op,
                           store_refusal *why, problem *p);

#endif
