/*
 * monitoring.h — the store side of the year: progress, measurements, judgements and
 * reviews. A whole plan is loaded for scoring by store/plan_model.h.
 */
#ifndef CICLO_STORE_MONITORING_H
#define CICLO_STORE_MONITORING_H
#include <stdint.h>

#include "codec/rule_json.h"
#include "store/crud.h"
#include "store/docs.h"
#include "store/pool.h"

/* Registers the statements of this module. */
int store_monitoring_register(void);

/* The plan of an objective, phase or indicator. */
typedef struct owner_info {
    int64_t plan_id;
    int year;            /* the plan's year */
    int removed;         /* removed from the plan by a revision */
    char value_type[16]; /* indicators: number, percent, money, date, boolean */
} owner_info;

/* Reads the owner info of an objective, phase or indicator (kind: "objectives",
 * "phases", "indicators"). Returns 1, 0 when not in scope, -1 on error. Nothing to free. */
int store_owner_info(store_conn *c, const char *kind, const char *scope, int64_t id, owner_info *info, problem *p);

/* What a progress or measurement POST needs about the phase or indicator it is for. Owns
 * nothing (the rule is decoded into the struct), so nothing to free; large (the rule's
 * nodes): one per request. */
typedef struct store_entry_target {
    int64_t plan_id;
    int year;                             /* the plan's year */
    int removed;                          /* removed from the plan by a revision */
    int reaches;                          /* person_id reaches it (see store_manager_reaches) */
    char value_type[16];                  /* indicators: number, percent, money, date, boolean */
    int has_rule;                         /* indicators: a stored rule that decodes, in rule[] */
    rules_rule rule[RULE_JSON_MAX_NODES]; /* rule[0] is the root */
} store_entry_target;

/* Reads the target of an entry (kind "phases" or "indicators") in one round trip, with
 * whether person_id (0: not asked, reaches 0) may report on it. Returns 1, 0 when not in
 * scope, -1 on error (p set). */
int store_entry_target_read(store_conn *c, const char *kind, const char *scope, int64_t id, int64_t person_id,
                            store_entry_target *t, problem *p);

/* Whether person_id may report on the phase, indicator or objective id (kind "phases",
 * "indicators" or "objectives"): its objective is assigned to that person or to a structure
 * whose manager_id is that person (so it counts towards that person's own score).
 * Returns 1, 0 (also for person_id 0 and for a row out of scope), -1 on error. */
int store_manager_reaches(store_conn *c, const char *kind, const char *scope, int64_t id, int64_t person_id, problem *p);

/* What an entry is written under (api/periods.h): the plan state the caller checked — the
 * row is written only while its plan is still in it — and, for an evaluator's correction of
 * a closed period, its reason (NULL otherwise). Strings borrowed; closed_through NULL when
 * no period is closed. */
typedef struct store_entry_guard {
    const char *reason;
    const char *status;
    const char *closed_through;
} store_entry_guard;

/* Appends a progress entry for phase_id. Text parameters (NULL = absent). A correction
 * (g->reason) records the entry it stands beside (the one that counted at as_of). Returns 1
 * with *doc (malloc'd JSON of the entry), 0 when the phase is not in scope or its plan is
 * no longer in g's state, -1 on error. */
int store_progress_add(store_conn *c, const char *scope, const store_actor *who, int64_t phase_id, const char *percent,
                       const char *completed_on, const char *as_of, const char *note, const store_entry_guard *g,
                       char **doc, problem *p);
/* Appends a measurement for indicator_id (value as JSON text, or NULL when not assessable);
 * the same contract. */
int store_measurement_add(store_conn *c, const char *scope, const store_actor *who, int64_t indicator_id,
                          const char *value_json, int not_assessable, const char *as_of, const char *source,
                          const char *note, const store_entry_guard *g, char **doc, problem *p);
/* Records an evaluator's judgement of indicator_id (score "0".."100" with at most 2 decimals,
 * reason, as_of ISO date or NULL for every date), audited. Returns 1 with *doc (malloc'd JSON),
 * 0 when the indicator is not in scope, -1 on error. */
int store_judgement_add(store_conn *c, const char *scope, const store_actor *who, int64_t indicator_id,
                        const char *score, const char *reason, const char *as_of, char **doc, problem *p);
/* History lists, oldest first: kind "progress" (by phase) or "measurements" (by indicator),
 * the entries with id > after, at most limit. Returns 0 with *out (each entry's JSON and id;
 * free with store_docs_free) or -1. */
int store_history(store_conn *c, const char *kind, const char *scope, int64_t owner_id, int64_t after, int limit,
                  store_docs **out, problem *p);

/* Reviews. items_json is a JSON array text. The review closes the plan's period up to its
 * date (plans.closed_through). Returns 1 with *doc, 0 when the plan is not in scope or is
 * validated, -1 on error (409 for a second review of the same kind and date). */
int store_review_add(store_conn *c, const char *scope, const store_actor *who, int64_t plan_id, const char *kind,
                     const char *as_of, const char *note, const char *items_json, char **doc, problem *p);
/* Lists a plan's reviews, oldest first (0 with *out: each review's JSON and id; free with
 * store_docs_free; or -1), or reads one (1 with *doc malloc'd and *plan_id, 0, -1). */
int store_review_list(store_conn *c, const char *scope, int64_t plan_id, store_docs **out, problem *p);
int store_review_get(store_conn *c, const char *scope, int64_t review_id, char **doc, int64_t *plan_id, problem *p);

#endif
