/*
 * test_store.c — the .tmdb store: import and read back, duplicates,
 * segments, queries (and the lossless filter against a full scan on
 * thousands of random queries), damage detection, atomic commits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "store/store_internal.h"
#include "testutil.h"
#include "tmkit.h"

static char path[64];

static void setup(void)
{
    strcpy(path, "/tmp/tmkit-store-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    unlink(path); /* the writer creates it */
}

static void teardown(void) { unlink(path); }

static void unit(tm_tu *tu, const char *vi, const char *fr, const char *doc, const char *date)
{
    tm_tu_clear(tu);
    tm_annot_set_attr(&tu->an, "creationdate", date);
    tm_annot_add_prop(&tu->an, "x-document", NULL, doc);
    tm_tu_add_tuv(tu, "vi", vi, NULL);
    tm_tu_add_tuv(tu, "fr", fr, NULL);
}

static void import(const char *const (*pairs)[2], size_t n, const char *doc, const char *date)
{
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_store_writer_open(&w, path, &err) == TM_OK, "%s", err.msg);
    tm_tu tu = TM_TU_INIT;
    for (size_t i = 0; i < n; i++) {
        unit(&tu, pairs[i][0], pairs[i][1], doc, date);
        ck_assert_msg(tm_store_writer_add(w, &tu, &err) == TM_OK, "%s", err.msg);
    }
    tm_tu_clear(&tu);
    ck_assert_msg(tm_store_writer_commit(w, &err) == TM_OK, "%s", err.msg);
}

static tm_store *open_store(void)
{
    tm_store *s;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_store_open(&s, path, &err) == TM_OK, "%s", err.msg);
    return s;
}

static const char *const PAIRS[][2] = {
    {"Hai bên thống nhất đẩy mạnh hợp tác thương mại.", "Les deux parties ont convenu de renforcer la coopération commerciale."},
    {"Năm 2023, kim ngạch đạt 253,9 tỷ NDT.", "En 2023, les échanges ont atteint 253,9 milliards de yuans."},
    {"Tiện lợi hoá thông quan tại cửa khẩu.", "Faciliter le dédouanement aux postes-frontières."},
    {"Quảng Ninh và Quảng Tây ký bản ghi nhớ.", "Quang Ninh et le Guangxi signent un protocole d'accord."},
};

static int count_units(tm_store *s)
{
    tm_store_stats st;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_get_stats(s, &st, &err), TM_OK);
    return (int)st.units;
}

START_TEST(test_import_and_read_back)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 4);
    tm_store_stats st;
    tm_error err = {TM_OK, ""};
    tm_store_get_stats(s, &st, &err);
    ck_assert_str_eq(st.langs, "vi fr");
    ck_assert_uint_eq(st.segments, 1);
    tm_store_close(s);
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}
END_TEST

static int collect(void *ctx, uint64_t id, const tm_tu *tu)
{
    (void)id;
    tm_tu *all = ctx;
    for (size_t k = 0; k < 8; k++)
        if (all[k].ntuvs == 0) {
            tm_tu_copy(&all[k], tu);
            break;
        }
    return 0;
}

START_TEST(test_each_returns_units_whole)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    tm_store *s = open_store();
    tm_tu all[8];
    memset(all, 0, sizeof all);
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_each(s, collect, all, &err), TM_OK);
    /* every pair once, whole (a segment stores its units sorted by their
     * first variant's words, not in the order they came: store_order.c) */
    for (int p = 0; p < 4; p++) {
        int found = 0;
        for (int k = 0; k < 4; k++) {
            ck_assert_int_eq(all[k].ntuvs, 2);
            if (strcmp(tm_tu_find(&all[k], "vi")->text, PAIRS[p][0]) != 0)
                continue;
            found++;
            ck_assert_str_eq(tm_tu_find(&all[k], "fr")->text, PAIRS[p][1]);
            ck_assert_str_eq(tm_annot_prop(&all[k].an, "x-document"), "doc-a");
            ck_assert_str_eq(tm_annot_attr(&all[k].an, "creationdate"), "20240101T000000Z");
        }
        ck_assert_int_eq(found, 1);
    }
    ck_assert_int_eq(all[4].ntuvs, 0);
    for (int k = 0; k < 8; k++)
        tm_tu_clear(&all[k]);
    tm_store_close(s);
}
END_TEST

START_TEST(test_duplicates_merge_across_imports)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    /* the same pair again (tone variant, other spacing), from another document, newer */
    static const char *const again[][2] = {
        {"Tiện lợi hóa thông quan  tại cửa khẩu.", "Faciliter le dédouanement aux postes-frontières."}};
    import(again, 1, "doc-b", "20250101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 4);
    tm_store_hits h;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_query(s, PAIRS[2][0], strlen(PAIRS[2][0]), "vi", "fr", 100, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    const tm_tu *tu = &h.hit[0].tu;
    ck_assert_str_eq(tm_annot_attr(&tu->an, "creationdate"), "20250101T000000Z");
    int a = 0, b = 0;
    for (size_t i = 0; i < tu->an.nprops; i++) {
        a += !strcmp(tu->an.props[i].value, "doc-a");
        b += !strcmp(tu->an.props[i].value, "doc-b");
    }
    ck_assert(a == 1 && b == 1);
    tm_store_hits_free(&h);
    tm_store_close(s);
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}
END_TEST

/* Across imports, a duplicate is a unit with every variant equal: units
 * sharing only the source (or only the target) with a stored one are new,
 * even when many stored units share that source; a unit with three
 * variants is not the duplicate of its two-variant subset. */
START_TEST(test_duplicates_across_imports_need_every_variant)
{
    static const char *const same_src[][2] = {
        {"Điều 1.", "Article 1."}, {"Điều 1.", "Article premier."}, {"Điều 1.", "Art. 1."},
        {"Mục 1.", "Article 1."}};
    import(same_src, 4, "a", "20240101T000000Z");
    static const char *const next[][2] = {
        {"Điều 1.", "Article un."},     /* same source, new target: new */
        {"Mục 2.", "Article 1."},       /* same target, new source: new */
        {"ĐIỀU 1.", "Article premier."} /* case-only: the second stored unit */};
    import(next, 3, "b", "20250101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 6);
    tm_store_close(s);
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    unit(&tu, "Điều 1.", "Art. 1.", "c", "20260101T000000Z");
    tm_tu_add_tuv(&tu, "en", "Art. 1.", NULL);
    ck_assert_int_eq(tm_store_writer_take(w, &tu, &err), TM_OK);
    ck_assert_int_eq(tm_store_writer_flush(w, &err), TM_OK);
    ck_assert_uint_eq(tm_store_writer_stats(w)->added, 1);
    ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_OK);
    s = open_store();
    ck_assert_int_eq(count_units(s), 7);
    tm_store_close(s);
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}
END_TEST

START_TEST(test_duplicates_within_one_import)
{
    static const char *const twice[][2] = {
        {"Xin chào.", "Bonjour."}, {"XIN CHÀO.", "Bonjour."}, {"Xin chào.", "Salut."}};
    import(twice, 3, "d", "20240101T000000Z");
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 2); /* case-only duplicate merged; other target kept */
    tm_store_close(s);
}
END_TEST

