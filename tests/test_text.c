/*
 * test_text.c — the text layer: decoding, line ends, validation with
 * precise positions, NFC, paragraphs, offsets, and every bad input.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "testutil.h"
#include "tmkit.h"

/* Open bytes from memory, asserting success. */
static tm_reader *open_mem(const char *data, size_t n, int flags)
{
    tm_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    tm_status st = tm_reader_open_mem(&r, "t.txt", data, n, flags, &err);
    ck_assert_msg(st == TM_OK, "open failed: %s", err.msg);
    return r;
}

/* Open bytes expected to be refused; returns the error. */
static tm_error open_bad(const char *data, size_t n)
{
    tm_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    tm_status st = tm_reader_open_mem(&r, "t.txt", data, n, 0, &err);
    ck_assert_int_eq(st, TM_EDATA);
    ck_assert_int_eq(err.code, TM_EDATA);
    ck_assert_ptr_null(r);
    return err;
}

static const char *next_line(tm_reader *r, tm_line *l)
{
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_reader_next_line(r, l, &err), TM_OK);
    return l->text;
}

static const char *next_para(tm_reader *r, tm_line *l)
{
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_reader_next_para(r, l, &err), TM_OK);
    return l->text;
}

#define S(lit) lit, sizeof(lit) - 1

START_TEST(test_line_ends)
{
    tm_reader *r = open_mem(S("a\nb\r\nc\rd\n\ne"), 0);
    tm_line l;
    ck_assert_str_eq(next_line(r, &l), "a");
    ck_assert_uint_eq(l.lineno, 1);
    ck_assert_str_eq(next_line(r, &l), "b");
    ck_assert_str_eq(next_line(r, &l), "c");
    ck_assert_str_eq(next_line(r, &l), "d");
    ck_assert_str_eq(next_line(r, &l), "");
    ck_assert_str_eq(next_line(r, &l), "e"); /* last line without a line end */
    ck_assert_uint_eq(l.lineno, 6);
    ck_assert_ptr_null(next_line(r, &l));
    ck_assert_ptr_null(next_line(r, &l)); /* end stays end */
    tm_reader_free(r);
}
END_TEST

START_TEST(test_final_newline_adds_no_line)
{
    tm_reader *r = open_mem(S("one\ntwo\n"), 0);
    tm_line l;
    ck_assert_str_eq(next_line(r, &l), "one");
    ck_assert_str_eq(next_line(r, &l), "two");
    ck_assert_ptr_null(next_line(r, &l));
    tm_reader_free(r);
}
END_TEST

START_TEST(test_empty_input)
{
    tm_reader *r = open_mem("", 0, 0);
    tm_line l;
    ck_assert_ptr_null(next_line(r, &l));
    tm_reader_free(r);
}
END_TEST

START_TEST(test_paragraphs_skip_blank_lines)
{
    /* blank: empty, spaces and tabs, a no-break space, an ideographic space */
    tm_reader *r = open_mem(S("\n  \t\nPara một.\n\xC2\xA0\n\xE3\x80\x80\nPara deux.\n\n"), 0);
    tm_line l;
    ck_assert_str_eq(next_para(r, &l), "Para một.");
    ck_assert_uint_eq(l.lineno, 3);
    ck_assert_str_eq(next_para(r, &l), "Para deux.");
    ck_assert_uint_eq(l.lineno, 6);
    ck_assert_ptr_null(next_para(r, &l));
    tm_reader_free(r);
}
END_TEST

START_TEST(test_utf8_bom_dropped)
{
    tm_reader *r = open_mem(S("\xEF\xBB\xBFXin chào\n"), 0);
    tm_line l;
    ck_assert_int_eq(tm_reader_encoding(r), TM_ENC_UTF8_BOM);
    ck_assert_str_eq(next_line(r, &l), "Xin chào");
    ck_assert_uint_eq(l.offset, 0);
    tm_reader_free(r);
}
END_TEST

START_TEST(test_utf16le_bom_converted)
{
    /* BOM, "Hà\r\n", U+1F600 as a surrogate pair, "\n" */
    static const char d[] = "\xFF\xFE" "H\0\xE0\0\r\0\n\0" "\x3D\xD8\x00\xDE" "\n\0";
    tm_reader *r = open_mem(d, sizeof d - 1, 0);
    tm_line l;
    ck_assert_int_eq(tm_reader_encoding(r), TM_ENC_UTF16LE);
    ck_assert_str_eq(next_line(r, &l), "Hà");
    ck_assert_str_eq(next_line(r, &l), "\xF0\x9F\x98\x80");
    ck_assert_ptr_null(next_line(r, &l));
    tm_reader_free(r);
}
END_TEST

