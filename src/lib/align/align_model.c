/*
 * align_model.c — the cost of a bead (see align.h and docs/align.md).
 *
 * Costs are in nats, -log of a probability or of a likelihood ratio, so
 * the terms add and the forward-backward posteriors (align_dp.c) are
 * probabilities of the same model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align_internal.h"
#include "text/utf8.h"

const int tm_shape_src[NSHAPES] = {1, 1, 0, 2, 1, 2, 1, 3};
const int tm_shape_tgt[NSHAPES] = {1, 0, 1, 1, 2, 2, 3, 1};

int tm_shape_of(size_t a, size_t b)
{
    for (int s = 0; s < NSHAPES; s++)
        if ((size_t)tm_shape_src[s] == a && (size_t)tm_shape_tgt[s] == b)
            return s;
    return B11; /* (no other shape is ever searched) */
}

/* ---- the length term ------------------------------------------------------- */

/* -log(2 (1 - Phi(|d|))) = -log erfc(|d| / sqrt 2), tabulated per model
 * (no shared mutable state: alignments may run on many threads). */
void tm_length_table_init(double *tab)
{
    for (int k = 0; k < TM_LT_SIZE; k++)
        tab[k] = -log(erfc(k * TM_LT_STEP / sqrt(2.0)));
}

double tm_length_cost(const double *tab, double delta)
{
    double d = fabs(delta);
    if (d >= (TM_LT_SIZE - 2) * TM_LT_STEP) { /* tail: erfc(x) ~ exp(-x^2) / (x sqrt(pi)) */
        double x = d / sqrt(2.0);
        return x * x + log(x * sqrt(M_PI));
    }
    double pos = d / TM_LT_STEP;
    int k = (int)pos;
    double f = pos - k;
    return tab[k] * (1 - f) + tab[k + 1] * f;
}

/* ---- sides -------------------------------------------------------------------- */

void tm_side_free(side *sd)
{
    free(sd->cum);
    free(sd->key_off);
    free(sd->keys);
    free(sd->key_w);
    free(sd->key_sum);
    free(sd->bound);
    free(sd->tok_off);
    free(sd->toks);
    memset(sd, 0, sizeof *sd);
}

static tm_status build_keys(side *sd, const tm_doc *d, tm_error *err)
{
    tm_anchorer *an;
    tm_status st = tm_anchorer_new(&an, err);
    if (st != TM_OK)
        return st;
    size_t cap = 4 * sd->n + 16, total = 0;
    sd->keys = malloc(cap * sizeof *sd->keys);
    sd->key_off = malloc((sd->n + 1) * sizeof *sd->key_off);
    if (!sd->keys || !sd->key_off)
        st = tm_error_nomem(err);
    for (size_t i = 0; i < sd->n && st == TM_OK; i++) {
        size_t len, nk;
        const char *s = tm_doc_sentence(d, i, &len);
        const tm_key *k;
        if ((st = tm_anchors_extract(an, s, len, &k, &nk, err)) != TM_OK)
            break;
        if (total + nk > cap) {
            cap = 2 * (total + nk);
            tm_key *p = realloc(sd->keys, cap * sizeof *p);
            if (!p) {
                st = tm_error_nomem(err);
                break;
            }
            sd->keys = p;
        }
        sd->key_off[i] = (uint32_t)total;
        if (nk) /* (k may be NULL then: memcpy must not get it) */
            memcpy(sd->keys + total, k, nk * sizeof *k);
        total += nk;
    }
    if (st == TM_OK) {
        sd->key_off[sd->n] = (uint32_t)total;
        sd->key_w = calloc(total + 1, sizeof *sd->key_w);
        sd->key_sum = calloc(sd->n + 1, sizeof *sd->key_sum);
        if (!sd->key_w || !sd->key_sum)
            st = tm_error_nomem(err);
    }
    tm_anchorer_free(an);
    return st;
}

