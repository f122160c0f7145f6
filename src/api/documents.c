/* documents.c — the Relazione as a reader gets it: GET /v1/plans/{id}/report as JSON, CSV
 * (the machine format) or an Excel workbook (issue 19). The figures are plan_report_json's;
 * this file heads and orders them (report.h) and hands them to a renderer of src/render. */
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

json_t *report_document(http_request *req)
{
    api_call *call = api_call_of(req);
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
    char *doc = NULL;
    int revision = (int)json_integer_value(json_object_get(report, "revision"));
    int found = store_report_heading(call->db, call->scope, req->ids[0], revision, &doc, &p);
    json_t *heading = found > 0 ? json_loads(doc, 0, NULL) : NULL;
    free(doc);
    if (found > 0 && !heading)
        problem_set(&p, 503, "out_of_memory", "the report's heading cannot be read now");
    else if (found == 0)
        problem_set(&p, 404, "not_found", "no plan with id %" PRId64, req->ids[0]);
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
static void attachment(http_request *req, const json_t *report, const char *ext)
{
    snprintf(req->res.disposition, sizeof req->res.disposition,
             "attachment; filename=\"relazione-%" JSON_INTEGER_FORMAT "-%s.%s\"",
             json_integer_value(json_object_get(report, "plan_id")),
             json_string_value(json_object_get(report, "as_of")), ext);
}

void plan_report(http_request *req)
{
    json_t *report = report_document(req);
    if (!report)
        return;
    if (http_wants_csv(req)) {
        buf b;
        http_answer_init(&b, 0);
        attachment(req, report, "csv");
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
        attachment(req, report, "xlsx");
        json_decref(report);
        http_file(req, 200, XLSX_MEDIA, fd, len); /* its private file: sent as it is, whatever its size */
        return;
    }
    http_json(req, 200, report);
}
