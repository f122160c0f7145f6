/* evaluation.c — people evaluation and the result bonus (issue 10; docs/EVALUATION.md).
 *
 * Evaluation schemes (the SMVP of an entity, year and role), participations of people in
 * objectives, evaluation forms (draft → signed → accepted | contested → conciliated) and
 * bonus distributions. Every number comes from the rules library (rules_eval_form,
 * rules_bonus_distribute) with its explanation; this file moves data in and out, and
 * decides who may read and write what:
 *   - schemes and participations: admin and planner (the HR office) write;
 *   - a manager's form is rated and signed by the Nucleo (an evaluator token); an eq's or a
 *     staff member's by the manager of their structure (a token naming that person);
 *   - a form is read by its person, its evaluator, the Nucleo, the HR office and admin;
 *   - the person accepts or contests a signed form; admin, HR or the Nucleo conciliate.
 */
#include "api/evaluation.h"
#include "api/personal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/auth.h"
#include "api/list_answer.h"
#include "api/validate.h"
#include "codec/csv.h"
#include "codec/rule_json.h"
#include "core/text.h"
#include "store/evaluation.h"

#define MAX_PARTICIPATIONS 10000

static const char *const eval_roles[] = {"manager", "eq", "staff", NULL};
static const char *const form_statuses[] = {"draft", "signed", "accepted", "contested", "conciliated", NULL};

int evaluation_register(void) { return store_evaluation_register(); }

/* ------------------------------------------------------------------------- */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------- */

static void answer(http_request *req, problem *p)
{
    http_problem(req, p);
    problem_clear(p);
}

static void id_text(int64_t id, char out[24]) { snprintf(out, 24, "%" PRId64, id); }

static int64_t col_id(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static rules_decimal col_dec(const PGresult *r, int row, int col)
{
    rules_decimal d = {0};
    if (!PQgetisnull(r, row, col))
        rules_decimal_parse_plain(PQgetvalue(r, row, col), 4, &d, NULL);
    return d;
}

static int is_one_of(const char *s, const char *const *vals)
{
    for (; s && *vals; vals++)
        if (strcmp(s, *vals) == 0)
            return 1;
    return 0;
}

/* A decimal field: 1 when present and valid, 0 when absent, -1 after adding an error. */
static int dec_field(json_t *obj, const char *key, const char *path, int decimals, int64_t lo, int64_t hi,
                     rules_decimal *out, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rule_json_number(v, decimals, path, out, &e) < 0) {
        problem_add(p, path, "%s", e.message);
        return -1;
    }
    if (out->units < lo * RULES_DECIMAL_SCALE || out->units > hi * RULES_DECIMAL_SCALE) {
        problem_add(p, path, "must be between %" PRId64 " and %" PRId64, lo, hi);
        return -1;
    }
    return 1;
}

/* An integer field in [lo, hi]: 1 present, 0 absent, -1 error added. */
static int int_field(json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        problem_add(p, key, "must be a whole number from %" PRId64 " to %" PRId64, lo, hi);
        return -1;
    }
    *out = json_integer_value(v);
    return 1;
}

static void unknown_keys(json_t *obj, const char *const *allowed, const char *prefix, problem *p)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!is_one_of(key, allowed)) {
            char path[200];
            snprintf(path, sizeof path, "%s%s", prefix, key);
            problem_add(p, path, "is not a field here");
        }
    }
}

/* Element i of the array arr (at path, e.g. "bands") when it is an object with no key but those
 * allowed; NULL after adding an error ("must be an object <shape>") when it is not. prefix
 * receives "path[i]." for the paths of its fields. */
static json_t *array_object(json_t *arr, size_t i, const char *path, const char *const *allowed, const char *shape,
                            char *prefix, size_t n, problem *p)
{
    json_t *o = json_array_get(arr, i);
    int len = snprintf(prefix, n, "%s[%zu]", path, i);
    if (!json_is_object(o)) {
        problem_add(p, prefix, "must be an object %s", shape);
        return NULL;
    }
    if (len > 0 && (size_t)len + 1 < n)
        snprintf(prefix + len, n - (size_t)len, ".");
    unknown_keys(o, allowed, prefix, p);
    return o;
}

/* A required decimal field (dec_field) at path prefix + key. */
static void required_dec(json_t *obj, const char *prefix, const char *key, int decimals, int64_t lo, int64_t hi,
                         rules_decimal *out, problem *p)
{
    char path[200];
    snprintf(path, sizeof path, "%s%s", prefix, key);
    if (dec_field(obj, key, path, decimals, lo, hi, out, p) == 0)
        problem_add(p, path, "is required");
}

/* The optional JSON body of an action (sign, accept ...): {} when empty. NULL after answering 400. */
static json_t *optional_body(http_request *req)
{
    if (req->body.len == 0)
        return json_object();
    json_t *b = http_json_body(req);
    if (b && !json_is_object(b)) {
        json_decref(b);
        http_error(req, 400, "bad_body", "the body must be a JSON object");
        return NULL;
    }
    return b;
}

/* Sets p to the 422 of an invalid body described by what; returns -1. */
static int invalid(problem *p, const char *what)
{
    problem_set(p, 422, "validation_failed", "%s", what);
    return -1;
}

/* Runs q with the parameters {scope, id}: the reads by id. NULL with p set on a database error. */
static PGresult *by_id(http_request *req, store_eval_stmt q, int64_t id, problem *p)
{
    api_call *call = api_call_of(req);
    char id_s[24];
    id_text(id, id_s);
    const char *params[] = {call->scope, id_s};
    return store_eval(call->db, q, 2, params, p);
}

/* The row q reads for id (PQclear it), or NULL after answering: the database error, or 404
 * naming noun. */
static PGresult *row_or_answer(http_request *req, store_eval_stmt q, int64_t id, const char *noun)
{
    problem p;
    problem_init(&p);
    PGresult *r = by_id(req, q, id, &p);
    if (!r) {
        answer(req, &p);
    } else if (PQntuples(r) == 0) {
        PQclear(r);
        r = NULL;
        http_error(req, 404, "not_found", "no %s with id %" PRId64, noun, id);
    }
    return r;
}

#define WRITE_PARAMS_MAX 24

/* Runs the write q with the parameters of its scope and audit row (scope, token id, actor name,
 * actor role), then the n of rest. NULL with p set on a database error. */
static PGresult *write_row(http_request *req, store_eval_stmt q, int n, const char *const *rest, problem *p)
{
    api_call *call = api_call_of(req);
    const char *params[WRITE_PARAMS_MAX] = {call->scope, call->actor.token_id, call->actor.name, call->actor.role};
    if (n > WRITE_PARAMS_MAX - 4) {
        problem_set(p, 500, "internal", "too many parameters");
        return NULL;
    }
    memcpy(params + 4, rest, (size_t)n * sizeof *rest);
    return store_eval(call->db, q, 4 + n, params, p);
}

/* Copies the doc (column 0) and version (column 1) of the first row of r: 1, 0 when r has no
 * row, -1 with p set when out of memory. *doc is malloc'd for the caller. Takes r. */
static int take_doc(PGresult *r, char **doc, int64_t *version, problem *p)
{
    int found = PQntuples(r) > 0;
    if (found) {
        *doc = strdup(PQgetvalue(r, 0, 0));
        *version = col_id(r, 0, 1);
        if (!*doc) {
            problem_set(p, 503, "out_of_memory", "try again");
            found = -1;
        }
    }
    PQclear(r);
    return found;
}

/* The query filter name: its value (borrowed; NULL when absent) when it is a whole number
 * (values NULL) or one of values (NULL-terminated). Otherwise answers 400 and sets *bad; does
 * nothing once *bad is set. */
static const char *list_filter(http_request *req, const char *name, const char *const *values, int *bad)
{
    const char *v = *bad ? NULL : http_query(req, name);
    char *end = NULL;
    if (!v || (values ? is_one_of(v, values) : (strtol(v, &end, 10), *v && !*end)))
        return v;
    char expected[160] = "a whole number";
    if (values) {
        size_t len = (size_t)snprintf(expected, sizeof expected, "one of");
        for (int i = 0; values[i] && len < sizeof expected; i++)
            len += (size_t)snprintf(expected + len, sizeof expected - len, "%s %s", i ? "," : "", values[i]);
    }
    problem p;
    problem_init(&p);
    problem_set(&p, 400, "bad_parameter", "%s must be %s", name, expected);
    problem_add(&p, name, "is not a valid value for this filter");
    answer(req, &p);
    *bad = 1;
    return NULL;
}

/* Answers the page pg of the list q, run with {scope, the n filters, after, limit + 1}. keep
 * names the query filters that the link to the next CSV page repeats (NULL-terminated, or NULL). */
static void answer_page(http_request *req, const list_page *pg, store_eval_stmt q, int n, const char *const *filters,
                        const char *const *keep)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    const char *params[8] = {call->scope};
    if (n > 5)
        n = 5;
    memcpy(params + 1, filters, (size_t)n * sizeof *filters);
    params[1 + n] = pg->after_text;
    params[2 + n] = pg->limit_text;
    PGresult *r = store_eval(call->db, q, 3 + n, params, &p);
    if (!r) {
        answer(req, &p);
        return;
    }
    list_answer(req, r, pg->limit, &(list_csv){NULL, 0, NULL, keep});
}

