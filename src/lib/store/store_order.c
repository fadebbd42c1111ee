/*
 * store_order.c — the order of a new segment's units.
 *
 * Units are stored sorted by the words of their first variant (as word
 * hashes: any fixed order of words groups the units that begin alike).
 * A memory holds many near-duplicates — revisions of one sentence, the same
 * sentence with another number or target — and sorted, they fall into the
 * same 4 KiB block, where zlib finds the repeats: on the bench memory the
 * blocks shrink by more than half. A unit's number in the segment is its
 * place in this order, so the exact keys gathered while adding are
 * renumbered here, before they are written; the postings as
 * they are sorted (store_index.c), the match data as it is recoded
 * (store_vocab.c).
 * Ties keep the order the units came in, so the result is deterministic.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_writer.h"
#include "util/varint.h"

/* Words compared: enough to group near-duplicates, cheap to sort. */
#define ORDER_WORDS 12

/* The first PREFIX words are copied into the key: most comparisons end
 * there, without a trip to the staged match data (a cache miss each). */
#define PREFIX 4

typedef struct sortkey {
    const unsigned char *words; /* u32 hashes, little-endian (staged match data) */
    uint32_t nwords, unit;
    uint32_t prefix[PREFIX];    /* words[0, min(nwords, PREFIX)) */
} sortkey;

static inline int cmp_keys(const sortkey *x, const sortkey *y)
{
    uint32_t n = x->nwords < y->nwords ? x->nwords : y->nwords;
    if (n > ORDER_WORDS)
        n = ORDER_WORDS;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t p = k < PREFIX ? x->prefix[k] : get_u32(x->words + 4 * k);
        uint32_t q = k < PREFIX ? y->prefix[k] : get_u32(y->words + 4 * k);
        if (p != q)
            return p < q ? -1 : 1;
    }
    if (x->nwords != y->nwords && (x->nwords < ORDER_WORDS || y->nwords < ORDER_WORDS))
        return x->nwords < y->nwords ? -1 : 1;
    return x->unit < y->unit ? -1 : x->unit > y->unit;
}

/* Merge sort with the comparison inlined (qsort's call per comparison was
 * a third of the sort); tmp holds n keys. The order is total (ties broken
 * by unit), so any correct sort gives this result. */
static void sort_run(sortkey *a, size_t n, sortkey *tmp)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            sortkey k = a[i];
            size_t j = i;
            for (; j > 0 && cmp_keys(&a[j - 1], &k) > 0; j--)
                a[j] = a[j - 1];
            a[j] = k;
        }
        return;
    }
    size_t h = n / 2, i = 0, j = h, o = 0;
    sort_run(a, h, tmp);
    sort_run(a + h, n - h, tmp);
    if (cmp_keys(&a[h - 1], &a[h]) < 0)
        return; /* already in order */
    memcpy(tmp, a, h * sizeof *a);
    while (i < h) /* (o < j always: the first half's copy is never overwritten unread) */
        a[o++] = j == n || cmp_keys(&tmp[i], &a[j]) < 0 ? tmp[i++] : a[j++];
}

/* The bucket of a key: its first word's top bits, after the units with
 * no word (which cmp_keys puts first). Keys in a lower bucket are less. */
static inline uint32_t bucket_of(const sortkey *k, int bits)
{
    return k->nwords ? 1 + (k->prefix[0] >> (32 - bits)) : 0;
}

/* Sort buckets [from, to) of a, each in place (tmp: scratch). */
typedef struct bucket_job {
    sortkey *a, *tmp;
    const size_t *start; /* bucket b is a[start[b], start[b + 1]) */
    uint32_t from, to;
} bucket_job;

static void *sort_buckets(void *arg)
{
    bucket_job *j = arg;
    for (uint32_t b = j->from; b < j->to; b++)
        sort_run(j->a + j->start[b], j->start[b + 1] - j->start[b], j->tmp + j->start[b]);
    return NULL;
}

/* Sort keys into out: a counting sort on the first word's top bits (about
 * eight keys a bucket: a small import pays for few buckets), then
 * each bucket by sort_run (most hold a few keys; one first word shared by
 * many units makes a big one, which sort_run takes in n log n), the
 * buckets split between two threads by their keys' count. keys is scratch
 * after. */
