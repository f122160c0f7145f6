/*
 * doc_fields.h — the small readers shared by the plan-document checks (codec/plan_doc_check.h)
 * and the structure and people rows (codec/org_rows.h): paths of fields, validated values by
 * name, rows of validated values, code members. Pure: no database, no HTTP.
 */
#ifndef CICLO_CODEC_DOC_FIELDS_H
#define CICLO_CODEC_DOC_FIELDS_H
#include <jansson.h>

#include "codec/validate.h"
#include "core/problem.h"

/* The size of every field path buffer (paths are cut there). */
#define DOC_PATH_MAX 256

/* Formats a field path into out (DOC_PATH_MAX bytes). */
void doc_pathf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A shallow copy of obj (borrowed) without the keys listed (NULL-terminated). New reference,
 * NULL when memory runs out. */
json_t *doc_without(json_t *obj, const char *const *keys);

/* json_object_set_new and json_array_append_new (v taken, also on failure) that set *failed
 * when v could not be stored: memory ran out (v NULL, or obj NULL from a failed allocation).
 * Return 0 or -1. */
int doc_set(json_t *obj, const char *key, json_t *v, int *failed);
int doc_append(json_t *arr, json_t *v, int *failed);

/* The validated text value of field name of r in v (borrowed from v), or NULL. */
const char *doc_fv(const resource_spec *r, const field_values *v, const char *name);

/* A row of r's fields (REF and server fields left out) with the validated text values of v.
 * New reference, NULL when memory runs out. */
json_t *doc_row_of(const resource_spec *r, const field_values *v);

/* The string member key of obj at path (borrowed from obj), or NULL when absent or null; NULL
 * with an error at path.key when it is not a non-empty string of at most 64 characters. */
const char *doc_code_member(json_t *obj, const char *key, const char *path, problem *p);

/* An error at path.key for each key of keys (NULL-terminated) that obj has, naming what to use
 * instead (instead[i]): row ids are not part of a document. */
void doc_refuse_ids(json_t *obj, const char *path, const char *const *keys, const char *const *instead, problem *p);

#endif
