/*
 * api.h — the API layer: the route table, the dispatch that authenticates and checks
 * roles in one place, and what every handler gets for its request.
 */
#ifndef CICLO_API_H
#define CICLO_API_H
#include <stdint.h>

#include "api/principal.h"
#include "core/config.h"
#include "http/http.h"
#include "http/request.h"
#include "http/router.h"
#include "store/crud.h"
#include "store/pool.h"

/* A handler's view of its request beyond HTTP. Lives as long as the request. */
typedef struct api_call {
    store_conn *db;    /* lent for the request; NULL on public routes */
    const char *scope; /* the caller's entity id as text, NULL for an admin (every entity) */
    char scope_buf[24];
    char token_id[24];
    store_actor actor; /* for the audit log */
    principal who;     /* the caller, as its token says (set before the handler runs) */
} api_call;

/* Wires the API to its pool and settings (both borrowed for the process lifetime) and
 * registers every statement. Returns 0 or -1. */
int api_init(store_pool *pool, const config *cfg);
/* The http_server_opts.dispatch callback. */
void api_dispatch(http_request *req);
/* The http_server_opts.admit callback: the token and the role of a request that carries a
 * body, from its headers alone (api_dispatch checks them again, from the token cache, with
 * the body). Returns 0, or -1 after answering 401, 403 or 503. */
int api_admit(http_request *req);
/* The http_server_opts.heavy_key callback: whose share of the heavy queue a request takes, the
 * same key as its share of the database pool (its entity, 0 for an admin), from the token cache
 * that api_admit has just filled; -1 when the token is not cached. */
int64_t api_heavy_key(http_request *req);

extern const route api_routes[];
extern const int api_route_count;

static inline api_call *api_call_of(http_request *req) { return (api_call *)req->app; }
/* The caller of an authenticated request (borrowed: valid during the request). */
static inline const principal *api_who(const http_request *req) { return &((const api_call *)req->app)->who; }

/* The pool, for handlers that need a second connection (readiness). */
store_pool *api_pool(void);

/* What crud_patch_with patches: a resource outside the model's specs. */
#define PATCH_GONE (-2)
typedef struct patch_target {
    const char *noun; /* for messages: "evaluation scheme" */
    /* Reads row req->ids[0]: 1 with *doc (its JSON text, malloc'd: the caller frees it) and
     * *version, 0 when there is none, -1 with p set. */
    int (*load)(http_request *req, char **doc, int64_t *version, problem *p);
    /* Validates patch against current (both borrowed) and writes the merged row where it is still
     * at version: 1 with *doc (malloc'd, handed to the caller) and *new_version; 0 when the
     * version moved on; PATCH_GONE when the row is gone; -1 with p set (422, 409 ...). */
    int (*write)(http_request *req, json_t *current, json_t *patch, int64_t version, char **doc, int64_t *new_version,
                 problem *p);
} patch_target;
/* Answers a JSON Merge Patch (RFC 7396) request on t: If-Match (412 when stale), 404, and a
 * fresh read and reapply when the row changes between read and write (409 after a few). */
void crud_patch_with(http_request *req, const patch_target *t);

#endif
