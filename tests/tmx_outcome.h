/*
 * tmx_outcome.h — everything the TMX reader makes of a document, as one
 * string: its version and header, every unit (line, annotations, variants
 * with text and markup) and how the read ended (status and message). Two
 * reads of a document agree exactly when their outcomes are equal: the
 * fast path is held to libxml2's this way (test_tmx_fast.c, fuzz_tmx.c).
 */
#ifndef TM_TMX_OUTCOME_H
#define TM_TMX_OUTCOME_H

#include <stdio.h>
#include <stdlib.h>

#include "tmkit.h"
#include "tmx/tmx_fast.h"

static inline void outcome_annot(FILE *fp, const tm_annot *an)
{
    for (size_t i = 0; i < an->nattrs; i++)
        fprintf(fp, " @%s=[%s]", an->attrs[i].name, an->attrs[i].value);
    for (size_t i = 0; i < an->nprops; i++)
        fprintf(fp, " prop(%s,%s)=[%s]", an->props[i].type,
                an->props[i].lang ? an->props[i].lang : "-", an->props[i].value);
    for (size_t i = 0; i < an->nnotes; i++)
        fprintf(fp, " note(%s)=[%s]", an->notes[i].lang ? an->notes[i].lang : "-",
                an->notes[i].text);
}

static inline void outcome_unit(FILE *fp, const tm_tu *tu)
{
    fprintf(fp, "tu line %lu", tu->line);
    outcome_annot(fp, &tu->an);
    for (size_t i = 0; i < tu->ntuvs; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        fprintf(fp, "\n  tuv %s [%s] markup [%s]", v->lang, v->text,
                v->markup ? v->markup : "(none)");
        outcome_annot(fp, &v->an);
    }
    fputc('\n', fp);
}

/* One unit as the outcome writes it; the caller frees the string. */
static inline char *unit_outcome(const tm_tu *tu)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *fp = open_memstream(&out, &outlen);
    if (!fp)
        abort();
    outcome_unit(fp, tu);
    fclose(fp);
    return out;
}

/* The outcome of reading doc (len bytes) from memory, or from the file
 * path when path is set (the caller wrote doc there). *bailed: whether
 * the fast path gave up. The caller frees the string. */
static inline char *tmx_outcome(const char *doc, size_t len, const char *path, int flags, int *bailed)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *fp = open_memstream(&out, &outlen);
    if (!fp)
        abort();
    tm_tmx_reader *r = NULL;
    tm_error err = {TM_OK, ""};
    tm_status st = path ? tm_tmx_reader_open(&r, path, flags, &err)
                        : tm_tmx_reader_open_mem(&r, "doc.tmx", doc, len, flags, &err);
    *bailed = 0;
    if (st == TM_OK) {
        fprintf(fp, "version [%s] header", tm_tmx_reader_version(r));
        outcome_annot(fp, tm_tmx_reader_header(r));
        fputc('\n', fp);
        tm_tu tu = TM_TU_INIT;
        int got = 1;
        while ((st = tm_tmx_reader_next(r, &tu, &got, &err)) == TM_OK && got) {
            outcome_unit(fp, &tu);
        }
        tm_tu_clear(&tu);
        fprintf(fp, "skipped %zu\n", tm_tmx_reader_skipped(r));
        *bailed = tmx_reader_bailed(r);
        tm_tmx_reader_free(r);
    }
    /* (a file's messages name it: the name is left out, it differs) */
    const char *msg = err.msg;
    if (path && strncmp(msg, path, strlen(path)) == 0)
        msg += strlen(path);
    else if (!path && strncmp(msg, "doc.tmx", 7) == 0)
        msg += 7;
    fprintf(fp, "status %d: %s\n", (int)st, st == TM_OK ? "" : msg);
    fclose(fp);
    return out;
}

#endif
