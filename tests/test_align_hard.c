/*
 * test_align_hard.c — the aligner on hard made-up pairs, one mechanism at a
 * time: a long pair whose path drifts far from the diagonal (the
 * coarse-to-fine search), a sentence missing at the start, in the middle
 * and at the end, a line of untranslated debris, the lexicon learned
 * across a job helping pairs too short to teach one, and the lexicon file.
 *
 * The pairs come from a small made-up language pair: a source word is a
 * few syllables, its translation is the word reversed with a suffix, and a
 * target sentence translates its source sentence word by word with a few
 * function words added. Sentences are one per line, without paragraphs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "tmkit.h"

/* ---- the made-up language pair ------------------------------------------------ */

#define VOCAB 400

static const char *const SYL[] = {"ba", "lo", "ki", "mu", "ne", "ta", "so", "ri",
                                  "vu", "che", "pan", "dor", "mi", "qua", "hy", "tin"};

static void src_word(unsigned w, char *out)
{
    out[0] = '\0';
    unsigned n = 1 + w % 3; /* 1-3 syllables */
    for (unsigned k = 0; k < n; k++, w /= 16)
        strcat(out, SYL[w % 16]);
}

static void tgt_word(unsigned w, char *out)
{
    char s[32];
    src_word(w, s);
    size_t n = strlen(s);
    for (size_t k = 0; k < n; k++)
        out[k] = s[n - 1 - k];
    out[n] = '\0';
    strcat(out, (const char *[]){"", "e", "es"}[w % 3]);
}

typedef struct sent {
    char src[512], tgt[600];
} sent;

/* Sentence k of a text drawn with seed: 6-24 words, words from a window of
 * the vocabulary that moves with the text (a topic), a number one time in
 * three. */
static void make_sent(unsigned *seed, sent *s)
{
    unsigned n = 6 + (unsigned)rand_r(seed) % 19, topic = (unsigned)rand_r(seed) % VOCAB;
    int number = rand_r(seed) % 3 == 0;
    unsigned num = 10 + (unsigned)rand_r(seed) % 9000;
    s->src[0] = s->tgt[0] = '\0';
    for (unsigned k = 0; k < n; k++) {
        unsigned w = (topic + (unsigned)rand_r(seed) % 60) % VOCAB;
        char a[32], b[40];
        src_word(w, a);
        tgt_word(w, b);
        if (k == 0) { /* capitalized first word */
            a[0] = (char)(a[0] - 32);
            b[0] = (char)(b[0] - 32);
        }
        strcat(strcat(s->src, k ? " " : ""), a);
        strcat(strcat(s->tgt, k ? " " : ""), b);
        if (rand_r(seed) % 4 == 0)
            strcat(s->tgt, " le");
        if (number && k == n / 2) {
            char d[16];
            snprintf(d, sizeof d, " %u", num);
            strcat(s->src, d);
            strcat(s->tgt, d);
        }
    }
    strcat(s->src, ".");
    strcat(s->tgt, ".");
}

static tm_doc *new_doc(void)
{
    tm_doc *d;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_doc_new(&d, &err), TM_OK);
    return d;
}

static void add(tm_doc *d, const char *s)
{
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_doc_add(d, s, strlen(s), 0, &err), TM_OK);
}

/* A pair of n sentences; target sentences listed in drop[] are left out
 * (their source sentence has no counterpart). */
static void make_pair(unsigned seed, size_t n, const size_t *drop, size_t ndrop, tm_doc **s,
                      tm_doc **t)
{
    *s = new_doc();
    *t = new_doc();
    for (size_t i = 0; i < n; i++) {
        sent x;
        make_sent(&seed, &x);
        add(*s, x.src);
        int dropped = 0;
        for (size_t k = 0; k < ndrop; k++)
            dropped |= drop[k] == i;
        if (!dropped)
            add(*t, x.tgt);
    }
}

static tm_alignment align_ok(const tm_doc *s, const tm_doc *t, const tm_align_opts *o)
{
    tm_alignment al;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_align(s, t, o, &al, &err) == TM_OK, "%s", err.msg);
    return al;
}

/* The bead that holds source sentence i. */
static const tm_bead *bead_of(const tm_alignment *al, size_t i)
{
    for (size_t k = 0; k < al->n; k++)
        if (al->beads[k].nsrc && i >= al->beads[k].src && i < al->beads[k].src + al->beads[k].nsrc)
            return &al->beads[k];
    ck_abort_msg("source sentence %zu is in no bead", i);
    return NULL;
}

/* Beads right, given which target sentences were dropped: source i pairs
 * with target i - (drops before i), alone when dropped. */
