/* evaluation.c — statements of people evaluation and the result bonus (evaluation.h). */
#include "store/evaluation.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_build.h"
#include "store/stmt.h"

/* The statements, by name. Rows are listed with each. $1 is the caller's scope; writes take
 * $2 token id, $3 actor name, $4 actor role for their audit row. */
typedef enum eval_stmt {
    /* Schemes. Rows: doc (JSON text), version. */
    EV_SCHEME_INSERT, /* $5 entity_id, $6 year, $7 role, $8 title, $9 definition (JSON) */
    EV_SCHEME_GET,    /* $2 id → doc, version, entity_id */
    EV_SCHEME_LIST,   /* $2 entity_id, $3 year|NULL, $4 role|NULL, $5 after id, $6 limit → doc, id */
    EV_SCHEME_UPDATE, /* $5 id, $6 version, $7 year, $8 role, $9 title, $10 definition → doc, version */
    EV_SCHEME_DELETE, /* $5 id, $6 version|NULL → id */
    EV_SCHEME_FIND,   /* $2 entity_id, $3 year, $4 role → id, definition (JSON text) */
    /* Participations. */
    EV_PART_INSERT, /* $5 objective_id, $6 person_id, $7 percent, $8 months, $9 part_time → doc */
    EV_PART_LIST,   /* $2 objective_id → doc, id, person_id */
    EV_PART_DELETE, /* $5 id → id */
    EV_PART_OF,     /* $2 person_id, $3 plan_id → objective_id, code, percent, months, part_time */
    EV_OBJECTIVE,   /* $2 objective_id → id, entity_id (the objective is live and in scope) */
    EV_LEADS,       /* $2 objective_id, $3 person_id → 1 when the person leads a structure it is assigned to */
    /* People, structures, plans. */
    EV_PERSON,    /* $2 person_id → id, entity_id, name, external_id, category */
    EV_STRUCTURE, /* $2 structure_id, $3 entity_id → id, code, name, manager_id, parent_id */
    EV_LED,       /* $2 person_id, $3 entity_id → id, code (structures the person leads) */
    EV_PLAN,      /* $2 plan_id → entity_id, year, final review as_of (or NULL) */
    /* Forms. */
    EV_FORM_INSERT, /* $5 person, $6 year, $7 role, $8 scheme, $9 plan, $10 structure, $11 evaluator,
                       $12 as_of, $13 months, $14 part_time, $15 ratings, $16 comments, $17 interview_date,
                       $18 computed, $19 score → doc, version */
    EV_FORM_GET,    /* $2 id → doc, version, id, entity_id, person_id, evaluator_id, role, status, year,
                       plan_id, structure_id, as_of, months, part_time, ratings (JSON), scheme_id, comments,
                       interview_date, computed (JSON), score */
    EV_FORM_LIST,   /* $2 viewer person|NULL (NULL: every form of the scope), $3 year|NULL, $4 role|NULL,
                       $5 status|NULL, $6 after id, $7 limit → doc, id */
    EV_FORM_UPDATE, /* $5 id, $6 version, $7 action (audit, and which timestamp to set: sign, accept,
                       contest, conciliate, update), $8 status, $9 ratings, $10 comments,
                       $11 interview_date, $12 months, $13 part_time, $14 computed, $15 score,
                       $16 signed_by, $17 contest_reason, $18 conciliation_note → doc, version */
    EV_FORM_GIVEN,  /* $2 evaluator person, $3 year, $4 entity_id → score (signed or later) */
    EV_FORM_FUND,   /* $2 entity_id, $3 year, $4 role, $5 category|NULL → id, person_id, name,
                       external_id, category, status, score, months, part_time */
    /* Distributions. Rows: doc. */
    EV_DIST_INSERT, /* $5 entity_id, $6 year, $7 role, $8 category, $9 scheme, $10 fund, $11 redistribute,
                       $12 distributed, $13 remainder, $14 result (JSON), $15 replaces → doc */
    EV_DIST_GET,    /* $2 id → doc */
    EV_DIST_LIST,   /* $2 entity_id, $3 after id, $4 limit → doc (without the people), id */
    EV_COUNT
} eval_stmt;

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Audit row of the write whose result j has doc, id and eid (entity id). */
#define AUDIT(action, resource, before)                                                                        \
    "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, " \
    "before, after) SELECT j.eid, $2::bigint, $3::text, $4::text, " action ", '" resource "', j.id, " before   \
    ", j.doc::jsonb FROM j)"
/* After the CTE g (the row written): j, its document (the SQL expression doc) with its id,
 * entity and version, its audit row (AUDIT), and the statement's rows: doc, version. */
