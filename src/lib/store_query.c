/*
 * store_query.c — fuzzy queries with the lossless candidate filter of
 * docs/store.md: length bounds, then the postings of the query's n - T + 1
 * rarest terms (T = ceil(t n) shared words needed for a score of t), then
 * the exact score of every candidate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "store_internal.h"
#include "varint.h"

void tm_store_hits_free(tm_store_hits *h)
{
    for (size_t i = 0; i < h->n; i++)
        tm_tu_clear(&h->hit[i].tu);
    free(h->hit);
    h->hit = NULL;
    h->n = 0;
}

typedef struct qterm {
    uint32_t term;
    uint32_t df; /* 0: not in the segment */
    tm_plist list;
} qterm;

static int cmp_df(const void *a, const void *b)
{
    const qterm *x = a, *y = b;
    return x->df < y->df ? -1 : x->df > y->df;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct cands {
    uint32_t *v;
    size_t n, cap;
} cands;

static int cands_push(cands *c, uint32_t x)
{
    if (tm_array_reserve(&c->v, &c->cap, c->n + 1, sizeof *c->v, 256))
        return -1;
    c->v[c->n++] = x;
    return 0;
}

/* Units of one posting list whose word count is within [mlo, mhi] and that
 * no earlier list of this query produced (seen, one bit per unit). */
static int scan_list(segment *g, const qterm *q, uint64_t mlo, uint64_t mhi, unsigned char *seen,
                     cands *c)
{
    tm_plist list = q->list;
    uint32_t unit;
    uint64_t words;
    int rc;
    if (tm_plist_check(g, &list) != 0)
        return -2;
    while ((rc = tm_plist_next(&list, g->nunits, &unit, &words)) == 1) {
        if (words < mlo || words > mhi || (seen[unit >> 3] >> (unit & 7) & 1))
            continue;
        seen[unit >> 3] |= (unsigned char)(1u << (unit & 7));
        if (cands_push(c, unit) != 0)
            return -1;
    }
    return rc == 0 ? 0 : -2;
}

/* A candidate that made the list so far: everything needed to rank it,
 * and to load it once the list is final. */
typedef struct pend {
    int score;
    uint64_t date, id;
    size_t gi;
    uint32_t local;
} pend;

typedef struct pends {
    pend *v;
    size_t n, cap; /* cap = the n the query asked for */
} pends;

static int ranks_before(const pend *a, const pend *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->date != b->date)
        return a->date > b->date;
    return a->id > b->id;
}

/* Insert in rank order, keeping at most cap. */
static void pend_offer(pends *p, const pend *x)
{
    size_t pos = p->n;
    while (pos > 0 && ranks_before(x, &p->v[pos - 1]))
        pos--;
    if (pos >= p->cap)
        return;
    if (p->n == p->cap)
        p->n--;
    memmove(&p->v[pos + 1], &p->v[pos], (p->n - pos) * sizeof *p->v);
    p->v[pos] = *x;
    p->n++;
}

/* One variant's match data in a segment's forward index. */
typedef struct fwd_var {
    const unsigned char *code;
    size_t code_len;
    size_t nwords;
    const unsigned char *ids, *ids_end; /* word numbers, varints (store_vocab.c) */
    uint32_t sig[4];
} fwd_var;

