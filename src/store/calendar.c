/* calendar.c — the rows of the cycle's calendar (store/calendar.h). */
#include "store/calendar.h"

#include "store/stmt.h"

enum { CAL_DOC };

/* $1 entity, $2 scope, $3 first year, $4 last year, $5 from, $6 to, $7 phase limit. The act dates:
 * the first adoption's deliberation, the audit rows of closing and validating (the plan may have
 * been reopened since: the first one counts), a review's creation, a phase's latest progress at
 * 100% (its completion date, else the date of the entry). */
static store_stmt st[] = {
    [CAL_DOC] = {"calendar.doc",
                 "WITH e AS (SELECT id, code, name, transparency_public FROM entities WHERE id = $1::bigint AND ($2::bigint IS NULL OR "
                 "id = $2::bigint)), "
                 "ph AS (SELECT ph.id, ph.plan_id, ph.objective_id, o.code AS objective_code, ph.seq, "
                 "ph.description, ph.deadline, (SELECT CASE WHEN pr.percent_complete = 100 THEN coalesce("
                 "pr.completed_on, pr.as_of) END FROM progress pr WHERE pr.entity_id = ph.entity_id AND pr.phase_id "
                 "= ph.id ORDER BY pr.as_of DESC, pr.id DESC LIMIT 1) AS done_on FROM phases ph JOIN objectives o ON "
                 "o.entity_id = ph.entity_id AND o.id = ph.objective_id JOIN plans pl ON pl.entity_id = ph.entity_id "
                 "AND pl.id = ph.plan_id JOIN e ON e.id = ph.entity_id WHERE ph.entity_id = $1::bigint AND "
                 "ph.removed_in_revision IS NULL AND o.removed_in_revision IS NULL AND pl.status <> 'draft' AND "
                 "ph.deadline BETWEEN $5::date AND $6::date ORDER BY ph.deadline, ph.id LIMIT $7::integer + 1) "
                 "SELECT json_build_object('entity', row_to_json(e), "
                 "'plans', coalesce((SELECT json_agg(json_build_object('id', pl.id, 'year', pl.year, 'kind', "
                 "pl.kind, 'title', pl.title, 'status', pl.status, 'budget_approved_on', pl.budget_approved_on, "
                 "'adopted_on', (SELECT r.deliberation_date FROM plan_revisions r WHERE r.entity_id = pl.entity_id "
                 "AND r.plan_id = pl.id AND r.number = 1), "
                 "'closed_on', (SELECT min(a.at)::date FROM audit a WHERE a.plan_id = pl.id AND a.entity_id = "
                 "pl.entity_id AND a.resource = 'plans' AND a.action = 'close'), "
                 "'validated_on', (SELECT min(a.at)::date FROM audit a WHERE a.plan_id = pl.id AND a.entity_id = "
                 "pl.entity_id AND a.resource = 'plans' AND a.action = 'validate'), "
                 "'reviews', coalesce((SELECT json_agg(json_build_object('kind', rv.kind, 'as_of', rv.as_of, 'on', "
                 "rv.created_at::date) ORDER BY rv.as_of, rv.id) FROM reviews rv WHERE rv.entity_id = pl.entity_id "
                 "AND rv.plan_id = pl.id), '[]'::json)) ORDER BY pl.year, pl.id) FROM plans pl WHERE pl.entity_id = "
                 "e.id AND pl.year BETWEEN $3::integer AND $4::integer), '[]'::json), "
                 "'distributions', coalesce((SELECT json_agg(json_build_object('year', d.year, 'on', d.first) ORDER "
                 "BY d.year) FROM (SELECT b.year, min(b.created_at)::date AS first FROM bonus_distributions b WHERE "
                 "b.entity_id = e.id GROUP BY b.year) d), '[]'::json), "
                 "'phases', coalesce((SELECT json_agg(json_build_object('id', ph.id, 'plan_id', ph.plan_id, "
                 "'objective_id', ph.objective_id, 'objective_code', ph.objective_code, 'seq', ph.seq, "
                 "'description', ph.description, 'deadline', ph.deadline, 'done_on', ph.done_on) ORDER BY "
                 "ph.deadline, ph.id) FROM (SELECT * FROM ph ORDER BY deadline, id LIMIT $7::integer) ph), "
                 "'[]'::json), 'truncated', (SELECT count(*) > $7::integer FROM ph))::text FROM e",
                 7},
};

#define FEED_JSON                                                                                          \
    "json_build_object('id', f.id, 'entity_id', f.entity_id, 'name', f.name, 'created_by', f.created_by, " \
    "'created_at', to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

static store_stmt feeds[] = {
    /* $1 entity, $2 scope, $3 name, $4 key hash, $5 who */
    [0] = {"calendar.feed_create",
           "WITH e AS (SELECT id FROM entities WHERE id = $1::bigint AND ($2::bigint IS NULL OR id = $2::bigint)), "
           "f AS (INSERT INTO calendar_feeds AS f (entity_id, key_hash, name, created_by) SELECT e.id, $4::bytea, "
           "$3::text, $5::text FROM e RETURNING f.*) SELECT " FEED_JSON "::text FROM f",
           5},
    [1] = {"calendar.feed_revoke",
           "UPDATE calendar_feeds SET revoked_at = now() WHERE id = $1::bigint AND ($2::bigint IS NULL OR "
           "entity_id = $2::bigint) AND revoked_at IS NULL RETURNING 1",
           2},
    [2] = {"calendar.feed_entity", "SELECT ciclo_calendar_feed_entity($1::bytea)", 1},
};

int store_calendar_feed_create(store_conn *c, int64_t entity_id, const char *scope, const char *name,
                               const char *key_hash_hex, const char *who_name, char **doc, problem *p)
{
    return store_run_text(
        c, &feeds[0],
        STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_TEXT(name), SA_TEXT(key_hash_hex), SA_TEXT(who_name)), doc, p);
}

int store_calendar_feed_revoke(store_conn *c, int64_t id, const char *scope, problem *p)
{
    return store_run_found(c, &feeds[1], STORE_ARGS(SA_I64(id), SA_TEXT(scope)), p);
}

int store_calendar_feed_entity(store_conn *c, const char *key_hash_hex, int64_t *entity_id, problem *p)
{
    int64_t id = store_run_count(c, &feeds[2], STORE_ARGS(SA_TEXT(key_hash_hex)), p);
    *entity_id = id > 0 ? id : 0;
    return id < 0 ? -1 : id > 0;
}

int store_calendar_register(void) { return STORE_STMTS_REGISTER(st) < 0 || STORE_STMTS_REGISTER(feeds) < 0 ? -1 : 0; }

int store_calendar_doc(store_conn *c, int64_t entity_id, const char *scope, int first_year, int last_year,
                       const char *from, const char *to, char **doc, problem *p)
{
    const store_args *a = STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_I64(first_year), SA_I64(last_year),
                                     SA_TEXT(from), SA_TEXT(to), SA_I64(STORE_CALENDAR_MAX_PHASES));
    return store_run_text(c, &st[CAL_DOC], a, doc, p);
}
