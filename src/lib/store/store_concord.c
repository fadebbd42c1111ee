/*
 * store_concord.c — the units that may hold a term's words, for `concord`.
 *
 * A concordance asks for every unit whose source or target holds a term as
 * whole words. Scanning inflates every block of the store; instead the
 * posting lists of the term's words are intersected, per segment and per
 * language (a word's first occurrence is a term of the index, so a unit
 * holding the word is in that list), and only the units in the
 * intersection are loaded. Units whose words were normalized one by one
 * (TM_SPLIT_TERM: their key cut the words differently) are added too, so the
 * set is a superset of the units holding the term: the caller still checks
 * each one, and nothing the full scan would find is missed.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

typedef struct ulist {
    uint32_t *v;
    size_t n, cap;
} ulist;

/* The units of term t in segment g into out (sorted). 0, -1 memory, -2
 * damaged. */
static int read_list(segment *g, uint32_t t, ulist *out)
{
    tm_plist list;
    uint32_t df, unit;
    int rc = tm_seg_term(g, t, &list, &df);
    out->n = 0;
    if (rc <= 0)
        return rc < 0 ? -2 : 0;
    if (tm_plist_check(g, &list) != 0)
        return -2;
    while ((rc = tm_plist_next(&list, g->nunits, &unit)) == 1) {
        if (tm_array_reserve(&out->v, &out->cap, out->n + 1, sizeof *out->v, 64))
            return -1;
        out->v[out->n++] = unit;
    }
    return rc == 0 ? 0 : -2;
}

/* a = a ∩ b, both sorted. */
static void intersect(ulist *a, const ulist *b)
{
    size_t i = 0, j = 0, n = 0;
    while (i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else {
            a->v[n++] = a->v[i++];
            j++;
        }
    }
    a->n = n;
}

/* a = a ∪ b, both sorted, into tmp then swapped. */
static int unite(ulist *a, const ulist *b, ulist *tmp)
{
    if (tm_array_reserve(&tmp->v, &tmp->cap, a->n + b->n + 1, sizeof *tmp->v, 64))
        return -1;
    size_t i = 0, j = 0, n = 0;
    while (i < a->n || j < b->n) {
        uint32_t x = j == b->n || (i < a->n && a->v[i] <= b->v[j]) ? a->v[i] : b->v[j];
        i += i < a->n && a->v[i] == x;
        j += j < b->n && b->v[j] == x;
        tmp->v[n++] = x;
    }
    tmp->n = n;
    ulist t = *a;
    *a = *tmp;
    *tmp = t;
    return 0;
}

/* Units of g whose lang variant may hold every word, united into cands. */
static int lang_cands(segment *g, const char *lang, const tm_mtext *mt, ulist *cands, ulist *acc,
                      ulist *list, ulist *tmp)
{
    int rc = 0;
    for (size_t k = 0; k < mt->nwords && !rc; k++) {
        rc = read_list(g, tm_term32(lang, mt->words[k], 1), k ? list : acc);
        if (!rc && k)
            intersect(acc, list);
    }
    if (!rc)
        rc = unite(cands, acc, tmp);
    if (!rc)
        rc = read_list(g, TM_SPLIT_TERM(lang), list);
    return rc ? rc : unite(cands, list, tmp);
}

