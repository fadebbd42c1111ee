/*
 * test_tmx.c — TMX writer and reader: round trip, what CAT tools write
 * (fixtures in the shapes of OmegaT, Trados UTF-16, memoQ and Okapi
 * exports), inline markup, hostile documents.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "tmkit.h"
#include "tmx_outcome.h"

static char *fixture(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/tmx/%s", test_srcdir(), name);
    return path;
}

/* Write units to memory and return the document (caller frees). */
static char *write_doc(const tm_tu *tus, size_t n, size_t *dropped)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    tm_tmx_writer *w;
    tm_error err = {TM_OK, ""};
    tm_tmx_header h = {.srclang = "vi", .creationdate = "20241125T093500Z"};
    ck_assert_msg(tm_tmx_writer_open(&w, fp, "mem.tmx", &h, &err) == TM_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(tm_tmx_writer_add(w, &tus[i], &err), TM_OK);
    ck_assert_int_eq(tm_tmx_writer_finish(w, &err), TM_OK);
    if (dropped)
        *dropped = tm_tmx_writer_dropped(w);
    tm_tmx_writer_free(w);
    fclose(fp);
    return buf;
}

static tm_tmx_reader *open_doc(const char *doc, int flags)
{
    tm_tmx_reader *r;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_tmx_reader_open_mem(&r, "mem.tmx", doc, strlen(doc), flags, &err) == TM_OK,
                  "%s", err.msg);
    return r;
}

static tm_error open_doc_bad(const char *doc)
{
    tm_tmx_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    tm_status st = tm_tmx_reader_open_mem(&r, "mem.tmx", doc, strlen(doc), 0, &err);
    if (st == TM_OK) { /* the problem may only show when reading units */
        tm_tu tu = TM_TU_INIT;
        int got = 1;
        while (st == TM_OK && got)
            st = tm_tmx_reader_next(r, &tu, &got, &err);
        tm_tu_clear(&tu);
        tm_tmx_reader_free(r);
    }
    ck_assert_int_eq(st, TM_EDATA);
    return err;
}

/* doc is refused (TM_EDATA) with a message that contains want. */
static void assert_refused(const char *doc, const char *want)
{
    tm_error e = open_doc_bad(doc);
    ck_assert_msg(strstr(e.msg, want), "want \"%s\", got: %s", want, e.msg);
}

static int next_tu(tm_tmx_reader *r, tm_tu *tu)
{
    tm_error err = {TM_OK, ""};
    int got = 0;
    ck_assert_msg(tm_tmx_reader_next(r, tu, &got, &err) == TM_OK, "%s", err.msg);
    return got;
}

static void make_unit(tm_tu *tu, const char *vi, const char *fr)
{
    tm_annot_set_attr(&tu->an, "tuid", "qn-gx-talks:3");
    tm_annot_set_attr(&tu->an, "creationdate", "20241125T093500Z");
    tm_annot_add_prop(&tu->an, "x-document", NULL, "qn-gx-talks");
    tm_annot_add_prop(&tu->an, "x-score", NULL, "0.97");
    tm_annot_add_note(&tu->an, NULL, "aligned by tmkit");
    tm_tu_add_tuv(tu, "vi", vi, NULL);
    tm_tu_add_tuv(tu, "fr", fr, NULL);
}

START_TEST(test_roundtrip_plain)
{
    tm_tu in = TM_TU_INIT, out = TM_TU_INIT;
    make_unit(&in, "Hai bên <cam kết> & “hợp tác”.", "Les deux parties s'engagent à « coopérer ».");
    size_t dropped;
    char *doc = write_doc(&in, 1, &dropped);
    ck_assert_uint_eq(dropped, 0);
    ck_assert_ptr_nonnull(strstr(doc, "<tmx version=\"1.4\">"));
    ck_assert_ptr_nonnull(strstr(doc, "creationtool=\"tmkit\""));
    ck_assert_ptr_nonnull(strstr(doc, "<tuv xml:lang=\"vi\">"));
    ck_assert_ptr_nonnull(strstr(doc, "&lt;cam kết&gt; &amp;"));
    tm_tmx_reader *r = open_doc(doc, 0);
    ck_assert_str_eq(tm_tmx_reader_version(r), "1.4");
    ck_assert_str_eq(tm_annot_attr(tm_tmx_reader_header(r), "srclang"), "vi");
    ck_assert_str_eq(tm_annot_attr(tm_tmx_reader_header(r), "creationtool"), "tmkit");
    ck_assert(next_tu(r, &out));
    ck_assert_str_eq(tm_annot_attr(&out.an, "tuid"), "qn-gx-talks:3");
    ck_assert_str_eq(tm_annot_prop(&out.an, "x-score"), "0.97");
    ck_assert_uint_eq(out.an.nnotes, 1);
    ck_assert_str_eq(out.an.notes[0].text, "aligned by tmkit");
    ck_assert_uint_eq(out.ntuvs, 2);
    ck_assert_str_eq(tm_tu_find(&out, "vi")->text, in.tuvs[0].text);
    ck_assert_str_eq(tm_tu_find(&out, "fr")->text, in.tuvs[1].text);
    ck_assert_ptr_null(tm_tu_find(&out, "vi")->markup);
    ck_assert(!next_tu(r, &out));
    tm_tmx_reader_free(r);
    tm_tu_clear(&in);
    tm_tu_clear(&out);
    free(doc);
}
END_TEST

