/* plan_doc_check.c — the checks of a plan document that need no database (plan_doc_check.h). */
#include "codec/plan_doc_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/check_words.h"
#include "codec/doc_fields.h"
#include "codec/json_stream.h"
#include "codec/method_json.h"
#include "codec/rule_json.h"

#define MAX_WARNINGS 1000

static const char *const plan_keys[] = {"format", "entity_id",    "entity",     "year",   "kind",
                                        "title",  "deliberation", "structures", "people", "objectives",
                                        "method", "organisation", NULL};

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
    doc_set(s->assignee_index, key, json_integer(a), &s->failed);
    s->r_asg[a].code = arena_strdup(&s->mem, code);
    s->r_asg[a].is_manager = 0;
    json_t *path = json_object_get(kind[0] == 's' ? s->org.structure_paths : s->org.person_paths, code);
    s->asg_path[a] = path ? arena_strdup(&s->mem, json_string_value(path)) : NULL;
    if (path && !s->asg_path[a])
        s->failed = 1;
    return a;
}

/* Adds row (taken) to the text of table k: rows are kept as text, not as a tree, so that a
 * large document does not hold them twice. Null members are left out: the store reads the
 * rows with json_to_recordset, where a missing key is NULL too, and most fields of a dense
 * document are null. */
static void add_row(doc_state *s, int k, json_t *row)
{
    const char *key;
    json_t *v;
    void *next;
    json_object_foreach_safe(row, next, key, v)
    {
        if (json_is_null(v))
            json_object_del(row, key);
    }
    char *text = row ? rule_json_dumps(row, JSON_COMPACT) : NULL;
    json_decref(row);
    if (!text) {
        s->rows[k].failed = 1;
        return;
    }
    buf_putc(&s->rows[k], s->n_rows[k]++ ? ',' : '[');
    buf_puts(&s->rows[k], text);
    free(text);
}

/* Adds the row of r's values v for the objective at position oi to table k. */
static void append_row(doc_state *s, int k, const resource_spec *r, const field_values *v, int oi)
{
    json_t *row = doc_row_of(r, v);
    doc_set(row, "ord", json_integer(oi), &s->failed);
    add_row(s, k, row);
}