/* ------------------------------------------------------------------------- */
/* Schemes: JSON ↔ rules_eval_scheme                                         */
/* ------------------------------------------------------------------------- */

typedef struct scheme_def {
    rules_eval_scheme s;
    int basis_entity; /* structure_basis "entity": the entity's score is the structure component */
} scheme_def;

static const char *const definition_keys[] = {"structure_basis",           "weights", "behaviours", "bands", "premium",
                                              "differentiation_cv_target", NULL};

/* Decodes a scheme definition (borrowed; behaviour codes point into it, so it must outlive
 * out) for role. Field errors go to p; returns their number. */
static int scheme_decode(json_t *def, const char *role, scheme_def *out, problem *p)
{
    int before = problem_count(p);
    memset(out, 0, sizeof *out);
    rules_eval_scheme *s = &out->s;
    s->role = strcmp(role, "manager") == 0 ? RULES_EVAL_MANAGER
              : strcmp(role, "eq") == 0    ? RULES_EVAL_EQ
                                           : RULES_EVAL_STAFF;
    s->premium_increase = rules_decimal_from_int(30);
    s->cv_target = rules_decimal_from_int(10);
    json_t *basis = json_object_get(def, "structure_basis");
    if (basis && !json_is_null(basis)) {
        if (!json_is_string(basis) ||
            (strcmp(json_string_value(basis), "structure") && strcmp(json_string_value(basis), "entity")))
            problem_add(p, "structure_basis", "must be one of: structure, entity");
        else
            out->basis_entity = strcmp(json_string_value(basis), "entity") == 0;
    }
    json_t *w = json_object_get(def, "weights");
    static const char *const comp_keys[] = {"structure", "objectives", "behaviours", "differentiation", NULL};
    if (!json_is_object(w)) {
        problem_add(p, "weights", "is required: {structure, objectives, behaviours, differentiation} totalling 100");
    } else {
        unknown_keys(w, comp_keys, "weights.", p);
        for (int c = 0; c < RULES_EVAL_COMPONENTS; c++) {
            char path[64];
            snprintf(path, sizeof path, "weights.%s", comp_keys[c]);
            dec_field(w, comp_keys[c], path, 2, 0, 100, &s->weight[c], p);
        }
    }
    json_t *bs = json_object_get(def, "behaviours");
    static const char *const beh_keys[] = {"code", "name", "weight", "scale", NULL};
    static const char *const level_keys[] = {"value", "descriptor", NULL};
    if (bs && !json_is_null(bs) && (!json_is_array(bs) || json_array_size(bs) > RULES_EVAL_MAX_BEHAVIOURS)) {
        problem_add(p, "behaviours", "must be an array of at most %d behaviours", RULES_EVAL_MAX_BEHAVIOURS);
    } else if (bs) {
        for (size_t i = 0; i < json_array_size(bs); i++) {
            char prefix[64], path[96];
            rules_behaviour *bh = &s->behaviour[s->n_behaviours++];
            json_t *b = array_object(bs, i, "behaviours", beh_keys, "{code, name, weight, scale}", prefix,
                                     sizeof prefix, p);
            if (!b)
                continue;
            json_t *code = json_object_get(b, "code");
            snprintf(path, sizeof path, "%scode", prefix);
            if (!json_is_string(code) || !json_string_length(code) || utf8_length(json_string_value(code)) > 32)
                problem_add(p, path, "is required: a short code of at most 32 characters");
            else {
                bh->code = json_string_value(code);
                for (size_t k = 0; k < i; k++)
                    if (s->behaviour[k].code && strcmp(s->behaviour[k].code, bh->code) == 0)
                        problem_add(p, path, "%s is already the code of behaviours[%zu]", bh->code, k);
            }
            json_t *name = json_object_get(b, "name");
            snprintf(path, sizeof path, "%sname", prefix);
            if (name && (!json_is_string(name) || utf8_length(json_string_value(name)) > 300))
                problem_add(p, path, "must be a string of at most 300 characters");
            required_dec(b, prefix, "weight", 2, 0, 100, &bh->weight, p);
            json_t *scale = json_object_get(b, "scale");
            snprintf(path, sizeof path, "%sscale", prefix);
            if (!json_is_array(scale) || json_array_size(scale) > RULES_EVAL_MAX_LEVELS) {
                problem_add(p, path, "is required: 2 to %d levels [{value, descriptor}]", RULES_EVAL_MAX_LEVELS);
                continue;
            }
            for (size_t j = 0; j < json_array_size(scale); j++) {
                char lprefix[140];
                json_t *lv = array_object(scale, j, path, level_keys, "{value, descriptor}", lprefix, sizeof lprefix, p);
                if (!lv)
                    continue;
                json_t *desc = json_object_get(lv, "descriptor");
                if (desc && (!json_is_string(desc) || utf8_length(json_string_value(desc)) > 2000))
                    problem_add(p, lprefix, "descriptor must be a string of at most 2000 characters");
                required_dec(lv, lprefix, "value", 2, 0, 1000, &bh->level[bh->n_levels], p);
                bh->n_levels++;
            }
        }
    }
    json_t *bands = json_object_get(def, "bands");
    static const char *const band_keys[] = {"min_score", "coefficient", NULL};
    if (!json_is_array(bands) || json_array_size(bands) > RULES_EVAL_MAX_BANDS) {
        problem_add(p, "bands", "is required: 1 to %d bands [{min_score, coefficient}]", RULES_EVAL_MAX_BANDS);
    } else {
        for (size_t i = 0; i < json_array_size(bands); i++) {
            char prefix[32];
            rules_eval_band *bd = &s->band[s->n_bands++];
            json_t *b = array_object(bands, i, "bands", band_keys, "{min_score, coefficient}", prefix, sizeof prefix, p);
            if (!b)
                continue;
            required_dec(b, prefix, "min_score", 2, 0, 100, &bd->min_score, p);
            required_dec(b, prefix, "coefficient", 4, 0, 10, &bd->coefficient, p);
        }
    }
    json_t *prem = json_object_get(def, "premium");
    static const char *const prem_keys[] = {"share", "increase", NULL};
    if (prem && !json_is_null(prem)) {
        if (!json_is_object(prem))
            problem_add(p, "premium", "must be an object {share, increase}");
        else {
            unknown_keys(prem, prem_keys, "premium.", p);
            dec_field(prem, "share", "premium.share", 2, 0, 100, &s->premium_share, p);
            dec_field(prem, "increase", "premium.increase", 2, 0, 100, &s->premium_increase, p);
        }
    }
    dec_field(def, "differentiation_cv_target", "differentiation_cv_target", 2, 0, 1000, &s->cv_target, p);
    if (problem_count(p) == before) {
        rules_finding f[64];
        size_t n = 0;
        rules_eval_scheme_check(s, f, 64, &n);
        for (size_t i = 0; i < n && i < 64; i++)
            problem_add(p, f[i].path, "%s", f[i].message);
    }
    return problem_count(p) - before;
}

/* Validates a scheme body (year, role, title and the definition). Returns the definition
 * (new reference) or NULL with p set to 422. year_out, role_out, title_out borrowed from body. */
static json_t *scheme_body(json_t *body, int64_t *year, const char **role, const char **title, problem *p)
{
    static const char *const keys[] = {"year",       "role",  "title",   "structure_basis",           "weights",
                                       "behaviours", "bands", "premium", "differentiation_cv_target", NULL};
    if (!json_is_object(body)) {
        problem_set(p, 422, "validation_failed", "the evaluation scheme must be a JSON object");
        return NULL;
    }
    unknown_keys(body, keys, "", p);
    if (int_field(body, "year", 2000, 2100, year, p) == 0)
        problem_add(p, "year", "is required");
    json_t *r = json_object_get(body, "role");
    *role = json_is_string(r) ? json_string_value(r) : NULL;
    if (!is_one_of(*role, eval_roles))
        problem_add(p, "role", "must be one of: manager, eq, staff");
    *title = body_text(body, "title", 300, p);
    if (!problem_count(p)) {
        scheme_def d;
        scheme_decode(body, *role, &d, p);
    }
    if (problem_count(p)) {
        problem_set(p, 422, "validation_failed", "the evaluation scheme is not valid");
        return NULL;
    }
    json_t *def = json_object();
    for (int i = 0; definition_keys[i]; i++) {
        json_t *v = json_object_get(body, definition_keys[i]);
        if (v && !json_is_null(v))
            json_object_set(def, definition_keys[i], v);
    }
    return def;
}

/* Answers status with the doc in column 0 of r's first row and, when version_col >= 0, its
 * ETag. Takes r. */
