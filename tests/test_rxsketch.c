/*
 * test_rxsketch.c — the regex sketch never says "cannot" where ICU matches.
 *
 * Differential: every SRX rule pattern of the built-in file and a set of
 * patterns exercising each construct the sketch reads, against ICU at every
 * position of the corpora text and of random strings. Also: \s \d \w and
 * their complements equal ICU's on the whole BMP; unmodelled patterns get
 * no sketch; and the sketch does rule positions out (it is not "always
 * might").
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uregex.h>
#include <unicode/ustring.h>

#include "segment/rxsketch.h"
#include "testutil.h"
#include "tmkit.h"

/* Patterns beyond the built-in rules: one or more constructs each. */
static const char *const EXTRA[] = {
    "a", "ab|cd", "(?:ab)*c", "a+b?", "x{2,3}y", "x{0,2}", "x{3}", "x{2,}", "(?:a|b){1,4}\\.",
    "[a-c]+\\d", "[^\\s\\d]", "[\\p{Lu}\\p{Lt}]\\.", "\\p{L}+", "\\P{L}", "\\p{N}", ".\\.", "..?",
    "\\s+\\p{Ll}", "(?=\\s)\\s", "(?!x)\\w", "(?<=a)b", "(?<!\\p{L})M\\.", "(?<![a-z])(?:Dr|Pr)\\.",
    "^\\s*\\d+\\.", "\\ba\\b", "$", "", "x*", "a*?b", "a++b", "(?>ab|a)c", "(?<name>ab)c",
    "\\x41\\u0042\\x{43}", "\\t\\n", "[\\-\\]]?", "[(\\[]", "«\\s?", "[.!?…](?:\\s{0,2}[\"'”’»)\\]]){0,4}",
    "😀+", "[😀-😂]", "đ[ồô]ng", "(?:TP|Tp|ThS)\\.", "\\.{3}", "(?:\\.\\.\\.|…)\\s+\\p{Ll}",
    "[\\s\\S]", "\\W\\D", "(?<![^\\s(])\\p{Lu}\\.", "a(?<!x)b", "(?:(?<!x)a|b)c", "\\Ab", "a\\z",
    "^(?<![\\p{L}])(?:M|Mme)", "(?<!a)(?<!b)c", "^^s", "(?<!.)U", "(?<!\\x04U)(?<!.)U", ".+",
    /* a look-behind repeated past what is unrolled is not "one character" */
    "(?<![a-c]{79})s?.", "(?<![.a]{20,30})b", "(?<![}\\Lk\\~C]{079})s?.",
};

/* Patterns the sketch must decline (ICU accepts them all). */
static const char *const DECLINED[] = {
    "(a)\\1", "(?i)abc", "(?i:ab)c", "\\Qa.b\\E", "\\N{LATIN SMALL LETTER A}", "\\X", "\\R",
    "\\h", "(?#c)a", "(?x) a b",
};

static URegularExpression *compile(const char *fmt, const char *pattern)
{
    char src[8192];
    snprintf(src, sizeof src, fmt, pattern);
    UChar u[8192];
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(u, 8192, NULL, src, -1, &uc);
    URegularExpression *re = uregex_open(u, -1, 0, NULL, &uc);
    if (U_FAILURE(uc)) {
        if (re)
            uregex_close(re);
        return NULL;
    }
    return re;
}

/* Positions checked, ruled out by the sketch, answered by it without ICU
 * (no or yes), and wrong answers: "no" where ICU matches, "yes" where it
 * does not. */
typedef struct tally {
    long checked, ruled_out, decided, wrong;
} tally;

/* At every position of u: ICU's lookingAt of the pattern from p, and its
 * "(?:P)\z" search in [0, p], against the sketch's two answers. */
