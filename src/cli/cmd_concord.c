/*
 * cmd_concord.c — `tmkit concord`: every unit holding a term.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_store.h"

static const char usage_concord[] =
    "Usage: tmkit concord STORE [-s LANG -t LANG] [--fold] [-n N] [--format text|jsonl] TERM\n"
    "\n"
    "Every unit whose source or target variant holds TERM as whole words (case\n"
    "ignored; diacritics significant unless --fold), newest first, TERM marked.\n"
    "Exit status: 0, 1 usage, 2 damaged store, 3 I/O.\n";

/* One hit: both variants with the term marked (text), or one jsonl line.
 * A failure leaves the rest of the hits unprinted. */
static tm_status print_concord(tm_concord *c, const cli_store_opts *o, const tm_concord_hit *h,
                               int jsonl, int color, tm_buf *orig, tm_error *err)
{
    const tm_tuv *sv = tm_tu_find(&h->tu, o->src), *tv = tm_tu_find(&h->tu, o->tgt);
    cli_unit_origin(&h->tu, orig);
    if (jsonl) {
        cli_print_jsonl(100, sv->text, tv->text, orig->data);
        return TM_OK;
    }
    const uint32_t *spans;
    const unsigned char *mark;
    size_t nw;
    tm_status st = tm_concord_mark(c, sv->text, &spans, &mark, &nw, err);
    cli_print_marked(sv->text, spans, mark, nw, color);
    fputs("\n      ", stdout);
    tm_status st2 = tm_concord_mark(c, tv->text, &spans, &mark, &nw, err);
    cli_print_marked(tv->text, spans, mark, nw, color);
    printf("\n      %s\n", orig->data);
    return st != TM_OK ? st : st2;
}

int cmd_concord(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    o.n = 0;
    int rc = cli_store_parse(argc, argv, ctx, "concord", usage_concord, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 2)
        return cli_usage_error("concord", "needs STORE and TERM");
    const char *term = argv[optind + 1];
    tm_error err = {TM_OK, ""};
    if (tm_utf8_valid_prefix(term, strlen(term)) != strlen(term)) {
        tm_error_set(&err, TM_EDATA, "concord: TERM is not valid UTF-8");
        return cli_report(&err);
    }
    tm_concord *c;
    tm_status st = tm_concord_new(&c, term, o.fold, &err);
    if (st == TM_EUSAGE)
        return cli_usage_error("concord", "%s", err.msg);
    if (st != TM_OK)
        return cli_report(&err);
    tm_store *s;
    if ((rc = cli_store_open(argv[optind], &s)) >= 0) {
        tm_concord_free(c);
        return rc;
    }
    tm_concord_hits hits;
    st = tm_store_concord(s, c, o.src, o.tgt, &hits, &err);
    if (st == TM_OK) {
        tm_buf orig = TM_BUF_INIT;
        int jsonl = !strcmp(o.format, "jsonl"), color = cli_use_color();
        for (size_t i = 0; i < hits.n && (!o.n || i < (size_t)o.n) && st == TM_OK; i++)
            st = print_concord(c, &o, &hits.hit[i], jsonl, color, &orig, &err);
        tm_buf_free(&orig);
        tm_concord_hits_free(&hits);
    }
    tm_concord_free(c);
    tm_store_close(s);
    return st == TM_OK ? 0 : cli_report(&err);
}
