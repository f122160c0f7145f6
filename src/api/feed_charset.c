/* feed_charset.c — an ERP feed's body as UTF-8 (feed_charset.h). */
#include "api/feed_charset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/charset.h"
#include "http/request.h"

int feed_body_utf8(http_request *req, int csv, problem *p)
{
    char cs[40];
    int declared = charset_param(http_header(req, "Content-Type"), cs, sizeof cs);
    if (!csv && !declared)
        return 0;
    char *text = NULL;
    size_t len = 0, bad = 0;
    const char *used = NULL;
    const char *body = req->body.data ? req->body.data : "";
    int utf8 = !declared || strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0;
    if (utf8 && charset_utf8_invalid_at((const unsigned char *)body, req->body.len) == req->body.len)
        return 0; /* already UTF-8: read in place, no copy */
    switch (charset_to_utf8(body, req->body.len, declared ? cs : NULL, &text, &len, &bad, &used)) {
    case CHARSET_OK: break;
    case CHARSET_UNSUPPORTED:
        problem_set(p, 415, "unsupported_charset", "the feed's charset \"%s\" cannot be read", cs);
        problem_hint(p, "send utf-8, windows-1252, iso-8859-1 or iso-8859-15, or leave the charset out");
        return -1;
    case CHARSET_INVALID: {
        int line = 1;
        char field[64], path[96];
        charset_locate(body, req->body.len, bad, &line, field, sizeof field);
        if (csv && field[0] && line > 1)
            snprintf(path, sizeof path, "line[%d].%s", line, field);
        else
            snprintf(path, sizeof path, "line[%d]", line);
        problem_add(p, path, "byte 0x%02X is not %s text: declare the file's charset (e.g. charset=windows-1252)",
                    (unsigned char)body[bad], used);
        return problem_set(p, 422, "validation_failed", "the feed is not valid: nothing was stored");
    }
    case CHARSET_NO_MEMORY: return problem_set(p, 503, "out_of_memory", "the server is out of memory");
    }
    buf_free(&req->body);
    req->body.data = text;
    req->body.len = len;
    req->body.cap = len + 1;
    return 0;
}
