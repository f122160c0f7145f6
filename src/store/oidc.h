/*
 * oidc.h — the store side of sign-in with an identity provider (sql/013_oidc.sql) and of
 * GET /v1/me: who a verified access token names, and what the caller may see of themself.
 */
#ifndef CICLO_STORE_OIDC_H
#define CICLO_STORE_OIDC_H
#include <stdint.h>

#include "store/docs.h"
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_oidc_register(void);

/* A person a token names, in one entity that accepts the token's issuer. */
typedef struct store_oidc_person {
    int64_t entity_id;
    int64_t person_id;
    int64_t identity_id;   /* oidc_identities.id: the actor id of the person's requests */
    char group_role[16];   /* the best role the groups give ("planner" ...), empty when none */
    char group[256];       /* the group that gave it */
    int64_t led_structure; /* a structure the person leads (the lowest id), 0 when none */
} store_oidc_person;

/* Finds the person whose external_id is external_id in the entities that accept issuer (and,
 * when entity_code is not NULL, in the entity of that code), records the sign-in of a new
 * person and issuer, and reads what their groups_json (a JSON array of strings) give them.
 * Returns the number of people found (0, 1, or 2 meaning "more than one": the token is
 * ambiguous) with out[0] filled when 1, or -1 with p set. */
int store_oidc_find_person(store_conn *c, const char *issuer, const char *external_id, const char *entity_code,
                           const char *groups_json, store_oidc_person *out, problem *p);

/* The JSON text of {entity: {id, code, name}, person: {id, name, external_id} | null, leads:
 * [{id, code, name}]} for entity_id (0: none, an admin) and person_id (0: none). Returns 1 with
 * *doc (malloc'd: the caller frees it), 0 when the entity is gone, -1 with p set. */
int store_oidc_me(store_conn *c, int64_t entity_id, int64_t person_id, char **doc, problem *p);

/* The objectives person_id of entity_id takes part in or is assigned to, in live plans' content:
 * rows (JSON text, objective id) after objective id `after`, at most limit rows. Returns the list
 * (the caller frees it with store_docs_free) or NULL with p set. */
store_docs *store_oidc_my_objectives(store_conn *c, int64_t entity_id, int64_t person_id, int64_t after, int limit,
                                     problem *p);

#endif
