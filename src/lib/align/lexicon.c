/*
 * lexicon.c — word translations learned across a whole job (tm_lexicon,
 * align.h): the confident 1-1 beads of every pair of a batch, or the units
 * of a translation memory, pooled into one IBM Model 1 (model1.c), then
 * used by the lexical term of every pair (align_lex.c, Moore 2002;
 * hunalign's -realign). A 15-sentence document cannot teach a lexicon on
 * its own; a thousand of them can.
 *
 * Training material is kept as word ids of one vocabulary per side, pair
 * after pair, up to MAX_CELLS co-occurrences (what EM's memory allows);
 * pairs past that are counted and left out. Adding is thread-safe (the
 * workers of a batch add as they finish).
 *
 * The file (tm_lexicon_save) is text, one translation per line:
 *     # tmkit lexicon 1
 *     SOURCE_WORD <TAB> TARGET_WORD <TAB> PROBABILITY
 * with an empty source word for t(f | NULL), and a line "# shapes N1 ... N8"
 * with the job's bead counts per shape (1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 1-3,
 * 3-1), which set every pair's shape priors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align_internal.h"
#include "model1.h"
#include "util/buf.h"
#include "text/text.h"
#include "util/out.h"
#include "text/norm.h"
#include "vocab.h"

#define MAX_CELLS 40000000     /* co-occurrences in training, at most */
#define CONFIDENT 0.5          /* beads used: 1-1 with at least this posterior */
#define MAGIC "# tmkit lexicon 1"

typedef struct span {
    uint32_t e, f;   /* first word in lx->e / lx->f */
    uint32_t ne, nf;
} span;

struct tm_lexicon {
    pthread_mutex_t lock;
    tm_vocab ve, vf;
    tm_ids e, f;      /* the training words, pair after pair */
    span *pairs;
    size_t np, cap, cells;
    tm_m1 tr;         /* trained (or loaded) */
    double shapes[NSHAPES]; /* beads of each shape in the alignments added */
    /* tm_lexicon_add_nth: the keys of pairs that finished before an earlier
     * one, held until their turn (pending[k]: pair next + k; NULL: not yet) */
    tm_buf **pending;
    size_t next, npending;
    int ready;
};

tm_status tm_lexicon_new(tm_lexicon **out, tm_error *err)
{
    tm_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return tm_error_nomem(err);
    pthread_mutex_init(&lx->lock, NULL);
    *out = lx;
    return TM_OK;
}

void tm_lexicon_free(tm_lexicon *lx)
{
    if (!lx)
        return;
    pthread_mutex_destroy(&lx->lock);
    tm_vocab_free(&lx->ve);
    tm_vocab_free(&lx->vf);
    free(lx->e.id);
    free(lx->f.id);
    free(lx->pairs);
    tm_m1_free(&lx->tr);
    for (size_t k = 0; k < lx->npending; k++)
        if (lx->pending[k]) {
            tm_buf_free(lx->pending[k]);
            free(lx->pending[k]);
        }
    free(lx->pending);
    free(lx);
}

/* One pair, given as the match keys of its two sentences; under the lock
 * (the vocabularies and the word lists are shared). */
static tm_status add_keys(tm_lexicon *lx, const char *s, size_t sl, const char *t, size_t tl,
                          tm_error *err)
{
    size_t e0 = lx->e.n, f0 = lx->f.n;
    tm_status st = tm_words_key_ids(&lx->ve, s, sl, 1, &lx->e, err);
    if (st == TM_OK)
        st = tm_words_key_ids(&lx->vf, t, tl, 1, &lx->f, err);
    size_t ne = lx->e.n - e0, nf = lx->f.n - f0;
    ne = ne > TM_M1_MAX_WORDS ? TM_M1_MAX_WORDS : ne;
    nf = nf > TM_M1_MAX_WORDS ? TM_M1_MAX_WORDS : nf;
    size_t cells = (ne + 1) * nf;
    if (st != TM_OK || !ne || !nf || lx->cells + cells > MAX_CELLS) {
        lx->e.n = e0; /* the words stay in the vocabularies: harmless */
        lx->f.n = f0;
        return st;
    }
    if (lx->np == lx->cap) {
        size_t cap = lx->cap ? 2 * lx->cap : 1024;
        span *p = realloc(lx->pairs, cap * sizeof *p);
        if (!p)
            return tm_error_nomem(err);
        lx->pairs = p;
        lx->cap = cap;
    }
    lx->pairs[lx->np++] = (span){(uint32_t)e0, (uint32_t)f0, (uint32_t)ne, (uint32_t)nf};
    lx->cells += cells;
    lx->e.n = e0 + ne;
    lx->f.n = f0 + nf;
    return TM_OK;
}

