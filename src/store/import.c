/* import.c — set-based statements of the plan import and the organisation feeds (import.h). */
#include "store/import.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/exec.h"
#include "store/plan_doc.h"
#include "store/sql_build.h"
#include "store/stmt.h"

enum {
    Q_ENTITY_BY_CODE,
    Q_ENTITY_EXISTS,
    Q_ENTITY_CREATE,
    Q_KNOWN,
    Q_PLAN_FIND,
    Q_PEOPLE,
    Q_STRUCTURES,
    Q_PLAN,
    Q_ADOPT,
    Q_REV_TITLE,
    Q_REV_OBJ,
    Q_REV_ASG,
    Q_REV_PH,
    Q_REV_IND,
    Q_COUNT
};
static int st[Q_COUNT];

#define ACTOR "$2::bigint, $3::text, $4::text" /* token, name, role */
#define AUDIT_COLS \
    "INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, resource_id, plan_id, before, after) "

static int finish(buf *b)
{
    if (b->failed)
        return -1;
    return store_stmt_register(buf_steal(b, NULL)); /* lives for the process */
}

static int build_entity_create(void)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b,
             "WITH e AS (INSERT INTO entities (code, name, kind, fiscal_code) VALUES ($4::text, $5::text, "
             "COALESCE($6::text, 'comune'), $7::text) RETURNING *), a AS (" AUDIT_COLS
             "SELECT e.id, $1::bigint, $2::text, $3::text, 'create', 'entities', e.id, NULL::bigint, NULL::jsonb, ");
    store_row_json_sql(&b, &model_entities, "e");
    buf_puts(&b, "::jsonb FROM e) SELECT e.id FROM e");
    return finish(&b);
}

/* The end of a statement that writes rows of table r through the CTEs ins (created), upd
 * (updated; cur holds them as they were) and, with_del, del (removed; before in cur): the
 * audit record of each, then SELECT the counts (ins, upd[, del]). plan: the rows carry
 * plan_id (plan content). */
static void audit_writes(buf *b, const resource_spec *r, const char *table, int plan, int with_del)
{
    const char *ins_pid = plan ? "ins.plan_id" : "NULL::bigint", *upd_pid = plan ? "upd.plan_id" : "NULL::bigint",
               *del_pid = plan ? "del.plan_id" : "NULL::bigint";
    buf_printf(b, "a AS (" AUDIT_COLS "SELECT ins.entity_id, " ACTOR ", 'create', '%s', ins.id, %s, NULL::jsonb, ",
               table, ins_pid);
    store_row_json_sql(b, r, "ins");
    buf_printf(b, "::jsonb FROM ins UNION ALL SELECT upd.entity_id, " ACTOR ", 'update', '%s', upd.id, %s, ", table,
               upd_pid);
    store_row_json_sql(b, r, "cur");
    buf_puts(b, "::jsonb, ");
    store_row_json_sql(b, r, "upd");
    buf_puts(b, "::jsonb FROM upd JOIN cur ON cur.id = upd.id");
    if (with_del) {
        buf_printf(b, " UNION ALL SELECT del.entity_id, " ACTOR ", 'delete', '%s', del.id, %s, ", table, del_pid);
        store_row_json_sql(b, r, "cur");
        buf_puts(b, "::jsonb, NULL::jsonb FROM del JOIN cur ON cur.id = del.id");
    }
    buf_printf(b, ") SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd)%s",
               with_del ? ", (SELECT count(*) FROM del)" : "");
}

/* A statement that writes org rows of r (table): sql, its CTEs up to ins and upd (cur holding
 * the rows as they were), then their audit records and counts (audit_writes). */
static int build_org_write(const char *sql, const resource_spec *r, const char *table)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, sql);
    audit_writes(&b, r, table, 0, 0);
    return finish(&b);
}

/* $1 entity, $2-$4 actor, $5 rows. */
static int build_people(void)
{
    return build_org_write(
        "WITH src AS (SELECT DISTINCT ON (x.external_id) x.* FROM json_to_recordset($5::json) AS x(external_id "
        "text, name text, role text, category text) ORDER BY x.external_id), "
        "cur AS (SELECT t.* FROM people t JOIN src ON t.entity_id = $1::bigint AND t.external_id = src.external_id), "
        "ins AS (INSERT INTO people (entity_id, external_id, name, role, category) SELECT $1::bigint, "
        "src.external_id, src.name, src.role, src.category FROM src WHERE NOT EXISTS (SELECT 1 FROM cur WHERE "
        "cur.external_id = src.external_id) RETURNING *), "
        "upd AS (UPDATE people t SET name = src.name, role = src.role, category = src.category, version = "
        "t.version + 1, updated_at = now() FROM src WHERE t.entity_id = $1::bigint AND t.external_id = "
        "src.external_id AND (t.name, t.role, t.category) IS DISTINCT FROM (src.name, src.role, src.category) "
        "RETURNING t.*), ",
        &model_people, "people");
}

