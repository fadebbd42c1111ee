/* test_afile.c — atomic output: old content survives until commit. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "tmkit.h"

static char dir[] = "/tmp/tmkit-afile-XXXXXX";
static char path[512];

static void setup(void)
{
    strcpy(dir, "/tmp/tmkit-afile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.tmx", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

static void slurp(char *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    size_t n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

static int entries_in_dir(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void write_via_afile(const char *content, int commit)
{
    tm_afile *af;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_afile_open(&af, path, &err), TM_OK);
    fputs(content, tm_afile_fp(af));
    if (commit)
        ck_assert_int_eq(tm_afile_commit(af, &err), TM_OK);
    else
        tm_afile_abort(af);
}

START_TEST(test_commit_creates_and_replaces)
{
    char buf[64];
    write_via_afile("first", 1);
    slurp(buf, sizeof buf);
    ck_assert_str_eq(buf, "first");
    write_via_afile("second", 1);
    slurp(buf, sizeof buf);
    ck_assert_str_eq(buf, "second");
    ck_assert_int_eq(entries_in_dir(), 1); /* no temporary left behind */
}
END_TEST

START_TEST(test_abort_keeps_old_content)
{
    char buf[64];
    write_via_afile("old", 1);
    write_via_afile("half-written", 0);
    slurp(buf, sizeof buf);
    ck_assert_str_eq(buf, "old");
    ck_assert_int_eq(entries_in_dir(), 1);
}
END_TEST

START_TEST(test_target_invisible_before_commit)
{
    tm_afile *af;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_afile_open(&af, path, &err), TM_OK);
    fputs("partial", tm_afile_fp(af));
    fflush(tm_afile_fp(af));
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0); /* nothing under the final name yet */
    ck_assert_int_eq(tm_afile_commit(af, &err), TM_OK);
    ck_assert_int_eq(stat(path, &st), 0);
}
END_TEST

START_TEST(test_open_in_missing_dir_fails)
{
    tm_afile *af;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_afile_open(&af, "/nonexistent-dir/out.tmx", &err), TM_EIO);
    ck_assert_ptr_null(af);
    ck_assert_msg(strstr(err.msg, "/nonexistent-dir/out.tmx: cannot create output"), "got: %s", err.msg);
}
END_TEST

static Suite *afile_suite(void)
{
    Suite *s = suite_create("afile");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_commit_creates_and_replaces);
    tcase_add_test(tc, test_abort_keeps_old_content);
    tcase_add_test(tc, test_target_invisible_before_commit);
    tcase_add_test(tc, test_open_in_missing_dir_fails);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(afile_suite)
