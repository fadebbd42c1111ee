/*
 * mtext.c — preparing a text for matching (match.h, tm_mtext_prepare).
 *
 * The match key of the whole text is cut into words the same way as the
 * text itself, so word k of the key is word k of the text (its byte span
 * is what a display highlights). When normalization changes the word count
 * (an invisible format character inside a word), each word is normalized on
 * its own instead. Ordinary text takes one pass instead (match_scan.c).
 */
#include "match_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "util/buf.h"
#include "text/norm.h"
#include "text/uclass.h"
#include "text/utf8.h"

static int is_word_cp(uint32_t c) { return tm_uclass((UChar32)c) & (TM_UC_ALNUM | TM_UC_MARK); }

/* A '.' or ',' between two digits belongs to the number (253,9; 1.245,6). */
static int number_joint(const char *s, size_t len, size_t i, size_t ws)
{
    return ws != (size_t)-1 && (s[i] == '.' || s[i] == ',') && i > 0 && i + 1 < len &&
           s[i - 1] >= '0' && s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9';
}

/* Next word of s from *i: [*ws, *we); 0 at the end. Non-word, non-space
 * characters on the way are fed to the punctuation signature. */
static int next_word(const char *s, size_t len, size_t *i, size_t *ws, size_t *we, uint32_t *punct)
{
    const unsigned char *p = (const unsigned char *)s;
    *ws = (size_t)-1;
    while (*i < len) {
        uint32_t c;
        size_t k = tm_utf8_decode(p + *i, len - *i, &c);
        if (!k) {
            k = 1;
            c = 0xFFFD;
        }
        if (is_word_cp(c) || number_joint(s, len, *i, *ws)) {
            if (*ws == (size_t)-1)
                *ws = *i;
        } else {
            if (*ws != (size_t)-1) {
                *we = *i;
                return 1;
            }
            if (punct && !(tm_uclass((UChar32)c) & TM_UC_SPACE))
                *punct = tm_match_mix(*punct, s + *i, k);
        }
        *i += k;
    }
    if (*ws != (size_t)-1) {
        *we = len;
        return 1;
    }
    return 0;
}

size_t tm_match_words(const char *s, size_t n, uint32_t *hashes, uint32_t *spans, size_t cap)
{
    tm_uclass_init();
    size_t i = 0, ws, we, k = 0;
    while (next_word(s, n, &i, &ws, &we, NULL)) {
        if (k < cap) {
            if (hashes)
                hashes[k] = tm_match_word_hash(s + ws, we - ws);
            if (spans) {
                spans[2 * k] = (uint32_t)ws;
                spans[2 * k + 1] = (uint32_t)we;
            }
        }
        k++;
    }
    return k;
}

/* Mix the word's case pattern (upper or lower, per cased letter) into h.
 * Two texts with the same match key have the same cased words exactly when
 * their patterns agree; the pattern is blind to NFC/NFD and to where the
 * Vietnamese tone mark sits, as the key is, so hoá and hóa stay 100%. */
static uint32_t case_pattern(uint32_t h, const char *w, size_t n)
{
    const unsigned char *p = (const unsigned char *)w;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = tm_utf8_decode(p + i, n - i, &c);
        if (!k) {
            k = 1;
            c = 0xFFFD;
        }
        i += k;
        unsigned cls = tm_uclass((UChar32)c);
        int upper = (cls & TM_UC_UPPER) != 0, lower = (cls & TM_UC_LOWER) != 0;
        if (upper || lower)
            h = (h ^ (upper ? 'U' : 'l')) * 16777619u;
    }
    return (h ^ 0x1f) * 16777619u;
}

/* Words of a text whose key cut them differently (rare: an invisible
 * format character inside a word): each text word normalized alone. */
static tm_status split_words(tm_mtext *mt, const char *text, tm_error *err)
{
    tm_buf one = TM_BUF_INIT;
    tm_status st = TM_OK;
    mt->number_sig = 2166136261u;
    for (size_t k = 0; k < mt->nwords && st == TM_OK; k++) {
        uint32_t ws = mt->spans[2 * k], we = mt->spans[2 * k + 1];
        st = tm_norm_match(text + ws, we - ws, &one, err);
        if (st == TM_OK)
            mt->words[k] = one.len ? tm_mtext_key_word(mt, one.data, one.len) : 0;
    }
    tm_buf_free(&one);
    return st;
}