static void answer_doc(http_request *req, int status, PGresult *r, int version_col)
{
    const char *doc = PQgetvalue(r, 0, 0);
    char *copy = strdup(doc);
    int64_t version = version_col >= 0 ? strtoll(PQgetvalue(r, 0, version_col), NULL, 10) : 0;
    PQclear(r);
    if (!copy) {
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    http_body(req, status, "application/json", copy, strlen(copy));
    if (version_col >= 0)
        http_etag(req, version);
}

static void location(http_request *req, const char *collection, PGresult *r)
{
    json_t *j = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    snprintf(req->res.location, sizeof req->res.location, "/v1/%s/%" JSON_INTEGER_FORMAT, collection,
             json_integer_value(json_object_get(j, "id")));
    json_decref(j);
}

/* Answers a create from the result r of its INSERT (NULL: the database error in p): 201 with
 * the row (version in version_col, or -1) and its Location under collection, or 404 naming
 * the parent when no row came back. Takes r. */
static void answer_created(http_request *req, PGresult *r, problem *p, const char *collection, int version_col,
                           const char *parent)
{
    if (!r) {
        answer(req, p);
        return;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        http_error(req, 404, "not_found", "no %s with id %" PRId64, parent, req->ids[0]);
        return;
    }
    location(req, collection, r);
    answer_doc(req, 201, r, version_col);
}

/* Writes a scheme: EV_SCHEME_INSERT (key: the entity id) or EV_SCHEME_UPDATE (key: the scheme
 * id, at version) with the validated year, role, title and definition. */
static PGresult *scheme_store(http_request *req, store_eval_stmt q, const char *key, const char *version, int64_t year,
                              const char *role, const char *title, json_t *def, problem *p)
{
    char year_s[16];
    snprintf(year_s, sizeof year_s, "%" PRId64, year);
    char *def_text = rule_json_dumps(def, JSON_COMPACT);
    const char *insert[] = {key, year_s, role, title, def_text};
    const char *update[] = {key, version, year_s, role, title, def_text};
    PGresult *r = q == EV_SCHEME_INSERT ? write_row(req, q, 5, insert, p) : write_row(req, q, 6, update, p);
    free(def_text);
    return r;
}

void eval_scheme_create(http_request *req)
{
    problem p;
    problem_init(&p);
    json_t *body = http_json_body(req);
    if (!body)
        return;
    int64_t year = 0;
    const char *role = NULL, *title = NULL;
    json_t *def = scheme_body(body, &year, &role, &title, &p);
    if (def) {
        char eid[24];
        id_text(req->ids[0], eid);
        PGresult *r = scheme_store(req, EV_SCHEME_INSERT, eid, NULL, year, role, title, def, &p);
        answer_created(req, r, &p, "evaluation-schemes", 1, "entity");
    } else {
        answer(req, &p);
    }
    json_decref(def);
    json_decref(body);
}

void eval_scheme_get(http_request *req)
{
    PGresult *r = row_or_answer(req, EV_SCHEME_GET, req->ids[0], "evaluation scheme");
    if (r)
        answer_doc(req, 200, r, 1);
}

void eval_scheme_list(http_request *req)
{
    list_page pg;
    if (list_page_read(req, &pg) < 0)
        return;
    int bad = 0;
    char eid[24];
    id_text(req->ids[0], eid);
    const char *year = list_filter(req, "year", NULL, &bad);
    const char *role = list_filter(req, "role", eval_roles, &bad);
    const char *filters[] = {eid, year, role};
    static const char *const keep[] = {"year", "role", NULL};
    if (!bad)
        answer_page(req, &pg, EV_SCHEME_LIST, 3, filters, keep);
}

static int scheme_load(http_request *req, char **doc, int64_t *version, problem *p)
{
    PGresult *r = by_id(req, EV_SCHEME_GET, req->ids[0], p);
    return r ? take_doc(r, doc, version, p) : -1;
}

/* The patch_target write of a scheme: the merged scheme is validated like a new one. */
static int scheme_write(http_request *req, json_t *current, json_t *patch, int64_t version, char **doc,
                        int64_t *new_version, problem *p)
{
    static const char *const server_keys[] = {"id", "entity_id", "version", "created_at", "updated_at", NULL};
    const char *key;
    json_t *v;
    if (json_is_object(patch))
        json_object_foreach(patch, key, v)
        {
            if (is_one_of(key, server_keys) && !json_equal(v, json_object_get(current, key)))
                problem_add(p, key, "is set by the server");
        }
    if (problem_count(p))
        return invalid(p, "the evaluation scheme is not valid");
    json_t *merged = merge_patch(current, patch);
    for (int i = 0; server_keys[i]; i++)
        json_object_del(merged, server_keys[i]);
    int64_t year = 0;
    const char *role = NULL, *title = NULL;
    json_t *def = scheme_body(merged, &year, &role, &title, p);
    int rc = -1;
    if (def) {
        char id[24], version_s[24];
        id_text(req->ids[0], id);
        id_text(version, version_s);
        PGresult *r = scheme_store(req, EV_SCHEME_UPDATE, id, version_s, year, role, title, def, p);
        rc = r ? take_doc(r, doc, new_version, p) : -1;
    }
    json_decref(def);
    json_decref(merged);
    return rc;
}

void eval_scheme_patch(http_request *req)
{
    static const patch_target scheme = {"evaluation scheme", scheme_load, scheme_write};
    crud_patch_with(req, &scheme);
}

void eval_scheme_delete(http_request *req)
{
    problem p;
    problem_init(&p);
    int64_t wanted;
    int has_match = crud_if_match(req, &wanted);
    if (has_match < 0)
        return;
    char id[24], version_s[24];
    id_text(req->ids[0], id);
    id_text(wanted, version_s);
    const char *params[] = {id, has_match ? version_s : NULL};
    PGresult *r = write_row(req, EV_SCHEME_DELETE, 2, params, &p);
    int deleted = r && PQntuples(r) > 0;
    PQclear(r);
    if (deleted) {
        http_body(req, 204, NULL, NULL, 0);
        return;
    }
    r = NULL;
    if (!p.status && has_match && (r = by_id(req, EV_SCHEME_GET, req->ids[0], &p)) && PQntuples(r) > 0)
        problem_set(&p, 412, "precondition_failed", "the evaluation scheme has changed since you read it");
    PQclear(r);
    if (!p.status)
        problem_set(&p, 404, "not_found", "no evaluation scheme with id %" PRId64, req->ids[0]);
    answer(req, &p);
}

/* ------------------------------------------------------------------------- */
/* Participations                                                            */
/* ------------------------------------------------------------------------- */

/* The objective (live, in scope): its entity id, or 0 after answering 404 / -1 on error. */
static int64_t objective_entity(http_request *req, int64_t objective_id)
{
    problem p;
    problem_init(&p);
    PGresult *r = by_id(req, EV_OBJECTIVE, objective_id, &p);
    if (!r) {
        answer(req, &p);
        return -1;
    }
    int64_t e = PQntuples(r) ? col_id(r, 0, 1) : 0;
    PQclear(r);
    if (!e)
        http_error(req, 404, "not_found", "no objective with id %" PRId64 " in the plan as it stands", objective_id);
    return e;
}

void participation_list(http_request *req)
{
    problem p;
    problem_init(&p);
    if (objective_entity(req, req->ids[0]) <= 0)
        return;
    PGresult *r = by_id(req, EV_PART_LIST, req->ids[0], &p);
    if (r)
        r = personal_participations(req, req->ids[0], r, &p); /* api/personal.h */
    if (!r) {
        answer(req, &p);
        return;
    }
    api_answer_rows(req, r, 0);
}

void participation_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    json_t *body = http_json_body(req);
    if (!body)
        return;
    int64_t eid = objective_entity(req, req->ids[0]);
    if (eid <= 0) {
        json_decref(body);
        return;
    }
    static const char *const keys[] = {"person_id", "percent", "months", "part_time", NULL};
    int64_t person = 0, months = 12;
    rules_decimal percent = {0}, part_time = rules_decimal_from_int(100);
    if (!json_is_object(body)) {
        problem_add(&p, "", "must be a JSON object {person_id, percent, months, part_time}");
    } else {
        unknown_keys(body, keys, "", &p);
        if (int_field(body, "person_id", 1, INT64_MAX, &person, &p) == 0)
            problem_add(&p, "person_id", "is required");
        if (dec_field(body, "percent", "percent", 2, 0, 100, &percent, &p) == 0)
            problem_add(&p, "percent", "is required: the %% participation, 0..100");
        int_field(body, "months", 0, 12, &months, &p);
        dec_field(body, "part_time", "part_time", 2, 0, 100, &part_time, &p);
    }
    json_decref(body);
    char person_s[24], eid_s[24];
    id_text(person, person_s);
    id_text(eid, eid_s);
    if (!problem_count(&p)) {
        const char *pp[] = {eid_s, person_s};
        PGresult *r = store_eval(call->db, EV_PERSON, 2, pp, &p);
        if (!r) {
            answer(req, &p);
            return;
        }
        if (PQntuples(r) == 0)
            problem_add(&p, "person_id", "no person with id %" PRId64 " in this entity", person);
        PQclear(r);
    }
    if (problem_count(&p)) {
        invalid(&p, "the participation is not valid");
        answer(req, &p);
        return;
    }
    char obj[24], pct[32], mon[8], pt[32];
    id_text(req->ids[0], obj);
    rules_decimal_format(percent, 2, '.', pct);
    snprintf(mon, sizeof mon, "%" PRId64, months);
    rules_decimal_format(part_time, 2, '.', pt);
    const char *params[] = {obj, person_s, pct, mon, pt};
    PGresult *r = write_row(req, EV_PART_INSERT, 5, params, &p);
    answer_created(req, r, &p, "participations", -1, "objective");
}