/* Read unit local's variants (at most cap). -1 when the data is damaged. */
static int fwd_read(segment *g, uint32_t local, fwd_var *v, size_t cap, size_t *n,
                    uint64_t *date)
{
    const unsigned char *ix = g->sec[SEC_FWDIDX];
    if (tm_seg_verify(g, SEC_FWDIDX, 8 * (uint64_t)local, 16) != 0)
        return -1;
    uint64_t a = get_u64(ix + 8 * (size_t)local), b = get_u64(ix + 8 * ((size_t)local + 1));
    if (a > b || b > g->sec_len[SEC_FWD] || tm_seg_verify(g, SEC_FWD, a, b - a) != 0)
        return -1;
    const unsigned char *p = g->sec[SEC_FWD] + a, *end = g->sec[SEC_FWD] + b;
    uint64_t nv, len, nw, idlen;
    if (tm_varint_get(&p, end, date) != 0 || tm_varint_get(&p, end, &nv) != 0)
        return -1;
    *n = 0;
    for (uint64_t i = 0; i < nv; i++) {
        if (tm_varint_get(&p, end, &len) != 0 || len > (uint64_t)(end - p))
            return -1;
        const unsigned char *code = p;
        p += len;
        if (tm_varint_get(&p, end, &nw) != 0 || tm_varint_get(&p, end, &idlen) != 0 ||
            idlen > (uint64_t)(end - p) || (uint64_t)(end - p) - idlen < 16 || nw > idlen)
            return -1;
        if (*n < cap) {
            fwd_var *f = &v[(*n)++];
            f->code = code;
            f->code_len = (size_t)len;
            f->nwords = (size_t)nw;
            f->ids = p;
            f->ids_end = p + idlen;
            for (int k = 0; k < 4; k++)
                f->sig[k] = get_u32(p + idlen + 4 * (size_t)k);
        }
        p += idlen + 16;
    }
    return p == end ? 0 : -1;
}

/* A variant's words as numbers into view (grown as needed). 0, -1 for
 * memory, -2 when they do not decode to the stated count. */
static int fwd_words(const fwd_var *f, tm_mtext *view)
{
    if (f->nwords > view->cap) {
        uint32_t *w = realloc(view->words, f->nwords * sizeof *w);
        if (!w)
            return -1;
        view->words = w;
        view->cap = f->nwords;
    }
    const unsigned char *p = f->ids;
    for (size_t q = 0; q < f->nwords; q++) {
        uint64_t id;
        if (tm_varint_get(&p, f->ids_end, &id) != 0 || id > UINT32_MAX)
            return -2;
        view->words[q] = (uint32_t)id;
    }
    view->nwords = f->nwords;
    return p == f->ids_end ? 0 : -2;
}

/* The variant tm_tu_find would pick: the same code, else the same primary
 * language. */
static const fwd_var *fwd_find(const fwd_var *v, size_t n, const char *lang)
{
    size_t ll = strlen(lang), pl = strcspn(lang, "-_");
    for (size_t i = 0; i < n; i++)
        if (v[i].code_len == ll && !strncasecmp((const char *)v[i].code, lang, ll))
            return &v[i];
    for (size_t i = 0; i < n; i++)
        if (strcspn((const char *)v[i].code, "-_") >= pl && !strncasecmp((const char *)v[i].code, lang, pl) &&
            (v[i].code_len == pl || v[i].code[pl] == '-' || v[i].code[pl] == '_'))
            return &v[i];
    return NULL;
}

static tm_status verify(tm_store *s, size_t gi, const cands *c, const char *src, const char *tgt,
                        int min, pends *out, tm_error *err)
{
    segment *g = &s->seg[gi];
    tm_status st = TM_OK;
    fwd_var v[16];
    tm_mtext view = TM_MTEXT_INIT;
    for (size_t k = 0; k < c->n && st == TM_OK; k++) {
        if (k > 0 && c->v[k] == c->v[k - 1])
            continue;
        uint64_t id = g->first_id + c->v[k];
        if (tm_store_is_tomb(s, id))
            continue;
        size_t nv;
        uint64_t date;
        if (fwd_read(g, c->v[k], v, 16, &nv, &date) != 0) {
            st = tm_error_at(err, TM_EDATA, s->path, 0,
                             "damaged store: the match data fails its checksum (run 'tmkit check')");
            break;
        }
        const fwd_var *sv = fwd_find(v, nv, src), *tv = fwd_find(v, nv, tgt);
        if (!sv || !tv || sv == tv)
            continue;
        int rc = fwd_words(sv, &view);
        if (rc != 0) {
            st = rc == -1 ? tm_error_nomem(err)
                          : tm_error_at(err, TM_EDATA, s->path, 0,
                                        "damaged store: the match data of a unit is malformed (run 'tmkit check')");
            break;
        }
        view.case_sig = sv->sig[0];
        view.punct_sig = sv->sig[1];
        view.number_sig = sv->sig[2];
        view.tag_sig = sv->sig[3];
        tm_match_result r = tm_match_score(&s->mqn, &view, NULL);
        if (r.score >= min) {
            pend x = {r.score, date, id, gi, c->v[k]};
            pend_offer(out, &x);
        }
    }
    free(view.words);
    return st;
}

