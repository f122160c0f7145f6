/* erp.c — the ERP feeds (CSV or JSON, all-or-nothing, errors by line) and the change feed.
 * Idempotency-Key: api/idempotency.h (the feeds keep their key in their own transaction). */
#include "api/erp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/feed_rows.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/import.h"
#include "api/periods.h"
#include "codec/org_rows.h"
#include "codec/rule_json.h"
#include "codec/validate.h"
#include "core/text.h"
#include "rules.h"
#include "store/erp.h"
#include "store/import.h"

#define FEED_TIMEOUT_MS 120000

/* ----------------------------------------------------------------------------------- */
/* The feed's transaction                                                              */
/* ----------------------------------------------------------------------------------- */

/* A feed's rows and the function that stores them, for import_in_transaction. */
typedef struct feed_run {
    json_t *items, *paths;
    feed_fn fn;
} feed_run;

static int run_rows(http_request *req, void *arg, json_t **result, problem *p)
{
    feed_run *f = arg;
    *result = json_pack("{sI}", "rows", (json_int_t)json_array_size(f->items));
    if (!*result)
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    return f->fn(req, f->items, f->paths, *result, p);
}

void erp_run_feed(http_request *req, const char *const *cols, feed_fn fn)
{
    problem p;
    problem_init(&p);
    feed_run f = {NULL, NULL, fn};
    if (feed_read_rows(req, cols, &f.items, &f.paths, &p) < 0) {
        if (!p.status)
            problem_set(&p, 422, "validation_failed", "the feed is not valid");
        api_fail(req, &p);
    } else {
        json_decref(import_in_transaction(req, FEED_TIMEOUT_MS, 200, run_rows, &f));
    }
    json_decref(f.items);
    json_decref(f.paths);
}

static int entity_in_scope(http_request *req, problem *p)
{
    api_call *call = api_call_of(req);
    int found = store_entity_lock(call->db, call->scope, req->ids[0], p);
    if (found == 0)
        return problem_set(p, 404, "not_found", "no such entity");
    return found < 0 ? -1 : 0;
}

/* ----------------------------------------------------------------------------------- */
/* Structures and people                                                               */
/* ----------------------------------------------------------------------------------- */

static const char *const structure_cols[] = {"code", "name", "kind", "parent_code", "manager", "interim", NULL};
static const char *const people_cols[] = {"external_id", "name", "role", "category", NULL};

/* CSV cells are text: "interim" becomes a boolean when it reads as one. */
static void csv_booleans(json_t *row)
{
    json_t *v = json_object_get(row, "interim");
    if (!json_is_string(v))
        return;
    static const char *const yes[] = {"true", "1", "si", "sì", "s", "x", "yes", "vero", NULL};
    static const char *const no[] = {"false", "0", "no", "n", "falso", NULL};
    const char *s = json_string_value(v);
    for (const char *const *w = yes; *w; w++)
        if (strcasecmp(s, *w) == 0 || strcmp(s, "Sì") == 0 || strcmp(s, "SÌ") == 0) {
            json_object_set_new(row, "interim", json_true());
            return;
        }
    for (const char *const *w = no; *w; w++)
        if (strcasecmp(s, *w) == 0) {
            json_object_set_new(row, "interim", json_false());
            return;
        }
}

