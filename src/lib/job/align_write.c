/*
 * tm_align_job_output.c — writing an alignment in each of `tmkit align`'s formats.
 * Every format goes through tm_out, so a file appears atomically or not
 * at all.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "tmx/tmx.h"
#include "util/json.h"
#include "util/out.h"

/* Is the bead written in a filtered format (tmx, tsv, moses, jsonl)? */
static int wanted(const tm_align_job_output *ao, const tm_bead *b)
{
    if ((!b->nsrc || !b->ntgt) && (!ao->o->keep_unaligned || ao->o->format == TM_ALIGN_MOSES))
        return 0;
    return b->score >= ao->o->min_score;
}

/* The sentences of one side of a bead, joined by a space. */
static void side_text(const tm_doc *d, size_t first, size_t n, tm_buf *b)
{
    tm_buf_clear(b);
    for (size_t k = 0; k < n; k++) {
        size_t len;
        const char *s = tm_doc_sentence(d, first + k, &len);
        if (k)
            tm_buf_putc(b, ' ');
        tm_buf_append(b, s, len);
    }
    if (!b->data)
        tm_buf_grow(b, 0);
}

static void put_indices(FILE *fp, size_t first, size_t n)
{
    for (size_t k = 0; k < n; k++)
        fprintf(fp, k ? ",%zu" : "%zu", first + k);
}

/* One line for tsv and moses: TAB and line breaks become spaces. */
static void put_flat(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

static void write_beads(const tm_align_job_output *ao, FILE *fp)
{
    for (size_t i = 0; i < ao->al->n; i++) {
        const tm_bead *b = &ao->al->beads[i];
        put_indices(fp, b->src, b->nsrc);
        fputc('\t', fp);
        put_indices(fp, b->tgt, b->ntgt);
        fprintf(fp, "\t%.4f\n", b->score);
    }
}

/* hunalign's ladder: a rung (i, j) says the first i source and j target
 * sentences correspond; one rung per bead start, then (n, m). The score of
 * a rung is that of the bead starting there (of the last bead at the end). */
static void write_ladder(const tm_align_job_output *ao, FILE *fp)
{
    const tm_alignment *al = ao->al;
    for (size_t i = 0; i < al->n; i++)
        fprintf(fp, "%zu\t%zu\t%.4f\n", al->beads[i].src, al->beads[i].tgt, al->beads[i].score);
    if (al->n) {
        const tm_bead *b = &al->beads[al->n - 1];
        fprintf(fp, "%zu\t%zu\t%.4f\n", b->src + b->nsrc, b->tgt + b->ntgt, b->score);
    }
}

/* Call fn for every bead the filters keep, with the texts of both sides
 * (sentences of a side joined by a space). */
typedef void (*bead_fn)(void *ctx, const tm_bead *b, const char *src, const char *tgt);

static void for_each_wanted(const tm_align_job_output *ao, bead_fn fn, void *ctx)
{
    tm_buf a = TM_BUF_INIT, b = TM_BUF_INIT;
    for (size_t i = 0; i < ao->al->n; i++) {
        const tm_bead *d = &ao->al->beads[i];
        if (!wanted(ao, d))
            continue;
        side_text(ao->src, d->src, d->nsrc, &a);
        side_text(ao->tgt, d->tgt, d->ntgt, &b);
        fn(ctx, d, a.data, b.data);
    }
    tm_buf_free(&a);
    tm_buf_free(&b);
}

static void tsv_bead(void *ctx, const tm_bead *d, const char *src, const char *tgt)
{
    FILE *fp = ctx;
    put_flat(fp, src);
    fputc('\t', fp);
    put_flat(fp, tgt);
    fprintf(fp, "\t%.4f\n", d->score);
}

static void json_indices(tm_buf *out, size_t first, size_t n)
{
    tm_buf_putc(out, '[');
    for (size_t k = 0; k < n; k++) {
        char num[32];
        snprintf(num, sizeof num, k ? ",%zu" : "%zu", first + k);
        tm_buf_puts(out, num);
    }
    tm_buf_putc(out, ']');
}

typedef struct jsonl_ctx {
    FILE *fp;
    tm_buf line;
} jsonl_ctx;

static void jsonl_bead(void *arg, const tm_bead *d, const char *src, const char *tgt)
{
    jsonl_ctx *jc = arg;
    tm_buf *line = &jc->line;
    tm_buf_clear(line);
    tm_buf_puts(line, "{\"src\":");
    json_indices(line, d->src, d->nsrc);
    tm_buf_puts(line, ",\"tgt\":");
    json_indices(line, d->tgt, d->ntgt);
    char score[48];
    snprintf(score, sizeof score, ",\"score\":%.4f,\"source\":", d->score);
    tm_buf_puts(line, score);
    tm_json_append_str(line, src);
    tm_buf_puts(line, ",\"target\":");
    tm_json_append_str(line, tgt);
    tm_buf_puts(line, "}\n");
    fwrite(line->data, 1, line->len, jc->fp);
}

typedef struct moses_ctx {
    FILE *src, *tgt;
} moses_ctx;

static void moses_bead(void *arg, const tm_bead *d, const char *src, const char *tgt)
{
    moses_ctx *mc = arg;
    (void)d;
    put_flat(mc->src, src);
    fputc('\n', mc->src);
    put_flat(mc->tgt, tgt);
    fputc('\n', mc->tgt);
}

/* ---- TMX ------------------------------------------------------------------ */

/* The creation date: now, or SOURCE_DATE_EPOCH for reproducible output. */
static void creation_date(char out[TM_TMX_DATE_LEN])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long t = sde ? strtoll(sde, &end, 10) : 0;
    tm_tmx_date(sde && *sde && !*end ? (time_t)t : time(NULL), out);
}

