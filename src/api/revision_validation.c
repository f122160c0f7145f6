/* revision_validation.c — the Nucleo's validation of a revision (api/revision_validation.h). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/revision_validation.h"
#include "codec/json_fields.h"
#include "store/revision_validation.h"

#define NOTE_MAX 20000

/* Answers the document the store wrote (status), 404 when found is 0, or the problem. Takes doc. */
static void answer(http_request *req, int found, char *doc, int status, problem *p)
{
    if (found <= 0) {
        if (found == 0)
            problem_set(p, 404, "not_found", "plan %lld has no adopted revision %lld", (long long)req->ids[0],
                        (long long)req->ids[1]);
        http_problem(req, p);
        problem_clear(p);
        return;
    }
    json_t *j = json_loads(doc, 0, NULL);
    free(doc);
    if (!j) {
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    http_json(req, status, j);
}

void revision_validation_create(http_request *req)
{
    api_call *call = api_call_of(req);
    json_t *body = req->body.len ? http_json_body(req) : json_object();
    if (!body)
        return;
    problem p;
    problem_init(&p);
    static const char *const allowed[] = {"note", NULL};
    jf_object(body, allowed, " {note}", &p);
    const char *note = jf_text(body, "note", NOTE_MAX, &p);
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the validation is not valid");
        http_problem(req, &p);
        problem_clear(&p);
        json_decref(body);
        return;
    }
    char *doc = NULL;
    int found = req->ids[1] > 100000 ? 0
                                     : store_revision_validate(call->db, req->ids[0], (int)req->ids[1], call->scope,
                                                               note, &call->actor, &doc, &p);
    json_decref(body);
    answer(req, found, doc, 201, &p);
}

void revision_validation_get(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char *doc = NULL;
    int found = req->ids[1] > 100000
                    ? 0
                    : store_revision_validation_get(call->db, req->ids[0], (int)req->ids[1], call->scope, &doc, &p);
    answer(req, found, doc, 200, &p);
}
