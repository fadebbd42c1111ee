/*
 * store_commit.c — commit: build one new segment from the batch and make
 * it visible. Writes, after the last commit's end: the unit blocks (cut,
 * compressed on two threads, with the segment's dictionary, while another
 * builds the indexes, store_index.c, and the match data), the indexes, the
 * match data, the segment table, fsync; the new segment list, fsync;
 * then the older header slot with the next transaction id, fsync. Only
 * that last write makes anything visible (docs/store.md).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "store_writer.h"
#include "util/varint.h"

/* ---- commit ------------------------------------------------------------------------------ */

typedef struct segbuild {
    uint64_t start;                 /* file offset of the segment */
    uint64_t pos;                   /* next free offset, relative to start */
    uint64_t sec_off[NSECTIONS], sec_len[NSECTIONS];
    uint32_t sec_crc[NSECTIONS];
    tm_buf blockdir;
    tm_buf chunks[NSECTIONS]; /* per lazy section, its chunks' CRC32s */
} segbuild;

static tm_status write_section(tm_store_writer *w, segbuild *b, int k, const void *p, size_t n,
                               tm_error *err)
{
    b->sec_off[k] = b->pos;
    b->sec_len[k] = n;
    b->sec_crc[k] = tm_crc32(p, n);
    for (size_t c = 0; sec_is_lazy(k) && c < n; c += CHUNK_SIZE) {
        unsigned char x[4];
        put_u32(x, tm_crc32((const unsigned char *)p + c, n - c < CHUNK_SIZE ? n - c : CHUNK_SIZE));
        if (tm_buf_append(&b->chunks[k], x, 4) != 0)
            return tm_error_nomem(err);
    }
    b->pos += n;
    return n ? tm_writer_write_at(w, p, n, b->start + b->sec_off[k], err) : TM_OK;
}

/* A preset dictionary for the segment's blocks: units sampled evenly
 * across it, up to zlib's 32 KiB window. Small blocks compress poorly on
 * their own (little repeats within 8 KiB); primed with the segment's common
 * words and phrases they come close to compressing the whole memory at
 * once, while a query still inflates one block. Empty for small segments. */
static void build_dict(const tm_store_writer *w, tm_buf *dict)
{
    size_t n = w->unit_off.n, total = w->units.len;
    if (total < 4 * DICT_SIZE)
        return;
    size_t stride = total / DICT_SIZE + 1;
    for (size_t k = 0; k < n && dict->len < DICT_SIZE; k += stride) {
        size_t off = ((size_t *)w->unit_off.p)[k], len = ((size_t *)w->unit_len.p)[k];
        if (len > DICT_SIZE - dict->len)
            len = DICT_SIZE - dict->len;
        if (tm_buf_append(dict, w->units.data + off, len) != 0)
            return; /* a shorter dictionary only compresses less */
    }
}

/* Items to deflate in groups: item k is len[k] bytes at data + off[k]
 * (the serialized units, or the match data of each unit). */
typedef struct zitems {
    const char *data;
    const size_t *off, *len;
    size_t n;
} zitems;

/* One deflated group of items: which, and once compressed, its bytes. */
typedef struct zblock {
    uint32_t first, count;
    unsigned char *out;
    size_t clen, rawlen;
    uint32_t crc; /* of out[0, clen) */
} zblock;

typedef struct zjob {
    const zitems *it;
    const tm_buf *dict; /* preset dictionary, or empty */
    int level;
    zblock *blocks;
    size_t from, to;
    int failed;
} zjob;

/* Compress groups [from, to) of the job: items as (varint length, bytes),
 * deflated at the job's level with its dictionary. The dictionary is loaded
 * once into a primed stream that each group starts from as a copy: loading
 * it (hashing 32 KiB) for every block cost more than the block. */
