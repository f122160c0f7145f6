/* evaluation_forms.c — evaluation forms: computed from the plan's scores, the person's
 * participations and the evaluator's ratings (rules_eval_form), and moved along the table
 * of rules.h (draft → signed → accepted | contested → conciliated). Handlers of
 * api/evaluation.h. */
#include "api/evaluation.h"
#include "api/evaluation_shared.h"
#include "api/personal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "codec/evaluation_body.h"
#include "codec/rule_json.h"

#define MAX_PARTICIPATIONS 10000

/* ------------------------------------------------------------------------- */
/* Computation                                                               */
/* ------------------------------------------------------------------------- */

/* What a form is computed from. */
typedef struct form_in {
    int64_t entity_id, person_id, plan_id, structure_id;
    int64_t year;
    const char *role, *as_of; /* borrowed */
    json_t *ratings;          /* borrowed: {behaviour code: rating} */
} form_in;

/* What the computation gives. */
typedef struct form_out {
    json_t *computed; /* the computed record (owned) */
    rules_eval_result result;
    int64_t scheme_id;
    int basis_entity;
} form_out;

/* Computes a form with the rules library. Returns 0 with out filled (out->computed to
 * json_decref); -1 after answering (the plan could not be scored); -2 with p set. */
static int form_compute(http_request *req, const form_in *f, form_out *out, problem *p)
{
    eval_ctx x = eval_ctx_of(req);
    arena a;
    arena_init(&a);
    json_t *def = NULL;
    int rc = -2;
    memset(out, 0, sizeof *out);
    eval_scheme_def sd;
    int found = eval_scheme_for(&x, f->entity_id, f->year, f->role, &out->scheme_id, &def, &sd, p);
    if (found == 0) {
        problem_set(p, 422, "no_scheme", "there is no evaluation scheme for %s in %" PRId64, f->role, f->year);
        problem_add(p, "role", "no evaluation scheme for %s in %" PRId64 ": create one first", f->role, f->year);
    } else if (found == -2) {
        problem_set(p, 422, "scheme_invalid", "the evaluation scheme for %s in %" PRId64 " is not valid", f->role,
                    f->year);
    }
    eval_part *rows = NULL;
    int n = 0;
    if (found != 1 || store_eval_parts_of(&x, f->person_id, f->plan_id, &a, &rows, &n, p) < 0)
        goto out;
    if (n > MAX_PARTICIPATIONS) {
        problem_set(p, 422, "too_many_participations", "the person takes part in more than %d objectives",
                    MAX_PARTICIPATIONS);
        goto out;
    }
    int64_t *ids = arena_array(&a, (size_t)n + 1, sizeof *ids);
    rules_participation *parts = arena_array(&a, (size_t)n + 1, sizeof *parts);
    rules_score_status *st = arena_array(&a, (size_t)n + 1, sizeof *st);
    rules_decimal *sc = arena_array(&a, (size_t)n + 1, sizeof *sc);
    if (a.failed) {
        problem_set(p, 503, "out_of_memory", "try again");
        goto out;
    }
    for (int i = 0; i < n; i++)
        ids[i] = rows[i].objective_id;
    out->basis_entity = sd.basis_entity;
    eval_plan_scores ps;
    if (scores_for_evaluation(req, f->plan_id, f->as_of, sd.basis_entity ? 0 : f->structure_id, f->person_id, ids, n,
                              st, sc, &ps) < 0) {
        rc = -1;
        goto out;
    }
    for (int i = 0; i < n; i++)
        parts[i] = (rules_participation){rows[i].code,    st[i],          sc[i],
                                         rows[i].percent, rows[i].months, rows[i].part_time};
    rules_decimal ratings[RULES_EVAL_MAX_BEHAVIOURS];
    unsigned char rated[RULES_EVAL_MAX_BEHAVIOURS];
    if (eval_ratings_decode(f->ratings, &sd.s, ratings, rated, p) > 0) {
        problem_set(p, 422, "validation_failed", "the ratings are not valid");
        goto out;
    }
    rules_decimal *given = NULL;
    int n_given = 0;
    if (sd.s.role == RULES_EVAL_MANAGER && sd.s.weight[RULES_EVAL_DIFFERENTIATION].units > 0 &&
        store_eval_given(&x, f->person_id, f->year, f->entity_id, RULES_EVAL_MAX_GIVEN, &a, &given, &n_given, p) < 0)
        goto out;
    rules_eval_input in = {
        .has_structure = sd.basis_entity ? ps.has_entity : ps.has_structure,
        .structure_score = sd.basis_entity ? ps.entity : ps.structure,
        .participations = parts,
        .n_participations = n,
        .has_own_score = ps.has_own,
        .own_score = ps.own,
        .ratings = ratings,
        .rated = rated,
        .n_ratings = sd.s.n_behaviours,
        .given = given,
        .n_given = n_given,
    };
    rules_error e;
    memset(&e, 0, sizeof e);
    if (rules_eval_form(&sd.s, &in, &out->result, &e) < 0) {
        eval_form_refusal(&sd.s, &e, p);
        goto out;
    }
    out->computed = eval_computed_encode(&(eval_computed){f->as_of, f->plan_id, ps.revision, sd.basis_entity,
                                                          &out->result, ids, parts, n, given, n_given});
    if (out->computed)
        rc = 0;
    else
        problem_set(p, 503, "out_of_memory", "try again");
out:
    json_decref(def);
    arena_free(&a);
    return rc;
}

