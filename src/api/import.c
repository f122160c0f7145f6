/* import.c — the plan document in (validation, then a few set-based statements) and out. */
#include "api/import.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "codec/check_words.h"
#include "api/erp.h"
#include "api/idempotency.h"
#include "store/plan_model.h"
#include "api/validate.h"
#include "codec/json_limits.h"
#include "codec/method_json.h"
#include "codec/rule_json.h"
#include "core/arena.h"
#include "core/log.h"
#include "store/erp.h"
#include "store/import.h"
#include "store/lifecycle.h"
#include "store/plan_doc.h"

#define IMPORT_TIMEOUT_MS 600000
#define MAX_WARNINGS 1000
#define ANALYZE_FROM 2000 /* objectives: a load this large changes the tables' statistics */
#define PATH_MAX_LEN 256

/* ----------------------------------------------------------------------------------- */
/* Small helpers                                                                       */
/* ----------------------------------------------------------------------------------- */

static void pathf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pathf(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, PATH_MAX_LEN, fmt, ap);
    va_end(ap);
}

/* A shallow copy of obj without the keys listed (NULL-terminated). New reference. */
static json_t *without(json_t *obj, const char *const *keys)
{
    json_t *cp = json_copy(obj);
    for (const char *const *k = keys; cp && *k; k++)
        json_object_del(cp, *k);
    return cp;
}

/* The index of field name in r, or -1. */
static int field_index(const resource_spec *r, const char *name)
{
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return i;
    return -1;
}

static const char *fv(const resource_spec *r, const field_values *v, const char *name)
{
    int i = field_index(r, name);
    return i < 0 ? NULL : v->v[i];
}

/* A row of r's fields (REF fields left out) with the validated text values. New reference. */
static json_t *row_of(const resource_spec *r, const field_values *v)
{
    json_t *row = json_object();
    for (int i = 0; i < r->nfields && i < VALUES_MAX; i++) {
        if (r->fields[i].type == FT_REF || (r->fields[i].flags & F_SERVER))
            continue;
        json_object_set_new(row, r->fields[i].name, v->v[i] ? json_string(v->v[i]) : json_null());
    }
    return row;
}

/* A string member, or NULL with an error when it is there and not a non-empty string. */
static const char *code_member(json_t *obj, const char *key, const char *path, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return NULL;
    char fp[PATH_MAX_LEN];
    pathf(fp, "%s%s%s", path, *path ? "." : "", key);
    if (!json_is_string(v) || !*json_string_value(v)) {
        problem_add(p, fp, "must be a non-empty string (a code)");
        return NULL;
    }
    if (json_string_length(v) > 64) {
        problem_add(p, fp, "is longer than 64 characters");
        return NULL;
    }
    return json_string_value(v);
}

static void refuse_ids(json_t *obj, const char *path, const char *const *keys, const char *const *instead,
                       problem *p)
{
    for (int i = 0; keys[i]; i++)
        if (json_object_get(obj, keys[i])) {
            char fp[PATH_MAX_LEN];
            pathf(fp, "%s.%s", path, keys[i]);
            problem_add(p, fp, "is not part of a plan document: use %s", instead[i]);
        }
}

/* ----------------------------------------------------------------------------------- */
/* Structures and people (shared with the ERP feeds)                                   */
/* ----------------------------------------------------------------------------------- */

void org_rows_init(org_rows *o)
{
    o->structures = json_array();
    o->people = json_array();
    o->structure_index = json_object();
    o->person_index = json_object();
    o->structure_paths = json_object();
    o->person_paths = json_object();
    o->structure_refs = json_object();
    o->person_refs = json_object();
    o->parents = json_object();
}

void org_rows_free(org_rows *o)
{
    json_t **all[] = {&o->structures,      &o->people,         &o->structure_index,
                      &o->person_index,    &o->structure_paths, &o->person_paths,
                      &o->structure_refs,  &o->person_refs,    &o->parents};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        json_decref(*all[i]);
        *all[i] = NULL;
    }
}

static void add_ref(json_t *refs, const char *code, const char *path)
{
    json_t *list = json_object_get(refs, code);
    if (!list) {
        list = json_array();
        json_object_set_new(refs, code, list);
    }
    json_array_append_new(list, json_string(path));
}

void org_ref_structure(org_rows *o, const char *code, const char *path) { add_ref(o->structure_refs, code, path); }
void org_ref_person(org_rows *o, const char *external_id, const char *path) { add_ref(o->person_refs, external_id, path); }

void org_add_person(org_rows *o, json_t *obj, const char *path, problem *p)
{
    field_values v;
    if (validate_object(&model_people, obj, VALIDATE_CREATE, path, &v, p) < 0)
        return;
    const char *ext = fv(&model_people, &v, "external_id");
    char fp[PATH_MAX_LEN];
    pathf(fp, "%s%sexternal_id", path, *path ? "." : "");
    if (!ext || !*ext) {
        problem_add(p, fp, "is required: people are matched by external_id");
    } else if (json_object_get(o->person_index, ext)) {
        problem_add(p, fp, "%s is already used by %s", ext,
                    json_string_value(json_object_get(o->person_paths, ext)));
    } else {
        json_object_set_new(o->person_index, ext, json_integer((json_int_t)json_array_size(o->people)));
        json_object_set_new(o->person_paths, ext, json_string(path));
        json_array_append_new(o->people, row_of(&model_people, &v));
    }
    field_values_free(&v);
}

void org_add_structure(org_rows *o, json_t *obj, const char *path, problem *p)
{
    static const char *const doc_keys[] = {"parent_code", "manager", NULL};
    static const char *const ids[] = {"parent_id", "manager_id", NULL};
    static const char *const instead[] = {"parent_code (a structure code)", "manager (a person's external_id)"};
    if (!json_is_object(obj)) {
        problem_add(p, path, "must be a JSON object");
        problem_set(p, 422, "validation_failed", "the structure is not valid");
        return;
    }
    int before = problem_count(p);
    refuse_ids(obj, path, ids, instead, p);
    const char *parent = code_member(obj, "parent_code", path, p);
    const char *manager = code_member(obj, "manager", path, p);
    char fp[PATH_MAX_LEN];
    json_t *own = json_object_get(obj, "code");
    if (parent && !(json_is_string(own) && strcmp(json_string_value(own), parent) == 0)) {
        pathf(fp, "%s%sparent_code", path, *path ? "." : "");
        org_ref_structure(o, parent, fp); /* recorded even when the row is invalid: every error is told */
    }
    if (manager) {
        pathf(fp, "%s%smanager", path, *path ? "." : "");
        org_ref_person(o, manager, fp);
    }
    json_t *cp = without(obj, doc_keys);
    field_values v;
    int rc = validate_object(&model_structures, cp, VALIDATE_CREATE, path, &v, p);
    json_decref(cp);
    if (rc < 0 || problem_count(p) > before) {
        if (rc == 0)
            field_values_free(&v);
        problem_set(p, 422, "validation_failed", "the structure is not valid");
        return;
    }
    const char *code = fv(&model_structures, &v, "code");
    if (json_object_get(o->structure_index, code)) {
        pathf(fp, "%s%scode", path, *path ? "." : "");
        problem_add(p, fp, "%s is already used by %s", code,
                    json_string_value(json_object_get(o->structure_paths, code)));
        problem_set(p, 422, "validation_failed", "the structure is not valid");
        field_values_free(&v);
        return;
    }
    json_t *row = row_of(&model_structures, &v);
    json_object_set_new(row, "parent_code", parent ? json_string(parent) : json_null());
    if (manager || json_object_get(obj, "manager")) /* absent: an existing structure keeps its manager */
        json_object_set_new(row, "manager", manager ? json_string(manager) : json_null());
    json_object_set_new(o->structure_index, code, json_integer((json_int_t)json_array_size(o->structures)));
    json_object_set_new(o->structure_paths, code, json_string(path));
    json_array_append_new(o->structures, row);
    if (parent) {
        pathf(fp, "%s%sparent_code", path, *path ? "." : "");
        if (strcmp(parent, code) == 0)
            problem_add(p, fp, "a structure cannot be its own parent");
        json_object_set_new(o->parents, code, json_string(parent));
    }
    field_values_free(&v);
}

