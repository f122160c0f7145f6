/* check_words.c — the words of a plan document and of the database, as the checker's enums
 * (see check_words.h). */
#include "codec/check_words.h"

#include <string.h>
#include <strings.h>

/* The value paired with name s in names (NULL-terminated), or fallback. case_blind: ignore case. */
static int word_value(const char *s, const char *const *names, const int *values, int fallback, int case_blind)
{
    for (int i = 0; s && names[i]; i++)
        if ((case_blind ? strcasecmp(s, names[i]) : strcmp(s, names[i])) == 0)
            return values[i];
    return fallback;
}

rules_level checks_level(const char *level)
{
    static const char *const n[] = {"strategic", "operational", "management", NULL};
    static const int v[] = {RULES_LEVEL_STRATEGIC, RULES_LEVEL_OPERATIONAL, RULES_LEVEL_MANAGEMENT};
    return (rules_level)word_value(level, n, v, RULES_LEVEL_UNKNOWN, 0);
}

rules_role checks_role(const char *role)
{
    static const char *const n[] = {"dirigente", "eq", "po", NULL};
    static const int v[] = {RULES_ROLE_MANAGER, RULES_ROLE_EQ, RULES_ROLE_EQ};
    return (rules_role)word_value(role, n, v, RULES_ROLE_OTHER, 1);
}

rules_scope checks_scope(const char *scope)
{
    static const char *const n[] = {"entity", "structure", "individual", NULL};
    static const int v[] = {RULES_SCOPE_ENTITY, RULES_SCOPE_STRUCTURE, RULES_SCOPE_INDIVIDUAL};
    return (rules_scope)word_value(scope, n, v, RULES_SCOPE_NONE, 0);
}

rules_direction checks_direction(const char *direction)
{
    static const char *const n[] = {"higher_is_better", "lower_is_better", NULL};
    static const int v[] = {RULES_DIRECTION_HIGHER, RULES_DIRECTION_LOWER};
    return (rules_direction)word_value(direction, n, v, RULES_DIRECTION_AUTO, 0);
}
