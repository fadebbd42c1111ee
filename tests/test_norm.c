/*
 * test_norm.c — matching keys: case, white space, Vietnamese tone
 * placement, diacritic folding for names.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "tmkit.h"
#include "text/uclass.h"

static char *key(const char *s, int flags)
{
    static tm_buf out = TM_BUF_INIT; /* tests run one at a time per process */
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_norm(s, strlen(s), flags, &out, &err), TM_OK);
    return out.data;
}

static void same_match(const char *a, const char *b)
{
    char *ka = strdup(key(a, TM_NORM_MATCH));
    ck_assert_msg(strcmp(ka, key(b, TM_NORM_MATCH)) == 0,
                  "'%s' and '%s' should share a match key", a, b);
    free(ka);
}

static void differ_match(const char *a, const char *b)
{
    char *ka = strdup(key(a, TM_NORM_MATCH));
    ck_assert_msg(strcmp(ka, key(b, TM_NORM_MATCH)) != 0,
                  "'%s' and '%s' should have different match keys", a, b);
    free(ka);
}

START_TEST(test_tone_placement_variants_meet)
{
    same_match("hoá", "hóa");
    same_match("thuỷ", "thủy");
    same_match("khoẻ", "khỏe");
    same_match("hoà", "hòa");
    same_match("Thuỷ sản", "thủy sản");
    same_match("tiện lợi hoá thông quan", "tiện lợi hóa thông quan");
    same_match("Tỉnh uỷ", "Tỉnh ủy");
    same_match("tuỳ", "tùy");
    same_match("QUẢNG", "quảng");
    /* Where both conventions agree, the text is left as written. */
    ck_assert_str_eq(key("hoàng", TM_NORM_MATCH), "hoàng");
    ck_assert_str_eq(key("quý", TM_NORM_MATCH), "quý");
    ck_assert_str_eq(key("mái", TM_NORM_MATCH), "mái");
    ck_assert_str_eq(key("người", TM_NORM_MATCH), "người");
    ck_assert_str_eq(key("khuya", TM_NORM_MATCH), "khuya");
    ck_assert_str_eq(key("hoạch", TM_NORM_MATCH), "hoạch");
    /* Decomposed input (not NFC) reaches the same key too. */
    same_match("ho\xCC\x81" "a", "hóa");
}
END_TEST

START_TEST(test_tones_stay_significant)
{
    differ_match("ma", "má");
    differ_match("má", "mà");
    differ_match("hoa", "hóa");
    differ_match("thuy", "thủy");
    differ_match("Việt", "Viet");
}
END_TEST

START_TEST(test_case_and_space)
{
    ck_assert_str_eq(key("  QUẢNG   Ninh\t ", TM_NORM_MATCH), "quảng ninh");
    ck_assert_str_eq(key("Hạ\xC2\xA0Long", TM_NORM_MATCH), "hạ long");    /* no-break space */
    ck_assert_str_eq(key("Hạ\xE2\x80\x8BLong", TM_NORM_MATCH), "hạlong"); /* ZWSP dropped */
    ck_assert_str_eq(key("", TM_NORM_MATCH), "");
    ck_assert_str_eq(key(" \t ", TM_NORM_MATCH), "");
    ck_assert_str_eq(key("ĐÔNG", TM_NORM_MATCH), "đông");
}
END_TEST

START_TEST(test_french_words_with_several_accents_untouched)
{
    ck_assert_str_eq(key("Élève", TM_NORM_MATCH), "élève");
    ck_assert_str_eq(key("été", TM_NORM_MATCH), "été");
    same_match("Café", "café");
}
END_TEST

START_TEST(test_fold_names)
{
    ck_assert_str_eq(key("Quảng Ninh", TM_NORM_FOLD), "quang ninh");
    ck_assert_str_eq(key("Đông Hưng", TM_NORM_FOLD), "dong hung");
    ck_assert_str_eq(key("Móng Cái", TM_NORM_FOLD), "mong cai");
    ck_assert_str_eq(key("Nguyễn Xuân Ký", TM_NORM_FOLD), "nguyen xuan ky");
    ck_assert_str_eq(key("cœur Ælfred Øresund Łódź", TM_NORM_FOLD), "coeur aelfred oresund lodz");
    ck_assert_str_eq(key("Hà Nội", TM_NORM_FOLD), key("Ha Noi", TM_NORM_FOLD));
    ck_assert_str_eq(key("STRASSE Straße", TM_NORM_FOLD), "strasse strasse");
}
END_TEST

START_TEST(test_keys_idempotent)
{
    const char *samples[] = {"Thuỷ sản Quảng Ninh", "Élève À l'école", "người Việt",
                             "Khu tự trị dân tộc Choang", "1.000.000 đồng"};
    int flags[] = {TM_NORM_MATCH, TM_NORM_FOLD};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
        for (size_t f = 0; f < 2; f++) {
            char *once = strdup(key(samples[i], flags[f]));
            ck_assert_str_eq(key(once, flags[f]), once);
            free(once);
        }
}
END_TEST

