/*
 * align_lex.c — the lexical term: word translations learned from the
 * document pair itself (IBM Model 1 on the confident 1-1 beads of a first
 * pass, as in Moore 2002), optionally seeded with a dictionary.
 *
 * Words are the tokens of each sentence's match key (case folded, Vietnamese
 * tone placement unified, diacritics kept); each side has its own
 * vocabulary. The score of a bead is a log-likelihood ratio, per target
 * word f, of the source words S explaining f against f's plain frequency:
 *
 *     sum_f log( lambda * P1(f | S) / P(f) + (1 - lambda) )
 *     P1(f | S) = (t(f | NULL) + sum_{e in S} t(f | e)) / (|S| + 1)
 *
 * Mixing with the frequency model bounds what an unexplained word can cost
 * (-log(1 - lambda)) while a known translation earns a lot. An unaligned
 * sentence scores 0, the baseline.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "align_internal.h"
#include "text/norm.h"
#include "text/utf8.h"

#define LAMBDA 0.4
#define LEX_FLOOR (-2.0)   /* the least a bead's ratio can be */
#define LOG_1ML (-0.5108256237659907) /* log(1 - LAMBDA) */
#define MAX_TRAIN 10000      /* beads used for training */
#define MAX_WORDS 80         /* words per sentence used in training */
#define MAX_PAIRS 3000000    /* word co-occurrences in training */
#define EM_ITERS 5
#define T_MIN 0.02f          /* translations kept after training */
#define MAX_TRANS 12         /* per source word, the most probable */

/* Dense copies of the vectors of the last few source sentences scored: the
 * search asks for the same sentences over and over (one row of its band,
 * then the next), and a dense array answers in one load instead of a
 * binary search. A lexicon serves one search at a time. */
#define DENSE_SLOTS 4

typedef struct dense_cache {
    float *mass[DENSE_SLOTS];
    size_t sent[DENSE_SLOTS]; /* source sentence held, or SIZE_MAX */
    size_t clock;
    size_t used[DENSE_SLOTS];
} dense_cache;

struct lexicon {
    dense_cache *cache;
    uint32_t *tr_start; /* per source word e: its translations [tr_start[e], tr_start[e+1]) */
    uint32_t *tr_f;     /* target word f */
    float *tr_p;        /* t(f | e) */
    float *tnull;      /* t(f | NULL) */
    float *puni;       /* P(f) in the target document */
    size_t nf;
};

static void dense_free(dense_cache *c);

/* ---- vocabularies ------------------------------------------------------------ */

typedef struct vocab {
    uint32_t *slot;  /* open addressing: id + 1, 0 = empty */
    uint32_t *hash;
    size_t mask;
    tm_buf words;    /* NUL-terminated words */
    uint32_t *off;
    uint32_t n, cap;
} vocab;