void participation_delete(http_request *req)
{
    problem p;
    problem_init(&p);
    char id[24];
    id_text(req->ids[0], id);
    const char *params[] = {id};
    PGresult *r = write_row(req, EV_PART_DELETE, 1, params, &p);
    if (!r) {
        answer(req, &p);
        return;
    }
    int n = PQntuples(r);
    PQclear(r);
    if (n)
        http_body(req, 204, NULL, NULL, 0);
    else
        http_error(req, 404, "not_found", "no participation with id %" PRId64, req->ids[0]);
}

/* ------------------------------------------------------------------------- */
/* Forms: computation                                                        */
/* ------------------------------------------------------------------------- */

/* What a form is computed from. */
typedef struct form_in {
    int64_t entity_id, person_id, plan_id, structure_id, evaluator_id;
    int year;
    char role[16];
    char as_of[11];
    json_t *ratings; /* borrowed: {behaviour code: rating} */
} form_in;

/* Computes a form with the rules library. Returns 0 with *computed (new reference), *result and
 * *scheme_id; -1 after answering (the plan could not be scored); -2 with p set. */
static int form_compute(http_request *req, const form_in *f, json_t **computed, rules_eval_result *result,
                        int64_t *scheme_id, problem *p)
{
    api_call *call = api_call_of(req);
    int rc = -2;
    char eid[24], year_s[16], person_s[24], plan_s[24];
    id_text(f->entity_id, eid);
    snprintf(year_s, sizeof year_s, "%d", f->year);
    id_text(f->person_id, person_s);
    id_text(f->plan_id, plan_s);
    PGresult *sr = NULL, *pr = NULL, *gr = NULL;
    json_t *def = NULL;
    int64_t *ids = NULL;
    rules_participation *parts = NULL;
    rules_score_status *st = NULL;
    rules_decimal *sc = NULL, *given = NULL;
    const char *fp[] = {call->scope, eid, year_s, f->role};
    if (!(sr = store_eval(call->db, EV_SCHEME_FIND, 4, fp, p)))
        goto out;
    if (PQntuples(sr) == 0) {
        problem_set(p, 422, "no_scheme", "there is no evaluation scheme for %s in %d", f->role, f->year);
        problem_add(p, "role", "no evaluation scheme for %s in %d: create one first", f->role, f->year);
        goto out;
    }
    *scheme_id = col_id(sr, 0, 0);
    def = json_loads(PQgetvalue(sr, 0, 1), 0, NULL);
    scheme_def sd;
    if (!def || scheme_decode(def, f->role, &sd, p) > 0) {
        problem_set(p, 422, "scheme_invalid", "the evaluation scheme for %s in %d is not valid", f->role, f->year);
        goto out;
    }
    const char *pq[] = {call->scope, person_s, plan_s};
    if (!(pr = store_eval(call->db, EV_PART_OF, 3, pq, p)))
        goto out;
    int n = PQntuples(pr);
    if (n > MAX_PARTICIPATIONS) {
        problem_set(p, 422, "too_many_participations", "the person takes part in more than %d objectives",
                    MAX_PARTICIPATIONS);
        goto out;
    }
    ids = calloc((size_t)n + 1, sizeof *ids);
    parts = calloc((size_t)n + 1, sizeof *parts);
    st = calloc((size_t)n + 1, sizeof *st);
    sc = calloc((size_t)n + 1, sizeof *sc);
    if (!ids || !parts || !st || !sc) {
        problem_set(p, 503, "out_of_memory", "try again");
        goto out;
    }
    for (int i = 0; i < n; i++)
        ids[i] = col_id(pr, i, 0);
    eval_plan_scores ps;
    if (scores_for_evaluation(req, f->plan_id, f->as_of, sd.basis_entity ? 0 : f->structure_id, f->person_id, ids, n,
                              st, sc, &ps) < 0) {
        rc = -1;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        parts[i].code = PQgetvalue(pr, i, 1);
        parts[i].status = st[i];
        parts[i].score = sc[i];
        parts[i].percent = col_dec(pr, i, 2);
        parts[i].months = atoi(PQgetvalue(pr, i, 3));
        parts[i].part_time = col_dec(pr, i, 4);
    }
    /* ratings: one per behaviour, by code */
    rules_decimal ratings[RULES_EVAL_MAX_BEHAVIOURS];
    unsigned char rated[RULES_EVAL_MAX_BEHAVIOURS];
    memset(rated, 0, sizeof rated);
    memset(ratings, 0, sizeof ratings);
    const char *key;
    json_t *v;
    json_object_foreach(f->ratings, key, v)
    {
        char path[80];
        snprintf(path, sizeof path, "ratings.%s", key);
        int k = -1;
        for (int i = 0; i < sd.s.n_behaviours; i++)
            if (strcmp(sd.s.behaviour[i].code, key) == 0)
                k = i;
        if (k < 0) {
            problem_add(p, path, "is not a behaviour of the scheme");
            continue;
        }
        if (json_is_null(v))
            continue;
        rules_error e;
        memset(&e, 0, sizeof e);
        if (rule_json_number(v, 2, path, &ratings[k], &e) < 0)
            problem_add(p, path, "%s", e.message);
        else
            rated[k] = 1;
    }
    if (problem_count(p)) {
        problem_set(p, 422, "validation_failed", "the ratings are not valid");
        goto out;
    }
    int n_given = 0;
    if (sd.s.role == RULES_EVAL_MANAGER && sd.s.weight[RULES_EVAL_DIFFERENTIATION].units > 0) {
        const char *gq[] = {call->scope, person_s, year_s, eid};
        if (!(gr = store_eval(call->db, EV_FORM_GIVEN, 4, gq, p)))
            goto out;
        n_given = PQntuples(gr) < RULES_EVAL_MAX_GIVEN ? PQntuples(gr) : RULES_EVAL_MAX_GIVEN;
        given = calloc((size_t)n_given + 1, sizeof *given);
        if (!given) {
            problem_set(p, 503, "out_of_memory", "try again");
            goto out;
        }
        for (int i = 0; i < n_given; i++)
            given[i] = col_dec(gr, i, 0);
    }
    rules_eval_input in;
    memset(&in, 0, sizeof in);
    in.has_structure = sd.basis_entity ? ps.has_entity : ps.has_structure;
    in.structure_score = sd.basis_entity ? ps.entity : ps.structure;
    in.participations = parts;
    in.n_participations = n;
    in.has_own_score = ps.has_own;
    in.own_score = ps.own;
    in.ratings = ratings;
    in.rated = rated;
    in.n_ratings = sd.s.n_behaviours;
    in.given = given;
    in.n_given = n_given;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rules_eval_form(&sd.s, &in, result, &e) < 0) {
        int k = -1;
        char field[160];
        if (sscanf(e.field, "ratings[%d]", &k) == 1 && k >= 0 && k < sd.s.n_behaviours)
            snprintf(field, sizeof field, "ratings.%s", sd.s.behaviour[k].code);
        else
            snprintf(field, sizeof field, "%s", e.field);
        problem_set(p, 422, "validation_failed", "%s", e.message);
        problem_add(p, field, "%s", e.message);
        if (e.hint[0])
            problem_hint(p, "%s", e.hint);
        goto out;
    }
    /* the computed record: every number with its explanation */
    json_t *comps = json_array();
    for (int c = 0; c < RULES_EVAL_COMPONENTS; c++) {
        char expl[RULES_EVAL_EXPLANATION + 64];
        if (c == RULES_EVAL_STRUCTURE)
            snprintf(expl, sizeof expl, "%s%s", sd.basis_entity ? "the entity as a whole: " : "", result->explanation[c]);
        else
            snprintf(expl, sizeof expl, "%s", result->explanation[c]);
        json_array_append_new(
            comps, json_pack("{s:s, s:o, s:o, s:s}", "component", rules_eval_component_name((rules_eval_component)c),
                             "weight", rule_json_decimal(result->weight[c]), "score",
                             result->has[c] ? rule_json_decimal(result->score[c]) : json_null(), "explanation", expl));
    }
    json_t *pj = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(pj, json_pack("{s:I, s:s, s:o, s:i, s:o, s:o}", "objective_id", (json_int_t)ids[i], "code",
                                            parts[i].code, "percent", rule_json_decimal(parts[i].percent), "months",
                                            parts[i].months, "part_time", rule_json_decimal(parts[i].part_time), "score",
                                            st[i] == RULES_SCORE_MEASURED ? rule_json_decimal(sc[i]) : json_null()));
    json_t *gj = json_array();
    for (int i = 0; i < n_given; i++)
        json_array_append_new(gj, rule_json_decimal(given[i]));
    *computed = json_pack(
        "{s:s, s:I, s:i, s:s, s:o, s:o, s:o, s:b, s:s, s:o, s:o, s:o, s:o}", "as_of", f->as_of, "plan_id",
        (json_int_t)f->plan_id, "plan_revision", ps.revision, "structure_basis", sd.basis_entity ? "entity" : "structure",
        "components", comps, "total", result->has_total ? rule_json_decimal(result->total) : json_null(), "band",
        result->band >= 0 ? json_integer(result->band) : json_null(), "complete", result->complete, "total_explanation",
        result->total_explanation, "coefficient", rule_json_decimal(result->coefficient), "cv",
        result->has_cv ? rule_json_decimal(result->cv) : json_null(), "participations", pj, "evaluations_given", gj);
    rc = *computed ? 0 : -2;
    if (rc)
        problem_set(p, 503, "out_of_memory", "try again");
