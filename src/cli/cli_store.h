/*
 * cli_store.h — what the store commands (cmd_import.c, cmd_query.c,
 * cmd_concord.c, cmd_export.c, cmd_stats.c) share: options and printing.
 */
#ifndef TM_CLI_STORE_H
#define TM_CLI_STORE_H

#include "cli.h"

typedef struct cli_store_opts {
    const char *src, *tgt, *output, *format;
    int n, min, fold, lenient;
    int src_set, tgt_set; /* -s, -t given */
} cli_store_opts;

void cli_store_opts_init(cli_store_opts *o);
/* Options shared by the store commands: the exit status to return, or -1
 * to go on. */
int cli_store_parse(int argc, char **argv, cli_ctx *ctx, const char *cmd, const char *usage,
                    cli_store_opts *o);
/* Open the store at path into *s: -1 to go on, or the exit status (the
 * error reported). */
int cli_store_open(const char *path, tm_store **s);
/* Where a unit comes from: its documents and date. */
void cli_unit_origin(const tm_tu *tu, tm_buf *out);
/* Color on stdout: a terminal, and NO_COLOR unset. */
int cli_use_color(void);
/* Print text with the byte spans [spans[2k], spans[2k+1]) where mark[k] set
 * in bold red (when colored). */
void cli_print_marked(const char *text, const uint32_t *spans, const unsigned char *mark,
                      size_t nwords, int color);
/* One jsonl line {"score","source","target","origin"} on stdout. */
void cli_print_jsonl(int score, const char *src, const char *tgt, const char *orig);

#endif
