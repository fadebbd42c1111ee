/*
 * norm_fast.h — the per-character facts behind the ICU-free match key
 * (norm_fast.c), shared with the one-pass text preparation (match_scan.c).
 *
 * An entry describes one BMP code point c: its case folding f in the low
 * 16 bits, flags, and in bits 24..30 the ASCII base letter of f (lower
 * case; 0 when none). Entries are built from ICU 256 code points at a time
 * when first needed. Two threads building the same page is harmless: one
 * copy wins, the other is freed.
 */
#ifndef TM_NORM_FAST_H
#define TM_NORM_FAST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum {
    NF_SIMPLE = 1u << 16, /* the fast key may take it: NFC-stable, folds to one such f */
    NF_SPACE = 1u << 17,  /* white space: collapsed */
    NF_FORMAT = 1u << 18, /* format character: dropped */
    NF_WORD = 1u << 19,   /* letter or mark: part of a word of the key's rewrite */
    NF_MARK = 1u << 20,   /* a non-spacing mark itself: its word goes the general way */
    /* For match_scan.c: cutting the text into words and cutting its key
     * into words give the same words for text made of NF_TOK characters.
     * NF_TOK: simple, not a format character, c and f both word characters
     * or both not (a non-word one folds to itself), c is ASCII exactly when
     * f is, white space exactly when the key rewrite sees white space. */
    NF_TOK = 1u << 21,
    NF_ALNUM = 1u << 22,  /* c is a word character of match.c (letter, digit, mark) */
    NF_UPPER = 1u << 23,  /* c is upper (or title) case */
    NF_LOWER = 1u << 31   /* c is lower case */
};

#define NF_BASE(e) (((e) >> 24) & 0x7F)

extern _Atomic(uint32_t *) tm_nf_pages[256];

/* The entry of c, building its page; 0 when memory runs out. */
uint32_t tm_nf_entry_building(uint32_t c);

/* The 256 entries of page p (U+pp00..U+ppFF), built if need be; NULL
 * when memory runs out. */
const uint32_t *tm_nf_page(unsigned p);

/* Build page p of a table whose slot is *slot, entry(c) for each code
 * point (0 for surrogates), unless another thread was first; the page in
 * use, NULL when memory runs out. */
uint32_t *tm_nf_build_page(_Atomic(uint32_t *) *slot, unsigned p, uint32_t (*entry)(uint16_t c));

/* NFD of the single character f into d (room for 8); its length, 0 on
 * failure. */
int32_t tm_nf_decompose(uint16_t f, uint16_t *d);

/* c is left alone by NFC whatever surrounds it (NFC_Quick_Check = Yes and
 * combining class 0). */
int tm_nf_nfc_stable(uint32_t c);

/* The ASCII spelling of a letter that the fold key spells out (đ → d,
 * æ → ae; norm.h), NULL for any other. */
const char *tm_norm_spell_out(uint16_t c);

/* The entry of c; 0 (not simple) outside the BMP. The caller has called
 * tm_uclass_init. */
static inline uint32_t tm_nf_entry(uint32_t c)
{
    if (c >= 0x10000)
        return 0;
    uint32_t *pg = atomic_load_explicit(&tm_nf_pages[c >> 8], memory_order_acquire);
    return pg ? pg[c & 0xFF] : tm_nf_entry_building(c);
}

/* Room in out for the key of n more bytes of text: a character's key
 * (folded, or its fold-key output) takes at most 3/2 of its bytes, an ASCII
 * one exactly one. 0, or -1 when memory runs out (or n is absurd). */
static inline int tm_nf_key_room(tm_buf *out, size_t n)
{
    return n > SIZE_MAX / 2 - 16 || tm_buf_grow(out, n + n / 2 + 4) != 0 ? -1 : 0;
}

/* Append the BMP character f as UTF-8 at o + *len (room is the caller's). */
static inline void tm_nf_put_utf8(unsigned char *o, size_t *len, uint32_t f)
{
    if (f < 0x80) {
        o[(*len)++] = (unsigned char)f;
    } else if (f < 0x800) {
        o[(*len)++] = (unsigned char)(0xC0 | f >> 6);
        o[(*len)++] = (unsigned char)(0x80 | (f & 0x3F));
    } else {
        o[(*len)++] = (unsigned char)(0xE0 | f >> 12);
        o[(*len)++] = (unsigned char)(0x80 | ((f >> 6) & 0x3F));
        o[(*len)++] = (unsigned char)(0x80 | (f & 0x3F));
    }
}

/* Where the Vietnamese tone move may apply: the word ends in oa, oe or uy
 * (a and b its last two base letters). */
static inline int tm_nf_tone_candidate(unsigned a, unsigned b)
{
    return (a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y');
}

#endif
