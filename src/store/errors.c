/* errors.c — the one table that turns PostgreSQL errors into what the client sees (errors.h). */
#include "store/errors.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "store/exec.h"
#include "store/pool.h"

struct constraint_msg {
    const char *constraint;
    int status;
    const char *field;
    const char *message;
};

/* Constraint names from the migrations in sql/. Foreign keys are listed for writes that point at a
 * missing row (422); a delete blocked by a reference is a 409 whatever the constraint. */
static const struct constraint_msg constraints[] = {
    {"entities_code_unique", 409, "code", "an entity with this code already exists"},
    {"people_external_id_unique", 409, "external_id", "a person with this external_id already exists in the entity"},
    {"structures_code_unique", 409, "code", "a structure with this code already exists in the entity"},
    {"structures_parent_fk", 422, "parent_id", "no such structure in this entity"},
    {"structures_manager_fk", 422, "manager_id", "no such person in this entity"},
    {"structures_parent_self", 422, "parent_id", "a structure cannot be its own parent"},
    {"structures_parent_cycle", 422, "parent_id", "the structure would become its own ancestor"},
    {"plans_year_kind_unique", 409, "year", "the entity already has a plan of this kind for this year"},
    {"objectives_code_unique", 409, "code", "an objective with this code already exists in the plan"},
    {"objectives_parent_fk", 422, "parent_id", "no such objective in this entity"},
    {"objectives_parent_self", 422, "parent_id", "an objective cannot be its own parent"},
    {"objectives_parent_cycle", 422, "parent_id", "the objective would become its own ancestor"},
    {"objectives_years_check", 422, "end_year", "end_year is before start_year"},
    {"objectives_financial_resources_check", 422, "financial_resources", "must not be negative"},
    {"assignments_structure_fk", 422, "structure_id", "no such structure in this entity"},
    {"assignments_person_fk", 422, "person_id", "no such person in this entity"},
    {"assignments_assignee_check", 422, "structure_id", "give exactly one of structure_id and person_id"},
    {"assignments_structure_unique", 409, "structure_id", "the objective is already assigned to this structure"},
    {"assignments_person_unique", 409, "person_id", "the objective is already assigned to this person"},
    {"phases_seq_unique", 409, "seq", "the objective already has a phase with this seq"},
    {"phases_dates_check", 422, "deadline", "the deadline is before the start"},
    {"indicators_code_unique", 409, "code", "an indicator with this code already exists in the plan"},
    {"reviews_date_unique", 409, "as_of", "the plan already has a review of this kind at this date"},
    {"plan_revisions_deliberation_unique", 409, "deliberation.number",
     "the plan already has a revision adopted by this deliberation"},
    {"plan_revisions_pkey", 409, "deliberation", "the plan was adopted by someone else in the meantime"},
    {"plans_editing_check", 409, "status", "only an adopted plan can have a revision open"},
    {"tokens_entity_fk", 422, "entity_id", "no such entity"},
    {"tokens_entity_check", 422, "entity_id", "only an admin token may have no entity"},
    {"evaluation_schemes_role_unique", 409, "role", "the entity already has an evaluation scheme for this year and role"},
    {"participations_person_unique", 409, "person_id", "the person already takes part in this objective"},
    {"oidc_issuers_unique", 409, "issuer", "the entity already accepts this issuer"},
    {"oidc_groups_unique", 409, "group", "the group already gives a role in this entity"},
    {"evaluation_forms_person_year_unique", 409, "person_id", "the person already has an evaluation form for this year"},
    {"bonus_distributions_slot_unique", 409, "replaces",
     "the entity already has a bonus distribution for this year, role and category: to replace it, send its id as replaces"},
    {"revision_validations_pkey", 409, "number", "the Nucleo has already validated this revision"},
    {"bonus_distributions_replaced_once", 409, "replaces", "that bonus distribution has already been replaced"},
    {"bonus_distributions_replaces_fk", 422, "replaces",
     "is not a bonus distribution of this entity for the same year, role and category"},
};

static const struct constraint_msg *find_constraint(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof constraints / sizeof constraints[0]; i++)
        if (strcmp(constraints[i].constraint, name) == 0)
            return &constraints[i];
    return NULL;
}

void store_error_problem(const store_pg_error *e, problem *p)
{
    const char *state = e->sqlstate, *primary = e->primary, *cname = e->constraint;
    if (!state || e->connection_lost || strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
        problem_set(p, 503, "database_unavailable", "the database is not reachable");
        p->retry_after = 2;
        return;
    }
    if (strcmp(state, "CI409") == 0) {
        /* a legal condition the database checks (sql/028_legal_gates.sql): its message names the law */
        problem_set(p, 409, "legal_condition", "%s", primary ? primary : "a legal condition is not met");
        problem_add(p, "year", "%s", primary ? primary : "a legal condition is not met");
        return;
    }
    const struct constraint_msg *c = find_constraint(cname);
    if (strcmp(state, "23503") == 0 && e->detail && strstr(e->detail, "is still referenced")) {
        problem_set(p, 409, "still_referenced", "other records still refer to this one");
        problem_hint(p, "remove or change them first (%s)", cname ? cname : "reference");
        return;
    }
    if (c && strncmp(state, "23", 2) == 0) {
        problem_set(p, c->status, c->status == 409 ? "conflict" : "validation_failed", "%s", c->message);
        problem_add(p, c->field, "%s", c->message);
        return;
    }
    if (strcmp(state, "23505") == 0) {
        problem_set(p, 409, "conflict", "a record with the same key already exists");
        return;
    }
    if (strcmp(state, "23502") == 0) {
        problem_set(p, 422, "validation_failed", "a required field is missing");
        problem_add(p, e->column ? e->column : "", "is required");
        return;
    }
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0) {
        problem_set(p, 422, "validation_failed", "%s", primary ? primary : "the data breaks a rule");
        return;
    }
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0) {
        problem_set(p, 503, "try_again", "the database asked to retry the operation");
        p->retry_after = 1;
        return;
    }
    if (strcmp(state, "57014") == 0) {
        problem_set(p, 503, "database_timeout", "the database did not answer in time");
        p->retry_after = 1;
        return;
    }
    if (strcmp(state, "42501") == 0) {
        problem_set(p, 403, "forbidden", "%s", primary ? primary : "not allowed");
        return;
    }
    problem_set(p, 500, "internal", "an unexpected database error occurred");
}

const char *store_error_constraint(size_t i)
{
    return i < sizeof constraints / sizeof constraints[0] ? constraints[i].constraint : NULL;
}

void store_map_error(PGconn *pg, const PGresult *res, problem *p)
{
    store_pg_error e = {NULL, NULL, NULL, NULL, NULL, pg && PQstatus(pg) != CONNECTION_OK};
    if (res) {
        e.sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        e.primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        e.constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        e.column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
        e.detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    }
    store_error_problem(&e, p);
    if (strcmp(p->code, "database_unavailable") == 0)
        log_error("database unavailable: %s", pg ? PQerrorMessage(pg) : "no connection");
    else if (p->status == 500)
        log_error("database error %s: %s", e.sqlstate, e.primary ? e.primary : "?");
}
