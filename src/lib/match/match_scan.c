/*
 * match_scan.c — preparing a text for matching in one pass.
 *
 * match.c's general preparation walks a text four times: to make its match
 * key (norm_fast.c or ICU), to cut the key into words and hash them, to cut
 * the text into words (where they are, their case), and for the
 * punctuation between them. For text made only of ordinary characters
 * (NF_TOK, norm_fast.h), word k of the key is the folding of word k of the
 * text, so one walk does all four: it emits each character's folding to
 * the key and hashes each word as it closes. An import prepares every
 * variant it reads, and these walks were a fifth of its CPU.
 *
 * A word is a maximal run of letters, digits and marks, with a '.' or ','
 * between two ASCII digits inside it (253,9). Within a word, each run of
 * letters and marks (NF_WORD) is what norm_fast.c calls a word: a run
 * ending in oa, oe or uy, or holding a mark, is normalized the general way
 * (the Vietnamese tone move). Its result must be word characters again, or
 * the whole text goes the general way.
 *
 * Invariant of a successful walk: the result equals the general
 * preparation's (same key, words, spans, signatures; never split).
 * test_match checks it on every corpus sentence and on random text, and
 * fuzz_segment on whatever the fuzzer finds.
 */
#include "match_internal.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "text/norm.h"
#include "text/norm_fast.h"
#include "text/uclass.h"
#include "text/utf8.h"

#define FNV 16777619u
#define IS_ASCII_LETTER(b) ((unsigned)(((b) | 0x20) - 'a') < 26u)

/* One walk over a text. The positions in the text and in the key live in
 * the walk's own variables (struct cursor, copied in and out of each
 * step): stores to the key's bytes may alias anything a pointer reaches,
 * so fields behind a pointer would be reloaded after every byte. */
typedef struct scan {
    const unsigned char *p; /* the text */
    size_t n;               /* its length */
    const uint32_t *ascii;  /* the entries of U+0000..U+00FF (norm_fast.h) */
    tm_buf *out;            /* the key being made; its len is kept in a cursor meanwhile */
    tm_buf one;             /* a letter run normalized the general way */
    tm_mtext *mt;
    tm_error *err;
} scan;

/* Where the walk is: in the text (i) and in the key (o: its bytes, ol:
 * their count). */
typedef struct cursor {
    size_t i, ol;
    unsigned char *o;
} cursor;

/* A run of letters and marks inside a word. */
typedef struct run {
    size_t from, klen; /* where it starts in the text, and in the key */
    uint32_t flags;    /* its characters' entries or-ed: NF_MARK when it holds a mark */
    uint32_t bases;    /* the base letters of its last two characters, a byte each (the
                          one before the last is 0 in a run of one) */
    int open;          /* a run is being read */
    int replaced;      /* a run of the word was replaced by the general path's result */
} run;

static int nomem(scan *sc)
{
    tm_error_nomem(sc->err);
    return -1;
}

static int all_word_chars(const tm_buf *b)
{
    const unsigned char *p = (const unsigned char *)b->data;
    if (b->len == 0)
        return 0;
    for (size_t i = 0; i < b->len;) {
        uint32_t c;
        size_t k = tm_utf8_decode(p + i, b->len - i, &c);
        if (!k || !(tm_uclass((UChar32)c) & (TM_UC_ALNUM | TM_UC_MARK)))
            return 0;
        i += k;
    }
    return 1;
}

/* The run ends at c->i and its folding is replaced in the key by the
 * general path's result (the key's buffer may move: c->o is reloaded).
 * 1 done, 0 that result is not one piece of a word, -1 error. */
