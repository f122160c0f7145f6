/*
 * payroll_csv.h — a bonus distribution as the payroll file the ERP reads (docs/EVALUATION.md,
 * "The bonus"): one row per person, ';' separated, amounts with a decimal comma (csv.h).
 */
#ifndef CICLO_PAYROLL_CSV_H
#define CICLO_PAYROLL_CSV_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Appends to out the payroll rows of the distribution dist (its API JSON, borrowed): the
 * header external_id;name;category;score;coefficient;months;part_time;premium;
 * premium_amount;bonus, then one row per element of dist's "people". */
void payroll_csv(const json_t *dist, buf *out);

/* Writes into out (n bytes) the file name of distribution dist, whose id is id:
 * premi-<id>-<year>-<role>.csv. */
void payroll_csv_name(const json_t *dist, int64_t id, char *out, size_t n);

#endif
