/*
 * calendar.c — GET /v1/entities/{id}/calendar?from=&to=&as_of=&state= (api/handlers.h).
 *
 * The items: the legal deadlines of each year's cycle (the Piano or PIAO, the Relazione, its
 * validation, the publication of premiums), the reviews due (as of 30/06 and 31/12 of an
 * adopted plan's year) and the phase deadlines of adopted plans, each with its state on as_of
 * (due, late, done; rules_deadline_state_of). The dates come from the rules library; the store
 * says when each act was done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "codec/ical.h"
#include "core/text.h"
#include "rules.h"
#include "store/calendar.h"

#define CALENDAR_MAX_DAYS 1830 /* five years in one answer */
#define CALENDAR_MAX_ITEMS (STORE_CALENDAR_MAX_PHASES + 64 * 8)

/* One item, before it becomes JSON or an event. Strings are borrowed from the store's doc or
 * point into title. */
typedef struct item {
    rules_date due;
    int has_done;
    rules_date done_on;
    rules_deadline_state state;
    int on_time;
    const char *kind; /* "legal", "review", "phase" */
    const char *code;
    const char *law; /* may be NULL */
    char title[400];
    char uid[80];
    json_int_t year, plan_id, objective_id, phase_id;
} item;

static int date_of(json_t *v, rules_date *out)
{
    return json_is_string(v) && rules_date_parse_iso(json_string_value(v), out, NULL) == 0;
}

static int cmp_items(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = rules_date_compare(x->due, y->due);
    if (c)
        return c;
    c = strcmp(x->kind, y->kind);
    return c ? c : strcmp(x->uid, y->uid);
}

typedef struct window {
    rules_date from, to, as_of;
    const char *state; /* NULL: every state */
} window;

/* Adds it when its date falls in the window and its state is wanted. */
static void keep(item *items, size_t *n, item *it, const window *w)
{
    if (rules_date_compare(it->due, w->from) < 0 || rules_date_compare(it->due, w->to) > 0 || *n >= CALENDAR_MAX_ITEMS)
        return;
    it->state = rules_deadline_state_of(it->due, it->has_done ? &it->done_on : NULL, w->as_of, &it->on_time);
    if (w->state && strcmp(w->state, rules_deadline_state_code(it->state)) != 0)
        return;
    items[(*n)++] = *it;
}

/* The plan whose cycle the legal deadlines of year follow: a PIAO, else a Piano della
 * performance, else a PEG (which holds the Piano in local authorities, TUEL art. 169 c. 3-bis;
 * the same order as the database's cycle_plan_id). NULL when the year has none. */
static json_t *cycle_plan(json_t *plans, int year)
{
    static const char *const order[] = {"piao", "performance", "peg"};
    json_t *best = NULL, *pl;
    int rank = 3;
    size_t i;
    json_array_foreach(plans, i, pl)
    {
        if (json_integer_value(json_object_get(pl, "year")) != year)
            continue;
        const char *kind = json_string_value(json_object_get(pl, "kind"));
        for (int r = 0; kind && r < rank; r++)
            if (strcmp(kind, order[r]) == 0) {
                best = pl;
                rank = r;
            }
    }
    return best;
}

static const char *const legal_title[RULES_DEADLINE_KINDS] = {
    "Adozione del Piano della performance / PIAO %d",
    "Relazione sulla performance %d",
    "Validazione della Relazione sulla performance %d (Nucleo di valutazione)",
    "Pubblicazione dei premi %d (D.Lgs. 33/2013 art. 20)",
};

static void legal_items(json_t *doc, int year, item *items, size_t *n, const window *w)
{
    json_t *pl = cycle_plan(json_object_get(doc, "plans"), year);
    rules_date budget;
    int has_budget = pl && date_of(json_object_get(pl, "budget_approved_on"), &budget);
    int published = json_is_true(json_object_get(json_object_get(doc, "entity"), "transparency_public"));
    for (int k = 0; k < RULES_DEADLINE_KINDS; k++) {
        item it;
        memset(&it, 0, sizeof it);
        if (rules_legal_deadline((rules_deadline_kind)k, year, has_budget ? &budget : NULL, &it.due, NULL) < 0)
            continue;
        it.kind = "legal";
        it.code = rules_deadline_code((rules_deadline_kind)k);
        it.law = rules_deadline_law((rules_deadline_kind)k);
        it.year = year;
        snprintf(it.title, sizeof it.title, legal_title[k], year);
        snprintf(it.uid, sizeof it.uid, "%s-%d-%s@ciclo", it.code, year,
                 json_string_value(json_object_get(json_object_get(doc, "entity"), "code")));
        json_t *done = NULL;
        if (pl) {
            it.plan_id = json_integer_value(json_object_get(pl, "id"));
            done = json_object_get(pl, k == RULES_DEADLINE_PIANO        ? "adopted_on"
                                       : k == RULES_DEADLINE_RELAZIONE  ? "closed_on"
                                       : k == RULES_DEADLINE_VALIDATION ? "validated_on"
                                                                        : "");
        }
        if (k == RULES_DEADLINE_PUBLICATION && published) {
            size_t i;
            json_t *d;
            json_array_foreach(json_object_get(doc, "distributions"), i,
                               d) if (json_integer_value(json_object_get(d, "year")) == year)
                done = json_object_get(d, "on");
        }
        it.has_done = date_of(done, &it.done_on);
        keep(items, n, &it, w);
    }
}

