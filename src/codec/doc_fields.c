/* doc_fields.c — field readers shared by the document checks and the organisation rows (doc_fields.h). */
#include "codec/doc_fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void doc_pathf(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, DOC_PATH_MAX, fmt, ap);
    va_end(ap);
}

/* Copied key by key: json_copy keeps going when a key cannot be stored. */
json_t *doc_without(json_t *obj, const char *const *keys)
{
    if (!json_is_object(obj))
        return json_copy(obj);
    json_t *cp = json_object();
    const char *key;
    json_t *v;
    int failed = !cp;
    json_object_foreach(obj, key, v)
    {
        int skip = 0;
        for (const char *const *k = keys; *k && !skip; k++)
            skip = strcmp(*k, key) == 0;
        if (!skip && !failed)
            doc_set(cp, key, json_incref(v), &failed);
    }
    if (failed) {
        json_decref(cp);
        return NULL;
    }
    return cp;
}

int doc_set(json_t *obj, const char *key, json_t *v, int *failed)
{
    if (json_object_set_new(obj, key, v) == 0)
        return 0;
    *failed = 1;
    return -1;
}

int doc_append(json_t *arr, json_t *v, int *failed)
{
    if (json_array_append_new(arr, v) == 0)
        return 0;
    *failed = 1;
    return -1;
}

/* The index of field name in r, or -1. */
static int field_index(const resource_spec *r, const char *name)
{
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return i;
    return -1;
}

const char *doc_fv(const resource_spec *r, const field_values *v, const char *name)
{
    int i = field_index(r, name);
    return i < 0 ? NULL : v->v[i];
}

/* A row of r's fields (REF fields left out) with the validated text values. New reference. */
json_t *doc_row_of(const resource_spec *r, const field_values *v)
{
    json_t *row = json_object();
    int failed = 0;
    for (int i = 0; i < r->nfields && i < VALUES_MAX && !failed; i++) {
        if (r->fields[i].type == FT_REF || (r->fields[i].flags & F_SERVER))
            continue;
        doc_set(row, r->fields[i].name, v->v[i] ? json_string(v->v[i]) : json_null(), &failed);
    }
    if (failed) {
        json_decref(row);
        return NULL;
    }
    return row;
}

/* A string member, or NULL with an error when it is there and not a non-empty string. */
const char *doc_code_member(json_t *obj, const char *key, const char *path, problem *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return NULL;
    char fp[DOC_PATH_MAX];
    doc_pathf(fp, "%s%s%s", path, *path ? "." : "", key);
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

void doc_refuse_ids(json_t *obj, const char *path, const char *const *keys, const char *const *instead, problem *p)
{
    for (int i = 0; keys[i]; i++)
        if (json_object_get(obj, keys[i])) {
            char fp[DOC_PATH_MAX];
            doc_pathf(fp, "%s.%s", path, keys[i]);
            problem_add(p, fp, "is not part of a plan document: use %s", instead[i]);
        }
}
