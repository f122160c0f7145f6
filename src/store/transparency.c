/* transparency.c — the rows of an entity's art. 20 figures (store/transparency.h). */
#include "store/transparency.h"

#include "store/stmt.h"

enum { TR_DOC };

/* $1 entity, $2 scope, $3 public only, $4 year */
static store_stmt st[] = {
    [TR_DOC] = {"transparency.doc",
                "WITH e AS (SELECT id, code, name FROM entities WHERE id = $1::bigint AND ($2::bigint IS NULL OR id = "
                "$2::bigint) AND (NOT $3::boolean OR transparency_public)), "
                "pl AS (SELECT p.id, p.kind, p.title, p.status, p.revision, r.deliberation_number, "
                "r.deliberation_date FROM plans p JOIN e ON p.entity_id = e.id LEFT JOIN plan_revisions r ON "
                "r.entity_id = p.entity_id AND r.plan_id = p.id AND r.number = p.revision WHERE p.id = "
                "cycle_plan_id(e.id, $4::integer)), "
                "d AS (SELECT b.* FROM bonus_distributions b JOIN e ON b.entity_id = e.id WHERE b.year = $4::integer "
                "AND NOT EXISTS (SELECT 1 FROM bonus_distributions n WHERE n.entity_id = b.entity_id AND n.replaces = "
                "b.id)) "
                "SELECT json_build_object('entity', row_to_json(e), 'plan', (SELECT row_to_json(pl) FROM pl), "
                "'validated_on', (SELECT min(a.at)::date FROM audit a, pl WHERE a.entity_id = e.id AND a.plan_id = "
                "pl.id AND a.resource = 'plans' AND a.action = 'validate'), "
                "'distributions', coalesce((SELECT json_agg(json_build_object('id', d.id, 'role', d.role, "
                "'category', d.category, 'fund', d.fund::text, 'distributed', d.distributed::text, 'remainder', "
                "d.remainder::text, 'people', (SELECT coalesce(json_agg(json_build_object('band', x->'band', 'bonus', "
                "(x->>'bonus'), 'premium', x->'premium')), '[]'::json) FROM jsonb_array_elements(d.result->'people') "
                "x)) ORDER BY d.role, d.category NULLS FIRST, d.id) FROM d), '[]'::json))::text FROM e",
                4},
};

int store_transparency_register(void) { return STORE_STMTS_REGISTER(st); }

int store_transparency_doc(store_conn *c, int64_t entity_id, const char *scope, int public_only, int year, char **doc,
                           problem *p)
{
    return store_run_text(c, &st[TR_DOC],
                          STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_BOOL(public_only), SA_I64(year)), doc, p);
}
