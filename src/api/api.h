/*
 * api.h — the API layer: the route table, the dispatch that authenticates and checks
 * roles in one place, and what every handler gets for its request.
 */
#ifndef CICLO_API_H
#define CICLO_API_H
#include <stdint.h>

#include "core/config.h"
#include "http/http.h"
#include "http/router.h"
#include "store/crud.h"
#include "store/pool.h"

/* A handler's view of its request beyond HTTP. Lives as long as the request. */
typedef struct api_call {
    store_conn *db;          /* lent for the request; NULL on public routes */
    const char *scope;       /* the caller's entity id as text, NULL for an admin (every entity) */
    char scope_buf[24];
    char token_id[24];
    store_actor actor;       /* for the audit log */
} api_call;

/* Wires the API to its pool and settings (both borrowed for the process lifetime) and
 * registers every statement. Returns 0 or -1. */
int api_init(store_pool *pool, const config *cfg);
/* The http_server_opts.dispatch callback. */
void api_dispatch(http_request *req);

extern const route api_routes[];
extern const int api_route_count;

static inline api_call *api_call_of(http_request *req) { return (api_call *)req->app; }

/* The pool, for handlers that need a second connection (readiness). */
store_pool *api_pool(void);

/* Parses ?limit= and ?cursor=. Returns 0, or -1 after answering 400. */
int api_page_params(http_request *req, int *limit, int64_t *after);

/* Handlers shared by routes (api/crud.c, api/ops.c, api/tokens.c). */
void crud_create(http_request *req);
void crud_get(http_request *req);
void crud_list(http_request *req);
void crud_patch(http_request *req);
void crud_delete(http_request *req);
void ops_healthz(http_request *req);
void ops_readyz(http_request *req);
void ops_metrics(http_request *req);
void ops_openapi(http_request *req);
/* Writes today's date (UTC) as YYYY-MM-DD. */
void api_today(char out[11]);
/* Reads the date query parameter `name` (default today) into out; answers 400 and returns -1
 * when it is not a real date. */
int api_date_param(http_request *req, const char *name, char out[11]);
/* Answers a list from rows (column 0 JSON, column 1 id) as JSON or CSV; limit > 0 means the
 * rows hold limit + 1 to tell whether there is a next page. Takes r. */
void api_answer_rows(http_request *req, PGresult *r, int limit);
void progress_create(http_request *req);
void progress_list(http_request *req);
void measurement_create(http_request *req);
void measurement_list(http_request *req);
void objective_score(http_request *req);
void plan_scores(http_request *req);
void plan_checks(http_request *req);
void plan_report(http_request *req);
void review_create(http_request *req);
void review_list(http_request *req);
void review_get(http_request *req);
void rules_evaluate_handler(http_request *req);
void rules_check_handler(http_request *req);
/* Registers the statements of /v1/tokens. */
int tokens_register(void);
void tokens_create(http_request *req);
void tokens_list(http_request *req);
void tokens_delete(http_request *req);

#endif
