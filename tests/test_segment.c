/*
 * test_segment.c — the segmenter: golden-rule cases per language
 * (tests/fixtures/segment/{vi,fr}.cases: "# what", "> input", then the
 * expected sentences), every gold segmentation of corpora/ reproduced
 * exactly, SRX loading and its errors, offsets, long input.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "tmkit.h"

typedef struct seg_case {
    char lang[4];
    char *what, *input;
    char **expect;
    size_t nexpect;
    unsigned long line;
} seg_case;

static seg_case *cases;
static size_t ncases, capcases;

static void load_cases(const char *lang)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/segment/%s.cases", test_srcdir(), lang);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return;
    char buf[8192];
    unsigned long line = 0;
    seg_case *cur = NULL;
    while (fgets(buf, sizeof buf, fp)) {
        line++;
        buf[strcspn(buf, "\n")] = '\0';
        if (buf[0] == '\0') {
            cur = NULL;
            continue;
        }
        if (!cur) {
            if (ncases == capcases) {
                capcases = capcases ? 2 * capcases : 128;
                cases = realloc(cases, capcases * sizeof *cases);
            }
            cur = &cases[ncases++];
            memset(cur, 0, sizeof *cur);
            snprintf(cur->lang, sizeof cur->lang, "%s", lang);
            cur->line = line;
        }
        if (strncmp(buf, "# ", 2) == 0) {
            cur->what = strdup(buf + 2);
        } else if (strncmp(buf, "> ", 2) == 0) {
            cur->input = strdup(buf + 2);
        } else {
            cur->expect = realloc(cur->expect, (cur->nexpect + 1) * sizeof *cur->expect);
            cur->expect[cur->nexpect++] = strdup(buf);
        }
    }
    fclose(fp);
}

static tm_segmenter *make_segmenter(const char *lang)
{
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_srx_load_builtin(&srx, &err) == TM_OK, "%s", err.msg);
    tm_segmenter *s;
    ck_assert_msg(tm_segmenter_new(&s, srx, lang, &err) == TM_OK, "%s", err.msg);
    tm_srx_free(srx); /* the segmenter keeps compiled copies */
    /* Every test of the built-in rules runs with a thousandth of the
     * default regex time limit: the rules stay that far below it on every
     * input here (the corpora, the golden cases), or a test fails. */
    tm_segmenter_set_time_limit(s, TM_SEGMENT_TIME_LIMIT / 1000);
    return s;
}

START_TEST(test_golden_case)
{
    const seg_case *c = &cases[_i];
    ck_assert_msg(c->input && c->nexpect, "%s.cases:%lu: malformed case", c->lang, c->line);
    tm_segmenter *s = make_segmenter(c->lang);
    const tm_span *sp;
    size_t n;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_segmenter_split(s, c->input, strlen(c->input), &sp, &n, &err), TM_OK);
    char got[8192] = "", want[8192] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "\n  [%.*s]",
                 (int)(sp[i].end - sp[i].start), c->input + sp[i].start);
    for (size_t i = 0; i < c->nexpect; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "\n  [%s]", c->expect[i]);
    ck_assert_msg(strcmp(got, want) == 0, "%s.cases:%lu (%s)\nwant:%s\ngot:%s", c->lang,
                  c->line, c->what ? c->what : "", want, got);
    tm_segmenter_free(s);
}
END_TEST

/* ---- the corpora's gold segmentation, reproduced exactly ------------------ */

static char *corpus_files[64];
static size_t ncorpus;

static void find_corpus_files(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora", test_srcdir());
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && ncorpus < 64) {
        size_t n = strlen(e->d_name);
        if (n > 8 && strcmp(e->d_name + n - 4, ".txt") == 0)
            corpus_files[ncorpus++] = strndup(e->d_name, n - 4); /* stem.lang */
    }
    if (d)
        closedir(d);
}

