/* webhooks.c — webhooks, their events and deliveries (store/webhooks.h). */
#include "store/webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/stmt.h"

enum { WH_CREATE, WH_LIST, WH_DELETE, WH_DELIVERIES, WH_SCAN, WH_CLAIM, WH_RECORD };

#define WEBHOOK_JSON                                                                                                \
    "json_build_object('id', w.id, 'entity_id', w.entity_id, 'url', w.url, 'events', to_json(w.events), 'active', " \
    "w.active, 'created_by', w.created_by, 'created_at', to_char(w.created_at AT TIME ZONE 'UTC', "                 \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

/* The kinds the worker scans for, with the entities that want them and since when (a webhook
 * hears of what falls due after it was made, not of the past). */
#define WANTING(kind)                                                                                               \
    "(SELECT entity_id, min(created_at)::date - 1 AS since FROM webhooks WHERE active AND (events = '{}' OR '" kind \
    "' = ANY (events)) GROUP BY entity_id)"

static store_stmt st[] = {
    /* $1 entity, $2 scope, $3 url, $4 events, $5 secret, $6 token, $7 name, $8 role */
    [WH_CREATE] = {"webhooks.create",
                   "WITH e AS (SELECT id FROM entities WHERE id = $1::bigint AND ($2::bigint IS NULL OR id = "
                   "$2::bigint)), w AS (INSERT INTO webhooks AS w (entity_id, url, events, secret, created_by) SELECT "
                   "e.id, $3::text, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5::text, $7::text FROM e "
                   "RETURNING w.*), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, "
                   "resource, resource_id, after) SELECT w.entity_id, $6::bigint, $7::text, $8::text, 'create', "
                   "'webhooks', w.id, (" WEBHOOK_JSON ")::jsonb FROM w) SELECT " WEBHOOK_JSON "::text FROM w",
                   8},
    [WH_LIST] = {"webhooks.list",
                 "SELECT coalesce(json_agg(" WEBHOOK_JSON
                 " ORDER BY w.id) FILTER (WHERE w.id IS NOT NULL), '[]')::text FROM entities e LEFT JOIN "
                 "webhooks w ON w.entity_id = e.id WHERE e.id = $1::bigint AND ($2::bigint IS NULL OR e.id = "
                 "$2::bigint) GROUP BY e.id",
                 2},
    /* $1 id, $2 scope, $3 token, $4 name, $5 role */
    [WH_DELETE] = {"webhooks.delete",
                   "WITH w AS (DELETE FROM webhooks w WHERE w.id = $1::bigint AND ($2::bigint IS NULL OR w.entity_id = "
                   "$2::bigint) RETURNING w.*), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, "
                   "actor_role, action, resource, resource_id, before) SELECT w.entity_id, $3::bigint, $4::text, "
                   "$5::text, 'delete', 'webhooks', w.id, (" WEBHOOK_JSON ")::jsonb FROM w) SELECT count(*) FROM w",
                   5},
    [WH_DELIVERIES] = {"webhooks.deliveries",
                       "SELECT CASE WHEN w.id IS NULL THEN NULL ELSE coalesce((SELECT json_agg(x ORDER BY x.id DESC) "
                       "FROM (SELECT d.id, d.event_id, ev.kind, ev.payload AS data, d.attempts, d.last_status, "
                       "d.last_error, to_char(d.delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS "
                       "delivered_at, to_char(d.next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                       "AS next_attempt_at FROM webhook_deliveries d JOIN webhook_events ev ON ev.entity_id = "
                       "d.entity_id AND ev.id = d.event_id WHERE d.entity_id = w.entity_id AND d.webhook_id = w.id "
                       "ORDER BY d.id DESC LIMIT $3::integer) x), '[]') END::text FROM (SELECT 1) one LEFT JOIN "
                       "webhooks w ON w.id = $1::bigint AND ($2::bigint IS NULL OR w.entity_id = $2::bigint)",
                       3},
    [WH_SCAN] =
        {"webhooks.scan",
         "WITH late AS (INSERT INTO webhook_events (entity_id, kind, dedupe, payload) SELECT ph.entity_id, "
         "'phase.late', 'phase.late:' || ph.id || ':' || ph.deadline, jsonb_build_object('phase_id', ph.id, "
         "'plan_id', ph.plan_id, 'objective_id', ph.objective_id, 'objective_code', o.code, 'seq', ph.seq, "
         "'description', ph.description, 'deadline', ph.deadline) FROM phases ph JOIN " WANTING(
             "phase.late") " w ON w.entity_id = ph.entity_id JOIN objectives o ON o.entity_id = ph.entity_id AND o.id = "
                           "ph.objective_id JOIN plans pl ON pl.entity_id = ph.entity_id AND pl.id = ph.plan_id WHERE "
                           "pl.status = 'adopted' AND ph.removed_in_revision IS NULL AND o.removed_in_revision IS NULL AND "
                           "ph.deadline < current_date AND ph.deadline >= w.since AND coalesce((SELECT pr.percent_complete "
                           "FROM progress pr WHERE pr.entity_id = ph.entity_id AND pr.phase_id = ph.id ORDER BY pr.as_of DESC, "
                           "pr.id DESC LIMIT 1), 0) < 100 ON CONFLICT (entity_id, dedupe) DO NOTHING RETURNING 1), "
                           "due AS (INSERT INTO webhook_events (entity_id, kind, dedupe, payload) SELECT pl.entity_id, "
                           "'review.due', 'review.due:' || pl.id || ':' || k.kind, jsonb_build_object('plan_id', pl.id, "
                           "'year', pl.year, 'review', k.kind, 'as_of', make_date(pl.year, k.m, k.d)) FROM plans pl JOIN " WANTING(
                               "review.due") " w ON w.entity_id = pl.entity_id CROSS JOIN (VALUES ('intermediate', 6, "
                                             "30), ('final', 12, 31)) k(kind, m, d) WHERE pl.status = 'adopted' AND make_date(pl.year, k.m, k.d) "
                                             "<= current_date AND make_date(pl.year, k.m, k.d) >= w.since AND NOT EXISTS (SELECT 1 FROM reviews "
                                             "r WHERE r.entity_id = pl.entity_id AND r.plan_id = pl.id AND r.kind = k.kind) ON CONFLICT "
                                             "(entity_id, dedupe) DO NOTHING RETURNING 1) "
                                             "SELECT (SELECT count(*) FROM late) + (SELECT count(*) FROM due)",
         0},
    [WH_CLAIM] = {"webhooks.claim",
                  "SELECT d.entity_id, d.id, d.event_id, d.attempts, ev.kind, to_char(ev.created_at AT TIME ZONE "
                  "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), w.url, w.secret, ev.payload::text FROM "
                  "webhook_deliveries d JOIN webhook_events ev ON ev.entity_id = d.entity_id AND ev.id = d.event_id "
                  "JOIN webhooks w ON w.entity_id = d.entity_id AND w.id = d.webhook_id WHERE d.delivered_at IS NULL "
                  "AND d.next_attempt_at <= now() AND w.active ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF "
                  "d SKIP LOCKED",
                  0},
    /* $1 entity, $2 delivery, $3 delivered, $4 status, $5 error, $6 retry ms */
    [WH_RECORD] = {"webhooks.record",
                   "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $4::integer, last_error = "
                   "$5::text, delivered_at = CASE WHEN $3::boolean THEN now() END, next_attempt_at = CASE WHEN "
                   "$3::boolean THEN next_attempt_at ELSE now() + $6::bigint * interval '1 millisecond' END WHERE "
                   "entity_id = $1::bigint AND id = $2::bigint",
                   6},
};