tm_status tm_side_build(side *sd, const tm_doc *d, tm_error *err)
{
    memset(sd, 0, sizeof *sd);
    sd->n = tm_doc_count(d);
    sd->cum = malloc((sd->n + 1) * sizeof *sd->cum);
    sd->bound = malloc(sd->n + 1);
    if (!sd->cum || !sd->bound)
        return tm_error_nomem(err);
    sd->cum[0] = 0;
    for (size_t i = 0; i < sd->n; i++) {
        size_t len;
        const char *s = tm_doc_sentence(d, i, &len);
        sd->cum[i + 1] = sd->cum[i] + (double)tm_utf8_count(s, len);
        sd->bound[i] = i == 0 || tm_doc_para(d, i) != tm_doc_para(d, i - 1);
    }
    sd->bound[sd->n] = 1;
    return build_keys(sd, d, err);
}

/* ---- key weights ---------------------------------------------------------------- */

/* Open-addressing table: key hash -> sentences holding it on each side. */
typedef struct df_entry {
    uint32_t hash;
    uint32_t df[2];
    int used;
} df_entry;

static df_entry *df_find(df_entry *tab, size_t mask, uint32_t h)
{
    size_t i = h & mask;
    while (tab[i].used && tab[i].hash != h)
        i = (i + 1) & mask;
    return &tab[i];
}

static void df_count(df_entry *tab, size_t mask, const side *sd, int which)
{
    for (size_t i = 0; i < sd->n; i++)
        for (uint32_t k = sd->key_off[i]; k < sd->key_off[i + 1]; k++) {
            if (k > sd->key_off[i] && sd->keys[k].hash == sd->keys[k - 1].hash)
                continue; /* once per sentence */
            df_entry *e = df_find(tab, mask, sd->keys[k].hash);
            e->used = 1;
            e->hash = sd->keys[k].hash;
            e->df[which]++;
        }
}

/* A key shared by one sentence on each side is strong evidence; one that
 * recurs in many sentences (a year, the province's name) is weak. */
static void df_weigh(const df_entry *tab, size_t mask, const model *m, side *sd)
{
    for (size_t k = 0; k < sd->key_off[sd->n]; k++) {
        const df_entry *e = df_find((df_entry *)tab, mask, sd->keys[k].hash);
        double spread = (double)(e->df[0] + e->df[1]);
        double w = m->w_type[sd->keys[k].type];
        sd->key_w[k] = (float)(spread > 2 ? w * 2.0 / spread : w);
    }    for (size_t i = 0; i < sd->n; i++) {
        double sum = 0;
        for (uint32_t k = sd->key_off[i]; k < sd->key_off[i + 1]; k++)
            sum += sd->key_w[k];
        sd->key_sum[i] = (float)sum;
    }
}

tm_status tm_model_weigh_keys(model *m, tm_error *err)
{
    size_t total = m->s.key_off[m->s.n] + m->t.key_off[m->t.n];
    size_t size = 16;
    while (size < 2 * total + 16)
        size *= 2;
    df_entry *tab = calloc(size, sizeof *tab);
    if (!tab)
        return tm_error_nomem(err);
    df_count(tab, size - 1, &m->s, 0);
    df_count(tab, size - 1, &m->t, 1);
    df_weigh(tab, size - 1, m, &m->s);
    df_weigh(tab, size - 1, m, &m->t);
    free(tab);
    return TM_OK;
}

/* ---- evidence ------------------------------------------------------------------------ */

#define MAX_GATHER 256

typedef struct keyset {
    uint32_t hash[MAX_GATHER];
    float w[MAX_GATHER];
    size_t n;
} keyset;

/* Keys of sentences [a, b) in hash order: each sentence's keys are sorted,
 * so merge them in (two or three short runs). */
static void gather(const side *sd, size_t a, size_t b, keyset *ks)
{
    ks->n = 0;
    for (size_t i = a; i < b; i++) {
        uint32_t k = sd->key_off[i], ke = sd->key_off[i + 1];
        if (ke - k > MAX_GATHER - ks->n)
            ke = k + (uint32_t)(MAX_GATHER - ks->n);
        /* merge [0, ks->n) with keys [k, ke) from the back */
        size_t x = ks->n, y = ke - k, o = x + y;
        ks->n = o;
        while (y > 0) {
            uint32_t hy = sd->keys[k + y - 1].hash;
            if (x > 0 && ks->hash[x - 1] > hy) {
                ks->hash[--o] = ks->hash[x - 1];
                ks->w[o] = ks->w[--x];
            } else {
                ks->hash[--o] = hy;
                ks->w[o] = sd->key_w[k + --y];
            }
        }
    }
}