START_TEST(test_corpus_gold_reproduced)
{
    const char *base = corpus_files[_i];
    const char *lang = base + strlen(base) - 2;
    char txt[1024], sent[1024];
    snprintf(txt, sizeof txt, "%s/corpora/%s.txt", test_srcdir(), base);
    snprintf(sent, sizeof sent, "%s/corpora/%s.sent", test_srcdir(), base);
    tm_segmenter *s = make_segmenter(lang);
    tm_reader *rt, *rs;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_reader_open(&rt, txt, 0, &err) == TM_OK, "%s", err.msg);
    ck_assert_msg(tm_reader_open(&rs, sent, 0, &err) == TM_OK, "%s", err.msg);
    tm_line p, g;
    while (tm_reader_next_para(rt, &p, &err) == TM_OK && p.text) {
        const tm_span *sp;
        size_t n;
        ck_assert_int_eq(tm_segmenter_split(s, p.text, p.len, &sp, &n, &err), TM_OK);
        for (size_t i = 0; i < n; i++) {
            ck_assert_int_eq(tm_reader_next_para(rs, &g, &err), TM_OK);
            ck_assert_msg(g.text != NULL, "%s: more sentences than the gold", base);
            /* compare modulo white space runs: the .sent collapses them */
            tm_buf a = TM_BUF_INIT, b = TM_BUF_INIT;
            tm_norm(p.text + sp[i].start, sp[i].end - sp[i].start, TM_NORM_SPACE, &a, &err);
            tm_norm(g.text, g.len, TM_NORM_SPACE, &b, &err);
            ck_assert_msg(strcmp(a.data, b.data) == 0, "%s.txt:%lu: got  [%s]\n  gold [%s] (%s.sent:%lu)",
                          base, p.lineno, a.data, b.data, base, g.lineno);
            tm_buf_free(&a);
            tm_buf_free(&b);
        }
    }
    ck_assert_int_eq(tm_reader_next_para(rs, &g, &err), TM_OK);
    ck_assert_msg(g.text == NULL, "%s: fewer sentences than the gold", base);
    tm_reader_free(rt);
    tm_reader_free(rs);
    tm_segmenter_free(s);
}
END_TEST

/* ---- engine properties ------------------------------------------------------- */

static size_t split(tm_segmenter *s, const char *text, const tm_span **sp)
{
    size_t n;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_segmenter_split(s, text, strlen(text), sp, &n, &err), TM_OK);
    return n;
}

START_TEST(test_spans_are_trimmed_byte_offsets)
{
    tm_segmenter *s = make_segmenter("vi");
    const tm_span *sp;
    const char *t = "  Hà Nội đẹp.\xC2\xA0 Huế cũng đẹp!  ";
    ck_assert_uint_eq(split(s, t, &sp), 2);
    ck_assert_uint_eq(sp[0].start, 2);
    ck_assert_uint_eq(sp[0].end, 2 + strlen("Hà Nội đẹp."));
    ck_assert_int_eq(strncmp(t + sp[1].start, "Huế cũng đẹp!", sp[1].end - sp[1].start), 0);
    ck_assert_uint_eq(sp[1].end - sp[1].start, strlen("Huế cũng đẹp!"));
    tm_segmenter_free(s);
}
END_TEST

START_TEST(test_blank_and_empty)
{
    tm_segmenter *s = make_segmenter("fr");
    const tm_span *sp;
    ck_assert_uint_eq(split(s, "", &sp), 0);
    ck_assert_uint_eq(split(s, "   ", &sp), 0);
    ck_assert_uint_eq(split(s, "Titre sans point", &sp), 1);
    tm_segmenter_free(s);
}
END_TEST

START_TEST(test_astral_characters_offsets)
{
    tm_segmenter *s = make_segmenter("fr");
    const tm_span *sp;
    const char *t = "Un emoji \xF0\x9F\x98\x80 ici. Puis la suite.";
    ck_assert_uint_eq(split(s, t, &sp), 2);
    ck_assert_str_eq(t + sp[1].start, "Puis la suite.");
    tm_segmenter_free(s);
}
END_TEST

START_TEST(test_long_paragraph_linear)
{
    /* 20 000 sentences in one paragraph: every one found. */
    tm_segmenter *s = make_segmenter("vi");
    tm_buf b = TM_BUF_INIT;
    for (int i = 0; i < 20000; i++)
        tm_buf_puts(&b, "Tỉnh có hơn 110.000 ha đất nông nghiệp tại TP. Lạng Sơn. ");
    const tm_span *sp;
    size_t n;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_segmenter_split(s, b.data, b.len, &sp, &n, &err), TM_OK);
    ck_assert_uint_eq(n, 20000);
    tm_buf_free(&b);
    tm_segmenter_free(s);
}
END_TEST

