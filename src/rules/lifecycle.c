/* lifecycle.c — the plan lifecycle's transition table (rules_lifecycle.h). */
#include "rules_lifecycle.h"

#include <string.h>

/* One cell: the refusal (0: allowed) and, when allowed, the state after. */
typedef struct cell {
    rules_plan_refusal refusal;
    rules_plan_state to;
} cell;

#define OK(st, ed)                     \
    {                                  \
        RULES_PLAN_ALLOWED, { st, ed } \
    }
#define NO(r)                               \
    {                                       \
        r, { RULES_PLAN_STATUS_UNKNOWN, 0 } \
    }

/* [state][action]; state rows: draft, adopted, adopted with a revision open, closed,
 * validated, unknown. Columns in the order of rules_plan_action. */
static const cell table[6][RULES_PLAN_ACTION_COUNT] = {
    /* draft */
    {OK(RULES_PLAN_ADOPTED, 0), NO(RULES_PLAN_REFUSED_DRAFT), NO(RULES_PLAN_REFUSED_DRAFT),
     NO(RULES_PLAN_REFUSED_NOT_CLOSED), OK(RULES_PLAN_DRAFT, 0), OK(RULES_PLAN_DRAFT, 0)},
    /* adopted */
    {NO(RULES_PLAN_REFUSED_ADOPTED), OK(RULES_PLAN_ADOPTED, 1), OK(RULES_PLAN_CLOSED, 0),
     NO(RULES_PLAN_REFUSED_NOT_CLOSED), NO(RULES_PLAN_REFUSED_ADOPTED), NO(RULES_PLAN_REFUSED_NOT_DRAFT)},
    /* adopted, revision open */
    {OK(RULES_PLAN_ADOPTED, 0), NO(RULES_PLAN_REFUSED_REVISION_OPEN), NO(RULES_PLAN_REFUSED_REVISION_OPEN),
     NO(RULES_PLAN_REFUSED_NOT_CLOSED), OK(RULES_PLAN_ADOPTED, 1), NO(RULES_PLAN_REFUSED_NOT_DRAFT)},
    /* closed */
    {NO(RULES_PLAN_REFUSED_NOT_ADOPTABLE), NO(RULES_PLAN_REFUSED_NOT_REVISABLE), NO(RULES_PLAN_REFUSED_NOT_CLOSABLE),
     OK(RULES_PLAN_VALIDATED, 0), NO(RULES_PLAN_REFUSED_CLOSED), NO(RULES_PLAN_REFUSED_NOT_DRAFT)},
    /* validated */
    {NO(RULES_PLAN_REFUSED_NOT_ADOPTABLE), NO(RULES_PLAN_REFUSED_NOT_REVISABLE), NO(RULES_PLAN_REFUSED_NOT_CLOSABLE),
     NO(RULES_PLAN_REFUSED_NOT_CLOSED), NO(RULES_PLAN_REFUSED_VALIDATED), NO(RULES_PLAN_REFUSED_NOT_DRAFT)},
    /* unknown */
    {NO(RULES_PLAN_REFUSED_NOT_ADOPTABLE), NO(RULES_PLAN_REFUSED_NOT_REVISABLE), NO(RULES_PLAN_REFUSED_NOT_CLOSABLE),
     NO(RULES_PLAN_REFUSED_NOT_CLOSED), NO(RULES_PLAN_REFUSED_VALIDATED), NO(RULES_PLAN_REFUSED_NOT_DRAFT)},
};

static int row_of(rules_plan_state s)
{
    switch (s.status) {
    case RULES_PLAN_DRAFT: return 0;
    case RULES_PLAN_ADOPTED: return s.editing ? 2 : 1;
    case RULES_PLAN_CLOSED: return 3;
    case RULES_PLAN_VALIDATED: return 4;
    default: return 5;
    }
}

rules_plan_refusal rules_plan_transition(rules_plan_state from, rules_plan_action action, rules_plan_state *to)
{
    if ((unsigned)action >= RULES_PLAN_ACTION_COUNT)
        return RULES_PLAN_REFUSED_VALIDATED;
    const cell *c = &table[row_of(from)][action];
    if (to)
        *to = c->refusal == RULES_PLAN_ALLOWED ? c->to : from;
    return c->refusal;
}

const char *rules_plan_refusal_code(rules_plan_refusal r)
{
    switch (r) {
    case RULES_PLAN_ALLOWED: return "";
    case RULES_PLAN_REFUSED_ADOPTED: return "plan_adopted";
    case RULES_PLAN_REFUSED_NOT_ADOPTABLE: return "plan_not_adoptable";
    case RULES_PLAN_REFUSED_REVISION_OPEN: return "revision_open";
    case RULES_PLAN_REFUSED_DRAFT: return "plan_draft";
    case RULES_PLAN_REFUSED_NOT_REVISABLE: return "plan_not_revisable";
    case RULES_PLAN_REFUSED_NOT_CLOSABLE: return "plan_not_closable";
    case RULES_PLAN_REFUSED_NOT_CLOSED: return "plan_not_closed";
    case RULES_PLAN_REFUSED_CLOSED: return "plan_closed";
    case RULES_PLAN_REFUSED_VALIDATED: return "plan_validated";
    case RULES_PLAN_REFUSED_NOT_DRAFT: return "plan_not_draft";
    }
    return "plan_validated";
}

static const char *const status_names[] = {"draft", "adopted", "closed", "validated", "unknown"};

rules_plan_status rules_plan_status_parse(const char *s)
{
    for (int i = 0; s && i < RULES_PLAN_STATUS_UNKNOWN; i++)
        if (strcmp(s, status_names[i]) == 0)
            return (rules_plan_status)i;
    return RULES_PLAN_STATUS_UNKNOWN;
}

const char *rules_plan_status_name(rules_plan_status s)
{
    return (unsigned)s <= RULES_PLAN_STATUS_UNKNOWN ? status_names[s] : "unknown";
}
