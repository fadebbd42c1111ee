/*
 * align_cli.h — what `tmkit align` (one pair) and `tmkit align --batch`
 * share: options, the read-only environment (rules, dictionary), the
 * per-pair job and the output writers.
 */
#ifndef TM_ALIGN_CLI_H
#define TM_ALIGN_CLI_H

#include "cli.h"

typedef enum { FMT_TMX, FMT_TSV, FMT_BEADS, FMT_LADDER, FMT_MOSES, FMT_JSONL } align_format;

typedef struct align_opts {
    const char *src_lang, *tgt_lang, *output, *dict_path, *srx_path, *batch, *store;
    align_format format;
    int presegmented, keep_unaligned, no_lexical, jobs;
    double min_score;
} align_opts;

void align_opts_init(align_opts *o);
int align_parse_format(const char *s, align_format *f);
const char *align_format_ext(align_format f);

/* Shared by every pair (and thread): read-only once built. */
typedef struct align_env {
    const align_opts *o;
    tm_srx *srx;
    tm_dict *dict;
} align_env;

tm_status align_env_init(align_env *env, const align_opts *o, tm_error *err);
void align_env_free(align_env *env);

typedef struct pair_result {
    size_t nsrc, ntgt, nbeads, aligned; /* aligned: beads with two sides */
    double mean_score;
    char summary[256]; /* one line for --verbose and the batch summary */
    char warning[256]; /* empty, or why the pair looks suspicious */
    size_t dropped;    /* characters XML forbids, left out of its TMX (tm_tmx_writer_dropped) */
} pair_result;

/* Align src with tgt and write the result to out_path ("-" or NULL:
 * stdout), and as TMX to tmx_copy unless NULL (for --store). Nothing is
 * written when the inputs are bad. */
tm_status align_pair(const align_env *env, const char *src, const char *tgt,
                     const char *out_path, const char *tmx_copy, pair_result *res,
                     tm_error *err);

/* The document's name for provenance: the file name without directory,
 * extension and language suffix ("corpora/qn-gx-talks.vi.txt" → "qn-gx-talks"). */
void align_stem(const char *path, char *out, size_t cap);

/* Writers (align_output.c). */
typedef struct align_output {
    const align_opts *o;
    const tm_doc *src, *tgt;
    const tm_alignment *al;
    const char *stem;
    size_t *dropped; /* TMX output adds the characters it left out here, unless NULL */
} align_output;

tm_status align_write(const align_output *ao, const char *out_path, tm_error *err);

/* --store (align_store.c): a private directory for each pair's TMX copy,
 * DIR/K.tmx for pair K; finish imports the pairs listed in done[] in one
 * commit and removes the directory; cancel only removes it. */
tm_status align_store_begin(char *dir, size_t cap, tm_error *err);
void align_store_path(const char *dir, size_t k, char *out, size_t cap);
int align_store_finish(const char *store, const char *dir, const size_t *done, size_t n,
                       cli_ctx *ctx);
void align_store_cancel(const char *dir);

int align_batch(int argc, char **argv, const align_opts *o, cli_ctx *ctx);

#endif