static void check_text(const tm_rxsketch *k, URegularExpression *fwd, URegularExpression *bwd,
                       const UChar *u, int32_t n, tally *t, const char *pattern)
{
    UErrorCode uc = U_ZERO_ERROR;
    uregex_setText(fwd, u, n, &uc);
    uregex_setText(bwd, u, n, &uc);
    uregex_useTransparentBounds(fwd, 1, &uc);
    uregex_useAnchoringBounds(fwd, 0, &uc);
    uregex_useAnchoringBounds(bwd, 1, &uc);
    for (int32_t p = 0; p <= n; p++) {
        if (p < n && U16_IS_TRAIL(u[p]))
            continue;
        uregex_setRegion(fwd, p, n, &uc);
        int icu_start = uregex_lookingAt(fwd, -1, &uc);
        uregex_setRegion(bwd, 0, p, &uc);
        int icu_end = uregex_findNext(bwd, &uc);
        tm_rx_answer sk_start = tm_rxsketch_may_start(k, u, n, p), sk_end = tm_rxsketch_may_end(k, u, p);
        t->checked += 2;
        t->ruled_out += (sk_start == TM_RX_NO) + (sk_end == TM_RX_NO);
        t->decided += (sk_start != TM_RX_MAYBE) + (sk_end != TM_RX_MAYBE);
        int bad_start = icu_start ? sk_start == TM_RX_NO : sk_start == TM_RX_YES;
        int bad_end = icu_end ? sk_end == TM_RX_NO : sk_end == TM_RX_YES;
        if ((bad_start || bad_end) && t->wrong++ < 5) {
            char text[1024];
            u_strToUTF8(text, sizeof text, NULL, u, n, &uc);
            fprintf(stderr, "sketch wrong: /%s/ at %d (%s: ICU %d, sketch %d) in \"%s\"\n",
                    pattern, p, bad_start ? "start" : "end", bad_start ? icu_start : icu_end,
                    bad_start ? (int)sk_start : (int)sk_end, text);
        }
    }
    ck_assert_msg(U_SUCCESS(uc), "ICU: %s", u_errorName(uc));
}

/* Text to try patterns on: every line of corpora/ (capped) and random
 * strings over characters the patterns care about. */
static UChar **texts;
static int32_t *text_len;
static size_t ntexts;

static void add_text(const char *s, size_t len)
{
    UChar *u = malloc((len + 1) * sizeof *u);
    int32_t n = 0;
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(u, (int32_t)len + 1, &n, s, (int32_t)len, &uc);
    if (U_FAILURE(uc)) {
        free(u);
        return;
    }
    texts = realloc(texts, (ntexts + 1) * sizeof *texts);
    text_len = realloc(text_len, (ntexts + 1) * sizeof *text_len);
    texts[ntexts] = u;
    text_len[ntexts++] = n;
}

static void load_texts(void)
{
    if (ntexts)
        return;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora", test_srcdir());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    size_t from_corpora = 0;
    while ((e = readdir(d)) && from_corpora < 80) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 4, ".txt") != 0)
            continue;
        char path[2048], buf[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "r");
        while (fp && fgets(buf, sizeof buf, fp) && from_corpora < 80) {
            buf[strcspn(buf, "\n")] = '\0';
            add_text(buf, strlen(buf));
            from_corpora++;
        }
        if (fp)
            fclose(fp);
    }
    closedir(d);
    static const char *const alphabet[] = {
        "a", "b", "c", "x", "y", "M", "D", "r", "T", "P", "h", "S", "e", "1", "2", "0", ".", "!",
        "?", "…", ":", ";", ",", " ", " ", "\t", "\"", "'", "”", "»", "«", "(", ")", "[", "]",
        "-", "–", "đ", "ồ", "Đ", "😀", "😁", "J", "C", "\xc2\xa0", "A", "B", "\\",
        "\n", "\r", "\v", "\xc2\x85", "\xe2\x80\xa8", "U"};
    size_t na = sizeof alphabet / sizeof *alphabet;
    srand(42);
    for (int i = 0; i < 500; i++) {
        char buf[512];
        size_t len = 0, want = (size_t)(rand() % 24);
        for (size_t j = 0; j < want; j++) {
            const char *c = alphabet[rand() % (int)na];
            memcpy(buf + len, c, strlen(c));
            len += strlen(c);
        }
        add_text(buf, len);
    }
}

static tally check_pattern(const char *pattern)
{
    tally t = {0, 0, 0, 0};
    tm_rxsketch *k = tm_rxsketch_new(pattern);
    URegularExpression *fwd = compile("%s", pattern), *bwd = compile("(?:%s)\\z", pattern);
    ck_assert_msg(fwd && bwd, "ICU refuses /%s/", pattern);
    if (k) {
        load_texts();
        for (size_t i = 0; i < ntexts; i++)
            check_text(k, fwd, bwd, texts[i], text_len[i], &t, pattern);
    }
    uregex_close(fwd);
    uregex_close(bwd);
    tm_rxsketch_free(k);
    ck_assert_msg(t.wrong == 0, "/%s/: the sketch was wrong at %ld positions", pattern, t.wrong);
    return t;
}

START_TEST(test_builtin_rules_sound)
{
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_srx_load_builtin(&srx, &err), TM_OK);
    const char *langs[] = {"vi", "fr", "de"};
    size_t sketched = 0, exact = 0, patterns = 0;
    for (int l = 0; l < 3; l++) {
        const tm_srx_rule **sel;
        size_t n;
        ck_assert_int_eq(tm_srx_select(srx, langs[l], &sel, &n, &err), TM_OK);
        for (size_t i = 0; i < n; i++) {
            const char *pats[2] = {sel[i]->before, sel[i]->after};
            for (int j = 0; j < 2; j++) {
                if (!pats[j])
                    continue;
                tally t = check_pattern(pats[j]);
                patterns++;
                sketched += t.checked > 0;
                exact += t.decided == t.checked && t.checked > 0;
            }
        }
        free(sel);
    }
    tm_srx_free(srx);
    /* Every built-in pattern is simple enough to sketch, and exactly: ICU
     * is then never asked. */
    ck_assert_uint_eq(sketched, patterns);
    ck_assert_uint_eq(exact, patterns);
}
END_TEST

