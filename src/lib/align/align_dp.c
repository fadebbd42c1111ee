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
#include <pthread.h>
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

/* A second thread's view of the model: the same tables, its own scratch
 * (the key cache of the anchors, the lexicon's dense vectors). */
typedef struct scratch {
    model m;
    lexicon *lex;
} scratch;

static int scratch_init(scratch *sc, const model *m)
{
    sc->m = *m;
    sc->lex = NULL;
    sc->m.keys = tm_keycache_new();
    if (m->lex && !(sc->lex = tm_lex_view(m->lex))) {
        tm_keycache_free(sc->m.keys);
        return -1;
    }
    sc->m.lex = sc->lex;
    return sc->m.keys ? 0 : -1;
}

static void scratch_free(scratch *sc)
{
    tm_keycache_free(sc->m.keys);
    tm_lex_view_free(sc->lex);
}

typedef struct lexband_ctx {
    const model *m[2];
    const band *b;
    float *l;
} lexband_ctx;

static tm_status lex_rows(void *ctx, int which, tm_error *err)
{
    (void)err;
    lexband_ctx *c = ctx;
    const model *m = c->m[which];
    size_t half = c->b->n / 2, i0 = which ? half + 1 : 0, i1 = which ? c->b->n : half;
    for (size_t i = i0; i <= i1; i++)
        for (size_t j = c->b->lo[i]; j <= c->b->hi[i]; j++)
            c->l[tm_band_cell(c->b, i, j)] =
                i && j ? (float)tm_lex_score(m->lex, m, i - 1, i, j - 1, j) : 0.0f;
    return TM_OK;
}

/* The 1-1 lexical terms of a band, one per cell: l11[cell(i, j)] is the
 * ratio of target j-1 given source i-1 (the two halves of the rows on two
 * threads). Every lexical quantity the costs need is a sum of these,
 * except the ratio of a many-sentence source side. NULL without a
 * lexicon. */
static int lex_band(const model *m, const band *b, float **out)
{
    *out = NULL;
    if (!m->lex)
        return 0;
    float *l = malloc(b->cells * sizeof *l);
    scratch sc;
    if (!l || scratch_init(&sc, m) != 0) {
        free(l);
        return -1;
    }
    lexband_ctx c = {{m, &sc.m}, b, l};
    tm_error err;
    tm_align_both(lex_rows, &c, &err);
    scratch_free(&sc);
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

/* Viterbi in band b; *edge tells whether the path came within margin of
 * an edge of b that is not the grid's own. */
static tm_status viterbi(const model *m, const band *b, size_t margin, path *p, int *edge,
                         float **keep_l11, tm_error *err)
{
    rows rw = {{NULL, NULL, NULL, NULL}, 0};
    unsigned char *back = NULL;
    float *l11 = NULL;
    tm_status st = TM_OK;
    if (rows_alloc(&rw, b) != 0 || !(back = malloc(b->cells)) || lex_band(m, b, &l11) != 0) {
        st = tm_error_nomem(err);
        goto done;
    }
    for (size_t i = b->i0; i <= b->i1; i++)
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++) {
            if (i == b->i0 && j == b->j0) {
                row(&rw, i)[j - b->lo[i]] = 0;
                back[tm_band_cell(b, i, j)] = NONE;
                continue;
            }
            viterbi_cell(m, b, &rw, l11, back, i, j);
        }
    int rc = tm_band_backtrace(b, back, tm_shape_src, tm_shape_tgt, p);
    if (rc == -1)
        st = tm_error_nomem(err);
    else if (rc == -2)
        st = tm_error_set(err, TM_EIO, "alignment search found no path");
    else
        *edge = tm_band_touched(b, p, margin);
done:
    free(back);
    if (keep_l11 && st == TM_OK)
        *keep_l11 = l11;
    else
        free(l11);
    rows_free(&rw);
    return st;
}

/* ---- posteriors ------------------------------------------------------------ */

/* log(e^a + e^b) = max + log1p(e^-|a-b|), the correction from a table
 * (linear between steps of 1/64: error below 1e-5 nats). */
