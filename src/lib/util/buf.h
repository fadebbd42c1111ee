/*
 * buf.h — a growable byte buffer (in the spirit of Redis' sds, but a plain
 * struct the caller owns).
 *
 * Invariant: data is NULL when cap == 0; otherwise data[len] == '\0' and
 * len < cap, so data is always usable as a C string once anything has been
 * appended. Growth doubles the capacity, so n appends cost O(n) amortized.
 */
#ifndef TM_BUF_H
#define TM_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct tm_buf {
    char *data;
    size_t len;
    size_t cap;
} tm_buf;

#define TM_BUF_INIT {NULL, 0, 0}

/* Make room for `extra` more bytes plus the terminator. 0 or -1 (no memory). */
int tm_buf_grow(tm_buf *b, size_t extra);
int tm_buf_append_grow(tm_buf *b, const void *p, size_t n);

/* Appends are the store's inner loop (every varint and word of a unit's
 * records): the case where the bytes fit is inline, growing is not. */
static inline int tm_buf_append(tm_buf *b, const void *p, size_t n)
{
    if (n >= b->cap - b->len) /* (cap == 0 always takes this branch) */
        return tm_buf_append_grow(b, p, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}
int tm_buf_puts(tm_buf *b, const char *s);
int tm_buf_putc(tm_buf *b, char c);
/* Empty the buffer but keep its memory for reuse. */
void tm_buf_clear(tm_buf *b);
/* Release the memory; the buffer is TM_BUF_INIT again. */
void tm_buf_free(tm_buf *b);
/* Hand the bytes to the caller (who frees them) and reset the buffer.
 * Returns an empty allocated string for an empty buffer, NULL if out of memory. */
char *tm_buf_detach(tm_buf *b);

/* The same doubling for any array: make room for `need` items of `size`
 * bytes in the array whose address is `items` (a T **), holding `*cap`
 * items (the first allocation holds `first`). 0, or -1 when out of memory
 * or the size overflows; the array and *cap are unchanged on failure, so a
 * caller that goes on after an error never writes past the end. */
int tm_array_reserve(void *items, size_t *cap, size_t need, size_t size, size_t first);

#endif
