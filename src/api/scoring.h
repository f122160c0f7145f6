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

#endif
