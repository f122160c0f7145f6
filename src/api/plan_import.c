/* plan_import.c — a plan document imported, or applied as a revision (plan_import.h). */
#include "api/plan_import.h"

#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/doc_fields.h"
#include "codec/plan_doc_check.h"
#include "store/erp.h"
#include "store/import.h"
#include "store/lifecycle.h"

#define TRIM_FROM (1u << 20) /* bytes of objectives text: a document this large trims the allocator */

/* Writes the structures and people of the document (store_org_write) and puts their counts
 * into counts: {"people": {"inserted","updated"}, "structures": {...}}. Returns 0 or -1. */
static int write_org(store_conn *c, const store_actor *who, int64_t entity, const org_rows *o, json_t *counts, problem *p)
{
    store_org_counts n;
    if (store_org_write(c, who, entity, o, &n, p) < 0)
        return -1;
    json_object_set_new(
        counts, "people",
        json_pack("{sIsI}", "inserted", (json_int_t)n.people_inserted, "updated", (json_int_t)n.people_updated));
    json_object_set_new(counts, "structures",
                        json_pack("{sIsI}", "inserted", (json_int_t)n.structures_inserted, "updated",
                                  (json_int_t)n.structures_updated));
    return 0;
}

/* What the store writes of the checked document s: its content rows (doc_content_rows) and the
 * plan's own fields; year and kind for a new plan (NULL for a revision). Borrows from s and rows. */
static store_plan_rows_in rows_in(const doc_state *s, char *const rows[4], const char *year, const char *kind)
{
    store_plan_rows_in in = {year,
                             kind,
                             doc_fv(&model_plans, &s->plan, "title"),
                             rows[0],
                             rows[1],
                             rows[2],
                             rows[3],
                             doc_fv(&model_plans, &s->plan, "method"),
                             doc_fv(&model_plans, &s->plan, "organisation")};
    return in;
}

/* The entity the plan goes to: *entity > 0 an existing one, 0 with *create set for a new
 * one (validated values in ev). Returns 0 or -1 (p set: 403, 404, 422, 503). */
static int resolve_entity(store_conn *c, const import_caller *caller, json_t *doc, int64_t *entity, field_values *ev,
                          int *create, problem *p)
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
        int found = store_entity_by_code(c, doc_fv(&model_entities, ev, "code"), entity, p);
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

/* The checker's findings on s (doc_warnings), taken before the rows are written; then what
 * only the checks needed is freed, so that a large plan's checker model is not held through
 * the write. After a large document (the objectives read from a text of big bytes, which
 * plan_document.release has freed too) the allocator gives those tens of MB back to the
 * system before libpq copies the rows into its send buffer: the server keeps up to 64 MB per
 * arena (http/server.c's tune_allocator), and the copy would otherwise come on top of them. */
static json_t *checked_warnings(doc_state *s, const plan_document *pd, int *total)
{
    json_t *warnings = doc_warnings(s, total);
    doc_state_drop_checker(s);
#ifdef __GLIBC__
    if (pd->objectives_len >= TRIM_FROM)
        malloc_trim(0);
#else
    (void)pd;
#endif
    return warnings;
}

/* The objectives text of pd is checked and read no more: its owner may free it. */
static void done_with_text(const plan_document *pd)
{
    if (pd->release)
        pd->release(pd->release_arg);
}

