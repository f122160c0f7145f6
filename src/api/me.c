/*
 * me.c — GET /v1/me (who the caller is: person, entity, role and where the role came from, for
 * OpenID Connect and opaque tokens alike; the front end asks it right after sign-in) and
 * GET /v1/me/objectives (the objectives the caller takes part in or is assigned to; none for a
 * token that names no person).
 * Both are open to an employee signed in with no group (ROUTE_OWN_DATA, api/oidc.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "api/list_answer.h"
#include "store/oidc.h"

/* Where the caller's role came from: the token for an opaque token; for a sign-in the group, the
 * structure led, or neither (an employee). New reference. */
static json_t *role_source(const principal *who)
{
    if (!who->issuer[0])
        return json_pack("{s:s, s:I}", "from", "token", "token_id", (json_int_t)who->token_id);
    if (who->role_group[0])
        return json_pack("{s:s, s:s}", "from", "group", "group", who->role_group);
    if (who->role_structure)
        return json_pack("{s:s, s:I}", "from", "structure", "structure_id", (json_int_t)who->role_structure);
    return json_pack("{s:s}", "from", "employee");
}

void me_get(http_request *req)
{
    api_call *call = api_call_of(req);
    const principal *who = api_who(req);
    problem p;
    problem_init(&p);
    char *doc = NULL;
    int found = store_oidc_me(call->db, who->entity_id, who->person_id, &doc, &p);
    if (!api_found(req, found, &p, "the caller's entity no longer exists"))
        return;
    json_t *me = json_loads(doc, 0, NULL);
    free(doc);
    if (!me) {
        http_error(req, 500, "internal", "the caller cannot be described");
        return;
    }
    json_object_set_new(me, "sign_in", json_string(who->issuer[0] ? "oidc" : "token"));
    json_object_set_new(me, "issuer", who->issuer[0] ? json_string(who->issuer) : json_null());
    json_object_set_new(me, "role", json_string(auth_role_name((unsigned)who->role)));
    json_object_set_new(me, "scope",
                        json_string(who->own_data_only             ? "own"
                                    : who->role == (int)ROLE_ADMIN ? "all"
                                                                   : "entity"));
    json_object_set_new(me, "role_source", role_source(who));
    http_json(req, 200, me);
}

void me_objectives(http_request *req)
{
    api_call *call = api_call_of(req);
    list_page pg;
    problem p;
    problem_init(&p);
    store_docs *rows = list_page_read(req, &pg, &p) < 0
                           ? NULL
                           : store_oidc_my_objectives(call->db, api_who(req)->entity_id, api_who(req)->person_id,
                                                      pg.after, pg.limit + 1, &p);
    if (!rows) {
        api_fail(req, &p);
        return;
    }
    static const char *const columns[] = {"id", "plan_id", "year", "plan_status", "code", "title", "level", "assigned"};
    list_answer_docs(req, rows, pg.limit, &(list_csv){columns, 8, NULL, NULL});
}
