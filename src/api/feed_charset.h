/*
 * feed_charset.h — an ERP feed's body as UTF-8 (codec/charset.h), before its rows are read.
 */
#ifndef CICLO_API_FEED_CHARSET_H
#define CICLO_API_FEED_CHARSET_H

#include "core/problem.h"
#include "http/http.h"

/* Replaces the request's body with its UTF-8 text: the charset of the Content-Type, or, for a CSV
 * feed without one, detected (UTF-8 when valid, else Windows-1252). A JSON feed without a charset
 * is UTF-8 (RFC 8259) and left to the JSON parser. Returns 0, or -1 with p set: 415 for a charset
 * this server does not read, 422 naming the line and column (line[N].field) of bytes that are not
 * text in the charset — never a value silently dropped. */
int feed_body_utf8(http_request *req, int csv, problem *p);

#endif
