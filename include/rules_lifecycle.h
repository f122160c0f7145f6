/*
 * rules_lifecycle.h — the plan lifecycle as one transition table.
 *
 *   draft ──adopt──▶ adopted ──open_revision──▶ adopted, revision open ──adopt──▶ adopted
 *                       │
 *                       └──close──▶ closed ──validate──▶ validated
 *
 * A plan's content (objectives, assignments, phases, indicators) may be written while the
 * plan is a draft or has a revision open; only a draft may be deleted. Pure: no I/O, no
 * allocation, no globals; thread-safe. Part of the rules library (librules).
 */
#ifndef CICLO_RULES_LIFECYCLE_H
#define CICLO_RULES_LIFECYCLE_H

typedef enum rules_plan_status {
    RULES_PLAN_DRAFT,
    RULES_PLAN_ADOPTED,
    RULES_PLAN_CLOSED,
    RULES_PLAN_VALIDATED,
    RULES_PLAN_STATUS_UNKNOWN
} rules_plan_status;

/* A plan's state: its status and, when adopted, whether a revision is open. */
typedef struct rules_plan_state {
    rules_plan_status status;
    int editing; /* 1: adopted with a revision open */
} rules_plan_state;

typedef enum rules_plan_action {
    RULES_PLAN_ADOPT,         /* a draft, or an open revision, becomes the adopted plan */
    RULES_PLAN_OPEN_REVISION, /* an adopted plan opens its next revision */
    RULES_PLAN_CLOSE,         /* an adopted plan (no revision open) is closed */
    RULES_PLAN_VALIDATE,      /* a closed plan is validated */
    RULES_PLAN_WRITE_CONTENT, /* its content is created, changed or removed */
    RULES_PLAN_DELETE,        /* the plan itself is deleted */
    RULES_PLAN_ACTION_COUNT
} rules_plan_action;

/* Why an action is refused; RULES_PLAN_ALLOWED (0) when it is not. */
typedef enum rules_plan_refusal {
    RULES_PLAN_ALLOWED = 0,
    RULES_PLAN_REFUSED_ADOPTED,       /* adopted with no revision open ("plan_adopted") */
    RULES_PLAN_REFUSED_NOT_ADOPTABLE, /* closed or validated: adopt ("plan_not_adoptable") */
    RULES_PLAN_REFUSED_REVISION_OPEN, /* a revision is open ("revision_open") */
    RULES_PLAN_REFUSED_DRAFT,         /* still a draft ("plan_draft") */
    RULES_PLAN_REFUSED_NOT_REVISABLE, /* closed or validated: open a revision ("plan_not_revisable") */
    RULES_PLAN_REFUSED_NOT_CLOSABLE,  /* already closed or validated ("plan_not_closable") */
    RULES_PLAN_REFUSED_NOT_CLOSED,    /* only a closed plan is validated ("plan_not_closed") */
    RULES_PLAN_REFUSED_CLOSED,        /* a closed plan's content is fixed ("plan_closed") */
    RULES_PLAN_REFUSED_VALIDATED,     /* a validated plan's content is fixed ("plan_validated") */
    RULES_PLAN_REFUSED_NOT_DRAFT      /* an adopted plan is an act: never deleted ("plan_not_draft") */
} rules_plan_refusal;

/* Whether action may be taken from state `from`. Returns RULES_PLAN_ALLOWED and sets *to
 * (when to is not NULL) to the state after it, or the refusal (then *to is from). An
 * unknown status refuses everything (content writes as RULES_PLAN_REFUSED_VALIDATED). */
rules_plan_refusal rules_plan_transition(rules_plan_state from, rules_plan_action action, rules_plan_state *to);

/* The API's stable code of a refusal ("plan_adopted" ...; "" for RULES_PLAN_ALLOWED). */
const char *rules_plan_refusal_code(rules_plan_refusal r);

/* "draft", "adopted", "closed", "validated" ↔ the status; unknown text gives
 * RULES_PLAN_STATUS_UNKNOWN, whose name is "unknown". NULL s is unknown. */
rules_plan_status rules_plan_status_parse(const char *s);
const char *rules_plan_status_name(rules_plan_status s);

#endif
