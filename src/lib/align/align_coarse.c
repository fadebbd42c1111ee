/*
 * align_coarse.c — where to look: a guide path for the first pass, found by
 * coarse-to-fine search (after Vecalign's recursive downsampling), so that
 * the search costs O(n + m) however far the true path drifts from the
 * diagonal.
 *
 * Level l groups each side into blocks of 2^l consecutive sentences (the
 * last one shorter). The top level L is the first whose grid of blocks has
 * at most TOP blocks a side: it is searched whole, so a drift of any size
 * is found there. Each level below is searched in a band of half-width R
 * blocks around the path of the level above, scaled by two; while the path
 * runs along an edge, the band follows it there, then doubles. Level 1's
 * path, scaled to sentences, is the guide of pass 1 (align_dp.c).
 *
 * The cost of a block bead is the length term alone: with blocks of k
 * sentences, the chance that two blocks' lengths agree by accident falls
 * as k grows, and the length is the one piece of evidence every language
 * pair has. Block boundaries do not fall where the true path crosses, so
 * the length variance gets, besides the model's s2 per character, a quarter
 * of the variance of one target sentence's length per sentence of the block
 * (the mismatch of the trimmed ends). Cells: sum over levels of
 * (n / 2^l) (2 R + slope) = O(n); the top level adds TOP^2 at most.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align_band.h"
#include "align_internal.h"

#define TOP 768     /* blocks per side at the top level, at most */
#define R 3         /* half-width of a level's band, in its blocks */

/* Block bead shapes and their costs (-log P): a block pairs with one
 * block, or two, or none (a long stretch only one side has). */
enum { C11, C10, C01, C21, C12, CSHAPES };
static const int c_src[CSHAPES] = {1, 1, 0, 2, 1};
static const int c_tgt[CSHAPES] = {1, 0, 1, 1, 2};
static const double c_prior[CSHAPES] = {0.105, 0, 0, 3.2, 3.2};
/* A block alone stands for as many sentences alone, or merged into a
 * neighbour's bead: each costs the fine model some 3 to 4.6 nats. Priced
 * per sentence, a coarse path cannot skip a stretch of text for a few
 * nats, which in a text that repeats itself would take it a whole period
 * away from the true path. */
#define ALONE 3.0

typedef struct level {
    const model *m;
    size_t k;      /* sentences per block */
    size_t n, nt;  /* blocks per side */
    double var_t;  /* variance of a target sentence's length, characters^2 */
} level;

static double block_cum(const side *sd, size_t k, size_t block)
{
    size_t i = block * k;
    return sd->cum[i < sd->n ? i : sd->n];
}

static double block_cost(const level *lv, size_t i, size_t j, int s)
{
    size_t a = (size_t)c_src[s], b = (size_t)c_tgt[s];
    double cost = c_prior[s];
    if (a && b) {
        const model *m = lv->m;
        double l1 = block_cum(&m->s, lv->k, i) - block_cum(&m->s, lv->k, i - a);
        double l2 = block_cum(&m->t, lv->k, j) - block_cum(&m->t, lv->k, j - b);
        double mean = (l1 + l2 / m->c) / 2;
        double var = m->s2 * (mean < 1 ? 1 : mean) + 0.25 * lv->var_t * (double)lv->k;
        cost += tm_length_cost(m->lentab, (l2 - m->c * l1) / sqrt(var));
    } else {
        size_t x = a ? i : j, nx = a ? lv->m->s.n : lv->m->t.n;
        size_t end = x * lv->k < nx ? x * lv->k : nx;
        cost += ALONE * (double)(end - (x - 1) * lv->k);
    }
    return cost;
}

/* Viterbi over the band; rows ring-indexed by i % 3 (a bead spans two rows
 * at most). */