static void check_assignment(doc_state *s, json_t *a, int oi, int k, json_t *seen)
{
    problem *p = s->p;
    char path[DOC_PATH_MAX], fp[DOC_PATH_MAX];
    doc_pathf(path, "objectives[%d].assignments[%d]", oi, k);
    if (!json_is_object(a)) {
        problem_add(p, path, "must be a JSON object");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v)
    {
        if (strcmp(key, "structure_code") && strcmp(key, "person_external_id") && !model_field(&model_assignments, key)) {
            doc_pathf(fp, "%s.%s", path, key);
            problem_add(p, fp,
                        "is not a field of an assignment (structure_code, person_external_id, weight, scope, "
                        "slot)");
        }
    }
    int before = problem_count(p);
    const char *sc = doc_code_member(a, "structure_code", path, p);
    const char *pc = doc_code_member(a, "person_external_id", path, p);
    static const char *const own[] = {"weight", "scope", "slot", NULL};
    json_t *wobj = json_object();
    for (int i = 0; own[i]; i++)
        if (json_object_get(a, own[i]))
            doc_set(wobj, own[i], json_incref(json_object_get(a, own[i])), &s->failed);
    field_values v2;
    int rc = validate_object(&model_assignments, wobj, VALIDATE_CREATE, path, &v2, p);
    json_decref(wobj);
    if ((sc != NULL) == (pc != NULL)) {
        if (problem_count(p) == before)
            problem_add(p, path, "give exactly one of structure_code and person_external_id");
    } else {
        char seen_key[80];
        snprintf(seen_key, sizeof seen_key, "%s:%s", sc ? "s" : "p", sc ? sc : pc);
        doc_pathf(fp, "%s.%s", path, sc ? "structure_code" : "person_external_id");
        json_t *dup = json_object_get(seen, seen_key);
        if (dup)
            problem_add(p, fp, "the objective is already assigned to %s (%s)", sc ? sc : pc, json_string_value(dup));
        else
            doc_set(seen, seen_key, json_string(path), &s->failed);
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
    const char *weight = doc_fv(&model_assignments, &v2, "weight");
    json_t *row = json_object();
    doc_set(row, "ord", json_integer(oi), &s->failed);
    doc_set(row, "structure_code", sc ? json_string(sc) : json_null(), &s->failed);
    doc_set(row, "person_external_id", pc ? json_string(pc) : json_null(), &s->failed);
    doc_set(row, "weight", weight ? json_string(weight) : json_null(), &s->failed);
    const char *scope = doc_fv(&model_assignments, &v2, "scope"), *slot = doc_fv(&model_assignments, &v2, "slot");
    doc_set(row, "scope", scope ? json_string(scope) : json_null(), &s->failed);
    doc_set(row, "slot", slot ? json_string(slot) : json_null(), &s->failed);
    add_row(s, DOC_ASSIGNMENTS, row);
    int ai = s->n_a++;
    s->r_a[ai].objective = oi;
    s->r_a[ai].assignee = assignee_of(s, sc ? "s" : "p", sc ? sc : pc);
    rules_decimal d = {0};
    dec_of(weight, &d);
    s->r_a[ai].weight = d;
    s->a_weighted[ai] = weight != NULL;
    s->c_a[ai].scope = checks_scope(json_string_value(json_object_get(a, "scope")));
    s->c_a[ai].slot = json_is_integer(json_object_get(a, "slot")) ? (int)json_integer_value(json_object_get(a, "slot"))
                                                                  : 0;
    s->a_sub[ai] = k;
    field_values_free(&v2);
}

/* Validates item k of objective oi's list (phases, indicators) as resource r, without the
 * row id a document may carry: path set to the item's, and validate_object's result (*v to
 * free when 0). */
static int validate_item(doc_state *s, const resource_spec *r, const char *list, json_t *item, int oi, int k,
                         char path[DOC_PATH_MAX], field_values *v)
{
    static const char *const doc_keys[] = {"id", NULL};
    doc_pathf(path, "objectives[%d].%s[%d]", oi, list, k);
    json_t *cp = json_is_object(item) ? doc_without(item, doc_keys) : json_incref(item);
    int rc = validate_object(r, cp, VALIDATE_CREATE, path, v, s->p);
    json_decref(cp);
    return rc;
}

static void check_phase(doc_state *s, json_t *ph, int oi, int k, json_t *seqs)
{
    problem *p = s->p;
    char path[DOC_PATH_MAX], fp[DOC_PATH_MAX];
    field_values v;
    if (validate_item(s, &model_phases, "phases", ph, oi, k, path, &v) < 0)
        return;
    const char *seq = doc_fv(&model_phases, &v, "seq");
    json_t *dup = json_object_get(seqs, seq);
    int bad = 0;
    if (dup) {
        doc_pathf(fp, "%s.seq", path);
        problem_add(p, fp, "seq %s is already used by %s", seq, json_string_value(dup));
        bad = 1;
    } else {
        doc_set(seqs, seq, json_string(path), &s->failed);
    }
    const char *start = doc_fv(&model_phases, &v, "start"), *deadline = doc_fv(&model_phases, &v, "deadline");
    if (start && deadline && strcmp(start, deadline) > 0) {
        doc_pathf(fp, "%s.deadline", path);
        problem_add(p, fp, "the deadline %s is before the start %s", deadline, start);
        bad = 1;
    }
    if (!bad) {
        append_row(s, DOC_PHASES, &model_phases, &v, oi);
        int j = s->n_ph++;
        rules_phase *rp = &s->r_ph[j];
        rp->objective = oi;
        rp->has_weight = dec_of(doc_fv(&model_phases, &v, "weight"), &rp->weight);
        rp->has_cumulative = dec_of(doc_fv(&model_phases, &v, "cumulative"), &rp->cumulative);
        rp->has_deadline = deadline && rules_date_parse_iso(deadline, &rp->deadline, NULL) == 0;
        s->c_ph[j].seq = atoi(seq);
        s->c_ph[j].description = arena_strdup(&s->mem, json_string_value(json_object_get(ph, "description")));
        s->ph_sub[j] = k;
    }
    field_values_free(&v);
}

/* A target or baseline as the checker reads it: a string as written, a number as JSON
 * writes it (in s->mem); NULL for anything else. */
static const char *value_text(doc_state *s, json_t *v)
{
    if (json_is_string(v))
        return arena_strdup(&s->mem, json_string_value(v));
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (!json_is_number(v))
        return NULL;
    char *t = rule_json_dumps(v, JSON_ENCODE_ANY);
    const char *copy = t ? arena_strdup(&s->mem, t) : NULL;
    free(t);
    if (!copy)
        s->failed = 1;
    return copy;
}

/* The rule just decoded into s->nodes (used nodes) from rj, kept in s->mem: once per distinct
 * rule text, since a decoded rule (about a kilobyte) is a pure function of its text and the
 * checker only reads it. NULL when memory runs out. */
static const rules_rule *kept_rule(doc_state *s, json_t *rj, size_t used)
{
    char *text = rule_json_dumps(rj, JSON_COMPACT);
    json_t *at = text ? json_object_get(s->rule_index, text) : NULL;
    const rules_rule *rule = at ? s->rules_kept[json_integer_value(at)] : rule_json_keep(&s->mem, s->nodes, used);
    if (text && !at && rule && s->n_rules_kept < s->n_ind_max) {
        s->rules_kept[s->n_rules_kept] = rule;
        json_object_set_new(s->rule_index, text, json_integer(s->n_rules_kept++));
    }
    free(text);
    return rule;
}

static void check_indicator(doc_state *s, json_t *ind, int oi, int k)
{
    problem *p = s->p;
    char path[DOC_PATH_MAX], fp[DOC_PATH_MAX];
    field_values v;
    int rc = validate_item(s, &model_indicators, "indicators", ind, oi, k, path, &v);
    const rules_rule *rule = NULL;
    json_t *rj = json_is_object(ind) ? json_object_get(ind, "rule") : NULL;
    int bad = rc < 0;
    if (json_is_object(rj)) {
        rules_error err;
        memset(&err, 0, sizeof err);
        size_t used = 0;
        doc_pathf(fp, "%s.rule", path);
        if (rule_json_decode(rj, fp, s->nodes, RULE_JSON_MAX_NODES, &used, &err) < 0) {
            body_rules_error(p, err.field[0] ? err.field : fp, &err);
            problem_set(p, 422, "validation_failed", "the document is not valid");
            bad = 1;
        } else if (!(rule = kept_rule(s, rj, used))) {
            s->failed = 1;
        }
    }
    if (rc < 0)
        return;
    const char *code = doc_fv(&model_indicators, &v, "code");
    json_t *dup = json_object_get(s->indicator_paths, code);
    if (dup) {
        doc_pathf(fp, "%s.code", path);
        problem_add(p, fp, "%s is already used by %s: indicator codes are unique in the plan", code,
                    json_string_value(dup));
        problem_set(p, 422, "validation_failed", "the document is not valid");
        bad = 1;
    } else {
        doc_set(s->indicator_paths, code, json_string(path), &s->failed);
    }
    if (!bad) {
        append_row(s, DOC_INDICATORS, &model_indicators, &v, oi);
        int j = s->n_ind++;
        rules_indicator *ri = &s->r_ind[j];
        ri->code = arena_strdup(&s->mem, json_string_value(json_object_get(ind, "code")));
        ri->objective = oi;
        dec_of(doc_fv(&model_indicators, &v, "weight"), &ri->weight);
        ri->rule = rule;
        ri->state = RULES_NOT_MEASURED;
        method_indicator_target(ri, json_object_get(ind, "target"), doc_fv(&model_indicators, &v, "value_type"),
                                doc_fv(&model_indicators, &v, "direction"), s->year);
        rules_check_indicator *ci = &s->c_ind[j];
        ci->name = arena_strdup(&s->mem, json_string_value(json_object_get(ind, "name")));
        ci->target = value_text(s, json_object_get(ind, "target"));
        ci->baseline = value_text(s, json_object_get(ind, "baseline"));
        ci->direction = checks_direction(doc_fv(&model_indicators, &v, "direction"));
        const char *vt = doc_fv(&model_indicators, &v, "value_type");
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
        char fp[DOC_PATH_MAX];
        doc_pathf(fp, "%s%s%s", path, *path ? "." : "", key);
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
    char fp[DOC_PATH_MAX];
    doc_pathf(fp, "%s.revision_mark", path);
    problem_add(p, fp, "must be \"inserted\", \"modified\" or null (the change the deliberation declares)");
    return NULL;
}

static void check_objective(doc_state *s, json_t *o, int oi)
{
    static const char *const doc_keys[] = {"id",         "parent_code",  "assignments",   "phases",
                                           "indicators", "participants", "revision_mark", NULL};
    static const char *const ids[] = {"parent_id", NULL};
    static const char *const instead[] = {"parent_code (an objective code of the document)"};
    problem *p = s->p;
    char path[DOC_PATH_MAX], fp[DOC_PATH_MAX];
    doc_pathf(path, "objectives[%d]", oi);
    if (!json_is_object(o)) {
        problem_add(p, path, "must be a JSON object");
        return;
    }
    int before = problem_count(p);
    doc_refuse_ids(o, path, ids, instead, p);
    json_t *part = json_object_get(o, "participants");
    if (part && !json_is_null(part) && !(json_is_array(part) && json_array_size(part) == 0)) {
        doc_pathf(fp, "%s.participants", path);
        problem_add(p, fp, "participants are not stored by this server: leave the list empty");
    }
    const char *parent = doc_code_member(o, "parent_code", path, p);
    const char *mark = revision_mark_of(o, path, p);
    json_t *cp = doc_without(o, doc_keys);
    field_values v;
    int rc = validate_object(&model_objectives, cp, VALIDATE_CREATE, path, &v, p);
    json_decref(cp);
    int parent_ord = -1;
    if (parent) {
        json_t *pi = json_object_get(s->objective_index, parent);
        doc_pathf(fp, "%s.parent_code", path);
        if (!pi)
            problem_add(p, fp, "no objective with code %s in the document", parent);
        else if ((parent_ord = (int)json_integer_value(pi)) == oi)
            problem_add(p, fp, "an objective cannot be its own parent");
    }
    s->r_obj[oi].parent = parent_ord >= 0 && parent_ord != oi ? parent_ord : -1;
    s->r_obj[oi].code = arena_strdup(&s->mem, json_string_value(json_object_get(o, "code")));
    s->r_obj[oi].payment_timeliness = json_is_true(json_object_get(o, "payment_timeliness"));
    s->c_obj[oi].title = arena_strdup(&s->mem, json_string_value(json_object_get(o, "title")));
    s->c_obj[oi].level = checks_level(json_string_value(json_object_get(o, "level")));
    s->c_obj[oi].routine = json_is_true(json_object_get(o, "routine"));
    s->c_obj[oi].year_from = (int)json_integer_value(json_object_get(o, "start_year"));
    s->c_obj[oi].year_to = (int)json_integer_value(json_object_get(o, "end_year"));
    s->c_obj[oi].scope = checks_scope(json_string_value(json_object_get(o, "scope")));
    json_t *notes = json_object_get(o, "notes");
    s->c_obj[oi].n_notes = json_is_array(notes) ? (int)json_array_size(notes) : 0;
    s->c_obj[oi].note = arena_strdup(&s->mem, json_string_value(json_array_get(notes, 0)));
    if (rc == 0) {
        const char *sy = doc_fv(&model_objectives, &v, "start_year"), *ey = doc_fv(&model_objectives, &v, "end_year");
        if (sy && ey && atoi(ey) < atoi(sy)) {
            doc_pathf(fp, "%s.end_year", path);
            problem_add(p, fp, "end_year %s is before start_year %s", ey, sy);
        }
        if (ey && atoi(ey) > s->year_to)
            s->year_to = atoi(ey);
        if (problem_count(p) == before) {
            json_t *row = doc_row_of(&model_objectives, &v);
            doc_set(row, "ord", json_integer(oi), &s->failed);
            doc_set(row, "parent_ord", parent_ord >= 0 ? json_integer(parent_ord) : json_null(), &s->failed);
            doc_set(row, "revision_mark", mark ? json_string(mark) : json_null(), &s->failed);
            add_row(s, DOC_OBJECTIVES, row);
        }
        field_values_free(&v);
    }
    json_t *list, *item;
    size_t k;
    json_t *seen = json_object();
    if (!seen)
        s->failed = 1;
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
            char fp[DOC_PATH_MAX];
            doc_pathf(fp, "deliberation.%s", key);
            problem_add(p, fp, "is not a field of a deliberation (number, date, body)");
        }
    }
    json_t *num = json_object_get(d, "number"), *date = json_object_get(d, "date"), *body = json_object_get(d, "body");
    if (!json_is_string(num) || !*json_string_value(num) || json_string_length(num) > 64)
        problem_add(p, "deliberation.number",
                    "is required: the number of the act (e.g. \"8/2022\"), at most 64 characters");
    else
        s->deliberation[0] = json_string_value(num);
    rules_date dd;
    rules_error err;
    memset(&err, 0, sizeof err);
    if (!json_is_string(date))
        problem_add(p, "deliberation.date", "is required: the date of the act (YYYY-MM-DD)");
    else if (rules_date_parse_iso(json_string_value(date), &dd, &err) < 0)
        body_rules_error(p, "deliberation.date", &err);
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

/* The objectives of a document, one at a time: the items of a JSON array, or of the text of
 * one (codec/json_stream.h), each parsed when it is needed and freed after. */
typedef struct objective_source {
    json_t *array; /* or NULL: text */
    size_t next;
    const char *text;
    size_t len;
    json_items items;
} objective_source;

static void source_rewind(objective_source *o)
{
    o->next = 0;
    if (o->text)
        json_items_init(&o->items, o->text, o->len);
}

/* 1 with *item (a new reference), 0 after the last, -1 (malformed text or no memory). */
static int source_next(objective_source *o, json_t **item)
{
    if (o->text)
        return json_items_next(&o->items, item);
    *item = o->next < json_array_size(o->array) ? json_incref(json_array_get(o->array, o->next++)) : NULL;
    return *item != NULL;
}

/* Counts objective i's items into n (assignments, phases, indicators) and indexes its code. */
static void prepare_objective(doc_state *s, json_t *o, size_t i, size_t n[3])
{
    static const char *const lists[] = {"assignments", "phases", "indicators"};
    if (!json_is_object(o))
        return;
    for (int k = 0; k < 3; k++) {
        json_t *l = json_object_get(o, lists[k]);
        if (json_is_array(l))
            n[k] += json_array_size(l);
    }
    json_t *code = json_object_get(o, "code");
    if (json_is_string(code)) {
        json_t *seen = json_object_get(s->objective_index, json_string_value(code));
        if (seen) {
            char fp[DOC_PATH_MAX];
            doc_pathf(fp, "objectives[%zu].code", i);
            problem_add(s->p, fp, "%s is already used by objectives[%" JSON_INTEGER_FORMAT "]", json_string_value(code),
                        json_integer_value(seen));
            problem_set(s->p, 422, "validation_failed", "the document is not valid");
        } else {
            doc_set(s->objective_index, json_string_value(code), json_integer((json_int_t)i), &s->failed);
        }
    }
}

/* Sizes the checker's arrays from a first pass over the objectives and indexes their codes. */
static int prepare(doc_state *s, objective_source *src)
{
    s->nodes = arena_array(&s->mem, RULE_JSON_MAX_NODES, sizeof *s->nodes);
    size_t n[3] = {0, 0, 0}, no = 0;
    json_t *o;
    int r;
    source_rewind(src);
    while ((r = source_next(src, &o)) == 1) {
        prepare_objective(s, o, no++, n);
        json_decref(o);
    }
    if (r < 0)
        return -1;
    size_t na = n[0], nph = n[1], nind = n[2];
    /* the plan as the rules library reads it, and where each row stands in the document */
    s->r_obj = arena_array(&s->mem, no + 1, sizeof *s->r_obj);
    s->r_asg = arena_array(&s->mem, na + 1, sizeof *s->r_asg);
    s->asg_path = arena_array(&s->mem, na + 1, sizeof *s->asg_path);
    s->r_a = arena_array(&s->mem, na + 1, sizeof *s->r_a);
    s->a_sub = arena_array(&s->mem, na + 1, sizeof *s->a_sub);
    s->r_ph = arena_array(&s->mem, nph + 1, sizeof *s->r_ph);
    s->ph_sub = arena_array(&s->mem, nph + 1, sizeof *s->ph_sub);
    s->r_ind = arena_array(&s->mem, nind + 1, sizeof *s->r_ind);
    s->ind_sub = arena_array(&s->mem, nind + 1, sizeof *s->ind_sub);
    s->n_obj = (int)no;
    /* the checker's context */
    s->c_obj = arena_array(&s->mem, no + 1, sizeof *s->c_obj);
    s->c_ph = arena_array(&s->mem, nph + 1, sizeof *s->c_ph);
    s->c_ind = arena_array(&s->mem, nind + 1, sizeof *s->c_ind);
    s->a_weighted = arena_array(&s->mem, na + 1, 1);
    s->c_a = arena_array(&s->mem, na + 1, sizeof *s->c_a);
    s->rules_kept = arena_array(&s->mem, nind + 1, sizeof *s->rules_kept);
    s->n_ind_max = nind;
    return s->mem.failed ? -1 : 0; /* the arena failed: some array is NULL */
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
            doc_pathf(out, "%s%s]%s", org_kinds[k], code, end + 1);
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
            doc_pathf(out, "objectives[%d].assignments[%d]%s", s->r_a[i].objective, s->a_sub[i], rest);
        else if (k == 1 && i < s->n_ph)
            doc_pathf(out, "objectives[%d].phases[%d]%s", s->r_ph[i].objective, s->ph_sub[i], rest);
        else if (k == 2 && i < s->n_ind)
            doc_pathf(out, "objectives[%d].indicators[%d]%s", s->r_ind[i].objective, s->ind_sub[i], rest);
        else if (k == 3 && i < s->n_asg && s->asg_path[i])
            doc_pathf(out, "%s%s", s->asg_path[i], rest);
        else
            break;
        return;
    }
    doc_pathf(out, "%s", in);
}

