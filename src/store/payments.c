/* payments.c — invoices paid and the weights of payment-timeliness objectives (store/payments.h). */
#include "store/payments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/stmt.h"

enum { PAY_WRITE, PAY_YEAR, PAY_PLAN, PAY_SHARES };

#define ENTITY_IN_SCOPE "SELECT id FROM entities WHERE id = $1::bigint AND ($2::bigint IS NULL OR id = $2::bigint)"

static store_stmt st[] = {
    /* $1 entity, $2 scope, $3 rows (JSON array), $4 token, $5 actor name, $6 actor role */
    [PAY_WRITE] = {"payments.write",
                   "WITH e AS (" ENTITY_IN_SCOPE "), "
                   "r AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(invoice text, supplier text, due_on date, "
                   "paid_on date, amount numeric, source text)), "
                   "old AS (SELECT p.* FROM payments p JOIN r ON p.entity_id = $1::bigint AND p.invoice = r.invoice "
                   "AND p.due_on = r.due_on), "
                   "w AS (INSERT INTO payments AS p (entity_id, invoice, supplier, due_on, paid_on, amount, source) "
                   "SELECT e.id, r.invoice, r.supplier, r.due_on, r.paid_on, r.amount, r.source FROM r, e "
                   "ON CONFLICT (entity_id, invoice, due_on) DO UPDATE SET paid_on = excluded.paid_on, amount = "
                   "excluded.amount, supplier = excluded.supplier, source = excluded.source, version = p.version + 1, "
                   "updated_at = now() WHERE (p.paid_on, p.amount, p.supplier, p.source) IS DISTINCT FROM "
                   "(excluded.paid_on, excluded.amount, excluded.supplier, excluded.source) "
                   "RETURNING p.id, p.invoice, p.due_on, (p.version = 1) AS inserted, to_jsonb(p) AS after), "
                   "a AS (INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, "
                   "resource_id, before, after) SELECT $1::bigint, $4::bigint, $5::text, $6::text, CASE WHEN "
                   "w.inserted THEN 'create' ELSE 'update' END, 'payments', w.id, (SELECT to_jsonb(o) FROM old o "
                   "WHERE o.invoice = w.invoice AND o.due_on = w.due_on), w.after FROM w) "
                   "SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM w WHERE inserted), (SELECT count(*) FROM w "
                   "WHERE NOT inserted), (SELECT count(*) FROM r)",
                   6},
    /* $1 entity, $2 scope, $3 year, $4 limit */
    [PAY_YEAR] = {"payments.year",
                  "SELECT (SELECT count(*) FROM (" ENTITY_IN_SCOPE ") e), p.due_on::text, p.paid_on::text, "
                  "p.amount::text FROM (SELECT 1) one LEFT JOIN payments p ON p.entity_id = $1::bigint AND "
                  "($2::bigint IS NULL OR p.entity_id = $2::bigint) AND p.paid_on BETWEEN make_date($3::integer, 1, 1) "
                  "AND make_date($3::integer, 12, 31) ORDER BY p.paid_on, p.id LIMIT $4::integer",
                  4},
    /* $1 entity, $2 scope, $3 year: the entity and the year's cycle plan */
    [PAY_PLAN] = {"payments.plan", "SELECT e.id, cycle_plan_id(e.id, $3::integer) FROM (" ENTITY_IN_SCOPE ") e", 3},
    /* $1 entity, $2 plan */
    [PAY_SHARES] = {"payments.shares",
                    "SELECT CASE WHEN a.structure_id IS NOT NULL THEN 'structure' ELSE 'person' END, coalesce("
                    "a.structure_id, a.person_id), coalesce(s.code, ''), coalesce(s.name, pe.name), coalesce(m.name, "
                    "''), coalesce(sum(a.weight) FILTER (WHERE o.payment_timeliness), 0)::text, coalesce(sum("
                    "a.weight), 0)::text, count(*) FILTER (WHERE a.weight IS NULL) FROM assignments a JOIN objectives o "
                    "ON o.entity_id = a.entity_id AND o.id = a.objective_id LEFT JOIN structures s ON s.entity_id = "
                    "a.entity_id AND s.id = a.structure_id LEFT JOIN people m ON m.entity_id = s.entity_id AND m.id = "
                    "s.manager_id LEFT JOIN people pe ON pe.entity_id = a.entity_id AND pe.id = a.person_id WHERE "
                    "a.entity_id = $1::bigint AND a.plan_id = $2::bigint AND a.removed_in_revision IS NULL AND "
                    "o.removed_in_revision IS NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1 DESC, 3, 4, 2",
                    2},
};

int store_payments_register(void) { return STORE_STMTS_REGISTER(st); }

static void json_text_or_null(buf *b, const char *key, const char *v, int first)
{
    buf_printf(b, "%s\"%s\":", first ? "" : ",", key);
    if (!v) {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '"');
    buf_json_escape(b, v);
    buf_putc(b, '"');
}