static uint32_t hash_str(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void vocab_free(vocab *v)
{
    free(v->slot);
    free(v->hash);
    free(v->off);
    tm_buf_free(&v->words);
}

static int vocab_rehash(vocab *v, size_t size)
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

/* Id of a word; add it when `add`, else -2 when unknown. -1: no memory. */
static int64_t vocab_id(vocab *v, const char *w, size_t n, int add)
{
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

/* The next word of s (letters, marks, digits) from *i: [*ws, *we). */
static int next_word(const char *s, size_t len, size_t *i, size_t *ws, size_t *we)
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

/* Word ids of every sentence of d into sd->toks. */
static tm_status side_words(side *sd, vocab *v, const tm_doc *d, tm_error *err)
{
    tm_buf key = TM_BUF_INIT;
    size_t cap = 16 * sd->n + 16, n = 0;
    sd->toks = malloc(cap * sizeof *sd->toks);
    sd->tok_off = malloc((sd->n + 1) * sizeof *sd->tok_off);
    tm_status st = sd->toks && sd->tok_off ? TM_OK : tm_error_nomem(err);
    for (size_t s = 0; s < sd->n && st == TM_OK; s++) {
        size_t len;
        const char *text = tm_doc_sentence(d, s, &len);
        sd->tok_off[s] = (uint32_t)n;
        if ((st = tm_norm_match(text, len, &key, err)) != TM_OK)
            break;
        size_t i = 0, ws = (size_t)-1, we;
        while (st == TM_OK && next_word(key.data, key.len, &i, &ws, &we)) {
            int64_t id = vocab_id(v, key.data + ws, we - ws, 1);
            ws = (size_t)-1;
            if (id < 0) {
                st = tm_error_nomem(err);
                break;
            }
            if (n == cap) {
                cap *= 2;
                uint32_t *p = realloc(sd->toks, cap * sizeof *p);
                if (!p) {
                    st = tm_error_nomem(err);
                    break;
                }
                sd->toks = p;
            }
            sd->toks[n++] = (uint32_t)id;
        }
    }
    if (st == TM_OK)
        sd->tok_off[sd->n] = (uint32_t)n;
    tm_buf_free(&key);
    return st;
}

/* ---- Model 1 training ---------------------------------------------------------- */

/* One training pair: source words (plus NULL) and target words. */
typedef struct sentpair {
    const uint32_t *e, *f;
    uint32_t ne, nf;
    uint32_t first; /* index of its (e, f) cells in the cell list */
} sentpair;

typedef struct table {
    uint64_t *keys; /* (e << 32 | f) + 1; 0 = empty */
    uint32_t *idx;
    size_t mask;
    float *t;
    double *count;
    uint32_t *cell_e, *cell_f;
    size_t n, cap;
} table;

static void table_free(table *tb)
{
    free(tb->keys);
    free(tb->idx);
    free(tb->t);
    free(tb->count);
    free(tb->cell_e);
    free(tb->cell_f);
}

static size_t table_slot(const table *tb, uint64_t key)
{
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & tb->mask;
    while (tb->keys[i] && tb->keys[i] != key)
        i = (i + 1) & tb->mask;
    return i;
}

/* Room for twice as many cells: the table holds the distinct (e, f) pairs,
 * far fewer than the co-occurrences, so it starts small and grows. */
static int table_grow(table *tb)
{
    size_t cap = 2 * tb->cap, size = 2 * (tb->mask + 1);
    uint64_t *keys = calloc(size, sizeof *keys);
    uint32_t *idx = malloc(size * sizeof *idx);
    uint32_t *ce = realloc(tb->cell_e, cap * sizeof *ce);
    if (ce)
        tb->cell_e = ce;
    uint32_t *cf = realloc(tb->cell_f, cap * sizeof *cf);
    if (cf)
        tb->cell_f = cf;
    if (!keys || !idx || !ce || !cf) {
        free(keys);
        free(idx);
        return -1;
    }
    free(tb->keys);
    free(tb->idx);
    tb->keys = keys;
    tb->idx = idx;
    tb->mask = size - 1;
    tb->cap = cap;
    for (size_t c = 0; c < tb->n; c++) {
        uint64_t key = ((uint64_t)tb->cell_e[c] << 32 | tb->cell_f[c]) + 1;
        size_t i = table_slot(tb, key);
        tb->keys[i] = key;
        tb->idx[i] = (uint32_t)c;
    }
    return 0;
}

static int64_t table_cell(table *tb, uint32_t e, uint32_t f)
{
    uint64_t key = ((uint64_t)e << 32 | f) + 1;
    size_t i = table_slot(tb, key);
    if (tb->keys[i])
        return tb->idx[i];
    if (tb->n == tb->cap) {
        if (table_grow(tb) != 0)
            return -1;
        i = table_slot(tb, key);
    }
    tb->keys[i] = key;
    tb->idx[i] = (uint32_t)tb->n;
    tb->cell_e[tb->n] = e;
    tb->cell_f[tb->n] = f;
    return (int64_t)tb->n++;
}

static int table_init(table *tb, size_t cap)
{
    memset(tb, 0, sizeof *tb);
    size_t size = 1024;
    while (size < 2 * cap)
        size *= 2;
    tb->mask = size - 1;
    tb->cap = cap;
    tb->keys = calloc(size, sizeof *tb->keys);
    tb->idx = malloc(size * sizeof *tb->idx);
    tb->cell_e = malloc(cap * sizeof *tb->cell_e);
    tb->cell_f = malloc(cap * sizeof *tb->cell_f);
    return tb->keys && tb->idx && tb->cell_e && tb->cell_f ? 0 : -1;
}

/* The EM arrays, once the cells are known. */
static int table_finish(table *tb)
{
    tb->t = malloc((tb->n + 1) * sizeof *tb->t);
    tb->count = malloc((tb->n + 1) * sizeof *tb->count);
    return tb->t && tb->count ? 0 : -1;
}

/* EM for t(f | e); cells[] lists, per pair, the cell of each (e, f). */
static void em(table *tb, const sentpair *sp, size_t np, const uint32_t *cells, uint32_t null_e,
               size_t ne_vocab)
{
    double *total = malloc((ne_vocab + 1) * sizeof *total);
    if (!total)
        return;
    for (size_t c = 0; c < tb->n; c++)
        tb->t[c] = 1.0f;
    for (int it = 0; it < EM_ITERS; it++) {
        memset(tb->count, 0, tb->n * sizeof *tb->count);
        memset(total, 0, (ne_vocab + 1) * sizeof *total);
        for (size_t p = 0; p < np; p++) {
            uint32_t ne = sp[p].ne + 1; /* + NULL */
            for (uint32_t y = 0; y < sp[p].nf; y++) {
                const uint32_t *row = cells + sp[p].first + (size_t)y * ne;
                double denom = 0;
                for (uint32_t x = 0; x < ne; x++)
                    denom += tb->t[row[x]];
                for (uint32_t x = 0; x < ne; x++) {
                    double c = tb->t[row[x]] / denom;
                    tb->count[row[x]] += c;
                    total[tb->cell_e[row[x]]] += c;
                }
            }
        }
        for (size_t c = 0; c < tb->n; c++)
            tb->t[c] = (float)(tb->count[c] / total[tb->cell_e[c]]);
    }
    (void)null_e;
    free(total);
}

/* ---- building ---------------------------------------------------------------------- */

/* Training pairs: confident 1-1 beads, then dictionary entries. */
static size_t collect_pairs(const model *m, const tm_bead *b, size_t n, sentpair *sp,
                            size_t cap, size_t *cells)
{
    size_t np = 0, eligible = 0;
    for (size_t i = 0; i < n; i++)
        eligible += b[i].nsrc == 1 && b[i].ntgt == 1 && b[i].score >= 0.5;
    size_t step = eligible > cap ? eligible / cap + 1 : 1, seen = 0;
    *cells = 0;
    for (size_t i = 0; i < n && np < cap; i++) {
        if (!(b[i].nsrc == 1 && b[i].ntgt == 1 && b[i].score >= 0.5) || seen++ % step)
            continue;
        sentpair p;
        p.e = m->s.toks + m->s.tok_off[b[i].src];
        p.ne = m->s.tok_off[b[i].src + 1] - m->s.tok_off[b[i].src];
        p.f = m->t.toks + m->t.tok_off[b[i].tgt];
        p.nf = m->t.tok_off[b[i].tgt + 1] - m->t.tok_off[b[i].tgt];
        if (p.ne > MAX_WORDS)
            p.ne = MAX_WORDS;
        if (p.nf > MAX_WORDS)
            p.nf = MAX_WORDS;
        if (!p.ne || !p.nf || *cells + (size_t)(p.ne + 1) * p.nf > MAX_PAIRS)
            continue;
        p.first = (uint32_t)*cells;
        *cells += (size_t)(p.ne + 1) * p.nf;
        sp[np++] = p;
    }
    return np;
}

/* Keep the MAX_TRANS most probable translations of each source word:
 * within each group of order (one source word), partial selection sort,
 * then the group is compacted in place and start[] updated. */
static void trim_translations(uint32_t *start, uint32_t *order, size_t ne, const float *t)
{
    uint32_t out = 0;
    for (size_t e = 0; e < ne; e++) {
        uint32_t a = start[e], b = start[e + 1], n = b - a;
        uint32_t keep = n < MAX_TRANS ? n : MAX_TRANS;
        for (uint32_t x = 0; x < keep; x++) {
            uint32_t best = a + x;
            for (uint32_t y = a + x + 1; y < b; y++)
                if (t[order[y]] > t[order[best]])
                    best = y;
            uint32_t tmp = order[a + x];
            order[a + x] = order[best];
            order[best] = tmp;
        }
        start[e] = out;
        for (uint32_t x = 0; x < keep; x++)
            order[out++] = order[a + x];
    }
    start[ne] = out;
}

static tm_status train(lexicon *lx, sentpair *sp, size_t np, size_t ncells,
                       size_t ne_vocab, tm_error *err)
{
    table tb;
    uint32_t *cells = malloc((ncells + 1) * sizeof *cells);
    tm_status st = TM_OK;
    if (!cells || table_init(&tb, 1u << 16) != 0) {
        free(cells);
        table_free(&tb);
        return tm_error_nomem(err);
    }
    uint32_t null_e = (uint32_t)ne_vocab;
    int full = 0;
    for (size_t p = 0; p < np && !full; p++)
        for (uint32_t y = 0; y < sp[p].nf && !full; y++)
            for (uint32_t x = 0; x <= sp[p].ne && !full; x++) {
                int64_t c = table_cell(&tb, x < sp[p].ne ? sp[p].e[x] : null_e, sp[p].f[y]);
                full = c < 0;
                cells[sp[p].first + (size_t)y * (sp[p].ne + 1) + x] = (uint32_t)c;
            }
    if (full || table_finish(&tb) != 0) {
        free(cells);
        table_free(&tb);
        return tm_error_nomem(err);
    }
    em(&tb, sp, np, cells, null_e, ne_vocab);
    /* Keep the useful translations: by source word, for the sentence vectors. */
    size_t keep = 0;
    for (size_t c = 0; c < tb.n; c++)
        if (tb.cell_e[c] == null_e)
            lx->tnull[tb.cell_f[c]] = tb.t[c];
        else if (tb.t[c] >= T_MIN)
            tb.cell_e[keep] = tb.cell_e[c], tb.cell_f[keep] = tb.cell_f[c], tb.t[keep++] = tb.t[c];
    /* index by e: counting sort */
    uint32_t *start = calloc(ne_vocab + 2, sizeof *start);
    uint32_t *order = malloc((keep + 1) * sizeof *order);
    if (!start || !order) {
        st = tm_error_nomem(err);
    } else {
        for (size_t c = 0; c < keep; c++)
            start[tb.cell_e[c] + 1]++;
        for (size_t e = 0; e < ne_vocab; e++)
            start[e + 1] += start[e];
        uint32_t *fill = malloc((ne_vocab + 1) * sizeof *fill);
        if (!fill) {
            st = tm_error_nomem(err);
        } else {
            memcpy(fill, start, (ne_vocab + 1) * sizeof *fill);
            for (size_t c = 0; c < keep; c++)
                order[fill[tb.cell_e[c]]++] = (uint32_t)c;
            free(fill);
            trim_translations(start, order, ne_vocab, tb.t);
            st = TM_OK;
        }
    }
    if (st == TM_OK) {
        /* per source word: its kept translations, (f, t(f|e)) entries */
        lx->tr_start = malloc((ne_vocab + 1) * sizeof *lx->tr_start);
        lx->tr_f = malloc((start[ne_vocab] + 1) * sizeof *lx->tr_f);
        lx->tr_p = malloc((start[ne_vocab] + 1) * sizeof *lx->tr_p);
        if (!lx->tr_start || !lx->tr_f || !lx->tr_p) {
            st = tm_error_nomem(err);
        } else {
            memcpy(lx->tr_start, start, (ne_vocab + 1) * sizeof *start);
            for (uint32_t q = 0; q < start[ne_vocab]; q++) {
                lx->tr_f[q] = tb.cell_f[order[q]];
                lx->tr_p[q] = tb.t[order[q]];
            }
        }
    }
    free(start);
    free(order);
    free(cells);
    table_free(&tb);
    return st;
}

/* Dictionary entries become one-word training pairs (when both words occur
 * in the documents: others cannot matter). */
static size_t dict_pairs(const tm_dict *dict, vocab *ve, vocab *vf, uint32_t *words, sentpair *sp,
                         size_t *ncells)
{
    if (!dict)
        return 0;
    const char *const *src, *const *tgt;
    size_t n = tm_dict_pairs(dict, &src, &tgt), np = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t e = vocab_id(ve, src[i], strlen(src[i]), 0);
        int64_t f = vocab_id(vf, tgt[i], strlen(tgt[i]), 0);
        if (e < 0 || f < 0)
            continue;
        words[2 * np] = (uint32_t)e;
        words[2 * np + 1] = (uint32_t)f;
        sp[np] = (sentpair){&words[2 * np], &words[2 * np + 1], 1, 1, (uint32_t)*ncells};
        *ncells += 2;
        np++;
    }
    return np;
}

static tm_status dense_init(lexicon *lx, size_t nf, tm_error *err)
{
    lx->cache = calloc(1, sizeof *lx->cache);
    if (!lx->cache)
        return tm_error_nomem(err);
    for (int k = 0; k < DENSE_SLOTS; k++) {
        lx->cache->sent[k] = SIZE_MAX;
        if (!(lx->cache->mass[k] = calloc(nf + 1, sizeof(float))))
            return tm_error_nomem(err);
    }
    return TM_OK;
}

lexicon *tm_lex_view(const lexicon *lx)
{
    lexicon *v = malloc(sizeof *v);
    if (!v)
        return NULL;
    *v = *lx;
    tm_error err;
    if (dense_init(v, lx->nf, &err) != TM_OK) {
        tm_lex_view_free(v);
        return NULL;
    }
    return v;
}

static void dense_free(dense_cache *c)
{
    if (c)
        for (int k = 0; k < DENSE_SLOTS; k++)
            free(c->mass[k]);
    free(c);
}

void tm_lex_view_free(lexicon *v)
{
    if (!v)
        return;
    dense_free(v->cache);
    free(v);
}

static tm_status unigrams(lexicon *lx, const model *m, size_t nf, tm_error *err)
{
    lx->puni = calloc(nf + 1, sizeof *lx->puni);
    lx->tnull = calloc(nf + 1, sizeof *lx->tnull);
    if (!lx->puni || !lx->tnull)
        return tm_error_nomem(err);
    size_t total = m->t.tok_off[m->t.n];
    for (size_t k = 0; k < total; k++)
        lx->puni[m->t.toks[k]] += 1;
    for (size_t f = 0; f < nf; f++)
        lx->puni[f] = (float)((lx->puni[f] + 1) / (double)(total + nf));
    lx->nf = nf;
    return TM_OK;
}

typedef struct words_ctx {
    model *m;
    vocab *v[2];
    const tm_doc *doc[2];
} words_ctx;

static tm_status words_of(void *ctx, int which, tm_error *err)
{
    words_ctx *w = ctx;
    return side_words(which ? &w->m->t : &w->m->s, w->v[which], w->doc[which], err);
}

tm_status tm_lex_build(lexicon **out, model *m, const tm_doc *src, const tm_doc *tgt,
                       const tm_bead *beads, size_t n, const tm_dict *dict, tm_error *err)
{
    *out = NULL;
    vocab ve, vf;
    memset(&ve, 0, sizeof ve);
    memset(&vf, 0, sizeof vf);
    lexicon *lx = calloc(1, sizeof *lx);
    size_t ndict = dict ? tm_dict_size(dict) : 0;
    sentpair *sp = malloc((MAX_TRAIN + ndict + 1) * sizeof *sp);
    uint32_t *dwords = malloc((2 * ndict + 2) * sizeof *dwords);
    tm_status st = lx && sp && dwords ? TM_OK : tm_error_nomem(err);
    words_ctx wc = {m, {&ve, &vf}, {src, tgt}};
    if (st == TM_OK)
        st = tm_align_both(words_of, &wc, err);
    size_t ncells = 0, np = 0;
    if (st == TM_OK) {
        np = collect_pairs(m, beads, n, sp, MAX_TRAIN, &ncells);
        np += dict_pairs(dict, &ve, &vf, dwords, sp + np, &ncells);
    }
    if (st == TM_OK && np >= 5) {
        st = unigrams(lx, m, vf.n, err);
        if (st == TM_OK)
            st = dense_init(lx, vf.n, err);
        if (st == TM_OK)
            st = train(lx, sp, np, ncells, ve.n, err);
        if (st == TM_OK) {
            *out = lx;
            lx = NULL;
        }
    }
    tm_lex_free(lx);
    free(sp);
    free(dwords);
    vocab_free(&ve);
    vocab_free(&vf);
    return st;
}

void tm_lex_free(lexicon *lx)
{
    if (!lx)
        return;
    dense_free(lx->cache);
    free(lx->tr_start);
    free(lx->tr_f);
    free(lx->tr_p);
    free(lx->tnull);
    free(lx->puni);
    free(lx);
}

/* log(1 + x) to about 1e-4 absolute, several times faster than libm: the
 * exponent from the float's bits, the mantissa m in [1, 2) by a short
 * polynomial in (m - 1). Good enough for a score summed over words. */
static double fast_log1p(double x)
{
    float v = (float)(1.0 + x);
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    int e = (int)((bits >> 23) & 0xFF) - 127;
    bits = (bits & 0x007FFFFF) | 0x3F800000;
    float m;
    memcpy(&m, &bits, sizeof m);
    float t = m - 1.0f;
    /* ln(1 + t), t in [0, 1): minimax-style fit */
    float p = t * (0.9998164f + t * (-0.4940832f + t * (0.2880008f + t * (-0.1368286f + t * 0.0363041f))));
    return (double)e * 0.6931471805599453 + (double)p;
}

/* The dense vector of source sentence i: a cached slot, or the least
 * recently used one refilled (old entries cleared, new ones scattered). */
static void dense_add(const lexicon *lx, const side *sd, size_t i, float *d, int clear)
{
    for (uint32_t k = sd->tok_off[i]; k < sd->tok_off[i + 1]; k++) {
        uint32_t e = sd->toks[k];
        for (uint32_t q = lx->tr_start[e]; q < lx->tr_start[e + 1]; q++)
            if (clear)
                d[lx->tr_f[q]] = 0;
            else
                d[lx->tr_f[q]] += lx->tr_p[q];
    }
}

static const float *dense_of(const lexicon *lx, const side *sd, size_t i)
{
    dense_cache *c = lx->cache;
    int lru = 0;
    for (int k = 0; k < DENSE_SLOTS; k++) {
        if (c->sent[k] == i) {
            c->used[k] = ++c->clock;
            return c->mass[k];
        }
        if (c->used[k] < c->used[lru])
            lru = k;
    }
    float *d = c->mass[lru];
    if (c->sent[lru] != SIZE_MAX)
        dense_add(lx, sd, c->sent[lru], d, 1);
    dense_add(lx, sd, i, d, 0);
    c->sent[lru] = i;
    c->used[lru] = ++c->clock;
    return d;
}

double tm_lex_score(const lexicon *lx, const model *m, size_t i0, size_t i1, size_t j0,
                    size_t j1)
{
    double ns = (double)(m->s.tok_off[i1] - m->s.tok_off[i0]);
    double llr = 0;
    const float *d[3];
    size_t nd = i1 - i0 < 3 ? i1 - i0 : 3;
    for (size_t i = 0; i < nd; i++)
        d[i] = dense_of(lx, &m->s, i0 + i);
    for (uint32_t k = m->t.tok_off[j0]; k < m->t.tok_off[j1]; k++) {
        uint32_t f = m->t.toks[k];
        double sum = lx->tnull[f];
        for (size_t i = 0; i < nd; i++)
            sum += d[i][f];
        /* log(lambda p1 / P(f) + 1 - lambda) = log(1 - lambda) + log1p(x);
         * most words of a wrong pairing have x ~ 0: skip the log there. */
        double x = LAMBDA / (1 - LAMBDA) * sum / ((ns + 1) * lx->puni[f]);
        llr += LOG_1ML + (x < 1e-4 ? x : fast_log1p(x));
    }
    /* A lexicon learned from a few sentences predicts other words for most
     * of a true pair it was not trained on: bounded below, it cannot
     * outweigh the length and the anchors of such a pair. */
    return llr > LEX_FLOOR ? llr : LEX_FLOOR;
}
