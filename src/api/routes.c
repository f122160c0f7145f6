/* routes.c — every endpoint, the roles it admits, and its handler. Keep openapi/openapi.yaml in step. */
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "api/import.h"

#define READ ROLES_ALL
#define PLAN_WRITE (ROLE_ADMIN | ROLE_PLANNER)
#define ADMIN ROLE_ADMIN
#define ERP_FEED (ROLE_ADMIN | ROLE_PLANNER | ROLE_ERP)
#define MONITOR (ROLE_ADMIN | ROLE_PLANNER | ROLE_MANAGER | ROLE_EVALUATOR)
#define REVIEW (ROLE_ADMIN | ROLE_PLANNER | ROLE_EVALUATOR)
#define OVERRIDE_ASK (ROLE_ADMIN | ROLE_PLANNER | ROLE_MANAGER)
/* people evaluation and bonus: who reads forms (handlers narrow it to the person, their
 * evaluator, the Nucleo and HR), participations, and bonus distributions (payroll reads them) */
#define EVAL_FORMS (ROLE_ADMIN | ROLE_PLANNER | ROLE_MANAGER | ROLE_EVALUATOR | ROLE_READER)
#define EVAL_PEOPLE (ROLE_ADMIN | ROLE_PLANNER | ROLE_MANAGER | ROLE_EVALUATOR)
#define EVAL_BONUS (ROLE_ADMIN | ROLE_PLANNER | ROLE_EVALUATOR | ROLE_ERP)
#define J ROUTE_BODY_JSON
#define MP (ROUTE_BODY_JSON | ROUTE_MERGE_PATCH)
#define OWN_IDEM ROUTE_OWN_IDEMPOTENCY /* the key commits with the rows (api/idempotency.h) */
#define OWN ROUTE_OWN_DATA             /* open to an employee signed in with no group (api/oidc.h) */
/* loads, scores or writes a whole plan (or a whole feed): runs on the heavy threads, so that it
 * never holds up the point reads that share its HTTP worker (http/heavy.h, issue 21) */
#define HEAVY ROUTE_HEAVY

/* The five routes of a resource: list and create under a parent path, one item by id. */
#define RESOURCE(list_path, item_path, spec, write)                                                       \
    {"GET", list_path, crud_list, READ, 0, &spec}, {"POST", list_path, crud_create, write, J, &spec},     \
        {"GET", item_path, crud_get, READ, 0, &spec}, {"PATCH", item_path, crud_patch, write, MP, &spec}, \
    {                                                                                                     \
        "DELETE", item_path, crud_delete, write, 0, &spec                                                 \
    }

