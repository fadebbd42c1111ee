/*
 * align_band.c — bands of the alignment grid (see align_band.h): built
 * around the diagonal, around a path, or the whole grid; and the
 * backtrace every Viterbi search in a band ends with.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align_band.h"

void tm_band_free(band *b)
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
    b->i0 = b->j0 = 0;
    b->i1 = n;
    b->j1 = m;
    b->lo = malloc((n + 1) * sizeof *b->lo);
    b->hi = malloc((n + 1) * sizeof *b->hi);
    b->off = malloc((n + 2) * sizeof *b->off);
    if (b->lo && b->hi && b->off)
        return 0;
    tm_band_free(b);
    return -1;
}

static void band_offsets(band *b)
{
    for (size_t i = 0; i <= b->n; i++)
        if (b->lo[i] > b->hi[i]) { /* a row the band does not visit */
            b->lo[i] = 1;
            b->hi[i] = 0;
        }
    b->off[0] = 0;
    for (size_t i = 0; i <= b->n; i++)
        b->off[i + 1] = b->off[i] + (b->hi[i] - b->lo[i] + 1);
    b->cells = b->off[b->n + 1];
}

int tm_band_full(band *b, size_t n, size_t m)
{
    if (band_alloc(b, n, m) != 0)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        b->lo[i] = 0;
        b->hi[i] = m;
    }
    band_offsets(b);
    return 0;
}

int tm_band_diagonal(band *b, size_t n, size_t m, size_t w)
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

int tm_band_around(band *b, size_t n, size_t m, const path *p, size_t r)
{
    if (band_alloc(b, n, m) != 0)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        b->lo[i] = (size_t)-1;
        b->hi[i] = 0;
    }
    size_t i = p->n ? p->beads[0].src : 0, j = p->n ? p->beads[0].tgt : 0;
    for (size_t k = 0; k <= p->n; k++) {
        size_t i1 = k < p->n ? i + p->beads[k].nsrc : i, j1 = k < p->n ? j + p->beads[k].ntgt : j;
        size_t lo = j > r ? j - r : 0, hi = j1 + r > m ? m : j1 + r;
        for (size_t x = i; x <= i1; x++) {
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

int tm_band_stretch(band *b, size_t n, size_t m, const path *p, size_t r)
{
    if (tm_band_around(b, n, m, p, r) != 0)
        return -1;
    const tm_bead *first = &p->beads[0], *last = &p->beads[p->n - 1];
    b->i0 = first->src;
    b->j0 = first->tgt;
    b->i1 = last->src + last->nsrc;
    b->j1 = last->tgt + last->ntgt;
    return 0;
}

int tm_band_widen(band *b, const path *p, size_t r)
{
    band more;
    if (tm_band_around(&more, b->n, b->m, p, r) != 0)
        return -1;
    for (size_t i = 0; i <= b->n; i++) {
        if (more.lo[i] < b->lo[i])
            b->lo[i] = more.lo[i];
        if (more.hi[i] > b->hi[i])
            b->hi[i] = more.hi[i];
    }
    tm_band_free(&more);
    band_offsets(b);
    return 0;
}

int tm_band_touched(const band *b, const path *p, size_t margin)
{
    for (size_t k = 0; k < p->n; k++) {
        size_t i = p->beads[k].src + p->beads[k].nsrc, j = p->beads[k].tgt + p->beads[k].ntgt;
        if ((b->lo[i] > 0 && j < b->lo[i] + margin) || (b->hi[i] < b->m && j + margin > b->hi[i])) {
            return 1;
        }
    }
    return 0;
}

int tm_band_backtrace(const band *b, const unsigned char *back, const int *shape_a,
                      const int *shape_b, path *p)
{
    size_t cap = 64, i = b->i1, j = b->j1;
    p->n = 0;
    p->beads = malloc(cap * sizeof *p->beads);
    if (!p->beads)
        return -1;
    while (i != b->i0 || j != b->j0) {
        int s = back[tm_band_cell(b, i, j)];
        if (s == TM_BAND_NONE)
            return -2;
        if (p->n == cap) {
            cap *= 2;
            tm_bead *q = realloc(p->beads, cap * sizeof *q);
            if (!q)
                return -1;
            p->beads = q;
        }
        size_t a = (size_t)shape_a[s], c = (size_t)shape_b[s];
        if (a > i - b->i0 || c > j - b->j0)
            return -2; /* (cannot happen: nothing before (i0, j0) is reachable) */
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
