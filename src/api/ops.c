/* ops.c — the operational endpoints: /healthz, /readyz, /metrics, /openapi.yaml. No auth. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "core/embedded.h"
#include "core/metrics.h"

void ops_healthz(http_request *req) { http_json(req, 200, json_pack("{s:s}", "status", "ok")); }

void ops_readyz(http_request *req)
{
    problem p;
    problem_init(&p);
    if (store_ping(api_pool(), &p) < 0) {
        p.status = 503;
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    http_json(req, 200, json_pack("{s:s, s:s}", "status", "ready", "database", "ok"));
}

void ops_metrics(http_request *req)
{
    buf out;
    buf_init(&out, 0);
    metrics_render(&out);
    size_t len;
    char *body = buf_steal(&out, &len);
    http_body(req, 200, "text/plain; version=0.0.4; charset=utf-8", body, len);
}

void ops_openapi(http_request *req)
{
    char *copy = malloc(embedded_openapi_len + 1);
    if (!copy) {
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    memcpy(copy, embedded_openapi, embedded_openapi_len + 1);
    http_body(req, 200, "application/yaml", copy, embedded_openapi_len);
}