static int org_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p, int structures)
{
    api_call *call = api_call_of(req);
    if (entity_in_scope(req, p) < 0)
        return -1;
    org_rows o;
    org_rows_init(&o);
    int rc = -1;
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row)
    {
        const char *path = json_string_value(json_array_get(paths, i));
        if (structures) {
            csv_booleans(row);
            org_add_structure(&o, row, path, p);
        } else {
            org_add_person(&o, row, path, p);
        }
    }
    if (store_org_resolve(call->db, req->ids[0], &o, p) < 0)
        goto done;
    if (problem_count(p) || p->status) {
        problem_set(p, 422, "validation_failed", "the feed is not valid: nothing was stored");
        goto done;
    }
    store_org_counts n;
    if (store_org_write(call->db, &call->actor, req->ids[0], &o, &n, p) < 0)
        goto done;
    json_int_t ins = structures ? n.structures_inserted : n.people_inserted,
               upd = structures ? n.structures_updated : n.people_updated;
    json_object_set_new(result, "inserted", json_integer(ins));
    json_object_set_new(result, "updated", json_integer(upd));
    json_object_set_new(result, "unchanged", json_integer((json_int_t)json_array_size(items) - ins - upd));
    rc = 0;
done:
    org_rows_free(&o);
    return rc;
}

static int structures_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    return org_feed(req, items, paths, result, p, 1);
}

static int people_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    return org_feed(req, items, paths, result, p, 0);
}

void erp_structures_import(http_request *req) { erp_run_feed(req, structure_cols, structures_feed); }
void erp_people_import(http_request *req) { erp_run_feed(req, people_cols, people_feed); }

/* How a plan feed stores its validated rows (store/erp.h): *n rows written. */
typedef int (*plan_rows_writer)(store_conn *c, const store_actor *who, int64_t entity, int64_t plan,
                                const char *rows_json, int64_t *n, problem *p);

/* The end of a plan feed: 422 when any row had an error (p holds them all), else the rows
 * (borrowed) stored by write, and result gains {counted: n, "unchanged": n_items - n}. */
static int write_plan_rows(http_request *req, int64_t entity, json_t *rows, size_t n_items, plan_rows_writer write,
                           const char *counted, json_t *result, problem *p)
{
    api_call *call = api_call_of(req);
    if (problem_count(p))
        return problem_set(p, 422, "validation_failed", "the feed is not valid: nothing was stored");
    char *text = rule_json_dumps(rows, JSON_COMPACT);
    if (!text)
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    int64_t n = 0;
    int rc = write(call->db, &call->actor, entity, req->ids[0], text, &n, p);
    free(text);
    if (rc == 0) {
        json_object_set_new(result, counted, json_integer(n));
        json_object_set_new(result, "unchanged", json_integer((json_int_t)n_items - n));
    }
    return rc;
}

/* The line of a row's path ("line[7]" → 7, "[3]" → 3), or fallback. */
static int line_of(const char *path, int fallback)
{
    const char *b = strchr(path, '[');
    return b ? atoi(b + 1) : fallback;
}

/* What a plan feed's rows are read against (plan_feed_open). */
typedef struct plan_feed {
    http_request *req;
    store_plan_state_row pl; /* the plan, locked */
    store_feed_keys keys;    /* the live rows the feed names */
    json_t *index;           /* key → position in keys */
    period_state period;     /* the plan's periods (feeds of entries) */
} plan_feed;

/* The start of a plan feed: the plan locked against other feeds (404 when not in scope; for
 * objectives, 409 plan_locked unless its content is writable; for a feed of entries, which
 * obeys the period rules, 409 plan_validated for a validated plan) and the live rows of kind
 * `of` that the feed names, indexed by key. Returns 0 (plan_feed_close releases f), or -1
 * with p set (nothing to release). */
