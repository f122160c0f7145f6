/* feed_rows.c — the rows of an ERP feed, read from the request body (feed_rows.h). */
#include "api/feed_rows.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/feed_charset.h"
#include "codec/csv_read.h"
#include "core/text.h"
#include "http/request.h"

int feed_is_csv(http_request *req)
{
    const char *ct = http_header(req, "Content-Type");
    return ct && strncasecmp(ct, "text/csv", 8) == 0;
}

static int list_has(const char *const *cols, const char *name)
{
    for (; *cols; cols++)
        if (strcmp(*cols, name) == 0)
            return 1;
    return 0;
}

static void join_cols(char *out, size_t n, const char *const *cols)
{
    out[0] = '\0';
    for (const char *const *c = cols; *c; c++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", c == cols ? "" : ";", *c);
}

int feed_read_rows(http_request *req, const char *const *cols, json_t **items, json_t **paths, problem *p)
{
    *items = json_array();
    *paths = json_array();
    char path[64];
    if (feed_body_utf8(req, feed_is_csv(req), p) < 0) /* any charset in, UTF-8 from here on */
        return -1;
    if (!feed_is_csv(req)) {
        /* the shape limits every JSON body has (http_json_body), then jansson */
        json_t *j = http_json_body_limited(req, &json_limits_default, p);
        if (!j)
            return -1;
        json_t *list = json_is_object(j) ? json_object_get(j, "items") : j;
        if (!json_is_array(list)) {
            json_decref(j);
            problem_add(p, "", "must be a JSON array of rows (or {\"items\": [...]})");
            return problem_set(p, 422, "validation_failed", "the feed is not valid");
        }
        size_t i;
        json_t *row;
        json_array_foreach(list, i, row)
        {
            snprintf(path, sizeof path, "[%zu]", i);
            if (!json_is_object(row)) {
                problem_add(p, path, "must be a JSON object");
                continue;
            }
            json_array_append(*items, row);
            json_array_append_new(*paths, json_string(path));
        }
        json_decref(j);
        if (problem_count(p))
            return problem_set(p, 422, "validation_failed", "the feed is not valid");
        return 0;
    }
    csv_reader r;
    csv_reader_init(&r, req->body.data, req->body.len, ';');
    int rc = csv_read_record(&r), ncols = 0;
    char *header[CSV_MAX_CELLS];
    if (rc <= 0) {
        if (rc < 0)
            problem_set(p, 400, "malformed_csv", "line %d: %s", r.line, r.error);
        else
            problem_set(p, 400, "empty_body", "the CSV feed needs a header row");
        csv_reader_free(&r);
        return -1;
    }
    char expected[256];
    join_cols(expected, sizeof expected, cols);
    ncols = r.ncells;
    const char *sep = ncols != 1                 ? NULL
                      : strchr(r.cells[0], ',')  ? "','"
                      : strchr(r.cells[0], '\t') ? "a tab"
                      : strchr(r.cells[0], '|')  ? "'|'"
                                                 : NULL;
    if (sep) { /* one header cell holding the columns: another separator than the feed's */
        problem_add(p, "line[1]", "the header uses %s as separator; the feed expects ';' (columns: %s)", sep, expected);
        csv_reader_free(&r);
        return problem_set(p, 422, "validation_failed", "the feed is not valid");
    }
    for (int i = 0; i < ncols; i++) {
        header[i] = strdup(r.cells[i]);
        char *h = header[i];
        if (!h)
            continue;
        /* trim and lower-case the column names as spreadsheets write them */
        size_t n = strlen(h);
        while (n && isspace((unsigned char)h[n - 1]))
            h[--n] = '\0';
        size_t lead = strspn(h, " \t");
        memmove(h, h + lead, strlen(h + lead) + 1);
        for (char *c = h; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        snprintf(path, sizeof path, "line[1].%s", h);
        if (!list_has(cols, h))
            problem_add(p, *h ? path : "line[1]", "is not a column of this feed (columns: %s)", expected);
        for (int k = 0; k < i; k++)
            if (header[k] && strcmp(header[k], h) == 0)
                problem_add(p, path, "the column is given twice");
    }
    while (!problem_count(p) && (rc = csv_read_record(&r)) == 1) {
        snprintf(path, sizeof path, "line[%d]", r.line);
        if (r.ncells != ncols) {
            problem_add(p, path, "has %d cells; the header has %d", r.ncells, ncols);
            continue;
        }
        json_t *row = json_object();
        for (int i = 0; i < ncols; i++)
            if (r.cells[i][0] && header[i])
                json_object_set_new(row, header[i], json_stringn(r.cells[i], strlen(r.cells[i])));
        if (json_object_size(row) == 0 && ncols > 0) {
            /* a row of empty cells (spreadsheets leave them at the end) */
            json_decref(row);
            continue;
        }
        json_array_append_new(*items, row);
        json_array_append_new(*paths, json_string(path));
    }
    for (int i = 0; i < ncols; i++)
        free(header[i]);
    if (rc < 0) {
        snprintf(path, sizeof path, "line[%d]", r.line);
        problem_add(p, path, "%s", r.error);
    }
    csv_reader_free(&r);
    if (problem_count(p))
        return problem_set(p, 422, "validation_failed", "the feed is not valid");
    return 0;
}

void feed_check_keys(json_t *row, const char *path, const char *const *cols, problem *p)
{
    const char *key;
    json_t *v;
    char expected[256], fp[160];
    json_object_foreach(row, key, v)
    {
        if (!list_has(cols, key)) {
            join_cols(expected, sizeof expected, cols);
            snprintf(fp, sizeof fp, "%s.%s", path, key);
            problem_add(p, fp, "is not a column of this feed (columns: %s)", expected);
        }
    }
}

const char *feed_text(json_t *row, const char *key, const char *path, int max, int required, problem *p)
{
    json_t *v = json_object_get(row, key);
    char fp[160];
    snprintf(fp, sizeof fp, "%s.%s", path, key);
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        if (required)
            problem_add(p, fp, "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        problem_add(p, fp, "must be a string");
        return NULL;
    }
    if ((int)utf8_length(json_string_value(v)) > max) {
        problem_add(p, fp, "is longer than %d characters", max);
        return NULL;
    }
    return json_string_value(v);
}
