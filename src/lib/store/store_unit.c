/*
 * store_unit.c — translation units as bytes, and finding one in a segment.
 *
 * A unit is: attributes, props, notes, then its variants (language, text,
 * inline markup or none, and the variant's own attributes, props, notes);
 * every string is a varint length and its bytes. Units follow one another
 * in ~4 KiB blocks, each a varint length then the unit, and blocks are
 * zlib-compressed (primed with the segment's preset dictionary) with a
 * CRC32 each, so a flipped bit is caught before any byte of the block is
 * believed.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/hash.h"
#include "store_internal.h"
#include "util/varint.h"

/* ---- keys -------------------------------------------------------------- */

void tm_lang_primary(const char *code, char *out, size_t cap)
{
    size_t i = 0;
    for (; code[i] && code[i] != '-' && code[i] != '_' && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)code[i]);
    out[i] = '\0';
}

int tm_langs_find(const void *list, size_t len, const char *lang, size_t *count)
{
    char prim[16];
    tm_lang_primary(lang, prim, sizeof prim);
    /* (an empty tm_buf has no data: no arithmetic on its NULL) */
    const char *p = list ? (const char *)list : "", *end = p + (list ? len : 0);
    int slot = -1;
    size_t n = 0;
    for (; p < end; n++) {
        size_t k = strnlen(p, (size_t)(end - p));
        if (slot < 0 && k == strlen(prim) && !memcmp(p, prim, k))
            slot = (int)n;
        p += k + 1;
    }
    if (count)
        *count = n;
    return slot;
}

uint64_t tm_key64(const char *lang, const char *key, size_t n)
{
    char prim[16];
    tm_lang_primary(lang, prim, sizeof prim);
    return tm_hash_bytes(tm_hash_bytes(0, prim, strlen(prim)), key, n);
}

/* A unit's date as a number (YYYYMMDDhhmmss; 0 when it has none), so that
 * queries break ties between equal scores without loading units. */
uint64_t tm_unit_date(const tm_tu *tu)
{
    const char *d = tm_annot_attr(&tu->an, "changedate");
    if (!d)
        d = tm_annot_attr(&tu->an, "creationdate");
    uint64_t k = 0;
    for (; d && *d; d++)
        if (*d >= '0' && *d <= '9')
            k = k * 10 + (uint64_t)(*d - '0');
    return k;
}

uint64_t tm_store_unit_date(const tm_tu *tu) { return tm_unit_date(tu); }

uint32_t tm_term_lang(const char *lang)
{
    char prim[16];
    tm_lang_primary(lang, prim, sizeof prim);
    return (uint32_t)tm_hash_bytes(1, prim, strlen(prim));
}

uint32_t tm_term32(const char *lang, uint32_t word, uint32_t occurrence)
{
    return tm_term32_in(tm_term_lang(lang), word, occurrence);
}

uint32_t tm_term32_in(uint32_t h, uint32_t word, uint32_t occurrence)
{
    uint64_t x = tm_hash_word((uint64_t)h << 32 | 0x7465726d, (uint64_t)word << 32 | occurrence);
    return (uint32_t)(tm_hash_fmix(x) >> 32);
}

/* The occurrence numbers come from a small open-addressing table of the
 * words seen so far (on the stack for most texts): counting the earlier
 * equal words of each word was quadratic, a fiftieth of an import. */
#define TERMS_ON_STACK 128
int tm_terms_of(uint32_t lang_hash, const uint32_t *words, size_t n, uint32_t *terms)
{
    typedef struct {
        uint32_t word, count;
    } seen;
    seen stack[2 * TERMS_ON_STACK], *t = stack;
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    if (size > 2 * TERMS_ON_STACK && !(t = malloc(size * sizeof *t)))
        return -1;
    memset(t, 0, size * sizeof *t);
    for (size_t k = 0; k < n; k++) {
        size_t i = (words[k] * 2654435761u) & (size - 1);
        while (t[i].count && t[i].word != words[k])
            i = (i + 1) & (size - 1);
        t[i].word = words[k];
        terms[k] = tm_term32_in(lang_hash, words[k], ++t[i].count);
    }
    if (t != stack)
        free(t);
    return 0;
}

