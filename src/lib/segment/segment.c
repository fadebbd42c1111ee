/*
 * segment.c — the segmentation engine (see segment.h, docs/segment.md).
 *
 * Per paragraph, in UTF-16 (what ICU works on):
 *   1. candidates: ICU's sentence boundaries, plus every white-space gap
 *      after sentence punctuation (. ! ? … : ; and other Sentence_Terminal
 *      characters) and the closing quotes or brackets right after it. Each
 *      candidate is a gap [g0, g1]: g0 just after the last character of the
 *      sentence so far, g1 at the first character of the next one.
 *   2. decision: the rules are tried in order; a rule decides the gap when
 *      its beforebreak matches up to some position p in [g0, g1] and its
 *      afterbreak matches from p. No rule matching: ICU decides (a
 *      candidate that came from ICU breaks, one from the scan does not).
 *   3. spans: sentences between breaks, trimmed, converted to UTF-8 offsets
 *      in one forward walk.
 * Every step is a forward pass over the paragraph; rule matching looks at
 * most BEFORE_WINDOW characters back, so the whole is linear.
 */
#include "segment.h"
#include "util/buf.h"
#include "rxsketch.h"
#include "text/uclass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define BEFORE_WINDOW 128

/* A compiled rule. When the beforebreak pattern has a bounded length (ICU
 * can then run it as a look-behind), the rule is one zero-width regex
 * "(?=A)(?<=B)" tried once at the break position, the cheap look-ahead
 * first; otherwise B is searched for in a window of BEFORE_WINDOW
 * characters that must end at the break. */
typedef struct crule {
    URegularExpression *joint;  /* "(?=(?:A))(?<=(?:B))", or NULL */
    URegularExpression *before; /* "(?:B)\z" when B is unbounded, or NULL */
    URegularExpression *after;  /* "A" when there is no joint regex, or NULL */
    tm_rxsketch *sk_before, *sk_after; /* cheap answers (rxsketch.h), or NULL */
    int has_before, has_after;          /* the rule has the pattern at all */
    uint64_t text_gen;                  /* paragraph its regexes were given */
    int brk;
    int anchored; /* B starts with ^: search it from the paragraph's start */
    int before_first; /* ask the beforebreak's sketch first: it is the smaller */
    char *desc; /* "FILE:LINE: rule N of 'SET' (beforebreak ..., afterbreak ...)" */
} crule;

typedef struct cand {
    int32_t g1;
    int icu;
} cand;

struct tm_segmenter {
    UBreakIterator *bi;
    crule *rules;
    size_t nrules;
    UChar *u16;
    int32_t n16, cap16;
    cand *cands;
    size_t ncands, capcands;
    int32_t *bounds; /* sentence [start, end) pairs in UTF-16 units */
    size_t nbounds, capbounds;
    tm_span *spans;
    size_t capspans;
    int32_t *quotes; /* positions of straight double quotes, increasing */
    size_t nquotes, capquotes;
    int quotes_indexed; /* quotes[] describes the current paragraph */
    uint64_t text_gen;  /* counts paragraphs, from 1 (see set_rule_text) */
    int32_t time_limit;   /* ICU's match time limit of every rule (0: none) */
};

/* The scans below look at every character of the text: classes come
 * from uclass.h's table (TM_UC_TERM: . ! ? … : ; and the other
 * Sentence_Terminal characters; TM_UC_CLOSER: closing quotes and brackets). */
static int is_space(UChar c) { return tm_uclass_bmp[c] & TM_UC_SPACE; }
static int is_closer(UChar c) { return tm_uclass_bmp[c] & TM_UC_CLOSER; }

/* ---- construction ------------------------------------------------------ */

