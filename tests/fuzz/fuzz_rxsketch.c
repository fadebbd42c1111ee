/*
 * fuzz_rxsketch.c — libFuzzer harness: the regex sketch is sound.
 *
 * Input: a pattern, a NUL byte, a text (both UTF-8). When ICU compiles the
 * pattern and the sketch models it, at every position of the text, the
 * sketch's answer must not contradict ICU's lookingAt from there (may_start)
 * nor its search for "(?:P)\z" in [0, p] (may_end): "no" where ICU matches,
 * or "yes" where it does not, is a finding (abort). ICU's time limit stops
 * a pathological pattern; such a run checks nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uregex.h>
#include <unicode/ustring.h>

#include "segment/rxsketch.h"

static URegularExpression *compile(const UChar *pre, const char *pattern, const UChar *post)
{
    UChar u[1200];
    int32_t n = u_strlen(pre), m = 0;
    UErrorCode uc = U_ZERO_ERROR;
    u_memcpy(u, pre, n);
    u_strFromUTF8(u + n, 1000, &m, pattern, -1, &uc);
    if (U_FAILURE(uc))
        return NULL;
    u_strcpy(u + n + m, post);
    URegularExpression *re = uregex_open(u, -1, 0, NULL, &uc);
    if (U_FAILURE(uc)) {
        if (re)
            uregex_close(re);
        return NULL;
    }
    return re;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    if (!nul || nul - data > 400 || size - (size_t)(nul - data) > 300)
        return 0;
    char pattern[401];
    memcpy(pattern, data, (size_t)(nul - data));
    pattern[nul - data] = '\0';
    UChar text[300];
    int32_t n = 0;
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(text, 300, &n, (const char *)nul + 1, (int32_t)(size - (size_t)(nul - data) - 1), &uc);
    if (U_FAILURE(uc))
        return 0;
    URegularExpression *fwd = compile(u"", pattern, u""), *bwd = compile(u"(?:", pattern, u")\\z");
    tm_rxsketch *k = fwd && bwd ? tm_rxsketch_new(pattern) : NULL;
    if (k) {
        uregex_setText(fwd, text, n, &uc);
        uregex_setText(bwd, text, n, &uc);
        uregex_useTransparentBounds(fwd, 1, &uc); /* as the segmenter uses them: */
        uregex_useAnchoringBounds(fwd, 0, &uc);   /* ^ is the text's start */
        uregex_useAnchoringBounds(bwd, 1, &uc);
        uregex_setTimeLimit(fwd, 1000, &uc);
        uregex_setTimeLimit(bwd, 1000, &uc);
        for (int32_t p = 0; p <= n && U_SUCCESS(uc); p++) {
            if (p < n && U16_IS_TRAIL(text[p]))
                continue;
            uregex_setRegion(fwd, p, n, &uc);
            int icu = uregex_lookingAt(fwd, -1, &uc);
            tm_rx_answer sk = tm_rxsketch_may_start(k, text, n, p);
            if (U_SUCCESS(uc) && (icu ? sk == TM_RX_NO : sk == TM_RX_YES))
                abort();
            uregex_setRegion(bwd, 0, p, &uc);
            icu = uregex_findNext(bwd, &uc);
            sk = tm_rxsketch_may_end(k, text, p);
            if (U_SUCCESS(uc) && (icu ? sk == TM_RX_NO : sk == TM_RX_YES))
                abort();
        }
    }
    tm_rxsketch_free(k);
    if (fwd)
        uregex_close(fwd);
    if (bwd)
        uregex_close(bwd);
    return 0;
}
