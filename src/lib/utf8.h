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

/* Decode one code point at s (n bytes available). Returns its length in
 * bytes (1..4) and stores it in *cp, or 0 if the bytes are not valid UTF-8. */
size_t tm_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Encode cp (a Unicode scalar value) into out; returns 1..4 bytes. */
size_t tm_utf8_encode(uint32_t cp, char out[4]);

/* Length of the longest valid prefix of s: n when all of s is valid. */
size_t tm_utf8_valid_prefix(const char *s, size_t n);

/* Number of code points in valid UTF-8 s. */
size_t tm_utf8_count(const char *s, size_t n);

#endif
