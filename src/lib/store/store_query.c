/*
 * store_query.c — queries. Fuzzy ones (0 < --min < 100) take the lossless
 * candidate filter of docs/store.md: length bounds, the query's posting
 * lists read rarest first with a count per unit of the lists holding it,
 * and the exact score (on the unit's match data) of each unit whose count
 * can still reach the N-th best score. --min 100 takes the exact index and
 * scores its candidates on their text; --min 0 scores every unit.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "store_internal.h"
#include "util/varint.h"

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

static tm_status fwd_malformed(const tm_store *s, tm_error *err)
{
    return tm_error_at(err, TM_EDATA, s->path, 0,
                       "damaged store: the match data of a unit is malformed (run 'tmkit check')");
}

/* How well a stored code answers lang, as tm_tu_find ranks variants: 2
 * the same code, 1 the same primary language, 0 neither. The code is not
 * NUL-terminated: nothing past its n bytes is read. */
static int code_rank(const unsigned char *code, size_t n, const char *lang)
{
    size_t ll = strlen(lang), pl = strcspn(lang, "-_"), cp = 0;
    if (n == ll && !strncasecmp((const char *)code, lang, ll))
        return 2;
    while (cp < n && code[cp] != '-' && code[cp] != '_')
        cp++;
    return cp == pl && !strncasecmp((const char *)code, lang, pl);
}

/* The variant a query uses in each language, picked while reading the
 * unit's match data: the best code_rank, the first of equals. */
typedef struct fwd_pick {
    const char *lang;
    int rank, index; /* index -1: no variant */
    tm_fwd_variant v;
} fwd_pick;

/* Read unit local's match data: its date and the variants of the two
 * picks. TM_EDATA when the data is damaged. */
static tm_status fwd_read(tm_store *s, size_t gi, uint32_t local, fwd_pick *pick, uint64_t *date,
                          tm_error *err)
{
    tm_fwd_rec r;
    tm_status st = tm_fwd_unit(s, gi, local, &r, err);
    if (st != TM_OK)
        return st;
    uint64_t nv;
    tm_fwd_variant v;
    if (tm_fwd_record(&r.p, r.end, date, &nv) != 0)
        return fwd_malformed(s, err);
    for (int j = 0; j < 2; j++)
        pick[j].rank = 0, pick[j].index = -1;
    for (uint64_t i = 0; i < nv; i++) {
        if (tm_fwd_variant_next(&r.p, r.end, &r.cases, r.cases_end, &v) != 0)
            return fwd_malformed(s, err);
        for (int j = 0; j < 2; j++) {
            int r = code_rank(v.code, v.code_len, pick[j].lang);
            if (r > pick[j].rank) {
                pick[j].rank = r;
                pick[j].index = (int)(i < INT_MAX ? i : INT_MAX);
                pick[j].v = v;
            }
        }
    }
    return r.p == r.end ? TM_OK : fwd_malformed(s, err);
}

/* A variant's words as numbers into view (grown as needed). 0, -1 for
 * memory, -2 when they do not decode to the stated count. */
static int fwd_words(const tm_fwd_variant *f, tm_mtext *view)
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

static tm_status verify(tm_store *s, size_t gi, const cands *c, const char *src, const char *tgt,
                        int min, pends *out, tm_error *err)
{
    segment *g = &s->seg[gi];
    tm_status st = TM_OK;
    fwd_pick pick[2] = {{.lang = src}, {.lang = tgt}};
    tm_mtext view = TM_MTEXT_INIT;
    for (size_t k = 0; k < c->n && st == TM_OK; k++) {
        if (k > 0 && c->v[k] == c->v[k - 1])
            continue;
        uint64_t id = g->first_id + c->v[k];
        if (tm_store_is_tomb(s, id))
            continue;
        uint64_t date = 0;
        if ((st = fwd_read(s, gi, c->v[k], pick, &date, err)) != TM_OK)
            break;
        if (pick[0].index < 0 || pick[1].index < 0 || pick[0].index == pick[1].index)
            continue;
        const tm_fwd_variant *sv = &pick[0].v;
        int rc = fwd_words(sv, &view);
        if (rc != 0) {
            st = rc == -1 ? tm_error_nomem(err) : fwd_malformed(s, err);
            break;
        }
        view.case_sig = sv->sig[0];
        view.punct_sig = sv->sig[1];
        view.number_sig = sv->sig[2];
        view.tag_sig = sv->sig[3];
        tm_match_result r = tm_match_score(&s->mqn, &view, NULL);
        /* the signatures do not see where punctuation and spaces stand:
         * "Xin, chào" has the words and the comma of "Xin chào,". Only the
         * same match key makes 100, as on the exact path (--min 100). */
        if (r.score == 100 && !bsearch(&c->v[k], s->keyeq, s->nkeyeq, sizeof *s->keyeq, cmp_u32))
            r.score = 99;
        if (r.score >= min) {
            pend x = {r.score, date, id, gi, c->v[k]};
            pend_offer(out, &x);
        }
    }
    free(view.words);
    return st;
}

