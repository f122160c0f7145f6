/* csv_report.c — the Relazione as CSV (csv_report.h). */
#include "render/csv_report.h"

#include <stdlib.h>

#include "codec/csv.h"
#include "core/buf.h"
#include "render/report_groups.h"

enum { NCOLS = 11 };
static const char *const names[NCOLS] = {"assignee_kind",   "assignee_code", "assignee_name",  "objective_code",
                                         "objective_title", "weight",        "achievement",    "timeliness",
                                         "score",           "status",        "weight_measured"};

/* A TOTALE row from a total ({assignee_kind, assignee_code, assignee_name, weight_total,
 * weight_measured, score, status}). */
static void total_row(buf *b, const json_t *t)
{
    json_t *row = json_pack("{s:O?, s:O?, s:O?, s:s, s:s, s:O?, s:n, s:n, s:O?, s:O?, s:O?}", "assignee_kind",
                            json_object_get(t, "assignee_kind"), "assignee_code", json_object_get(t, "assignee_code"),
                            "assignee_name", json_object_get(t, "assignee_name"), "objective_code", "TOTALE",
                            "objective_title", "", "weight", json_object_get(t, "weight_total"), "achievement",
                            "timeliness", "score", json_object_get(t, "score"), "status", json_object_get(t, "status"),
                            "weight_measured", json_object_get(t, "weight_measured"));
    if (!row) {
        b->failed = 1;
        return;
    }
    csv_row_from_object(b, row, names, NCOLS);
    json_decref(row);
}

void csv_report_head(buf *b)
{
    buf_puts(b, "\xEF\xBB\xBF");
    csv_header(b, names, NCOLS);
}

void csv_report_row(buf *b, const json_t *row) { csv_row_from_object(b, row, names, NCOLS); }

void csv_report_total(buf *b, const json_t *total) { total_row(b, total); }

void csv_report_entity(buf *b, const json_t *entity, const json_t *plan)
{
    const json_t *who = json_object_get(plan, "entity");
    if (!json_is_object(entity))
        return;
    json_t *t = json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "assignee_kind", "entity", "assignee_code",
                          json_object_get(who, "code"), "assignee_name", json_object_get(who, "name"), "weight_total",
                          json_object_get(entity, "weight_total"), "weight_measured",
                          json_object_get(entity, "weight_measured"), "score", json_object_get(entity, "score"),
                          "status", json_object_get(entity, "status"));
    if (t)
        total_row(b, t);
    else
        b->failed = 1;
    json_decref(t);
}

int csv_report(const json_t *report, buf *b)
{
    json_t *groups = report_groups(report, NULL); /* the report is in document order already */
    if (!groups) {
        b->failed = 1;
        return -1;
    }
    csv_report_head(b);
    size_t i, k;
    json_t *g, *r;
    json_array_foreach(groups, i, g)
    {
        json_array_foreach(json_object_get(g, "rows"), k, r) csv_report_row(b, r);
        total_row(b, json_object_get(g, "total"));
    }
    csv_report_entity(b, json_object_get(report, "entity"), json_object_get(report, "plan"));
    json_decref(groups);
    return b->failed ? -1 : 0;
}
