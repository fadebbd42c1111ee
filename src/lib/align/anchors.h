/*
 * anchors.h — language-independent evidence that two sentences translate
 * each other: numbers, proper names and acronyms compared after diacritic
 * folding, URLs and e-mail addresses, and marked punctuation.
 *
 * Each sentence yields a small sorted array of keys (32-bit hashes of a
 * typed string such as "n:2023" or "w:quangninh"), each with a type. The
 * aligner rewards beads whose two sides share keys (align.h).
 *
 * Keys:
 *   number  digits with grouping separators removed and "," as the decimal
 *           mark: 1.245,6 = 1 245,6 = 1245,6; dates split into their numbers
 *           (19/2 → 19, 2); French and English month names give their number
 *           (février → 2), so 19/2 meets "19 février";
 *   name    a word that starts with a capital (not the sentence's first word)
 *           or is all capitals, folded (Quảng → quang), and each run of such
 *           words joined (Việt Nam → vietnam, meeting French "Vietnam");
 *   url     anything with "://", "www." or an "@" between word characters;
 *   punct   a sentence ending in ? ! or :, and a sentence holding quotes.
 */
#ifndef TM_ANCHORS_H
#define TM_ANCHORS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef enum tm_key_type {
    TM_KEY_NUMBER = 0,
    TM_KEY_NAME,
    TM_KEY_URL,
    TM_KEY_PUNCT,
    TM_KEY_NTYPES
} tm_key_type;

typedef struct tm_key {
    uint32_t hash;
    uint8_t type;
} tm_key;

/* A reusable extractor (scratch buffers). */
typedef struct tm_anchorer tm_anchorer;

tm_status tm_anchorer_new(tm_anchorer **out, tm_error *err);
void tm_anchorer_free(tm_anchorer *a);

/* Keys of one sentence (valid UTF-8), sorted by hash, duplicates kept
 * (a number twice in a sentence counts twice). *keys is valid until the
 * next call. */
tm_status tm_anchors_extract(tm_anchorer *a, const char *text, size_t len,
                             const tm_key **keys, size_t *n, tm_error *err);

/* The typed strings behind the keys of the last call, for debugging and
 * tests: "n:2023", "w:quangninh", ... separated by spaces. */
const char *tm_anchors_debug(const tm_anchorer *a);

#endif