/* A unit of 64 equal variants and one more: its identity counts every
 * variant, so units differing only after the 64th are not duplicates,
 * within one import or across two. */
static void many_variants(tm_tu *tu, const char *last)
{
    tm_tu_clear(tu);
    tm_annot_set_attr(&tu->an, "creationdate", "20240101T000000Z");
    for (int k = 0; k < 64; k++)
        tm_tu_add_tuv(tu, "vi", "xin chào bạn", NULL);
    tm_tu_add_tuv(tu, "fr", last, NULL);
}

static void add_many_variants(const char *last)
{
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    many_variants(&tu, last);
    ck_assert_msg(tm_store_writer_add(w, &tu, &err) == TM_OK, "%s", err.msg);
    ck_assert_msg(tm_store_writer_commit(w, &err) == TM_OK, "%s", err.msg);
    tm_tu_clear(&tu);
}

START_TEST(test_identity_counts_every_variant)
{
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    many_variants(&tu, "bonjour le monde");
    ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    many_variants(&tu, "au revoir tout le monde");
    ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    ck_assert_msg(tm_store_writer_commit(w, &err) == TM_OK, "%s", err.msg);
    tm_tu_clear(&tu);
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 2);
    tm_store_close(s);
    add_many_variants("salut le monde"); /* new */
    add_many_variants("bonjour le monde"); /* already there */
    s = open_store();
    ck_assert_int_eq(count_units(s), 3);
    tm_store_close(s);
    ck_assert_msg(tm_store_check(path, &err) == TM_OK, "%s", err.msg);
}
END_TEST

/* One import of rows {vi, fr, creationdate}, each from a document named
 * after its date. */
static void import_dated(const char *const (*rows)[3], size_t n)
{
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    for (size_t k = 0; k < n; k++) {
        unit(&tu, rows[k][0], rows[k][1], rows[k][2], rows[k][2]);
        ck_assert_msg(tm_store_writer_add(w, &tu, &err) == TM_OK, "%s", err.msg);
    }
    tm_tu_clear(&tu);
    ck_assert_msg(tm_store_writer_commit(w, &err) == TM_OK, "%s", err.msg);
}

/* The only unit of the store, copied into tu. */
static void only_unit(tm_tu *tu)
{
    tm_store *s = open_store();
    tm_tu all[8];
    memset(all, 0, sizeof all);
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_each(s, collect, all, &err), TM_OK);
    ck_assert_int_eq(all[1].ntuvs, 0);
    *tu = all[0];
    tm_store_close(s);
}

/* Duplicates (same match keys: here they differ in case) keep the text of
 * the newest, whichever came first, and every document; the same whether
 * they come in one import or in two. */
START_TEST(test_duplicates_keep_the_newest_text)
{
    static const char *const rows[][3] = {
        {"xin chào bạn", "bonjour", "20200101T000000Z"},
        {"Xin chào bạn", "Bonjour", "20220101T000000Z"},
        {"XIN CHÀO BẠN", "BONJOUR", "20210101T000000Z"}};
    static const int orders[][3] = {{0, 1, 2}, {1, 0, 2}, {2, 1, 0}};
    for (int o = 0; o < 3; o++)
        for (int split = 0; split < 2; split++) {
            unlink(path);
            const char *const(*r)[3] = rows;
            if (split) /* one import per unit */
                for (int k = 0; k < 3; k++)
                    import_dated(&r[orders[o][k]], 1);
            else {
                const char *in[3][3];
                for (int k = 0; k < 3; k++)
                    memcpy(in[k], r[orders[o][k]], sizeof in[k]);
                import_dated((const char *const(*)[3])in, 3);
            }
            tm_tu tu;
            only_unit(&tu);
            ck_assert_str_eq(tm_tu_find(&tu, "vi")->text, "Xin chào bạn");
            ck_assert_str_eq(tm_tu_find(&tu, "fr")->text, "Bonjour");
            ck_assert_str_eq(tm_annot_attr(&tu.an, "creationdate"), "20220101T000000Z");
            ck_assert_uint_eq(tu.an.nprops, 3); /* three documents */
            tm_tu_clear(&tu);
        }
}
END_TEST

/* Fuzzy hits of equal score rank the newest first, and a duplicate merged
 * within the import makes its unit newer: the match data's date follows. */
START_TEST(test_merged_duplicate_ranks_by_its_new_date)
{
    static const char *const rows[][3] = {
        {"Hai bên thống nhất đẩy mạnh hợp tác.", "Les deux parties coopèrent.", "20200101T000000Z"},
        {"Hai bên thống nhất đẩy mạnh hợp tác.", "Les deux parties coopéreront.", "20210101T000000Z"},
        {"Hai bên thống nhất đẩy mạnh hợp tác.", "Les deux parties coopèrent.", "20220101T000000Z"}};
    const char *q = "Hai bên đã thống nhất đẩy mạnh hợp tác.";
    for (int n = 2; n <= 3; n++) {
        unlink(path);
        import_dated(rows, (size_t)n);
        tm_store *s = open_store();
        tm_store_hits h;
        tm_error err = {TM_OK, ""};
        ck_assert_int_eq(tm_store_query(s, q, strlen(q), "vi", "fr", 70, 5, &h, &err), TM_OK);
        ck_assert_uint_eq(h.n, 2);
        ck_assert_int_lt(h.hit[0].score, 100);
        ck_assert_int_eq(h.hit[0].score, h.hit[1].score);
        ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, rows[n == 2 ? 1 : 2][1]);
        tm_store_hits_free(&h);
        tm_store_close(s);
    }
}
END_TEST

/* 100% means the same match key, on every path: the same words and
 * punctuation in other places, or other spaces around punctuation, cost the
 * punctuation penalty, with --min 99 as with --min 100. */
