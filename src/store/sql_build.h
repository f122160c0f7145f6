/*
 * sql_build.h — pieces of SQL that store files build their statements from at start-up:
 * a row rendered as the API's JSON, a field's parameter type, and the plan lifecycle's
 * guards, generated from the rules library's transition table (rules_lifecycle.h) so
 * that the statements and the refusals cannot disagree.
 */
#ifndef CICLO_STORE_SQL_BUILD_H
#define CICLO_STORE_SQL_BUILD_H

#include "core/buf.h"
#include "rules_lifecycle.h"
#include "store/model.h"

/* Appends the SQL expression (a scalar subquery) that renders row alias `alias` of r as the
 * API's JSON (compact, in the API's field order). */
void store_row_json_sql(buf *b, const resource_spec *r, const char *alias);
/* The same as jsonb (keys in jsonb's order, no JSON text parsed again): for audit records,
 * which are jsonb. */
void store_row_jsonb_sql(buf *b, const resource_spec *r, const char *a);

/* A condition on row alias a (a literal): it is in the caller's entity scope $1 (NULL: every
 * entity). */
#define STORE_SQL_SCOPE(a) "($1::bigint IS NULL OR " a ".entity_id = $1::bigint)"

/* A condition on an unaliased table: its rows of plan $2 of entity $1 that the plan still
 * holds (not removed by a revision). */
#define STORE_SQL_OF_PLAN "entity_id = $1::bigint AND plan_id = $2::bigint AND removed_in_revision IS NULL"

/* The SQL type a field's parameter is cast to. Static string. */
const char *store_field_sqltype(const field_spec *f);

/* Appends a condition, true when the plans row alias `a` (columns status, editing) is in a
 * state from which `action` is allowed. */
void store_plan_allows_sql(buf *b, const char *a, rules_plan_action action);

/* Appends the SET list ("status = 'closed', editing = false") of the state `action` leads
 * to; nothing when no state allows it. */
void store_plan_after_sql(buf *b, rules_plan_action action);

/* Registers the statement built in b (its text then lives for the process) and returns its
 * id, or -1 when b failed or the table is full. */
int store_stmt_register_built(buf *b);

#endif
