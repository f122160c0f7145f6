/* sql_build.c — SQL pieces for statements built at start-up (see sql_build.h). */
#include "store/sql_build.h"

#include <string.h>

#include "store/pool.h"

/* Field i of the row alias a, as its output name says (created_at and updated_at as UTC text). */
static void field_sql(buf *b, const resource_spec *r, const char *a, const char *name)
{
    const field_spec *f = model_field(r, name);
    if (strcmp(name, "created_at") == 0 || strcmp(name, "updated_at") == 0)
        buf_printf(b, "to_char(%s.%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", a, name);
    else
        buf_printf(b, "%s.\"%s\"", a, f ? field_column(f) : name);
}

/* PostgreSQL's limit on a function's arguments (FUNC_MAX_ARGS): two per field. */
#define BUILD_OBJECT_MAX_FIELDS 50

/* The row's fields as a subquery of x turned into JSON by fn (row_to_json, to_jsonb). */
static void row_subquery_sql(buf *b, const resource_spec *r, const char *a, const char *fn)
{
    const char *names[MODEL_MAX_OUTPUT];
    int n = model_output_fields(r, names, MODEL_MAX_OUTPUT);
    buf_printf(b, "(SELECT %s(x) FROM (SELECT ", fn);
    for (int i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ", ");
        field_sql(b, r, a, names[i]);
        buf_printf(b, " AS \"%s\"", names[i]);
    }
    buf_puts(b, ") x)");
}

/* As one json_build_object when the fields fit its arguments (no subquery: PostgreSQL starts
 * each execution of a point read at about half the cost), else as row_to_json of a subquery.
 * The values are the same text either way; json_build_object writes " : " and ", " between
 * them. */
void store_row_json_sql(buf *b, const resource_spec *r, const char *a)
{
    const char *names[MODEL_MAX_OUTPUT];
    int n = model_output_fields(r, names, MODEL_MAX_OUTPUT);
    if (n > BUILD_OBJECT_MAX_FIELDS) {
        row_subquery_sql(b, r, a, "row_to_json");
        return;
    }
    buf_puts(b, "json_build_object(");
    for (int i = 0; i < n; i++) {
        buf_printf(b, "%s'%s', ", i ? ", " : "", names[i]);
        field_sql(b, r, a, names[i]);
    }
    buf_putc(b, ')');
}

void store_row_jsonb_sql(buf *b, const resource_spec *r, const char *a) { row_subquery_sql(b, r, a, "to_jsonb"); }

const char *store_field_sqltype(const field_spec *f)
{
    switch (f->type) {
    case FT_INT: return "integer";
    case FT_DEC: return "numeric";
    case FT_BOOL: return "boolean";
    case FT_DATE: return "date";
    case FT_REF: return "bigint";
    case FT_JSON: return "jsonb";
    case FT_TEXTS: return "text[]";
    default: return "text";
    }
}

/* Every state a stored plan can be in. */
static const rules_plan_state states[] = {
    {RULES_PLAN_DRAFT, 0},  {RULES_PLAN_ADOPTED, 0},   {RULES_PLAN_ADOPTED, 1},
    {RULES_PLAN_CLOSED, 0}, {RULES_PLAN_VALIDATED, 0},
};
#define NSTATES ((int)(sizeof states / sizeof states[0]))

void store_plan_allows_sql(buf *b, const char *a, rules_plan_action action)
{
    int n = 0;
    buf_puts(b, "(");
    for (int i = 0; i < NSTATES; i++) {
        if (rules_plan_transition(states[i], action, NULL) != RULES_PLAN_ALLOWED)
            continue;
        const char *name = rules_plan_status_name(states[i].status);
        if (states[i].status == RULES_PLAN_ADOPTED)
            buf_printf(b, "%s(%s.status = '%s' AND %s%s.editing)", n ? " OR " : "", a, name,
                       states[i].editing ? "" : "NOT ", a);
        else
            buf_printf(b, "%s%s.status = '%s'", n ? " OR " : "", a, name);
        n++;
    }
    buf_puts(b, n ? ")" : "false)");
}

void store_plan_after_sql(buf *b, rules_plan_action action)
{
    for (int i = 0; i < NSTATES; i++) {
        rules_plan_state to;
        if (rules_plan_transition(states[i], action, &to) == RULES_PLAN_ALLOWED) {
            buf_printf(b, "status = '%s', editing = %s", rules_plan_status_name(to.status),
                       to.editing ? "true" : "false");
            return;
        }
    }
}

int store_stmt_register_built(buf *b)
{
    if (b->failed)
        return -1;
    return store_stmt_register(buf_steal(b, NULL)); /* lives for the process: the statement table borrows it */
}