/* Compile a UTF-8 pattern; NULL with *uc set when ICU refuses it. */
static URegularExpression *compile_utf8(const char *src, UErrorCode *uc)
{
    UParseError pe;
    int32_t n16 = 0;
    *uc = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &n16, src, -1, uc);
    UChar *u = malloc(((size_t)n16 + 1) * sizeof(UChar));
    if (!u) {
        *uc = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    *uc = U_ZERO_ERROR;
    u_strFromUTF8(u, n16 + 1, NULL, src, -1, uc);
    URegularExpression *re = U_SUCCESS(*uc) ? uregex_open(u, n16, 0, &pe, uc) : NULL;
    free(u);
    if (re && U_FAILURE(*uc)) {
        uregex_close(re);
        re = NULL;
    }
    return re;
}

/* Wrap a pattern: fmt has one %s for the pattern. */
static URegularExpression *compile_wrapped(const char *fmt, const char *a, const char *b,
                                           UErrorCode *uc)
{
    size_t n = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *src = malloc(n);
    if (!src) {
        *uc = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    snprintf(src, n, fmt, a, b ? b : "");
    URegularExpression *re = compile_utf8(src, uc);
    free(src);
    return re;
}

/* The rule as its file has it, for a message at split time (the tm_srx
 * may be gone by then). */
static char *describe(const char *srx_name, const tm_srx_rule *r)
{
    const char *b = r->before ? r->before : "", *a = r->after ? r->after : "";
    size_t n = strlen(srx_name) + strlen(r->ruleset) + strlen(b) + strlen(a) + 96;
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s:%lu: rule %d of '%s' (beforebreak '%s', afterbreak '%s')", srx_name,
                 r->line, r->index, r->ruleset, b, a);
    return d;
}

static tm_status compile_rule(crule *c, const tm_srx_rule *r, tm_error *err)
{
    UErrorCode uc = U_ZERO_ERROR;
    c->brk = r->brk;
    /* ICU has accepted the patterns by now or we fail below; a pattern the
     * sketch cannot model simply gets no sketch. */
    c->has_before = r->before != NULL;
    c->has_after = r->after != NULL;
    c->sk_before = r->before ? tm_rxsketch_new(r->before) : NULL;
    c->sk_after = r->after ? tm_rxsketch_new(r->after) : NULL;
    /* The smaller automaton is the cheaper walk, and in practice the more
     * selective side ("; " before a list of words, a short word before
     * "\s+\p{Ll}"): ask it first. */
    c->before_first = c->sk_before && c->sk_after &&
                      tm_rxsketch_size(c->sk_before) < tm_rxsketch_size(c->sk_after);
    if (r->before && r->before[0] == '^') {
        /* Anchored at the paragraph's start: one attempt from there, in a
         * region [0, p] that anchors \z at the break. */
        c->before = compile_wrapped("(?:%s)%s\\z", r->before, "", &uc);
        c->anchored = 1;
        if (!c->before)
            goto fail;
    } else if (r->before) {
        c->joint = r->after ? compile_wrapped("(?=(?:%2$s))(?<=(?:%1$s))", r->before, r->after, &uc)
                            : compile_wrapped("(?<=(?:%s))%s", r->before, "", &uc);
        if (c->joint)
            return TM_OK;
        c->before = compile_wrapped("(?:%s)%s\\z", r->before, "", &uc);
        if (!c->before)
            goto fail;
        /* There ^ matches at the window's start, not the paragraph's as
         * in the sketch: no sketch for such a pattern. */
        if (strchr(r->before, '^')) {
            tm_rxsketch_free(c->sk_before);
            c->sk_before = NULL;
        }
    }
    if (r->after && !(c->after = compile_utf8(r->after, &uc)))
        goto fail;
    return TM_OK;
fail:
    return tm_error_set(err, TM_EDATA, "rule %d of '%s': cannot compile: %s", r->index,
                        r->ruleset, u_errorName(uc));
}