static double fraction_right(const tm_alignment *al, size_t n, const size_t *drop, size_t ndrop)
{
    size_t right = 0;
    for (size_t i = 0; i < n; i++) {
        size_t before = 0;
        int dropped = 0;
        for (size_t k = 0; k < ndrop; k++) {
            before += drop[k] < i;
            dropped |= drop[k] == i;
        }
        const tm_bead *b = bead_of(al, i);
        right += dropped ? b->nsrc == 1 && b->ntgt == 0
                         : b->nsrc == 1 && b->ntgt == 1 && b->tgt == i - before;
    }
    return (double)right / (double)n;
}

/* ---- drift: the coarse-to-fine search ----------------------------------------- */

/* 3,000 sentences, 150 of them missing on the target side within the
 * first tenth: from there on the true path runs 150 sentences off the
 * diagonal, far outside any band around it. */
START_TEST(test_drift_far_from_diagonal)
{
    size_t n = 3000, ndrop = 150;
    size_t *drop = malloc(ndrop * sizeof *drop);
    for (size_t k = 0; k < ndrop; k++)
        drop[k] = 20 + 2 * k;
    tm_doc *s, *t;
    make_pair(7, n, drop, ndrop, &s, &t);
    tm_alignment al = align_ok(s, t, NULL);
    double ok = fraction_right(&al, n, drop, ndrop);
    ck_assert_msg(ok >= 0.98, "only %.3f of the beads are right", ok);
    ck_assert_msg(al.band <= 64, "the final band grew to %zu", al.band);
    tm_alignment_free(&al);
    tm_doc_free(s);
    tm_doc_free(t);
    free(drop);
}
END_TEST

/* ---- omissions ------------------------------------------------------------------ */

