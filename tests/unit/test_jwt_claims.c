/* test_jwt_claims.c — the time and audience checks of an access token (codec/jwt_claims.h), at
 * the edges of the clock skew. */
#include <jansson.h>
#include <stdio.h>

#include "codec/jwt_claims.h"
#include "suites.h"

#define NOW 1700000000.0
#define SKEW 60

/* The check that refuses claims (JSON text) at NOW, or "" when they pass. */
static const char *refused_by(const char *claims_json)
{
    static char out[16];
    json_t *claims = json_loads(claims_json, 0, NULL);
    ck_assert_ptr_nonnull(claims);
    jwt_refusal r;
    int rc = jwt_check_claims(claims, NOW, SKEW, "ciclo-api", &r);
    json_decref(claims);
    snprintf(out, sizeof out, "%s", rc == 0 ? "" : r.check);
    return out;
}

START_TEST(a_fresh_token_passes)
{
    ck_assert_str_eq(refused_by("{\"exp\": 1700000300, \"iat\": 1700000000, \"nbf\": 1700000000, "
                                "\"aud\": \"ciclo-api\"}"),
                     "");
    ck_assert_str_eq(refused_by("{\"exp\": 1700000300.5, \"iat\": 1700000000, \"aud\": [\"x\", \"ciclo-api\"]}"), "");
}
END_TEST

START_TEST(exp_is_required_and_allows_the_skew)
{
    ck_assert_str_eq(refused_by("{\"iat\": 1700000000, \"aud\": \"ciclo-api\"}"), "exp");
    ck_assert_str_eq(refused_by("{\"exp\": \"1700000300\", \"iat\": 1700000000, \"aud\": \"ciclo-api\"}"), "exp");
    /* expired 60 s ago: still inside the skew; 61 s ago: refused */
    ck_assert_str_eq(refused_by("{\"exp\": 1699999940, \"iat\": 1699999000, \"aud\": \"ciclo-api\"}"), "");
    ck_assert_str_eq(refused_by("{\"exp\": 1699999939, \"iat\": 1699999000, \"aud\": \"ciclo-api\"}"), "exp");
}
END_TEST

START_TEST(nbf_and_iat_may_not_be_in_the_future)
{
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000, \"nbf\": 1700000060, "
                                "\"aud\": \"ciclo-api\"}"),
                     "");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000, \"nbf\": 1700000061, "
                                "\"aud\": \"ciclo-api\"}"),
                     "nbf");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000, \"nbf\": null, \"aud\": \"ciclo-api\"}"),
                     "nbf");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000060, \"aud\": \"ciclo-api\"}"), "");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000061, \"aud\": \"ciclo-api\"}"), "iat");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"aud\": \"ciclo-api\"}"), "iat");
}
END_TEST

START_TEST(aud_must_name_this_service)
{
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000}"), "aud");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000, \"aud\": \"ciclo\"}"), "aud");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000, \"aud\": [\"a\", 7]}"), "aud");
    ck_assert_str_eq(refused_by("{\"exp\": 1700003600, \"iat\": 1700000000, \"aud\": {\"ciclo-api\": 1}}"), "aud");
}
END_TEST

Suite *jwt_claims_suite(void)
{
    Suite *s = suite_create("jwt_claims");
    TCase *tc = tcase_create("checks");
    tcase_add_test(tc, a_fresh_token_passes);
    tcase_add_test(tc, exp_is_required_and_allows_the_skew);
    tcase_add_test(tc, nbf_and_iat_may_not_be_in_the_future);
    tcase_add_test(tc, aud_must_name_this_service);
    suite_add_tcase(s, tc);
    return s;
}
