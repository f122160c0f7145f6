/* org_rows.c — the structure and people rows of a plan document and of the ERP feeds (org_rows.h). */
#include "codec/org_rows.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "codec/doc_fields.h"
#include "codec/rule_json.h"

/* Every json_t o owns, the two row arrays first: their addresses into all. */
enum { ORG_OWNED = 11 };
_Static_assert(offsetof(org_rows, failed) == ORG_OWNED * sizeof(json_t *), "owned() lists every json_t of org_rows");
static void owned(org_rows *o, json_t **all[ORG_OWNED])
{
    json_t **list[ORG_OWNED] = {&o->structures,      &o->people,           &o->structure_index, &o->person_index,
                                &o->structure_paths, &o->person_paths,     &o->structure_refs,  &o->person_refs,
                                &o->parents,         &o->known_structures, &o->known_people};
    memcpy(all, list, sizeof list);
}

void org_rows_init(org_rows *o)
{
    json_t **all[ORG_OWNED];
    owned(o, all);
    o->failed = 0;
    for (size_t i = 0; i < ORG_OWNED; i++) {
        *all[i] = i < 2 ? json_array() : json_object();
        if (!*all[i])
            o->failed = 1;
    }
}

void org_rows_free(org_rows *o)
{
    json_t **all[ORG_OWNED];
    owned(o, all);
    for (size_t i = 0; i < ORG_OWNED; i++) {
        json_decref(*all[i]);
        *all[i] = NULL;
    }
}

static void add_ref(org_rows *o, json_t *refs, const char *code, const char *path)
{
    json_t *list = json_object_get(refs, code);
    if (!list && doc_set(refs, code, list = json_array(), &o->failed) < 0)
        return;
    doc_append(list, json_string(path), &o->failed);
}

void org_ref_structure(org_rows *o, const char *code, const char *path) { add_ref(o, o->structure_refs, code, path); }
void org_ref_person(org_rows *o, const char *external_id, const char *path)
{
    add_ref(o, o->person_refs, external_id, path);
}