/* $1 entity, $2-$4 actor, $5 rows. New structures get their ids first (nextval), so that
 * parents and children of the same feed are written by one INSERT. */
static int build_structures(void)
{
    /* a row without "manager" keeps the structure's manager; "manager": null clears it */
    return build_org_write(
        "WITH doc AS (SELECT DISTINCT ON (x.code) x.*, e.value::jsonb ? 'manager' AS has_manager FROM "
        "json_array_elements($5::json) AS e, json_to_record(e.value) AS x(code text, name text, kind text, "
        "interim boolean, parent_code text, manager text) ORDER BY x.code), "
        "cur AS (SELECT t.* FROM structures t JOIN doc ON t.entity_id = $1::bigint AND t.code = doc.code), "
        "src AS (SELECT doc.*, COALESCE(cur.id, nextval(pg_get_serial_sequence('structures', 'id'))) AS id, "
        "cur.id IS NULL AS is_new, cur.manager_id AS cur_manager_id FROM doc LEFT JOIN cur ON cur.code = "
        "doc.code), "
        "res AS (SELECT src.id, src.is_new, src.code, src.name, COALESCE(src.kind, 'other') AS kind, "
        "COALESCE(src.interim, false) AS interim, COALESCE(ps.id, pe.id) AS parent_id, CASE WHEN "
        "src.has_manager THEN m.id ELSE src.cur_manager_id END AS manager_id "
        "FROM src LEFT JOIN src ps ON ps.code = src.parent_code LEFT JOIN structures pe ON pe.entity_id = "
        "$1::bigint AND pe.code = src.parent_code LEFT JOIN people m ON m.entity_id = $1::bigint AND "
        "m.external_id = src.manager), "
        "ins AS (INSERT INTO structures (entity_id, id, code, name, kind, interim, parent_id, manager_id) SELECT "
        "$1::bigint, res.id, res.code, res.name, res.kind, res.interim, res.parent_id, res.manager_id FROM res "
        "WHERE res.is_new RETURNING *), "
        "upd AS (UPDATE structures t SET name = res.name, kind = res.kind, interim = res.interim, parent_id = "
        "res.parent_id, manager_id = res.manager_id, version = t.version + 1, updated_at = now() FROM res WHERE "
        "NOT res.is_new AND t.entity_id = $1::bigint AND t.id = res.id AND (t.name, t.kind, t.interim, "
        "t.parent_id, t.manager_id) IS DISTINCT FROM (res.name, res.kind, res.interim, res.parent_id, "
        "res.manager_id) RETURNING t.*), ",
        &model_structures, "structures");
}

/* $1 entity, $2-$4 actor, $5 year, $6 kind, $7 title, $8 objectives, $9 assignments,
 * $10 phases, $11 indicators, $12 method (JSON text or NULL), $13 organisation (JSON text or NULL). Objective ids are drawn first so that the cascade
 * (parent_id) and the children are written by the same statement. */
