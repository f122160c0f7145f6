/*
 * payments.h — the invoices an entity paid (sql/019_calendar.sql), fed by the ERP, and what the
 * payment timeliness indicator needs (issue 20, api/payments.c).
 */
#ifndef CICLO_STORE_PAYMENTS_H
#define CICLO_STORE_PAYMENTS_H
#include <stddef.h>
#include <stdint.h>

#include "core/problem.h"
#include "rules.h"
#include "store/crud.h" /* store_actor */
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_payments_register(void);

#define STORE_PAYMENTS_MAX_YEAR 2000000 /* invoices of one year read for the indicator */

/* One invoice as the feed writes it; every field borrowed. supplier and source may be NULL. */
typedef struct store_payment {
    const char *invoice, *supplier, *due_on, *paid_on, *amount, *source;
} store_payment;

typedef struct store_payments_result {
    int inserted, updated, unchanged;
} store_payments_result;

/* Writes n invoices of entity_id (as the caller of scope sees it: NULL for an admin) in one
 * statement: a new (invoice, due date) is inserted, a known one takes the new payment date,
 * amount, supplier and source (an audit row for each insert and change, by who). The rows must
 * already be valid and distinct by (invoice, due_on) (api/payments.c checks them). Returns 1 with *res, 0 when the entity is not the caller's, -1 with p set
 * (a database check names the row). */
int store_payments_write(store_conn *c, int64_t entity_id, const char *scope, const store_payment *rows, size_t n,
                         const store_actor *who, store_payments_result *res, problem *p);

/* The invoices of entity_id paid in year: 1 with *out (malloc'd, the caller frees it; NULL when
 * *n is 0) and *n, 0 when the entity is not the caller's, -1 with p set. */
int store_payments_of_year(store_conn *c, int64_t entity_id, const char *scope, int year, rules_invoice **out,
                           size_t *n, problem *p);

/* One assignee of the year's cycle plan with the weights of its objectives. */
typedef struct store_payment_share {
    char kind[12];                /* "structure" or "person" */
    int64_t id;                   /* the structure or person */
    char code[64];                /* the structure's code, empty for a person */
    char name[300];               /* the structure's or person's name */
    char manager[300];            /* the structure's manager, empty when none */
    rules_decimal payment, total; /* Σ weights of payment-timeliness objectives, of all objectives */
    int unweighted;               /* assignments without a weight */
} store_payment_share;

/* The assignees of entity_id's cycle plan for year (a PIAO, else a Piano della performance) that
 * have a weighted objective: 1 with *out (malloc'd, the caller frees it), *n and *plan_id (0 when
 * the year has no such plan), 0 when the entity is not the caller's, -1 with p set. */
int store_payment_shares(store_conn *c, int64_t entity_id, const char *scope, int year, store_payment_share **out,
                         size_t *n, int64_t *plan_id, problem *p);

#endif
