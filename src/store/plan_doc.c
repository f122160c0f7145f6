/* plan_doc.c — the plan document, built by PostgreSQL in one statement (see plan_doc.h). */
#include "store/plan_doc.h"

#include <stdio.h>

#include "store/sql_build.h"
#include "store/stmt.h"

/* References pl (a plans row) and dl (number, date, body). Keep in step with plan_doc.h. */
static const char doc_sql[] =
    "json_build_object("
    "'format', 'ciclo-plan/1', "
    "'entity', (SELECT json_build_object('code', e.code, 'name', e.name, 'kind', e.kind, 'fiscal_code', e.fiscal_code) "
    "FROM entities e WHERE e.id = pl.entity_id), "
    "'year', pl.year, 'kind', pl.kind, 'title', pl.title, 'method', pl.method, 'organisation', pl.organisation, "
    "'deliberation', CASE WHEN dl.number IS NULL THEN NULL "
    "ELSE json_build_object('number', dl.number, 'date', dl.date, 'body', dl.body) END, "
    "'structures', COALESCE((SELECT json_agg(json_build_object('code', s.code, 'name', s.name, 'kind', s.kind, "
    "'parent_code', sp.code, 'manager', sm.external_id, 'interim', s.interim) ORDER BY s.code COLLATE \"C\") "
    "FROM structures s LEFT JOIN structures sp ON sp.entity_id = s.entity_id AND sp.id = s.parent_id "
    "LEFT JOIN people sm ON sm.entity_id = s.entity_id AND sm.id = s.manager_id "
    "WHERE s.entity_id = pl.entity_id), '[]'::json), "
    "'people', COALESCE((SELECT json_agg(json_build_object('external_id', x.external_id, 'name', x.name, "
    "'role', x.role, 'category', x.category) ORDER BY x.external_id COLLATE \"C\" NULLS LAST, x.name COLLATE \"C\", x.id) "
    "FROM people x WHERE x.entity_id = pl.entity_id), '[]'::json), "
    "'objectives', COALESCE((SELECT json_agg(json_build_object("
    "'id', o.id, 'code', o.code, 'title', o.title, 'description', o.description, 'level', o.level, "
    "'parent_code', op.code, 'scope', o.scope, 'routine', o.routine, 'dup_ref', o.dup_ref, 'mission', o.mission, "
    "'programme', o.programme, 'public_value_dimension', o.public_value_dimension, "
    "'expected_result', o.expected_result, 'financial_resources', o.financial_resources, "
    "'start_year', o.start_year, 'end_year', o.end_year, 'payment_timeliness', o.payment_timeliness, "
    "'notes', o.notes, 'section', o.section, 'driver', o.driver, 'sdg', NULLIF(o.sdg, '{}'), 'bes', NULLIF(o.bes, '{}'), "
    "'risk_process', o.risk_process, 'risk', o.risk, 'risk_level', o.risk_level, "
    "'revision_mark', CASE WHEN o.revision_mark_in = pl.revision + 1 THEN o.revision_mark END, "
    "'assignments', COALESCE((SELECT json_agg(CASE WHEN a.structure_id IS NOT NULL "
    "THEN json_build_object('structure_code', sa.code, 'weight', a.weight, 'scope', a.scope, 'slot', a.slot) "
    "ELSE json_build_object('person_external_id', xa.external_id, 'weight', a.weight, 'scope', a.scope, "
    "'slot', a.slot) END "
    "ORDER BY sa.code COLLATE \"C\" NULLS LAST, xa.external_id COLLATE \"C\", a.id) "
    "FROM assignments a LEFT JOIN structures sa ON sa.entity_id = a.entity_id AND sa.id = a.structure_id "
    "LEFT JOIN people xa ON xa.entity_id = a.entity_id AND xa.id = a.person_id "
    "WHERE a.entity_id = o.entity_id AND a.objective_id = o.id AND a.removed_in_revision IS NULL), '[]'::json), "
    "'phases', COALESCE((SELECT json_agg(json_build_object('id', f.id, 'seq', f.seq, 'description', f.description, "
    "'owners', f.owners, 'start', f.start, 'deadline', f.deadline, 'weight', f.weight, 'cumulative', f.cumulative) "
    "ORDER BY f.seq) FROM phases f "
    "WHERE f.entity_id = o.entity_id AND f.objective_id = o.id AND f.removed_in_revision IS NULL), '[]'::json), "
    "'indicators', COALESCE((SELECT json_agg(json_build_object('id', i.id, 'code', i.code, 'name', i.name, "
    "'group', i.indicator_group, 'unit', i.unit, 'value_type', i.value_type, 'baseline', i.baseline, "
    "'target', i.target, 'targets', i.targets, 'direction', i.direction, 'rule', i.rule, 'weight', i.weight, 'source', i.source) "
    "ORDER BY i.code COLLATE \"C\") FROM indicators i "
    "WHERE i.entity_id = o.entity_id AND i.objective_id = o.id AND i.removed_in_revision IS NULL), '[]'::json)"
    ") ORDER BY o.code COLLATE \"C\") "
    "FROM objectives o LEFT JOIN objectives op ON op.entity_id = o.entity_id AND op.id = o.parent_id "
    "WHERE o.entity_id = pl.entity_id AND o.plan_id = pl.id AND o.removed_in_revision IS NULL), '[]'::json))";

