/*
 * norm.h — normalizations for *matching* text, never for output.
 *
 * Two keys are built from NFC UTF-8 text:
 *
 *   match key  (tm_norm_match): case-folded, white space collapsed to single
 *              spaces and trimmed, invisible format characters (ZWSP, soft
 *              hyphen, BOM) dropped, and the Vietnamese tone mark moved to a
 *              fixed place so that both spelling conventions meet: hoá = hóa,
 *              thuỷ = thủy, khoẻ = khỏe. Diacritics stay significant.
 *   fold key   (tm_norm_fold): the match key with every diacritic removed and
 *              a few letters spelled out (đ→d, œ→oe, æ→ae, ø→o, ł→l), for
 *              names that cross languages: Quảng Ninh → quang ninh,
 *              Đông Hưng → dong hung, Móng Cái → mong cai.
 *
 * Tone placement: a word (a run of letters and combining marks) that carries
 * exactly one of the five Vietnamese tone marks (grave, acute, tilde, hook
 * above, dot below) has that mark moved to the end of the word before
 * recomposition. Real Vietnamese syllables carry at most one tone mark, so
 * the two conventions, which differ only in which vowel carries it, map to
 * one key. Words with two or more such marks (French "élève") are left
 * alone; a French word with one accent gets a key that is consistent for
 * every occurrence, which is all a key needs.
 */
#ifndef TM_NORM_H
#define TM_NORM_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

enum {
    TM_NORM_CASE = 1 << 0,   /* Unicode default case folding */
    TM_NORM_SPACE = 1 << 1,  /* collapse and trim white space, drop format chars */
    TM_NORM_TONE = 1 << 2,   /* one place for the Vietnamese tone mark */
    TM_NORM_STRIP = 1 << 3,  /* remove diacritics, spell out đ œ æ ø ł */
};

#define TM_NORM_MATCH (TM_NORM_CASE | TM_NORM_SPACE | TM_NORM_TONE)
#define TM_NORM_FOLD (TM_NORM_CASE | TM_NORM_SPACE | TM_NORM_STRIP)

/* Replace out's content with the key of s (n bytes of valid UTF-8) under
 * the given flags. The result is NFC UTF-8. */
tm_status tm_norm(const char *s, size_t n, int flags, tm_buf *out, tm_error *err);

/* Shorthands for the two keys described above. Both take the fast path
 * when they can (same result, checked by test_norm). */
tm_status tm_norm_match(const char *s, size_t n, tm_buf *out, tm_error *err);
tm_status tm_norm_fold(const char *s, size_t n, tm_buf *out, tm_error *err);

/* The match key of s without ICU when every character of s is simple
 * (norm_fast.c): 1 done, 0 the text needs tm_norm, -1 out of memory. */
int tm_norm_match_fast(const char *s, size_t n, tm_buf *out, tm_error *err);

/* The same for the fold key (norm_fold.c). */
int tm_norm_fold_fast(const char *s, size_t n, tm_buf *out, tm_error *err);

#endif