START_TEST(test_icu_only_without_rules)
{
    tm_segmenter *s;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_segmenter_new(&s, NULL, "fr", &err), TM_OK);
    const tm_span *sp;
    /* ICU alone splits after "M." before a name; the rules do not. */
    ck_assert_uint_eq(split(s, "Il a vu M. Martin hier.", &sp), 2);
    tm_segmenter_free(s);
    s = make_segmenter("fr");
    ck_assert_uint_eq(split(s, "Il a vu M. Martin hier.", &sp), 1);
    tm_segmenter_free(s);
}
END_TEST

/* ---- SRX files ------------------------------------------------------------- */

#define SRX_HEAD "<?xml version=\"1.0\"?>\n<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\n" \
                 "<header cascade=\"yes\"/>\n<body><languagerules>\n"

static tm_status load_srx(const char *doc, tm_srx **srx, tm_error *err)
{
    return tm_srx_load_mem(srx, "user.srx", doc, strlen(doc), err);
}

START_TEST(test_user_srx_applies_in_order)
{
    const char *doc = SRX_HEAD
        "<languagerule languagerulename=\"X\">\n"
        "<rule break=\"no\"><beforebreak>\\bNo\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n"
        "<rule break=\"yes\"><beforebreak>;</beforebreak><afterbreak>\\s</afterbreak></rule>\n"
        "</languagerule></languagerules>\n"
        "<maprules><languagemap languagepattern=\"en.*\" languagerulename=\"X\"/></maprules></body></srx>";
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(load_srx(doc, &srx, &err) == TM_OK, "%s", err.msg);
    tm_segmenter *s;
    ck_assert_int_eq(tm_segmenter_new(&s, srx, "en-GB", &err), TM_OK);
    const tm_span *sp;
    const char *t = "See No. 5 here; then go. Next one.";
    ck_assert_uint_eq(split(s, t, &sp), 3); /* kept "No. 5", broke at ";" and "." */
    ck_assert_int_eq(strncmp(t + sp[0].start, "See No. 5 here;", sp[0].end - sp[0].start), 0);
    tm_segmenter_free(s);
    /* a language no map matches gets no rules: ICU alone */
    ck_assert_int_eq(tm_segmenter_new(&s, srx, "de", &err), TM_OK);
    ck_assert_uint_eq(tm_segmenter_nrules(s), 0);
    tm_segmenter_free(s);
    tm_srx_free(srx);
}
END_TEST

