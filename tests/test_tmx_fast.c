/*
 * test_tmx_fast.c — the TMX reader's fast path (src/lib/tmx/tmx_fast.c) against
 * libxml2: every document is read both ways, from memory and from a file,
 * whole and 7 bytes at a time, and the outcomes (every unit with its line,
 * the header, the final status and message) must be equal. Documents in
 * the fast path's subset must also be read without giving up; the others
 * must be given up on, so that libxml2 reads (or refuses) them.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "tmx_outcome.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n" \
             "<header creationtool=\"t\" srclang=\"vi\" datatype=\"plaintext\" segtype=\"sentence\" " \
             "o-tmf=\"x\" adminlang=\"en\" creationtoolversion=\"1\"/>\n<body>\n"
#define TAIL "</body>\n</tmx>\n"
#define UNIT(vi, fr) "<tu><tuv xml:lang=\"vi\"><seg>" vi "</seg></tuv><tuv xml:lang=\"fr\"><seg>" fr \
                     "</seg></tuv></tu>\n"

typedef struct doc_case {
    const char *name;
    const char *doc;
    int fast; /* 1: read by the fast path to the end; 0: given up on */
} doc_case;

static const doc_case CASES[] = {
    {"plain", HEAD UNIT("Xin chào", "Bonjour") UNIT("Cảm ơn", "Merci") TAIL, 1},
    {"props, notes, attributes",
     HEAD "<tu tuid=\"7\" creationdate=\"20240101T000000Z\"><prop type=\"x-doc\">a.docx</prop>"
          "<note xml:lang=\"en\">checked</note><tuv xml:lang=\"vi\" creationid='me'><prop type=\"p\" "
          "xml:lang=\"vi\">v</prop><seg>một</seg></tuv><tuv xml:lang=\"fr\"><seg>un</seg></tuv></tu>\n" TAIL, 1},
    {"BOM, standalone",
     "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<tmx version=\"1.4\"><header/>"
     "<body>" UNIT("a", "b") "</body></tmx>", 1},
    {"no declaration", "<tmx version=\"1.4\"><header/><body>" UNIT("a", "b") "</body></tmx>\n\n", 1},
    {"doctype system",
     "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\"><header/><body>"
     UNIT("a", "b") "</body></tmx>", 1},
    {"doctype public",
     "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE tmx PUBLIC \"-//LISA OSCAR:1998//DTD for "
     "Translation Memory eXchange//EN\" 'tmx14.dtd' >\n<tmx version=\"1.4\"><header/><body>"
     UNIT("a", "b") "</body></tmx>\n<!-- after -->\n", 1},
    {"CRLF", "<?xml version=\"1.0\"?>\r\n<tmx version=\"1.4\">\r\n<header\r\n srclang=\"vi\"/>\r\n<body>\r\n"
             "<tu tuid=\"a\r\nb\">\r\n<tuv xml:lang=\"vi\"><seg>dòng một\r\ndòng hai</seg></tuv>\r\n"
             "<tuv xml:lang=\"fr\"><seg>\r\n</seg></tuv></tu>\r\n</body>\r\n</tmx>\r\n", 1},
    {"start tags over lines",
     HEAD "<tu\n  tuid=\"1\"\n  ><tuv\nxml:lang=\"vi\"\n><seg\n>a</seg\n></tuv><tuv xml:lang=\"fr\"><seg>b</seg>"
          "</tuv></tu\n>\n" UNIT("c", "d") TAIL, 1},
    {"references",
     HEAD "<tu tuid=\"a&amp;b&#38;c &lt;&gt;&quot;&apos;&#x1EA1;\"><tuv xml:lang=\"vi\"><seg>&lt;b&gt; &amp; "
          "&quot;x&quot; &apos; &#233;&#x1EA1;&#xD;&#9;&#65;</seg></tuv><tuv xml:lang=\"fr\"><seg>a&amp;#38;b"
          "</seg></tuv></tu>\n" TAIL, 1},
    {"white space in attribute values",
     HEAD "<tu tuid=\"a\tb\nc  d&#10;e&#9;f\"><tuv xml:lang=\"vi\"><seg>x</seg></tuv></tu>\n" TAIL, 1},
    {"inline markup",
     HEAD UNIT("Hello <bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>world<ept i=\"1\">&lt;/b&gt;</ept><ph x=\"2\"/> "
               "end <hi type=\"b\">x</hi><it pos=\"begin\">{<sub>inner</sub>}</it>",
               "<ph/><ut>u</ut>a > b") TAIL, 1},
    {"comment and CDATA in a segment",
     HEAD UNIT("a<!-- note - here -->b<![CDATA[<not markup> & ]]]>c", "<!---->d") TAIL, 1},
    {"four-byte and other characters",
     HEAD UNIT("😀 ạ ệ \xC2\x85 \x7F ]] ] > end", "é") TAIL, 1},
    {"empty segments", HEAD UNIT("", "") "<tu><tuv xml:lang=\"vi\"><seg/></tuv></tu>\n" TAIL, 1},
    {"elements outside the shape",
     "<tmx version=\"1.4\"><header><note>h</note><prop type=\"t\">p</prop><x><y/></x></header>"
     "<extra a=\"1\">text<z/></extra><body>" UNIT("a", "b") "</body><after/></tmx>", 1},
    {"long runs", HEAD UNIT("a long run of plain ASCII text, then ạ ệ ổ and more text\nnext line after "
                            "a break, \xEF\xBF\xBD and \xEF\xA4\x80 are characters, ] ]] ]>",
                            "Une longue phrase française avec des accents é è ê à ç, assez longue") TAIL, 1},
    /* given up on: libxml2 reads them, or reports them */
    {"U+FFFF in a long run", HEAD UNIT("a long run of plain text \xEF\xBF\xBF here", "x") TAIL, 0},
    {"U+FFFE in a long run", HEAD UNIT("a long run of plain text \xEF\xBF\xBE here", "x") TAIL, 0},
    {"bad byte in a long run", HEAD UNIT("a long run of plain text ạ \xFF here and more", "x") TAIL, 0},
    {"surrogate in a long run", HEAD UNIT("a long run of plain text \xED\xA0\x80 here and more", "x") TAIL, 0},
    {"cut character in a long run", HEAD UNIT("a long run of plain text \xE1\xBA here and more", "x") TAIL, 0},
    {"control in a long run", HEAD UNIT("a long run of plain text \x0B here and more", "x") TAIL, 0},
    {"]]> in a long run", HEAD UNIT("a long run of plain text ]]> here and more", "x") TAIL, 0},
    {"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><tmx version=\"1.4\"><header/><body>"
                UNIT("caf\xE9", "x") "</body></tmx>", 0},
    {"internal subset",
     "<?xml version=\"1.0\"?><!DOCTYPE tmx [<!ENTITY e \"x\">]><tmx version=\"1.4\"><header/><body>"
     UNIT("&e;", "x") "</body></tmx>", 0},
    {"undeclared entity", HEAD UNIT("a", "b") UNIT("&nbsp;", "b") TAIL, 0},
    {"processing instruction", HEAD UNIT("a<?pi data?>b", "c") TAIL, 0},
    {"namespace", "<tmx xmlns=\"urn:x\" version=\"1.4\"><header/><body>" UNIT("a", "b") "</body></tmx>", 0},
    {"lone CR", HEAD UNIT("a\rb", "c") TAIL, 0},
    {"mismatched end tag", HEAD UNIT("a", "b") UNIT("c", "d") "<tu><tuv xml:lang=\"vi\"><seg>e</sag></tuv></tu>" TAIL, 0},
    {"cut short", HEAD UNIT("a", "b") "<tu><tuv xml:lang=\"vi\"><seg>e", 0},
    {"no end of root", HEAD UNIT("a", "b") "</body>", 0},
    {"]]> in text", HEAD UNIT("a ]]> b", "c") TAIL, 0},
    {"invalid UTF-8", HEAD UNIT("a \xC3\x28 b", "c") TAIL, 0},
    {"control character", HEAD UNIT("a \x01 b", "c") TAIL, 0},
    {"repeated attribute", HEAD "<tu tuid=\"1\" tuid=\"2\"><tuv xml:lang=\"vi\"><seg>a</seg></tuv></tu>" TAIL, 0},
    {"< in attribute", HEAD "<tu tuid=\"<\"><tuv xml:lang=\"vi\"><seg>a</seg></tuv></tu>" TAIL, 0},
    {"text after the root", HEAD UNIT("a", "b") TAIL "junk", 0},
    {"a variant without language", HEAD UNIT("a", "b") "<tu><tuv><seg>a</seg></tuv></tu>\n" UNIT("c", "d") TAIL, 0},
    {"a second segment", HEAD "<tu><tuv xml:lang=\"vi\"><seg>a</seg><seg>b</seg></tuv></tu>\n" UNIT("c", "d") TAIL, 0},
    {"not TMX", "<html><body/></html>", 0},
    {"empty CDATA", HEAD UNIT("<ph><![CDATA[]]></ph>", "b") TAIL, 0},
    {"no space after SYSTEM", "<!DOCTYPE tmx SYSTEM\"t.dtd\"><tmx version=\"1.4\"><header/><body>"
                              UNIT("a", "b") "</body></tmx>", 0},
    {"no space between PUBLIC literals", "<!DOCTYPE tmx PUBLIC \"p\"\"t.dtd\"><tmx version=\"1.4\"><header/>"
                                         "<body>" UNIT("a", "b") "</body></tmx>", 0},
    {"UTF-16", "\xFF\xFE<\0t\0m\0x\0/\0>\0", 0},
    {"CR LF and a lone CR in CDATA",
     "<?xml version=\"1.0\"?>\r\n<tmx version=\"1.4\"><header/><body>\r\n"
     UNIT("<![CDATA[line1\r\nline2]]> and\r\ntext", "<![CDATA[a\rb]]>") "</body></tmx>\r\n", 0},
};