/* One target sentence missing: at the start, in the middle, at the end. */
START_TEST(test_omission_found)
{
    size_t n = 30, where[] = {0, 15, 29};
    size_t drop = where[_i];
    tm_doc *s, *t;
    make_pair(100 + (unsigned)_i, n, &drop, 1, &s, &t);
    tm_alignment al = align_ok(s, t, NULL);
    const tm_bead *b = bead_of(&al, drop);
    ck_assert_msg(b->nsrc == 1 && b->ntgt == 0,
                  "source %zu (its translation missing) is in a %zu-%zu bead", drop, b->nsrc,
                  b->ntgt);
    ck_assert_double_ge(fraction_right(&al, n, &drop, 1), 0.96);
    tm_alignment_free(&al);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

/* A short untranslated line on the target side is left alone, not glued
 * onto a neighbour (whose length it changes too little to notice). */
START_TEST(test_boilerplate_alone)
{
    static const char *const debris[] = {"Partager cet article", "Publicité",
                                         "Lire aussi : Zorbal Kitu"};
    unsigned seed = 200 + (unsigned)_i;
    tm_doc *s = new_doc(), *t = new_doc();
    size_t n = 20, at = 5 + 4 * (size_t)_i;
    for (size_t i = 0; i < n; i++) {
        sent x;
        make_sent(&seed, &x);
        add(s, x.src);
        if (i == at)
            add(t, debris[_i]);
        add(t, x.tgt);
    }
    tm_alignment al = align_ok(s, t, NULL);
    int alone = 0;
    for (size_t k = 0; k < al.n; k++)
        if (al.beads[k].ntgt && al.beads[k].tgt <= at && at < al.beads[k].tgt + al.beads[k].ntgt)
            alone = al.beads[k].nsrc == 0 && al.beads[k].ntgt == 1;
    ck_assert_msg(alone, "the line \"%s\" is glued to a sentence", debris[_i]);
    tm_alignment_free(&al);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

/* ---- the lexicon of a job ------------------------------------------------------- */

static tm_lexicon *learn_from(unsigned seed0, size_t docs, size_t n)
{
    tm_lexicon *lx;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_lexicon_new(&lx, &err), TM_OK);
    for (size_t d = 0; d < docs; d++) {
        tm_doc *s, *t;
        make_pair(seed0 + (unsigned)d, n, NULL, 0, &s, &t);
        tm_alignment al = align_ok(s, t, NULL);
        ck_assert_int_eq(tm_lexicon_add_alignment(lx, s, t, &al, &err), TM_OK);
        tm_alignment_free(&al);
        tm_doc_free(s);
        tm_doc_free(t);
    }
    ck_assert_msg(tm_lexicon_train(lx, &err) == TM_OK, "%s", err.msg);
    return lx;
}

/* Sentences that length and anchors cannot tell apart: each is two words
 * drawn from one topic, and every target has one more function word. Only
 * the words say which target translates which source. */
static void make_ambiguous(unsigned seed, size_t n, size_t drop, tm_doc **s, tm_doc **t)
{
    *s = new_doc();
    *t = new_doc();
    for (size_t i = 0; i < n; i++) {
        char a[128] = "", b[160] = "";
        for (int k = 0; k < 4; k++) {
            char x[32], y[40];
            unsigned w = (unsigned)rand_r(&seed) % VOCAB;
            src_word(w, x);
            tgt_word(w, y);
            strcat(strcat(a, k ? " " : ""), x);
            strcat(strcat(b, k ? " " : ""), y);
        }
        strcat(a, ".");
        strcat(b, " le.");
        add(*s, a);
        if (i != drop)
            add(*t, b);
    }
}

START_TEST(test_job_lexicon_helps_short_pairs)
{
    tm_lexicon *lx = learn_from(500, 60, 40);
    ck_assert_uint_gt(tm_lexicon_size(lx), 100);
    size_t better = 0, worse = 0, n = 12;
    for (unsigned d = 0; d < 10; d++) {
        size_t drop = 3 + d % 6;
        tm_doc *s, *t;
        make_ambiguous(900 + d, n, drop, &s, &t);
        tm_alignment alone = align_ok(s, t, NULL);
        tm_align_opts o = TM_ALIGN_OPTS_INIT;
        o.lexicon = lx;
        tm_alignment job = align_ok(s, t, &o);
        double a = fraction_right(&alone, n, &drop, 1), j = fraction_right(&job, n, &drop, 1);
        better += j > a;
        worse += j < a;
        ck_assert_msg(j >= 0.9, "pair %u with the job's lexicon: %.2f right", d, j);
        tm_alignment_free(&alone);
        tm_alignment_free(&job);
        tm_doc_free(s);
        tm_doc_free(t);
    }
    ck_assert_msg(better > worse, "the job's lexicon helped %zu pairs and hurt %zu", better,
                  worse);
    tm_lexicon_free(lx);
}
END_TEST

static char *tmp_path(void)
{
    static char p[64];
    strcpy(p, "/tmp/tmkit-lex-XXXXXX");
    int fd = mkstemp(p);
    ck_assert_int_ge(fd, 0);
    close(fd);
    return p;
}

START_TEST(test_lexicon_file_round_trip)
{
    tm_lexicon *lx = learn_from(700, 20, 30), *back;
    tm_error err = {TM_OK, ""};
    char *path = tmp_path();
    ck_assert_int_eq(tm_lexicon_save(lx, path, stdout, &err), TM_OK);
    ck_assert_msg(tm_lexicon_load(&back, path, &err) == TM_OK, "%s", err.msg);
    ck_assert_uint_eq(tm_lexicon_size(back), tm_lexicon_size(lx));
    tm_doc *s, *t;
    size_t drop = 5;
    make_ambiguous(42, 12, drop, &s, &t);
    tm_align_opts o1 = TM_ALIGN_OPTS_INIT, o2 = TM_ALIGN_OPTS_INIT;
    o1.lexicon = lx;
    o2.lexicon = back;
    tm_alignment a1 = align_ok(s, t, &o1), a2 = align_ok(s, t, &o2);
    ck_assert_uint_eq(a1.n, a2.n);
    for (size_t k = 0; k < a1.n; k++) {
        ck_assert_uint_eq(a1.beads[k].src, a2.beads[k].src);
        ck_assert_uint_eq(a1.beads[k].tgt, a2.beads[k].tgt);
        ck_assert_double_eq_tol(a1.beads[k].score, a2.beads[k].score, 1e-3);
    }
    tm_alignment_free(&a1);
    tm_alignment_free(&a2);
    tm_doc_free(s);
    tm_doc_free(t);
    tm_lexicon_free(lx);
    tm_lexicon_free(back);
    unlink(path);
}
END_TEST

START_TEST(test_lexicon_file_errors)
{
    static const struct {
        const char *text, *what;
        unsigned long line;
    } bad[] = {
        {"bad\n", "not a tmkit lexicon", 1},
        {"# tmkit lexicon 1\nab\tba\n", "expected SOURCE<TAB>TARGET<TAB>PROBABILITY", 2},
        {"# tmkit lexicon 1\nab\tba\t0.5\nab\tba\t1.5\n", "not a number in (0, 1]", 3},
        {"# tmkit lexicon 1\nab\t\t0.5\n", "empty target word", 2},
        {"# tmkit lexicon 1\n# shapes 10 2 x\n", "expected '# shapes' and 8 counts", 2},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *path = tmp_path();
        FILE *fp = fopen(path, "w");
        fputs(bad[k].text, fp);
        fclose(fp);
        tm_lexicon *lx = NULL;
        tm_error err = {TM_OK, ""};
        ck_assert_int_eq(tm_lexicon_load(&lx, path, &err), TM_EDATA);
        ck_assert_ptr_null(lx);
        char where[128];
        snprintf(where, sizeof where, "%s:%lu: ", path, bad[k].line);
        ck_assert_msg(strstr(err.msg, where) && strstr(err.msg, bad[k].what), "case %zu: %s", k,
                      err.msg);
        unlink(path);
    }
}
END_TEST

/* Pairs added out of order with their numbers give the lexicon that adding
 * them in order gives: a batch's does not depend on which worker finished
 * first. A pair that teaches nothing (NULL) still takes its turn. */
START_TEST(test_lexicon_order_of_pairs)
{
    enum { DOCS = 6 };
    tm_doc *s[DOCS], *t[DOCS];
    tm_alignment al[DOCS];
    tm_lexicon *inorder, *shuffled;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_lexicon_new(&inorder, &err), TM_OK);
    ck_assert_int_eq(tm_lexicon_new(&shuffled, &err), TM_OK);
    for (int d = 0; d < DOCS; d++) {
        make_pair(800 + (unsigned)d, 25, NULL, 0, &s[d], &t[d]);
        al[d] = align_ok(s[d], t[d], NULL);
        if (d != 2)
            ck_assert_int_eq(tm_lexicon_add_alignment(inorder, s[d], t[d], &al[d], &err), TM_OK);
    }
    static const int order[DOCS] = {5, 3, 2, 0, 4, 1};
    for (int k = 0; k < DOCS; k++) {
        int d = order[k];
        ck_assert_int_eq(tm_lexicon_add_nth(shuffled, (size_t)d, s[d], t[d], d == 2 ? NULL : &al[d],
                                            &err),
                         TM_OK);
        if (k < 3) /* nothing is added before pair 0 has come */
            ck_assert_uint_eq(tm_lexicon_pairs(shuffled), 0);
    }
    ck_assert_uint_eq(tm_lexicon_pairs(shuffled), tm_lexicon_pairs(inorder));
    ck_assert_int_eq(tm_lexicon_train(inorder, &err), TM_OK);
    ck_assert_int_eq(tm_lexicon_train(shuffled, &err), TM_OK);
    char a[64], b[64];
    strcpy(a, tmp_path());
    strcpy(b, tmp_path());
    ck_assert_int_eq(tm_lexicon_save(inorder, a, stdout, &err), TM_OK);
    ck_assert_int_eq(tm_lexicon_save(shuffled, b, stdout, &err), TM_OK);
    FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
    int ca, cb;
    do {
        ca = fgetc(fa);
        cb = fgetc(fb);
        ck_assert_int_eq(ca, cb);
    } while (ca != EOF);
    fclose(fa);
    fclose(fb);
    unlink(a);
    unlink(b);
    for (int d = 0; d < DOCS; d++) {
        tm_alignment_free(&al[d]);
        tm_doc_free(s[d]);
        tm_doc_free(t[d]);
    }
    tm_lexicon_free(inorder);
    tm_lexicon_free(shuffled);
}
END_TEST

