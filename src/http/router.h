/* router.h — the table of routes and how a method and path find their handler. */
#ifndef CICLO_ROUTER_H
#define CICLO_ROUTER_H
#include "http/http.h"

typedef void (*route_handler)(http_request *req);

typedef struct route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/v1/plans/{id}/objectives"; {id} matches a positive integer */
    route_handler handler;
    unsigned roles;  /* the role bits the API admits (opaque here: api/auth.h); 0 = public (no token) */
    unsigned flags;  /* ROUTE_* below */
    const void *arg; /* handed to the handler through req->route (e.g. a resource spec) */
} route;

#define ROUTE_BODY_JSON 1u       /* the body must be JSON */
#define ROUTE_BODY_CSV 2u        /* the body may also be text/csv */
#define ROUTE_MERGE_PATCH 4u     /* application/merge-patch+json accepted */
#define ROUTE_OWN_IDEMPOTENCY 8u /* a POST that stores its Idempotency-Key in its own transaction */
#define ROUTE_SECRET_ANSWER 16u  /* a POST whose answer holds a secret: never stored (api/idempotency.h) */
/* open to an employee signed in with no group (api/oidc.h): the route itself narrows what it
 * shows to the caller's own data */
#define ROUTE_OWN_DATA 32u
/* a request that may take seconds (it loads or writes a whole plan): its handler runs on the
 * server's pool of heavy threads, never on a libmicrohttpd worker (http/heavy.h) */
#define ROUTE_HEAVY 64u

enum route_match { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route for method and path among n routes. On ROUTE_FOUND sets *out and
 * the ids; on ROUTE_BAD_METHOD writes the allowed methods into allow (size allowlen). */
enum route_match router_match(const route *routes, int n, const char *method, const char *path, const route **out,
                              int64_t ids[HTTP_MAX_IDS], int *nids, char *allow, size_t allowlen);

#endif
