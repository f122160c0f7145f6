/* evaluation.c — statements of people evaluation and the result bonus (evaluation.h). */
#include "store/evaluation.h"

#include <stddef.h>

#define SCOPE(a) "($1::bigint IS NULL OR " a ".entity_id = $1::bigint)"
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Audit row of the write whose result j has doc, id and eid (entity id). */
#define AUDIT(action, resource, before)                                                                        \
    "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, " \
    "before, after) SELECT j.eid, $2::bigint, $3::text, $4::text, " action ", '" resource "', j.id, " before   \
    ", j.doc::jsonb FROM j)"

#define SCHEME_JSONB(a)                                                                                \
    "(jsonb_build_object('id', " a ".id, 'entity_id', " a ".entity_id, 'year', " a ".year, 'role', " a \
    ".role, "                                                                                          \
    "'title', " a ".title) || " a ".definition || jsonb_build_object('version', " a                    \
    ".version, 'created_at', " TS(a ".created_at") ", 'updated_at', " TS(a ".updated_at") "))"

#define PART_JSON(a)                                                                                       \
    "(SELECT row_to_json(x) FROM (SELECT " a ".id, " a ".entity_id, " a ".plan_id, " a ".objective_id, " a \
    ".person_id, (SELECT pp.name FROM people pp WHERE pp.entity_id = " a ".entity_id AND pp.id = " a       \
    ".person_id) AS person_name, " a ".percent, " a ".months, " a                                          \
    ".part_time, " TS(a ".created_at") " AS created_at) x)::text"

#define FORM_JSON(a)                                                                                                  \
    "(SELECT row_to_json(x) FROM (SELECT " a ".id, " a ".entity_id, " a                                               \
    ".person_id, (SELECT pp.name FROM people "                                                                        \
    "pp WHERE pp.entity_id = " a ".entity_id AND pp.id = " a ".person_id) AS person_name, " a ".year, " a ".role, " a \
    ".scheme_id, " a ".plan_id, " a ".structure_id, " a ".evaluator_id, " a ".as_of, " a ".months, " a                \
    ".part_time, " a ".status, " a ".score, " a ".ratings, " a ".computed, " a ".comments, " a ".interview_date, " a  \
    ".signed_by, " TS(a ".signed_at") " AS signed_at, " TS(                                                           \
        a ".answered_at") " AS answered_at, " a ".contest_reason, " a                                                 \
                          ".conciliation_note, " TS(a ".conciliated_at") " AS conciliated_at, " a ".version, " TS(    \
                              a ".created_at") " AS created_at, " TS(a ".updated_at") " AS updated_at) x)::text"

#define DIST_JSONB(a)                                                                                     \
    "(jsonb_build_object('id', " a ".id, 'entity_id', " a ".entity_id, 'year', " a ".year, 'role', " a    \
    ".role, "                                                                                             \
    "'category', " a ".category, 'scheme_id', " a ".scheme_id, 'fund', " a ".fund, 'redistribute', " a    \
    ".redistribute, 'distributed', " a ".distributed, 'remainder', " a ".remainder, 'computed_by', " a    \
    ".actor_name, 'created_at', " TS(a ".created_at") ", 'replaces', " a                                  \
                                                      ".replaces, 'replaced_by', (SELECT r.id "           \
                                                      "FROM bonus_distributions r WHERE r.entity_id = " a \
                                                      ".entity_id AND r.replaces = " a ".id)) || " a ".result)"

