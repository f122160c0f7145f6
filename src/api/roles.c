/* roles.c — role bits and names (api/roles.h). */
#include "api/roles.h"

#include <string.h>

static const char *const role_names[AUTH_N_ROLES] = {"admin", "planner", "manager", "evaluator", "reader", "erp"};

unsigned auth_role_from_name(const char *name)
{
    for (unsigned i = 0; i < AUTH_N_ROLES; i++)
        if (name && strcmp(name, role_names[i]) == 0)
            return 1u << i;
    return 0;
}

int auth_role_index(unsigned role)
{
    for (int i = 0; i < AUTH_N_ROLES; i++)
        if (role == 1u << i)
            return i;
    return -1;
}

const char *auth_role_name(unsigned role)
{
    int i = auth_role_index(role);
    return i < 0 ? "none" : role_names[i];
}
