/*
 * utf8_simd.c — UTF-8 validation 16 bytes at a time (x86-64 with SSSE3).
 *
 * Every line a user gives tmkit is validated before anything is written,
 * and Vietnamese text, where ASCII and 2- and 3-byte characters alternate
 * every few bytes, costs the byte-at-a-time decoder a mispredicted branch
 * per character: about 2 ns a byte, as much as ICU's sentence iterator.
 *
 * The method is Keiser and Lemire's "lookup" algorithm ("Validating UTF-8
 * in less than one instruction per byte", Software: Practice and
 * Experience, 2021): each byte and the one before it index three 16-entry
 * tables by their nibbles; the AND of the three entries has a bit set for
 * each error the pair shows (a lead without its continuation, a stray
 * continuation, overlong forms, surrogates, code points above U+10FFFF).
 * Third and fourth bytes of a sequence are the only allowed cases of two
 * continuation bytes in a row, and are recognised from the bytes 2 and 3
 * before. The input's end is followed by a block of zeros, so a sequence
 * cut short there shows as a lead without its continuation.
 *
 * Only the verdict comes from here: on failure tm_utf8_valid_prefix
 * (utf8.c) walks the text byte by byte to find and report the position.
 * tests/test_utf8.c compares both on random input.
 */
#include "utf8.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

enum {
    TOO_SHORT = 1 << 0,  /* a lead, then no continuation */
    TOO_LONG = 1 << 1,   /* ASCII, then a continuation */
    OVERLONG_3 = 1 << 2, /* E0 80..9F */
    TOO_LARGE = 1 << 3,  /* F4 90.., F5.. */
    SURROGATE = 1 << 4,  /* ED A0..BF */
    OVERLONG_2 = 1 << 5, /* C0, C1 */
    TOO_LARGE_1000 = 1 << 6,
    OVERLONG_4 = 1 << 6, /* F0 80..8F */
    TWO_CONTS = 1 << 7,  /* two continuations: only allowed as bytes 3, 4 */
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS
};

#define B(x) ((char)(x))

__attribute__((target("ssse3"))) static int valid_ssse3(const unsigned char *p, size_t n)
{
    /* Indexed by the high nibble of the first byte of a pair. */
    const __m128i first_high = _mm_setr_epi8(
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
        B(TWO_CONTS), B(TWO_CONTS), B(TWO_CONTS), B(TWO_CONTS), TOO_SHORT | OVERLONG_2, TOO_SHORT,
        TOO_SHORT | OVERLONG_3 | SURROGATE, TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
    /* By its low nibble. */
    const __m128i first_low = _mm_setr_epi8(
        B(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4), B(CARRY | OVERLONG_2), B(CARRY), B(CARRY),
        B(CARRY | TOO_LARGE), B(CARRY | TOO_LARGE | TOO_LARGE_1000),
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), B(CARRY | TOO_LARGE | TOO_LARGE_1000),
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), B(CARRY | TOO_LARGE | TOO_LARGE_1000),
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), B(CARRY | TOO_LARGE | TOO_LARGE_1000),
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), B(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE),
        B(CARRY | TOO_LARGE | TOO_LARGE_1000), B(CARRY | TOO_LARGE | TOO_LARGE_1000));
    /* By the high nibble of the second byte. */
    const __m128i second_high = _mm_setr_epi8(
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4),
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
        B(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE), TOO_SHORT, TOO_SHORT,
        TOO_SHORT, TOO_SHORT);
    const __m128i nibble = _mm_set1_epi8(0x0F);
    __m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128();
    for (size_t i = 0;; i += 16) {
        __m128i in;
        if (i + 16 <= n) {
            in = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        } else {
            unsigned char pad[16] = {0};
            if (i < n)
                memcpy(pad, p + i, n - i);
            in = _mm_loadu_si128((const __m128i *)(const void *)pad);
        }
        __m128i prev1 = _mm_alignr_epi8(in, prev, 15);
        __m128i sc = _mm_and_si128(
            _mm_and_si128(_mm_shuffle_epi8(first_high, _mm_and_si128(_mm_srli_epi16(prev1, 4), nibble)),
                          _mm_shuffle_epi8(first_low, _mm_and_si128(prev1, nibble))),
            _mm_shuffle_epi8(second_high, _mm_and_si128(_mm_srli_epi16(in, 4), nibble)));
        /* Bytes 2 and 3 before a continuation: a 3- or 4-byte lead makes it
         * the third or fourth byte, where TWO_CONTS is expected. */
        __m128i third = _mm_subs_epu8(_mm_alignr_epi8(in, prev, 14), _mm_set1_epi8(B(0xE0 - 0x80)));
        __m128i fourth = _mm_subs_epu8(_mm_alignr_epi8(in, prev, 13), _mm_set1_epi8(B(0xF0 - 0x80)));
        __m128i must23 = _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8(B(0x80)));
        err = _mm_or_si128(err, _mm_xor_si128(must23, sc));
        prev = in;
        if (i >= n) /* that was the block of zeros after the end */
            break;
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) == 0xFFFF;
}

int tm_utf8_valid_fast(const char *s, size_t n)
{
    if (!__builtin_cpu_supports("ssse3"))
        return -1;
    return valid_ssse3((const unsigned char *)s, n);
}

#else

int tm_utf8_valid_fast(const char *s, size_t n)
{
    (void)s;
    (void)n;
    return -1;
}

#endif