#define WRITTEN(doc, action, resource, before)                                          \
    "j AS (SELECT " doc " AS doc, g.id, g.entity_id AS eid, g.version FROM g), " AUDIT( \
        action, resource, before) " SELECT j.doc, j.version FROM j"

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

static store_stmt st[EV_COUNT] = {
    [EV_SCHEME_INSERT] =
        {"evaluation.scheme_insert",
         "WITH e AS (SELECT id FROM entities WHERE id = $5::bigint AND ($1::bigint IS NULL OR id = $1::bigint)), "
         "g AS (INSERT INTO evaluation_schemes (entity_id, year, role, title, definition) SELECT e.id, $6::integer, "
         "$7::text, $8::text, $9::jsonb FROM e RETURNING *), " WRITTEN(SCHEME_JSONB("g") "::text", "'create'",
                                                                       "evaluation_schemes", "NULL"),
         9},
    [EV_SCHEME_GET] = {"evaluation.scheme_get",
                       "SELECT " SCHEME_JSONB("g") "::text, g.version, g.entity_id FROM evaluation_schemes g WHERE "
                                                   "g.id = $2::bigint AND " STORE_SQL_SCOPE("g"),
                       2},
    [EV_SCHEME_LIST] =
        {"evaluation.scheme_list",
         "SELECT " SCHEME_JSONB(
             "g") "::text, g.id FROM evaluation_schemes g WHERE g.entity_id = "
                  "$2::bigint AND " STORE_SQL_SCOPE(
                      "g") " AND ($3::integer IS NULL OR g.year = $3::integer) AND "
                           "($4::text IS NULL OR g.role = $4::text) AND g.id > $5::bigint ORDER BY g.id LIMIT $6::integer",
         6},
    [EV_SCHEME_UPDATE] =
        {"evaluation.scheme_update",
         "WITH old AS (SELECT " SCHEME_JSONB("t") " AS doc FROM evaluation_schemes t WHERE t.id = $5::bigint AND " STORE_SQL_SCOPE(
             "t") "), g AS (UPDATE evaluation_schemes t SET year = $7::integer, role = $8::text, title = $9::text, "
                  "definition = $10::jsonb, version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint AND " STORE_SQL_SCOPE(
                      "t") " AND t.version = $6::integer RETURNING t.*), " WRITTEN(SCHEME_JSONB("g") "::text",
                                                                                   "'update'", "evaluation_schemes",
                                                                                   "(SELECT doc FROM old)"),
         10},
    [EV_SCHEME_DELETE] =
        {"evaluation.scheme_delete",
         "WITH old AS (SELECT " SCHEME_JSONB(
             "t") " AS doc, t.id, t.entity_id AS eid FROM evaluation_schemes t WHERE "
                  "t.id = $5::bigint AND " STORE_SQL_SCOPE(
                      "t") " AND ($6::integer IS NULL OR t.version = $6::integer)), "
                           "d AS (DELETE FROM evaluation_schemes t USING old WHERE t.entity_id = old.eid AND t.id = old.id RETURNING "
                           "t.id), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, "
                           "resource_id, before) SELECT old.eid, $2::bigint, $3::text, $4::text, 'delete', 'evaluation_schemes', d.id, "
                           "old.doc FROM d, old) SELECT d.id FROM d",
         6},
    [EV_SCHEME_FIND] =
        {"evaluation.scheme_find",
         "SELECT g.id, g.definition::text FROM evaluation_schemes g WHERE g.entity_id = $2::bigint AND " STORE_SQL_SCOPE(
             "g") " AND g.year = $3::integer AND g.role = $4::text",
         4},

    [EV_PART_INSERT] =
        {"evaluation.part_insert",
         "WITH o AS (SELECT entity_id, id, plan_id FROM objectives t WHERE t.id = $5::bigint AND " STORE_SQL_SCOPE(
             "t") " AND t.removed_in_revision IS NULL), g AS (INSERT INTO participations (entity_id, plan_id, objective_id, "
                  "person_id, percent, months, part_time) SELECT o.entity_id, o.plan_id, o.id, $6::bigint, $7::numeric, "
                  "$8::integer, $9::numeric FROM o RETURNING *), "
                  "j AS (SELECT " PART_JSON("g") " AS doc, g.id, g.entity_id AS eid FROM g), " AUDIT(
                      "'create'", "participations", "NULL") " SELECT j.doc FROM j",
         9},
    [EV_PART_LIST] =
        {"evaluation.part_list",
         "SELECT " PART_JSON("g") ", g.id, g.person_id FROM participations g WHERE g.objective_id = $2::bigint AND " STORE_SQL_SCOPE(
             "g") " ORDER BY g.id",
         2},
    [EV_PART_DELETE] =
        {"evaluation.part_delete",
         "WITH old AS (SELECT " PART_JSON(
             "t") " AS doc, t.id, t.entity_id AS eid FROM participations t WHERE t.id = "
                  "$5::bigint AND " STORE_SQL_SCOPE(
                      "t") "), d AS (DELETE FROM participations t USING old WHERE t.entity_id = old.eid AND "
                           "t.id = old.id RETURNING t.id), a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, "
                           "action, resource, resource_id, before) SELECT old.eid, $2::bigint, $3::text, $4::text, 'delete', "
                           "'participations', d.id, old.doc::jsonb FROM d, old) SELECT d.id FROM d",
         5},
    [EV_PART_OF] = {"evaluation.part_of",
                    "SELECT p.objective_id, o.code, p.percent, p.months, p.part_time FROM participations p JOIN "
                    "objectives o ON o.entity_id = p.entity_id AND o.id = p.objective_id WHERE p.person_id = "
                    "$2::bigint AND p.plan_id = $3::bigint AND " STORE_SQL_SCOPE("p") " AND o.removed_in_revision IS NULL "
                                                                                      "ORDER BY o.code, p.id",
                    3},
    /* whether person $3 leads a structure that objective $2 is assigned to */
    [EV_LEADS] = {"evaluation.leads",
                  "SELECT 1 FROM assignments a JOIN structures s ON s.entity_id = a.entity_id AND s.id = "
                  "a.structure_id WHERE a.objective_id = $2::bigint AND " STORE_SQL_SCOPE("a") " AND s.manager_id = "
                                                                                               "$3::bigint LIMIT 1",
                  3},
    [EV_OBJECTIVE] = {"evaluation.objective",
                      "SELECT t.id, t.entity_id FROM objectives t WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE(
                          "t") " AND t.removed_in_revision IS NULL",
                      2},

    [EV_PERSON] = {"evaluation.person",
                   "SELECT t.id, t.entity_id, t.name, t.external_id, t.category FROM people t WHERE t.id = $2::bigint "
                   "AND " STORE_SQL_SCOPE("t"),
                   2},
    [EV_STRUCTURE] = {"evaluation.structure",
                      "SELECT t.id, t.code, t.name, t.manager_id, t.parent_id FROM structures t WHERE t.id = $2::bigint AND "
                      "t.entity_id = $3::bigint AND " STORE_SQL_SCOPE("t"),
                      3},
    [EV_LED] = {"evaluation.led",
                "SELECT t.id, t.code FROM structures t WHERE t.manager_id = $2::bigint AND t.entity_id = $3::bigint "
                "AND " STORE_SQL_SCOPE("t") " ORDER BY t.code",
                3},
    [EV_PLAN] = {"evaluation.plan",
                 "SELECT t.entity_id, t.year, (SELECT max(r.as_of) FROM reviews r WHERE r.entity_id = t.entity_id AND "
                 "r.plan_id = t.id AND r.kind = 'final') FROM plans t WHERE t.id = $2::bigint AND " STORE_SQL_SCOPE("t"),
                 2},

    [EV_FORM_INSERT] =
        {"evaluation.form_insert",
         "WITH g AS (INSERT INTO evaluation_forms (entity_id, person_id, year, role, scheme_id, plan_id, structure_id, "
         "evaluator_id, as_of, months, part_time, ratings, comments, interview_date, computed, score) SELECT "
         "t.entity_id, t.id, $6::integer, $7::text, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12::date, "
         "$13::integer, $14::numeric, $15::jsonb, $16::text, $17::date, $18::jsonb, $19::numeric FROM people t WHERE "
         "t.id = $5::bigint AND " STORE_SQL_SCOPE("t") " RETURNING *), " WRITTEN(FORM_JSON("g"), "'create'",
                                                                                 "evaluation_forms", "NULL"),
         19},
    [EV_FORM_GET] =
        {"evaluation.form_get",
         "SELECT " FORM_JSON(
             "g") ", g.version, g.id, g.entity_id, g.person_id, g.evaluator_id, g.role, "
                  "g.status, g.year, g.plan_id, g.structure_id, g.as_of, g.months, g.part_time, g.ratings::text, "
                  "g.scheme_id, g.comments, g.interview_date, g.computed::text, g.score FROM evaluation_forms g WHERE g.id = $2::bigint AND " STORE_SQL_SCOPE(
                      "g"),
         2},
    [EV_FORM_LIST] =
        {"evaluation.form_list",
         "SELECT " FORM_JSON("g") ", g.id FROM evaluation_forms g WHERE " STORE_SQL_SCOPE(
             "g") " AND ($2::bigint IS NULL OR g.person_id = $2::bigint OR g.evaluator_id = $2::bigint) AND "
                  "($3::integer IS NULL OR g.year = $3::integer) AND ($4::text IS NULL OR g.role = $4::text) AND "
                  "($5::text IS NULL OR g.status = $5::text) AND g.id > $6::bigint ORDER BY g.id LIMIT $7::integer",
         7},
    [EV_FORM_UPDATE] =
        {"evaluation.form_update",
         "WITH old AS (SELECT " FORM_JSON("t") " AS doc FROM evaluation_forms t WHERE t.id = $5::bigint AND " STORE_SQL_SCOPE(
             "t") "), g AS (UPDATE evaluation_forms t SET status = $8::text, ratings = $9::jsonb, comments = $10::text, "
                  "interview_date = $11::date, months = $12::integer, part_time = $13::numeric, computed = $14::jsonb, "
                  "score = $15::numeric, signed_by = COALESCE($16::text, t.signed_by), signed_at = CASE WHEN $7::text = 'sign' "
                  "THEN now() ELSE t.signed_at END, answered_at = CASE WHEN $7::text IN ('accept', 'contest') THEN now() ELSE "
                  "t.answered_at END, contest_reason = COALESCE($17::text, t.contest_reason), conciliation_note = "
                  "COALESCE($18::text, t.conciliation_note), conciliated_at = CASE WHEN $7::text = 'conciliate' THEN now() "
                  "ELSE t.conciliated_at END, version = t.version + 1, updated_at = now() WHERE t.id = $5::bigint AND " STORE_SQL_SCOPE(
                      "t") " AND t.version = $6::integer RETURNING t.*), " WRITTEN(FORM_JSON("g"), "$7::text",
                                                                                   "evaluation_forms",
                                                                                   "(SELECT doc::jsonb FROM old)"),
         18},
    [EV_FORM_GIVEN] = {"evaluation.form_given",
                       "SELECT g.score FROM evaluation_forms g WHERE g.evaluator_id = $2::bigint AND g.year = "
                       "$3::integer AND g.entity_id = $4::bigint AND " STORE_SQL_SCOPE(
                           "g") " AND g.status IN ('signed', "
                                "'accepted', 'contested', 'conciliated') AND g.score IS NOT NULL ORDER BY g.id",
                       4},
    [EV_FORM_FUND] = {"evaluation.form_fund",
                      "SELECT g.id, g.person_id, pe.name, pe.external_id, pe.category, g.status, g.score, g.months, "
                      "g.part_time FROM evaluation_forms g JOIN people pe ON pe.entity_id = g.entity_id AND pe.id = "
                      "g.person_id WHERE g.entity_id = $2::bigint AND " STORE_SQL_SCOPE(
                          "g") " AND g.year = $3::integer AND "
                               "g.role = $4::text AND ($5::text IS NULL OR pe.category = $5::text) ORDER BY g.person_id",
                      5},

    [EV_DIST_INSERT] =
        {"evaluation.dist_insert",
         "WITH g AS (INSERT INTO bonus_distributions (entity_id, year, role, category, scheme_id, fund, redistribute, "
         "distributed, remainder, result, actor_name, replaces) SELECT t.id, $6::integer, $7::text, $8::text, "
         "$9::bigint, $10::numeric, $11::boolean, $12::numeric, $13::numeric, $14::jsonb, $3::text, $15::bigint FROM "
         "entities t WHERE t.id = $5::bigint AND ($1::bigint IS NULL OR t.id = $1::bigint) RETURNING *), "
         "j AS (SELECT " DIST_JSONB("g") "::text AS doc, g.id, g.entity_id AS eid FROM g), "
         /* a replacement's audit row holds the distribution it replaces as before */
         AUDIT("CASE WHEN $15::bigint IS NULL THEN 'create' ELSE 'replace' END", "bonus_distributions",
               "(SELECT " DIST_JSONB("o") " FROM bonus_distributions o WHERE o.entity_id = j.eid AND o.id = "
                                          "$15::bigint)") " SELECT j.doc FROM j",
         15},
    [EV_DIST_GET] = {"evaluation.dist_get",
                     "SELECT " DIST_JSONB(
                         "g") "::text FROM bonus_distributions g WHERE g.id = $2::bigint AND " STORE_SQL_SCOPE("g"),
                     2},
    [EV_DIST_LIST] = {"evaluation.dist_list",
                      "SELECT (" DIST_JSONB("g") " - 'people')::text, g.id FROM bonus_distributions g WHERE "
                                                 "g.entity_id = $2::bigint AND " STORE_SQL_SCOPE(
                                                     "g") " AND g.id > $3::bigint ORDER BY g.id LIMIT "
                                                          "$4::integer",
                      4},
};

