/*
 * anchors.c — extracting anchor keys from a sentence (see anchors.h).
 *
 * One forward pass over the code points. State carried along: how many
 * words came before (the first word of a sentence is capitalized for
 * grammar, not as a name), the current run of capitalized words (joined
 * into one extra key), and a month word waiting for a number next to it
 * (French "mai" is a month only near a number; Vietnamese "mai" is
 * "tomorrow").
 */
#include "anchors.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "text/norm.h"
#include "text/utf8.h"

/* Fold keys of recent words: names recur (Quảng, Ninh, Hà Nội...) and
 * folding through ICU is the costly part of extraction. */
#define MEMO_SIZE 4096

typedef struct memo_entry {
    uint32_t hash;
    uint32_t word_off, word_len, fold_off, fold_len; /* into memo_text */
} memo_entry;

struct tm_anchorer {
    memo_entry memo[MEMO_SIZE];
    tm_buf memo_text;
    size_t memo_used;
    tm_key *keys;
    size_t n, cap;
    tm_buf dbg;
    tm_buf word;  /* the current word, as written */
    tm_buf fold;  /* its fold key */
    tm_buf run;   /* folded capitalized words of the current run, joined */
    int run_words;
};

tm_status tm_anchorer_new(tm_anchorer **out, tm_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? TM_OK : tm_error_nomem(err);
}

void tm_anchorer_free(tm_anchorer *a)
{
    if (!a)
        return;
    free(a->keys);
    tm_buf_free(&a->dbg);
    tm_buf_free(&a->word);
    tm_buf_free(&a->fold);
    tm_buf_free(&a->run);
    tm_buf_free(&a->memo_text);
    free(a);
}

/* a->fold = fold key of w[0, n), from the memo when the word was seen. */
static int fold_word(tm_anchorer *a, const char *w, size_t n, tm_error *err)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    memo_entry *e = &a->memo[h % MEMO_SIZE];
    if (e->word_len == n && e->hash == h && a->memo_text.data &&
        memcmp(a->memo_text.data + e->word_off, w, n) == 0) {
        tm_buf_clear(&a->fold);
        return tm_buf_append(&a->fold, a->memo_text.data + e->fold_off, e->fold_len);
    }
    if (tm_norm_fold(w, n, &a->fold, err) != TM_OK)
        return -1;
    if (a->memo_text.len > (1u << 20)) { /* bounded: start over */
        memset(a->memo, 0, sizeof a->memo);
        tm_buf_clear(&a->memo_text);
    }
    e->hash = h;
    e->word_off = (uint32_t)a->memo_text.len;
    e->word_len = (uint32_t)n;
    e->fold_off = (uint32_t)(a->memo_text.len + n);
    e->fold_len = (uint32_t)a->fold.len;
    return tm_buf_append(&a->memo_text, w, n) | tm_buf_append(&a->memo_text, a->fold.data, a->fold.len);
}

const char *tm_anchors_debug(const tm_anchorer *a) { return a->dbg.data ? a->dbg.data : ""; }

