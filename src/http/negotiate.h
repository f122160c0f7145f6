/*
 * negotiate.h — the Accept header (RFC 9110 §12.5.1, issue 18): an answer goes out only in a
 * media type the client accepts, otherwise a 406 problem+json. A JSON answer is acceptable to
 * a client that accepts application/json or application/problem+json (or any type); without
 * an Accept header everything is. ?format= overrides Accept (negotiate_format_refused).
 */
#ifndef CICLO_NEGOTIATE_H
#define CICLO_NEGOTIATE_H

#include "http/http.h"

/* Before a request other than GET/HEAD acts: every such route answers JSON, so a client that
 * accepts no JSON gets the 406 before anything changes. Returns 1 after answering. */
int negotiate_refuse_early(http_request *req);

/* After a GET/HEAD answered: a 2xx answer whose media type the client does not accept is
 * replaced by a 406 (a GET changed nothing). */
void negotiate_check_answer(http_request *req);

/* ?format= names a representation: json anywhere; csv, html, svg, xlsx or ics only on a GET
 * (whether its route writes it is checked once it answered, negotiate_format_checked). Anything
 * else is a 406 before the route acts. Returns 1 after answering. */
int negotiate_format_refused(http_request *req);

/* After a GET answered: when ?format= asked a representation the route did not write, the 406
 * replaces the answer (a GET changed nothing). */
void negotiate_format_checked(http_request *req);

#endif