/* Match keys of sentence pairs, each its length (a size_t) then its bytes:
 * computed before taking the lock, so that workers normalize their text at
 * the same time. */
static tm_status append_key(tm_buf *keys, tm_buf *scratch, const char *text, size_t len,
                            tm_error *err)
{
    tm_status st = tm_norm_match(text, len, scratch, err);
    if (st == TM_OK && (tm_buf_append(keys, &scratch->len, sizeof scratch->len) != 0 ||
                        tm_buf_append(keys, scratch->data, scratch->len) != 0))
        st = tm_error_nomem(err);
    return st;
}

static const char *next_key(const tm_buf *keys, size_t *at, size_t *len)
{
    memcpy(len, keys->data + *at, sizeof *len);
    const char *k = keys->data + *at + sizeof *len;
    *at += sizeof *len + *len;
    return k;
}

/* Every pair of keys (source key, target key, ...); the lock held. */
static tm_status add_keys_locked(tm_lexicon *lx, const tm_buf *keys, tm_error *err)
{
    tm_status st = TM_OK;
    for (size_t at = 0; at < keys->len && st == TM_OK;) {
        size_t sl, tl;
        const char *s = next_key(keys, &at, &sl), *t = next_key(keys, &at, &tl);
        st = add_keys(lx, s, sl, t, tl, err);
    }
    return st;
}

static tm_status add_all_keys(tm_lexicon *lx, const tm_buf *keys, tm_error *err)
{
    pthread_mutex_lock(&lx->lock);
    tm_status st = add_keys_locked(lx, keys, err);
    pthread_mutex_unlock(&lx->lock);
    return st;
}

/* Pair nth's keys (NULL: it teaches nothing), in the order of the pairs:
 * the training material, the vocabularies' ids and so the lexicon do not
 * depend on which worker finished first. The lock held; keys is taken. */
static tm_status add_in_turn(tm_lexicon *lx, size_t nth, tm_buf *keys, tm_error *err)
{
    if (nth < lx->next || (nth - lx->next < lx->npending && lx->pending[nth - lx->next])) {
        /* (said already) */
        if (keys)
            tm_buf_free(keys);
        free(keys);
        return TM_OK;
    }
    size_t k = nth - lx->next;
    if (k >= lx->npending) {
        size_t n = k + 16;
        tm_buf **p = realloc(lx->pending, n * sizeof *p);
        if (!p) {
            tm_buf_free(keys);
            free(keys);
            return tm_error_nomem(err);
        }
        memset(p + lx->npending, 0, (n - lx->npending) * sizeof *p);
        lx->pending = p;
        lx->npending = n;
    }
    static tm_buf nothing = TM_BUF_INIT; /* a pair that teaches nothing: its turn passes */
    lx->pending[k] = keys ? keys : &nothing;
    tm_status st = TM_OK;
    while (lx->npending && lx->pending[0]) {
        tm_buf *b = lx->pending[0];
        if (st == TM_OK)
            st = add_keys_locked(lx, b, err);
        if (b != &nothing) {
            tm_buf_free(b);
            free(b);
        }
        memmove(lx->pending, lx->pending + 1, (lx->npending - 1) * sizeof *lx->pending);
        lx->pending[--lx->npending] = NULL;
        lx->next++;
    }
    return st;
}

tm_status tm_lexicon_add_pair(tm_lexicon *lx, const char *src, size_t slen, const char *tgt,
                              size_t tlen, tm_error *err)
{
    tm_buf keys = TM_BUF_INIT, scratch = TM_BUF_INIT;
    tm_status st = append_key(&keys, &scratch, src, slen, err);
    if (st == TM_OK)
        st = append_key(&keys, &scratch, tgt, tlen, err);
    if (st == TM_OK)
        st = add_all_keys(lx, &keys, err);
    tm_buf_free(&keys);
    tm_buf_free(&scratch);
    return st;
}