START_TEST(test_punctuation_moved_is_not_100)
{
    static const char *const pairs[][2] = {
        {"Xin chào, thế giới", "Bonjour, le monde"},
        {"Xin, chào thế giới", "Bonjour le monde (2)"},
        {"Xin   chào,thế giới", "Bonjour le monde (3)"},
        {"XIN  CHÀO,  THẾ GIỚI", "Bonjour le monde (4)"}};
    import(pairs, 4, "p", "20240101T000000Z");
    tm_store *s = open_store();
    tm_store_hits h;
    tm_error err = {TM_OK, ""};
    const char *q = "Xin chào, thế giới";
    for (int min = 99; min <= 100; min++) {
        ck_assert_int_eq(tm_store_query(s, q, strlen(q), "vi", "fr", min, 5, &h, &err), TM_OK);
        ck_assert_uint_eq(h.n, min == 99 ? 4 : 1);
        ck_assert_int_eq(h.hit[0].score, 100);
        ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, "Bonjour, le monde");
        for (size_t k = 1; k < h.n; k++)
            ck_assert_int_eq(h.hit[k].score, 99); /* moved punctuation, or case */
        tm_store_hits_free(&h);
    }
    tm_store_close(s);
}
END_TEST

START_TEST(test_query_scores_and_directions)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    tm_store *s = open_store();
    tm_store_hits h;
    tm_error err = {TM_OK, ""};
    const char *q = "Năm 2024, kim ngạch đạt 253,9 tỷ NDT.";
    ck_assert_int_eq(tm_store_query(s, q, strlen(q), "vi", "fr", 70, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    ck_assert_int_eq(h.hit[0].score, 98); /* only a number differs */
    ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, PAIRS[1][1]);
    tm_store_hits_free(&h);
    const char *fq = "Quang Ninh et le Guangxi signent un protocole d'accord.";
    ck_assert_int_eq(tm_store_query(s, fq, strlen(fq), "fr", "vi", 70, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    ck_assert_int_eq(h.hit[0].score, 100);
    ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, PAIRS[3][0]);
    tm_store_hits_free(&h);
    ck_assert_int_eq(tm_store_query(s, "Bonjour", 7, "fr", "vi", 50, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 0);
    tm_store_hits_free(&h);
    tm_store_close(s);
}
END_TEST

/* ---- the filter is lossless: indexed query == full scan ------------------------------ */

/* A variant of text: random word deletions, duplications, substitutions. */
static void perturb(const char *text, unsigned *seed, char *out, size_t cap)
{
    static const char *const fillers[] = {"mới", "nouveau", "2024", "và", "et", "Hà Nội", "très"};
    char copy[2048];
    snprintf(copy, sizeof copy, "%s", text);
    out[0] = '\0';
    size_t used = 0;
    for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
        unsigned r = rand_r(seed) % 20;
        const char *put = r == 0 ? "" : r == 1 ? fillers[rand_r(seed) % 7] : w;
        int n = snprintf(out + used, cap - used, "%s%s%s", used ? " " : "", put,
                         r == 2 ? " lại" : "");
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
    }
}

/* Every unit's source variant, prepared once for the full scans. */
typedef struct scan_ctx {
    uint64_t ids[4096];
    tm_mtext text[4096];
    size_t n;
} scan_ctx;

static int prepare_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    scan_ctx *c = arg;
    const tm_tuv *sv = tm_tu_find(tu, "vi"), *tv = tm_tu_find(tu, "fr");
    if (!sv || !tv || c->n == 4096)
        return 0;
    tm_error err = {TM_OK, ""};
    c->ids[c->n] = id;
    memset(&c->text[c->n], 0, sizeof c->text[c->n]);
    tm_mtext_prepare(&c->text[c->n++], sv->text, strlen(sv->text), sv->markup, &err);
    return 0;
}

/* Units from the corpus gold 1-1 beads, each with perturbed copies. */
static size_t corpus_units(char (*vi)[1024], char (*fr)[1024], size_t cap)
{
    const char *stems[] = {"qn-gx-agriculture", "border-trade-figures", "forum-speech", "railway-corridor"};
    size_t n = 0;
    for (size_t k = 0; k < 4; k++) {
        char pv[1024], pf[1024];
        snprintf(pv, sizeof pv, "%s/corpora/%s.vi.sent", test_srcdir(), stems[k]);
        snprintf(pf, sizeof pf, "%s/corpora/%s.fr.sent", test_srcdir(), stems[k]);
        tm_doc *dv, *df;
        tm_error err = {TM_OK, ""};
        ck_assert_int_eq(tm_doc_read(&dv, pv, NULL, &err), TM_OK);
        ck_assert_int_eq(tm_doc_read(&df, pf, NULL, &err), TM_OK);
        size_t m = tm_doc_count(dv) < tm_doc_count(df) ? tm_doc_count(dv) : tm_doc_count(df);
        for (size_t i = 0; i < m && n < cap; i++, n++) {
            snprintf(vi[n], 1024, "%s", tm_doc_sentence(dv, i, NULL));
            snprintf(fr[n], 1024, "%s", tm_doc_sentence(df, i, NULL));
        }
        tm_doc_free(dv);
        tm_doc_free(df);
    }
    return n;
}

/* Hits rank by score, then date, then id, newest first; all units of the
 * full-scan test share one date. */
static int ranks_first(const tm_store_hit *a, const tm_store_hit *b)
{
    return a->score != b->score ? a->score > b->score : a->id > b->id;
}

/* A query asking for only the best few (where the filter raises its floor
 * as it goes) returns the first few of the complete answer, in order. */
static void check_top_n(tm_store *s, const char *text, int min, const tm_store_hits *all,
                        unsigned *seed)
{
    size_t want = 1 + rand_r(seed) % 5;
    tm_store_hits top;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_query(s, text, strlen(text), "vi", "fr", min, want, &top, &err), TM_OK);
    size_t expect = all->n < want ? all->n : want;
    ck_assert_uint_eq(top.n, expect);
    for (size_t j = 0; j < top.n; j++) {
        ck_assert_msg(top.hit[j].score == all->hit[j].score && top.hit[j].id == all->hit[j].id,
                      "'%s' (min %d, top %zu): hit %zu is unit %llu (%d), expected %llu (%d)", text,
                      min, want, j, (unsigned long long)top.hit[j].id, top.hit[j].score,
                      (unsigned long long)all->hit[j].id, all->hit[j].score);
        ck_assert(j == 0 || ranks_first(&top.hit[j - 1], &top.hit[j]));
    }
    tm_store_hits_free(&top);
}

/* ---- concordance candidates: the word index finds every unit the scan finds ---- */