static double intersect(const uint32_t *ha, const float *wa, size_t na, const uint32_t *hb,
                        const float *wb, size_t nb)
{
    double sum = 0;
    size_t x = 0, y = 0;
    while (x < na && y < nb) {
        if (ha[x] == hb[y]) {
            sum += wa[x] < wb[y] ? wa[x] : wb[y];
            x++;
            y++;
        } else if (ha[x] < hb[y]) {
            x++;
        } else {
            y++;
        }
    }
    return sum;
}

/* The search asks for the same few ranges over and over (the source
 * ranges of one row, the target ranges of one cell): keep the last few. */
#define KC_SLOTS 4

typedef struct kc_side {
    keyset set[KC_SLOTS];
    size_t a[KC_SLOTS], b[KC_SLOTS];
    int next;
} kc_side;

struct keycache {
    kc_side side[2];
};

keycache *tm_keycache_new(void)
{
    keycache *kc = calloc(1, sizeof *kc);
    if (kc)
        for (int s = 0; s < 2; s++)
            for (int k = 0; k < KC_SLOTS; k++)
                kc->side[s].a[k] = kc->side[s].b[k] = SIZE_MAX;
    return kc;
}

void tm_keycache_free(keycache *kc) { free(kc); }

static const keyset *gathered(keycache *kc, int which, const side *sd, size_t a, size_t b)
{
    kc_side *c = &kc->side[which];
    for (int k = 0; k < KC_SLOTS; k++)
        if (c->a[k] == a && c->b[k] == b)
            return &c->set[k];
    int k = c->next;
    c->next = (c->next + 1) % KC_SLOTS;
    gather(sd, a, b, &c->set[k]);
    c->a[k] = a;
    c->b[k] = b;
    return &c->set[k];
}

static double evidence(const model *m, size_t i0, size_t i1, size_t j0, size_t j1)
{
    const side *s = &m->s, *t = &m->t;
    if (s->key_off[i0] == s->key_off[i1] || t->key_off[j0] == t->key_off[j1])
        return 0;
    if (i1 - i0 == 1 && j1 - j0 == 1) {
        /* keys are stored sorted per sentence: intersect in place */
        double sum = 0;
        uint32_t x = s->key_off[i0], xe = s->key_off[i1], y = t->key_off[j0], ye = t->key_off[j1];
        while (x < xe && y < ye) {
            uint32_t hx = s->keys[x].hash, hy = t->keys[y].hash;
            if (hx == hy) {
                sum += s->key_w[x] < t->key_w[y] ? s->key_w[x] : t->key_w[y];
                x++;
                y++;
            } else if (hx < hy) {
                x++;
            } else {
                y++;
            }
        }
        return sum;
    }
    const keyset *a = gathered(m->keys, 0, s, i0, i1), *b = gathered(m->keys, 1, t, j0, j1);
    return intersect(a->hash, a->w, a->n, b->hash, b->w, b->n);
}

/* ---- the bead --------------------------------------------------------------------------- */

/* Weight of a key of a sentence that the other side of its bead lacks,
 * against the sentence's support (a fraction of what sharing it earns:
 * names and numbers are not always written alike in both languages). */
#define UNMATCHED 0.5

static double length_cost(const model *m, double l1, double l2)
{
    double mean = (l1 + l2 / m->c) / 2;
    if (mean < 1)
        mean = 1;
    return tm_length_cost(m->lentab, (l2 - m->c * l1) / sqrt(m->s2 * mean));
}