static int plan_feed_open(http_request *req, plan_feed *f, store_feed_of of, int entries, problem *p)
{
    memset(f, 0, sizeof *f);
    f->req = req;
    api_call *call = api_call_of(req);
    store_plan_state_row *pl = &f->pl;
    int found = store_plan_lock(call->db, call->scope, req->ids[0], pl, p);
    if (found <= 0)
        return found == 0 ? problem_set(p, 404, "not_found", "no such plan") : -1;
    if (of == STORE_FEED_OBJECTIVES &&
        !(strcmp(pl->status, "draft") == 0 || (strcmp(pl->status, "adopted") == 0 && pl->editing))) {
        problem_set(p, 409, "plan_locked", "plan %" PRId64 " is %s: its objectives cannot change", req->ids[0],
                    pl->status);
        problem_hint(p, "open a revision (POST /v1/plans/%" PRId64 "/revisions) to change an adopted plan", req->ids[0]);
        return -1;
    }
    f->period.plan_id = req->ids[0];
    snprintf(f->period.status, sizeof f->period.status, "%s", pl->status);
    snprintf(f->period.closed_through, sizeof f->period.closed_through, "%s", pl->closed_through);
    if (entries && strcmp(pl->status, "validated") == 0)
        return period_refuse(&f->period, RULES_ENTRY_VALIDATED, NULL, p);
    if (store_plan_feed_keys(call->db, of, pl->entity_id, req->ids[0], &f->keys, p) < 0)
        return -1;
    f->index = json_object();
    for (int i = 0; i < f->keys.n; i++)
        json_object_set_new(f->index, f->keys.row[i].key, json_integer(i));
    return 0;
}

static void plan_feed_close(plan_feed *f)
{
    json_decref(f->index);
    f->index = NULL;
    store_feed_keys_free(&f->keys);
}

/* The live row that key names, or NULL. */
static const store_feed_key *feed_key(const plan_feed *f, const char *key)
{
    json_t *ix = key ? json_object_get(f->index, key) : NULL;
    return ix ? &f->keys.row[json_integer_value(ix)] : NULL;
}

/* A plan feed's row at path: its keys checked against cols, and its code — the first
 * column, "<what>_code" — looked up among the plan's rows. Returns the row, or NULL after
 * adding the error (missing, not a string, or no such code in the plan). */
static const store_feed_key *row_code(const plan_feed *f, json_t *row, const char *path, const char *const *cols,
                                      const char *what, problem *p)
{
    feed_check_keys(row, path, cols, p);
    const char *code = feed_text(row, cols[0], path, 32, 1, p);
    const store_feed_key *k = feed_key(f, code);
    if (code && !k) {
        char fp[160];
        snprintf(fp, sizeof fp, "%s.%s", path, cols[0]);
        problem_add(p, fp, "no %s with code %s in plan %" PRId64, what, code, f->req->ids[0]);
    }
    return k;
}

/* What a plan feed does with each of its rows: the row to store (a new reference), or NULL
 * after adding its errors to p. line is the row's line (CSV) or position (JSON). */
typedef json_t *(*feed_row_fn)(const plan_feed *f, json_t *row, const char *path, int line, problem *p);

/* A plan feed: what it names, how it reads and writes its rows. */
typedef struct plan_feed_spec {
    store_feed_of of;
    int entries; /* 0: financial figures; 1: measurements; 2: progress (period rules) */
    feed_row_fn row;
    plan_rows_writer write;
    const char *counted; /* the result's count of rows written: "inserted", "updated" */
} plan_feed_spec;

static int entry_feed_finish(const plan_feed *f, int progress, json_t *rows, size_t n_items, plan_rows_writer write,
                             json_t *result, problem *p);

/* Every plan feed: opens it (plan_feed_open), reads each row with spec->row, then stores the
 * rows — all of them or, when any row has an error, none (422 with every error). */
static int plan_feed_run(http_request *req, json_t *items, json_t *paths, json_t *result, const plan_feed_spec *spec,
                         problem *p)
{
    plan_feed f;
    if (plan_feed_open(req, &f, spec->of, spec->entries, p) < 0)
        return -1;
    json_t *rows = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row)
    {
        const char *path = json_string_value(json_array_get(paths, i));
        int before = problem_count(p);
        json_t *out = spec->row(&f, row, path, line_of(path, (int)i), p);
        if (!out && problem_count(p) == before && !p->status)
            problem_set(p, 503, "out_of_memory", "the server is out of memory"); /* no row, no error */
        if (out && problem_count(p) == before)
            json_array_append_new(rows, out);
        else
            json_decref(out);
    }
    if (p->status == 503) {
        json_decref(rows);
        plan_feed_close(&f);
        return -1;
    }
    int rc = spec->entries
                 ? entry_feed_finish(&f, spec->entries == 2, rows, json_array_size(items), spec->write, result, p)
                 : write_plan_rows(req, f.pl.entity_id, rows, json_array_size(items), spec->write, spec->counted,
                                   result, p);
    json_decref(rows);
    plan_feed_close(&f);
    return rc;
}