START_TEST(test_forbidden_chars_dropped)
{
    tm_tu in = TM_TU_INIT, out = TM_TU_INIT;
    make_unit(&in, "tab\tok, bell\a and esc\x1b gone", "fin\xEF\xBF\xBF"); /* U+FFFF */
    size_t dropped;
    char *doc = write_doc(&in, 1, &dropped);
    ck_assert_uint_eq(dropped, 3);
    tm_tmx_reader *r = open_doc(doc, 0);
    ck_assert(next_tu(r, &out));
    ck_assert_str_eq(out.tuvs[0].text, "tab\tok, bell and esc gone");
    ck_assert_str_eq(out.tuvs[1].text, "fin");
    tm_tmx_reader_free(r);
    tm_tu_clear(&in);
    tm_tu_clear(&out);
    free(doc);
}
END_TEST

START_TEST(test_many_units_stream)
{
    tm_tu in = TM_TU_INIT, out = TM_TU_INIT;
    make_unit(&in, "Câu", "Phrase");
    enum { N = 2000 };
    tm_tu *many = calloc(N, sizeof *many);
    for (int i = 0; i < N; i++)
        tm_tu_copy(&many[i], &in);
    char *doc = write_doc(many, N, NULL);
    tm_tmx_reader *r = open_doc(doc, 0);
    int count = 0;
    while (next_tu(r, &out))
        count++;
    ck_assert_int_eq(count, N);
    tm_tmx_reader_free(r);
    for (int i = 0; i < N; i++)
        tm_tu_clear(&many[i]);
    free(many);
    tm_tu_clear(&in);
    tm_tu_clear(&out);
    free(doc);
}
END_TEST

START_TEST(test_header_needs_srclang)
{
    tm_tmx_writer *w;
    tm_error err = {TM_OK, ""};
    tm_tmx_header h = {.srclang = "not a code"};
    ck_assert_int_eq(tm_tmx_writer_open(&w, stdout, "x", &h, &err), TM_EUSAGE);
}
END_TEST

START_TEST(test_dates)
{
    char d[TM_TMX_DATE_LEN];
    tm_tmx_date((time_t)1732527300, d); /* 2024-11-25 09:35:00 UTC */
    ck_assert_str_eq(d, "20241125T093500Z");
    ck_assert(tm_tmx_date_valid(d));
    ck_assert(!tm_tmx_date_valid("20241325T093500Z"));
    ck_assert(!tm_tmx_date_valid("20240230T093500Z"));
    ck_assert(!tm_tmx_date_valid("2024-11-25T09:35:00Z"));
    ck_assert(!tm_tmx_date_valid("20241125T093500"));
    /* 29 February only in leap years */
    ck_assert(tm_tmx_date_valid("20240229T000000Z"));
    ck_assert(tm_tmx_date_valid("20000229T000000Z"));
    ck_assert(!tm_tmx_date_valid("20230229T000000Z"));
    ck_assert(!tm_tmx_date_valid("19000229T000000Z"));
    /* a time past year 9999 (or that gmtime cannot take) still gives a date */
    tm_tmx_date((time_t)253402300800LL, d);
    ck_assert(tm_tmx_date_valid(d));
    tm_tmx_date((time_t)99999999999999999LL, d);
    ck_assert(tm_tmx_date_valid(d));
}
END_TEST

/* ---- what CAT tools write ------------------------------------------------ */

static tm_tmx_reader *open_fixture(const char *name)
{
    tm_tmx_reader *r;
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_tmx_reader_open(&r, fixture(name), 0, &err) == TM_OK, "%s", err.msg);
    return r;
}

