/*
 * store_vocab.c — word numbers for a segment's match data.
 *
 * While importing, the writer records each variant's words as 32-bit
 * hashes (the staged match data, see put_match_data in store_write.c). At
 * commit the words are renumbered by frequency in the segment, the most
 * frequent first, and stored as varints: a common word takes one byte
 * instead of four, which halves the match data. The vocabulary section
 * maps each hash to its number (VOCENT_SIZE entries sorted by hash), so a
 * query renumbers its own words once per segment and scores candidates on
 * numbers. The renumbering is a bijection on the segment's words and a
 * query word the segment lacks gets a number no stored word has, so edit
 * distances, and therefore scores, are exactly those on hashes.
 *
 * Staged record of a unit: varint date, varint variants, then per variant
 * varint code length, code, varint word count, u32 hash per word, 16 bytes
 * of signatures (case, punctuation, numbers, tags). Final record: the
 * same, but after the word count a varint byte length and the word numbers
 * as varints, and only the last three signatures; the case signatures,
 * random 32-bit hashes that deflate would only spend time on, go to a
 * buffer of their own, four bytes per variant in record order (the commit
 * stores them raw after each deflated group, store_commit.c).
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "util/u32map.h"
#include "util/varint.h"

/* Walk the staged records: fn is called for every word hash. */
typedef int (*word_fn)(void *ctx, uint32_t hash);

static int walk_unit(const unsigned char *p, const unsigned char *end, word_fn fn, void *ctx)
{
    uint64_t date, nv, len, nw;
    if (tm_varint_get(&p, end, &date) || tm_varint_get(&p, end, &nv))
        return -1;
    for (uint64_t v = 0; v < nv; v++) {
        if (tm_varint_get(&p, end, &len) || len > (uint64_t)(end - p))
            return -1;
        p += len;
        if (tm_varint_get(&p, end, &nw) || nw > (uint64_t)(end - p) / 4)
            return -1;
        for (uint64_t k = 0; k < nw; k++, p += 4)
            if (fn(ctx, get_u32(p)) != 0)
                return -1;
        if ((uint64_t)(end - p) < 16)
            return -1;
        p += 16;
    }
    return p == end ? 0 : -1;
}

/* The map goes hash -> count, then (number_words) hash -> number. */
static int count_word(void *ctx, uint32_t hash)
{
    uint32_t *count = u32map_put(ctx, hash, NULL);
    if (!count)
        return -1;
    (*count)++;
    return 0;
}

typedef struct ranked {
    uint32_t hash, count;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static int cmp_vocent(const void *a, const void *b)
{
    uint32_t x = get_u32(a), y = get_u32(b);
    return x < y ? -1 : x > y;
}

/* Number the words by frequency (t: hash -> number) and write the
 * vocabulary section. */
static int number_words(u32map *t, tm_buf *vocab)
{
    ranked *r = malloc((t->n + 1) * sizeof *r);
    if (!r)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->slot[i].used)
            r[n++] = (ranked){t->slot[i].key, t->slot[i].val};
    if (n > 1)
        qsort(r, n, sizeof *r, cmp_ranked);
    int rc = tm_buf_grow(vocab, n * VOCENT_SIZE);
    for (size_t k = 0; k < n && !rc; k++) {
        *u32map_get(t, r[k].hash) = (uint32_t)k;
        unsigned char e[VOCENT_SIZE];
        put_u32(e, r[k].hash);
        put_u32(e + 4, (uint32_t)k);
        rc = tm_buf_append(vocab, e, sizeof e);
    }
    free(r);
    if (!rc && n > 1)
        qsort(vocab->data, n, VOCENT_SIZE, cmp_vocent);
    return rc;
}

/* One staged record into its final form, its case signatures to cases. */
static int recode_unit(const unsigned char *p, const unsigned char *end, const u32map *t,
                       tm_buf *out, tm_buf *cases, tm_buf *ids)
{
    uint64_t date = 0, nv = 0, len = 0, nw = 0;
    tm_varint_get(&p, end, &date); /* (walk_unit has checked the record) */
    tm_varint_get(&p, end, &nv);
    int rc = tm_varint_put(out, date) | tm_varint_put(out, nv);
    for (uint64_t v = 0; v < nv && !rc; v++) {
        tm_varint_get(&p, end, &len);
        rc |= tm_varint_put(out, len) | tm_buf_append(out, p, (size_t)len);
        p += len;
        tm_varint_get(&p, end, &nw);
        tm_buf_clear(ids);
        for (uint64_t k = 0; k < nw; k++, p += 4)
            rc |= tm_varint_put(ids, *u32map_get(t, get_u32(p))); /* (counted: present) */
        rc |= tm_varint_put(out, nw) | tm_varint_put(out, ids->len) |
              tm_buf_append(out, ids->data, ids->len) | tm_buf_append(cases, p, 4) |
              tm_buf_append(out, p + 4, 12);
        p += 16;
    }
    return rc;
}

tm_status tm_vocab_recode(const tm_buf *staged, const uint64_t *offs, const uint64_t *ends,
                          size_t n, const uint32_t *order, tm_fwd_out *out, tm_buf *vocab, tm_error *err)
{
    u32map t;
    tm_buf ids = TM_BUF_INIT;
    const unsigned char *base = (const unsigned char *)staged->data;
    int rc = u32map_init(&t, 1024);
    for (size_t u = 0; u < n && !rc; u++) {
        uint64_t a = offs[u], b = ends[u];
        rc = walk_unit(base + a, base + b, count_word, &t);
    }
    if (!rc)
        rc = number_words(&t, vocab);
    for (size_t k = 0; k < n && !rc; k++) {
        size_t u = order ? order[k] : k;
        if (order && k + 2 * PREFETCH_AHEAD < n)
            TM_PREFETCH(&offs[order[k + 2 * PREFETCH_AHEAD]]);
        if (order && k + PREFETCH_AHEAD < n)
            TM_PREFETCH(base + offs[order[k + PREFETCH_AHEAD]]);
        uint64_t a = offs[u], b = ends[u];
        out->offs[k] = out->records.len;
        out->case_offs[k] = out->cases.len;
        rc = recode_unit(base + a, base + b, &t, &out->records, &out->cases, &ids);
    }
    out->offs[n] = out->records.len;
    out->case_offs[n] = out->cases.len;
    u32map_free(&t);
    tm_buf_free(&ids);
    return rc ? tm_error_nomem(err) : TM_OK;
}

int tm_vocab_number(segment *g, uint32_t hash, uint32_t *id)
{
    size_t i;
    if (tm_seg_lower_bound(g, SEC_VOCAB, VOCENT_SIZE, 4, hash, &i) != 0)
        return -1;
    const unsigned char *e = g->sec[SEC_VOCAB] + i * VOCENT_SIZE;
    if (i == g->sec_len[SEC_VOCAB] / VOCENT_SIZE)
        return 0;
    if (tm_seg_verify(g, SEC_VOCAB, (uint64_t)i * VOCENT_SIZE, VOCENT_SIZE) != 0)
        return -1;
    if (get_u32(e) != hash)
        return 0;
    *id = get_u32(e + 4);
    return 1;
}
