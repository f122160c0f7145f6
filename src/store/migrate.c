#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/embedded.h"
#include "core/log.h"

static int exec_ok(PGconn *pg, PGresult *r, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 0;
    log_error("migration: %s failed: %s", what, PQerrorMessage(pg));
    return -1;
}

static int run(PGconn *pg, const char *sql, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    int rc = exec_ok(pg, r, what);
    PQclear(r);
    return rc;
}

int store_migrate(PGconn *pg)
{
    int applied = 0;
    if (run(pg, "SET client_min_messages = warning", "settings") < 0 ||
        run(pg, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())",
            "schema_version") < 0)
        return -1;
    for (int i = 0; i < embedded_migration_count; i++) {
        const struct embedded_file *m = &embedded_migrations[i];
        char version[16];
        snprintf(version, sizeof version, "%d", atoi(m->name));
        const char *params[] = {version, m->name};
        if (run(pg, "BEGIN", "begin") < 0)
            return -1;
        /* One migrator at a time, across processes. */
        if (run(pg, "SELECT pg_advisory_xact_lock(7243051)", "lock") < 0)
            goto fail;
        PGresult *r = PQexecParams(pg, "SELECT 1 FROM schema_version WHERE version = $1", 1, NULL, params, NULL, NULL, 0);
        if (exec_ok(pg, r, "schema_version lookup") < 0) {
            PQclear(r);
            goto fail;
        }
        int done = PQntuples(r) > 0;
        PQclear(r);
        if (done) {
            run(pg, "COMMIT", "commit");
            continue;
        }
        if (run(pg, m->data, m->name) < 0)
            goto fail;
        r = PQexecParams(pg, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", 2, NULL, params, NULL, NULL, 0);
        if (exec_ok(pg, r, "schema_version insert") < 0) {
            PQclear(r);
            goto fail;
        }
        PQclear(r);
        if (run(pg, "COMMIT", "commit") < 0)
            return -1;
        log_info("migration %s applied", m->name);
        applied++;
    }
    return applied;
fail:
    run(pg, "ROLLBACK", "rollback");
    return -1;
}
