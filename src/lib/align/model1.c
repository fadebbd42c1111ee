/*
 * model1.c — IBM Model 1 (Brown et al. 1993) word translation
 * probabilities t(f | e) trained by EM on sentence pairs given as word ids,
 * as Moore (2002) uses them for sentence alignment.
 *
 * The co-occurring (e, f) pairs are the cells of an open-addressing table
 * that grows with the distinct pairs; EM runs EM_ITERS times over every
 * pair's cells. What is kept: for each source word its MAX_TRANS most
 * probable translations of at least T_MIN, and t(f | NULL) for every f.
 */
#include <stdlib.h>
#include <string.h>

#include "model1.h"

#define EM_ITERS 5
#define T_MIN 0.02f          /* translations kept after training */
#define MAX_TRANS 12         /* per source word, the most probable */

/* One training pair: source words (plus NULL) and target words. */
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
static void em(table *tb, const tm_m1_pair *sp, size_t np, const uint32_t *cells, uint32_t null_e,
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

tm_status tm_m1_train(tm_m1 *lx, const tm_m1_pair *sp, size_t np, size_t ncells,
                      size_t ne_vocab, size_t nf_vocab, tm_error *err)
{
    table tb;
    memset(&tb, 0, sizeof tb);
    uint32_t *cells = malloc((ncells + 1) * sizeof *cells);
    tm_status st = TM_OK;
    if (!cells || table_init(&tb, 1u << 16) != 0) {
        free(cells);
        table_free(&tb);
        return tm_error_nomem(err);
    }
    memset(lx, 0, sizeof *lx);
    lx->ne = ne_vocab;
    lx->nf = nf_vocab;
    if (!(lx->tnull = calloc(nf_vocab + 1, sizeof *lx->tnull))) {
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
        lx->start = malloc((ne_vocab + 1) * sizeof *lx->start);
        lx->f = malloc((start[ne_vocab] + 1) * sizeof *lx->f);
        lx->p = malloc((start[ne_vocab] + 1) * sizeof *lx->p);
        if (!lx->start || !lx->f || !lx->p) {
            st = tm_error_nomem(err);
        } else {
            memcpy(lx->start, start, (ne_vocab + 1) * sizeof *start);
            for (uint32_t q = 0; q < start[ne_vocab]; q++) {
                lx->f[q] = tb.cell_f[order[q]];
                lx->p[q] = tb.t[order[q]];
            }
        }
    }
    free(start);
    free(order);
    free(cells);
    table_free(&tb);
    return st;
}

void tm_m1_free(tm_m1 *t)
{
    free(t->start);
    free(t->f);
    free(t->p);
    free(t->tnull);
    memset(t, 0, sizeof *t);
}