/* ---- encoding ---------------------------------------------------------------- */

static int put_str(tm_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return tm_varint_put(b, n) | tm_buf_append(b, s ? s : "", n);
}

static int put_annot(tm_buf *b, const tm_annot *an)
{
    int rc = tm_varint_put(b, an->nattrs);
    for (size_t i = 0; i < an->nattrs; i++)
        rc |= put_str(b, an->attrs[i].name) | put_str(b, an->attrs[i].value);
    rc |= tm_varint_put(b, an->nprops);
    for (size_t i = 0; i < an->nprops; i++)
        rc |= put_str(b, an->props[i].type) | put_str(b, an->props[i].lang) |
              put_str(b, an->props[i].value);
    rc |= tm_varint_put(b, an->nnotes);
    for (size_t i = 0; i < an->nnotes; i++)
        rc |= put_str(b, an->notes[i].lang) | put_str(b, an->notes[i].text);
    return rc;
}

int tm_unit_encode(tm_buf *out, const tm_tu *tu)
{
    int rc = put_annot(out, &tu->an) | tm_varint_put(out, tu->ntuvs);
    for (size_t i = 0; i < tu->ntuvs; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        rc |= put_str(out, v->lang) | put_str(out, v->text);
        rc |= tm_varint_put(out, v->markup ? 1 : 0);
        if (v->markup)
            rc |= put_str(out, v->markup);
        rc |= put_annot(out, &v->an);
    }
    return rc ? -1 : 0;
}

/* ---- decoding (bounds-checked: damaged bytes are an error, not a crash) ----
 *
 * A unit is decoded straight into a packed area (tu_pack.c): one pass
 * sizes it, a second fills it, instead of a heap block for each of its
 * dozen strings (a fifth of an exact query). Loads hand the packed unit
 * out (query hits and readers only read it); tm_unit_decode, for the
 * writer's merges, copies it into an ordinary unit. Every element is
 * pointers and sizes, so the arrays, laid out in the order they are read,
 * stay pointer-aligned. */

typedef struct filler {
    const unsigned char *p, *end;
    int bad;
    char *arr, *str; /* NULL while sizing: then the sizes add up here */
    size_t arrays, strings;
} filler;

static void *fill_array(filler *f, uint64_t n, size_t size)
{
    f->arrays += (size_t)n * size;
    if (!f->arr || n == 0)
        return NULL;
    void *a = f->arr;
    f->arr += (size_t)n * size;
    return a;
}

static char *fill_str(filler *f, int nullable)
{
    uint64_t n;
    if (f->bad || tm_varint_get(&f->p, f->end, &n) != 0 || n > (uint64_t)(f->end - f->p)) {
        f->bad = 1;
        return NULL;
    }
    if (n == 0 && nullable)
        return NULL;
    f->strings += (size_t)n + 1;
    char *d = f->str;
    if (d) {
        memcpy(d, f->p, (size_t)n);
        d[n] = '\0';
        f->str += n + 1;
    }
    f->p += n;
    return d;
}

static uint64_t fill_count(filler *f)
{
    uint64_t n = 0;
    if (f->bad || tm_varint_get(&f->p, f->end, &n) != 0 || n > (uint64_t)(f->end - f->p))
        f->bad = 1;
    return f->bad ? 0 : n;
}

static void fill_annot(filler *f, tm_annot *an)
{
    an->nattrs = (size_t)fill_count(f);
    an->attrs = fill_array(f, an->nattrs, sizeof *an->attrs);
    for (size_t i = 0; i < an->nattrs && !f->bad; i++) {
        char *k = fill_str(f, 0), *v = fill_str(f, 0);
        if (an->attrs)
            an->attrs[i] = (tm_attr){k, v};
    }
    an->nprops = (size_t)fill_count(f);
    an->props = fill_array(f, an->nprops, sizeof *an->props);
    for (size_t i = 0; i < an->nprops && !f->bad; i++) {
        char *t = fill_str(f, 0), *l = fill_str(f, 1), *v = fill_str(f, 0);
        if (an->props)
            an->props[i] = (tm_prop){t, l, v};
    }
    an->nnotes = (size_t)fill_count(f);
    an->notes = fill_array(f, an->nnotes, sizeof *an->notes);
    for (size_t i = 0; i < an->nnotes && !f->bad; i++) {
        char *l = fill_str(f, 1), *t = fill_str(f, 0);
        if (an->notes)
            an->notes[i] = (tm_note){l, t};
    }
}

