/* test_headcheck.c — the guard's judgement of a connection's first header block
 * (src/http/headcheck.c): what passes to libmicrohttpd, what waits for more bytes, and the
 * status and code of each refusal. */
#include <string.h>

#include "http/headcheck.h"
#include "suites.h"

static head_outcome judge(const char *s, head_verdict *v) { return head_check(s, strlen(s), v); }

/* Asserts that s is refused with status and code. */
static void refused(const char *s, int status, const char *code)
{
    head_verdict v;
    ck_assert_msg(judge(s, &v) == HEAD_REFUSE, "not refused: %.60s", s);
    ck_assert_msg(v.status == status, "%.60s: status %d, not %d", s, v.status, status);
    ck_assert_str_eq(v.code, code);
    ck_assert_msg(v.detail[0] != '\0', "no detail: %.60s", s);
}

START_TEST(well_formed_blocks_pass_with_their_length)
{
    head_verdict v;
    const char *get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    ck_assert_int_eq(judge(get, &v), HEAD_PASS);
    ck_assert_uint_eq(v.block_len, strlen(get));
    const char *post = "POST /v1/plans?a=1&b=2 HTTP/1.0\nContent-Length: 2\n\n{}";
    ck_assert_int_eq(judge(post, &v), HEAD_PASS);
    ck_assert_uint_eq(v.block_len, strlen(post) - 2);
    ck_assert_int_eq(judge("\r\n\r\nGET / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\nX:\r\n\r\n", &v), HEAD_PASS);
    ck_assert_int_eq(judge("OPTIONS * HTTP/1.9\r\nA-b.c~: \t v \r\n\r\n", &v), HEAD_PASS);
    ck_assert_int_eq(judge("GET /a b HTTP/1.1\r\n\r\n", &v), HEAD_PASS); /* libmicrohttpd reads "/a b" */
}
END_TEST

START_TEST(an_unfinished_block_waits_and_says_when_its_line_is_whole)
{
    head_verdict v;
    ck_assert_int_eq(judge("", &v), HEAD_MORE);
    ck_assert_int_eq(judge("GET /healthz HTTP/1.1", &v), HEAD_MORE);
    ck_assert_int_eq(v.line_whole, 0);
    ck_assert_int_eq(judge("GET /healthz HTTP/1.1\r\nHost: x\r\n", &v), HEAD_MORE);
    ck_assert_int_eq(v.line_whole, 1);
    ck_assert_int_eq(judge("GET /healthz HTTP/1.1\r\nHost: x\r\n\r", &v), HEAD_MORE);
    /* an error in a whole line is refused without waiting for the rest */
    refused("GET /healthz HTTP/2.0\r\nHost", 505, "http_version_not_supported");
}
END_TEST

START_TEST(request_lines_libmicrohttpd_refuses_are_refused)
{
    refused("GARBAGE\r\n\r\n", 400, "malformed_request");
    refused(" GET / HTTP/1.1\r\n\r\n", 400, "malformed_request");
    refused("GET /\r\n\r\n", 400, "malformed_request");
    refused("GET  \r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1 \r\n\r\n", 400, "malformed_request");
    refused("GET / http/1.1\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.10\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/a.1\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/2.0\r\n\r\n", 505, "http_version_not_supported");
    refused("GET / HTTP/0.9\r\n\r\n", 505, "http_version_not_supported");
    refused("GET /\r HTTP/1.1\r\n\r\n", 400, "malformed_request");
}
END_TEST