/* Does text hold the words of term (match keys) in a row? As `concord` checks. */
static int holds_words(const char *text, const char *term)
{
    tm_error err = {TM_OK, ""};
    tm_buf k = TM_BUF_INIT, t = TM_BUF_INIT;
    uint32_t hw[512], tw[16];
    tm_norm_match(text, strlen(text), &k, &err);
    tm_norm_match(term, strlen(term), &t, &err);
    size_t n = tm_match_words(k.data ? k.data : "", k.len, hw, NULL, 512);
    size_t m = tm_match_words(t.data ? t.data : "", t.len, tw, NULL, 16);
    tm_buf_free(&k);
    tm_buf_free(&t);
    for (size_t i = 0; m && i + m <= n && i + m <= 512; i++) {
        size_t j = 0;
        while (j < m && hw[i + j] == tw[j])
            j++;
        if (j == m)
            return 1;
    }
    return 0;
}

typedef struct term_ctx {
    const char *term;
    uint64_t ids[4096];
    size_t n;
} term_ctx;

static int collect_holding(void *arg, uint64_t id, const tm_tu *tu)
{
    term_ctx *c = arg;
    const tm_tuv *sv = tm_tu_find(tu, "vi"), *tv = tm_tu_find(tu, "fr");
    if (sv && tv && (holds_words(sv->text, c->term) || holds_words(tv->text, c->term)) && c->n < 4096)
        c->ids[c->n++] = id;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

START_TEST(test_concord_candidates_equal_full_scan)
{
    static char vi[256][1024], fr[256][1024];
    size_t n = corpus_units(vi, fr, 256);
    /* a soft hyphen inside a word: its key cuts the words differently */
    snprintf(vi[0], sizeof vi[0], "Hợp\xc2\xadtác thương mại biên giới Quảng Ninh.");
    tm_error err = {TM_OK, ""};
    for (int batch = 0; batch < 2; batch++) {
        tm_store_writer *w;
        ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
        tm_tu tu = TM_TU_INIT;
        for (size_t i = batch; i < n; i += 2) {
            unit(&tu, vi[i], fr[i], "c", "20240101T000000Z");
            ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
        }
        tm_tu_clear(&tu);
        ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_OK);
    }
    tm_store *s = open_store();
    unsigned seed = 11;
    static term_ctx a, b;
    for (int q = 0; q < 400; q++) {
        /* 1 to 3 consecutive words of a random unit's source or target */
        const char *from = q == 0 ? "Hợptác thương" : (rand_r(&seed) & 1) ? vi[rand_r(&seed) % n] : fr[rand_r(&seed) % n];
        char words[1024], term[256] = "";
        snprintf(words, sizeof words, "%s", from);
        char *tok[256];
        size_t nt = 0;
        for (char *t = strtok(words, " ,.;:()\""); t && nt < 256; t = strtok(NULL, " ,.;:()\""))
            tok[nt++] = t;
        if (!nt)
            continue;
        size_t at = q ? rand_r(&seed) % nt : 0, len = q ? 1 + rand_r(&seed) % 3 : 2;
        for (size_t k = at; k < at + len && k < nt; k++)
            snprintf(term + strlen(term), sizeof term - strlen(term), "%s%s", k > at ? " " : "", tok[k]);
        a.term = b.term = term;
        a.n = b.n = 0;
        ck_assert_int_eq(tm_store_each(s, collect_holding, &a, &err), TM_OK);
        ck_assert_int_eq(tm_store_each_with_words(s, term, strlen(term), "vi", "fr", collect_holding, &b, &err), TM_OK);
        qsort(b.ids, b.n, sizeof *b.ids, cmp_id);
        ck_assert_msg(a.n == b.n && !memcmp(a.ids, b.ids, a.n * sizeof *a.ids),
                      "term '%s': the scan finds %zu units, the index %zu", term, a.n, b.n);
        ck_assert_msg(q != 0 || a.n == 1, "the split unit must be found (%zu)", a.n);
    }
    tm_store_close(s);
}
END_TEST

START_TEST(test_query_equals_full_scan)
{
    static char vi[256][1024], fr[256][1024], buf[2048];
    size_t n = corpus_units(vi, fr, 256);
    unsigned seed = 7;
    tm_error err = {TM_OK, ""};
    for (int batch = 0; batch < 2; batch++) { /* two segments */
        tm_store_writer *w;
        ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
        tm_tu tu = TM_TU_INIT;
        for (size_t i = 0; i < n; i++)
            for (int v = 0; v < 3; v++) {
                if (v == 0 && batch == 1)
                    continue;
                perturb(vi[i], &seed, buf, sizeof buf);
                unit(&tu, v ? buf : vi[i], fr[i], "rand", "20240101T000000Z");
                ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
            }
        tm_tu_clear(&tu);
        ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_OK);
    }
    tm_store *s = open_store();
    static scan_ctx all;
    all.n = 0;
    ck_assert_int_eq(tm_store_each(s, prepare_unit, &all, &err), TM_OK);
    static const int mins[] = {0, 30, 50, 70, 85, 95, 100};
    for (int q = 0; q < 3000; q++) {
        perturb(vi[rand_r(&seed) % n], &seed, buf, sizeof buf);
        int min = mins[rand_r(&seed) % 7];
        tm_store_hits h;
        ck_assert_int_eq(tm_store_query(s, buf, strlen(buf), "vi", "fr", min, 8192, &h, &err), TM_OK);
        tm_mtext mq = TM_MTEXT_INIT;
        tm_mtext_prepare(&mq, buf, strlen(buf), NULL, &err);
        size_t expect = 0;
        for (size_t k = 0; k < all.n; k++) {
            tm_match_result r = tm_match_score(&mq, &all.text[k], NULL);
            if (r.score < min)
                continue;
            expect++;
            int found = 0;
            for (size_t j = 0; j < h.n && !found; j++)
                found = h.hit[j].id == all.ids[k] && h.hit[j].score == r.score;
            ck_assert_msg(found, "query %d (min %d) '%s': unit %llu (score %d) missing", q, min,
                          buf, (unsigned long long)all.ids[k], r.score);
        }
        ck_assert_msg(h.n == expect, "query %d (min %d): index found %zu, full scan %zu", q, min,
                      h.n, expect);
        check_top_n(s, buf, min, &h, &seed);
        tm_mtext_free(&mq);
        tm_store_hits_free(&h);
    }
    for (size_t k = 0; k < all.n; k++)
        tm_mtext_free(&all.text[k]);
    tm_store_close(s);
}
END_TEST

/* ---- posting lists: runs of consecutive units ------------------------------------------ */

