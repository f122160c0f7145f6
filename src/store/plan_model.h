/*
 * plan_model.h — a stored plan loaded as the rules library's plain arrays, with the ids
 * and names the answers need. The store reads the plan's rows in one consistent snapshot
 * and decodes them here; the model owns everything it points to (one arena).
 *
 * Assignees: the structures and people that carry objectives come first (the plan as
 * the checker sees it), then one synthetic assignee per manager (the objectives of the
 * structures they lead, interim included, and their personal ones) and one for the
 * whole entity (every structure's objectives), so that every score is the library's.
 */
#ifndef CICLO_STORE_PLAN_MODEL_H
#define CICLO_STORE_PLAN_MODEL_H
#include <stdint.h>

#include "core/arena.h"
#include "core/problem.h"
#include "rules.h"
#include "store/pool.h"

typedef enum { PM_STRUCTURE, PM_PERSON, PM_MANAGER, PM_ENTITY } pm_assignee_kind;

typedef struct pm_assignee {
    pm_assignee_kind kind;
    int64_t id;       /* structure id, person id (PERSON and MANAGER), 0 for the entity */
    const char *code; /* structure code / person external_id */
    const char *name;
    int64_t manager_id; /* STRUCTURE: its manager (person id) or 0 */
    int interim;        /* STRUCTURE: led ad interim */
    int manager;        /* STRUCTURE/PERSON: index of its MANAGER assignee, -1 */
} pm_assignee;

typedef struct pm_indicator_info {
    const char *value_json;  /* the measured value as stored (JSON text), NULL when not measured */
    const char *as_of;       /* date of that measurement */
    const char *rule_error;  /* why the stored rule cannot be used, NULL when it can */
    const char *value_error; /* why the measured value cannot be scored with the rule */
    const char *name;
    const char *value_type;
    const char *target_json;      /* the target as stored (JSON text), NULL when none (issue 14) */
    const char *baseline_json;    /* the baseline as stored, NULL when none */
    const char *direction;        /* "higher_is_better", "lower_is_better", "target" */
    const char *judgement_reason; /* the evaluator's reason when judged, else NULL */
    const char *judgement_as_of;  /* the date the judgement is for, NULL when undated */
} pm_indicator_info;

typedef struct plan_model {
    arena mem;
    int64_t plan_id, entity_id;
    int year, revision;       /* revision: the adopted revision scored; for the working copy the plan's
                           current revision (0 when never adopted) */
    int scored_revision;      /* the adopted revision read (0: the working copy) */
    rules_method method;      /* the plan's method (plans.method, or the default); plan.method points here */
    const char *method_error; /* why the stored method cannot be used (then the default applies) */
    const char *status;
    rules_plan plan;       /* every assignee (scoring) */
    rules_plan check_plan; /* real assignees only (plan checks) */
    int64_t *objective_id;
    const char **objective_title;
    int64_t *phase_id;
    const char **phase_deadline; /* ISO text or NULL */
    int64_t *indicator_id;
    pm_indicator_info *indicator;
    pm_assignee *assignee;
    int n_real_assignees;
    int entity_assignee;                /* index of the PM_ENTITY assignee, -1 when no structure carries objectives */
    idmap objective_index;              /* objective id → index */
    unsigned char *assignment_weighted; /* [plan.n_assignments]: 1 when the plan gives the weight (a manager's
                                           or the entity's copy: as the real one) */
    double sql_ms;                      /* how long the store spent reading the rows (Server-Timing) */
} plan_model;

/* Loads plan_id (in scope) into m, with the latest progress, measurements and judgements on
 * or before as_of ("YYYY-MM-DD"), all read in one consistent snapshot. revision n > 0 loads
 * the plan as adopted in revision n; 0 the working copy; -1 the working copy, or the current
 * revision while a new one is open. Returns 1; 0 when there is no such plan in scope; -1 with
 * p set (404 for a missing revision, 503 out of memory or a plan too large, database errors).
 * Free m with plan_model_free whatever it returns. */
int store_plan_model_load(store_conn *c, const char *scope, int64_t plan_id, const char *as_of, int revision,
                          plan_model *m, problem *p);
/* Frees what m owns (m itself is the caller's). Safe on a zeroed or failed model. */
void plan_model_free(plan_model *m);

/* Copies the `used` decoded rule nodes of tmp (as rule_json_decode leaves them, pointing
 * into tmp) into mem, moving the pointers between nodes; the copy is owned by mem.
 * Returns the root node, or NULL when mem is exhausted. */
const rules_rule *plan_model_keep_rule(arena *mem, const rules_rule *tmp, size_t used);

/* The index of objective id, or -1. */
int plan_model_objective(const plan_model *m, int64_t id);

#endif