/* ----------------------------------------------------------------------------------- */
/* Measurements                                                                        */
/* ----------------------------------------------------------------------------------- */

static const char *const measurement_cols[] = {"indicator_code", "as_of", "value", "source", "note", NULL};

static void add_rules_error(problem *p, const char *path, const rules_error *e)
{
    if (e->hint[0])
        problem_add(p, path, "%s (%s)", e->message, e->hint);
    else
        problem_add(p, path, "%s", e->message);
}

/* A number as Italian documents write it ("72,19%", "1.000.000,00") or as JSON does. */
static int number_of(const char *s, rules_decimal *d, rules_error *e)
{
    if (rules_number_parse_it(s, d, NULL, e) == 0)
        return 0;
    rules_error e2;
    return rules_decimal_parse_plain(s, 4, d, &e2);
}

/* A number cell at fp: a text as Italian documents or JSON write it, or a JSON number (places
 * decimals). Returns 1 with *d; 0 when absent, null or empty (d untouched); -1 after adding the
 * error — d->units 0 for a number that cannot be read, d untouched for another kind of value
 * (the error is then not_a_number). */
static int number_cell(json_t *v, int places, const char *fp, const char *not_a_number, rules_decimal *d, problem *p)
{
    rules_error e;
    memset(&e, 0, sizeof e);
    if (json_is_string(v) && *json_string_value(v)) {
        if (number_of(json_string_value(v), d, &e) == 0)
            return 1;
    } else if (json_is_number(v)) {
        if (rule_json_number(v, places, fp, d, &e) == 0)
            return 1;
    } else if (v && !json_is_null(v) && !json_is_string(v)) {
        problem_add(p, fp, "%s", not_a_number);
        return -1;
    } else {
        return 0;
    }
    add_rules_error(p, fp, &e);
    d->units = 0;
    return -1;
}

/* The measured value as JSON text for an indicator of value_type (malloc'd), or NULL
 * after adding an error at path. */
static char *measure_value(json_t *v, const char *type, int year, const char *path, problem *p)
{
    char out[64];
    rules_error e;
    memset(&e, 0, sizeof e);
    int is_date = strcmp(type, "date") == 0, is_bool = strcmp(type, "boolean") == 0;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        problem_add(p, path, "is required");
        return NULL;
    }
    if (json_is_object(v) || json_is_array(v)) /* formula inputs, all_targets parts */
        return rule_json_dumps(v, JSON_COMPACT);
    if (json_is_boolean(v)) {
        if (!is_bool) {
            problem_add(p, path, "must be a %s value, not true or false", type);
            return NULL;
        }
        return strdup(json_is_true(v) ? "true" : "false");
    }
    rules_decimal d;
    if (json_is_number(v)) {
        if (is_date || is_bool) {
            problem_add(p, path, "must be a %s, not a number", is_date ? "date" : "yes/no value");
            return NULL;
        }
        if (rule_json_number(v, 4, path, &d, &e) < 0) {
            add_rules_error(p, path, &e);
            return NULL;
        }
        if (entry_percent_check(type, d, path, p) < 0)
            return NULL;
        return strdup(rules_decimal_format_short(d, out));
    }
    const char *s = json_string_value(v);
    if (is_date) {
        rules_date dt;
        if (rules_date_parse_it(s, year, &dt, &e) < 0) {
            add_rules_error(p, path, &e);
            return NULL;
        }
        char iso[11];
        rules_date_format_iso(dt, iso);
        snprintf(out, sizeof out, "\"%s\"", iso);
        return strdup(out);
    }
    if (is_bool) {
        if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
            return strdup("true");
        if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
            return strdup("false");
        rules_expected x;
        if (rules_expected_parse_it(s, year, &x, &e) == 0 && x.kind == RULES_EXPECTED_BOOLEAN)
            return strdup(x.boolean ? "true" : "false");
        problem_add(p, path, "%s is not a yes/no value (Sì, No, true, false)", s);
        return NULL;
    }
    if (number_of(s, &d, &e) < 0) {
        add_rules_error(p, path, &e);
        return NULL;
    }
    if (entry_percent_check(type, d, path, p) < 0)
        return NULL;
    return strdup(rules_decimal_format_short(d, out));
}

