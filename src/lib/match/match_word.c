/*
 * match_word.c — the word primitives that both ways of preparing a text
 * share (match.c's general preparation and match_scan.c's one pass):
 * hashing a word, a key word with numbers as the placeholder, and room for
 * a tm_mtext's words. Kept apart so that the two preparations depend on
 * this file and not on each other.
 */
#include "match_internal.h"

#include <stdlib.h>

/* FNV-1a: for words of a few bytes its multiply per byte costs less than
 * hash.h's mixing (a word hashed that way took a fifth more of a
 * preparation's time). */
uint32_t tm_match_word_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h == TM_NUM_TOKEN ? h + 1 : h;
}

int tm_mtext_grow(tm_mtext *mt, size_t n)
{
    if (n <= mt->cap)
        return 0;
    size_t cap = mt->cap ? 2 * mt->cap : 32;
    while (cap < n)
        cap *= 2;
    uint32_t *w = realloc(mt->words, cap * sizeof *w);
    if (!w)
        return -1;
    mt->words = w;
    uint32_t *sp = realloc(mt->spans, 2 * cap * sizeof *sp);
    if (!sp)
        return -1;
    mt->spans = sp;
    mt->cap = cap;
    return 0;
}

/* Hash one word of the key; numbers become the placeholder. */
uint32_t tm_mtext_key_word(tm_mtext *mt, const char *w, size_t n)
{
    if (w[0] >= '0' && w[0] <= '9') {
        mt->number_sig = tm_match_mix(mt->number_sig, w, n);
        return TM_NUM_TOKEN;
    }
    return tm_match_word_hash(w, n);
}