int store_evaluation_register(void) { return STORE_STMTS_REGISTER(st); }

/* ------------------------------------------------------------------------- */
/* Parameters in, values out                                                 */
/* ------------------------------------------------------------------------- */

/* The parameters of one statement (stmt.h's binder), with room for the decimals' texts.
 * Start zeroed: `args a = {0};`. */
typedef struct args {
    store_args a;
    char dec[4][32];
    int ndec;
} args;

/* The decimal d as text with 2 decimals, kept in a, to bind with 's'; NULL (SQL NULL) when
 * !has, or when a has no room left (a is then marked overflowing: store_run refuses it). */
static const char *dec(args *a, int has, rules_decimal d)
{
    if (!has)
        return NULL;
    if (a->ndec >= 4) {
        a->a.overflow = 1;
        return NULL;
    }
    return rules_decimal_format(d, 2, '.', a->dec[a->ndec++]);
}

/* Runs q with the reads' parameters {scope, id}. */
static PGresult *run_id(const eval_ctx *x, eval_stmt q, int64_t id, problem *p)
{
    return store_run(x->db, &st[q], STORE_ARGS(SA_TEXT(x->scope), SA_I64(id)), p);
}

/* run_id, keeping the result only when it has a row (store_run_row). */
static PGresult *row_id(const eval_ctx *x, eval_stmt q, int64_t id, int *rc, problem *p)
{
    return store_run_row(x->db, &st[q], STORE_ARGS(SA_TEXT(x->scope), SA_I64(id)), rc, p);
}

