/*
 * align_internal.h — the aligner's model and search, shared by align.c
 * (the driver), align_model.c (bead costs) and align_dp.c (search). Not
 * public.
 */
#ifndef TM_ALIGN_INTERNAL_H
#define TM_ALIGN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "align.h"
#include "anchors.h"
#include "model1.h"
#include "vocab.h"

/* Bead shapes, in the order of the prior table. */
enum { B11, B10, B01, B21, B12, B22, B13, B31, NSHAPES };
extern const int tm_shape_src[NSHAPES], tm_shape_tgt[NSHAPES];
/* The shape of an a-b bead (a, b <= 3, not both 0; the shapes above). */
int tm_shape_of(size_t a, size_t b);

/* What the model needs of one side, precomputed once. */
typedef struct side {
    size_t n;
    double *cum;           /* cum[i]: characters in sentences [0, i) */
    uint32_t *key_off;     /* keys of sentence i: keys[key_off[i] .. key_off[i+1]) */
    tm_key *keys;
    float *key_w;          /* weight of each key occurrence */
    float *key_sum;        /* key_sum[i]: weight of the keys of sentence i */
    unsigned char *bound;  /* bound[i]: a paragraph starts at position i (0 and n too) */
    uint32_t *tok_off;     /* words of sentence i: toks[tok_off[i] .. tok_off[i+1]) */
    uint32_t *toks;        /* word ids (folded, lower-cased), for the lexical term */
} side;

/* Word translation probabilities t(f|e), sparse. */
typedef struct lexicon lexicon;

/* Recently gathered key sets of multi-sentence ranges (align_model.c). */
typedef struct keycache keycache;
keycache *tm_keycache_new(void);
void tm_keycache_free(keycache *kc);

#define TM_LT_STEP 0.01
#define TM_LT_SIZE 3001 /* |delta| up to 30 */

typedef struct model {
    side s, t;
    double lentab[TM_LT_SIZE]; /* the length cost, tabulated */
    double c, s2;             /* target characters per source character; variance */
    double prior[NSHAPES];    /* -log P(shape) */
    double w_type[TM_KEY_NTYPES];
    double para_pen;          /* bead start disagreeing on paragraph boundaries */
    double cross_pen;         /* bead spanning a paragraph boundary on one side */
    const lexicon *lex;       /* NULL: no lexical term */
    keycache *keys;           /* scratch of the cost function: one search at a time */
    double lex_w;
    /* a source (target) sentence without support in a bead of each shape */
    double unsup_s[NSHAPES], unsup_t[NSHAPES];
} model;

/* Cost of the bead that ends at (i, j) with the given shape: it covers
 * source [i - a, i) and target [j - b, j). lex is the bead's lexical
 * log-likelihood ratio (tm_lex_score); sup_s[k] (sup_t[k]) the lexical
 * support of the k-th sentence of a many-sentence source (target) side:
 * the ratio of that sentence against the other side alone. The search
 * computes these from its caches; NULL and 0 without a lexicon. */
double tm_bead_cost_sup(const model *m, size_t i, size_t j, int shape, double lex,
                        const double *sup_s, const double *sup_t);
/* A lower bound of that cost, cheap: the prior and the length term, less
 * the most the anchors could earn and lex_ub, a bound of the lexical
 * ratio. The search skips a bead whose bound cannot beat its best. */
double tm_bead_cost_bound(const model *m, size_t i, size_t j, int shape, double lex_ub);
/* The cost without lexical evidence (a first pass). */
double tm_bead_cost_nolex(const model *m, size_t i, size_t j, int shape);

/* Best path by Viterbi in a band that widens until the path stays clear
 * of its edges: around the diagonal, or around a guide path (a first
 * pass) when one is given; then posteriors by forward-backward around the
 * path. */
tm_status tm_align_search(const model *m, const tm_bead *guide, size_t nguide,
                          tm_bead **beads, size_t *nbeads, size_t *band, tm_error *err);

/* A guide path for a first pass, by coarse-to-fine search over blocks of
 * sentences (align_coarse.c); NULL when the pair is small enough to
 * search around the diagonal. */
tm_status tm_align_coarse(const model *m, tm_bead **guide, size_t *nguide, tm_error *err);

/* fn(ctx, 0) and fn(ctx, 1) at the same time, the second on a thread of
 * its own (in turn when no thread can start): work on the two sides. The
 * first error is returned. */
tm_status tm_align_both(tm_status (*fn)(void *ctx, int which, tm_error *err), void *ctx,
                        tm_error *err);

/* Side precomputation: lengths, keys and weights, paragraph boundaries. */
tm_status tm_side_build(side *sd, const tm_doc *d, tm_error *err);
void tm_side_free(side *sd);
/* Key weights from document frequencies on both sides. */
tm_status tm_model_weigh_keys(model *m, tm_error *err);
/* -log of the two-sided normal tail, from the model's table. */
void tm_length_table_init(double *tab);
double tm_length_cost(const double *tab, double delta);

/* ---- lexicon (align_lex.c) ---- */
/* Words of both documents into m->s/m->t (toks), then word translations
 * trained on the confident 1-1 beads given (and the dictionary). *out is
 * NULL when there was nothing to learn from. */
tm_status tm_lex_build(lexicon **out, model *m, const tm_doc *src, const tm_doc *tgt,
                       const tm_bead *beads, size_t n, const tm_dict *dict, const tm_lexicon *job,
                       tm_error *err);
void tm_lex_free(lexicon *lx);
/* The same lexicon with a scratch cache of its own, for a second thread
 * scoring at the same time; freed before the lexicon. NULL: no memory. */
lexicon *tm_lex_view(const lexicon *lx);
void tm_lex_view_free(lexicon *v);
/* Log-likelihood ratio of target sentences [j0, j1) given source [i0, i1). */
double tm_lex_score(const lexicon *lx, const model *m, size_t i0, size_t i1, size_t j0,
                    size_t j1);
/* The job's lexicon (lexicon.c) over one document's vocabularies: out
 * holds the translations of ve's words into vf's, known_f[f] whether the
 * job knows target word f. */
tm_status tm_lexicon_project(const tm_lexicon *lx, const tm_vocab *ve, tm_vocab *vf, tm_m1 *out,
                             unsigned char *known_f, tm_error *err);
int tm_lexicon_ready(const tm_lexicon *lx); /* trained or loaded (NULL: no) */
/* Beads of each shape in the alignments the job's lexicon learned from (or
 * as its file says; zeros for NULL). */
void tm_lexicon_shapes(const tm_lexicon *lx, double *count);

/* Dictionary entries as match-key word pairs. */
size_t tm_dict_pairs(const tm_dict *d, const char *const **src, const char *const **tgt);

#endif