static tm_status compile_rules(tm_segmenter *s, const tm_srx *srx, const char *lang,
                               tm_error *err)
{
    const tm_srx_rule **sel = NULL;
    size_t n = 0;
    tm_status st = tm_srx_select(srx, lang, &sel, &n, err);
    if (st != TM_OK)
        return st;
    s->rules = calloc(n ? n : 1, sizeof *s->rules);
    if (!s->rules) {
        free(sel);
        return tm_error_nomem(err);
    }
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        crule *c = &s->rules[s->nrules++];
        st = compile_rule(c, sel[i], err);
        if (st == TM_OK && !(c->desc = describe(tm_srx_name(srx), sel[i])))
            st = tm_error_nomem(err);
    }
    free(sel);
    if (st == TM_OK)
        tm_segmenter_set_time_limit(s, TM_SEGMENT_TIME_LIMIT);
    return st;
}

void tm_segmenter_set_time_limit(tm_segmenter *s, int32_t limit)
{
    UErrorCode uc = U_ZERO_ERROR;
    s->time_limit = limit;
    for (size_t i = 0; i < s->nrules; i++) {
        URegularExpression *res[3] = {s->rules[i].joint, s->rules[i].before, s->rules[i].after};
        for (int k = 0; k < 3; k++)
            if (res[k])
                uregex_setTimeLimit(res[k], limit, &uc);
    }
}

tm_status tm_segmenter_new(tm_segmenter **out, const tm_srx *srx,
                           const char *lang, tm_error *err)
{
    *out = NULL;
    tm_segmenter *s = calloc(1, sizeof *s);
    if (!s)
        return tm_error_nomem(err);
    tm_uclass_init();
    UErrorCode uc = U_ZERO_ERROR;
    char locale[64];
    snprintf(locale, sizeof locale, "%s", lang && strcmp(lang, "und") ? lang : "");
    for (char *p = locale; *p; p++)
        if (*p == '-')
            *p = '_';
    s->bi = ubrk_open(UBRK_SENTENCE, locale, NULL, 0, &uc);
    tm_status st = TM_OK;
    if (U_FAILURE(uc))
        st = tm_error_set(err, TM_EIO, "ICU sentence iterator for '%s': %s", locale, u_errorName(uc));
    else if (srx)
        st = compile_rules(s, srx, lang ? lang : "und", err);
    if (st != TM_OK) {
        tm_segmenter_free(s);
        return st;
    }
    *out = s;
    return TM_OK;
}

void tm_segmenter_free(tm_segmenter *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nrules; i++) {
        URegularExpression *res[3] = {s->rules[i].joint, s->rules[i].before, s->rules[i].after};
        for (int k = 0; k < 3; k++)
            if (res[k])
                uregex_close(res[k]);
        free(s->rules[i].desc);
        tm_rxsketch_free(s->rules[i].sk_before);
        tm_rxsketch_free(s->rules[i].sk_after);
    }
    if (s->bi)
        ubrk_close(s->bi);
    free(s->rules);
    free(s->u16);
    free(s->cands);
    free(s->bounds);
    free(s->spans);
    free(s->quotes);
    free(s);
}

size_t tm_segmenter_nrules(const tm_segmenter *s) { return s->nrules; }

/* ---- candidates -------------------------------------------------------- */

/* French puts a space before » and ›; other closers follow the text. */
static int closer_after_space(UChar c) { return c == 0x00BB || c == 0x203A; }

static int32_t skip_space(const UChar *u, int32_t n, int32_t i)
{
    while (i < n && is_space(u[i]))
        i++;
    return i;
}

/* Is the straight quote at k closing one opened earlier in the paragraph?
 * (An odd number of straight quotes before it.) */
static int index_quotes(tm_segmenter *s);

