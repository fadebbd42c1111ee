/*
 * store_term.c — a concordance term (store.h, tm_concord): its words, and
 * whether a text holds them in a row.
 *
 * Words are compared on a key of the text: the match key, or the fold key
 * (diacritics dropped) for --fold. Both are cut into words and hashed the
 * way matching does (tm_match_words), so a key holds the term exactly when
 * the term's word hashes occur in a row in the key's. A word's hash is a
 * hash of its bytes, so a key that holds the term holds the bytes of its
 * longest word (the needle): most keys are refused by one memmem-like scan
 * before any word is cut.
 *
 * The word arrays grow to fit the longest text seen; a tm_concord is for
 * one thread.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "text/norm.h"

#define TERM_MAX 64

struct tm_concord {
    char *text; /* the term as given */
    int fold;
    uint32_t term[TERM_MAX];
    size_t nterm;
    tm_buf needle; /* the term's longest word: a key without it holds no term */
    tm_buf key;
    /* the words of the key being checked, and for a text being marked the
     * marks and byte spans of its words (nw of them when they line up with
     * the key's, else 0); room for wcap words */
    uint32_t *h, *spans;
    unsigned char *mark;
    size_t wcap, nw;
};

/* The key concord compares words on: the match key, or the fold key. */
static tm_status term_key(const tm_concord *c, const char *s, tm_buf *out, tm_error *err)
{
    return c->fold ? tm_norm_fold(s, strlen(s), out, err) : tm_norm_match(s, strlen(s), out, err);
}

tm_status tm_concord_new(tm_concord **out, const char *term, int fold, tm_error *err)
{
    *out = NULL;
    tm_concord *c = calloc(1, sizeof *c);
    if (!c)
        return tm_error_nomem(err);
    c->fold = fold;
    tm_status st = (c->text = strdup(term)) ? term_key(c, term, &c->key, err) : tm_error_nomem(err);
    uint32_t spans[2 * TERM_MAX];
    if (st == TM_OK) {
        c->nterm = tm_match_words(c->key.data ? c->key.data : "", c->key.len, c->term, spans, TERM_MAX);
        if (c->nterm == 0 || c->nterm > TERM_MAX)
            st = tm_error_set(err, TM_EUSAGE, "TERM needs 1 to %d words", TERM_MAX);
    }
    if (st == TM_OK) {
        size_t longest = 0;
        for (size_t k = 1; k < c->nterm; k++)
            if (spans[2 * k + 1] - spans[2 * k] > spans[2 * longest + 1] - spans[2 * longest])
                longest = k;
        if (tm_buf_append(&c->needle, c->key.data + spans[2 * longest],
                          spans[2 * longest + 1] - spans[2 * longest]) != 0)
            st = tm_error_nomem(err);
    }
    if (st != TM_OK) {
        tm_concord_free(c);
        return st;
    }
    *out = c;
    return TM_OK;
}

void tm_concord_free(tm_concord *c)
{
    if (!c)
        return;
    free(c->text);
    tm_buf_free(&c->key);
    tm_buf_free(&c->needle);
    free(c->h);
    free(c->spans);
    free(c->mark);
    free(c);
}

/* Room for n words in c's word arrays: 0, or -1 out of memory. */
static int word_room(tm_concord *c, size_t n)
{
    if (n <= c->wcap)
        return 0;
    size_t cap = n + n / 2 + 64;
    uint32_t *h = realloc(c->h, cap * sizeof *h);
    if (h)
        c->h = h;
    uint32_t *sp = h ? realloc(c->spans, 2 * cap * sizeof *sp) : NULL;
    if (sp)
        c->spans = sp;
    unsigned char *m = sp ? realloc(c->mark, cap) : NULL;
    if (!m)
        return -1;
    c->mark = m;
    c->wcap = cap;
    return 0;
}

/* The words of s (hashes or spans) into c's arrays, grown to fit: their
 * count, or SIZE_MAX out of memory. */
static size_t words_of(tm_concord *c, const char *s, size_t len, int spans)
{
    size_t n = tm_match_words(s, len, spans ? NULL : c->h, spans ? c->spans : NULL, c->wcap);
    if (n > c->wcap) {
        if (word_room(c, n) != 0)
            return SIZE_MAX;
        tm_match_words(s, len, spans ? NULL : c->h, spans ? c->spans : NULL, c->wcap);
    }
    return n;
}

/* Does h (n bytes) contain the m > 0 bytes of w? */
static int contains(const char *h, size_t n, const char *w, size_t m)
{
    for (const char *p = h, *end = h + n; (size_t)(end - p) >= m; p++) {
        if (!(p = memchr(p, w[0], (size_t)(end - p) - m + 1)))
            return 0;
        if (memcmp(p, w, m) == 0)
            return 1;
    }
    return 0;
}

tm_status tm_concord_holds(tm_concord *c, const char *text, int marks, int *found, tm_error *err)
{
    *found = 0;
    tm_status st = term_key(c, text, &c->key, err);
    if (st != TM_OK)
        return st;
    if (!marks && !contains(c->key.data, c->key.len, c->needle.data, c->needle.len))
        return TM_OK;
    size_t n = words_of(c, c->key.data ? c->key.data : "", c->key.len, 0);
    if (n == SIZE_MAX)
        return tm_error_nomem(err);
    if (marks)
        memset(c->mark, 0, n);
    for (size_t i = 0; i + c->nterm <= n; i++) {
        size_t k = 0;
        while (k < c->nterm && c->h[i + k] == c->term[k])
            k++;
        if (k == c->nterm) {
            *found = 1;
            if (marks)
                memset(c->mark + i, 1, c->nterm);
        }
    }
    if (marks) {
        size_t m = words_of(c, text, strlen(text), 1);
        if (m == SIZE_MAX)
            return tm_error_nomem(err);
        c->nw = m == n ? n : 0; /* spans only when the words line up */
    }
    return TM_OK;
}

tm_status tm_concord_mark(tm_concord *c, const char *text, const uint32_t **spans,
                          const unsigned char **mark, size_t *nwords, tm_error *err)
{
    int found;
    c->nw = 0;
    tm_status st = tm_concord_holds(c, text, 1, &found, err);
    *spans = c->spans;
    *mark = c->mark;
    *nwords = st == TM_OK ? c->nw : 0;
    return st;
}

int tm_concord_folds(const tm_concord *c)
{
    return c->fold;
}

const char *tm_concord_term(const tm_concord *c)
{
    return c->text;
}
