/*
 * evaluation.h — people evaluation and the result bonus (issue 10, docs/EVALUATION.md): the one
 * function of src/api/scores.c that lends the plan's scores to the handlers of
 * src/api/evaluation_schemes.c, src/api/evaluation_forms.c and src/api/bonus.c (declared in
 * api/handlers.h).
 */
#ifndef CICLO_API_EVALUATION_H
#define CICLO_API_EVALUATION_H
#include <stdint.h>

#include "http/http.h"
#include "rules.h"

/* The scores of a plan as of a date that a form is computed from. */
typedef struct eval_plan_scores {
    int has_entity; /* the entity: every structure's objectives */
    rules_decimal entity;
    int has_structure; /* the structure asked for (structure_id > 0) */
    rules_decimal structure;
    int has_own;       /* the person's own objectives: those of the structures they lead and */
    rules_decimal own; /* their personal ones (the plan's manager assignee), else personal ones */
    int revision;      /* the plan's revision as scored */
} eval_plan_scores;

/*
 * Scores plan_id as of as_of (YYYY-MM-DD) with the plan scoring of scores.c and fills out for
 * structure_id (0: none) and person_id, and status[i] / score[i] for each of the n objective ids
 * (objectives no longer in the plan are not measured). Answers the request and returns -1 when
 * the plan cannot be loaded or scored (404, 422, 503). Defined in scores.c.
 */
int scores_for_evaluation(http_request *req, int64_t plan_id, const char *as_of, int64_t structure_id,
                          int64_t person_id, const int64_t *objective_ids, int n, rules_score_status *status,
                          rules_decimal *score, eval_plan_scores *out);

#endif