/* Load the units of the final list into hits. */
static tm_status load_hits(tm_store *s, const pends *p, const char *src, const char *tgt,
                           tm_store_hits *out, tm_error *err)
{
    tm_status st = TM_OK;
    for (size_t k = 0; k < p->n && st == TM_OK; k++) {
        tm_store_hit *h = &out->hit[out->n];
        memset(h, 0, sizeof *h);
        if ((st = tm_store_load(s, p->v[k].gi, p->v[k].local, &h->tu, err)) != TM_OK)
            break;
        const tm_tuv *sv = tm_tu_find(&h->tu, src), *tv = tm_tu_find(&h->tu, tgt);
        if (!sv || !tv || sv == tv) {
            tm_tu_clear(&h->tu);
            st = tm_error_at(err, TM_EDATA, s->path, 0,
                             "damaged store: a unit does not match its index (run 'tmkit check')");
            break;
        }
        h->id = p->v[k].id;
        h->score = p->v[k].score;
        h->src_var = (size_t)(sv - h->tu.tuvs);
        h->tgt_var = (size_t)(tv - h->tu.tuvs);
        out->n++;
    }
    return st;
}

/* Units of segment g whose variant in lang has exactly this match key. A
 * score of 100 needs the same words, numbers and punctuation, hence the
 * same match key: the exact index holds every unit that can score 100. */
static int exact_cands(segment *g, uint64_t key, cands *c)
{
    size_t i;
    uint32_t local;
    int rc = tm_seg_key_find(g, SEC_EXACT, key, &i);
    for (; rc == 0 && (rc = tm_seg_key_at(g, SEC_EXACT, i, key, &local)) == 0; i++)
        if (cands_push(c, local) != 0)
            return -1;
    return rc < 0 ? -2 : 0;
}

static tm_status index_damaged(tm_store *s, tm_error *err)
{
    return tm_error_at(err, TM_EDATA, s->path, 0,
                       "damaged store: an index points outside its segment (run 'tmkit check')");
}