out:
    PQclear(sr);
    PQclear(pr);
    PQclear(gr);
    json_decref(def);
    free(ids);
    free(parts);
    free(st);
    free(sc);
    free(given);
    return rc;
}

/* ------------------------------------------------------------------------- */
/* Forms: who may do what                                                    */
/* ------------------------------------------------------------------------- */

/* Who reads which form: the one rule of api/personal.h (person 0: everyone's). */
static int reads_all_forms(const http_request *req) { return personal_may_see(&req->who, PERSONAL_EVALUATION, 0, 0); }

static int may_read_form(const http_request *req, int64_t person_id, int64_t evaluator_id)
{
    return personal_may_see(&req->who, PERSONAL_EVALUATION, person_id, evaluator_id);
}

/* Whether the caller is the evaluator entitled to rate and sign: the Nucleo for a manager's
 * form, the manager of the structure (a token naming that person) for the others. Sets p
 * to 403 with the reason when not. */
static int entitled(const http_request *req, const char *role, int64_t evaluator_id, problem *p)
{
    if (strcmp(role, "manager") == 0) {
        if ((unsigned)req->who.role == ROLE_EVALUATOR)
            return 1;
        problem_set(p, 403, "not_entitled",
                    "only the Nucleo di Valutazione (an evaluator token) rates and signs a "
                    "manager's evaluation");
        return 0;
    }
    if (req->who.person_id && req->who.person_id == evaluator_id)
        return 1;
    problem_set(p, 403, "not_entitled",
                "only the manager of the person's structure (person %" PRId64 ") rates and signs this evaluation",
                evaluator_id);
    problem_hint(p, "use a token that names that person");
    return 0;
}

/* A stored form (EV_FORM_GET row 0) with the values the handlers need. */
typedef struct form_row {
    PGresult *r;
    int64_t version, id, entity_id, person_id, evaluator_id, plan_id, structure_id;
    const char *role, *status, *as_of, *comments, *interview_date;
    int year, months;
    rules_decimal part_time;
    json_t *ratings; /* owned */
} form_row;

static void form_row_clear(form_row *f)
{
    PQclear(f->r);
    json_decref(f->ratings);
    memset(f, 0, sizeof *f);
}

/* Reads form id in scope and checks that the caller may read it. Returns 1, or 0 after answering
 * (404, 403, 503). */
static int form_load(http_request *req, int64_t id, form_row *f)
{
    memset(f, 0, sizeof *f);
    PGresult *r = f->r = row_or_answer(req, EV_FORM_GET, id, "evaluation form");
    if (!r)
        return 0;
    f->version = col_id(r, 0, 1);
    f->id = col_id(r, 0, 2);
    f->entity_id = col_id(r, 0, 3);
    f->person_id = col_id(r, 0, 4);
    f->evaluator_id = col_id(r, 0, 5);
    f->role = PQgetvalue(r, 0, 6);
    f->status = PQgetvalue(r, 0, 7);
    f->year = atoi(PQgetvalue(r, 0, 8));
    f->plan_id = col_id(r, 0, 9);
    f->structure_id = col_id(r, 0, 10);
    f->as_of = PQgetvalue(r, 0, 11);
    f->months = atoi(PQgetvalue(r, 0, 12));
    f->part_time = col_dec(r, 0, 13);
    f->ratings = json_loads(PQgetvalue(r, 0, 14), 0, NULL);
    f->comments = PQgetisnull(r, 0, 16) ? NULL : PQgetvalue(r, 0, 16);
    f->interview_date = PQgetisnull(r, 0, 17) ? NULL : PQgetvalue(r, 0, 17);
    if (!f->ratings)
        f->ratings = json_object();
    if (!may_read_form(req, f->person_id, f->evaluator_id)) {
        form_row_clear(f);
        http_error(req, 403, "forbidden",
                   "an evaluation is read only by its person, its evaluator, the Nucleo and "
                   "the HR office");
        return 0;
    }
    return 1;
}

/* The changes an action makes to a form, then written with EV_FORM_UPDATE. */
typedef struct form_change {
    const char *action, *status;
    json_t *ratings; /* borrowed */
    const char *comments, *interview_date;
    int months;
    rules_decimal part_time;
    const char *signed_by, *contest_reason, *conciliation_note;
    int recompute;        /* 1: compute again (ratings or service changed, or signing) */
    int require_complete; /* signing: every weighted component must have a score */
} form_change;

/* Recomputes (when asked) and writes the change; answers in every case. */
static void form_apply(http_request *req, form_row *f, form_change *c)
{
    problem p;
    problem_init(&p);
    json_t *computed = NULL;
    char score[32] = "";
    const char *computed_text = NULL;
    char *computed_dump = NULL;
    if (c->recompute) {
        form_in in;
        memset(&in, 0, sizeof in);
        in.entity_id = f->entity_id;
        in.person_id = f->person_id;
        in.plan_id = f->plan_id;
        in.structure_id = f->structure_id;
        in.evaluator_id = f->evaluator_id;
        in.year = f->year;
        snprintf(in.role, sizeof in.role, "%s", f->role);
        snprintf(in.as_of, sizeof in.as_of, "%s", f->as_of);
        in.ratings = c->ratings;
        rules_eval_result res;
        int64_t scheme_id;
        int rc = form_compute(req, &in, &computed, &res, &scheme_id, &p);
        if (rc == -1)
            goto done;
        if (rc < 0) {
            answer(req, &p);
            goto done;
        }
        if (c->require_complete && !res.complete) {
            problem_set(&p, 422, "form_incomplete", "the evaluation cannot be signed before every component has a score");
            for (int k = 0; k < RULES_EVAL_COMPONENTS; k++)
                if (res.weight[k].units > 0 && !res.has[k])
                    problem_add(
                        &p, k == RULES_EVAL_BEHAVIOURS ? "ratings" : rules_eval_component_name((rules_eval_component)k),
                        "%s", res.explanation[k]);
            answer(req, &p);
            goto done;
        }
        if (res.has_total)
            rules_decimal_format(res.total, 2, '.', score);
        computed_dump = rule_json_dumps(computed, JSON_COMPACT);
        computed_text = computed_dump;
    } else {
        json_t *doc = json_loads(PQgetvalue(f->r, 0, 0), 0, NULL);
        json_t *sv = json_object_get(doc, "score");
        if (json_is_number(sv)) {
            rules_decimal d;
            if (rule_json_number(sv, 2, "score", &d, NULL) == 0)
                rules_decimal_format(d, 2, '.', score);
        }
        computed_dump = rule_json_dumps(json_object_get(doc, "computed"), JSON_COMPACT);
        computed_text = computed_dump;
        json_decref(doc);
    }
    char id_s[24], version_s[24], months_s[8], pt_s[32];
    id_text(f->id, id_s);
    id_text(f->version, version_s);
    snprintf(months_s, sizeof months_s, "%d", c->months);
    rules_decimal_format(c->part_time, 2, '.', pt_s);
    char *ratings_text = rule_json_dumps(c->ratings, JSON_COMPACT);
    const char *params[] = {id_s,
                            version_s,
                            c->action,
                            c->status,
                            ratings_text,
                            c->comments,
                            c->interview_date,
                            months_s,
                            pt_s,
                            computed_text,
                            score[0] ? score : NULL,
                            c->signed_by,
                            c->contest_reason,
                            c->conciliation_note};
    PGresult *r = write_row(req, EV_FORM_UPDATE, 14, params, &p);
    free(ratings_text);
    if (!r) {
        answer(req, &p);
        goto done;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        http_error(req, 412, "precondition_failed", "the evaluation form changed meanwhile; read it again");
        goto done;
    }
    answer_doc(req, 200, r, 1);
done:
    free(computed_dump);
    json_decref(computed);
}

/* Whether the table of rules.h lets action a run on the form: 1 with *to, the status it
 * leads to; else answers 409 and returns 0. */
