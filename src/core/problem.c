#include "core/problem.h"

#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void problem_init(problem *p) { memset(p, 0, sizeof *p); }

void problem_clear(problem *p)
{
    json_decref(p->errors);
    problem_init(p);
}

int problem_is_oom(const problem *p) { return p->status == 503 && strcmp(p->code, "out_of_memory") == 0; }

int problem_set(problem *p, int status, const char *code, const char *fmt, ...)
{
    if (problem_is_oom(p))
        return -1;
    p->status = status;
    snprintf(p->code, sizeof p->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    va_end(ap);
    utf8_trim_partial(p->detail);
    return -1;
}

int problem_oom(problem *p) { return problem_set(p, 503, "out_of_memory", "the server is out of memory"); }

void problem_hint(problem *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->hint, sizeof p->hint, fmt, ap);
    va_end(ap);
    utf8_trim_partial(p->hint);
}

void problem_add(problem *p, const char *field, const char *fmt, ...)
{
    if (p->errors && json_array_size(p->errors) >= PROBLEM_MAX_ERRORS) {
        p->dropped++;
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_trim_partial(msg);
    /* A field path cut short by a caller's buffer may end inside a UTF-8 sequence: trim it,
     * and never lose the error (a lost error would let an invalid body through). */
    char path[512];
    snprintf(path, sizeof path, "%s", field ? field : "");
    utf8_trim_partial(path);
    json_t *e = json_pack("{s:s, s:s}", "field", path, "message", msg);
    if (!e)
        e = json_pack("{s:s, s:s}", "field", "", "message", "is not valid");
    if (!p->errors)
        p->errors = json_array();
    if (json_array_append_new(p->errors, e) < 0) {
        p->dropped++;
        problem_oom(p);
    }
}

int problem_count(const problem *p) { return (p->errors ? (int)json_array_size(p->errors) : 0) + p->dropped; }

const char *problem_title(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return status < 500 ? "Client Error" : "Server Error";
    }
}

json_t *problem_to_json(const problem *p)
{
    int status = p->status ? p->status : 500;
    json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", problem_title(status), "status",
                          status, "detail", p->detail, "code", p->code[0] ? p->code : "error");
    if (p->hint[0])
        json_object_set_new(j, "hint", json_string(p->hint));
    json_object_set_new(j, "errors", p->errors ? json_deep_copy(p->errors) : json_array());
    if (p->dropped)
        json_object_set_new(j, "errors_not_listed", json_integer(p->dropped));
    return j;
}
