/*
 * vocab.h — words and their ids for the lexical model (vocab.c). Not public.
 *
 * A word is a run of letters, marks and digits of a text's match key (case
 * folded, Vietnamese tone placement unified, diacritics kept), so "Việt"
 * and "VIỆT" are one word on either side of a pair.
 */
#ifndef TM_ALIGN_VOCAB_H
#define TM_ALIGN_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct tm_vocab {
    uint32_t *slot;  /* open addressing: id + 1, 0 = empty */
    uint32_t *hash;
    size_t mask;
    tm_buf words;    /* NUL-terminated words */
    uint32_t *off;   /* off[id]: the word in words */
    uint32_t n, cap;
} tm_vocab;

/* A zeroed tm_vocab is empty. */
void tm_vocab_free(tm_vocab *v);
/* Id of word w[0..n); added when add, else -2 when unknown. -1: no memory. */
int64_t tm_vocab_id(tm_vocab *v, const char *w, size_t n, int add);
const char *tm_vocab_word(const tm_vocab *v, uint32_t id);

/* The next word of s (letters, marks, digits) from *i: [*ws, *we); *ws is
 * (size_t)-1 on entry and is reset by the caller. */
int tm_words_next(const char *s, size_t len, size_t *i, size_t *ws, size_t *we);

/* A growing array of word ids. */
typedef struct tm_ids {
    uint32_t *id;
    size_t n, cap;
} tm_ids;

/* Append the ids of the words of a match key (tm_norm_match) to out
 * (unknown words skipped unless add). */
tm_status tm_words_key_ids(tm_vocab *v, const char *key, size_t len, int add, tm_ids *out,
                           tm_error *err);
/* The same from text: its match key first, in key (scratch). */
tm_status tm_words_ids(tm_vocab *v, const char *text, size_t len, int add, tm_buf *key,
                       tm_ids *out, tm_error *err);

#endif