/* Codes referred to but not defined by the rows, as a JSON array text (malloc'd). */
static char *undefined_codes(json_t *refs, json_t *index)
{
    json_t *arr = json_array();
    const char *code;
    json_t *v;
    json_object_foreach(refs, code, v)
    {
        (void)v;
        if (!json_object_get(index, code))
            json_array_append_new(arr, json_string(code));
    }
    char *s = rule_json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

static void report_unknown(json_t *refs, json_t *index, json_t *known, const char *what, problem *p)
{
    const char *code;
    json_t *paths;
    json_object_foreach(refs, code, paths)
    {
        if (json_object_get(index, code) || json_object_get(known, code))
            continue;
        size_t i;
        json_t *path;
        json_array_foreach(paths, i, path)
        problem_add(p, json_string_value(path), "no %s %s in the document or the entity", what, code);
    }
}

int org_resolve(org_rows *o, store_conn *c, int64_t entity, problem *p)
{
    json_t *known_s = json_object(), *known_p = json_object();
    int rc = 0;
    if (entity > 0 && c) {
        char *s = undefined_codes(o->structure_refs, o->structure_index);
        char *q = undefined_codes(o->person_refs, o->person_index);
        PGresult *r = NULL;
        if (s && q && (strcmp(s, "[]") != 0 || strcmp(q, "[]") != 0)) {
            problem tmp;
            problem_init(&tmp);
            if (store_known_codes(c, entity, s, q, &r, &tmp) < 0) {
                problem_set(p, tmp.status, tmp.code, "%s", tmp.detail);
                problem_clear(&tmp);
                rc = -1;
            }
            for (int i = 0; r && i < PQntuples(r); i++)
                json_object_set_new(PQgetvalue(r, i, 0)[0] == 's' ? known_s : known_p, PQgetvalue(r, i, 1),
                                    json_true());
            PQclear(r);
        }
        free(s);
        free(q);
    }
    if (rc == 0) {
        int before = problem_count(p);
        report_unknown(o->structure_refs, o->structure_index, known_s, "structure with code", p);
        report_unknown(o->person_refs, o->person_index, known_p, "person with external_id", p);
        /* cycles among the parents given here (each walk is bounded by the row count) */
        const char *code;
        json_t *par;
        size_t n = json_object_size(o->parents);
        json_object_foreach(o->parents, code, par)
        {
            const char *at = json_string_value(par);
            for (size_t steps = 0; at && steps <= n; steps++) {
                if (strcmp(at, code) == 0) {
                    char fp[PATH_MAX_LEN];
                    pathf(fp, "%s.parent_code", json_string_value(json_object_get(o->structure_paths, code)));
                    problem_add(p, fp, "the parents of %s loop back to it", code);
                    break;
                }
                json_t *next = json_object_get(o->parents, at);
                at = next ? json_string_value(next) : NULL;
            }
        }
        if (problem_count(p) > before)
            problem_set(p, 422, "validation_failed", "the document is not valid");
    }
    json_decref(known_s);
    json_decref(known_p);
    return rc;
}

static json_t *counts_of(int64_t ins, int64_t upd)
{
    return json_pack("{sIsI}", "inserted", (json_int_t)ins, "updated", (json_int_t)upd);
}

int org_write(org_rows *o, store_conn *c, const store_actor *who, int64_t entity, json_t *counts, problem *p)
{
    int64_t ins = 0, upd = 0;
    if (json_array_size(o->people) > 0) {
        char *rows = rule_json_dumps(o->people, JSON_COMPACT);
        int rc = rows ? store_people_upsert(c, who, entity, rows, &ins, &upd, p)
                      : problem_set(p, 503, "out_of_memory", "the server is out of memory");
        free(rows);
        if (rc < 0)
            return -1;
    }
    json_object_set_new(counts, "people", counts_of(ins, upd));
    ins = upd = 0;
    if (json_array_size(o->structures) > 0) {
        char *rows = rule_json_dumps(o->structures, JSON_COMPACT);
        int rc = rows ? store_structures_upsert(c, who, entity, rows, &ins, &upd, p)
                      : problem_set(p, 503, "out_of_memory", "the server is out of memory");
        free(rows);
        if (rc < 0)
            return -1;
    }
    json_object_set_new(counts, "structures", counts_of(ins, upd));
    return 0;
}

/* ----------------------------------------------------------------------------------- */
/* The plan document                                                                   */
/* ----------------------------------------------------------------------------------- */

/* What the validation gathers: rows for the store and the plan as the checker sees it. */
typedef struct doc_state {
    problem *p;
    org_rows org;
    json_t *objectives, *assignments, *phases, *indicators; /* rows */
    json_t *objective_index;  /* code → index */
    json_t *indicator_paths;  /* code → path of its first use */
    field_values plan;        /* model_plans values */
    int plan_ok;
    int year;
    const char *deliberation[3]; /* number, date, body (borrowed from the document) */
    char deliberation_date[11];
    /* the checker's view */
    arena mem;
    rules_objective *r_obj;
    rules_assignee *r_asg;
    rules_assignment *r_a;
    rules_phase *r_ph;
    rules_indicator *r_ind;
    int *a_sub, *ph_sub, *ind_sub; /* position inside the objective */
    char **asg_path;               /* the document path of an assignee, or NULL */
    int n_obj, n_asg, n_a, n_ph, n_ind;
    json_t *assignee_index;        /* "s:CODE" / "p:ID" → index */
    int year_to;
    /* the checker's context (texts borrowed from the document, numbers written into mem) */
    rules_check_objective *c_obj;
    rules_check_phase *c_ph;
    rules_check_indicator *c_ind;
    unsigned char *a_weighted;
    rules_check_assignment *c_a;
    int first_adoption;            /* 1: the deliberation is the plan's first adoption */
    rules_rule *nodes;             /* scratch for decoding rules */
} doc_state;

static const char *const plan_keys[] = {"format", "entity_id", "entity", "year", "kind", "title", "deliberation",
                                        "structures", "people", "objectives", "method", NULL};

static int dec_of(const char *text, rules_decimal *d)
{
    return text && rules_decimal_parse_plain(text, 4, d, NULL) == 0;
}

static int assignee_of(doc_state *s, const char *kind, const char *code)
{
    char key[80];
    snprintf(key, sizeof key, "%s:%s", kind, code);
    json_t *v = json_object_get(s->assignee_index, key);
    if (v)
        return (int)json_integer_value(v);
    int a = s->n_asg++;
    json_object_set_new(s->assignee_index, key, json_integer(a));
    s->r_asg[a].code = code;
    s->r_asg[a].is_manager = 0;
    json_t *path = json_object_get(kind[0] == 's' ? s->org.structure_paths : s->org.person_paths, code);
    s->asg_path[a] = path ? arena_strdup(&s->mem, json_string_value(path)) : NULL;
    return a;
}

static void check_assignment(doc_state *s, json_t *a, int oi, int k, json_t *seen)
{
    problem *p = s->p;
    char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
    pathf(path, "objectives[%d].assignments[%d]", oi, k);
    if (!json_is_object(a)) {
        problem_add(p, path, "must be a JSON object");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v)
    {
        if (strcmp(key, "structure_code") && strcmp(key, "person_external_id") && !model_field(&model_assignments, key)) {
            pathf(fp, "%s.%s", path, key);
            problem_add(p, fp, "is not a field of an assignment (structure_code, person_external_id, weight, scope, "
                               "slot)");
        }
    }
    int before = problem_count(p);
    const char *sc = code_member(a, "structure_code", path, p);
    const char *pc = code_member(a, "person_external_id", path, p);
    static const char *const own[] = {"weight", "scope", "slot", NULL};
    json_t *wobj = json_object();
    for (int i = 0; own[i]; i++)
        if (json_object_get(a, own[i]))
            json_object_set(wobj, own[i], json_object_get(a, own[i]));
    field_values v2;
    int rc = validate_object(&model_assignments, wobj, VALIDATE_CREATE, path, &v2, p);
    json_decref(wobj);
    if ((sc != NULL) == (pc != NULL)) {
        if (problem_count(p) == before)
            problem_add(p, path, "give exactly one of structure_code and person_external_id");
    } else {
        char seen_key[80];
        snprintf(seen_key, sizeof seen_key, "%s:%s", sc ? "s" : "p", sc ? sc : pc);
        pathf(fp, "%s.%s", path, sc ? "structure_code" : "person_external_id");
        json_t *dup = json_object_get(seen, seen_key);
        if (dup)
            problem_add(p, fp, "the objective is already assigned to %s (%s)", sc ? sc : pc, json_string_value(dup));
        else
            json_object_set_new(seen, seen_key, json_string(path));
        if (sc)
            org_ref_structure(&s->org, sc, fp);
        else
            org_ref_person(&s->org, pc, fp);
    }
    if (rc < 0 || problem_count(p) > before) {
        if (rc == 0)
            field_values_free(&v2);
        return;
    }
    const char *weight = fv(&model_assignments, &v2, "weight");
    json_t *row = json_object();
    json_object_set_new(row, "ord", json_integer(oi));
    json_object_set_new(row, "structure_code", sc ? json_string(sc) : json_null());
    json_object_set_new(row, "person_external_id", pc ? json_string(pc) : json_null());
    json_object_set_new(row, "weight", weight ? json_string(weight) : json_null());
    const char *scope = fv(&model_assignments, &v2, "scope"), *slot = fv(&model_assignments, &v2, "slot");
    json_object_set_new(row, "scope", scope ? json_string(scope) : json_null());
    json_object_set_new(row, "slot", slot ? json_string(slot) : json_null());
    json_array_append_new(s->assignments, row);
    int ai = s->n_a++;
    s->r_a[ai].objective = oi;
    s->r_a[ai].assignee = assignee_of(s, sc ? "s" : "p", sc ? sc : pc);
    rules_decimal d = {0};
    dec_of(weight, &d);
    s->r_a[ai].weight = d;
    s->a_weighted[ai] = weight != NULL;
    s->c_a[ai].scope = checks_scope(json_string_value(json_object_get(a, "scope")));
    s->c_a[ai].slot = json_is_integer(json_object_get(a, "slot")) ? (int)json_integer_value(json_object_get(a, "slot")) : 0;
    s->a_sub[ai] = k;
    field_values_free(&v2);
}

static void check_phase(doc_state *s, json_t *ph, int oi, int k, json_t *seqs)
{
    static const char *const doc_keys[] = {"id", NULL};
    problem *p = s->p;
    char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
    pathf(path, "objectives[%d].phases[%d]", oi, k);
    json_t *cp = json_is_object(ph) ? without(ph, doc_keys) : json_incref(ph);
    field_values v;
    int rc = validate_object(&model_phases, cp, VALIDATE_CREATE, path, &v, p);
    json_decref(cp);
    if (rc < 0)
        return;
    const char *seq = fv(&model_phases, &v, "seq");
    json_t *dup = json_object_get(seqs, seq);
    int bad = 0;
    if (dup) {
        pathf(fp, "%s.seq", path);
        problem_add(p, fp, "seq %s is already used by %s", seq, json_string_value(dup));
        bad = 1;
    } else {
        json_object_set_new(seqs, seq, json_string(path));
    }
    const char *start = fv(&model_phases, &v, "start"), *deadline = fv(&model_phases, &v, "deadline");
    if (start && deadline && strcmp(start, deadline) > 0) {
        pathf(fp, "%s.deadline", path);
        problem_add(p, fp, "the deadline %s is before the start %s", deadline, start);
        bad = 1;
    }
    if (!bad) {
        json_t *row = row_of(&model_phases, &v);
        json_object_set_new(row, "ord", json_integer(oi));
        json_array_append_new(s->phases, row);
        int j = s->n_ph++;
        rules_phase *rp = &s->r_ph[j];
        rp->objective = oi;
        rp->has_weight = dec_of(fv(&model_phases, &v, "weight"), &rp->weight);
        rp->has_cumulative = dec_of(fv(&model_phases, &v, "cumulative"), &rp->cumulative);
        rp->has_deadline = deadline && rules_date_parse_iso(deadline, &rp->deadline, NULL) == 0;
        s->c_ph[j].seq = atoi(seq);
        s->c_ph[j].description = json_string_value(json_object_get(ph, "description"));
        s->ph_sub[j] = k;
    }
    field_values_free(&v);
}

/* A target or baseline as the checker reads it: a string as written, a number as JSON
 * writes it (in s->mem); NULL for anything else. */
static const char *value_text(doc_state *s, json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (!json_is_number(v))
        return NULL;
    char *t = rule_json_dumps(v, JSON_ENCODE_ANY);
    const char *copy = t ? arena_strdup(&s->mem, t) : NULL;
    free(t);
    return copy;
}

static void check_indicator(doc_state *s, json_t *ind, int oi, int k)
{
    static const char *const doc_keys[] = {"id", NULL};
    problem *p = s->p;
    char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
    pathf(path, "objectives[%d].indicators[%d]", oi, k);
    json_t *cp = json_is_object(ind) ? without(ind, doc_keys) : json_incref(ind);
    field_values v;
    int rc = validate_object(&model_indicators, cp, VALIDATE_CREATE, path, &v, p);
    json_decref(cp);
    const rules_rule *rule = NULL;
    json_t *rj = json_is_object(ind) ? json_object_get(ind, "rule") : NULL;
    int bad = rc < 0;
    if (json_is_object(rj)) {
        rules_error err;
        memset(&err, 0, sizeof err);
        size_t used = 0;
        pathf(fp, "%s.rule", path);
        if (rule_json_decode(rj, fp, s->nodes, RULE_JSON_MAX_NODES, &used, &err) < 0) {
            if (err.hint[0])
                problem_add(p, err.field[0] ? err.field : fp, "%s: %s", err.message, err.hint);
            else
                problem_add(p, err.field[0] ? err.field : fp, "%s", err.message);
            problem_set(p, 422, "validation_failed", "the document is not valid");
            bad = 1;
        } else {
            rule = plan_model_keep_rule(&s->mem, s->nodes, used);
        }
    }
    if (rc < 0)
        return;
    const char *code = fv(&model_indicators, &v, "code");
    json_t *dup = json_object_get(s->indicator_paths, code);
    if (dup) {
        pathf(fp, "%s.code", path);
        problem_add(p, fp, "%s is already used by %s: indicator codes are unique in the plan", code,
                    json_string_value(dup));
        problem_set(p, 422, "validation_failed", "the document is not valid");
        bad = 1;
    } else {
        json_object_set_new(s->indicator_paths, code, json_string(path));
    }
    if (!bad) {
        json_t *row = row_of(&model_indicators, &v);
        json_object_set_new(row, "ord", json_integer(oi));
        json_array_append_new(s->indicators, row);
        int j = s->n_ind++;
        rules_indicator *ri = &s->r_ind[j];
        ri->code = json_string_value(json_object_get(ind, "code"));
        ri->objective = oi;
        dec_of(fv(&model_indicators, &v, "weight"), &ri->weight);
        ri->rule = rule;
        ri->state = RULES_NOT_MEASURED;
        method_indicator_target(ri, json_object_get(ind, "target"), fv(&model_indicators, &v, "value_type"),
                                fv(&model_indicators, &v, "direction"), s->year);
        rules_check_indicator *ci = &s->c_ind[j];
        ci->name = json_string_value(json_object_get(ind, "name"));
        ci->target = value_text(s, json_object_get(ind, "target"));
        ci->baseline = value_text(s, json_object_get(ind, "baseline"));
        ci->direction = checks_direction(fv(&model_indicators, &v, "direction"));
        const char *vt = fv(&model_indicators, &v, "value_type");
        ci->date_valued = vt && strcmp(vt, "date") == 0;
        s->ind_sub[j] = k;
    }
    field_values_free(&v);
}

static json_t *array_member(json_t *obj, const char *key, const char *path, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        char fp[PATH_MAX_LEN];
        pathf(fp, "%s%s%s", path, *path ? "." : "", key);
        problem_add(p, fp, "must be an array");
        problem_set(p, 422, "validation_failed", "the document is not valid");
        return NULL;
    }
    return v;
}