static int build_plan(void)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(
        &b,
        "WITH pl AS (INSERT INTO plans (entity_id, year, kind, title, method, organisation) VALUES ($1::bigint, "
        "$5::integer, $6::text, $7::text, $12::jsonb, $13::jsonb) RETURNING *), "
        "o AS (SELECT x.*, nextval(pg_get_serial_sequence('objectives', 'id')) AS id FROM json_to_recordset($8::json) "
        "AS x(ord integer, parent_ord integer, code text, title text, description text, level text, scope text, "
        "routine boolean, dup_ref text, mission text, programme text, public_value_dimension text, expected_result "
        "text, financial_resources numeric, start_year integer, end_year integer, payment_timeliness boolean, notes "
        "text, section text, driver text, sdg text, bes text, risk_process text, risk text, risk_level text, "
        "revision_mark text)), "
        "io AS (INSERT INTO objectives (entity_id, id, plan_id, code, title, description, level, parent_id, scope, "
        "routine, dup_ref, mission, programme, public_value_dimension, expected_result, financial_resources, "
        "start_year, end_year, payment_timeliness, notes, section, driver, sdg, bes, risk_process, risk, risk_level, "
        "revision_mark, revision_mark_in) SELECT $1::bigint, o.id, "
        "pl.id, o.code, o.title, o.description, "
        "COALESCE(o.level, 'management'), po.id, COALESCE(o.scope, 'structure'), COALESCE(o.routine, false), "
        "o.dup_ref, o.mission, o.programme, o.public_value_dimension, o.expected_result, o.financial_resources, "
        "o.start_year, o.end_year, COALESCE(o.payment_timeliness, false), COALESCE(o.notes::text[], '{}'), "
        "o.section, o.driver, COALESCE(o.sdg::text[], '{}'), COALESCE(o.bes::text[], '{}'), o.risk_process, o.risk, "
        "o.risk_level, "
        "o.revision_mark, CASE WHEN o.revision_mark IS NOT NULL THEN 1 END FROM o CROSS JOIN pl LEFT JOIN o po ON "
        "po.ord = o.parent_ord RETURNING *), "
        "ia AS (INSERT INTO assignments (entity_id, plan_id, objective_id, structure_id, person_id, weight, scope, "
        "slot) SELECT $1::bigint, pl.id, o.id, s.id, pe.id, x.weight, x.scope, x.slot FROM json_array_elements($9::json) WITH ORDINALITY AS e(v, n) CROSS JOIN LATERAL "
        "json_to_record(e.v) "
        "AS x(ord integer, structure_code text, person_external_id text, weight numeric, scope text, slot integer) "
        "JOIN o ON o.ord = x.ord CROSS JOIN pl "
        "LEFT JOIN structures s ON x.structure_code IS NOT NULL AND s.entity_id = $1::bigint AND s.code = "
        "x.structure_code LEFT JOIN people pe ON x.person_external_id IS NOT NULL AND pe.entity_id = $1::bigint AND "
        "pe.external_id = x.person_external_id ORDER BY e.n RETURNING *), "
        "ip AS (INSERT INTO phases (entity_id, plan_id, objective_id, seq, description, owners, start, deadline, "
        "weight, cumulative) SELECT $1::bigint, pl.id, o.id, x.seq, x.description, COALESCE(x.owners::text[], "
        "'{}'), x.start, x.deadline, x.weight, x.cumulative FROM json_array_elements($10::json) WITH ORDINALITY AS e(v, n) CROSS JOIN LATERAL "
        "json_to_record(e.v) AS x(ord integer, seq "
        "integer, description text, owners text, start date, deadline date, weight numeric, cumulative numeric) "
        "JOIN o ON o.ord = x.ord CROSS JOIN pl ORDER BY e.n RETURNING *), "
        "ii AS (INSERT INTO indicators (entity_id, plan_id, objective_id, code, name, indicator_group, unit, "
        "value_type, baseline, target, targets, direction, rule, weight, source) SELECT $1::bigint, pl.id, o.id, x.code, "
        "x.name, COALESCE(x.\"group\", 'quantity'), x.unit, COALESCE(x.value_type, 'number'), x.baseline::jsonb, "
        "x.target::jsonb, x.targets::jsonb, COALESCE(x.direction, 'higher_is_better'), x.rule::jsonb, x.weight, x.source FROM "
        "json_array_elements($11::json) WITH ORDINALITY AS e(v, n) CROSS JOIN LATERAL "
        "json_to_record(e.v) AS x(ord integer, code text, name text, \"group\" text, unit text, value_type "
        "text, baseline text, target text, targets text, direction text, rule text, weight numeric, source text) JOIN o ON o.ord = "
        "x.ord CROSS JOIN pl ORDER BY e.n RETURNING *), "
        "n AS (SELECT (SELECT count(*) FROM io) AS objectives, (SELECT count(*) FROM ia) AS assignments, "
        "(SELECT count(*) FROM ip) AS phases, (SELECT count(*) FROM ii) AS indicators), "
        "a AS (" AUDIT_COLS "SELECT pl.entity_id, " ACTOR ", 'import', 'plans', pl.id, pl.id, NULL::jsonb, ");
    store_row_json_sql(&b, &model_plans, "pl");
    buf_puts(&b,
             "::jsonb || jsonb_build_object('imported', jsonb_build_object('objectives', n.objectives, "
             "'assignments', n.assignments, 'phases', n.phases, 'indicators', n.indicators)) FROM pl, n");
    /* and one row per objective, assignment, phase and indicator created, with the row as after
     * (docs/SECURITY.md): set-based, in the same statement */
    static const struct {
        const char *cte, *table;
        const resource_spec *model;
    } made[] = {{"io", "objectives", &model_objectives},
                {"ia", "assignments", &model_assignments},
                {"ip", "phases", &model_phases},
                {"ii", "indicators", &model_indicators}};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        buf_printf(&b, " UNION ALL SELECT %s.entity_id, " ACTOR ", 'create', '%s', %s.id, %s.plan_id, NULL::jsonb, ",
                   made[i].cte, made[i].table, made[i].cte, made[i].cte);
        store_row_jsonb_sql(&b, made[i].model, made[i].cte);
        buf_printf(&b, " FROM %s", made[i].cte);
    }
    buf_puts(&b, ") SELECT pl.id, n.objectives, n.assignments, n.phases, n.indicators FROM pl, n");
    return finish(&b);
}

