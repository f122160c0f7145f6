/* test_alloc_fail.c — fails the N-th allocation, for every N, across the codecs and the plan
 * document checker, as jansson's and SQLite's fault-injection tests do: each run must end in a
 * clean error (or, once N is past the last allocation, in success) and free everything it
 * took. The hook: jansson allocates through json_set_alloc_funcs, and the project's own
 * objects are linked with -Wl,--wrap=malloc,calloc,realloc,free (Makefile, UNIT_WRAP), so
 * both go through the counting allocator below. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/csv_read.h"
#include "codec/plan_diff.h"
#include "codec/plan_doc_check.h"
#include "codec/rule_json.h"
#include "suites.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

static long fail_at; /* 0: never fail; else the allocation (1-based) that fails */
static long seen;    /* allocations since armed */
static long live;    /* blocks this allocator handed out and that are not freed yet */
static int injected; /* whether the armed failure happened */

/* The blocks handed out (open addressing): free forgets only these, so a block that libc
 * allocated inside (strdup, vasprintf) and the code frees does not count. */
#define TABLE (1u << 16)
static void *blocks[TABLE];
static const char tomb;

static size_t slot_of(void *p) { return ((size_t)p >> 4) * 2654435761u % TABLE; }

static void remember(void *p)
{
    if (!p)
        return;
    for (size_t i = slot_of(p);; i = (i + 1) % TABLE)
        if (!blocks[i] || blocks[i] == &tomb) {
            blocks[i] = p;
            live++;
            return;
        }
}

static void forget(void *p)
{
    if (!p)
        return;
    for (size_t i = slot_of(p); blocks[i]; i = (i + 1) % TABLE)
        if (blocks[i] == p) {
            blocks[i] = (void *)&tomb;
            live--;
            return;
        }
}

