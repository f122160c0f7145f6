/* list_answer.c — one list answer for every list endpoint (list_answer.h). */
#include "api/list_answer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "codec/csv.h"
#include "core/buf.h"
#include "core/text.h"
#include "store/stmt.h" /* transitional: list_answer of a raw result */

#define MAX_DERIVED_COLUMNS 64

/* The Link header of the next CSV page, repeating the parameters in keep (percent-encoded).
 * Left out when it does not fit. */
static void next_link(http_request *req, int limit, const char *cursor, const char *const *keep)
{
    buf b;
    buf_init(&b, sizeof req->res.link - 1);
    buf_printf(&b, "<%s?format=csv&limit=%d&cursor=%s", req->path, limit, cursor);
    for (; keep && *keep; keep++) {
        const char *v = http_query(req, *keep);
        if (!v)
            continue;
        buf_printf(&b, "&%s=", *keep);
        for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
            if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("-_.~", *c))
                buf_putc(&b, (char)*c);
            else
                buf_printf(&b, "%%%02X", *c);
        }
    }
    buf_puts(&b, ">; rel=\"next\"");
    if (!b.failed && b.data)
        snprintf(req->res.link, sizeof req->res.link, "%s", b.data);
    buf_free(&b);
}

static void answer_csv(const store_docs *r, int rows, const list_csv *csv, buf *out)
{
    const char *derived[MAX_DERIVED_COLUMNS];
    const char *const *names = csv ? csv->columns : NULL;
    int n = csv ? csv->ncolumns : 0;
    json_t *first = NULL;
    if (!names) {
        first = rows ? json_loads(store_docs_text(r, 0), 0, NULL) : NULL;
        if (first && csv && csv->reshape)
            csv->reshape(first);
        const char *key;
        json_t *v;
        n = 0;
        json_object_foreach(first, key, v)
        {
            if (n < MAX_DERIVED_COLUMNS)
                derived[n++] = key;
        }
        names = derived;
    }
    csv_header(out, names, n);
    for (int i = 0; i < rows; i++) {
        json_t *row = json_loads(store_docs_text(r, i), 0, NULL);
        if (row && csv && csv->reshape)
            csv->reshape(row);
        csv_row_from_object(out, row, names, n);
        json_decref(row);
    }
    json_decref(first);
}

void list_answer_docs(http_request *req, store_docs *r, int limit, const list_csv *csv)
{
    int rows = store_docs_count(r), more = limit > 0 && rows > limit;
    if (more)
        rows = limit;
    char cursor[32] = "";
    if (more)
        cursor_encode(store_docs_id(r, rows - 1), cursor);
    buf out;
    http_answer_init(&out, 0);
    int as_csv = http_wants_csv(req);
    if (as_csv) {
        answer_csv(r, rows, csv, &out);
        if (more)
            next_link(req, limit, cursor, csv ? csv->keep : NULL);
    } else {
        buf_puts(&out, "{\"items\":[");
        for (int i = 0; i < rows; i++)
            buf_printf(&out, "%s%s", i ? "," : "", store_docs_text(r, i));
        if (more)
            buf_printf(&out, "],\"next_cursor\":\"%s\"}", cursor);
        else
            buf_puts(&out, "],\"next_cursor\":null}");
    }
    store_docs_free(r);
    if (http_buf(req, 200, as_csv ? "text/csv; charset=utf-8" : "application/json", &out) < 0) {
        buf_free(&out);
        req->res.link[0] = '\0';
        http_error(req, 503, "out_of_memory", "the list could not be written now");
    }
}

int list_page_read(const http_request *req, list_page *pg, problem *p)
{
    if (http_page_params(req, &pg->limit, &pg->after, p) < 0)
        return -1;
    snprintf(pg->after_text, sizeof pg->after_text, "%" PRId64, pg->after);
    snprintf(pg->limit_text, sizeof pg->limit_text, "%d", pg->limit + 1);
    return 0;
}

api_call *list_call(http_request *req, list_page *pg, problem *p)
{
    problem_init(p);
    if (list_page_read(req, pg, p) == 0)
        return api_call_of(req);
    http_problem(req, p);
    problem_clear(p);
    return NULL;
}

void api_answer_docs(http_request *req, store_docs *d, int limit) { list_answer_docs(req, d, limit, NULL); }

/* Transitional, for handlers whose store functions still hand back raw results. */
void list_answer(http_request *req, struct pg_result *r, int limit, const list_csv *csv)
{
    problem p;
    problem_init(&p);
    store_docs *d = store_docs_take(r, &p);
    if (d)
        list_answer_docs(req, d, limit, csv);
    else
        http_problem(req, &p);
    problem_clear(&p);
}
