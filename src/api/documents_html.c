/* documents_html.c — the documents people read as HTML, and the charts as SVG (api/handlers.h). */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/periods.h"
#include "api/report.h"
#include "render/plan_html.h"
#include "render/report_html.h"
#include "render/svg_chart.h"
#include "store/monitoring.h"
#include "store/plan_doc.h"

#define DOC_LIMIT (64u << 20) /* a document of a plan of 20,000 objectives fits; the streamed report stops at it */

/* The limit of a document's text: DOC_LIMIT, or CICLO_DOC_LIMIT bytes when that is smaller (a
 * test aid: tests/integration/test_report_stream.py reaches the limit with a small plan; never
 * set in service). The answer past it stays the same 503 naming DOC_LIMIT. */
static size_t doc_limit(void)
{
    const char *v = getenv("CICLO_DOC_LIMIT");
    char *end;
    unsigned long long n = v && *v ? strtoull(v, &end, 10) : 0;
    return n > 0 && !*end && n < DOC_LIMIT ? (size_t)n : DOC_LIMIT;
}

/* Runs handler and reads its JSON answer back: a new reference, or NULL when it answered
 * otherwise (a problem, which stands as the answer). */
static json_t *answer_of(http_request *req, void (*handler)(http_request *))
{
    handler(req);
    const char *ct = req->res.content_type;
    if (req->res.status != 200 || !ct || strcmp(ct, "application/json") != 0 || http_answer_in_memory(req) < 0)
        return NULL;
    json_t *j = json_loadb(req->res.body, req->res.len, 0, NULL);
    if (!j)
        http_error(req, 503, "out_of_memory", "the answer could not be read back");
    return j;
}

/* The plan document of req->ids[0] as its ?revision= names it (the working copy without).
 * New reference, or NULL after answering. */
static json_t *plan_doc(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    int revision;
    if (http_revision_param(req, 0, &revision, &p) < 0) {
        api_fail(req, &p);
        return NULL;
    }
    char *text = NULL;
    int found = revision > 0 ? store_plan_revision_document(call->db, call->scope, req->ids[0], revision, &text, &p)
                             : store_plan_document(call->db, call->scope, req->ids[0], &text, &p);
    json_t *doc = found > 0 ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (found == 0)
        problem_set(&p, 404, "not_found", "no plan with id %" PRId64 "%s", req->ids[0],
                    revision > 0 ? " with that revision" : "");
    else if (found > 0 && !doc)
        problem_set(&p, 503, "out_of_memory", "the plan document could not be read");
    if (!doc)
        api_fail(req, &p);
    return doc;
}

/* Answers b (http_answer_init's, handed over; NULL with rc -1: none was built) with media
 * type ct, or 503 document_too_large when it failed. */
static void answer_buf(http_request *req, buf *b, const char *ct, int rc)
{
    req->res.etag[0] = req->res.disposition[0] = req->res.link[0] = '\0';
    if (rc < 0 || http_buf(req, 200, ct, b) < 0) {
        if (b)
            buf_free(b);
        http_error(req, 503, "document_too_large", "the document could not be built within %u MiB", DOC_LIMIT >> 20);
    }
}

static int wants_html(http_request *req) { return http_wants_format(req, "html", "text/html"); }
static int wants_svg(http_request *req)
{
    const char *f = http_query(req, "format");
    return f && strcmp(f, "svg") == 0;
}

/* When the request does not ask for this document (wanted 0), answers it with the route's JSON
 * handler and returns 1; else 0. */
static int answered_as_json(http_request *req, int wanted, void (*handler)(http_request *))
{
    if (!wanted)
        handler(req);
    return !wanted;
}

/* The report (report_document) and the plan document of req->ids[0]: 0, or -1 after
 * answering. */
static int report_and_doc(http_request *req, json_t **report, json_t **doc)
{
    *doc = NULL;
    *report = report_document(req);
    if (!*report)
        return -1;
    *doc = plan_doc(req);
    if (!*doc) {
        json_decref(*report);
        return -1;
    }
    return 0;
}

/* Draws the report (report_document) into b: 0, or -1. */
typedef int (*report_drawing)(buf *b, const json_t *report);
static int structures_chart(buf *b, const json_t *report) { return report_chart_structures(b, report, "chart"); }
static int distribution_chart(buf *b, const json_t *report) { return report_chart_distribution(b, report, "chart"); }

/* Answers the report of req->ids[0] as draw draws it, with media type ct. */
static void answer_report_drawn(http_request *req, report_drawing draw, const char *ct)
{
    json_t *report = report_document(req);
    if (!report)
        return;
    buf b;
    http_answer_init(&b, doc_limit());
    int rc = draw(&b, report);
    json_decref(report);
    answer_buf(req, &b, ct, rc);
}