static uint32_t fnv1a(const char *prefix, const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (const char *p = prefix; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int add_key(tm_anchorer *a, tm_key_type type, const char *s, size_t n)
{
    static const char *prefix[] = {"n:", "w:", "u:", "p:"};
    if (tm_array_reserve(&a->keys, &a->cap, a->n + 1, sizeof *a->keys, 16))
        return -1;
    a->keys[a->n].hash = fnv1a(prefix[type], s, n);
    a->keys[a->n++].type = (uint8_t)type;
    if (a->dbg.len)
        tm_buf_putc(&a->dbg, ' ');
    tm_buf_puts(&a->dbg, prefix[type]);
    return tm_buf_append(&a->dbg, s, n);
}

static size_t decode(const char *s, size_t len, size_t i, uint32_t *c)
{
    size_t k = tm_utf8_decode((const unsigned char *)s + i, len - i, c);
    if (k == 0) {
        *c = 0xFFFD;
        k = 1;
    }
    return k;
}

static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }

/* A grouping separator: 1.245 / 1 245 (also no-break and thin spaces). */
static int is_group_sep(uint32_t c)
{
    return c == '.' || c == ' ' || c == 0xA0 || c == 0x202F || c == 0x2009;
}

/* Exactly three digits at i, not followed by a fourth. */
static int three_digits(const char *s, size_t len, size_t i)
{
    return i + 3 <= len && is_digit((unsigned char)s[i]) && is_digit((unsigned char)s[i + 1]) &&
           is_digit((unsigned char)s[i + 2]) && (i + 3 == len || !is_digit((unsigned char)s[i + 3]));
}

/* Parse the number at i into out (canonical form); returns its end. */
static size_t parse_number(const char *s, size_t len, size_t i, tm_buf *out)
{
    tm_buf_clear(out);
    for (;;) {
        while (i < len && is_digit((unsigned char)s[i]))
            tm_buf_putc(out, s[i++]);
        if (i >= len)
            break;
        uint32_t c;
        size_t k = decode(s, len, i, &c);
        if (is_group_sep(c) && three_digits(s, len, i + k)) {
            i += k;
            continue;
        }
        if ((c == ',' || c == '.') && i + 1 < len && is_digit((unsigned char)s[i + 1])) {
            tm_buf_putc(out, ',');
            i++;
            while (i < len && is_digit((unsigned char)s[i]))
                tm_buf_putc(out, s[i++]);
        }
        break;
    }
    /* Leading zeros say nothing: 09:35 meets 9 h 35. */
    size_t z = 0;
    while (z + 1 < out->len && out->data[z] == '0' && out->data[z + 1] != ',')
        z++;
    if (z) {
        memmove(out->data, out->data + z, out->len - z + 1);
        out->len -= z;
    }
    return i;
}

/* Month names (folded, no diacritics) of the languages whose dates write
 * them out: French, English, German, Spanish, Italian, Portuguese, Dutch.
 * "19/2" then meets "19 février", "19. Februar" and "February 19". */
static int month_number(const char *w)
{
    static const struct { const char *name; int month; } months[] = {
        {"janvier", 1}, {"janv", 1}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2}, {"mars", 3},
        {"avril", 4}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"juil", 7},
        {"aout", 8}, {"septembre", 9}, {"sept", 9}, {"octobre", 10}, {"oct", 10},
        {"novembre", 11}, {"nov", 11}, {"decembre", 12}, {"dec", 12}, {"january", 1},
        {"jan", 1}, {"february", 2}, {"feb", 2}, {"march", 3}, {"april", 4}, {"apr", 4},
        {"may", 5}, {"june", 6}, {"jun", 6}, {"july", 7}, {"jul", 7}, {"august", 8},
        {"aug", 8}, {"september", 9}, {"sep", 9}, {"october", 10}, {"november", 11},
        {"december", 12}, {"januar", 1}, {"februar", 2}, {"marz", 3}, {"juni", 6},
        {"juli", 7}, {"oktober", 10}, {"dezember", 12}, {"enero", 1}, {"febrero", 2},
        {"marzo", 3}, {"abril", 4}, {"mayo", 5}, {"junio", 6}, {"julio", 7}, {"agosto", 8},
        {"septiembre", 9}, {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12},
        {"gennaio", 1}, {"febbraio", 2}, {"aprile", 4}, {"maggio", 5}, {"giugno", 6},
        {"luglio", 7}, {"settembre", 9}, {"ottobre", 10}, {"dicembre", 12}, {"janeiro", 1},
        {"fevereiro", 2}, {"marco", 3}, {"maio", 5}, {"junho", 6}, {"julho", 7},
        {"setembro", 9}, {"outubro", 10}, {"novembro", 11}, {"dezembro", 12}, {"januari", 1},
        {"februari", 2}, {"maart", 3}, {"mei", 5}, {"augustus", 8}};
    size_t n = strlen(w);
    if (n < 3 || n > 10) /* most words: no comparison at all */
        return 0;
    for (size_t i = 0; i < sizeof months / sizeof *months; i++)
        if (months[i].name[0] == w[0] && strcmp(w, months[i].name) == 0)
            return months[i].month;
    return 0;
}

static int end_run(tm_anchorer *a)
{
    int rc = 0;
    if (a->run_words >= 2)
        rc = add_key(a, TM_KEY_NAME, a->run.data, a->run.len);
    tm_buf_clear(&a->run);
    a->run_words = 0;
    return rc;
}

static int add_month(tm_anchorer *a, int month)
{
    char m[4];
    int n = snprintf(m, sizeof m, "%d", month);
    return add_key(a, TM_KEY_NUMBER, m, (size_t)n);
}

/* A URL or e-mail starting at i (the start of a word), or 0. */
static size_t url_end(const char *s, size_t len, size_t i)
{
    size_t e = i;
    int at = 0, scheme = 0, dot = 0;
    while (e < len && s[e] != ' ' && s[e] != '\t' && (unsigned char)s[e] >= 0x21) {
        if (s[e] == '@' && e > i)
            at = 1;
        if (s[e] == ':' && e + 2 < len && s[e + 1] == '/' && s[e + 2] == '/')
            scheme = 1;
        if (s[e] == '.' && e + 1 < len && s[e + 1] != ' ')
            dot = 1;
        e++;
    }
    while (e > i && strchr(".,;:!?)»”\"'", s[e - 1]))
        e--; /* trailing punctuation belongs to the sentence */
    int www = e - i > 4 && strncmp(s + i, "www.", 4) == 0;
    return (scheme || www || (at && dot)) ? e : 0;
}

