/*
 * rxsketch.h — a cheap, conservative stand-in for an ICU regular expression,
 * used to skip positions where the regex certainly cannot (or certainly does)
 * match.
 *
 * The segmenter asks, at every candidate gap, whether each SRX rule's
 * afterbreak can match from the gap and its beforebreak can end there.
 * ICU answers each such question in roughly 100 ns even when the first
 * character already rules it out. A sketch answers "cannot" or "might" by
 * walking a few characters through an automaton whose language contains
 * the pattern's: when it says "cannot", ICU would have said no; when it
 * says "might", ICU decides; when the automaton models the pattern
 * exactly it can also say "does", and ICU need not be asked at all. A
 * pattern the sketch cannot read gets none (tm_rxsketch_new returns NULL)
 * and every question goes to ICU.
 */
#ifndef TM_RXSKETCH_H
#define TM_RXSKETCH_H

#include <stdint.h>

#include <unicode/utypes.h>

typedef struct tm_rxsketch tm_rxsketch;

/* Sketch of an ICU pattern (UTF-8, compiled without flags), or NULL when
 * it uses something the sketch does not model (back-references, inline
 * flags, \Q...\E...), is longer than 4096 UTF-16 units, has more than 512
 * character positions once unrolled, or memory runs out. */
tm_rxsketch *tm_rxsketch_new(const char *pattern);
void tm_rxsketch_free(tm_rxsketch *k);

/* Positions of the automaton: what one step of a walk costs, roughly. */
size_t tm_rxsketch_size(const tm_rxsketch *k);

/* What a sketch can tell about a position. YES only comes from a sketch
 * that models its pattern exactly (no loosened construct). */
typedef enum tm_rx_answer {
    TM_RX_NO = 0,    /* ICU would not match here */
    TM_RX_MAYBE = 1, /* ask ICU */
    TM_RX_YES = 2    /* ICU would match here */
} tm_rx_answer;

/* Can a match of the pattern begin at u[p] (u has n units)? As ICU's
 * lookingAt with region [p, n) and transparent bounds. */
tm_rx_answer tm_rxsketch_may_start(const tm_rxsketch *k, const UChar *u, int32_t n, int32_t p);

/* Can a match end exactly at p (just before u[p])? As ICU's look-behind
 * (?<=P) at p, or a search for "(?:P)\z" in the region [0, p]. */
tm_rx_answer tm_rxsketch_may_end(const tm_rxsketch *k, const UChar *u, int32_t p);

#endif