/* The report of req->ids[0] as HTML written as it is walked (report_stream_html, issue 21):
 * report_html's page of report_document's tree, byte for byte, with the same problems, but
 * never holding a tree of every row; the walk stops as soon as the text passes DOC_LIMIT. */
static void report_html_streamed(http_request *req)
{
    char as_of[11];
    report_stream *r;
    json_t *heading;
    if (report_stream_begin(req, as_of, 0, &r, &heading) < 0)
        return;
    buf b;
    http_answer_init(&b, doc_limit());
    int rc = report_stream_html(r, heading, &b);
    report_stream_free(r);
    json_decref(heading);
    answer_buf(req, &b, "text/html; charset=utf-8", rc);
}

void plan_report_formats(http_request *req)
{
    if (answered_as_json(req, wants_html(req), plan_report))
        return;
    if (report_as_tree())
        answer_report_drawn(req, report_html, "text/html; charset=utf-8");
    else
        report_html_streamed(req);
}

/* Whether the plan document of req->ids[0] is certainly longer than limit, told from its
 * counts alone (store_plan_document_counts: no report, no document built) through
 * plan_html_min_size, which is never more than the page's length: then answers the 503
 * document_too_large that the page's overflow would give, and returns 1. Else 0, also when a
 * parameter is wrong, the plan is not found or the count fails: the whole way answers then. */
static int refused_by_bound(http_request *req, size_t limit)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    char as_of[11];
    int revision = 0;
    plan_doc_counts n = {0, 0, 0};
    int found = http_date_param(req, "as_of", as_of, &p) == 0 && http_revision_param(req, 0, &revision, &p) == 0
                    ? store_plan_document_counts(call->db, call->scope, req->ids[0], revision, &n, &p)
                    : 0;
    problem_clear(&p);
    if (found <= 0 || plan_html_min_size(n.objectives, n.phases, n.indicators) <= limit)
        return 0;
    answer_buf(req, NULL, "text/html; charset=utf-8", -1);
    return 1;
}

void plan_document(http_request *req)
{
    const char *f = http_query(req, "format");
    if (f && strcmp(f, "html") != 0) {
        http_error(req, 406, "format_not_available", "%s has only the format html", req->path);
        return;
    }
    size_t limit = doc_limit();
    if (refused_by_bound(req, limit))
        return;
    json_t *report, *doc;
    if (report_and_doc(req, &report, &doc) < 0)
        return;
    buf b;
    http_answer_init(&b, limit);
    int rc = plan_html(&b, doc, report);
    json_decref(report);
    json_decref(doc);
    answer_buf(req, &b, "text/html; charset=utf-8", rc);
}

void plan_scores_formats(http_request *req)
{
    if (answered_as_json(req, wants_svg(req), plan_scores))
        return;
    const char *chart = http_query(req, "chart");
    if (chart && strcmp(chart, "structures") != 0 && strcmp(chart, "distribution") != 0) {
        http_error(req, 400, "bad_parameter", "chart must be structures or distribution");
        return;
    }
    answer_report_drawn(req, chart && strcmp(chart, "distribution") == 0 ? distribution_chart : structures_chart,
                        "image/svg+xml");
}

/* The year of the plan that owns row id of kind ("objectives", "indicators"): 0 after answering. */
static int owner_year(http_request *req, const char *kind)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    owner_info info;
    int found = store_owner_info(call->db, kind, call->scope, req->ids[0], &info, &p);
    return api_found(req, found, &p, "no such %s", strcmp(kind, "objectives") == 0 ? "objective" : "indicator")
               ? info.year
               : 0;
}

void objective_score_formats(http_request *req)
{
    if (answered_as_json(req, wants_svg(req), period_objective_score))
        return;
    int year = owner_year(req, "objectives");
    json_t *score = year ? answer_of(req, period_objective_score) : NULL;
    if (!score)
        return;
    buf b;
    http_answer_init(&b, doc_limit());
    int rc = plan_chart_gantt(&b, score, year, "chart");
    json_decref(score);
    answer_buf(req, &b, "image/svg+xml", rc);
}

void measurement_list_formats(http_request *req)
{
    if (answered_as_json(req, wants_svg(req), measurement_list))
        return;
    api_call *call = api_call_of(req);
    int year = owner_year(req, "indicators");
    json_t *list = year ? answer_of(req, measurement_list) : NULL;
    if (!list)
        return;
    problem p;
    problem_init(&p);
    char *text = NULL;
    int64_t version;
    json_t *ind = NULL;
    if (store_crud_get(call->db, &model_indicators, call->scope, req->ids[0], &text, &version, &p) > 0)
        ind = json_loads(text, 0, NULL);
    free(text);
    problem_clear(&p);
    buf b;
    http_answer_init(&b, doc_limit());
    int rc = plan_chart_measurements(&b, ind, list, year, "chart");
    json_decref(ind);
    json_decref(list);
    answer_buf(req, &b, "image/svg+xml", rc);
}