/* The feed obeys the period rules of a single entry (api/periods.h): a new row dated on or
 * before the plan's latest review is refused — the ERP is never the evaluator —, one error per
 * line. Rows already stored may be sent again. Returns 0, or -1 with p set (409 period_closed). */
static int closed_period_rows(const plan_feed *f, int progress, json_t *rows, problem *p)
{
    api_call *call = api_call_of(f->req);
    const store_plan_state_row *pl = &f->pl;
    char *text = rule_json_dumps(rows, JSON_COMPACT);
    if (!text)
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    int *lines = NULL, n = 0;
    int rc = store_feed_closed_rows(call->db, progress, pl->entity_id, f->req->ids[0], text, pl->closed_through, &lines,
                                    &n, p);
    free(text);
    if (rc < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char path[48];
        snprintf(path, sizeof path, feed_is_csv(f->req) ? "line[%d].as_of" : "[%d].as_of", lines[i]);
        problem_add(p, path, "is on or before %s, the date of the %s review: that period is closed", pl->closed_through,
                    f->period.closed_by[0] ? f->period.closed_by : "latest");
    }
    free(lines);
    if (n == 0)
        return 0;
    problem_hint(p, "send only rows dated after %s; the Nucleo di Valutazione corrects a closed period",
                 pl->closed_through);
    problem_set(p, 409, "period_closed",
                "%d row%s of the feed %s dated in the period closed up to %s: nothing was stored", n, n == 1 ? "" : "s",
                n == 1 ? "is" : "are", pl->closed_through);
    return -1;
}

/* An Italian or ISO date cell at path.key into iso ("" when absent); errors added to p. */
static void feed_date(json_t *row, const char *path, const char *key, int year, int required, char iso[11], problem *p)
{
    iso[0] = '\0';
    const char *text = feed_text(row, key, path, 40, required, p);
    if (!text)
        return;
    rules_date dt;
    rules_error e;
    memset(&e, 0, sizeof e);
    char fp[160];
    snprintf(fp, sizeof fp, "%s.%s", path, key);
    if (rules_date_parse_it(text, year, &dt, &e) < 0)
        add_rules_error(p, fp, &e);
    else {
        rules_date_format_iso(dt, iso);
        if (entry_date_check(iso, year, fp, p) < 0)
            iso[0] = '\0';
    }
}

/* The end of a feed of entries: 409 period_closed when a new row is dated in a closed period
 * (closed_period_rows), else the rows (borrowed) written by write (write_plan_rows). */
static int entry_feed_finish(const plan_feed *f, int progress, json_t *rows, size_t n_items, plan_rows_writer write,
                             json_t *result, problem *p)
{
    if (problem_count(p) || !f->pl.closed_through[0] || closed_period_rows(f, progress, rows, p) == 0)
        return write_plan_rows(f->req, f->pl.entity_id, rows, n_items, write, "inserted", result, p);
    return -1;
}