/* ------------------------------------------------------------------------- */
/* Who may do what                                                           */
/* ------------------------------------------------------------------------- */

/* Whether the caller is the evaluator entitled to rate and sign: the Nucleo for a manager's
 * form, the manager of the structure (a token naming that person) for the others. Sets p
 * to 403 with the reason when not. */
static int entitled(const http_request *req, const char *role, int64_t evaluator_id, problem *p)
{
    if (strcmp(role, "manager") == 0) {
        if ((unsigned)api_who(req)->role == ROLE_EVALUATOR)
            return 1;
        problem_set(p, 403, "not_entitled",
                    "only the Nucleo di Valutazione (an evaluator token) rates and signs a "
                    "manager's evaluation");
        return 0;
    }
    if (api_who(req)->person_id && api_who(req)->person_id == evaluator_id)
        return 1;
    problem_set(p, 403, "not_entitled",
                "only the manager of the person's structure (person %" PRId64 ") rates and signs this evaluation",
                evaluator_id);
    problem_hint(p, "use a token that names that person");
    return 0;
}

/* A stored form, with its ratings read. */
typedef struct form_row {
    eval_form f;
    arena a;         /* the texts of f */
    json_t *ratings; /* owned */
} form_row;

static void form_row_clear(form_row *r)
{
    store_doc_free(&r->f.doc);
    arena_free(&r->a);
    json_decref(r->ratings);
    memset(r, 0, sizeof *r);
}

/* Reads form id in scope and checks that the caller may read it (api/personal.h). Returns 1,
 * or 0 after answering (404, 403, 503). */
static int form_load(http_request *req, int64_t id, form_row *r)
{
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    memset(r, 0, sizeof *r);
    arena_init(&r->a);
    int rc = store_eval_form_get(&x, id, &r->a, &r->f, &p);
    if (rc != 1) {
        eval_answer_read(req, rc, NULL, &p, "evaluation form", 1);
        form_row_clear(r);
        return 0;
    }
    if (!(r->ratings = json_loads(r->f.ratings, 0, NULL)))
        r->ratings = json_object();
    if (!personal_may_see(api_who(req), PERSONAL_EVALUATION, r->f.person_id, r->f.evaluator_id)) {
        form_row_clear(r);
        http_error(req, 403, "forbidden",
                   "an evaluation is read only by its person, its evaluator, the Nucleo and "
                   "the HR office");
        return 0;
    }
    return 1;
}

