/*
 * cmd_eval.c — `tmkit eval segment|align GOLD PRED`: precision, recall and
 * F1 on the last line of stdout, "precision=P recall=R f1=F".
 */
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: tmkit eval segment GOLD PRED\n"
    "       tmkit eval align GOLD PRED\n"
    "\n"
    "segment  GOLD and PRED hold the same text, one sentence per line (blank lines\n"
    "         ignored). A boundary is the character offset of a sentence end in the\n"
    "         text with all white space removed; P/R/F1 are over boundaries.\n"
    "align    GOLD and PRED hold beads, 'src<TAB>tgt[<TAB>score]' with comma-separated\n"
    "         0-based sentence numbers. Strict: a predicted bead counts only if a gold\n"
    "         bead is identical; beads with an empty side are left out of both sets.\n"
    "\n"
    "The last line of stdout is precision=P recall=R f1=F (4 decimals); -v adds the\n"
    "counts on stderr.\n"
    "Exit status: 0 success, 1 usage error, 2 bad or mismatched input, 3 I/O error.\n";

int cmd_eval(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    int c, exit_now;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1)
        if (cli_common_opt(c, "eval", usage, ctx, &exit_now) && exit_now >= 0)
            return exit_now;
    if (argc - optind != 3)
        return cli_usage_error("eval", "needs segment|align GOLD PRED");
    const char *what = argv[optind], *gold = argv[optind + 1], *pred = argv[optind + 2];
    tm_prf m;
    tm_error err = {TM_OK, ""};
    tm_status st;
    if (strcmp(what, "segment") == 0)
        st = tm_eval_segment(gold, pred, &m, &err);
    else if (strcmp(what, "align") == 0)
        st = tm_eval_align(gold, pred, &m, &err);
    else
        return cli_usage_error("eval", "unknown evaluation '%s' (segment or align)", what);
    if (st != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%zu correct of %zu predicted, %zu in gold", m.correct, m.predicted, m.gold);
    printf("precision=%.4f recall=%.4f f1=%.4f\n", m.precision, m.recall, m.f1);
    return 0;
}
