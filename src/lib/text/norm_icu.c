/*
 * norm_icu.c — the general way to make a key (tm_norm, norm.h), for any
 * text: the fast paths (norm_fast.c, norm_fold.c) fall back on it for the
 * words they cannot take, and norm.c for the texts.
 *
 * Works in UTF-16 because that is what ICU's case folding and
 * normalization take: UTF-8 → fold case → NFD → rewrite (space, marks,
 * tone) → NFC → UTF-8. NFD first means every diacritic is a separate
 * combining mark that the rewrite step can move or drop.
 */
#include "norm.h"
#include "norm_fast.h"
#include "uclass.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* A UTF-16 buffer that starts on the caller's stack (most segments fit)
 * and moves to the heap when it must grow. */
typedef struct u16buf {
    UChar *p;
    int32_t len, cap;
    int heap; /* p was malloc'd */
} u16buf;

/* Room for cap units. The contents are not kept: every caller overwrites. */
static int u16_reserve(u16buf *b, int32_t cap)
{
    if (cap <= b->cap)
        return 0;
    UChar *q = malloc((size_t)cap * sizeof(UChar));
    if (!q)
        return -1;
    if (b->heap)
        free(b->p);
    b->len = 0;
    b->p = q;
    b->cap = cap;
    b->heap = 1;
    return 0;
}

static void u16_free(u16buf *b)
{
    if (b->heap)
        free(b->p);
}

static int is_tone_mark(UChar c)
{
    return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 ||
           c == 0x0323;
}

static int is_word_char(UChar c)
{
    return tm_uclass_bmp[c] & (TM_UC_ALPHA | TM_UC_MARK);
}


/* Letters that carry no combining mark in NFD but fold to ASCII for names. */
const char *tm_norm_spell_out(uint16_t c)
{
    switch (c) {
    case 0x0111: return "d";  /* đ */
    case 0x00F0: return "d";  /* ð */
    case 0x00F8: return "o";  /* ø */
    case 0x0142: return "l";  /* ł */
    case 0x0127: return "h";  /* ħ */
    case 0x0131: return "i";  /* dotless i */
    case 0x00E6: return "ae"; /* æ */
    case 0x0153: return "oe"; /* œ */
    }
    return NULL;
}

static void put(u16buf *out, UChar c) { out->p[out->len++] = c; }

static int is_mark(UChar c) { return tm_uclass_bmp[c] & TM_UC_MARK; }

static UChar base_lower(UChar c) { return (UChar)u_tolower(c); }