int store_payments_write(store_conn *c, int64_t entity_id, const char *scope, const store_payment *rows, size_t n,
                         const store_actor *who, store_payments_result *res, problem *p)
{
    buf b;
    buf_init(&b, 0);
    buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, i ? ",{" : "{");
        json_text_or_null(&b, "invoice", rows[i].invoice, 1);
        json_text_or_null(&b, "supplier", rows[i].supplier, 0);
        json_text_or_null(&b, "due_on", rows[i].due_on, 0);
        json_text_or_null(&b, "paid_on", rows[i].paid_on, 0);
        json_text_or_null(&b, "amount", rows[i].amount, 0);
        json_text_or_null(&b, "source", rows[i].source, 0);
        buf_putc(&b, '}');
    }
    buf_putc(&b, ']');
    if (b.failed) {
        buf_free(&b);
        problem_set(p, 503, "out_of_memory", "try again");
        return -1;
    }
    PGresult *r = store_run(c, &st[PAY_WRITE],
                            STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_TEXT(b.data), SA_ACTOR(who)), p);
    buf_free(&b);
    if (!r)
        return -1;
    int found = row_int(r, 0, 0) > 0;
    if (found) {
        res->inserted = row_int(r, 0, 1);
        res->updated = row_int(r, 0, 2);
        res->unchanged = row_int(r, 0, 3) - res->inserted - res->updated;
    }
    PQclear(r);
    return found;
}

int store_payments_of_year(store_conn *c, int64_t entity_id, const char *scope, int year, rules_invoice **out,
                           size_t *n, problem *p)
{
    *out = NULL;
    *n = 0;
    const store_args *a = STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_I64(year), SA_I64(STORE_PAYMENTS_MAX_YEAR));
    PGresult *r = store_run(c, &st[PAY_YEAR], a, p);
    if (!r)
        return -1;
    int rows = row_count(r);
    if (rows == 0 || row_int(r, 0, 0) == 0) {
        PQclear(r);
        return 0;
    }
    rules_invoice *inv = calloc((size_t)rows, sizeof *inv);
    if (!inv) {
        PQclear(r);
        problem_set(p, 503, "out_of_memory", "try again");
        return -1;
    }
    size_t k = 0;
    for (int i = 0; i < rows; i++) {
        if (row_null(r, i, 1))
            continue; /* the entity has no invoice that year: the one row of the outer join */
        rules_date_parse_iso(row_text(r, i, 1), &inv[k].due, NULL);
        rules_date_parse_iso(row_text(r, i, 2), &inv[k].paid, NULL);
        rules_decimal_parse_plain(row_text(r, i, 3), 2, &inv[k].amount, NULL);
        k++;
    }
    PQclear(r);
    if (k == 0) {
        free(inv);
        inv = NULL;
    }
    *out = inv;
    *n = k;
    return 1;
}

static void copy_text(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

int store_payment_shares(store_conn *c, int64_t entity_id, const char *scope, int year, store_payment_share **out,
                         size_t *n, int64_t *plan_id, problem *p)
{
    *out = NULL;
    *n = 0;
    *plan_id = 0;
    PGresult *r = store_run(c, &st[PAY_PLAN], STORE_ARGS(SA_I64(entity_id), SA_TEXT(scope), SA_I64(year)), p);
    if (!r)
        return -1;
    int found = row_count(r) > 0;
    *plan_id = found ? row_i64(r, 0, 1) : 0;
    PQclear(r);
    if (!found || !*plan_id)
        return found;
    if (!(r = store_run(c, &st[PAY_SHARES], STORE_ARGS(SA_I64(entity_id), SA_I64(*plan_id)), p)))
        return -1;
    int rows = row_count(r);
    store_payment_share *sh = rows ? calloc((size_t)rows, sizeof *sh) : NULL;
    if (rows && !sh) {
        PQclear(r);
        problem_set(p, 503, "out_of_memory", "try again");
        return -1;
    }
    for (int i = 0; i < rows; i++) {
        copy_text(sh[i].kind, sizeof sh[i].kind, row_text(r, i, 0));
        sh[i].id = row_i64(r, i, 1);
        copy_text(sh[i].code, sizeof sh[i].code, row_text(r, i, 2));
        copy_text(sh[i].name, sizeof sh[i].name, row_text(r, i, 3));
        copy_text(sh[i].manager, sizeof sh[i].manager, row_text(r, i, 4));
        rules_decimal_parse_plain(row_text(r, i, 5), 4, &sh[i].payment, NULL);
        rules_decimal_parse_plain(row_text(r, i, 6), 4, &sh[i].total, NULL);
        sh[i].unweighted = row_int(r, i, 7);
    }
    PQclear(r);
    *out = sh;
    *n = (size_t)rows;
    return 1;
}
