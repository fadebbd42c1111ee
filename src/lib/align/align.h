/*
 * align.h — sentence alignment of two renditions of one document.
 *
 * A tm_doc is one side: its sentences in order, each with the paragraph it
 * came from. tm_align finds the most probable sequence of beads (1-1, 1-0,
 * 0-1, 2-1, 1-2, 2-2, 1-3, 3-1) under one scoring model (docs/align.md):
 *
 *   cost(bead) = -log P(type) + length cost (Gale & Church, with the ratio
 *                c and variance s2 estimated from the document pair)
 *              - anchor evidence (shared numbers, names, URLs, punctuation)
 *              + paragraph disagreement
 *              - lexical evidence (optional: a dictionary, or word
 *                translations learned from the confident beads of a first
 *                pass, IBM Model 1 style)
 *
 * by dynamic programming in a band around the diagonal that widens until
 * the best path stays clear of its edges, so time and memory grow with
 * n x band, not n x m. Each bead gets a confidence in [0, 1]: its posterior
 * probability under the model, by forward-backward in a narrow band around
 * the best path.
 */
#ifndef TM_ALIGN_H
#define TM_ALIGN_H

#include <stddef.h>

#include "bead.h"
#include "util/error.h"
#include "segment/segment.h"
#include "eval.h"

typedef struct tm_doc tm_doc;

tm_status tm_doc_new(tm_doc **out, tm_error *err);
void tm_doc_free(tm_doc *d);
/* Append a sentence (copied) belonging to paragraph para (non-decreasing). */
tm_status tm_doc_add(tm_doc *d, const char *text, size_t len, unsigned para, tm_error *err);
size_t tm_doc_count(const tm_doc *d);
const char *tm_doc_sentence(const tm_doc *d, size_t i, size_t *len);
unsigned tm_doc_para(const tm_doc *d, size_t i);

/* Read a document: with seg, split each paragraph (line) of path into
 * sentences; with seg NULL, the file is already one sentence per line with
 * a blank line between paragraphs (the .sent format). */
tm_status tm_doc_read(tm_doc **out, const char *path, tm_segmenter *seg, tm_error *err);

/* A bilingual dictionary: hunalign's format, "target_word @ source_word"
 * per line (either side may be a phrase; only single words are used). */
typedef struct tm_dict tm_dict;
tm_status tm_dict_read(tm_dict **out, const char *path, tm_error *err);
void tm_dict_free(tm_dict *d);
size_t tm_dict_size(const tm_dict *d);

typedef struct tm_align_opts {
    const tm_dict *dict; /* optional */
    int lexical;         /* learn word translations for a second pass (default 1) */
} tm_align_opts;

#define TM_ALIGN_OPTS_INIT {NULL, 1}

typedef struct tm_alignment {
    tm_bead *beads;
    size_t n;
    double c, s2;        /* the length model the document pair gave */
    size_t band;         /* final half-width of the search band */
    double mean_score;   /* average confidence of beads with two sides */
} tm_alignment;

tm_status tm_align(const tm_doc *src, const tm_doc *tgt, const tm_align_opts *opts,
                   tm_alignment *out, tm_error *err);
void tm_alignment_free(tm_alignment *a);

#endif
