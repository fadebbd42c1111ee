/*
 * test_store_faults.c — I/O failures during a commit (fault injection, as
 * SQLite's tests do it): the Nth write or fsync of an import fails, for
 * every N the commit reaches. Each time the import reports the failure, and
 * the store still opens, passes `check` and holds the old content or the
 * new, never a mix; a later import works. The binary is linked with
 * -Wl,--wrap=pwrite,--wrap=fsync so that the library's calls come here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "tmkit.h"

/* Calls left before the one that fails (-1: none fails); that call fails
 * with EIO, after doing half its work for a write (a torn write). */
static long fail_in = -1;
static long calls;

ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_fsync(int fd);

static int failing_now(void)
{
    calls++;
    if (fail_in < 0 || fail_in-- > 0)
        return 0;
    errno = EIO;
    return 1;
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (failing_now()) {
        if (n > 1 && __real_pwrite(fd, buf, n / 2, off) < 0)
            return -1;
        errno = EIO;
        return -1;
    }
    return __real_pwrite(fd, buf, n, off);
}

int __wrap_fsync(int fd)
{
    return failing_now() ? -1 : __real_fsync(fd);
}

static char path[64];

static void unit(tm_tu *tu, int k, const char *tag)
{
    char vi[128], fr[128];
    snprintf(vi, sizeof vi, "Câu thứ %d của đợt %s về hợp tác biên giới.", k, tag);
    snprintf(fr, sizeof fr, "Phrase %d du lot %s sur la coopération frontalière.", k, tag);
    tm_tu_clear(tu);
    tm_annot_set_attr(&tu->an, "creationdate", "20240101T000000Z");
    tm_tu_add_tuv(tu, "vi", vi, NULL);
    tm_tu_add_tuv(tu, "fr", fr, NULL);
}

/* Import n units of lot tag; the commit's status. */
static tm_status import(int n, const char *tag, tm_error *err)
{
    tm_store_writer *w;
    tm_status st = tm_store_writer_open(&w, path, err);
    if (st != TM_OK)
        return st;
    tm_tu tu = TM_TU_INIT;
    for (int k = 0; k < n && st == TM_OK; k++) {
        unit(&tu, k, tag);
        st = tm_store_writer_add(w, &tu, err);
    }
    tm_tu_clear(&tu);
    if (st != TM_OK) {
        tm_store_writer_abort(w);
        return st;
    }
    return tm_store_writer_commit(w, err);
}

static int units_now(void)
{
    tm_store *s;
    tm_store_stats stats;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_store_open(&s, path, &err) == TM_OK, "%s", err.msg);
    ck_assert_int_eq(tm_store_get_stats(s, &stats, &err), TM_OK);
    tm_store_close(s);
    return (int)stats.units;
}

static void store_intact(void)
{
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}

/* The bytes of the file at path into *len. */
static unsigned char *slurp(size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    unsigned char *p = malloc(*len ? *len : 1);
    ck_assert_uint_eq(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static void restore(const unsigned char *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(p, 1, len, f), len);
    fclose(f);
}

/* Every write and fsync of an import into an existing store fails in turn. */
START_TEST(test_each_failing_call_leaves_old_or_new)
{
    strcpy(path, "/tmp/tmkit-faults-XXXXXX");
    close(mkstemp(path));
    unlink(path);
    tm_error err = {TM_OK, ""};
    ck_assert_msg(import(40, "a", &err) == TM_OK, "%s", err.msg);
    size_t blen;
    unsigned char *base = slurp(&blen);
    int old_seen = 0, new_seen = 0;
    long n;
    for (n = 0;; n++) {
        restore(base, blen);
        calls = 0;
        fail_in = n;
        tm_status st = import(25, "b", &err);
        fail_in = -1;
        if (st == TM_OK)
            break; /* n is past the commit's last call */
        ck_assert_int_eq(st, TM_EIO);
        ck_assert_msg(strstr(err.msg, path) != NULL, "the message names the store: %s", err.msg);
        store_intact();
        int units = units_now();
        ck_assert_msg(units == 40 || units == 65, "call %ld failed: %d units", n, units);
        old_seen += units == 40;
        new_seen += units == 65;
        /* and the store takes the next import */
        ck_assert_msg(import(5, "c", &err) == TM_OK, "after call %ld failed: %s", n, err.msg);
        store_intact();
        ck_assert_int_eq(units_now(), units + 5);
    }
    ck_assert_int_gt(n, 5);  /* the commit was reached: blocks, fsyncs, slot */
    ck_assert_int_gt(old_seen, 0);
    /* the last fsync fails after the slot landed in the page cache: the
     * new content is what the file holds, and must be readable */
    ck_assert_int_gt(new_seen, 0);
    ck_assert_int_eq(units_now(), 65);
    store_intact();
    free(base);
    unlink(path);
}
END_TEST

/* A failure while creating a store leaves no file or a store that opens. */
START_TEST(test_failing_creation)
{
    for (long n = 0; n < 12; n++) {
        strcpy(path, "/tmp/tmkit-faults-XXXXXX");
        close(mkstemp(path));
        unlink(path);
        tm_error err = {TM_OK, ""};
        fail_in = n;
        tm_status st = import(10, "a", &err);
        fail_in = -1;
        if (st != TM_OK && access(path, F_OK) != 0)
            continue; /* nothing was made */
        store_intact();
        int units = units_now();
        if (st == TM_OK)
            ck_assert_int_eq(units, 10);
        else
            ck_assert_msg(units == 0 || units == 10, "call %ld failed: %d units", n, units);
        unlink(path);
    }
}
END_TEST

static Suite *faults_suite(void)
{
    Suite *s = suite_create("store_faults");
    TCase *tc = tcase_create("io");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_each_failing_call_leaves_old_or_new);
    tcase_add_test(tc, test_failing_creation);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(faults_suite)