/* Random sorted sets (runs, single units, unit 0, the last unit, empty)
 * come back unit for unit; a truncated or overlong list is refused. */
/* Each word's term carries its occurrence number: the same as counting
 * the equal words before it, for a text short enough for the table on the
 * stack and for one that needs a table of its own. */
START_TEST(test_terms_number_occurrences)
{
    static uint32_t words[1000], terms[1000];
    const size_t lens[] = {0, 1, 5, 128, 129, 1000};
    unsigned seed = 7;
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        size_t n = lens[li];
        for (size_t k = 0; k < n; k++)
            words[k] = 1000u * (unsigned)(rand_r(&seed) % 12); /* many repeats, and collisions mod 2^k */
        ck_assert_int_eq(tm_terms_of(tm_term_lang("vi"), words, n, terms), 0);
        for (size_t k = 0; k < n; k++) {
            uint32_t occ = 1;
            for (size_t q = 0; q < k; q++)
                occ += words[q] == words[k];
            ck_assert_uint_eq(terms[k], tm_term32("vi", words[k], occ));
        }
    }
}
END_TEST

/* A text of hundreds of words, most of them repeated many times, is found
 * through the index exactly as a full scan finds it. */
START_TEST(test_long_repetitive_text_equals_full_scan)
{
    static char a[8192], b[8192];
    const char *w[] = {"hợp", "tác", "thương", "mại", "biên", "giới", "và", "của"};
    size_t la = 0, lb = 0;
    for (int k = 0; k < 300; k++) {
        la += (size_t)snprintf(a + la, sizeof a - la, "%s%s", k ? " " : "", w[k % 8]);
        lb += (size_t)snprintf(b + lb, sizeof b - lb, "%s%s", k ? " " : "", k % 37 ? w[k % 8] : "khác");
    }
    const char *pairs[2][2] = {{a, "Un long texte."}, {b, "Un autre long texte."}};
    import(pairs, 2, "doc-long", "20240101T000000Z");
    tm_store *s = open_store();
    tm_store_hits idx, all;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_query(s, a, la, "vi", "fr", 70, 5, &idx, &err), TM_OK);
    ck_assert_int_eq(tm_store_query(s, a, la, "vi", "fr", 0, 5, &all, &err), TM_OK);
    ck_assert_uint_eq(idx.n, 2);
    ck_assert_uint_eq(all.n, 2);
    ck_assert_int_eq(idx.hit[0].score, 100);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(idx.hit[i].score, all.hit[i].score);
        ck_assert_uint_eq(idx.hit[i].id, all.hit[i].id);
    }
    ck_assert_int_ge(idx.hit[1].score, 70);
    ck_assert_int_lt(idx.hit[1].score, 100);
    tm_store_hits_free(&idx);
    tm_store_hits_free(&all);
    tm_store_close(s);
}
END_TEST

START_TEST(test_posting_lists_round_trip)
{
    enum { N = 5000 };
    static uint32_t units[N];
    unsigned seed = 11;
    for (int round = 0; round < 400; round++) {
        size_t n = 0;
        uint32_t u = round % 3 == 0 ? 0 : (uint32_t)(rand_r(&seed) % 50);
        int dense = rand_r(&seed) % 4;
        while (n < (size_t)(round % 97) * 40 && u < N) {
            units[n++] = u;
            u += rand_r(&seed) % 4 < dense ? 1 : 1 + (uint32_t)(rand_r(&seed) % 200);
        }
        if (round % 5 == 0 && n && units[n - 1] < N - 1)
            units[n++] = N - 1;
        tm_buf b = TM_BUF_INIT;
        ck_assert_int_eq(tm_plist_encode(&b, units, n), 0);
        const unsigned char *p = b.data ? (const unsigned char *)b.data : (const unsigned char *)"";
        tm_plist l = {p, p + b.len, 0, 0};
        uint32_t got;
        for (size_t i = 0; i < n; i++) {
            ck_assert_int_eq(tm_plist_next(&l, N, &got), 1);
            ck_assert_uint_eq(got, units[i]);
        }
        ck_assert_int_eq(tm_plist_next(&l, N, &got), 0);
        /* a list naming a unit past the segment's last is damage */
        if (n) {
            tm_plist s2 = {p, p + b.len, 0, 0};
            int rc;
            while ((rc = tm_plist_next(&s2, units[n - 1], &got)) == 1)
                ;
            ck_assert_int_eq(rc, -1);
        }
        tm_buf_free(&b);
    }
}
END_TEST

/* Two variants in one language (fr-FR and a much longer fr-CA): the
 * length filter cannot tell which holds a query's words, so it lets the
 * unit through, and the query in either finds it. */
/* take moves a unit in (tu left empty), refuses one without variants
 * leaving it as it was, and the store holds what add would have stored. */
START_TEST(test_take_moves_units_in)
{
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    for (size_t i = 0; i < 4; i++) {
        unit(&tu, PAIRS[i][0], PAIRS[i][1], "take", "20240101T000000Z");
        ck_assert_int_eq(tm_store_writer_take(w, &tu, &err), TM_OK);
        ck_assert_uint_eq(tu.ntuvs, 0);
        ck_assert_ptr_null(tu.tuvs);
    }
    tm_annot_add_prop(&tu.an, "x-document", NULL, "kept");
    ck_assert_int_eq(tm_store_writer_take(w, &tu, &err), TM_EDATA);
    ck_assert_uint_eq(tu.an.nprops, 1); /* refused: untouched */
    tm_tu_clear(&tu);
    ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_OK);
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 4);
    tm_store_hits h;
    ck_assert_int_eq(tm_store_query(s, PAIRS[2][0], strlen(PAIRS[2][0]), "vi", "fr", 100, 5, &h, &err), TM_OK);
    ck_assert_uint_eq(h.n, 1);
    ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, PAIRS[2][1]);
    tm_store_hits_free(&h);
    tm_store_close(s);
}
END_TEST

