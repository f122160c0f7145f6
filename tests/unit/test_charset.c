/* test_charset.c — feeds in their charset, read as UTF-8 (codec/charset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/charset.h"
#include "suites.h"

START_TEST(param)
{
    char cs[32];
    ck_assert_int_eq(charset_param("text/csv; charset=Windows-1252", cs, sizeof cs), 1);
    ck_assert_str_eq(cs, "windows-1252");
    ck_assert_int_eq(charset_param("text/csv;charset=\"utf-8\"", cs, sizeof cs), 1);
    ck_assert_str_eq(cs, "utf-8");
    ck_assert_int_eq(charset_param("text/csv; header=present; charset=latin1", cs, sizeof cs), 1);
    ck_assert_str_eq(cs, "latin1");
    ck_assert_int_eq(charset_param("text/csv", cs, sizeof cs), 0);
    ck_assert_int_eq(charset_param(NULL, cs, sizeof cs), 0);
}
END_TEST

static const char *conv(const char *in, const char *cs, charset_status want, size_t *bad, const char **used)
{
    static char keep[256];
    char *out = NULL;
    size_t len = 0;
    ck_assert_int_eq(charset_to_utf8(in, strlen(in), cs, &out, &len, bad, used), want);
    snprintf(keep, sizeof keep, "%s", out ? out : "");
    free(out);
    return keep;
}

START_TEST(convert)
{
    size_t bad;
    const char *used;
    ck_assert_str_eq(conv("attivit\xe0", "windows-1252", CHARSET_OK, &bad, &used), "attivit\xc3\xa0");
    ck_assert_str_eq(used, "windows-1252");
    ck_assert_str_eq(conv("\x80 10", "cp1252", CHARSET_OK, &bad, &used), "\xe2\x82\xac 10");
    ck_assert_str_eq(conv("attivit\xe0", "iso-8859-1", CHARSET_OK, &bad, &used), "attivit\xc3\xa0");
    /* detected: UTF-8 stays, anything else is Windows-1252 */
    ck_assert_str_eq(conv("attivit\xc3\xa0", NULL, CHARSET_OK, &bad, &used), "attivit\xc3\xa0");
    ck_assert_str_eq(used, "utf-8");
    ck_assert_str_eq(conv("attivit\xe0", "", CHARSET_OK, &bad, &used), "attivit\xc3\xa0");
    ck_assert_str_eq(used, "windows-1252");
    /* not text in the charset declared: where */
    conv("ok;attivit\xe0", "utf-8", CHARSET_INVALID, &bad, &used);
    ck_assert_uint_eq(bad, 10);
    conv("ab\xed\xa0\x80", "utf-8", CHARSET_INVALID, &bad, &used); /* a surrogate */
    ck_assert_uint_eq(bad, 2);
    conv("E\x81RP", "windows-1252", CHARSET_INVALID, &bad, &used);
    ck_assert_uint_eq(bad, 1);
    conv("x", "ebcdic", CHARSET_UNSUPPORTED, &bad, &used);
}
END_TEST

START_TEST(locate)
{
    const char *t = "code;name;note\r\nA;\"x;y\";ok\r\nB;b;bad\r\n";
    int line;
    char field[32];
    charset_locate(t, strlen(t), strlen(t) - 4, &line, field, sizeof field);
    ck_assert_int_eq(line, 3);
    ck_assert_str_eq(field, "note");
    charset_locate(t, strlen(t), 21, &line, field, sizeof field); /* inside the quoted "x;y" */
    ck_assert_int_eq(line, 2);
    ck_assert_str_eq(field, "name");
}
END_TEST

Suite *charset_suite(void)
{
    Suite *s = suite_create("charset");
    TCase *t = tcase_create("feeds");
    tcase_add_test(t, param);
    tcase_add_test(t, convert);
    tcase_add_test(t, locate);
    suite_add_tcase(s, t);
    return s;
}
