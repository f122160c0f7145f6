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

/* A shallow copy of obj without the keys listed (NULL-terminated). New reference. */
json_t *doc_without(json_t *obj, const char *const *keys)
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

const char *doc_fv(const resource_spec *r, const field_values *v, const char *name)
{
    int i = field_index(r, name);
    return i < 0 ? NULL : v->v[i];
}

/* A row of r's fields (REF fields left out) with the validated text values. New reference. */
json_t *doc_row_of(const resource_spec *r, const field_values *v)
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