static int renormalize_run(scan *sc, run *r, cursor *c)
{
    if (tm_norm((const char *)sc->p + r->from, c->i - r->from, TM_NORM_MATCH, &sc->one,
                sc->err) != TM_OK)
        return -1;
    if (!all_word_chars(&sc->one))
        return 0;
    size_t rest = sc->n - c->i;
    r->replaced = 1;
    sc->out->len = r->klen;
    if (tm_buf_append(sc->out, sc->one.data, sc->one.len) != 0 ||
        tm_nf_key_room(sc->out, rest) != 0)
        return nomem(sc);
    c->o = (unsigned char *)sc->out->data;
    c->ol = sc->out->len;
    return 1;
}

/* The run ends at c->i: it goes the general way only when normalization
 * may move its tone (most runs do not; the test is inline). 1, 0 or -1 as
 * renormalize_run. */
static inline int close_run(scan *sc, run *r, cursor *c)
{
    r->open = 0;
    if (!(r->flags & NF_MARK) && !tm_nf_tone_candidate((r->bases >> 8) & 0xFF, r->bases & 0xFF))
        return 1;
    return renormalize_run(sc, r, c);
}

/* The entry of the character at i, into *e (0 for invalid UTF-8); its
 * length. ASCII, most of any text, is looked up without decoding. */
static inline size_t next_char(const scan *sc, size_t i, uint32_t *e)
{
    unsigned char b = sc->p[i];
    if (b < 0x80) {
        *e = sc->ascii[b];
        return 1;
    }
    uint32_t c;
    size_t k = tm_utf8_decode(sc->p + i, sc->n - i, &c);
    *e = k ? tm_nf_entry(c) : 0;
    return k;
}

/* A '.' or ',' at i, inside a word, joins two digits. */
static int number_joint(const scan *sc, size_t i)
{
    const unsigned char *p = sc->p;
    return (p[i] == '.' || p[i] == ',') && i + 1 < sc->n && p[i - 1] >= '0' && p[i - 1] <= '9' &&
           p[i + 1] >= '0' && p[i + 1] <= '9';
}

/* A stretch of ASCII letters at c->i, inside run r (opened if need be):
 * folded to lower case, hashed, their case into *cs. ASCII letters are
 * most of the characters of any Latin-script text, and the general step
 * below spends a table entry, a branchy UTF-8 emitter and a run update on
 * each. Their entries are NF_TOK word letters folding to their lower case,
 * which is also their base letter, and hold no mark (the only flag a run
 * keeps is NF_MARK), so none of that is needed here. */
static inline void ascii_letters(const scan *sc, cursor *c, run *r, uint32_t *h, uint32_t *cs)
{
    const unsigned char *p = sc->p;
    unsigned char *o = c->o;
    size_t i = c->i, ol = c->ol, n = sc->n;
    unsigned b = p[i];
    if (!r->open)
        *r = (run){i, ol, 0, 0, 1, r->replaced};
    uint32_t hh = *h, cc = *cs, bases = r->bases;
    do {
        unsigned l = b | 0x20;
        o[ol++] = (unsigned char)l;
        hh = (hh ^ l) * FNV;
        cc = (cc ^ (b == l ? 'l' : 'U')) * FNV;
        bases = bases << 8 | l;
        b = ++i < n ? p[i] : 0;
    } while (IS_ASCII_LETTER(b));
    c->i = i;
    c->ol = ol;
    r->bases = bases;
    *h = hh;
    *cs = cc;
}

/* The word at *at (its first character is NF_ALNUM): folded into the key,
 * hashed, its span and case recorded. 1, 0 or -1 as close_run. */
