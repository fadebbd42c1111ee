/*
 * import.c — TMX files into a store in one commit (job.h): each file is
 * read with the streaming reader (units packed, so the writer's threads
 * free them cheaply) and handed to the store's writer; the writer commits
 * only when every file was read whole.
 */
#include "job.h"
#include "tmx/tmx.h"

#define PROGRESS_EVERY 10000

static tm_status import_file(tm_store_writer *w, const char *file, const tm_import_opts *o,
                             size_t *units, tm_error *err)
{
    tm_tmx_reader *r;
    int flags = TM_TMX_PACKED | (o->lenient ? TM_TMX_LENIENT : 0);
    tm_status st = tm_tmx_reader_open(&r, file, flags, err);
    if (st != TM_OK)
        return st;
    tm_tu tu = TM_TU_INIT;
    int got = 1;
    while ((st = tm_tmx_reader_next(r, &tu, &got, err)) == TM_OK && got) {
        unsigned long line = tu.line;
        if ((st = tm_store_writer_take(w, &tu, err)) != TM_OK) {
            tm_error_prefix(err, file, line);
            break;
        }
        if (++*units % PROGRESS_EVERY == 0 && o->progress)
            o->progress(o->ctx, *units);
    }
    if (st == TM_OK && tm_tmx_reader_skipped(r) && o->skipped)
        o->skipped(o->ctx, file, tm_tmx_reader_skipped(r));
    tm_tu_clear(&tu);
    tm_tmx_reader_free(r);
    return st;
}

tm_status tm_import_files(const char *path, char *const *files, size_t n, const tm_import_opts *o,
                          tm_store_import_stats *stats, tm_error *err)
{
    static const tm_import_opts none = {0, NULL, NULL, NULL};
    if (!o)
        o = &none;
    tm_store_writer *w;
    tm_status st = tm_store_writer_open(&w, path, err);
    if (st != TM_OK)
        return st;
    size_t units = 0;
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = import_file(w, files[i], o, &units, err);
    if (st == TM_OK)
        st = tm_store_writer_flush(w, err);
    if (st != TM_OK) {
        tm_store_writer_abort(w);
        return st;
    }
    if (stats)
        *stats = *tm_store_writer_stats(w);
    return tm_store_writer_commit(w, err);
}
