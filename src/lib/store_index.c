/*
 * store_index.c — the index sections of a new segment, built in memory:
 * the exact and identity keys (sorted hash entries) and the term
 * dictionary with its posting lists.
 *
 * They need only the units' final numbers (store_order.c), not the blocks,
 * so the commit builds them on a thread of their own while the blocks are
 * compressed (store_commit.c). Building reads and sorts w's key and
 * posting vectors, which nothing else touches meanwhile, and writes only
 * to the tm_index_sections.
 */
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

/* Key entries sorted by hash, as section k stores them. */
static int key_section(vec *v, int k, tm_buf *out)
{
    if (v->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(v->p, v->n, sizeof(keyent), cmp_keyent);
    size_t ent = k == SEC_EXACT ? EXACTENT_SIZE : KEYENT_SIZE;
    if (tm_buf_grow(out, v->n * ent) != 0)
        return -1;
    unsigned char *o = (unsigned char *)out->data;
    for (size_t i = 0; i < v->n; i++) { /* (sorted by the full hash: by its high half too) */
        const keyent *e = &((keyent *)v->p)[i];
        if (k == SEC_EXACT)
            put_u32(o + i * ent, (uint32_t)(e->hash >> 32));
        else
            put_u64(o + i * ent, e->hash);
        put_u32(o + i * ent + ent - 4, e->local);
    }
    out->len = v->n * ent;
    return 0;
}

/* Postings arrive in unit order; a stable sort by term keeps that order
 * within each term, which is what the lists need. LSD radix on 16-bit
 * halves: two passes, linear, where qsort was a tenth of an import. */
static int sort_postings(posting **p, size_t n)
{
    posting *tmp = malloc(n * sizeof *tmp);
    size_t *count = calloc(65536, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -1;
    }
    for (int shift = 0; shift < 32; shift += 16) {
        posting *src = *p;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i].term >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t k = 0; k < 65536; k++) {
            size_t c = count[k];
            count[k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(src[i].term >> shift) & 0xFFFF]++] = src[i];
        *p = tmp;
        tmp = src;
    }
    free(tmp);
    free(count);
    return 0;
}

/* Term dictionary and postings: per term, its units as runs
 * (tm_plist_encode). */
static int posting_sections(vec *v, tm_buf *terms, tm_buf *lists)
{
    size_t n = v->n;
    if (n > 1 && sort_postings((posting **)&v->p, n) != 0)
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
    return key_section(&w->exact, SEC_EXACT, &ix->exact) != 0 ||
                   key_section(&w->ident, SEC_IDENT, &ix->ident) != 0 ||
                   posting_sections(&w->postings, &ix->terms, &ix->lists) != 0
               ? -1
               : 0;
}

void tm_index_free(tm_index_sections *ix)
{
    tm_buf_free(&ix->exact);
    tm_buf_free(&ix->ident);
    tm_buf_free(&ix->terms);
    tm_buf_free(&ix->lists);
}
