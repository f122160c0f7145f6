/* check_words.h — the words a plan document and the database use (levels, roles, scopes,
 * directions) as the plan checker's enums (rules.h). Pure: no I/O, no allocation; shared
 * by the checks' loader (store/plan_checks.c) and the import. */
#ifndef CICLO_CODEC_CHECK_WORDS_H
#define CICLO_CODEC_CHECK_WORDS_H

#include "rules.h"

/* "strategic", "operational", "management" → rules_level (NULL or other: UNKNOWN). */
rules_level checks_level(const char *level);
/* "dirigente" → MANAGER, "eq"/"po" → EQ, anything else (NULL too) → OTHER. */
rules_role checks_role(const char *role);
/* "entity", "structure", "individual" → rules_scope (NULL or other: NONE). */
rules_scope checks_scope(const char *scope);
/* "higher_is_better" → HIGHER, "lower_is_better" → LOWER, else AUTO. */
rules_direction checks_direction(const char *direction);

#endif
