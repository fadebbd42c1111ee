/*
 * match.c — CAT-style similarity of two prepared texts (see match.h; texts
 * are prepared by mtext.c): the word edit distance (myers.c for short
 * queries), the diff, and the penalties.
 */
#include "match_internal.h"

#include <stdlib.h>
#include <string.h>

/* Word edit distance; with diff, also which words of c are unmatched. */
static size_t edit_distance(const tm_mtext *q, const tm_mtext *c, unsigned char *diff)
{
    size_t n = q->nwords, m = c->nwords;
    if (!diff && n == 0)
        return m;
    if (!diff && q->peq && n <= 64) /* the query's masks are current: prepare built them */
        return tm_myers_distance(q->peq, n, c->words, m);
    if (!diff) { /* two rows */
        size_t *prev = malloc((m + 1) * sizeof *prev), *cur = malloc((m + 1) * sizeof *cur);
        if (!prev || !cur) {
            free(prev);
            free(cur);
            return n > m ? n : m; /* no memory: as different as possible */
        }
        for (size_t j = 0; j <= m; j++)
            prev[j] = j;
        for (size_t i = 1; i <= n; i++) {
            cur[0] = i;
            for (size_t j = 1; j <= m; j++) {
                size_t sub = prev[j - 1] + (q->words[i - 1] != c->words[j - 1]);
                size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
                cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            }
            size_t *t = prev;
            prev = cur;
            cur = t;
        }
        size_t d = prev[m];
        free(prev);
        free(cur);
        return d;
    }
    size_t w = m + 1;
    size_t *D = malloc((n + 1) * w * sizeof *D);
    if (!D) {
        memset(diff, 1, m);
        return n > m ? n : m;
    }
    for (size_t j = 0; j <= m; j++)
        D[j] = j;
    for (size_t i = 1; i <= n; i++) {
        D[i * w] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t sub = D[(i - 1) * w + j - 1] + (q->words[i - 1] != c->words[j - 1]);
            size_t del = D[(i - 1) * w + j] + 1, ins = D[i * w + j - 1] + 1;
            D[i * w + j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    }
    memset(diff, 1, m);
    for (size_t i = n, j = m; i > 0 && j > 0;) {
        size_t here = D[i * w + j];
        if (q->words[i - 1] == c->words[j - 1] && here == D[(i - 1) * w + j - 1]) {
            diff[j - 1] = 0;
            i--;
            j--;
        } else if (here == D[(i - 1) * w + j - 1] + 1) {
            i--;
            j--;
        } else if (here == D[(i - 1) * w + j] + 1) {
            i--;
        } else {
            j--;
        }
    }
    size_t d = D[n * w + m];
    free(D);
    return d;
}

tm_match_result tm_match_score(const tm_mtext *q, const tm_mtext *c, unsigned char *diff)
{
    tm_match_result r = {0, 0.0, 0};
    size_t longest = q->nwords > c->nwords ? q->nwords : c->nwords;
    size_t ed = edit_distance(q, c, diff);
    r.base = longest ? 1.0 - (double)ed / (double)longest : 1.0;
    /* Case only counts where the words are the same: otherwise the edit
     * distance has already paid for the difference. */
    r.penalties = 2 * (q->number_sig != c->number_sig) +
                  (ed == 0 && q->case_sig != c->case_sig) + (q->punct_sig != c->punct_sig) +
                  (q->tag_sig != c->tag_sig);
    int pct = (int)(100.0 * r.base + 1e-9);
    r.score = pct - r.penalties > 0 ? pct - r.penalties : 0;
    return r;
}
