/* main.c — the ciclo command: serve, migrate, token create, import. */
#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/auth.h"
#include "api/oidc.h"
#include "api/plan_import.h"
#include "api/webhooks.h"
#include "codec/rule_json.h"
#include "core/config.h"
#include "core/log.h"
#include "http/server.h"
#include "store/exec.h"
#include "store/import.h"
#include "store/migrate.h"
#include "store/pool.h"

#ifndef CICLO_VERSION
#define CICLO_VERSION "0.9.0"
#endif

/* The usage of each subcommand (NULL: the whole command), printed by --help on stdout and on a
 * wrong invocation on stderr. */
static void usage_to(FILE *out, const char *cmd)
{
    static const struct {
        const char *cmd, *text;
    } lines[] = {
        {"serve", "ciclo serve                 serve the HTTP API (CICLO_LISTEN, default 127.0.0.1:8080)"},
        {"migrate", "ciclo migrate               bring the database schema up to date"},
        {"token", "ciclo token create --role ROLE [--entity ID] [--person ID] [--name NAME]"},
        {"import", "ciclo import FILE           import a plan document (ciclo-plan/1; see examples/)"},
        {"import", "ciclo import --revise FILE  the document as the next revision of its adopted plan"},
        {"version", "ciclo --version             print the version"},
    };
    int first = 1;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (cmd && strcmp(cmd, lines[i].cmd) != 0)
            continue;
        fprintf(out, "%s %s\n", first ? "usage:" : "      ", lines[i].text);
        first = 0;
    }
    fprintf(out,
            "Every subcommand takes --help. Settings come from the environment: DATABASE_URL, "
            "CICLO_LISTEN, ...; see README.md.\n");
}

static void usage(void) { usage_to(stderr, NULL); }

/* Whether argv[0..argc) asks for help (--help or -h anywhere). */
static int asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* An argument the subcommand cmd does not know: a message and exit status 2. */
static int unknown_argument(const char *cmd, const char *arg)
{
    fprintf(stderr, "ciclo %s: unknown argument '%s'\n", cmd, arg);
    usage_to(stderr, cmd);
    return 2;
}

static const char *database_url(void)
{
    const char *url = getenv("DATABASE_URL");
    if (!url || !*url) {
        fprintf(stderr, "ciclo: DATABASE_URL is not set (e.g. postgresql://user@localhost/ciclo)\n");
        return NULL;
    }
    return url;
}

static PGconn *connect_once(void)
{
    const char *url = database_url();
    if (!url)
        return NULL;
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "ciclo: cannot connect to the database: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

static int cmd_migrate(void)
{
    PGconn *pg = connect_once();
    if (!pg)
        return 1;
    int n = store_migrate(pg);
    PQfinish(pg);
    if (n < 0)
        return 1;
    printf("%d migration(s) applied; the schema is up to date\n", n);
    return 0;
}

static int cmd_token(int argc, char **argv)
{
    const char *role = NULL, *name = "bootstrap";
    int64_t entity = 0, person = 0;
    if (asks_help(argc, argv)) {
        usage_to(stdout, "token");
        return 0;
    }
    if (argc < 1 || strcmp(argv[0], "create") != 0) {
        if (argc >= 1)
            return unknown_argument("token", argv[0]);
        usage_to(stderr, "token");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "ciclo token create: %s needs a value\n", argv[i]);
            usage_to(stderr, "token");
            return 2;
        }
        if (strcmp(argv[i], "--role") == 0)
            role = argv[++i];
        else if (strcmp(argv[i], "--entity") == 0)
            entity = strtoll(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--person") == 0)
            person = strtoll(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--name") == 0)
            name = argv[++i];
        else
            return unknown_argument("token", argv[i]);
    }
    if (!auth_role_from_name(role)) {
        fprintf(stderr, "ciclo: --role must be one of admin, planner, manager, evaluator, reader, erp\n");
        return 2;
    }
    const char *url = database_url();
    if (!url)
        return 1;
    store_pool *pool = store_pool_new(url, 1, 5000, 10000);
    problem p;
    problem_init(&p);
    if (!pool || auth_register() < 0)
        return 1;
    store_conn *c = store_acquire(pool, &p);
    if (c)
        store_set_entity(c, STORE_ENTITY_ALL); /* the command line on the server acts as an admin */
    char secret[TOKEN_LEN + 1];
    /* the command line on the server is the root of every issuer chain (issued_by NULL);
     * its issuing is audited like any other */
    token_spec t = {auth_role_from_name(role), entity, person, 0};
    store_actor cli = {NULL, "ciclo token create", "admin"};
    int64_t id = c && auth_may_issue(NULL, &t, &p) ? auth_token_create(c, &cli, &t, name, NULL, secret, NULL, &p) : -1;
    if (c)
        store_release(pool, c);
    store_pool_free(pool);
    if (id <= 0) {
        fprintf(stderr, "ciclo: cannot create the token: %s\n", p.detail);
        if (p.errors) {
            char *e = rule_json_dumps(p.errors, JSON_COMPACT);
            fprintf(stderr, "%s\n", e ? e : "");
            free(e);
        }
        problem_clear(&p);
        return 1;
    }
    printf("token %" PRId64 " (%s) created; it is shown only once:\n%s\n", id, role, secret);
    return 0;
}

static void print_problem(const char *what, const problem *p)
{
    fprintf(stderr, "ciclo: %s: %s (%d %s)\n", what, p->detail, p->status, p->code);
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e)
    {
        fprintf(stderr, "  %s: %s\n", json_string_value(json_object_get(e, "field")),
                json_string_value(json_object_get(e, "message")));
    }
    if (p->dropped)
        fprintf(stderr, "  ... and %d more\n", p->dropped);
    if (p->hint[0])
        fprintf(stderr, "hint: %s\n", p->hint);
}

