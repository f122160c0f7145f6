/* personal.c — the visibility of a person's individual data (personal.h). */
#include "api/personal.h"

#include <stdlib.h>

#include "api/api.h"
#include "api/auth.h"
#include "store/evaluation.h"

int personal_may_see(const principal *who, personal_kind kind, int64_t person_id, int64_t responsible_id)
{
    unsigned role = (unsigned)who->role;
    if (role & (ROLE_ADMIN | ROLE_PLANNER | ROLE_EVALUATOR))
        return 1;
    if (role == ROLE_ERP)
        return kind == PERSONAL_BONUS;
    return who->person_id && (who->person_id == person_id || who->person_id == responsible_id);
}

int personal_participations(http_request *req, int64_t objective_id, store_docs *d, const int64_t *person_ids, problem *p)
{
    if (personal_may_see(api_who(req), PERSONAL_PARTICIPATION, 0, 0))
        return 0; /* a role that sees everyone's */
    int64_t responsible = 0;
    if (api_who(req)->person_id) {
        api_call *call = api_call_of(req);
        eval_ctx x = {call->db, call->scope, &call->actor};
        int leads = store_eval_leads(&x, objective_id, api_who(req)->person_id, p);
        if (leads < 0)
            return -1;
        if (leads)
            responsible = api_who(req)->person_id;
    }
    int n = store_docs_count(d);
    unsigned char *keep = malloc((size_t)n + 1);
    if (!keep)
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    for (int i = 0; i < n; i++)
        keep[i] = (unsigned char)personal_may_see(api_who(req), PERSONAL_PARTICIPATION, person_ids[i], responsible);
    int rc = store_docs_keep(d, keep, p);
    free(keep);
    return rc;
}
