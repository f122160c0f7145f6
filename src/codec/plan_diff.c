/* plan_diff.c — objective-by-objective changes between two plan documents (plan_diff.h). */
#include "codec/plan_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/model.h"

/* An objective's own fields are the model's (codec/model.c), in its order; other keys follow,
 * sorted. The name of field i as the plan document writes it (the parent by its code), NULL for
 * a field the server sets. */
static const char *objective_field(int i)
{
    const field_spec *f = &model_objectives.fields[i];
    if (f->flags & F_SERVER)
        return NULL;
    return strcmp(f->name, "parent_id") == 0 ? "parent_code" : f->name;
}

static const char *const nested[] = {"assignments", "phases", "indicators", NULL};

/* The change the new document declares for an objective (store/plan_doc.h): not a field. */
#define MARK "revision_mark"

static int is_nested(const char *k)
{
    for (int i = 0; nested[i]; i++)
        if (strcmp(nested[i], k) == 0)
            return 1;
    return 0;
}

/* Equality with numbers by value (jsonb keeps 25.00; a client may send 25). */
static int same(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return (a == NULL || json_is_null(a)) && (b == NULL || json_is_null(b));
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v)
        {
            if (!same(v, json_object_get(b, k)))
                return 0;
        }
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The sorted union of the keys of a and b (either may be NULL) that pass keep. Returns a
 * malloc'd array of borrowed strings (NULL-terminated), or NULL on out of memory. */
static const char **key_union(const json_t *a, const json_t *b, int (*skip)(const char *))
{
    size_t n = (a ? json_object_size(a) : 0) + (b ? json_object_size(b) : 0);
    const char **keys = calloc(n + 1, sizeof *keys);
    if (!keys)
        return NULL;
    size_t used = 0;
    const json_t *src[2] = {a, b};
    for (int s = 0; s < 2; s++) {
        if (!src[s])
            continue;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)src[s], k, v)
        {
            (void)v;
            if (skip && skip(k))
                continue;
            int dup = 0;
            for (size_t i = 0; i < used && !dup; i++)
                dup = strcmp(keys[i], k) == 0;
            if (!dup)
                keys[used++] = k;
        }
    }
    qsort(keys, used, sizeof *keys, cmp_str);
    keys[used] = NULL;
    return keys;
}

static int skip_id(const char *k) { return strcmp(k, "id") == 0; }

static int skip_known(const char *k)
{
    if (strcmp(k, "id") == 0 || strcmp(k, MARK) == 0 || is_nested(k))
        return 1;
    for (int i = 0; i < model_objectives.nfields; i++)
        if (objective_field(i) && strcmp(objective_field(i), k) == 0)
            return 1;
    return 0;
}

/* The key of a nested item: "3" for a phase, "FIN-1.Q1" for an indicator,
 * "structure:FIN" / "person:M001" for an assignment. */
static void item_key(const char *list, const json_t *item, char *out, size_t n)
{
    if (strcmp(list, "phases") == 0) {
        snprintf(out, n, "%lld", (long long)json_integer_value(json_object_get(item, "seq")));
    } else if (strcmp(list, "indicators") == 0) {
        const char *c = json_string_value(json_object_get(item, "code"));
        snprintf(out, n, "%s", c ? c : "");
    } else {
        const char *s = json_string_value(json_object_get(item, "structure_code"));
        const char *p = json_string_value(json_object_get(item, "person_external_id"));
        if (s)
            snprintf(out, n, "structure:%s", s);
        else
            snprintf(out, n, "person:%s", p ? p : "");
    }
}

/* Keyed copy of a nested list: key → item (borrowed items). New reference, NULL when memory
 * runs out. */
static json_t *by_key(const char *list, const json_t *arr)
{
    json_t *m = json_object();
    size_t i;
    json_t *item;
    char key[256];
    json_array_foreach((json_t *)arr, i, item)
    {
        item_key(list, item, key, sizeof key);
        if (json_object_set(m, key, item) < 0) {
            json_decref(m);
            return NULL;
        }
    }
    return m;
}

/* Appends the string text to arr (a NULL arr from a failed allocation fails). 0 or -1. */
static int add_name(json_t *arr, const char *text) { return json_array_append_new(arr, json_string(text)); }

static int cmp_phase_key(const void *a, const void *b)
{
    long long x = atoll(*(const char *const *)a), y = atoll(*(const char *const *)b);
    return x < y ? -1 : x > y;
}

/* Appends to fields the changes of one nested list (see plan_diff.h). Returns 0, or -1 when
 * memory runs out. */
