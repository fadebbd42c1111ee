/*
 * match.h — CAT-style similarity between a query and a stored segment.
 *
 * Both texts are cut into tokens: words (letters, marks and digits) and
 * punctuation marks. The score starts from the word-level edit distance on
 * *match keys* (case folded, Vietnamese tone placement unified, NFC, white
 * space ignored) with every number replaced by one placeholder:
 *
 *     base = 1 - ED(words_q, words_c) / max(|words_q|, |words_c|)
 *     score% = floor(100 * base) - penalties, at least 0
 *
 * and then subtracts what a translator must still fix although the words
 * are the same (docs/store.md):
 *
 *     numbers differ            -2
 *     case differs              -1 (when the words are the same)
 *     punctuation differs       -1
 *     inline tags differ        -1
 *
 * so "differs only in a number" scores 98, not 100; only a segment equal to
 * the query up to white space, NFC and the hoá/hóa spelling scores 100.
 * Penalties only ever lower a score, so a candidate filter computed on the
 * base alone (store.h) can never lose a match.
 */
#ifndef TM_MATCH_H
#define TM_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

#define TM_NUM_TOKEN 0x4e554d21u /* the hash every number maps to */

/* A text prepared for matching. */
typedef struct tm_mtext {
    uint32_t *words;      /* word-token hashes (numbers -> TM_NUM_TOKEN) */
    uint32_t *spans;      /* byte start and end of each word in the text: 2 per word */
    size_t nwords;
    uint32_t case_sig;    /* hash of each word's case pattern (upper/lower per letter) */
    uint32_t punct_sig;   /* hash of the punctuation sequence */
    uint32_t number_sig;  /* hash of the numbers in order */
    uint32_t tag_sig;     /* hash of the inline markup, 0 when none */
    size_t cap;
    tm_buf key;           /* the text's match key (norm.h) */
    struct tm_peq *peq;   /* word positions as bit masks, when <= 64 words */
    int split;            /* the key cut the words differently: each normalized alone */
} tm_mtext;

#define TM_MTEXT_INIT {NULL, NULL, 0, 0, 0, 0, 0, 0, TM_BUF_INIT, NULL, 0}

/* Prepare text (valid UTF-8); markup is the inline XML of a TMX segment
 * or NULL. Reuses mt's memory. */
tm_status tm_mtext_prepare(tm_mtext *mt, const char *text, size_t len, const char *markup,
                           tm_error *err);
/* The same without the bit masks that scoring against mt needs (mt is then
 * only a candidate, never the query: the store's import). */
tm_status tm_mtext_prepare_words(tm_mtext *mt, const char *text, size_t len, const char *markup,
                                 tm_error *err);
void tm_mtext_free(tm_mtext *mt);
/* dst = src with its words replaced by words[0, src->nwords) (the store
 * scores with its own word numbers): same signatures, masks rebuilt. */
tm_status tm_mtext_with_words(tm_mtext *dst, const tm_mtext *src, const uint32_t *words,
                              tm_error *err);

typedef struct tm_match_result {
    int score;         /* percent, 0..100 */
    double base;       /* word similarity before penalties, 0..1 */
    int penalties;
} tm_match_result;

/* Score candidate c against query q. If diff is not NULL, diff[k] is set to
 * 1 for each word k of c that the edit alignment does not match with a word
 * of q (what a display highlights); it must hold c->nwords entries. */
tm_match_result tm_match_score(const tm_mtext *q, const tm_mtext *c, unsigned char *diff);

/* The words of s as match.c cuts them (letters, marks, digits; '.' and ','
 * inside numbers): hashes of their bytes as they are (no normalization)
 * and byte spans, at most cap of them. Returns how many words s has. */
size_t tm_match_words(const char *s, size_t n, uint32_t *hashes, uint32_t *spans, size_t cap);

/* Word hash used for words (exposed for the index: same tokens, same hashes). */
uint32_t tm_match_word_hash(const char *s, size_t n);

#endif
