/*
 * hash.h — the hash of bytes behind the store's keys, terms and word
 * numbers (format 8 on; docs/store.md).
 *
 * FNV-1a, used before, multiplies once per byte, each multiply waiting for
 * the one before: a sentence's key cost 130 dependent multiplies, and the
 * key, word and term hashes together were a twentieth of an import. This
 * one reads eight bytes at a time, little-endian whatever the machine (the
 * values are stored in files), mixes each word of input as MurmurHash3's
 * 64-bit body does and ends with its finalizer, so every input bit reaches
 * every output bit. Not keyed and not meant to resist crafted collisions:
 * a collision of keys or terms only adds a candidate, which its score
 * rejects; of word hashes (32 bits), it makes two words one, as FNV's did.
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

static inline uint64_t tm_hash_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
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
        h = tm_hash_word(h, tm_hash_le(p + i, 8));
    if (i < n)
        h = tm_hash_word(h, tm_hash_le(p + i, n - i));
    return tm_hash_fmix(h);
}

#endif
