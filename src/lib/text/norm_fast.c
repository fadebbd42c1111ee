/*
 * norm_fast.c — the match key without ICU for text made of "simple"
 * characters (see norm.h), which is nearly all real text.
 *
 * The general path (norm.c) converts to UTF-16, folds case, decomposes,
 * rewrites and recomposes. For a character c that NFC leaves alone
 * (NFC_Quick_Check = Yes, combining class 0) and whose case folding is one
 * such character f, all of that collapses to "emit f": text made only of
 * such characters is already NFC after folding, so NFD followed by NFC gives
 * it back. What remains of the rewrite is white space (collapsed, trimmed),
 * format characters (dropped) and the Vietnamese tone move, which only
 * touches words ending in oa, oe or uy: those words, and words holding a
 * combining mark of their own, go through the general path one word at a
 * time. A word is a maximal run of letters and marks, and the characters
 * around it are simple non-word characters, so normalizing it alone gives
 * what normalizing the whole text would give for it.
 *
 * Any other character (a combining mark after a base, a character outside
 * the BMP, a letter whose folding is two letters, invalid UTF-8) sends the
 * whole text to the general path. test_norm compares both paths on random
 * text; fuzz_segment does the same on whatever the fuzzer finds.
 *
 * The facts per character come from ICU, one table entry per BMP code
 * point (norm_fast.h), built 256 code points at a time when first needed (a
 * page costs a fraction of a millisecond; Vietnamese text touches about six
 * pages).
 */
#include "norm.h"
#include "norm_fast.h"
#include "uclass.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

_Atomic(uint32_t *) tm_nf_pages[256];

int32_t tm_nf_decompose(uint16_t f, uint16_t *d)
{
    UErrorCode uc = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&uc);
    int32_t n = U_SUCCESS(uc) ? unorm2_normalize(nfd, &f, 1, d, 8, &uc) : 0;
    return U_SUCCESS(uc) ? n : 0;
}

int tm_nf_nfc_stable(uint32_t c)
{
    return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES &&
           u_getCombiningClass(c) == 0;
}

/* The flags match_scan.c needs (norm_fast.h) of c, folding to f, whose
 * entry so far is e. */
static uint32_t token_facts(UChar c, UChar f, uint32_t e)
{
    unsigned cc = tm_uclass_bmp[c], cf = tm_uclass_bmp[f];
    int wc = (cc & (TM_UC_ALNUM | TM_UC_MARK)) != 0, wf = (cf & (TM_UC_ALNUM | TM_UC_MARK)) != 0;
    int space = (cc & TM_UC_SPACE) != 0;
    uint32_t t = (wc ? NF_ALNUM : 0) | ((cc & TM_UC_UPPER) ? NF_UPPER : 0) |
                 ((cc & TM_UC_LOWER) ? NF_LOWER : 0);
    if (wc == wf && !(e & NF_FORMAT) && (c < 0x80) == (f < 0x80) && (wc || f == c) &&
        space == ((e & NF_SPACE) != 0) && (wc || !(e & NF_WORD)) && !(wc && space))
        t |= NF_TOK;
    return t;
}

/* The entry of one BMP code point (not a surrogate). */
static uint32_t entry_of(uint16_t c)
{
    UChar f[4], d[8];
    UErrorCode uc = U_ZERO_ERROR;
    int32_t nf = u_strFoldCase(f, 4, &c, 1, U_FOLD_CASE_DEFAULT, &uc);
    if (U_FAILURE(uc) || nf != 1 || U16_IS_SURROGATE(f[0]) || !tm_nf_nfc_stable(c) || !tm_nf_nfc_stable(f[0]))
        return 0;
    int32_t nd = tm_nf_decompose(f[0], d);
    if (nd < 1 || (nd == 1 && d[0] != f[0]))
        return 0;
    unsigned cls = tm_uclass_bmp[d[0]];
    int word = (cls & (TM_UC_ALPHA | TM_UC_MARK)) != 0;
    /* after the base, only marks; and a base with marks must be a letter,
     * or the general path would start a word at its first mark */
    for (int32_t i = 1; i < nd; i++)
        if (!(tm_uclass_bmp[d[i]] & TM_UC_MARK))
            return 0;
    if (nd > 1 && (!word || (cls & TM_UC_MARK)))
        return 0;
    uint32_t e = f[0] | NF_SIMPLE;
    if (cls & TM_UC_SPACE)
        e |= NF_SPACE;
    else if (cls & TM_UC_FORMAT)
        e |= NF_FORMAT;
    else if (word)
        e |= NF_WORD | ((cls & TM_UC_MARK) ? NF_MARK : 0);
    UChar32 base = u_tolower(d[0]);
    if (base < 0x80)
        e |= (uint32_t)base << 24;
    return e | token_facts(c, f[0], e);
}

