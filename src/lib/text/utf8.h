/*
 * utf8.h — strict UTF-8 decoding and encoding.
 *
 * "Strict" is RFC 3629: no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF, no stray continuation bytes. Every other module
 * relies on text having passed tm_utf8_check once at the door.
 */
#ifndef TM_UTF8_H
#define TM_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decode one code point at s (n bytes available). Returns its length in
 * bytes (1..4) and stores it in *cp, or 0 if the bytes are not valid UTF-8.
 * Inline: every scanner of the text calls it once per character. */
static inline size_t tm_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* 8 when the 8 bytes at s are all ASCII, else 1: how far a scanner
 * standing on an ASCII byte may skip (the caller checks 8 bytes remain). */
static inline size_t tm_utf8_ascii8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return (w & UINT64_C(0x8080808080808080)) ? 1 : 8;
}


/* Encode cp (a Unicode scalar value) into out; returns 1..4 bytes. */
size_t tm_utf8_encode(uint32_t cp, char out[4]);

/* Length of the longest valid prefix of s: n when all of s is valid. */
size_t tm_utf8_valid_prefix(const char *s, size_t n);

/* Is all of s valid? 1 or 0, from 16 bytes at a time (utf8_simd.c), or -1
 * when this CPU has no such path. */
int tm_utf8_valid_fast(const char *s, size_t n);

/* tm_utf8_valid_prefix without the fast path (for tests). */
size_t tm_utf8_valid_prefix_bytewise(const char *s, size_t n);

/* Length of the longest prefix of s made of ASCII bytes only. */
size_t tm_utf8_ascii_prefix(const char *s, size_t n);

/* Number of code points in valid UTF-8 s. */
size_t tm_utf8_count(const char *s, size_t n);

#endif
