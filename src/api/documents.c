/* documents.c — the Relazione as a reader gets it: GET /v1/plans/{id}/report as JSON, CSV
 * (the machine format) or an Excel workbook (issue 19). The figures are plan_report_json's;
 * this file heads and orders them (report.h) and hands them to a renderer of src/render; the
 * JSON, the CSV and the workbook are written from the scored plan without a tree
 * (report_stream, issue 21), and so is the HTML (documents_html.c, through
 * report_stream_begin). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/report.h"
#include "core/log.h"
#include "render/csv_report.h"
#include "render/report_groups.h"
#include "render/xlsx_report.h"
#include "store/report.h"

#define XLSX_MEDIA "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The heading of plan req->ids[0] as adopted in revision, with its "structure_order". New
 * reference, or NULL with p set (404, 503 ...). */
static json_t *heading_of(http_request *req, int revision, problem *p)
{
    api_call *call = api_call_of(req);
    char *doc = NULL;
    int found = store_report_heading(call->db, call->scope, req->ids[0], revision, &doc, p);
    json_t *heading = found > 0 ? json_loads(doc, 0, NULL) : NULL;
    free(doc);
    if (found > 0 && !heading)
        problem_set(p, 503, "out_of_memory", "the report's heading cannot be read now");
    else if (found == 0)
        problem_set(p, 404, "not_found", "no plan with id %" PRId64, req->ids[0]);
    return heading;
}

json_t *report_document(http_request *req)
{
    char as_of[11];
    problem p;
    problem_init(&p);
    if (http_date_param(req, "as_of", as_of, &p) < 0) {
        api_fail(req, &p);
        return NULL;
    }
    json_t *report = plan_report_json(req, req->ids[0], as_of);
    if (!report)
        return NULL;
    json_t *heading = heading_of(req, (int)json_integer_value(json_object_get(report, "revision")), &p);
    json_t *groups = heading ? report_groups(report, json_object_get(heading, "structure_order")) : NULL;
    if (heading && (!groups || report_groups_apply(report, groups) < 0))
        problem_set(&p, 503, "out_of_memory", "the report is too large to order now");
    json_decref(groups);
    if (p.status) {
        json_decref(heading);
        json_decref(report);
        api_fail(req, &p);
        return NULL;
    }
    json_object_del(heading, "structure_order");
    json_object_set_new(report, "plan", heading);
    return report;
}

/* Content-Disposition: relazione-<plan>-<as_of>.<ext>, a download. */
static void attachment(http_request *req, int64_t plan_id, const char *as_of, const char *ext)
{
    snprintf(req->res.disposition, sizeof req->res.disposition, "attachment; filename=\"relazione-%" PRId64 "-%s.%s\"",
             plan_id, as_of, ext);
}

int report_as_tree(void)
{
    const char *v = getenv("CICLO_REPORT_TREE");
    return v && strcmp(v, "1") == 0;
}

/* The workbook of r (report_stream_xlsx) as the answer, or 503 workbook_unavailable. */
static void xlsx_answer(http_request *req, const report_stream *r, const json_t *heading, const char *as_of)
{
    int fd;
    size_t len;
    const char *err = NULL;
    if (report_stream_xlsx(r, heading, &fd, &len, &err) < 0) {
        log_error("GET %s: the workbook cannot be written: %s", req->path, err);
        http_error(req, 503, "workbook_unavailable", "the workbook cannot be written now: %s", err);
        return;
    }
    attachment(req, req->ids[0], as_of, "xlsx");
    http_file(req, 200, XLSX_MEDIA, fd, len); /* its private file: sent as it is, whatever its size */
}

int report_stream_begin(http_request *req, char as_of[11], int with_analyses, report_stream **out, json_t **heading_out)
{
    problem p;
    problem_init(&p);
    *out = NULL;
    *heading_out = NULL;
    if (http_date_param(req, "as_of", as_of, &p) < 0) {
        api_fail(req, &p);
        return -1;
    }
    report_stream *r = report_stream_open(req, req->ids[0], as_of, with_analyses);
    if (!r)
        return -1;
    json_t *heading = heading_of(req, report_stream_revision(r), &p);
    if (heading && report_stream_order(r, json_object_get(heading, "structure_order")) < 0)
        problem_set(&p, 503, "out_of_memory", "the report is too large to order now");
    if (p.status) {
        report_stream_free(r);
        json_decref(heading);
        api_fail(req, &p);
        return -1;
    }
    json_object_del(heading, "structure_order");
    *out = r;
    *heading_out = heading;
    return 0;
}

/* The report as JSON, CSV or XLSX (format 0, 1, 2), written as it is walked (report.h's
 * report_stream): what report_document and http_json, csv_report or xlsx_report would
 * answer (the workbook's bytes but for its creation time), with the same problems, but never
 * holding a tree of every row (issue 21). */
static void report_streamed(http_request *req, int format)
{
    int csv = format == 1;
    char as_of[11];
    report_stream *r;
    json_t *heading;
    if (report_stream_begin(req, as_of, format == 0, &r, &heading) < 0)
        return;
    if (format == 2) {
        xlsx_answer(req, r, heading, as_of);
        report_stream_free(r);
        json_decref(heading);
        return;
    }
    buf b;
    http_answer_init(&b, 0); /* hundreds of MB for a plan of 100,000 objectives: it spills */
    if (csv)
        attachment(req, req->ids[0], as_of, "csv");
    int rc = csv ? report_stream_csv(r, heading, &b) : report_stream_json(r, heading, &b);
    report_stream_free(r);
    json_decref(heading);
    if (rc < 0 || http_buf(req, 200, csv ? "text/csv; charset=utf-8" : "application/json", &b) < 0) {
        buf_free(&b);
        req->res.disposition[0] = '\0';
        if (csv) /* as csv_report's failure below, and http_json's: a 503, never a part of the text */
            http_error(req, 503, "out_of_memory", "the report is too large to write now");
        else
            http_unwritten(req);
    }
}

/* The tree's own attachment: the plan and date it names. */
static void attachment_of(http_request *req, const json_t *report, const char *ext)
{
    attachment(req, json_integer_value(json_object_get(report, "plan_id")),
               json_string_value(json_object_get(report, "as_of")), ext);
}

void plan_report(http_request *req)
{
    if (!report_as_tree()) {
        report_streamed(req, http_wants_csv(req) ? 1 : http_wants_format(req, "xlsx", XLSX_MEDIA) ? 2 : 0);
        return;
    }
    json_t *report = report_document(req);
    if (!report)
        return;
    if (http_wants_csv(req)) {
        buf b;
        http_answer_init(&b, 0);
        attachment_of(req, report, "csv");
        int rc = csv_report(report, &b);
        json_decref(report);
        if (rc < 0 || http_buf(req, 200, "text/csv; charset=utf-8", &b) < 0) {
            buf_free(&b);
            req->res.disposition[0] = '\0';
            http_error(req, 503, "out_of_memory", "the report is too large to write now");
        }
        return;
    }
    if (http_wants_format(req, "xlsx", XLSX_MEDIA)) {
        int fd;
        size_t len;
        const char *err = NULL;
        if (xlsx_report(report, NULL, &fd, &len, &err) < 0) {
            json_decref(report);
            log_error("GET %s: the workbook cannot be written: %s", req->path, err);
            http_error(req, 503, "workbook_unavailable", "the workbook cannot be written now: %s", err);
            return;
        }
        attachment_of(req, report, "xlsx");
        json_decref(report);
        http_file(req, 200, XLSX_MEDIA, fd, len); /* its private file: sent as it is, whatever its size */
        return;
    }
    http_json(req, 200, report);
}