/* ciclo import FILE: what POST /v1/plans:import does, as an admin, from the command line.
 * ciclo import --revise FILE: what POST /v1/plans/{id}/revisions:import does, for the plan
 * of the document's entity, year and kind. */
static int cmd_import(int argc, char **argv)
{
    if (asks_help(argc, argv)) {
        usage_to(stdout, "import");
        return 0;
    }
    int revise = argc >= 1 && strcmp(argv[0], "--revise") == 0;
    if (revise) {
        argc--;
        argv++;
    }
    if (argc == 2 && strcmp(argv[0], "--") == 0) { /* a file whose name starts with '-' */
        argc--;
        argv++;
    } else if (argc >= 1 && argv[0][0] == '-')
        return unknown_argument("import", argv[0]);
    if (argc != 1) {
        usage_to(stderr, "import");
        return 2;
    }
    json_error_t je;
    json_t *doc = json_load_file(argv[0], JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        fprintf(stderr, "ciclo: %s: line %d, column %d: %s\n", argv[0], je.line, je.column, je.text);
        return 1;
    }
    const char *url = database_url();
    store_pool *pool = url ? store_pool_new(url, 1, 5000, 600000) : NULL;
    if (!pool || api_init(pool, NULL) < 0) {
        json_decref(doc);
        store_pool_free(pool);
        return 1;
    }
    problem p;
    problem_init(&p);
    store_actor who = {NULL, "ciclo import", "admin"};
    import_caller caller = {&who, 0, 1};
    json_t *result = NULL;
    int rc = 1;
    store_conn *c = store_acquire(pool, &p);
    if (c)
        store_set_entity(c, STORE_ENTITY_ALL); /* the command line on the server acts as an admin */
    if (c && store_import_begin(c, 600000, &p) == 0) {
        int64_t plan_id = 0;
        plan_document d = {doc, NULL, 0, NULL, NULL};
        int ran = revise ? (plan_revise_find(c, doc, &plan_id, &p) == 0 &&
                            plan_revise_run(c, &caller, NULL, plan_id, &d, &result, &p) == 0)
                         : plan_import_run(c, &caller, &d, &result, &p) == 0;
        if (ran && store_commit(c, &p) == 0) {
            rc = 0;
            store_import_analyze(c);
        } else
            store_rollback(c);
    }
    if (rc == 0) {
        if (revise)
            printf("plan %" JSON_INTEGER_FORMAT " revised from %s: revision %" JSON_INTEGER_FORMAT "\n",
                   json_integer_value(json_object_get(result, "id")), argv[0],
                   json_integer_value(json_object_get(result, "revision")));
        else
            printf("plan %" JSON_INTEGER_FORMAT " imported from %s\n",
                   json_integer_value(json_object_get(result, "id")), argv[0]);
        char *changes = revise ? rule_json_dumps(json_object_get(result, "changes"), JSON_COMPACT) : NULL;
        if (changes)
            printf("changes: %s\n", changes);
        free(changes);
        char *counts = rule_json_dumps(json_object_get(result, "counts"), JSON_COMPACT);
        printf("counts: %s\n", counts ? counts : "");
        free(counts);
        json_t *w = json_object_get(result, "warnings");
        printf("%" JSON_INTEGER_FORMAT " warning(s)\n", json_integer_value(json_object_get(result, "warnings_total")));
        size_t i;
        json_t *f;
        json_array_foreach(w, i, f)
        {
            printf("  %s %s %s: %s\n", json_string_value(json_object_get(f, "severity")),
                   json_string_value(json_object_get(f, "code")), json_string_value(json_object_get(f, "path")),
                   json_string_value(json_object_get(f, "message")));
        }
    } else {
        print_problem(argv[0], &p);
    }
    if (c)
        store_release(pool, c);
    store_pool_free(pool);
    problem_clear(&p);
    json_decref(result);
    json_decref(doc);
    return rc;
}

