/*
 * rxsketch_internal.h — the automaton shared by rxsketch_build.c, which
 * builds it from a pattern, and rxsketch.c, which walks it over text.
 *
 * Positions are the character-consuming atoms of the pattern (Glushkov's
 * construction); bit sets over positions are arrays of `words` uint64_t.
 * While parsing, `cap` positions are room enough for every bit set; once
 * parsed, rxsketch_build.c repacks them to the positions actually used.
 */
#ifndef TM_RXSKETCH_INTERNAL_H
#define TM_RXSKETCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/uset.h>

#include "rxsketch.h"

typedef struct rx_pos {
    const USet *set;        /* the characters it matches, or NULL: */
    UChar32 cp;             /*   just cp, or any character when cp < 0 */
    const USet *not_before; /* a match may start here only if the character
                               before is not in it (or there is none) */
    uint64_t not_before_latin[4]; /* not_before below U+0100, as bits */
} rx_pos;

struct tm_rxsketch {
    rx_pos *pos;
    size_t npos, cap, words;
    uint64_t *follow;   /* a row of words per position: who may come after it */
    uint64_t *precede;  /* the transpose */
    uint64_t *first, *last;
    uint64_t *by_latin; /* 256 rows: positions accepting code point c < 256 */
    int nullable;
    int exact; /* the automaton's language is the pattern's: "yes" is sure */
    USet **sets; /* every set made, closed at the end */
    size_t nsets;
};

/* A walk costs up to MAX_STEPS x positions x words: past this many
 * positions a pattern gets no sketch, and ICU alone decides. */
#define MAX_POSITIONS 512

/* Build the automaton of the UTF-16 pattern u[0, n) into k (pos, follow,
 * first, last allocated for k->cap positions of k->words words). 0 when the
 * pattern uses something not modelled or memory runs out. */
int rx_parse(tm_rxsketch *k, const UChar *u, int32_t n);

/* Does position q accept c? */
static inline int rx_pos_has(const rx_pos *q, UChar32 c)
{
    if (q->set)
        return uset_contains(q->set, c);
    return q->cp < 0 || q->cp == c;
}

static inline void rx_bits_set(uint64_t *b, size_t i) { b[i / 64] |= UINT64_C(1) << (i % 64); }

static inline int rx_bits_get(const uint64_t *b, size_t i) { return (int)((b[i / 64] >> (i % 64)) & 1); }

static inline void rx_bits_or(uint64_t *d, const uint64_t *s, size_t w)
{
    for (size_t i = 0; i < w; i++)
        d[i] |= s[i];
}

#endif
