/*
 * plan_checks.h — what the plan checker reads beyond the scoring model (store/plan_model.h):
 * the objectives' levels and notes, phase and indicator texts, the organisation (every
 * structure and person of the entity), assignment types and slots, and the first adoption.
 */
#ifndef CICLO_STORE_PLAN_CHECKS_H
#define CICLO_STORE_PLAN_CHECKS_H

#include "core/problem.h"
#include "rules.h"
#include "store/plan_model.h"
#include "store/pool.h"

/* What the checker reads beyond the scoring model. Everything lives in the model's arena. */
typedef struct check_extra {
    rules_check_context cx;
    rules_phase *phases;        /* the model's phases with owners limited to real assignees */
    int *structure_of_assignee; /* assignee index → index into cx.structures, -1 */
    int64_t *person_id;         /* cx.people[i]'s id */
    int64_t *structure_id;      /* cx.structures[i]'s id */
} check_extra;

/* Registers this module's statements; called by store_monitoring_register. */
int store_plan_checks_register(void);

/* Fills x for the plan loaded in m (store_plan_model_load) and points m->check_plan at it;
 * everything lives in m's arena. Per-plan texts (levels, phase and indicator texts, slots)
 * are read for the working copy only (with_texts). Returns 0, or -1 with p set. */
int store_plan_check_extra(store_conn *c, plan_model *m, int with_texts, check_extra *x, problem *p);

#endif