START_TEST(test_two_variants_of_one_language)
{
    static const char *shortfr = "Le conseil se réunit demain.";
    static const char *longfr = "Le conseil municipal de la ville se réunit demain matin à neuf heures "
                                "dans la grande salle de l'hôtel de ville pour voter le budget.";
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    for (int i = 0; i < 200; i++) { /* fillers, so that lists and groups are not trivial */
        char vi[64], fr[64];
        snprintf(vi, sizeof vi, "Câu số %d của bộ nhớ.", i);
        snprintf(fr, sizeof fr, "Phrase numéro %d de la mémoire.", i);
        unit(&tu, vi, fr, "fill", "20240101T000000Z");
        ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    }
    tm_tu_clear(&tu);
    tm_tu_add_tuv(&tu, "vi", "Hội đồng họp vào ngày mai.", NULL);
    tm_tu_add_tuv(&tu, "fr-FR", shortfr, NULL);
    tm_tu_add_tuv(&tu, "fr-CA", longfr, NULL);
    ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    tm_tu_clear(&tu);
    ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_OK);
    tm_store *s = open_store();
    const char *q[2] = {shortfr, longfr}, *lang[2] = {"fr-FR", "fr-CA"};
    for (int k = 0; k < 2; k++) {
        tm_store_hits h;
        ck_assert_int_eq(tm_store_query(s, q[k], strlen(q[k]), lang[k], "vi", 70, 5, &h, &err), TM_OK);
        ck_assert_uint_ge(h.n, 1);
        ck_assert_int_eq(h.hit[0].score, 100);
        ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].src_var].text, q[k]);
        tm_store_hits_free(&h);
    }
    tm_store_close(s);
}
END_TEST

/* A unit with twenty variants, the query's two languages last: the fuzzy
 * path reads every variant's match data, not only the first ones. */
START_TEST(test_many_variants)
{
    static const char *codes[] = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "ga",
                                  "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl", "vi", "fr"};
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    for (size_t i = 0; i < 20; i++) {
        char text[96];
        snprintf(text, sizeof text, "Biên bản ghi nhớ số %zu về hợp tác kinh tế biên giới (%s).", i,
                 codes[i]);
        tm_tu_add_tuv(&tu, codes[i], i == 18 ? PAIRS[0][0] : i == 19 ? PAIRS[0][1] : text, NULL);
    }
    ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    tm_tu_clear(&tu);
    ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_OK);
    tm_store *s = open_store();
    static const int mins[] = {50, 99, 100};
    for (int k = 0; k < 3; k++) {
        tm_store_hits h;
        ck_assert_int_eq(tm_store_query(s, PAIRS[0][0], strlen(PAIRS[0][0]), "vi", "fr", mins[k], 5, &h, &err),
                         TM_OK);
        ck_assert_msg(h.n == 1, "min %d: %zu hits", mins[k], h.n);
        ck_assert_int_eq(h.hit[0].score, 100);
        ck_assert_str_eq(h.hit[0].tu.tuvs[h.hit[0].tgt_var].text, PAIRS[0][1]);
        tm_store_hits_free(&h);
    }
    tm_store_close(s);
}
END_TEST

/* ---- damage, versions, atomicity ------------------------------------------------------ */

static long file_size(void)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void poke(long off, unsigned char mask)
{
    int fd = open(path, O_RDWR);
    unsigned char b;
    ck_assert_int_eq(pread(fd, &b, 1, off), 1);
    b ^= mask;
    ck_assert_int_eq(pwrite(fd, &b, 1, off), 1);
    close(fd);
}

START_TEST(test_every_flipped_byte_is_caught)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    long size = file_size();
    tm_error err = {TM_OK, ""};
    /* every byte after the header slots (the live slot's bytes are caught
     * by its CRC too; the other slot is unused) */
    for (long off = 8192; off < size; off++) {
        poke(off, 0x10);
        tm_status st = tm_store_check(path, &err);
        ck_assert_msg(st == TM_EDATA, "flipping byte %ld went unnoticed", off);
        ck_assert_msg(strstr(err.msg, "damaged store") || strstr(err.msg, "truncated"), "%s", err.msg);
        poke(off, 0x10);
    }
    ck_assert_int_eq(tm_store_check(path, &err), TM_OK);
}
END_TEST

/* What the queries of test_flipped_byte_never_answers_wrong return. */
typedef struct answers {
    int n[8];
    uint64_t id[8][4];
    int score[8][4];
} answers;

/* 8 queries (each source exactly, then perturbed at 50%) on a store:
 * TM_OK with the answers, or the first error. */
static tm_status ask_all(answers *a, tm_error *err)
{
    tm_store *s = NULL;
    tm_status st = tm_store_open(&s, path, err);
    int opened = st == TM_OK;
    for (int q = 0; q < 8 && st == TM_OK; q++) {
        char text[256];
        snprintf(text, sizeof text, q < 4 ? "%s" : "%s thêm", PAIRS[q % 4][0]);
        tm_store_hits h;
        st = tm_store_query(s, text, strlen(text), "vi", "fr", q < 4 ? 100 : 50, 4, &h, err);
        if (st != TM_OK)
            break;
        a->n[q] = (int)h.n;
        for (size_t j = 0; j < h.n; j++) {
            a->id[q][j] = h.hit[j].id;
            a->score[q][j] = h.hit[j].score;
        }
        tm_store_hits_free(&h);
    }
    if (opened)
        tm_store_close(s);
    return st;
}

/* Indexes are checked a chunk at a time when a query first touches them:
 * whatever byte is flipped, a query either reports the damage or gives the
 * answer the intact store gives; never a different one. */
START_TEST(test_flipped_byte_never_answers_wrong)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    long size = file_size();
    tm_error err = {TM_OK, ""};
    answers good, seen;
    memset(&good, 0, sizeof good);
    ck_assert_int_eq(ask_all(&good, &err), TM_OK);
    int at_query = 0;
    for (long off = 8192; off < size; off++) {
        poke(off, 0x04);
        tm_store *s;
        int opens = tm_store_open(&s, path, &err) == TM_OK;
        if (opens)
            tm_store_close(s);
        memset(&seen, 0, sizeof seen);
        tm_status st = ask_all(&seen, &err);
        if (st == TM_OK)
            ck_assert_msg(memcmp(&seen, &good, sizeof good) == 0, "byte %ld flipped: a different answer", off);
        else
            ck_assert_msg(st == TM_EDATA && strstr(err.msg, "damaged store"), "byte %ld: %s", off, err.msg);
        at_query += opens && st != TM_OK;
        poke(off, 0x04);
    }
    ck_assert_msg(at_query > 0, "no damage was left for the queries to find: nothing is checked lazily");
}
END_TEST

START_TEST(test_truncation_caught)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    long size = file_size();
    tm_error err = {TM_OK, ""};
    for (long cut = 0; cut < size; cut += 97) {
        ck_assert_int_eq(truncate(path, cut), 0);
        tm_store *s = NULL;
        ck_assert_msg(tm_store_open(&s, path, &err) == TM_EDATA, "a store cut at %ld bytes opened", cut);
        tm_store_writer *w = NULL;
        tm_status st = tm_store_writer_open(&w, path, &err);
        ck_assert_msg(cut == 0 ? st == TM_OK : st == TM_EDATA, "cut at %ld: writer said %d", cut, st);
        if (w)
            tm_store_writer_abort(w);
        unlink(path);
        import(PAIRS, 4, "doc-a", "20240101T000000Z");
    }
}
END_TEST