static int transition_ok(http_request *req, const form_row *f, rules_form_action a, rules_form_status *to)
{
    rules_form_status from;
    if (rules_form_status_parse(f->status, &from) == 0 && rules_form_transition(from, a, to) == 0)
        return 1;
    problem p;
    problem_init(&p);
    problem_set(&p, 409, "wrong_status", "the evaluation is %s: only a %s evaluation can be %s", f->status,
                rules_form_status_name(rules_form_action_from(a)), rules_form_action_done(a));
    answer(req, &p);
    return 0;
}

static int if_match_ok(http_request *req, const form_row *f)
{
    int64_t wanted;
    int m = crud_if_match(req, &wanted);
    if (m < 0)
        return 0;
    if (m && wanted != f->version) {
        http_error(req, 412, "precondition_failed", "the evaluation form has changed since you read it");
        return 0;
    }
    return 1;
}

/* The change action a makes to f, leading to status to: nothing else changes yet. */
static form_change change_of(const form_row *f, rules_form_action a, rules_form_status to)
{
    form_change c;
    memset(&c, 0, sizeof c);
    c.action = rules_form_action_name(a);
    c.status = rules_form_status_name(to);
    c.ratings = f->ratings;
    c.comments = f->comments;
    c.interview_date = f->interview_date;
    c.months = f->months;
    c.part_time = f->part_time;
    return c;
}

/* ------------------------------------------------------------------------- */
/* Forms: handlers                                                           */
/* ------------------------------------------------------------------------- */

void eval_form_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    json_t *body = http_json_body(req);
    if (!body)
        return;
    PGresult *r = NULL;
    json_t *computed = NULL, *ratings = json_object();
    static const char *const keys[] = {"person_id",    "year",           "role",   "plan_id",
                                       "structure_id", "as_of",          "months", "part_time",
                                       "comments",     "interview_date", NULL};
    int64_t person = 0, year = 0, plan = 0, structure = 0, months = 12;
    rules_decimal part_time = rules_decimal_from_int(100);
    char as_of[11] = "", interview[11] = "";
    const char *role = NULL, *comments = NULL;
    if (!json_is_object(body)) {
        problem_add(&p, "", "must be a JSON object");
    } else {
        unknown_keys(body, keys, "", &p);
        if (int_field(body, "person_id", 1, INT64_MAX, &person, &p) == 0)
            problem_add(&p, "person_id", "is required");
        if (int_field(body, "year", 2000, 2100, &year, &p) == 0)
            problem_add(&p, "year", "is required");
        if (int_field(body, "plan_id", 1, INT64_MAX, &plan, &p) == 0)
            problem_add(&p, "plan_id", "is required: the plan whose scores the evaluation takes");
        int_field(body, "structure_id", 1, INT64_MAX, &structure, &p);
        json_t *rv = json_object_get(body, "role");
        role = json_is_string(rv) ? json_string_value(rv) : NULL;
        if (!is_one_of(role, eval_roles))
            problem_add(&p, "role", "must be one of: manager, eq, staff");
        body_date(body, "as_of", as_of, &p);
        body_date(body, "interview_date", interview, &p);
        int_field(body, "months", 0, 12, &months, &p);
        dec_field(body, "part_time", "part_time", 2, 0, 100, &part_time, &p);
        comments = body_text(body, "comments", 20000, &p);
    }
    if (problem_count(&p))
        goto invalid;
    char person_s[24], plan_s[24], eid_s[24], struct_s[24];
    id_text(person, person_s);
    id_text(plan, plan_s);
    if (!(r = by_id(req, EV_PERSON, person, &p)))
        goto fail;
    if (PQntuples(r) == 0) {
        problem_add(&p, "person_id", "no person with id %" PRId64, person);
        goto invalid;
    }
    int64_t entity = col_id(r, 0, 1);
    id_text(entity, eid_s);
    PQclear(r);
    if (!(r = by_id(req, EV_PLAN, plan, &p)))
        goto fail;
    if (PQntuples(r) == 0 || col_id(r, 0, 0) != entity) {
        problem_add(&p, "plan_id", "no plan with id %" PRId64 " in the person's entity", plan);
        goto invalid;
    }
    if (!as_of[0]) {
        if (PQgetisnull(r, 0, 2)) {
            problem_add(&p, "as_of", "the plan has no final review: give the date of the scores (as_of)");
            goto invalid;
        }
        snprintf(as_of, sizeof as_of, "%s", PQgetvalue(r, 0, 2));
    }
    PQclear(r);
    r = NULL;
    /* the structure: given, or the one the person leads */
    if (!structure) {
        const char *lp[] = {call->scope, person_s, eid_s};
        if (!(r = store_eval(call->db, EV_LED, 3, lp, &p)))
            goto fail;
        if (PQntuples(r) == 1)
            structure = col_id(r, 0, 0);
        PQclear(r);
        r = NULL;
    }
    /* the evaluator: the Nucleo for managers; else the manager of the structure (or of the
     * structure above, for a person who leads their own) */
    int64_t evaluator = 0;
    int64_t walk = structure;
    for (int depth = 0; walk && depth < 20; depth++) {
        id_text(walk, struct_s);
        const char *sp[] = {call->scope, struct_s, eid_s};
        if (!(r = store_eval(call->db, EV_STRUCTURE, 3, sp, &p)))
            goto fail;
        if (PQntuples(r) == 0) {
            problem_add(&p, "structure_id", "no structure with id %" PRId64 " in the person's entity", walk);
            goto invalid;
        }
        int64_t manager = col_id(r, 0, 3), parent = col_id(r, 0, 4);
        PQclear(r);
        r = NULL;
        if (manager && manager != person) {
            evaluator = manager;
            break;
        }
        walk = parent;
    }
    if (strcmp(role, "manager") != 0 && !evaluator) {
        problem_add(&p, "structure_id",
                    structure ? "the structure (and those above it) has no manager: nobody is "
                                "entitled to evaluate this person"
                              : "is required: the structure the person works in, whose manager "
                                "evaluates them");
        goto invalid;
    }
    if (strcmp(role, "manager") == 0)
        evaluator = 0;
    form_in in;
    memset(&in, 0, sizeof in);
    in.entity_id = entity;
    in.person_id = person;
    in.plan_id = plan;
    in.structure_id = structure;
    in.evaluator_id = evaluator;
    in.year = (int)year;
    snprintf(in.role, sizeof in.role, "%s", role);
    snprintf(in.as_of, sizeof in.as_of, "%s", as_of);
    in.ratings = ratings;
    rules_eval_result res;
    int64_t scheme_id = 0;
    int rc = form_compute(req, &in, &computed, &res, &scheme_id, &p);
    if (rc == -1)
        goto done;
    if (rc < 0)
        goto fail;
    if (strcmp(json_string_value(json_object_get(computed, "structure_basis")), "structure") == 0 && !structure) {
        problem_add(&p, "structure_id",
                    "is required: the person leads no structure (or several) and the scheme "
                    "scores the structure's performance");
        goto invalid;
    }
    char year_s[16], scheme_s[24], eval_s[24], months_s[8], pt_s[32], score[32] = "";
    snprintf(year_s, sizeof year_s, "%" PRId64, year);
    id_text(scheme_id, scheme_s);
    id_text(structure, struct_s);
    id_text(evaluator, eval_s);
    snprintf(months_s, sizeof months_s, "%" PRId64, months);
    rules_decimal_format(part_time, 2, '.', pt_s);
    if (res.has_total)
        rules_decimal_format(res.total, 2, '.', score);
    char *computed_text = rule_json_dumps(computed, JSON_COMPACT);
    const char *params[] = {person_s,
                            year_s,
                            role,
                            scheme_s,
                            plan_s,
                            structure ? struct_s : NULL,
                            evaluator ? eval_s : NULL,
                            as_of,
                            months_s,
                            pt_s,
                            "{}",
                            comments,
                            interview[0] ? interview : NULL,
                            computed_text,
                            score[0] ? score : NULL};
    r = write_row(req, EV_FORM_INSERT, 15, params, &p);
    free(computed_text);
    if (r && PQntuples(r) == 0) {
        problem_add(&p, "person_id", "no person with id %" PRId64, person);
        goto invalid;
    }
    answer_created(req, r, &p, "evaluation-forms", 1, "person");
    r = NULL;
    goto done;
invalid:
    invalid(&p, "the evaluation form is not valid");
fail:
    answer(req, &p);
done:
    PQclear(r);
    json_decref(computed);
    json_decref(ratings);
    json_decref(body);
    problem_clear(&p);
}

void eval_form_get(http_request *req)
{
    form_row f;
    if (!form_load(req, req->ids[0], &f))
        return;
    answer_doc(req, 200, f.r, 1);
    f.r = NULL;
    form_row_clear(&f);
}

void eval_form_list(http_request *req)
{
    list_page pg;
    if (list_page_read(req, &pg) < 0)
        return;
    int bad = 0;
    const char *year = list_filter(req, "year", NULL, &bad);
    const char *role = list_filter(req, "role", eval_roles, &bad);
    const char *status = list_filter(req, "status", form_statuses, &bad);
    char viewer[24];
    id_text(req->who.person_id, viewer); /* 0 matches no form */
    const char *filters[] = {reads_all_forms(req) ? NULL : viewer, year, role, status};
    static const char *const keep[] = {"year", "role", "status", NULL};
    if (!bad)
        answer_page(req, &pg, EV_FORM_LIST, 4, filters, keep);
}

