/*
 * tu_pack.c — translation units packed into shared chunks.
 *
 * A unit as the TMX reader builds it holds a dozen small heap blocks: its
 * arrays of variants, attributes, props and notes, and each string. An
 * import hands units from the parsing thread to a helper that frees them,
 * and glibc's malloc takes its slow path (arena lock, no per-thread cache)
 * for every block allocated on one thread and freed on another: that was
 * about a tenth of an import's CPU. Packed, a unit is one contiguous area:
 *
 *   [tuvs][attrs, props, notes of the unit, then of each variant][strings]
 *
 * arrays first (every element is pointers and sizes, so each array stays
 * pointer-aligned), then the NUL-terminated strings. The unit's pointers
 * point into the area.
 *
 * Areas are cut from chunks of about 64 KiB, one after the other (a packer
 * keeps the chunk being filled), so a hundred units share one malloc and
 * one free. A chunk counts its references: one per unit in it, one for the
 * packer while it fills it. tm_tu_clear drops the unit's, on whatever
 * thread; the last one out frees the chunk. tu->block is the unit's chunk.
 * The reader packs each unit on the thread that built it, so the dozen
 * frees of its loose blocks hit that thread's cache.
 *
 * Invariant: a packed unit is read-only. Only tm_tu_clear may change it
 * (tm_tu_add_tuv and tm_tu_open_tuv assert so; the tm_annot_* functions
 * cannot tell an annotation inside a chunk from a loose one). Copy it with
 * tm_tu_copy to get a unit that may change.
 */
#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tu.h"
#include "tu_chunk.h"

#define CHUNK_BYTES (64u << 10)

void tm_tu_packer_free(tm_tu_packer *pk)
{
    if (pk->chunk)
        tm_tu_block_release(pk->chunk);
    pk->chunk = NULL;
}

/* Where the next array and the next string go. */
typedef struct packer {
    char *arr, *str;
} packer;

static size_t string_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static size_t annot_array_bytes(const tm_annot *an)
{
    return an->nattrs * sizeof *an->attrs + an->nprops * sizeof *an->props +
           an->nnotes * sizeof *an->notes;
}

static size_t annot_string_bytes(const tm_annot *an)
{
    size_t n = 0;
    for (size_t i = 0; i < an->nattrs; i++)
        n += string_bytes(an->attrs[i].name) + string_bytes(an->attrs[i].value);
    for (size_t i = 0; i < an->nprops; i++)
        n += string_bytes(an->props[i].type) + string_bytes(an->props[i].lang) +
             string_bytes(an->props[i].value);
    for (size_t i = 0; i < an->nnotes; i++)
        n += string_bytes(an->notes[i].lang) + string_bytes(an->notes[i].text);
    return n;
}

static char *put_string(packer *p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = memcpy(p->str, s, n);
    p->str += n;
    return d;
}

static void *put_array(packer *p, const void *src, size_t bytes)
{
    if (bytes == 0)
        return NULL;
    void *d = memcpy(p->arr, src, bytes);
    p->arr += bytes;
    return d;
}

static void pack_annot(packer *p, tm_annot *dst, const tm_annot *src)
{
    *dst = *src;
    dst->attrs = put_array(p, src->attrs, src->nattrs * sizeof *src->attrs);
    for (size_t i = 0; i < src->nattrs; i++) {
        dst->attrs[i].name = put_string(p, src->attrs[i].name);
        dst->attrs[i].value = put_string(p, src->attrs[i].value);
    }
    dst->props = put_array(p, src->props, src->nprops * sizeof *src->props);
    for (size_t i = 0; i < src->nprops; i++) {
        dst->props[i].type = put_string(p, src->props[i].type);
        dst->props[i].lang = put_string(p, src->props[i].lang);
        dst->props[i].value = put_string(p, src->props[i].value);
    }
    dst->notes = put_array(p, src->notes, src->nnotes * sizeof *src->notes);
    for (size_t i = 0; i < src->nnotes; i++) {
        dst->notes[i].lang = put_string(p, src->notes[i].lang);
        dst->notes[i].text = put_string(p, src->notes[i].text);
    }
}

char *tm_tu_pack_reserve(tm_tu_packer *pk, size_t bytes)
{
    struct tm_pack_chunk *c = pk->chunk;
    if (!c || c->cap - c->used < bytes) {
        struct tm_pack_chunk *fresh = tm_pack_chunk_new(bytes > CHUNK_BYTES || pk->one ? bytes : CHUNK_BYTES);
        if (!fresh)
            return NULL;
        tm_tu_packer_free(pk);
        pk->chunk = c = fresh;
    }
    char *at = tm_pack_chunk_data(c) + c->used;
    c->used += bytes;
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return at;
}

void *tm_tu_packer_chunk(const tm_tu_packer *pk)
{
    return pk->chunk;
}

int tm_tu_pack_with(tm_tu_packer *pk, tm_tu *tu)
{
    if (tu->block)
        return 0;
    size_t arrays = tu->ntuvs * sizeof *tu->tuvs + annot_array_bytes(&tu->an);
    size_t strings = annot_string_bytes(&tu->an);
    for (size_t i = 0; i < tu->ntuvs; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        arrays += annot_array_bytes(&v->an);
        strings += string_bytes(v->lang) + string_bytes(v->text) + string_bytes(v->markup) +
                   annot_string_bytes(&v->an);
    }
    char *area = tm_tu_pack_reserve(pk, (arrays + strings + 7) & ~(size_t)7);
    if (!area)
        return -1;
    packer p = {area, area + arrays};
    tm_tu packed = TM_TU_INIT;
    pack_annot(&p, &packed.an, &tu->an);
    packed.tuvs = put_array(&p, tu->tuvs, tu->ntuvs * sizeof *tu->tuvs);
    for (size_t i = 0; i < tu->ntuvs; i++) {
        tm_tuv *d = &packed.tuvs[i];
        const tm_tuv *s = &tu->tuvs[i];
        d->lang = put_string(&p, s->lang);
        d->text = put_string(&p, s->text);
        d->markup = put_string(&p, s->markup);
        pack_annot(&p, &d->an, &s->an);
    }
    assert(p.arr == area + arrays && p.str == area + arrays + strings);
    packed.ntuvs = tu->ntuvs;
    packed.line = tu->line;
    packed.block = pk->chunk;
    tm_tu_clear(tu);
    *tu = packed;
    return 0;
}

int tm_tu_pack(tm_tu *tu)
{
    tm_tu_packer pk = TM_TU_PACKER_ONE;
    int rc = tm_tu_pack_with(&pk, tu);
    tm_tu_packer_free(&pk); /* the unit keeps the chunk alive */
    return rc;
}
