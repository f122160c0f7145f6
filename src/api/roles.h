/*
 * roles.h — the roles of the API as bits, and their names. A route names the set of roles it
 * admits; a token or a sign-in gives one.
 */
#ifndef CICLO_API_ROLES_H
#define CICLO_API_ROLES_H

#define ROLE_ADMIN 1u
#define ROLE_PLANNER 2u
#define ROLE_MANAGER 4u
#define ROLE_EVALUATOR 8u
#define ROLE_READER 16u
#define ROLE_ERP 32u
#define ROLES_ALL (ROLE_ADMIN | ROLE_PLANNER | ROLE_MANAGER | ROLE_EVALUATOR | ROLE_READER | ROLE_ERP)
#define AUTH_N_ROLES 6

/* The role bit for a name ("planner"), or 0 when unknown (NULL too). */
unsigned auth_role_from_name(const char *name);
/* The name of a role bit; "none" for anything else. Static string. */
const char *auth_role_name(unsigned role);
/* The index of a single role bit (0 for admin ... 5 for erp), or -1. */
int auth_role_index(unsigned role);

#endif
