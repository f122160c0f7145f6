/*
 * body_limits.h — a JSON request body read within the shape limits of its route
 * (codec/json_limits.h): the plan documents and the ERP feeds, whose limits are wider than
 * those of http_json_body.
 */
#ifndef CICLO_HTTP_BODY_LIMITS_H
#define CICLO_HTTP_BODY_LIMITS_H
#include <jansson.h>
#include <stddef.h>

#include "codec/json_limits.h"
#include "core/problem.h"
#include "http/http.h"

/* Decodes the JSON text s[0..n) within lim: NULL with p set — 400 empty_body / too_deep /
 * malformed_json, 413 too_many_items / too_many_values naming the limit, 422 for a number that
 * cannot be read exactly (http_json_numbers) — or a new reference the caller owns. */
json_t *json_body_parse(const char *s, size_t n, const json_limits *lim, problem *p);

/* The request's JSON body within lim (a new reference), or NULL after answering the problem. */
json_t *http_json_body_within(http_request *req, const json_limits *lim);

#endif