START_TEST(test_future_version_refused)
{
    import(PAIRS, 4, "doc-a", "20240101T000000Z");
    /* rewrite slot A's version field and its CRC */
    int fd = open(path, O_RDWR);
    unsigned char slot[56];
    ck_assert_int_eq(pread(fd, slot, 56, 0), 56);
    unsigned char other[56];
    ck_assert_int_eq(pread(fd, other, 56, 4096), 56);
    unsigned char *live = memcmp(other, "tmkitdb", 7) == 0 ? other : slot;
    long at = live == other ? 4096 : 0;
    live[8] = TM_STORE_FORMAT + 3;
    uint32_t crc = (uint32_t)crc32(0L, live, 52);
    for (int i = 0; i < 4; i++)
        live[52 + i] = (unsigned char)(crc >> (8 * i));
    ck_assert_int_eq(pwrite(fd, live, 56, at), 56);
    close(fd);
    tm_store *s;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_open(&s, path, &err), TM_EDATA);
    char want[96];
    snprintf(want, sizeof want, "format version %d; this tmkit reads version %d", TM_STORE_FORMAT + 3,
             TM_STORE_FORMAT);
    ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
}
END_TEST

START_TEST(test_abort_and_leftovers_leave_old_content)
{
    import(PAIRS, 2, "doc-a", "20240101T000000Z");
    long size = file_size();
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    unit(&tu, PAIRS[3][0], PAIRS[3][1], "x", "20240101T000000Z");
    tm_store_writer_add(w, &tu, &err);
    tm_tu_clear(&tu);
    tm_store_writer_abort(w);
    ck_assert_int_eq(file_size(), size);
    /* garbage after the last commit (a crashed import) is ignored, then dropped */
    int fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_eq(write(fd, "garbage!", 8), 8);
    close(fd);
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 2);
    tm_store_close(s);
    import(PAIRS + 2, 2, "doc-b", "20240101T000000Z");
    s = open_store();
    ck_assert_int_eq(count_units(s), 4);
    tm_store_close(s);
    ck_assert_int_eq(tm_store_check(path, &err), TM_OK);
}
END_TEST

/* Add units 0..n-1 of a numbered series to w. */
static void add_numbered(tm_store_writer *w, int n, const char *doc, const char *date)
{
    char vi[64], fr[64];
    tm_tu tu = TM_TU_INIT;
    tm_error err = {TM_OK, ""};
    for (int i = 0; i < n; i++) {
        snprintf(vi, sizeof vi, "Câu số %d của báo cáo.", i);
        snprintf(fr, sizeof fr, "Phrase numéro %d du rapport.", i);
        unit(&tu, vi, fr, doc, date);
        ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    }
    tm_tu_clear(&tu);
}

/* An import aborted while the helper thread adds batches (each unit a
 * duplicate of a stored one, so adding reads the old store): abort
 * stops the helper before it closes the old store, and the store keeps
 * its content. Regression: abort once unmapped the store under an add. */
START_TEST(test_abort_while_batches_are_added)
{
    enum { N = 3000 };
    tm_error err = {TM_OK, ""};
    tm_store_writer *w;
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    add_numbered(w, N, "doc-a", "20240101T000000Z");
    ck_assert_msg(tm_store_writer_commit(w, &err) == TM_OK, "%s", err.msg);
    long size = file_size();
    for (int round = 0; round < 5; round++) {
        ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
        add_numbered(w, N, "doc-b", "20250101T000000Z");
        tm_store_writer_abort(w);
        ck_assert_int_eq(file_size(), size);
    }
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), N);
    tm_store_close(s);
    ck_assert_int_eq(tm_store_check(path, &err), TM_OK);
}
END_TEST

/* A unit bigger than readers accept (one 65 MiB word) is refused at
 * commit with a clear error, and the store keeps what it held. */
START_TEST(test_oversized_unit_refused)
{
    import(PAIRS, 2, "doc-a", "20240101T000000Z");
    size_t n = (65u << 20) + 1;
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', n);
    big[n] = '\0';
    tm_store_writer *w;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_OK);
    tm_tu tu = TM_TU_INIT;
    unit(&tu, big, "Un mot.", "big", "20240101T000000Z");
    free(big);
    ck_assert_int_eq(tm_store_writer_add(w, &tu, &err), TM_OK);
    tm_tu_clear(&tu);
    ck_assert_int_eq(tm_store_writer_commit(w, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, "too large for the store"), "%s", err.msg);
    tm_store *s = open_store();
    ck_assert_int_eq(count_units(s), 2);
    tm_store_close(s);
    ck_assert_int_eq(tm_store_check(path, &err), TM_OK);
}
END_TEST

START_TEST(test_not_a_store)
{
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    char junk[9000];
    memset(junk, 'x', sizeof junk);
    ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    tm_store *s;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_store_open(&s, path, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, "not a tmkit store"), "%s", err.msg);
    tm_store_writer *w;
    ck_assert_int_eq(tm_store_writer_open(&w, path, &err), TM_EDATA);
    ck_assert_int_eq(tm_store_open(&s, "/nonexistent.tmdb", &err), TM_EIO);
}
END_TEST

/* tm_seg_lower_bound starts where evenly spread keys would put the key and
 * gallops from there: on keys that are not spread (all small, all large,
 * clustered, repeated) it must still find the first key >= the target,
 * as a linear scan does. */
