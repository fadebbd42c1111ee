/*
 * segment.h — sentence segmentation: ICU's sentence BreakIterator refined
 * by SRX rules (srx.h). One tm_segmenter per language and per thread (it
 * owns ICU objects that are not thread-safe); the tm_srx it was built from
 * may be shared.
 *
 * tm_segmenter_split takes one paragraph (NFC UTF-8, no line break) and
 * returns its sentences as byte spans, trimmed of white space, in order; a
 * sentence never crosses a paragraph. Time is linear in the paragraph's
 * length and memory proportional to it. See docs/segment.md for how
 * candidates and rules combine.
 */
#ifndef TM_SEGMENT_H
#define TM_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "srx.h"

typedef struct tm_span {
    size_t start, end; /* byte offsets into the paragraph: [start, end) */
} tm_span;

typedef struct tm_segmenter tm_segmenter;

/* lang: a BCP 47 code ("vi", "fr", "de"...) picking ICU's locale and the
 * SRX rules; srx may be NULL for ICU alone. */
tm_status tm_segmenter_new(tm_segmenter **out, const tm_srx *srx,
                           const char *lang, tm_error *err);
void tm_segmenter_free(tm_segmenter *s);

/* The match time limit of every rule's regular expression, in ICU's units
 * (uregex_setTimeLimit: steps of its match engine, each roughly a
 * millisecond; 0 for none). A user's rule that backtracks without end
 * (<afterbreak>\s(a+)+$</afterbreak>) then stops the split with TM_EDATA
 * naming the rule, instead of running for ever. The built-in rules stay
 * thousands of times below the default on every test input
 * (docs/reliability.md). */
#define TM_SEGMENT_TIME_LIMIT 10000
void tm_segmenter_set_time_limit(tm_segmenter *s, int32_t limit);

/* Split text[0, len). *spans stays valid until the next call. Blank text
 * gives no sentence. */
tm_status tm_segmenter_split(tm_segmenter *s, const char *text, size_t len,
                             const tm_span **spans, size_t *n, tm_error *err);

/* Number of rules in use (for --verbose). */
size_t tm_segmenter_nrules(const tm_segmenter *s);

/* Guess the language of a sample of text: "vi", "fr", or NULL when the
 * evidence is too thin. Vietnamese letters with horns, breves and stacked
 * tone marks are strong evidence; French-only letters and the commonest
 * function words of each language count too. */
const char *tm_lang_detect(const char *text, size_t len);

#endif