static tm_status alignment_keys(tm_buf *keys, const tm_doc *src, const tm_doc *tgt,
                                const tm_alignment *al, tm_error *err)
{
    tm_buf scratch = TM_BUF_INIT;
    tm_status st = TM_OK;
    for (size_t i = 0; i < al->n && st == TM_OK; i++) {
        const tm_bead *b = &al->beads[i];
        if (b->nsrc != 1 || b->ntgt != 1 || b->score < CONFIDENT)
            continue;
        size_t sl, tl;
        const char *s = tm_doc_sentence(src, b->src, &sl), *t = tm_doc_sentence(tgt, b->tgt, &tl);
        st = append_key(keys, &scratch, s, sl, err);
        if (st == TM_OK)
            st = append_key(keys, &scratch, t, tl, err);
    }
    tm_buf_free(&scratch);
    return st;
}

static void count_shapes(tm_lexicon *lx, const tm_alignment *al)
{
    for (size_t i = 0; i < al->n; i++)
        lx->shapes[tm_shape_of(al->beads[i].nsrc, al->beads[i].ntgt)] += 1;
}

tm_status tm_lexicon_add_nth(tm_lexicon *lx, size_t nth, const tm_doc *src, const tm_doc *tgt,
                             const tm_alignment *al, tm_error *err)
{
    tm_buf *keys = NULL;
    tm_status st = TM_OK;
    if (al && !(keys = calloc(1, sizeof *keys)))
        st = tm_error_nomem(err);
    if (st == TM_OK && al)
        st = alignment_keys(keys, src, tgt, al, err);
    pthread_mutex_lock(&lx->lock);
    if (st == TM_OK && al)
        count_shapes(lx, al);
    tm_status st2 = add_in_turn(lx, nth, st == TM_OK ? keys : NULL, err);
    pthread_mutex_unlock(&lx->lock);
    if (st != TM_OK && keys) {
        tm_buf_free(keys);
        free(keys);
    }
    return st != TM_OK ? st : st2;
}

tm_status tm_lexicon_add_alignment(tm_lexicon *lx, const tm_doc *src, const tm_doc *tgt,
                                   const tm_alignment *al, tm_error *err)
{
    tm_buf keys = TM_BUF_INIT;
    tm_status st = alignment_keys(&keys, src, tgt, al, err);
    if (st == TM_OK) {
        pthread_mutex_lock(&lx->lock);
        count_shapes(lx, al);
        st = add_keys_locked(lx, &keys, err);
        pthread_mutex_unlock(&lx->lock);
    }
    tm_buf_free(&keys);
    return st;
}

size_t tm_lexicon_pairs(const tm_lexicon *lx) { return lx->np; }

tm_status tm_lexicon_train(tm_lexicon *lx, tm_error *err)
{
    tm_m1_pair *sp = malloc((lx->np + 1) * sizeof *sp);
    if (!sp)
        return tm_error_nomem(err);
    size_t first = 0;
    for (size_t k = 0; k < lx->np; k++) {
        const span *p = &lx->pairs[k];
        sp[k] = (tm_m1_pair){lx->e.id + p->e, lx->f.id + p->f, p->ne, p->nf, (uint32_t)first};
        first += (size_t)(p->ne + 1) * p->nf;
    }
    tm_m1_free(&lx->tr);
    tm_status st = tm_m1_train(&lx->tr, sp, lx->np, first, lx->ve.n, lx->vf.n, err);
    free(sp);
    lx->ready = st == TM_OK && lx->np > 0;
    return st;
}

size_t tm_lexicon_size(const tm_lexicon *lx)
{
    return lx->ready ? lx->tr.start[lx->tr.ne] : 0;
}

/* ---- the file ------------------------------------------------------------------ */

