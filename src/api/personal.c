/* personal.c — the visibility of a person's individual data (personal.h). */
#include "api/personal.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/auth.h"

static int st_leads = -1;

int personal_may_see(const principal *who, personal_kind kind, int64_t person_id, int64_t responsible_id)
{
    unsigned role = (unsigned)who->role;
    if (role & (ROLE_ADMIN | ROLE_PLANNER | ROLE_EVALUATOR))
        return 1;
    if (role == ROLE_ERP)
        return kind == PERSONAL_BONUS;
    return who->person_id && (who->person_id == person_id || who->person_id == responsible_id);
}

int personal_register(void)
{
    /* whether person $3 leads a structure that objective $2 is assigned to */
    st_leads = store_stmt_register(
        "SELECT 1 FROM assignments a JOIN structures s ON s.entity_id = a.entity_id AND s.id = a.structure_id "
        "WHERE a.objective_id = $2::bigint AND ($1::bigint IS NULL OR a.entity_id = $1::bigint) AND s.manager_id = "
        "$3::bigint LIMIT 1");
    return st_leads < 0 ? -1 : 0;
}

PGresult *personal_participations(http_request *req, int64_t objective_id, PGresult *r, problem *p)
{
    if (personal_may_see(&req->who, PERSONAL_PARTICIPATION, 0, 0))
        return r; /* a role that sees everyone's */
    int64_t responsible = 0;
    if (req->who.person_id) {
        api_call *call = api_call_of(req);
        char obj[24], person[24];
        snprintf(obj, sizeof obj, "%" PRId64, objective_id);
        snprintf(person, sizeof person, "%" PRId64, req->who.person_id);
        const char *params[] = {call->scope, obj, person};
        PGresult *l = store_exec(call->db, st_leads, 3, params, p);
        if (!l) {
            PQclear(r);
            return NULL;
        }
        if (PQntuples(l) > 0)
            responsible = req->who.person_id;
        PQclear(l);
    }
    PGresult *kept = PQcopyResult(r, PG_COPYRES_ATTRS);
    int n = 0, failed = !kept;
    for (int i = 0; !failed && i < PQntuples(r); i++) {
        json_t *row = json_loads(PQgetvalue(r, i, 0), 0, NULL);
        int64_t person_id = (int64_t)json_integer_value(json_object_get(row, "person_id"));
        json_decref(row);
        if (!personal_may_see(&req->who, PERSONAL_PARTICIPATION, person_id, responsible))
            continue;
        for (int c = 0; !failed && c < PQnfields(r); c++)
            failed = !PQsetvalue(kept, n, c, PQgetvalue(r, i, c), PQgetlength(r, i, c));
        n++;
    }
    PQclear(r);
    if (failed) {
        PQclear(kept);
        problem_set(p, 503, "out_of_memory", "the server is out of memory");
        return NULL;
    }
    return kept;
}
