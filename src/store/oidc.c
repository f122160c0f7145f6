/* oidc.c — who a verified access token names, and the caller's own view (store/oidc.h). */
#include "store/oidc.h"
#include "store/exec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/stmt.h"

static int st_find = -1, st_me = -1, st_objectives = -1;

int store_oidc_register(void)
{
    /* The person by external_id among the entities that accept the issuer; the identity row is
     * written once per person and issuer (the DO UPDATE only makes RETURNING answer when a
     * concurrent first sign-in wrote it). The groups give the role of highest rank. */
    st_find = store_stmt_register(
        "WITH p AS (SELECT pe.entity_id, pe.id AS person_id FROM people pe JOIN oidc_issuers i ON i.entity_id = "
        "pe.entity_id AND i.issuer = $1::text JOIN entities e ON e.id = pe.entity_id WHERE pe.external_id = $2::text "
        "AND ($3::text IS NULL OR e.code = $3::text) ORDER BY pe.entity_id LIMIT 2), "
        "known AS (SELECT o.id, o.entity_id, o.person_id FROM oidc_identities o JOIN p ON o.entity_id = p.entity_id "
        "AND o.person_id = p.person_id WHERE o.issuer = $1::text), "
        "added AS (INSERT INTO oidc_identities AS o (entity_id, issuer, person_id) SELECT p.entity_id, $1::text, "
        "p.person_id FROM p WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.entity_id = p.entity_id AND k.person_id "
        "= p.person_id) ON CONFLICT (entity_id, issuer, person_id) DO UPDATE SET last_seen = excluded.last_seen "
        "RETURNING o.id, o.entity_id, o.person_id), "
        "ident AS (SELECT * FROM known UNION ALL SELECT * FROM added) "
        "SELECT ident.entity_id, ident.person_id, ident.id, g.role, g.group_name, (SELECT min(s.id) FROM structures "
        "s WHERE s.entity_id = ident.entity_id AND s.manager_id = ident.person_id) FROM ident LEFT JOIN LATERAL "
        "(SELECT g.role, g.group_name FROM oidc_groups g WHERE g.entity_id = ident.entity_id AND g.group_name IN "
        "(SELECT jsonb_array_elements_text($4::jsonb)) ORDER BY array_position(ARRAY['planner', 'evaluator', 'erp', "
        "'reader'], g.role), g.group_name LIMIT 1) g ON true ORDER BY ident.entity_id");
    st_me = store_stmt_register(
        "SELECT json_build_object('entity', (SELECT json_build_object('id', e.id, 'code', e.code, 'name', e.name) "
        "FROM entities e WHERE e.id = $1::bigint), 'person', (SELECT json_build_object('id', pe.id, 'name', pe.name, "
        "'external_id', pe.external_id) FROM people pe WHERE pe.entity_id = $1::bigint AND pe.id = $2::bigint), "
        "'leads', COALESCE((SELECT json_agg(json_build_object('id', s.id, 'code', s.code, 'name', s.name) ORDER BY "
        "s.id) FROM structures s WHERE s.entity_id = $1::bigint AND s.manager_id = $2::bigint), '[]'::json))::text, "
        "$1::bigint IS NULL OR EXISTS (SELECT 1 FROM entities e WHERE e.id = $1::bigint)");
    /* An objective is the person's when they take part in it or it is assigned to them. */
    st_objectives = store_stmt_register(
        "SELECT json_build_object('id', o.id, 'plan_id', o.plan_id, 'year', pl.year, 'plan_status', pl.status, "
        "'code', o.code, 'title', o.title, 'level', o.level, 'participation', (SELECT json_build_object('percent', "
        "pa.percent, 'months', pa.months, 'part_time', pa.part_time) FROM participations pa WHERE pa.entity_id = "
        "o.entity_id AND pa.objective_id = o.id AND pa.person_id = $2::bigint), 'assigned', EXISTS (SELECT 1 FROM "
        "assignments a WHERE a.entity_id = o.entity_id AND a.objective_id = o.id AND a.person_id = $2::bigint AND "
        "a.removed_in_revision IS NULL))::text, o.id FROM objectives o JOIN plans pl ON pl.entity_id = o.entity_id "
        "AND pl.id = o.plan_id WHERE o.entity_id = $1::bigint AND o.removed_in_revision IS NULL AND o.id > $3::bigint "
        "AND (EXISTS (SELECT 1 FROM participations pa WHERE pa.entity_id = o.entity_id AND pa.objective_id = o.id AND "
        "pa.person_id = $2::bigint) OR EXISTS (SELECT 1 FROM assignments a WHERE a.entity_id = o.entity_id AND "
        "a.objective_id = o.id AND a.person_id = $2::bigint AND a.removed_in_revision IS NULL)) ORDER BY o.id LIMIT "
        "$4::integer");
    return st_find < 0 || st_me < 0 || st_objectives < 0 ? -1 : 0;
}

static int64_t col_id(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int store_oidc_find_person(store_conn *c, const char *issuer, const char *external_id, const char *entity_code,
                           const char *groups_json, store_oidc_person *out, problem *p)
{
    const char *params[] = {issuer, external_id, entity_code, groups_json};
    /* before the entity is known: the lookup looks in every entity that accepts the issuer
     * (row-level security, store/pool.h), and nothing else runs meanwhile */
    int64_t was = store_entity(c);
    store_set_entity(c, STORE_ENTITY_ALL);
    PGresult *r = store_exec(c, st_find, 4, params, p);
    store_set_entity(c, was);
    if (!r)
        return -1;
    int n = PQntuples(r);
    if (n == 1) {
        memset(out, 0, sizeof *out);
        out->entity_id = col_id(r, 0, 0);
        out->person_id = col_id(r, 0, 1);
        out->identity_id = col_id(r, 0, 2);
        snprintf(out->group_role, sizeof out->group_role, "%s", PQgetvalue(r, 0, 3));
        snprintf(out->group, sizeof out->group, "%s", PQgetvalue(r, 0, 4));
        out->led_structure = col_id(r, 0, 5);
    }
    PQclear(r);
    return n > 2 ? 2 : n;
}

int store_oidc_me(store_conn *c, int64_t entity_id, int64_t person_id, char **doc, problem *p)
{
    char e[24], ps[24];
    snprintf(e, sizeof e, "%" PRId64, entity_id);
    snprintf(ps, sizeof ps, "%" PRId64, person_id);
    const char *params[] = {entity_id ? e : NULL, person_id ? ps : NULL};
    PGresult *r = store_exec(c, st_me, 2, params, p);
    if (!r)
        return -1;
    int found = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
    *doc = found ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    if (found && !*doc) {
        problem_set(p, 503, "out_of_memory", "the server is out of memory; try again");
        return -1;
    }
    return found;
}

store_docs *store_oidc_my_objectives(store_conn *c, int64_t entity_id, int64_t person_id, int64_t after, int limit,
                                     problem *p)
{
    const store_args *a = STORE_ARGS(SA_I64(entity_id), SA_I64(person_id), SA_I64(after), SA_I64(limit));
    return store_docs_take(store_run(c, &STORE_BUILT(st_objectives, 4), a, p), p);
}