START_TEST(test_lower_bound_on_uneven_keys)
{
    enum { N = 3000 };
    static unsigned char sec[N * TERMENT_SIZE];
    uint32_t keys[N];
    for (int shape = 0; shape < 5; shape++) {
        uint32_t x = 12345u + (uint32_t)shape;
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            keys[i] = shape == 0 ? (uint32_t)i * 3u                      /* all small */
                      : shape == 1 ? 0xFFFFF000u + (uint32_t)i             /* all large */
                      : shape == 2 ? (i < N / 2 ? 7u : 0x80000000u + (x >> 24)) /* two clusters */
                      : shape == 3 ? (uint32_t)(i / 100) * 0x01000000u     /* long runs */
                                   : x;                                   /* spread */
        }
        for (int i = 1; i < N; i++) /* (insertion sort: the shapes are nearly sorted) */
            for (int j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
                uint32_t t = keys[j];
                keys[j] = keys[j - 1];
                keys[j - 1] = t;
            }
        for (int i = 0; i < N; i++) {
            unsigned char *e = sec + (size_t)i * TERMENT_SIZE;
            memset(e, 0, TERMENT_SIZE);
            e[0] = (unsigned char)keys[i], e[1] = (unsigned char)(keys[i] >> 8);
            e[2] = (unsigned char)(keys[i] >> 16), e[3] = (unsigned char)(keys[i] >> 24);
        }
        for (int n = 0; n <= N; n += n < 40 ? 1 : 997) {
            segment g;
            memset(&g, 0, sizeof g);
            g.sec[SEC_TERMS] = sec;
            g.sec_len[SEC_TERMS] = (uint64_t)n * TERMENT_SIZE;
            for (int t = 0; t < 400; t++) {
                x = x * 1103515245u + 12345u;
                uint32_t target = t % 3 == 0 && n ? keys[(x >> 8) % (uint32_t)n] + (uint32_t)(t % 2)
                                  : t % 3 == 1    ? x >> (t % 32)
                                                  : x;
                size_t want = 0, got = 99999;
                while (want < (size_t)n && keys[want] < target)
                    want++;
                ck_assert_int_eq(tm_seg_lower_bound(&g, SEC_TERMS, TERMENT_SIZE, 4, target, &got), 0);
                ck_assert_msg(got == want, "shape %d, %d keys, target %u: %zu, not %zu", shape, n,
                              target, got, want);
            }
        }
    }
}
END_TEST

static unsigned lcg(unsigned *seed)
{
    return (*seed = *seed * 1103515245u + 12345u) >> 16;
}

/* The packed decoder (what loads hand out) and the ordinary one (its copy
 * into loose blocks, for the writer's merges) agree on every byte string:
 * the same unit, or both refuse; the intact bytes come back exactly, and
 * whatever is accepted re-encodes to bytes that decode again (ASan checks
 * every read stays in bounds). An encoded unit with props, notes, markup
 * and empty strings has up to two bytes changed at random, and every other
 * time is cut short. */
START_TEST(test_packed_decode_agrees_with_decode)
{
    tm_tu tu = TM_TU_INIT;
    tm_annot_set_attr(&tu.an, "tuid", "42");
    tm_annot_add_prop(&tu.an, "x-document", NULL, "báo cáo");
    tm_annot_add_note(&tu.an, "fr", "");
    tm_tuv *v = tm_tu_add_tuv(&tu, "vi", "Hoà bình <b>", "Hoà <ph/>bình");
    tm_annot_add_prop(&v->an, "x-a", "vi", "1");
    tm_tu_add_tuv(&tu, "fr", "", NULL);
    tm_buf enc = TM_BUF_INIT;
    ck_assert_int_eq(tm_unit_encode(&enc, &tu), 0);
    tm_tu_packer pk = TM_TU_PACKER_INIT;
    unsigned seed = 9;
    unsigned char *b = malloc(enc.len);
    int decoded = 0;
    for (int t = 0; t < 20000; t++) {
        size_t n = t % 2 == 0 ? enc.len : (size_t)(lcg(&seed) % (enc.len + 1));
        memcpy(b, enc.data, n);
        for (int k = t % 3; k > 0 && n > 0; k--)
            b[lcg(&seed) % n] = (unsigned char)lcg(&seed);
        tm_tu plain = TM_TU_INIT, packed = TM_TU_INIT;
        int a = tm_unit_decode(b, n, &plain), c = tm_unit_decode_packed(b, n, &pk, &packed);
        ck_assert_int_eq(a, c);
        decoded += a == 0;
        if (a == 0) {
            tm_buf x = TM_BUF_INIT, y = TM_BUF_INIT;
            ck_assert_ptr_nonnull(packed.block);
            ck_assert_int_eq(tm_unit_encode(&x, &plain), 0);
            ck_assert_int_eq(tm_unit_encode(&y, &packed), 0);
            ck_assert(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
            tm_tu again = TM_TU_INIT;
            ck_assert_int_eq(tm_unit_decode((const unsigned char *)x.data, x.len, &again), 0);
            tm_tu_clear(&again);
            if (t == 0)
                ck_assert(x.len == enc.len && memcmp(x.data, enc.data, enc.len) == 0);
            tm_buf_free(&x);
            tm_buf_free(&y);
        }
        tm_tu_clear(&plain);
        tm_tu_clear(&packed);
    }
    ck_assert_int_gt(decoded, 500);   /* both answers were given often */
    ck_assert_int_lt(decoded, 19500);
    tm_tu_packer_free(&pk);
    free(b);
    tm_buf_free(&enc);
    tm_tu_clear(&tu);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("basics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_import_and_read_back);
    tcase_add_test(tc, test_lower_bound_on_uneven_keys);
    tcase_add_test(tc, test_packed_decode_agrees_with_decode);
    tcase_add_test(tc, test_each_returns_units_whole);
    tcase_add_test(tc, test_duplicates_merge_across_imports);
    tcase_add_test(tc, test_duplicates_within_one_import);
    tcase_add_test(tc, test_duplicates_across_imports_need_every_variant);
    tcase_add_test(tc, test_query_scores_and_directions);
    suite_add_tcase(s, tc);
    tc = tcase_create("lossless");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_posting_lists_round_trip);
    tcase_add_test(tc, test_terms_number_occurrences);
    tcase_add_test(tc, test_long_repetitive_text_equals_full_scan);
    tcase_add_test(tc, test_two_variants_of_one_language);
    tcase_add_test(tc, test_take_moves_units_in);
    tcase_add_test(tc, test_many_variants);
    tcase_add_test(tc, test_query_equals_full_scan);
    tcase_add_test(tc, test_concord_candidates_equal_full_scan);
    suite_add_tcase(s, tc);
    tc = tcase_create("damage");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_every_flipped_byte_is_caught);
    tcase_add_test(tc, test_flipped_byte_never_answers_wrong);
    tcase_add_test(tc, test_truncation_caught);
    tcase_add_test(tc, test_future_version_refused);
    tcase_add_test(tc, test_abort_and_leftovers_leave_old_content);
    tcase_add_test(tc, test_abort_while_batches_are_added);
    tcase_add_test(tc, test_oversized_unit_refused);
    tcase_add_test(tc, test_not_a_store);
    tcase_add_test(tc, test_identity_counts_every_variant);
    tcase_add_test(tc, test_duplicates_keep_the_newest_text);
    tcase_add_test(tc, test_merged_duplicate_ranks_by_its_new_date);
    tcase_add_test(tc, test_punctuation_moved_is_not_100);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(store_suite)