enum { DOC_WORKING, DOC_REVISION, DOC_COUNTS_WORKING, DOC_COUNTS_REVISION };

/* The rows doc_sql puts in "objectives" of pl, with alias o. Keep in step with doc_sql. */
#define LIVE_OBJECTIVES \
    "objectives o WHERE o.entity_id = pl.entity_id AND o.plan_id = pl.id AND o.removed_in_revision IS NULL"

static char working_sql[sizeof doc_sql + 1024];

static store_stmt st[] = {
    [DOC_WORKING] = {"plan_doc.working", working_sql, 2, 0},
    [DOC_REVISION] = {"plan_doc.revision",
                      "SELECT r.document::text FROM plan_revisions r WHERE r.plan_id = $2::bigint "
                      "AND r.number = $3::integer AND " STORE_SQL_SCOPE("r"),
                      3, 0},
    [DOC_COUNTS_WORKING] = {"plan_doc.counts_working",
                            "SELECT (SELECT count(*) FROM " LIVE_OBJECTIVES "), "
                            "(SELECT count(*) FROM phases f, " LIVE_OBJECTIVES
                            " AND f.entity_id = o.entity_id AND f.objective_id = o.id AND f.removed_in_revision IS NULL), "
                            "(SELECT count(*) FROM indicators i, " LIVE_OBJECTIVES
                            " AND i.entity_id = o.entity_id AND i.objective_id = o.id AND i.removed_in_revision IS NULL) "
                            "FROM plans pl WHERE pl.id = $2::bigint AND " STORE_SQL_SCOPE("pl"),
                            2, 0},
    [DOC_COUNTS_REVISION] = {"plan_doc.counts_revision",
                             "SELECT jsonb_array_length(r.document->'objectives'), "
                             "(SELECT COALESCE(sum(jsonb_array_length(o->'phases')), 0) "
                             "FROM jsonb_array_elements(r.document->'objectives') o), "
                             "(SELECT COALESCE(sum(jsonb_array_length(o->'indicators')), 0) "
                             "FROM jsonb_array_elements(r.document->'objectives') o) "
                             "FROM plan_revisions r WHERE r.plan_id = $2::bigint "
                             "AND r.number = $3::integer AND " STORE_SQL_SCOPE("r"),
                             3, 0},
};

const char *store_plan_doc_sql(void) { return doc_sql; }

int store_plan_doc_register(void)
{
    snprintf(working_sql, sizeof working_sql,
             "SELECT (%s)::text FROM plans pl LEFT JOIN LATERAL (SELECT r.deliberation_number AS number, "
             "r.deliberation_date AS date, r.deliberation_body AS body FROM plan_revisions r "
             "WHERE r.entity_id = pl.entity_id AND r.plan_id = pl.id AND r.number = pl.revision AND NOT pl.editing) dl "
             "ON true WHERE pl.id = $2::bigint AND " STORE_SQL_SCOPE("pl"),
             doc_sql);
    return STORE_STMTS_REGISTER(st);
}

int store_plan_document(store_conn *c, const char *scope, int64_t plan_id, char **doc, problem *p)
{
    return store_run_text(c, &st[DOC_WORKING], STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id)), doc, p);
}

int store_plan_revision_document(store_conn *c, const char *scope, int64_t plan_id, int n, char **doc, problem *p)
{
    return store_run_text(c, &st[DOC_REVISION], STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id), SA_I64(n)), doc, p);
}

int store_plan_document_counts(store_conn *c, const char *scope, int64_t plan_id, int revision, plan_doc_counts *out,
                               problem *p)
{
    int rc;
    PGresult *r = revision > 0
                      ? store_run_row(c, &st[DOC_COUNTS_REVISION],
                                      STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id), SA_I64(revision)), &rc, p)
                      : store_run_row(c, &st[DOC_COUNTS_WORKING], STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id)), &rc, p);
    if (!r)
        return rc;
    out->objectives = row_i64(r, 0, 0);
    out->phases = row_i64(r, 0, 1);
    out->indicators = row_i64(r, 0, 2);
    PQclear(r);
    return 1;
}
