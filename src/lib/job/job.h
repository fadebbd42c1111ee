/*
 * job.h — module job (src/lib/job/): whole jobs as `tmkit` runs them, for
 * any program that links the library.
 *
 *   - aligning one document pair (read and segment both sides, align,
 *     write the result in one of align's formats): tm_align_job_run, which
 *     `tmkit align` and each worker of `--batch` call;
 *   - the spool of --store: each pair's TMX copy in a private directory,
 *     imported in one commit at the end;
 *   - importing TMX files into a store in one atomic commit
 *     (tm_import_files: `tmkit import` and `align --store`).
 *
 * Depends on: util, text, segment, align, tmx, store. Nothing here prints:
 * progress and warnings reach the caller through results and callbacks.
 */
#ifndef TM_JOB_H
#define TM_JOB_H

#include <stddef.h>
#include <stdio.h>

#include "align/align.h"
#include "segment/segment.h"
#include "store/store.h"
#include "util/error.h"

/* ---- aligning one pair ------------------------------------------------------ */

typedef enum {
    TM_ALIGN_TMX, TM_ALIGN_TSV, TM_ALIGN_BEADS, TM_ALIGN_LADDER, TM_ALIGN_MOSES, TM_ALIGN_JSONL
} tm_align_format;

typedef struct tm_align_job_opts {
    const char *src_lang, *tgt_lang, *output, *dict_path, *srx_path, *batch, *store;
    const char *lexicon_path;  /* --lexicon: the job's word translations, from a file */
    const char *lexicon_out;   /* --lexicon-out: save what the job learned */
    const char *lexicon_from;  /* --lexicon-from: learn them from a translation memory */
    tm_align_format format;
    int presegmented, keep_unaligned, no_lexical, jobs;
    double min_score;
    int regex_time_limit; /* tm_segmenter_set_time_limit (TM_SEGMENT_TIME_LIMIT) */
    FILE *std_out;        /* the stream an output path of "-" means */
} tm_align_job_opts;

/* vi -> fr, TMX, on stdout. */
void tm_align_job_opts_init(tm_align_job_opts *o);
/* "tmx", "tsv", ... into *f: 0, or -1 for an unknown name. */
int tm_align_format_parse(const char *s, tm_align_format *f);
/* The file extension of a format's output ("" for moses: two files). */
const char *tm_align_format_ext(tm_align_format f);

/* Shared by every pair (and thread): read-only once built. */
typedef struct tm_align_job_env {
    const tm_align_job_opts *o;
    tm_srx *srx;
    tm_dict *dict;
    tm_lexicon *lexicon; /* the job's lexicon, used by every pair once trained */
    tm_lexicon *learn;   /* when set, every pair's confident beads are added to it */
    int learn_only;      /* align to learn: write nothing */
} tm_align_job_env;

/* Loads --srx, --dict, --lexicon, and learns --lexicon-from. */
tm_status tm_align_job_env_init(tm_align_job_env *env, const tm_align_job_opts *o, tm_error *err);
/* A lexicon from the units of a translation memory in the job's language
 * pair (every unit is a training pair), trained. */
tm_status tm_align_job_lexicon_from_store(tm_lexicon **out, const char *store, const char *src,
                                          const char *tgt, tm_error *err);
void tm_align_job_env_free(tm_align_job_env *env);

typedef struct tm_align_job_result {
    size_t nsrc, ntgt, nbeads, aligned; /* aligned: beads with two sides */
    double mean_score;
    char summary[256]; /* one line for --verbose and the batch summary */
    char warning[256]; /* empty, or why the pair looks suspicious */
    size_t dropped;    /* characters XML forbids, left out of its TMX (tm_tmx_writer_dropped) */
} tm_align_job_result;

/* Align src with tgt and write the result to out_path ("-" or NULL:
 * o->std_out), and as TMX to tmx_copy unless NULL (for --store). Nothing
 * is written when the inputs are bad. nth: the pair's number in the job
 * (0 for one pair), the turn in which it teaches env->learn. */
tm_status tm_align_job_run(const tm_align_job_env *env, size_t nth, const char *src,
                           const char *tgt, const char *out_path, const char *tmx_copy,
                           tm_align_job_result *res, tm_error *err);

/* The document's name for provenance: the file name without directory,
 * extension and language suffix ("corpora/qn-gx-talks.vi.txt" → "qn-gx-talks"). */
void tm_align_job_stem(const char *path, char *out, size_t cap);

/* Writing one alignment (align_write.c). */
typedef struct tm_align_job_output {
    const tm_align_job_opts *o;
    const tm_doc *src, *tgt;
    const tm_alignment *al;
    const char *stem;
    size_t *dropped; /* TMX output adds the characters it left out here, unless NULL */
} tm_align_job_output;

tm_status tm_align_job_write(const tm_align_job_output *ao, const char *out_path, tm_error *err);

/* The files an output path names in o's format: out_path itself, or for
 * moses out_path.SRC and out_path.TGT. Their count (1 or 2); a path past
 * 4095 bytes is cut short (it could not be opened anyway). */
size_t tm_align_job_output_files(const tm_align_job_opts *o, const char *out_path,
                                 char files[2][4096]);

/* ---- the --store spool (align_spool.c) -------------------------------------- */

/* A private directory (under $TMPDIR) for each pair's TMX copy, DIR/K.tmx
 * for pair K; removed with every file in it by tm_align_job_spool_remove. */
tm_status tm_align_job_spool_begin(char *dir, size_t cap, tm_error *err);
void tm_align_job_spool_path(const char *dir, size_t k, char *out, size_t cap);
void tm_align_job_spool_remove(const char *dir);

/* ---- importing TMX files into a store (import.c) ---------------------------- */

typedef struct tm_import_opts {
    int lenient; /* skip a malformed <tu> and count it instead of stopping */
    /* Called every 10,000 units read, and once per file that had units
     * skipped (--lenient); either may be NULL. */
    void (*progress)(void *ctx, size_t units);
    void (*skipped)(void *ctx, const char *file, size_t n);
    void *ctx;
} tm_import_opts;

/* Import files[0..n) into the store at path (created when missing) in one
 * atomic commit: on any error the store holds what it held before. stats
 * (unless NULL) gets what the commit added and merged. */
tm_status tm_import_files(const char *path, char *const *files, size_t n, const tm_import_opts *o,
                          tm_store_import_stats *stats, tm_error *err);

#endif