json_t *doc_warnings(doc_state *s, int *total)
{
    rules_check_context cx = {s->c_obj, s->c_ph, s->c_ind, s->a_weighted, s->c_a, NULL, 0, NULL, 0, 0, {0, 0, 0}};
    rules_plan plan = {s->year, s->year_to, s->r_obj, s->n_obj, s->r_asg, s->n_asg, s->r_a,
                       s->n_a,  s->r_ph,    s->n_ph,  s->r_ind, s->n_ind, NULL,     &cx};
    *total = 0;
    if (s->first_adoption && s->deliberation[1])
        cx.has_adopted = rules_date_parse_iso(s->deliberation[1], &cx.adopted, NULL) == 0;
    size_t ns = json_array_size(s->org.structures), np = json_array_size(s->org.people);
    rules_check_structure *st = arena_array(&s->mem, ns + 1, sizeof *st);
    rules_check_person *pe = arena_array(&s->mem, np + 1, sizeof *pe);
    if (!st || !pe)
        return NULL;
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
        json_t *mi = json_object_get(s->org.person_index, json_string_value(json_object_get(row, "manager"))
                                                              ? json_string_value(json_object_get(row, "manager"))
                                                              : "");
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
        json_t *row = key[0] == 's'
                          ? json_array_get(s->org.structures,
                                           (size_t)json_integer_value(json_object_get(s->org.structure_index, key + 2)))
                          : NULL;
        int led = key[0] == 'p' ||
                  (json_object_get(s->org.structure_index, key + 2) && json_is_string(json_object_get(row, "manager")));
        s->r_asg[json_integer_value(v)].is_manager = s->year >= 2023 && led;
    }
    cx.people = pe;
    cx.n_people = (int)np;
    size_t words = rules_plan_check_scratch(&plan);
    int64_t *scratch = malloc((words + 1) * sizeof *scratch);
    rules_finding *f = malloc(MAX_WARNINGS * sizeof *f);
    size_t n = 0;
    json_t *out = scratch && f ? json_array() : NULL;
    int failed = !out;
    if (out && rules_plan_check(&plan, f, MAX_WARNINGS, &n, scratch, words + 1) >= 0) {
        *total = (int)n;
        for (size_t i = 0; i < n && i < MAX_WARNINGS && !failed; i++) {
            char path[DOC_PATH_MAX];
            finding_path(s, f[i].path, path);
            doc_append(out,
                       json_pack("{ssssssss}", "severity", rules_severity_name(f[i].severity), "code", f[i].code,
                                 "message", f[i].message, "path", path),
                       &failed);
        }
    }
    free(scratch);
    free(f);
    if (failed) {
        json_decref(out);
        return NULL;
    }
    return out;
}

