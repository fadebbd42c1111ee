/*
 * cli.h — what every `tmkit` command shares: option conventions, error
 * reporting and output opening. The CLI is a thin layer: it parses
 * arguments, calls the library, prints results and turns a tm_error into
 * one line on stderr and an exit status (tm_status values are the exit
 * statuses: 0 ok, 1 usage, 2 bad data, 3 I/O or internal).
 */
#ifndef TM_CLI_H
#define TM_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "tmkit.h"

typedef struct cli_ctx {
    int verbose; /* -v: diagnostics on stderr */
    int quiet;   /* -q: nothing but errors on stderr */
} cli_ctx;

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv, cli_ctx *ctx);
    const char *summary;
} cli_command;

/* Long options every command accepts; append to a command's own table. */
#define CLI_COMMON_LONGOPTS                                \
    {"help", no_argument, NULL, 'h'},                      \
    {"quiet", no_argument, NULL, 'q'},                     \
    {"verbose", no_argument, NULL, 'v'}
#define CLI_COMMON_SHORTOPTS "hqv"

/* Handle a common option. Returns 1 if c was one (and *exit_now set to
 * the status to exit with, or -1 to go on), 0 otherwise. */
int cli_common_opt(int c, const char *cmd, const char *usage, cli_ctx *ctx,
                   int *exit_now);

/* "tmkit: CMD: message" on stderr; returns TM_EUSAGE after pointing at --help. */
/* s as a whole decimal number within [lo, hi] (lo and hi within int) into
 * *out: 0, or -1 (empty, trailing characters, out of range). */
int cli_parse_int(const char *s, long lo, long hi, int *out);
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print err as "tmkit: <message>" and return its status. */
int cli_report(const tm_error *err);

/* An output (-o, --store) that is one of the inputs would destroy it:
 * one line on stderr and the exit status (1), or -1 to go on. */
int cli_check_output(const char *cmd, const char *out, const char *const *inputs, size_t n);

/* Diagnostics for -v, on stderr. */
void cli_verbose(const cli_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Import TMX files into STORE in one atomic commit (tmkit import, and
 * tmkit align --store); reports on stderr, returns the exit status. */
int cli_store_import(const char *store, char *const *files, size_t n, int lenient,
                     cli_ctx *ctx);

/* --store: import the spooled TMX copies of the pairs listed in done[] in
 * one commit, as `tmkit import` does (reported on stderr), and remove the
 * spool; with n == 0 the store is left as it is. The exit status. */
int align_store_finish(const char *store, const char *dir, const size_t *done, size_t n,
                       cli_ctx *ctx);

/* --lexicon-out (cmd_align.c): 0, or the exit status of the failure. */
int align_save_lexicon(const tm_align_job_opts *o, const tm_lexicon *lx, cli_ctx *ctx);
/* `tmkit align --batch` (cmd_align_batch.c), called by cmd_align. */
int align_batch(int argc, char **argv, const tm_align_job_opts *o, cli_ctx *ctx);

/* The commands. */
int cmd_normalize(int argc, char **argv, cli_ctx *ctx);
int cmd_tmx(int argc, char **argv, cli_ctx *ctx);
int cmd_segment(int argc, char **argv, cli_ctx *ctx);
int cmd_eval(int argc, char **argv, cli_ctx *ctx);
int cmd_align(int argc, char **argv, cli_ctx *ctx);
int cmd_import(int argc, char **argv, cli_ctx *ctx);
int cmd_query(int argc, char **argv, cli_ctx *ctx);
int cmd_concord(int argc, char **argv, cli_ctx *ctx);
int cmd_export(int argc, char **argv, cli_ctx *ctx);
int cmd_stats(int argc, char **argv, cli_ctx *ctx);
int cmd_check(int argc, char **argv, cli_ctx *ctx);
int cmd_optimize(int argc, char **argv, cli_ctx *ctx);

#endif
