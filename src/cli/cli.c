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

int cli_check_output(const char *cmd, const char *out, const char *const *inputs, size_t n)
{
    tm_error err = {TM_OK, ""};
    if (tm_file_check_distinct(out, inputs, n, &err) == TM_OK)
        return -1;
    fprintf(stderr, "tmkit: %s: %s\n", cmd, err.msg);
    return err.code;
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