static json_t *measurement_row(const plan_feed *f, json_t *row, const char *path, int line, problem *p)
{
    const store_feed_key *ind = row_code(f, row, path, measurement_cols, "indicator", p);
    char iso[11], fp[160];
    feed_date(row, path, "as_of", f->pl.year, 1, iso, p);
    const char *source = feed_text(row, "source", path, 200, 0, p);
    const char *note = feed_text(row, "note", path, 2000, 0, p);
    char *value = NULL;
    snprintf(fp, sizeof fp, "%s.value", path);
    if (ind)
        value = measure_value(json_object_get(row, "value"), ind->value_type, f->pl.year, fp, p);
    else if (!json_object_get(row, "value"))
        problem_add(p, fp, "is required");
    json_t *out = value ? json_pack("{sisIssssss?ss?}", "line", line, "indicator_id", (json_int_t)ind->id, "as_of", iso,
                                    "value", value, "source", source, "note", note)
                        : NULL;
    free(value);
    return out;
}

static int measurements_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    static const plan_feed_spec spec = {STORE_FEED_INDICATORS, 1, measurement_row, store_measurements_add_rows,
                                        "inserted"};
    return plan_feed_run(req, items, paths, result, &spec, p);
}

void erp_measurements_import(http_request *req) { erp_run_feed(req, measurement_cols, measurements_feed); }

/* ----------------------------------------------------------------------------------- */
/* Phase progress                                                                      */
/* ----------------------------------------------------------------------------------- */

static const char *const progress_cols[] = {"objective_code", "phase_seq", "as_of", "percent_complete",
                                            "completed_on",   "note",      NULL};

static json_t *progress_row(const plan_feed *f, json_t *row, const char *path, int line, problem *p)
{
    char fp[160];
    feed_check_keys(row, path, progress_cols, p);
    const char *code = feed_text(row, "objective_code", path, 32, 1, p);
    json_t *seq = json_object_get(row, "phase_seq");
    char key[64] = "";
    snprintf(fp, sizeof fp, "%s.phase_seq", path);
    long n = -1;
    if (json_is_integer(seq))
        n = (long)json_integer_value(seq);
    else if (json_is_string(seq)) {
        char *end;
        n = strtol(json_string_value(seq), &end, 10);
        if (*end || end == json_string_value(seq))
            n = -1;
    }
    if (n < 0 || n > 100000)
        problem_add(p, fp, "%s", seq ? "must be the phase's seq, a whole number" : "is required");
    else if (code)
        snprintf(key, sizeof key, "%s\x1f%ld", code, n);
    const store_feed_key *phase = key[0] ? feed_key(f, key) : NULL;
    if (key[0] && !phase)
        problem_add(p, fp, "objective %s has no phase %ld in plan %" PRId64, code, n, f->req->ids[0]);
    char as_of[11], done[11];
    feed_date(row, path, "as_of", f->pl.year, 1, as_of, p);
    feed_date(row, path, "completed_on", f->pl.year, 0, done, p);
    const char *note = feed_text(row, "note", path, 2000, 0, p);
    snprintf(fp, sizeof fp, "%s.percent_complete", path);
    rules_decimal d = {done[0] ? 100 * RULES_DECIMAL_SCALE : -1};
    int got = number_cell(json_object_get(row, "percent_complete"), 2, fp, "must be a number from 0 to 100", &d, p);
    if (got == 0 && !done[0])
        problem_add(p, fp, "is required (or give completed_on for a finished phase)");
    if (d.units != -1 && (d.units < 0 || d.units > 100 * RULES_DECIMAL_SCALE))
        problem_add(p, fp, "must be between 0 and 100");
    else if (done[0] && d.units != 100 * RULES_DECIMAL_SCALE)
        problem_add(p, fp, "a phase completed on %s is 100%% complete", done);
    if (done[0] && as_of[0] && strcmp(done, as_of) > 0) {
        snprintf(fp, sizeof fp, "%s.completed_on", path);
        problem_add(p, fp, "%s is after as_of %s", done, as_of);
    }
    char pct[32];
    return phase ? json_pack("{sisIssssss?ss?}", "line", line, "phase_id", (json_int_t)phase->id, "as_of", as_of,
                             "percent", rules_decimal_format(d, 2, '.', pct), "completed_on", done[0] ? done : NULL,
                             "note", note)
                 : NULL;
}

