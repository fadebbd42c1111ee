/*
 * cmd_stats.c — `tmkit stats`, `tmkit check`, `tmkit optimize`: looking after a store.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_store.h"

static const char usage_stats[] = "Usage: tmkit stats STORE\n\nUnits, segments, size, languages.\n";
static const char usage_optimize[] =
    "Usage: tmkit optimize STORE\n\nRewrite STORE as one segment: every import adds a segment and\n"
    "every query visits them all, so a store built by many small imports answers faster after\n"
    "this. Atomic: on any error the store is left as it was.\n";

static const char usage_check[] =
    "Usage: tmkit check STORE\n\nVerify every checksum and index of STORE. Exit status 0 when\n"
    "intact, 2 with the first damage found, 3 when it cannot be read.\n";

int cmd_stats(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    int rc = cli_store_parse(argc, argv, ctx, "stats", usage_stats, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("stats", "needs STORE");
    tm_store *s;
    if ((rc = cli_store_open(argv[optind], &s)) >= 0)
        return rc;
    tm_store_stats st;
    tm_error err = {TM_OK, ""};
    tm_store_get_stats(s, &st, &err);
    printf("store: %s\nunits: %llu\nsegments: %llu\nbytes: %llu\nlanguages: %s\nformat: %u\ntransaction: %llu\n",
           argv[optind], (unsigned long long)st.units, (unsigned long long)st.segments,
           (unsigned long long)st.file_bytes, st.langs, st.format, (unsigned long long)st.txid);
    for (size_t k = 0; k < st.nsections; k++)
        printf("section %s: %llu\n", st.section_name[k], (unsigned long long)st.section_bytes[k]);
    tm_store_close(s);
    return 0;
}

int cmd_optimize(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    int rc = cli_store_parse(argc, argv, ctx, "optimize", usage_optimize, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("optimize", "needs STORE");
    const char *path = argv[optind];
    struct stat before, after;
    tm_error err = {TM_OK, ""};
    uint64_t nseg = 0;
    if (stat(path, &before) != 0)
        before.st_size = 0;
    if (tm_store_optimize(path, &nseg, &err) != TM_OK)
        return cli_report(&err);
    if (!ctx->quiet && stat(path, &after) == 0)
        fprintf(stderr, "tmkit: %s: %llu segment(s) rewritten as one, %lld bytes -> %lld\n", path,
                (unsigned long long)nseg, (long long)before.st_size, (long long)after.st_size);
    return 0;
}

int cmd_check(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    int rc = cli_store_parse(argc, argv, ctx, "check", usage_check, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("check", "needs STORE");
    tm_error err = {TM_OK, ""};
    if (tm_store_check(argv[optind], &err) != TM_OK)
        return cli_report(&err);
    if (!ctx->quiet)
        printf("%s: intact\n", argv[optind]);
    return 0;
}
