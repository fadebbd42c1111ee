/*
 * rxsketch.c — building a sketch and walking it over text (see rxsketch.h;
 * the automaton is made by rxsketch_parse.c).
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

#define MAX_UNITS 4096
#define MAX_STEPS 32 /* characters walked before answering "might" */
/* A walk costs up to MAX_STEPS x positions x words: past this many
 * positions a pattern gets no sketch, and ICU alone decides. */
#define MAX_POSITIONS 512
#define WORDS_MAX (MAX_POSITIONS / 64 + 1)

/* ---- construction ---------------------------------------------------- */

size_t tm_rxsketch_size(const tm_rxsketch *k)
{
    return k->npos;
}

void tm_rxsketch_free(tm_rxsketch *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->nsets; i++)
        uset_close(k->sets[i]);
    free(k->sets);
    free(k->pos);
    free(k->follow);
    free(k->by_latin);
    free(k);
}

static int pos_has(const rx_pos *q, UChar32 c)
{
    if (q->set)
        return uset_contains(q->set, c);
    return q->cp < 0 || q->cp == c;
}

/* Move the bit sets from room for k->cap positions to k->npos, and fill
 * by_latin. */
static int repack(tm_rxsketch *k)
{
    size_t w = k->npos / 64 + 1, rows = k->npos;
    uint64_t *m = calloc((2 * rows + 2) * w, sizeof *m);
    k->by_latin = calloc(256 * w, sizeof *k->by_latin);
    if (!m || !k->by_latin) {
        free(m);
        return 0;
    }
    for (size_t q = 0; q < rows; q++) {
        memcpy(m + q * w, k->follow + q * k->words, w * sizeof *m);
        for (size_t r = 0; r < rows; r++) /* precede: the transpose */
            if (rx_bits_get(k->follow + q * k->words, r))
                rx_bits_set(m + (rows + r) * w, q);
    }
    memcpy(m + 2 * rows * w, k->first, w * sizeof *m);
    memcpy(m + (2 * rows + 1) * w, k->last, w * sizeof *m);
    free(k->follow);
    k->follow = m;
    k->precede = m + rows * w;
    k->first = m + 2 * rows * w;
    k->last = k->first + w;
    k->words = w;
    for (UChar32 c = 0; c < 256; c++)
        for (size_t q = 0; q < rows; q++) {
            if (pos_has(&k->pos[q], c))
                rx_bits_set(k->by_latin + (size_t)c * w, q);
            if (k->pos[q].not_before && uset_contains(k->pos[q].not_before, c))
                rx_bits_set(k->pos[q].not_before_latin, (size_t)c);
        }
    return 1;
}

tm_rxsketch *tm_rxsketch_new(const char *pattern)
{
    int32_t n = 0;
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &n, pattern, -1, &uc);
    if (n > MAX_UNITS || (U_FAILURE(uc) && uc != U_BUFFER_OVERFLOW_ERROR))
        return NULL;
    UChar *u = malloc(((size_t)n + 1) * sizeof *u);
    tm_rxsketch *k = calloc(1, sizeof *k);
    if (!u || !k) {
        free(u);
        free(k);
        return NULL;
    }
    uc = U_ZERO_ERROR;
    u_strFromUTF8(u, n + 1, NULL, pattern, -1, &uc);
    /* Each atom takes a unit of the pattern; unrolling stays within as
     * many again (it checks). */
    k->cap = 2 * (size_t)n + 64;
    k->words = k->cap / 64 + 1;
    k->pos = calloc(k->cap, sizeof *k->pos);
    k->follow = calloc((k->cap + 2) * k->words, sizeof *k->follow);
    int ok = U_SUCCESS(uc) && k->pos && k->follow;
    if (ok) {
        k->first = k->follow + k->cap * k->words;
        k->last = k->first + k->words;
        ok = rx_parse(k, u, n) && k->npos <= MAX_POSITIONS && repack(k);
    }
    free(u);
    if (!ok) {
        tm_rxsketch_free(k);
        return NULL;
    }
    return k;
}

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
            if (pos_has(&k->pos[w * 64 + (size_t)__builtin_ctzll(b)], c))
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
