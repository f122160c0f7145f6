/* suites.h — the Check suites of the unit tests, assembled by main.c. */
#ifndef CICLO_TEST_SUITES_H
#define CICLO_TEST_SUITES_H

#include <check.h>
#include <jansson.h>

#include "rules.h"

Suite *decimal_suite(void);
Suite *date_suite(void);
Suite *bands_suite(void);
Suite *check_suite(void);
Suite *formula_suite(void);
Suite *kinds_suite(void);
Suite *plan_suite(void);
Suite *plan_check_suite(void);
Suite *codec_suite(void);
Suite *csv_read_suite(void);
Suite *plan_diff_suite(void);
Suite *evaluation_suite(void);
Suite *csv_write_suite(void);
Suite *period_suite(void);    /* monitoring periods */
Suite *lifecycle_suite(void); /* the plan lifecycle's transition table */
Suite *calendar_suite(void);  /* the cycle's calendar and public figures, issue 20 */
Suite *ical_suite(void);      /* codec/ical.h, issue 20 */
Suite *piao_suite(void);      /* rules_piao_check, issue 20 */
Suite *method_suite(void);    /* the plan's method, issue 14 */
Suite *json_number_suite(void);
Suite *jwt_claims_suite(void);      /* OpenID Connect sign-in: exp, nbf, iat, aud */
Suite *render_suite(void);          /* documents: HTML text and SVG charts (issue 19) */
Suite *report_docs_suite(void);     /* the Relazione: labels, CSV report, workbook sheet names (issue 19) */
Suite *i18n_suite(void);            /* errors and findings in Italian (issue 18) */
Suite *charset_suite(void);         /* ERP feeds in their charset (issue 18) */
Suite *accept_suite(void);          /* Accept and Accept-Language (issue 18) */
Suite *plan_doc_suite(void);        /* the plan document's export form */
Suite *alloc_fail_suite(void);      /* the N-th allocation fails, for every N (codecs, plan document checks) */
Suite *router_suite(void);          /* http/router.c: routes, ids, 404 and 405 */
Suite *headcheck_suite(void);       /* http/headcheck.c: the guard's judgement of a header block */
Suite *heavyq_suite(void);          /* http/heavyq.c: the heavy queue, fair between keys (issue 21) */
Suite *form_status_suite(void);     /* the life of an evaluation form */
Suite *evaluation_json_suite(void); /* codec/evaluation_json.h, evaluation_body.h, payroll_csv.h */
Suite *plan_doc_check_suite(void);  /* the plan document's checks */
Suite *store_errors_suite(void);    /* store/errors.h: PostgreSQL errors as problems */
Suite *validate_suite(void);        /* codec/validate.h: bodies, patches and merge patches */
Suite *rule_form_suite(void);       /* codec/rule_form.h: the compact stored form of rules (issue 21) */
Suite *buf_suite(void);             /* core/buf.h: a large text spills to a file with no name (issue 21) */
Suite *json_stream_suite(void);     /* codec/json_stream.h: an object by members, an array by items */

/* helpers (helpers.c) */
rules_decimal D(const char *plain);    /* "86.5" -> decimal, aborts the test on error */
rules_decimal IT(const char *italian); /* "1.000.000,00" -> decimal */
rules_band B(const char *min, int min_excl, const char *max, int max_incl, const char *score);
const char *dfmt(rules_decimal d); /* short form in a rotating static buffer */
/* The data-driven cases tests/cases/<name> (a JSON object whose "cases" is a non-empty array;
 * CICLO_CASES_DIR overrides the folder). New reference; fails the test when it cannot be read. */
json_t *load_cases(const char *name);
/* Checks problem p against expect, a case's {"status", "code", "detail", "hint", "retry_after",
 * "errors"}: status always, each other member when given; "errors" lists every error in order
 * ([] for none), each {field, message} compared on the members it gives. name tells the case
 * in a failure. */
struct problem;
void expect_problem(const struct problem *p, json_t *expect, const char *name);
int has_finding(const rules_finding *f, size_t n, const char *code, const char *path_part);

#endif
