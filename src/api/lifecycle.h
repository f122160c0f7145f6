/* lifecycle.h — what the plan lifecycle's file (lifecycle.c) lends to other handlers; its
 * handlers are declared in api/handlers.h. */
#ifndef CICLO_API_LIFECYCLE_H
#define CICLO_API_LIFECYCLE_H
#include "core/problem.h"
#include "http/http.h"
#include "store/write.h"

/* Phrases a refusal of the plan lifecycle (or a stale version) for the API: fills p with its
 * status, code and the detail and hint a client reads (naming the route that helps). */
void plan_refusal_phrase(const store_refusal *w, problem *p);

#endif
