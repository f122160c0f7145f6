/*
 * write.h — who writes (for the audit log) and why the plan lifecycle refused a write: the
 * values store functions that write take and give back. A refusal is a value; the handler
 * phrases it for HTTP (api/lifecycle.h).
 */
#ifndef CICLO_STORE_WRITE_H
#define CICLO_STORE_WRITE_H
#include <stdint.h>

#include "rules_lifecycle.h"

/* Who writes, for the audit log. Strings are borrowed. */
typedef struct store_actor {
    const char *token_id; /* decimal, or NULL for the command line */
    const char *name;
    const char *role;
} store_actor;

/* Why a write was refused by the plan lifecycle (why != RULES_PLAN_ALLOWED), or by a
 * version precondition (stale = 1), with what the handler needs to say so. */
typedef struct store_refusal {
    rules_plan_action action;
    rules_plan_refusal why;
    rules_plan_state state; /* the plan's state when it refused */
    int revision;           /* the plan's current revision */
    int64_t plan_id;
    int stale;       /* the plan is no longer at the version the client sent */
    int64_t version; /* the plan's version now (stale) */
} store_refusal;

#endif