START_TEST(test_key_is_nfc_utf8)
{
    const char *k = key("Hóa", TM_NORM_MATCH);
    ck_assert_uint_eq(tm_utf8_valid_prefix(k, strlen(k)), strlen(k));
    ck_assert_str_eq(k, "hoá"); /* tone moved to the end, recomposed */
}
END_TEST

/* Text whose decomposed or case-folded form is several times longer than
 * it (U+1F82 is 4 code points in NFD; ß folds to ss), long and short: the
 * key of a repetition is the repetition of the key. */
START_TEST(test_keys_of_expanding_text)
{
    static const char *const units[] = {"\xE1\xBE\x82", "\xC3\x9F", "\xEF\xAC\x83", "Vi\xE1\xBB\x87t"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++)
        for (int reps = 1; reps <= 400; reps *= 7) {
            tm_buf one = {0}, many = {0}, want = {0};
            tm_error err = {TM_OK, ""};
            ck_assert_int_eq(tm_norm_match(units[u], strlen(units[u]), &one, &err), TM_OK);
            char *text = malloc(strlen(units[u]) * (size_t)reps + 1);
            text[0] = '\0';
            for (int r = 0; r < reps; r++) {
                strcat(text, units[u]);
                ck_assert_int_eq(tm_buf_append(&want, one.data, one.len), 0);
            }
            ck_assert_int_eq(tm_norm_match(text, strlen(text), &many, &err), TM_OK);
            ck_assert_uint_eq(many.len, want.len);
            ck_assert(memcmp(many.data, want.data, want.len) == 0);
            free(text);
            tm_buf_free(&one);
            tm_buf_free(&many);
            tm_buf_free(&want);
        }
}
END_TEST

/* The shared class table answers as ICU does, in and beyond the BMP. */
START_TEST(test_uclass_table)
{
    tm_uclass_init();
    ck_assert_uint_eq(tm_uclass('a'), TM_UC_ALNUM | TM_UC_ALPHA | TM_UC_LOWER);
    ck_assert_uint_eq(tm_uclass('A'), TM_UC_ALNUM | TM_UC_ALPHA | TM_UC_UPPER);
    ck_assert_uint_eq(tm_uclass('5'), TM_UC_ALNUM);
    ck_assert_uint_eq(tm_uclass(0x1EC7), TM_UC_ALNUM | TM_UC_ALPHA | TM_UC_LOWER); /* ệ */
    ck_assert_uint_eq(tm_uclass(0x1EC6), TM_UC_ALNUM | TM_UC_ALPHA | TM_UC_UPPER); /* Ệ */
    ck_assert_uint_eq(tm_uclass(0x01C5), TM_UC_ALNUM | TM_UC_ALPHA | TM_UC_UPPER); /* ǅ (title) */
    ck_assert_uint_eq(tm_uclass(0x0301), TM_UC_MARK);
    ck_assert_uint_eq(tm_uclass(0x00A0), TM_UC_SPACE);
    ck_assert_uint_eq(tm_uclass(0x00AD), TM_UC_FORMAT);
    ck_assert_uint_eq(tm_uclass('.'), TM_UC_TERM);
    ck_assert_uint_eq(tm_uclass(0x3002), TM_UC_TERM); /* 。 */
    ck_assert_uint_eq(tm_uclass(0x00BB), TM_UC_CLOSER); /* » */
    ck_assert_uint_eq(tm_uclass(')'), TM_UC_CLOSER);
    ck_assert_uint_eq(tm_uclass(0xD83D), TM_UC_LEAD);
    ck_assert_uint_eq(tm_uclass(0x1F600), 0);                        /* 😀 */
    ck_assert_uint_eq(tm_uclass(0x1D400), TM_UC_ALNUM | TM_UC_ALPHA | TM_UC_UPPER); /* 𝐀 */
    for (UChar32 c = 0; c < 0x10000; c++) {
        ck_assert_uint_eq(!!(tm_uclass(c) & TM_UC_ALPHA), !!u_isalpha(c));
        ck_assert_uint_eq(!!(tm_uclass(c) & TM_UC_UPPER), u_isUUppercase(c) || u_istitle(c));
        ck_assert_uint_eq(!!(tm_uclass(c) & TM_UC_LOWER), !!u_isULowercase(c));
    }
    /* The segmenter's scan skips runs of these ranges but for five. */
    for (UChar32 c = 0; c < 0x2026; c++)
        if (c < 0x370 || (c >= 0x1E00 && c <= 0x1EFF) || c >= 0x2000)
            ck_assert_uint_eq(!!(tm_uclass(c) & TM_UC_TERM), c < 0x80 && c && strchr(".!?:;", (int)c));
}
END_TEST

/* The fast path of the key of flags (norm_fast.c, norm_fold.c) and the
 * general path agree on one text; returns whether the fast path took it. */
