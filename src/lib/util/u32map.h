/*
 * u32map.h — a map from 32-bit keys to 32-bit values, open addressing with
 * linear probing, kept at most half full. Internal.
 *
 * The store's commit numbers things by their hashes with it: the words of
 * the match data (store_vocab.c) and the posting terms (store_index.c).
 * Keys are hashes already, so the slot is the key times a Fibonacci
 * constant, masked. Every value starts at 0. A slot holds its key, value
 * and used flag side by side: the maps outgrow the caches (millions of
 * terms), and a probe then costs one cache miss, not three.
 */
#ifndef TM_U32MAP_H
#define TM_U32MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct u32slot {
    uint32_t key, val;
    uint32_t used; /* 0 or 1 */
} u32slot;

typedef struct u32map {
    u32slot *slot;
    size_t mask; /* slots - 1 (a power of two) */
    size_t n;    /* keys held */
} u32map;

/* An empty map of cap slots (a power of two). 0, or -1 when out of memory. */
int u32map_init(u32map *m, size_t cap);
void u32map_free(u32map *m);

/* Double the slots (u32map.c). 0 or -1. */
int u32map_grow(u32map *m);

/* The slot of key, or the free slot where it would go. put and get are
 * inline: the commit calls them once per posting and per word, tens of
 * millions of times, and the call was a third of their cost. */
static inline size_t u32map_slot(const u32map *m, uint32_t key)
{
    size_t i = (key * 2654435761u) & m->mask;
    while (m->slot[i].used && m->slot[i].key != key)
        i = (i + 1) & m->mask;
    return i;
}

/* key's value, added as 0 when absent (*added says which; added may be
 * NULL). The pointer holds until the next put. NULL when out of memory. */
static inline uint32_t *u32map_put(u32map *m, uint32_t key, int *added)
{
    size_t i = u32map_slot(m, key);
    int fresh = !m->slot[i].used;
    if (fresh) {
        if (2 * (m->n + 1) > m->mask + 1) {
            if (u32map_grow(m) != 0)
                return NULL;
            i = u32map_slot(m, key);
        }
        m->slot[i] = (u32slot){key, 0, 1};
        m->n++;
    }
    if (added)
        *added = fresh;
    return &m->slot[i].val;
}

/* key's value, or NULL when the map lacks it. */
static inline uint32_t *u32map_get(const u32map *m, uint32_t key)
{
    size_t i = u32map_slot(m, key);
    return m->slot[i].used ? &m->slot[i].val : NULL;
}

#endif