/* $1 entity, $2-$4 actor, $5 plan, $6 number, $7 date, $8 body. The snapshot is the plan
 * document of store/plan_doc.c (which reads the aliases pl and dl). */
static int build_adopt(void)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b,
             "WITH dl AS (SELECT $6::text AS number, $7::date AS date, $8::text AS body), "
             "rv AS (INSERT INTO plan_revisions (entity_id, plan_id, number, deliberation_number, "
             "deliberation_date, deliberation_body, adopted_by, document) SELECT pl.entity_id, pl.id, 1, "
             "dl.number, dl.date, dl.body, $3::text, (");
    buf_puts(&b, store_plan_doc_sql());
    buf_puts(&b,
             ")::jsonb FROM plans pl, dl WHERE pl.entity_id = $1::bigint AND pl.id = $5::bigint AND pl.status = "
             "'draft' RETURNING entity_id, plan_id, number), "
             "w AS (UPDATE plans t SET status = 'adopted', editing = false, revision = rv.number, version = "
             "t.version + 1, updated_at = now() FROM rv WHERE t.entity_id = rv.entity_id AND t.id = rv.plan_id "
             "RETURNING t.*), "
             "a AS (" AUDIT_COLS "SELECT w.entity_id, " ACTOR ", 'adopt', 'plans', w.id, w.id, NULL, ");
    store_row_json_sql(&b, &model_plans, "w");
    buf_puts(&b,
             "::jsonb || jsonb_build_object('deliberation', jsonb_build_object('number', dl.number, 'date', "
             "dl.date, 'body', dl.body)) FROM w, dl) SELECT w.revision FROM w");
    return finish(&b);
}

/* ----------------------------------------------------------------------------------- */
/* A revision from a document: the plan's content matched row by row                  */
/* ----------------------------------------------------------------------------------- */

/* One table of plan content as a revision rewrites it. src defines the CTE m: one row per
 * row of the document, with cur_id (the live row it matches, NULL for a new one), the
 * columns written, and for objectives the id drawn in advance (with_id). The columns written
 * are the parent's (lead, NULL for objectives), the model's fields a client writes, in the
 * model's order (codec/model.c), and the table's own (extra, NULL-terminated). */
typedef struct rev_table {
    const char *table;
    const resource_spec *model;
    const char *lead;
    const char *const *extra;
    const char *src;
    int with_id;
} rev_table;

#define REV_COLS_MAX 64

/* The columns t writes (see rev_table) into cols, NULL-terminated. */
static void rev_cols(const rev_table *t, const char *cols[REV_COLS_MAX])
{
    int n = 0;
    if (t->lead)
        cols[n++] = t->lead;
    for (int i = 0; i < t->model->nfields && n < REV_COLS_MAX - 3; i++)
        if (!(t->model->fields[i].flags & F_SERVER))
            cols[n++] = field_column(&t->model->fields[i]);
    for (int i = 0; t->extra && t->extra[i] && n < REV_COLS_MAX - 1; i++)
        cols[n++] = t->extra[i];
    cols[n] = NULL;
}

static void col_list(buf *b, const char *const *cols, const char *alias)
{
    for (int i = 0; cols[i]; i++)
        buf_printf(b, "%s%s%s%s", i ? ", " : "", alias ? alias : "", alias ? "." : "", cols[i]);
}

/* $1 entity, $2-$4 actor, $5 plan, $6 the revision being made (removed_in_revision of the
 * rows left out), $7 objectives rows, $8 the table's rows (not for objectives). Every
 * live row of the plan lands in exactly one of ins / upd / del / unchanged, so no row is
 * written twice by the statement; each write carries its audit record. */
