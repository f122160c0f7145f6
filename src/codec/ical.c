/* ical.c — the iCalendar writer (codec/ical.h). */
#include "codec/ical.h"

#include <stdio.h>
#include <string.h>

/* A content line being written: folds before 75 octets, never inside a UTF-8 sequence. */
typedef struct line {
    buf *b;
    size_t used; /* octets on the current physical line */
} line;

static void put_octets(line *l, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* the length of the character starting at s[i] */
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + len > n)
            len = n - i;
        if (l->used + len > 75) {
            buf_append(l->b, "\r\n ", 3);
            l->used = 1;
        }
        buf_append(l->b, s + i, len);
        l->used += len;
        i += len;
    }
}

static void put(line *l, const char *s) { put_octets(l, s, strlen(s)); }

/* TEXT value escaping (RFC 5545 3.3.11). Runs of other bytes go out whole, so that a fold
 * never falls inside a UTF-8 character. */
static void put_text(line *l, const char *s)
{
    for (const char *p = s; *p; p++) {
        size_t run = strcspn(p, "\\;,\n\r");
        if (run) {
            put_octets(l, p, run);
            p += run - 1;
            continue;
        }
        switch (*p) {
        case '\\': put(l, "\\\\"); break;
        case ';': put(l, "\\;"); break;
        case ',': put(l, "\\,"); break;
        case '\n': put(l, "\\n"); break;
        default: /* '\r' */ break;
        }
    }
}

static void end_line(line *l)
{
    buf_append(l->b, "\r\n", 2);
    l->used = 0;
}

static void property(line *l, const char *name, const char *text)
{
    put(l, name);
    put(l, ":");
    put_text(l, text);
    end_line(l);
}

int ical_write(buf *b, const char *name, const char *stamp, const ical_event *events, size_t n)
{
    line l = {b, 0};
    buf_puts(b,
             "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Ciclo//Calendar of the performance cycle//IT\r\n"
             "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    property(&l, "X-WR-CALNAME", name);
    for (size_t i = 0; i < n && !b->failed; i++) {
        const ical_event *e = &events[i];
        rules_date next = rules_date_add_days(e->date, 1);
        char day[16], after[16];
        snprintf(day, sizeof day, "%04d%02d%02d", e->date.year, e->date.month, e->date.day);
        snprintf(after, sizeof after, "%04d%02d%02d", next.year, next.month, next.day);
        buf_puts(b, "BEGIN:VEVENT\r\n");
        property(&l, "UID", e->uid);
        buf_printf(b, "DTSTAMP:%s\r\nDTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", stamp, day, after);
        property(&l, "SUMMARY", e->summary);
        if (e->description)
            property(&l, "DESCRIPTION", e->description);
        if (e->category)
            property(&l, "CATEGORIES", e->category);
        buf_puts(b, "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
    }
    buf_puts(b, "END:VCALENDAR\r\n");
    return b->failed ? -1 : 0;
}