tm_status tm_lexicon_save(const tm_lexicon *lx, const char *path, FILE *std_out, tm_error *err)
{
    tm_out out;
    tm_status st = tm_out_open(&out, path, std_out, err);
    if (st != TM_OK)
        return st;
    fprintf(out.fp, "%s\n", MAGIC);
    fprintf(out.fp, "# shapes");
    for (int k = 0; k < NSHAPES; k++)
        fprintf(out.fp, " %.0f", lx->shapes[k]);
    fputc('\n', out.fp);
    for (size_t f = 0; lx->ready && f < lx->tr.nf; f++)
        if (lx->tr.tnull[f] > 0)
            fprintf(out.fp, "\t%s\t%.9g\n", tm_vocab_word(&lx->vf, (uint32_t)f), lx->tr.tnull[f]);
    for (size_t e = 0; lx->ready && e < lx->tr.ne; e++)
        for (uint32_t q = lx->tr.start[e]; q < lx->tr.start[e + 1]; q++)
            fprintf(out.fp, "%s\t%s\t%.9g\n", tm_vocab_word(&lx->ve, (uint32_t)e),
                    tm_vocab_word(&lx->vf, lx->tr.f[q]), lx->tr.p[q]);
    return tm_out_close(&out, err);
}

typedef struct entry {
    uint32_t e, f; /* e == UINT32_MAX: t(f | NULL) */
    float p;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->e != y->e)
        return x->e < y->e ? -1 : 1;
    return x->p > y->p ? -1 : x->p < y->p;
}

static tm_status parse_entry(tm_lexicon *lx, const tm_line *l, const char *name, entry *out,
                             tm_error *err)
{
    const char *t1 = memchr(l->text, '\t', l->len);
    const char *t2 = t1 ? memchr(t1 + 1, '\t', l->len - (size_t)(t1 + 1 - l->text)) : NULL;
    if (!t2)
        return tm_error_at(err, TM_EDATA, name, l->lineno,
                           "expected SOURCE<TAB>TARGET<TAB>PROBABILITY");
    char *end;
    errno = 0;
    double p = strtod(t2 + 1, &end);
    if (errno || end == t2 + 1 || *end || !(p > 0 && p <= 1))
        return tm_error_at(err, TM_EDATA, name, l->lineno,
                           "the probability '%s' is not a number in (0, 1]", t2 + 1);
    if (t2 == t1 + 1)
        return tm_error_at(err, TM_EDATA, name, l->lineno, "empty target word");
    int64_t f = tm_vocab_id(&lx->vf, t1 + 1, (size_t)(t2 - t1 - 1), 1);
    int64_t e = t1 == l->text ? (int64_t)UINT32_MAX
                              : tm_vocab_id(&lx->ve, l->text, (size_t)(t1 - l->text), 1);
    if (e < 0 || f < 0)
        return tm_error_nomem(err);
    *out = (entry){(uint32_t)e, (uint32_t)f, (float)p};
    return TM_OK;
}

/* "# shapes N1 ... N8": the bead counts of the job, in align_internal.h's
 * shape order. */
static tm_status parse_shapes(tm_lexicon *lx, const tm_line *l, const char *name, tm_error *err)
{
    const char *p = l->text + 9;
    for (int k = 0; k < NSHAPES; k++) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (errno || end == p || !(v >= 0 && v < 1e15))
            return tm_error_at(err, TM_EDATA, name, l->lineno,
                               "expected '# shapes' and %d counts", NSHAPES);
        lx->shapes[k] = v;
        p = end;
    }
    while (*p == ' ')
        p++;
    if (*p)
        return tm_error_at(err, TM_EDATA, name, l->lineno, "expected '# shapes' and %d counts",
                           NSHAPES);
    return TM_OK;
}

/* Entries sorted by source word into the trained form. */
static tm_status entries_to_m1(tm_lexicon *lx, entry *en, size_t n, tm_error *err)
{
    qsort(en, n, sizeof *en, cmp_entry);
    tm_m1 *t = &lx->tr;
    t->ne = lx->ve.n;
    t->nf = lx->vf.n;
    t->start = calloc(t->ne + 2, sizeof *t->start);
    t->f = malloc((n + 1) * sizeof *t->f);
    t->p = malloc((n + 1) * sizeof *t->p);
    t->tnull = calloc(t->nf + 1, sizeof *t->tnull);
    if (!t->start || !t->f || !t->p || !t->tnull)
        return tm_error_nomem(err);
    size_t q = 0;
    for (size_t k = 0; k < n; k++) {
        if (en[k].e == UINT32_MAX) {
            t->tnull[en[k].f] = en[k].p;
            continue;
        }
        t->start[en[k].e + 1]++;
        t->f[q] = en[k].f;
        t->p[q++] = en[k].p;
    }
    for (size_t e = 0; e < t->ne; e++)
        t->start[e + 1] += t->start[e];
    lx->ready = 1;
    return TM_OK;
}

