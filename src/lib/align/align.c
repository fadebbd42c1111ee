/*
 * align.c — the aligner's driver: build the model from the two documents,
 * search once, re-estimate what the first alignment tells about this
 * document pair (length ratio and variance, bead-shape frequencies, word
 * translations), search again.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "align_internal.h"

/* Gale & Church's bead-shape frequencies (1993, table 5), split evenly
 * between the two directions, plus 1-3/3-1 for long merges. */
/* A job's shape frequencies replace Gale & Church's once it has seen this
 * many beads, with the weight of JOB_WEIGHT beads. */
#define JOB_BEADS 500
#define JOB_WEIGHT 200.0

static const double gc_prior[NSHAPES] = {0.89, 0.0099, 0.0099, 0.0445, 0.0445, 0.011,
                                         0.002, 0.002};

/* Anchor weights in nats per shared key, before spreading by frequency. */
static const double key_weights[TM_KEY_NTYPES] = {
    [TM_KEY_NUMBER] = 2.5, [TM_KEY_NAME] = 1.5, [TM_KEY_URL] = 3.0, [TM_KEY_PUNCT] = 0.7};

void tm_alignment_free(tm_alignment *a)
{
    free(a->beads);
    memset(a, 0, sizeof *a);
}

static size_t count_bounds(const side *sd)
{
    size_t k = 0;
    for (size_t i = 0; i < sd->n; i++)
        k += sd->bound[i];
    return k;
}

static void set_priors(model *m, const double *p)
{
    double sum = 0;
    for (int s = 0; s < NSHAPES; s++)
        sum += p[s];
    for (int s = 0; s < NSHAPES; s++)
        m->prior[s] = -log(p[s] / sum);
    /* what leaving an unsupported sentence of a bead alone (a bead one
     * sentence smaller, and the sentence in its own 1-0 or 0-1) saves
     * over keeping it, plus a nat: such a sentence is better off alone */
    for (int s = 0; s < NSHAPES; s++) {
        int a = tm_shape_src[s], b = tm_shape_tgt[s];
        m->unsup_s[s] = m->unsup_t[s] = 0;
        if (a > 1 && b > 0) {
            double d = m->prior[B10] + m->prior[tm_shape_of((size_t)a - 1, (size_t)b)] - m->prior[s];
            m->unsup_s[s] = (d > 0 ? d : 0) + 1.0;
        }
        if (b > 1 && a > 0) {
            double d = m->prior[B01] + m->prior[tm_shape_of((size_t)a, (size_t)b - 1)] - m->prior[s];
            m->unsup_t[s] = (d > 0 ? d : 0) + 1.0;
        }
    }
}

/* ---- both sides at once ---------------------------------------------------- */

typedef struct side_task {
    tm_status (*fn)(void *ctx, int which, tm_error *err);
    void *ctx;
    tm_error err;
    tm_status st;
} side_task;

static void *side_task_run(void *arg)
{
    side_task *t = arg;
    t->st = t->fn(t->ctx, 1, &t->err);
    return NULL;
}

tm_status tm_align_both(tm_status (*fn)(void *ctx, int which, tm_error *err), void *ctx,
                        tm_error *err)
{
    side_task t = {fn, ctx, {TM_OK, {0}}, TM_OK};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, side_task_run, &t) == 0;
    if (!threaded)
        side_task_run(&t);
    tm_status st = fn(ctx, 0, err);
    if (threaded)
        pthread_join(th, NULL);
    if (st == TM_OK && t.st != TM_OK) {
        *err = t.err;
        st = t.st;
    }
    return st;
}

typedef struct build_ctx {
    model *m;
    const tm_doc *doc[2];
} build_ctx;

static tm_status build_side(void *ctx, int which, tm_error *err)
{
    build_ctx *b = ctx;
    return tm_side_build(which ? &b->m->t : &b->m->s, b->doc[which], err);
}

