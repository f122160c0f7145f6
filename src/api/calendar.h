/*
 * calendar.h — the cycle's calendar (issue 20): GET /v1/entities/{id}/calendar, as JSON or as
 * iCalendar (?format=ics, Accept: text/calendar) for Outlook and Thunderbird.
 */
#ifndef CICLO_API_CALENDAR_H
#define CICLO_API_CALENDAR_H
#include "http/http.h"

void calendar_get(http_request *req);

#endif