/* The change a revision document declares for an objective ("inserted", "modified": the
 * deliberation's list), or NULL when it declares none; an error for any other value. */
static const char *revision_mark_of(json_t *o, const char *path, problem *p)
{
    json_t *v = json_object_get(o, "revision_mark");
    if (!v || json_is_null(v))
        return NULL;
    const char *m = json_string_value(v);
    if (m && (strcmp(m, "inserted") == 0 || strcmp(m, "modified") == 0))
        return m;
    char fp[PATH_MAX_LEN];
    pathf(fp, "%s.revision_mark", path);
    problem_add(p, fp, "must be \"inserted\", \"modified\" or null (the change the deliberation declares)");
    return NULL;
}

static void check_objective(doc_state *s, json_t *o, int oi)
{
    static const char *const doc_keys[] = {"id", "parent_code", "assignments", "phases", "indicators",
                                           "participants", "revision_mark", NULL};
    static const char *const ids[] = {"parent_id", NULL};
    static const char *const instead[] = {"parent_code (an objective code of the document)"};
    problem *p = s->p;
    char path[PATH_MAX_LEN], fp[PATH_MAX_LEN];
    pathf(path, "objectives[%d]", oi);
    if (!json_is_object(o)) {
        problem_add(p, path, "must be a JSON object");
        return;
    }
    int before = problem_count(p);
    refuse_ids(o, path, ids, instead, p);
    json_t *part = json_object_get(o, "participants");
    if (part && !json_is_null(part) && !(json_is_array(part) && json_array_size(part) == 0)) {
        pathf(fp, "%s.participants", path);
        problem_add(p, fp, "participants are not stored by this server: leave the list empty");
    }
    const char *parent = code_member(o, "parent_code", path, p);
    const char *mark = revision_mark_of(o, path, p);
    json_t *cp = without(o, doc_keys);
    field_values v;
    int rc = validate_object(&model_objectives, cp, VALIDATE_CREATE, path, &v, p);
    json_decref(cp);
    int parent_ord = -1;
    if (parent) {
        json_t *pi = json_object_get(s->objective_index, parent);
        pathf(fp, "%s.parent_code", path);
        if (!pi)
            problem_add(p, fp, "no objective with code %s in the document", parent);
        else if ((parent_ord = (int)json_integer_value(pi)) == oi)
            problem_add(p, fp, "an objective cannot be its own parent");
    }
    s->r_obj[oi].parent = parent_ord >= 0 && parent_ord != oi ? parent_ord : -1;
    s->r_obj[oi].code = json_string_value(json_object_get(o, "code"));
    s->r_obj[oi].payment_timeliness = json_is_true(json_object_get(o, "payment_timeliness"));
    s->c_obj[oi].title = json_string_value(json_object_get(o, "title"));
    s->c_obj[oi].level = checks_level(json_string_value(json_object_get(o, "level")));
    s->c_obj[oi].routine = json_is_true(json_object_get(o, "routine"));
    s->c_obj[oi].year_from = (int)json_integer_value(json_object_get(o, "start_year"));
    s->c_obj[oi].year_to = (int)json_integer_value(json_object_get(o, "end_year"));
    s->c_obj[oi].scope = checks_scope(json_string_value(json_object_get(o, "scope")));
    json_t *notes = json_object_get(o, "notes");
    s->c_obj[oi].n_notes = json_is_array(notes) ? (int)json_array_size(notes) : 0;
    s->c_obj[oi].note = json_string_value(json_array_get(notes, 0));
    if (rc == 0) {
        const char *sy = fv(&model_objectives, &v, "start_year"), *ey = fv(&model_objectives, &v, "end_year");
        if (sy && ey && atoi(ey) < atoi(sy)) {
            pathf(fp, "%s.end_year", path);
            problem_add(p, fp, "end_year %s is before start_year %s", ey, sy);
        }
        if (ey && atoi(ey) > s->year_to)
            s->year_to = atoi(ey);
        if (problem_count(p) == before) {
            json_t *row = row_of(&model_objectives, &v);
            json_object_set_new(row, "ord", json_integer(oi));
            json_object_set_new(row, "parent_ord", parent_ord >= 0 ? json_integer(parent_ord) : json_null());
            json_object_set_new(row, "revision_mark", mark ? json_string(mark) : json_null());
            json_array_append_new(s->objectives, row);
        }
        field_values_free(&v);
    }
    json_t *list, *item;
    size_t k;
    json_t *seen = json_object();
    if ((list = array_member(o, "assignments", path, p)))
        json_array_foreach(list, k, item) check_assignment(s, item, oi, (int)k, seen);
    json_object_clear(seen);
    if ((list = array_member(o, "phases", path, p)))
        json_array_foreach(list, k, item) check_phase(s, item, oi, (int)k, seen);
    json_decref(seen);
    if ((list = array_member(o, "indicators", path, p)))
        json_array_foreach(list, k, item) check_indicator(s, item, oi, (int)k);
    if (problem_count(p) > before)
        problem_set(p, 422, "validation_failed", "the document is not valid");
}

