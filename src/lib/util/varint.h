/*
 * varint.h — LEB128 unsigned integers (7 bits a byte, high bit = more),
 * the store's encoding for lengths, counts and posting deltas. Decoding is
 * bounds-checked: a truncated or overlong number is an error, never a read
 * past the end.
 */
#ifndef TM_VARINT_H
#define TM_VARINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

static inline int tm_varint_put(tm_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char byte = v & 0x7F;
        v >>= 7;
        tmp[n++] = byte | (v ? 0x80 : 0);
    } while (v);
    return tm_buf_append(b, tmp, n);
}

/* Read one number at *p (< end); advance *p. 0 or -1 (truncated/too long). */
static inline int tm_varint_get(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        unsigned char byte = *(*p)++;
        x |= (uint64_t)(byte & 0x7F) << shift;
        if (!(byte & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

#endif