static int level_viterbi(const level *lv, const band *b, path *p)
{
    size_t width = 0;
    for (size_t i = 0; i <= b->n; i++)
        if (b->hi[i] - b->lo[i] + 1 > width)
            width = b->hi[i] - b->lo[i] + 1;
    double *rowbuf = malloc(3 * width * sizeof *rowbuf);
    unsigned char *back = malloc(b->cells);
    int rc = -1;
    if (!rowbuf || !back)
        goto done;
    for (size_t i = 0; i <= b->n; i++) {
        double *cur = rowbuf + (i % 3) * width;
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++) {
            double best = i == 0 && j == 0 ? 0 : HUGE_VAL;
            int arg = TM_BAND_NONE;
            for (int s = 0; s < CSHAPES && (i || j); s++) {
                size_t a = (size_t)c_src[s], c = (size_t)c_tgt[s];
                if (a > i || c > j || !tm_band_has(b, i - a, j - c))
                    continue;
                double prev = rowbuf[((i - a) % 3) * width + (j - c - b->lo[i - a])];
                double v = prev + block_cost(lv, i, j, s);
                if (v < best) {
                    best = v;
                    arg = s;
                }
            }
            cur[j - b->lo[i]] = best;
            back[tm_band_cell(b, i, j)] = (unsigned char)arg;
        }
    }
    rc = tm_band_backtrace(b, back, c_src, c_tgt, p);
done:
    free(rowbuf);
    free(back);
    return rc;
}

/* A path of level l + 1 in the blocks of level l. */
static void path_halve(path *p, size_t n, size_t nt)
{
    for (size_t k = 0; k < p->n; k++) {
        tm_bead *d = &p->beads[k];
        size_t i1 = 2 * (d->src + d->nsrc), j1 = 2 * (d->tgt + d->ntgt);
        d->src *= 2;
        d->tgt *= 2;
        d->nsrc = (i1 < n ? i1 : n) - d->src;
        d->ntgt = (j1 < nt ? j1 : nt) - d->tgt;
    }
}

static double target_length_variance(const side *t)
{
    if (t->n < 2)
        return 0;
    double mean = t->cum[t->n] / (double)t->n, sum = 0;
    for (size_t j = 0; j < t->n; j++) {
        double d = t->cum[j + 1] - t->cum[j] - mean;
        sum += d * d;
    }
    return sum / (double)(t->n - 1);
}

/* Search level lv around guide g (NULL: the whole grid). While the path
 * runs along an edge, the band first follows it there (up to three times:
 * a band around the new path added to the old one), then doubles. */
static int level_search(const level *lv, const path *g, path *out)
{
    size_t r = R, big = lv->n > lv->nt ? lv->n : lv->nt;
    band b;
    memset(&b, 0, sizeof b);
    int follow = 0;
    for (;;) {
        int rc = 0;
        if (b.cells == 0)
            rc = g ? tm_band_around(&b, lv->n, lv->nt, g, r) : tm_band_full(&b, lv->n, lv->nt);
        if (rc == 0)
            rc = level_viterbi(lv, &b, out);
        int again = rc == 0 && g && r < big && tm_band_touched(&b, out, 1);
        if (rc != 0 || !again) {
            tm_band_free(&b);
            return rc;
        }
        if (follow++ < 3 && tm_band_widen(&b, out, r) == 0) {
            free(out->beads);
            out->beads = NULL;
            continue;
        }
        tm_band_free(&b);
        free(out->beads);
        out->beads = NULL;
        r *= 2;
        follow = 0;
    }
}

tm_status tm_align_coarse(const model *m, tm_bead **guide, size_t *nguide, tm_error *err)
{
    *guide = NULL;
    *nguide = 0;
    size_t big = m->s.n > m->t.n ? m->s.n : m->t.n;
    int top = 0;
    while ((big + ((size_t)1 << top) - 1) >> top > TOP)
        top++;
    if (top == 0)
        return TM_OK; /* small enough for pass 1 to search around the diagonal */
    level lv = {m, 0, 0, 0, target_length_variance(&m->t)};
    path p = {NULL, 0};
    for (int l = top; l >= 1; l--) {
        lv.k = (size_t)1 << l;
        lv.n = (m->s.n + lv.k - 1) / lv.k;
        lv.nt = (m->t.n + lv.k - 1) / lv.k;
        path next = {NULL, 0};
        if (l < top)
            path_halve(&p, lv.n, lv.nt);
        int rc = level_search(&lv, l < top ? &p : NULL, &next);
        free(p.beads);
        p = next;
        if (rc == -1) {
            free(p.beads);
            return tm_error_nomem(err);
        }
        if (rc != 0) {
            free(p.beads);
            return tm_error_set(err, TM_EIO, "alignment search found no path");
        }
    }
    path_halve(&p, m->s.n, m->t.n);
    *guide = p.beads;
    *nguide = p.n;
    return TM_OK;
}
