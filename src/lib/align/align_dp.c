/*
 * align_dp.c — the search: Viterbi in a band, then posteriors.
 *
 * Band: row i (source position) keeps target positions [lo[i], hi[i]]
 * around the diagonal j = i m / n, half-width w. The best path is found
 * with one byte of back-pointer per cell and four rows of costs (the
 * longest bead spans three sentences). If the path comes within w/8 of an
 * edge that is not the grid's own, w doubles and the search runs again, so
 * documents with long omissions still get their true best path, while
 * ordinary ones cost O(n w).
 *
 * Confidence: forward-backward (sum instead of min, in log space) over a
 * narrow band around the best path gives each bead's posterior probability
 * P(bead | both texts) under the same costs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align_band.h"
#include "align_internal.h"

#define INF 1e300
#define NONE TM_BAND_NONE

/* Row buffers for D: four rows, ring-indexed by i % 4. */
typedef struct rows {
    double *r[4];
    size_t width;
} rows;

static int rows_alloc(rows *rw, const band *b)
{
    rw->width = 0;
    for (size_t i = 0; i <= b->n; i++)
        if (b->hi[i] - b->lo[i] + 1 > rw->width)
            rw->width = b->hi[i] - b->lo[i] + 1;
    for (int k = 0; k < 4; k++)
        if (!(rw->r[k] = malloc(rw->width * sizeof(double))))
            return -1;
    return 0;
}

static void rows_free(rows *rw)
{
    for (int k = 0; k < 4; k++)
        free(rw->r[k]);
}

static double *row(const rows *rw, size_t i) { return rw->r[i % 4]; }

/* ---- bead costs in a band ------------------------------------------------- */

/* The 1-1 lexical terms of a band, one per cell: l11[cell(i, j)] is the
 * ratio of target j-1 given source i-1. Every lexical quantity the costs
 * need is a sum of these, except the ratio of a many-sentence source
 * side. NULL without a lexicon. */
static int lex_band(const model *m, const band *b, float **out)
{
    *out = NULL;
    if (!m->lex)
        return 0;
    float *l = malloc(b->cells * sizeof *l);
    if (!l)
        return -1;
    for (size_t i = 0; i <= b->n; i++)
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++)
            l[tm_band_cell(b, i, j)] =
                i && j ? (float)tm_lex_score(m->lex, m, i - 1, i, j - 1, j) : 0.0f;
    *out = l;
    return 0;
}

/* 1-1 term of source x and target t, from the band where it holds it. */
static double l11_at(const model *m, const band *b, const float *l11, size_t x, size_t t)
{
    if (tm_band_has(b, x + 1, t + 1))
        return l11[tm_band_cell(b, x + 1, t + 1)];
    return tm_lex_score(m->lex, m, x, x + 1, t, t + 1);
}

/* Each word's term in the ratio of a many-sentence source side is at most
 * the sum of its terms against each sentence, less log(1 - lambda) < 0. */
#define LEX_WORD_SLACK 0.52

/* The cost of the bead ending at (i, j), its lexical terms from l11; INF
 * when a lower bound shows it cannot be below cutoff. */
static double band_cost(const model *m, const band *b, const float *l11, size_t i, size_t j,
                        int s, double cutoff)
{
    size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
    if (!a || !c)
        return tm_bead_cost_nolex(m, i, j, s);
    double sup_s[3] = {0, 0, 0}, sup_t[3] = {0, 0, 0}, lex = 0;
    if (l11)
        for (size_t x = 0; x < a; x++)
            for (size_t t = 0; t < c; t++) {
                double v = l11_at(m, b, l11, i - a + x, j - c + t);
                sup_s[x] += v;
                sup_t[t] += v;
                lex += v; /* exact with one source sentence */
            }
    if (cutoff < INF) {
        double ub = lex;
        if (l11 && a > 1)
            ub += LEX_WORD_SLACK * (double)(m->t.tok_off[j] - m->t.tok_off[j - c]);
        if (tm_bead_cost_bound(m, i, j, s, ub) >= cutoff)
            return INF;
    }
    if (l11 && a > 1)
        lex = tm_lex_score(m->lex, m, i - a, i, j - c, j);
    return l11 ? tm_bead_cost_sup(m, i, j, s, lex, sup_s, sup_t) : tm_bead_cost_nolex(m, i, j, s);
}