START_TEST(test_srx_cascade_no_takes_first_map)
{
    const char *doc = "<?xml version=\"1.0\"?><srx version=\"2.0\"><header cascade=\"no\"/><body><languagerules>"
        "<languagerule languagerulename=\"A\"><rule><beforebreak>a</beforebreak></rule></languagerule>"
        "<languagerule languagerulename=\"B\"><rule><beforebreak>b</beforebreak></rule>"
        "<rule><beforebreak>c</beforebreak></rule></languagerule></languagerules>"
        "<maprules><languagemap languagepattern=\"fr.*\" languagerulename=\"B\"/>"
        "<languagemap languagepattern=\".*\" languagerulename=\"A\"/></maprules></body></srx>";
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(load_srx(doc, &srx, &err) == TM_OK, "%s", err.msg);
    const tm_srx_rule **r;
    size_t n;
    ck_assert_int_eq(tm_srx_select(srx, "fr", &r, &n, &err), TM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(r[0]->before, "b");
    ck_assert_int_eq(r[0]->brk, 1); /* break defaults to yes */
    free(r);
    ck_assert_int_eq(tm_srx_select(srx, "vi", &r, &n, &err), TM_OK);
    ck_assert_uint_eq(n, 1);
    free(r);
    tm_srx_free(srx);
}
END_TEST

START_TEST(test_srx_1_0_maprule)
{
    const char *doc = "<?xml version=\"1.0\"?><srx version=\"1.0\"><header cascade=\"no\"/><body><languagerules>"
        "<languagerule languagerulename=\"A\"><rule><beforebreak>a</beforebreak></rule></languagerule>"
        "</languagerules><maprules><maprule maprulename=\"Default\">"
        "<languagemap languagepattern=\".*\" languagerulename=\"A\"/></maprule></maprules></body></srx>";
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(load_srx(doc, &srx, &err) == TM_OK, "%s", err.msg);
    const tm_srx_rule **r;
    size_t n;
    ck_assert_int_eq(tm_srx_select(srx, "xx", &r, &n, &err), TM_OK);
    ck_assert_uint_eq(n, 1);
    free(r);
    tm_srx_free(srx);
}
END_TEST

static tm_error srx_bad(const char *doc)
{
    tm_srx *srx = NULL;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(load_srx(doc, &srx, &err), TM_EDATA);
    ck_assert_ptr_null(srx);
    return err;
}

START_TEST(test_srx_errors)
{
    tm_error e = srx_bad(SRX_HEAD "<languagerule languagerulename=\"X\">\n"
                         "<rule break=\"no\"><beforebreak>(unclosed</beforebreak></rule>\n"
                         "</languagerule></languagerules><maprules/></body></srx>");
    ck_assert_msg(strstr(e.msg, "user.srx:6: rule 1 of 'X': invalid beforebreak regex /(unclosed/"),
                  "got: %s", e.msg);
    e = srx_bad(SRX_HEAD "<languagerule languagerulename=\"X\">\n<rule break=\"maybe\"/>\n"
                "</languagerule></languagerules><maprules/></body></srx>");
    ck_assert_msg(strstr(e.msg, ":6: rule 1 of 'X': break must be"), "got: %s", e.msg);
    e = srx_bad(SRX_HEAD "</languagerules><maprules>\n<languagemap languagepattern=\".*\" "
                "languagerulename=\"Nope\"/></maprules></body></srx>");
    ck_assert_msg(strstr(e.msg, ":6: <languagemap> names an unknown languagerule 'Nope'"), "got: %s", e.msg);
    e = srx_bad("<?xml version=\"1.0\"?>\n<srx><body>\n<oops></body></srx>");
    ck_assert_msg(strstr(e.msg, "user.srx:3: not well-formed XML"), "got: %s", e.msg);
    e = srx_bad("<?xml version=\"1.0\"?><notsrx/>");
    ck_assert_msg(strstr(e.msg, "not an SRX file"), "got: %s", e.msg);
    e = srx_bad("<?xml version=\"1.0\"?><!DOCTYPE srx [<!ENTITY a \"b\">]><srx/>");
    ck_assert_msg(strstr(e.msg, "user.srx:1: the DOCTYPE declares entities"), "got: %s", e.msg);
    /* a parameter entity too, with the DOCTYPE's line (it was ignored) */
    e = srx_bad("<?xml version=\"1.0\"?>\n\n<!DOCTYPE srx [<!ENTITY % p \"\">]>\n""<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\"><header cascade=\"yes\"/>"
                "<body><languagerules/><maprules/></body></srx>");
    ck_assert_msg(strstr(e.msg, "user.srx:3: the DOCTYPE declares entities"), "got: %s", e.msg);
}
END_TEST

/* A user's rule that backtracks without end stops the split with TM_EDATA
 * naming the file, line and rule, in bounded time (it ran for ever). */
START_TEST(test_srx_regex_time_limit)
{
    const char *doc = SRX_HEAD "<languagerule languagerulename=\"bad\">\n"
                      "<rule break=\"no\"><beforebreak>\\.</beforebreak>"
                      "<afterbreak>\\s(a+)+$</afterbreak></rule>\n"
                      "</languagerule></languagerules><maprules><languagemap languagepattern=\".*\" "
                      "languagerulename=\"bad\"/></maprules></body></srx>";
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(load_srx(doc, &srx, &err) == TM_OK, "%s", err.msg);
    tm_segmenter *s;
    ck_assert_int_eq(tm_segmenter_new(&s, srx, "en", &err), TM_OK);
    tm_srx_free(srx); /* the message must not need it */
    tm_segmenter_set_time_limit(s, 100);
    const char *text = "Hello world. aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaX";
    const tm_span *sp;
    size_t n;
    ck_assert_int_eq(tm_segmenter_split(s, text, strlen(text), &sp, &n, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, "user.srx:6: rule 1 of 'bad' (beforebreak '\\.', afterbreak "
                                  "'\\s(a+)+$') ran past the regex time limit"),
                  "got: %s", err.msg);
    /* the segmenter is still usable on text the rule handles quickly */
    ck_assert_int_eq(tm_segmenter_split(s, "One. Two.", 9, &sp, &n, &err), TM_OK);
    ck_assert_uint_eq(n, 2);
    tm_segmenter_free(s);
}
END_TEST

START_TEST(test_srx_limits)
{
    /* more rules than SRX_MAX_RULES, a pattern past 4096 bytes */
    tm_buf b = TM_BUF_INIT;
    tm_buf_puts(&b, SRX_HEAD "<languagerule languagerulename=\"X\">\n");
    for (int i = 0; i < 10001; i++)
        tm_buf_puts(&b, "<rule break=\"no\"><beforebreak>a</beforebreak></rule>\n");
    tm_buf_puts(&b, "</languagerule></languagerules><maprules/></body></srx>");
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(load_srx(b.data, &srx, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, "user.srx:10006: more than 10000 rules"), "got: %s", err.msg);
    tm_buf_clear(&b);
    tm_buf_puts(&b, SRX_HEAD "<languagerule languagerulename=\"X\">\n<rule><beforebreak>");
    for (int i = 0; i < 4097; i++)
        tm_buf_putc(&b, 'a');
    tm_buf_puts(&b, "</beforebreak></rule>\n</languagerule></languagerules><maprules/></body></srx>");
    ck_assert_int_eq(load_srx(b.data, &srx, &err), TM_EDATA);
    ck_assert_msg(strstr(err.msg, ":6: rule 1 of 'X': a pattern of 4097 bytes, over the limit of 4096"),
                  "got: %s", err.msg);
    tm_buf_free(&b);
}
END_TEST

START_TEST(test_srx_missing_file)
{
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_srx_load_file(&srx, "/nonexistent.srx", &err), TM_EIO);
    ck_assert_msg(strstr(err.msg, "/nonexistent.srx: cannot open"), "got: %s", err.msg);
}
END_TEST

