/* negotiate.c — ?format= and the Accept header (negotiate.h). */
#include "http/negotiate.h"

#include <stdio.h>
#include <string.h>

#include "codec/accept.h"
#include "http/request.h"

/* The representations a GET may name with ?format= besides json, each with the media type its
 * answer must carry: a route that writes one answers with that type; any other route's answer
 * is replaced by a 406 (negotiate_format_checked). */
static const struct {
    const char *format, *media;
} get_formats[] = {
    {"csv", "text/csv"},      {"html", "text/html"},
    {"svg", "image/svg+xml"}, {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"ics", "text/calendar"},
};

/* The media type of format f on a GET, or NULL when no route has it. */
static const char *get_format_media(const char *f)
{
    for (size_t i = 0; i < sizeof get_formats / sizeof get_formats[0]; i++)
        if (strcmp(f, get_formats[i].format) == 0)
            return get_formats[i].media;
    return NULL;
}

/* ?format= names a representation: json anywhere, csv, html, svg or xlsx only on a GET whose
 * handler writes it (checked after it answered, negotiate_format_checked). Anything else is a 406
 * before the route acts. Returns 1 after answering. */
int negotiate_format_refused(http_request *req)
{
    const char *f = http_query(req, "format");
    if (!f || strcmp(f, "json") == 0 || (get_format_media(f) && strcmp(req->method, "GET") == 0))
        return 0;
    http_error(req, 406, "format_not_available", "%s %s has no format \"%.40s\" (json%s)", req->method, req->path, f,
               strcmp(req->method, "GET") == 0 ? "; csv, html, svg, xlsx or ics where the route lists it" : "");
    return 1;
}

/* A GET asked ?format=csv (html, svg, xlsx) of a route that answered otherwise: the 406
 * replaces the answer (a GET changed nothing). */
void negotiate_format_checked(http_request *req)
{
    const char *f = http_query(req, "format");
    const char *media = f ? get_format_media(f) : NULL;
    const char *ct = req->res.content_type;
    if (!media || req->res.status < 200 || req->res.status > 299 || (ct && strncmp(ct, media, strlen(media)) == 0))
        return;
    req->res.etag[0] = req->res.location[0] = req->res.disposition[0] = req->res.link[0] = '\0';
    http_error(req, 406, "format_not_available", "%s has no %s form; ask for JSON", req->path,
               strcmp(f, "csv") == 0    ? "CSV"
               : strcmp(f, "html") == 0 ? "HTML"
               : strcmp(f, "svg") == 0  ? "SVG"
                                        : "XLSX");
}

static int is_read(const http_request *req)
{
    return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

static int accepts(const http_request *req, const char *media)
{
    const char *a = http_header(req, "Accept");
    if (accept_media_quality(a, media) > 0)
        return 1;
    return strncmp(media, "application/json", 16) == 0 && accept_media_quality(a, "application/problem+json") > 0;
}

int negotiate_refuse_early(http_request *req)
{
    if (is_read(req) || strcmp(req->method, "OPTIONS") == 0 || http_query(req, "format") ||
        accepts(req, "application/json"))
        return 0;
    http_error(req, 406, "not_acceptable", "%s %s answers application/json, which the Accept header (%.100s) refuses",
               req->method, req->path, http_header(req, "Accept"));
    return 1;
}

void negotiate_check_answer(http_request *req)
{
    const char *ct = req->res.content_type;
    if (!is_read(req) || http_query(req, "format") || req->res.status < 200 || req->res.status > 299 || !ct ||
        accepts(req, ct))
        return;
    char media[96];
    size_t n = strcspn(ct, ";");
    snprintf(media, sizeof media, "%.*s", (int)(n < sizeof media ? n : sizeof media - 1), ct);
    req->res.etag[0] = req->res.location[0] = req->res.disposition[0] = req->res.link[0] = '\0';
    http_error(req, 406, "not_acceptable", "%s answers %s, which the Accept header (%.100s) refuses", req->path, media,
               http_header(req, "Accept"));
}