static int build_revise(const rev_table *t)
{
    const char *cols[REV_COLS_MAX];
    rev_cols(t, cols);
    buf b;
    buf_init(&b, 0);
    buf_printf(&b,
               "WITH cur AS (SELECT t.* FROM %s t WHERE t.entity_id = $1::bigint AND t.plan_id = $5::bigint AND "
               "t.removed_in_revision IS NULL), %s, ",
               t->table, t->src);
    buf_printf(&b, "ins AS (INSERT INTO %s (entity_id, plan_id, %s", t->table, t->with_id ? "id, " : "");
    col_list(&b, cols, NULL);
    buf_printf(&b, ") SELECT $1::bigint, $5::bigint, %s", t->with_id ? "m.id, " : "");
    col_list(&b, cols, "m");
    buf_printf(&b, " FROM m WHERE m.cur_id IS NULL RETURNING *), upd AS (UPDATE %s t SET ", t->table);
    for (int i = 0; cols[i]; i++)
        buf_printf(&b, "%s = m.%s, ", cols[i], cols[i]);
    buf_puts(&b,
             "version = t.version + 1, updated_at = now() FROM m WHERE m.cur_id IS NOT NULL AND t.entity_id = "
             "$1::bigint AND t.id = m.cur_id AND (");
    col_list(&b, cols, "t");
    buf_puts(&b, ") IS DISTINCT FROM (");
    col_list(&b, cols, "m");
    buf_printf(&b,
               ") RETURNING t.*), del AS (UPDATE %s t SET removed_in_revision = $6::integer, version = t.version "
               "+ 1, updated_at = now() FROM cur WHERE t.entity_id = $1::bigint AND t.id = cur.id AND NOT EXISTS "
               "(SELECT 1 FROM m WHERE m.cur_id = cur.id) RETURNING t.*), ",
               t->table);
    audit_writes(&b, t->model, t->table, 1, 1);
    return finish(&b);
}

/* The document's objectives by position, as live rows of the plan (after Q_REV_OBJ). */
#define REV_OBJECTIVES                                                                                               \
    "o AS (SELECT x.ord, ob.id FROM json_to_recordset($7::json) AS x(ord integer, code text) JOIN objectives ob ON " \
    "ob.entity_id = $1::bigint AND ob.plan_id = $5::bigint AND ob.removed_in_revision IS NULL AND ob.code = x.code)"

/* The objective's change as the deliberation declares it, and the revision that declares it. */
static const char *const rev_obj_extra[] = {"revision_mark", "revision_mark_in", NULL};

/* Objectives are matched by code; ids of new ones are drawn first so that the cascade
 * (parent_id) may point at them. Defaults as in build_plan. */
static const rev_table rev_objectives = {
    "objectives",
    &model_objectives,
    NULL,
    rev_obj_extra,
    "d AS (SELECT x.* FROM json_to_recordset($7::json) AS x(ord integer, parent_ord integer, code text, title text, "
    "description text, level text, scope text, routine boolean, dup_ref text, mission text, programme text, "
    "public_value_dimension text, expected_result text, financial_resources numeric, start_year integer, end_year "
    "integer, payment_timeliness boolean, notes text, section text, driver text, sdg text, bes text, risk_process "
    "text, risk text, risk_level text, revision_mark text)), "
    "k AS (SELECT d.*, cur.id AS cur_id, COALESCE(cur.id, nextval(pg_get_serial_sequence('objectives', 'id'))) AS id "
    "FROM d LEFT JOIN cur ON cur.code = d.code), "
    "m AS (SELECT k.cur_id, k.id, k.code, k.title, k.description, COALESCE(k.level, 'management') AS level, pk.id AS "
    "parent_id, COALESCE(k.scope, 'structure') AS scope, COALESCE(k.routine, false) AS routine, k.dup_ref, k.mission, "
    "k.programme, k.public_value_dimension, k.expected_result, k.financial_resources, k.start_year, k.end_year, "
    "COALESCE(k.payment_timeliness, false) AS payment_timeliness, COALESCE(k.notes::text[], '{}') AS notes, "
    "k.section, k.driver, COALESCE(k.sdg::text[], '{}') AS sdg, COALESCE(k.bes::text[], '{}') AS bes, "
    "k.risk_process, k.risk, k.risk_level, "
    "k.revision_mark, CASE WHEN k.revision_mark IS NOT NULL THEN $6::integer END AS revision_mark_in FROM k LEFT "
    "JOIN k pk ON pk.ord = k.parent_ord)",
    1};

/* Assignments are matched by (objective, assignee). */
static const rev_table rev_assignments = {
    "assignments",
    &model_assignments,
    "objective_id",
    NULL,
    REV_OBJECTIVES
    ", d AS (SELECT o.id AS objective_id, s.id AS structure_id, pe.id AS person_id, x.weight, "
    "x.scope, x.slot FROM json_to_recordset($8::json) AS x(ord integer, structure_code text, person_external_id "
    "text, weight numeric, scope text, slot integer) "
    "JOIN o ON o.ord = x.ord LEFT JOIN structures s ON x.structure_code IS NOT NULL AND s.entity_id = $1::bigint AND "
    "s.code = x.structure_code LEFT JOIN people pe ON x.person_external_id IS NOT NULL AND pe.entity_id = $1::bigint "
    "AND pe.external_id = x.person_external_id), "
    "m AS (SELECT d.*, cur.id AS cur_id FROM d LEFT JOIN cur ON cur.objective_id = d.objective_id AND "
    "cur.structure_id IS NOT DISTINCT FROM d.structure_id AND cur.person_id IS NOT DISTINCT FROM d.person_id)",
    0};