static int cmd_serve(void)
{
    config cfg;
    char err[256];
    if (config_load(&cfg, err, sizeof err) < 0) {
        fprintf(stderr, "ciclo: %s\n", err);
        return 2;
    }
    if (!database_url())
        return 2;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every thread inherits the mask: only sigwait sees them */
    signal(SIGPIPE, SIG_IGN);

    store_pool *pool = store_pool_new(cfg.database_url, cfg.pool_size, cfg.pool_wait_ms, cfg.db_timeout_ms);
    if (!pool || api_init(pool, &cfg) < 0) {
        store_pool_free(pool);
        return 1;
    }
    http_server_opts opts = {&cfg, api_routes, api_route_count, api_dispatch, api_admit, api_heavy_key};
    http_server *srv = http_server_start(&opts, err, sizeof err);
    if (!srv) {
        log_error("%s", err);
        auth_listen_stop();
        store_pool_free(pool);
        return 1;
    }
    webhook_worker_start(pool); /* a failure is logged: the API serves without webhooks */
    log_info("ciclo listening on %s://%s:%d (%d threads, %d heavy, %d database connections)",
             cfg.tls_cert ? "https" : "http", cfg.listen_host, cfg.listen_port, cfg.threads, cfg.heavy_threads,
             cfg.pool_size);
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("signal %d: finishing the requests in flight, then stopping", sig);
    http_server_stop(srv, cfg.shutdown_grace_s);
    webhook_worker_stop();
    auth_listen_stop();
    oidc_shutdown();
    store_pool_free(pool);
    log_info("stopped");
    return 0;
}

int main(int argc, char **argv)
{
    const char *lvl = getenv("CICLO_LOG_LEVEL");
    if (lvl)
        log_set_level(strcmp(lvl, "debug") == 0   ? LOG_DEBUG
                      : strcmp(lvl, "warn") == 0  ? LOG_WARN
                      : strcmp(lvl, "error") == 0 ? LOG_ERROR
                                                  : LOG_INFO);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        usage();
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage_to(stdout, argc > 2 ? argv[2] : NULL);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("ciclo %s\n", CICLO_VERSION);
        return 0;
    }
    if (strcmp(cmd, "serve") == 0 || strcmp(cmd, "migrate") == 0) {
        if (asks_help(argc - 2, argv + 2)) {
            usage_to(stdout, cmd);
            return 0;
        }
        if (argc > 2)
            return unknown_argument(cmd, argv[2]);
        return strcmp(cmd, "serve") == 0 ? cmd_serve() : cmd_migrate();
    }
    if (strcmp(argv[1], "token") == 0)
        return cmd_token(argc - 2, argv + 2);
    if (strcmp(argv[1], "import") == 0)
        return cmd_import(argc - 2, argv + 2);
    fprintf(stderr, "ciclo: unknown command '%s'\n", cmd);
    usage();
    return 2;
}