/* The change an action makes to a form: what store_eval_form_update writes, and how. */
typedef struct form_change {
    eval_form_write w;    /* ratings, computed and score are filled by form_apply */
    json_t *ratings;      /* borrowed */
    int recompute;        /* 1: compute again (ratings or service changed, or signing) */
    int require_complete; /* signing: every weighted component must have a score */
} form_change;

/* The change action a makes to r, leading to status to: nothing else changes yet. */
static form_change change_of(const form_row *r, rules_form_action a, rules_form_status to)
{
    form_change c;
    memset(&c, 0, sizeof c);
    c.w.id = r->f.id;
    c.w.version = r->f.doc.version;
    c.w.action = rules_form_action_name(a);
    c.w.status = rules_form_status_name(to);
    c.w.comments = r->f.comments;
    c.w.interview_date = r->f.interview_date[0] ? r->f.interview_date : NULL;
    c.w.months = r->f.months;
    c.w.part_time = r->f.part_time;
    c.ratings = r->ratings;
    return c;
}

/* Recomputes (when asked) and writes the change; answers in every case. */
static void form_apply(http_request *req, form_row *r, form_change *c)
{
    eval_ctx x = eval_ctx_of(req);
    problem p;
    problem_init(&p);
    form_out fo = {0};
    char *computed = NULL, *ratings = NULL;
    c->w.computed = r->f.computed;
    c->w.has_score = r->f.has_score;
    c->w.score = r->f.score;
    if (c->recompute) {
        form_in in = {r->f.entity_id, r->f.person_id, r->f.plan_id, r->f.structure_id,
                      r->f.year,      r->f.role,      r->f.as_of,   c->ratings};
        int rc = form_compute(req, &in, &fo, &p);
        if (rc == -1)
            goto done;
        if (rc == 0 && c->require_complete && !fo.result.complete) {
            eval_form_incomplete(&fo.result, &p);
            rc = -2;
        }
        if (rc < 0) {
            eval_answer(req, &p);
            goto done;
        }
        c->w.has_score = fo.result.has_total;
        c->w.score = fo.result.total;
        c->w.computed = computed = rule_json_dumps(fo.computed, JSON_COMPACT);
    }
    c->w.ratings = ratings = rule_json_dumps(c->ratings, JSON_COMPACT);
    store_doc d = {0};
    int rc = store_eval_form_update(&x, &c->w, &d, &p);
    if (rc == 0)
        http_error(req, 412, "precondition_failed", "the evaluation form changed meanwhile; read it again");
    else
        eval_answer_read(req, rc, &d, &p, "evaluation form", 1);
done:
    free(computed);
    free(ratings);
    json_decref(fo.computed);
}

/* Whether the table of rules.h lets action a run on the form: 1 with *to, the status it
 * leads to; else answers 409 and returns 0. */
static int transition_ok(http_request *req, const form_row *r, rules_form_action a, rules_form_status *to)
{
    rules_form_status from;
    if (rules_form_status_parse(r->f.status, &from) == 0 && rules_form_transition(from, a, to) == 0)
        return 1;
    problem p;
    problem_init(&p);
    problem_set(&p, 409, "wrong_status", "the evaluation is %s: only a %s evaluation can be %s", r->f.status,
                rules_form_status_name(rules_form_action_from(a)), rules_form_action_done(a));
    eval_answer(req, &p);
    return 0;
}

static int if_match_ok(http_request *req, const form_row *r)
{
    int64_t wanted;
    int m = api_if_match(req, &wanted);
    if (m < 0)
        return 0;
    if (m && wanted != r->f.doc.version) {
        http_error(req, 412, "precondition_failed", "the evaluation form has changed since you read it");
        return 0;
    }
    return 1;
}

/* If-Match and the table: 1 with *to when action a may run on r, else 0 after answering. */
static int may_act(http_request *req, const form_row *r, rules_form_action a, rules_form_status *to)
{
    return if_match_ok(req, r) && transition_ok(req, r, a, to);
}

