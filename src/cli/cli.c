/*
 * cli.c — shared helpers of the tmkit commands (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_common_opt(int c, const char *cmd, const char *usage, cli_ctx *ctx,
                   int *exit_now)
{
    *exit_now = -1;
    switch (c) {
    case 'h':
        fputs(usage, stdout);
        *exit_now = 0;
        return 1;
    case 'q':
        ctx->quiet = 1;
        ctx->verbose = 0;
        return 1;
    case 'v':
        ctx->verbose = 1;
        ctx->quiet = 0;
        return 1;
    case '?':
        /* getopt_long has already said what was wrong. */
        fprintf(stderr, "Try 'tmkit %s --help'.\n", cmd);
        *exit_now = TM_EUSAGE;
        return 1;
    }
    return 0;
}

int cli_parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tmkit: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'tmkit %s --help'.\n", cmd);
    return TM_EUSAGE;
}

int cli_report(const tm_error *err)
{
    fprintf(stderr, "tmkit: %s\n", err->msg[0] ? err->msg : tm_status_str(err->code));
    return err->code ? (int)err->code : TM_EIO;
}

void cli_verbose(const cli_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->verbose)
        return;
    va_list ap;
    fputs("tmkit: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

tm_status cli_out_open(cli_out *out, const char *path, tm_error *err)
{
    out->af = NULL;
    out->fp = stdout;
    if (!path || strcmp(path, "-") == 0)
        return TM_OK;
    tm_status st = tm_afile_open(&out->af, path, err);
    if (st == TM_OK)
        out->fp = tm_afile_fp(out->af);
    return st;
}

tm_status cli_out_close(cli_out *out, tm_error *err)
{
    if (out->af) {
        tm_afile *af = out->af;
        out->af = NULL;
        return tm_afile_commit(af, err);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return tm_error_set(err, TM_EIO, "<stdout>: write error: %s", strerror(errno));
    return TM_OK;
}

void cli_out_abort(cli_out *out)
{
    tm_afile_abort(out->af);
    out->af = NULL;
}

const char *cli_out_name(const cli_out *out)
{
    return out->af ? tm_afile_path(out->af) : "<stdout>";
}