/* ---- Viterbi ------------------------------------------------------------- */

static void viterbi_cell(const model *m, const band *b, const rows *rw, const float *l11,
                         unsigned char *back, size_t i, size_t j)
{
    double best = INF;
    int arg = NONE;
    for (int s = 0; s < NSHAPES; s++) {
        size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
        if (a > i || c > j || !tm_band_has(b, i - a, j - c))
            continue;
        double prev = row(rw, i - a)[j - c - b->lo[i - a]];
        if (prev >= INF)
            continue;
        double bc = band_cost(m, b, l11, i, j, s, best < INF ? best - prev : INF);
        if (bc >= INF)
            continue;
        double v = prev + bc;
        if (v < best) {
            best = v;
            arg = s;
        }
    }
    row(rw, i)[j - b->lo[i]] = best;
    back[b->off[i] + (j - b->lo[i])] = (unsigned char)arg;
}

/* Viterbi in the band around the diagonal (guide NULL) or around a guide
 * path, of half-width w. */
static tm_status viterbi(const model *m, const path *guide, size_t w, path *p, int *edge,
                         tm_error *err)
{
    band b;
    memset(&b, 0, sizeof b);
    rows rw = {{NULL, NULL, NULL, NULL}, 0};
    unsigned char *back = NULL;
    float *l11 = NULL;
    tm_status st = TM_OK;
    int rc = guide ? tm_band_around(&b, m->s.n, m->t.n, guide, w)
                   : tm_band_diagonal(&b, m->s.n, m->t.n, w);
    if (rc != 0 || rows_alloc(&rw, &b) != 0 || !(back = malloc(b.cells)) ||
        lex_band(m, &b, &l11) != 0) {
        st = tm_error_nomem(err);
        goto done;
    }
    for (size_t i = 0; i <= b.n; i++)
        for (size_t j = b.lo[i]; j <= b.hi[i]; j++) {
            if (i == 0 && j == 0) {
                row(&rw, 0)[0] = 0;
                back[0] = NONE;
                continue;
            }
            viterbi_cell(m, &b, &rw, l11, back, i, j);
        }
    rc = tm_band_backtrace(&b, back, tm_shape_src, tm_shape_tgt, p);
    if (rc == -1)
        st = tm_error_nomem(err);
    else if (rc == -2)
        st = tm_error_set(err, TM_EIO, "alignment search found no path");
    else
        *edge = tm_band_touched(&b, p, w / 8 + 2);
done:
    free(back);
    free(l11);
    rows_free(&rw);
    tm_band_free(&b);
    return st;
}

/* ---- posteriors ------------------------------------------------------------ */

static double logadd(double a, double b)
{
    if (a == -INF)
        return b;
    if (b == -INF)
        return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/* Bead costs of the narrow band, computed once for both directions:
 * cost[cell * NSHAPES + shape] of the bead ending at the cell (INF when its
 * start lies outside the band). */
static double cost_at(const band *b, const float *cost, size_t i, size_t j, int s)
{
    return cost[(b->off[i] + (j - b->lo[i])) * NSHAPES + (size_t)s];
}

/* Forward sums, computing the bead costs of the band as it goes (kept for
 * the backward pass): a bead whose bound shows it would add less than
 * e^-PRUNE of the best bead into the same cell is left out (cost INF). */
#define PRUNE 35.0

static void forward(const model *m, const band *b, const float *l11, float *cost, double *al)
{
    for (size_t i = 0; i <= b->n; i++)
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++) {
            size_t cell = tm_band_cell(b, i, j);
            double sum = (i == 0 && j == 0) ? 0 : -INF, top = -INF;
            for (int s = 0; s < NSHAPES; s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                float *cs = &cost[cell * NSHAPES + (size_t)s];
                *cs = (float)INF;
                if (a > i || c > j || !tm_band_has(b, i - a, j - c))
                    continue;
                double prev = al[tm_band_cell(b, i - a, j - c)];
                if (prev <= -INF)
                    continue;
                double bc = band_cost(m, b, l11, i, j, s, top > -INF ? prev - top + PRUNE : INF);
                if (bc >= INF)
                    continue;
                *cs = (float)bc;
                double v = prev - (double)*cs;
                sum = logadd(sum, v);
                if (v > top)
                    top = v;
            }
            al[cell] = sum;
        }
}