const route api_routes[] = {
    {"GET", "/healthz", ops_healthz, 0, 0, NULL},
    {"GET", "/readyz", ops_readyz, 0, 0, NULL},
    {"GET", "/metrics", ops_metrics, 0, 0, NULL},
    {"GET", "/openapi.yaml", ops_openapi, 0, 0, NULL},

    RESOURCE("/v1/entities", "/v1/entities/{id}", model_entities, ADMIN),
    RESOURCE("/v1/entities/{id}/structures", "/v1/structures/{id}", model_structures, PLAN_WRITE),
    RESOURCE("/v1/entities/{id}/people", "/v1/people/{id}", model_people, PLAN_WRITE),
    RESOURCE("/v1/plans", "/v1/plans/{id}", model_plans, PLAN_WRITE),
    RESOURCE("/v1/plans/{id}/objectives", "/v1/objectives/{id}", model_objectives, PLAN_WRITE),
    RESOURCE("/v1/objectives/{id}/assignments", "/v1/assignments/{id}", model_assignments, PLAN_WRITE),
    RESOURCE("/v1/objectives/{id}/phases", "/v1/phases/{id}", model_phases, PLAN_WRITE),
    RESOURCE("/v1/objectives/{id}/indicators", "/v1/indicators/{id}", model_indicators, PLAN_WRITE),

    /* monitoring and scoring */
    {"POST", "/v1/phases/{id}/progress", progress_create, MONITOR, J, NULL},
    {"GET", "/v1/phases/{id}/progress", progress_list, READ, 0, NULL},
    {"POST", "/v1/indicators/{id}/measurements", measurement_create, MONITOR | ROLE_ERP, J, NULL},
    {"GET", "/v1/indicators/{id}/measurements", measurement_list_formats, READ, 0, NULL}, /* svg: documents_html.c */
    {"POST", "/v1/indicators/{id}/judgement", period_judgement_create, ROLE_EVALUATOR, J | HEAVY, NULL}, /* issue 14 */
    {"GET", "/v1/objectives/{id}/score", objective_score_formats, READ, HEAVY, NULL}, /* period_objective_score; svg */
    {"GET", "/v1/plans/{id}/scores", plan_scores_formats, READ, HEAVY, NULL},         /* plan_scores; svg */
    {"GET", "/v1/plans/{id}/checks", plan_checks, READ, HEAVY, NULL},
    {"GET", "/v1/plans/{id}/report", plan_report_formats, READ, HEAVY, NULL}, /* plan_report; html */
    {"GET", "/v1/plans/{id}/document", plan_document, READ, HEAVY, NULL},     /* the Piano as HTML (issue 19) */
    {"POST", "/v1/plans/{id}/reviews", period_review_create, REVIEW, J | HEAVY, NULL},
    {"GET", "/v1/plans/{id}/reviews", review_list, READ, 0, NULL},
    {"GET", "/v1/reviews/{id}", review_get, READ, HEAVY, NULL},

    /* score overrides: asked by the planner or a manager, decided by the evaluator (api/periods.c) */
    {"POST", "/v1/objectives/{id}/overrides", override_request, OVERRIDE_ASK, J, NULL},
    {"GET", "/v1/objectives/{id}/overrides", override_list_objective, READ, 0, NULL},
    {"GET", "/v1/plans/{id}/overrides", override_list_plan, READ, 0, NULL},
    {"GET", "/v1/overrides/{id}", override_get, READ, 0, NULL},
    {"POST", "/v1/overrides/{id}/approve", override_approve, ROLE_EVALUATOR, J, NULL},
    {"POST", "/v1/overrides/{id}/reject", override_reject, ROLE_EVALUATOR, J, NULL},
    /* end of score overrides */

    {"POST", "/v1/rules:evaluate", rules_evaluate_handler, READ, J, NULL},
    {"POST", "/v1/rules:check", rules_check_handler, READ, J, NULL},

    /* lifecycle, revisions, audit */
    {"POST", "/v1/plans/{id}/adopt", plan_adopt, PLAN_WRITE, J | HEAVY, NULL},
    {"GET", "/v1/plans/{id}/revisions", plan_revision_list, READ, 0, NULL},
    {"POST", "/v1/plans/{id}/revisions", plan_revision_open, PLAN_WRITE, J, NULL},
    {"GET", "/v1/plans/{id}/revisions/{id}", plan_revision_get, READ, HEAVY, NULL},
    {"GET", "/v1/plans/{id}/revisions/{id}/changes", plan_revision_changes, READ, HEAVY, NULL},
    {"POST", "/v1/plans/{id}/close", plan_close, PLAN_WRITE, J, NULL},
    {"POST", "/v1/plans/{id}/validation", plan_validate, ROLE_ADMIN | ROLE_EVALUATOR, J, NULL},
    {"GET", "/v1/audit", audit_list, ROLE_ADMIN | ROLE_PLANNER | ROLE_EVALUATOR, 0, NULL},
    /* end of lifecycle, revisions, audit */

    /* import, export, ERP */
    {"POST", "/v1/plans:import", plan_import, PLAN_WRITE, J | OWN_IDEM | HEAVY, NULL},
    {"POST", "/v1/plans/{id}/revisions:import", plan_revision_import, PLAN_WRITE, J | OWN_IDEM | HEAVY, NULL},
    {"GET", "/v1/plans/{id}/export", plan_export, READ, HEAVY, NULL},
    {"POST", "/v1/entities/{id}/structures:import", erp_structures_import, ERP_FEED,
     J | ROUTE_BODY_CSV | OWN_IDEM | HEAVY, NULL},
    {"POST", "/v1/entities/{id}/people:import", erp_people_import, ERP_FEED, J | ROUTE_BODY_CSV | OWN_IDEM | HEAVY, NULL},
    {"POST", "/v1/plans/{id}/measurements:import", erp_measurements_import, ERP_FEED,
     J | ROUTE_BODY_CSV | OWN_IDEM | HEAVY, NULL},
    {"POST", "/v1/plans/{id}/financials:import", erp_financials_import, ERP_FEED, J | ROUTE_BODY_CSV | OWN_IDEM | HEAVY,
     NULL},
    {"POST", "/v1/plans/{id}/progress:import", erp_progress_import, ERP_FEED, J | ROUTE_BODY_CSV | OWN_IDEM | HEAVY, NULL},
    {"GET", "/v1/changes", erp_changes, ERP_FEED, 0, NULL},
    /* end of import, export, ERP */

    /* a planner manages its own entity's non-admin tokens (checked in api/tokens.c) */
    {"GET", "/v1/tokens", tokens_list, PLAN_WRITE, 0, NULL},
    {"POST", "/v1/tokens", tokens_create, PLAN_WRITE, J | ROUTE_SECRET_ANSWER, NULL},
    {"DELETE", "/v1/tokens/{id}", tokens_delete, PLAN_WRITE, 0, NULL},

    /* people evaluation and bonus */
    {"GET", "/v1/entities/{id}/evaluation-schemes", eval_scheme_list, READ, 0, NULL},
    {"POST", "/v1/entities/{id}/evaluation-schemes", eval_scheme_create, PLAN_WRITE, J, NULL},
    {"GET", "/v1/evaluation-schemes/{id}", eval_scheme_get, READ, 0, NULL},
    {"PATCH", "/v1/evaluation-schemes/{id}", eval_scheme_patch, PLAN_WRITE, MP, NULL},
    {"DELETE", "/v1/evaluation-schemes/{id}", eval_scheme_delete, PLAN_WRITE, 0, NULL},
    {"GET", "/v1/objectives/{id}/participations", participation_list, EVAL_PEOPLE, 0, NULL},
    {"POST", "/v1/objectives/{id}/participations", participation_create, PLAN_WRITE, J, NULL},
    {"DELETE", "/v1/participations/{id}", participation_delete, PLAN_WRITE, 0, NULL},
    {"POST", "/v1/evaluation-forms", eval_form_create, PLAN_WRITE, J | HEAVY, NULL},
    {"GET", "/v1/evaluation-forms", eval_form_list, EVAL_FORMS, OWN, NULL},
    {"GET", "/v1/evaluation-forms/{id}", eval_form_get, EVAL_FORMS, OWN, NULL},
    {"PATCH", "/v1/evaluation-forms/{id}", eval_form_patch, EVAL_FORMS, MP | HEAVY, NULL},
    {"POST", "/v1/evaluation-forms/{id}/sign", eval_form_sign, EVAL_FORMS, J | HEAVY, NULL},
    {"POST", "/v1/evaluation-forms/{id}/accept", eval_form_accept, EVAL_FORMS, J | OWN, NULL},
    {"POST", "/v1/evaluation-forms/{id}/contest", eval_form_contest, EVAL_FORMS, J | OWN, NULL},
    {"POST", "/v1/evaluation-forms/{id}/conciliate", eval_form_conciliate, REVIEW, J | HEAVY, NULL},
    {"POST", "/v1/entities/{id}/bonus-distributions", bonus_distribution_create, PLAN_WRITE, J, NULL},
    {"GET", "/v1/entities/{id}/bonus-distributions", bonus_distribution_list, EVAL_BONUS, 0, NULL},
    {"GET", "/v1/bonus-distributions/{id}", bonus_distribution_get, EVAL_BONUS, 0, NULL},
    /* end of people evaluation and bonus */

    /* OpenID Connect sign-in: who the caller is, and the admin's per-entity tables (api/oidc.h) */
    {"GET", "/v1/me", me_get, READ, OWN, NULL},
    {"GET", "/v1/me/objectives", me_objectives, READ, OWN, NULL},
    {"GET", "/v1/entities/{id}/oidc-issuers", crud_list, PLAN_WRITE, 0, &model_oidc_issuers},
    {"POST", "/v1/entities/{id}/oidc-issuers", crud_create, ADMIN, J, &model_oidc_issuers},
    {"GET", "/v1/oidc-issuers/{id}", crud_get, PLAN_WRITE, 0, &model_oidc_issuers},
    {"PATCH", "/v1/oidc-issuers/{id}", crud_patch, ADMIN, MP, &model_oidc_issuers},
    {"DELETE", "/v1/oidc-issuers/{id}", crud_delete, ADMIN, 0, &model_oidc_issuers},
    {"GET", "/v1/entities/{id}/oidc-groups", crud_list, PLAN_WRITE, 0, &model_oidc_groups},
    {"POST", "/v1/entities/{id}/oidc-groups", crud_create, ADMIN, J, &model_oidc_groups},
    {"GET", "/v1/oidc-groups/{id}", crud_get, PLAN_WRITE, 0, &model_oidc_groups},
    {"PATCH", "/v1/oidc-groups/{id}", crud_patch, ADMIN, MP, &model_oidc_groups},
    {"DELETE", "/v1/oidc-groups/{id}", crud_delete, ADMIN, 0, &model_oidc_groups},
    /* end of OpenID Connect sign-in */

    /* the cycle's calendar, payment timeliness and the premiums' publication (issue 20) */
    {"GET", "/v1/entities/{id}/calendar", calendar_get, READ, 0, NULL},
    {"POST", "/v1/entities/{id}/calendar-feeds", calendar_feed_create, PLAN_WRITE, J | ROUTE_SECRET_ANSWER, NULL},
    {"DELETE", "/v1/calendar-feeds/{id}", calendar_feed_revoke, PLAN_WRITE, 0, NULL},
    {"GET", "/v1/public/calendar.ics", calendar_feed_public, 0, 0, NULL},
    {"GET", "/v1/entities/{id}/payment-timeliness", payment_timeliness_get, READ, 0, NULL},
    {"POST", "/v1/entities/{id}/payments:import", payments_import, ERP_FEED, J | ROUTE_BODY_CSV | OWN_IDEM | HEAVY, NULL},
    {"GET", "/v1/entities/{id}/transparency", transparency_get, READ, 0, NULL},
    {"GET", "/v1/public/entities/{id}/transparency", transparency_public_get, 0, 0, NULL},
    {"POST", "/v1/entities/{id}/webhooks", webhook_create, PLAN_WRITE, J | ROUTE_SECRET_ANSWER, NULL},
    {"GET", "/v1/entities/{id}/webhooks", webhook_list, PLAN_WRITE, 0, NULL},
    {"DELETE", "/v1/webhooks/{id}", webhook_delete, PLAN_WRITE, 0, NULL},
    {"GET", "/v1/webhooks/{id}/deliveries", webhook_deliveries, PLAN_WRITE, 0, NULL},
    {"POST", "/v1/plans/{id}/revisions/{id}/validation", revision_validation_create, ROLE_EVALUATOR, J, NULL},
    {"GET", "/v1/plans/{id}/revisions/{id}/validation", revision_validation_get, READ, 0, NULL},
    {"POST", "/v1/plans/{id}:rollover", plan_rollover, PLAN_WRITE, J | HEAVY, NULL},
    /* end of the cycle's calendar */
};

const int api_route_count = sizeof api_routes / sizeof api_routes[0];
