/*
 * test_corpora.c — every gold file under corpora/ is consistent:
 *   - the .sent segmentation reproduces the .txt paragraphs (sentences of a
 *     paragraph joined by spaces give the paragraph, white space collapsed);
 *   - the .gold alignment uses every sentence of both sides exactly once, in
 *     order, with indices in range and consecutive within a bead;
 * and the corpus as a whole meets its size requirements (pairs, sentences,
 * share of beads that are not 1-1).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "tmkit.h"

#define MAX_STEMS 64
static char *stems[MAX_STEMS];
static int nstems;

typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

static void vec_push(strvec *s, const char *str, size_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n] = malloc(len + 1);
    memcpy(s->v[s->n], str, len);
    s->v[s->n++][len] = '\0';
}

static void vec_free(strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static char *corpus_path(const char *stem, const char *ext)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/corpora/%s.%s", test_srcdir(), stem, ext);
    return path;
}

static tm_reader *open_or_fail(const char *path)
{
    tm_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_reader_open(&r, path, 0, &err) == TM_OK, "%s", err.msg);
    return r;
}

/* White space collapsed, so that the comparison ignores spacing only. */
static void push_spaced(strvec *out, const char *s, size_t n)
{
    tm_buf key = TM_BUF_INIT;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_norm(s, n, TM_NORM_SPACE, &key, &err), TM_OK);
    vec_push(out, key.data, key.len);
    tm_buf_free(&key);
}

static void read_paragraphs(const char *path, strvec *out)
{
    tm_reader *r = open_or_fail(path);
    tm_line l;
    tm_error err = {TM_OK, ""};
    while (tm_reader_next_para(r, &l, &err) == TM_OK && l.text)
        push_spaced(out, l.text, l.len);
    ck_assert_msg(err.code == TM_OK, "%s", err.msg);
    tm_reader_free(r);
}

/* Read a .sent file: paragraphs (sentences joined by a space) and the count
 * of sentences. */
static size_t read_sent(const char *path, strvec *paras)
{
    tm_reader *r = open_or_fail(path);
    tm_line l;
    tm_error err = {TM_OK, ""};
    tm_buf cur = TM_BUF_INIT;
    size_t nsent = 0;
    for (;;) {
        ck_assert_msg(tm_reader_next_line(r, &l, &err) == TM_OK, "%s", err.msg);
        if (!l.text || tm_text_is_blank(l.text, l.len)) {
            if (cur.len)
                push_spaced(paras, cur.data, cur.len);
            tm_buf_clear(&cur);
            if (!l.text)
                break;
            continue;
        }
        if (cur.len)
            tm_buf_putc(&cur, ' ');
        tm_buf_append(&cur, l.text, l.len);
        nsent++;
    }
    tm_buf_free(&cur);
    tm_reader_free(r);
    return nsent;
}

static size_t check_side(const char *stem, const char *lang)
{
    char ext[16];
    strvec txt = {0}, sent = {0};
    snprintf(ext, sizeof ext, "%s.txt", lang);
    read_paragraphs(corpus_path(stem, ext), &txt);
    snprintf(ext, sizeof ext, "%s.sent", lang);
    size_t nsent = read_sent(corpus_path(stem, ext), &sent);
    ck_assert_msg(txt.n == sent.n, "%s.%s: %zu paragraphs in .txt, %zu in .sent",
                  stem, lang, txt.n, sent.n);
    for (size_t i = 0; i < txt.n; i++)
        ck_assert_msg(strcmp(txt.v[i], sent.v[i]) == 0,
                      "%s.%s.sent: paragraph %zu does not reproduce the .txt:\n txt: %.120s\nsent: %.120s",
                      stem, lang, i + 1, txt.v[i], sent.v[i]);
    vec_free(&txt);
    vec_free(&sent);
    return nsent;
}

/* Parse one side of a bead ("3,4" or ""), checking order and range.
 * *next is the first sentence not yet used. Returns the count. */