static int fails_now(void)
{
    if (!fail_at)
        return 0;
    if (++seen == fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    if (fails_now())
        return NULL;
    void *p = __real_malloc(n);
    remember(p);
    return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
    if (fails_now())
        return NULL;
    void *p = __real_calloc(k, n);
    remember(p);
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    if (fails_now())
        return NULL;
    void *p = __real_realloc(old, n);
    if (p) {
        forget(old);
        remember(p);
    }
    return p;
}

void __wrap_free(void *p)
{
    forget(p);
    __real_free(p);
}

static void *json_alloc(size_t n) { return __wrap_malloc(n); }
static void json_release(void *p) { __wrap_free(p); }

/* A scenario runs a codec on inputs made before the failure is armed; returns 0 when the
 * codec succeeded, -1 when it reported an error. It frees all it made. */
typedef int (*scenario)(void *input);

/* Runs s with the 1st, 2nd, ... allocation failing until a run meets no failure. Every run
 * must free what it took and, when its allocation failed, report an error. */
static long fail_each(const char *name, scenario s, void *input)
{
    json_set_alloc_funcs(json_alloc, json_release);
    long n;
    for (n = 1; n < 100000; n++) {
        long before = live;
        seen = 0;
        injected = 0;
        fail_at = n;
        int rc = s(input);
        fail_at = 0;
        ck_assert_msg(live == before, "%s: allocation %ld failed: %ld allocation(s) leaked", name, n, live - before);
        if (!injected) {
            ck_assert_msg(rc == 0, "%s: fails with no allocation failing", name);
            break;
        }
        ck_assert_msg(rc < 0, "%s: allocation %ld failed and no error was reported", name, n);
    }
    if (getenv("CICLO_ALLOC_REPORT"))
        fprintf(stderr, "%s: %ld allocations, each failed once and reported\n", name, n - 1);
    json_set_alloc_funcs(malloc, free);
    ck_assert_msg(n > 1, "%s allocates nothing: the test proves nothing", name);
    return n - 1;
}

#define PLAN_DOC                                                                                               \
    "{\"format\":\"ciclo-plan/1\",\"year\":2024,\"title\":\"Piano 2024\","                                     \
    "\"deliberation\":{\"number\":\"12/2024\",\"date\":\"2024-01-30\"},"                                       \
    "\"people\":[{\"external_id\":\"P1\",\"name\":\"Maria Rossi\",\"role\":\"dirigente\"}],"                   \
    "\"structures\":[{\"code\":\"FIN\",\"name\":\"Finanziario\",\"manager\":\"P1\"},"                          \
    "{\"code\":\"TRIB\",\"name\":\"Tributi\",\"parent_code\":\"FIN\"}],"                                       \
    "\"objectives\":[{\"code\":\"O1\",\"title\":\"Riscossione\",\"assignments\":[{\"structure_code\":\"FIN\"," \
    "\"weight\":100}],\"phases\":[{\"seq\":1,\"description\":\"Avvio\",\"deadline\":\"2024-06-30\"}],"         \
    "\"indicators\":[{\"code\":\"O1.1\",\"name\":\"Incassi\",\"target\":90}]},"                                \
    "{\"code\":\"O2\",\"title\":\"Sotto\",\"parent_code\":\"O1\"}]}"

/* The plan document's checks, its warnings and the rows it gives the store. */
static int check_plan_doc(void *input)
{
    problem p;
    problem_init(&p);
    doc_state s;
    doc_state_init(&s, &p);
    int rc = doc_check(&s, input);
    int total = 0;
    json_t *w = rc == 0 ? doc_warnings(&s, &total) : NULL;
    char *rows[4] = {NULL, NULL, NULL, NULL};
    if (rc == 0 && (!w || doc_content_rows(&s, rows, &p) < 0))
        rc = -1;
    if (rc == 0 && p.status)
        rc = -1; /* the document is valid: any problem is the failed allocation's */
    for (int k = 0; k < 4; k++)
        free(rows[k]);
    json_decref(w);
    doc_state_free(&s);
    problem_clear(&p);
    return rc;
}

static int diff_plans(void *input)
{
    json_t *d = plan_diff(NULL, input);
    int rc = d ? 0 : -1;
    json_decref(d);
    return rc;
}

/* A rule decoded, encoded again and written as text. */
static int rule_round_trip(void *input)
{
    rules_rule nodes[RULE_JSON_MAX_NODES];
    size_t used = 0;
    rules_error e;
    if (rule_json_decode(input, "rule", nodes, sizeof nodes / sizeof nodes[0], &used, &e) < 0)
        return -1;
    json_t *j = rule_json_encode(&nodes[0]);
    char *text = j ? rule_json_dumps(j, JSON_COMPACT) : NULL;
    int rc = text ? 0 : -1;
    free(text);
    json_decref(j);
    return rc;
}

static int read_csv(void *input)
{
    const char *text = input;
    csv_reader r;
    csv_reader_init(&r, text, strlen(text), ';');
    int rc;
    while ((rc = csv_read_record(&r)) == 1)
        ;
    csv_reader_free(&r);
    return rc;
}

START_TEST(every_allocation_of_the_codecs_may_fail)
{
    json_t *plan = json_loads(PLAN_DOC, 0, NULL);
    json_t *rule = json_loads(
        "{\"kind\": \"bands\", \"bands\": [{\"min\": 90, \"score\": 100}, "
        "{\"min\": 50, \"max\": 90, \"score\": 60}]}",
        0, NULL);
    ck_assert_ptr_nonnull(plan);
    ck_assert_ptr_nonnull(rule);
    char csv[4096] = "codice;descrizione;valore\n";
    for (int i = 0; i < 40; i++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "O%d;\"obiettivo \"\"%d\"\"\";%d,5\n", i, i, i);
    long n_doc = fail_each("doc_check", check_plan_doc, plan);
    long n_diff = fail_each("plan_diff", diff_plans, plan);
    long n_rule = fail_each("rule_json", rule_round_trip, rule);
    long n_csv = fail_each("csv_read", read_csv, csv);
    ck_assert_int_gt(n_doc + n_diff + n_rule + n_csv, 4);
    json_decref(plan);
    json_decref(rule);
}
END_TEST

Suite *alloc_fail_suite(void)
{
    Suite *s = suite_create("alloc_fail");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_allocation_of_the_codecs_may_fail);
    suite_add_tcase(s, tc);
    return s;
}