static int quote_is_open_before(tm_segmenter *s, int32_t k)
{
    if (!s->quotes_indexed && index_quotes(s) != 0)
        return 0; /* out of memory: judge as if no quote were open */
    size_t lo = 0, hi = s->nquotes;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->quotes[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo % 2 == 1;
}

/* Does the straight quote at k (after a space) close a quotation? Not when
 * it touches the word after it ('. "L'ambiguïté'): that one opens, in
 * English and French spacing alike. Yes when one is open before it, or when
 * punctuation follows it (' " .', ' " ,'): a quotation never opens on a
 * comma or a period. */
static int quote_closes(tm_segmenter *s, int32_t k)
{
    if (k + 1 < s->n16 && u_isalnum(s->u16[k + 1]))
        return 0;
    if (quote_is_open_before(s, k))
        return 1;
    int32_t m = skip_space(s->u16, s->n16, k + 1);
    return m < s->n16 && u_strchr(u".,;:!?)]", s->u16[m]) != NULL;
}

/* From j (just after punctuation), step over closers to the gap's start. A
 * closer directly after the text belongs to it; after a space only » and ›
 * do (French spacing), and a straight " does when it closes a quotation. */
static int32_t absorb_closers(tm_segmenter *s, int32_t j)
{
    const UChar *u = s->u16;
    int32_t n = s->n16;
    for (;;) {
        int32_t k = j;
        while (k < n && is_space(u[k]))
            k++;
        if (k < n && is_closer(u[k]) &&
            (k == j || closer_after_space(u[k]) || (u[k] == '"' && quote_closes(s, k))))
            j = k + 1;
        else
            return j;
    }
}

/* Straight quotes are rare after a space: indexed on first need. */
static int index_quotes(tm_segmenter *s)
{
    s->nquotes = 0;
    s->quotes_indexed = 1;
    for (int32_t i = 0; i < s->n16; i++) {
        if (s->u16[i] != '"')
            continue;
        if (tm_array_reserve(&s->quotes, &s->capquotes, s->nquotes + 1, sizeof *s->quotes, 16))
            return -1;
        s->quotes[s->nquotes++] = i;
    }
    return 0;
}


static int push_cand(tm_segmenter *s, int32_t g1, int icu)
{
    if (s->ncands && s->cands[s->ncands - 1].g1 == g1) {
        s->cands[s->ncands - 1].icu |= icu;
        return 0;
    }
    if (tm_array_reserve(&s->cands, &s->capcands, s->ncands + 1, sizeof *s->cands, 64))
        return -1;
    s->cands[s->ncands].g1 = g1;
    s->cands[s->ncands++].icu = icu;
    return 0;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* From i, skip 8 units at a time while none can be sentence punctuation:
 * every one in U+0000..036F (but . ! ? : ;), U+1E00..1EFF (Vietnamese
 * letters) or U+2000..2025 (spaces, dashes, quotes; U+2026 is the ellipsis).
 * No other character there is Sentence_Terminal (test_norm checks that the
 * table agrees). Vietnamese and French text is mostly such runs. */
static __m128i in_range(__m128i v, unsigned short lo, unsigned short hi)
{
    __m128i off = _mm_sub_epi16(v, _mm_set1_epi16((short)lo));
    return _mm_cmpeq_epi16(_mm_subs_epu16(off, _mm_set1_epi16((short)(hi - lo))), _mm_setzero_si128());
}

static int32_t skip_plain(const UChar *u, int32_t n, int32_t i)
{
    for (; i + 8 <= n; i += 8) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        __m128i plain = _mm_or_si128(_mm_or_si128(in_range(v, 0, 0x36F), in_range(v, 0x1E00, 0x1EFF)),
                                     in_range(v, 0x2000, 0x2025));
        __m128i punct = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('.')), _mm_cmpeq_epi16(v, _mm_set1_epi16('!'))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('?')),
                                      _mm_cmpeq_epi16(v, _mm_set1_epi16(':'))),
                         _mm_cmpeq_epi16(v, _mm_set1_epi16(';'))));
        if (_mm_movemask_epi8(_mm_andnot_si128(punct, plain)) != 0xFFFF)
            break;
    }
    return i;
}
#else
static int32_t skip_plain(const UChar *u, int32_t n, int32_t i)
{
    (void)u;
    (void)n;
    return i;
}
#endif