static int scan_word(scan *sc, cursor *at)
{
    tm_mtext *mt = sc->mt;
    cursor c = *at;
    size_t ws = c.i, kws = c.ol;
    int number = sc->p[ws] >= '0' && sc->p[ws] <= '9';
    uint32_t cs = mt->case_sig, h = 2166136261u; /* h: tm_match_word_hash of the key so far */
    run r = {0, 0, 0, 0, 0, 0};
    int rc;
    while (c.i < sc->n) {
        if (IS_ASCII_LETTER(sc->p[c.i])) {
            ascii_letters(sc, &c, &r, &h, &cs);
            continue;
        }
        uint32_t e;
        size_t k = next_char(sc, c.i, &e);
        if (!(e & NF_TOK))
            return 0;
        if (!(e & NF_ALNUM) && !number_joint(sc, c.i))
            break;
        if (e & NF_WORD) {
            if (!r.open)
                r = (run){c.i, c.ol, 0, 0, 1, r.replaced};
            r.flags |= e;
            r.bases = r.bases << 8 | NF_BASE(e);
        } else if (r.open && (rc = close_run(sc, &r, &c)) != 1) {
            return rc;
        }
        size_t from = c.ol;
        tm_nf_put_utf8(c.o, &c.ol, e & 0xFFFF);
        for (; from < c.ol; from++)
            h = (h ^ c.o[from]) * FNV;
        if (e & (NF_UPPER | NF_LOWER))
            cs = (cs ^ ((e & NF_UPPER) ? 'U' : 'l')) * FNV;
        c.i += k;
    }
    if (r.open && (rc = close_run(sc, &r, &c)) != 1)
        return rc;
    size_t nw = mt->nwords;
    assert(nw < mt->cap); /* tm_mtext_scan made room for every word */
    mt->spans[2 * nw] = (uint32_t)ws;
    mt->spans[2 * nw + 1] = (uint32_t)c.i;
    if (number || r.replaced)
        mt->words[nw] = tm_mtext_key_word(mt, (const char *)c.o + kws, c.ol - kws);
    else
        mt->words[nw] = h == TM_NUM_TOKEN ? h + 1 : h;
    if (!number)
        mt->case_sig = (cs ^ 0x1f) * FNV;
    mt->nwords = nw + 1;
    *at = c;
    return 1;
}

/* Spaces collapse into one (none at either end), words go to scan_word,
 * anything else is punctuation: it folds to itself. The key's length is
 * left in sc->out->len. */
static int walk(scan *sc)
{
    int pending_space = 0;
    uint32_t punct = sc->mt->punct_sig;
    cursor c = {0, 0, (unsigned char *)sc->out->data};
    int rc = 1;
    while (c.i < sc->n) {
        uint32_t e;
        size_t k = next_char(sc, c.i, &e);
        if (!(e & NF_TOK)) {
            rc = 0;
            break;
        }
        if (e & NF_SPACE) {
            pending_space |= c.ol > 0;
            c.i += k;
            continue;
        }
        if (pending_space) {
            c.o[c.ol++] = ' ';
            pending_space = 0;
        }
        if (e & NF_ALNUM) {
            if ((rc = scan_word(sc, &c)) != 1)
                break;
            continue;
        }
        punct = tm_match_mix(punct, (const char *)sc->p + c.i, k);
        memcpy(c.o + c.ol, sc->p + c.i, k);
        c.ol += k;
        c.i += k;
    }
    sc->mt->punct_sig = punct;
    sc->out->len = c.ol;
    return rc;
}

int tm_mtext_scan(tm_mtext *mt, const char *text, size_t len, tm_error *err)
{
    scan sc = {(const unsigned char *)text, len, NULL, &mt->key, TM_BUF_INIT, mt, err};
    tm_buf_clear(&mt->key);
    if (tm_nf_key_room(&mt->key, len) != 0)
        return nomem(&sc);
    tm_uclass_init();
    if (!(sc.ascii = tm_nf_page(0)))
        return nomem(&sc);
    mt->nwords = 0;
    /* words are at least one byte apart: room for all of them up front */
    if (tm_mtext_grow(mt, len / 2 + 1) != 0)
        return nomem(&sc);
    int rc = walk(&sc);
    tm_buf_free(&sc.one);
    if (rc == 1) {
        mt->key.data[mt->key.len] = '\0';
        mt->split = 0;
    }
    return rc;
}
