/*
 * errors.h — a PostgreSQL error turned into what the client sees: the SQLSTATE, the constraint
 * and the messages of a failed statement mapped to a problem (status, code, detail, the field
 * at fault). The mapping reads the error's fields, not libpq, so it is tested without a
 * database; store_map_error (exec.h) feeds it from a result and logs what needs a look.
 */
#ifndef CICLO_STORE_ERRORS_H
#define CICLO_STORE_ERRORS_H
#include <stddef.h>

#include "core/problem.h"

/* The fields of a failed statement (all borrowed; NULL when the server gave none). */
typedef struct store_pg_error {
    const char *sqlstate;   /* NULL: no result at all (the connection broke) */
    const char *primary;    /* the primary message */
    const char *constraint; /* the constraint broken */
    const char *column;     /* the column at fault (23502) */
    const char *detail;     /* "Key (id)=(3) is still referenced ..." */
    int connection_lost;    /* the connection is no longer usable */
} store_pg_error;

/* Fills p from e: 503 database_unavailable (lost connection, classes 08 and 57P0x), 409
 * legal_condition (CI409), 409 still_referenced (a delete blocked by a reference), the
 * constraint table's 409 conflict or 422 validation_failed with the field at fault, 409, 422
 * for the other classes 22 and 23, 503 try_again (serialization, deadlock, lock), 503
 * database_timeout (57014), 403 forbidden (42501), and 500 internal for anything else. */
void store_error_problem(const store_pg_error *e, problem *p);

/* The i-th constraint name the table knows (from the migrations in sql/), NULL past the end. */
const char *store_error_constraint(size_t i);

#endif