/* The next gap after punctuation at or after *i, or -1. */
static int32_t next_scan_gap(tm_segmenter *s, int32_t *i)
{
    const UChar *u = s->u16;
    int32_t n = s->n16;
    while (*i < n) {
        *i = skip_plain(u, n, *i);
        if (*i >= n)
            break;
        unsigned cl = tm_uclass_bmp[u[(*i)++]];
        if (!(cl & (TM_UC_TERM | TM_UC_LEAD)))
            continue;
        if (cl & TM_UC_LEAD) {
            UChar32 c;
            int32_t k = *i - 1;
            U16_NEXT(u, k, n, c);
            *i = k;
            if (c < 0x10000 || !(tm_uclass(c) & TM_UC_TERM))
                continue;
        }
        int32_t g0 = absorb_closers(s, *i);
        int32_t g1 = skip_space(u, n, g0);
        if (g1 > g0 && g1 < n)
            return g1;
    }
    return -1;
}

/* ICU places a boundary after the spaces; it may fall before a spaced » or
 * a closing straight quote that still belongs to the sentence: move it past
 * the closers, judged as the scan judges them. */
static int32_t normalize_icu(tm_segmenter *s, int32_t b)
{
    int32_t j = b;
    while (j > 0 && is_space(s->u16[j - 1]))
        j--;
    int32_t g0 = absorb_closers(s, j);
    if (g0 > j)
        b = skip_space(s->u16, s->n16, g0);
    return b < s->n16 ? b : -1;
}

static tm_status collect_candidates(tm_segmenter *s, tm_error *err)
{
    int32_t i = 0;
    s->ncands = 0;
    s->quotes_indexed = 0;
    UErrorCode uc = U_ZERO_ERROR;
    ubrk_setText(s->bi, s->u16, s->n16, &uc);
    if (U_FAILURE(uc))
        return tm_error_set(err, TM_EIO, "ICU break iterator: %s", u_errorName(uc));
    int32_t b = ubrk_first(s->bi), g = next_scan_gap(s, &i);
    b = ubrk_next(s->bi);
    int32_t bn = b == UBRK_DONE ? -1 : normalize_icu(s, b);
    /* Merge the two increasing sequences. */
    while (g >= 0 || b != UBRK_DONE) {
        if (b != UBRK_DONE && bn < 0) {
            b = ubrk_next(s->bi);
            bn = b == UBRK_DONE ? -1 : normalize_icu(s, b);
            continue;
        }
        int take_icu = b != UBRK_DONE && (g < 0 || bn <= g);
        int32_t pos = take_icu ? bn : g;
        if (s->ncands && s->cands[s->ncands - 1].g1 > pos)
            pos = s->cands[s->ncands - 1].g1; /* normalization can only merge */
        if (push_cand(s, pos, take_icu) != 0)
            return tm_error_nomem(err);
        if (take_icu) {
            b = ubrk_next(s->bi);
            bn = b == UBRK_DONE ? -1 : normalize_icu(s, b);
        } else {
            g = next_scan_gap(s, &i);
        }
    }
    return TM_OK;
}

/* ---- rules ------------------------------------------------------------------ */

static int before_matches(URegularExpression *re, int anchored, int32_t p, UErrorCode *uc)
{
    if (!re)
        return 1;
    int32_t from = p > BEFORE_WINDOW && !anchored ? p - BEFORE_WINDOW : 0;
    uregex_setRegion(re, from, p, uc);
    return uregex_findNext(re, uc) && U_SUCCESS(*uc);
}

static int after_matches(URegularExpression *re, int32_t p, int32_t n, UErrorCode *uc)
{
    if (!re)
        return 1;
    uregex_setRegion(re, p, n, uc);
    return uregex_lookingAt(re, -1, uc) && U_SUCCESS(*uc);
}

/* What the sketches say of rule c at p: no, yes, or ask ICU. A missing
 * pattern matches everywhere; a pattern without a sketch means "ask". */
static tm_rx_answer sketch_before(const crule *c, const UChar *u, int32_t p)
{
    return c->sk_before ? tm_rxsketch_may_end(c->sk_before, u, p)
           : c->has_before ? TM_RX_MAYBE : TM_RX_YES;
}

