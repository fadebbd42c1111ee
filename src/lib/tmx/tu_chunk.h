/*
 * tu_chunk.h — the reference-counted chunks that packed units live in
 * (tu_pack.c explains the packing); private to the tmx module.
 *
 * A chunk is one malloc: this header, then the units' areas. It counts its
 * references (one per unit cut from it, one for the packer filling it);
 * tm_tu_block_release (tu.h) drops one, on any thread, and the last one
 * frees the chunk. Kept apart from tu_pack.c so that tm_tu_clear (tu.c)
 * can release a chunk without depending on the packer.
 */
#ifndef TM_TU_CHUNK_H
#define TM_TU_CHUNK_H

#include <stdatomic.h>
#include <stddef.h>

struct tm_pack_chunk {
    atomic_size_t refs;
    size_t used, cap; /* bytes of the areas, after the header */
};

/* The areas start after the header, at a pointer-aligned offset. */
#define CHUNK_HEADER ((sizeof(struct tm_pack_chunk) + 15) & ~(size_t)15)

static inline char *tm_pack_chunk_data(struct tm_pack_chunk *c)
{
    return (char *)c + CHUNK_HEADER;
}

/* A chunk with room for cap bytes and one reference; NULL out of memory. */
struct tm_pack_chunk *tm_pack_chunk_new(size_t cap);

#endif