START_TEST(test_builtin_srx_is_the_data_file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/segment.srx", test_srcdir());
    tm_srx *a, *b;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_srx_load_file(&a, path, &err) == TM_OK, "%s", err.msg);
    ck_assert_int_eq(tm_srx_load_builtin(&b, &err), TM_OK);
    const tm_srx_rule **ra, **rb;
    size_t na, nb;
    tm_srx_select(a, "vi", &ra, &na, &err);
    tm_srx_select(b, "vi", &rb, &nb, &err);
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++)
        ck_assert_str_eq(ra[i]->before ? ra[i]->before : "", rb[i]->before ? rb[i]->before : "");
    free(ra);
    free(rb);
    tm_srx_free(a);
    tm_srx_free(b);
}
END_TEST

/* ---- language guess ----------------------------------------------------------- */

START_TEST(test_lang_detect)
{
    const char *vi = "Hai bên thống nhất đẩy mạnh hợp tác thương mại và đầu tư.";
    const char *fr = "Les deux parties ont convenu de renforcer la coopération commerciale.";
    ck_assert_str_eq(tm_lang_detect(vi, strlen(vi)), "vi");
    ck_assert_str_eq(tm_lang_detect(fr, strlen(fr)), "fr");
    ck_assert_ptr_null(tm_lang_detect("12345 67", 8));
    const char *en = "The two sides agreed to strengthen trade.";
    ck_assert_ptr_null(tm_lang_detect(en, strlen(en)));
}
END_TEST

static Suite *segment_suite(void)
{
    load_cases("vi");
    load_cases("fr");
    find_corpus_files();
    Suite *s = suite_create("segment");
    TCase *tc = tcase_create("golden rules");
    tcase_add_loop_test(tc, test_golden_case, 0, (int)ncases);
    suite_add_tcase(s, tc);
    tc = tcase_create("corpora");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_corpus_gold_reproduced, 0, (int)ncorpus);
    suite_add_tcase(s, tc);
    tc = tcase_create("engine");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_spans_are_trimmed_byte_offsets);
    tcase_add_test(tc, test_blank_and_empty);
    tcase_add_test(tc, test_astral_characters_offsets);
    tcase_add_test(tc, test_long_paragraph_linear);
    tcase_add_test(tc, test_icu_only_without_rules);
    tcase_add_test(tc, test_lang_detect);
    suite_add_tcase(s, tc);
    tc = tcase_create("srx");
    tcase_add_test(tc, test_user_srx_applies_in_order);
    tcase_add_test(tc, test_srx_cascade_no_takes_first_map);
    tcase_add_test(tc, test_srx_1_0_maprule);
    tcase_add_test(tc, test_srx_errors);
    tcase_add_test(tc, test_srx_missing_file);
    tcase_add_test(tc, test_srx_regex_time_limit);
    tcase_add_test(tc, test_srx_limits);
    tcase_add_test(tc, test_builtin_srx_is_the_data_file);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(segment_suite)
