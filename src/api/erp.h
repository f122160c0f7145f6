/*
 * erp.h — the ERP's endpoints (bulk feeds in CSV or JSON, all-or-nothing, errors by
 * line; the change feed) and the Idempotency-Key handling that the plan import shares.
 */
#ifndef CICLO_API_ERP_H
#define CICLO_API_ERP_H
#include "http/http.h"
#include "store/pool.h"

/* An Idempotency-Key and the hash of the request it came with. */
typedef struct idem_key {
    int active;      /* 0: the request carried no key */
    char key[201];
    char hash[65];   /* hex SHA-256 of method, path, content type and body */
    char owner[24];  /* the caller's entity id, "0" for an admin */
} idem_key;

/* Reads the Idempotency-Key header of req. Returns 0, or -1 after answering 400 (a key
 * longer than 200 characters or empty). */
int idem_read(http_request *req, idem_key *k);
/* With the transaction open: 1 when the key was already used by the same request (its
 * first answer has been sent again), 0 when the request goes ahead, -1 with p set (422
 * when the key was used for another request). */
int idem_replay(http_request *req, const idem_key *k, problem *p);
/* Stores the answer of the request under its key in the same transaction (nothing when
 * the request had no key). Returns 0 or -1. */
int idem_store(store_conn *c, const idem_key *k, int status, const char *body, problem *p);

/* Registers the statements of the import and the ERP feeds (called by api_init). */
int erp_register(void);

void erp_structures_import(http_request *req);   /* POST /v1/entities/{id}/structures:import */
void erp_people_import(http_request *req);       /* POST /v1/entities/{id}/people:import */
void erp_measurements_import(http_request *req); /* POST /v1/plans/{id}/measurements:import */
void erp_financials_import(http_request *req);   /* POST /v1/plans/{id}/financials:import */
void erp_changes(http_request *req);             /* GET /v1/changes?since=&limit= */

#endif
