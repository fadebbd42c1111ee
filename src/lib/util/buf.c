/*
 * buf.c — growable byte buffer. See buf.h for the invariant.
 */
#include "buf.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int tm_buf_grow(tm_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return 0;
}

int tm_array_reserve(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : first;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return -1;
    void *old;
    memcpy(&old, items, sizeof old); /* items is a T **: read it without a cast */
    void *p = realloc(old, n * size);
    if (!p)
        return -1;
    memcpy(items, &p, sizeof p);
    *cap = n;
    return 0;
}

int tm_buf_append_grow(tm_buf *b, const void *p, size_t n)
{
    if (tm_buf_grow(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int tm_buf_puts(tm_buf *b, const char *s)
{
    return tm_buf_append(b, s, strlen(s));
}

int tm_buf_putc(tm_buf *b, char c)
{
    return tm_buf_append(b, &c, 1);
}

void tm_buf_clear(tm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void tm_buf_free(tm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *tm_buf_detach(tm_buf *b)
{
    if (!b->data && tm_buf_grow(b, 0) != 0)
        return NULL;
    assert(b->data[b->len] == '\0');
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