/* Line ends in CDATA are normalized as everywhere else in XML (libxml2's
 * push parser left them as they were): CR LF and a lone CR are one LF. */
START_TEST(test_cdata_line_ends)
{
    const doc_case *c = &CASES[sizeof CASES / sizeof *CASES - 1];
    for (int flags = 0; flags <= TMX_READ_SMALL_CHUNKS; flags += TMX_READ_SMALL_CHUNKS) {
        tm_tmx_reader *r;
        tm_error err = {TM_OK, ""};
        ck_assert_int_eq(tm_tmx_reader_open_mem(&r, "doc.tmx", c->doc, strlen(c->doc), flags, &err), TM_OK);
        tm_tu tu = TM_TU_INIT;
        int got = 0;
        ck_assert_int_eq(tm_tmx_reader_next(r, &tu, &got, &err), TM_OK);
        ck_assert_int_eq(got, 1);
        ck_assert_str_eq(tu.tuvs[0].text, "line1\nline2 and\ntext");
        ck_assert_str_eq(tu.tuvs[1].text, "a\nb");
        tm_tu_clear(&tu);
        tm_tmx_reader_free(r);
    }
}
END_TEST

/* doc, read one way (flags, from a file when path) and libxml2's way. A
 * case without doc reads the file at path as it is. */
