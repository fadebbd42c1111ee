/*
 * fuzz_segment.c — libFuzzer harness: arbitrary bytes through the text
 * layer (encoding detection, UTF-8/UTF-16 validation, NFC, paragraphs),
 * language detection and the segmenter with the built-in SRX rules.
 *
 * The first byte picks the language (auto, vi, fr, de) and whether NFC is
 * applied, so every path is reachable from one corpus. Each paragraph's
 * match and fold keys are also made both ways (norm_fast.c, norm_fold.c
 * and the general path),
 * and its match preparation both ways (match_scan.c's one pass and the
 * general one): they must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/match_internal.h"
#include "text/norm.h"
#include "tmkit.h"

/* The key of flags (TM_NORM_MATCH or TM_NORM_FOLD) made by its fast path
 * (fast) and by the general one: the same whenever the fast path takes it. */
static void same_key(const char *s, size_t n, int flags,
                     int (*fast_path)(const char *, size_t, tm_buf *, tm_error *))
{
    static tm_buf fast, slow;
    tm_error e1 = {TM_OK, ""}, e2 = {TM_OK, ""};
    int took = fast_path(s, n, &fast, &e1);
    if (took < 0)
        abort();
    if (took && (tm_norm(s, n, flags, &slow, &e2) != TM_OK || fast.len != slow.len ||
                 memcmp(fast.data, slow.data, fast.len) != 0))
        abort();
}

static void same_keys(const char *s, size_t n)
{
    same_key(s, n, TM_NORM_MATCH, tm_norm_match_fast);
    same_key(s, n, TM_NORM_FOLD, tm_norm_fold_fast);
}

static void same_words(const char *s, size_t n)
{
    static tm_mtext one = TM_MTEXT_INIT, general = TM_MTEXT_INIT;
    tm_error e1 = {TM_OK, ""}, e2 = {TM_OK, ""};
    if (tm_mtext_prepare_general(&general, s, n, NULL, &e2) != TM_OK)
        abort();
    one.case_sig = one.punct_sig = one.number_sig = 2166136261u;
    int took = tm_mtext_scan(&one, s, n, &e1);
    if (took < 0)
        abort();
    if (took && (one.key.len != general.key.len ||
                 (one.key.len && memcmp(one.key.data, general.key.data, one.key.len) != 0) ||
                 one.nwords != general.nwords || general.split ||
                 (one.nwords &&
                  (memcmp(one.words, general.words, one.nwords * sizeof *one.words) != 0 ||
                   memcmp(one.spans, general.spans, 2 * one.nwords * sizeof *one.spans) != 0)) ||
                 one.case_sig != general.case_sig || one.punct_sig != general.punct_sig ||
                 one.number_sig != general.number_sig))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tm_srx *srx;
    static tm_segmenter *seg[4];
    static const char *const langs[4] = {NULL, "vi", "fr", "de"};
    tm_error err = {TM_OK, ""};
    if (!srx) {
        if (tm_srx_load_builtin(&srx, &err) != TM_OK)
            abort();
        for (int k = 1; k < 4; k++)
            if (tm_segmenter_new(&seg[k], srx, langs[k], &err) != TM_OK)
                abort();
    }
    if (size == 0)
        return 0;
    unsigned mode = data[0];
    tm_reader *r;
    if (tm_reader_open_mem(&r, "fuzz", data + 1, size - 1, (mode & 4) ? TM_READ_NO_NFC : 0,
                           &err) != TM_OK)
        return 0;
    tm_line para;
    while (tm_reader_next_para(r, &para, &err) == TM_OK && para.text) {
        same_keys(para.text, para.len);
        same_words(para.text, para.len);
        int k = mode & 3;
        if (k == 0) { /* auto: what -l auto does, falling back to ICU's root rules */
            const char *guess = tm_lang_detect(para.text, para.len);
            k = guess && guess[0] == 'v' ? 1 : guess ? 2 : 3;
        }
        const tm_span *spans;
        size_t n;
        if (tm_segmenter_split(seg[k], para.text, para.len, &spans, &n, &err) != TM_OK)
            continue;
        size_t prev = 0;
        for (size_t i = 0; i < n; i++) { /* spans are ordered and inside the paragraph */
            if (spans[i].start < prev || spans[i].end < spans[i].start || spans[i].end > para.len)
                abort();
            prev = spans[i].end;
        }
    }
    tm_reader_free(r);
    return 0;
}