void doc_state_init(doc_state *s, problem *p)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    org_rows_init(&s->org);
    for (int k = 0; k < 4; k++)
        buf_init(&s->rows[k], 0);
    s->objective_index = json_object();
    s->indicator_paths = json_object();
    s->assignee_index = json_object();
    s->rule_index = json_object();
    s->failed = !s->objective_index || !s->indicator_paths || !s->assignee_index || !s->rule_index;
    arena_init(&s->mem);
}

void doc_state_drop_checker(doc_state *s)
{
    json_t **indexes[] = {&s->objective_index, &s->indicator_paths, &s->assignee_index, &s->rule_index};
    for (size_t i = 0; i < sizeof indexes / sizeof *indexes; i++) {
        json_decref(*indexes[i]);
        *indexes[i] = NULL;
    }
    arena_free(&s->mem);
    arena_init(&s->mem);
    s->r_obj = NULL;
    s->r_asg = NULL;
    s->r_a = NULL;
    s->r_ph = NULL;
    s->r_ind = NULL;
    s->a_sub = s->ph_sub = s->ind_sub = NULL;
    s->asg_path = NULL;
    s->c_obj = NULL;
    s->c_ph = NULL;
    s->c_ind = NULL;
    s->a_weighted = NULL;
    s->c_a = NULL;
    s->nodes = NULL;
    s->rules_kept = NULL;
    s->n_obj = s->n_asg = s->n_a = s->n_ph = s->n_ind = 0;
    s->n_rules_kept = s->n_ind_max = 0;
}

