/* migrate.h — applies the SQL migrations compiled into the binary. */
#ifndef CICLO_STORE_MIGRATE_H
#define CICLO_STORE_MIGRATE_H
#include <libpq-fe.h>

/* Applies every embedded migration not yet recorded in schema_version, each in its own
 * transaction under an advisory lock (concurrent runs wait). Returns the number applied
 * (0 when up to date) or -1 after logging why. pg is borrowed. */
int store_migrate(PGconn *pg);

#endif