static int diff_list(const char *list, const json_t *old_arr, const json_t *new_arr, json_t *fields)
{
    json_t *om = by_key(list, json_is_array(old_arr) ? old_arr : NULL);
    json_t *nm = by_key(list, json_is_array(new_arr) ? new_arr : NULL);
    const char **keys = om && nm ? key_union(om, nm, NULL) : NULL;
    json_t *detail = keys ? json_array() : NULL;
    int rc = detail ? 0 : -1;
    size_t n = 0;
    while (keys && keys[n])
        n++;
    if (keys && strcmp(list, "phases") == 0)
        qsort(keys, n, sizeof *keys, cmp_phase_key);
    char path[600];
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *o = json_object_get(om, keys[i]), *nw = json_object_get(nm, keys[i]);
        if (!o || !nw) {
            snprintf(path, sizeof path, "%s[%s]", list, keys[i]);
            rc = add_name(detail, path);
            continue;
        }
        const char **fk = key_union(o, nw, skip_id);
        if (!fk)
            rc = -1;
        for (size_t j = 0; fk && fk[j] && rc == 0; j++)
            if (!same(json_object_get(o, fk[j]), json_object_get(nw, fk[j]))) {
                snprintf(path, sizeof path, "%s[%s].%s", list, keys[i], fk[j]);
                rc = add_name(detail, path);
            }
        free(fk);
    }
    if (rc == 0 && json_array_size(detail) && (add_name(fields, list) < 0 || json_array_extend(fields, detail) < 0))
        rc = -1;
    json_decref(detail);
    free(keys);
    json_decref(om);
    json_decref(nm);
    return rc;
}

/* The changed fields of objective o to n (see plan_diff.h): a new array, NULL when memory runs
 * out. */
static json_t *diff_objective(const json_t *o, const json_t *n)
{
    json_t *fields = json_array();
    const char **extra = key_union(o, n, skip_known);
    int rc = fields && extra ? 0 : -1;
    for (int i = 0; i < model_objectives.nfields && rc == 0; i++) {
        const char *k = objective_field(i);
        if (k && !same(json_object_get(o, k), json_object_get(n, k)))
            rc = add_name(fields, k);
    }
    for (size_t i = 0; rc == 0 && extra[i]; i++)
        if (!same(json_object_get(o, extra[i]), json_object_get(n, extra[i])))
            rc = add_name(fields, extra[i]);
    free(extra);
    for (int i = 0; nested[i] && rc == 0; i++)
        rc = diff_list(nested[i], json_object_get(o, nested[i]), json_object_get(n, nested[i]), fields);
    if (rc < 0) {
        json_decref(fields);
        return NULL;
    }
    return fields;
}

/* code → objective (borrowed), skipping objectives without a code. New reference, NULL when
 * memory runs out. */
static json_t *objectives_by_code(const json_t *doc)
{
    json_t *m = json_object();
    json_t *arr = doc ? json_object_get(doc, "objectives") : NULL;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *code = json_string_value(json_object_get(o, "code"));
        if (code && json_object_set(m, code, o) < 0) {
            json_decref(m);
            return NULL;
        }
    }
    return m;
}

json_t *plan_diff(const json_t *old_doc, const json_t *new_doc)
{
    if (!json_is_array(json_object_get(new_doc, "objectives")))
        return NULL;
    json_t *om = objectives_by_code(old_doc), *nm = objectives_by_code(new_doc);
    json_t *out = json_array();
    const char **codes = key_union(om, nm, NULL);
    if (!om || !nm || !out || !codes) {
        json_decref(out);
        out = NULL;
        goto done;
    }
    for (size_t i = 0; codes[i] && out; i++) {
        json_t *o = json_object_get(om, codes[i]), *n = json_object_get(nm, codes[i]);
        const char *change;
        json_t *fields;
        const char *declared = n ? json_string_value(json_object_get(n, MARK)) : NULL;
        if (!o) {
            change = "inserted";
            fields = json_array();
        } else if (!n) {
            change = "removed";
            fields = json_array();
        } else {
            change = "modified";
            fields = diff_objective(o, n);
            if (fields && json_array_size(fields) == 0 && !declared) {
                json_decref(fields);
                continue;
            }
        }
        json_t *title = json_object_get(n ? n : o, "title");
        json_t *item = fields ? json_pack("{s:s, s:O, s:s, s:o}", "code", codes[i], "title",
                                          title ? title : json_null(), "change", change, "fields", fields)
                              : NULL;
        if (!item || (declared && (json_object_set_new(item, "source", json_string("deliberation")) < 0 ||
                                   json_object_set_new(item, "declared", json_string(declared)) < 0))) {
            json_decref(item);
            item = NULL;
        }
        if (json_array_append_new(out, item) < 0) {
            json_decref(out);
            out = NULL;
        }
    }
done:
    free(codes);
    json_decref(om);
    json_decref(nm);
    return out;
}
