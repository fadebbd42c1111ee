/* test_utf8.c — strict UTF-8: every class of invalid sequence is refused. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tmkit.h"
#include "text/utf8.h"

static size_t dec(const char *s, size_t n, uint32_t *cp)
{
    return tm_utf8_decode((const unsigned char *)s, n, cp);
}

START_TEST(test_decode_valid)
{
    uint32_t cp;
    ck_assert_uint_eq(dec("A", 1, &cp), 1);
    ck_assert_uint_eq(cp, 0x41);
    ck_assert_uint_eq(dec("\xC3\xA9", 2, &cp), 2); /* é */
    ck_assert_uint_eq(cp, 0xE9);
    ck_assert_uint_eq(dec("\xE1\xBB\x87", 3, &cp), 3); /* ệ */
    ck_assert_uint_eq(cp, 0x1EC7);
    ck_assert_uint_eq(dec("\xF0\x9F\x98\x80", 4, &cp), 4); /* U+1F600 */
    ck_assert_uint_eq(cp, 0x1F600);
    ck_assert_uint_eq(dec("\xF4\x8F\xBF\xBF", 4, &cp), 4); /* U+10FFFF */
}
END_TEST

START_TEST(test_decode_invalid)
{
    uint32_t cp;
    ck_assert_uint_eq(dec("\x80", 1, &cp), 0);             /* stray continuation */
    ck_assert_uint_eq(dec("\xC0\xAF", 2, &cp), 0);         /* overlong '/' */
    ck_assert_uint_eq(dec("\xC1\xBF", 2, &cp), 0);         /* overlong */
    ck_assert_uint_eq(dec("\xE0\x80\xAF", 3, &cp), 0);     /* overlong 3-byte */
    ck_assert_uint_eq(dec("\xF0\x80\x80\xAF", 4, &cp), 0); /* overlong 4-byte */
    ck_assert_uint_eq(dec("\xED\xA0\x80", 3, &cp), 0);     /* lone surrogate D800 */
    ck_assert_uint_eq(dec("\xED\xBF\xBF", 3, &cp), 0);     /* surrogate DFFF */
    ck_assert_uint_eq(dec("\xF4\x90\x80\x80", 4, &cp), 0); /* above U+10FFFF */
    ck_assert_uint_eq(dec("\xF5\x80\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(dec("\xFF", 1, &cp), 0);
    ck_assert_uint_eq(dec("\xC3", 1, &cp), 0);             /* truncated */
    ck_assert_uint_eq(dec("\xE1\xBB", 2, &cp), 0);
    ck_assert_uint_eq(dec("\xC3\x41", 2, &cp), 0);         /* bad continuation */
}
END_TEST

START_TEST(test_encode_roundtrip)
{
    uint32_t samples[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0x1EA1};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        char out[4];
        uint32_t back;
        size_t n = tm_utf8_encode(samples[i], out);
        ck_assert_uint_eq(dec(out, n, &back), n);
        ck_assert_uint_eq(back, samples[i]);
    }
}
END_TEST

START_TEST(test_valid_prefix_and_count)
{
    const char *s = "Hạ Long\xFFxyz";
    ck_assert_uint_eq(tm_utf8_valid_prefix(s, strlen(s)), strlen("Hạ Long"));
    ck_assert_uint_eq(tm_utf8_valid_prefix("abc", 3), 3);
    ck_assert_uint_eq(tm_utf8_count("Hạ Long", strlen("Hạ Long")), 7);
}
END_TEST

/* Random strings made of valid characters of every length, with now and
 * then a byte changed, cut short or stray: the 16-bytes-at-a-time path and
 * the byte-wise decoder agree on every one. */
START_TEST(test_fast_path_agrees)
{
    static const char *const pieces[] = {
        "a", " ", ".", "\xC3\xA9", "\xC6\xB0", "\xE1\xBB\x87", "\xE2\x80\x9C", "\xF0\x9F\x98\x80",
        "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD", "\xED\x9F\xBF", "\xE0\xA0\x80", "\xC2\x80", "\xDF\xBF"};
    static const unsigned char bad[] = {0x80, 0xBF, 0xC0, 0xC1, 0xC3, 0xE0, 0xED, 0xEF, 0xF0,
                                        0xF4, 0xF5, 0xFF, 0xA0, 0x90, 0x8F, 0x41, 0x00};
    size_t np = sizeof pieces / sizeof *pieces, nb = sizeof bad;
    long checked = 0, invalid = 0;
    srand(7);
    for (int round = 0; round < 20000; round++) {
        char buf[300];
        size_t len = 0, want = (size_t)(rand() % 120);
        while (len < want) {
            const char *c = pieces[rand() % (int)np];
            memcpy(buf + len, c, strlen(c));
            len += strlen(c);
        }
        int mutations = rand() % 3;
        for (int m = 0; m < mutations && len > 0; m++) {
            size_t at = (size_t)rand() % len;
            if (rand() % 4 == 0)
                len = at; /* cut short, maybe inside a character */
            else
                buf[at] = (char)bad[rand() % (int)nb];
        }
        size_t slow = tm_utf8_valid_prefix_bytewise(buf, len);
        ck_assert_uint_eq(tm_utf8_valid_prefix(buf, len), slow);
        int fast = tm_utf8_valid_fast(buf, len);
        if (fast >= 0)
            ck_assert_msg(fast == (slow == len), "fast path says %d on a string valid up to %zu of %zu",
                          fast, slow, len);
        checked++;
        invalid += slow < len;
    }
    ck_assert(invalid > 1000 && checked - invalid > 1000); /* both kinds were tried */
}
END_TEST

static Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_decode_valid);
    tcase_add_test(tc, test_decode_invalid);
    tcase_add_test(tc, test_encode_roundtrip);
    tcase_add_test(tc, test_valid_prefix_and_count);
    tcase_add_test(tc, test_fast_path_agrees);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(utf8_suite)