/* Verify one batch of candidates (sorted) and empty it. */
static tm_status verify_batch(tm_store *s, size_t gi, int rc, cands *c, const char *src,
                              const char *tgt, int min, pends *out, tm_error *err)
{
    if (rc == -1)
        return tm_error_nomem(err);
    if (rc == -2)
        return index_damaged(s, err);
    if (c->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(c->v, c->n, sizeof *c->v, cmp_u32);
    tm_status st = verify(s, gi, c, src, tgt, min, out, err);
    c->n = 0;
    return st;
}

/* The score a unit needs to change the answer: --min, or once the list is
 * full its last score (a tie can still win on date). */
static int current_floor(const pends *p, int min)
{
    return p->n == p->cap && p->v[p->n - 1].score > min ? p->v[p->n - 1].score : min;
}

/* The fuzzy path of docs/store.md, one posting list at a time, rarest
 * first. A unit absent from the first i lists shares at most nq - i of the
 * query's terms, and a score of f% needs ceil(f nq / 100) of them; so once
 * nq - i falls below that no later list can add a match. The floor f rises
 * to the N-th best score found so far, which ends most queries after a few
 * rare lists. Length bounds follow f too. */
static tm_status fuzzy_segment(tm_store *s, size_t gi, qterm *terms, size_t nq, const char *src,
                               const char *tgt, int min, pends *out, tm_error *err)
{
    segment *g = &s->seg[gi];
    unsigned char *seen = calloc((size_t)g->nunits / 8 + 1, 1);
    cands c = {NULL, 0, 0};
    if (!seen)
        return tm_error_nomem(err);
    for (size_t i = 0; i < nq; i++) {
        int found = tm_seg_term(g, terms[i].term, &terms[i].list, &terms[i].df);
        if (found < 0) {
            free(seen);
            return index_damaged(s, err);
        }
        if (!found)
            terms[i].df = 0;
    }
    if (nq > 1)
        qsort(terms, nq, sizeof *terms, cmp_df);
    tm_status st = TM_OK;
    for (size_t i = 0; i < nq && st == TM_OK; i++) {
        uint64_t f = (uint64_t)current_floor(out, min);
        uint64_t need = (f * nq + 99) / 100; /* shared terms a score of f% needs */
        if (nq - i < need)
            break;
        if (!terms[i].df)
            continue;
        uint64_t mhi = 100 * (uint64_t)nq / f; /* (f > 0: min 0 takes the full scan) */
        int rc = scan_list(g, &terms[i], need, mhi, seen, &c);
        st = verify_batch(s, gi, rc, &c, src, tgt, min, out, err);
    }
    free(c.v);
    free(seen);
    return st;
}

/* Every unit of segment gi is a candidate (--min 0), or only those of the
 * exact index (--min 100: a score of 100 needs the same match key). */
static tm_status scan_segment(tm_store *s, size_t gi, const char *src, const char *tgt, int min,
                              pends *out, tm_error *err)
{
    segment *g = &s->seg[gi];
    cands c = {NULL, 0, 0};
    int rc = 0;
    if (min == 100)
        rc = exact_cands(g, tm_key64(src, s->mq.key.data ? s->mq.key.data : "", s->mq.key.len), &c);
    else
        for (uint32_t k = 0; k < g->nunits && !rc; k++)
            rc = cands_push(&c, k);
    tm_status st = verify_batch(s, gi, rc, &c, src, tgt, min, out, err);
    free(c.v);
    return st;
}

/* s->mqn: the query with segment gi's word numbers (store_vocab.c). A word
 * the segment lacks gets a number above any it has, the same for each of
 * its occurrences. */
static tm_status number_query(tm_store *s, size_t gi, tm_error *err)
{
    uint32_t *num = malloc((s->mq.nwords + 1) * sizeof *num);
    if (!num)
        return tm_error_nomem(err);
    tm_status st = TM_OK;
    for (size_t k = 0; k < s->mq.nwords && st == TM_OK; k++) {
        size_t first = 0;
        while (s->mq.words[first] != s->mq.words[k])
            first++;
        int rc = tm_vocab_number(&s->seg[gi], s->mq.words[k], &num[k]);
        if (rc == 0)
            num[k] = UINT32_MAX - (uint32_t)first;
        else if (rc < 0)
            st = tm_error_at(err, TM_EDATA, s->path, 0,
                             "damaged store: the vocabulary fails its checksum (run 'tmkit check')");
    }
    if (st == TM_OK)
        st = tm_mtext_with_words(&s->mqn, &s->mq, num, err);
    free(num);
    return st;
}

tm_status tm_store_query(tm_store *s, const char *text, size_t len, const char *src,
                         const char *tgt, int min, size_t n, tm_store_hits *out, tm_error *err)
{
    out->hit = NULL;
    out->n = 0;
    if (n == 0)
        return TM_OK;
    if (min < 0)
        min = 0;
    if (min > 100)
        min = 100;
    tm_status st = tm_mtext_prepare(&s->mq, text, len, NULL, err);
    if (st != TM_OK)
        return st;
    size_t nq = s->mq.nwords;
    if (nq == 0)
        return TM_OK;
    qterm *terms = calloc(nq, sizeof *terms);
    out->hit = calloc(n + 1, sizeof *out->hit);
    pends p = {calloc(n + 1, sizeof(pend)), 0, n};
    if (!terms || !out->hit || !p.v) {
        free(terms);
        free(p.v);
        return tm_error_nomem(err);
    }
    for (size_t k = 0; k < nq; k++) {
        uint32_t occ = 1;
        for (size_t q = 0; q < k; q++)
            occ += s->mq.words[q] == s->mq.words[k];
        terms[k].term = tm_term32(src, s->mq.words[k], occ);
    }
    for (size_t gi = 0; gi < s->nseg && st == TM_OK; gi++) {
        st = number_query(s, gi, err);
        if (st == TM_OK)
            st = min == 100 || min == 0 ? scan_segment(s, gi, src, tgt, min, &p, err)
                                        : fuzzy_segment(s, gi, terms, nq, src, tgt, min, &p, err);
    }
    if (st == TM_OK)
        st = load_hits(s, &p, src, tgt, out, err);
    free(terms);
    free(p.v);
    if (st != TM_OK)
        tm_store_hits_free(out);
    return st;
}