START_TEST(test_omegat_tmx11_lang_attribute)
{
    tm_tmx_reader *r = open_fixture("omegat.tmx");
    tm_tu tu = TM_TU_INIT;
    ck_assert_str_eq(tm_tmx_reader_version(r), "1.1");
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tu.tuvs[0].lang, "VI"); /* kept as written */
    ck_assert_str_eq(tm_tu_find(&tu, "vi")->text,
                     "Hai bên thống nhất đẩy mạnh hợp tác thương mại.");
    ck_assert_str_eq(tm_annot_attr(&tm_tu_find(&tu, "fr")->an, "changeid"), "translator");
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tm_annot_prop(&tu.an, "file"), "report.vi.txt");
    ck_assert_str_eq(tm_tu_find(&tu, "fr")->text, "La province de Quang Ninh & le Guangxi");
    ck_assert(!next_tu(r, &tu));
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_trados_utf16)
{
    tm_tmx_reader *r = open_fixture("trados-utf16.tmx");
    tm_tu tu = TM_TU_INIT;
    ck_assert_str_eq(tm_annot_attr(tm_tmx_reader_header(r), "srclang"), "vi-VN");
    ck_assert_str_eq(tm_annot_prop(tm_tmx_reader_header(r), "x-TMName"), "vi-fr reports");
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tm_annot_attr(&tu.an, "usagecount"), "3");
    ck_assert_str_eq(tm_annot_attr(&tu.an, "creationid"), "TRADOS\\tr");
    const tm_tuv *fr = tm_tu_find(&tu, "fr");
    ck_assert_str_eq(fr->lang, "fr-FR");
    ck_assert_str_eq(fr->text, "Le 27 février, la délégation a tenu des entretiens à Nanning.");
    ck_assert_ptr_nonnull(fr->markup);
    ck_assert_ptr_nonnull(strstr(fr->markup, "<ph x=\"1\" type=\"0\"/>"));
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_memoq_multilingual_and_props)
{
    tm_tmx_reader *r = open_fixture("memoq.tmx");
    tm_tu tu = TM_TU_INIT;
    ck_assert_str_eq(tm_annot_prop(tm_tmx_reader_header(r), "x-mq-name"), "Quang Ninh reports");
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tm_annot_prop(&tu.an, "client"), "Sở Công Thương");
    ck_assert_str_eq(tm_annot_prop(&tu.an, "x-context-post"), "");
    ck_assert_str_eq(tu.an.notes[0].text, "Checked against the printed edition.");
    ck_assert_str_eq(tm_tu_find(&tu, "vi")->text, "Quảng Tây là đối tác quan trọng của Việt Nam.");
    ck_assert(next_tu(r, &tu));
    ck_assert_uint_eq(tu.ntuvs, 3);
    ck_assert_str_eq(tm_tu_find(&tu, "en")->text, "Aquatic products and good health.");
    ck_assert_str_eq(tm_tu_find(&tu, "FR-fr")->lang, "fr-fr");
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_okapi_inline_codes)
{
    tm_tmx_reader *r = open_fixture("okapi.tmx");
    tm_tu tu = TM_TU_INIT;
    ck_assert(next_tu(r, &tu));
    const tm_tuv *vi = tm_tu_find(&tu, "vi");
    ck_assert_str_eq(vi->text, "Kim ngạch đạt 253,9 tỷ NDT năm 2023.");
    ck_assert_str_eq(vi->markup,
                     "Kim ngạch đạt <bpt i=\"1\">&lt;b&gt;</bpt>253,9 tỷ NDT<ept i=\"1\">&lt;/b&gt;</ept> năm 2023.");
    ck_assert(next_tu(r, &tu));
    /* <sub> inside <ph> is a subflow: not part of the sentence */
    ck_assert_str_eq(tm_tu_find(&tu, "vi")->text, "Xem ảnh  bên dưới.");
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_markup_roundtrip)
{
    tm_tmx_reader *r = open_fixture("okapi.tmx");
    tm_tu tu = TM_TU_INIT, back = TM_TU_INIT;
    ck_assert(next_tu(r, &tu));
    char *doc = write_doc(&tu, 1, NULL);
    tm_tmx_reader *r2 = open_doc(doc, 0);
    ck_assert(next_tu(r2, &back));
    ck_assert_str_eq(tm_tu_find(&back, "fr")->markup, tm_tu_find(&tu, "fr")->markup);
    ck_assert_str_eq(tm_tu_find(&back, "fr")->text, tm_tu_find(&tu, "fr")->text);
    ck_assert_str_eq(tm_annot_attr(&back.an, "tuid"), "okapi-1");
    ck_assert_str_eq(tm_annot_prop(&back.an, "Txt::FileName"), "bao-cao.html");
    tm_tmx_reader_free(r);
    tm_tmx_reader_free(r2);
    tm_tu_clear(&tu);
    tm_tu_clear(&back);
    free(doc);
}
END_TEST