static int is_vowel(UChar c)
{
    c = base_lower(c);
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/*
 * Where the two conventions disagree: an open syllable (no final consonant)
 * whose vowels are exactly "oa", "oe" or "uy" (not the u of "qu"). The old
 * style puts the tone on the first vowel (hóa, khỏe, thủy), the reformed one
 * on the second (hoá, khoẻ, thuỷ); everywhere else they agree. The key uses
 * the reformed place. Returns the index in [s, e) of a tone mark to move
 * and, in *to, the index after which it goes; -1 when nothing moves.
 */
static int32_t tone_to_move(const UChar *s, int32_t n, int32_t *to)
{
    int32_t letters[3], nl = 0; /* positions of the last letters */
    for (int32_t i = 0; i < n; i++) {
        if (is_mark(s[i]))
            continue;
        if (nl == 3) {
            letters[0] = letters[1];
            letters[1] = letters[2];
            nl = 2;
        }
        letters[nl++] = i;
    }
    if (nl < 2)
        return -1;
    int32_t a = letters[nl - 2], b = letters[nl - 1];
    UChar va = base_lower(s[a]), vb = base_lower(s[b]);
    if (!((va == 'o' && (vb == 'a' || vb == 'e')) || (va == 'u' && vb == 'y')))
        return -1;
    if (nl == 3 && (is_vowel(s[letters[0]]) || (va == 'u' && base_lower(s[letters[0]]) == 'q')))
        return -1;
    int32_t tone = -1;
    for (int32_t i = a + 1; i < b; i++) {
        if (!is_tone_mark(s[i]))
            return -1; /* a vowel with another diacritic: not this case */
        tone = i;
    }
    for (int32_t i = b + 1; i < n; i++)
        if (!is_tone_mark(s[i]))
            return -1;
    *to = tone >= 0 ? n - 1 : -1;
    return tone;
}

/* Copy one word [s, e) to out, applying TONE and STRIP. out has room. */
static void put_word(const UChar *s, const UChar *e, int flags, u16buf *out)
{
    int32_t n = (int32_t)(e - s), to = -1, move = -1;
    if ((flags & TM_NORM_TONE) && !(flags & TM_NORM_STRIP))
        move = tone_to_move(s, n, &to);
    for (int32_t i = 0; i < n; i++) {
        UChar c = s[i];
        if ((flags & TM_NORM_STRIP) && is_mark(c))
            continue;
        const char *sp = (flags & TM_NORM_STRIP) ? tm_norm_spell_out(c) : NULL;
        if (sp)
            while (*sp)
                put(out, (UChar)*sp++);
        else if (i != move)
            put(out, c);
        if (i == to)
            put(out, s[move]);
    }
}

/* The rewrite step over NFD text. Output is at most twice the input
 * (spelled-out letters), plus nothing else. */
static void rewrite(const u16buf *in, int flags, u16buf *out)
{
    int pending_space = 0;
    out->len = 0;
    int32_t i = 0;
    while (i < in->len) {
        UChar c = in->p[i];
        if ((flags & TM_NORM_SPACE) && (tm_uclass_bmp[c] & TM_UC_SPACE)) {
            pending_space = out->len > 0;
            i++;
            continue;
        }
        if ((flags & TM_NORM_SPACE) && (tm_uclass_bmp[c] & TM_UC_FORMAT)) {
            i++;
            continue;
        }
        if (pending_space) {
            put(out, ' ');
            pending_space = 0;
        }
        if (!is_word_char(c)) {
            put(out, c);
            i++;
            continue;
        }
        int32_t j = i;
        while (j < in->len && is_word_char(in->p[j]))
            j++;
        put_word(in->p + i, in->p + j, flags, out);
        i = j;
    }
}

static tm_status icu_fail(tm_error *err, UErrorCode uc)
{
    return tm_error_set(err, TM_EIO, "normalization failed: %s", u_errorName(uc));
}

/* src → NFD or NFC into dst: one pass when dst has room (it has twice the
 * source's length, which is plenty for text in use), a second when ICU
 * says how much more it needs. */
static tm_status normalize_into(const UNormalizer2 *nz, const u16buf *src,
                                u16buf *dst, tm_error *err)
{
    if (u16_reserve(dst, 2 * src->len + 16) != 0)
        return tm_error_nomem(err);
    UErrorCode uc = U_ZERO_ERROR;
    dst->len = unorm2_normalize(nz, src->p, src->len, dst->p, dst->cap, &uc);
    if (uc == U_BUFFER_OVERFLOW_ERROR) {
        int32_t need = dst->len; /* what ICU asked for */
        if (u16_reserve(dst, need + 1) != 0)
            return tm_error_nomem(err);
        uc = U_ZERO_ERROR;
        dst->len = unorm2_normalize(nz, src->p, src->len, dst->p, dst->cap, &uc);
    }
    return U_FAILURE(uc) ? icu_fail(err, uc) : TM_OK;
}

static tm_status to_utf16(const char *s, size_t n, u16buf *a, tm_error *err)
{
    if (n > (size_t)INT32_MAX / 2)
        return tm_error_set(err, TM_EDATA, "text too long to normalize");
    if (u16_reserve(a, (int32_t)n + 1) != 0)
        return tm_error_nomem(err);
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(a->p, a->cap, &a->len, s, (int32_t)n, &uc);
    if (U_FAILURE(uc))
        return tm_error_set(err, TM_EDATA, "invalid UTF-8 in text to normalize");
    return TM_OK;
}

/* Case folding, sized as normalize_into is. */
static tm_status fold_case(u16buf *a, u16buf *b, tm_error *err)
{
    if (u16_reserve(b, 2 * a->len + 16) != 0)
        return tm_error_nomem(err);
    UErrorCode uc = U_ZERO_ERROR;
    b->len = u_strFoldCase(b->p, b->cap, a->p, a->len, U_FOLD_CASE_DEFAULT, &uc);
    if (uc == U_BUFFER_OVERFLOW_ERROR) {
        int32_t need = b->len;
        if (u16_reserve(b, need + 1) != 0)
            return tm_error_nomem(err);
        uc = U_ZERO_ERROR;
        b->len = u_strFoldCase(b->p, b->cap, a->p, a->len, U_FOLD_CASE_DEFAULT, &uc);
    }
    return U_FAILURE(uc) ? icu_fail(err, uc) : TM_OK;
}

/* A UTF-16 unit never takes more than 3 bytes of UTF-8: one pass. */
static tm_status to_utf8(const u16buf *a, tm_buf *out, tm_error *err)
{
    UErrorCode uc = U_ZERO_ERROR;
    int32_t n8 = 0;
    tm_buf_clear(out);
    if (tm_buf_grow(out, 3 * (size_t)a->len) != 0)
        return tm_error_nomem(err);
    u_strToUTF8(out->data, (int32_t)(3 * (size_t)a->len + 1), &n8, a->p, a->len, &uc);
    if (U_FAILURE(uc))
        return icu_fail(err, uc);
    out->len = (size_t)n8;
    return TM_OK;
}

static tm_status norm_run(const char *s, size_t n, int flags, tm_buf *out,
                          u16buf *a, u16buf *b, tm_error *err)
{
    UErrorCode uc = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&uc);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&uc);
    if (U_FAILURE(uc))
        return icu_fail(err, uc);
    tm_status st = to_utf16(s, n, a, err);
    if (st == TM_OK && (flags & TM_NORM_CASE)) {
        st = fold_case(a, b, err);
        u16buf t = *a; *a = *b; *b = t;
    }
    if (st == TM_OK)
        st = normalize_into(nfd, a, b, err);
    if (st == TM_OK && u16_reserve(a, 2 * b->len + 1) != 0)
        st = tm_error_nomem(err);
    if (st == TM_OK) {
        rewrite(b, flags, a);
        st = normalize_into(nfc, a, b, err);
    }
    return st == TM_OK ? to_utf8(b, out, err) : st;
}

tm_status tm_norm(const char *s, size_t n, int flags, tm_buf *out, tm_error *err)
{
    tm_uclass_init();
    UChar sa[512], sb[1024];
    u16buf a = {sa, 0, 512, 0}, b = {sb, 0, 1024, 0};
    tm_status st = norm_run(s, n, flags, out, &a, &b, err);
    u16_free(&a);
    u16_free(&b);
    return st;
}
