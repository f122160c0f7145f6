/* test_ical.c — the iCalendar writer: escaping, folding at 75 octets without splitting a UTF-8
 * character, all-day dates (codec/ical.h). */
#include <string.h>

#include "codec/ical.h"
#include "suites.h"

START_TEST(escapes_folds_and_dates)
{
    char summary[300];
    memset(summary, 0, sizeof summary);
    /* 60 ASCII then "à" repeated: a fold must never cut the two bytes of à */
    memset(summary, 'x', 60);
    for (int i = 0; i < 40; i++)
        strcat(summary, "\xc3\xa0");
    ical_event e[1] = {{"phase-1@ciclo", {2024, 12, 31}, summary, "Stato: late; fase 1, a\\b\nNorma", "phase"}};
    buf b;
    buf_init(&b, 0);
    ck_assert_int_eq(ical_write(&b, "Ciclo", "20240101T000000Z", e, 1), 0);
    const char *s = b.data;
    ck_assert_ptr_nonnull(strstr(s, "DTSTART;VALUE=DATE:20241231\r\nDTEND;VALUE=DATE:20250101\r\n"));
    ck_assert_ptr_nonnull(strstr(s, "DESCRIPTION:Stato: late\\; fase 1\\, a\\\\b\\nNorma\r\n"));
    /* every physical line is at most 75 octets and no continuation starts inside a character */
    const char *line = s;
    while (*line) {
        const char *end = strstr(line, "\r\n");
        ck_assert_ptr_nonnull(end);
        ck_assert_int_le(end - line, 75);
        if (*line == ' ')
            ck_assert_int_ne((unsigned char)line[1] & 0xC0, 0x80);
        line = end + 2;
    }
    ck_assert_ptr_nonnull(strstr(s, "BEGIN:VCALENDAR\r\n"));
    ck_assert_int_eq(strcmp(s + strlen(s) - 15, "END:VCALENDAR\r\n"), 0);
    buf_free(&b);
}
END_TEST

Suite *ical_suite(void)
{
    Suite *s = suite_create("ical");
    TCase *t = tcase_create("ical");
    tcase_add_test(t, escapes_folds_and_dates);
    suite_add_tcase(s, t);
    return s;
}
