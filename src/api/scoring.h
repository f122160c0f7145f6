/*
 * scoring.h — a plan loaded and scored for an answer, shared by the handlers that show
 * scores (scores.c, reviews.c): the model, the library's results, and their JSON. The
 * year-end report built from it is api/report.h's plan_report_json.
 */
#ifndef CICLO_API_SCORING_H
#define CICLO_API_SCORING_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "rules.h"
#include "store/plan_model.h"

typedef struct scored {
    plan_model m;
    rules_date as_of;
    char as_of_text[11];
    rules_objective_result *obj;
    rules_assignee_result *as;
    int *by_assignee_start; /* assignments grouped by assignee (CSR over m.plan.assignments) */
    int *by_assignee;
    double sql_ms, rules_ms; /* where load_and_score spent its time, for Server-Timing */
} scored;

/* Loads plan_id as of as_of ("YYYY-MM-DD"; ?revision= read from req) and scores it. Returns 0
 * (free with plan_model_free(&s->m)), or -1 after answering the problem. */
int scored_load(http_request *req, int64_t plan_id, const char *as_of, scored *s);

/* The scores of s as GET /v1/plans/{id}/scores answers them (people only as req may see).
 * New reference. */
json_t *scored_plan_json(http_request *req, const scored *s);

/* The pieces of the answers made of s (scores.c), each a new reference (NULL when memory ran
 * out) that the caller owns, shared by the scores and the report (api/report.c): */

/* "measured", "error", "needs_judgement" or "not_measured" (static text). */
const char *scored_status_name(rules_score_status st);

/* The result of objective o as seen by assignee a (phases with owners differ per assignee). */
rules_objective_result scored_result_for(const scored *s, int o, int a);

/* Sets on j objective o's result r: score, computed_score, status, explanation, scored_from,
 * value, time, phase_value. */
void scored_result_json(json_t *j, const scored *s, int o, const rules_objective_result *r);

/* Indicator i: its value, score and why, target, deviation, judgement. */
json_t *scored_indicator_json(const scored *s, int i);

/* Phase k as of the scoring date: weight, deadline, progress, completion, on time. */
json_t *scored_phase_json(const scored *s, int k);

/* Objective o: objective_id, code, parent_id, then full 1: title and its whole result, full 0:
 * its result without value, time and phase_value; then "phases" when phases is not NULL
 * (stolen). */
json_t *scored_objective_json(const scored *s, int o, int full, json_t *phases);

/* objective id (text) → the deviation analysis of the latest review on or before as_of that
 * names it. An empty object when there is none, NULL when the reviews cannot be read. */
json_t *scored_deviation_analyses(http_request *req, int64_t plan_id, const char *as_of);

/* The analysis of objective_id in analyses (scored_deviation_analyses', may be NULL), or null. */
json_t *scored_analysis_of(json_t *analyses, int64_t objective_id);

#endif
