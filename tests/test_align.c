/*
 * test_align.c — the aligner: anchor keys, documents, dictionaries, the
 * alignment itself (shapes it must find, invariants on random inputs,
 * errors) and the quality bar on corpora/ (strict F1 >= 0.97 over all
 * pairs, gold segmentation).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "align/anchors.h"
#include "testutil.h"
#include "tmkit.h"

/* ---- anchors --------------------------------------------------------------- */

static const char *keys_of(const char *s)
{
    static tm_anchorer *a;
    tm_error err = {TM_OK, ""};
    if (!a)
        ck_assert_int_eq(tm_anchorer_new(&a, &err), TM_OK);
    const tm_key *k;
    size_t n;
    ck_assert_int_eq(tm_anchors_extract(a, s, strlen(s), &k, &n, &err), TM_OK);
    for (size_t i = 1; i < n; i++)
        ck_assert(k[i - 1].hash <= k[i].hash);
    return tm_anchors_debug(a);
}

static void has_key(const char *text, const char *key)
{
    const char *d = keys_of(text);
    char padded[1024];
    snprintf(padded, sizeof padded, " %s ", d);
    char want[128];
    snprintf(want, sizeof want, " %s ", key);
    ck_assert_msg(strstr(padded, want), "'%s' should give key %s; got: %s", text, key, d);
}

static void lacks_key(const char *text, const char *key)
{
    char padded[1024], want[128];
    snprintf(padded, sizeof padded, " %s ", keys_of(text));
    snprintf(want, sizeof want, " %s ", key);
    ck_assert_msg(!strstr(padded, want), "'%s' should not give key %s", text, key);
}

START_TEST(test_anchor_numbers)
{
    has_key("đạt 1.245,6 triệu USD", "n:1245,6");
    has_key("atteint 1 245,6 millions", "n:1245,6");
    has_key("253,9 tỷ NDT", "n:253,9");
    has_key("tăng 29,2%.", "n:29,2");
    has_key("Năm 2023, kim ngạch", "n:2023");
    has_key("lúc 09:35", "n:9");
    has_key("lúc 09:35", "n:35");
    has_key("110.000 ha", "n:110000");
}
END_TEST

START_TEST(test_anchor_dates_and_months)
{
    has_key("Ngày 19/2, tại Hà Nội", "n:19");
    has_key("Ngày 19/2, tại Hà Nội", "n:2");
    has_key("Le 19 février, à Hanoi", "n:2");
    has_key("le 1er mai 2024", "n:5");
    has_key("en mai 2024", "n:5");
    lacks_key("Ngày mai, họ sẽ đến", "n:5"); /* Vietnamese "mai": tomorrow */
}
END_TEST

START_TEST(test_anchor_names)
{
    has_key("tỉnh Quảng Ninh và Móng Cái", "w:quang");
    has_key("tỉnh Quảng Ninh và Móng Cái", "w:quangninh");
    has_key("tỉnh Quảng Ninh và Móng Cái", "w:mongcai");
    has_key("le Vietnam et le Guangxi", "w:vietnam");
    has_key("giữa Việt Nam và Quảng Tây", "w:vietnam");
    has_key("khối ASEAN và GRDP", "w:asean");
    lacks_key("Hai bên thống nhất", "w:hai"); /* the first word is capitalized by grammar */
}
END_TEST

START_TEST(test_anchor_urls_and_punct)
{
    has_key("Voir www.baoquangninh.vn ou contact@ambafrance-vn.org.", "u:www.baoquangninh.vn");
    has_key("Voir www.baoquangninh.vn ou contact@ambafrance-vn.org.", "u:contact@ambafrance-vn.org");
    has_key("Pourquoi pas ?", "p:?");
    has_key("Ông hỏi: “Tại sao?”", "p:?");
    has_key("« Non », dit-il.", "p:quote");
}
END_TEST

/* ---- documents and dictionaries ---------------------------------------------- */

static char *write_tmp(const char *content)
{
    static char paths[8][64];
    static int k;
    char *p = paths[k++ % 8];
    strcpy(p, "/tmp/tmkit-test-align-XXXXXX");
    int fd = mkstemp(p);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return p;
}

START_TEST(test_doc_presegmented_paragraphs)
{
    char *p = write_tmp("Một.\nHai.\n\nBa.\n\n\nBốn.\n");
    tm_doc *d;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_doc_read(&d, p, NULL, &err), TM_OK);
    ck_assert_uint_eq(tm_doc_count(d), 4);
    ck_assert_uint_eq(tm_doc_para(d, 1), 0);
    ck_assert_uint_eq(tm_doc_para(d, 2), 1);
    ck_assert_uint_eq(tm_doc_para(d, 3), 2);
    size_t len;
    ck_assert_str_eq(tm_doc_sentence(d, 3, &len), "Bốn.");
    tm_doc_free(d);
    unlink(p);
}
END_TEST