/* Merges a ratings patch (RFC 7396: null removes) into a copy of current. New reference. */
static json_t *merge_ratings(json_t *current, json_t *patch, problem *p)
{
    if (!json_is_object(patch)) {
        problem_add(p, "ratings", "must be an object {behaviour code: rating}");
        return NULL;
    }
    return merge_patch(current, patch);
}

/* An action on a stored form, run by form_action once the form is loaded: it answers (by
 * form_apply, or with a refusal) and returns 0, or returns -1 with p set for form_action to
 * answer. body is a JSON value (an object unless a required body was something else). */
typedef int (*form_act)(http_request *req, form_row *f, json_t *body, problem *p);

/* Reads the body (body_required: a JSON body as for any write; else {} when the body is empty),
 * loads the form the path names (404, or 403 for who may not read it), and runs act. */
static void form_action(http_request *req, int body_required, form_act act)
{
    problem p;
    problem_init(&p);
    json_t *body = body_required ? http_json_body(req) : optional_body(req);
    if (!body)
        return;
    form_row f;
    if (form_load(req, req->ids[0], &f)) {
        if (act(req, &f, body, &p) < 0)
            answer(req, &p);
        form_row_clear(&f);
    }
    json_decref(body);
    problem_clear(&p);
}

/* PATCH: the evaluator rates and comments, the HR office sets months and part-time. */
static int update_form(http_request *req, form_row *f, json_t *body, problem *p)
{
    static const char *const what = "the change to the evaluation form is not valid";
    rules_form_status to;
    if (!if_match_ok(req, f) || !transition_ok(req, f, RULES_FORM_UPDATE, &to))
        return 0;
    static const char *const keys[] = {"ratings", "comments", "interview_date", "months", "part_time", NULL};
    if (!json_is_object(body)) {
        problem_add(p, "", "must be a JSON object");
        return invalid(p, what);
    }
    unknown_keys(body, keys, "", p);
    int evaluator_fields = json_object_get(body, "ratings") || json_object_get(body, "comments") ||
                           json_object_get(body, "interview_date");
    int hr_fields = json_object_get(body, "months") || json_object_get(body, "part_time");
    if (evaluator_fields && !entitled(req, f->role, f->evaluator_id, p))
        return -1;
    if (hr_fields && !((unsigned)req->who.role & (ROLE_ADMIN | ROLE_PLANNER))) {
        problem_set(p, 403, "forbidden", "months of service and part-time are set by the HR office (a planner token)");
        return -1;
    }
    form_change c = change_of(f, RULES_FORM_UPDATE, to);
    c.recompute = 1;
    json_t *rp = json_object_get(body, "ratings");
    json_t *ratings = rp ? merge_ratings(f->ratings, rp, p) : NULL;
    if (rp && !ratings)
        return invalid(p, what);
    if (ratings)
        c.ratings = ratings;
    char interview[11];
    if (json_object_get(body, "comments"))
        c.comments = json_is_null(json_object_get(body, "comments")) ? NULL : body_text(body, "comments", 20000, p);
    if (json_object_get(body, "interview_date"))
        c.interview_date = body_date(body, "interview_date", interview, p) > 0 ? interview : NULL;
    int64_t months = c.months;
    if (int_field(body, "months", 0, 12, &months, p) > 0)
        c.months = (int)months;
    dec_field(body, "part_time", "part_time", 2, 0, 100, &c.part_time, p);
    int rc = problem_count(p) ? invalid(p, what) : 0;
    if (!rc)
        form_apply(req, f, &c);
    json_decref(ratings);
    return rc;
}

void eval_form_patch(http_request *req) { form_action(req, 1, update_form); }

static int sign_form(http_request *req, form_row *f, json_t *body, problem *p)
{
    if (!entitled(req, f->role, f->evaluator_id, p))
        return -1;
    rules_form_status to;
    if (!if_match_ok(req, f) || !transition_ok(req, f, RULES_FORM_SIGN, &to))
        return 0;
    static const char *const keys[] = {"comments", "interview_date", NULL};
    unknown_keys(body, keys, "", p);
    form_change c = change_of(f, RULES_FORM_SIGN, to);
    char interview[11];
    if (json_object_get(body, "comments"))
        c.comments = body_text(body, "comments", 20000, p);
    if (body_date(body, "interview_date", interview, p) > 0)
        c.interview_date = interview;
    if (problem_count(p))
        return invalid(p, "the signature is not valid");
    c.signed_by = req->who.name;
    c.recompute = 1;
    c.require_complete = 1;
    form_apply(req, f, &c);
    return 0;
}

void eval_form_sign(http_request *req) { form_action(req, 0, sign_form); }

/* accept and contest: the person answers a signed evaluation. */
static int person_answers(http_request *req, form_row *f, json_t *body, problem *p, int contest)
{
    if (!req->who.person_id || req->who.person_id != f->person_id) {
        problem_set(p, 403, "not_entitled", "only the person evaluated accepts or contests their evaluation");
        problem_hint(p, "use a token that names person %" PRId64, f->person_id);
        return -1;
    }
    rules_form_action a = contest ? RULES_FORM_CONTEST : RULES_FORM_ACCEPT;
    rules_form_status to;
    if (!if_match_ok(req, f) || !transition_ok(req, f, a, &to))
        return 0;
    static const char *const keys[] = {"reason", NULL};
    unknown_keys(body, keys, "", p);
    const char *reason = body_text(body, "reason", 20000, p);
    if (contest && !reason && !problem_count(p))
        problem_add(p, "reason", "is required: why the evaluation is contested");
    if (!contest && reason)
        problem_add(p, "reason", "is only for contesting");
    if (problem_count(p))
        return invalid(p, "the answer is not valid");
    form_change c = change_of(f, a, to);
    c.contest_reason = reason;
    form_apply(req, f, &c);
    return 0;
}

static int accept_form(http_request *req, form_row *f, json_t *body, problem *p)
{
    return person_answers(req, f, body, p, 0);
}

static int contest_form(http_request *req, form_row *f, json_t *body, problem *p)
{
    return person_answers(req, f, body, p, 1);
}

void eval_form_accept(http_request *req) { form_action(req, 0, accept_form); }
void eval_form_contest(http_request *req) { form_action(req, 0, contest_form); }

static int conciliate_form(http_request *req, form_row *f, json_t *body, problem *p)
{
    rules_form_status to;
    if (!if_match_ok(req, f) || !transition_ok(req, f, RULES_FORM_CONCILIATE, &to))
        return 0;
    static const char *const keys[] = {"note", "ratings", NULL};
    json_t *ratings = NULL;
    if (!json_is_object(body)) {
        problem_add(p, "", "must be a JSON object {note, ratings}");
    } else {
        unknown_keys(body, keys, "", p);
        if (!body_text(body, "note", 20000, p) && !problem_count(p))
            problem_add(p, "note", "is required: the outcome of the conciliation");
        json_t *rp = json_object_get(body, "ratings");
        if (rp)
            ratings = merge_ratings(f->ratings, rp, p);
    }
    if (problem_count(p)) {
        json_decref(ratings);
        return invalid(p, "the conciliation is not valid");
    }
    form_change c = change_of(f, RULES_FORM_CONCILIATE, to);
    c.conciliation_note = json_string_value(json_object_get(body, "note"));
    if (ratings) {
        c.ratings = ratings;
        c.recompute = 1;
        c.require_complete = 1;
    }
    form_apply(req, f, &c);
    json_decref(ratings);
    return 0;
}

void eval_form_conciliate(http_request *req) { form_action(req, 1, conciliate_form); }

/* ------------------------------------------------------------------------- */
/* Bonus distributions                                                       */
/* ------------------------------------------------------------------------- */

static json_t *money_json(int64_t cents) { return rule_json_decimal((rules_decimal){cents * 100}); }