#define LA_STEPS 64
#define LA_MAX 40
static double la_tab[LA_MAX * LA_STEPS + 2];
static pthread_once_t la_once = PTHREAD_ONCE_INIT;

static void la_init(void)
{
    for (int k = 0; k < LA_MAX * LA_STEPS + 2; k++)
        la_tab[k] = log1p(exp(-(double)k / LA_STEPS));
}

static double logadd(double a, double b)
{
    if (a == -INF)
        return b;
    if (b == -INF)
        return a;
    double hi = a > b ? a : b, d = fabs(a - b) * LA_STEPS;
    if (d >= LA_MAX * LA_STEPS)
        return hi;
    int k = (int)d;
    double f = d - k;
    return hi + la_tab[k] * (1 - f) + la_tab[k + 1] * f;
}

/* Bead costs of the narrow band, computed once for both directions:
 * cost[cell * NSHAPES + shape] of the bead ending at the cell (INF when its
 * start lies outside the band). */
/* Forward and backward sums compute the bead costs as they go, each on
 * its own thread: a bead whose bound shows it would add less than e^-PRUNE
 * of the best bead into (or out of) the same cell is left out. */
#define PRUNE 20.0

/* The scores a user filters on are posteriors at this temperature: the
 * costs are scaled by it before summing, which flattens the posteriors of
 * a model that, like every model of this kind, is surer of itself than it
 * should be (its terms are not independent evidence). At 1 a bead scored
 * 0.99 was right 96-98% of the time on realistic pairs; at 0.5, beads
 * scored 0.9 or more are right 97-99% of the time (docs/align.md). The
 * first pass keeps 1: its scores only choose training beads. */
#define TEMPERATURE 0.5

/* Add to a forward (backward) sum the bead of shape s ending at (i, j),
 * given the sum at its other end; top: the largest term so far, for
 * pruning. */
static void fb_add(const model *m, const band *lb, const float *l11, double temp, size_t i,
                   size_t j, int s, double other, double *sum, double *top)
{
    if (other <= -INF)
        return;
    double cut = *top > -INF ? (other - *top + PRUNE) / temp : INF;
    double bc = band_cost(m, lb, l11, i, j, s, cut);
    if (bc >= INF)
        return;
    double v = other - temp * (double)(float)bc;
    *sum = logadd(*sum, v);
    if (v > *top)
        *top = v;
}

static void forward(const model *m, const band *b, const band *lb, const float *l11, double temp,
                    double *al)
{
    for (size_t i = 0; i <= b->n; i++)
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++) {
            double sum = (i == 0 && j == 0) ? 0 : -INF, top = -INF;
            for (int s = 0; s < NSHAPES; s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                if (a > i || c > j || !tm_band_has(b, i - a, j - c))
                    continue;
                fb_add(m, lb, l11, temp, i, j, s, al[tm_band_cell(b, i - a, j - c)], &sum, &top);
            }
            al[tm_band_cell(b, i, j)] = sum;
        }
}

static void backward(const model *m, const band *b, const band *lb, const float *l11, double temp,
                     double *be)
{
    for (size_t i = b->n + 1; i-- > 0;)
        for (size_t j = b->hi[i] + 1; j-- > b->lo[i];) {
            double sum = (i == b->n && j == b->m) ? 0 : -INF, top = -INF;
            for (int s = 0; s < NSHAPES; s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                if (i + a > b->n || j + c > b->m || !tm_band_has(b, i + a, j + c))
                    continue;
                fb_add(m, lb, l11, temp, i + a, j + c, s, be[tm_band_cell(b, i + a, j + c)], &sum,
                       &top);
            }
            be[tm_band_cell(b, i, j)] = sum;
        }
}

typedef struct fb_ctx {
    const model *m[2];
    const band *b, *lb; /* the band summed over; the band l11 belongs to */
    const float *l11;
    double temp;
    double *al, *be;
} fb_ctx;

