/*
 * model.h — the resources of the plan model, described once.
 *
 * Each resource_spec names its table, its parent (the row it hangs from, which also
 * gives it its entity), and its fields with their types and limits. The store builds
 * its prepared statements from these specs (store/crud.c) and the API validates request
 * bodies against them (codec/validate.c), so a field is added in one place.
 */
#ifndef CICLO_MODEL_H
#define CICLO_MODEL_H
#include <stdint.h>

typedef enum field_type {
    FT_TEXT,  /* JSON string; max_len in characters */
    FT_INT,   /* JSON integer in [min, max] */
    FT_DEC,   /* JSON number with at most `decimals` decimals, in [min, max], stored as numeric */
    FT_BOOL,  /* JSON true/false */
    FT_DATE,  /* "YYYY-MM-DD", a real calendar date */
    FT_ENUM,  /* one of values */
    FT_REF,   /* id of a row of the same entity (checked by a foreign key) */
    FT_JSON,  /* any JSON value of the kinds in json_kinds, stored as jsonb */
    FT_TEXTS, /* array of at most max_len strings, each at most 64 characters (or max when > 0), stored as text[] */
} field_type;

#define F_REQUIRED 1u      /* must be given on create, never null */
#define F_NOT_NULL 2u      /* never null; default_sql applies on create when absent */
#define F_SERVER 4u        /* set by the server; clients may not write it */
#define F_CREATE_ONLY 8u   /* written on create only; fixed afterwards */
#define F_FILTER 16u       /* lists accept ?name=value for it */
#define F_MAY_BE_EMPTY 32u /* FT_TEXT with F_REQUIRED: "" is accepted (a source that gives no title) */
#define F_CODE 64u         /* FT_TEXT: a code, [A-Za-z0-9][A-Za-z0-9._-]* (no spaces; issue 18) */

typedef struct field_spec {
    const char *name;   /* JSON name */
    const char *column; /* SQL column (NULL: same as name) */
    field_type type;
    unsigned flags;
    int max_len;               /* FT_TEXT characters, FT_TEXTS items */
    int64_t min, max;          /* FT_INT; FT_DEC whole units */
    int decimals;              /* FT_DEC */
    const char *const *values; /* FT_ENUM, NULL-terminated */
    const char *default_sql;   /* SQL literal used on create when absent (F_NOT_NULL) */
    const char *json_kinds;    /* FT_JSON: allowed kinds among "nsbo" (number, string, bool, object) */
} field_spec;

typedef struct resource_spec {
    const char *name;       /* singular, for messages: "objective" */
    const char *collection; /* URL and audit name: "objectives" */
    const char *table;
    const char *parent_table; /* NULL for entities */
    const char *parent_col;   /* column holding the parent's id: "plan_id" */
    int parent_in_body;       /* the parent id comes from the body field parent_col (plans) */
    int list_by_parent;       /* lists are read under the parent's URL */
    int parent_has_plan;      /* the parent row has plan_id, copied into this row */
    int has_plan;             /* the row has plan_id (for the audit log) */
    const field_spec *fields;
    int nfields;
    /* Statement ids, set by store_crud_register. */
    int st_get, st_list, st_insert, st_update, st_delete;
} resource_spec;

extern resource_spec model_entities, model_people, model_structures, model_plans, model_objectives, model_assignments,
    model_phases, model_indicators;
/* OpenID Connect sign-in: an entity's accepted issuers and its group-to-role table (api/oidc.h) */
extern resource_spec model_oidc_issuers, model_oidc_groups;

/* Every resource, for start-up registration and docs. */
extern resource_spec *const model_resources[];
extern const int model_resource_count;

#define MODEL_MAX_OUTPUT 48

/* The JSON names of a resource's rows in output order: id, entity_id, the parent link,
 * plan_id, the fields, created_at, updated_at. Fills names (borrowed static strings) and
 * returns their count. */
int model_output_fields(const resource_spec *r, const char **names, int max);
/* The field spec for a JSON name, or NULL for server columns (id, created_at ...). */
const field_spec *model_field(const resource_spec *r, const char *name);

/* Rows of a plan's content (objectives, assignments, phases, indicators): writable only
 * while their plan is a draft or has a revision open, and removed softly (marked with
 * removed_in_revision) once the plan has been adopted. See sql/002_revisions.sql. */
int model_is_plan_content(const resource_spec *r);

/* The column of a field. */
static inline const char *field_column(const field_spec *f) { return f->column ? f->column : f->name; }

#endif