/* ------------------------------------------------------------------------- */
/* Creation                                                                  */
/* ------------------------------------------------------------------------- */

/* The evaluator of a person in structure (0: none) of entity: the manager of the structure,
 * or of the structure above for a person who leads their own. Returns 0 with *evaluator (0:
 * nobody), -1 with p set (a database error), -2 with an error at structure_id added. */
static int evaluator_of(const eval_ctx *x, int64_t entity, int64_t person, int64_t structure, int64_t *evaluator,
                        problem *p)
{
    *evaluator = 0;
    int64_t walk = structure;
    for (int depth = 0; walk && depth < 20; depth++) {
        int64_t manager = 0, parent = 0;
        int rc = store_eval_structure(x, walk, entity, &manager, &parent, p);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            problem_add(p, "structure_id", "no structure with id %" PRId64 " in the person's entity", walk);
            return -2;
        }
        if (manager && manager != person) {
            *evaluator = manager;
            break;
        }
        walk = parent;
    }
    return 0;
}

/* The eval_make of a form: its person, plan, structure and evaluator found, computed, written. */
static void form_make(http_request *req, const json_t *body, problem *p)
{
    eval_ctx x = eval_ctx_of(req);
    json_t *ratings = json_object();
    form_out fo = {0};
    char *computed = NULL;
    eval_form_body b;
    int64_t entity = 0, plan_entity = 0, evaluator = 0;
    char final_as_of[11];
    int rc;
    if (eval_form_body_decode(body, &b, p))
        goto out;
    if ((rc = store_eval_person_entity(&x, b.person_id, &entity, p)) < 0)
        goto out;
    if (rc == 0) {
        problem_add(p, "person_id", "no person with id %" PRId64, b.person_id);
        goto out;
    }
    if ((rc = store_eval_plan(&x, b.plan_id, &plan_entity, final_as_of, p)) < 0)
        goto out;
    if (rc == 0 || plan_entity != entity) {
        problem_add(p, "plan_id", "no plan with id %" PRId64 " in the person's entity", b.plan_id);
        goto out;
    }
    if (!b.as_of[0] && !final_as_of[0]) {
        problem_add(p, "as_of", "the plan has no final review: give the date of the scores (as_of)");
        goto out;
    }
    if (!b.as_of[0])
        memcpy(b.as_of, final_as_of, sizeof b.as_of);
    /* the structure: given, or the one the person leads */
    int64_t led = 0;
    if (!b.structure_id && (rc = store_eval_led(&x, b.person_id, entity, &led, p)) < 0)
        goto out;
    if (!b.structure_id && rc == 1)
        b.structure_id = led;
    /* the evaluator: the Nucleo for managers; else the manager of the structure */
    if (evaluator_of(&x, entity, b.person_id, b.structure_id, &evaluator, p) < 0)
        goto out;
    int manager = strcmp(b.role, "manager") == 0;
    if (!manager && !evaluator) {
        problem_add(p, "structure_id",
                    b.structure_id ? "the structure (and those above it) has no manager: nobody is "
                                     "entitled to evaluate this person"
                                   : "is required: the structure the person works in, whose "
                                     "manager evaluates them");
        goto out;
    }
    if (manager)
        evaluator = 0;
    form_in in = {entity, b.person_id, b.plan_id, b.structure_id, b.year, b.role, b.as_of, ratings};
    if (form_compute(req, &in, &fo, p) < 0)
        goto out; /* -1: answered; -2: p */
    if (!fo.basis_entity && !b.structure_id) {
        problem_add(p, "structure_id",
                    "is required: the person leads no structure (or several) and the scheme "
                    "scores the structure's performance");
        goto out;
    }
    computed = rule_json_dumps(fo.computed, JSON_COMPACT);
    eval_form_new f = {b.person_id,    b.year,         fo.scheme_id,
                       b.plan_id,      b.structure_id, evaluator,
                       b.months,       b.role,         b.as_of,
                       "{}",           b.comments,     b.interview_date[0] ? b.interview_date : NULL,
                       computed,       b.part_time,    fo.result.has_total,
                       fo.result.total};
    store_doc d = {0};
    rc = store_eval_form_insert(&x, &f, &d, p);
    if (rc == 0) {
        problem_add(p, "person_id", "no person with id %" PRId64, b.person_id);
        goto out;
    }
    eval_answer_created(req, rc, &d, p, "evaluation-forms", 1, "person");
out:
    free(computed);
    json_decref(fo.computed);
    json_decref(ratings);
}

