/* test_router.c — how a method and a path find their route (src/http/router.c): the {id}
 * segments, 404 for an unknown path, 405 with the methods the path allows. */
#include <string.h>

#include "http/router.h"
#include "suites.h"

static void h(http_request *req) { (void)req; }

static const route table[] = {
    {"GET", "/v1/plans", h, 1, 0, NULL},
    {"POST", "/v1/plans", h, 1, 0, NULL},
    {"GET", "/v1/plans/{id}", h, 1, 0, NULL},
    {"PATCH", "/v1/plans/{id}", h, 1, 0, NULL},
    {"POST", "/v1/plans/{id}:adopt", h, 1, 0, NULL},
    {"GET", "/v1/plans/{id}/revisions/{id}/validation", h, 1, 0, NULL},
};
static const int n = sizeof table / sizeof table[0];

static enum route_match find(const char *method, const char *path, const route **r, int64_t ids[HTTP_MAX_IDS],
                             int *nids, char *allow)
{
    *r = NULL;
    *nids = -1;
    return router_match(table, n, method, path, r, ids, nids, allow, 64);
}

START_TEST(a_route_is_found_with_its_ids)
{
    const route *r;
    int64_t ids[HTTP_MAX_IDS];
    int nids;
    char allow[64];
    ck_assert_int_eq(find("GET", "/v1/plans", &r, ids, &nids, allow), ROUTE_FOUND);
    ck_assert_ptr_eq(r, &table[0]);
    ck_assert_int_eq(nids, 0);
    ck_assert_int_eq(find("PATCH", "/v1/plans/42", &r, ids, &nids, allow), ROUTE_FOUND);
    ck_assert_ptr_eq(r, &table[3]);
    ck_assert_int_eq(nids, 1);
    ck_assert_int_eq(ids[0], 42);
    ck_assert_int_eq(find("POST", "/v1/plans/7:adopt", &r, ids, &nids, allow), ROUTE_FOUND);
    ck_assert_ptr_eq(r, &table[4]);
    ck_assert_int_eq(ids[0], 7);
    ck_assert_int_eq(find("GET", "/v1/plans/123456789012/revisions/3/validation", &r, ids, &nids, allow), ROUTE_FOUND);
    ck_assert_int_eq(nids, 2);
    ck_assert_int_eq(ids[0], 123456789012);
    ck_assert_int_eq(ids[1], 3);
}
END_TEST

START_TEST(an_id_is_a_positive_integer_of_at_most_18_digits)
{
    const route *r;
    int64_t ids[HTTP_MAX_IDS];
    int nids;
    char allow[64];
    static const char *const bad[] = {"/v1/plans/0",  "/v1/plans/-1",  "/v1/plans/abc",
                                      "/v1/plans/01", "/v1/plans/1x",  "/v1/plans/",
                                      "/v1/plans/1/", "/v1/plans/+1",  "/v1/plans/1234567890123456789",
                                      "/v1/plan",     "/v1/plans/1:a", "/V1/plans"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(find("GET", bad[i], &r, ids, &nids, allow) == ROUTE_NOT_FOUND, "%s was found", bad[i]);
    ck_assert_int_eq(find("GET", "/v1/plans/123456789012345678", &r, ids, &nids, allow), ROUTE_FOUND);
    ck_assert_int_eq(ids[0], 123456789012345678);
}
END_TEST

START_TEST(a_known_path_with_another_method_lists_the_allowed_ones)
{
    const route *r;
    int64_t ids[HTTP_MAX_IDS];
    int nids;
    char allow[64];
    ck_assert_int_eq(find("DELETE", "/v1/plans/5", &r, ids, &nids, allow), ROUTE_BAD_METHOD);
    ck_assert_str_eq(allow, "GET, PATCH");
    ck_assert_ptr_null(r);
    ck_assert_int_eq(find("PUT", "/v1/plans", &r, ids, &nids, allow), ROUTE_BAD_METHOD);
    ck_assert_str_eq(allow, "GET, POST");
    ck_assert_int_eq(find("GET", "/v1/plans/5:adopt", &r, ids, &nids, allow), ROUTE_BAD_METHOD);
    ck_assert_str_eq(allow, "POST");
    ck_assert_int_eq(find("GET", "/v1/nothing", &r, ids, &nids, allow), ROUTE_NOT_FOUND);
    ck_assert_str_eq(allow, "");
}
END_TEST

Suite *router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_route_is_found_with_its_ids);
    tcase_add_test(tc, an_id_is_a_positive_integer_of_at_most_18_digits);
    tcase_add_test(tc, a_known_path_with_another_method_lists_the_allowed_ones);
    suite_add_tcase(s, tc);
    return s;
}
