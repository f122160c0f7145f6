/*
 * handlers.h — every route handler, declared once, in the order of the route table
 * (api/routes.c), each group under the file that defines it. A handler takes the request and
 * answers it (http/http.h); what the route admits (roles, body) is routes.c's. What a handler
 * file also lends to other files stays in that file's own header (api/periods.h,
 * api/evaluation.h ...). The plan import and export handlers are in api/import.h.
 */
#ifndef CICLO_API_HANDLERS_H
#define CICLO_API_HANDLERS_H
#include "http/http.h"

/* ops.c: /healthz, /readyz, /metrics, /openapi.yaml; no token. */
void ops_healthz(http_request *req);
void ops_readyz(http_request *req);
void ops_metrics(http_request *req);
void ops_openapi(http_request *req);

/* crud.c: the five routes of every resource of the model (the route's arg is its spec). */
void crud_create(http_request *req);
void crud_get(http_request *req);
void crud_list(http_request *req);
void crud_patch(http_request *req);
void crud_delete(http_request *req);

/* monitoring.c: progress of phases and measurements of indicators, as history. */
void progress_create(http_request *req);
void progress_list(http_request *req);
void measurement_create(http_request *req);
void measurement_list(http_request *req);

/* scores.c and checks.c: scores, the year-end report and the plan checks. */
void objective_score(http_request *req);
void plan_scores(http_request *req);
void plan_checks(http_request *req);
void plan_report(http_request *req);

/* reviews.c: the plan's reviews and the evaluator's judgements. */
void review_create(http_request *req);
void judgement_create(http_request *req); /* POST /v1/indicators/{id}/judgement (issue 14) */
void review_list(http_request *req);
void review_get(http_request *req);

/*
 * documents_html.c: the documents people read, as server-rendered HTML (issue 19): the Piano
 * (GET /v1/plans/{id}/document, the objective sheets) and the Relazione
 * (GET /v1/plans/{id}/report?format=html), and the charts alone as SVG (?format=svg on the
 * plan scores, the objective score and an indicator's measurements). The Relazione and the
 * plan charts are drawn from report_document (api/report.h), the value the JSON, CSV and XLSX
 * report answer too; the Gantt and the measurements chart from the JSON answer of the route
 * they hang on, read back from that handler's own answer; so no document or chart can differ
 * from the JSON. The renderers are src/render.
 */
/* GET /v1/plans/{id}/document: the Piano as printable HTML (?format=html, Accept: text/html,
 * or no format: HTML is its only form; any other format 406). ?as_of= (default today) dates
 * the achieved values and the completed phases; ?revision= an adopted revision. */
void plan_document(http_request *req);
/* GET /v1/plans/{id}/report: HTML when asked (?format=html or Accept: text/html), else the
 * JSON/CSV answer of plan_report. */
void plan_report_formats(http_request *req);
/* GET /v1/plans/{id}/scores: ?format=svg draws the structures' scores (?chart=structures, the
 * default) or the distribution of objective scores (?chart=distribution); else plan_scores. */
void plan_scores_formats(http_request *req);
/* GET /v1/objectives/{id}/score: ?format=svg draws the Gantt of its phases; else the JSON. */
void objective_score_formats(http_request *req);
/* GET /v1/indicators/{id}/measurements: ?format=svg draws the measurements of the year
 * against the target; else the list. */
void measurement_list_formats(http_request *req);

/* periods.c: monitoring periods (api/periods.h) and score overrides. */
/* POST /v1/plans/{id}/reviews: 409 plan_validated for a validated plan, else review_create
 * (which also closes the period up to the review's date). */
void period_review_create(http_request *req);
/* POST /v1/indicators/{id}/judgement: 409 plan_validated for a validated plan, 403 own_score
 * when the indicator counts towards the evaluator token's own person, else judgement_create. */
void period_judgement_create(http_request *req);
/* GET /v1/objectives/{id}/score: objective_score's answer with what the score rests on
 * beyond the computation: each counted correction of a closed period on its indicator or
 * phase ("correction", with the original it stands beside, and a sentence added to the
 * indicator's explanation), and "override" (the approved override as of the date, or null;
 * the rules library already counts it as "score", the method's figure is "computed_score"),
 * said at the start of the explanation. */
void period_objective_score(http_request *req);
/* Score overrides: request (manager for their objectives, planner), lists, one, and the
 * evaluator's approval or rejection. */
void override_request(http_request *req);
void override_list_objective(http_request *req);
void override_list_plan(http_request *req);
void override_get(http_request *req);
void override_approve(http_request *req);
void override_reject(http_request *req);

/* rules_api.c: the rules library over HTTP, stateless. */
void rules_evaluate_handler(http_request *req);
void rules_check_handler(http_request *req);

