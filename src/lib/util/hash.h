/*
 * hash.h — the hash of bytes behind the store's match-key and posting-term
 * hashes (format 8 on; docs/store.md).
 *
 * FNV-1a, used before, multiplies once per byte, each multiply waiting for
 * the one before: a sentence's key cost 130 dependent multiplies. (Words,
 * a few bytes each, keep FNV-1a: there it costs less than this.) This
 * one reads eight bytes at a time, little-endian whatever the machine (the
 * values are stored in files), mixes each word of input as MurmurHash3's
 * 64-bit body does and ends with its finalizer, so every input bit reaches
 * every output bit. Not keyed and not meant to resist crafted collisions:
 * a collision of keys or terms only adds a candidate, which its score
 * rejects.
 */
#ifndef TM_HASH_H
#define TM_HASH_H

#include <stddef.h>
#include <stdint.h>

#define TM_HASH_C1 0x87c37b91114253d5ull
#define TM_HASH_C2 0x4cf5ad432745937full

static inline uint64_t tm_hash_rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* MurmurHash3's 64-bit finalizer. */
static inline uint64_t tm_hash_fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static inline uint64_t tm_hash_le32(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

static inline uint64_t tm_hash_le64(const unsigned char *p)
{
    return tm_hash_le32(p) | tm_hash_le32(p + 4) << 32;
}

/* The last r bytes (1..8) as one word, without a loop: two overlapping
 * 4-byte reads from 4 on, three single bytes below (as wyhash does). The
 * length is mixed in separately, so this only needs to tell apart inputs
 * of the same length, which it does. */
static inline uint64_t tm_hash_tail(const unsigned char *p, size_t r)
{
    if (r >= 4)
        return tm_hash_le32(p) << 32 | tm_hash_le32(p + r - 4);
    return (uint64_t)p[0] << 16 | (uint64_t)p[r >> 1] << 8 | p[r - 1];
}

static inline uint64_t tm_hash_word(uint64_t h, uint64_t k)
{
    k *= TM_HASH_C1;
    k = tm_hash_rotl(k, 31);
    k *= TM_HASH_C2;
    h ^= k;
    return tm_hash_rotl(h, 27) * 5 + 0x52dce729;
}

/* The hash of n bytes at s, from a seed (which tells apart, say, the same
 * key in two languages). */
static inline uint64_t tm_hash_bytes(uint64_t seed, const void *s, size_t n)
{
    const unsigned char *p = s;
    uint64_t h = seed ^ (n * TM_HASH_C2);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        h = tm_hash_word(h, tm_hash_le64(p + i));
    if (i < n)
        h = tm_hash_word(h, tm_hash_tail(p + i, n - i));
    return tm_hash_fmix(h);
}

#endif