void bonus_distribution_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    json_t *body = http_json_body(req);
    if (!body)
        return;
    PGresult *sr = NULL, *fr = NULL, *r = NULL;
    json_t *def = NULL, *result = NULL;
    rules_bonus_input *in = NULL;
    rules_bonus_output *out = NULL;
    int *scratch = NULL;
    static const char *const keys[] = {"year", "role", "fund", "category", "redistribute", "replaces", NULL};
    int64_t year = 0, replaces = 0;
    rules_decimal fund = {0};
    const char *role = NULL, *category = NULL;
    int redistribute = 1;
    if (!json_is_object(body)) {
        problem_add(&p, "", "must be a JSON object {year, role, fund, category, redistribute}");
        goto invalid;
    }
    unknown_keys(body, keys, "", &p);
    if (int_field(body, "year", 2000, 2100, &year, &p) == 0)
        problem_add(&p, "year", "is required");
    json_t *rv = json_object_get(body, "role");
    role = json_is_string(rv) ? json_string_value(rv) : NULL;
    if (!is_one_of(role, eval_roles))
        problem_add(&p, "role", "must be one of: manager, eq, staff");
    json_t *fv = json_object_get(body, "fund");
    rules_error e;
    memset(&e, 0, sizeof e);
    if (!fv)
        problem_add(&p, "fund", "is required: the fund in euro");
    else if (rule_json_number(fv, 2, "fund", &fund, &e) < 0)
        problem_add(&p, "fund", "%s", e.message);
    else if (fund.units < 0)
        problem_add(&p, "fund", "the fund is below zero");
    category = body_text(body, "category", 32, &p);
    json_t *rd = json_object_get(body, "redistribute");
    if (rd && !json_is_boolean(rd))
        problem_add(&p, "redistribute", "must be true or false");
    redistribute = !rd || json_is_true(rd);
    int_field(body, "replaces", 1, INT64_MAX, &replaces, &p); /* the distribution this one replaces (sql/015) */
    if (problem_count(&p))
        goto invalid;
    if (call->scope && strtoll(call->scope, NULL, 10) != req->ids[0]) {
        problem_set(&p, 404, "not_found", "no entity with id %" PRId64, req->ids[0]);
        goto fail;
    }
    char eid[24], year_s[16];
    id_text(req->ids[0], eid);
    snprintf(year_s, sizeof year_s, "%" PRId64, year);
    const char *sp[] = {call->scope, eid, year_s, role};
    if (!(sr = store_eval(call->db, EV_SCHEME_FIND, 4, sp, &p)))
        goto fail;
    if (PQntuples(sr) == 0) {
        problem_add(&p, "role", "no evaluation scheme for %s in %" PRId64 ": its bands and premium decide the bonus",
                    role, year);
        goto invalid;
    }
    def = json_loads(PQgetvalue(sr, 0, 1), 0, NULL);
    scheme_def sd;
    if (!def || scheme_decode(def, role, &sd, &p) > 0)
        goto invalid;
    const char *fp[] = {call->scope, eid, year_s, role, category};
    if (!(fr = store_eval(call->db, EV_FORM_FUND, 5, fp, &p)))
        goto fail;
    int n = PQntuples(fr);
    if (n == 0) {
        problem_add(&p, "role", "no evaluation form of %s%s%s in %" PRId64, role, category ? " in category " : "",
                    category ? category : "", year);
        goto invalid;
    }
    for (int i = 0; i < n; i++) {
        const char *status = PQgetvalue(fr, i, 5);
        rules_form_status st = RULES_FORM_DRAFT;
        rules_form_status_parse(status, &st);
        if (!rules_form_is_final(st) || PQgetisnull(fr, i, 6)) {
            char path[48];
            snprintf(path, sizeof path, "forms[%s]", PQgetvalue(fr, i, 0));
            problem_add(&p, path, "the evaluation of %s is %s: %s it first", PQgetvalue(fr, i, 2), status,
                        st == RULES_FORM_DRAFT ? "sign" : "conciliate");
        }
    }
    if (problem_count(&p)) {
        problem_set(&p, 422, "forms_not_final",
                    "every evaluation must be signed (and any contest conciliated) "
                    "before the bonus is distributed");
        goto fail;
    }
    in = calloc((size_t)n, sizeof *in);
    out = calloc((size_t)n, sizeof *out);
    scratch = calloc((size_t)n, sizeof *scratch);
    if (!in || !out || !scratch) {
        problem_set(&p, 503, "out_of_memory", "try again");
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        in[i].score = col_dec(fr, i, 6);
        in[i].months = atoi(PQgetvalue(fr, i, 7));
        in[i].part_time = col_dec(fr, i, 8);
        in[i].tiebreak = col_id(fr, i, 1);
    }
    rules_bonus_result res;
    memset(&e, 0, sizeof e);
    if (rules_bonus_distribute(&sd.s, fund.units / 100, redistribute, in, out, (size_t)n, scratch, &res, &e) < 0) {
        problem_add(&p, e.field[0] ? e.field : "fund", "%s", e.message);
        goto invalid;
    }
    json_t *people = json_array();
    for (int i = 0; i < n; i++) {
        json_t *pj = json_pack(
            "{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:i, s:b, s:o, s:o, s:o, s:s}", "form_id",
            (json_int_t)col_id(fr, i, 0), "person_id", (json_int_t)col_id(fr, i, 1), "name", PQgetvalue(fr, i, 2),
            "external_id", PQgetisnull(fr, i, 3) ? json_null() : json_string(PQgetvalue(fr, i, 3)), "category",
            PQgetisnull(fr, i, 4) ? json_null() : json_string(PQgetvalue(fr, i, 4)), "score",
            rule_json_decimal(in[i].score), "band", out[i].band >= 0 ? json_integer(out[i].band) : json_null(),
            "coefficient", rule_json_decimal(out[i].coefficient), "months", in[i].months, "part_time",
            rule_json_decimal(in[i].part_time), "rank", out[i].rank, "premium", out[i].premium, "base",
            money_json(out[i].base_cents), "premium_amount", money_json(out[i].premium_cents), "bonus",
            money_json(out[i].bonus_cents), "explanation", out[i].explanation);
        json_array_append_new(people, pj);
    }
    result = json_pack("{s:i, s:i, s:i, s:o, s:o, s:s, s:o}", "people_count", res.n_people, "eligible", res.n_eligible,
                       "premiums", res.n_premium, "average", money_json(res.average_cents), "premium_amount",
                       money_json(res.premium_cents), "explanation", res.explanation, "people", people);
    char *result_text = rule_json_dumps(result, JSON_COMPACT);
    char scheme_s[24], fund_s[32], dist_s[32], rem_s[32], replaces_s[24];
    id_text(col_id(sr, 0, 0), scheme_s);
    id_text(replaces, replaces_s);
    rules_decimal_format(fund, 2, '.', fund_s);
    rules_decimal_format((rules_decimal){res.distributed_cents * 100}, 2, '.', dist_s);
    rules_decimal_format((rules_decimal){res.remainder_cents * 100}, 2, '.', rem_s);
    const char *ip[] = {eid,
                        year_s,
                        role,
                        category,
                        scheme_s,
                        fund_s,
                        redistribute ? "true" : "false",
                        dist_s,
                        rem_s,
                        result_text,
                        replaces ? replaces_s : NULL};
    r = write_row(req, EV_DIST_INSERT, 11, ip, &p);
    free(result_text);
    answer_created(req, r, &p, "bonus-distributions", -1, "entity");
    r = NULL;
    goto done;
invalid:
    invalid(&p, "the bonus distribution is not valid");
fail:
    answer(req, &p);
done:
    PQclear(sr);
    PQclear(fr);
    PQclear(r);
    json_decref(def);
    json_decref(result);
    json_decref(body);
    free(in);
    free(out);
    free(scratch);
    problem_clear(&p);
}

void bonus_distribution_list(http_request *req)
{
    list_page pg;
    if (list_page_read(req, &pg) < 0)
        return;
    char eid[24];
    id_text(req->ids[0], eid);
    const char *filters[] = {eid};
    answer_page(req, &pg, EV_DIST_LIST, 1, filters, NULL);
}

/* A money cell for payroll: "1234,56". */
static void csv_money(buf *b, json_t *v)
{
    rules_decimal d = {0};
    char s[32];
    rule_json_number(v, 2, "bonus", &d, NULL);
    csv_cell_number(b, rules_decimal_format(d, 2, ',', s), 0);
}

void bonus_distribution_get(http_request *req)
{
    PGresult *r = row_or_answer(req, EV_DIST_GET, req->ids[0], "bonus distribution");
    if (!r)
        return;
    if (!http_wants_csv(req)) {
        answer_doc(req, 200, r, -1);
        return;
    }
    /* the payroll file (ERP): one row per person, amounts with a decimal comma */
    json_t *doc = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    PQclear(r);
    static const char *const names[] = {"external_id", "name",      "category", "score",          "coefficient",
                                        "months",      "part_time", "premium",  "premium_amount", "bonus"};
    buf b;
    buf_init(&b, 0);
    csv_header(&b, names, 10);
    size_t i;
    json_t *pj;
    json_array_foreach(json_object_get(doc, "people"), i, pj)
    {
        for (int k = 0; k < 8; k++)
            csv_cell_json(&b, json_object_get(pj, names[k]), k == 0);
        csv_money(&b, json_object_get(pj, "premium_amount"));
        csv_money(&b, json_object_get(pj, "bonus"));
        csv_row_end(&b);
    }
    snprintf(req->res.disposition, sizeof req->res.disposition,
             "attachment; filename=\"premi-%" PRId64 "-%" JSON_INTEGER_FORMAT "-%s.csv\"", req->ids[0],
             json_integer_value(json_object_get(doc, "year")), json_string_value(json_object_get(doc, "role")));
    json_decref(doc);
    size_t len;
    char *body = buf_steal(&b, &len);
    http_body(req, 200, "text/csv; charset=utf-8", body, len);
}