void eval_form_create(http_request *req) { eval_create(req, form_make, "the evaluation form is not valid"); }

/* ------------------------------------------------------------------------- */
/* Reading                                                                   */
/* ------------------------------------------------------------------------- */

void eval_form_get(http_request *req)
{
    form_row r;
    if (!form_load(req, req->ids[0], &r))
        return;
    eval_answer_doc(req, 200, &r.f.doc, 1);
    form_row_clear(&r);
}

void eval_form_list(http_request *req)
{
    eval_list l;
    if (eval_list_start(req, &l, 1) < 0)
        return;
    int bad = 0;
    const char *status = eval_list_filter(req, "status", eval_status_names, &bad);
    static const char *const keep[] = {"year", "role", "status", NULL};
    if (bad)
        return;
    char viewer[24];
    snprintf(viewer, sizeof viewer, "%" PRId64, api_who(req)->person_id); /* 0 matches no form */
    int reads_all = personal_may_see(api_who(req), PERSONAL_EVALUATION, 0, 0);
    int rc = store_eval_form_list(&l.x, reads_all ? NULL : viewer, l.year, l.role, status, &l.pg, &l.d, &l.p);
    eval_list_answer(req, &l, rc, keep);
}

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

/* An action on a stored form, run by form_action once the form is loaded: it answers (by
 * form_apply, or with a refusal) and returns 0, or returns -1 with p set for form_action to
 * answer. body is a JSON value (an object unless a required body was something else). */
typedef int (*form_act)(http_request *req, form_row *r, json_t *body, problem *p);

/* Reads the body (body_required: a JSON body as for any write; else {} when the body is empty),
 * loads the form the path names (404, or 403 for who may not read it), and runs act. */
static void form_action(http_request *req, int body_required, form_act act)
{
    problem p;
    problem_init(&p);
    json_t *body = body_required ? api_json_body(req) : eval_optional_body(req);
    if (!body)
        return;
    form_row r;
    if (form_load(req, req->ids[0], &r)) {
        if (act(req, &r, body, &p) < 0)
            eval_answer(req, &p);
        form_row_clear(&r);
    }
    json_decref(body);
    problem_clear(&p);
}

/* Merges a ratings patch (RFC 7396: null removes) into a copy of current. New reference. */
static json_t *merge_ratings(json_t *current, const json_t *patch) { return merge_patch(current, (json_t *)patch); }

/* PATCH: the evaluator rates and comments, the HR office sets months and part-time. */
static int update_form(http_request *req, form_row *r, json_t *body, problem *p)
{
    static const char *const what = "the change to the evaluation form is not valid";
    rules_form_status to;
    if (!may_act(req, r, RULES_FORM_UPDATE, &to))
        return 0;
    eval_patch_body fp;
    if (eval_form_patch_keys(body, &fp, p) < 0)
        return eval_invalid(p, what);
    if (fp.evaluator_fields && !entitled(req, r->f.role, r->f.evaluator_id, p))
        return -1;
    if (fp.hr_fields && !((unsigned)api_who(req)->role & (ROLE_ADMIN | ROLE_PLANNER))) {
        problem_set(p, 403, "forbidden", "months of service and part-time are set by the HR office (a planner token)");
        return -1;
    }
    if (eval_form_patch_values(body, &fp, p) < 0)
        return eval_invalid(p, what);
    if (problem_count(p))
        return eval_invalid(p, what);
    form_change c = change_of(r, RULES_FORM_UPDATE, to);
    c.recompute = 1;
    json_t *ratings = NULL;
    if (fp.ratings && !(ratings = merge_ratings(r->ratings, fp.ratings)))
        return problem_oom(p);
    if (ratings)
        c.ratings = ratings;
    if (fp.has_comments)
        c.w.comments = fp.comments;
    if (fp.has_interview_date)
        c.w.interview_date = fp.interview_date[0] ? fp.interview_date : NULL;
    if (fp.has_months)
        c.w.months = (int)fp.months;
    if (fp.has_part_time)
        c.w.part_time = fp.part_time;
    form_apply(req, r, &c);
    json_decref(ratings);
    return 0;
}