void org_add_person(org_rows *o, json_t *obj, const char *path, problem *p)
{
    field_values v;
    if (validate_object(&model_people, obj, VALIDATE_CREATE, path, &v, p) < 0)
        return;
    const char *ext = doc_fv(&model_people, &v, "external_id");
    char fp[DOC_PATH_MAX];
    doc_pathf(fp, "%s%sexternal_id", path, *path ? "." : "");
    if (!ext || !*ext) {
        problem_add(p, fp, "is required: people are matched by external_id");
    } else if (json_object_get(o->person_index, ext)) {
        problem_add(p, fp, "%s is already used by %s", ext, json_string_value(json_object_get(o->person_paths, ext)));
    } else {
        doc_set(o->person_index, ext, json_integer((json_int_t)json_array_size(o->people)), &o->failed);
        doc_set(o->person_paths, ext, json_string(path), &o->failed);
        doc_append(o->people, doc_row_of(&model_people, &v), &o->failed);
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
    doc_refuse_ids(obj, path, ids, instead, p);
    const char *parent = doc_code_member(obj, "parent_code", path, p);
    const char *manager = doc_code_member(obj, "manager", path, p);
    char fp[DOC_PATH_MAX];
    json_t *own = json_object_get(obj, "code");
    if (parent && !(json_is_string(own) && strcmp(json_string_value(own), parent) == 0)) {
        doc_pathf(fp, "%s%sparent_code", path, *path ? "." : "");
        org_ref_structure(o, parent, fp); /* recorded even when the row is invalid: every error is told */
    }
    if (manager) {
        doc_pathf(fp, "%s%smanager", path, *path ? "." : "");
        org_ref_person(o, manager, fp);
    }
    json_t *cp = doc_without(obj, doc_keys);
    if (!cp) {
        o->failed = 1;
        return;
    }
    field_values v;
    int rc = validate_object(&model_structures, cp, VALIDATE_CREATE, path, &v, p);
    json_decref(cp);
    if (rc < 0 || problem_count(p) > before) {
        if (rc == 0)
            field_values_free(&v);
        problem_set(p, 422, "validation_failed", "the structure is not valid");
        return;
    }
    const char *code = doc_fv(&model_structures, &v, "code");
    if (json_object_get(o->structure_index, code)) {
        doc_pathf(fp, "%s%scode", path, *path ? "." : "");
        problem_add(p, fp, "%s is already used by %s", code,
                    json_string_value(json_object_get(o->structure_paths, code)));
        problem_set(p, 422, "validation_failed", "the structure is not valid");
        field_values_free(&v);
        return;
    }
    json_t *row = doc_row_of(&model_structures, &v);
    doc_set(row, "parent_code", parent ? json_string(parent) : json_null(), &o->failed);
    if (manager || json_object_get(obj, "manager")) /* absent: an existing structure keeps its manager */
        doc_set(row, "manager", manager ? json_string(manager) : json_null(), &o->failed);
    doc_set(o->structure_index, code, json_integer((json_int_t)json_array_size(o->structures)), &o->failed);
    doc_set(o->structure_paths, code, json_string(path), &o->failed);
    doc_append(o->structures, row, &o->failed);
    if (parent) {
        doc_pathf(fp, "%s%sparent_code", path, *path ? "." : "");
        if (strcmp(parent, code) == 0)
            problem_add(p, fp, "a structure cannot be its own parent");
        doc_set(o->parents, code, json_string(parent), &o->failed);
    }
    field_values_free(&v);
}

/* Codes referred to but not defined by the rows, as a JSON array text (malloc'd), or NULL when
 * memory runs out. */
static char *undefined_codes(json_t *refs, json_t *index)
{
    json_t *arr = json_array();
    const char *code;
    json_t *v;
    int failed = 0;
    json_object_foreach(refs, code, v)
    {
        (void)v;
        if (!json_object_get(index, code))
            doc_append(arr, json_string(code), &failed);
    }
    char *s = failed ? NULL : rule_json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

int org_undefined(const org_rows *o, char **structures, char **people)
{
    *structures = undefined_codes(o->structure_refs, o->structure_index);
    *people = undefined_codes(o->person_refs, o->person_index);
    if (!*structures || !*people || o->failed)
        return -1;
    return strcmp(*structures, "[]") != 0 || strcmp(*people, "[]") != 0;
}

void org_known(org_rows *o, char kind, const char *code)
{
    doc_set(kind == 's' ? o->known_structures : o->known_people, code, json_true(), &o->failed);
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

void org_check_refs(org_rows *o, problem *p)
{
    int before = problem_count(p);
    report_unknown(o->structure_refs, o->structure_index, o->known_structures, "structure with code", p);
    report_unknown(o->person_refs, o->person_index, o->known_people, "person with external_id", p);
    /* cycles among the parents given here (each walk is bounded by the row count) */
    const char *code;
    json_t *par;
    size_t n = json_object_size(o->parents);
    json_object_foreach(o->parents, code, par)
    {
        const char *at = json_string_value(par);
        for (size_t steps = 0; at && steps <= n; steps++) {
            if (strcmp(at, code) == 0) {
                char fp[DOC_PATH_MAX];
                doc_pathf(fp, "%s.parent_code", json_string_value(json_object_get(o->structure_paths, code)));
                problem_add(p, fp, "the parents of %s loop back to it", code);
                break;
            }
            json_t *next = json_object_get(o->parents, at);
            at = next ? json_string_value(next) : NULL;
        }
    }
    if (problem_count(p) > before)
        problem_set(p, 422, "validation_failed", "the document is not valid");
    if (o->failed)
        problem_oom(p);
}

int org_rows_text(const org_rows *o, char **people, char **structures, problem *p)
{
    *people = json_array_size(o->people) ? rule_json_dumps(o->people, JSON_COMPACT) : NULL;
    *structures = json_array_size(o->structures) ? rule_json_dumps(o->structures, JSON_COMPACT) : NULL;
    if (o->failed || (json_array_size(o->people) && !*people) || (json_array_size(o->structures) && !*structures))
        return problem_oom(p);
    return 0;
}
