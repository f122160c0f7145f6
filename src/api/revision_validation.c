/* revision_validation.c — the Nucleo's validation of a revision (api/handlers.h). */
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "store/revision_validation.h"

#define NOTE_MAX 20000

/* Answers the document the store wrote (status), 404 when found is 0, or the problem. Takes doc. */
static void answer(http_request *req, int found, char *doc, int status, problem *p)
{
    if (api_found(req, found, p, "plan %lld has no adopted revision %lld", (long long)req->ids[0], (long long)req->ids[1]))
        api_answer_text(req, status, doc);
}

void revision_validation_create(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    const char *note;
    json_t *body = api_text_body(req, 1, "note", NOTE_MAX, &note, &p);
    if (!body)
        return;
    if (problem_count(&p)) {
        problem_set(&p, 422, "validation_failed", "the validation is not valid");
        api_fail(req, &p);
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