int store_webhooks_register(void) { return STORE_STMTS_REGISTER(st); }

int store_webhook_create(store_conn *c, int64_t entity_id, const char *scope, const char *url, const char *events_json,
                         const char *secret, const store_actor *who, char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_TEXT(url), SA_TEXT(events_json),
                                     SA_TEXT(secret), SA_ACTOR(who));
    return store_run_text(c, &st[WH_CREATE], a, doc, p);
}

int store_webhook_list(store_conn *c, int64_t entity_id, const char *scope, store_docs **out, problem *p)
{
    PGresult *r = store_run(c, &st[WH_LIST], STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope)), p);
    if (!r)
        return -1;
    int found = row_count(r) > 0;
    *out = store_docs_take(r, p);
    return *out ? found : -1;
}

int store_webhook_delete(store_conn *c, int64_t id, const char *scope, const store_actor *who, problem *p)
{
    int64_t n = store_run_count(c, &st[WH_DELETE], STORE_ARGS(SA_I64(id), SA_TEXT(scope), SA_ACTOR(who)), p);
    return n < 0 ? -1 : n > 0;
}

int store_webhook_deliveries(store_conn *c, int64_t id, const char *scope, int limit, store_docs **out, problem *p)
{
    PGresult *r = store_run(c, &st[WH_DELIVERIES], STORE_ARGS(SA_I64(id), SA_TEXT(scope), SA_I64(limit)), p);
    if (!r)
        return -1;
    int found = !row_null(r, 0, 0);
    *out = store_docs_take(r, p);
    return *out ? found : -1;
}

int store_webhook_scan(store_conn *c, problem *p) { return (int)store_run_count(c, &st[WH_SCAN], STORE_NO_ARGS, p); }

static void copy(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

int store_delivery_claim(store_conn *c, store_delivery *d, problem *p)
{
    memset(d, 0, sizeof *d);
    int rc;
    PGresult *r = store_run_row(c, &st[WH_CLAIM], STORE_NO_ARGS, &rc, p);
    if (!r)
        return rc;
    d->entity_id = row_i64(r, 0, 0);
    d->id = row_i64(r, 0, 1);
    d->event_id = row_i64(r, 0, 2);
    d->attempts = row_int(r, 0, 3);
    copy(d->kind, sizeof d->kind, row_text(r, 0, 4));
    copy(d->created_at, sizeof d->created_at, row_text(r, 0, 5));
    copy(d->url, sizeof d->url, row_text(r, 0, 6));
    copy(d->secret, sizeof d->secret, row_text(r, 0, 7));
    rc = row_dup(r, 0, 8, &d->payload, p);
    PQclear(r);
    return rc < 0 ? -1 : 1;
}

int store_delivery_record(store_conn *c, const store_delivery *d, int delivered, int status, const char *error,
                          long long retry_ms, problem *p)
{
    const store_args *a = STORE_ARGS(SA_I64(d->entity_id), SA_I64(d->id), SA_BOOL(delivered), SA_LINK(status),
                                     SA_TEXT(error), SA_I64(retry_ms));
    return store_run_exec(c, &st[WH_RECORD], a, p);
}

void store_delivery_clear(store_delivery *d)
{
    free(d->payload);
    d->payload = NULL;
}
