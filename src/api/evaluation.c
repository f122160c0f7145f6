/* evaluation.c — people evaluation and the result bonus (issue 10; docs/EVALUATION.md): what
 * the handlers share (evaluation_shared.h).
 *
 * The handlers: evaluation schemes and participations (evaluation_schemes.c), evaluation
 * forms (evaluation_forms.c: draft → signed → accepted | contested → conciliated, the table
 * of rules.h) and bonus distributions (bonus.c). Every number comes from the rules library
 * (rules_eval_form, rules_bonus_distribute) with its explanation; the JSON is the codec's
 * (codec/evaluation_json.h, codec/evaluation_body.h), the rows the store's
 * (store/evaluation.h); the handlers decide who may read and write what:
 *   - schemes and participations: admin and planner (the HR office) write;
 *   - a manager's form is rated and signed by the Nucleo (an evaluator token); an eq's or a
 *     staff member's by the manager of their structure (a token naming that person);
 *   - a form is read by its person, its evaluator, the Nucleo, the HR office and admin;
 *   - the person accepts or contests a signed form; admin, HR or the Nucleo conciliate.
 */
#include "api/evaluation.h"
#include "api/evaluation_shared.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "codec/json_fields.h"

eval_ctx eval_ctx_of(http_request *req)
{
    api_call *call = api_call_of(req);
    return (eval_ctx){call->db, call->scope, &call->actor};
}

void eval_answer(http_request *req, problem *p)
{
    http_problem(req, p);
    problem_clear(p);
}

int eval_invalid(problem *p, const char *what) { return problem_set(p, 422, "validation_failed", "%s", what); }

void eval_answer_doc(http_request *req, int status, store_doc *d, int etag)
{
    http_body(req, status, "application/json", d->text, strlen(d->text));
    d->text = NULL;
    if (etag)
        http_etag(req, d->version);
}

void eval_answer_read(http_request *req, int rc, store_doc *d, problem *p, const char *noun, int etag)
{
    if (rc < 0)
        eval_answer(req, p);
    else if (rc == 0)
        http_error(req, 404, "not_found", "no %s with id %" PRId64, noun, req->ids[0]);
    else
        eval_answer_doc(req, 200, d, etag);
}

void eval_answer_created(http_request *req, int rc, store_doc *d, problem *p, const char *collection, int etag,
                         const char *parent)
{
    if (rc <= 0) {
        eval_answer_read(req, rc, d, p, parent, etag);
        return;
    }
    json_t *j = json_loads(d->text, 0, NULL);
    snprintf(req->res.location, sizeof req->res.location, "/v1/%s/%" JSON_INTEGER_FORMAT, collection,
             json_integer_value(json_object_get(j, "id")));
    json_decref(j);
    eval_answer_doc(req, 201, d, etag);
}

void eval_get(http_request *req, eval_getter get, const char *noun, int etag)
{
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    store_doc d = {0};
    int rc = get(&x, req->ids[0], &d, &p);
    eval_answer_read(req, rc, &d, &p, noun, etag);
}

int eval_list_start(http_request *req, eval_list *l, int year_role)
{
    memset(l, 0, sizeof *l);
    l->x = eval_ctx_of(req);
    problem p;
    if (!list_call(req, &l->lp, &p))
        return -1;
    l->pg.after = l->lp.after;
    l->pg.limit = l->lp.limit + 1;
    int bad = 0;
    if (year_role) {
        l->year = eval_list_filter(req, "year", NULL, &bad);
        l->role = eval_list_filter(req, "role", eval_role_names, &bad);
    }
    return bad ? -1 : 0;
}

void eval_list_answer(http_request *req, eval_list *l, int rc, const char *const *keep)
{
    if (rc < 0)
        eval_answer(req, &l->p);
    else
        list_answer_docs(req, l->d, l->lp.limit, &(list_csv){NULL, 0, NULL, keep}); /* takes d */
}

const char *eval_list_filter(http_request *req, const char *name, const char *const *values, int *bad)
{
    const char *v = *bad ? NULL : http_query(req, name);
    char *end = NULL;
    if (!v || (values ? jf_one_of(v, values) : (strtol(v, &end, 10), *v && !*end)))
        return v;
    char expected[160] = "a whole number";
    if (values) {
        size_t len = (size_t)snprintf(expected, sizeof expected, "one of");
        for (int i = 0; values[i] && len < sizeof expected; i++)
            len += (size_t)snprintf(expected + len, sizeof expected - len, "%s %s", i ? "," : "", values[i]);
    }
    problem p;
    problem_init(&p);
    problem_set(&p, 400, "bad_parameter", "%s must be %s", name, expected);
    problem_add(&p, name, "is not a valid value for this filter");
    eval_answer(req, &p);
    *bad = 1;
    return NULL;
}

void eval_create(http_request *req, eval_make make, const char *what)
{
    json_t *body = api_json_body(req);
    if (!body)
        return;
    problem p;
    problem_init(&p);
    make(req, body, &p);
    if (!p.status && problem_count(&p))
        eval_invalid(&p, what);
    if (p.status)
        eval_answer(req, &p);
    problem_clear(&p);
    json_decref(body);
}

json_t *eval_optional_body(http_request *req)
{
    if (req->body.len == 0)
        return json_object();
    json_t *b = api_json_body(req);
    if (b && !json_is_object(b)) {
        json_decref(b);
        http_error(req, 400, "bad_body", "the body must be a JSON object");
        return NULL;
    }
    return b;
}

int eval_scheme_for(const eval_ctx *x, int64_t entity_id, int64_t year, const char *role, int64_t *scheme_id,
                    json_t **def, eval_scheme_def *sd, problem *p)
{
    arena a;
    arena_init(&a);
    char *text = NULL;
    *def = NULL;
    int rc = store_eval_scheme_find(x, entity_id, year, role, &a, scheme_id, &text, p);
    if (rc == 1 && (!(*def = json_loads(text, 0, NULL)) || eval_scheme_decode(*def, eval_role_of(role), sd, p) > 0))
        rc = -2;
    arena_free(&a);
    return rc;
}
