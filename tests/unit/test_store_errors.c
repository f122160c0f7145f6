/* test_store_errors.c — what the client sees when PostgreSQL refuses a statement
 * (src/store/errors.c), read from tests/cases/store_errors.json, and that every constraint the
 * table names still exists in the migrations. No database: the mapping reads the error's fields. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/errors.h"
#include "suites.h"

static const char *text_of(json_t *c, const char *key) { return json_string_value(json_object_get(c, key)); }

START_TEST(sqlstates_and_constraints_become_problems)
{
    json_t *doc = load_cases("store_errors.json");
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(doc, "cases"), i, c)
    {
        const char *name = text_of(c, "name");
        json_t *expect = json_object_get(c, "expect");
        ck_assert_msg(name && json_is_integer(json_object_get(expect, "status")), "case %zu: name and expect.status", i);
        store_pg_error e = {text_of(c, "sqlstate"),   text_of(c, "primary"),
                            text_of(c, "constraint"), text_of(c, "column"),
                            text_of(c, "detail"),     json_is_true(json_object_get(c, "connection_lost"))};
        problem p;
        problem_init(&p);
        store_error_problem(&e, &p);
        expect_problem(&p, expect, name);
        problem_clear(&p);
    }
    json_decref(doc);
}
END_TEST

/* The migrations' text, all files of sql/ one after the other (malloc'd). */
static char *migrations(void)
{
    DIR *d = opendir("sql");
    ck_assert_msg(d != NULL, "sql/ is not readable: run the unit tests from the repository's root");
    size_t len = 0;
    char *all = calloc(1, 1);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".sql") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "sql/%s", de->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        char chunk[8192];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
            all = realloc(all, len + got + 1);
            ck_assert_ptr_nonnull(all);
            memcpy(all + len, chunk, got);
            len += got;
            all[len] = '\0';
        }
        fclose(f);
    }
    closedir(d);
    return all;
}

/* A constraint renamed in a migration would fall back to the generic answer: each name the
 * table knows is declared in sql/ (a primary key by its table, "<table>_pkey"). */
START_TEST(every_constraint_of_the_table_is_in_the_migrations)
{
    char *sql = migrations();
    size_t i;
    const char *name;
    for (i = 0; (name = store_error_constraint(i)); i++) {
        char what[160];
        size_t n = strlen(name);
        if (n > 5 && strcmp(name + n - 5, "_pkey") == 0)
            snprintf(what, sizeof what, "CREATE TABLE %.*s (", (int)(n - 5), name);
        else
            snprintf(what, sizeof what, "%s", name);
        ck_assert_msg(strstr(sql, what) != NULL, "%s is not in sql/ (looked for \"%s\")", name, what);
    }
    ck_assert_uint_gt(i, 30);
    free(sql);
}
END_TEST

Suite *store_errors_suite(void)
{
    Suite *s = suite_create("store_errors");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sqlstates_and_constraints_become_problems);
    tcase_add_test(tc, every_constraint_of_the_table_is_in_the_migrations);
    suite_add_tcase(s, tc);
    return s;
}
