/*
 * main.c — the `tmkit` dispatcher: git-style `tmkit <command> [args]`.
 *
 * Global options come before the command (--help, --version); everything
 * after the command name belongs to the command, whose argv[0] becomes
 * "tmkit <command>" so getopt's own messages name it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlerror.h>

#include "cli.h"

static const cli_command commands[] = {
    {"align", cmd_align, "align the sentences of two renditions of a document (TMX, tsv, ...)"},
    {"import", cmd_import, "add the units of TMX files to a store (.tmdb)"},
    {"query", cmd_query, "best matches of a sentence in a store, CAT-style scores"},
    {"concord", cmd_concord, "every unit of a store holding a term"},
    {"export", cmd_export, "write a store as TMX 1.4b"},
    {"stats", cmd_stats, "size and content of a store"},
    {"check", cmd_check, "verify every checksum and index of a store"},
    {"optimize", cmd_optimize, "rewrite a store as one segment (faster queries)"},
    {"segment", cmd_segment, "split text into sentences (ICU + SRX rules for vi and fr)"},
    {"eval", cmd_eval, "precision/recall/F1 of a segmentation or alignment against gold"},
    {"normalize", cmd_normalize, "print text as tmkit reads it, or its matching keys"},
    {"tmx", cmd_tmx, "validate TMX files, convert them to tsv, moses, jsonl or TMX 1.4b"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    fputs("Usage: tmkit [--help] [--version] <command> [options] [args]\n"
          "\n"
          "Translation memory and sentence alignment for Vietnamese and French.\n"
          "\n"
          "Commands:\n",
          fp);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'tmkit <command> --help' describes a command; 'man tmkit' all of them.\n"
          "Exit status: 0 success, 1 usage error, 2 bad input data, 3 I/O or internal error.\n",
          fp);
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* A command that succeeded but whose standard output could not be written
 * (a full disk, a closed pipe or descriptor) did not succeed: exit 3. */
static int stdout_flushed(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (rc == 0) {
        fprintf(stderr, "tmkit: <stdout>: write error: %s\n",
                errno ? strerror(errno) : "output lost");
        rc = TM_EIO;
    }
    return rc;
}

static int run_command(const cli_command *cmd, int argc, char **argv)
{
    char argv0[64];
    snprintf(argv0, sizeof argv0, "tmkit %s", cmd->name);
    argv[0] = argv0;
    cli_ctx ctx = {0, 0};
    optind = 0; /* glibc: full re-initialization of getopt */
    return stdout_flushed(cmd->run(argc, argv, &ctx));
}

static void quiet_xml(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int main(int argc, char **argv)
{
    /* Over a file size limit (ulimit -f, RLIMIT_FSIZE), write() then fails
     * with EFBIG and the command reports an I/O error (exit 3) and cleans up,
     * instead of being killed by SIGXFSZ halfway through a file. */
    signal(SIGXFSZ, SIG_IGN);
    /* libxml2 would print its own "I/O error : ..." lines on stderr next to
     * the one-line error tmkit reports; every caller reports errors itself. */
    xmlSetGenericErrorFunc(NULL, quiet_xml);
    xmlThrDefSetGenericErrorFunc(NULL, quiet_xml);
    if (argc < 2) {
        usage(stderr);
        return TM_EUSAGE;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        usage(stdout);
        return stdout_flushed(0);
    }
    if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0) {
        printf("tmkit %s\n", tm_version());
        return stdout_flushed(0);
    }
    if (strcmp(arg, "help") == 0 && argc >= 3) {
        const cli_command *cmd = find_command(argv[2]);
        if (cmd) {
            char help[] = "--help";
            char *av[] = {argv[2], help, NULL};
            return run_command(cmd, 2, av);
        }
        arg = argv[2];
    } else if (strcmp(arg, "help") == 0) {
        usage(stdout);
        return 0;
    }
    const cli_command *cmd = find_command(arg);
    if (!cmd) {
        fprintf(stderr, "tmkit: '%s' is not a tmkit command; see 'tmkit --help'.\n", arg);
        return TM_EUSAGE;
    }
    return run_command(cmd, argc - 1, argv + 1);
}
