/*
 * rxsketch.c — walking a sketch over text (see rxsketch.h; the automaton
 * is built by rxsketch_build.c).
 *
 * A walk keeps the set of positions the text read so far can be at. Forward
 * (may_start) it begins with the positions a match can begin with and moves
 * along "follow" edges; backward (may_end) it begins with those a match can
 * end with and moves along "precede" edges, and a match can begin at a
 * position whose not_before class the character before does not belong
 * to. No position left: no match. A match completed: yes when the sketch
 * is exact, might otherwise. MAX_STEPS characters without either: might.
 *
 * Most text is Latin, so each sketch keeps, for every code point below 256,
 * the positions that accept it (by_latin): one step is then a few word ANDs
 * instead of a set lookup per position.
 */
#include "rxsketch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define MAX_STEPS 32 /* characters walked before answering "might" */
#define WORDS_MAX (MAX_POSITIONS / 64 + 1)

/* ---- walking --------------------------------------------------------- */

/* cur = the positions of cand that accept c; 1 when there is any. */
static int step(const tm_rxsketch *k, const uint64_t *cand, UChar32 c, uint64_t *cur)
{
    uint64_t any = 0;
    if (c < 256) {
        const uint64_t *acc = k->by_latin + (size_t)c * k->words;
        for (size_t w = 0; w < k->words; w++)
            any |= cur[w] = cand[w] & acc[w];
        return any != 0;
    }
    for (size_t w = 0; w < k->words; w++) {
        uint64_t keep = 0;
        for (uint64_t b = cand[w]; b; b &= b - 1)
            if (rx_pos_has(&k->pos[w * 64 + (size_t)__builtin_ctzll(b)], c))
                keep |= b & (~b + 1);
        cur[w] = keep;
        any |= keep;
    }
    return any != 0;
}

/* next = union of the rows (follow or precede) of the positions in cur. */
static void advance(const tm_rxsketch *k, const uint64_t *rows, const uint64_t *cur,
                    uint64_t *next)
{
    memset(next, 0, k->words * sizeof *next);
    for (size_t w = 0; w < k->words; w++)
        for (uint64_t b = cur[w]; b; b &= b - 1)
            rx_bits_or(next, rows + (w * 64 + (size_t)__builtin_ctzll(b)) * k->words, k->words);
}

static int bits_meet(const uint64_t *a, const uint64_t *b, size_t w)
{
    for (size_t i = 0; i < w; i++)
        if (a[i] & b[i])
            return 1;
    return 0;
}

/* Drop from cur the first positions whose not_before class holds the
 * character before u[j] (none at the start of the text); 1 if any stays. */
static int keep_allowed_starts(const tm_rxsketch *k, uint64_t *cur, const uint64_t *only,
                               const UChar *u, int32_t j)
{
    UChar32 before = -1;
    uint64_t any = 0;
    if (j > 0)
        U16_PREV(u, 0, j, before);
    for (size_t w = 0; w < k->words; w++) {
        for (uint64_t b = cur[w] & only[w]; b && before >= 0; b &= b - 1) {
            const rx_pos *q = &k->pos[w * 64 + (size_t)__builtin_ctzll(b)];
            if (q->not_before && (before < 256 ? rx_bits_get(q->not_before_latin, (size_t)before)
                                               : uset_contains(q->not_before, before)))
                cur[w] &= ~(b & (~b + 1));
        }
        any |= cur[w];
    }
    return any != 0;
}

tm_rx_answer tm_rxsketch_may_start(const tm_rxsketch *k, const UChar *u, int32_t n, int32_t p)
{
    if (k->nullable)
        return k->exact ? TM_RX_YES : TM_RX_MAYBE;
    uint64_t cur[WORDS_MAX], next[WORDS_MAX];
    const uint64_t *cand = k->first;
    for (int s = 0; s < MAX_STEPS; s++) {
        if (p >= n)
            return TM_RX_NO;
        int32_t at = p;
        UChar32 c;
        U16_NEXT(u, p, n, c);
        if (!step(k, cand, c, cur) || (s == 0 && !keep_allowed_starts(k, cur, k->first, u, at)))
            return TM_RX_NO;
        if (bits_meet(cur, k->last, k->words))
            return k->exact ? TM_RX_YES : TM_RX_MAYBE;
        advance(k, k->follow, cur, next);
        cand = next;
    }
    return TM_RX_MAYBE;
}

tm_rx_answer tm_rxsketch_may_end(const tm_rxsketch *k, const UChar *u, int32_t p)
{
    if (k->nullable)
        return k->exact ? TM_RX_YES : TM_RX_MAYBE;
    uint64_t cur[WORDS_MAX], next[WORDS_MAX], start[WORDS_MAX];
    const uint64_t *cand = k->last;
    for (int s = 0; s < MAX_STEPS; s++) {
        if (p <= 0)
            return TM_RX_NO;
        UChar32 c;
        U16_PREV(u, 0, p, c);
        if (!step(k, cand, c, cur))
            return TM_RX_NO;
        if (bits_meet(cur, k->first, k->words)) {
            memcpy(start, cur, k->words * sizeof *start);
            if (keep_allowed_starts(k, start, k->first, u, p) && bits_meet(start, k->first, k->words))
                return k->exact ? TM_RX_YES : TM_RX_MAYBE;
        }
        advance(k, k->precede, cur, next);
        cand = next;
    }
    return TM_RX_MAYBE;
}
