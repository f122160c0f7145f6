/*
 * calendar.h — the cycle's calendar (issue 20): GET /v1/entities/{id}/calendar, as JSON or as
 * iCalendar (?format=ics, Accept: text/calendar) for Outlook and Thunderbird.
 */
#ifndef CICLO_API_CALENDAR_H
#define CICLO_API_CALENDAR_H
#include "http/http.h"

void calendar_get(http_request *req);
/* Calendar subscriptions (sql/029_calendar_feeds.sql): POST /v1/entities/{id}/calendar-feeds makes
 * a secret key (shown once), DELETE /v1/calendar-feeds/{id} revokes it, and
 * GET /v1/public/calendar.ics?key= reads the entity's calendar as iCalendar without a token. */
void calendar_feed_create(http_request *req);
void calendar_feed_revoke(http_request *req);
void calendar_feed_public(http_request *req);

#endif