static int sort_keys(sortkey *keys, size_t n, sortkey *out)
{
    int bits = tm_bucket_bits(n, 16);
    uint32_t nbuckets = (1u << bits) + 1;
    size_t *start = calloc(nbuckets + 1, sizeof *start), *next = malloc(nbuckets * sizeof *next);
    if (!start || !next) {
        free(start);
        free(next);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        start[bucket_of(&keys[i], bits) + 1]++;
    for (uint32_t b = 0; b < nbuckets; b++)
        start[b + 1] += start[b];
    memcpy(next, start, nbuckets * sizeof *next);
    for (size_t i = 0; i < n; i++)
        out[next[bucket_of(&keys[i], bits)]++] = keys[i];
    free(next);
    uint32_t mid = 0;
    while (mid < nbuckets && start[mid + 1] <= n / 2)
        mid++;
    bucket_job one = {out, keys, start, 0, mid}, two = {out, keys, start, mid, nbuckets};
    pthread_t t;
    int threaded = n >= 4096 && pthread_create(&t, NULL, sort_buckets, &two) == 0;
    sort_buckets(&one);
    if (threaded)
        pthread_join(t, NULL);
    else
        sort_buckets(&two);
    free(start);
    return 0;
}

/* The first variant's words of staged record u. */
static void first_words(const tm_store_writer *w, size_t u, sortkey *k)
{
    const unsigned char *p = (const unsigned char *)w->fwd.data + ((const uint64_t *)w->fwd_off.p)[u];
    const unsigned char *end = (const unsigned char *)w->fwd.data + ((const uint64_t *)w->fwd_end.p)[u];
    uint64_t date, nv, len, nw = 0;
    k->words = p;
    k->nwords = 0;
    k->unit = (uint32_t)u;
    if (tm_varint_get(&p, end, &date) || tm_varint_get(&p, end, &nv) || nv == 0 ||
        tm_varint_get(&p, end, &len) || len > (uint64_t)(end - p))
        return;
    p += len;
    if (tm_varint_get(&p, end, &nw) || nw > (uint64_t)(end - p) / 4)
        return;
    k->words = p;
    k->nwords = (uint32_t)nw;
    for (uint32_t i = 0; i < PREFIX && i < k->nwords; i++)
        k->prefix[i] = get_u32(p + 4 * i);
}

static int permute_sizes(vec *v, const uint32_t *order)
{
    size_t *old = v->p, *now = malloc((v->n + 1) * sizeof *now);
    if (!now)
        return -1;
    for (size_t i = 0; i < v->n; i++)
        now[i] = old[order[i]];
    free(old);
    v->p = now;
    v->cap = v->n + 1;
    return 0;
}

tm_status tm_writer_reorder(tm_store_writer *w, tm_error *err)
{
    size_t n = w->unit_off.n;
    sortkey *keys = malloc((n + 1) * sizeof *keys), *sorted = malloc((n + 1) * sizeof *sorted);
    uint32_t *inv = malloc((n + 1) * sizeof *inv);
    w->order = malloc((n + 1) * sizeof *w->order);
    if (!keys || !sorted || !inv || !w->order) {
        free(keys);
        free(sorted);
        free(inv);
        return tm_error_nomem(err);
    }
    for (size_t u = 0; u < n; u++)
        first_words(w, u, &keys[u]);
    if (sort_keys(keys, n, sorted) != 0) {
        free(keys);
        free(sorted);
        free(inv);
        return tm_error_nomem(err);
    }
    free(keys);
    for (size_t i = 0; i < n; i++) {
        w->order[i] = sorted[i].unit;
        inv[sorted[i].unit] = (uint32_t)i;
    }
    free(sorted);
    int rc = permute_sizes(&w->unit_off, w->order) | permute_sizes(&w->unit_len, w->order);
    keyent *e = w->exact.p;
    for (size_t i = 0; i < w->exact.n; i++)
        e[i].local = inv[e[i].local];
    free(inv);
    return rc ? tm_error_nomem(err) : TM_OK;
}