/* ---- broken and hostile documents -------------------------------------- */

#define HEAD "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" " \
             "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" "  \
             "srclang=\"vi\" datatype=\"plaintext\"/><body>\n"
#define TU(vi, fr) "<tu><tuv xml:lang=\"vi\"><seg>" vi "</seg></tuv><tuv xml:lang=\"fr\"><seg>" fr "</seg></tuv></tu>\n"

START_TEST(test_not_well_formed_has_line_and_column)
{
    assert_refused(HEAD TU("a", "b")
                   "<tu><tuv xml:lang=\"vi\"><seg>x</sag></tuv></tu>\n</body></tmx>",
                   "mem.tmx:4: not well-formed XML at column");
}
END_TEST

START_TEST(test_truncated)
{
    assert_refused(HEAD TU("a", "b") "<tu><tuv xml:lang=\"vi\"><se", "not well-formed");
}
END_TEST

START_TEST(test_not_tmx)
{
    assert_refused("<?xml version=\"1.0\"?><xliff version=\"1.2\"/>", "root element is <xliff>");
}
END_TEST

START_TEST(test_semantic_errors)
{
    assert_refused(HEAD "<tu><tuv><seg>x</seg></tuv></tu></body></tmx>",
                   ":3: <tuv> without xml:lang");
    assert_refused(HEAD "<tu><tuv xml:lang=\"vi\"></tuv></tu></body></tmx>", "without <seg>");
    assert_refused(HEAD "<tu><tuv xml:lang=\"vi\"><seg>a</seg><seg>b</seg></tuv></tu></body></tmx>",
                   "a second <seg>");
    assert_refused(HEAD "<tu><bogus/></tu></body></tmx>", "unexpected <bogus> in <tu>");
    assert_refused(HEAD "<tu></tu></body></tmx>", "<tu> without <tuv>");
}
END_TEST

