/* main.c — runs every unit test suite of the rules library and the codecs. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(decimal_suite());
    srunner_add_suite(sr, date_suite());
    srunner_add_suite(sr, bands_suite());
    srunner_add_suite(sr, check_suite());
    srunner_add_suite(sr, formula_suite());
    srunner_add_suite(sr, kinds_suite());
    srunner_add_suite(sr, plan_suite());
    srunner_add_suite(sr, plan_check_suite());
    srunner_add_suite(sr, codec_suite());
    srunner_add_suite(sr, csv_read_suite());
    srunner_add_suite(sr, plan_diff_suite());
    srunner_add_suite(sr, evaluation_suite());
    srunner_add_suite(sr, csv_write_suite());
    srunner_add_suite(sr, period_suite()); /* monitoring periods */
    srunner_add_suite(sr, lifecycle_suite());
    srunner_add_suite(sr, calendar_suite()); /* issue 20 */
    srunner_add_suite(sr, ical_suite());
    srunner_add_suite(sr, piao_suite());
    srunner_add_suite(sr, method_suite());
    srunner_add_suite(sr, json_number_suite());
    srunner_add_suite(sr, jwt_claims_suite());  /* OpenID Connect sign-in */
    srunner_add_suite(sr, render_suite());      /* documents (issue 19) */
    srunner_add_suite(sr, report_docs_suite()); /* the Relazione's CSV and workbook (issue 19) */
    srunner_add_suite(sr, plan_doc_suite());
    srunner_add_suite(sr, alloc_fail_suite());
    srunner_add_suite(sr, router_suite());
    srunner_add_suite(sr, headcheck_suite());
    srunner_add_suite(sr, heavyq_suite());
    srunner_add_suite(sr, plan_doc_check_suite());
    srunner_add_suite(sr, rule_form_suite());
    srunner_add_suite(sr, json_stream_suite()); /* plan documents read by parts (issue 21) */
    srunner_add_suite(sr, buf_suite());         /* answers spilled to a file (issue 21) */
    srunner_add_suite(sr, accept_suite());      /* issue 18 */
    srunner_add_suite(sr, i18n_suite());
    srunner_add_suite(sr, charset_suite());
    srunner_add_suite(sr, form_status_suite());
    srunner_add_suite(sr, evaluation_json_suite());
    srunner_add_suite(sr, store_errors_suite());
    srunner_add_suite(sr, validate_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
