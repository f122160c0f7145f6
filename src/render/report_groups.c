/* report_groups.c — the report's rows under their totals, in document order (report_groups.h). */
#include "render/report_groups.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct key {
    int kind;     /* 0 structure, 1 manager, 2 person, 3 anything else */
    int64_t id;   /* assignee_id */
    int64_t rank; /* structures: place in the tree; others 0 */
    const char *name;
    size_t index; /* place in "totals": the tie-break that keeps the sort stable */
    json_t *total;
    json_t *rows;
} key;

typedef struct id_rank {
    int64_t id, rank;
} id_rank;

static int kind_of(const json_t *o)
{
    const char *k = json_string_value(json_object_get(o, "assignee_kind"));
    return !k ? 3 : strcmp(k, "structure") == 0 ? 0 : strcmp(k, "manager") == 0 ? 1 : strcmp(k, "person") == 0 ? 2 : 3;
}

static int cmp_id_rank(const void *a, const void *b)
{
    int64_t x = ((const id_rank *)a)->id, y = ((const id_rank *)b)->id;
    return x < y ? -1 : x > y;
}

static int cmp_key(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->kind == 1 || x->kind == 2) {
        int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
        if (c)
            return c;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorted by (kind, id), for finding a row's total. */
static int cmp_kind_id(const void *a, const void *b)
{
    const key *x = *(key *const *)a, *y = *(key *const *)b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static const char *kind_name(int k) { return k == 0 ? "structure" : k == 1 ? "manager" : k == 2 ? "person" : "other"; }

int report_groups_order(const report_assignee *v, size_t n, const json_t *structure_order, size_t *order)
{
    size_t no = json_is_array(structure_order) ? json_array_size(structure_order) : 0;
    key *keys = calloc(n + 1, sizeof *keys);
    id_rank *ranks = calloc(no + 1, sizeof *ranks);
    if (!keys || !ranks) {
        free(keys);
        free(ranks);
        return -1;
    }
    for (size_t i = 0; i < no; i++)
        ranks[i] = (id_rank){json_integer_value(json_array_get(structure_order, i)), (int64_t)i};
    qsort(ranks, no, sizeof *ranks, cmp_id_rank);
    for (size_t i = 0; i < n; i++) {
        key *k = &keys[i];
        k->kind = v[i].kind;
        k->id = v[i].id;
        k->name = v[i].name;
        k->index = i;
        k->rank = 0;
        if (k->kind == 0 && structure_order) {
            id_rank want = {k->id, 0};
            const id_rank *r = no ? bsearch(&want, ranks, no, sizeof *ranks, cmp_id_rank) : NULL;
            k->rank = r ? r->rank : (int64_t)(no + i); /* unknown: after the tree, in their order */
        }
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t i = 0; i < n; i++)
        order[i] = keys[i].index;
    free(keys);
    free(ranks);
    return 0;
}

json_t *report_groups(const json_t *report, const json_t *structure_order)
{
    const json_t *rows = json_object_get(report, "rows"), *totals = json_object_get(report, "totals");
    if (!json_is_array(rows) || !json_is_array(totals))
        return NULL;
    size_t nt = json_array_size(totals);
    report_assignee *v = calloc(nt + 1, sizeof *v);
    size_t *order = calloc(nt + 1, sizeof *order);
    key *keys = calloc(nt + 1, sizeof *keys);
    key **by_id = calloc(nt + 1, sizeof *by_id);
    json_t *out = json_array();
    if (!v || !order || !keys || !by_id || !out)
        goto fail;
    for (size_t i = 0; i < nt; i++) {
        json_t *t = json_array_get(totals, i);
        v[i] = (report_assignee){kind_of(t), json_integer_value(json_object_get(t, "assignee_id")),
                                 json_string_value(json_object_get(t, "assignee_name"))};
    }
    if (report_groups_order(v, nt, structure_order, order) < 0)
        goto fail;
    for (size_t i = 0; i < nt; i++) { /* keys in document order */
        key *k = &keys[i];
        k->kind = v[order[i]].kind;
        k->id = v[order[i]].id;
        k->total = json_array_get(totals, order[i]);
        if (!(k->rows = json_array()))
            goto fail;
    }
    for (size_t i = 0; i < nt; i++)
        by_id[i] = &keys[i];
    qsort(by_id, nt, sizeof *by_id, cmp_kind_id);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        key want = {kind_of(r), json_integer_value(json_object_get(r, "assignee_id")), 0, NULL, 0, NULL, NULL};
        key *pw = &want;
        key **hit = nt ? bsearch(&pw, by_id, nt, sizeof *by_id, cmp_kind_id) : NULL;
        if (hit && json_array_append(hit[0]->rows, r) < 0)
            goto fail;
    }
    for (size_t k = 0; k < nt; k++) {
        json_t *g = json_pack("{s:s, s:O, s:o}", "kind", kind_name(keys[k].kind), "total", keys[k].total, "rows",
                              keys[k].rows);
        keys[k].rows = NULL; /* stolen by the group (or freed by json_pack on failure) */
        if (!g || json_array_append_new(out, g) < 0)
            goto fail;
    }
    free(v);
    free(order);
    free(keys);
    free(by_id);
    return out;
fail:
    for (size_t k = 0; keys && k < nt; k++)
        json_decref(keys[k].rows);
    free(v);
    free(order);
    free(keys);
    free(by_id);
    json_decref(out);
    return NULL;
}

int report_groups_apply(json_t *report, const json_t *groups)
{
    json_t *rows = json_array(), *totals = json_array();
    size_t i;
    json_t *g;
    int bad = !rows || !totals;
    json_array_foreach(groups, i, g)
    {
        if (bad)
            break;
        bad |= json_array_append(totals, json_object_get(g, "total")) < 0;
        bad |= json_array_extend(rows, json_object_get(g, "rows")) < 0;
    }
    if (bad) {
        json_decref(rows);
        json_decref(totals);
        return -1;
    }
    json_object_set_new(report, "rows", rows);
    json_object_set_new(report, "totals", totals);
    return 0;
}