static int paths_agree(const char *s, size_t n, int flags,
                       int (*fast_path)(const char *, size_t, tm_buf *, tm_error *))
{
    tm_buf fast = TM_BUF_INIT, slow = TM_BUF_INIT;
    tm_error e1 = {TM_OK, ""}, e2 = {TM_OK, ""};
    int took = fast_path(s, n, &fast, &e1);
    ck_assert_int_ge(took, 0);
    tm_status st = tm_norm(s, n, flags, &slow, &e2);
    if (took) {
        ck_assert_int_eq(st, TM_OK);
        ck_assert_msg(fast.len == slow.len && memcmp(fast.data, slow.data, fast.len) == 0,
                      "fast key '%s' != general key '%s' (flags %d) of '%.*s'", fast.data,
                      slow.data, flags, (int)n, s);
        ck_assert(fast.data[fast.len] == '\0');
    }
    tm_buf_free(&fast);
    tm_buf_free(&slow);
    return took;
}

static int fast_agrees(const char *s, size_t n)
{
    return paths_agree(s, n, TM_NORM_MATCH, tm_norm_match_fast);
}

static int fold_fast_agrees(const char *s, size_t n)
{
    return paths_agree(s, n, TM_NORM_FOLD, tm_norm_fold_fast);
}

/* Every sentence of the corpora: same key both ways, and the fast path
 * takes nearly all of them (else it would be a fast path for nothing). */
START_TEST(test_fast_path_on_corpora)
{
    size_t lines, fast = test_corpus_taken(fast_agrees, &lines);
    ck_assert_uint_gt(lines, 1000);
    ck_assert_msg(fast * 100 >= lines * 95, "fast path took %zu of %zu lines", fast, lines);
}
END_TEST

/* Random text (testutil.h) through both paths. */
START_TEST(test_fast_path_on_random_text)
{
    size_t fast = test_random_taken(fast_agrees, 12345, 40000);
    ck_assert_uint_gt(fast, 4000); /* both paths were taken often */
    ck_assert_uint_lt(fast, 36000);
}
END_TEST

START_TEST(test_fold_fast_path_on_corpora)
{
    size_t lines, fast = test_corpus_taken(fold_fast_agrees, &lines);
    ck_assert_uint_gt(lines, 1000);
    ck_assert_msg(fast * 100 >= lines * 95, "fold fast path took %zu of %zu lines", fast, lines);
}
END_TEST

START_TEST(test_fold_fast_path_on_random_text)
{
    size_t fast = test_random_taken(fold_fast_agrees, 4242, 40000);
    ck_assert_uint_gt(fast, 4000); /* both paths were taken often */
    ck_assert_uint_lt(fast, 36000);
}
END_TEST

/* Every BMP character alone, after a letter and a space, and before a
 * letter: the table entry of each one is held to the general path (a
 * character the fast path refuses only has to be refused consistently). */
START_TEST(test_fold_fast_path_on_every_bmp_character)
{
    size_t taken = 0;
    for (uint32_t c = 1; c < 0x10000; c++) {
        if (c >= 0xD800 && c < 0xE000)
            continue;
        char t[16] = "a ";
        size_t k = tm_utf8_encode(c, t + 2);
        ck_assert_uint_gt(k, 0);
        t[2 + k] = 'b';
        taken += fold_fast_agrees(t + 2, k) != 0;
        fold_fast_agrees(t, 2 + k + 1);
        fold_fast_agrees(t + 2, k + 1);
    }
    ck_assert_uint_gt(taken, 40000); /* most of the BMP has an entry */
}
END_TEST

START_TEST(test_invalid_utf8_refused)
{
    tm_buf out = TM_BUF_INIT;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_norm_match("a\xFF", 2, &out, &err), TM_EDATA);
    ck_assert_int_eq(tm_norm_fold("a\xFF", 2, &out, &err), TM_EDATA);
    tm_buf_free(&out);
}
END_TEST

static Suite *norm_suite(void)
{
    Suite *s = suite_create("norm");
    TCase *tc = tcase_create("keys");
    tcase_add_test(tc, test_tone_placement_variants_meet);
    tcase_add_test(tc, test_tones_stay_significant);
    tcase_add_test(tc, test_case_and_space);
    tcase_add_test(tc, test_french_words_with_several_accents_untouched);
    tcase_add_test(tc, test_fold_names);
    tcase_add_test(tc, test_keys_idempotent);
    tcase_add_test(tc, test_key_is_nfc_utf8);
    tcase_add_test(tc, test_keys_of_expanding_text);
    tcase_add_test(tc, test_uclass_table);
    tcase_add_test(tc, test_invalid_utf8_refused);
    tcase_add_test(tc, test_fast_path_on_corpora);
    tcase_add_test(tc, test_fast_path_on_random_text);
    tcase_add_test(tc, test_fold_fast_path_on_corpora);
    tcase_add_test(tc, test_fold_fast_path_on_random_text);
    tcase_add_test(tc, test_fold_fast_path_on_every_bmp_character);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(norm_suite)