static rules_decimal get_dec(const PGresult *r, int row, int col)
{
    rules_decimal d = {0};
    if (!row_null(r, row, col))
        rules_decimal_parse_plain(row_text(r, row, col), 4, &d, NULL);
    return d;
}

/* The cell as text in the arena; NULL when SQL NULL (or out of memory: a->failed). */
static const char *get_text(arena *a, const PGresult *r, int row, int col)
{
    return arena_strdup(a, row_text(r, row, col));
}

/* The cell into out (n bytes), "" when SQL NULL. */
static void get_copy(char *out, size_t n, const PGresult *r, int row, int col)
{
    const char *t = row_text(r, row, col);
    snprintf(out, n, "%s", t ? t : "");
}

static int out_of_memory(problem *p) { return problem_set(p, 503, "out_of_memory", "try again"); }

/* Runs q and hands over the doc (column 0) of its first row and, when versioned, its version
 * (column 1; else 0). */
static int run_doc(const eval_ctx *x, eval_stmt q, const store_args *a, int versioned, store_doc *out, problem *p)
{
    out->version = 0;
    return store_run_text_n(x->db, &st[q], a, &out->text, versioned ? &out->version : NULL, p);
}

/* ------------------------------------------------------------------------- */
/* Schemes                                                                   */
/* ------------------------------------------------------------------------- */