/* Phases are matched by (objective, seq). */
static const rev_table rev_phases = {
    "phases",
    &model_phases,
    "objective_id",
    NULL,
    REV_OBJECTIVES
    ", d AS (SELECT o.id AS objective_id, x.seq, x.description, COALESCE(x.owners::text[], '{}') AS "
    "owners, x.start, x.deadline, x.weight, x.cumulative FROM json_to_recordset($8::json) AS x(ord integer, seq "
    "integer, description text, owners text, start date, deadline date, weight numeric, cumulative numeric) JOIN o "
    "ON o.ord = x.ord), "
    "m AS (SELECT d.*, cur.id AS cur_id FROM d LEFT JOIN cur ON cur.objective_id = d.objective_id AND cur.seq = "
    "d.seq)",
    0};

/* Indicators are matched by code (unique in the plan): one that moves to another
 * objective keeps its id and its measurements. */
static const rev_table rev_indicators = {
    "indicators",
    &model_indicators,
    "objective_id",
    NULL,
    REV_OBJECTIVES
    ", d AS (SELECT o.id AS objective_id, x.code, x.name, COALESCE(x.\"group\", 'quantity') AS "
    "indicator_group, x.unit, COALESCE(x.value_type, 'number') AS value_type, x.baseline::jsonb AS baseline, "
    "x.target::jsonb AS target, x.targets::jsonb AS targets, COALESCE(x.direction, 'higher_is_better') AS "
    "direction, x.rule::jsonb AS rule, "
    "x.weight, x.source FROM json_to_recordset($8::json) AS x(ord integer, code text, name text, \"group\" text, "
    "unit text, value_type text, baseline text, target text, targets text, direction text, rule text, weight "
    "numeric, source text) JOIN o ON o.ord = x.ord), "
    "m AS (SELECT d.*, cur.id AS cur_id FROM d LEFT JOIN cur ON cur.code = d.code)",
    0};

/* $1 entity, $2-$4 actor, $5 plan, $6 title, $7 method (JSON text or NULL: the default), $8 organisation. */
static int build_rev_title(void)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "WITH old AS (SELECT ");
    store_row_json_sql(&b, &model_plans, "t");
    buf_puts(&b,
             " AS doc FROM plans t WHERE t.entity_id = $1::bigint AND t.id = $5::bigint), w AS (UPDATE plans t "
             "SET title = $6::text, method = $7::jsonb, organisation = $8::jsonb, version = t.version + 1, updated_at = "
             "now() WHERE t.entity_id = $1::bigint AND t.id = $5::bigint AND (t.organisation IS DISTINCT FROM "
             "$8::jsonb OR t.title IS DISTINCT FROM $6::text OR t.method IS "
             "DISTINCT FROM $7::jsonb) RETURNING t.*), a AS (" AUDIT_COLS "SELECT w.entity_id, " ACTOR
             ", 'update', 'plans', w.id, w.id, (SELECT doc FROM old)::jsonb, ");
    store_row_json_sql(&b, &model_plans, "w");
    buf_puts(&b, "::jsonb FROM w) SELECT count(*) FROM w");
    return finish(&b);
}

int store_import_register(void)
{
    st[Q_ENTITY_BY_CODE] = store_stmt_register("SELECT id FROM entities WHERE code = $1::text");
    st[Q_ENTITY_EXISTS] = store_stmt_register("SELECT 1 FROM entities WHERE id = $1::bigint");
    st[Q_ENTITY_CREATE] = build_entity_create();
    st[Q_KNOWN] = store_stmt_register(
        "SELECT 's', code FROM structures WHERE entity_id = $1::bigint AND code IN (SELECT "
        "json_array_elements_text($2::json)) UNION ALL SELECT 'p', external_id FROM people WHERE entity_id = "
        "$1::bigint AND external_id IN (SELECT json_array_elements_text($3::json))");
    st[Q_PLAN_FIND] = store_stmt_register(
        "SELECT id FROM plans WHERE entity_id = $1::bigint AND year = $2::integer AND kind = $3::text");
    st[Q_PEOPLE] = build_people();
    st[Q_STRUCTURES] = build_structures();
    st[Q_PLAN] = build_plan();
    st[Q_ADOPT] = build_adopt();
    st[Q_REV_TITLE] = build_rev_title();
    st[Q_REV_OBJ] = build_revise(&rev_objectives);
    st[Q_REV_ASG] = build_revise(&rev_assignments);
    st[Q_REV_PH] = build_revise(&rev_phases);
    st[Q_REV_IND] = build_revise(&rev_indicators);
    for (int i = 0; i < Q_COUNT; i++)
        if (st[i] < 0)
            return -1;
    return 0;
}

