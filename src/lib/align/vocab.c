/*
 * vocab.c — words and their ids: the vocabulary of one side of a document
 * pair (or of a whole job), an open-addressing table from a word to a
 * dense id with the words kept in one buffer; and the words of a text, as
 * the lexical model sees them.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "text/norm.h"
#include "text/utf8.h"
#include "vocab.h"

static uint32_t hash_str(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

void tm_vocab_free(tm_vocab *v)
{
    free(v->slot);
    free(v->hash);
    free(v->off);
    tm_buf_free(&v->words);
}

static int vocab_rehash(tm_vocab *v, size_t size)
{
    uint32_t *slot = calloc(size, sizeof *slot), *hash = calloc(size, sizeof *hash);
    if (!slot || !hash) {
        free(slot);
        free(hash);
        return -1;
    }
    for (size_t i = 0; v->slot && i <= v->mask; i++) {
        if (!v->slot[i])
            continue;
        size_t k = v->hash[i] & (size - 1);
        while (slot[k])
            k = (k + 1) & (size - 1);
        slot[k] = v->slot[i];
        hash[k] = v->hash[i];
    }
    free(v->slot);
    free(v->hash);
    v->slot = slot;
    v->hash = hash;
    v->mask = size - 1;
    return 0;
}

int64_t tm_vocab_id(tm_vocab *v, const char *w, size_t n, int add)
{
    if (!v->slot && !add)
        return -2; /* (a lookup never writes: readers may share a vocabulary) */
    if (!v->slot && vocab_rehash(v, 1024) != 0)
        return -1;
    uint32_t h = hash_str(w, n);
    size_t i = h & v->mask;
    for (; v->slot[i]; i = (i + 1) & v->mask) {
        uint32_t id = v->slot[i] - 1;
        const char *s = v->words.data + v->off[id];
        if (v->hash[i] == h && strncmp(s, w, n) == 0 && s[n] == '\0')
            return id;
    }
    if (!add)
        return -2;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 1024;
        uint32_t *o = realloc(v->off, v->cap * sizeof *o);
        if (!o)
            return -1;
        v->off = o;
    }
    v->off[v->n] = (uint32_t)v->words.len;
    if (tm_buf_append(&v->words, w, n) != 0 || tm_buf_putc(&v->words, '\0') != 0)
        return -1;
    v->slot[i] = v->n + 1;
    v->hash[i] = h;
    v->n++;
    if (4 * (size_t)v->n > 3 * v->mask && vocab_rehash(v, 2 * (v->mask + 1)) != 0)
        return -1;
    return v->n - 1;
}

int tm_words_next(const char *s, size_t len, size_t *i, size_t *ws, size_t *we)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*i < len) {
        uint32_t c;
        size_t k = tm_utf8_decode(p + *i, len - *i, &c);
        if (!k)
            k = 1;
        int in = k && (u_isalnum((UChar32)c) || u_charType((UChar32)c) == U_NON_SPACING_MARK);
        if (in && *ws == (size_t)-1)
            *ws = *i;
        if (!in && *ws != (size_t)-1) {
            *we = *i;
            return 1;
        }
        *i += k;
    }
    if (*ws != (size_t)-1) {
        *we = len;
        return 1;
    }
    return 0;
}

const char *tm_vocab_word(const tm_vocab *v, uint32_t id)
{
    return v->words.data + v->off[id];
}

tm_status tm_words_key_ids(tm_vocab *v, const char *key, size_t len, int add, tm_ids *out,
                           tm_error *err)
{
    size_t i = 0, ws = (size_t)-1, we;
    while (tm_words_next(key, len, &i, &ws, &we)) {
        int64_t id = tm_vocab_id(v, key + ws, we - ws, add);
        ws = (size_t)-1;
        if (id == -2)
            continue; /* unknown, not added */
        if (id < 0)
            return tm_error_nomem(err);
        if (out->n == out->cap) {
            size_t cap = out->cap ? 2 * out->cap : 256;
            uint32_t *p = realloc(out->id, cap * sizeof *p);
            if (!p)
                return tm_error_nomem(err);
            out->id = p;
            out->cap = cap;
        }
        out->id[out->n++] = (uint32_t)id;
    }
    return TM_OK;
}

tm_status tm_words_ids(tm_vocab *v, const char *text, size_t len, int add, tm_buf *key,
                       tm_ids *out, tm_error *err)
{
    tm_status st = tm_norm_match(text, len, key, err);
    return st == TM_OK ? tm_words_key_ids(v, key->data, key->len, add, out, err) : st;
}