/* The exact path (--min 100) scores its few candidates on their text:
 * each is loaded to be shown anyway, and preparing one text costs less
 * than inflating a group of match data. The same variant and the same
 * score as verify() (scores on word hashes equal those on numbers). */
static tm_status verify_loaded(tm_store *s, size_t gi, const cands *c, const char *text,
                               size_t len, const char *src, const char *tgt, int min, pends *out,
                               tm_error *err)
{
    int self = tm_match_score(&s->mq, &s->mq, NULL).score;
    tm_status st = TM_OK;
    tm_tu tu = TM_TU_INIT;
    for (size_t k = 0; k < c->n && st == TM_OK; k++) {
        uint64_t id = s->seg[gi].first_id + c->v[k];
        if ((k > 0 && c->v[k] == c->v[k - 1]) || tm_store_is_tomb(s, id))
            continue;
        if ((st = tm_store_load(s, gi, c->v[k], &tu, err)) != TM_OK)
            break;
        const tm_tuv *sv = tm_tu_find(&tu, src), *tv = tm_tu_find(&tu, tgt);
        /* the query's own text (no markup) scores what the query does
         * against itself, without preparing it again */
        size_t svlen = sv ? strlen(sv->text) : 0;
        int same = sv && !sv->markup && svlen == len && !memcmp(sv->text, text, len);
        if (sv && tv && sv != tv && !same)
            st = tm_mtext_prepare(&s->mc, sv->text, svlen, sv->markup, err);
        if (sv && tv && sv != tv && st == TM_OK) {
            int score = same ? self : tm_match_score(&s->mq, &s->mc, NULL).score;
            pend x = {score, tm_unit_date(&tu), id, gi, c->v[k]};
            if (score >= min)
                pend_offer(out, &x);
        }
        tm_tu_clear(&tu);
    }
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

/* Units of segment g whose variant in lang has exactly this match key
 * (and, rarely, some whose key's hash shares its high 32 bits). A score of
 * 100 needs the same match key (verify() holds the match-data path to it):
 * the exact index holds every unit that can score 100. */
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

/* ---- the fuzzy path -------------------------------------------------------------------

   A unit holding c of the first m lists (rarest first) of a query of nq
   terms shares at most c + nq - m of its terms; a score of f% needs
   need(f) = ceil(f nq / 100) of them (docs/store.md, steps 2-3). So:
   - lists are read one at a time, counting per unit the lists holding it
     (units outside the length bounds of --min are dropped when first met);
   - once nq - m < need(f), a unit in none of the m lists cannot qualify,
     and no more lists are read;
   - units in every list read so far (from the second list on) are
     verified at once: they are the likely matches, and their scores raise
     f, which ends the reading sooner;
   - the rest are verified by decreasing c while c + nq - m >= need(f).
   Verifying reads a unit's match data (a deflated group, store_fwd.c), so
   what this saves over verifying every unit of the lists is most of the
   work of a query. */

#define TALLY_DONE UINT16_MAX /* verified, or out of the length bounds */

typedef struct tally {
    uint16_t *count; /* per unit of the segment: lists holding it, or TALLY_DONE */
    uint32_t *seen;  /* units whose count is not 0, in the order met */
    size_t n, cap;
} tally;

/* The counts live in the store (s->tally, zero between queries) so that a
 * query does not fault in fresh pages for them; a query zeroes the counts
 * it touched, which are exactly its seen units. */
static int tally_init(tm_store *s, tally *t, uint32_t nunits)
{
    memset(t, 0, sizeof *t);
    if (s->tally_cap < (size_t)nunits + 1) {
        uint16_t *c = calloc((size_t)nunits + 1, sizeof *c);
        if (!c)
            return -1;
        free(s->tally);
        s->tally = c;
        s->tally_cap = (size_t)nunits + 1;
    }
    t->count = s->tally;
    return 0;
}

static void tally_free(tally *t)
{
    for (size_t i = 0; i < t->n; i++)
        t->count[t->seen[i]] = 0;
    free(t->seen);
}

/* Count one list's units (new ones only when add_new). 0, -1 memory, -2
 * damaged. */
static int tally_list(segment *g, tally *t, const qterm *q, int add_new, int slot, uint64_t mlo,
                      uint64_t mhi)
{
    tm_plist list = q->list;
    uint32_t unit;
    unsigned words;
    int rc;
    if (tm_plist_check(g, &list) != 0)
        return -2;
    while ((rc = tm_plist_next(&list, g->nunits, &unit)) == 1) {
        uint16_t *c = &t->count[unit];
        if (*c == TALLY_DONE || (*c == 0 && !add_new))
            continue;
        if (*c == 0) {
            if (tm_array_reserve(&t->seen, &t->cap, t->n + 1, sizeof *t->seen, 1024))
                return -1;
            t->seen[t->n++] = unit;
            if (slot >= 0) {
                if (tm_seg_unit_len(g, slot, unit, &words) != 0)
                    return -2;
                if (words != LEN_ANY && words != LEN_NONE && (words < mlo || words > mhi)) {
                    *c = TALLY_DONE;
                    continue;
                }
            }
        }
        (*c)++;
    }
    return rc == 0 ? 0 : -2;
}

/* Verify the units held by exactly c lists, in unit order (candidates
 * of one match data group follow each other), and mark them done. */
static tm_status verify_count(tm_store *s, size_t gi, tally *t, uint16_t c, cands *v,
                              const char *src, const char *tgt, int min, pends *out, tm_error *err)
{
    v->n = 0;
    for (size_t i = 0; i < t->n; i++) {
        uint16_t *k = &t->count[t->seen[i]];
        if (*k != c)
            continue;
        *k = TALLY_DONE;
        if (cands_push(v, t->seen[i]) != 0)
            return tm_error_nomem(err);
    }
    return verify_batch(s, gi, 0, v, src, tgt, min, out, err);
}

static uint64_t need_for(const pends *out, int min, size_t nq)
{
    return ((uint64_t)current_floor(out, min) * nq + 99) / 100;
}

/* Units still to verify after m lists: c + nq - m >= need. */
static size_t tally_pending(const tally *t, size_t m, size_t nq, uint64_t need)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        uint16_t c = t->count[t->seen[i]];
        n += c != TALLY_DONE && c + nq - m >= need;
    }
    return n;
}