int store_import_begin(store_conn *c, int timeout_ms, problem *p)
{
    if (store_begin(c, p) < 0)
        return -1;
    char sql[96];
    snprintf(sql, sizeof sql, "SET LOCAL statement_timeout = %d", timeout_ms);
    PGresult *r = store_exec_sql(c, sql, 0, NULL, p);
    if (!r) {
        store_rollback(c);
        return -1;
    }
    PQclear(r);
    return 0;
}

/* Runs statement q, which takes nparams, with the bound parameters a; its first row's first
 * column is an id: 1 with *id (when id is not NULL), 0 for no row, -1 (p set). */
static int one_id(store_conn *c, int q, int nparams, const store_args *a, int64_t *id, problem *p)
{
    PGresult *r = store_run_id(c, st[q], nparams, a, p);
    if (!r)
        return -1;
    int found = row_count(r) > 0;
    if (found && id)
        *id = row_i64(r, 0, 0);
    PQclear(r);
    return found;
}

int store_entity_by_code(store_conn *c, const char *code, int64_t *id, problem *p)
{
    return one_id(c, Q_ENTITY_BY_CODE, 1, STORE_ARGS(SA_TEXT(code)), id, p);
}

int store_entity_exists(store_conn *c, int64_t id, problem *p)
{
    return one_id(c, Q_ENTITY_EXISTS, 1, STORE_ARGS(SA_I64(id)), NULL, p);
}

int store_entity_create(store_conn *c, const store_actor *who, const char *code, const char *name, const char *kind,
                        const char *fiscal_code, int64_t *id, problem *p)
{
    int rc = one_id(c, Q_ENTITY_CREATE, 7,
                    STORE_ARGS(SA_ACTOR(who), SA_TEXT(code), SA_TEXT(name), SA_TEXT(kind), SA_TEXT(fiscal_code)), id, p);
    if (rc == 0)
        return problem_set(p, 409, "conflict", "the entity %s could not be created", code);
    return rc < 0 ? -1 : 0;
}

/* Which of the structure codes and person external ids (JSON arrays of strings) exist in
 * entity: each one found is marked known in o. Returns 0 or -1 (p set). */
static int known_codes(store_conn *c, int64_t entity, const char *structures, const char *people, org_rows *o, problem *p)
{
    PGresult *r = store_run_id(c, st[Q_KNOWN], 3, STORE_ARGS(SA_I64(entity), SA_TEXT(structures), SA_TEXT(people)), p);
    if (!r)
        return -1;
    for (int i = 0; i < row_count(r); i++)
        org_known(o, row_text(r, i, 0)[0], row_text(r, i, 1));
    PQclear(r);
    return 0;
}

int store_org_resolve(store_conn *c, int64_t entity, org_rows *o, problem *p)
{
    if (entity > 0) {
        char *s = NULL, *q = NULL;
        int missing = org_undefined(o, &s, &q), rc = 0;
        if (missing < 0)
            rc = problem_set(p, 503, "out_of_memory", "the server is out of memory");
        else if (missing > 0) {
            problem tmp; /* p may hold the document's errors already: keep them */
            problem_init(&tmp);
            if ((rc = known_codes(c, entity, s, q, o, &tmp)) < 0)
                problem_set(p, tmp.status, tmp.code, "%s", tmp.detail);
            problem_clear(&tmp);
        }
        free(s);
        free(q);
        if (rc < 0)
            return -1;
    }
    org_check_refs(o, p);
    return 0;
}

int store_plan_find(store_conn *c, int64_t entity, const char *year, const char *kind, int64_t *plan_id, problem *p)
{
    return one_id(c, Q_PLAN_FIND, 3, STORE_ARGS(SA_I64(entity), SA_TEXT(year), SA_TEXT(kind)), plan_id, p);
}

static int upsert(store_conn *c, int q, const store_actor *who, int64_t entity, const char *rows_json,
                  int64_t *inserted, int64_t *updated, problem *p)
{
    PGresult *r = store_run_id(c, st[q], 5, STORE_ARGS(SA_I64(entity), SA_ACTOR(who), SA_TEXT(rows_json)), p);
    if (!r)
        return -1;
    int64_t *const cells[] = {inserted, updated};
    row_i64s(r, 0, 0, cells, 2);
    PQclear(r);
    return 0;
}

