/*
 * cmd_normalize.c — `tmkit normalize`: show the text exactly as every
 * other command sees it (decoded, validated, LF line ends, NFC), or the
 * matching keys the store and aligner compare.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: tmkit normalize [--key nfc|match|fold] [--paragraphs] [-o OUT] [FILE|-]\n"
    "\n"
    "Read FILE (or stdin) as tmkit reads every text: UTF-8 or UTF-16 with a BOM,\n"
    "strictly validated, any line end, NFC. Print it with LF line ends; byte\n"
    "offsets that other commands report refer to this text.\n"
    "\n"
    "  -k, --key KEY      nfc (default): the text itself;\n"
    "                     match: the key used for matching (case, white space,\n"
    "                     Vietnamese tone placement folded: hoá = hóa);\n"
    "                     fold: match key without diacritics (Quảng → quang)\n"
    "  -p, --paragraphs   print only paragraphs (lines that are not blank)\n"
    "  -o, --output OUT   write to OUT (atomically) instead of stdout\n"
    "  -q, --quiet        no diagnostics\n"
    "  -v, --verbose      report the detected encoding and counts on stderr\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 success, 1 usage error, 2 bad input (invalid UTF-8, NUL\n"
    "byte, ...; nothing is written), 3 I/O error.\n";

typedef struct norm_opts {
    int flags; /* 0 for plain NFC */
    int paragraphs;
    const char *output;
    const char *input;
} norm_opts;

static int parse_key(const char *s, int *flags)
{
    if (strcmp(s, "nfc") == 0)
        *flags = 0;
    else if (strcmp(s, "match") == 0)
        *flags = TM_NORM_MATCH;
    else if (strcmp(s, "fold") == 0)
        *flags = TM_NORM_FOLD;
    else
        return -1;
    return 0;
}

static int parse_args(int argc, char **argv, cli_ctx *ctx, norm_opts *o)
{
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {"paragraphs", no_argument, NULL, 'p'},
        {"output", required_argument, NULL, 'o'},
        CLI_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    int c, exit_now;
    while ((c = getopt_long(argc, argv, "k:po:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (cli_common_opt(c, "normalize", usage, ctx, &exit_now)) {
            if (exit_now >= 0)
                return exit_now;
        } else if (c == 'k') {
            if (parse_key(optarg, &o->flags) != 0)
                return cli_usage_error("normalize", "unknown key '%s' (nfc, match or fold)", optarg);
        } else if (c == 'p') {
            o->paragraphs = 1;
        } else if (c == 'o') {
            o->output = optarg;
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("normalize", "one input file at most");
    o->input = optind < argc ? argv[optind] : "-";
    return -1;
}

static tm_status copy_lines(tm_reader *r, const norm_opts *o, FILE *fp,
                            unsigned long *count, tm_error *err)
{
    tm_buf key = TM_BUF_INIT;
    tm_line line;
    tm_status st;
    for (;;) {
        st = o->paragraphs ? tm_reader_next_para(r, &line, err)
                           : tm_reader_next_line(r, &line, err);
        if (st != TM_OK || !line.text)
            break;
        const char *s = line.text;
        size_t n = line.len;
        if (o->flags) {
            st = o->flags == TM_NORM_MATCH  ? tm_norm_match(s, n, &key, err)
                 : o->flags == TM_NORM_FOLD ? tm_norm_fold(s, n, &key, err)
                                            : tm_norm(s, n, o->flags, &key, err);
            if (st != TM_OK)
                break;
            s = key.data;
            n = key.len;
        }
        fwrite(s, 1, n, fp);
        fputc('\n', fp);
        (*count)++;
    }
    tm_buf_free(&key);
    return st;
}

int cmd_normalize(int argc, char **argv, cli_ctx *ctx)
{
    norm_opts o = {0, 0, NULL, NULL};
    int rc = parse_args(argc, argv, ctx, &o);
    if (rc >= 0)
        return rc;
    if ((rc = cli_check_output("normalize", o.output, &o.input, 1)) >= 0)
        return rc;
    tm_error err = {TM_OK, ""};
    tm_reader *r = NULL;
    if (tm_reader_open(&r, o.input, 0, &err) != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%s: %s", tm_reader_name(r), tm_encoding_name(tm_reader_encoding(r)));
    tm_out out;
    unsigned long count = 0;
    tm_status st = tm_out_open(&out, o.output, stdout, &err);
    if (st == TM_OK) {
        st = copy_lines(r, &o, out.fp, &count, &err);
        if (st == TM_OK)
            st = tm_out_close(&out, &err);
        else
            tm_out_abort(&out);
    }
    tm_reader_free(r);
    if (st != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%lu %s", count, o.paragraphs ? "paragraphs" : "lines");
    return 0;
}
