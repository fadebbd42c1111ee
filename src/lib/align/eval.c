/*
 * eval.c — boundary and bead precision/recall (see eval.h).
 */
#include "eval.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "util/buf.h"
#include "text/text.h"
#include "text/utf8.h"

void tm_prf_compute(tm_prf *m)
{
    m->precision = m->predicted ? (double)m->correct / (double)m->predicted : 0.0;
    m->recall = m->gold ? (double)m->correct / (double)m->gold : 0.0;
    double s = m->precision + m->recall;
    m->f1 = s > 0 ? 2 * m->precision * m->recall / s : 0.0;
}

/* ---- segmentation -------------------------------------------------------- */

typedef struct seg_side {
    tm_buf text;       /* all sentences, white space removed */
    size_t *ends;      /* boundary offsets, in characters */
    size_t n, cap;
} seg_side;

static tm_status read_side(const char *path, seg_side *side, tm_error *err)
{
    tm_reader *r;
    tm_status st = tm_reader_open(&r, path, 0, err);
    if (st != TM_OK)
        return st;
    size_t chars = 0;
    tm_line l;
    while ((st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text) {
        const unsigned char *p = (const unsigned char *)l.text;
        size_t i = 0;
        while (i < l.len) {
            uint32_t c;
            size_t k = tm_utf8_decode(p + i, l.len - i, &c);
            if (!u_isUWhiteSpace((UChar32)c)) {
                if (tm_buf_append(&side->text, p + i, k) != 0)
                    st = tm_error_nomem(err);
                chars++;
            }
            i += k;
        }
        if (tm_array_reserve(&side->ends, &side->cap, side->n + 1, sizeof *side->ends, 256)) {
            st = tm_error_nomem(err);
            break;
        }
        side->ends[side->n++] = chars;
    }
    tm_reader_free(r);
    return st;
}

tm_status tm_eval_segment(const char *gold, const char *pred, tm_prf *out, tm_error *err)
{
    seg_side g = {TM_BUF_INIT, NULL, 0, 0}, p = {TM_BUF_INIT, NULL, 0, 0};
    tm_status st = read_side(gold, &g, err);
    if (st == TM_OK)
        st = read_side(pred, &p, err);
    if (st == TM_OK && (g.text.len != p.text.len ||
                        (g.text.len && memcmp(g.text.data, p.text.data, g.text.len) != 0))) {
        size_t i = 0;
        while (i < g.text.len && i < p.text.len && g.text.data[i] == p.text.data[i])
            i++;
        st = tm_error_at(err, TM_EDATA, pred,
                         0, "not the same text as %s (they differ after character %zu)", gold,
                         tm_utf8_count(g.text.data ? g.text.data : "", i));
    }
    if (st == TM_OK) {
        memset(out, 0, sizeof *out);
        out->gold = g.n;
        out->predicted = p.n;
        for (size_t i = 0, j = 0; i < g.n && j < p.n;) { /* both increasing */
            if (g.ends[i] == p.ends[j]) {
                out->correct++;
                i++;
                j++;
            } else if (g.ends[i] < p.ends[j]) {
                i++;
            } else {
                j++;
            }
        }
        tm_prf_compute(out);
    }
    tm_buf_free(&g.text);
    tm_buf_free(&p.text);
    free(g.ends);
    free(p.ends);
    return st;
}

/* ---- beads --------------------------------------------------------------- */

/* "3,4,5" → first 3, count 3; "" → count 0. */
static int parse_indices(const char *s, size_t *first, size_t *count)
{
    *count = 0;
    *first = 0;
    while (*s) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s || errno || *s == '-' || *s == '+')
            return -1;
        if (*count == 0)
            *first = (size_t)v;
        else if (v != *first + *count)
            return -2;
        (*count)++;
        s = end;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

static tm_status parse_bead(char *line, tm_bead *b, const char *path, unsigned long lineno,
                            tm_error *err)
{
    char *f[3] = {line, NULL, NULL};
    int nf = 1;
    for (char *p = line; *p && nf <= 3; p++)
        if (*p == '\t') {
            *p = '\0';
            if (nf < 3)
                f[nf] = p + 1;
            nf++;
        }
    if (nf < 2 || nf > 3)
        return tm_error_at(err, TM_EDATA, path, lineno,
                           "a bead needs 'src<TAB>tgt' or 'src<TAB>tgt<TAB>score'");
    int a = parse_indices(f[0], &b->src, &b->nsrc);
    int c = parse_indices(f[1], &b->tgt, &b->ntgt);
    if (a || c)
        return tm_error_at(err, TM_EDATA, path, lineno, "%s",
                           a == -2 || c == -2 ? "sentence numbers in a bead must be consecutive"
                                              : "bad sentence numbers");
    if (b->nsrc == 0 && b->ntgt == 0)
        return tm_error_at(err, TM_EDATA, path, lineno, "empty bead");
    b->score = -1;
    if (nf == 3) {
        char *end;
        b->score = strtod(f[2], &end);
        if (end == f[2] || *end)
            return tm_error_at(err, TM_EDATA, path, lineno, "bad score '%s'", f[2]);
    }
    return TM_OK;
}

tm_status tm_beads_read(const char *path, tm_bead **beads, size_t *n, tm_error *err)
{
    *beads = NULL;
    *n = 0;
    tm_reader *r;
    tm_status st = tm_reader_open(&r, path, 0, err);
    if (st != TM_OK)
        return st;
    size_t cap = 0;
    tm_line l;
    while ((st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text) {
        if (tm_array_reserve(beads, &cap, *n + 1, sizeof **beads, 256)) {
            st = tm_error_nomem(err);
            break;
        }
        char *copy = strdup(l.text);
        if (!copy) {
            st = tm_error_nomem(err);
            break;
        }
        st = parse_bead(copy, &(*beads)[*n], path, l.lineno, err);
        free(copy);
        if (st != TM_OK)
            break;
        (*n)++;
    }
    tm_reader_free(r);
    if (st != TM_OK) {
        free(*beads);
        *beads = NULL;
        *n = 0;
    }
    return st;
}

static int cmp_bead(const void *a, const void *b)
{
    const tm_bead *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->nsrc != y->nsrc)
        return x->nsrc < y->nsrc ? -1 : 1;
    if (x->tgt != y->tgt)
        return x->tgt < y->tgt ? -1 : 1;
    return x->ntgt < y->ntgt ? -1 : x->ntgt > y->ntgt;
}

/* Keep beads with both sides, sorted. */
static size_t both_sides(tm_bead *b, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i].nsrc && b[i].ntgt)
            b[k++] = b[i];
    if (k > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(b, k, sizeof *b, cmp_bead);
    return k;
}

tm_status tm_eval_align(const char *gold, const char *pred, tm_prf *out, tm_error *err)
{
    tm_bead *g = NULL, *p = NULL;
    size_t ng = 0, np = 0;
    tm_status st = tm_beads_read(gold, &g, &ng, err);
    if (st == TM_OK)
        st = tm_beads_read(pred, &p, &np, err);
    if (st == TM_OK) {
        memset(out, 0, sizeof *out);
        out->gold = ng = both_sides(g, ng);
        out->predicted = np = both_sides(p, np);
        for (size_t i = 0, j = 0; i < ng && j < np;) {
            int c = cmp_bead(&g[i], &p[j]);
            if (c == 0) {
                out->correct++;
                i++;
                j++;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        tm_prf_compute(out);
    }
    free(g);
    free(p);
    return st;
}
