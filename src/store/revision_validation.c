/* revision_validation.c — the Nucleo's validation of a revision (store/revision_validation.h). */
#include "store/revision_validation.h"

#include "store/stmt.h"

enum { RV_VALIDATE, RV_GET };

#define VALIDATION_JSON                                                                                        \
    "json_build_object('plan_id', v.plan_id, 'number', v.number, 'deliberation', json_build_object('number', " \
    "r.deliberation_number, 'date', r.deliberation_date), 'note', v.note, 'validated_by', v.validated_by, "    \
    "'validated_at', to_char(v.validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

static store_stmt st[] = {
    /* $1 plan, $2 number, $3 scope, $4 note, $5 token, $6 name, $7 role */
    [RV_VALIDATE] = {"revision_validation.validate",
                     "WITH r AS (SELECT * FROM plan_revisions r WHERE r.plan_id = $1::bigint AND r.number = $2::integer "
                     "AND ($3::bigint IS NULL OR r.entity_id = $3::bigint)), v AS (INSERT INTO revision_validations "
                     "(entity_id, plan_id, number, note, validated_by) SELECT r.entity_id, r.plan_id, r.number, "
                     "$4::text, $6::text FROM r RETURNING *), a AS (INSERT INTO audit (entity_id, actor_token, "
                     "actor_name, actor_role, action, resource, resource_id, plan_id, after) SELECT v.entity_id, "
                     "$5::bigint, $6::text, $7::text, 'validate_revision', 'plans', v.plan_id, v.plan_id, "
                     "jsonb_build_object('revision', v.number, 'note', v.note) FROM v) SELECT " VALIDATION_JSON
                     "::text FROM v JOIN r ON r.entity_id = v.entity_id AND r.plan_id = v.plan_id AND r.number = "
                     "v.number",
                     7},
    [RV_GET] = {"revision_validation.get",
                "SELECT " VALIDATION_JSON "::text FROM revision_validations v JOIN plan_revisions r ON r.entity_id = "
                "v.entity_id AND r.plan_id = v.plan_id AND r.number = v.number WHERE v.plan_id = $1::bigint AND "
                "v.number = $2::integer AND ($3::bigint IS NULL OR v.entity_id = $3::bigint)",
                3},
};

int store_revision_validation_register(void) { return STORE_STMTS_REGISTER(st); }

int store_revision_validate(store_conn *c, int64_t plan_id, int number, const char *scope, const char *note,
                            const store_actor *who, char **doc, problem *p)
{
    return store_run_text(c, &st[RV_VALIDATE],
                          STORE_ARGS(SA_I64(plan_id), SA_I64(number), SA_TEXT(scope), SA_TEXT(note), SA_ACTOR(who)),
                          doc, p);
}

int store_revision_validation_get(store_conn *c, int64_t plan_id, int number, const char *scope, char **doc, problem *p)
{
    return store_run_text(c, &st[RV_GET], STORE_ARGS(SA_I64(plan_id), SA_I64(number), SA_TEXT(scope)), doc, p);
}
