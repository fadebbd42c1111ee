/*
 * store_index.c — the index sections of a new segment, built in memory:
 * the exact keys (sorted hash entries) and the term dictionary with its
 * posting lists. (The identity section stays empty since format 7: an
 * import finds a stored duplicate through the exact keys, store_write.c.)
 *
 * They need only the units' final numbers (store_order.c), not the blocks,
 * so the commit builds them on a thread of their own while the blocks are
 * compressed (store_commit.c). Building reads and sorts w's key and
 * posting vectors, which nothing else touches meanwhile, and writes only
 * to the tm_index_sections.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "store_writer.h"
#include "varint.h"

static int cmp_keyent(const void *a, const void *b)
{
    const keyent *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->local < y->local ? -1 : x->local > y->local;
}

/* Exact key entries sorted by hash, as SEC_EXACT stores them: the high
 * half of the hash (sorted by the full hash: by its high half too), unit. */
static int exact_section(vec *v, tm_buf *out)
{
    if (v->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(v->p, v->n, sizeof(keyent), cmp_keyent);
    if (tm_buf_grow(out, v->n * EXACTENT_SIZE) != 0)
        return -1;
    unsigned char *o = (unsigned char *)out->data;
    for (size_t i = 0; i < v->n; i++) {
        const keyent *e = &((keyent *)v->p)[i];
        put_u32(o + i * EXACTENT_SIZE, (uint32_t)(e->hash >> 32));
        put_u32(o + i * EXACTENT_SIZE + 4, e->local);
    }
    out->len = v->n * EXACTENT_SIZE;
    return 0;
}

/* Postings sorted by (term, new unit number), renumbered, in v (whose
 * buffer is replaced). They were
 * appended unit by unit, in the order units were added, so each unit's
 * postings are one run, and order[i] names the added unit that is now
 * number i. LSD radix on the term in three digits of 11, 11 and 10 bits
 * (few enough buckets that every bucket's write position stays in cache):
 * the first pass reads the runs in the new order (and renumbers), every
 * pass is stable, so units stay in order within each term. One histogram
 * pass, three scatter passes, one extra buffer (the result). */
#define DIGITS 3
#define RADIX 2048

static unsigned digit(uint32_t term, int d) { return (term >> (11 * d)) & (RADIX - 1); }

/* Bucket counts into starting positions. */
static void prefix_sums(size_t *count)
{
    for (size_t k = 0, sum = 0; k < RADIX; k++) {
        size_t c = count[k];
        count[k] = sum;
        sum += c;
    }
}

static int sort_postings(vec *v, const uint32_t *order, size_t nunits)
{
    posting *p = v->p, *tmp = malloc((v->n + 1) * sizeof *tmp);
    size_t n = v->n, *start = calloc(nunits + 1, sizeof *start);
    size_t *count = calloc(DIGITS * RADIX, sizeof *count);
    if (!tmp || !start || !count) {
        free(tmp);
        free(start);
        free(count);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        assert(i == 0 || p[i].local >= p[i - 1].local);
        start[p[i].local + 1]++;
        for (int d = 0; d < DIGITS; d++)
            count[d * RADIX + digit(p[i].term, d)]++;
    }
    for (size_t u = 0; u < nunits; u++)
        start[u + 1] += start[u];
    for (int d = 0; d < DIGITS; d++)
        prefix_sums(count + d * RADIX);
    for (size_t i = 0; i < nunits; i++)
        for (size_t j = start[order[i]]; j < start[order[i] + 1]; j++)
            tmp[count[digit(p[j].term, 0)]++] = (posting){p[j].term, (uint32_t)i};
    for (size_t i = 0; i < n; i++)
        p[count[RADIX + digit(tmp[i].term, 1)]++] = tmp[i];
    for (size_t i = 0; i < n; i++)
        tmp[count[2 * RADIX + digit(p[i].term, 2)]++] = p[i];
    v->p = tmp; /* the sorted copy replaces the vector's buffer */
    v->cap = n + 1;
    free(p);
    free(start);
    free(count);
    return 0;
}

/* Term dictionary and postings: per term, its units as runs
 * (tm_plist_encode). */
static int posting_sections(vec *v, const uint32_t *order, size_t nunits, tm_buf *terms,
                            tm_buf *lists)
{
    size_t n = v->n;
    if (n > 0 && sort_postings(v, order, nunits) != 0)
        return -1;
    posting *p = v->p;
    uint32_t *units = NULL;
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i, df = 0;
        uint64_t start = lists->len;
        for (; j < n && p[j].term == p[i].term && !rc; j++) {
            if (j > i && p[j].local == p[j - 1].local)
                continue; /* hash collisions of terms: a unit once per list */
            rc = tm_array_reserve(&units, &cap, df + 1, sizeof *units, 1024);
            if (!rc)
                units[df++] = p[j].local;
        }
        rc = rc || tm_plist_encode(lists, units, df);
        unsigned char e[TERMENT_SIZE] = {0};
        put_u32(e, p[i].term);
        put_u32(e + 4, (uint32_t)df);
        put_u64(e + 8, start);
        put_u32(e + 16, (uint32_t)(lists->len - start));
        rc = rc || tm_buf_append(terms, e, sizeof e);
        i = j;
    }
    free(units);
    return rc;
}

int tm_index_build(tm_index_sections *ix, tm_store_writer *w)
{
    return exact_section(&w->exact, &ix->exact) != 0 ||
                   posting_sections(&w->postings, w->order, w->unit_off.n, &ix->terms, &ix->lists) != 0
               ? -1
               : 0;
}

void tm_index_free(tm_index_sections *ix)
{
    tm_buf_free(&ix->exact);
    tm_buf_free(&ix->terms);
    tm_buf_free(&ix->lists);
}