int store_eval_scheme_insert(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, const char *title,
                             const char *definition, store_doc *out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(entity_id), SA_I64(year), SA_TEXT(role),
                                     SA_TEXT(title), SA_TEXT(definition));
    return run_doc(x, EV_SCHEME_INSERT, a, 1, out, p);
}

int store_eval_scheme_get(const eval_ctx *x, int64_t id, store_doc *out, problem *p)
{
    return run_doc(x, EV_SCHEME_GET, STORE_ARGS(SA_TEXT(x->scope), SA_I64(id)), 1, out, p);
}

int store_eval_scheme_update(const eval_ctx *x, int64_t id, int64_t version, int64_t year, const char *role,
                             const char *title, const char *definition, store_doc *out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(id), SA_I64(version), SA_I64(year),
                                     SA_TEXT(role), SA_TEXT(title), SA_TEXT(definition));
    return run_doc(x, EV_SCHEME_UPDATE, a, 1, out, p);
}

int store_eval_scheme_delete(const eval_ctx *x, int64_t id, int64_t version, problem *p)
{
    return store_run_found(x->db, &st[EV_SCHEME_DELETE],
                           STORE_ARGS(SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(id), SA_VERSION(version)), p);
}

int store_eval_scheme_find(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, arena *ar, int64_t *id,
                           char **definition, problem *p)
{
    int rc;
    PGresult *r = store_run_row(x->db, &st[EV_SCHEME_FIND],
                                STORE_ARGS(SA_TEXT(x->scope), SA_I64(entity_id), SA_I64(year), SA_TEXT(role)), &rc, p);
    if (!r)
        return rc;
    *id = row_i64(r, 0, 0);
    rc = (*definition = arena_strdup(ar, row_text(r, 0, 1))) ? 1 : out_of_memory(p);
    PQclear(r);
    return rc;
}

