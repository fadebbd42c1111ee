/*
 * tu_chunk.c — making and releasing the chunks of packed units (tu_chunk.h).
 */
#include <stdlib.h>

#include "tu.h"
#include "tu_chunk.h"

struct tm_pack_chunk *tm_pack_chunk_new(size_t cap)
{
    struct tm_pack_chunk *c = malloc(CHUNK_HEADER + cap);
    if (c) {
        atomic_init(&c->refs, 1);
        c->used = 0;
        c->cap = cap;
    }
    return c;
}

void tm_tu_block_release(void *block)
{
    struct tm_pack_chunk *c = block;
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
        free(c);
}