/* Only confident 1-1 beads teach the lexicon. */
START_TEST(test_lexicon_learns_from_confident_beads)
{
    tm_lexicon *lx;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_lexicon_new(&lx, &err), TM_OK);
    tm_doc *s, *t;
    make_pair(3, 10, NULL, 0, &s, &t);
    tm_bead beads[3] = {{0, 1, 0, 1, 0.99}, {1, 2, 1, 1, 0.99}, {3, 1, 2, 1, 0.2}};
    tm_alignment al;
    memset(&al, 0, sizeof al);
    al.beads = beads;
    al.n = 3;
    ck_assert_int_eq(tm_lexicon_add_alignment(lx, s, t, &al, &err), TM_OK);
    ck_assert_uint_eq(tm_lexicon_pairs(lx), 1);
    tm_lexicon_free(lx);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

static Suite *hard_suite(void)
{
    Suite *s = suite_create("align_hard");
    TCase *tc = tcase_create("mechanisms");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_drift_far_from_diagonal);
    tcase_add_loop_test(tc, test_omission_found, 0, 3);
    tcase_add_loop_test(tc, test_boilerplate_alone, 0, 3);
    tcase_add_test(tc, test_job_lexicon_helps_short_pairs);
    tcase_add_test(tc, test_lexicon_file_round_trip);
    tcase_add_test(tc, test_lexicon_file_errors);
    tcase_add_test(tc, test_lexicon_learns_from_confident_beads);
    tcase_add_test(tc, test_lexicon_order_of_pairs);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(hard_suite)
