/*
 * cmd_export.c — `tmkit export`: a store back to TMX 1.4b.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_store.h"

static const char usage_export[] =
    "Usage: tmkit export STORE [-s LANG -t LANG] [-o FILE.tmx]\n"
    "\n"
    "Write the store as TMX 1.4b: every unit and variant, or with -s and -t only the\n"
    "units holding both languages, with those two variants.\n";

typedef struct export_ctx {
    const cli_store_opts *o;
    tm_tmx_writer *w;
    tm_tu pair;
    tm_status st;
    tm_error *err;
    unsigned long n;
} export_ctx;

static int export_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    export_ctx *e = arg;
    (void)id;
    const tm_tu *out = tu;
    if (e->o->src_set) { /* only the two variants of the pair */
        const tm_tuv *sv = tm_tu_find(tu, e->o->src), *tv = tm_tu_find(tu, e->o->tgt);
        if (!sv || !tv || sv == tv)
            return 0;
        tm_tu_clear(&e->pair);
        tm_tu only = *tu;
        only.tuvs = NULL;
        only.ntuvs = 0;
        /* the unit's source is its -s variant, which may be coded vi-VN
         * where -s (and so the header) says vi */
        int here = tm_annot_attr(&tu->an, "srclang") || !tm_lang_equal(sv->lang, e->o->src);
        if (tm_tu_copy(&e->pair, &only) != 0 || !tm_tu_copy_tuv(&e->pair, sv) ||
            !tm_tu_copy_tuv(&e->pair, tv) ||
            (here && tm_annot_set_attr(&e->pair.an, "srclang", sv->lang) != 0)) {
            e->st = tm_error_nomem(e->err);
            return 1;
        }
        out = &e->pair;
    }
    e->st = tm_tmx_writer_add(e->w, out, e->err);
    e->n++;
    return e->st != TM_OK;
}

int cmd_export(int argc, char **argv, cli_ctx *ctx)
{
    cli_store_opts o;
    cli_store_opts_init(&o);
    int rc = cli_store_parse(argc, argv, ctx, "export", usage_export, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("export", "needs STORE");
    if (o.src_set != o.tgt_set) /* one alone would pair it with a default */
        return cli_usage_error("export", "-s and -t go together");
    const char *store = argv[optind];
    if ((rc = cli_check_output("export", o.output, &store, 1)) >= 0)
        return rc;
    tm_store *s;
    if ((rc = cli_store_open(store, &s)) >= 0)
        return rc;
    tm_error err = {TM_OK, ""};
    tm_out out;
    export_ctx e;
    memset(&e, 0, sizeof e);
    e.o = &o;
    e.err = &err;
    tm_status st = tm_out_open(&out, o.output, stdout, &err);
    if (st == TM_OK) {
        tm_tmx_header h = {.srclang = o.src_set ? o.src : "*all*"};
        st = tm_tmx_writer_open(&e.w, out.fp, tm_out_name(&out), &h, &err);
        if (st == TM_OK)
            st = tm_store_each(s, export_unit, &e, &err);
        if (st == TM_OK)
            st = e.st;
        if (st == TM_OK)
            st = tm_tmx_writer_finish(e.w, &err);
        tm_tmx_writer_free(e.w);
        if (st == TM_OK)
            st = tm_out_close(&out, &err);
        else
            tm_out_abort(&out);
    }
    tm_tu_clear(&e.pair);
    tm_store_close(s);
    if (st != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%lu units exported", e.n);
    return 0;
}