static size_t parse_side(const char *s, size_t *next, size_t total,
                         const char *where)
{
    size_t count = 0;
    while (*s) {
        char *end;
        long v = strtol(s, &end, 10);
        ck_assert_msg(end != s && v >= 0, "%s: not a sentence number: '%s'", where, s);
        ck_assert_msg((size_t)v == *next,
                      "%s: sentence %ld out of order (expected %zu)", where, v, *next);
        ck_assert_msg((size_t)v < total, "%s: sentence %ld out of range (%zu sentences)",
                      where, v, total);
        (*next)++;
        count++;
        s = end;
        if (*s == ',')
            s++;
        else
            ck_assert_msg(*s == '\0', "%s: unexpected '%c'", where, *s);
    }
    return count;
}

typedef struct gold_stats {
    size_t beads, non11;
} gold_stats;

static gold_stats check_gold(const char *stem, size_t nvi, size_t nfr)
{
    tm_reader *r = open_or_fail(corpus_path(stem, "gold"));
    tm_line l;
    tm_error err = {TM_OK, ""};
    size_t next_vi = 0, next_fr = 0;
    gold_stats gs = {0, 0};
    while (tm_reader_next_para(r, &l, &err) == TM_OK && l.text) {
        char where[256];
        snprintf(where, sizeof where, "%s.gold:%lu", stem, l.lineno);
        char *line = strdup(l.text);
        char *tab = strchr(line, '\t');
        ck_assert_msg(tab && !strchr(tab + 1, '\t'), "%s: need exactly one TAB", where);
        *tab = '\0';
        size_t a = parse_side(line, &next_vi, nvi, where);
        size_t b = parse_side(tab + 1, &next_fr, nfr, where);
        ck_assert_msg(a + b > 0, "%s: empty bead", where);
        gs.beads++;
        gs.non11 += !(a == 1 && b == 1);
        free(line);
    }
    ck_assert_msg(err.code == TM_OK, "%s", err.msg);
    ck_assert_msg(next_vi == nvi, "%s.gold: vi sentences %zu.. never used", stem, next_vi);
    ck_assert_msg(next_fr == nfr, "%s.gold: fr sentences %zu.. never used", stem, next_fr);
    tm_reader_free(r);
    return gs;
}

START_TEST(test_pair_consistent)
{
    const char *stem = stems[_i];
    size_t nvi = check_side(stem, "vi");
    size_t nfr = check_side(stem, "fr");
    gold_stats gs = check_gold(stem, nvi, nfr);
    ck_assert_msg(gs.non11 >= 2, "%s: needs at least one merge and one split", stem);
}
END_TEST

START_TEST(test_corpus_size)
{
    size_t vi = 0, fr = 0, beads = 0, non11 = 0;
    for (int i = 0; i < nstems; i++) {
        size_t a = check_side(stems[i], "vi"), b = check_side(stems[i], "fr");
        gold_stats gs = check_gold(stems[i], a, b);
        vi += a;
        fr += b;
        beads += gs.beads;
        non11 += gs.non11;
    }
    ck_assert_msg(nstems >= 10, "only %d pairs", nstems);
    ck_assert_msg(vi >= 400 && fr >= 400, "only %zu vi and %zu fr sentences", vi, fr);
    ck_assert_msg(non11 * 100 >= 15 * beads, "only %zu of %zu beads are not 1-1", non11, beads);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_stems(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora", test_srcdir());
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && nstems < MAX_STEMS) {
        size_t n = strlen(e->d_name);
        if (n > 7 && strcmp(e->d_name + n - 7, ".vi.txt") == 0)
            stems[nstems++] = strndup(e->d_name, n - 7);
    }
    closedir(d);
    qsort(stems, (size_t)nstems, sizeof *stems, cmp_str);
}

static Suite *corpora_suite(void)
{
    find_stems();
    Suite *s = suite_create("corpora");
    TCase *tc = tcase_create("gold");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_pair_consistent, 0, nstems);
    tcase_add_test(tc, test_corpus_size);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(corpora_suite)