START_TEST(test_lenient_skips_and_counts)
{
    const char *doc = HEAD TU("một", "un") "<tu><tuv><seg>x</seg></tuv></tu>\n" TU("hai", "deux")
        "<tu></tu>\n" TU("ba", "trois") "</body></tmx>";
    tm_tmx_reader *r = open_doc(doc, TM_TMX_LENIENT);
    tm_tu tu = TM_TU_INIT;
    int n = 0;
    while (next_tu(r, &tu))
        n++;
    ck_assert_int_eq(n, 3);
    ck_assert_uint_eq(tm_tmx_reader_skipped(r), 2);
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_billion_laughs_refused_fast)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n"
        "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
        "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
        "]>\n<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" "
        "segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"vi\" datatype=\"x\"/>"
        "<body>" TU("&i;", "x") "</body></tmx>";
    clock_t t0 = clock();
    assert_refused(doc, "declares entities");
    ck_assert((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
}
END_TEST

START_TEST(test_external_entity_not_read)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
        "<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" "
        "o-tmf=\"t\" adminlang=\"en\" srclang=\"vi\" datatype=\"x\"/><body>" TU("&xxe;", "x") "</body></tmx>";
    tm_error e = open_doc_bad(doc);
    ck_assert_ptr_null(strstr(e.msg, "root:"));
    ck_assert_msg(strstr(e.msg, "declares entities"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_undeclared_entity_refused)
{
    assert_refused(HEAD TU("&nbsp;", "x") "</body></tmx>", "nbsp");
}
END_TEST

START_TEST(test_external_dtd_not_fetched)
{
    /* A DOCTYPE naming a DTD by URL is fine: it is never loaded. */
    const char *full = "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE tmx SYSTEM \"http://127.0.0.1:9/tmx14.dtd\">\n"
        "<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" "
        "segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"vi\" datatype=\"x\"/>"
        "<body>" TU("Xin chào", "Bonjour") "</body></tmx>";
    tm_tmx_reader *r = open_doc(full, 0);
    tm_tu tu = TM_TU_INIT;
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tu.tuvs[1].text, "Bonjour");
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

/* ---- the streaming reader -------------------------------------------------- */

START_TEST(test_inline_markup_serialized)
{
    const char *doc = HEAD
        "<tu tuid=\"a&amp;b&#38;c\" x=\"\xC3\xA9\t&#10;z\"><tuv xml:lang=\"vi\"><seg>"
        "A &lt;b&gt; &amp; c &#13; d<!-- cm --><?pi x?>"
        "<ph x=\"1\" t=\"\xC3\xA9&amp;&lt;&quot;&#9;&#10;&#13;\">{\xC3\xA9&gt;}</ph>"
        "<![CDATA[<cd>&]]><bpt i=\"1\"></bpt>\xC3\xA9<hi type=\"b\">hh<ph/></hi>"
        "<ept i=\"1\"><x:y xmlns:x=\"urn:z\" x:a=\"1\">q</x:y></ept></seg></tuv>"
        "<tuv xml:lang=\"fr\"><seg><!-- only --> plain &gt; </seg></tuv>"
        "<tuv xml:lang=\"en\"><seg><it pos=\"begin\" xmlns=\"urn:d\">x</it>y</seg></tuv></tu>\n"
        "</body></tmx>\n";
    tm_tmx_reader *r = open_doc(doc, 0);
    tm_tu tu = TM_TU_INIT;
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tm_annot_attr(&tu.an, "tuid"), "a&b&c");
    ck_assert_str_eq(tm_annot_attr(&tu.an, "x"), "\xC3\xA9 \nz");
    /* text: seg and hi; not the contents of ph, bpt, ept */
    ck_assert_str_eq(tu.tuvs[0].text, "A <b> & c \r d<cd>&\xC3\xA9hh");
    /* markup: as libxml2's xmlNodeDump writes the segment's children */
    ck_assert_str_eq(tu.tuvs[0].markup,
                     "A &lt;b&gt; &amp; c &#13; d<!-- cm --><?pi x?>"
                     "<ph x=\"1\" t=\"\xC3\xA9&amp;&lt;&quot;&#9;&#10;&#13;\">{\xC3\xA9&gt;}</ph>"
                     "&lt;cd&gt;&amp;<bpt i=\"1\"/>\xC3\xA9<hi type=\"b\">hh<ph/></hi>"
                     "<ept i=\"1\"><x:y xmlns:x=\"urn:z\" x:a=\"1\">q</x:y></ept>");
    /* a comment alone is no inline markup */
    ck_assert_str_eq(tu.tuvs[1].text, " plain > ");
    ck_assert_ptr_null(tu.tuvs[1].markup);
    ck_assert_str_eq(tu.tuvs[2].text, "y");
    ck_assert_str_eq(tu.tuvs[2].markup, "<it xmlns=\"urn:d\" pos=\"begin\">x</it>y");
    ck_assert(!next_tu(r, &tu));
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_units_before_an_error_come_first)
{
    const char *doc = HEAD TU("một", "un") TU("hai", "deux")
        "<tu><tuv xml:lang=\"vi\"></tuv></tu>\n" TU("ba", "trois") "</body></tmx>";
    tm_tmx_reader *r = open_doc(doc, 0);
    tm_tu tu = TM_TU_INIT;
    tm_error err = {TM_OK, ""};
    int got = 0;
    ck_assert(next_tu(r, &tu));
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tu.tuvs[1].text, "deux");
    ck_assert_int_eq(tm_tmx_reader_next(r, &tu, &got, &err), TM_EDATA);
    ck_assert_int_eq(got, 0);
    ck_assert_msg(strstr(err.msg, "mem.tmx:5: <tuv xml:lang=\"vi\"> without <seg>"), "got: %s", err.msg);
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
}
END_TEST

START_TEST(test_not_well_formed_wins_in_a_unit)
{
    /* The <bogus> comes first, but the unit is not XML: say that. */
    assert_refused(HEAD "<tu><bogus/><tuv xml:lang=\"vi\"><seg>x</sag></tuv></tu></body></tmx>",
                   "not well-formed XML");
    assert_refused(HEAD "<tu><bogus/><tuv xml:lang=\"vi\"><seg>x</seg></tuv></tu></body></tmx>",
                   "unexpected <bogus> in <tu>");
}
END_TEST

START_TEST(test_cut_after_body)
{
    assert_refused(HEAD TU("a", "b") "</body>", "not well-formed XML");
}
END_TEST

