/*
 * norm_fold.c — the fold key (norm.h: case folded, white space collapsed,
 * every diacritic removed, a few letters spelled out) without ICU, for text
 * made of "simple" characters (norm_fast.h), which is nearly all real text.
 * `concord --fold` folds every unit of the store, so this is its cost.
 *
 * Unlike the match key, the fold key has no rule that looks at a whole word
 * (the tone move is off): the general path (norm.c) maps each character on
 * its own, through case folding, NFD, dropping the marks and spelling out
 * the base, and then collapses white space and recomposes. For a simple
 * character c (its folding f is one NFC-stable character whose NFD is a
 * base and marks) that is a fixed output: nothing for a mark, the spelling
 * of the base, or the base. When that output is itself NFC-stable
 * (NFC_Quick_Check = Yes, combining class 0) the concatenation is already
 * NFC, so recomposing changes nothing. One table entry per BMP code point
 * holds the output, built from ICU 256 code points at a time when first
 * needed, as norm_fast.c does; any character without an entry sends the
 * whole text to the general path. test_norm compares both paths on the
 * corpora, on random text and on every BMP character.
 *
 * Entry: bits 0..15 the first output character, 16..22 a second one
 * (ASCII; only spelled-out letters have two), 24..25 how many (0..2), and
 * the flags below; 0 means "not simple".
 */
#include "norm.h"
#include "norm_fast.h"
#include "uclass.h"
#include "utf8.h"

#include <stdint.h>

enum {
    NFF_SPACE = 1u << 29,  /* white space: collapsed */
    NFF_FORMAT = 1u << 30, /* format character: dropped */
    NFF_OK = 1u << 31      /* the entry is usable */
};

#define NFF_COUNT(e) (((e) >> 24) & 3)

static _Atomic(uint32_t *) fold_pages[256];

/* The fold output of the base b (of a word character), 0 if not stable. */
static uint32_t base_output(uint16_t b)
{
    const char *sp = tm_norm_spell_out(b);
    if (sp)
        return (uint32_t)(unsigned char)sp[0] |
               (sp[1] ? (uint32_t)(unsigned char)sp[1] << 16 | 2u << 24 : 1u << 24);
    if (tm_uclass_bmp[b] & TM_UC_MARK)
        return 0; /* a mark: dropped, no output */
    return tm_nf_nfc_stable(b) ? (uint32_t)b | 1u << 24 : UINT32_MAX;
}

static uint32_t fold_entry_of(uint16_t c)
{
    uint32_t e = tm_nf_entry(c);
    if (!(e & NF_SIMPLE))
        return 0;
    if (e & NF_SPACE)
        return NFF_OK | NFF_SPACE;
    if (e & NF_FORMAT)
        return NFF_OK | NFF_FORMAT;
    uint16_t f = (uint16_t)(e & 0xFFFF);
    if (!(e & NF_WORD))
        return NFF_OK | f | 1u << 24; /* NFD(f) is f itself (norm_fast.c) */
    uint16_t d[8];
    if (tm_nf_decompose(f, d) < 1)
        return 0;
    uint32_t out = base_output(d[0]);
    return out == UINT32_MAX ? 0 : NFF_OK | out;
}

/* Page p of the table, built if need be; NULL when memory runs out. */
static inline const uint32_t *fold_page(unsigned p)
{
    uint32_t *pg = atomic_load_explicit(&fold_pages[p], memory_order_acquire);
    return pg ? pg : tm_nf_build_page(&fold_pages[p], p, fold_entry_of);
}

int tm_norm_fold_fast(const char *s, size_t n, tm_buf *out, tm_error *err)
{
    const unsigned char *p = (const unsigned char *)s;
    tm_buf_clear(out);
    if (tm_nf_key_room(out, n) != 0) {
        tm_error_nomem(err);
        return -1;
    }
    tm_uclass_init();
    const uint32_t *ascii = fold_page(0);
    if (!ascii)
        return 0;
    unsigned char *o = (unsigned char *)out->data;
    size_t len = 0;
    int pending_space = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c, e;
        if (p[i] < 0x80) { /* most characters: no decoding */
            e = ascii[p[i++]];
        } else {
            size_t k = tm_utf8_decode(p + i, n - i, &c);
            if (!k || c >= 0x10000)
                return 0;
            const uint32_t *pg = fold_page(c >> 8);
            if (!pg)
                return 0;
            e = pg[c & 0xFF];
            i += k;
        }
        if (!(e & NFF_OK))
            return 0;
        if (e & (NFF_SPACE | NFF_FORMAT)) {
            pending_space |= (e & NFF_SPACE) && len > 0;
            continue;
        }
        if (pending_space) {
            o[len++] = ' ';
            pending_space = 0;
        }
        if (NFF_COUNT(e) > 0)
            tm_nf_put_utf8(o, &len, e & 0xFFFF);
        if (NFF_COUNT(e) > 1)
            o[len++] = (unsigned char)((e >> 16) & 0x7F);
    }
    out->len = len;
    out->data[len] = '\0';
    return 1;
}
