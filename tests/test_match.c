/*
 * test_match.c — CAT-style scores: 100 only for the same text up to white
 * space and spelling variants, just under 100 for a number, case or
 * punctuation difference, edit distance on words otherwise; the diff marks
 * the words that differ.
 */
#include <string.h>

#include "match/match_internal.h"
#include "testutil.h"
#include "tmkit.h"

/* The one-pass preparation (match_scan.c) and the general one agree on a
 * text whenever the one pass takes it; returns whether it did. */
static int scan_agrees(const char *s, size_t n)
{
    tm_mtext a = TM_MTEXT_INIT, b = TM_MTEXT_INIT;
    tm_error e1 = {TM_OK, ""}, e2 = {TM_OK, ""};
    ck_assert_int_eq(tm_mtext_prepare_general(&b, s, n, NULL, &e2), TM_OK);
    a.case_sig = a.punct_sig = a.number_sig = 2166136261u;
    int took = tm_mtext_scan(&a, s, n, &e1);
    ck_assert_int_ge(took, 0);
    if (took) {
        ck_assert_msg(a.key.len == b.key.len && memcmp(a.key.data, b.key.data, a.key.len) == 0,
                      "keys '%s' != '%s' of '%.*s'", a.key.data, b.key.data, (int)n, s);
        ck_assert_msg(a.nwords == b.nwords && !b.split, "%zu words != %zu (split %d) of '%.*s'",
                      a.nwords, b.nwords, b.split, (int)n, s);
        ck_assert(a.nwords == 0 || memcmp(a.words, b.words, a.nwords * sizeof *a.words) == 0);
        ck_assert(a.nwords == 0 || memcmp(a.spans, b.spans, 2 * a.nwords * sizeof *a.spans) == 0);
        ck_assert_msg(a.case_sig == b.case_sig && a.punct_sig == b.punct_sig &&
                          a.number_sig == b.number_sig,
                      "signatures differ for '%.*s'", (int)n, s);
    }
    tm_mtext_free(&a);
    tm_mtext_free(&b);
    return took;
}

/* Every corpus sentence both ways; the one pass takes nearly all. */
START_TEST(test_one_pass_on_corpora)
{
    size_t lines, took = test_corpus_taken(scan_agrees, &lines);
    ck_assert_uint_gt(lines, 1000);
    ck_assert_msg(took * 100 >= lines * 95, "one pass took %zu of %zu lines", took, lines);
}
END_TEST

START_TEST(test_one_pass_on_random_text)
{
    size_t took = test_random_taken(scan_agrees, 777, 40000);
    ck_assert_uint_gt(took, 4000); /* both ways were taken often */
    ck_assert_uint_lt(took, 36000);
}
END_TEST

/* Numbers, joints and the tone move inside the one pass. */
START_TEST(test_one_pass_cases)
{
    static const char *const texts[] = {
        "253,9 tỷ đồng", "1.245,6", "a1.5b", ".5 và 5.", "Hoà bình, hòa BÌNH!", "KHOẺ khỏe",
        "  thuỷ   lợi  ", "Quý I/2023", "x,1", "1,x", "ﬁn ß", "",
        /* letter runs cut by digits, the tone move after an ASCII stretch */
        "xo1a", "HOA1oa", "thuy2uỳ", "KhOÀ hoa", "ạo3OE", "a",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        scan_agrees(texts[i], strlen(texts[i]));
    /* ordinary text takes the one pass, text with a soft hyphen does not */
    ck_assert_int_eq(scan_agrees("Hoà bình 253,9", strlen("Hoà bình 253,9")), 1);
    ck_assert_int_eq(scan_agrees("ho\xc2\xadà", strlen("ho\xc2\xadà")), 0);
}
END_TEST

static tm_match_result score(const char *q, const char *c, unsigned char *diff, size_t *nwords)
{
    tm_mtext mq = TM_MTEXT_INIT, mc = TM_MTEXT_INIT;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_mtext_prepare(&mq, q, strlen(q), NULL, &err), TM_OK);
    ck_assert_int_eq(tm_mtext_prepare(&mc, c, strlen(c), NULL, &err), TM_OK);
    tm_match_result r = tm_match_score(&mq, &mc, diff);
    if (nwords)
        *nwords = mc.nwords;
    tm_mtext_free(&mq);
    tm_mtext_free(&mc);
    return r;
}

static int pct(const char *q, const char *c) { return score(q, c, NULL, NULL).score; }