int store_eval_scheme_list(const eval_ctx *x, int64_t entity_id, const char *year, const char *role,
                           const eval_page *pg, store_docs **out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(x->scope), SA_I64(entity_id), SA_TEXT(year), SA_TEXT(role),
                                     SA_I64(pg->after), SA_I64(pg->limit));
    return store_run_docs(x->db, &st[EV_SCHEME_LIST], a, out, p);
}

/* ------------------------------------------------------------------------- */
/* Participations                                                            */
/* ------------------------------------------------------------------------- */

/* Runs q by id and reads column col of its row as an integer into *out: 1, 0 (no row), -1. */
static int read_id(const eval_ctx *x, eval_stmt q, int64_t id, int col, int64_t *out, problem *p)
{
    int rc;
    PGresult *r = row_id(x, q, id, &rc, p);
    if (!r)
        return rc;
    *out = row_i64(r, 0, col);
    PQclear(r);
    return 1;
}

int store_eval_objective_entity(const eval_ctx *x, int64_t objective_id, int64_t *entity_id, problem *p)
{
    return read_id(x, EV_OBJECTIVE, objective_id, 1, entity_id, p);
}

int store_eval_part_list(const eval_ctx *x, int64_t objective_id, arena *ar, store_docs **out, int64_t **person_ids,
                         problem *p)
{
    PGresult *r = run_id(x, EV_PART_LIST, objective_id, p);
    if (!r)
        return -1;
    int n = row_count(r);
    if (!(*person_ids = arena_array(ar, (size_t)n + 1, sizeof **person_ids))) {
        PQclear(r);
        return out_of_memory(p);
    }
    for (int i = 0; i < n; i++)
        (*person_ids)[i] = row_i64(r, i, 2);
    *out = store_docs_take(r, p);
    return *out ? 0 : -1;
}

int store_eval_leads(const eval_ctx *x, int64_t objective_id, int64_t person_id, problem *p)
{
    return store_run_found(x->db, &st[EV_LEADS], STORE_ARGS(SA_TEXT(x->scope), SA_I64(objective_id), SA_I64(person_id)),
                           p);
}

int store_eval_part_insert(const eval_ctx *x, int64_t objective_id, int64_t person_id, rules_decimal percent,
                           int64_t months, rules_decimal part_time, store_doc *out, problem *p)
{
    args a = {0};
    STORE_BIND(&a.a, SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(objective_id), SA_I64(person_id),
               SA_TEXT(dec(&a, 1, percent)), SA_I64(months), SA_TEXT(dec(&a, 1, part_time)));
    return run_doc(x, EV_PART_INSERT, &a.a, 0, out, p);
}

int store_eval_part_delete(const eval_ctx *x, int64_t id, problem *p)
{
    return store_run_found(x->db, &st[EV_PART_DELETE], STORE_ARGS(SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(id)), p);
}

int store_eval_parts_of(const eval_ctx *x, int64_t person_id, int64_t plan_id, arena *ar, eval_part **rows, int *n,
                        problem *p)
{
    PGresult *r = store_run(x->db, &st[EV_PART_OF], STORE_ARGS(SA_TEXT(x->scope), SA_I64(person_id), SA_I64(plan_id)), p);
    if (!r)
        return -1;
    *n = row_count(r);
    *rows = arena_array(ar, (size_t)*n + 1, sizeof **rows);
    for (int i = 0; *rows && i < *n; i++) {
        eval_part *e = &(*rows)[i];
        e->objective_id = row_i64(r, i, 0);
        e->code = get_text(ar, r, i, 1);
        e->percent = get_dec(r, i, 2);
        e->months = (int)row_i64(r, i, 3);
        e->part_time = get_dec(r, i, 4);
    }
    PQclear(r);
    return !*rows || ar->failed ? out_of_memory(p) : 0;
}

/* ------------------------------------------------------------------------- */
/* People, structures, plans                                                 */
/* ------------------------------------------------------------------------- */