static tm_status fb_run(void *ctx, int which, tm_error *err)
{
    (void)err;
    fb_ctx *c = ctx;
    if (which)
        backward(c->m[1], c->b, c->lb, c->l11, c->temp, c->be);
    else
        forward(c->m[0], c->b, c->lb, c->l11, c->temp, c->al);
    return TM_OK;
}

/* Each bead's posterior from the forward and backward sums over band b
 * (costs with the 1-1 lexical terms of band lb). */
static void bead_posteriors(const model *m, const band *lb, const float *l11, double temp,
                            const double *al, const double *be, const band *b, path *p)
{
    double z = al[tm_band_cell(b, b->n, b->m)];
    for (size_t k = 0; k < p->n; k++) {
        tm_bead *d = &p->beads[k];
        size_t i = d->src + d->nsrc, j = d->tgt + d->ntgt;
        int s = 0;
        while (tm_shape_src[s] != (int)d->nsrc || tm_shape_tgt[s] != (int)d->ntgt)
            s++;
        double cost = (float)band_cost(m, lb, l11, i, j, s, INF);
        double lp =
            al[tm_band_cell(b, d->src, d->tgt)] - temp * cost + be[tm_band_cell(b, i, j)] - z;
        double post = exp(lp);
        d->score = post > 1 ? 1 : post < 0 ? 0 : post;
    }
}

/* Posteriors in a band of r around path p. The 1-1 lexical terms come from
 * (lb, l11) when given (the search's band, which holds most of the cells
 * near its own best path), else are computed for this band. */
static tm_status posteriors(const model *m, path *p, size_t r, double temp, const band *lb,
                            const float *l11, tm_error *err)
{
    pthread_once(&la_once, la_init);
    band b;
    double *al = NULL, *be = NULL;
    float *own = NULL;
    scratch sc;
    int have_sc = 0;
    tm_status st = TM_OK;
    if (tm_band_around(&b, m->s.n, m->t.n, p, r) != 0)
        return tm_error_nomem(err);
    if (!l11 || !m->lex) {
        lb = &b;
        l11 = NULL;
    }
    if (!(al = malloc(b.cells * sizeof *al)) || !(be = malloc(b.cells * sizeof *be)) ||
        (!l11 && lex_band(m, &b, &own) != 0) || !(have_sc = scratch_init(&sc, m) == 0)) {
        st = tm_error_nomem(err);
        goto done;
    }
    if (!l11)
        l11 = own;
    fb_ctx c = {{m, &sc.m}, &b, lb, l11, temp, al, be};
    tm_align_both(fb_run, &c, err);
    bead_posteriors(m, lb, l11, temp, al, be, &b, p);
done:
    if (have_sc)
        scratch_free(&sc);
    free(al);
    free(be);
    free(own);
    tm_band_free(&b);
    return st;
}

/* ---- local repairs ----------------------------------------------------------- */

/* Beads on each side of a stretch where the path met the band's edge that
 * are searched again with it; the stretch's band is this many times wider. */
#define REPAIR_CONTEXT 64
#define REPAIR_WIDEN 4

static int near_edge(const band *b, const tm_bead *d, size_t margin)
{
    size_t i = d->src + d->nsrc, j = d->tgt + d->ntgt;
    return (b->lo[i] > 0 && j < b->lo[i] + margin) || (b->hi[i] < b->m && j + margin > b->hi[i]);
}

/* Search beads [ka, kb] of p again, between their end nodes, in a band
 * REPAIR_WIDEN times wider around them, and splice the result in. *ok is
 * 0 when the new stretch meets the edge of its own band too. */