static tm_status tmx_unit(const tm_align_job_output *ao, const tm_bead *d, size_t k, const char *date,
                          tm_buf *a, tm_buf *b, tm_tu *tu, tm_error *err)
{
    char tuid[300], shape[32], score[32];
    snprintf(tuid, sizeof tuid, "%s:%zu", ao->stem, k);
    snprintf(shape, sizeof shape, "%zu-%zu", d->nsrc, d->ntgt);
    snprintf(score, sizeof score, "%.4f", d->score);
    tm_tu_clear(tu);
    int rc = tm_annot_set_attr(&tu->an, "tuid", tuid) | tm_annot_set_attr(&tu->an, "creationdate", date) |
             tm_annot_add_prop(&tu->an, "x-document", NULL, ao->stem) |
             tm_annot_add_prop(&tu->an, "x-bead", NULL, shape) |
             tm_annot_add_prop(&tu->an, "x-score", NULL, score);
    if (d->nsrc) {
        side_text(ao->src, d->src, d->nsrc, a);
        rc |= tm_tu_add_tuv(tu, ao->o->src_lang, a->data, NULL) == NULL;
    }
    if (d->ntgt) {
        side_text(ao->tgt, d->tgt, d->ntgt, b);
        rc |= tm_tu_add_tuv(tu, ao->o->tgt_lang, b->data, NULL) == NULL;
    }
    return rc ? tm_error_nomem(err) : TM_OK;
}

static tm_status write_tmx(const tm_align_job_output *ao, tm_out *out, tm_error *err)
{
    char date[TM_TMX_DATE_LEN];
    creation_date(date);
    tm_tmx_header h = {.srclang = ao->o->src_lang, .creationdate = date};
    tm_tmx_writer *w;
    tm_status st = tm_tmx_writer_open(&w, out->fp, tm_out_name(out), &h, err);
    if (st != TM_OK)
        return st;
    tm_buf a = TM_BUF_INIT, b = TM_BUF_INIT;
    tm_tu tu = TM_TU_INIT;
    for (size_t i = 0, k = 0; i < ao->al->n && st == TM_OK; i++) {
        const tm_bead *d = &ao->al->beads[i];
        if (!wanted(ao, d))
            continue;
        st = tmx_unit(ao, d, k++, date, &a, &b, &tu, err);
        if (st == TM_OK)
            st = tm_tmx_writer_add(w, &tu, err);
    }
    if (st == TM_OK)
        st = tm_tmx_writer_finish(w, err);
    if (ao->dropped)
        *ao->dropped += tm_tmx_writer_dropped(w);
    tm_tmx_writer_free(w);
    tm_tu_clear(&tu);
    tm_buf_free(&a);
    tm_buf_free(&b);
    return st;
}

/* ---- dispatch ------------------------------------------------------------------- */

size_t tm_align_job_output_files(const tm_align_job_opts *o, const char *out_path,
                                 char files[2][4096])
{
    if (o->format != TM_ALIGN_MOSES) {
        snprintf(files[0], sizeof files[0], "%s", out_path);
        return 1;
    }
    snprintf(files[0], sizeof files[0], "%s.%s", out_path, o->src_lang);
    snprintf(files[1], sizeof files[1], "%s.%s", out_path, o->tgt_lang);
    return 2;
}

static tm_status write_moses_files(const tm_align_job_output *ao, const char *base, tm_error *err)
{
    char files[2][4096];
    tm_align_job_output_files(ao->o, base, files);
    tm_out os = {NULL, NULL}, ot = {NULL, NULL};
    tm_status st = tm_out_open(&os, files[0], ao->o->std_out, err);
    if (st == TM_OK && (st = tm_out_open(&ot, files[1], ao->o->std_out, err)) != TM_OK)
        tm_out_abort(&os);
    if (st == TM_OK) {
        moses_ctx mc = {os.fp, ot.fp};
        for_each_wanted(ao, moses_bead, &mc);
        st = tm_out_close(&os, err);
        if (st == TM_OK)
            st = tm_out_close(&ot, err);
        else
            tm_out_abort(&ot);
    }
    return st;
}

tm_status tm_align_job_write(const tm_align_job_output *ao, const char *out_path, tm_error *err)
{
    if (ao->o->format == TM_ALIGN_MOSES)
        return write_moses_files(ao, out_path, err);
    tm_out out;
    tm_status st = tm_out_open(&out, out_path, ao->o->std_out, err);
    if (st != TM_OK)
        return st;
    switch (ao->o->format) {
    case TM_ALIGN_TMX: st = write_tmx(ao, &out, err); break;
    case TM_ALIGN_TSV: for_each_wanted(ao, tsv_bead, out.fp); break;
    case TM_ALIGN_BEADS: write_beads(ao, out.fp); break;
    case TM_ALIGN_LADDER: write_ladder(ao, out.fp); break;
    case TM_ALIGN_JSONL: {
        jsonl_ctx jc = {out.fp, TM_BUF_INIT};
        for_each_wanted(ao, jsonl_bead, &jc);
        tm_buf_free(&jc.line);
        break;
    }
    case TM_ALIGN_MOSES: break;
    }
    if (st != TM_OK) {
        tm_out_abort(&out);
        return st;
    }
    return tm_out_close(&out, err);
}