/* The general preparation: the key first (norm.h), then the key's words
 * and the text's words separately. */
static tm_status prepare_general(tm_mtext *mt, const char *text, size_t len, tm_error *err)
{
    tm_buf *kb = &mt->key;
    tm_status st = tm_norm_match(text, len, kb, err);
    if (st != TM_OK)
        return st;
    /* the key's words, hashed (numbers as the placeholder) */
    size_t k = 0, ks, ke, nk = 0;
    while (next_word(kb->data, kb->len, &k, &ks, &ke, NULL)) {
        if (tm_mtext_grow(mt, nk + 1) != 0)
            return tm_error_nomem(err);
        mt->words[nk++] = tm_mtext_key_word(mt, kb->data + ks, ke - ks);
    }
    /* the text's words: where they are, punctuation and case between them */
    size_t i = 0, ws, we, nt = 0;
    while (next_word(text, len, &i, &ws, &we, &mt->punct_sig)) {
        if (tm_mtext_grow(mt, nt + 1) != 0)
            return tm_error_nomem(err);
        mt->spans[2 * nt] = (uint32_t)ws;
        mt->spans[2 * nt + 1] = (uint32_t)we;
        if (text[ws] < '0' || text[ws] > '9')
            mt->case_sig = case_pattern(mt->case_sig, text + ws, we - ws);
        nt++;
    }
    mt->nwords = nt;
    mt->split = nk != nt;
    if (mt->split)
        return split_words(mt, text, err);
    return TM_OK;
}

static void reset(tm_mtext *mt, const char *markup)
{
    mt->nwords = 0;
    mt->case_sig = mt->punct_sig = mt->number_sig = 2166136261u;
    mt->tag_sig = markup ? tm_match_mix(2166136261u, markup, strlen(markup)) : 0;
}

tm_status tm_mtext_prepare_general(tm_mtext *mt, const char *text, size_t len,
                                   const char *markup, tm_error *err)
{
    tm_uclass_init();
    reset(mt, markup);
    return prepare_general(mt, text, len, err);
}

/* One pass over ordinary text (match_scan.c), the general way otherwise;
 * with masks, the words' bit masks for Myers' algorithm. */
static tm_status prepare(tm_mtext *mt, const char *text, size_t len, const char *markup,
                         int masks, tm_error *err)
{
    tm_uclass_init();
    reset(mt, markup);
    int rc = tm_mtext_scan(mt, text, len, err);
    if (rc < 0)
        return err->code;
    tm_status st;
    if (rc == 0) {
        reset(mt, markup);
        if ((st = prepare_general(mt, text, len, err)) != TM_OK)
            return st;
    }
    if (!masks) { /* none, rather than another text's */
        free(mt->peq);
        mt->peq = NULL;
    } else if (mt->nwords <= 64) {
        if (!mt->peq && !(mt->peq = malloc(tm_peq_size())))
            return tm_error_nomem(err);
        tm_peq_build(mt->peq, mt->words, mt->nwords);
    }
    return TM_OK;
}

tm_status tm_mtext_prepare(tm_mtext *mt, const char *text, size_t len, const char *markup,
                           tm_error *err)
{
    return prepare(mt, text, len, markup, 1, err);
}

tm_status tm_mtext_prepare_words(tm_mtext *mt, const char *text, size_t len, const char *markup,
                                 tm_error *err)
{
    return prepare(mt, text, len, markup, 0, err);
}

tm_status tm_mtext_with_words(tm_mtext *dst, const tm_mtext *src, const uint32_t *words,
                              tm_error *err)
{
    if (tm_mtext_grow(dst, src->nwords + 1) != 0)
        return tm_error_nomem(err);
    memcpy(dst->words, words, src->nwords * sizeof *words);
    dst->nwords = src->nwords;
    dst->case_sig = src->case_sig;
    dst->punct_sig = src->punct_sig;
    dst->number_sig = src->number_sig;
    dst->tag_sig = src->tag_sig;
    if (dst->nwords <= 64) {
        if (!dst->peq && !(dst->peq = malloc(tm_peq_size())))
            return tm_error_nomem(err);
        tm_peq_build(dst->peq, dst->words, dst->nwords);
    }
    return TM_OK;
}

void tm_mtext_free(tm_mtext *mt)
{
    free(mt->words);
    free(mt->spans);
    tm_buf_free(&mt->key);
    free(mt->peq);
    memset(mt, 0, sizeof *mt);
}