static void *compress_range(void *arg)
{
    zjob *j = arg;
    z_stream primed, z;
    memset(&primed, 0, sizeof primed);
    tm_buf raw = TM_BUF_INIT;
    /* raw deflate: no zlib header or Adler-32 (the groups' CRCs guard them,
     * and a reader would otherwise hash the 32 KiB dictionary per block) */
    j->failed = deflateInit2(&primed, j->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
                (j->level >= 4 && deflateTune(&primed, Z_GOOD, Z_LAZY, Z_NICE, Z_CHAIN) != Z_OK);
    if (!j->failed && j->dict->len)
        j->failed = deflateSetDictionary(&primed, (const Bytef *)j->dict->data,
                                         (uInt)j->dict->len) != Z_OK;
    for (size_t i = j->from; i < j->to && !j->failed; i++) {
        zblock *bl = &j->blocks[i];
        tm_buf_clear(&raw);
        for (uint32_t k = bl->first; k < bl->first + bl->count && !j->failed; k++) {
            if (k + PREFETCH_AHEAD < j->it->n)
                TM_PREFETCH(j->it->data + j->it->off[k + PREFETCH_AHEAD]);
            j->failed = tm_varint_put(&raw, j->it->len[k]) != 0 ||
                        tm_buf_append(&raw, j->it->data + j->it->off[k], j->it->len[k]) != 0;
        }
        size_t cap = deflateBound(&primed, (uLong)raw.len);
        if (j->failed || !(bl->out = malloc(cap)) || deflateCopy(&z, &primed) != Z_OK) {
            j->failed = 1;
            break;
        }
        z.next_in = (Bytef *)raw.data;
        z.avail_in = (uInt)raw.len;
        z.next_out = bl->out;
        z.avail_out = (uInt)cap;
        j->failed = deflate(&z, Z_FINISH) != Z_STREAM_END;
        bl->clen = cap - z.avail_out;
        bl->rawlen = raw.len;
        bl->crc = tm_crc32(bl->out, bl->clen);
        deflateEnd(&z);
        /* deflateBound is about the raw size, five times the result: give
         * the rest back, for the next group's buffer to reuse */
        unsigned char *fit = realloc(bl->out, bl->clen ? bl->clen : 1);
        if (fit)
            bl->out = fit;
    }
    deflateEnd(&primed);
    tm_buf_free(&raw);
    return NULL;
}

/* Deflate every group, half of them on a second thread. 0, -1 when zlib
 * or memory failed, -2 when a group is bigger than readers accept. */
static int compress_all(const zitems *it, const tm_buf *dict, int level, zblock *bl, size_t nb)
{
    for (size_t i = 0; i < nb; i++)
        if (bl[i].rawlen > RAW_MAX) /* (as cut_groups counted it) */
            return -2;
    zjob one = {it, dict, level, bl, 0, nb / 2, 0}, two = {it, dict, level, bl, nb / 2, nb, 0};
    pthread_t t;
    int threaded = nb >= 8 && pthread_create(&t, NULL, compress_range, &two) == 0;
    compress_range(&one);
    if (threaded)
        pthread_join(t, NULL);
    else
        compress_range(&two);
    return one.failed || two.failed ? -1 : 0;
}

/* The status of compress_all's answer rc for what it compressed. */
static tm_status compressed(int rc, const char *what, tm_error *err)
{
    if (rc == -2)
        return tm_error_set(err, TM_EDATA, "a unit is too large for the store: %s would hold more "
                                           "than %u MiB", what, RAW_MAX >> 20);
    if (rc != 0)
        return tm_error_set(err, TM_EIO, "zlib could not compress %s (or memory ran out)", what);
    return TM_OK;
}

static void free_blocks(zblock *bl, size_t nb)
{
    for (size_t i = 0; bl && i < nb; i++)
        free(bl[i].out);
    free(bl);
}

/* Cut the items into groups of about target raw bytes (target > 0) or of
 * -target items each; a group's rawlen is its exact raw size. */
static zblock *cut_groups(const zitems *it, long target, size_t *ngroups)
{
    size_t cap = 0, nb = 0, raw = 0;
    zblock *bl = NULL;
    uint32_t first = 0;
    for (size_t k = 0; k < it->n; k++) {
        size_t len = it->len[k], vl = 1;
        for (size_t v = len >> 7; v; v >>= 7)
            vl++;
        raw += vl + len;
        int full = target > 0 ? raw >= (size_t)target : k + 1 - first == (size_t)-target;
        if (full || k + 1 == it->n) {
            if (tm_array_reserve(&bl, &cap, nb + 1, sizeof *bl, 64)) {
                free(bl);
                return NULL;
            }
            bl[nb++] = (zblock){first, (uint32_t)(k + 1 - first), NULL, 0, raw, 0};
            first = (uint32_t)(k + 1);
            raw = 0;
        }
    }
    *ngroups = nb;
    return bl ? bl : calloc(1, sizeof *bl);
}

/* Write the compressed blocks in order, gathered into writes of about
 * WRITE_CHUNK bytes (one write per 8 KiB block was 44,000 system calls at
 * 1M units), and their directory entries. */
#define WRITE_CHUNK (1u << 20)
static tm_status write_block_data(tm_store_writer *w, segbuild *b, const zblock *bl, size_t nb,
                                  tm_error *err)
{
    uint64_t at = b->start + b->sec_off[SEC_BLOCKS], blocks_len = 0;
    uLong crc = 0; /* the blocks' own CRCs guard them; the section's is for `check` */
    tm_buf chunk = TM_BUF_INIT;
    tm_status st = tm_buf_grow(&chunk, WRITE_CHUNK) == 0 ? TM_OK : tm_error_nomem(err);
    for (size_t i = 0; i < nb && st == TM_OK; i++) {
        crc = crc32_combine(crc, bl[i].crc, (z_off_t)bl[i].clen);
        unsigned char d[BLOCKDIR_SIZE] = {0};
        put_u64(d, blocks_len);
        put_u32(d + 8, (uint32_t)bl[i].clen);
        put_u32(d + 12, (uint32_t)bl[i].rawlen);
        put_u32(d + 16, bl[i].crc);
        put_u32(d + 20, bl[i].first);
        put_u32(d + 24, bl[i].count);
        if (tm_buf_append(&b->blockdir, d, sizeof d) != 0 ||
            tm_buf_append(&chunk, bl[i].out, bl[i].clen) != 0)
            st = tm_error_nomem(err);
        blocks_len += bl[i].clen;
        if (st == TM_OK && (chunk.len >= WRITE_CHUNK || i + 1 == nb)) {
            st = tm_writer_write_at(w, chunk.data, chunk.len, at, err);
            at += chunk.len;
            tm_buf_clear(&chunk);
        }
    }
    tm_buf_free(&chunk);
    b->sec_len[SEC_BLOCKS] = blocks_len;
    b->sec_crc[SEC_BLOCKS] = (uint32_t)crc;
    b->pos += blocks_len;
    return st;
}

/* Compress every block on two threads, then write them in order. */
static tm_status write_blocks(tm_store_writer *w, segbuild *b, tm_error *err)
{
    tm_buf dict = TM_BUF_INIT;
    size_t nb = 0;
    zitems it = {w->units.data, w->unit_off.p, w->unit_len.p, w->unit_off.n};
    build_dict(w, &dict);
    tm_status st = write_section(w, b, SEC_DICT, dict.data, dict.len, err);
    zblock *bl = st == TM_OK ? cut_groups(&it, BLOCK_TARGET, &nb) : NULL;
    if (st == TM_OK && !bl)
        st = tm_error_nomem(err);
    if (st == TM_OK)
        st = compressed(compress_all(&it, &dict, BLOCK_LEVEL, bl, nb), "a block", err);
    b->sec_off[SEC_BLOCKS] = b->pos;
    if (st == TM_OK)
        st = write_block_data(w, b, bl, nb, err);
    free_blocks(bl, nb);
    tm_buf_free(&dict);
    return st;
}

/* SEC_LENS from the final match data: per unit, per language, the word
 * count the length filter of a query needs (LEN_* in store_internal.h).
 * 0, -1 when the match data lacks something it must have, -2 memory. */
static int build_lengths(const tm_buf *fwd, const uint64_t *offs, size_t n, const tm_buf *langs,
                         tm_buf *out)
{
    size_t nl;
    tm_langs_find(langs->data, langs->len, "", &nl);
    if (tm_buf_grow(out, n * nl + 1) != 0)
        return -2;
    memset(out->data, LEN_NONE, n * nl);
    out->len = n * nl;
    for (size_t u = 0; u < n; u++) {
        const unsigned char *p = (const unsigned char *)fwd->data + offs[u];
        const unsigned char *end = (const unsigned char *)fwd->data + offs[u + 1];
        unsigned char *row = (unsigned char *)out->data + u * nl;
        uint64_t date, nv;
        tm_fwd_variant v;
        if (tm_fwd_record(&p, end, &date, &nv) != 0)
            return -1;
        for (uint64_t i = 0; i < nv; i++) {
            char code[64];
            if (tm_fwd_variant_next(&p, end, NULL, NULL, &v) != 0)
                return -1;
            size_t cl = v.code_len < sizeof code - 1 ? v.code_len : sizeof code - 1;
            memcpy(code, v.code, cl);
            code[cl] = '\0';
            int slot = tm_langs_find(langs->data, langs->len, code, NULL);
            if (slot < 0)
                return -1;
            if (v.nwords) /* (a variant without words has no postings: no query meets it by them) */
                row[slot] = row[slot] != LEN_NONE || v.nwords >= LEN_ANY ? LEN_ANY
                                                                          : (unsigned char)v.nwords;
        }
    }
    return 0;
}

/* The match data with its words renumbered (store_vocab.c), deflated
 * FWD_GROUP units at a time, the groups' index, the vocabulary and the
 * word counts of SEC_LENS: the sections' bytes, in md. */
typedef struct match_sections {
    tm_buf fwd, fwdidx, vocab, lens;
} match_sections;

static void match_sections_free(match_sections *md)
{
    tm_buf_free(&md->fwd);
    tm_buf_free(&md->fwdidx);
    tm_buf_free(&md->vocab);
    tm_buf_free(&md->lens);
}

/* Each group: its records deflated, then its variants' case signatures
 * raw (FWDIDX_SIZE entry: offset, deflated size, raw size, case bytes). */
static tm_status append_groups(match_sections *md, const zblock *bl, size_t ng,
                               const tm_fwd_out *fo, tm_error *err)
{
    if (tm_buf_grow(&md->fwdidx, FWDIDX_SIZE * ng) != 0)
        return tm_error_nomem(err);
    for (size_t i = 0; i < ng; i++) {
        uint64_t c0 = fo->case_offs[bl[i].first], c1 = fo->case_offs[bl[i].first + bl[i].count];
        unsigned char *e = (unsigned char *)md->fwdidx.data + FWDIDX_SIZE * i;
        put_u64(e, md->fwd.len);
        put_u32(e + 8, (uint32_t)bl[i].clen);
        put_u32(e + 12, (uint32_t)bl[i].rawlen);
        put_u32(e + 16, (uint32_t)(c1 - c0)); /* (< rawlen: a variant's record is > 4 bytes) */
        md->fwdidx.len += FWDIDX_SIZE;
        if (tm_buf_append(&md->fwd, bl[i].out, bl[i].clen) != 0 ||
            tm_buf_append(&md->fwd, fo->cases.data + c0, (size_t)(c1 - c0)) != 0)
            return tm_error_nomem(err);
    }
    return TM_OK;
}

static tm_status make_match_data(tm_store_writer *w, match_sections *md, tm_error *err)
{
    size_t n = w->fwd_off.n, ng = 0;
    tm_buf none = TM_BUF_INIT;
    tm_fwd_out fo = {TM_BUF_INIT, TM_BUF_INIT, malloc(8 * (n + 1)), malloc(8 * (n + 1))};
    size_t *off = malloc(sizeof *off * (n + 1)), *len = malloc(sizeof *len * (n + 1));
    zblock *bl = NULL;
    tm_status st = fo.offs && fo.case_offs && off && len ? TM_OK : tm_error_nomem(err);
    if (st == TM_OK)
        st = tm_vocab_recode(&w->fwd, w->fwd_off.p, w->fwd_end.p, n, w->order, &fo, &md->vocab, err);
    int lrc = st == TM_OK ? build_lengths(&fo.records, fo.offs, n, &w->langs, &md->lens) : 0;
    if (lrc)
        st = lrc == -2 ? tm_error_nomem(err)
                       : tm_error_set(err, TM_EIO, "internal error: match data without its language");
    for (size_t k = 0; k < n && st == TM_OK; k++) {
        off[k] = (size_t)fo.offs[k];
        len[k] = (size_t)(fo.offs[k + 1] - fo.offs[k]);
    }
    zitems it = {fo.records.data, off, len, n};
    if (st == TM_OK && !(bl = cut_groups(&it, -FWD_GROUP, &ng)))
        st = tm_error_nomem(err);
    if (st == TM_OK)
        st = compressed(compress_all(&it, &none, FWD_LEVEL, bl, ng), "the match data", err);
    if (st == TM_OK)
        st = append_groups(md, bl, ng, &fo, err);
    free_blocks(bl, ng);
    free(fo.offs);
    free(fo.case_offs);
    free(off);
    free(len);
    tm_buf_free(&fo.records);
    tm_buf_free(&fo.cases);
    return st;
}

/* What the commit builds beside the blocks, on two threads of their own
 * while they are compressed: the index sections (store_index.c) and the
 * match data. Both need only the units' final numbers, and they touch
 * different parts of the writer (keys and postings; staged match data). */
typedef struct side_job {
    tm_store_writer *w;
    tm_index_sections ix;
    match_sections md;
    tm_status ist, mst;
    tm_error ierr, merr;
    pthread_t thread[2];
    int threaded[2];
} side_job;

static void *side_index(void *arg)
{
    side_job *j = arg;
    j->ist = tm_index_build(&j->ix, j->w) != 0 ? tm_error_nomem(&j->ierr) : TM_OK;
    return NULL;
}

static void *side_match(void *arg)
{
    side_job *j = arg;
    j->mst = make_match_data(j->w, &j->md, &j->merr);
    return NULL;
}

static void *(*const SIDE_FN[2])(void *) = {side_index, side_match};

static void side_start(side_job *j, tm_store_writer *w)
{
    memset(j, 0, sizeof *j);
    j->w = w;
    for (int k = 0; k < 2; k++)
        j->threaded[k] = pthread_create(&j->thread[k], NULL, SIDE_FN[k], j) == 0;
}

static tm_status side_wait(side_job *j, tm_error *err)
{
    for (int k = 0; k < 2; k++)
        if (j->threaded[k])
            pthread_join(j->thread[k], NULL);
        else /* no thread to be had: here, then */
            SIDE_FN[k](j);
    if (j->ist != TM_OK)
        *err = j->ierr;
    else if (j->mst != TM_OK)
        *err = j->merr;
    return j->ist != TM_OK ? j->ist : j->mst;
}

static void side_free(side_job *j)
{
    tm_index_free(&j->ix);
    match_sections_free(&j->md);
}

/* The sections after the blocks, in file order: the directory, the
 * index (the identity section stays empty since format 7), tombstones,
 * languages, match data, then the chunk checksums of the lazy ones. */
static tm_status write_tail(tm_store_writer *w, segbuild *b, const side_job *side, tm_error *err)
{
    tm_buf tombs = TM_BUF_INIT, none = TM_BUF_INIT, all = TM_BUF_INIT;
    if (w->tombs.n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(w->tombs.p, w->tombs.n, sizeof(uint64_t), tm_cmp_u64);
    tm_status st = tm_buf_grow(&tombs, 8 * w->tombs.n) == 0 ? TM_OK : tm_error_nomem(err);
    for (size_t i = 0; i < w->tombs.n && st == TM_OK; i++) {
        put_u64((unsigned char *)tombs.data + tombs.len, ((uint64_t *)w->tombs.p)[i]);
        tombs.len += 8;
    }
    const struct {
        int k;
        const tm_buf *buf;
    } order[] = {{SEC_BLOCKDIR, &b->blockdir}, {SEC_EXACT, &side->ix.exact},
                 {SEC_IDENT, &none},           {SEC_TERMS, &side->ix.terms},
                 {SEC_POSTINGS, &side->ix.lists}, {SEC_TOMBS, &tombs},
                 {SEC_LANGS, &w->langs},       {SEC_FWD, &side->md.fwd},
                 {SEC_FWDIDX, &side->md.fwdidx}, {SEC_VOCAB, &side->md.vocab},
                 {SEC_LENS, &side->md.lens}};
    for (size_t i = 0; i < sizeof order / sizeof *order && st == TM_OK; i++)
        st = write_section(w, b, order[i].k, order[i].buf->data, order[i].buf->len, err);
    for (int k = 0; k < NSECTIONS && st == TM_OK; k++)
        if (tm_buf_append(&all, b->chunks[k].data, b->chunks[k].len) != 0)
            st = tm_error_nomem(err);
    if (st == TM_OK)
        st = write_section(w, b, SEC_CHUNKS, all.data, all.len, err);
    tm_buf_free(&tombs);
    tm_buf_free(&all);
    return st;
}

static void encode_table(const tm_store_writer *w, const segbuild *b, unsigned char *t)
{
    memset(t, 0, SEGTAB_SIZE);
    memcpy(t, SEG_MAGIC, 8);
    put_u64(t + 8, w->first_id);
    put_u32(t + 16, (uint32_t)w->unit_off.n);
    put_u32(t + 20, NSECTIONS);
    for (int k = 0; k < NSECTIONS; k++) {
        put_u64(t + 24 + 24 * k, b->sec_off[k]);
        put_u64(t + 24 + 24 * k + 8, b->sec_len[k]);
        put_u32(t + 24 + 24 * k + 16, b->sec_crc[k]);
    }
    put_u32(t + SEGTAB_SIZE - 4, tm_crc32(t, SEGTAB_SIZE - 4));
}

/* The new segment list (old entries, then the new one) after the segment,
 * then the older header slot. */
static tm_status publish(tm_store_writer *w, const segbuild *b, const unsigned char *table,
                         tm_error *err)
{
    const tm_store *s = w->old;
    size_t n = s->nseg + 1, len = 4 + n * SEGLIST_ENT;
    unsigned char *l = calloc(1, len);
    if (!l)
        return tm_error_nomem(err);
    put_u32(l, (uint32_t)n);
    for (size_t i = 0; i < s->nseg; i++) {
        put_u64(l + 4 + i * SEGLIST_ENT, s->seg[i].off);
        put_u64(l + 4 + i * SEGLIST_ENT + 8, s->seg[i].len);
        put_u32(l + 4 + i * SEGLIST_ENT + 16, tm_crc32(s->seg[i].base, SEGTAB_SIZE));
    }
    unsigned char *e = l + 4 + s->nseg * SEGLIST_ENT;
    put_u64(e, b->start);
    put_u64(e + 8, b->pos);
    put_u32(e + 16, tm_crc32(table, SEGTAB_SIZE));
    uint64_t list_off = b->start + b->pos;
    tm_status st = tm_writer_write_at(w, l, len, list_off, err);
    slot next = {TM_STORE_FORMAT, s->head.txid + 1, list_off + len, list_off, len,
                 tm_crc32(l, len), 1};
    free(l);
    if (st == TM_OK)
        st = tm_writer_sync(w, err);
    if (st != TM_OK)
        return st;
    /* the slot the current commit is not in */
    unsigned char cur[SLOT_SIZE], buf[SLOT_SIZE];
    tm_slot_encode(cur, &s->head);
    int in_a = memcmp(cur, s->map, SLOT_USED) == 0;
    tm_slot_encode(buf, &next);
    /* From here the file may hold the new slot even if a call fails (a
     * write that reports an error may have landed, or sit in the page
     * cache when fsync fails): cutting the segment off would leave a slot
     * pointing past the end of the file. Left in place, the file holds the
     * old content or the new, whichever slot wins; the next writer cuts
     * whatever lies beyond the winning slot's commit. */
    w->published = 1;
    st = tm_writer_write_at(w, buf, SLOT_SIZE, in_a ? SLOT_SIZE : 0, err);
    if (st == TM_OK)
        st = tm_writer_sync(w, err);
    if (st != TM_OK && err) {
        char was[sizeof err->msg];
        memcpy(was, err->msg, sizeof was);
        tm_error_set(err, st, "%s; the import may or may not have been made visible", was);
    }
    return st;
}

tm_status tm_store_writer_commit(tm_store_writer *w, tm_error *err)
{
    tm_status fst = tm_store_writer_flush(w, err);
    if (fst == TM_OK)
        fst = tm_writer_finish_merges(w, err);
    if (fst != TM_OK) {
        tm_store_writer_abort(w);
        return fst;
    }
    if (w->unit_off.n == 0 && w->tombs.n == 0) { /* nothing to make visible */
        w->committed = 1; /* a new store stays, empty */
        tm_store_writer_abort(w);
        return TM_OK;
    }
    segbuild b;
    memset(&b, 0, sizeof b);
    b.start = w->old->head.commit_end;
    b.pos = SEGTAB_SIZE;
    unsigned char table[SEGTAB_SIZE];
    side_job side;
    tm_status st = tm_writer_reorder(w, err);
    if (st == TM_OK) { /* the rest is made while the blocks are compressed */
        side_start(&side, w);
        st = write_blocks(w, &b, err);
        tm_error serr = {TM_OK, ""};
        tm_status sst = side_wait(&side, &serr);
        if (st == TM_OK && sst != TM_OK) {
            st = sst;
            *err = serr;
        }
        if (st == TM_OK)
            st = write_tail(w, &b, &side, err);
        side_free(&side);
    }
    if (st == TM_OK) {
        encode_table(w, &b, table);
        st = tm_writer_write_at(w, table, SEGTAB_SIZE, b.start, err);
    }
    if (st == TM_OK)
        st = tm_writer_sync(w, err);
    if (st == TM_OK)
        st = publish(w, &b, table, err);
    tm_buf_free(&b.blockdir);
    for (int k = 0; k < NSECTIONS; k++)
        tm_buf_free(&b.chunks[k]);
    if (st == TM_OK) { /* keep the new content: do not truncate on the way out */
        tm_store_close(w->old);
        w->old = NULL;
        w->committed = 1;
    }
    tm_store_writer_abort(w);
    return st;
}
