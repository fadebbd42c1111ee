/*
 * align_band.h — the part of the alignment grid a search visits.
 *
 * The grid has a node (i, j) for every source position i in [0, n] and
 * target position j in [0, m]; a path of beads runs from (0, 0) to (n, m).
 * A band keeps, for each row i, the nodes j in [lo[i], hi[i]], stored row
 * after row: node (i, j) is cell off[i] + j - lo[i]. Searches in a band cost
 * O(cells), and every band here is built around a line or a path, so
 * cells = O((n + m) x half-width). Not public.
 */
#ifndef TM_ALIGN_BAND_H
#define TM_ALIGN_BAND_H

#include <stddef.h>

#include "bead.h"

typedef struct band {
    size_t n, m;
    size_t *lo, *hi, *off; /* off[i]: the cell of node (i, lo[i]) */
    size_t cells;
    size_t i0, j0, i1, j1; /* the path searched runs from (i0, j0) to (i1, j1): the grid's
                            * corners, or the ends of a stretch (tm_band_stretch) */
} band;

/* A path: beads in document order, from (0, 0) to (n, m). */
typedef struct path {
    tm_bead *beads;
    size_t n;
} path;

void tm_band_free(band *b);
/* Every node of the grid: for small grids (the top of the coarse search). */
int tm_band_full(band *b, size_t n, size_t m);
/* Nodes within w of the diagonal j = i m / n. */
int tm_band_diagonal(band *b, size_t n, size_t m, size_t w);
/* The nodes each bead of p spans, widened by r on both sides. */
int tm_band_around(band *b, size_t n, size_t m, const path *p, size_t r);

/* Around a stretch of a path (beads in order, from the start of the first
 * to the end of the last) within r, the rows outside it empty: a search in
 * it runs from the stretch's first node to its last. */
int tm_band_stretch(band *b, size_t n, size_t m, const path *p, size_t r);

/* b, and the nodes around p within r. */
int tm_band_widen(band *b, const path *p, size_t r);

static inline int tm_band_has(const band *b, size_t i, size_t j)
{
    return j >= b->lo[i] && j <= b->hi[i];
}

static inline size_t tm_band_cell(const band *b, size_t i, size_t j)
{
    return b->off[i] + (j - b->lo[i]);
}

/* Does p come within margin of an edge of b that is not the grid's own?
 * Then the best path may lie outside the band. */
int tm_band_touched(const band *b, const path *p, size_t margin);

/* Follow back-pointers (a shape per cell, 255 for none) from (i1, j1) to
 * (i0, j0). Returns 0, -1 out of memory, -2 no path. */
#define TM_BAND_NONE 255
int tm_band_backtrace(const band *b, const unsigned char *back, const int *shape_a,
                      const int *shape_b, path *p);

#endif