int store_people_upsert(store_conn *c, const store_actor *who, int64_t entity, const char *rows_json, int64_t *inserted,
                        int64_t *updated, problem *p)
{
    return upsert(c, Q_PEOPLE, who, entity, rows_json, inserted, updated, p);
}

int store_structures_upsert(store_conn *c, const store_actor *who, int64_t entity, const char *rows_json,
                            int64_t *inserted, int64_t *updated, problem *p)
{
    return upsert(c, Q_STRUCTURES, who, entity, rows_json, inserted, updated, p);
}

int store_org_write(store_conn *c, const store_actor *who, int64_t entity, const org_rows *o, store_org_counts *n,
                    problem *p)
{
    memset(n, 0, sizeof *n);
    char *people = NULL, *structures = NULL;
    int rc = org_rows_text(o, &people, &structures, p);
    if (rc == 0 && people)
        rc = store_people_upsert(c, who, entity, people, &n->people_inserted, &n->people_updated, p);
    if (rc == 0 && structures)
        rc = store_structures_upsert(c, who, entity, structures, &n->structures_inserted, &n->structures_updated, p);
    free(people);
    free(structures);
    return rc;
}

int store_plan_insert(store_conn *c, const store_actor *who, int64_t entity, const store_plan_rows_in *in,
                      int64_t *plan_id, store_import_counts *n, problem *p)
{
    const store_args *a = STORE_ARGS(SA_I64(entity), SA_ACTOR(who), SA_TEXT(in->year), SA_TEXT(in->kind),
                                     SA_TEXT(in->title), SA_TEXT(in->objectives), SA_TEXT(in->assignments),
                                     SA_TEXT(in->phases), SA_TEXT(in->indicators), SA_TEXT(in->method),
                                     SA_TEXT(in->organisation));
    PGresult *r = store_run_id(c, st[Q_PLAN], 13, a, p);
    if (!r)
        return -1;
    int64_t *const cells[] = {plan_id, &n->objectives, &n->assignments, &n->phases, &n->indicators};
    row_i64s(r, 0, 0, cells, 5);
    PQclear(r);
    return 0;
}

int store_plan_adopt_imported(store_conn *c, const store_actor *who, int64_t entity, int64_t plan_id,
                              const char *number, const char *date, const char *body, problem *p)
{
    int rc = one_id(
        c, Q_ADOPT, 8,
        STORE_ARGS(SA_I64(entity), SA_ACTOR(who), SA_I64(plan_id), SA_TEXT(number), SA_TEXT(date), SA_TEXT(body)), NULL,
        p);
    if (rc == 0)
        return problem_set(p, 409, "conflict", "the imported plan %" PRId64 " could not be adopted", plan_id);
    return rc < 0 ? -1 : 0;
}

void store_import_analyze(store_conn *c)
{
    problem ignored;
    problem_init(&ignored);
    /* the service does not own the tables: the owner's function analyzes them (store/migrate.c) */
    PQclear(store_exec_sql(c, "SELECT ciclo_analyze_plan_tables()", 0, NULL, &ignored));
    problem_clear(&ignored);
}

int store_plan_revise_content(store_conn *c, const store_actor *who, int64_t entity, int64_t plan_id, int revision,
                              const store_plan_rows_in *in, store_revise_counts *n, problem *p)
{
    memset(n, 0, sizeof *n);
    if (in->title) {
        const store_args *a = STORE_ARGS(SA_I64(entity), SA_ACTOR(who), SA_I64(plan_id), SA_TEXT(in->title),
                                         SA_TEXT(in->method), SA_TEXT(in->organisation));
        if (store_run_exec(c, &STORE_BUILT(st[Q_REV_TITLE], 8), a, p) < 0)
            return -1;
    }
    /* objectives first: the other tables find them by code */
    static const int q[STORE_REV_TABLES] = {Q_REV_OBJ, Q_REV_ASG, Q_REV_PH, Q_REV_IND};
    const char *rows[STORE_REV_TABLES] = {in->objectives, in->assignments, in->phases, in->indicators};
    for (int k = 0; k < STORE_REV_TABLES; k++) {
        store_args *a = STORE_ARGS(SA_I64(entity), SA_ACTOR(who), SA_I64(plan_id), SA_I64(revision),
                                   SA_TEXT(in->objectives));
        if (k > 0)
            arg_text(a, rows[k]);
        PGresult *r = store_run_id(c, st[q[k]], k == 0 ? 7 : 8, a, p);
        if (!r)
            return -1;
        int64_t *const cells[] = {&n->inserted[k], &n->updated[k], &n->removed[k]};
        row_i64s(r, 0, 0, cells, 3);
        PQclear(r);
    }
    return 0;
}
