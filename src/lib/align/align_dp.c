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

#include "align_internal.h"

#define INF 1e300
#define NONE 255

typedef struct band {
    size_t n, m;
    size_t *lo, *hi, *off; /* off[i]: index of cell (i, lo[i]) */
    size_t cells;
} band;

static void band_free(band *b)
{
    free(b->lo);
    free(b->hi);
    free(b->off);
    memset(b, 0, sizeof *b);
}

static int band_alloc(band *b, size_t n, size_t m)
{
    b->n = n;
    b->m = m;
    b->lo = malloc((n + 1) * sizeof *b->lo);
    b->hi = malloc((n + 1) * sizeof *b->hi);
    b->off = malloc((n + 2) * sizeof *b->off);
    return b->lo && b->hi && b->off ? 0 : -1;
}

static void band_offsets(band *b)
{
    b->off[0] = 0;
    for (size_t i = 0; i <= b->n; i++)
        b->off[i + 1] = b->off[i] + (b->hi[i] - b->lo[i] + 1);
    b->cells = b->off[b->n + 1];
}

static int diagonal_band(band *b, size_t n, size_t m, size_t w)
{
    if (band_alloc(b, n, m) != 0)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        double c = n ? (double)i * (double)m / (double)n : (double)m;
        double lo = c - (double)w, hi = c + (double)w;
        b->lo[i] = lo < 0 ? 0 : (size_t)lo;
        b->hi[i] = hi > (double)m ? m : (size_t)ceil(hi);
    }
    b->lo[0] = 0;
    b->hi[n] = m;
    band_offsets(b);
    return 0;
}

static int in_band(const band *b, size_t i, size_t j)
{
    return j >= b->lo[i] && j <= b->hi[i];
}

/* ---- Viterbi ------------------------------------------------------------- */

typedef struct path {
    tm_bead *beads;
    size_t n;
} path;

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

/* The lexical term of the bead ending at (i, j). With one source sentence
 * it is a sum of 1-1 terms, which lexrow caches for the current row
 * (lexrow[k] = 1-1 term of source i-1 and target lo[i]+k-1). */
static double lexical(const model *m, const band *b, const double *lexrow, size_t i, size_t j,
                      int s)
{
    size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
    if (a != 1 || c == 0 || j - c + 1 < b->lo[i])
        return tm_lex_score(m->lex, m, i - a, i, j - c, j);
    double sum = 0;
    for (size_t t = j - c + 1; t <= j; t++)
        sum += lexrow[t - b->lo[i]];
    return sum;
}

static void viterbi_cell(const model *m, const band *b, const rows *rw, double *lexrow,
                         unsigned char *back, size_t i, size_t j)
{
    double best = INF;
    int arg = NONE;
    if (m->lex && i > 0 && j > 0)
        lexrow[j - b->lo[i]] = tm_lex_score(m->lex, m, i - 1, i, j - 1, j);
    for (int s = 0; s < NSHAPES; s++) {
        size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
        if (a > i || c > j || !in_band(b, i - a, j - c))
            continue;
        double prev = row(rw, i - a)[j - c - b->lo[i - a]];
        if (prev >= INF)
            continue;
        double v = prev + tm_bead_cost_nolex(m, i, j, s);
        if (m->lex && a && c)
            v -= m->lex_w * lexical(m, b, lexrow, i, j, s);
        if (v < best) {
            best = v;
            arg = s;
        }
    }
    row(rw, i)[j - b->lo[i]] = best;
    back[b->off[i] + (j - b->lo[i])] = (unsigned char)arg;
}

static int backtrace(const band *b, const unsigned char *back, path *p)
{
    size_t cap = 64, i = b->n, j = b->m;
    p->n = 0;
    p->beads = malloc(cap * sizeof *p->beads);
    if (!p->beads)
        return -1;
    while (i > 0 || j > 0) {
        int s = back[b->off[i] + (j - b->lo[i])];
        if (s == NONE)
            return -2;
        if (p->n == cap) {
            cap *= 2;
            tm_bead *q = realloc(p->beads, cap * sizeof *q);
            if (!q)
                return -1;
            p->beads = q;
        }
        size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
        p->beads[p->n++] = (tm_bead){i - a, a, j - c, c, 0.0};
        i -= a;
        j -= c;
    }
    for (size_t k = 0; k < p->n / 2; k++) { /* into document order */
        tm_bead t = p->beads[k];
        p->beads[k] = p->beads[p->n - 1 - k];
        p->beads[p->n - 1 - k] = t;
    }
    return 0;
}

/* Does the path come close to an edge of the band that is not the grid's? */
static int touches_edge(const band *b, const path *p, size_t w)
{
    size_t margin = w / 8 + 2;
    for (size_t k = 0; k < p->n; k++) {
        size_t i = p->beads[k].src + p->beads[k].nsrc, j = p->beads[k].tgt + p->beads[k].ntgt;
        if ((b->lo[i] > 0 && j < b->lo[i] + margin) || (b->hi[i] < b->m && j + margin > b->hi[i]))
            return 1;
    }
    return 0;
}

static int path_band(band *b, const model *m, const path *p, size_t r);

/* Viterbi in the band around the diagonal (guide NULL) or around a guide
 * path, of half-width w. */