START_TEST(test_exact_and_invisible_differences)
{
    ck_assert_int_eq(pct("Hai bên thống nhất đẩy mạnh hợp tác.", "Hai bên thống nhất đẩy mạnh hợp tác."), 100);
    ck_assert_int_eq(pct("Hai bên  thống nhất\tđẩy mạnh hợp tác.", "Hai bên thống nhất đẩy mạnh hợp tác."), 100);
    ck_assert_int_eq(pct("Tiện lợi hoá thông quan.", "Tiện lợi hóa thông quan."), 100);
    ck_assert_int_eq(pct("Thủy sản tăng.", "Thuỷ sản tăng."), 100);
}
END_TEST

START_TEST(test_penalties_just_under_100)
{
    ck_assert_int_eq(pct("Kim ngạch đạt 253,9 tỷ NDT.", "Kim ngạch đạt 36,3 tỷ NDT."), 98);
    ck_assert_int_eq(pct("Kim ngạch đạt 253,9 tỷ NDT.", "kim ngạch đạt 253,9 tỷ NDT."), 99);
    ck_assert_int_eq(pct("Kim ngạch đạt 253,9 tỷ NDT.", "Kim ngạch đạt 253,9 tỷ NDT!"), 99);
    ck_assert_int_eq(pct("Kim ngạch đạt 253,9 tỷ NDT.", "kim ngạch đạt 36,3 tỷ NDT!"), 96);
}
END_TEST

START_TEST(test_tags_penalized)
{
    tm_mtext a = TM_MTEXT_INIT, b = TM_MTEXT_INIT;
    tm_error err = {TM_OK, ""};
    const char *t = "Le Guangxi est un partenaire important.";
    tm_mtext_prepare(&a, t, strlen(t), NULL, &err);
    tm_mtext_prepare(&b, t, strlen(t), "Le Guangxi est un <bpt i=\"1\">{}</bpt>partenaire<ept i=\"1\">{}</ept> important.", &err);
    ck_assert_int_eq(tm_match_score(&a, &b, NULL).score, 99);
    tm_mtext_free(&a);
    tm_mtext_free(&b);
}
END_TEST

START_TEST(test_edit_distance_on_words)
{
    /* 10 words against 11: one substituted, one inserted: 1 - 2/11 */
    ck_assert_int_eq(pct("Hai bên thống nhất đẩy mạnh hợp tác thương mại", "Hai bên thống nhất đẩy mạnh hợp tác đầu tư mại"), 81);
    /* one word of 10 substituted: 90 */
    ck_assert_int_eq(pct("một hai ba bốn năm sáu bảy tám chín mười", "một hai ba bốn năm sáu bảy tám chín mươi"), 90);
    /* one word inserted into 9: 90 */
    ck_assert_int_eq(pct("một hai ba bốn năm sáu bảy tám chín", "một hai ba bốn năm sáu bảy tám chín mười"), 90);
    ck_assert_int_eq(pct("Bonjour", "Au revoir"), 0);
}
END_TEST

START_TEST(test_diff_marks_changed_words)
{
    unsigned char diff[16];
    size_t n;
    tm_match_result r = score("Hai bên đẩy mạnh hợp tác", "Hai bên tăng cường hợp tác", diff, &n);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(r.score, 66);
    unsigned char want[] = {0, 0, 1, 1, 0, 0};
    ck_assert_int_eq(memcmp(diff, want, 6), 0);
}
END_TEST

START_TEST(test_spans_address_the_text)
{
    tm_mtext mt = TM_MTEXT_INIT;
    tm_error err = {TM_OK, ""};
    const char *t = "« Quảng Ninh », 2024.";
    ck_assert_int_eq(tm_mtext_prepare(&mt, t, strlen(t), NULL, &err), TM_OK);
    ck_assert_uint_eq(mt.nwords, 3);
    ck_assert_int_eq(strncmp(t + mt.spans[0], "Quảng", mt.spans[1] - mt.spans[0]), 0);
    ck_assert_uint_eq(mt.words[2], TM_NUM_TOKEN);
    tm_mtext_free(&mt);
}
END_TEST

START_TEST(test_empty_texts)
{
    ck_assert_int_eq(pct("", ""), 100);
    ck_assert_int_eq(pct("Hà Nội", ""), 0);
}
END_TEST

static Suite *match_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("scores");
    tcase_add_test(tc, test_exact_and_invisible_differences);
    tcase_add_test(tc, test_penalties_just_under_100);
    tcase_add_test(tc, test_tags_penalized);
    tcase_add_test(tc, test_edit_distance_on_words);
    tcase_add_test(tc, test_diff_marks_changed_words);
    tcase_add_test(tc, test_spans_address_the_text);
    tcase_add_test(tc, test_empty_texts);
    tcase_add_test(tc, test_one_pass_on_corpora);
    tcase_add_test(tc, test_one_pass_on_random_text);
    tcase_add_test(tc, test_one_pass_cases);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(match_suite)
