/*
 * u32map.c — open addressing from 32-bit keys to 32-bit values (u32map.h).
 *
 * Invariant: n <= (mask + 1) / 2 after every put, so a probe always ends
 * at the key or at a free slot.
 */
#include "u32map.h"

#include <stdlib.h>

int u32map_init(u32map *m, size_t cap)
{
    m->mask = cap - 1;
    m->n = 0;
    m->slot = calloc(cap, sizeof *m->slot);
    return m->slot ? 0 : -1;
}

void u32map_free(u32map *m)
{
    free(m->slot);
    m->slot = NULL;
}

int u32map_grow(u32map *m)
{
    u32map big;
    if (u32map_init(&big, 2 * (m->mask + 1)) != 0)
        return -1;
    for (size_t i = 0; i <= m->mask; i++)
        if (m->slot[i].used)
            big.slot[u32map_slot(&big, m->slot[i].key)] = m->slot[i];
    big.n = m->n;
    u32map_free(m);
    *m = big;
    return 0;
}