static void backward(const band *b, const float *cost, double *be)
{
    for (size_t i = b->n + 1; i-- > 0;)
        for (size_t j = b->hi[i] + 1; j-- > b->lo[i];) {
            double sum = (i == b->n && j == b->m) ? 0 : -INF;
            for (int s = 0; s < NSHAPES && !(i == b->n && j == b->m); s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                if (i + a > b->n || j + c > b->m || !tm_band_has(b, i + a, j + c))
                    continue;
                double next = be[b->off[i + a] + (j + c - b->lo[i + a])];
                if (next > -INF)
                    sum = logadd(sum, next - cost_at(b, cost, i + a, j + c, s));
            }
            be[b->off[i] + (j - b->lo[i])] = sum;
        }
}

static tm_status posteriors(const model *m, path *p, tm_error *err)
{
    band b;
    double *al = NULL, *be = NULL;
    float *cost = NULL, *l11 = NULL;
    tm_status st = TM_OK;
    if (tm_band_around(&b, m->s.n, m->t.n, p, 3) != 0 || !(al = malloc(b.cells * sizeof *al)) ||
        !(be = malloc(b.cells * sizeof *be)) ||
        !(cost = malloc(b.cells * NSHAPES * sizeof *cost)) || lex_band(m, &b, &l11) != 0) {
        st = tm_error_nomem(err);
        goto done;
    }
    forward(m, &b, l11, cost, al);
    backward(&b, cost, be);
    double z = al[b.off[b.n] + (b.m - b.lo[b.n])];
    for (size_t k = 0; k < p->n; k++) {
        tm_bead *d = &p->beads[k];
        size_t i = d->src + d->nsrc, j = d->tgt + d->ntgt;
        int s = 0;
        while (tm_shape_src[s] != (int)d->nsrc || tm_shape_tgt[s] != (int)d->ntgt)
            s++;
        double lp = al[b.off[d->src] + (d->tgt - b.lo[d->src])] - cost_at(&b, cost, i, j, s) +
                    be[b.off[i] + (j - b.lo[i])] - z;
        double post = exp(lp);
        d->score = post > 1 ? 1 : post < 0 ? 0 : post;
    }
done:
    free(al);
    free(be);
    free(cost);
    free(l11);
    tm_band_free(&b);
    return st;
}

tm_status tm_align_search(const model *m, const tm_bead *guide, size_t nguide, tm_bead **beads,
                          size_t *nbeads, size_t *band_out, tm_error *err)
{
    size_t n = m->s.n, mm = m->t.n, big = n > mm ? n : mm;
    tm_bead *coarse = NULL;
    size_t w = guide ? 6 : 16;
    if (!guide) { /* a first pass: where to look, from the coarse search */
        tm_status st = tm_align_coarse(m, &coarse, &nguide, err);
        if (st != TM_OK)
            return st;
        guide = coarse;
        w = coarse ? 8 : 16;
    }
    path g = {(tm_bead *)guide, nguide};
    path p = {NULL, 0};
    tm_status st = TM_OK;
    for (;;) {
        int edge = 0;
        free(p.beads);
        p.beads = NULL;
        st = viterbi(m, guide ? &g : NULL, w, &p, &edge, err);
        if (st != TM_OK || !edge || w >= big)
            break;
        w *= 2;
    }
    free(coarse);
    if (st == TM_OK)
        st = posteriors(m, &p, err);
    if (st != TM_OK) {
        free(p.beads);
        return st;
    }
    *beads = p.beads;
    *nbeads = p.n;
    *band_out = w;
    return TM_OK;
}