static tm_status viterbi(const model *m, const path *guide, size_t w, path *p, int *edge,
                         tm_error *err)
{
    band b;
    memset(&b, 0, sizeof b);
    rows rw = {{NULL, NULL, NULL, NULL}, 0};
    unsigned char *back = NULL;
    double *lexrow = NULL;
    tm_status st = TM_OK;
    int rc = guide ? path_band(&b, m, guide, w) : diagonal_band(&b, m->s.n, m->t.n, w);
    if (rc != 0 || rows_alloc(&rw, &b) != 0 || !(back = malloc(b.cells)) ||
        !(lexrow = malloc(rw.width * sizeof *lexrow))) {
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
            viterbi_cell(m, &b, &rw, lexrow, back, i, j);
        }
    rc = backtrace(&b, back, p);
    if (rc == -1)
        st = tm_error_nomem(err);
    else if (rc == -2)
        st = tm_error_set(err, TM_EIO, "alignment search found no path");
    else
        *edge = touches_edge(&b, p, w);
done:
    free(back);
    free(lexrow);
    rows_free(&rw);
    band_free(&b);
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

/* A narrow band: the rows each bead of the path spans, widened by r. */
static int path_band(band *b, const model *m, const path *p, size_t r)
{
    if (band_alloc(b, m->s.n, m->t.n) != 0)
        return -1;
    for (size_t i = 0; i <= b->n; i++) {
        b->lo[i] = (size_t)-1;
        b->hi[i] = 0;
    }
    size_t i = 0, j = 0;
    for (size_t k = 0; k <= p->n; k++) {
        size_t i1 = k < p->n ? i + p->beads[k].nsrc : i, j1 = k < p->n ? j + p->beads[k].ntgt : j;
        for (size_t x = i; x <= i1; x++) {
            size_t lo = j > r ? j - r : 0, hi = j1 + r > b->m ? b->m : j1 + r;
            if (lo < b->lo[x])
                b->lo[x] = lo;
            if (hi > b->hi[x])
                b->hi[x] = hi;
        }
        i = i1;
        j = j1;
    }
    band_offsets(b);
    return 0;
}

/* Bead costs of the narrow band, computed once for both directions:
 * cost[cell * NSHAPES + shape] of the bead ending at the cell (INF when its
 * start lies outside the band). */
static void band_costs(const model *m, const band *b, float *cost)
{
    for (size_t i = 0; i <= b->n; i++)
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++)
            for (int s = 0; s < NSHAPES; s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                size_t cell = b->off[i] + (j - b->lo[i]);
                int ok = a <= i && c <= j && in_band(b, i - a, j - c);
                cost[cell * NSHAPES + (size_t)s] = ok ? (float)tm_bead_cost(m, i, j, s) : (float)INF;
            }
}

static double cost_at(const band *b, const float *cost, size_t i, size_t j, int s)
{
    return cost[(b->off[i] + (j - b->lo[i])) * NSHAPES + (size_t)s];
}

static void forward(const band *b, const float *cost, double *al)
{
    for (size_t i = 0; i <= b->n; i++)
        for (size_t j = b->lo[i]; j <= b->hi[i]; j++) {
            double sum = (i == 0 && j == 0) ? 0 : -INF;
            for (int s = 0; s < NSHAPES && !(i == 0 && j == 0); s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                if (a > i || c > j || !in_band(b, i - a, j - c))
                    continue;
                double prev = al[b->off[i - a] + (j - c - b->lo[i - a])];
                if (prev > -INF)
                    sum = logadd(sum, prev - cost_at(b, cost, i, j, s));
            }
            al[b->off[i] + (j - b->lo[i])] = sum;
        }
}

static void backward(const band *b, const float *cost, double *be)
{
    for (size_t i = b->n + 1; i-- > 0;)
        for (size_t j = b->hi[i] + 1; j-- > b->lo[i];) {
            double sum = (i == b->n && j == b->m) ? 0 : -INF;
            for (int s = 0; s < NSHAPES && !(i == b->n && j == b->m); s++) {
                size_t a = (size_t)tm_shape_src[s], c = (size_t)tm_shape_tgt[s];
                if (i + a > b->n || j + c > b->m || !in_band(b, i + a, j + c))
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
    float *cost = NULL;
    tm_status st = TM_OK;
    if (path_band(&b, m, p, 3) != 0 || !(al = malloc(b.cells * sizeof *al)) ||
        !(be = malloc(b.cells * sizeof *be)) ||
        !(cost = malloc(b.cells * NSHAPES * sizeof *cost))) {
        st = tm_error_nomem(err);
        goto done;
    }
    band_costs(m, &b, cost);
    forward(&b, cost, al);
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
    band_free(&b);
    return st;
}

tm_status tm_align_search(const model *m, const tm_bead *guide, size_t nguide, tm_bead **beads,
                          size_t *nbeads, size_t *band_out, tm_error *err)
{
    size_t n = m->s.n, mm = m->t.n, big = n > mm ? n : mm;
    path g = {(tm_bead *)guide, nguide};
    size_t w = guide ? 6 : 16;
    path p = {NULL, 0};
    for (;;) {
        int edge = 0;
        free(p.beads);
        p.beads = NULL;
        tm_status st = viterbi(m, guide ? &g : NULL, w, &p, &edge, err);
        if (st != TM_OK) {
            free(p.beads);
            return st;
        }
        if (!edge || w >= big)
            break;
        w *= 2;
    }
    tm_status st = posteriors(m, &p, err);
    if (st != TM_OK) {
        free(p.beads);
        return st;
    }
    *beads = p.beads;
    *nbeads = p.n;
    *band_out = w;
    return TM_OK;
}