static tm_rx_answer sketch_after(const crule *c, const UChar *u, int32_t n, int32_t p)
{
    return c->sk_after ? tm_rxsketch_may_start(c->sk_after, u, n, p)
           : c->has_after ? TM_RX_MAYBE : TM_RX_YES;
}

static tm_rx_answer sketch_says(const crule *c, const UChar *u, int32_t n, int32_t p)
{
    tm_rx_answer a = c->before_first ? sketch_before(c, u, p) : sketch_after(c, u, n, p);
    if (a == TM_RX_NO)
        return a;
    tm_rx_answer b = c->before_first ? sketch_after(c, u, n, p) : sketch_before(c, u, p);
    return b < a ? b : a;
}

/* Give rule c's regexes the paragraph, on first need: with the sketches,
 * most paragraphs never need ICU's. Look-around sees past the region
 * (transparent bounds). Only the window search anchors \z at the region's
 * end; elsewhere ^ and $ keep meaning the paragraph's start and end. */
static void set_rule_text(tm_segmenter *s, crule *c, UErrorCode *uc)
{
    if (c->text_gen == s->text_gen)
        return;
    URegularExpression *res[3] = {c->joint, c->before, c->after};
    for (int k = 0; k < 3; k++) {
        if (!res[k])
            continue;
        uregex_setText(res[k], s->u16, s->n16, uc);
        uregex_useTransparentBounds(res[k], 1, uc);
        uregex_useAnchoringBounds(res[k], k == 1, uc);
    }
    c->text_gen = s->text_gen;
}

/* A rule's regex stopped: past the time or stack limit (a pattern that
 * backtracks without end, such as (a+)+$, is bad data: exit 2, with the
 * rule), or ICU failed (an internal error). */
static void rule_failed(const crule *c, UErrorCode uc, tm_error *err)
{
    const char *why = uc == U_REGEX_TIME_OUT ? "ran past the regex time limit (--regex-time-limit)"
                      : uc == U_REGEX_STACK_OVERFLOW ? "ran past the regex stack limit"
                                                     : NULL;
    if (!why) {
        tm_error_set(err, TM_EIO, "regular expression failed: %s", u_errorName(uc));
        return;
    }
    tm_error_set(err, TM_EDATA,
                 "%s %s on this paragraph: a pattern that backtracks without end, such as (a+)+",
                 c->desc, why);
}

/* 1 break, 0 no break, -1 no rule decided. */
static int rules_decide(tm_segmenter *s, int32_t g0, int32_t g1, tm_error *err, int *failed)
{
    UErrorCode uc = U_ZERO_ERROR;
    for (size_t r = 0; r < s->nrules; r++) {
        crule *c = &s->rules[r];
        for (int32_t p = g0; p <= g1 && U_SUCCESS(uc); p++) {
            int sk = sketch_says(c, s->u16, s->n16, p);
            if (sk == TM_RX_NO)
                continue;
            if (sk == TM_RX_YES)
                return c->brk;
            set_rule_text(s, c, &uc);
            if (c->joint ? after_matches(c->joint, p, s->n16, &uc)
                         : after_matches(c->after, p, s->n16, &uc) &&
                               before_matches(c->before, c->anchored, p, &uc))
                return c->brk;
        }
        if (U_FAILURE(uc)) {
            rule_failed(c, uc, err);
            *failed = 1;
            return -1;
        }
    }
    return -1;
}

/* ---- spans ------------------------------------------------------------------- */

static int push_bound(tm_segmenter *s, int32_t start, int32_t end)
{
    while (end > start && is_space(s->u16[end - 1]))
        end--;
    start = skip_space(s->u16, end, start);
    if (start >= end)
        return 0;
    if (tm_array_reserve(&s->bounds, &s->capbounds, s->nbounds + 2, sizeof *s->bounds, 64))
        return -1;
    s->bounds[s->nbounds++] = start;
    s->bounds[s->nbounds++] = end;
    return 0;
}