static const char *const sql[EV_COUNT] = {
    [EV_SCHEME_INSERT] =
        "WITH e AS (SELECT id FROM entities WHERE id = $5::bigint AND ($1::bigint IS NULL OR id = $1::bigint)), "
        "g AS (INSERT INTO evaluation_schemes (entity_id, year, role, title, definition) SELECT e.id, $6::integer, "
        "$7::text, $8::text, $9::jsonb FROM e RETURNING *), "
        "j AS (SELECT " SCHEME_JSONB("g") "::text AS doc, g.id, g.entity_id AS eid, g.version FROM g), "
        AUDIT("'create'", "evaluation_schemes", "NULL") " SELECT j.doc, j.version FROM j",
    [EV_SCHEME_GET] = "SELECT " SCHEME_JSONB("g") "::text, g.version, g.entity_id FROM evaluation_schemes g WHERE "
                      "g.id = $2::bigint AND " SCOPE("g"),
    [EV_SCHEME_LIST] = "SELECT " SCHEME_JSONB("g") "::text, g.id FROM evaluation_schemes g WHERE g.entity_id = "
                       "$2::bigint AND " SCOPE("g") " AND ($3::integer IS NULL OR g.year = $3::integer) AND "
                       "($4::text IS NULL OR g.role = $4::text) AND g.id > $5::bigint ORDER BY g.id LIMIT $6::integer",
    [EV_SCHEME_UPDATE] =
        "WITH old AS (SELECT " SCHEME_JSONB("t") " AS doc FROM evaluation_schemes t WHERE t.id = $5::bigint AND "
        SCOPE("t") "), g AS (UPDATE evaluation_schemes t SET year = $7::integer, role = $8::text, title = $9::text, "
        "definition = $10::jsonb, version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint AND "
        SCOPE("t") " AND t.version = $6::integer RETURNING t.*), "
        "j AS (SELECT " SCHEME_JSONB("g") "::text AS doc, g.id, g.entity_id AS eid, g.version FROM g), "
        AUDIT("'update'", "evaluation_schemes", "(SELECT doc FROM old)") " SELECT j.doc, j.version FROM j",
    [EV_SCHEME_DELETE] =
        "WITH old AS (SELECT " SCHEME_JSONB("t") " AS doc, t.id, t.entity_id AS eid FROM evaluation_schemes t WHERE "
        "t.id = $5::bigint AND " SCOPE("t") " AND ($6::integer IS NULL OR t.version = $6::integer)), "
        "d AS (DELETE FROM evaluation_schemes t USING old WHERE t.entity_id = old.eid AND t.id = old.id RETURNING "
        "t.id), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, "
        "resource_id, before) SELECT old.eid, $2::bigint, $3::text, $4::text, 'delete', 'evaluation_schemes', d.id, "
        "old.doc FROM d, old) SELECT d.id FROM d",
    [EV_SCHEME_FIND] = "SELECT g.id, g.definition::text FROM evaluation_schemes g WHERE g.entity_id = $2::bigint AND "
                       SCOPE("g") " AND g.year = $3::integer AND g.role = $4::text",

    [EV_PART_INSERT] =
        "WITH o AS (SELECT entity_id, id, plan_id FROM objectives t WHERE t.id = $5::bigint AND " SCOPE("t")
        " AND t.removed_in_revision IS NULL), g AS (INSERT INTO participations (entity_id, plan_id, objective_id, "
        "person_id, percent, months, part_time) SELECT o.entity_id, o.plan_id, o.id, $6::bigint, $7::numeric, "
        "$8::integer, $9::numeric FROM o RETURNING *), "
        "j AS (SELECT " PART_JSON("g") " AS doc, g.id, g.entity_id AS eid FROM g), "
        AUDIT("'create'", "participations", "NULL") " SELECT j.doc FROM j",
    [EV_PART_LIST] = "SELECT " PART_JSON("g") ", g.id FROM participations g WHERE g.objective_id = $2::bigint AND "
                     SCOPE("g") " ORDER BY g.id",
    [EV_PART_DELETE] =
        "WITH old AS (SELECT " PART_JSON("t") " AS doc, t.id, t.entity_id AS eid FROM participations t WHERE t.id = "
        "$5::bigint AND " SCOPE("t") "), d AS (DELETE FROM participations t USING old WHERE t.entity_id = old.eid AND "
        "t.id = old.id RETURNING t.id), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, "
        "action, resource, resource_id, before) SELECT old.eid, $2::bigint, $3::text, $4::text, 'delete', "
        "'participations', d.id, old.doc::jsonb FROM d, old) SELECT d.id FROM d",
    [EV_PART_OF] = "SELECT p.objective_id, o.code, p.percent, p.months, p.part_time FROM participations p JOIN "
                   "objectives o ON o.entity_id = p.entity_id AND o.id = p.objective_id WHERE p.person_id = "
                   "$2::bigint AND p.plan_id = $3::bigint AND " SCOPE("p") " AND o.removed_in_revision IS NULL "
                   "ORDER BY o.code, p.id",
    [EV_OBJECTIVE] = "SELECT t.id, t.entity_id FROM objectives t WHERE t.id = $2::bigint AND " SCOPE("t")
                     " AND t.removed_in_revision IS NULL",

    [EV_PERSON] = "SELECT t.id, t.entity_id, t.name, t.external_id, t.category FROM people t WHERE t.id = $2::bigint "
                  "AND " SCOPE("t"),
    [EV_STRUCTURE] = "SELECT t.id, t.code, t.name, t.manager_id, t.parent_id FROM structures t WHERE t.id = $2::bigint AND "
                     "t.entity_id = $3::bigint AND " SCOPE("t"),
    [EV_LED] = "SELECT t.id, t.code FROM structures t WHERE t.manager_id = $2::bigint AND t.entity_id = $3::bigint "
               "AND " SCOPE("t") " ORDER BY t.code",
    [EV_PLAN] = "SELECT t.entity_id, t.year, (SELECT max(r.as_of) FROM reviews r WHERE r.entity_id = t.entity_id AND "
                "r.plan_id = t.id AND r.kind = 'final') FROM plans t WHERE t.id = $2::bigint AND " SCOPE("t"),

    [EV_FORM_INSERT] =
        "WITH g AS (INSERT INTO evaluation_forms (entity_id, person_id, year, role, scheme_id, plan_id, structure_id, "
        "evaluator_id, as_of, months, part_time, ratings, comments, interview_date, computed, score) SELECT "
        "t.entity_id, t.id, $6::integer, $7::text, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12::date, "
        "$13::integer, $14::numeric, $15::jsonb, $16::text, $17::date, $18::jsonb, $19::numeric FROM people t WHERE "
        "t.id = $5::bigint AND " SCOPE("t") " RETURNING *), "
        "j AS (SELECT " FORM_JSON("g") " AS doc, g.id, g.entity_id AS eid, g.version FROM g), "
        AUDIT("'create'", "evaluation_forms", "NULL") " SELECT j.doc, j.version FROM j",
    [EV_FORM_GET] = "SELECT " FORM_JSON("g") ", g.version, g.id, g.entity_id, g.person_id, g.evaluator_id, g.role, "
                    "g.status, g.year, g.plan_id, g.structure_id, g.as_of, g.months, g.part_time, g.ratings::text, "
                    "g.scheme_id, g.comments, g.interview_date FROM evaluation_forms g WHERE g.id = $2::bigint AND "
                    SCOPE("g"),
    [EV_FORM_LIST] = "SELECT " FORM_JSON("g") ", g.id FROM evaluation_forms g WHERE " SCOPE("g")
                     " AND ($2::bigint IS NULL OR g.person_id = $2::bigint OR g.evaluator_id = $2::bigint) AND "
                     "($3::integer IS NULL OR g.year = $3::integer) AND ($4::text IS NULL OR g.role = $4::text) AND "
                     "($5::text IS NULL OR g.status = $5::text) AND g.id > $6::bigint ORDER BY g.id LIMIT $7::integer",
    [EV_FORM_UPDATE] =
        "WITH old AS (SELECT " FORM_JSON("t") " AS doc FROM evaluation_forms t WHERE t.id = $5::bigint AND " SCOPE("t")
        "), g AS (UPDATE evaluation_forms t SET status = $8::text, ratings = $9::jsonb, comments = $10::text, "
        "interview_date = $11::date, months = $12::integer, part_time = $13::numeric, computed = $14::jsonb, "
        "score = $15::numeric, signed_by = COALESCE($16::text, t.signed_by), signed_at = CASE WHEN $7::text = 'sign' "
        "THEN now() ELSE t.signed_at END, answered_at = CASE WHEN $7::text IN ('accept', 'contest') THEN now() ELSE "
        "t.answered_at END, contest_reason = COALESCE($17::text, t.contest_reason), conciliation_note = "
        "COALESCE($18::text, t.conciliation_note), conciliated_at = CASE WHEN $7::text = 'conciliate' THEN now() "
        "ELSE t.conciliated_at END, version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint AND "
        SCOPE("t") " AND t.version = $6::integer RETURNING t.*), "
        "j AS (SELECT " FORM_JSON("g") " AS doc, g.id, g.entity_id AS eid, g.version FROM g), "
        AUDIT("$7::text", "evaluation_forms", "(SELECT doc::jsonb FROM old)") " SELECT j.doc, j.version FROM j",
    [EV_FORM_GIVEN] = "SELECT g.score FROM evaluation_forms g WHERE g.evaluator_id = $2::bigint AND g.year = "
                      "$3::integer AND g.entity_id = $4::bigint AND " SCOPE("g") " AND g.status IN ('signed', "
                      "'accepted', 'contested', 'conciliated') AND g.score IS NOT NULL ORDER BY g.id",
    [EV_FORM_FUND] = "SELECT g.id, g.person_id, pe.name, pe.external_id, pe.category, g.status, g.score, g.months, "
                     "g.part_time FROM evaluation_forms g JOIN people pe ON pe.entity_id = g.entity_id AND pe.id = "
                     "g.person_id WHERE g.entity_id = $2::bigint AND " SCOPE("g") " AND g.year = $3::integer AND "
                     "g.role = $4::text AND ($5::text IS NULL OR pe.category = $5::text) ORDER BY g.person_id",

    [EV_DIST_INSERT] =
        "WITH g AS (INSERT INTO bonus_distributions (entity_id, year, role, category, scheme_id, fund, redistribute, "
        "distributed, remainder, result, actor_name, replaces) SELECT t.id, $6::integer, $7::text, $8::text, "
        "$9::bigint, $10::numeric, $11::boolean, $12::numeric, $13::numeric, $14::jsonb, $3::text, $15::bigint FROM "
        "entities t WHERE t.id = $5::bigint AND ($1::bigint IS NULL OR t.id = $1::bigint) RETURNING *), "
        "j AS (SELECT " DIST_JSONB("g") "::text AS doc, g.id, g.entity_id AS eid FROM g), "
        /* a replacement's audit row holds the distribution it replaces as before */
        AUDIT("CASE WHEN $15::bigint IS NULL THEN 'create' ELSE 'replace' END", "bonus_distributions",
              "(SELECT " DIST_JSONB("o") " FROM bonus_distributions o WHERE o.entity_id = j.eid AND o.id = "
              "$15::bigint)") " SELECT j.doc FROM j",
    [EV_DIST_GET] = "SELECT " DIST_JSONB("g") "::text FROM bonus_distributions g WHERE g.id = $2::bigint AND "
                    SCOPE("g"),
    [EV_DIST_LIST] = "SELECT (" DIST_JSONB("g") " - 'people')::text, g.id FROM bonus_distributions g WHERE "
                     "g.entity_id = $2::bigint AND " SCOPE("g") " AND g.id > $3::bigint ORDER BY g.id LIMIT "
                     "$4::integer",
};

static int st[EV_COUNT];

int store_evaluation_register(void)
{
    for (int i = 0; i < EV_COUNT; i++)
        if ((st[i] = store_stmt_register(sql[i])) < 0)
            return -1;
    return 0;
}

PGresult *store_eval(store_conn *c, store_eval_stmt q, int nparams, const char *const *params, problem *p)
{
    return store_exec(c, st[q], nparams, params, p);
}
