/*
 * personal.h — who may see a person's individual data: an individual score, a participation
 * in an objective, an evaluation form, a bonus share. One function decides it for every route
 * (docs/SECURITY.md, "Personal data"); a handler that reveals such data asks it for each person.
 */
#ifndef CICLO_API_PERSONAL_H
#define CICLO_API_PERSONAL_H
#include <stdint.h>

#include "api/principal.h"
#include "core/problem.h"
#include "http/http.h"
#include "store/docs.h"

typedef enum {
    PERSONAL_SCORE,         /* an individual (or a manager's own) score */
    PERSONAL_PARTICIPATION, /* a participation: percent, part-time, months */
    PERSONAL_EVALUATION,    /* an evaluation form */
    PERSONAL_BONUS          /* a share of a bonus distribution */
} personal_kind;

/* Whether who may see person_id's data of this kind. responsible_id is the person who
 * answers for person_id's work in this context (the evaluator of a form; the manager of the
 * structure an objective is assigned to), 0 when none. The rule: admin, planner and
 * evaluator see everyone's; the ERP sees bonus shares only (payroll); anyone else sees the
 * data of the person its token names and, when that person is the responsible one, of the
 * people it answers for. */
int personal_may_see(const principal *who, personal_kind kind, int64_t person_id, int64_t responsible_id);

/* For the participations d of objective objective_id, row i about person person_ids[i],
 * read for req: keeps in d, in order, the rows personal_may_see lets the caller see, the
 * responsible being the caller's person when it leads a structure the objective is assigned
 * to. Returns 0, or -1 with p set (the database, or out of memory). */
int personal_participations(http_request *req, int64_t objective_id, store_docs *d, const int64_t *person_ids,
                            problem *p);

#endif