/* lifecycle.c: the plan lifecycle, its revisions and the audit log. */
void plan_adopt(http_request *req);            /* POST /v1/plans/{id}/adopt */
void plan_revision_open(http_request *req);    /* POST /v1/plans/{id}/revisions */
void plan_close(http_request *req);            /* POST /v1/plans/{id}/close */
void plan_validate(http_request *req);         /* POST /v1/plans/{id}/validation */
void plan_revision_list(http_request *req);    /* GET /v1/plans/{id}/revisions */
void plan_revision_get(http_request *req);     /* GET /v1/plans/{id}/revisions/{n} */
void plan_revision_changes(http_request *req); /* GET /v1/plans/{id}/revisions/{n}/changes */
void audit_list(http_request *req);            /* GET /v1/audit */

/* erp.c: the ERP's bulk feeds (CSV or JSON, all-or-nothing, errors by line; api/erp.h) and
 * the change feed. */
void erp_structures_import(http_request *req);   /* POST /v1/entities/{id}/structures:import */
void erp_people_import(http_request *req);       /* POST /v1/entities/{id}/people:import */
void erp_measurements_import(http_request *req); /* POST /v1/plans/{id}/measurements:import */
void erp_financials_import(http_request *req);   /* POST /v1/plans/{id}/financials:import */
void erp_progress_import(http_request *req);     /* POST /v1/plans/{id}/progress:import (phase progress) */
void erp_changes(http_request *req);             /* GET /v1/changes?since=&limit= */

/* tokens.c: /v1/tokens. */
void tokens_create(http_request *req);
void tokens_list(http_request *req);
void tokens_delete(http_request *req);

/* evaluation_schemes.c, evaluation_forms.c, bonus.c: people evaluation and the result bonus
 * (issue 10, docs/EVALUATION.md; what they share: api/evaluation.h). */
void eval_scheme_list(http_request *req);
void eval_scheme_create(http_request *req);
void eval_scheme_get(http_request *req);
void eval_scheme_patch(http_request *req);
void eval_scheme_delete(http_request *req);
void participation_list(http_request *req);
void participation_create(http_request *req);
void participation_delete(http_request *req);
void eval_form_create(http_request *req);
void eval_form_list(http_request *req);
void eval_form_get(http_request *req);
void eval_form_patch(http_request *req);
void eval_form_sign(http_request *req);
void eval_form_accept(http_request *req);
void eval_form_contest(http_request *req);
void eval_form_conciliate(http_request *req);
void bonus_distribution_create(http_request *req);
void bonus_distribution_list(http_request *req);
void bonus_distribution_get(http_request *req);

/* me.c: GET /v1/me and GET /v1/me/objectives (OpenID Connect: api/oidc.h). */
void me_get(http_request *req);
void me_objectives(http_request *req);

/* calendar.c: the cycle's calendar (issue 20): GET /v1/entities/{id}/calendar, as JSON or as
 * iCalendar (?format=ics, Accept: text/calendar) for Outlook and Thunderbird. */
void calendar_get(http_request *req);
/* Calendar subscriptions (sql/029_calendar_feeds.sql): POST /v1/entities/{id}/calendar-feeds makes
 * a secret key (shown once), DELETE /v1/calendar-feeds/{id} revokes it, and
 * GET /v1/public/calendar.ics?key= reads the entity's calendar as iCalendar without a token. */
void calendar_feed_create(http_request *req);
void calendar_feed_revoke(http_request *req);
void calendar_feed_public(http_request *req);

/* payments.c: payment timeliness (issue 20): the ERP's feed of paid invoices and
 * GET /v1/entities/{id}/payment-timeliness?year=, the ITP (DPCM 22/9/2014 art. 9) with the
 * 30% check of DL 13/2023 art. 4-bis beside it. */
void payments_import(http_request *req);        /* POST /v1/entities/{id}/payments:import */
void payment_timeliness_get(http_request *req); /* GET /v1/entities/{id}/payment-timeliness */

/* transparency.c: the premiums' figures an entity publishes (D.Lgs. 33/2013 art. 20; issue 20):
 * GET /v1/entities/{id}/transparency?year= (JSON or CSV), and the same without a token on
 * GET /v1/public/entities/{id}/transparency when the entity says so (transparency_public). */
void transparency_get(http_request *req);        /* with a token */
void transparency_public_get(http_request *req); /* no token; 404 unless the entity publishes */

/* webhooks.c: the routes of an entity's webhooks (issue 20, item 4; the worker: api/webhooks.h). */
void webhook_create(http_request *req);     /* POST /v1/entities/{id}/webhooks */
void webhook_list(http_request *req);       /* GET /v1/entities/{id}/webhooks */
void webhook_delete(http_request *req);     /* DELETE /v1/webhooks/{id} */
void webhook_deliveries(http_request *req); /* GET /v1/webhooks/{id}/deliveries */

/* revision_validation.c: the Nucleo validates an adopted revision of a plan (issue 20, item 6):
 * POST and GET /v1/plans/{id}/revisions/{n}/validation. */
void revision_validation_create(http_request *req);
void revision_validation_get(http_request *req);

/* rollover.c: POST /v1/plans/{id}:rollover: next year's draft with the objectives still under
 * way (issue 20, item 2; store/rollover.h says which). */
void plan_rollover(http_request *req);

#endif