int plan_import_run(store_conn *c, const import_caller *caller, const plan_document *pd, json_t **result, problem *p)
{
    json_t *doc = pd->doc;
    *result = NULL;
    if (!json_is_object(doc)) {
        problem_add(p, "", "a plan document is a JSON object");
        return problem_set(p, 422, "validation_failed", "the plan document is not valid");
    }
    doc_state s;
    doc_state_init(&s, p);
    field_values ev;
    memset(&ev, 0, sizeof ev);
    int rc = -1, create = 0, total = 0;
    int64_t entity = 0, plan_id = 0;
    char *rows[4] = {NULL, NULL, NULL, NULL};
    json_t *counts = json_object(), *warnings = NULL;

    int checked = doc_check_parts(&s, doc, pd->objectives, pd->objectives_len);
    done_with_text(pd);
    if (checked < 0)
        goto done;
    problem ep;
    problem_init(&ep);
    if (resolve_entity(c, caller, doc, &entity, &ev, &create, &ep) < 0) {
        if (ep.status == 422 && p->status == 422) { /* one answer with every field error */
            json_t *e;
            size_t i;
            json_array_foreach(ep.errors, i, e) problem_add(p, json_string_value(json_object_get(e, "field")), "%s",
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
    if (store_org_resolve(c, entity, &s.org, p) < 0)
        goto done;
    if (problem_count(p) > 0 || p->status) {
        if (!p->status)
            problem_set(p, 422, "validation_failed", "the plan document is not valid");
        goto done;
    }
    const char *year = doc_fv(&model_plans, &s.plan, "year"), *kind = doc_fv(&model_plans, &s.plan, "kind");
    if (!kind)
        kind = "performance";
    if (entity > 0) {
        int64_t existing = 0;
        int found = store_plan_find(c, entity, year, kind, &existing, p);
        if (found < 0)
            goto done;
        if (found) {
            problem_set(p, 409, "plan_exists", "entity %" PRId64 " already has a %s plan for %s: plan %" PRId64, entity,
                        kind, year, existing);
            problem_add(p, "year", "plan %" PRId64 " is the %s plan of %s", existing, kind, year);
            problem_hint(p, "export it with GET /v1/plans/%" PRId64 "/export, or import under another year or kind",
                         existing);
            goto done;
        }
    }
    if (create && store_entity_create(c, caller->who, doc_fv(&model_entities, &ev, "code"),
                                      doc_fv(&model_entities, &ev, "name"), doc_fv(&model_entities, &ev, "kind"),
                                      doc_fv(&model_entities, &ev, "fiscal_code"), &entity, p) < 0)
        goto done;
    if (write_org(c, caller->who, entity, &s.org, counts, p) < 0)
        goto done;
    if (doc_content_rows(&s, rows, p) < 0)
        goto done;
    s.first_adoption = 1;
    warnings = checked_warnings(&s, pd, &total);
    store_plan_rows_in in = rows_in(&s, rows, year, kind);
    store_import_counts n;
    if (store_plan_insert(c, caller->who, entity, &in, &plan_id, &n, p) < 0)
        goto done;
    int adopted = s.deliberation[0] && s.deliberation[1];
    if (adopted && store_plan_adopt_imported(c, caller->who, entity, plan_id, s.deliberation[0], s.deliberation[1],
                                             s.deliberation[2], p) < 0)
        goto done;
    json_object_set_new(counts, "objectives", json_integer(n.objectives));
    json_object_set_new(counts, "assignments", json_integer(n.assignments));
    json_object_set_new(counts, "phases", json_integer(n.phases));
    json_object_set_new(counts, "indicators", json_integer(n.indicators));
    *result = json_pack("{sIsIsssisOsOsi}", "id", (json_int_t)plan_id, "entity_id", (json_int_t)entity, "status",
                        adopted ? "adopted" : "draft", "revision", adopted ? 1 : 0, "counts", counts, "warnings",
                        warnings, "warnings_total", total);
    rc = *result ? 0 : problem_set(p, 503, "out_of_memory", "the server is out of memory");
done:
    json_decref(warnings);
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
static void check_same_plan(const doc_state *s, json_t *doc, const store_plan_state_row *t, int64_t plan_id, problem *p)
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
        problem_add(p, "year", "plan %" PRId64 " is of %d, not %d: a revision keeps the plan's year", plan_id, t->year,
                    s->year);
    const char *kind = s->plan_ok ? doc_fv(&model_plans, &s->plan, "kind") : NULL;
    if (s->plan_ok && strcmp(kind ? kind : "performance", t->kind) != 0)
        problem_add(p, "kind", "plan %" PRId64 " is a %s plan, not %s", plan_id, t->kind, kind ? kind : "performance");
}

static json_t *change_counts(const store_revise_counts *n, int k, size_t rows)
{
    return json_pack("{sIsIsIsI}", "inserted", (json_int_t)n->inserted[k], "updated", (json_int_t)n->updated[k],
                     "removed", (json_int_t)n->removed[k], "unchanged",
                     (json_int_t)rows - (json_int_t)n->inserted[k] - (json_int_t)n->updated[k]);
}

int plan_revise_run(store_conn *c, const import_caller *caller, const char *scope, int64_t plan_id,
                    const plan_document *pd, json_t **result, problem *p)
{
    json_t *doc = pd->doc;
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
                        "plan %" PRId64
                        " is a draft: import the document with POST /v1/plans:import, or adopt "
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
    int rc = -1, total = 0;
    char *rows[4] = {NULL, NULL, NULL, NULL};
    char *adopted = NULL, *opened = NULL;
    json_t *counts = json_object(), *warnings = NULL;

    int checked = doc_check_parts(&s, doc, pd->objectives, pd->objectives_len);
    done_with_text(pd);
    if (checked < 0)
        goto done;
    json_t *dl = json_object_get(doc, "deliberation");
    if (!dl || json_is_null(dl))
        problem_add(p, "deliberation", "is required: the deliberation {number, date, body} that revises the plan");
    check_same_plan(&s, doc, &t, plan_id, p);
    /* references to structures and people are told with the other errors */
    if ((!p->status || p->status == 422) && store_org_resolve(c, t.entity_id, &s.org, p) < 0)
        goto done;
    if (problem_count(p) > 0 || p->status) {
        if (!p->status || p->status == 422)
            problem_set(p, 422, "validation_failed", "the plan document is not valid: nothing was changed");
        goto done;
    }
    if (write_org(c, caller->who, t.entity_id, &s.org, counts, p) < 0)
        goto done;
    int64_t version;
    /* the revision is opened, filled and adopted as by hand (open_revision, the writes, adopt) */
    if (store_plan_transition(c, scope, caller->who, plan_id, STORE_OPEN_REVISION, -1, NULL, &opened, &version, NULL,
                              p) <= 0) {
        if (!p->status)
            problem_set(p, 409, "conflict", "plan %" PRId64 " changed while it was revised; try again", plan_id);
        goto done;
    }
    if (doc_content_rows(&s, rows, p) < 0)
        goto done;
    warnings = checked_warnings(&s, pd, &total);
    store_plan_rows_in in = rows_in(&s, rows, NULL, NULL);
    store_revise_counts n;
    if (store_plan_revise_content(c, caller->who, t.entity_id, plan_id, t.revision + 1, &in, &n, p) < 0)
        goto done;
    store_deliberation d = {s.deliberation[0], s.deliberation[1], s.deliberation[2]};
    int revision = 0;
    found = store_plan_adopt_in_tx(c, scope, caller->who, plan_id, -1, &d, &adopted, &version, &revision, NULL, p);
    if (found <= 0) {
        if (found == 0)
            problem_set(p, 404, "not_found", "no plan with id %" PRId64, plan_id);
        goto done;
    }
    static const char *const names[STORE_REV_TABLES] = {"objectives", "assignments", "phases", "indicators"};
    json_t *changes = json_object();
    for (int k = 0; k < STORE_REV_TABLES; k++) {
        json_object_set_new(counts, names[k], json_integer((json_int_t)s.n_rows[k]));
        json_object_set_new(changes, names[k], change_counts(&n, k, s.n_rows[k]));
    }
    *result = json_pack("{sIsIsssisOsosOsi}", "id", (json_int_t)plan_id, "entity_id", (json_int_t)t.entity_id, "status",
                        "adopted", "revision", revision, "counts", counts, "changes", changes, "warnings", warnings,
                        "warnings_total", total);
    rc = *result ? 0 : problem_set(p, 503, "out_of_memory", "the server is out of memory");
done:
    json_decref(warnings);
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
