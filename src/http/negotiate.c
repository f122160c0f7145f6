/* negotiate.c — the Accept header (negotiate.h). */
#include "http/negotiate.h"

#include <stdio.h>
#include <string.h>

#include "codec/accept.h"
#include "http/request.h"

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