/* Reading a unit of a posting list costs about a hundredth of verifying a
 * unit (inflating its match data and scoring it): once the lists that
 * can hold a match are read, another list is read only while it is
 * shorter than this many times the units it could rule out. */
#define READ_PER_VERIFY 100

static tm_status fuzzy_segment(tm_store *s, size_t gi, qterm *terms, size_t nq, const char *src,
                               const char *tgt, int min, pends *out, tm_error *err)
{
    segment *g = &s->seg[gi];
    for (size_t i = 0; i < nq; i++) {
        int found = tm_seg_term(g, terms[i].term, &terms[i].list, &terms[i].df);
        if (found < 0)
            return index_damaged(s, err);
        if (!found)
            terms[i].df = 0;
    }
    if (nq > 1)
        qsort(terms, nq, sizeof *terms, cmp_df);
    int slot = tm_langs_find(g->sec[SEC_LANGS], (size_t)g->sec_len[SEC_LANGS], src, NULL);
    uint64_t mlo = need_for(out, min, nq), mhi = 100 * (uint64_t)nq / (uint64_t)min;
    tally t;
    cands v = {NULL, 0, 0};
    if (tally_init(s, &t, g->nunits) != 0)
        return tm_error_nomem(err);
    tm_status st = TM_OK;
    size_t m = 0;
    while (st == TM_OK && m < nq) {
        uint64_t need = need_for(out, min, nq);
        int must = nq - m >= need; /* a unit in none of the lists read may still qualify */
        if (!must) {
            size_t p = tally_pending(&t, m, nq, need);
            if (p == 0 || terms[m].df > READ_PER_VERIFY * (uint64_t)p)
                break;
        }
        int rc = terms[m].df ? tally_list(g, &t, &terms[m], must, slot, mlo, mhi) : 0;
        m++;
        if (rc)
            st = rc == -1 ? tm_error_nomem(err) : index_damaged(s, err);
        else if (m >= 2)
            st = verify_count(s, gi, &t, (uint16_t)m, &v, src, tgt, min, out, err);
    }
    for (size_t c = m; st == TM_OK && c >= 1 && c + nq - m >= need_for(out, min, nq); c--)
        st = verify_count(s, gi, &t, (uint16_t)c, &v, src, tgt, min, out, err);
    free(v.v);
    tally_free(&t);
    return st;
}