START_TEST(test_utf16be_bom_converted)
{
    static const char d[] = "\xFE\xFF" "\0H\0\xE0\0\n" "\0x";
    tm_reader *r = open_mem(d, sizeof d - 1, 0);
    tm_line l;
    ck_assert_int_eq(tm_reader_encoding(r), TM_ENC_UTF16BE);
    ck_assert_str_eq(next_line(r, &l), "Hà");
    ck_assert_str_eq(next_line(r, &l), "x");
    tm_reader_free(r);
}
END_TEST

START_TEST(test_invalid_utf8_position)
{
    tm_error e = open_bad(S("ok\nHạ \xFF Long\n"));
    /* line 2; "ok\n" is 3 bytes, "Hạ " is 5: the bad byte is at offset 8 */
    ck_assert_msg(strstr(e.msg, "t.txt:2: invalid UTF-8 (byte 0xFF) at byte offset 8, column 4"),
                  "got: %s", e.msg);
}
END_TEST

START_TEST(test_invalid_utf8_kinds)
{
    const char *bad[] = {
        "\xC0\xAF",         /* overlong */
        "\xED\xA0\x80",     /* encoded surrogate */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "abc\xE1\xBB",      /* truncated at end of file */
        "\x80",             /* stray continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tm_error e = open_bad(bad[i], strlen(bad[i]));
        ck_assert_msg(strstr(e.msg, "invalid UTF-8"), "case %zu: %s", i, e.msg);
    }
}
END_TEST

START_TEST(test_invalid_after_bom_offset_counts_bom)
{
    tm_error e = open_bad(S("\xEF\xBB\xBF" "ab\xFE"));
    ck_assert_msg(strstr(e.msg, ":1: invalid UTF-8 (byte 0xFE) at byte offset 5"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_nul_rejected)
{
    tm_error e = open_bad(S("line one\nbad\0line\n"));
    ck_assert_msg(strstr(e.msg, "t.txt:2: NUL byte at byte offset 12"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_utf16_without_bom_hinted)
{
    static const char d[] = "H\0e\0l\0l\0o\0\n\0";
    tm_error e = open_bad(d, sizeof d - 1);
    ck_assert_msg(strstr(e.msg, "UTF-16 without a byte-order mark"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_utf16_lone_surrogates)
{
    static const char lone_low[] = "\xFF\xFE" "a\0\x00\xDC" "b\0";
    tm_error e = open_bad(lone_low, sizeof lone_low - 1);
    ck_assert_msg(strstr(e.msg, "unpaired surrogate 0xDC00 at byte offset 4"), "got: %s", e.msg);
    static const char lone_high[] = "\xFF\xFE" "a\0\x00\xD8" "b\0";
    e = open_bad(lone_high, sizeof lone_high - 1);
    ck_assert_msg(strstr(e.msg, "unpaired surrogate 0xD800"), "got: %s", e.msg);
    static const char high_at_end[] = "\xFF\xFE" "a\0\x00\xD8";
    e = open_bad(high_at_end, sizeof high_at_end - 1);
    ck_assert_msg(strstr(e.msg, "unpaired surrogate 0xD800"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_utf16_odd_length)
{
    static const char d[] = "\xFF\xFE" "a\0b";
    tm_error e = open_bad(d, sizeof d - 1);
    ck_assert_msg(strstr(e.msg, "truncated UTF-16"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_utf16_nul_rejected)
{
    static const char d[] = "\xFF\xFE" "a\0\0\0b\0";
    tm_error e = open_bad(d, sizeof d - 1);
    ck_assert_msg(strstr(e.msg, ":1: NUL character at column 2"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_utf32_refused)
{
    static const char d[] = "\xFF\xFE\0\0a\0\0\0";
    tm_error e = open_bad(d, sizeof d - 1);
    ck_assert_msg(strstr(e.msg, "UTF-32"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_error_found_before_first_line)
{
    /* Prevalidation: a bad byte on the last line fails the open itself, so
     * a command never writes output for a file it cannot finish. */
    tm_error e = open_bad(S("good\ngood\ngood\n\xFF"));
    ck_assert_msg(strstr(e.msg, "t.txt:4:"), "got: %s", e.msg);
}
END_TEST

START_TEST(test_nfc_applied_and_offsets)
{
    /* "Cafe\u0301" (decomposed) becomes "Café"; "Vie\u0323\u0302t" → "Việt" */
    tm_reader *r = open_mem(S("Cafe\xCC\x81\r\nVie\xCC\xA3\xCC\x82t Nam\n"), 0);
    tm_line l;
    ck_assert_str_eq(next_line(r, &l), "Café");
    ck_assert_uint_eq(l.len, 5);
    ck_assert_uint_eq(l.offset, 0);
    ck_assert_str_eq(next_line(r, &l), "Việt Nam");
    ck_assert_uint_eq(l.offset, 6); /* "Café" (5 bytes) + one '\n' */
    tm_reader_free(r);
}
END_TEST

/* NFC by ICU, for comparison. */
static char *icu_nfc(const char *s)
{
    UErrorCode uc = U_ZERO_ERROR;
    UChar u[1024], v[3072];
    int32_t n = 0, m = 0, k = 0;
    u_strFromUTF8(u, 1024, &n, s, -1, &uc);
    m = unorm2_normalize(unorm2_getNFCInstance(&uc), u, n, v, 3072, &uc);
    char *out = malloc(4096);
    u_strToUTF8(out, 4096, &k, v, m, &uc);
    ck_assert(U_SUCCESS(uc));
    return out;
}

/* Lines long enough for the 16-byte prefilter, with a character that is
 * not NFC-stable at every offset: each comes out as ICU normalizes it. */
START_TEST(test_nfc_at_every_offset)
{
    static const char *const odd[] = {
        "e\xCC\x81",     /* e + combining acute */
        "\xE2\x80\x80", /* U+2000, a singleton: becomes U+2002 */
        "\xE2\x84\xAB", /* U+212B ANGSTROM SIGN: becomes U+00C5 */
        "\xE1\xBA\xA1\xCC\x82", /* ạ + circumflex: ậ */
        "\xF0\x9F\x98\x80",       /* outside the BMP (already NFC) */
    };
    const char *text = "Th\xE1\xBB\xA7 t\xC6\xB0\xE1\xBB\x9Bng \xE2\x80\x9C" "ch\xC3\xADnh "
                       "ph\xE1\xBB\xA7\xE2\x80\x9D \xC3\xA0 Paris, c'est d\xC3\xA9j\xC3\xA0 l\xC3\xA0.";
    size_t tl = strlen(text);
    for (size_t o = 0; o < sizeof odd / sizeof *odd; o++)
        for (size_t at = 0; at <= tl; at++) {
            if (at < tl && ((unsigned char)text[at] & 0xC0) == 0x80)
                continue; /* inside a character */
            char line[512];
            snprintf(line, sizeof line, "%.*s%s%s", (int)at, text, odd[o], text + at);
            tm_reader *r = open_mem(line, strlen(line), 0);
            tm_line l;
            char *want = icu_nfc(line);
            ck_assert_str_eq(next_line(r, &l), want);
            free(want);
            tm_reader_free(r);
        }
}
END_TEST

START_TEST(test_no_nfc_flag_keeps_text)
{
    tm_reader *r = open_mem(S("Cafe\xCC\x81"), TM_READ_NO_NFC);
    tm_line l;
    ck_assert_str_eq(next_line(r, &l), "Cafe\xCC\x81");
    tm_reader_free(r);
}
END_TEST

START_TEST(test_crlf_across_chunk_boundary)
{
    /* The reader reads 64 KiB at a time: put the CR last in the first chunk. */
    size_t n = 65536 + 8;
    char *d = malloc(n);
    memset(d, 'x', n);
    d[65535] = '\r';
    d[65536] = '\n';
    d[n - 1] = '\n';
    tm_reader *r = open_mem(d, n, 0);
    tm_line l;
    ck_assert_uint_eq(strlen(next_line(r, &l)), 65535);
    ck_assert_uint_eq(strlen(next_line(r, &l)), 6);
    ck_assert_ptr_null(next_line(r, &l));
    tm_reader_free(r);
    free(d);
}
END_TEST

START_TEST(test_long_line_and_multibyte_across_chunks)
{
    /* 300 000 bytes of "ệ" (3 bytes each): sequences straddle chunk edges. */
    size_t reps = 100000, n = 3 * reps;
    char *d = malloc(n);
    for (size_t i = 0; i < reps; i++)
        memcpy(d + 3 * i, "\xE1\xBB\x87", 3);
    tm_reader *r = open_mem(d, n, 0);
    tm_line l;
    ck_assert_ptr_nonnull(next_line(r, &l));
    ck_assert_uint_eq(l.len, n);
    ck_assert_uint_eq(tm_utf8_count(l.text, l.len), reps);
    tm_reader_free(r);
    free(d);
}
END_TEST

START_TEST(test_utf16_across_chunks)
{
    /* An odd split: 1 BOM pair + 40 000 "é" units = 80 002 bytes; the second
     * chunk starts in the middle of nothing odd, but a surrogate pair at the
     * 64 KiB edge must survive. Put one at byte 65534. */
    size_t n = 2 + 2 * 40000;
    char *d = malloc(n);
    d[0] = (char)0xFF;
    d[1] = (char)0xFE;
    for (size_t i = 2; i < n; i += 2) {
        d[i] = (char)0xE9;
        d[i + 1] = 0;
    }
    /* units at byte offsets 65534 (high) and 65536 (low) */
    d[65534] = 0x3D; d[65535] = (char)0xD8;
    d[65536] = 0x00; d[65537] = (char)0xDE;
    tm_reader *r = open_mem(d, n, 0);
    tm_line l;
    ck_assert_ptr_nonnull(next_line(r, &l));
    ck_assert_uint_eq(tm_utf8_count(l.text, l.len), 39999);
    ck_assert_ptr_nonnull(strstr(l.text, "\xF0\x9F\x98\x80"));
    tm_reader_free(r);
    free(d);
}
END_TEST

START_TEST(test_open_missing_file)
{
    tm_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_reader_open(&r, "/nonexistent/x.txt", 0, &err), TM_EIO);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(err.msg, "/nonexistent/x.txt: cannot open"), "got: %s", err.msg);
}
END_TEST