START_TEST(test_constructs_sound)
{
    for (size_t i = 0; i < sizeof EXTRA / sizeof *EXTRA; i++)
        check_pattern(EXTRA[i]);
}
END_TEST

START_TEST(test_declined)
{
    for (size_t i = 0; i < sizeof DECLINED / sizeof *DECLINED; i++) {
        tm_rxsketch *k = tm_rxsketch_new(DECLINED[i]);
        ck_assert_msg(k == NULL, "/%s/ should get no sketch", DECLINED[i]);
    }
    char *big = malloc(5001);
    memset(big, 'a', 5000);
    big[5000] = '\0';
    ck_assert_ptr_null(tm_rxsketch_new(big));
    /* 600 positions in 1,199 units: too many to walk cheaply. */
    for (int i = 0; i < 1199; i++)
        big[i] = i % 2 ? '|' : 'a';
    big[1199] = '\0';
    ck_assert_ptr_null(tm_rxsketch_new(big));
    big[599] = '\0'; /* 300 positions: fine */
    tm_rxsketch *k = tm_rxsketch_new(big);
    ck_assert_ptr_nonnull(k);
    tm_rxsketch_free(k);
    free(big);
}
END_TEST

/* \s \S \d \D \w \W: the sketch's sets are ICU's, on the whole BMP. */
START_TEST(test_named_sets_exact)
{
    static const char *const names[] = {"\\s", "\\S", "\\d", "\\D", "\\w", "\\W", "[\\s\\d]", "[^\\w]"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        tm_rxsketch *k = tm_rxsketch_new(names[i]);
        URegularExpression *re = compile("%s", names[i]);
        ck_assert_ptr_nonnull(k);
        UErrorCode uc = U_ZERO_ERROR;
        long differ = 0;
        for (UChar32 c = 0; c < 0x10000; c++) {
            if (U16_IS_SURROGATE(c))
                continue;
            UChar u[1] = {(UChar)c};
            uregex_setText(re, u, 1, &uc);
            int icu = uregex_matches(re, 0, &uc);
            differ += icu != (tm_rxsketch_may_start(k, u, 1, 0) == TM_RX_YES);
        }
        ck_assert_msg(differ == 0, "%s: %ld code points differ from ICU", names[i], differ);
        uregex_close(re);
        tm_rxsketch_free(k);
    }
}
END_TEST

static int ends_ok(const char *pattern, const char *text)
{
    UChar u[256];
    int32_t n = 0;
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &n, text, -1, &uc);
    tm_rxsketch *k = tm_rxsketch_new(pattern);
    ck_assert_ptr_nonnull(k);
    int r = tm_rxsketch_may_end(k, u, n) != TM_RX_NO;
    tm_rxsketch_free(k);
    return r;
}

/* The sketch is worth having: the abbreviation rule is ruled out at the end
 * of ordinary words, kept after the abbreviation itself. */
START_TEST(test_rules_out)
{
    const char *abbrev = "(?<![\\p{L}\\p{N}])(?:M|Mme|p|n|Dr)\\.";
    ck_assert(ends_ok(abbrev, "Le M."));
    ck_assert(ends_ok(abbrev, "(p."));
    ck_assert(!ends_ok(abbrev, "La Somme."));
    ck_assert(!ends_ok(abbrev, "en région."));
    ck_assert(!ends_ok(abbrev, "en 2024."));
    ck_assert(!ends_ok(abbrev, "ONU."));
    ck_assert(!ends_ok("^\\s{0,3}\\p{L}\\.", "Il est là. a."));
    ck_assert(ends_ok("^\\s{0,3}\\p{L}\\.", "  a."));
    tally t = check_pattern(abbrev);
    ck_assert_msg(t.ruled_out * 2 > t.checked, "only %ld of %ld ruled out", t.ruled_out, t.checked);
}
END_TEST

static Suite *rxsketch_suite(void)
{
    Suite *s = suite_create("rxsketch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_builtin_rules_sound);
    tcase_add_test(tc, test_constructs_sound);
    tcase_add_test(tc, test_declined);
    tcase_add_test(tc, test_named_sets_exact);
    tcase_add_test(tc, test_rules_out);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(rxsketch_suite)
