/*
 * model1.h — IBM Model 1 word translation probabilities (model1.c). Not
 * public: the aligner's lexical term (align_lex.c) and the lexicon of a
 * whole job (lexicon.c) train them.
 */
#ifndef TM_ALIGN_MODEL1_H
#define TM_ALIGN_MODEL1_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Words of a sentence used in training, at most (a longer one is cut). */
#define TM_M1_MAX_WORDS 80

/* One training pair: source words e[0..ne) (NULL is added) and target
 * words f[0..nf); its (ne + 1) x nf cells start at `first` in the cell
 * list (the caller numbers them: first of the next = first + (ne+1) nf). */
typedef struct tm_m1_pair {
    const uint32_t *e, *f;
    uint32_t ne, nf;
    uint32_t first;
} tm_m1_pair;

/* Trained translations: source word e's are f[start[e] .. start[e+1])
 * with probabilities p[]; tnull[f] = t(f | NULL). */
typedef struct tm_m1 {
    uint32_t *start, *f;
    float *p, *tnull;
    size_t ne, nf;
} tm_m1;

/* Train on np pairs of ncells cells in all, over ne source and nf target
 * word ids. */
tm_status tm_m1_train(tm_m1 *out, const tm_m1_pair *sp, size_t np, size_t ncells, size_t ne,
                      size_t nf, tm_error *err);
void tm_m1_free(tm_m1 *t);

#endif