/* Every unit of segment gi is a candidate (--min 0), or only those of the
 * exact index (--min 100: a score of 100 needs the same match key). */
static tm_status scan_segment(tm_store *s, size_t gi, const char *text, size_t len, const char *src,
                              const char *tgt, int min, pends *out, tm_error *err)
{
    if (min == 100) { /* s->keyeq holds them (key_equal_units) */
        cands k = {s->keyeq, s->nkeyeq, s->capkeyeq};
        return verify_loaded(s, gi, &k, text, len, src, tgt, min, out, err);
    }
    segment *g = &s->seg[gi];
    cands c = {NULL, 0, 0};
    int rc = 0;
    for (uint32_t k = 0; k < g->nunits && !rc; k++)
        rc = cands_push(&c, k);
    tm_status st = verify_batch(s, gi, rc, &c, src, tgt, min, out, err);
    free(c.v);
    return st;
}

/* s->keyeq: the units of segment gi whose source has the query's match key. */
static tm_status key_equal_units(tm_store *s, size_t gi, const char *src, tm_error *err)
{
    cands c = {s->keyeq, 0, s->capkeyeq};
    int rc = exact_cands(&s->seg[gi], tm_key64(src, s->mq.key.data ? s->mq.key.data : "", s->mq.key.len), &c);
    s->keyeq = c.v;
    s->capkeyeq = c.cap;
    s->nkeyeq = rc == 0 ? c.n : 0;
    if (rc == 0 && c.n > 1)
        qsort(c.v, c.n, sizeof *c.v, cmp_u32);
    return rc == 0 ? TM_OK : rc == -1 ? tm_error_nomem(err) : index_damaged(s, err);
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
        free(out->hit);
        out->hit = NULL;
        return tm_error_nomem(err);
    }
    uint32_t *t32 = malloc(nq * sizeof *t32);
    if (!t32 || tm_terms_of(tm_term_lang(src), s->mq.words, nq, t32) != 0) {
        free(t32);
        free(terms);
        free(p.v);
        free(out->hit);
        out->hit = NULL;
        return tm_error_nomem(err);
    }
    for (size_t k = 0; k < nq; k++)
        terms[k].term = t32[k];
    free(t32);
    for (size_t gi = 0; gi < s->nseg && st == TM_OK; gi++) {
        if (min != 100) /* (the exact path scores loaded text, not word numbers) */
            st = number_query(s, gi, err);
        if (st == TM_OK) /* the exact path's candidates, the others' 100% check */
            st = key_equal_units(s, gi, src, err);
        if (st == TM_OK)
            st = min == 100 || min == 0 || nq >= TALLY_DONE ? scan_segment(s, gi, text, len, src, tgt, min, &p, err)
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
