/*
 * payments.c — the invoices the ERP feeds and the payment timeliness indicator (api/handlers.h).
 *
 * The ITP of a year is computed by the rules library (rules_itp) over the invoices paid that
 * year; beside it, for each assignee of the year's cycle plan, the share of its objectives'
 * weight that payment-timeliness objectives carry (rules_payment_share: at least 30%, DL 13/2023
 * art. 4-bis).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/erp.h" /* erp_run_feed */
#include "api/feed_rows.h"
#include "api/handlers.h"
#include "codec/rule_json.h"
#include "core/text.h"
#include "rules.h"
#include "store/payments.h"

/* Reads ?year= (2000..2100, default this year). Returns the year, or -1 after answering 400. */
static int year_param(http_request *req)
{
    const char *q = http_query(req, "year");
    char today[11];
    http_today(today);
    if (!q)
        return atoi(today);
    char *end;
    long y = strtol(q, &end, 10);
    if (*q && !*end && y >= 2000 && y <= 2100)
        return (int)y;
    return api_bad_parameter(req, "year", "is not a year between 2000 and 2100",
                             "year must be a year between 2000 and 2100");
}

static json_t *shares_json(const store_payment_share *sh, size_t n, int *all_met, int *unknown)
{
    json_t *arr = json_array();
    *all_met = 1;
    *unknown = 0;
    for (size_t i = 0; i < n; i++) {
        rules_decimal share = {0};
        int met = 0,
            known = sh[i].unweighted == 0 && rules_payment_share(sh[i].payment, sh[i].total, &share, &met, NULL) == 0;
        if (!known)
            (*unknown)++;
        else if (!met)
            *all_met = 0;
        json_array_append_new(
            arr, json_pack("{s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:i}", "kind", sh[i].kind, "id",
                           (json_int_t)sh[i].id, "code", sh[i].code[0] ? json_string(sh[i].code) : json_null(), "name",
                           sh[i].name, "manager", sh[i].manager[0] ? json_string(sh[i].manager) : json_null(),
                           "payment_weight", rule_json_decimal(sh[i].payment), "total_weight",
                           rule_json_decimal(sh[i].total), "share", known ? rule_json_decimal(share) : json_null(),
                           "met", known ? json_boolean(met) : json_null(), "unweighted", sh[i].unweighted));
    }
    return arr;
}

void payment_timeliness_get(http_request *req)
{
    api_call *call = api_call_of(req);
    int year = year_param(req);
    if (year < 0)
        return;
    problem p;
    problem_init(&p);
    rules_invoice *inv = NULL;
    store_payment_share *sh = NULL;
    size_t ninv = 0, nsh = 0;
    int64_t plan_id = 0;
    int found = store_payments_of_year(call->db, req->ids[0], call->scope, year, &inv, &ninv, &p);
    if (found > 0)
        found = store_payment_shares(call->db, req->ids[0], call->scope, year, &sh, &nsh, &plan_id, &p);
    if (!api_found(req, found, &p, "no entity %lld", (long long)req->ids[0]))
        goto done;
    json_t *itp = json_null(), *met = json_null();
    rules_decimal total = {0};
    for (size_t i = 0; i < ninv; i++)
        total.units += inv[i].amount.units;
    if (ninv) {
        rules_decimal v;
        int ok;
        rules_error e;
        memset(&e, 0, sizeof e);
        if (rules_itp(inv, ninv, &v, &ok, &e) < 0) {
            http_error(req, 500, "internal", "the stored invoices cannot be read: %s", e.message);
            goto done;
        }
        itp = rule_json_decimal(v);
        met = json_boolean(ok);
    }
    int all_met, unknown;
    json_t *shares = shares_json(sh, nsh, &all_met, &unknown);
    http_json(req, 200,
              json_pack("{s:I, s:i, s:{s:i, s:o, s:o, s:o, s:s}, s:{s:o, s:o, s:o, s:i, s:s}}", "entity_id",
                        (json_int_t)req->ids[0], "year", year, "itp", "invoices", (int)ninv, "amount_paid",
                        rule_json_decimal(total), "value", itp, "met", met, "law",
                        "DPCM 22/9/2014 art. 9; L. 145/2018 art. 1 c. 859-861", "bonus_share", "plan_id",
                        plan_id ? json_integer(plan_id) : json_null(), "assignees", shares, "all_met",
                        nsh && plan_id ? json_boolean(all_met && !unknown) : json_null(), "unknown", unknown, "law",
                        "DL 13/2023 art. 4-bis: at least 30% of a manager's result bonus"));
done:
    free(inv);
    free(sh);
    problem_clear(&p);
}

/* ----------------------------------------------------------------------------------- */
/* The feed of paid invoices                                                           */
/* ----------------------------------------------------------------------------------- */

#define PAYMENTS_MAX_ROWS 200000 /* invoices in one feed */

static const char *const payment_cols[] = {"invoice", "supplier", "due_on", "paid_on", "amount", "source", NULL};

