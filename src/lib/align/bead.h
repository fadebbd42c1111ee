/*
 * bead.h — a bead: a group of consecutive source sentences aligned with a
 * group of consecutive target sentences (either group may be empty, for a
 * sentence with no counterpart). Sentence numbers are 0-based and count
 * through the whole document, as in .sent files and gold alignments.
 */
#ifndef TM_BEAD_H
#define TM_BEAD_H

#include <stddef.h>

typedef struct tm_bead {
    size_t src, nsrc; /* first source sentence and how many */
    size_t tgt, ntgt;
    double score;     /* confidence in [0, 1]; -1 when unknown (a file without scores) */
} tm_bead;

#endif
