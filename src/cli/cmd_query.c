/*
 * cmd_query.c — `tmkit query`: the best fuzzy matches of a text, CAT-style scores.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_store.h"

static const char usage_query[] =
    "Usage: tmkit query STORE [-s LANG -t LANG] [-n N] [--min PCT] [--format text|jsonl] TEXT\n"
    "\n"
    "The best N units (default 5) whose source variant matches TEXT at PCT% or more\n"
    "(default 70), best first: 100 = the same text up to white space and the hoá/hóa\n"
    "spelling; a number, case, punctuation or tag difference costs 2, 1, 1, 1; else\n"
    "word edit distance. Text output marks the words that differ (on a terminal,\n"
    "unless NO_COLOR is set). jsonl: {\"score\",\"source\",\"target\",\"origin\"} per match.\n"
    "  -s, --source LANG   language of TEXT (default vi)\n"
    "  -t, --target LANG   language of the translations wanted (default fr)\n"
    "Exit status: 0 (also when nothing matches), 1 usage, 2 damaged store, 3 I/O.\n";

static void print_hit(const tm_store_hit *h, const tm_mtext *q, int jsonl, int color, tm_buf *orig)
{
    const tm_tuv *sv = &h->tu.tuvs[h->src_var], *tv = &h->tu.tuvs[h->tgt_var];
    cli_unit_origin(&h->tu, orig);
    if (jsonl) {
        cli_print_jsonl(h->score, sv->text, tv->text, orig->data);
        return;
    }
    tm_mtext c = TM_MTEXT_INIT;
    tm_error err = {TM_OK, ""};
    unsigned char *diff = NULL;
    if (tm_mtext_prepare(&c, sv->text, strlen(sv->text), sv->markup, &err) == TM_OK &&
        (diff = calloc(c.nwords + 1, 1)))
        tm_match_score(q, &c, diff);
    printf("%3d%%  ", h->score);
    if (diff)
        cli_print_marked(sv->text, c.spans, diff, c.nwords, color);
    else
        fputs(sv->text, stdout);
    printf("\n      %s\n      %s\n", tv->text, orig->data);
    free(diff);
    tm_mtext_free(&c);
}

int cmd_query(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    int rc = cli_store_parse(argc, argv, ctx, "query", usage_query, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 2)
        return cli_usage_error("query", "needs STORE and TEXT");
    tm_store *s;
    if ((rc = cli_store_open(argv[optind], &s)) >= 0)
        return rc;
    const char *text = argv[optind + 1];
    tm_error err = {TM_OK, ""};
    if (tm_utf8_valid_prefix(text, strlen(text)) != strlen(text)) {
        tm_store_close(s);
        tm_error_set(&err, TM_EDATA, "query: TEXT is not valid UTF-8");
        return cli_report(&err);
    }
    tm_store_hits h;
    tm_status st = tm_store_query(s, text, strlen(text), o.src, o.tgt, o.min, (size_t)o.n, &h, &err);
    if (st == TM_OK) {
        tm_mtext q = TM_MTEXT_INIT;
        tm_buf orig = TM_BUF_INIT;
        tm_mtext_prepare(&q, text, strlen(text), NULL, &err);
        int jsonl = !strcmp(o.format, "jsonl"), color = cli_use_color();
        for (size_t i = 0; i < h.n; i++)
            print_hit(&h.hit[i], &q, jsonl, color, &orig);
        if (!h.n && !jsonl && !ctx->quiet && q.nwords == 0) /* matching compares words */
            fprintf(stderr, "tmkit: no match: the query has no words\n");
        else if (!h.n && !jsonl && !ctx->quiet)
            fprintf(stderr, "tmkit: no match of %d%% or more\n", o.min);
        tm_mtext_free(&q);
        tm_buf_free(&orig);
        tm_store_hits_free(&h);
    }
    tm_store_close(s);
    return st == TM_OK ? 0 : cli_report(&err);
}
