/* bonus.c — bonus distributions: a fund shared among the people evaluated with a scheme
 * (rules_bonus_distribute), and the payroll file of one (codec/payroll_csv.h). Handlers of
 * api/evaluation.h. */
#include "api/evaluation.h"
#include "api/evaluation_shared.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "codec/evaluation_body.h"
#include "codec/payroll_csv.h"
#include "codec/rule_json.h"

/* Adds an error for each form that is not final yet (a draft to sign, a contest to
 * conciliate); returns their number. */
static int forms_not_final(const eval_fund_form *forms, int n, problem *p)
{
    int before = problem_count(p);
    for (int i = 0; i < n; i++) {
        rules_form_status st = RULES_FORM_DRAFT;
        rules_form_status_parse(forms[i].status, &st);
        if (rules_form_is_final(st) && forms[i].has_score)
            continue;
        char path[48];
        snprintf(path, sizeof path, "forms[%" PRId64 "]", forms[i].form_id);
        problem_add(p, path, "the evaluation of %s is %s: %s it first", forms[i].name, forms[i].status,
                    st == RULES_FORM_DRAFT ? "sign" : "conciliate");
    }
    return problem_count(p) - before;
}

/* The eval_make of a distribution: the fund shared by the rules library, written. */
static void distribute(http_request *req, const json_t *body, problem *p)
{
    api_call *call = api_call_of(req);
    eval_ctx x = eval_ctx_of(req);
    arena a;
    arena_init(&a);
    json_t *def = NULL, *result = NULL;
    char *result_text = NULL;
    eval_bonus_body b;
    if (eval_bonus_decode(body, &b, p))
        goto out;
    if (call->scope && strtoll(call->scope, NULL, 10) != req->ids[0]) {
        problem_set(p, 404, "not_found", "no entity with id %" PRId64, req->ids[0]);
        goto out;
    }
    int64_t scheme_id = 0;
    eval_scheme_def sd;
    int rc = eval_scheme_for(&x, req->ids[0], b.year, b.role, &scheme_id, &def, &sd, p);
    if (rc == -1)
        goto out;
    if (rc == 0)
        problem_add(p, "role", "no evaluation scheme for %s in %" PRId64 ": its bands and premium decide the bonus",
                    b.role, b.year);
    if (rc != 1)
        goto out;
    eval_fund_form *forms;
    int n;
    if (store_eval_fund(&x, req->ids[0], b.year, b.role, b.category, &a, &forms, &n, p) < 0)
        goto out;
    if (n == 0) {
        problem_add(p, "role", "no evaluation form of %s%s%s in %" PRId64, b.role, b.category ? " in category " : "",
                    b.category ? b.category : "", b.year);
        goto out;
    }
    if (forms_not_final(forms, n, p)) {
        problem_set(p, 422, "forms_not_final",
                    "every evaluation must be signed (and any contest conciliated) "
                    "before the bonus is distributed");
        goto out;
    }
    rules_bonus_input *in = arena_array(&a, (size_t)n, sizeof *in);
    rules_bonus_output *out = arena_array(&a, (size_t)n, sizeof *out);
    eval_bonus_person *who = arena_array(&a, (size_t)n, sizeof *who);
    int *scratch = arena_array(&a, (size_t)n, sizeof *scratch);
    if (a.failed) {
        problem_set(p, 503, "out_of_memory", "try again");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        in[i] = (rules_bonus_input){forms[i].score, forms[i].months, forms[i].part_time, forms[i].person_id};
        who[i] = (eval_bonus_person){forms[i].form_id, forms[i].person_id, forms[i].name, forms[i].external_id,
                                     forms[i].category};
    }
    rules_bonus_result res;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rules_bonus_distribute(&sd.s, b.fund.units / 100, b.redistribute, in, out, (size_t)n, scratch, &res, &e) < 0) {
        problem_add(p, e.field[0] ? e.field : "fund", "%s", e.message);
        goto out;
    }
    result = eval_bonus_encode(&res, who, in, out, n);
    result_text = rule_json_dumps(result, JSON_COMPACT);
    eval_dist_new dn = {req->ids[0],
                        b.year,
                        scheme_id,
                        b.replaces,
                        b.role,
                        b.category,
                        result_text,
                        b.fund,
                        (rules_decimal){res.distributed_cents * 100},
                        (rules_decimal){res.remainder_cents * 100},
                        b.redistribute};
    store_doc d = {0};
    rc = store_eval_dist_insert(&x, &dn, &d, p);
    eval_answer_created(req, rc, &d, p, "bonus-distributions", 0, "entity");
out:
    free(result_text);
    json_decref(def);
    json_decref(result);
    arena_free(&a);
}

void bonus_distribution_create(http_request *req)
{
    eval_create(req, distribute, "the bonus distribution is not valid");
}

void bonus_distribution_list(http_request *req)
{
    eval_list l;
    if (eval_list_start(req, &l, 0) < 0)
        return;
    eval_list_answer(req, &l, store_eval_dist_list(&l.x, req->ids[0], &l.pg, &l.d, &l.p), NULL);
}

void bonus_distribution_get(http_request *req)
{
    if (!http_wants_csv(req)) {
        eval_get(req, store_eval_dist_get, "bonus distribution", 0);
        return;
    }
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    store_doc d = {0};
    int rc = store_eval_dist_get(&x, req->ids[0], &d, &p);
    if (rc != 1) {
        eval_answer_read(req, rc, &d, &p, "bonus distribution", 0);
        return;
    }
    /* the payroll file (ERP): one row per person, amounts with a decimal comma */
    json_t *doc = json_loads(d.text, 0, NULL);
    store_doc_free(&d);
    buf b;
    http_answer_init(&b, 0);
    payroll_csv(doc, &b);
    char name[96];
    payroll_csv_name(doc, req->ids[0], name, sizeof name);
    json_decref(doc);
    if (http_buf(req, 200, "text/csv; charset=utf-8", &b) < 0) {
        buf_free(&b);
        http_error(req, 503, "out_of_memory", "the payroll file could not be written now");
        return;
    }
    snprintf(req->res.disposition, sizeof req->res.disposition, "attachment; filename=\"%s\"", name);
}