/* A sentence on the many-sentence side of a bead must earn its place.
 * Its support is the evidence that the other side translates it: the
 * anchors it shares with that side, its lexical ratio against that side,
 * and how much worse the length term would be without it. With no support
 * at all the bead pays what leaving the sentence alone would have saved,
 * plus one nat (m->unsup_*, per shape: a 1-3 bead is rarer than a 1-2), so a short line of debris glued to a
 * neighbour (which changes the length too little for the length term to
 * object) is left alone; support s > 0 discounts the penalty by exp(-s). */
static double unsupported(const model *m, int shape, int src_side, size_t x, size_t i0, size_t i1,
                          size_t j0, size_t j1, double lc, double lexsup)
{
    double l1 = m->s.cum[i1] - m->s.cum[i0], l2 = m->t.cum[j1] - m->t.cum[j0];
    double sup = m->lex_w * lexsup;
    const side *sd = src_side ? &m->s : &m->t;
    double without = src_side ? length_cost(m, l1 - (sd->cum[x + 1] - sd->cum[x]), l2)
                              : length_cost(m, l1, l2 - (sd->cum[x + 1] - sd->cum[x]));
    if (without > lc)
        sup += without - lc;
    if (sup > 8) /* the length alone says it belongs here: the penalty would be < 1e-3 */
        return 0;
    if (sd->key_off[x] < sd->key_off[x + 1]) {
        double shared = src_side ? evidence(m, x, x + 1, j0, j1) : evidence(m, i0, i1, x, x + 1);
        double own = sd->key_sum[x];
        /* a name or number the other side does not have speaks against */
        sup += shared - UNMATCHED * (own > shared ? own - shared : 0);
    }
    double pen = src_side ? m->unsup_s[shape] : m->unsup_t[shape];
    return sup > 0 ? pen * exp(-sup) : pen;
}

double tm_bead_cost_sup(const model *m, size_t i, size_t j, int shape, double lex,
                        const double *sup_s, const double *sup_t)
{
    int a = tm_shape_src[shape], b = tm_shape_tgt[shape];
    size_t i0 = i - (size_t)a, j0 = j - (size_t)b;
    double cost = m->prior[shape];
    if (a && b) {
        double lc = length_cost(m, m->s.cum[i] - m->s.cum[i0], m->t.cum[j] - m->t.cum[j0]);
        cost += lc;
        cost -= evidence(m, i0, i, j0, j);
        cost -= m->lex_w * lex;
        if (a > 1)
            for (size_t x = i0; x < i; x++)
                cost += unsupported(m, shape, 1, x, i0, i, j0, j, lc, sup_s ? sup_s[x - i0] : 0);
        if (b > 1)
            for (size_t y = j0; y < j; y++)
                cost += unsupported(m, shape, 0, y, i0, i, j0, j, lc, sup_t ? sup_t[y - j0] : 0);
    }
    if (m->s.bound[i0] != m->t.bound[j0])
        cost += m->para_pen;
    for (size_t k = i0 + 1; k < i; k++)
        cost += m->s.bound[k] * m->cross_pen;
    for (size_t k = j0 + 1; k < j; k++)
        cost += m->t.bound[k] * m->cross_pen;
    return cost;
}

double tm_bead_cost_bound(const model *m, size_t i, size_t j, int shape, double lex_ub)
{
    int a = tm_shape_src[shape], b = tm_shape_tgt[shape];
    size_t i0 = i - (size_t)a, j0 = j - (size_t)b;
    double cost = m->prior[shape];
    if (a && b) {
        cost += length_cost(m, m->s.cum[i] - m->s.cum[i0], m->t.cum[j] - m->t.cum[j0]);
        double ks = 0, kt = 0; /* shared keys weigh at most what either side holds */
        for (size_t x = i0; x < i; x++)
            ks += m->s.key_sum[x];
        for (size_t y = j0; y < j; y++)
            kt += m->t.key_sum[y];
        cost -= (ks < kt ? ks : kt) + m->lex_w * lex_ub;
    }
    return cost;
}

double tm_bead_cost_nolex(const model *m, size_t i, size_t j, int shape)
{
    return tm_bead_cost_sup(m, i, j, shape, 0, NULL, NULL);
}
