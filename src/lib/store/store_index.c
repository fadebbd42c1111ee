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
#include "util/u32map.h"
#include "util/varint.h"

static int keyent_less(const keyent *x, const keyent *y)
{
    return x->hash != y->hash ? x->hash < y->hash : x->local < y->local;
}

/* v sorted by (hash, local) into out. The hashes are uniform, so a
 * counting sort on their top bits leaves buckets of about eight entries,
 * which insertion sort finishes: two passes over the entries instead of
 * qsort's log n with a call per comparison. */
static void sort_keyents(const keyent *v, size_t n, keyent *out, size_t *count, int bits)
{
    size_t nb = (size_t)1 << bits;
    memset(count, 0, (nb + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[(v[i].hash >> (64 - bits)) + 1]++;
    for (size_t b = 0; b < nb; b++)
        count[b + 1] += count[b];
    for (size_t i = 0; i < n; i++)
        out[count[v[i].hash >> (64 - bits)]++] = v[i];
    /* count[b] is now the end of bucket b */
    for (size_t b = 0, from = 0; b < nb; from = count[b++]) {
        for (size_t i = from + 1; i < count[b]; i++) {
            keyent e = out[i];
            size_t j = i;
            for (; j > from && keyent_less(&e, &out[j - 1]); j--)
                out[j] = out[j - 1];
            out[j] = e;
        }
    }
}

/* Exact key entries sorted by hash, as SEC_EXACT stores them: the high
 * half of the hash (sorted by the full hash: by its high half too), unit. */
static int exact_section(const vec *v, tm_buf *out)
{
    int bits = tm_bucket_bits(v->n, 24);
    keyent *sorted = malloc((v->n + 1) * sizeof *sorted);
    size_t *count = malloc((((size_t)1 << bits) + 1) * sizeof *count);
    if (!sorted || !count || tm_buf_grow(out, v->n * EXACTENT_SIZE) != 0) {
        free(sorted);
        free(count);
        return -1;
    }
    sort_keyents(v->p, v->n, sorted, count, bits);
    unsigned char *o = (unsigned char *)out->data;
    for (size_t i = 0; i < v->n; i++) {
        assert(i == 0 || !keyent_less(&sorted[i], &sorted[i - 1]));
        put_u32(o + i * EXACTENT_SIZE, (uint32_t)(sorted[i].hash >> 32));
        put_u32(o + i * EXACTENT_SIZE + 4, sorted[i].local);
    }
    out->len = v->n * EXACTENT_SIZE;
    free(sorted);
    free(count);
    return 0;
}

/* The posting lists, by a counting sort on the term. The writer appended
 * each unit's terms as a run (postings, runs ending at post_end), in the
 * order units were added; order[i] names the added unit that is now number
 * i. The terms are numbered through a u32map (a memory has some tens of
 * thousands of distinct terms), each term's list gets its place from the
 * counts, and reading the runs in the new order scatters each unit number
 * into its terms' lists: every list comes out in increasing unit order, in
 * one pass, with one array of unit numbers beside the terms. */
typedef struct termtab {
    u32map num;     /* term -> its number */
    uint32_t *term; /* the term numbered d */
    size_t *count;  /* its postings; then where its list starts */
    size_t n, term_cap, count_cap;
} termtab;

/* Number every posting's term in place (terms[i] becomes its number) and
 * count each number's postings. */
static int number_terms(termtab *t, uint32_t *terms, size_t n)
{
    if (u32map_init(&t->num, 1024) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int added;
        uint32_t *d = u32map_put(&t->num, terms[i], &added);
        if (!d)
            return -1;
        if (added) {
            if (tm_array_reserve(&t->term, &t->term_cap, t->n + 1, sizeof *t->term, 1024) ||
                tm_array_reserve(&t->count, &t->count_cap, t->n + 1, sizeof *t->count, 1024))
                return -1;
            *d = (uint32_t)t->n;
            t->term[t->n] = terms[i];
            t->count[t->n++] = 0;
        }
        t->count[*d]++;
        terms[i] = *d;
    }
    return 0;
}

static void tt_free(termtab *t)
{
    u32map_free(&t->num);
    free(t->term);
    free(t->count);
}

/* The term numbers in the order of their terms (the dictionary's order),
 * and each list's start in count[]. */
static uint64_t *order_terms(termtab *t)
{
    uint64_t *by = malloc((t->n + 1) * sizeof *by);
    if (!by)
        return NULL;
    for (size_t d = 0; d < t->n; d++)
        by[d] = (uint64_t)t->term[d] << 32 | d;
    if (t->n > 1)
        qsort(by, t->n, sizeof *by, tm_cmp_u64);
    for (size_t k = 0, sum = 0; k < t->n; k++) {
        size_t d = (uint32_t)by[k], c = t->count[d];
        t->count[d] = sum;
        sum += c;
    }
    return by;
}

/* Each unit number into its terms' lists (count[] advances to each list's end). */
static void scatter(termtab *t, const uint32_t *nums, const uint64_t *end, const uint32_t *order,
                    size_t nunits, uint32_t *lists)
{
    for (size_t i = 0; i < nunits; i++) {
        uint32_t u = order[i];
        if (i + 2 * PREFETCH_AHEAD < nunits)
            TM_PREFETCH(&end[order[i + 2 * PREFETCH_AHEAD]]);
        if (i + PREFETCH_AHEAD < nunits) {
            uint32_t v = order[i + PREFETCH_AHEAD];
            TM_PREFETCH(&nums[v ? end[v - 1] : 0]);
        }
        for (uint64_t j = u ? end[u - 1] : 0; j < end[u]; j++)
            lists[t->count[nums[j]]++] = (uint32_t)i;
    }
}

/* Term dictionary and postings: per term, its units as runs
 * (tm_plist_encode); a unit once per list (two words of a unit may hash
 * to one term). */
static int write_lists(const termtab *t, const uint64_t *by, uint32_t *units, tm_buf *terms,
                       tm_buf *lists)
{
    int rc = 0;
    for (size_t k = 0, from = 0; k < t->n && !rc; k++) {
        size_t d = (uint32_t)by[k], to = t->count[d], df = 0;
        for (size_t j = from; j < to; j++)
            if (df == 0 || units[j] != units[from + df - 1])
                units[from + df++] = units[j];
        uint64_t start = lists->len;
        rc = tm_plist_encode(lists, units + from, df);
        unsigned char e[TERMENT_SIZE] = {0};
        put_u32(e, t->term[d]);
        put_u32(e + 4, (uint32_t)df);
        put_u64(e + 8, start);
        put_u32(e + 16, (uint32_t)(lists->len - start));
        rc = rc || tm_buf_append(terms, e, sizeof e);
        from = to;
    }
    return rc;
}

static int posting_sections(tm_store_writer *w, tm_buf *terms, tm_buf *lists)
{
    size_t n = w->postings.n;
    if (n == 0)
        return 0;
    termtab t;
    memset(&t, 0, sizeof t);
    uint64_t *by = NULL;
    uint32_t *units = NULL;
    int rc = number_terms(&t, w->postings.p, n) != 0 || !(by = order_terms(&t)) ||
             !(units = malloc(n * sizeof *units));
    if (!rc) {
        scatter(&t, w->postings.p, w->post_end.p, w->order, w->post_end.n, units);
        rc = write_lists(&t, by, units, terms, lists);
    }
    free(units);
    free(by);
    tt_free(&t);
    return rc ? -1 : 0;
}
int tm_index_build(tm_index_sections *ix, tm_store_writer *w)
{
    return exact_section(&w->exact, &ix->exact) != 0 ||
                   posting_sections(w, &ix->terms, &ix->lists) != 0
               ? -1
               : 0;
}

void tm_index_free(tm_index_sections *ix)
{
    tm_buf_free(&ix->exact);
    tm_buf_free(&ix->terms);
    tm_buf_free(&ix->lists);
}
