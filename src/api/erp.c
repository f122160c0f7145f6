/* erp.c — the ERP feeds (CSV or JSON, all-or-nothing, errors by line) and the change feed.
 * Idempotency-Key: api/idempotency.h (the feeds keep their key in their own transaction). */
#include "api/erp.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/idempotency.h"
#include "api/import.h"
#include "api/org_rows.h"
#include "api/periods.h"
#include "api/validate.h"
#include "codec/csv_read.h"
#include "codec/rule_json.h"
#include "core/text.h"
#include "http/body_limits.h"
#include "rules.h"
#include "store/erp.h"
#include "store/import.h"

#define FEED_TIMEOUT_MS 120000

int erp_register(void) { return store_import_register() < 0 || store_erp_register() < 0 ? -1 : 0; }

/* ----------------------------------------------------------------------------------- */
/* Reading a feed: CSV (';', header row) or a JSON array of objects                   */
/* ----------------------------------------------------------------------------------- */

static int is_csv(http_request *req)
{
    const char *ct = http_header(req, "Content-Type");
    return ct && strncasecmp(ct, "text/csv", 8) == 0;
}

static int list_has(const char *const *cols, const char *name)
{
    for (; *cols; cols++)
        if (strcmp(*cols, name) == 0)
            return 1;
    return 0;
}