void doc_state_free(doc_state *s)
{
    org_rows_free(&s->org);
    for (int k = 0; k < 4; k++)
        buf_free(&s->rows[k]);
    json_decref(s->objective_index);
    json_decref(s->indicator_paths);
    json_decref(s->assignee_index);
    json_decref(s->rule_index);
    if (s->plan_ok)
        field_values_free(&s->plan);
    arena_free(&s->mem);
}

int doc_check(doc_state *s, json_t *doc) { return doc_check_parts(s, doc, NULL, 0); }

int doc_check_parts(doc_state *s, json_t *doc, const char *objectives_text, size_t len)
{
    problem *p = s->p;
    body_unknown_fields(doc, plan_keys, "a plan document", p);
    json_t *format = json_object_get(doc, "format");
    if (format && !(json_is_string(format) && strcmp(json_string_value(format), "ciclo-plan/1") == 0))
        problem_add(p, "format", "must be \"ciclo-plan/1\"");
    /* the plan's own fields, checked as POST /v1/plans checks them */
    json_t *pf = json_object();
    doc_set(pf, "entity_id", json_integer(1), &s->failed);
    static const char *const own[] = {"year", "kind", "title", "method", "organisation", NULL};
    for (const char *const *k = own; *k; k++)
        if (json_object_get(doc, *k))
            doc_set(pf, *k, json_incref(json_object_get(doc, *k)), &s->failed);
    s->plan_ok = validate_object(&model_plans, pf, VALIDATE_CREATE, "", &s->plan, p) == 0;
    json_decref(pf);
    if (s->plan_ok)
        s->year = atoi(doc_fv(&model_plans, &s->plan, "year"));
    s->year_to = s->year;
    check_deliberation(s, json_object_get(doc, "deliberation"));

    json_t *list, *item;
    size_t i;
    char path[DOC_PATH_MAX];
    if ((list = array_member(doc, "people", "", p)))
        json_array_foreach(list, i, item)
        {
            doc_pathf(path, "people[%zu]", i);
            org_add_person(&s->org, item, path, p);
        }
    if ((list = array_member(doc, "structures", "", p)))
        json_array_foreach(list, i, item)
        {
            doc_pathf(path, "structures[%zu]", i);
            org_add_structure(&s->org, item, path, p);
        }
    json_t *empty = json_array();
    objective_source src = {array_member(doc, "objectives", "", p), 0, objectives_text, len, {0}};
    if (!src.array)
        src.array = empty;
    if (!empty || prepare(s, &src) < 0) {
        json_decref(empty);
        return problem_oom(p);
    }
    source_rewind(&src);
    int r;
    for (int oi = 0; (r = source_next(&src, &item)) == 1; oi++) {
        check_objective(s, item, oi);
        json_decref(item);
    }
    json_decref(empty);
    if (r < 0)
        return problem_oom(p);
    /* cycles in the cascade */
    for (int oi = 0; oi < s->n_obj; oi++) {
        int at = s->r_obj[oi].parent;
        for (int steps = 0; at >= 0 && steps <= s->n_obj; steps++) {
            if (at == oi) {
                doc_pathf(path, "objectives[%d].parent_code", oi);
                problem_add(p, path, "the cascade of %s loops back to it", s->r_obj[oi].code ? s->r_obj[oi].code : "");
                break;
            }
            at = s->r_obj[at].parent;
        }
    }
    if (s->failed || s->mem.failed || s->org.failed || problem_is_oom(p))
        return problem_oom(p);
    if (problem_count(p) > 0)
        problem_set(p, 422, "validation_failed", "the plan document is not valid");
    return 0;
}

int doc_content_rows(doc_state *s, char *rows[4], problem *p)
{
    for (int k = 0; k < 4; k++) {
        rows[k] = NULL;
        buf_puts(&s->rows[k], s->n_rows[k] ? "]" : "[]");
        if (s->rows[k].failed || !(rows[k] = buf_steal(&s->rows[k], NULL)))
            return problem_oom(p);
    }
    return 0;
}