/* A date cell (YYYY-MM-DD): 0 with *d, or -1 after adding the error. */
static int cell_date(json_t *row, const char *key, const char *path, rules_date *d, problem *p)
{
    const char *s = feed_text(row, key, path, 10, 1, p);
    rules_error e;
    memset(&e, 0, sizeof e);
    if (!s)
        return -1;
    if (rules_date_parse_iso(s, d, &e) < 0) {
        char fp[160];
        snprintf(fp, sizeof fp, "%s.%s", path, key);
        problem_add(p, fp, "%s%s%s", e.message, e.hint[0] ? ": " : "", e.hint);
        return -1;
    }
    return 0;
}

/* The amount: a JSON number, or text as JSON ("1234.50") or Italian documents ("1.234,50")
 * write it; more than 0 with at most 2 decimals. */
static int cell_amount(json_t *row, const char *path, rules_decimal *d, problem *p)
{
    char fp[160];
    snprintf(fp, sizeof fp, "%s.amount", path);
    json_t *v = json_object_get(row, "amount");
    rules_error e;
    memset(&e, 0, sizeof e);
    int rc;
    if (json_is_number(v))
        rc = rule_json_number(v, 2, fp, d, &e);
    else if (json_is_string(v))
        rc = rules_decimal_parse_plain(json_string_value(v), 2, d, &e) == 0 ||
                     rules_number_parse_it(json_string_value(v), d, NULL, &e) == 0
                 ? 0
                 : -1;
    else {
        problem_add(p, fp, v ? "must be a number" : "is required");
        return -1;
    }
    if (rc < 0) {
        problem_add(p, fp, "%s", e.message);
        return -1;
    }
    if (d->units <= 0 || rules_decimal_round(*d, 2).units != d->units) {
        problem_add(p, fp, "must be more than 0, with at most 2 decimals");
        return -1;
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const store_payment *x = a, *y = b;
    int c = strcmp(x->invoice, y->invoice);
    return c ? c : strcmp(x->due_on, y->due_on);
}

static int payments_feed(http_request *req, json_t *items, json_t *paths, json_t *result, problem *p)
{
    api_call *call = api_call_of(req);
    size_t n = json_array_size(items);
    if (n > PAYMENTS_MAX_ROWS)
        return problem_set(p, 413, "too_many_rows", "a feed holds at most %d invoices; send it in parts",
                           PAYMENTS_MAX_ROWS);
    store_payment *rows = calloc(n ? n : 1, sizeof *rows);
    char(*text)[3][32] = calloc(n ? n : 1, sizeof *text); /* due, paid, amount as the store takes them */
    if (!rows || !text) {
        free(rows);
        free(text);
        return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    for (size_t i = 0; i < n && problem_count(p) < 100; i++) {
        json_t *row = json_array_get(items, i);
        const char *path = json_string_value(json_array_get(paths, i));
        feed_check_keys(row, path, payment_cols, p);
        rules_date due, paid;
        rules_decimal amount;
        rows[i].invoice = feed_text(row, "invoice", path, 100, 1, p);
        rows[i].supplier = feed_text(row, "supplier", path, 300, 0, p);
        rows[i].source = feed_text(row, "source", path, 300, 0, p);
        if (cell_date(row, "due_on", path, &due, p) == 0) {
            rules_date_format_iso(due, text[i][0]);
            rows[i].due_on = text[i][0];
        }
        if (cell_date(row, "paid_on", path, &paid, p) == 0) {
            rules_date_format_iso(paid, text[i][1]);
            rows[i].paid_on = text[i][1];
        }
        if (cell_amount(row, path, &amount, p) == 0)
            rows[i].amount = rules_decimal_format(amount, 2, '.', text[i][2]);
    }
    if (!problem_count(p)) {
        /* one row per invoice and due date: a feed that names one twice is refused */
        store_payment *sorted = malloc((n ? n : 1) * sizeof *sorted);
        if (!sorted) {
            free(rows);
            free(text);
            return problem_set(p, 503, "out_of_memory", "the server is out of memory");
        }
        memcpy(sorted, rows, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_key);
        for (size_t i = 1; i < n; i++)
            if (cmp_key(&sorted[i - 1], &sorted[i]) == 0)
                problem_add(p, "invoice", "invoice %s due on %s is given twice", sorted[i].invoice, sorted[i].due_on);
        free(sorted);
    }
    int rc = -1;
    if (problem_count(p)) {
        problem_set(p, 422, "validation_failed", "the feed is not valid: nothing was stored");
    } else {
        store_payments_result res = {0, 0, 0};
        int found = store_payments_write(call->db, req->ids[0], call->scope, rows, n, &call->actor, &res, p);
        if (found == 0)
            problem_set(p, 404, "not_found", "no such entity");
        if (found > 0) {
            json_object_set_new(result, "inserted", json_integer(res.inserted));
            json_object_set_new(result, "updated", json_integer(res.updated));
            json_object_set_new(result, "unchanged", json_integer(res.unchanged));
            rc = 0;
        }
    }
    free(rows);
    free(text);
    return rc;
}

void payments_import(http_request *req) { erp_run_feed(req, payment_cols, payments_feed); }