tm_status tm_lexicon_load(tm_lexicon **out, const char *path, tm_error *err)
{
    *out = NULL;
    tm_reader *r;
    tm_status st = tm_reader_open(&r, path, 0, err);
    if (st != TM_OK)
        return st;
    tm_lexicon *lx = NULL;
    entry *en = NULL;
    size_t n = 0, cap = 0;
    tm_line l;
    st = tm_lexicon_new(&lx, err);
    if (st == TM_OK && (st = tm_reader_next_line(r, &l, err)) == TM_OK &&
        (!l.text || strcmp(l.text, MAGIC) != 0))
        st = tm_error_at(err, TM_EDATA, tm_reader_name(r), 1,
                         "not a tmkit lexicon (its first line is not \"%s\")", MAGIC);
    while (st == TM_OK && (st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text) {
        if (strncmp(l.text, "# shapes ", 9) == 0) {
            st = parse_shapes(lx, &l, tm_reader_name(r), err);
            continue;
        }
        if (l.text[0] == '#')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            entry *p = realloc(en, cap * sizeof *p);
            if (!p) {
                st = tm_error_nomem(err);
                break;
            }
            en = p;
        }
        st = parse_entry(lx, &l, tm_reader_name(r), &en[n], err);
        n += st == TM_OK;
    }
    if (st == TM_OK)
        st = entries_to_m1(lx, en, n, err);
    tm_reader_free(r);
    free(en);
    if (st != TM_OK) {
        tm_lexicon_free(lx);
        return st;
    }
    *out = lx;
    return TM_OK;
}

/* ---- one document's view -------------------------------------------------------- */

tm_status tm_lexicon_project(const tm_lexicon *lx, const tm_vocab *ve, tm_vocab *vf, tm_m1 *out,
                             unsigned char *known_f, tm_error *err)
{
    memset(out, 0, sizeof *out);
    out->ne = ve->n;
    out->nf = vf->n;
    out->start = calloc(ve->n + 1, sizeof *out->start);
    out->tnull = calloc(vf->n + 1, sizeof *out->tnull);
    if (!out->start || !out->tnull)
        return tm_error_nomem(err);
    /* the job's ids of this document's words (the lookups only read) */
    tm_vocab *gve = (tm_vocab *)&lx->ve, *gvf = (tm_vocab *)&lx->vf;
    for (uint32_t f = 0; f < vf->n; f++) {
        const char *w = tm_vocab_word(vf, f);
        int64_t g = tm_vocab_id(gvf, w, strlen(w), 0);
        known_f[f] = g >= 0;
        if (g >= 0)
            out->tnull[f] = lx->tr.tnull[g];
    }
    size_t n = 0, cap = 0;
    for (uint32_t e = 0; e < ve->n; e++) {
        const char *w = tm_vocab_word(ve, e);
        int64_t g = tm_vocab_id(gve, w, strlen(w), 0);
        out->start[e] = (uint32_t)n;
        for (uint32_t q = g >= 0 ? lx->tr.start[g] : 0; g >= 0 && q < lx->tr.start[g + 1]; q++) {
            const char *fw = tm_vocab_word(gvf, lx->tr.f[q]);
            int64_t f = tm_vocab_id(vf, fw, strlen(fw), 0);
            if (f < 0)
                continue; /* a translation this document does not hold */
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                uint32_t *pf = realloc(out->f, cap * sizeof *pf);
                if (pf)
                    out->f = pf;
                float *pp = realloc(out->p, cap * sizeof *pp);
                if (pp)
                    out->p = pp;
                if (!pf || !pp)
                    return tm_error_nomem(err);
            }
            out->f[n] = (uint32_t)f;
            out->p[n++] = lx->tr.p[q];
        }
    }
    out->start[ve->n] = (uint32_t)n;
    return TM_OK;
}

int tm_lexicon_ready(const tm_lexicon *lx) { return lx && lx->ready; }

void tm_lexicon_shapes(const tm_lexicon *lx, double *count)
{
    for (int s = 0; s < NSHAPES; s++)
        count[s] = lx ? lx->shapes[s] : 0;
}