START_TEST(test_open_directory)
{
    tm_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_reader_open(&r, "/", 0, &err), TM_EIO);
    ck_assert_msg(strstr(err.msg, "is a directory"), "got: %s", err.msg);
}
END_TEST

START_TEST(test_open_real_file)
{
    char path[] = "/tmp/tmkit-text-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "Móng Cái\nĐông Hưng\n", strlen("Móng Cái\nĐông Hưng\n")),
                     (ssize_t)strlen("Móng Cái\nĐông Hưng\n"));
    close(fd);
    tm_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    ck_assert_int_eq(tm_reader_open(&r, path, 0, &err), TM_OK);
    tm_line l;
    ck_assert_str_eq(next_line(r, &l), "Móng Cái");
    ck_assert_str_eq(next_line(r, &l), "Đông Hưng");
    ck_assert_ptr_null(next_line(r, &l));
    ck_assert_str_eq(tm_reader_name(r), path);
    tm_reader_free(r);
    unlink(path);
}
END_TEST

START_TEST(test_is_blank)
{
    ck_assert(tm_text_is_blank("", 0));
    ck_assert(tm_text_is_blank(" \t\xC2\xA0", 4));
    ck_assert(!tm_text_is_blank(" a ", 3));
    ck_assert(!tm_text_is_blank("\xE2\x80\x8B", 3)); /* ZWSP is not white space */
}
END_TEST

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, test_line_ends);
    tcase_add_test(tc, test_final_newline_adds_no_line);
    tcase_add_test(tc, test_empty_input);
    tcase_add_test(tc, test_paragraphs_skip_blank_lines);
    tcase_add_test(tc, test_nfc_applied_and_offsets);
    tcase_add_test(tc, test_nfc_at_every_offset);
    tcase_add_test(tc, test_no_nfc_flag_keeps_text);
    tcase_add_test(tc, test_crlf_across_chunk_boundary);
    tcase_add_test(tc, test_long_line_and_multibyte_across_chunks);
    tcase_add_test(tc, test_is_blank);
    suite_add_tcase(s, tc);
    tc = tcase_create("encodings");
    tcase_add_test(tc, test_utf8_bom_dropped);
    tcase_add_test(tc, test_utf16le_bom_converted);
    tcase_add_test(tc, test_utf16be_bom_converted);
    tcase_add_test(tc, test_utf16_across_chunks);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, test_invalid_utf8_position);
    tcase_add_test(tc, test_invalid_utf8_kinds);
    tcase_add_test(tc, test_invalid_after_bom_offset_counts_bom);
    tcase_add_test(tc, test_nul_rejected);
    tcase_add_test(tc, test_utf16_without_bom_hinted);
    tcase_add_test(tc, test_utf16_lone_surrogates);
    tcase_add_test(tc, test_utf16_odd_length);
    tcase_add_test(tc, test_utf16_nul_rejected);
    tcase_add_test(tc, test_utf32_refused);
    tcase_add_test(tc, test_error_found_before_first_line);
    tcase_add_test(tc, test_open_missing_file);
    tcase_add_test(tc, test_open_directory);
    tcase_add_test(tc, test_open_real_file);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(text_suite)
