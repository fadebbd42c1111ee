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
    while (m->used[i] && m->key[i] != key)
        i = (i + 1) & m->mask;
    return i;
}

int u32map_init(u32map *m, size_t cap)
{
    m->mask = cap - 1;
    m->n = 0;
    m->key = calloc(cap, sizeof *m->key);
    m->val = calloc(cap, sizeof *m->val);
    m->used = calloc(cap, 1);
    if (m->key && m->val && m->used)
        return 0;
    u32map_free(m);
    return -1;
}

void u32map_free(u32map *m)
{
    free(m->key);
    free(m->val);
    free(m->used);
    m->key = m->val = NULL;
    m->used = NULL;
}

static int grow(u32map *m)
{
    u32map big;
    if (u32map_init(&big, 2 * (m->mask + 1)) != 0)
        return -1;
    for (size_t i = 0; i <= m->mask; i++)
        if (m->used[i]) {
            size_t j = slot_of(&big, m->key[i]);
            big.used[j] = 1;
            big.key[j] = m->key[i];
            big.val[j] = m->val[i];
        }
    big.n = m->n;
    u32map_free(m);
    *m = big;
    return 0;
}

uint32_t *u32map_put(u32map *m, uint32_t key, int *added)
{
    size_t i = slot_of(m, key);
    int fresh = !m->used[i];
    if (fresh) {
        if (2 * (m->n + 1) > m->mask + 1) {
            if (grow(m) != 0)
                return NULL;
            i = slot_of(m, key);
        }
        m->used[i] = 1;
        m->key[i] = key;
        m->val[i] = 0;
        m->n++;
    }
    if (added)
        *added = fresh;
    return &m->val[i];
}

uint32_t *u32map_get(const u32map *m, uint32_t key)
{
    size_t i = slot_of(m, key);
    return m->used[i] ? &m->val[i] : NULL;
}