/* UTF-16 units each UTF-8 byte starts: 1 for a lead byte of up to 3 bytes,
 * 2 for a 4-byte one (a surrogate pair), 0 for a continuation byte. */
static const unsigned char units_of_byte[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
    R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), /* 00..7F */
    R16(0), R16(0), R16(0), R16(0),                                 /* 80..BF */
    R16(1), R16(1), R16(1),                                         /* C0..EF */
    R16(2)                                                          /* F0..FF */
#undef R16
};

/* UTF-16 positions (increasing) to UTF-8 byte offsets: one forward walk
 * over the UTF-8 text, a table load per byte and no branch per character. */
static tm_status to_utf8_spans(tm_segmenter *s, const char *text, size_t len, tm_error *err)
{
    size_t nspans = s->nbounds / 2;
    if (nspans > s->capspans) {
        tm_span *p = realloc(s->spans, nspans * sizeof *p);
        if (!p)
            return tm_error_nomem(err);
        s->spans = p;
        s->capspans = nspans;
    }
    const unsigned char *p = (const unsigned char *)text;
    int32_t i16 = 0;
    size_t i8 = 0;
    for (size_t k = 0; k < s->nbounds; k++) {
        int32_t target = s->bounds[k];
        while (i16 < target && i8 < len)
            i16 += units_of_byte[p[i8++]];
        while (i8 < len && (p[i8] & 0xC0) == 0x80)
            i8++; /* the rest of the character whose units ended at target */
        if (k % 2 == 0)
            s->spans[k / 2].start = i8;
        else
            s->spans[k / 2].end = i8;
    }
    return TM_OK;
}

static tm_status load_text(tm_segmenter *s, const char *text, size_t len, tm_error *err)
{
    if (len > (size_t)INT32_MAX / 2)
        return tm_error_set(err, TM_EDATA, "paragraph longer than %d bytes", INT32_MAX / 2);
    if ((int32_t)len + 1 > s->cap16) {
        UChar *p = realloc(s->u16, (len + 1) * sizeof(UChar));
        if (!p)
            return tm_error_nomem(err);
        s->u16 = p;
        s->cap16 = (int32_t)len + 1;
    }
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(s->u16, s->cap16, &s->n16, text, (int32_t)len, &uc);
    if (U_FAILURE(uc))
        return tm_error_set(err, TM_EDATA, "invalid UTF-8 in paragraph");
    return TM_OK;
}

tm_status tm_segmenter_split(tm_segmenter *s, const char *text, size_t len,
                             const tm_span **spans, size_t *n, tm_error *err)
{
    *spans = NULL;
    *n = 0;
    s->nbounds = 0;
    tm_status st = load_text(s, text, len, err);
    if (st == TM_OK)
        st = collect_candidates(s, err);
    s->text_gen++; /* the rules' regexes hold the previous paragraph */
    int32_t start = 0;
    int failed = 0;
    for (size_t c = 0; st == TM_OK && c < s->ncands; c++) {
        int32_t g1 = s->cands[c].g1, g0 = g1;
        while (g0 > start && is_space(s->u16[g0 - 1]))
            g0--;
        if (g0 <= skip_space(s->u16, g1, start))
            continue; /* nothing before the gap yet */
        int d = rules_decide(s, g0, g1, err, &failed);
        if (failed)
            st = err ? err->code : TM_EIO;
        else if (d == 1 || (d < 0 && s->cands[c].icu)) {
            if (push_bound(s, start, g0) != 0)
                st = tm_error_nomem(err);
            start = g1;
        }
    }
    if (st == TM_OK && push_bound(s, start, s->n16) != 0)
        st = tm_error_nomem(err);
    if (st == TM_OK)
        st = to_utf8_spans(s, text, len, err);
    if (st != TM_OK)
        return st;
    *spans = s->spans;
    *n = s->nbounds / 2;
    return TM_OK;
}