tm_status tm_store_each_with_words(tm_store *s, const char *text, size_t len, const char *l1,
                                   const char *l2, tm_store_unit_fn fn, void *ctx, tm_error *err)
{
    tm_mtext mt = TM_MTEXT_INIT;
    tm_status st = tm_mtext_prepare(&mt, text, len, NULL, err);
    if (st == TM_OK && (mt.split || mt.nwords == 0)) { /* words the index cannot name: scan */
        tm_mtext_free(&mt);
        return tm_store_each(s, fn, ctx, err);
    }
    ulist cands = {0}, acc = {0}, list = {0}, tmp = {0};
    tm_tu tu = TM_TU_INIT;
    int stop = 0;
    for (size_t gi = 0; gi < s->nseg && st == TM_OK && !stop; gi++) {
        segment *g = &s->seg[gi];
        cands.n = 0;
        int rc = lang_cands(g, l1, &mt, &cands, &acc, &list, &tmp);
        if (!rc)
            rc = lang_cands(g, l2, &mt, &cands, &acc, &list, &tmp);
        if (rc)
            st = rc == -1 ? tm_error_nomem(err)
                          : tm_error_at(err, TM_EDATA, s->path, 0,
                                        "damaged store: an index points outside its segment (run 'tmkit check')");
        for (size_t k = 0; k < cands.n && st == TM_OK && !stop; k++) {
            uint64_t id = g->first_id + cands.v[k];
            if (tm_store_is_tomb(s, id))
                continue;
            if ((st = tm_store_load(s, gi, cands.v[k], &tu, err)) == TM_OK)
                stop = fn(ctx, id, &tu);
        }
    }
    tm_tu_clear(&tu);
    tm_mtext_free(&mt);
    free(cands.v);
    free(acc.v);
    free(list.v);
    free(tmp.v);
    return st;
}

/* ---- the concordance ------------------------------------------------------------------ */

typedef struct concord_run {
    tm_concord *c;
    const char *src, *tgt;
    tm_concord_hits *out;
    size_t cap;
    tm_status st;
    tm_error *err;
} concord_run;

static int concord_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    concord_run *r = arg;
    const tm_tuv *sv = tm_tu_find(tu, r->src), *tv = tm_tu_find(tu, r->tgt);
    if (!sv || !tv || sv == tv)
        return 0;
    int found = 0;
    if ((r->st = tm_concord_holds(r->c, sv->text, 0, &found, r->err)) == TM_OK && !found)
        r->st = tm_concord_holds(r->c, tv->text, 0, &found, r->err);
    if (r->st != TM_OK || !found)
        return r->st != TM_OK;
    tm_concord_hits *o = r->out;
    if (tm_array_reserve(&o->hit, &r->cap, o->n + 1, sizeof *o->hit, 64)) {
        r->st = tm_error_nomem(r->err);
        return 1;
    }
    tm_concord_hit *h = &o->hit[o->n++];
    memset(h, 0, sizeof *h);
    h->id = id;
    h->date = tm_store_unit_date(tu);
    if (tm_tu_copy(&h->tu, tu) != 0) {
        r->st = tm_error_nomem(r->err);
        return 1;
    }
    return 0;
}

static int cmp_newest(const void *a, const void *b)
{
    const tm_concord_hit *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? 1 : -1;
    return (x->id < y->id) - (x->id > y->id);
}

tm_status tm_store_concord(tm_store *s, tm_concord *c, const char *src, const char *tgt,
                           tm_concord_hits *out, tm_error *err)
{
    memset(out, 0, sizeof *out);
    concord_run r = {c, src, tgt, out, 0, TM_OK, err};
    /* Diacritics folded, the words are not the index's: every unit is read. */
    tm_status st = tm_concord_folds(c) ? tm_store_each(s, concord_unit, &r, err)
                                       : tm_store_each_with_words(s, tm_concord_term(c),
                                                                  strlen(tm_concord_term(c)), src,
                                                                  tgt, concord_unit, &r, err);
    if (st == TM_OK)
        st = r.st;
    if (st != TM_OK) {
        tm_concord_hits_free(out);
        return st;
    }
    if (out->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(out->hit, out->n, sizeof *out->hit, cmp_newest);
    return TM_OK;
}

void tm_concord_hits_free(tm_concord_hits *h)
{
    for (size_t i = 0; i < h->n; i++)
        tm_tu_clear(&h->hit[i].tu);
    free(h->hit);
    memset(h, 0, sizeof *h);
}