static void check_deliberation(doc_state *s, json_t *d)
{
    problem *p = s->p;
    if (!d || json_is_null(d))
        return;
    if (!json_is_object(d)) {
        problem_add(p, "deliberation", "must be an object {number, date, body}");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(d, key, v)
    {
        if (strcmp(key, "number") && strcmp(key, "date") && strcmp(key, "body")) {
            char fp[PATH_MAX_LEN];
            pathf(fp, "deliberation.%s", key);
            problem_add(p, fp, "is not a field of a deliberation (number, date, body)");
        }
    }
    json_t *num = json_object_get(d, "number"), *date = json_object_get(d, "date"), *body = json_object_get(d, "body");
    if (!json_is_string(num) || !*json_string_value(num) || json_string_length(num) > 64)
        problem_add(p, "deliberation.number", "is required: the number of the act (e.g. \"8/2022\"), at most 64 characters");
    else
        s->deliberation[0] = json_string_value(num);
    rules_date dd;
    rules_error err;
    memset(&err, 0, sizeof err);
    if (!json_is_string(date))
        problem_add(p, "deliberation.date", "is required: the date of the act (YYYY-MM-DD)");
    else if (rules_date_parse_iso(json_string_value(date), &dd, &err) < 0)
        problem_add(p, "deliberation.date", "%s%s%s", err.message, err.hint[0] ? ": " : "", err.hint);
    else {
        rules_date_format_iso(dd, s->deliberation_date);
        s->deliberation[1] = s->deliberation_date;
    }
    if (body && !json_is_null(body)) {
        if (!json_is_string(body) || json_string_length(body) > 300)
            problem_add(p, "deliberation.body", "must be a string of at most 300 characters");
        else
            s->deliberation[2] = json_string_value(body);
    }
}

/* Sizes the checker's arrays from a first pass and indexes the objective codes. */
static int prepare(doc_state *s, json_t *objectives)
{
    size_t na = 0, nph = 0, nind = 0, i;
    json_t *o;
    json_array_foreach(objectives, i, o)
    {
        json_t *l;
        if (!json_is_object(o))
            continue;
        if (json_is_array(l = json_object_get(o, "assignments")))
            na += json_array_size(l);
        if (json_is_array(l = json_object_get(o, "phases")))
            nph += json_array_size(l);
        if (json_is_array(l = json_object_get(o, "indicators")))
            nind += json_array_size(l);
        json_t *code = json_object_get(o, "code");
        if (json_is_string(code)) {
            json_t *seen = json_object_get(s->objective_index, json_string_value(code));
            if (seen) {
                char fp[PATH_MAX_LEN];
                pathf(fp, "objectives[%zu].code", i);
                problem_add(s->p, fp, "%s is already used by objectives[%" JSON_INTEGER_FORMAT "]",
                            json_string_value(code), json_integer_value(seen));
                problem_set(s->p, 422, "validation_failed", "the document is not valid");
            } else {
                json_object_set_new(s->objective_index, json_string_value(code), json_integer((json_int_t)i));
            }
        }
    }
    size_t no = json_array_size(objectives);
    s->r_obj = arena_array(&s->mem, no + 1, sizeof *s->r_obj);
    s->r_asg = arena_array(&s->mem, na + 1, sizeof *s->r_asg);
    s->asg_path = arena_array(&s->mem, na + 1, sizeof *s->asg_path);
    s->r_a = arena_array(&s->mem, na + 1, sizeof *s->r_a);
    s->a_sub = arena_array(&s->mem, na + 1, sizeof *s->a_sub);
    s->r_ph = arena_array(&s->mem, nph + 1, sizeof *s->r_ph);
    s->ph_sub = arena_array(&s->mem, nph + 1, sizeof *s->ph_sub);
    s->r_ind = arena_array(&s->mem, nind + 1, sizeof *s->r_ind);
    s->ind_sub = arena_array(&s->mem, nind + 1, sizeof *s->ind_sub);
    s->c_obj = arena_array(&s->mem, no + 1, sizeof *s->c_obj);
    s->c_ph = arena_array(&s->mem, nph + 1, sizeof *s->c_ph);
    s->c_ind = arena_array(&s->mem, nind + 1, sizeof *s->c_ind);
    s->a_weighted = arena_array(&s->mem, na + 1, 1);
    s->c_a = arena_array(&s->mem, na + 1, sizeof *s->c_a);
    s->nodes = arena_array(&s->mem, RULE_JSON_MAX_NODES, sizeof *s->nodes);
    s->n_obj = (int)no;
    return s->mem.failed || !s->nodes || !s->c_obj || !s->c_ph || !s->c_ind || !s->a_weighted || !s->c_a ? -1 : 0;
}

/* The document path of a checker finding's path ("phases[12].weight" →
 * "objectives[3].phases[1].weight"). */
static void finding_path(const doc_state *s, const char *in, char *out)
{
    static const char *const org_kinds[] = {"structures[", "people["};
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(org_kinds[k]);
        char *end;
        long i = strncmp(in, org_kinds[k], n) == 0 ? strtol(in + n, &end, 10) : -1;
        json_t *row = i >= 0 && *end == ']' ? json_array_get(k ? s->org.people : s->org.structures, (size_t)i) : NULL;
        const char *code = json_string_value(json_object_get(row, k ? "external_id" : "code"));
        if (code) {
            pathf(out, "%s%s]%s", org_kinds[k], code, end + 1);
            return;
        }
    }
    static const char *const kinds[] = {"assignments[", "phases[", "indicators[", "assignees["};
    for (int k = 0; k < 4; k++) {
        size_t n = strlen(kinds[k]);
        if (strncmp(in, kinds[k], n) != 0)
            continue;
        char *end;
        long i = strtol(in + n, &end, 10);
        if (*end != ']' || i < 0)
            break;
        const char *rest = end + 1;
        if (k == 0 && i < s->n_a)
            pathf(out, "objectives[%d].assignments[%d]%s", s->r_a[i].objective, s->a_sub[i], rest);
        else if (k == 1 && i < s->n_ph)
            pathf(out, "objectives[%d].phases[%d]%s", s->r_ph[i].objective, s->ph_sub[i], rest);
        else if (k == 2 && i < s->n_ind)
            pathf(out, "objectives[%d].indicators[%d]%s", s->r_ind[i].objective, s->ind_sub[i], rest);
        else if (k == 3 && i < s->n_asg && s->asg_path[i])
            pathf(out, "%s%s", s->asg_path[i], rest);
        else
            break;
        return;
    }
    pathf(out, "%s", in);
}

