/* test_heavyq.c — the heavy threads' queue (src/http/heavyq.c): each key's share of the places,
 * and which job a free thread takes (fewest running, keys in turn, then the oldest). */
#include "core/share.h"
#include "http/heavyq.h"
#include "suites.h"

/* Jobs are the addresses of these: jobs[i] is "job i". */
static int jobs[64];
#define J(i) ((void *)&jobs[i])

/* Keeps a place for key and puts job i in it. */
static void put(heavyq *q, int64_t key, int i)
{
    ck_assert_int_eq(heavyq_keep(q, key), 0);
    heavyq_put(q, key, J(i));
}

/* Takes the next job: asserts it is job i of key. */
static void takes(heavyq *q, int64_t key, int i)
{
    int64_t k = -99;
    void *job = heavyq_take(q, &k);
    ck_assert_msg(job == J(i), "took job %d, not %d", job ? (int)((int *)job - jobs) : -1, i);
    ck_assert_int_eq(k, key);
}

START_TEST(a_key_keeps_at_most_its_share)
{
    ck_assert_int_eq(fair_share(64), 48);
    ck_assert_int_eq(fair_share(8), 6);
    ck_assert_int_eq(fair_share(4), 3);
    ck_assert_int_eq(fair_share(2), 1);
    ck_assert_int_eq(fair_share(1), 1);
    heavyq q;
    ck_assert_int_eq(heavyq_init(&q, 4, 1), 0);
    for (int i = 0; i < 3; i++)
        put(&q, 7, i);
    ck_assert_int_eq(heavyq_keep(&q, 7), -2); /* A's share is taken: the last place is another's */
    ck_assert_int_eq(heavyq_keep(&q, 9), 0);  /* kept, not yet filled: it counts */
    ck_assert_int_eq(heavyq_keep(&q, 5), -1); /* full */
    ck_assert_int_eq(q.kept, 4);
    ck_assert_int_eq(q.waiting, 3);
    heavyq_put(&q, 9, J(3));
    ck_assert_int_eq(q.waiting, 4);
    takes(&q, 7, 0); /* a place is given back when its job is taken, not when it is done */
    ck_assert_int_eq(heavyq_keep(&q, 7), 0);
    ck_assert_int_eq(heavyq_keep(&q, 5), -1);
    heavyq_free(&q);
}
END_TEST

START_TEST(one_key_alone_is_served_in_order)
{
    heavyq q;
    ck_assert_int_eq(heavyq_init(&q, 8, 2), 0);
    int64_t k;
    ck_assert_ptr_null(heavyq_take(&q, &k));
    for (int i = 0; i < 5; i++)
        put(&q, -1, i);
    takes(&q, -1, 0);
    takes(&q, -1, 1);
    heavyq_done(&q, -1);
    takes(&q, -1, 2);
    heavyq_done(&q, -1);
    heavyq_done(&q, -1);
    takes(&q, -1, 3);
    takes(&q, -1, 4);
    ck_assert_ptr_null(heavyq_take(&q, &k));
    heavyq_free(&q);
}
END_TEST

START_TEST(another_key_goes_before_a_backlog)
{
    /* one thread: A's job runs, A's backlog waits; B's job, come last, is taken next */
    heavyq q;
    ck_assert_int_eq(heavyq_init(&q, 8, 1), 0);
    for (int i = 0; i < 4; i++)
        put(&q, 1, i);
    takes(&q, 1, 0);
    put(&q, 2, 10);
    heavyq_done(&q, 1);
    takes(&q, 2, 10);
    heavyq_done(&q, 2);
    takes(&q, 1, 1);
    heavyq_done(&q, 1);
    put(&q, 2, 11); /* B again, after A was served last: B first */
    takes(&q, 2, 11);
    heavyq_done(&q, 2);
    takes(&q, 1, 2);
    heavyq_done(&q, 1);
    takes(&q, 1, 3);
    heavyq_done(&q, 1);
    heavyq_free(&q);
}
END_TEST

START_TEST(the_key_with_fewest_running_goes_first)
{
    /* two threads: A runs one job; B's later job goes before A's older one; then A's, with
     * both keys running one */
    heavyq q;
    ck_assert_int_eq(heavyq_init(&q, 8, 2), 0);
    put(&q, 1, 0);
    put(&q, 1, 1);
    takes(&q, 1, 0);
    put(&q, 2, 2);
    put(&q, 2, 3);
    takes(&q, 2, 2);
    heavyq_done(&q, 2); /* B runs none, A one: B's next */
    takes(&q, 2, 3);
    heavyq_done(&q, 1);
    heavyq_done(&q, 2);
    takes(&q, 1, 1);
    heavyq_free(&q);
}
END_TEST

START_TEST(flooding_keys_take_turns)
{
    heavyq q;
    ck_assert_int_eq(heavyq_init(&q, 16, 1), 0);
    for (int key = 1; key <= 3; key++)
        for (int i = 0; i < 3; i++)
            put(&q, key, key * 10 + i);
    for (int i = 0; i < 3; i++)
        for (int key = 1; key <= 3; key++) {
            takes(&q, key, key * 10 + i);
            heavyq_done(&q, key);
        }
    int64_t k;
    ck_assert_ptr_null(heavyq_take(&q, &k));
    heavyq_free(&q);
}
END_TEST

START_TEST(keys_done_are_forgotten)
{
    /* far more keys over time than entries: a key with no place and no job running is forgotten */
    heavyq q;
    ck_assert_int_eq(heavyq_init(&q, 2, 1), 0);
    for (int64_t key = 0; key < 1000; key++) {
        put(&q, key, 0);
        takes(&q, key, 0);
        put(&q, key + 1, 1);
        heavyq_done(&q, key);
        takes(&q, key + 1, 1);
        heavyq_done(&q, key + 1);
    }
    ck_assert_int_eq(q.kept, 0);
    for (int i = 0; i < q.nkeys; i++)
        ck_assert_int_eq(q.keys[i].used, 0);
    heavyq_free(&q);
}
END_TEST

Suite *heavyq_suite(void)
{
    Suite *s = suite_create("heavyq");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_key_keeps_at_most_its_share);
    tcase_add_test(tc, one_key_alone_is_served_in_order);
    tcase_add_test(tc, another_key_goes_before_a_backlog);
    tcase_add_test(tc, the_key_with_fewest_running_goes_first);
    tcase_add_test(tc, flooding_keys_take_turns);
    tcase_add_test(tc, keys_done_are_forgotten);
    suite_add_tcase(s, tc);
    return s;
}
