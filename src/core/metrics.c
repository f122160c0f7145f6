#include "core/metrics.h"

#include <stdatomic.h>

static const double bucket_le[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof bucket_le / sizeof bucket_le[0])

static atomic_llong by_status[600];
static atomic_llong latency_bucket[NBUCKETS];
static atomic_llong latency_count;
static atomic_llong latency_sum_us;
static atomic_llong auth_failures;
static atomic_llong rate_limited;
static atomic_llong connections_cut;
static atomic_llong budget_refused;
static atomic_llong heavy_refused;
static void (*pool_probe)(void *, int *, int *, long long *);
static void *pool_ctx;
static int (*listener_live)(void); /* set before serving, like pool_probe */
static long long (*listener_connects)(void);

void metrics_request(int status, long long micros)
{
    if (status >= 100 && status < 600)
        atomic_fetch_add(&by_status[status], 1);
    double s = (double)micros / 1e6;
    for (size_t i = 0; i < NBUCKETS; i++)
        if (s <= bucket_le[i]) {
            atomic_fetch_add(&latency_bucket[i], 1);
            break;
        }
    atomic_fetch_add(&latency_count, 1);
    atomic_fetch_add(&latency_sum_us, micros);
}

void metrics_auth_failure(void) { atomic_fetch_add(&auth_failures, 1); }
void metrics_rate_limited(void) { atomic_fetch_add(&rate_limited, 1); }
void metrics_connections_cut(int n) { atomic_fetch_add(&connections_cut, n); }
void metrics_body_budget_refused(void) { atomic_fetch_add(&budget_refused, 1); }
void metrics_heavy_refused(void) { atomic_fetch_add(&heavy_refused, 1); }

void metrics_set_pool_probe(void (*probe)(void *, int *, int *, long long *), void *ctx)
{
    pool_probe = probe;
    pool_ctx = ctx;
}

void metrics_set_listener_probe(int (*live)(void), long long (*connects)(void))
{
    listener_connects = connects;
    listener_live = live;
}

void metrics_render(buf *out)
{
    buf_puts(out,
             "# HELP ciclo_http_requests_total HTTP requests answered, by status.\n"
             "# TYPE ciclo_http_requests_total counter\n");
    for (int s = 100; s < 600; s++) {
        long long n = atomic_load(&by_status[s]);
        if (n)
            buf_printf(out, "ciclo_http_requests_total{status=\"%d\"} %lld\n", s, n);
    }
    buf_puts(out,
             "# HELP ciclo_http_request_duration_seconds Time from request to response.\n"
             "# TYPE ciclo_http_request_duration_seconds histogram\n");
    long long cum = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += atomic_load(&latency_bucket[i]);
        buf_printf(out, "ciclo_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n", bucket_le[i], cum);
    }
    long long count = atomic_load(&latency_count);
    buf_printf(out, "ciclo_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", count);
    buf_printf(out, "ciclo_http_request_duration_seconds_sum %.6f\n", (double)atomic_load(&latency_sum_us) / 1e6);
    buf_printf(out, "ciclo_http_request_duration_seconds_count %lld\n", count);
    buf_printf(out,
               "# HELP ciclo_auth_failures_total Requests refused for a missing or bad token.\n"
               "# TYPE ciclo_auth_failures_total counter\nciclo_auth_failures_total %lld\n",
               atomic_load(&auth_failures));
    buf_printf(out,
               "# HELP ciclo_rate_limited_total Requests refused by the per-token rate limit.\n"
               "# TYPE ciclo_rate_limited_total counter\nciclo_rate_limited_total %lld\n",
               atomic_load(&rate_limited));
    buf_printf(
        out,
        "# HELP ciclo_connections_cut_total Connections cut off: no whole request within CICLO_REQUEST_TIMEOUT.\n"
        "# TYPE ciclo_connections_cut_total counter\nciclo_connections_cut_total %lld\n"
        "# HELP ciclo_body_budget_refusals_total Request bodies refused (503): CICLO_BODY_BUDGET_MIB was spent.\n"
        "# TYPE ciclo_body_budget_refusals_total counter\nciclo_body_budget_refusals_total %lld\n"
        "# HELP ciclo_heavy_refusals_total Heavy requests refused (503): every heavy thread busy, CICLO_HEAVY_QUEUE full.\n"
        "# TYPE ciclo_heavy_refusals_total counter\nciclo_heavy_refusals_total %lld\n",
        atomic_load(&connections_cut), atomic_load(&budget_refused), atomic_load(&heavy_refused));
    if (pool_probe) {
        int in_use = 0, size = 0;
        long long timeouts = 0;
        pool_probe(pool_ctx, &in_use, &size, &timeouts);
        buf_printf(out,
                   "# HELP ciclo_db_pool_connections PostgreSQL pool size.\n"
                   "# TYPE ciclo_db_pool_connections gauge\nciclo_db_pool_connections %d\n"
                   "# HELP ciclo_db_pool_in_use PostgreSQL connections lent out now.\n"
                   "# TYPE ciclo_db_pool_in_use gauge\nciclo_db_pool_in_use %d\n"
                   "# HELP ciclo_db_pool_wait_timeouts_total Requests that found no free connection in time.\n"
                   "# TYPE ciclo_db_pool_wait_timeouts_total counter\nciclo_db_pool_wait_timeouts_total %lld\n",
                   size, in_use, timeouts);
    }
    if (listener_live && listener_connects)
        buf_printf(out,
                   "# HELP ciclo_token_listener_up 1 while cached tokens are kept exact by notification, 0 while each "
                   "is checked against the database.\n"
                   "# TYPE ciclo_token_listener_up gauge\nciclo_token_listener_up %d\n"
                   "# HELP ciclo_token_listener_connects_total Times the token listener connected and listened.\n"
                   "# TYPE ciclo_token_listener_connects_total counter\nciclo_token_listener_connects_total %lld\n",
                   listener_live(), listener_connects());
}