static void compare_one(const doc_case *c, size_t len, const char *path, int flags, int lenient)
{
    if (path && c->doc) {
        FILE *fp = fopen(path, "wb");
        ck_assert_ptr_nonnull(fp);
        fwrite(c->doc, 1, len, fp);
        fclose(fp);
    }
    int bailed, ref_bailed;
    char *ref = tmx_outcome(c->doc, len, path, lenient | TMX_READ_NO_FAST, &ref_bailed);
    char *got = tmx_outcome(c->doc, len, path, lenient | flags, &bailed);
    ck_assert_msg(strcmp(ref, got) == 0, "%s (%s, flags %x, lenient %d):\nlibxml2:\n%s\nfast path:\n%s",
                  c->name, path ? "file" : "memory", flags, lenient, ref, got);
    ck_assert_msg(!ref_bailed, "%s: libxml2 alone never gives up", c->name);
    /* (a document that fails before the fast path starts has nothing to give up) */
    if (c->fast || strstr(ref, "status 0"))
        ck_assert_msg(bailed == !c->fast, "%s (%s, flags %x): the fast path %s", c->name,
                      path ? "file" : "memory", flags, bailed ? "gave up" : "read it all");
    free(ref);
    free(got);
}

/* A new empty file for a document to be read from. */
static void temp_path(char path[28])
{
    strcpy(path, "/tmp/tmkit-test-fast-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

static void compare_all_ways(const doc_case *c, size_t len)
{
    char path[28];
    temp_path(path);
    for (int lenient = 0; lenient <= TM_TMX_LENIENT; lenient += TM_TMX_LENIENT)
        for (int flags = 0; flags <= TMX_READ_SMALL_CHUNKS; flags += TMX_READ_SMALL_CHUNKS) {
            compare_one(c, len, NULL, flags, lenient);
            compare_one(c, len, path, flags, lenient);
        }
    /* packed units (the import's) read the same */
    compare_one(c, len, path, TM_TMX_PACKED, 0);
    compare_one(c, len, NULL, TM_TMX_PACKED | TMX_READ_SMALL_CHUNKS, TM_TMX_LENIENT);
    unlink(path);
}

START_TEST(test_documents_read_as_libxml2_reads_them)
{
    compare_all_ways(&CASES[_i], strlen(CASES[_i].doc));
}
END_TEST

START_TEST(test_utf16_fixture_goes_to_libxml2)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/tmx/trados-utf16.tmx", test_srcdir());
    int bailed, ref_bailed;
    char *ref = tmx_outcome(NULL, 0, path, TMX_READ_NO_FAST, &ref_bailed);
    char *got = tmx_outcome(NULL, 0, path, 0, &bailed);
    ck_assert_str_eq(ref, got);
    ck_assert(bailed);
    ck_assert_ptr_nonnull(strstr(got, "status 0"));
    free(ref);
    free(got);
}
END_TEST

/* The fixtures in the shapes CAT tools write: the same outcome both ways,
 * and OmegaT's, memoQ's and Okapi's read by the fast path to the end. */
START_TEST(test_cat_tool_fixtures)
{
    static const doc_case F[] = {{"omegat.tmx", NULL, 1}, {"memoq.tmx", NULL, 1}, {"okapi.tmx", NULL, 1},
                                 {"trados-utf16.tmx", NULL, 0}, {"invalid.tmx", NULL, 0}};
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/fixtures/tmx/%s", test_srcdir(), F[i].name);
        for (int flags = 0; flags <= TMX_READ_SMALL_CHUNKS; flags += TMX_READ_SMALL_CHUNKS)
            compare_one(&F[i], 0, path, flags, 0);
    }
}
END_TEST