START_TEST(test_bad_utf16_refused)
{
    /* UTF-16LE with a BOM and a lone high surrogate inside a segment. */
    const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
        "<tmx version=\"1.4\"><header srclang=\"vi\"/><body>\n"
        "<tu><tuv xml:lang=\"vi\"><seg>a?b</seg></tuv></tu></body></tmx>\n";
    size_t n = strlen(text);
    char *doc = malloc(2 * n + 2);
    doc[0] = (char)0xFF, doc[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        doc[2 + 2 * i] = text[i];
        doc[3 + 2 * i] = 0;
        if (text[i] == '?' && text[i + 1] == 'b') /* U+D800 */
            doc[2 + 2 * i] = 0, doc[3 + 2 * i] = (char)0xD8;
    }
    tm_tmx_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    tm_status st = tm_tmx_reader_open_mem(&r, "u16.tmx", doc, 2 * n + 2, 0, &err);
    tm_tu tu = TM_TU_INIT;
    int got = 1;
    while (st == TM_OK && got)
        st = tm_tmx_reader_next(r, &tu, &got, &err);
    ck_assert_int_eq(st, TM_EDATA);
    ck_assert_msg(strstr(err.msg, "u16.tmx:3: not well-formed XML"), "got: %s", err.msg);
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
    free(doc);
}
END_TEST

START_TEST(test_deep_nesting_refused)
{
    char *doc = malloc(64 * 1024);
    strcpy(doc, HEAD "<tu><tuv xml:lang=\"vi\"><seg>");
    for (int i = 0; i < 300; i++)
        strcat(doc, "<hi>");
    for (int i = 0; i < 300; i++)
        strcat(doc, "</hi>");
    strcat(doc, "</seg></tuv></tu></body></tmx>");
    tm_error e = open_doc_bad(doc);
    ck_assert_msg(strstr(e.msg, "not well-formed XML at column") && strstr(e.msg, "depth"),
                  "got: %s", e.msg);
    free(doc);
}
END_TEST

START_TEST(test_lenient_skips_other_elements_in_body)
{
    const char *doc = HEAD TU("một", "un") "<bogus><tu/></bogus>\n" TU("hai", "deux") "</body></tmx>";
    tm_tmx_reader *r = open_doc(doc, TM_TMX_LENIENT);
    tm_tu tu = TM_TU_INIT;
    ck_assert(next_tu(r, &tu));
    ck_assert(next_tu(r, &tu));
    ck_assert_str_eq(tu.tuvs[0].text, "hai");
    ck_assert(!next_tu(r, &tu));
    ck_assert_uint_eq(tm_tmx_reader_skipped(r), 1);
    tm_tmx_reader_free(r);
    tm_tu_clear(&tu);
    assert_refused(doc, "mem.tmx:4: unexpected <bogus> in <body>");
}
END_TEST

/* Units longer and shorter than a read chunk, from a file and from memory:
 * the same units either way. */
START_TEST(test_file_and_memory_agree)
{
    enum { N = 300 };
    tm_tu *many = calloc(N, sizeof *many);
    for (int i = 0; i < N; i++) {
        size_t len = (size_t)(i % 7 == 0 ? 70000 : 1 + i * 13 % 500);
        char *vi = malloc(len + 1);
        for (size_t k = 0; k < len; k++)
            vi[k] = (char)('a' + (i + k) % 26);
        vi[len] = '\0';
        make_unit(&many[i], vi, "x");
        free(vi);
    }
    char *doc = write_doc(many, N, NULL);
    char path[] = "/tmp/tmkit-test-tmx-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *fp = fdopen(fd, "wb");
    fputs(doc, fp);
    fclose(fp);
    tm_tmx_reader *fr, *mr = open_doc(doc, 0);
    tm_error err = {TM_OK, ""};
    ck_assert_msg(tm_tmx_reader_open(&fr, path, 0, &err) == TM_OK, "%s", err.msg);
    tm_tu a = TM_TU_INIT, b = TM_TU_INIT;
    for (int i = 0; i < N; i++) {
        ck_assert(next_tu(fr, &a));
        ck_assert(next_tu(mr, &b));
        ck_assert_str_eq(a.tuvs[0].text, many[i].tuvs[0].text);
        ck_assert_str_eq(b.tuvs[0].text, many[i].tuvs[0].text);
        ck_assert_uint_eq(a.line, b.line);
    }
    ck_assert(!next_tu(fr, &a));
    ck_assert(!next_tu(mr, &b));
    tm_tmx_reader_free(fr);
    tm_tmx_reader_free(mr);
    unlink(path);
    for (int i = 0; i < N; i++)
        tm_tu_clear(&many[i]);
    free(many);
    tm_tu_clear(&a);
    tm_tu_clear(&b);
    free(doc);
}
END_TEST