/* The plan checker's findings on the document, as the answer's "warnings". */
static json_t *plan_warnings(doc_state *s, int *total)
{
    rules_check_context cx = {s->c_obj, s->c_ph, s->c_ind, s->a_weighted, s->c_a, NULL, 0, NULL, 0, 0, {0, 0, 0}};
    rules_plan plan = {s->year, s->year_to, s->r_obj, s->n_obj, s->r_asg, s->n_asg, s->r_a, s->n_a,
                       s->r_ph, s->n_ph, s->r_ind, s->n_ind, NULL, &cx};
    json_t *out = json_array();
    *total = 0;
    if (s->first_adoption && s->deliberation[1])
        cx.has_adopted = rules_date_parse_iso(s->deliberation[1], &cx.adopted, NULL) == 0;
    size_t ns = json_array_size(s->org.structures), np = json_array_size(s->org.people);
    rules_check_structure *st = arena_array(&s->mem, ns + 1, sizeof *st);
    rules_check_person *pe = arena_array(&s->mem, np + 1, sizeof *pe);
    if (st && pe) {
        for (size_t i = 0; i < np; i++) {
            json_t *row = json_array_get(s->org.people, i);
            pe[i].code = json_string_value(json_object_get(row, "external_id"));
            pe[i].name = json_string_value(json_object_get(row, "name"));
            pe[i].role = checks_role(json_string_value(json_object_get(row, "role")));
        }
        for (size_t i = 0; i < ns; i++) {
            json_t *row = json_array_get(s->org.structures, i);
            char key[80];
            st[i].code = json_string_value(json_object_get(row, "code"));
            st[i].name = json_string_value(json_object_get(row, "name"));
            json_t *mi = json_object_get(s->org.person_index, json_string_value(json_object_get(row, "manager")) ?
                                                                  json_string_value(json_object_get(row, "manager")) : "");
            st[i].manager = mi ? (int)json_integer_value(mi) : json_is_string(json_object_get(row, "manager")) ? -2 : -1;
            snprintf(key, sizeof key, "s:%s", st[i].code ? st[i].code : "");
            st[i].carries_objectives = json_object_get(s->assignee_index, key) != NULL;
        }
        cx.structures = st;
        cx.n_structures = (int)ns;
        /* DL 13/2023 art. 4-bis, from the 2023 plans: people, and structures with a manager (as
         * plan_model.c decides for a stored plan) */
        const char *key;
        json_t *v;
        json_object_foreach(s->assignee_index, key, v)
        {
            json_t *row = key[0] == 's' ? json_array_get(s->org.structures, (size_t)json_integer_value(
                                                             json_object_get(s->org.structure_index, key + 2)))
                                        : NULL;
            int led = key[0] == 'p' || (json_object_get(s->org.structure_index, key + 2) &&
                                        json_is_string(json_object_get(row, "manager")));
            s->r_asg[json_integer_value(v)].is_manager = s->year >= 2023 && led;
        }
        cx.people = pe;
        cx.n_people = (int)np;
    }
    size_t words = rules_plan_check_scratch(&plan);
    int64_t *scratch = malloc((words + 1) * sizeof *scratch);
    rules_finding *f = malloc(MAX_WARNINGS * sizeof *f);
    size_t n = 0;
    if (scratch && f && rules_plan_check(&plan, f, MAX_WARNINGS, &n, scratch, words + 1) >= 0) {
        *total = (int)n;
        for (size_t i = 0; i < n && i < MAX_WARNINGS; i++) {
            char path[PATH_MAX_LEN];
            finding_path(s, f[i].path, path);
            json_array_append_new(out, json_pack("{ssssssss}", "severity", rules_severity_name(f[i].severity), "code",
                                                 f[i].code, "message", f[i].message, "path", path));
        }
    }
    free(scratch);
    free(f);
    return out;
}

/* An empty state gathering problems into p; doc_state_free releases it. */
static void doc_state_init(doc_state *s, problem *p)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    org_rows_init(&s->org);
    s->objectives = json_array();
    s->assignments = json_array();
    s->phases = json_array();
    s->indicators = json_array();
    s->objective_index = json_object();
    s->indicator_paths = json_object();
    s->assignee_index = json_object();
    arena_init(&s->mem);
}

static void doc_state_free(doc_state *s)
{
    org_rows_free(&s->org);
    json_decref(s->objectives);
    json_decref(s->assignments);
    json_decref(s->phases);
    json_decref(s->indicators);
    json_decref(s->objective_index);
    json_decref(s->indicator_paths);
    json_decref(s->assignee_index);
    if (s->plan_ok)
        field_values_free(&s->plan);
    arena_free(&s->mem);
}

/* Checks every part of the document that needs no database; fills s. */
static int check_document(doc_state *s, json_t *doc)
{
    problem *p = s->p;
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        int known = 0;
        for (const char *const *k = plan_keys; *k; k++)
            known |= strcmp(*k, key) == 0;
        if (!known)
            problem_add(p, key, "is not a field of a plan document");
    }
    json_t *format = json_object_get(doc, "format");
    if (format && !(json_is_string(format) && strcmp(json_string_value(format), "ciclo-plan/1") == 0))
        problem_add(p, "format", "must be \"ciclo-plan/1\"");
    /* the plan's own fields, checked as POST /v1/plans checks them */
    json_t *pf = json_object();
    json_object_set_new(pf, "entity_id", json_integer(1));
    static const char *const own[] = {"year", "kind", "title", "method", NULL};
    for (const char *const *k = own; *k; k++)
        if (json_object_get(doc, *k))
            json_object_set(pf, *k, json_object_get(doc, *k));
    s->plan_ok = validate_object(&model_plans, pf, VALIDATE_CREATE, "", &s->plan, p) == 0;
    json_decref(pf);
    if (s->plan_ok)
        s->year = atoi(fv(&model_plans, &s->plan, "year"));
    s->year_to = s->year;
    check_deliberation(s, json_object_get(doc, "deliberation"));

    json_t *list, *item;
    size_t i;
    char path[PATH_MAX_LEN];
    if ((list = array_member(doc, "people", "", p)))
        json_array_foreach(list, i, item)
        {
            pathf(path, "people[%zu]", i);
            org_add_person(&s->org, item, path, p);
        }
    if ((list = array_member(doc, "structures", "", p)))
        json_array_foreach(list, i, item)
        {
            pathf(path, "structures[%zu]", i);
            org_add_structure(&s->org, item, path, p);
        }
    json_t *objectives = array_member(doc, "objectives", "", p);
    json_t *empty = json_array();
    if (prepare(s, objectives ? objectives : empty) < 0) {
        json_decref(empty);
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    json_decref(empty);
    if (objectives)
        json_array_foreach(objectives, i, item) check_objective(s, item, (int)i);
    /* cycles in the cascade */
    for (int oi = 0; oi < s->n_obj; oi++) {
        int at = s->r_obj[oi].parent;
        for (int steps = 0; at >= 0 && steps <= s->n_obj; steps++) {
            if (at == oi) {
                pathf(path, "objectives[%d].parent_code", oi);
                problem_add(p, path, "the cascade of %s loops back to it", s->r_obj[oi].code ? s->r_obj[oi].code : "");
                break;
            }
            at = s->r_obj[at].parent;
        }
    }
    if (problem_count(p) > 0)
        problem_set(p, 422, "validation_failed", "the plan document is not valid");
    return 0;
}

/* The entity the plan goes to: *entity > 0 an existing one, 0 with *create set for a new
 * one (validated values in ev). Returns 0 or -1 (p set: 403, 404, 422, 503). */