uint32_t *tm_nf_build_page(_Atomic(uint32_t *) *slot, unsigned p, uint32_t (*entry)(uint16_t c))
{
    uint32_t *pg = malloc(256 * sizeof *pg);
    if (!pg)
        return NULL;
    for (unsigned i = 0; i < 256; i++) {
        UChar c = (UChar)(p << 8 | i);
        pg[i] = U16_IS_SURROGATE(c) ? 0 : entry(c);
    }
    uint32_t *none = NULL;
    if (!atomic_compare_exchange_strong(slot, &none, pg)) {
        free(pg); /* another thread was first */
        return none;
    }
    return pg;
}

const uint32_t *tm_nf_page(unsigned p)
{
    uint32_t *pg = atomic_load_explicit(&tm_nf_pages[p & 0xFF], memory_order_acquire);
    return pg ? pg : tm_nf_build_page(&tm_nf_pages[p & 0xFF], p & 0xFF, entry_of);
}

uint32_t tm_nf_entry_building(uint32_t c)
{
    uint32_t *pg = tm_nf_build_page(&tm_nf_pages[c >> 8], c >> 8, entry_of);
    return pg ? pg[c & 0xFF] : 0;
}

/* Normalize the word [s, s + n) the general way, replacing out from len. */
static int word_the_long_way(const char *s, size_t n, tm_buf *out, size_t len, tm_error *err)
{
    tm_buf one = TM_BUF_INIT;
    tm_status st = tm_norm(s, n, TM_NORM_MATCH, &one, err);
    int rc = st != TM_OK ? -1 : 1;
    out->len = len;
    if (rc == 1 && (tm_buf_grow(out, one.len) != 0 || tm_buf_append(out, one.data, one.len) != 0))
        rc = -1;
    tm_buf_free(&one);
    return rc;
}

/* The word starting at s[*i] (whose first entry is e): appended to out,
 * *i moved past it. 1 done, 0 the text needs the general path, -1 error. */
static int put_word(const char *s, size_t n, size_t *i, tm_buf *out, tm_error *err)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = *i, olen = out->len, nch = 0;
    unsigned b1 = 0, b2 = 0;
    int marked = 0;
    while (*i < n) {
        uint32_t c, e;
        size_t k = tm_utf8_decode(p + *i, n - *i, &c);
        if (!k || !((e = tm_nf_entry(c)) & NF_SIMPLE))
            return 0;
        if (!(e & NF_WORD))
            break;
        tm_nf_put_utf8((unsigned char *)out->data, &out->len, e & 0xFFFF);
        marked |= (e & NF_MARK) != 0;
        b1 = b2;
        b2 = NF_BASE(e);
        nch++;
        *i += k;
    }
    if (marked || (nch >= 2 && tm_nf_tone_candidate(b1, b2)))
        return word_the_long_way(s + start, *i - start, out, olen, err);
    return 1;
}

int tm_norm_match_fast(const char *s, size_t n, tm_buf *out, tm_error *err)
{
    const unsigned char *p = (const unsigned char *)s;
    tm_buf_clear(out);
    if (tm_nf_key_room(out, n) != 0) {
        tm_error_nomem(err);
        return -1;
    }
    tm_uclass_init();
    int pending_space = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t c, e;
        size_t k = tm_utf8_decode(p + i, n - i, &c);
        if (!k || !((e = tm_nf_entry(c)) & NF_SIMPLE))
            return 0;
        if (e & (NF_SPACE | NF_FORMAT)) {
            pending_space |= (e & NF_SPACE) && out->len > 0;
            i += k;
            continue;
        }
        if (pending_space) {
            out->data[out->len++] = ' ';
            pending_space = 0;
        }
        if (e & NF_WORD) {
            int rc = put_word(s, n, &i, out, err);
            if (rc != 1)
                return rc;
            if (tm_nf_key_room(out, n - i) != 0) {
                tm_error_nomem(err);
                return -1;
            }
            continue;
        }
        tm_nf_put_utf8((unsigned char *)out->data, &out->len, e & 0xFFFF);
        i += k;
    }
    out->data[out->len] = '\0';
    return 1;
}