/* The reviews due in an adopted plan's year: intermediate as of 30/06, final as of 31/12; done
 * when the plan has a review of that kind. */
static void review_items(json_t *pl, item *items, size_t *n, const window *w)
{
    const char *status = json_string_value(json_object_get(pl, "status"));
    if (!status || strcmp(status, "draft") == 0)
        return;
    int year = (int)json_integer_value(json_object_get(pl, "year"));
    static const char *const kinds[2] = {"intermediate", "final"};
    for (int k = 0; k < 2; k++) {
        item it;
        memset(&it, 0, sizeof it);
        it.due = k == 0 ? (rules_date){year, 6, 30} : (rules_date){year, 12, 31};
        it.kind = "review";
        it.code = k == 0 ? "intermediate_review" : "final_review";
        it.year = year;
        it.plan_id = json_integer_value(json_object_get(pl, "id"));
        snprintf(it.title, sizeof it.title, "%s al %02d/%02d/%d: %s", k == 0 ? "Verifica intermedia" : "Verifica finale",
                 it.due.day, it.due.month, year, json_string_value(json_object_get(pl, "title")));
        snprintf(it.uid, sizeof it.uid, "%s-%lld@ciclo", it.code, (long long)it.plan_id);
        size_t i;
        json_t *rv;
        json_array_foreach(json_object_get(pl, "reviews"), i, rv)
        {
            const char *rk = json_string_value(json_object_get(rv, "kind"));
            if (!it.has_done && rk && strcmp(rk, kinds[k]) == 0)
                it.has_done = date_of(json_object_get(rv, "on"), &it.done_on);
        }
        keep(items, n, &it, w);
    }
}

static void phase_items(json_t *doc, item *items, size_t *n, const window *w)
{
    size_t i;
    json_t *ph;
    json_array_foreach(json_object_get(doc, "phases"), i, ph)
    {
        item it;
        memset(&it, 0, sizeof it);
        if (!date_of(json_object_get(ph, "deadline"), &it.due))
            continue;
        it.kind = "phase";
        it.code = "phase_deadline";
        it.year = it.due.year;
        it.plan_id = json_integer_value(json_object_get(ph, "plan_id"));
        it.objective_id = json_integer_value(json_object_get(ph, "objective_id"));
        it.phase_id = json_integer_value(json_object_get(ph, "id"));
        snprintf(it.title, sizeof it.title, "%s, fase %lld: %s", json_string_value(json_object_get(ph, "objective_code")),
                 (long long)json_integer_value(json_object_get(ph, "seq")),
                 json_string_value(json_object_get(ph, "description")));
        snprintf(it.uid, sizeof it.uid, "phase-%lld@ciclo", (long long)it.phase_id);
        it.has_done = date_of(json_object_get(ph, "done_on"), &it.done_on);
        keep(items, n, &it, w);
    }
}

static json_t *id_or_null(json_int_t id) { return id > 0 ? json_integer(id) : json_null(); }

static json_t *items_json(const item *items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const item *it = &items[i];
        char due[11], done[11];
        rules_date_format_iso(it->due, due);
        rules_date_format_iso(it->done_on, done);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "kind",
                                             it->kind, "code", it->code, "title", it->title, "due", due, "state",
                                             rules_deadline_state_code(it->state), "done_on",
                                             it->has_done ? json_string(done) : json_null(), "on_time",
                                             it->has_done ? json_boolean(it->on_time) : json_null(), "law",
                                             it->law ? json_string(it->law) : json_null(), "year", it->year, "plan_id",
                                             id_or_null(it->plan_id), "objective_id", id_or_null(it->objective_id),
                                             "phase_id", id_or_null(it->phase_id)));
    }
    return arr;
}

