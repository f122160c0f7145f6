/*
 * ical.h — an iCalendar (RFC 5545) writer for the cycle's calendar: all-day events, text
 * escaped and lines folded at 75 octets without splitting a UTF-8 character, CRLF line ends.
 * Pure: writes into a caller's buffer.
 */
#ifndef CICLO_CODEC_ICAL_H
#define CICLO_CODEC_ICAL_H
#include "core/buf.h"
#include "rules.h"

typedef struct ical_event {
    const char *uid;         /* stable across answers, e.g. "phase-12@ciclo" */
    rules_date date;         /* the day (an all-day event) */
    const char *summary;     /* one line */
    const char *description; /* may be NULL; line breaks allowed */
    const char *category;    /* may be NULL */
} ical_event;

/* Writes a VCALENDAR named name (X-WR-CALNAME) with n events into b; stamp is the DTSTAMP of
 * every event (UTC, "YYYYMMDDTHHMMSSZ"). Returns 0, or -1 when b failed (memory or limit). */
int ical_write(buf *b, const char *name, const char *stamp, const ical_event *events, size_t n);

#endif