static int resolve_entity(store_conn *c, const import_caller *caller, json_t *doc, int64_t *entity,
                          field_values *ev, int *create, problem *p)
{
    *entity = 0;
    *create = 0;
    json_t *eid = json_object_get(doc, "entity_id");
    json_t *eobj = json_object_get(doc, "entity");
    if (eid && !json_is_null(eid)) {
        if (!json_is_integer(eid) || json_integer_value(eid) < 1) {
            problem_add(p, "entity_id", "must be a positive id");
            return problem_set(p, 422, "validation_failed", "the plan document is not valid");
        }
        *entity = json_integer_value(eid);
        if (!caller->is_admin && *entity != caller->entity_id)
            return problem_set(p, 403, "forbidden", "a token of entity %" PRId64 " may import only into it",
                               caller->entity_id);
        int found = store_entity_exists(c, *entity, p);
        if (found < 0)
            return -1;
        if (!found)
            return problem_set(p, 404, "not_found", "no entity %" PRId64, *entity);
        return 0;
    }
    if (eobj && !json_is_null(eobj)) {
        if (validate_object(&model_entities, eobj, VALIDATE_CREATE, "entity", ev, p) < 0)
            return problem_set(p, 422, "validation_failed", "the plan document is not valid");
        int found = store_entity_by_code(c, fv(&model_entities, ev, "code"), entity, p);
        if (found < 0)
            return -1;
        if (found) {
            field_values_free(ev);
            if (!caller->is_admin && *entity != caller->entity_id)
                return problem_set(p, 403, "forbidden", "a token of entity %" PRId64 " may import only into it",
                                   caller->entity_id);
            return 0;
        }
        if (!caller->is_admin) {
            field_values_free(ev);
            return problem_set(p, 403, "forbidden", "only an admin may create an entity (%s)",
                               json_string_value(json_object_get(eobj, "code")));
        }
        *create = 1;
        return 0;
    }
    if (!caller->is_admin) {
        *entity = caller->entity_id;
        return 0;
    }
    problem_add(p, "entity", "give entity_id or entity {code, name}");
    return problem_set(p, 422, "validation_failed", "the plan document is not valid");
}

/* The content rows of s as the JSON texts of store_plan_rows_in (objectives, assignments,
 * phases, indicators), malloc'd into rows[0..3]: the caller frees them, also after -1. */
static int dump_content(const doc_state *s, char *rows[4], problem *p)
{
    json_t *const lists[4] = {s->objectives, s->assignments, s->phases, s->indicators};
    for (int k = 0; k < 4; k++)
        if (!(rows[k] = rule_json_dumps(lists[k], JSON_COMPACT)))
            return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    return 0;
}

int plan_import_run(store_conn *c, const import_caller *caller, json_t *doc, json_t **result, problem *p)
{
    *result = NULL;
    if (!json_is_object(doc)) {
        problem_add(p, "", "a plan document is a JSON object");
        return problem_set(p, 422, "validation_failed", "the plan document is not valid");
    }
    doc_state s;
    doc_state_init(&s, p);
    field_values ev;
    memset(&ev, 0, sizeof ev);
    int rc = -1, create = 0;
    int64_t entity = 0, plan_id = 0;
    char *rows[4] = {NULL, NULL, NULL, NULL};
    json_t *counts = json_object();

    if (check_document(&s, doc) < 0)
        goto done;
    problem ep;
    problem_init(&ep);
    if (resolve_entity(c, caller, doc, &entity, &ev, &create, &ep) < 0) {
        if (ep.status == 422 && p->status == 422) { /* one answer with every field error */
            json_t *e;
            size_t i;
            json_array_foreach(ep.errors, i, e)
            problem_add(p, json_string_value(json_object_get(e, "field")), "%s",
                        json_string_value(json_object_get(e, "message")));
        } else {
            problem_clear(p);
            *p = ep;
            problem_init(&ep);
        }
        problem_clear(&ep);
        goto done;
    }
    problem_clear(&ep);
    if (org_resolve(&s.org, c, entity, p) < 0)
        goto done;
    if (problem_count(p) > 0 || p->status) {
        if (!p->status)
            problem_set(p, 422, "validation_failed", "the plan document is not valid");
        goto done;
    }
    const char *year = fv(&model_plans, &s.plan, "year"), *kind = fv(&model_plans, &s.plan, "kind");
    if (!kind)
        kind = "performance";
    if (entity > 0) {
        int64_t existing = 0;
        int found = store_plan_find(c, entity, year, kind, &existing, p);
        if (found < 0)
            goto done;
        if (found) {
            problem_set(p, 409, "plan_exists",
                        "entity %" PRId64 " already has a %s plan for %s: plan %" PRId64, entity, kind, year,
                        existing);
            problem_add(p, "year", "plan %" PRId64 " is the %s plan of %s", existing, kind, year);
            problem_hint(p, "export it with GET /v1/plans/%" PRId64 "/export, or import under another year or kind",
                         existing);
            goto done;
        }
    }
    if (create && store_entity_create(c, caller->who, fv(&model_entities, &ev, "code"), fv(&model_entities, &ev, "name"),
                                      fv(&model_entities, &ev, "kind"), fv(&model_entities, &ev, "fiscal_code"),
                                      &entity, p) < 0)
        goto done;
    if (org_write(&s.org, c, caller->who, entity, counts, p) < 0)
        goto done;
    if (dump_content(&s, rows, p) < 0)
        goto done;
    store_plan_rows_in in = {year,    kind,    fv(&model_plans, &s.plan, "title"), rows[0], rows[1], rows[2],
                             rows[3], fv(&model_plans, &s.plan, "method")};
    store_import_counts n;
    if (store_plan_insert(c, caller->who, entity, &in, &plan_id, &n, p) < 0)
        goto done;
    int adopted = s.deliberation[0] && s.deliberation[1];
    s.first_adoption = 1;
    if (adopted && store_plan_adopt_imported(c, caller->who, entity, plan_id, s.deliberation[0], s.deliberation[1],
                                             s.deliberation[2], p) < 0)
        goto done;
    json_object_set_new(counts, "objectives", json_integer(n.objectives));
    json_object_set_new(counts, "assignments", json_integer(n.assignments));
    json_object_set_new(counts, "phases", json_integer(n.phases));
    json_object_set_new(counts, "indicators", json_integer(n.indicators));
    int total = 0;
    json_t *warnings = plan_warnings(&s, &total);
    *result = json_pack("{sIsIsssisOsosi}", "id", (json_int_t)plan_id, "entity_id", (json_int_t)entity, "status",
                        adopted ? "adopted" : "draft", "revision", adopted ? 1 : 0, "counts", counts, "warnings",
                        warnings, "warnings_total", total);
    rc = *result ? 0 : problem_set(p, 503, "out_of_memory", "the server is out of memory");
done:
    if (create)
        field_values_free(&ev);
    for (int i = 0; i < 4; i++)
        free(rows[i]);
    json_decref(counts);
    doc_state_free(&s);
    return rc;
}

/* ----------------------------------------------------------------------------------- */
/* A revision from a document                                                          */
/* ----------------------------------------------------------------------------------- */

/* The plan's entity, year and kind against the document's: an error naming each field
 * of the document that does not match. */
static void check_same_plan(const doc_state *s, json_t *doc, const store_plan_state_row *t, int64_t plan_id,
                            problem *p)
{
    json_t *eid = json_object_get(doc, "entity_id");
    if (eid && !json_is_null(eid) && !(json_is_integer(eid) && json_integer_value(eid) == t->entity_id))
        problem_add(p, "entity_id", "plan %" PRId64 " belongs to entity %" PRId64, plan_id, t->entity_id);
    json_t *ent = json_object_get(doc, "entity");
    if (ent && !json_is_null(ent)) {
        json_t *code = json_is_object(ent) ? json_object_get(ent, "code") : NULL;
        if (!json_is_string(code) || strcmp(json_string_value(code), t->entity_code) != 0)
            problem_add(p, "entity.code", "plan %" PRId64 " belongs to entity %s", plan_id, t->entity_code);
    }
    if (s->plan_ok && s->year != t->year)
        problem_add(p, "year", "plan %" PRId64 " is of %d, not %d: a revision keeps the plan's year", plan_id,
                    t->year, s->year);
    const char *kind = s->plan_ok ? fv(&model_plans, &s->plan, "kind") : NULL;
    if (s->plan_ok && strcmp(kind ? kind : "performance", t->kind) != 0)
        problem_add(p, "kind", "plan %" PRId64 " is a %s plan, not %s", plan_id, t->kind,
                    kind ? kind : "performance");
}

static json_t *change_counts(const store_revise_counts *n, int k, size_t rows)
{
    return json_pack("{sIsIsIsI}", "inserted", (json_int_t)n->inserted[k], "updated", (json_int_t)n->updated[k],
                     "removed", (json_int_t)n->removed[k], "unchanged",
                     (json_int_t)rows - (json_int_t)n->inserted[k] - (json_int_t)n->updated[k]);
}