/* The reader's no-copy helpers own what they are given: taken on success,
 * freed on failure (a NULL value stands for a copy that failed; ASan's leak
 * check sees the rest). A prop without a type attribute reads as type "". */
START_TEST(test_take_helpers_own_their_strings)
{
    tm_tu tu = TM_TU_INIT;
    ck_assert_int_eq(tm_annot_take_prop(&tu.an, strdup("x-a"), NULL, strdup("1")), 0);
    ck_assert_int_eq(tm_annot_take_prop(&tu.an, strdup("x-b"), strdup("fr"), NULL), -1);
    ck_assert_int_eq(tm_annot_take_note(&tu.an, strdup("vi"), strdup("ghi chú")), 0);
    ck_assert_int_eq(tm_annot_take_note(&tu.an, strdup("vi"), NULL), -1);
    ck_assert_uint_eq(tu.an.nprops, 1);
    ck_assert_uint_eq(tu.an.nnotes, 1);
    ck_assert_str_eq(tm_annot_prop(&tu.an, "x-a"), "1");
    tm_tuv *v = tm_tu_open_tuv(&tu, "vi-VN");
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_null(v->text);
    ck_assert_str_eq(v->lang, "vi-VN");
    tm_tu_clear(&tu);

    const char *doc = "<tmx version=\"1.4\"><header srclang=\"vi\"/><body><tu><prop>p</prop>"
                      "<tuv xml:lang=\"vi\"><seg>a</seg></tuv></tu></body></tmx>";
    tm_error err = {TM_OK, ""};
    tm_tmx_reader *r;
    int got = 0;
    ck_assert_int_eq(tm_tmx_reader_open_mem(&r, "mem.tmx", doc, strlen(doc), 0, &err), TM_OK);
    ck_assert_int_eq(tm_tmx_reader_next(r, &tu, &got, &err), TM_OK);
    ck_assert_int_eq(got, 1);
    ck_assert_str_eq(tu.an.props[0].type, "");
    ck_assert_str_eq(tu.an.props[0].value, "p");
    ck_assert_str_eq(tu.tuvs[0].text, "a");
    tm_tu_clear(&tu);
    tm_tmx_reader_free(r);
}
END_TEST

/* A packed unit holds the same as the unit it was packed from, in one
 * allocation that tm_tu_clear frees (ASan checks the rest); a copy of it
 * is an ordinary unit again. */
START_TEST(test_packed_unit_holds_the_same)
{
    tm_tu tu = TM_TU_INIT, copy = TM_TU_INIT;
    tm_annot_set_attr(&tu.an, "tuid", "7");
    tm_annot_add_prop(&tu.an, "x-document", NULL, "báo cáo");
    tm_annot_add_note(&tu.an, NULL, "ghi chú");
    tm_tuv *vi = tm_tu_add_tuv(&tu, "vi-VN", "Hoà bình", "<ph x=\"1\"/>Hoà bình");
    tm_annot_add_prop(&vi->an, "x-a", "fr", "");
    tm_annot_set_attr(&vi->an, "creationid", "lan");
    tm_tu_add_tuv(&tu, "fr", "", NULL);
    tu.line = 42;
    char *before = unit_outcome(&tu);
    ck_assert_int_eq(tm_tu_pack(&tu), 0);
    ck_assert_ptr_nonnull(tu.block);
    ck_assert_int_eq(tm_tu_pack(&tu), 0); /* packing a packed unit changes nothing */
    char *after = unit_outcome(&tu);
    ck_assert_str_eq(before, after);
    ck_assert_uint_eq(tu.line, 42);
    ck_assert_ptr_null(tu.tuvs[1].markup);
    ck_assert_ptr_null(tu.an.props[0].lang);
    ck_assert_int_eq(tm_tu_copy(&copy, &tu), 0);
    ck_assert_ptr_null(copy.block);
    ck_assert_int_eq(tm_annot_set_attr(&copy.an, "tuid", "8"), 0);
    tm_tu_clear(&tu);
    ck_assert_ptr_null(tu.block);
    ck_assert_uint_eq(tu.ntuvs, 0);
    tm_tu empty = TM_TU_INIT; /* a unit with nothing packs too */
    ck_assert_int_eq(tm_tu_pack(&empty), 0);
    tm_tu_clear(&empty);
    free(before);
    free(after);
    tm_tu_clear(&copy);
}
END_TEST