typedef struct scan {
    size_t words;       /* words (and numbers) seen so far */
    int since_number;   /* tokens since the last number (large if none) */
    int pending_month;  /* a month word waiting for a number next to it */
} scan;

static int on_word(tm_anchorer *a, scan *sc, tm_error *err)
{
    const char *w = a->word.data;
    size_t n = a->word.len;
    uint32_t c0;
    decode(w, n, 0, &c0);
    int upper = 0, lower = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += decode(w, n, i, &c);
        upper += u_isupper((UChar32)c) || u_istitle((UChar32)c);
        lower += u_islower((UChar32)c);
    }
    int cap = u_isupper((UChar32)c0) || u_istitle((UChar32)c0);
    int acronym = upper >= 2 && lower == 0;
    if (fold_word(a, w, n, err) != 0)
        return -1;
    int rc = 0;
    if (((cap && sc->words > 0) || acronym) && a->fold.len >= 2) {
        rc |= add_key(a, TM_KEY_NAME, a->fold.data, a->fold.len);
        rc |= tm_buf_append(&a->run, a->fold.data, a->fold.len);
        a->run_words++;
    } else {
        rc |= end_run(a);
    }
    int month = month_number(a->fold.data);
    if (month && sc->since_number <= 2)
        rc |= add_month(a, month);
    else
        sc->pending_month = month;
    sc->words++;
    sc->since_number++;
    return rc;
}

static int on_number(tm_anchorer *a, scan *sc)
{
    int rc = end_run(a) | add_key(a, TM_KEY_NUMBER, a->word.data, a->word.len);
    if (sc->pending_month)
        rc |= add_month(a, sc->pending_month);
    sc->pending_month = 0;
    sc->words++;
    sc->since_number = 0;
    return rc;
}

/* "p:quote" when the sentence quotes someone; "p:?" "p:!" "p::" for its
 * final punctuation, closing quotes and brackets aside. */
static int on_punctuation(tm_anchorer *a, const char *s, size_t len)
{
    int rc = 0, quoted = 0;
    uint32_t last = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        i += decode(s, len, i, &c);
        int8_t t = u_charType((UChar32)c);
        int quote = c == '"' || t == U_INITIAL_PUNCTUATION || t == U_FINAL_PUNCTUATION;
        quoted |= quote;
        if (!quote && t != U_END_PUNCTUATION && !u_isUWhiteSpace((UChar32)c))
            last = c;
    }
    if (quoted)
        rc |= add_key(a, TM_KEY_PUNCT, "quote", 5);
    if (last == '?' || last == '!' || last == ':') {
        char p = (char)last;
        rc |= add_key(a, TM_KEY_PUNCT, &p, 1);
    }
    return rc;
}

static int cmp_key(const void *x, const void *y)
{
    const tm_key *a = x, *b = y;
    return a->hash < b->hash ? -1 : a->hash > b->hash;
}

tm_status tm_anchors_extract(tm_anchorer *a, const char *s, size_t len,
                             const tm_key **keys, size_t *n, tm_error *err)
{
    a->n = 0;
    tm_buf_clear(&a->dbg);
    tm_buf_clear(&a->run);
    a->run_words = 0;
    scan sc = {0, 1000, 0};
    int rc = 0;
    size_t i = 0;
    while (i < len && rc == 0) {
        uint32_t c;
        size_t k = decode(s, len, i, &c);
        if (is_digit(c)) {
            i = parse_number(s, len, i, &a->word);
            rc = on_number(a, &sc);
        } else if (u_isalpha((UChar32)c)) {
            size_t u = url_end(s, len, i);
            if (u) {
                tm_norm(s + i, u - i, TM_NORM_CASE, &a->fold, err);
                rc = end_run(a) | add_key(a, TM_KEY_URL, a->fold.data, a->fold.len);
                i = u;
                continue;
            }
            size_t e = i;
            while (e < len) {
                uint32_t d;
                size_t kk = decode(s, len, e, &d);
                if (!u_isalpha((UChar32)d) && u_charType((UChar32)d) != U_NON_SPACING_MARK)
                    break;
                e += kk;
            }
            tm_buf_clear(&a->word);
            tm_buf_append(&a->word, s + i, e - i);
            i = e;
            rc = on_word(a, &sc, err);
        } else {
            /* Spaces and hyphens continue a run of names; the rest ends it. */
            if (!u_isUWhiteSpace((UChar32)c) && c != '-' && c != 0x2013)
                rc = end_run(a);
            i += k;
        }
    }
    rc |= end_run(a);
    rc |= on_punctuation(a, s, len);
    if (rc != 0)
        return err && err->code ? err->code : tm_error_nomem(err);
    if (a->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(a->keys, a->n, sizeof *a->keys, cmp_key);
    *keys = a->keys;
    *n = a->n;
    return TM_OK;
}