int plan_revise_run(store_conn *c, const import_caller *caller, const char *scope, int64_t plan_id, json_t *doc,
                    json_t **result, problem *p)
{
    *result = NULL;
    if (!json_is_object(doc)) {
        problem_add(p, "", "a plan document is a JSON object");
        return problem_set(p, 422, "validation_failed", "the plan document is not valid");
    }
    store_plan_state_row t;
    int found = store_plan_lock(c, scope, plan_id, &t, p);
    if (found <= 0)
        return found == 0 ? problem_set(p, 404, "not_found", "no plan with id %" PRId64, plan_id) : -1;
    if (strcmp(t.status, "adopted") != 0 || t.editing) {
        if (strcmp(t.status, "draft") == 0)
            problem_set(p, 409, "plan_draft",
                        "plan %" PRId64 " is a draft: import the document with POST /v1/plans:import, or adopt "
                        "the plan first (POST /v1/plans/%" PRId64 "/adopt)",
                        plan_id, plan_id);
        else if (t.editing)
            problem_set(p, 409, "revision_open",
                        "revision %d of plan %" PRId64 " is open for editing: adopt it (POST /v1/plans/%" PRId64
                        "/adopt) before importing another",
                        t.revision + 1, plan_id, plan_id);
        else
            problem_set(p, 409, "plan_not_revisable", "plan %" PRId64 " is %s: it can no longer be revised", plan_id,
                        t.status);
        return -1;
    }
    doc_state s;
    doc_state_init(&s, p);
    int rc = -1;
    char *rows[4] = {NULL, NULL, NULL, NULL};
    char *adopted = NULL, *opened = NULL;
    json_t *counts = json_object();

    if (check_document(&s, doc) < 0)
        goto done;
    json_t *dl = json_object_get(doc, "deliberation");
    if (!dl || json_is_null(dl))
        problem_add(p, "deliberation", "is required: the deliberation {number, date, body} that revises the plan");
    check_same_plan(&s, doc, &t, plan_id, p);
    /* references to structures and people are told with the other errors */
    if ((!p->status || p->status == 422) && org_resolve(&s.org, c, t.entity_id, p) < 0)
        goto done;
    if (problem_count(p) > 0 || p->status) {
        if (!p->status || p->status == 422)
            problem_set(p, 422, "validation_failed", "the plan document is not valid: nothing was changed");
        goto done;
    }
    if (org_write(&s.org, c, caller->who, t.entity_id, counts, p) < 0)
        goto done;
    int64_t version;
    /* the revision is opened, filled and adopted as by hand (open_revision, the writes, adopt) */
    if (store_plan_transition(c, scope, caller->who, plan_id, STORE_OPEN_REVISION, -1, NULL, &opened, &version, p) <=
        0) {
        if (!p->status)
            problem_set(p, 409, "conflict", "plan %" PRId64 " changed while it was revised; try again", plan_id);
        goto done;
    }
    if (dump_content(&s, rows, p) < 0)
        goto done;
    store_plan_rows_in in = {NULL,    NULL,    fv(&model_plans, &s.plan, "title"), rows[0], rows[1], rows[2],
                             rows[3], fv(&model_plans, &s.plan, "method")};
    store_revise_counts n;
    if (store_plan_revise_content(c, caller->who, t.entity_id, plan_id, t.revision + 1, &in, &n, p) < 0)
        goto done;
    store_deliberation d = {s.deliberation[0], s.deliberation[1], s.deliberation[2]};
    int revision = 0;
    found = store_plan_adopt_in_tx(c, scope, caller->who, plan_id, -1, &d, &adopted, &version, &revision, p);
    if (found <= 0) {
        if (found == 0)
            problem_set(p, 404, "not_found", "no plan with id %" PRId64, plan_id);
        goto done;
    }
    json_t *rows_of[STORE_REV_TABLES] = {s.objectives, s.assignments, s.phases, s.indicators};
    static const char *const names[STORE_REV_TABLES] = {"objectives", "assignments", "phases", "indicators"};
    json_t *changes = json_object();
    for (int k = 0; k < STORE_REV_TABLES; k++) {
        json_object_set_new(counts, names[k], json_integer((json_int_t)json_array_size(rows_of[k])));
        json_object_set_new(changes, names[k], change_counts(&n, k, json_array_size(rows_of[k])));
    }
    int total = 0;
    json_t *warnings = plan_warnings(&s, &total);
    *result = json_pack("{sIsIsssisOsososi}", "id", (json_int_t)plan_id, "entity_id", (json_int_t)t.entity_id,
                        "status", "adopted", "revision", revision, "counts", counts, "changes", changes, "warnings",
                        warnings, "warnings_total", total);
    rc = *result ? 0 : problem_set(p, 503, "out_of_memory", "the server is out of memory");
done:
    free(adopted);
    free(opened);
    for (int i = 0; i < 4; i++)
        free(rows[i]);
    json_decref(counts);
    doc_state_free(&s);
    return rc;
}

int plan_revise_find(store_conn *c, json_t *doc, int64_t *plan_id, problem *p)
{
    *plan_id = 0;
    int64_t entity = 0;
    json_t *eid = json_object_get(doc, "entity_id"), *ent = json_object_get(doc, "entity");
    json_t *code = json_is_object(ent) ? json_object_get(ent, "code") : NULL;
    json_t *year = json_object_get(doc, "year"), *kind = json_object_get(doc, "kind");
    if (json_is_integer(eid)) {
        entity = json_integer_value(eid);
    } else if (json_is_string(code)) {
        int found = store_entity_by_code(c, json_string_value(code), &entity, p);
        if (found < 0)
            return -1;
        if (!found) {
            problem_add(p, "entity.code", "no entity %s: import the plan first", json_string_value(code));
            return problem_set(p, 404, "not_found", "no entity %s", json_string_value(code));
        }
    } else {
        problem_add(p, "entity", "give entity_id or entity {code} to name the plan to revise");
        return problem_set(p, 422, "validation_failed", "the plan document is not valid");
    }
    if (!json_is_integer(year)) {
        problem_add(p, "year", "is required: the year of the plan to revise");
        return problem_set(p, 422, "validation_failed", "the plan document is not valid");
    }
    char y[24];
    snprintf(y, sizeof y, "%" JSON_INTEGER_FORMAT, json_integer_value(year));
    const char *k = json_is_string(kind) ? json_string_value(kind) : "performance";
    int found = store_plan_find(c, entity, y, k, plan_id, p);
    if (found < 0)
        return -1;
    if (!found) {
        problem_add(p, "year", "entity %" PRId64 " has no %s plan for %s to revise", entity, k, y);
        return problem_set(p, 404, "not_found", "no %s plan of %s to revise: import it first", k, y);
    }
    return 0;
}

/* ----------------------------------------------------------------------------------- */
/* Request bodies within the limits of the route                                       */
/* ----------------------------------------------------------------------------------- */

json_t *json_body_parse(const char *s, size_t n, const json_limits *lim, problem *p)
{
    if (n == 0) {
        problem_set(p, 400, "empty_body", "the request needs a JSON body");
        return NULL;
    }
    switch (json_limits_check_with(s, n, lim)) {
    case JSON_WITHIN_LIMITS:
        break;
    case JSON_TOO_DEEP:
        problem_set(p, 400, "too_deep", "the body nests arrays and objects more than %d deep", lim->max_depth);
        return NULL;
    case JSON_TOO_MANY_ITEMS:
        problem_set(p, 413, "too_many_items", "an array of the body has more than %ld items", lim->max_array);
        problem_hint(p, "the limit of this route is %ld items in one array; send the rows in parts", lim->max_array);
        return NULL;
    case JSON_TOO_MANY_VALUES:
        problem_set(p, 413, "too_many_values", "the body holds more than %ld JSON values; send it in parts",
                    lim->max_values);
        problem_hint(p, "the limit of this route is %ld JSON values (every key, value, array and object counts)",
                     lim->max_values);
        return NULL;
    }
    if (http_json_numbers(s, n, p) < 0)
        return NULL;
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        problem_set(p, 400, "malformed_json", "the body is not valid JSON: %s (line %d, column %d)", e.text, e.line,
                    e.column);
    return j;
}

/* The request's JSON body within lim, or NULL after answering. */
static json_t *limited_body(http_request *req, const json_limits *lim)
{
    problem p;
    problem_init(&p);
    json_t *j = json_body_parse(req->body.data ? req->body.data : "", req->body.len, lim, &p);
    if (!j) {
        http_problem(req, &p);
        problem_clear(&p);
    }
    return j;
}

/* ----------------------------------------------------------------------------------- */
/* Export: the document without row ids and null members                              */
/* ----------------------------------------------------------------------------------- */

