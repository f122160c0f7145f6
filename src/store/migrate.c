#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/log.h"
#include "store/exec.h"

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

/*
 * The database roles (docs/SECURITY.md, "A database the service cannot rewrite"), applied after
 * the migrations on every run, so that what a later migration creates follows:
 * - ciclo_owner (NOLOGIN) owns every table, sequence and function of the schema; the migrator is
 *   a member (or a superuser). Only the owner may ALTER a table, so only it may disable the
 *   audit log's triggers.
 * - ciclo_app (NOLOGIN, sql/002) holds what the service may do: read and write the tables, but
 *   only INSERT into the audit log (no UPDATE, DELETE or TRUNCATE).
 * - the service's login role (CICLO_SERVICE_ROLE, password CICLO_SERVICE_PASSWORD) is made a
 *   member of ciclo_app and of nothing else; a superuser is refused.
 */
static const char owner_sql[] =
    /* after a large import the service refreshes the statistics (store_import_analyze), which
     * only the owner may do: through this function, run as its owner */
    "CREATE OR REPLACE FUNCTION ciclo_analyze_plan_tables() RETURNS void LANGUAGE sql SECURITY DEFINER\n"
    "    SET search_path FROM CURRENT\n"
    "    AS $f$ ANALYZE objectives, assignments, phases, indicators $f$;\n"
    "DO $$\n"
    "DECLARE r record;\n"
    "BEGIN\n"
    "    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ciclo_owner') THEN\n"
    "        CREATE ROLE ciclo_owner NOLOGIN;\n"
    "    END IF;\n"
    "    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN\n"
    "        EXECUTE format('GRANT ciclo_owner TO %I', current_user);\n"
    "    END IF;\n"
    "    FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace\n"
    "             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')\n"
    "               AND c.relowner <> 'ciclo_owner'::regrole\n"
    "               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass\n"
    "                               AND d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP\n"
    "        EXECUTE format('ALTER %s %I OWNER TO ciclo_owner', CASE r.relkind WHEN 'S' THEN 'SEQUENCE'\n"
    "                       WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname);\n"
    "    END LOOP;\n"
    "    FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace\n"
    "             WHERE n.nspname = current_schema() AND p.proowner <> 'ciclo_owner'::regrole LOOP\n"
    "        EXECUTE format('ALTER FUNCTION %s OWNER TO ciclo_owner', r.f);\n"
    "    END LOOP;\n"
    "    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ciclo_app') THEN\n"
    "        REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM ciclo_app;\n"
    "        GRANT EXECUTE ON FUNCTION ciclo_analyze_plan_tables() TO ciclo_app;\n"
    "    END IF;\n"
    "EXCEPTION WHEN insufficient_privilege THEN\n"
    "    RAISE WARNING 'the owner role ciclo_owner is not set up: the migrator needs CREATEROLE and ownership';\n"
    "END $$;\n"
    /* row-level security by entity on every table with entity_id, those of later migrations too
     * (sql/016_row_security.sql) */
    "DO $$\n"
    "BEGIN\n"
    "    PERFORM ciclo_entity_wall();\n"
    "EXCEPTION WHEN insufficient_privilege THEN\n"
    "    RAISE WARNING 'row-level security not enabled: the migrator does not own the tables';\n"
    "END $$";

/* Makes the login role `name` (password `password`, may be NULL) a member of ciclo_app only.
 * Returns 0 or -1 after logging why. */
static int service_role(PGconn *pg, const char *name, const char *password)
{
    const char *params[] = {name};
    PGresult *r = PQexecParams(pg,
                               "SELECT rolsuper OR pg_has_role(oid, 'ciclo_owner', 'MEMBER') FROM pg_roles WHERE "
                               "rolname = $1",
                               1, NULL, params, NULL, NULL, 0);
    if (exec_ok(pg, r, "service role lookup") < 0) {
        PQclear(r);
        return -1;
    }
    int exists = PQntuples(r) > 0, super = exists && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (super) {
        log_error(
            "migration: CICLO_SERVICE_ROLE %s is a superuser or owns the tables: the service must run as a "
            "role that cannot rewrite the audit log",
            name);
        return -1;
    }
    char *id = PQescapeIdentifier(pg, name, strlen(name));
    char *pw = password ? PQescapeLiteral(pg, password, strlen(password)) : NULL;
    size_t n = 2 * (id ? strlen(id) : 0) + (pw ? strlen(pw) : 0) + 200;
    char *sql = id && (pw || !password) ? malloc(n) : NULL;
    int rc = -1;
    if (sql) {
        snprintf(sql, n, "%s ROLE %s LOGIN%s%s; GRANT ciclo_app TO %s", exists ? "ALTER" : "CREATE", id,
                 pw ? " PASSWORD " : "", pw ? pw : "", id);
        rc = run(pg, sql, "service role");
    } else {
        log_error("migration: out of memory");
    }
    free(sql);
    PQfreemem(id);
    PQfreemem(pw);
    return rc;
}

int store_migrate(PGconn *pg)
{
    int applied = 0;
    if (run(pg, "SET client_min_messages = warning", "settings") < 0 ||
        run(pg,
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, "
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
        r = PQexecParams(pg, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", 2, NULL, params, NULL, NULL,
                         0);
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
    if (run(pg, owner_sql, "owner role") < 0)
        return -1;
    const char *svc = getenv("CICLO_SERVICE_ROLE");
    if (svc && *svc && service_role(pg, svc, getenv("CICLO_SERVICE_PASSWORD")) < 0)
        return -1;
    return applied;
fail:
    run(pg, "ROLLBACK", "rollback");
    return -1;
}