static void join_cols(char *out, size_t n, const char *const *cols)
{
    out[0] = '\0';
    for (const char *const *c = cols; *c; c++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", c == cols ? "" : ";", *c);
}

/* Reads the body into *items (objects; CSV cells as strings, empty cells left out) and
 * *paths (the prefix of each row's errors: "line[N]" with N the CSV line, or "[i]").
 * Returns 0, or -1 with p set (400 for a body that cannot be read, 422 for columns). */
static int read_rows(http_request *req, const char *const *cols, json_t **items, json_t **paths, problem *p)
{
    *items = json_array();
    *paths = json_array();
    char path[64];
    if (!is_csv(req)) {
        /* the shape limits every JSON body has (http_json_body), then jansson */
        json_t *j = json_body_parse(req->body.data ? req->body.data : "", req->body.len, &json_limits_default, p);
        if (!j)
            return -1;
        json_t *list = json_is_object(j) ? json_object_get(j, "items") : j;
        if (!json_is_array(list)) {
            json_decref(j);
            problem_add(p, "", "must be a JSON array of rows (or {\"items\": [...]})");
            return problem_set(p, 422, "validation_failed", "the feed is not valid");
        }
        size_t i;
        json_t *row;
        json_array_foreach(list, i, row)
        {
            snprintf(path, sizeof path, "[%zu]", i);
            if (!json_is_object(row)) {
                problem_add(p, path, "must be a JSON object");
                continue;
            }
            json_array_append(*items, row);
            json_array_append_new(*paths, json_string(path));
        }
        json_decref(j);
        if (problem_count(p))
            return problem_set(p, 422, "validation_failed", "the feed is not valid");
        return 0;
    }
    csv_reader r;
    csv_reader_init(&r, req->body.data, req->body.len, ';');
    int rc = csv_read_record(&r), ncols = 0;
    char *header[CSV_MAX_CELLS];
    if (rc <= 0) {
        if (rc < 0)
            problem_set(p, 400, "malformed_csv", "line %d: %s", r.line, r.error);
        else
            problem_set(p, 400, "empty_body", "the CSV feed needs a header row");
        csv_reader_free(&r);
        return -1;
    }
    char expected[256];
    join_cols(expected, sizeof expected, cols);
    ncols = r.ncells;
    for (int i = 0; i < ncols; i++) {
        header[i] = strdup(r.cells[i]);
        char *h = header[i];
        if (!h)
            continue;
        /* trim and lower-case the column names as spreadsheets write them */
        size_t n = strlen(h);
        while (n && isspace((unsigned char)h[n - 1]))
            h[--n] = '\0';
        size_t lead = strspn(h, " \t");
        memmove(h, h + lead, strlen(h + lead) + 1);
        for (char *c = h; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        snprintf(path, sizeof path, "line[1].%s", h);
        if (!list_has(cols, h))
            problem_add(p, *h ? path : "line[1]", "is not a column of this feed (columns: %s)", expected);
        for (int k = 0; k < i; k++)
            if (header[k] && strcmp(header[k], h) == 0)
                problem_add(p, path, "the column is given twice");
    }
    while (!problem_count(p) && (rc = csv_read_record(&r)) == 1) {
        snprintf(path, sizeof path, "line[%d]", r.line);
        if (r.ncells != ncols) {
            problem_add(p, path, "has %d cells; the header has %d", r.ncells, ncols);
            continue;
        }
        json_t *row = json_object();
        for (int i = 0; i < ncols; i++)
            if (r.cells[i][0] && header[i])
                json_object_set_new(row, header[i], json_stringn(r.cells[i], strlen(r.cells[i])));
        if (json_object_size(row) == 0 && ncols > 0) {
            /* a row of empty cells (spreadsheets leave them at the end) */
            json_decref(row);
            continue;
        }
        json_array_append_new(*items, row);
        json_array_append_new(*paths, json_string(path));
    }
    for (int i = 0; i < ncols; i++)
        free(header[i]);
    if (rc < 0) {
        snprintf(path, sizeof path, "line[%d]", r.line);
        problem_add(p, path, "%s", r.error);
    }
    csv_reader_free(&r);
    if (problem_count(p))
        return problem_set(p, 422, "validation_failed", "the feed is not valid");
    return 0;
}

/* JSON rows may carry only the feed's columns. */
static void check_keys(json_t *row, const char *path, const char *const *cols, problem *p)
{
    const char *key;
    json_t *v;
    char expected[256], fp[160];
    json_object_foreach(row, key, v)
    {
        if (!list_has(cols, key)) {
            join_cols(expected, sizeof expected, cols);
            snprintf(fp, sizeof fp, "%s.%s", path, key);
            problem_add(p, fp, "is not a column of this feed (columns: %s)", expected);
        }
    }
}

/* A text member (string) or NULL; errors for other kinds or texts longer than max. */
static const char *text_of(json_t *row, const char *key, const char *path, int max, int required, problem *p)
{
    json_t *v = json_object_get(row, key);
    char fp[160];
    snprintf(fp, sizeof fp, "%s.%s", path, key);
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        if (required)
            problem_add(p, fp, "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        problem_add(p, fp, "must be a string");
        return NULL;
    }
    if ((int)utf8_length(json_string_value(v)) > max) {
        problem_add(p, fp, "is longer than %d characters", max);
        return NULL;
    }
    return json_string_value(v);
}

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
    if (read_rows(req, cols, &f.items, &f.paths, &p) < 0) {
        if (!p.status)
            problem_set(&p, 422, "validation_failed", "the feed is not valid");
        http_problem(req, &p);
        problem_clear(&p);
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
    if (org_resolve(&o, call->db, req->ids[0], p) < 0)
        goto done;
    if (problem_count(p) || p->status) {
        problem_set(p, 422, "validation_failed", "the feed is not valid: nothing was stored");
        goto done;
    }
    json_t *counts = json_object();
    if (org_write(&o, call->db, &call->actor, req->ids[0], counts, p) < 0) {
        json_decref(counts);
        goto done;
    }
    json_t *c = json_object_get(counts, structures ? "structures" : "people");
    json_int_t ins = json_integer_value(json_object_get(c, "inserted")),
               upd = json_integer_value(json_object_get(c, "updated"));
    json_object_set_new(result, "inserted", json_integer(ins));
    json_object_set_new(result, "updated", json_integer(upd));
    json_object_set_new(result, "unchanged", json_integer((json_int_t)json_array_size(items) - ins - upd));
    json_decref(counts);
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

/* What a plan feed's rows name. */
typedef enum feed_kind { FEED_INDICATORS, FEED_OBJECTIVES, FEED_PHASES } feed_kind;

/* The start of a plan feed: the plan locked against other feeds (404 when not in scope;
 * for objectives, 409 plan_locked unless its content is writable) and the live rows the
 * feed names — indicators (code, id, value_type), objectives (code) or phases (code and seq
 * joined by \x1f, id) — as *codes (PQclear it) and *index, key → row of *codes (json_decref
 * it). Returns 0, or -1 with p set. */
static int plan_feed_start(http_request *req, store_plan_state_row *pl, feed_kind kind, PGresult **codes,
                           json_t **index, problem *p)
{
    int objectives = kind == FEED_OBJECTIVES;
    api_call *call = api_call_of(req);
    int found = store_plan_lock(call->db, call->scope, req->ids[0], pl, p);
    if (found <= 0)
        return found == 0 ? problem_set(p, 404, "not_found", "no such plan") : -1;
    if (objectives && !(strcmp(pl->status, "draft") == 0 || (strcmp(pl->status, "adopted") == 0 && pl->editing))) {
        problem_set(p, 409, "plan_locked", "plan %" PRId64 " is %s: its objectives cannot change", req->ids[0],
                    pl->status);
        problem_hint(p, "open a revision (POST /v1/plans/%" PRId64 "/revisions) to change an adopted plan", req->ids[0]);
        return -1;
    }
    if ((kind == FEED_OBJECTIVES ? store_plan_objective_codes
         : kind == FEED_PHASES   ? store_plan_phase_keys
                                 : store_plan_indicator_codes)(call->db, pl->entity_id, req->ids[0], codes, p) < 0)
        return -1;
    *index = json_object();
    for (int i = 0; i < PQntuples(*codes); i++)
        json_object_set_new(*index, PQgetvalue(*codes, i, 0), json_integer(i));
    return 0;
}

/* A plan feed's row at path: its keys checked against cols, and its code — the first
 * column, "<what>_code" — looked up in index (plan_feed_start). Returns the index entry,
 * or NULL after adding the error (missing, not a string, or no such code in the plan). */
static json_t *row_code(http_request *req, json_t *row, const char *path, const char *const *cols, json_t *index,
                        const char *what, problem *p)
{
    check_keys(row, path, cols, p);
    const char *code = text_of(row, cols[0], path, 32, 1, p);
    json_t *ix = code ? json_object_get(index, code) : NULL;
    if (code && !ix) {
        char fp[160];
        snprintf(fp, sizeof fp, "%s.%s", path, cols[0]);
        problem_add(p, fp, "no %s with code %s in plan %" PRId64, what, code, req->ids[0]);
    }
    return ix;
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
static int closed_period_rows(http_request *req, const store_plan_state_row *pl, int progress, json_t *rows,
                              const period_state *period, problem *p)
{
    api_call *call = api_call_of(req);
    char *text = rule_json_dumps(rows, JSON_COMPACT);
    if (!text)
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    PGresult *r = NULL;
    int rc = store_feed_closed_rows(call->db, progress, pl->entity_id, req->ids[0], text, pl->closed_through, &r, p);
    free(text);
    if (rc < 0)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        char path[48];
        snprintf(path, sizeof path, is_csv(req) ? "line[%s].as_of" : "[%s].as_of", PQgetvalue(r, i, 0));
        problem_add(p, path, "is on or before %s, the date of the %s review: that period is closed", pl->closed_through,
                    period->closed_by[0] ? period->closed_by : "latest");
    }
    PQclear(r);
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
    const char *text = text_of(row, key, path, 40, required, p);
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
 * (closed_period_rows), else the rows written by write (write_plan_rows). Takes rows. */
static int entry_feed_finish(http_request *req, const store_plan_state_row *pl, int progress, json_t *rows,
                             size_t n_items, plan_rows_writer write, const period_state *period, json_t *result,
                             problem *p)
{
    int rc = -1;
    if (problem_count(p) || !pl->closed_through[0] || closed_period_rows(req, pl, progress, rows, period, p) == 0)
        rc = write_plan_rows(req, pl->entity_id, rows, n_items, write, "inserted", result, p);
    json_decref(rows);
    return rc;
}

/* plan_feed_start for a feed of entries (measurements, progress), which obeys the period rules:
 * *period the plan's state; 409 plan_validated for a validated plan (nothing to free then). */
static int entry_feed_start(http_request *req, store_plan_state_row *pl, feed_kind kind, PGresult **codes,
                            json_t **index, period_state *period, problem *p)
{
    if (plan_feed_start(req, pl, kind, codes, index, p) < 0)
        return -1;
    memset(period, 0, sizeof *period);
    period->plan_id = req->ids[0];
    snprintf(period->status, sizeof period->status, "%s", pl->status);
    snprintf(period->closed_through, sizeof period->closed_through, "%s", pl->closed_through);
    if (strcmp(pl->status, "validated") != 0)
        return 0;
    json_decref(*index);
    PQclear(*codes);
    *index = NULL;
    *codes = NULL;
    return period_refuse(period, RULES_ENTRY_VALIDATED, NULL, p);
}

static int measurements_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    store_plan_state_row pl;
    PGresult *inds = NULL;
    json_t *index = NULL;
    period_state period;
    if (entry_feed_start(req, &pl, FEED_INDICATORS, &inds, &index, &period, p) < 0)
        return -1;
    json_t *rows = json_array();
    size_t i;
    json_t *row;
    char fp[160];
    json_array_foreach(items, i, row)
    {
        const char *path = json_string_value(json_array_get(paths, i));
        int before = problem_count(p);
        json_t *ix = row_code(req, row, path, measurement_cols, index, "indicator", p);
        char iso[11];
        feed_date(row, path, "as_of", pl.year, 1, iso, p);
        const char *source = text_of(row, "source", path, 200, 0, p);
        const char *note = text_of(row, "note", path, 2000, 0, p);
        char *value = NULL;
        snprintf(fp, sizeof fp, "%s.value", path);
        if (ix)
            value = measure_value(json_object_get(row, "value"), PQgetvalue(inds, (int)json_integer_value(ix), 2),
                                  pl.year, fp, p);
        else if (!json_object_get(row, "value"))
            problem_add(p, fp, "is required");
        if (problem_count(p) == before && value) {
            json_array_append_new(rows, json_pack("{sissssssss?ss?}", "line", line_of(path, (int)i), "indicator_id",
                                                  PQgetvalue(inds, (int)json_integer_value(ix), 1), "as_of", iso,
                                                  "value", value, "source", source, "note", note));
        }
        free(value);
    }
    json_decref(index);
    PQclear(inds);
    return entry_feed_finish(req, &pl, 0, rows, json_array_size(items), store_measurements_add_rows, &period, result, p);
}

void erp_measurements_import(http_request *req) { erp_run_feed(req, measurement_cols, measurements_feed); }

/* ----------------------------------------------------------------------------------- */
/* Phase progress                                                                      */
/* ----------------------------------------------------------------------------------- */

static const char *const progress_cols[] = {"objective_code", "phase_seq", "as_of", "percent_complete",
                                            "completed_on",   "note",      NULL};

static int progress_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    store_plan_state_row pl;
    PGresult *phases = NULL;
    json_t *index = NULL;
    period_state period;
    if (entry_feed_start(req, &pl, FEED_PHASES, &phases, &index, &period, p) < 0)
        return -1;
    json_t *rows = json_array();
    size_t i;
    json_t *row;
    char fp[160];
    json_array_foreach(items, i, row)
    {
        const char *path = json_string_value(json_array_get(paths, i));
        int before = problem_count(p);
        check_keys(row, path, progress_cols, p);
        const char *code = text_of(row, "objective_code", path, 32, 1, p);
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
        json_t *ix = key[0] ? json_object_get(index, key) : NULL;
        if (key[0] && !ix)
            problem_add(p, fp, "objective %s has no phase %ld in plan %" PRId64, code, n, req->ids[0]);
        char as_of[11], done[11];
        feed_date(row, path, "as_of", pl.year, 1, as_of, p);
        feed_date(row, path, "completed_on", pl.year, 0, done, p);
        const char *note = text_of(row, "note", path, 2000, 0, p);
        json_t *pc = json_object_get(row, "percent_complete");
        snprintf(fp, sizeof fp, "%s.percent_complete", path);
        rules_decimal d = {done[0] ? 100 * RULES_DECIMAL_SCALE : -1};
        rules_error e;
        memset(&e, 0, sizeof e);
        if (json_is_string(pc) && *json_string_value(pc)) {
            if (number_of(json_string_value(pc), &d, &e) < 0) {
                add_rules_error(p, fp, &e);
                d.units = 0;
            }
        } else if (json_is_number(pc)) {
            if (rule_json_number(pc, 2, fp, &d, &e) < 0) {
                add_rules_error(p, fp, &e);
                d.units = 0;
            }
        } else if (pc && !json_is_null(pc) && !json_is_string(pc)) {
            problem_add(p, fp, "must be a number from 0 to 100");
        } else if (!done[0]) {
            problem_add(p, fp, "is required (or give completed_on for a finished phase)");
        }
        if (d.units != -1 && (d.units < 0 || d.units > 100 * RULES_DECIMAL_SCALE))
            problem_add(p, fp, "must be between 0 and 100");
        else if (done[0] && d.units != 100 * RULES_DECIMAL_SCALE)
            problem_add(p, fp, "a phase completed on %s is 100%% complete", done);
        if (done[0] && as_of[0] && strcmp(done, as_of) > 0) {
            snprintf(fp, sizeof fp, "%s.completed_on", path);
            problem_add(p, fp, "%s is after as_of %s", done, as_of);
        }
        if (problem_count(p) == before && ix) {
            char pct[32];
            json_array_append_new(rows, json_pack("{sissssssss?ss?}", "line", line_of(path, (int)i), "phase_id",
                                                  PQgetvalue(phases, (int)json_integer_value(ix), 1), "as_of", as_of,
                                                  "percent", rules_decimal_format(d, 2, '.', pct), "completed_on",
                                                  done[0] ? done : NULL, "note", note));
        }
    }
    json_decref(index);
    PQclear(phases);
    return entry_feed_finish(req, &pl, 1, rows, json_array_size(items), store_progress_add_rows, &period, result, p);
}

void erp_progress_import(http_request *req) { erp_run_feed(req, progress_cols, progress_feed); }

/* ----------------------------------------------------------------------------------- */
/* Financial figures: objectives' financial_resources by code                          */
/* ----------------------------------------------------------------------------------- */

static const char *const financial_cols[] = {"objective_code", "financial_resources", NULL};

static int financials_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    store_plan_state_row pl;
    PGresult *objs = NULL;
    json_t *index = NULL;
    if (plan_feed_start(req, &pl, FEED_OBJECTIVES, &objs, &index, p) < 0)
        return -1;
    PQclear(objs);
    json_t *rows = json_array();
    size_t i;
    json_t *row;
    char fp[160];
    json_array_foreach(items, i, row)
    {
        const char *path = json_string_value(json_array_get(paths, i));
        int before = problem_count(p);
        json_t *ix = row_code(req, row, path, financial_cols, index, "objective", p);
        const char *code = ix ? json_string_value(json_object_get(row, "objective_code")) : NULL;
        json_t *v = json_object_get(row, "financial_resources");
        snprintf(fp, sizeof fp, "%s.financial_resources", path);
        rules_decimal d = {0};
        rules_error e;
        memset(&e, 0, sizeof e);
        int have = 0;
        if (json_is_string(v) && *json_string_value(v)) {
            have = number_of(json_string_value(v), &d, &e) == 0;
            if (!have)
                add_rules_error(p, fp, &e);
        } else if (json_is_number(v)) {
            have = rule_json_number(v, 2, fp, &d, &e) == 0;
            if (!have)
                add_rules_error(p, fp, &e);
        } else if (v && !json_is_null(v) && !json_is_string(v)) {
            problem_add(p, fp, "must be an amount in euro");
        }
        /* absent or empty: the objective's figure is cleared */
        if (have && (d.units < 0 || d.units % 100 != 0 || d.units > INT64_C(9999999999999) * RULES_DECIMAL_SCALE)) {
            problem_add(p, fp, "must be an amount in euro from 0, with at most 2 decimals");
            have = 0;
        }
        if (problem_count(p) == before) {
            char amount[32];
            json_array_append_new(rows, json_pack("{sissss?}", "line", line_of(path, (int)i), "code", code, "amount",
                                                  have ? rules_decimal_format(d, 2, '.', amount) : NULL));
        }
    }
    json_decref(index);
    int rc = write_plan_rows(req, pl.entity_id, rows, json_array_size(items), store_financials_set, "updated", result, p);
    json_decref(rows);
    return rc;
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
    int limit = 100;
    int64_t after = 0;
    const char *l = http_query(req, "limit");
    const char *since = http_query(req, "since");
    if (!since)
        since = http_query(req, "cursor");
    if (l) {
        char *end;
        long v = strtol(l, &end, 10);
        if (*end || end == l || v < 1 || v > 1000) {
            problem_set(&p, 400, "bad_parameter", "limit must be a whole number from 1 to 1000");
            problem_add(&p, "limit", "must be a whole number from 1 to 1000");
            goto fail;
        }
        limit = (int)v;
    }
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
    PGresult *r = NULL;
    if (store_changes(call->db, call->scope, after, limit, &r, &p) < 0)
        goto fail;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "{\"items\":[");
    int64_t last = after;
    for (int i = 0; i < PQntuples(r); i++) {
        if (i)
            buf_putc(&b, ',');
        buf_puts(&b, PQgetvalue(r, i, 0));
        last = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    }
    char cur[32];
    cursor_encode(last, cur);
    buf_printf(&b, "],\"next_cursor\":\"%s\",\"more\":%s}", cur, PQntuples(r) == limit ? "true" : "false");
    PQclear(r);
    if (b.failed) {
        buf_free(&b);
        problem_set(&p, 503, "out_of_memory", "the server is out of memory");
        goto fail;
    }
    size_t len;
    char *body = buf_steal(&b, &len);
    http_body(req, 200, "application/json", body, len);
    return;
fail:
    http_problem(req, &p);
    problem_clear(&p);
}
