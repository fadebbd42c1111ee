/*
 * dict.c — bilingual dictionaries in hunalign's format: one entry per line,
 * "target_word @ source_word" (hunalign writes the target language first).
 * Words are stored as match keys (case folded, tone placement unified) so
 * they meet the aligner's words; entries with a phrase on either side are
 * kept out (the lexicon works on single words), and counted.
 */
#include <stdlib.h>
#include <string.h>

#include "align_internal.h"
#include "util/buf.h"
#include "text/norm.h"
#include "text/text.h"

struct tm_dict {
    char **src, **tgt;
    size_t n, cap;
    size_t phrases; /* entries skipped for being multi-word */
};

void tm_dict_free(tm_dict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->src[i]);
        free(d->tgt[i]);
    }
    free(d->src);
    free(d->tgt);
    free(d);
}

size_t tm_dict_size(const tm_dict *d) { return d->n; }

size_t tm_dict_pairs(const tm_dict *d, const char *const **src, const char *const **tgt)
{
    *src = (const char *const *)d->src;
    *tgt = (const char *const *)d->tgt;
    return d->n;
}

static int add_entry(tm_dict *d, const char *tgt, size_t nt, const char *src, size_t ns)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 256;
        char **a = realloc(d->src, d->cap * sizeof *a);
        if (a)
            d->src = a;
        char **b = realloc(d->tgt, d->cap * sizeof *b);
        if (b)
            d->tgt = b;
        if (!a || !b)
            return -1;
    }
    d->src[d->n] = strndup(src, ns);
    d->tgt[d->n] = strndup(tgt, nt);
    if (!d->src[d->n] || !d->tgt[d->n])
        return -1;
    d->n++;
    return 0;
}

/* One line: "tgt @ src". Keys must be single words once normalized. */
static tm_status parse_line(tm_dict *d, const tm_line *l, const char *path, tm_buf *kt,
                            tm_buf *ks, tm_error *err)
{
    const char *at = strstr(l->text, " @ ");
    if (!at)
        return tm_error_at(err, TM_EDATA, path, l->lineno,
                           "expected 'target_word @ source_word'");
    tm_status st = tm_norm_match(l->text, (size_t)(at - l->text), kt, err);
    if (st == TM_OK)
        st = tm_norm_match(at + 3, l->len - (size_t)(at + 3 - l->text), ks, err);
    if (st != TM_OK)
        return st;
    if (!kt->len || !ks->len)
        return tm_error_at(err, TM_EDATA, path, l->lineno, "empty word in dictionary entry");
    if (strchr(kt->data, ' ') || strchr(ks->data, ' ')) {
        d->phrases++;
        return TM_OK;
    }
    return add_entry(d, kt->data, kt->len, ks->data, ks->len) == 0 ? TM_OK : tm_error_nomem(err);
}

tm_status tm_dict_read(tm_dict **out, const char *path, tm_error *err)
{
    *out = NULL;
    tm_reader *r;
    tm_status st = tm_reader_open(&r, path, 0, err);
    if (st != TM_OK)
        return st;
    tm_dict *d = calloc(1, sizeof *d);
    tm_buf kt = TM_BUF_INIT, ks = TM_BUF_INIT;
    tm_line l;
    if (!d)
        st = tm_error_nomem(err);
    while (st == TM_OK && (st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text)
        st = parse_line(d, &l, tm_reader_name(r), &kt, &ks, err);
    tm_reader_free(r);
    tm_buf_free(&kt);
    tm_buf_free(&ks);
    if (st != TM_OK) {
        tm_dict_free(d);
        return st;
    }
    *out = d;
    return TM_OK;
}
