/*
 * cmd_import.c — `tmkit import`: TMX files into a store in one commit.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_store.h"

static const char usage_import[] =
    "Usage: tmkit import [--lenient] STORE FILE.tmx...\n"
    "\n"
    "Add the translation units of each TMX file to STORE (created when missing), in\n"
    "one atomic commit: after an error or an interruption the store holds what it\n"
    "held before. Units equal in every language (up to case, white space and the\n"
    "hoá/hóa spelling) are merged, keeping the newest date and every provenance.\n"
    "A second importer waits for the first.\n"
    "  --lenient   skip a malformed <tu> and count it instead of stopping\n"
    "  -q, -v, -h  quiet, verbose, help\n"
    "Exit status: 0 success, 1 usage, 2 bad TMX or damaged store, 3 I/O error.\n";

/* Progress on a terminal: the units read so far, on one line. */
static void on_progress(void *arg, size_t units)
{
    *(int *)arg = 1; /* a line to end */
    fprintf(stderr, "\rtmkit: %zu units read...", units);
}

static void on_skipped(void *arg, const char *file, size_t n)
{
    (void)arg;
    fprintf(stderr, "tmkit: %s: %zu broken <tu> skipped (--lenient)\n", file, n);
}

/* Every import adds a segment and every query visits them all: say when
 * optimizing would pay. */
#define MANY_SEGMENTS 16

static void suggest_optimize(const char *store)
{
    tm_store *s;
    tm_error err = {TM_OK, ""};
    tm_store_stats st;
    if (tm_store_open(&s, store, &err) != TM_OK)
        return;
    if (tm_store_get_stats(s, &st, &err) == TM_OK && st.segments >= MANY_SEGMENTS)
        fprintf(stderr, "tmkit: %s: %llu segments; 'tmkit optimize %s' rewrites them as one (faster queries)\n",
                store, (unsigned long long)st.segments, store);
    tm_store_close(s);
}

int cli_store_import(const char *store, char *const *files, size_t n, int lenient,
                     cli_ctx *ctx)
{
    int tty = !ctx->quiet && isatty(STDERR_FILENO);
    int shown = 0;
    tm_import_opts io = {lenient, tty ? on_progress : NULL, ctx->quiet ? NULL : on_skipped, &shown};
    tm_store_import_stats s;
    tm_error err = {TM_OK, ""};
    tm_status st = tm_import_files(store, files, n, &io, &s, &err);
    if (shown)
        fputc('\n', stderr);
    if (st != TM_OK)
        return cli_report(&err);
    if (!ctx->quiet) {
        fprintf(stderr, "tmkit: %s: %llu units added, %llu merged with an equal unit (%llu already there as they are)\n",
                store, (unsigned long long)s.added, (unsigned long long)s.merged,
                (unsigned long long)s.unchanged);
        suggest_optimize(store);
    }
    return 0;
}

int align_store_finish(const char *store, const char *dir, const size_t *done, size_t n,
                       cli_ctx *ctx)
{
    if (n == 0) { /* every pair failed: leave the store as it is */
        tm_align_job_spool_remove(dir);
        return 0;
    }
    char **files = calloc(n ? n : 1, sizeof *files);
    size_t named = 0;
    for (; files && named < n; named++) {
        char path[4096];
        tm_align_job_spool_path(dir, done[named], path, sizeof path);
        if (!(files[named] = strdup(path)))
            break;
    }
    int rc;
    if (named < n) {
        tm_error err = {TM_OK, ""};
        tm_error_nomem(&err);
        rc = cli_report(&err);
    } else {
        rc = cli_store_import(store, files, n, 0, ctx);
    }
    for (size_t i = 0; files && i < named; i++)
        free(files[i]);
    free(files);
    tm_align_job_spool_remove(dir);
    return rc;
}


int cmd_import(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    int rc = cli_store_parse(argc, argv, ctx, "import", usage_import, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind < 2)
        return cli_usage_error("import", "needs STORE and at least one TMX file");
    size_t nfiles = (size_t)(argc - optind - 1);
    if ((rc = cli_check_output("import", argv[optind], (const char *const *)argv + optind + 1,
                               nfiles)) >= 0)
        return rc;
    return cli_store_import(argv[optind], argv + optind + 1, nfiles, o.lenient, ctx);
}
