/*
 * doc.c — one side of an alignment: sentences with their paragraphs.
 *
 * Sentences live in one growing buffer, each followed by a NUL, with an
 * array of offsets; paragraph numbers are kept per sentence.
 */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "util/buf.h"
#include "text/text.h"

struct tm_doc {
    tm_buf text;
    size_t *off;  /* start of sentence i in text */
    size_t *len;
    unsigned *para;
    size_t n, cap;
};

tm_status tm_doc_new(tm_doc **out, tm_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? TM_OK : tm_error_nomem(err);
}

void tm_doc_free(tm_doc *d)
{
    if (!d)
        return;
    tm_buf_free(&d->text);
    free(d->off);
    free(d->len);
    free(d->para);
    free(d);
}

tm_status tm_doc_add(tm_doc *d, const char *text, size_t len, unsigned para, tm_error *err)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        size_t *o = realloc(d->off, cap * sizeof *o);
        if (o)
            d->off = o;
        size_t *l = realloc(d->len, cap * sizeof *l);
        if (l)
            d->len = l;
        unsigned *p = realloc(d->para, cap * sizeof *p);
        if (p)
            d->para = p;
        if (!o || !l || !p)
            return tm_error_nomem(err);
        d->cap = cap;
    }
    d->off[d->n] = d->text.len;
    d->len[d->n] = len;
    d->para[d->n] = para;
    if (tm_buf_append(&d->text, text, len) != 0 || tm_buf_putc(&d->text, '\0') != 0)
        return tm_error_nomem(err);
    d->n++;
    return TM_OK;
}

size_t tm_doc_count(const tm_doc *d) { return d->n; }

const char *tm_doc_sentence(const tm_doc *d, size_t i, size_t *len)
{
    if (len)
        *len = d->len[i];
    return d->text.data + d->off[i];
}

unsigned tm_doc_para(const tm_doc *d, size_t i) { return d->para[i]; }

/* Sentences of a .sent file: one per line, blank lines between paragraphs. */
static tm_status read_presegmented(tm_doc *d, tm_reader *r, tm_error *err)
{
    tm_line l;
    tm_status st;
    unsigned para = 0;
    int in_para = 0;
    while ((st = tm_reader_next_line(r, &l, err)) == TM_OK && l.text) {
        if (tm_text_is_blank(l.text, l.len)) {
            if (in_para)
                para++;
            in_para = 0;
            continue;
        }
        in_para = 1;
        if ((st = tm_doc_add(d, l.text, l.len, para, err)) != TM_OK)
            break;
    }
    return st;
}

static tm_status read_segmenting(tm_doc *d, tm_reader *r, tm_segmenter *seg, tm_error *err)
{
    tm_line l;
    tm_status st;
    unsigned para = 0;
    while ((st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text) {
        const tm_span *sp;
        size_t n;
        if ((st = tm_segmenter_split(seg, l.text, l.len, &sp, &n, err)) != TM_OK)
            return tm_error_prefix(err, tm_reader_name(r), l.lineno);
        for (size_t i = 0; i < n && st == TM_OK; i++)
            st = tm_doc_add(d, l.text + sp[i].start, sp[i].end - sp[i].start, para, err);
        if (st != TM_OK)
            break;
        para++;
    }
    return st;
}

tm_status tm_doc_read(tm_doc **out, const char *path, tm_segmenter *seg, tm_error *err)
{
    *out = NULL;
    tm_reader *r;
    tm_status st = tm_reader_open(&r, path, 0, err);
    if (st != TM_OK)
        return st;
    tm_doc *d;
    if ((st = tm_doc_new(&d, err)) == TM_OK)
        st = seg ? read_segmenting(d, r, seg, err) : read_presegmented(d, r, err);
    tm_reader_free(r);
    if (st != TM_OK) {
        tm_doc_free(d);
        return st;
    }
    *out = d;
    return TM_OK;
}