/* Many units packed one after the other share chunks (a hundred or so
 * in 64 KiB), one larger than a chunk gets its own; clearing them in any
 * order, the packer first, frees every chunk once (ASan checks). */
START_TEST(test_packed_units_share_chunks)
{
    enum { N = 3000 };
    static tm_tu tus[N];
    tm_tu_packer pk = TM_TU_PACKER_INIT;
    char *big = malloc(100000);
    memset(big, 'a', 99999);
    big[99999] = '\0';
    for (int i = 0; i < N; i++) {
        char text[64], tuid[16];
        snprintf(text, sizeof text, "câu số %d", i);
        snprintf(tuid, sizeof tuid, "%d", i);
        tus[i] = (tm_tu)TM_TU_INIT;
        tm_annot_set_attr(&tus[i].an, "tuid", tuid);
        tm_tu_add_tuv(&tus[i], "vi", i == 1234 ? big : text, NULL);
        ck_assert_int_eq(tm_tu_pack_with(&pk, &tus[i]), 0);
    }
    ck_assert_ptr_eq(tus[0].block, tus[1].block);
    ck_assert_ptr_ne(tus[0].block, tus[N - 1].block);
    ck_assert_ptr_ne(tus[1233].block, tus[1234].block);
    ck_assert_ptr_ne(tus[1234].block, tus[1235].block);
    ck_assert_str_eq(tus[1234].tuvs[0].text, big);
    tm_tu_packer_free(&pk);
    for (int i = 0; i < N; i++) { /* a scattered order: 7 is prime to N */
        int k = (int)((7L * i) % N);
        char want[64];
        snprintf(want, sizeof want, "%d", k);
        ck_assert_str_eq(tm_annot_attr(&tus[k].an, "tuid"), want);
        tm_tu_clear(&tus[k]);
    }
    free(big);
}
END_TEST

START_TEST(test_missing_file)
{
    tm_tmx_reader *r;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_tmx_reader_open(&r, "/nonexistent.tmx", 0, &err), TM_EIO);
    ck_assert_msg(strstr(err.msg, "/nonexistent.tmx: cannot open"), "got: %s", err.msg);
}
END_TEST

static Suite *tmx_suite(void)
{
    Suite *s = suite_create("tmx");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, test_roundtrip_plain);
    tcase_add_test(tc, test_forbidden_chars_dropped);
    tcase_add_test(tc, test_many_units_stream);
    tcase_add_test(tc, test_header_needs_srclang);
    tcase_add_test(tc, test_dates);
    suite_add_tcase(s, tc);
    tc = tcase_create("cat tools");
    tcase_add_test(tc, test_omegat_tmx11_lang_attribute);
    tcase_add_test(tc, test_trados_utf16);
    tcase_add_test(tc, test_memoq_multilingual_and_props);
    tcase_add_test(tc, test_okapi_inline_codes);
    tcase_add_test(tc, test_markup_roundtrip);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, test_not_well_formed_has_line_and_column);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_not_tmx);
    tcase_add_test(tc, test_semantic_errors);
    tcase_add_test(tc, test_lenient_skips_and_counts);
    tcase_add_test(tc, test_billion_laughs_refused_fast);
    tcase_add_test(tc, test_external_entity_not_read);
    tcase_add_test(tc, test_undeclared_entity_refused);
    tcase_add_test(tc, test_external_dtd_not_fetched);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_take_helpers_own_their_strings);
    tcase_add_test(tc, test_packed_unit_holds_the_same);
    tcase_add_test(tc, test_packed_units_share_chunks);
    suite_add_tcase(s, tc);
    tc = tcase_create("streaming reader");
    tcase_add_test(tc, test_inline_markup_serialized);
    tcase_add_test(tc, test_units_before_an_error_come_first);
    tcase_add_test(tc, test_not_well_formed_wins_in_a_unit);
    tcase_add_test(tc, test_cut_after_body);
    tcase_add_test(tc, test_bad_utf16_refused);
    tcase_add_test(tc, test_deep_nesting_refused);
    tcase_add_test(tc, test_lenient_skips_other_elements_in_body);
    tcase_add_test(tc, test_file_and_memory_agree);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(tmx_suite)