void eval_form_patch(http_request *req) { form_action(req, 1, update_form); }

static int sign_form(http_request *req, form_row *r, json_t *body, problem *p)
{
    if (!entitled(req, r->f.role, r->f.evaluator_id, p))
        return -1;
    rules_form_status to;
    if (!may_act(req, r, RULES_FORM_SIGN, &to))
        return 0;
    eval_sign_body sb;
    if (eval_sign_decode(body, &sb, p))
        return eval_invalid(p, "the signature is not valid");
    form_change c = change_of(r, RULES_FORM_SIGN, to);
    if (sb.has_comments)
        c.w.comments = sb.comments;
    if (sb.interview_date[0])
        c.w.interview_date = sb.interview_date;
    c.w.signed_by = api_who(req)->name;
    c.recompute = 1;
    c.require_complete = 1;
    form_apply(req, r, &c);
    return 0;
}

void eval_form_sign(http_request *req) { form_action(req, 0, sign_form); }

/* accept and contest: the person answers a signed evaluation. */
static int person_answers(http_request *req, form_row *r, json_t *body, problem *p, int contest)
{
    if (!api_who(req)->person_id || api_who(req)->person_id != r->f.person_id) {
        problem_set(p, 403, "not_entitled", "only the person evaluated accepts or contests their evaluation");
        problem_hint(p, "use a token that names person %" PRId64, r->f.person_id);
        return -1;
    }
    rules_form_action a = contest ? RULES_FORM_CONTEST : RULES_FORM_ACCEPT;
    rules_form_status to;
    if (!may_act(req, r, a, &to))
        return 0;
    const char *reason;
    if (eval_answer_decode(body, contest, &reason, p))
        return eval_invalid(p, "the answer is not valid");
    form_change c = change_of(r, a, to);
    c.w.contest_reason = reason;
    form_apply(req, r, &c);
    return 0;
}

static int accept_form(http_request *req, form_row *r, json_t *body, problem *p)
{
    return person_answers(req, r, body, p, 0);
}

static int contest_form(http_request *req, form_row *r, json_t *body, problem *p)
{
    return person_answers(req, r, body, p, 1);
}

void eval_form_accept(http_request *req) { form_action(req, 0, accept_form); }
void eval_form_contest(http_request *req) { form_action(req, 0, contest_form); }

static int conciliate_form(http_request *req, form_row *r, json_t *body, problem *p)
{
    rules_form_status to;
    if (!may_act(req, r, RULES_FORM_CONCILIATE, &to))
        return 0;
    const char *note;
    const json_t *rp;
    if (eval_conciliate_decode(body, &note, &rp, p))
        return eval_invalid(p, "the conciliation is not valid");
    form_change c = change_of(r, RULES_FORM_CONCILIATE, to);
    c.w.conciliation_note = note;
    json_t *ratings = rp ? merge_ratings(r->ratings, rp) : NULL;
    if (ratings) {
        c.ratings = ratings;
        c.recompute = 1;
        c.require_complete = 1;
    }
    form_apply(req, r, &c);
    json_decref(ratings);
    return 0;
}

void eval_form_conciliate(http_request *req) { form_action(req, 1, conciliate_form); }