typedef struct jtext {
    const char *s;
    size_t i, n;
    int bad;
} jtext;

static void jt_ws(jtext *t)
{
    while (t->i < t->n && (t->s[t->i] == ' ' || t->s[t->i] == '\t' || t->s[t->i] == '\r' || t->s[t->i] == '\n'))
        t->i++;
}

static int jt_is(jtext *t, char c) { return t->i < t->n && t->s[t->i] == c; }

static void jt_value(jtext *t, buf *out, int depth);

static void jt_string(jtext *t, buf *out)
{
    size_t start = t->i++;
    while (t->i < t->n && t->s[t->i] != '"')
        t->i += t->s[t->i] == '\\' ? 2 : 1;
    if (t->i >= t->n) {
        t->bad = 1;
        return;
    }
    t->i++;
    if (out)
        buf_append(out, t->s + start, t->i - start);
}

static void jt_object(jtext *t, buf *out, int depth)
{
    t->i++;
    if (out)
        buf_putc(out, '{');
    int first = 1;
    jt_ws(t);
    if (jt_is(t, '}')) {
        t->i++;
    } else {
        while (!t->bad) {
            jt_ws(t);
            if (!jt_is(t, '"')) {
                t->bad = 1;
                break;
            }
            size_t ks = t->i;
            jt_string(t, NULL);
            size_t ke = t->i;
            jt_ws(t);
            if (!jt_is(t, ':')) {
                t->bad = 1;
                break;
            }
            t->i++;
            jt_ws(t);
            int drop = (ke - ks == 4 && memcmp(t->s + ks, "\"id\"", 4) == 0) ||
                       (t->n - t->i >= 4 && memcmp(t->s + t->i, "null", 4) == 0);
            if (drop) {
                jt_value(t, NULL, depth + 1);
            } else {
                if (out) {
                    if (!first)
                        buf_putc(out, ',');
                    buf_append(out, t->s + ks, ke - ks);
                    buf_putc(out, ':');
                }
                first = 0;
                jt_value(t, out, depth + 1);
            }
            jt_ws(t);
            if (jt_is(t, ',')) {
                t->i++;
                continue;
            }
            if (jt_is(t, '}')) {
                t->i++;
                break;
            }
            t->bad = 1;
        }
    }
    if (out)
        buf_putc(out, '}');
}

static void jt_array(jtext *t, buf *out, int depth)
{
    t->i++;
    if (out)
        buf_putc(out, '[');
    jt_ws(t);
    if (jt_is(t, ']')) {
        t->i++;
    } else {
        for (int first = 1; !t->bad; first = 0) {
            if (out && !first)
                buf_putc(out, ',');
            jt_value(t, out, depth + 1);
            jt_ws(t);
            if (jt_is(t, ',')) {
                t->i++;
                continue;
            }
            if (jt_is(t, ']')) {
                t->i++;
                break;
            }
            t->bad = 1;
        }
    }
    if (out)
        buf_putc(out, ']');
}

static void jt_value(jtext *t, buf *out, int depth)
{
    jt_ws(t);
    if (t->i >= t->n || depth > 64) {
        t->bad = 1;
        return;
    }
    char c = t->s[t->i];
    if (c == '{')
        jt_object(t, out, depth);
    else if (c == '[')
        jt_array(t, out, depth);
    else if (c == '"')
        jt_string(t, out);
    else {
        size_t start = t->i;
        while (t->i < t->n && !strchr(",}] \t\r\n", t->s[t->i]))
            t->i++;
        if (t->i == start)
            t->bad = 1;
        else if (out)
            buf_append(out, t->s + start, t->i - start);
    }
}

int plan_doc_strip(const char *in, size_t n, buf *out)
{
    jtext t = {in, 0, n, 0};
    jt_value(&t, out, 0);
    jt_ws(&t);
    return t.bad || t.i != n || out->failed ? -1 : 0;
}

/* ----------------------------------------------------------------------------------- */
/* Handlers                                                                            */
/* ----------------------------------------------------------------------------------- */

json_t *import_in_transaction(http_request *req, int timeout_ms, int status, import_tx_fn fn, void *arg)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    idem_key key;
    if (idem_read(req, &key) < 0)
        return NULL;
    json_t *result = NULL;
    if (store_import_begin(call->db, timeout_ms, &p) < 0)
        goto fail;
    int replayed = idem_replay(req, &key, &p);
    if (replayed != 0) {
        store_rollback(call->db);
        if (replayed < 0)
            goto fail;
        return NULL;
    }
    if (fn(req, arg, &result, &p) < 0) {
        store_rollback(call->db);
        goto fail;
    }
    char *body = rule_json_dumps(result, JSON_COMPACT);
    if (!body || idem_store(call->db, &key, status, body, &p) < 0 || store_commit(call->db, &p) < 0) {
        free(body);
        store_rollback(call->db);
        if (!p.status)
            problem_set(&p, 503, "out_of_memory", "the server is out of memory");
        goto fail;
    }
    http_body(req, status, "application/json", body, strlen(body));
    return result;
fail:
    json_decref(result);
    if (!p.status) /* a feed's rows refused without a status of their own */
        problem_set(&p, 422, "validation_failed", "the request is not valid: nothing was stored");
    http_problem(req, &p);
    problem_clear(&p);
    return NULL;
}

static int run_plan_import(http_request *req, void *doc, json_t **result, problem *p)
{
    api_call *call = api_call_of(req);
    import_caller caller = {&call->actor, req->who.entity_id, call->scope == NULL};
    return plan_import_run(call->db, &caller, doc, result, p);
}

static int run_plan_revise(http_request *req, void *doc, json_t **result, problem *p)
{
    api_call *call = api_call_of(req);
    import_caller caller = {&call->actor, req->who.entity_id, call->scope == NULL};
    return plan_revise_run(call->db, &caller, call->scope, req->ids[0], doc, result, p);
}

/* After a plan document was stored and answered: the log line, fresh statistics after a
 * large load (the commit is done: the answer waits only for this). */
static void after_plan_document(http_request *req, json_t *result, const char *what)
{
    json_int_t n_obj = json_integer_value(json_object_get(json_object_get(result, "counts"), "objectives"));
    log_info("plan %" JSON_INTEGER_FORMAT " %s (revision %" JSON_INTEGER_FORMAT ", %" JSON_INTEGER_FORMAT
             " objectives)",
             json_integer_value(json_object_get(result, "id")), what,
             json_integer_value(json_object_get(result, "revision")), n_obj);
    if (n_obj >= ANALYZE_FROM)
        store_import_analyze(api_call_of(req)->db);
}

void plan_import(http_request *req)
{
    json_t *doc = limited_body(req, &json_limits_plan_document);
    if (!doc)
        return;
    json_t *result = import_in_transaction(req, IMPORT_TIMEOUT_MS, 201, run_plan_import, doc);
    if (result) {
        snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(result, "id")));
        after_plan_document(req, result, "imported");
    }
    json_decref(result);
    json_decref(doc);
}

void plan_revision_import(http_request *req)
{
    json_t *doc = limited_body(req, &json_limits_plan_document);
    if (!doc)
        return;
    json_t *result = import_in_transaction(req, IMPORT_TIMEOUT_MS, 201, run_plan_revise, doc);
    if (result) {
        snprintf(req->res.location, sizeof req->res.location, "/v1/plans/%" PRId64 "/revisions/%" JSON_INTEGER_FORMAT,
                 req->ids[0], json_integer_value(json_object_get(result, "revision")));
        after_plan_document(req, result, "revised");
    }
    json_decref(result);
    json_decref(doc);
}

void plan_export(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char *doc = NULL;
    /* a plan of thousands of objectives outlives the pool's per-statement timeout */
    int found = store_import_begin(call->db, IMPORT_TIMEOUT_MS, &p);
    if (found == 0) {
        found = store_plan_document(call->db, call->scope, req->ids[0], &doc, &p);
        store_rollback(call->db); /* read only: nothing to keep */
    }
    if (found <= 0) {
        if (found == 0)
            problem_set(&p, 404, "not_found", "no such plan");
        http_problem(req, &p);
        problem_clear(&p);
        return;
    }
    size_t n = strlen(doc);
    buf out;
    buf_init(&out, 0);
    if (plan_doc_strip(doc, n, &out) < 0) {
        free(doc);
        buf_free(&out);
        http_error(req, 503, "export_failed", "the plan document could not be built");
        return;
    }
    free(doc);
    size_t len;
    char *body = buf_steal(&out, &len);
    snprintf(req->res.disposition, sizeof req->res.disposition, "attachment; filename=\"plan-%" PRId64 ".json\"",
             req->ids[0]);
    http_body(req, 200, "application/json", body, len);
}