int store_eval_person_entity(const eval_ctx *x, int64_t person_id, int64_t *entity_id, problem *p)
{
    return read_id(x, EV_PERSON, person_id, 1, entity_id, p);
}

int store_eval_plan(const eval_ctx *x, int64_t plan_id, int64_t *entity_id, char final_as_of[11], problem *p)
{
    int rc;
    PGresult *r = row_id(x, EV_PLAN, plan_id, &rc, p);
    if (!r)
        return rc;
    *entity_id = row_i64(r, 0, 0);
    get_copy(final_as_of, 11, r, 0, 2);
    PQclear(r);
    return 1;
}

int store_eval_structure(const eval_ctx *x, int64_t structure_id, int64_t entity_id, int64_t *manager_id,
                         int64_t *parent_id, problem *p)
{
    int rc;
    const store_args *a = STORE_ARGS(SA_TEXT(x->scope), SA_I64(structure_id), SA_I64(entity_id));
    PGresult *r = store_run_row(x->db, &st[EV_STRUCTURE], a, &rc, p);
    if (!r)
        return rc;
    *manager_id = row_i64(r, 0, 3);
    *parent_id = row_i64(r, 0, 4);
    PQclear(r);
    return 1;
}

int store_eval_led(const eval_ctx *x, int64_t person_id, int64_t entity_id, int64_t *structure_id, problem *p)
{
    PGresult *r = store_run(x->db, &st[EV_LED], STORE_ARGS(SA_TEXT(x->scope), SA_I64(person_id), SA_I64(entity_id)), p);
    if (!r)
        return -1;
    int n = row_count(r);
    if (n > 0)
        *structure_id = row_i64(r, 0, 0);
    PQclear(r);
    return n;
}

/* ------------------------------------------------------------------------- */
/* Forms                                                                     */
/* ------------------------------------------------------------------------- */

int store_eval_form_insert(const eval_ctx *x, const eval_form_new *f, store_doc *out, problem *p)
{
    args a = {0};
    STORE_BIND(&a.a, SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(f->person_id), SA_I64(f->year), SA_TEXT(f->role),
               SA_I64(f->scheme_id), SA_I64(f->plan_id), SA_LINK(f->structure_id), SA_LINK(f->evaluator_id),
               SA_TEXT(f->as_of), SA_I64(f->months), SA_TEXT(dec(&a, 1, f->part_time)), SA_TEXT(f->ratings),
               SA_TEXT(f->comments), SA_TEXT(f->interview_date), SA_TEXT(f->computed),
               SA_TEXT(dec(&a, f->has_score, f->score)));
    return run_doc(x, EV_FORM_INSERT, &a.a, 1, out, p);
}

int store_eval_form_get(const eval_ctx *x, int64_t id, arena *ar, eval_form *f, problem *p)
{
    memset(f, 0, sizeof *f);
    int rc;
    PGresult *r = row_id(x, EV_FORM_GET, id, &rc, p);
    if (!r)
        return rc;
    rc = row_dup(r, 0, 0, &f->doc.text, p);
    f->doc.version = row_i64(r, 0, 1);
    f->id = row_i64(r, 0, 2);
    f->entity_id = row_i64(r, 0, 3);
    f->person_id = row_i64(r, 0, 4);
    f->evaluator_id = row_i64(r, 0, 5);
    get_copy(f->role, sizeof f->role, r, 0, 6);
    get_copy(f->status, sizeof f->status, r, 0, 7);
    f->year = (int)row_i64(r, 0, 8);
    f->plan_id = row_i64(r, 0, 9);
    f->structure_id = row_i64(r, 0, 10);
    get_copy(f->as_of, sizeof f->as_of, r, 0, 11);
    f->months = (int)row_i64(r, 0, 12);
    f->part_time = get_dec(r, 0, 13);
    f->ratings = row_null(r, 0, 14) ? "{}" : get_text(ar, r, 0, 14);
    f->scheme_id = row_i64(r, 0, 15);
    f->comments = get_text(ar, r, 0, 16);
    get_copy(f->interview_date, sizeof f->interview_date, r, 0, 17);
    f->computed = get_text(ar, r, 0, 18);
    f->has_score = !row_null(r, 0, 19);
    f->score = get_dec(r, 0, 19);
    if (rc == 1 && ar->failed)
        rc = out_of_memory(p);
    if (rc != 1)
        store_doc_free(&f->doc);
    PQclear(r);
    return rc;
}

