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
#include "model1.h"
#include "text/norm.h"
#include "vocab.h"

#define LAMBDA 0.4
#define LEX_FLOOR (-2.0)   /* the least a bead's ratio can be */
#define LOG_1ML (-0.5108256237659907) /* log(1 - LAMBDA) */
#define MAX_TRAIN 10000      /* beads used for training */
#define MAX_PAIRS 3000000    /* word co-occurrences in training */

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
    tm_m1 tr;          /* t(f | e) and t(f | NULL), over the document's word ids */
    float *puni;       /* P(f) in the target document; 0: f says nothing (unknown to the
                        * job's lexicon) */
    size_t nf;
};

static void dense_free(dense_cache *c);

/* ---- words ------------------------------------------------------------------- */

/* Word ids of every sentence of d into sd->toks. */
static tm_status side_words(side *sd, tm_vocab *v, const tm_doc *d, tm_error *err)
{
    tm_buf key = TM_BUF_INIT;
    tm_ids ids = {NULL, 0, 0};
    sd->tok_off = malloc((sd->n + 1) * sizeof *sd->tok_off);
    tm_status st = sd->tok_off ? TM_OK : tm_error_nomem(err);
    for (size_t s = 0; s < sd->n && st == TM_OK; s++) {
        size_t len;
        const char *text = tm_doc_sentence(d, s, &len);
        sd->tok_off[s] = (uint32_t)ids.n;
        st = tm_words_ids(v, text, len, 1, &key, &ids, err);
    }
    if (st == TM_OK)
        sd->tok_off[sd->n] = (uint32_t)ids.n;
    sd->toks = ids.id;
    if (!sd->toks && st == TM_OK && !(sd->toks = malloc(sizeof *sd->toks)))
        st = tm_error_nomem(err);
    tm_buf_free(&key);
    return st;
}

/* ---- building ---------------------------------------------------------------------- */

/* Training pairs: confident 1-1 beads, then dictionary entries. */
static size_t collect_pairs(const model *m, const tm_bead *b, size_t n, tm_m1_pair *sp,
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
        tm_m1_pair p;
        p.e = m->s.toks + m->s.tok_off[b[i].src];
        p.ne = m->s.tok_off[b[i].src + 1] - m->s.tok_off[b[i].src];
        p.f = m->t.toks + m->t.tok_off[b[i].tgt];
        p.nf = m->t.tok_off[b[i].tgt + 1] - m->t.tok_off[b[i].tgt];
        if (p.ne > TM_M1_MAX_WORDS)
            p.ne = TM_M1_MAX_WORDS;
        if (p.nf > TM_M1_MAX_WORDS)
            p.nf = TM_M1_MAX_WORDS;
        if (!p.ne || !p.nf || *cells + (size_t)(p.ne + 1) * p.nf > MAX_PAIRS)
            continue;
        p.first = (uint32_t)*cells;
        *cells += (size_t)(p.ne + 1) * p.nf;
        sp[np++] = p;
    }
    return np;
}

/* Dictionary entries become one-word training pairs (when both words occur
 * in the documents: others cannot matter). */
static size_t dict_pairs(const tm_dict *dict, tm_vocab *ve, tm_vocab *vf, uint32_t *words, tm_m1_pair *sp,
                         size_t *ncells)
{
    if (!dict)
        return 0;
    const char *const *src, *const *tgt;
    size_t n = tm_dict_pairs(dict, &src, &tgt), np = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t e = tm_vocab_id(ve, src[i], strlen(src[i]), 0);
        int64_t f = tm_vocab_id(vf, tgt[i], strlen(tgt[i]), 0);
        if (e < 0 || f < 0)
            continue;
        words[2 * np] = (uint32_t)e;
        words[2 * np + 1] = (uint32_t)f;
        sp[np] = (tm_m1_pair){&words[2 * np], &words[2 * np + 1], 1, 1, (uint32_t)*ncells};
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
    if (!lx->puni)
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
    tm_vocab *v[2];
    const tm_doc *doc[2];
} words_ctx;

static tm_status words_of(void *ctx, int which, tm_error *err)
{
    words_ctx *w = ctx;
    return side_words(which ? &w->m->t : &w->m->s, w->v[which], w->doc[which], err);
}

/* Translations for this document from the job's lexicon; a target word
 * the job never saw says nothing either way (P(f) = 0: skipped). */
static tm_status from_job(lexicon *lx, const tm_lexicon *job, const tm_vocab *ve, tm_vocab *vf,
                          tm_error *err)
{
    unsigned char *known = malloc(vf->n + 1);
    if (!known)
        return tm_error_nomem(err);
    tm_status st = tm_lexicon_project(job, ve, vf, &lx->tr, known, err);
    for (size_t f = 0; st == TM_OK && f < vf->n; f++)
        if (!known[f])
            lx->puni[f] = 0;
    free(known);
    return st;
}

tm_status tm_lex_build(lexicon **out, model *m, const tm_doc *src, const tm_doc *tgt,
                       const tm_bead *beads, size_t n, const tm_dict *dict, const tm_lexicon *job,
                       tm_error *err)
{
    *out = NULL;
    tm_vocab ve, vf;
    memset(&ve, 0, sizeof ve);
    memset(&vf, 0, sizeof vf);
    lexicon *lx = calloc(1, sizeof *lx);
    size_t ndict = dict ? tm_dict_size(dict) : 0;
    tm_m1_pair *sp = malloc((MAX_TRAIN + ndict + 1) * sizeof *sp);
    uint32_t *dwords = malloc((2 * ndict + 2) * sizeof *dwords);
    tm_status st = lx && sp && dwords ? TM_OK : tm_error_nomem(err);
    words_ctx wc = {m, {&ve, &vf}, {src, tgt}};
    if (st == TM_OK)
        st = tm_align_both(words_of, &wc, err);
    size_t ncells = 0, np = 0;
    if (st == TM_OK && !tm_lexicon_ready(job)) {
        np = collect_pairs(m, beads, n, sp, MAX_TRAIN, &ncells);
        np += dict_pairs(dict, &ve, &vf, dwords, sp + np, &ncells);
    }
    if (st == TM_OK && (np >= 5 || tm_lexicon_ready(job))) {
        st = unigrams(lx, m, vf.n, err);
        if (st == TM_OK)
            st = dense_init(lx, vf.n, err);
        if (st == TM_OK)
            st = tm_lexicon_ready(job) ? from_job(lx, job, &ve, &vf, err)
                                       : tm_m1_train(&lx->tr, sp, np, ncells, ve.n, vf.n, err);
        if (st == TM_OK) {
            *out = lx;
            lx = NULL;
        }
    }
    tm_lex_free(lx);
    free(sp);
    free(dwords);
    tm_vocab_free(&ve);
    tm_vocab_free(&vf);
    return st;
}

void tm_lex_free(lexicon *lx)
{
    if (!lx)
        return;
    dense_free(lx->cache);
    tm_m1_free(&lx->tr);
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
        for (uint32_t q = lx->tr.start[e]; q < lx->tr.start[e + 1]; q++)
            if (clear)
                d[lx->tr.f[q]] = 0;
            else
                d[lx->tr.f[q]] += lx->tr.p[q];
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
        if (lx->puni[f] <= 0)
            continue; /* unknown to the job's lexicon: no evidence either way */
        double sum = lx->tr.tnull[f];
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