START_TEST(header_lines_are_checked)
{
    refused("GET / HTTP/1.1\r\nno colon\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1\r\n: v\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1\r\nHo(st: x\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1\r\n\tA: b\r\n\r\n", 400, "malformed_request");
    refused("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400, "malformed_request");
    head_verdict v;
    ck_assert_int_eq(head_check("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 27, &v), HEAD_REFUSE);
    ck_assert_int_eq(v.status, 400);
}
END_TEST

START_TEST(body_framing_is_checked)
{
    const char *p = "POST / HTTP/1.1\r\n";
    char s[256];
    static const struct {
        const char *headers;
        int status;
        const char *code;
    } cases[] = {
        {"Content-Length: abc\r\n", 400, "malformed_request"},
        {"Content-Length: \r\n", 400, "malformed_request"},
        {"Content-Length: 5 \r\n", 400, "malformed_request"},
        {"Content-Length: -1\r\n", 400, "malformed_request"},
        {"Content-Length: 18446744073709551616\r\n", 413, "body_too_large"},
        {"Content-Length: 1\r\ncontent-length: 1\r\n", 400, "malformed_request"},
        {"Transfer-Encoding: gzip\r\n", 501, "transfer_coding_not_supported"},
        {"Transfer-Encoding: chunked \r\n", 501, "transfer_coding_not_supported"},
        {"Transfer-Encoding: gzip, chunked\r\n", 501, "transfer_coding_not_supported"},
        {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400, "malformed_request"},
        {"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", 400, "malformed_request"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(s, sizeof s, "%s%s\r\n", p, cases[i].headers);
        refused(s, cases[i].status, cases[i].code);
    }
    head_verdict v;
    snprintf(s, sizeof s, "%sContent-Length: 18446744073709551615\r\n\r\n", p);
    ck_assert_int_eq(judge(s, &v), HEAD_PASS);
}
END_TEST

/* s with n bytes of filler after prefix, then suffix; in a static buffer. */
static const char *filled(const char *prefix, char fill, size_t n, const char *suffix)
{
    static char s[HEAD_BYTES_MAX + 4096];
    size_t a = strlen(prefix), c = strlen(suffix);
    ck_assert(a + n + c < sizeof s);
    memcpy(s, prefix, a);
    memset(s + a, fill, n);
    memcpy(s + a + n, suffix, c + 1);
    return s;
}

START_TEST(what_would_not_fit_is_refused_by_size)
{
    head_verdict v;
    /* a block not whole within HEAD_BYTES_MAX: 414 while the request line is not whole, else 431 */
    const char *s = filled("GET /", 'a', HEAD_BYTES_MAX, " HTTP/1.1\r\n\r\n");
    ck_assert_int_eq(head_check(s, HEAD_BYTES_MAX, &v), HEAD_REFUSE);
    ck_assert_int_eq(v.status, 414);
    s = filled("GET / HTTP/1.1\r\nX: ", 'a', HEAD_BYTES_MAX, "\r\n\r\n");
    ck_assert_int_eq(head_check(s, strlen(s), &v), HEAD_REFUSE);
    ck_assert_int_eq(v.status, 431);
    /* 16 KiB of one header passes (the server answers those over its own limit) */
    s = filled("GET / HTTP/1.1\r\nX: ", 'a', 16 * 1024, "\r\n\r\n");
    ck_assert_int_eq(judge(s, &v), HEAD_PASS);
    refused(filled("GET / HTTP/1.1\r\nX: ", 'a', HEAD_BYTES_MAX - 40, "\r\n\r\n"), 431, "headers_too_large");
    /* fields, query arguments and cookies each take a record of libmicrohttpd's memory */
    char many[8192] = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < HEAD_FIELDS_MAX; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "X-%d: 1\r\n", i);
    strcat(many, "\r\n");
    ck_assert_int_eq(judge(many, &v), HEAD_PASS);
    many[strlen(many) - 2] = '\0';
    strcat(many, "X-last: 1\r\n\r\n");
    refused(many, 431, "headers_too_large");
    refused(filled("GET /?", '&', 200, " HTTP/1.1\r\n\r\n"), 431, "headers_too_large");
    ck_assert_int_eq(judge(filled("GET /?", '&', 40, " HTTP/1.1\r\n\r\n"), &v), HEAD_PASS);
    refused(filled("GET / HTTP/1.1\r\nCookie: ", ';', 200, "\r\n\r\n"), 431, "headers_too_large");
}
END_TEST

Suite *headcheck_suite(void)
{
    Suite *s = suite_create("headcheck");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, well_formed_blocks_pass_with_their_length);
    tcase_add_test(tc, an_unfinished_block_waits_and_says_when_its_line_is_whole);
    tcase_add_test(tc, request_lines_libmicrohttpd_refuses_are_refused);
    tcase_add_test(tc, header_lines_are_checked);
    tcase_add_test(tc, body_framing_is_checked);
    tcase_add_test(tc, what_would_not_fit_is_refused_by_size);
    suite_add_tcase(s, tc);
    return s;
}
