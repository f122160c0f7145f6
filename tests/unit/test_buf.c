/* test_buf.c — core/buf.h's spill: a large answer's text goes to a temporary file that has no
 * name, and comes back byte for byte (issue 21). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "suites.h"

/* The first len bytes of fd (closed here), malloc'd and NUL-terminated. */
static char *read_fd(int fd, size_t len)
{
    char *s = malloc(len + 1);
    ck_assert_ptr_nonnull(s);
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, s + got, len - got, (off_t)got);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    char extra;
    ck_assert_int_eq(pread(fd, &extra, 1, (off_t)len), 0); /* nothing past the text */
    s[len] = '\0';
    close(fd);
    return s;
}

/* Files in dir, . and .. aside. */
static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* A private TMPDIR for the test (removed by end_tmpdir). */
static char tmpdir[64];
static void use_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ciclo-buf-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    setenv("TMPDIR", tmpdir, 1);
}
static void end_tmpdir(void)
{
    ck_assert_int_eq(files_in(tmpdir), 0);
    ck_assert_int_eq(rmdir(tmpdir), 0);
    unsetenv("TMPDIR");
}

/* The same appends, of every kind and size, to b. */
static void write_text(buf *b, size_t *max_len)
{
    char big[700];
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 3000; i++) {
        buf_printf(b, "{\"i\":%d,\"s\":\"", i);
        buf_json_escape(b, i % 7 ? "plain" : "quote\" tab\t nl\n");
        buf_puts(b, "\"}");
        buf_putc(b, ',');
        if (i % 500 == 0)
            buf_append(b, big, sizeof big); /* larger than the threshold at once */
        if (max_len && b->len > *max_len)
            *max_len = b->len;
    }
}

START_TEST(spilled_text_is_the_text_in_memory)
{
    use_tmpdir();
    buf mem, sp;
    buf_init(&mem, 0);
    write_text(&mem, NULL);
    ck_assert(!mem.failed && !mem.has_file);
    buf_init(&sp, 0);
    buf_spill(&sp, 256);
    size_t max_len = 0;
    write_text(&sp, &max_len);
    ck_assert(!sp.failed && sp.has_file);
    ck_assert_uint_le(max_len, 256 + 700); /* memory holds the threshold and one append */
    ck_assert_uint_eq(buf_size(&sp), mem.len);
    ck_assert_int_eq(files_in(tmpdir), 0); /* the file has no name */
    size_t len = 0;
    int fd = buf_take_file(&sp, &len);
    ck_assert_int_ge(fd, 0);
    ck_assert_uint_eq(len, mem.len);
    ck_assert(!sp.has_file && sp.data == NULL && sp.len == 0);
    char *back = read_fd(fd, len);
    ck_assert_int_eq(memcmp(back, mem.data, len), 0);
    free(back);
    buf_free(&mem);
    end_tmpdir();
}
END_TEST

START_TEST(small_text_stays_in_memory)
{
    use_tmpdir();
    buf b;
    buf_init(&b, 0);
    buf_spill(&b, 1024);
    buf_puts(&b, "short");
    ck_assert(!b.has_file);
    size_t len = 0;
    ck_assert_int_eq(buf_take_file(&b, &len), -1); /* no file: take it as text */
    char *s = buf_steal(&b, &len);
    ck_assert_str_eq(s, "short");
    ck_assert_uint_eq(len, 5);
    free(s);
    end_tmpdir();
}
END_TEST

START_TEST(a_spilled_text_is_not_stolen)
{
    use_tmpdir();
    buf b;
    buf_init(&b, 0);
    buf_spill(&b, 16);
    buf_puts(&b, "0123456789");
    buf_puts(&b, "0123456789"); /* the first ten bytes went to the file */
    ck_assert(b.has_file);
    ck_assert_ptr_null(buf_steal(&b, NULL)); /* it would be only the tail */
    ck_assert(b.failed);
    size_t len;
    ck_assert_int_eq(buf_take_file(&b, &len), -1); /* a failed text is not handed over */
    ck_assert(!b.has_file);
    end_tmpdir();
}
END_TEST

START_TEST(the_limit_counts_the_file)
{
    use_tmpdir();
    buf b;
    buf_init(&b, 1000);
    buf_spill(&b, 100);
    char chunk[50];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(buf_append(&b, chunk, sizeof chunk), 0);
    ck_assert_uint_eq(buf_size(&b), 1000);
    ck_assert_uint_le(b.len, 100);
    ck_assert_int_eq(buf_putc(&b, 'b'), -1); /* 1,001 bytes in all: over the limit */
    ck_assert(b.failed);
    buf_free(&b);
    end_tmpdir();
}
END_TEST

START_TEST(free_closes_the_file)
{
    use_tmpdir();
    buf b;
    buf_init(&b, 0);
    buf_spill(&b, 8);
    buf_puts(&b, "0123456789abcdef");
    buf_puts(&b, "0123456789abcdef");
    ck_assert(b.has_file);
    int fd = b.fd;
    ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
    ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    buf_free(&b);
    errno = 0;
    ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
    ck_assert_int_eq(errno, EBADF);
    end_tmpdir();
}
END_TEST

START_TEST(no_temporary_directory_keeps_the_text_in_memory)
{
    setenv("TMPDIR", "/nonexistent/ciclo-buf-test", 1);
    ck_assert_int_eq(buf_temp_file(), -1);
    buf b;
    buf_init(&b, 0);
    buf_spill(&b, 8);
    for (int i = 0; i < 100; i++)
        buf_printf(&b, "%02d", i);
    ck_assert(!b.failed && !b.has_file);
    ck_assert_uint_eq(b.len, 200);
    ck_assert_int_eq(memcmp(b.data, "00010203", 8), 0);
    ck_assert_int_eq(memcmp(b.data + 196, "9899", 4), 0);
    buf_free(&b);
    unsetenv("TMPDIR");
}
END_TEST

Suite *buf_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("spill");
    tcase_add_test(tc, spilled_text_is_the_text_in_memory);
    tcase_add_test(tc, small_text_stays_in_memory);
    tcase_add_test(tc, a_spilled_text_is_not_stolen);
    tcase_add_test(tc, the_limit_counts_the_file);
    tcase_add_test(tc, free_closes_the_file);
    tcase_add_test(tc, no_temporary_directory_keeps_the_text_in_memory);
    suite_add_tcase(s, tc);
    return s;
}