/* A document of many chunks: every token kind cut by the chunk ends
 * somewhere, CRLF and multi-byte characters across them. */
START_TEST(test_large_document_across_chunks)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&doc, &len);
    fputs(HEAD, fp);
    for (int i = 0; i < 6000; i++)
        fprintf(fp, "<tu tuid=\"u%d\" changedate=\"20240101T0000%02dZ\">%s<prop type=\"x-n\">%d &amp; "
                    "%d</prop>\n<tuv xml:lang=\"vi\"><seg>Câu số %d: Hợp tác thương mại &lt;%d&gt;%s</seg>"
                    "</tuv><tuv xml:lang=\"fr\"><seg>Phrase n° %d : coopération%s</seg></tuv></tu>\n",
                i, i % 60, i % 7 ? "" : "\r\n", i, i * 3, i, i, i % 5 ? "" : "<ph x=\"1\"/>ạ",
                i, i % 3 ? "" : " <!-- c -->😀");
    fputs(TAIL, fp);
    fclose(fp);
    ck_assert_uint_gt(len, 3 * 256 * 1024);
    doc_case c = {"large", doc, 1};
    char path[28];
    temp_path(path);
    compare_one(&c, len, NULL, 0, 0);
    compare_one(&c, len, path, 0, 0);
    unlink(path);
    free(doc);
}
END_TEST

/* A document whose problem comes after several chunks: the units read
 * by the fast path are handed out once, then libxml2's error. */
START_TEST(test_late_error_hands_out_each_unit_once)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&doc, &len);
    fputs(HEAD, fp);
    for (int i = 0; i < 5000; i++)
        fprintf(fp, UNIT("một hai ba %d", "un deux trois %d"), i, i);
    fputs("<tu><tuv xml:lang=\"vi\"><seg>&bad;</seg></tuv></tu>\n" TAIL, fp);
    fclose(fp);
    doc_case c = {"late error", doc, 0};
    compare_one(&c, len, NULL, 0, 0);
    int bailed;
    char *got = tmx_outcome(doc, len, NULL, 0, &bailed);
    ck_assert(bailed);
    ck_assert_ptr_nonnull(strstr(got, "tu line 5004\n")); /* the last good unit, once */
    ck_assert_ptr_null(strstr(strstr(got, "tu line 5004\n") + 1, "tu line 5004\n"));
    ck_assert_ptr_nonnull(strstr(got, "Entity"));
    free(got);
    free(doc);
}
END_TEST

static Suite *tmx_fast_suite(void)
{
    Suite *s = suite_create("tmx_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_documents_read_as_libxml2_reads_them, 0,
                        (int)(sizeof CASES / sizeof CASES[0]));
    tcase_add_test(tc, test_utf16_fixture_goes_to_libxml2);
    tcase_add_test(tc, test_cat_tool_fixtures);
    tcase_add_test(tc, test_cdata_line_ends);
    tcase_add_test(tc, test_large_document_across_chunks);
    tcase_add_test(tc, test_late_error_hands_out_each_unit_once);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(tmx_fast_suite)