START_TEST(test_doc_segmenting)
{
    char *p = write_tmp("TS. Nguyễn Văn A cho biết. Hai bên nhất trí.\nTin khác\n");
    tm_srx *srx;
    tm_segmenter *seg;
    tm_doc *d;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_srx_load_builtin(&srx, &err), TM_OK);
    ck_assert_int_eq(tm_segmenter_new(&seg, srx, "vi", &err), TM_OK);
    ck_assert_int_eq(tm_doc_read(&d, p, seg, &err), TM_OK);
    ck_assert_uint_eq(tm_doc_count(d), 3);
    ck_assert_uint_eq(tm_doc_para(d, 2), 1);
    tm_doc_free(d);
    tm_segmenter_free(seg);
    tm_srx_free(srx);
    unlink(p);
}
END_TEST

START_TEST(test_dict_read)
{
    char *p = write_tmp("commerce @ thương mại\nprovince @ tỉnh\nHanoi @ Hà Nội\n");
    tm_dict *d;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_dict_read(&d, p, &err), TM_OK);
    ck_assert_uint_eq(tm_dict_size(d), 1); /* phrases left out */
    tm_dict_free(d);
    unlink(p);
    p = write_tmp("commerce @ thương mại\nno separator here\n");
    ck_assert_int_eq(tm_dict_read(&d, p, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, ":2: expected 'target_word @ source_word'"), "got: %s", err.msg);
    unlink(p);
}
END_TEST

/* ---- alignment --------------------------------------------------------------- */

static tm_doc *doc_of(const char *const *sents, const unsigned *paras, size_t n)
{
    tm_doc *d;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_doc_new(&d, &err), TM_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(tm_doc_add(d, sents[i], strlen(sents[i]), paras ? paras[i] : 0, &err), TM_OK);
    return d;
}

/* Beads cover both documents exactly once, in order; scores in [0, 1]. */
static void check_cover(const tm_alignment *al, size_t n, size_t m)
{
    size_t i = 0, j = 0;
    for (size_t k = 0; k < al->n; k++) {
        const tm_bead *b = &al->beads[k];
        ck_assert_uint_eq(b->src, i);
        ck_assert_uint_eq(b->tgt, j);
        ck_assert(b->nsrc + b->ntgt > 0 && b->nsrc <= 3 && b->ntgt <= 3);
        ck_assert(b->score >= 0 && b->score <= 1);
        i += b->nsrc;
        j += b->ntgt;
    }
    ck_assert_uint_eq(i, n);
    ck_assert_uint_eq(j, m);
}

static const char *const VI[] = {
    "Năm 2023, kim ngạch thương mại giữa Việt Nam và Quảng Tây đạt 253,9 tỷ NDT.",
    "Con số này tăng 29,2% so với năm 2022.",
    "Hai bên thống nhất mở rộng hợp tác logistics tại cửa khẩu Hữu Nghị.",
    "Đoàn công tác đã thăm Nam Ninh ngày 24/9.",
    "Chia sẻ bài viết",
    "Các doanh nghiệp kỳ vọng xuất khẩu 110.000 tấn nông sản trong quý IV.",
};
static const char *const FR[] = {
    ("En 2023, les échanges entre le Vietnam et le Guangxi ont atteint 253,9 milliards de yuans, "
     "en hausse de 29,2 % par rapport à 2022."),
    "Les deux parties ont convenu d'étendre la coopération logistique au poste-frontière de Huu Nghi.",
    "La délégation s'est rendue à Nanning le 24 septembre.",
    "Les entreprises espèrent exporter 110 000 tonnes de produits agricoles au quatrième trimestre.",
};

START_TEST(test_align_merge_and_omission)
{
    unsigned pv[] = {0, 0, 1, 1, 2, 3}, pf[] = {0, 1, 1, 2};
    tm_doc *s = doc_of(VI, pv, 6), *t = doc_of(FR, pf, 4);
    tm_alignment al;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_align(s, t, NULL, &al, &err) == TM_OK, "%s", err.msg);
    check_cover(&al, 6, 4);
    ck_assert_uint_eq(al.n, 5);
    ck_assert(al.beads[0].nsrc == 2 && al.beads[0].ntgt == 1); /* the merge */
    ck_assert(al.beads[1].nsrc == 1 && al.beads[1].ntgt == 1);
    ck_assert(al.beads[3].nsrc == 1 && al.beads[3].ntgt == 0); /* "Chia sẻ bài viết" */
    ck_assert(al.beads[4].src == 5 && al.beads[4].tgt == 3);
    ck_assert(al.c > 0.5 && al.c < 2.5);
    tm_alignment_free(&al);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

START_TEST(test_align_empty_side_refused)
{
    tm_doc *s = doc_of(VI, NULL, 2), *t = doc_of(FR, NULL, 0);
    tm_alignment al;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_align(s, t, NULL, &al, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, "target side has no sentence"), "got: %s", err.msg);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

START_TEST(test_align_unequal_sizes_still_align)
{
    tm_doc *s = doc_of(VI, NULL, 6), *t = doc_of(FR, NULL, 1);
    tm_alignment al;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_align(s, t, NULL, &al, &err), TM_OK);
    check_cover(&al, 6, 1);
    tm_alignment_free(&al);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