static int progress_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    static const plan_feed_spec spec = {STORE_FEED_PHASES, 2, progress_row, store_progress_add_rows, "inserted"};
    return plan_feed_run(req, items, paths, result, &spec, p);
}

void erp_progress_import(http_request *req) { erp_run_feed(req, progress_cols, progress_feed); }

/* ----------------------------------------------------------------------------------- */
/* Financial figures: objectives' financial_resources by code                          */
/* ----------------------------------------------------------------------------------- */

static const char *const financial_cols[] = {"objective_code", "financial_resources", NULL};

static json_t *financial_row(const plan_feed *f, json_t *row, const char *path, int line, problem *p)
{
    const store_feed_key *objective = row_code(f, row, path, financial_cols, "objective", p);
    const char *code = objective ? objective->key : NULL;
    char fp[160];
    snprintf(fp, sizeof fp, "%s.financial_resources", path);
    rules_decimal d = {0};
    int have = number_cell(json_object_get(row, "financial_resources"), 2, fp, "must be an amount in euro", &d, p) > 0;
    /* absent or empty: the objective's figure is cleared */
    if (have && (d.units < 0 || d.units % 100 != 0 || d.units > INT64_C(9999999999999) * RULES_DECIMAL_SCALE)) {
        problem_add(p, fp, "must be an amount in euro from 0, with at most 2 decimals");
        have = 0;
    }
    char amount[32];
    return json_pack("{sissss?}", "line", line, "code", code, "amount",
                     have ? rules_decimal_format(d, 2, '.', amount) : NULL);
}

static int financials_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    static const plan_feed_spec spec = {STORE_FEED_OBJECTIVES, 0, financial_row, store_financials_set, "updated"};
    return plan_feed_run(req, items, paths, result, &spec, p);
}

void erp_financials_import(http_request *req) { erp_run_feed(req, financial_cols, financials_feed); }

/* ----------------------------------------------------------------------------------- */
/* The change feed                                                                     */
/* ----------------------------------------------------------------------------------- */

void erp_changes(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    int limit;
    int64_t after = 0;
    const char *since = http_query(req, "since");
    if (!since)
        since = http_query(req, "cursor");
    if (http_limit_param(req, &limit, &p) < 0)
        goto fail;
    if (since && *since) {
        char *end;
        long long v = strtoll(since, &end, 10);
        if (!*end && v >= 0)
            after = v;
        else if (cursor_decode(since, &after) < 0) {
            problem_set(&p, 400, "bad_parameter", "since is not a cursor this server gave out");
            problem_add(&p, "since", "is not a next_cursor of a previous answer");
            goto fail;
        }
    }
    store_docs *rows = NULL;
    if (store_changes(call->db, call->scope, after, limit, &rows, &p) < 0)
        goto fail;
    buf b;
    http_answer_init(&b, 0);
    buf_puts(&b, "{\"items\":[");
    int64_t last = after;
    int n = store_docs_count(rows);
    for (int i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_puts(&b, store_docs_text(rows, i));
        last = store_docs_id(rows, i);
    }
    char cur[32];
    cursor_encode(last, cur);
    buf_printf(&b, "],\"next_cursor\":\"%s\",\"more\":%s}", cur, n == limit ? "true" : "false");
    store_docs_free(rows);
    if (http_buf(req, 200, "application/json", &b) < 0) {
        buf_free(&b);
        problem_set(&p, 503, "out_of_memory", "the server is out of memory");
        goto fail;
    }
    return;
fail:
    api_fail(req, &p);
}
