/*
 * match_internal.h — what the files of the match module share: mtext.c
 * (preparing a text), match_scan.c (its one pass over ordinary text),
 * match_word.c (word primitives), myers.c (the short-query distance) and
 * match.c (scoring).
 */
#ifndef TM_MATCH_INTERNAL_H
#define TM_MATCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

/* FNV-1a of a piece of text into h, then a separator between pieces. */
static inline uint32_t tm_match_mix(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return (h ^ 0x1f) * 16777619u;
}

/* Room for n words (and their spans) in mt. 0, or -1 out of memory. */
int tm_mtext_grow(tm_mtext *mt, size_t n);

/* Hash one word of a key; a number becomes TM_NUM_TOKEN and goes into the
 * number signature. */
uint32_t tm_mtext_key_word(tm_mtext *mt, const char *w, size_t n);

/* Prepare the words, key and signatures of text in one pass when every
 * character of it is an ordinary one (NF_TOK, norm_fast.h): the same
 * result as cutting the text and its key separately (match.c), checked by
 * test_match. 1 done, 0 the text needs the general preparation, -1 error. */
int tm_mtext_scan(tm_mtext *mt, const char *text, size_t len, tm_error *err);

/* The general preparation alone (words, no masks), for tests comparing it
 * with tm_mtext_scan. */
tm_status tm_mtext_prepare_general(tm_mtext *mt, const char *text, size_t len,
                                   const char *markup, tm_error *err);

/* Myers' bit-parallel distance (myers.c): the query's words as bit masks
 * (struct tm_peq, tm_peq_size bytes), then the edit distance between the
 * n <= 64 words they were built from and text[0, m). */
size_t tm_peq_size(void);
void tm_peq_build(struct tm_peq *p, const uint32_t *words, size_t n);
size_t tm_myers_distance(const struct tm_peq *peq, size_t n, const uint32_t *text, size_t m);

#endif