static tm_status repair_stretch(const model *m, path *p, size_t ka, size_t kb, size_t w,
                                size_t margin, int *ok, tm_error *err)
{
    path seg = {p->beads + ka, kb - ka + 1}, fresh = {NULL, 0};
    band sb;
    int edge = 0;
    if (tm_band_stretch(&sb, m->s.n, m->t.n, &seg, REPAIR_WIDEN * w) != 0)
        return tm_error_nomem(err);
    tm_status st = viterbi(m, &sb, margin, &fresh, &edge, NULL, err);
    tm_band_free(&sb);
    *ok = st == TM_OK && !edge;
    if (!*ok) {
        free(fresh.beads);
        return st;
    }
    size_t n = ka + fresh.n + (p->n - kb - 1);
    tm_bead *all = malloc(n * sizeof *all);
    if (!all) {
        free(fresh.beads);
        return tm_error_nomem(err);
    }
    memcpy(all, p->beads, ka * sizeof *all);
    memcpy(all + ka, fresh.beads, fresh.n * sizeof *all);
    memcpy(all + ka + fresh.n, p->beads + kb + 1, (p->n - kb - 1) * sizeof *all);
    free(fresh.beads);
    free(p->beads);
    p->beads = all;
    p->n = n;
    return TM_OK;
}

/* Where the best path in band b met an edge, search those stretches again
 * in wider bands of their own, keeping the rest of the path: a detour of a
 * few sentences costs a few hundred cells, not a whole search. *ok is 0
 * when some stretch needs more (the caller then widens everywhere). */
static tm_status repair(const model *m, const band *b, size_t w, size_t margin, path *p, int *ok,
                        tm_error *err)
{
    *ok = 1;
    tm_status st = TM_OK;
    for (size_t k = 0; k < p->n && st == TM_OK && *ok; k++) {
        if (!near_edge(b, &p->beads[k], margin))
            continue;
        size_t ka = k > REPAIR_CONTEXT ? k - REPAIR_CONTEXT : 0, last = k;
        for (size_t q = k + 1; q < p->n && q <= last + 2 * REPAIR_CONTEXT; q++)
            if (near_edge(b, &p->beads[q], margin))
                last = q;
        size_t kb = last + REPAIR_CONTEXT < p->n ? last + REPAIR_CONTEXT : p->n - 1;
        size_t before = p->n;
        st = repair_stretch(m, p, ka, kb, w, margin, ok, err);
        /* carry on after the stretch (its beads are new: shift by the change) */
        k = kb + p->n - before;
    }
    return st;
}

tm_status tm_align_search(const model *m, const tm_bead *guide, size_t nguide, tm_bead **beads,
                          size_t *nbeads, size_t *band_out, tm_error *err)
{
    size_t n = m->s.n, mm = m->t.n, big = n > mm ? n : mm;
    int final = guide != NULL; /* the second pass: its posteriors are the scores */
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
    band b;
    memset(&b, 0, sizeof b);
    tm_status st = TM_OK;
    int local = 0; /* times the band was widened where the path met its edge */
    float *l11 = NULL; /* the last search's 1-1 lexical terms: the posteriors reuse them */
    for (;;) {
        int edge = 0;
        if (b.cells == 0 && (guide ? tm_band_around(&b, n, mm, &g, w)
                                   : tm_band_diagonal(&b, n, mm, w)) != 0) {
            st = tm_error_nomem(err);
            break;
        }
        free(p.beads);
        p.beads = NULL;
        free(l11);
        l11 = NULL;
        st = viterbi(m, &b, w / 8 + 2, &p, &edge, &l11, err);
        if (st != TM_OK || !edge || w >= big)
            break;
        /* The path ran along an edge: first search those stretches again
         * in wider bands of their own, then let the whole band follow the
         * path there, then widen it everywhere. */
        int ok = 0;
        if (!local && (st = repair(m, &b, w, w / 8 + 2, &p, &ok, err)) != TM_OK)
            break;
        if (ok)
            break;
        if (local++ < 3 && tm_band_widen(&b, &p, w) == 0)
            continue;
        tm_band_free(&b);
        w *= 2;
        local = 0;
    }
    free(coarse);
    if (st == TM_OK)
        st = posteriors(m, &p, final ? 3 : 2, final ? TEMPERATURE : 1.0, &b, l11, err);
    tm_band_free(&b);
    free(l11);
    if (st != TM_OK) {
        free(p.beads);
        return st;
    }
    *beads = p.beads;
    *nbeads = p.n;
    *band_out = w;
    return TM_OK;
}