int store_eval_form_list(const eval_ctx *x, const char *viewer, const char *year, const char *role, const char *status,
                         const eval_page *pg, store_docs **out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(x->scope), SA_TEXT(viewer), SA_TEXT(year), SA_TEXT(role), SA_TEXT(status),
                                     SA_I64(pg->after), SA_I64(pg->limit));
    return store_run_docs(x->db, &st[EV_FORM_LIST], a, out, p);
}

int store_eval_form_update(const eval_ctx *x, const eval_form_write *w, store_doc *out, problem *p)
{
    args a = {0};
    STORE_BIND(&a.a, SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(w->id), SA_I64(w->version), SA_TEXT(w->action),
               SA_TEXT(w->status), SA_TEXT(w->ratings), SA_TEXT(w->comments), SA_TEXT(w->interview_date),
               SA_I64(w->months), SA_TEXT(dec(&a, 1, w->part_time)), SA_TEXT(w->computed),
               SA_TEXT(dec(&a, w->has_score, w->score)), SA_TEXT(w->signed_by), SA_TEXT(w->contest_reason),
               SA_TEXT(w->conciliation_note));
    return run_doc(x, EV_FORM_UPDATE, &a.a, 1, out, p);
}

int store_eval_given(const eval_ctx *x, int64_t evaluator_id, int64_t year, int64_t entity_id, int max, arena *ar,
                     rules_decimal **scores, int *n, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(x->scope), SA_I64(evaluator_id), SA_I64(year), SA_I64(entity_id));
    PGresult *r = store_run(x->db, &st[EV_FORM_GIVEN], a, p);
    if (!r)
        return -1;
    *n = row_count(r) < max ? row_count(r) : max;
    *scores = arena_array(ar, (size_t)*n + 1, sizeof **scores);
    for (int i = 0; *scores && i < *n; i++)
        (*scores)[i] = get_dec(r, i, 0);
    PQclear(r);
    return *scores ? 0 : out_of_memory(p);
}

int store_eval_fund(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, const char *category,
                    arena *ar, eval_fund_form **rows, int *n, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(x->scope), SA_I64(entity_id), SA_I64(year), SA_TEXT(role),
                                     SA_TEXT(category));
    PGresult *r = store_run(x->db, &st[EV_FORM_FUND], a, p);
    if (!r)
        return -1;
    *n = row_count(r);
    *rows = arena_array(ar, (size_t)*n + 1, sizeof **rows);
    for (int i = 0; *rows && i < *n; i++) {
        eval_fund_form *e = &(*rows)[i];
        e->form_id = row_i64(r, i, 0);
        e->person_id = row_i64(r, i, 1);
        e->name = get_text(ar, r, i, 2);
        e->external_id = get_text(ar, r, i, 3);
        e->category = get_text(ar, r, i, 4);
        e->status = get_text(ar, r, i, 5);
        e->has_score = !row_null(r, i, 6);
        e->score = get_dec(r, i, 6);
        e->months = (int)row_i64(r, i, 7);
        e->part_time = get_dec(r, i, 8);
    }
    PQclear(r);
    return !*rows || ar->failed ? out_of_memory(p) : 0;
}

/* ------------------------------------------------------------------------- */
/* Distributions                                                             */
/* ------------------------------------------------------------------------- */

int store_eval_dist_insert(const eval_ctx *x, const eval_dist_new *d, store_doc *out, problem *p)
{
    args a = {0};
    STORE_BIND(&a.a, SA_SCOPE_ACTOR(x->scope, x->actor), SA_I64(d->entity_id), SA_I64(d->year), SA_TEXT(d->role),
               SA_TEXT(d->category), SA_I64(d->scheme_id), SA_TEXT(dec(&a, 1, d->fund)), SA_BOOL(d->redistribute),
               SA_TEXT(dec(&a, 1, d->distributed)), SA_TEXT(dec(&a, 1, d->remainder)), SA_TEXT(d->result),
               SA_LINK(d->replaces));
    return run_doc(x, EV_DIST_INSERT, &a.a, 0, out, p);
}

int store_eval_dist_get(const eval_ctx *x, int64_t id, store_doc *out, problem *p)
{
    return run_doc(x, EV_DIST_GET, STORE_ARGS(SA_TEXT(x->scope), SA_I64(id)), 0, out, p);
}

int store_eval_dist_list(const eval_ctx *x, int64_t entity_id, const eval_page *pg, store_docs **out, problem *p)
{
    const store_args *a = STORE_ARGS(SA_TEXT(x->scope), SA_I64(entity_id), SA_I64(pg->after), SA_I64(pg->limit));
    return store_run_docs(x->db, &st[EV_DIST_LIST], a, out, p);
}