static void answer_ics(http_request *req, json_t *doc, const item *items, size_t n)
{
    static const char *const state_it[] = {"da fare", "in ritardo", "fatto"};
    ical_event *ev = calloc(n ? n : 1, sizeof *ev);
    char(*desc)[480] = calloc(n ? n : 1, sizeof *desc);
    if (!ev || !desc) {
        free(ev);
        free(desc);
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char done[11];
        rules_date_format_iso(items[i].done_on, done);
        snprintf(desc[i], sizeof desc[i], "Stato: %s%s%s%s%s", state_it[items[i].state], items[i].has_done ? " il " : "",
                 items[i].has_done ? done : "", items[i].law ? "\nNorma: " : "", items[i].law ? items[i].law : "");
        ev[i] = (ical_event){items[i].uid, items[i].due, items[i].title, desc[i], items[i].kind};
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[20], name[400];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(name, sizeof name, "Ciclo della performance: %s",
             json_string_value(json_object_get(json_object_get(doc, "entity"), "name")));
    buf b;
    buf_init(&b, 0);
    int rc = ical_write(&b, name, stamp, ev, n);
    free(ev);
    free(desc);
    if (rc < 0) {
        buf_free(&b);
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    size_t len;
    char *body = buf_steal(&b, &len);
    snprintf(req->res.disposition, sizeof req->res.disposition, "inline; filename=\"ciclo-%s.ics\"",
             json_string_value(json_object_get(json_object_get(doc, "entity"), "code")));
    http_body(req, 200, "text/calendar; charset=utf-8", body, len);
}

/* Reads the window from the query: from and to (default: this year), as_of (default today),
 * state. Returns 0, or -1 after answering 400. */
static int read_window(http_request *req, window *w)
{
    char today[11], from[11], to[11], as_of[11];
    http_today(today);
    int year = atoi(today);
    snprintf(from, sizeof from, "%04d-01-01", year);
    snprintf(to, sizeof to, "%04d-12-31", year);
    problem p;
    problem_init(&p);
    if ((http_query(req, "from") && http_date_param(req, "from", from, &p) < 0) ||
        (http_query(req, "to") && http_date_param(req, "to", to, &p) < 0) ||
        http_date_param(req, "as_of", as_of, &p) < 0) {
        api_fail(req, &p);
        return -1;
    }
    rules_date_parse_iso(from, &w->from, NULL);
    rules_date_parse_iso(to, &w->to, NULL);
    rules_date_parse_iso(as_of, &w->as_of, NULL);
    int32_t span = rules_date_days_between(w->from, w->to);
    if (span < 0 || span > CALENDAR_MAX_DAYS || w->from.year < 2 || w->to.year > 9998) {
        problem_set(&p, 400, "bad_parameter", "the calendar spans from `from` to `to`, at most %d days",
                    CALENDAR_MAX_DAYS);
        problem_add(&p, "to", span < 0 ? "is before from" : "is more than %d days after from", CALENDAR_MAX_DAYS);
        api_fail(req, &p);
        return -1;
    }
    w->state = http_query(req, "state");
    if (w->state && strcmp(w->state, "due") != 0 && strcmp(w->state, "late") != 0 && strcmp(w->state, "done") != 0) {
        return api_bad_parameter(req, "state", "is not one of due, late, done", "state must be due, late or done");
    }
    return 0;
}

/* Answers entity's calendar in window w, as the caller of scope sees it (JSON, or iCalendar when
 * asked or when ics is set). */
static void answer_calendar(http_request *req, store_conn *db, int64_t entity, const char *scope, const window *wp,
                            int ics)
{
    window w = *wp;
    char from[11], to[11];
    rules_date_format_iso(w.from, from);
    rules_date_format_iso(w.to, to);
    problem p;
    problem_init(&p);
    char *text = NULL;
    /* a Relazione of year Y falls in Y+1 */
    int found = store_calendar_doc(db, entity, scope, w.from.year - 1, w.to.year, from, to, &text, &p);
    if (!api_found(req, found, &p, "no entity %lld", (long long)entity))
        return;
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    item *items = calloc(CALENDAR_MAX_ITEMS, sizeof *items);
    if (!doc || !items) {
        json_decref(doc);
        free(items);
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    size_t n = 0;
    for (int y = w.from.year - 1; y <= w.to.year; y++)
        legal_items(doc, y, items, &n, &w);
    size_t i;
    json_t *pl;
    json_array_foreach(json_object_get(doc, "plans"), i, pl) review_items(pl, items, &n, &w);
    phase_items(doc, items, &n, &w);
    qsort(items, n, sizeof *items, cmp_items);
    if (ics || http_wants_format(req, "ics", "text/calendar")) {
        answer_ics(req, doc, items, n);
    } else {
        char as_of[11];
        rules_date_format_iso(w.as_of, as_of);
        json_t *who = json_incref(json_object_get(doc, "entity"));
        json_object_del(who, "transparency_public");
        http_json(req, 200,
                  json_pack("{s:o, s:s, s:s, s:s, s:O, s:o}", "entity", who, "from", from, "to", to, "as_of", as_of,
                            "truncated", json_object_get(doc, "truncated"), "items", items_json(items, n)));
    }
    free(items);
    json_decref(doc);
}

void calendar_get(http_request *req)
{
    api_call *call = api_call_of(req);
    window w;
    if (read_window(req, &w) < 0)
        return;
    answer_calendar(req, call->db, req->ids[0], call->scope, &w, 0);
}

/* ----------------------------------------------------------------------------------- */
/* Subscriptions: a secret key per feed, for calendar programs that cannot send a token */
/* ----------------------------------------------------------------------------------- */

#define FEED_KEY_PREFIX "cal_"
#define FEED_KEY_LEN (4 + 43)

void calendar_feed_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    const char *name;
    json_t *body = api_text_body(req, 0, "name", 200, &name, &p);
    if (!body)
        return;
    if ((!name || !*name) && !problem_count(&p))
        problem_add(&p, "name", "is required: whose calendar it is");
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the calendar feed is not valid");
        api_fail(req, &p);
        json_decref(body);
        return;
    }
    unsigned char raw[32];
    char secret[FEED_KEY_LEN + 1], hash[67];
    if (gnutls_rnd(GNUTLS_RND_KEY, raw, sizeof raw) != 0) {
        json_decref(body);
        http_error(req, 503, "no_randomness", "the server cannot make a key now; try again");
        return;
    }
    memcpy(secret, FEED_KEY_PREFIX, 4);
    base64url_encode(raw, sizeof raw, secret + 4);
    auth_token_hash_hex(secret, hash);
    char *doc = NULL;
    int found = store_calendar_feed_create(call->db, req->ids[0], call->scope, name, hash, call->actor.name, &doc, &p);
    json_decref(body);
    if (!api_found(req, found, &p, "no entity %lld", (long long)req->ids[0]))
        return;
    json_t *feed = api_doc_json(req, doc);
    if (!feed)
        return;
    char path[96];
    snprintf(path, sizeof path, "/v1/public/calendar.ics?key=%s", secret);
    json_object_set_new(feed, "key", json_string(secret));
    json_object_set_new(feed, "path", json_string(path));
    snprintf(req->res.location, sizeof req->res.location, "/v1/calendar-feeds/%lld",
             (long long)json_integer_value(json_object_get(feed, "id")));
    http_json(req, 201, feed);
}

void calendar_feed_revoke(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    int found = store_calendar_feed_revoke(call->db, req->ids[0], call->scope, &p);
    if (!api_found(req, found, &p, "no live calendar feed %lld", (long long)req->ids[0]))
        return;
    http_body(req, 204, NULL, NULL, 0);
}

void calendar_feed_public(http_request *req)
{
    const char *key = http_query(req, "key");
    if (!key || strlen(key) != FEED_KEY_LEN || strncmp(key, FEED_KEY_PREFIX, 4) != 0) {
        http_error(req, 404, "not_found", "no such calendar");
        return;
    }
    store_conn *db = api_acquire(req);
    if (!db)
        return;
    problem p;
    problem_init(&p);
    char hash[67];
    auth_token_hash_hex(key, hash);
    int64_t entity = 0;
    int found = store_calendar_feed_entity(db, hash, &entity, &p);
    if (api_found(req, found, &p, "no such calendar")) {
        /* last year to next year, states as of today */
        char today[11];
        http_today(today);
        window w;
        memset(&w, 0, sizeof w);
        rules_date_parse_iso(today, &w.as_of, NULL);
        w.from = (rules_date){w.as_of.year - 1, 1, 1};
        w.to = (rules_date){w.as_of.year + 1, 12, 31};
        store_set_entity(db, entity); /* row-level security: the feed's entity only */
        answer_calendar(req, db, entity, NULL, &w, 1);
    }
    problem_clear(&p);
    store_release(api_pool(), db);
}