/* One pass over the bytes: sizes only (f->arr NULL), or filling tu. */
static void fill_unit(filler *f, tm_tu *tu)
{
    fill_annot(f, &tu->an);
    tu->ntuvs = (size_t)fill_count(f);
    tu->tuvs = fill_array(f, tu->ntuvs, sizeof *tu->tuvs);
    for (size_t i = 0; i < tu->ntuvs && !f->bad; i++) {
        tm_tuv v = {NULL, NULL, NULL, {NULL, 0, NULL, 0, NULL, 0}};
        v.lang = fill_str(f, 0); /* (in this order: each call moves on) */
        v.text = fill_str(f, 0);
        if (fill_count(f))
            v.markup = fill_str(f, 0);
        fill_annot(f, &v.an);
        if (tu->tuvs)
            tu->tuvs[i] = v;
    }
}

int tm_unit_decode_packed(const unsigned char *p, size_t n, tm_tu_packer *pk, tm_tu *tu)
{
    tm_tu_clear(tu);
    filler f = {p, p + n, 0, NULL, NULL, 0, 0};
    tm_tu sized = TM_TU_INIT;
    fill_unit(&f, &sized);
    if (f.bad || f.p != f.end || sized.ntuvs == 0)
        return -1;
    size_t arrays = f.arrays, bytes = (f.arrays + f.strings + 7) & ~(size_t)7;
    char *area = tm_tu_pack_reserve(pk, bytes);
    if (!area)
        return -2;
    filler g = {p, p + n, 0, area, area + arrays, 0, 0};
    fill_unit(&g, tu);
    assert(!g.bad && g.arr == area + arrays && g.str == area + arrays + f.strings);
    tu->block = tm_tu_packer_chunk(pk);
    return 0;
}

int tm_unit_decode(const unsigned char *p, size_t n, tm_tu *tu)
{
    tm_tu_packer one = TM_TU_PACKER_ONE;
    tm_tu packed = TM_TU_INIT;
    int rc = tm_unit_decode_packed(p, n, &one, &packed);
    tm_tu_packer_free(&one);
    tm_tu_clear(tu);
    if (rc == 0 && tm_tu_copy(tu, &packed) != 0) {
        tm_tu_clear(tu);
        rc = -1;
    }
    tm_tu_clear(&packed);
    return rc == 0 ? 0 : -1;
}

/* ---- loading a unit from a segment --------------------------------------------- */

static tm_status damaged(const tm_store *s, const segment *g, const char *what, tm_error *err)
{
    return tm_error_at(err, TM_EDATA, s->path, 0,
                       "damaged store: %s in the segment at byte offset %llu (run 'tmkit check')",
                       what, (unsigned long long)g->off);
}

/* The store keeps one block's inflate in progress (s->z): a unit is
 * decompressed only as far as its own last byte, and the next unit of the
 * same block (export, each) resumes where the last one stopped. The block's
 * CRC covers the compressed bytes and is checked before any is inflated. */
