/* report.c — the heading of the Relazione: plan, entity, deliberation, structure tree order
 * (report.h). */
#include "store/report.h"

#include "store/sql_build.h"
#include "store/stmt.h"

enum { RP_HEADING };

/* The tree: a path of codes joined by \x01, which sorts before every printable character,
 * so that a parent comes before its children and its subtree before a sibling whose code
 * extends its own ("A" < "A\x01child" < "AB"). */
static store_stmt st[] = {
    [RP_HEADING] =
        {"report.heading",
         "WITH RECURSIVE pl AS (SELECT p.entity_id, p.id, p.title, p.year, p.kind, p.status FROM plans p "
         "WHERE p.id = $2::bigint AND " STORE_SQL_SCOPE(
             "p") "), "
                  "tree AS (SELECT s.id, s.code AS path, 1 AS depth FROM structures s JOIN pl ON s.entity_id = "
                  "pl.entity_id WHERE s.parent_id IS NULL UNION ALL SELECT c.id, tree.path || chr(1) || c.code, "
                  "tree.depth + 1 FROM tree JOIN structures c ON c.parent_id = tree.id JOIN pl ON c.entity_id = "
                  "pl.entity_id WHERE tree.depth < 100) "
                  "SELECT json_build_object('title', pl.title, 'year', pl.year, 'kind', pl.kind, 'status', "
                  "pl.status, 'entity', (SELECT json_build_object('id', e.id, 'code', e.code, 'name', e.name) FROM "
                  "entities e WHERE e.id = pl.entity_id), 'deliberation', (SELECT json_build_object('number', "
                  "r.deliberation_number, 'date', r.deliberation_date, 'body', r.deliberation_body) FROM "
                  "plan_revisions r WHERE r.entity_id = pl.entity_id AND r.plan_id = pl.id AND r.number = "
                  "$3::integer), 'structure_order', (SELECT COALESCE(json_agg(tree.id ORDER BY tree.path COLLATE "
                  "\"C\"), '[]'::json) FROM tree))::text FROM pl",
         3, 0},
};

int store_report_register(void) { return STORE_STMTS_REGISTER(st); }

int store_report_heading(store_conn *c, const char *scope, int64_t plan_id, int revision, char **doc, problem *p)
{
    return store_run_text(c, &st[RP_HEADING], STORE_ARGS(SA_TEXT(scope), SA_I64(plan_id), SA_I64(revision)), doc, p);
}
