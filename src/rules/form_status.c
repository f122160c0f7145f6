/* form_status.c — the life of an evaluation form as a transition table (rules.h, "The life
 * of an evaluation form"; docs/EVALUATION.md). */
#include <string.h>

#include "internal.h"

static const char *const status_names[RULES_FORM_STATUSES] = {"draft", "signed", "accepted", "contested", "conciliated"};

/* One row per action: the one status it is allowed from, the status it leads to, its name
 * and what a refusal says it does. */
static const struct {
    rules_form_status from, to;
    const char *name, *done;
} table[RULES_FORM_ACTIONS] = {
    [RULES_FORM_UPDATE] = {RULES_FORM_DRAFT, RULES_FORM_DRAFT, "update", "changed"},
    [RULES_FORM_SIGN] = {RULES_FORM_DRAFT, RULES_FORM_SIGNED, "sign", "signed"},
    [RULES_FORM_ACCEPT] = {RULES_FORM_SIGNED, RULES_FORM_ACCEPTED, "accept", "accepted"},
    [RULES_FORM_CONTEST] = {RULES_FORM_SIGNED, RULES_FORM_CONTESTED, "contest", "contested"},
    [RULES_FORM_CONCILIATE] = {RULES_FORM_CONTESTED, RULES_FORM_CONCILIATED, "conciliate", "conciliated"},
};

const char *rules_form_status_name(rules_form_status s)
{
    return (unsigned)s < RULES_FORM_STATUSES ? status_names[s] : "?";
}

int rules_form_status_parse(const char *name, rules_form_status *out)
{
    for (int i = 0; name && i < RULES_FORM_STATUSES; i++)
        if (strcmp(name, status_names[i]) == 0) {
            *out = (rules_form_status)i;
            return 0;
        }
    return -1;
}

const char *rules_form_action_name(rules_form_action a)
{
    return (unsigned)a < RULES_FORM_ACTIONS ? table[a].name : "?";
}

const char *rules_form_action_done(rules_form_action a)
{
    return (unsigned)a < RULES_FORM_ACTIONS ? table[a].done : "?";
}

rules_form_status rules_form_action_from(rules_form_action a)
{
    return (unsigned)a < RULES_FORM_ACTIONS ? table[a].from : RULES_FORM_DRAFT;
}

int rules_form_transition(rules_form_status from, rules_form_action a, rules_form_status *to)
{
    if ((unsigned)a >= RULES_FORM_ACTIONS || (unsigned)from >= RULES_FORM_STATUSES || table[a].from != from)
        return -1;
    *to = table[a].to;
    return 0;
}

int rules_form_is_final(rules_form_status s)
{
    return s == RULES_FORM_SIGNED || s == RULES_FORM_ACCEPTED || s == RULES_FORM_CONCILIATED;
}