/* Random documents: every alignment covers both sides exactly once. */
START_TEST(test_align_random_invariants)
{
    unsigned seed = 12345u + (unsigned)_i;
    size_t n = 1 + rand_r(&seed) % 60, m = 1 + rand_r(&seed) % 60;
    tm_doc *s, *t;
    tm_error err = {TM_OK, ""};
    tm_doc_new(&s, &err);
    tm_doc_new(&t, &err);
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "Câu %u có %u chữ ở Hà Nội.", rand_r(&seed) % 50,
                           rand_r(&seed) % 200);
        tm_doc_add(s, buf, (size_t)len, (unsigned)(i / 3), &err);
    }
    for (size_t j = 0; j < m; j++) {
        int len = snprintf(buf, sizeof buf, "Phrase %u de %u mots à Hanoi, longue de %*s.",
                           rand_r(&seed) % 50, rand_r(&seed) % 200, (int)(rand_r(&seed) % 80), "x");
        tm_doc_add(t, buf, (size_t)len, (unsigned)(j / 4), &err);
    }
    tm_alignment al;
    ck_assert_msg(tm_align(s, t, NULL, &al, &err) == TM_OK, "%s", err.msg);
    check_cover(&al, n, m);
    tm_alignment_free(&al);
    tm_doc_free(s);
    tm_doc_free(t);
}
END_TEST

/* ---- the quality bar: corpora/ with gold segmentation ------------------------ */

START_TEST(test_corpora_f1)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora", test_srcdir());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    size_t correct = 0, predicted = 0, gold = 0, pairs = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".gold") != 0)
            continue;
        char stem[256], pv[1400], pf[1400], pg[1400], pp[64];
        snprintf(stem, sizeof stem, "%.*s", (int)(len - 5), e->d_name);
        snprintf(pv, sizeof pv, "%s/%s.vi.sent", dir, stem);
        snprintf(pf, sizeof pf, "%s/%s.fr.sent", dir, stem);
        snprintf(pg, sizeof pg, "%s/%s.gold", dir, stem);
        tm_doc *s, *t;
        tm_alignment al;
        tm_error err = {TM_OK, ""};
        ck_assert_msg(tm_doc_read(&s, pv, NULL, &err) == TM_OK, "%s", err.msg);
        ck_assert_msg(tm_doc_read(&t, pf, NULL, &err) == TM_OK, "%s", err.msg);
        ck_assert_msg(tm_align(s, t, NULL, &al, &err) == TM_OK, "%s", err.msg);
        check_cover(&al, tm_doc_count(s), tm_doc_count(t));
        strcpy(pp, "/tmp/tmkit-beads-XXXXXX");
        int fd = mkstemp(pp);
        FILE *fp = fdopen(fd, "w");
        for (size_t k = 0; k < al.n; k++) {
            const tm_bead *b = &al.beads[k];
            for (size_t x = 0; x < b->nsrc; x++)
                fprintf(fp, x ? ",%zu" : "%zu", b->src + x);
            fputc('\t', fp);
            for (size_t x = 0; x < b->ntgt; x++)
                fprintf(fp, x ? ",%zu" : "%zu", b->tgt + x);
            fputc('\n', fp);
        }
        fclose(fp);
        tm_prf prf;
        ck_assert_int_eq(tm_eval_align(pg, pp, &prf, &err), TM_OK);
        unlink(pp);
        correct += prf.correct;
        predicted += prf.predicted;
        gold += prf.gold;
        pairs++;
        tm_alignment_free(&al);
        tm_doc_free(s);
        tm_doc_free(t);
    }
    closedir(d);
    tm_prf all = {correct, predicted, gold, 0, 0, 0};
    tm_prf_compute(&all);
    ck_assert_uint_ge(pairs, 10);
    ck_assert_msg(all.f1 >= 0.97, "strict F1 over %zu pairs is %.4f (P %.4f R %.4f), below 0.97",
                  pairs, all.f1, all.precision, all.recall);
}
END_TEST

static Suite *align_suite(void)
{
    Suite *s = suite_create("align");
    TCase *tc = tcase_create("anchors");
    tcase_add_test(tc, test_anchor_numbers);
    tcase_add_test(tc, test_anchor_dates_and_months);
    tcase_add_test(tc, test_anchor_names);
    tcase_add_test(tc, test_anchor_urls_and_punct);
    suite_add_tcase(s, tc);
    tc = tcase_create("inputs");
    tcase_add_test(tc, test_doc_presegmented_paragraphs);
    tcase_add_test(tc, test_doc_segmenting);
    tcase_add_test(tc, test_dict_read);
    suite_add_tcase(s, tc);
    tc = tcase_create("alignment");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_align_merge_and_omission);
    tcase_add_test(tc, test_align_empty_side_refused);
    tcase_add_test(tc, test_align_unequal_sizes_still_align);
    tcase_add_loop_test(tc, test_align_random_invariants, 0, 40);
    tcase_add_test(tc, test_corpora_f1);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(align_suite)
