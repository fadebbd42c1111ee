/*
 * u32map.c — open addressing from 32-bit keys to 32-bit values (u32map.h).
 *
 * Invariant: n <= (mask + 1) / 2 after every put, so a probe always ends
 * at the key or at a free slot.
 */
#include "u32map.h"

#include <stdlib.h>

static size_t slot_of(const u32map *m, uint32_t key)
{
    size_t i = (key * 2654435761u) & m->mask;
    while (m->slot[i].used && m->slot[i].key != key)
        i = (i + 1) & m->mask;
    return i;
}

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

static int grow(u32map *m)
{
    u32map big;
    if (u32map_init(&big, 2 * (m->mask + 1)) != 0)
        return -1;
    for (size_t i = 0; i <= m->mask; i++)
        if (m->slot[i].used)
            big.slot[slot_of(&big, m->slot[i].key)] = m->slot[i];
    big.n = m->n;
    u32map_free(m);
    *m = big;
    return 0;
}

uint32_t *u32map_put(u32map *m, uint32_t key, int *added)
{
    size_t i = slot_of(m, key);
    int fresh = !m->slot[i].used;
    if (fresh) {
        if (2 * (m->n + 1) > m->mask + 1) {
            if (grow(m) != 0)
                return NULL;
            i = slot_of(m, key);
        }
        m->slot[i] = (u32slot){key, 0, 1};
        m->n++;
    }
    if (added)
        *added = fresh;
    return &m->slot[i].val;
}

uint32_t *u32map_get(const u32map *m, uint32_t key)
{
    size_t i = slot_of(m, key);
    return m->slot[i].used ? &m->slot[i].val : NULL;
}
