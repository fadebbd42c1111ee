/*
 * myers.c — the word edit distance of a query of up to 64 words against a
 * segment, in one pass over the segment's words.
 */
#include <string.h>

#include "match_internal.h"

/* Myers' bit-parallel edit distance (Myers 1999, Hyyrö's global form)
 * works on the query's words as bit masks: for each distinct word, the
 * positions where it occurs. A small open-addressing table maps a word hash
 * to its mask. Queries of up to 64 words fit one machine word. */
#define PEQ_SLOTS 128

struct tm_peq {
    uint32_t key[PEQ_SLOTS];
    uint64_t mask[PEQ_SLOTS];
    unsigned char used[PEQ_SLOTS];
};

static uint64_t peq_get(const struct tm_peq *p, uint32_t w)
{
    for (size_t i = (w * 2654435761u) >> 25;; i = (i + 1) & (PEQ_SLOTS - 1)) {
        if (!p->used[i])
            return 0;
        if (p->key[i] == w)
            return p->mask[i];
    }
}

void tm_peq_build(struct tm_peq *p, const uint32_t *words, size_t n)
{
    memset(p->used, 0, sizeof p->used);
    for (size_t k = 0; k < n; k++) {
        size_t i = (words[k] * 2654435761u) >> 25;
        while (p->used[i] && p->key[i] != words[k])
            i = (i + 1) & (PEQ_SLOTS - 1);
        if (!p->used[i]) {
            p->used[i] = 1;
            p->key[i] = words[k];
            p->mask[i] = 0;
        }
        p->mask[i] |= (uint64_t)1 << k;
    }
}

size_t tm_myers_distance(const struct tm_peq *peq, size_t n, const uint32_t *text, size_t m)
{
    uint64_t pv = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1), mv = 0;
    uint64_t high = (uint64_t)1 << (n - 1);
    size_t score = n;
    for (size_t j = 0; j < m; j++) {
        uint64_t eq = peq_get(peq, text[j]);
        uint64_t xv = eq | mv;
        uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        uint64_t ph = mv | ~(xh | pv);
        uint64_t mh = pv & xh;
        if (ph & high)
            score++;
        else if (mh & high)
            score--;
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    return score;
}

size_t tm_peq_size(void)
{
    return sizeof(struct tm_peq);
}
