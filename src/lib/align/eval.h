/*
 * eval.h — scoring segmentations and alignments against gold files, as
 * the sentence-alignment literature does (vecalign's score.py).
 *
 * Segmentation: GOLD and PRED hold the same text, one sentence per line
 * (blank lines ignored). A boundary is the offset, in characters, of a
 * sentence end in the concatenation of all sentences with every white-space
 * character removed. Precision, recall and F1 are over boundaries; the
 * texts must be identical once white space is removed.
 *
 * Alignment: one bead per line, "src indices<TAB>tgt indices[<TAB>score]",
 * indices comma-separated. A predicted bead counts only when a gold bead
 * has exactly the same indices on both sides; beads with an empty side are
 * left out of both sets.
 */
#ifndef TM_EVAL_H
#define TM_EVAL_H

#include <stddef.h>

#include "bead.h"
#include "util/error.h"

typedef struct tm_prf {
    size_t correct, predicted, gold;
    double precision, recall, f1;
} tm_prf;

/* Fill precision, recall, f1 from the counts (0 when a denominator is 0). */
void tm_prf_compute(tm_prf *m);

/* Read a beads file (gold or predicted). Indices in one side must be
 * consecutive. *beads is allocated; free() it. */
tm_status tm_beads_read(const char *path, tm_bead **beads, size_t *n, tm_error *err);

tm_status tm_eval_segment(const char *gold, const char *pred, tm_prf *out, tm_error *err);
tm_status tm_eval_align(const char *gold, const char *pred, tm_prf *out, tm_error *err);

#endif
