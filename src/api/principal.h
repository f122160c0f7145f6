/*
 * principal.h — who is calling, as the token says: the API's notion, filled by
 * api/auth.c (or api/oidc.c) and carried in the request's api_call (api/api.h). HTTP
 * knows nothing of it.
 */
#ifndef CICLO_API_PRINCIPAL_H
#define CICLO_API_PRINCIPAL_H
#include <stdint.h>

typedef struct principal {
    int64_t token_id;
    int64_t entity_id; /* 0 for an admin token: every entity */
    int64_t person_id; /* 0 when the token names no person */
    int role;          /* one ROLE_* bit (api/auth.h) */
    char name[128];    /* the token's name, for the audit log */
    /* OpenID Connect sign-in (api/oidc.h); empty and 0 for an opaque token */
    char issuer[256];       /* the access token's iss */
    char role_group[256];   /* the group that gave the role; empty when none did */
    int64_t role_structure; /* manager: the structure whose leading gave the role; 0 otherwise */
    int own_data_only;      /* an employee with no group: only the routes marked ROUTE_OWN_DATA */
} principal;

#endif
