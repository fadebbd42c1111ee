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
#include <stdio.h>

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

/* Word translations learned across a whole job (lexicon.c): from the
 * confident 1-1 beads of many document pairs, or from the units of a
 * translation memory, pooled into one IBM Model 1 and used by every pair's
 * second pass instead of what the pair alone could teach. Adding is
 * thread-safe; a trained lexicon is read-only and may be shared. */
typedef struct tm_lexicon tm_lexicon;
typedef struct tm_alignment tm_alignment;

tm_status tm_lexicon_new(tm_lexicon **out, tm_error *err);
void tm_lexicon_free(tm_lexicon *lx);
/* Training material: one sentence pair, or the 1-1 beads of an alignment
 * with a confidence of at least 0.5. */
tm_status tm_lexicon_add_pair(tm_lexicon *lx, const char *src, size_t slen, const char *tgt,
                              size_t tlen, tm_error *err);
tm_status tm_lexicon_add_alignment(tm_lexicon *lx, const tm_doc *src, const tm_doc *tgt,
                                   const tm_alignment *al, tm_error *err);
/* The same for pair nth of a job whose pairs finish in any order (al NULL:
 * pair nth teaches nothing): each is added in its turn, so the lexicon does
 * not depend on which thread finished first. Every nth from 0 must come,
 * once. */
tm_status tm_lexicon_add_nth(tm_lexicon *lx, size_t nth, const tm_doc *src, const tm_doc *tgt,
                             const tm_alignment *al, tm_error *err);
size_t tm_lexicon_pairs(const tm_lexicon *lx);
/* EM over everything added so far. */
tm_status tm_lexicon_train(tm_lexicon *lx, tm_error *err);
/* Translations kept (0 before training). */
size_t tm_lexicon_size(const tm_lexicon *lx);
/* Text file "SOURCE<TAB>TARGET<TAB>P" per line after "# tmkit lexicon 1"
 * (an empty SOURCE: the NULL word); "-" for path is std_out. */
tm_status tm_lexicon_save(const tm_lexicon *lx, const char *path, FILE *std_out, tm_error *err);
tm_status tm_lexicon_load(tm_lexicon **out, const char *path, tm_error *err);

typedef struct tm_align_opts {
    const tm_dict *dict;        /* optional */
    int lexical;                /* learn word translations for a second pass (default 1) */
    const tm_lexicon *lexicon;  /* optional, trained: the job's, used instead */
} tm_align_opts;

#define TM_ALIGN_OPTS_INIT {NULL, 1, NULL}

struct tm_alignment {
    tm_bead *beads;
    size_t n;
    double c, s2;        /* the length model the document pair gave */
    size_t band;         /* final half-width of the search band */
    double mean_score;   /* average confidence of beads with two sides */
};

tm_status tm_align(const tm_doc *src, const tm_doc *tgt, const tm_align_opts *opts,
                   tm_alignment *out, tm_error *err);
void tm_alignment_free(tm_alignment *a);

#endif
