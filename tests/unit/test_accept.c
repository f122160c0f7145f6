/* test_accept.c — content negotiation (codec/accept.h): Accept qualities and Accept-Language. */
#include "codec/accept.h"
#include "suites.h"

START_TEST(media_quality)
{
    const char *json = "application/json";
    ck_assert_int_eq(accept_media_quality(NULL, json), 1000);
    ck_assert_int_eq(accept_media_quality("", json), 1000);
    ck_assert_int_eq(accept_media_quality("*/*", json), 1000);
    ck_assert_int_eq(accept_media_quality("application/*", json), 1000);
    ck_assert_int_eq(accept_media_quality("Application/JSON", json), 1000);
    ck_assert_int_eq(accept_media_quality("text/csv", json), 0);
    ck_assert_int_eq(accept_media_quality("text/csv", "text/csv; charset=utf-8"), 1000);
    ck_assert_int_eq(accept_media_quality("text/*", json), 0);
    ck_assert_int_eq(accept_media_quality("text/csv, application/json;q=0.5", json), 500);
    ck_assert_int_eq(accept_media_quality("text/csv;q=0.9, */*;q=0.1", json), 100);
    /* the most specific range decides: json refused although any type is welcome */
    ck_assert_int_eq(accept_media_quality("*/*, application/json;q=0", json), 0);
    ck_assert_int_eq(accept_media_quality("application/json;q=0, */*", json), 0);
    ck_assert_int_eq(accept_media_quality("application/json; charset=utf-8; q=0.25", json), 250);
    ck_assert_int_eq(accept_media_quality("application/json;q=1.000", json), 1000);
    ck_assert_int_eq(accept_media_quality("application/json;q=2", json), 0);
    ck_assert_int_eq(accept_media_quality("application/json;q=x", json), 0);
    ck_assert_int_eq(accept_media_quality(" , ,application/json", json), 1000);
    ck_assert_int_eq(accept_media_quality("garbage", json), 0);
    ck_assert_int_eq(accept_media_quality("application/problem+json", json), 0);
}
END_TEST

START_TEST(language)
{
    static const char *const langs[] = {"en", "it", NULL};
    ck_assert_int_eq(accept_language_pick(NULL, langs), 0);
    ck_assert_int_eq(accept_language_pick("", langs), 0);
    ck_assert_int_eq(accept_language_pick("it", langs), 1);
    ck_assert_int_eq(accept_language_pick("it-IT", langs), 1);
    ck_assert_int_eq(accept_language_pick("IT-it", langs), 1);
    ck_assert_int_eq(accept_language_pick("it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7", langs), 1);
    ck_assert_int_eq(accept_language_pick("en-US,en;q=0.9,it;q=0.8", langs), 0);
    ck_assert_int_eq(accept_language_pick("fr, it;q=0.5", langs), 1);
    ck_assert_int_eq(accept_language_pick("de, fr", langs), 0);
    ck_assert_int_eq(accept_language_pick("it;q=0, en", langs), 0);
    ck_assert_int_eq(accept_language_pick("en;q=0.4, it;q=0.6", langs), 1);
    ck_assert_int_eq(accept_language_pick("*", langs), 0);
    ck_assert_int_eq(accept_language_pick("italian", langs), 0);
}
END_TEST

Suite *accept_suite(void)
{
    Suite *s = suite_create("accept");
    TCase *t = tcase_create("negotiation");
    tcase_add_test(t, media_quality);
    tcase_add_test(t, language);
    suite_add_tcase(s, t);
    return s;
}