static tm_status start_block(tm_store *s, size_t gi, uint32_t b, tm_error *err)
{
    if (s->cache_valid && s->cache_seg == gi && s->cache_block == b)
        return TM_OK;
    const segment *g = &s->seg[gi];
    const unsigned char *d = g->sec[SEC_BLOCKDIR] + (size_t)b * BLOCKDIR_SIZE;
    uint64_t off = get_u64(d);
    uint32_t clen = get_u32(d + 8), ulen = get_u32(d + 12), crc = get_u32(d + 16);
    if (off > g->sec_len[SEC_BLOCKS] || clen > g->sec_len[SEC_BLOCKS] - off || ulen > RAW_MAX)
        return damaged(s, g, "a block lies outside its section", err);
    const unsigned char *src = g->sec[SEC_BLOCKS] + off;
    if (tm_crc_bad(crc, tm_crc32(src, clen)))
        return damaged(s, g, "a block's checksum does not match", err);
    s->cache_valid = 0;
    tm_buf_clear(&s->cache);
    if (tm_buf_grow(&s->cache, ulen) != 0)
        return tm_error_nomem(err);
    if (!s->z_ready) {
        memset(&s->z, 0, sizeof s->z);
        if (inflateInit2(&s->z, -15) != Z_OK) /* raw deflate: the block's CRC guards it */
            return tm_error_nomem(err);
        s->z_ready = 1;
    } else if (inflateReset(&s->z) != Z_OK) {
        return tm_error_nomem(err);
    }
    if (g->sec_len[SEC_DICT] > DICT_SIZE ||
        (g->sec_len[SEC_DICT] &&
         inflateSetDictionary(&s->z, g->sec[SEC_DICT], (uInt)g->sec_len[SEC_DICT]) != Z_OK))
        return damaged(s, g, "the block dictionary is too long", err);
    s->z.next_in = (Bytef *)src;
    s->z.avail_in = clen;
    s->cache_ulen = ulen;
    s->cache_seg = gi;
    s->cache_block = b;
    s->cache_valid = 1;
    return TM_OK;
}

/* Inflate the current block up to byte need (or its end). */
static tm_status inflate_to(tm_store *s, const segment *g, size_t need, tm_error *err)
{
    if (need > s->cache_ulen)
        need = s->cache_ulen;
    while (s->cache.len < need) {
        size_t step = need - s->cache.len < 1024 ? 1024 : need - s->cache.len;
        if (step > s->cache_ulen - s->cache.len)
            step = s->cache_ulen - s->cache.len;
        s->z.next_out = (Bytef *)s->cache.data + s->cache.len;
        s->z.avail_out = (uInt)step;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        s->cache.len = (size_t)((char *)s->z.next_out - s->cache.data);
        if (rc == Z_STREAM_END ? s->cache.len != s->cache_ulen : rc != Z_OK) {
            s->cache_valid = 0;
            return damaged(s, g, "a block does not decompress", err);
        }
    }
    return TM_OK;
}

tm_status tm_store_load(tm_store *s, size_t gi, uint32_t local, tm_tu *tu, tm_error *err)
{
    const segment *g = &s->seg[gi];
    if (local >= g->nunits)
        return damaged(s, g, "an index points past the last unit", err);
    /* the last block whose first unit is <= local */
    uint32_t lo = 0, hi = g->nblocks;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (get_u32(g->sec[SEC_BLOCKDIR] + (size_t)mid * BLOCKDIR_SIZE + 20) <= local)
            lo = mid;
        else
            hi = mid;
    }
    tm_status st = start_block(s, gi, lo, err);
    uint32_t first = get_u32(g->sec[SEC_BLOCKDIR] + (size_t)lo * BLOCKDIR_SIZE + 20);
    size_t pos = 0;
    for (uint32_t k = first; st == TM_OK; k++) {
        uint64_t n;
        if ((st = inflate_to(s, g, pos + 10, err)) != TM_OK) /* a varint is at most 10 bytes */
            break;
        const unsigned char *p = (const unsigned char *)s->cache.data + pos, *end = (const unsigned char *)s->cache.data + s->cache.len;
        if (tm_varint_get(&p, end, &n) != 0 || n > s->cache_ulen - (size_t)(p - (const unsigned char *)s->cache.data))
            return damaged(s, g, "a block's units are cut short", err);
        pos = (size_t)(p - (const unsigned char *)s->cache.data);
        if (k == local) {
            if ((st = inflate_to(s, g, pos + (size_t)n, err)) != TM_OK)
                break;
            const unsigned char *u = (const unsigned char *)s->cache.data + pos;
            int rc = tm_unit_decode_packed(u, (size_t)n, &s->packer, tu);
            return rc == 0    ? TM_OK
                   : rc == -2 ? tm_error_nomem(err)
                              : damaged(s, g, "a unit does not decode", err);
        }
        pos += (size_t)n;
    }
    return st;
}