static tm_status init_model(model *m, const tm_doc *src, const tm_doc *tgt, tm_error *err)
{
    tm_length_table_init(m->lentab);
    if (!(m->keys = tm_keycache_new()))
        return tm_error_nomem(err);
    build_ctx b = {m, {src, tgt}};
    tm_status st = tm_align_both(build_side, &b, err);
    if (st != TM_OK)
        return st;
    memcpy(m->w_type, key_weights, sizeof key_weights);
    if ((st = tm_model_weigh_keys(m, err)) != TM_OK)
        return st;
    m->c = m->s.cum[m->s.n] > 0 ? m->t.cum[m->t.n] / m->s.cum[m->s.n] : 1.0;
    if (m->c <= 0)
        m->c = 1.0;
    m->s2 = 6.8;
    set_priors(m, gc_prior);
    /* Paragraph boundaries are evidence only as far as both sides have a
     * comparable paragraph structure: the breaks inside the documents,
     * counted on each side (a text without breaks has none: its start and
     * end say nothing). */
    double ps = (double)count_bounds(&m->s) - 1, pt = (double)count_bounds(&m->t) - 1;
    double r = ps <= 0 || pt <= 0 ? 0 : ps < pt ? ps / pt : pt / ps;
    m->para_pen = 3.0 * r * r;
    m->cross_pen = 4.0 * r;
    return TM_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* c and s2 from the confident 1-1 beads of a first pass (residuals beyond
 * the 95th percentile dropped, so a few misaligned beads cannot inflate
 * the variance). */
static void reestimate_length(model *m, const tm_bead *b, size_t n)
{
    double sl = 0, tl = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i].nsrc == 1 && b[i].ntgt == 1 && b[i].score >= 0.5) {
            sl += m->s.cum[b[i].src + 1] - m->s.cum[b[i].src];
            tl += m->t.cum[b[i].tgt + 1] - m->t.cum[b[i].tgt];
            k++;
        }
    if (k < 8 || sl <= 0)
        return;
    double c = tl / sl;
    double *r = malloc(k * sizeof *r);
    if (!r)
        return;
    size_t q = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i].nsrc == 1 && b[i].ntgt == 1 && b[i].score >= 0.5) {
            double l1 = m->s.cum[b[i].src + 1] - m->s.cum[b[i].src];
            double l2 = m->t.cum[b[i].tgt + 1] - m->t.cum[b[i].tgt];
            double mean = (l1 + l2 / c) / 2;
            r[q++] = (l2 - c * l1) * (l2 - c * l1) / (mean < 1 ? 1 : mean);
        }
    if (q > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(r, q, sizeof *r, cmp_double);
    size_t keep = q - q / 20;
    double sum = 0;
    for (size_t a = 0; a < keep; a++)
        sum += r[a];
    free(r);
    double s2 = sum / (double)keep;
    m->c = c;
    if (s2 > 0.5)
        m->s2 = s2;
}

/* Shape frequencies of this document pair, smoothed toward Gale & Church
 * with the weight of 50 beads. */
static void reestimate_priors(model *m, const tm_bead *b, size_t n, const tm_lexicon *job)
{
    double count[NSHAPES] = {0}, jobc[NSHAPES], jobn = 0;
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < NSHAPES; s++)
            if (tm_shape_src[s] == (int)b[i].nsrc && tm_shape_tgt[s] == (int)b[i].ntgt)
                count[s] += 1;
    tm_lexicon_shapes(job, jobc);
    for (int s = 0; s < NSHAPES; s++)
        jobn += jobc[s];
    /* The pseudo-beads: Gale & Church's frequencies, or, in a job that has
     * aligned many pairs, that job's own (a short pair says little). */
    double p[NSHAPES];
    for (int s = 0; s < NSHAPES; s++)
        p[s] = count[s] + (jobn >= JOB_BEADS ? JOB_WEIGHT * (jobc[s] + 1) / (jobn + NSHAPES)
                                             : 50.0 * gc_prior[s]);
    set_priors(m, p);
}

static void summarize(tm_alignment *out, const tm_bead *b, size_t n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i].nsrc && b[i].ntgt) {
            sum += b[i].score;
            k++;
        }
    out->mean_score = k ? sum / (double)k : 0;
}

static tm_status second_pass(model *m, const tm_doc *src, const tm_doc *tgt,
                             const tm_align_opts *o, tm_bead *first, size_t nfirst,
                             lexicon **lex, tm_error *err)
{
    reestimate_length(m, first, nfirst);
    reestimate_priors(m, first, nfirst, o->lexicon);
    if (!o->lexical && !o->dict && !o->lexicon)
        return TM_OK;
    tm_status st = tm_lex_build(lex, m, src, tgt, first, nfirst, o->dict, o->lexicon, err);
    if (st == TM_OK && *lex) {
        m->lex = *lex;
        m->lex_w = 0.5;
    }
    return st;
}

tm_status tm_align(const tm_doc *src, const tm_doc *tgt, const tm_align_opts *opts,
                   tm_alignment *out, tm_error *err)
{
    memset(out, 0, sizeof *out);
    tm_align_opts defaults = TM_ALIGN_OPTS_INIT;
    const tm_align_opts *o = opts ? opts : &defaults;
    if (tm_doc_count(src) == 0 || tm_doc_count(tgt) == 0)
        return tm_error_set(err, TM_EDATA, "nothing to align: the %s side has no sentence",
                            tm_doc_count(src) == 0 ? "source" : "target");
    model *m = calloc(1, sizeof *m);
    if (!m)
        return tm_error_nomem(err);
    lexicon *lex = NULL;
    tm_bead *first = NULL;
    size_t nfirst = 0, band = 0;
    tm_status st = init_model(m, src, tgt, err);
    if (st == TM_OK)
        st = tm_align_search(m, NULL, 0, &first, &nfirst, &band, err);
    if (st == TM_OK)
        st = second_pass(m, src, tgt, o, first, nfirst, &lex, err);
    if (st == TM_OK)
        st = tm_align_search(m, first, nfirst, &out->beads, &out->n, &out->band, err);
    if (st == TM_OK) {
        out->c = m->c;
        out->s2 = m->s2;
        summarize(out, out->beads, out->n);
    }
    free(first);
    tm_lex_free(lex);
    tm_side_free(&m->s);
    tm_side_free(&m->t);
    tm_keycache_free(m->keys);
    free(m);
    return st;
}
