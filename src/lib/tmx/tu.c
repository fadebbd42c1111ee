/*
 * tu.c — translation units and language-code helpers (see tu.h).
 */
#include "tu.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_or_null(const char *s, int *fail)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *fail = 1;
    return d;
}

/* Make room for element n of an array of `size`-byte elements. The
 * capacity is implicit: 4, then doubling, so a new block is needed exactly
 * when n is 0 or a power of two of at least 4 (removals only lower n, and
 * the implied capacity never exceeds the real one). 0 or -1. */
static int grow(void **arr, size_t n, size_t size)
{
    if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
        return 0;
    size_t cap = n == 0 ? 4 : 2 * n;
    void *p = realloc(*arr, cap * size);
    if (!p)
        return -1;
    *arr = p;
    return 0;
}

static void annot_clear(tm_annot *an)
{
    for (size_t i = 0; i < an->nattrs; i++) {
        free(an->attrs[i].name);
        free(an->attrs[i].value);
    }
    for (size_t i = 0; i < an->nprops; i++) {
        free(an->props[i].type);
        free(an->props[i].lang);
        free(an->props[i].value);
    }
    for (size_t i = 0; i < an->nnotes; i++) {
        free(an->notes[i].lang);
        free(an->notes[i].text);
    }
    free(an->attrs);
    free(an->props);
    free(an->notes);
    memset(an, 0, sizeof *an);
}

void tm_tu_clear(tm_tu *tu)
{
    if (tu->block) { /* packed: everything is in the chunk's area */
        tm_tu_block_release(tu->block);
        *tu = (tm_tu)TM_TU_INIT;
        return;
    }
    annot_clear(&tu->an);
    for (size_t i = 0; i < tu->ntuvs; i++) {
        free(tu->tuvs[i].lang);
        free(tu->tuvs[i].text);
        free(tu->tuvs[i].markup);
        annot_clear(&tu->tuvs[i].an);
    }
    free(tu->tuvs);
    tu->tuvs = NULL;
    tu->ntuvs = 0;
    tu->line = 0;
}

int tm_annot_set_attr(tm_annot *an, const char *name, const char *value)
{
    for (size_t i = 0; i < an->nattrs; i++) {
        if (strcmp(an->attrs[i].name, name) != 0)
            continue;
        if (!value) {
            free(an->attrs[i].name);
            free(an->attrs[i].value);
            an->attrs[i] = an->attrs[--an->nattrs];
            return 0;
        }
        char *v = strdup(value);
        if (!v)
            return -1;
        free(an->attrs[i].value);
        an->attrs[i].value = v;
        return 0;
    }
    if (!value)
        return 0;
    if (grow((void **)&an->attrs, an->nattrs, sizeof *an->attrs) != 0)
        return -1;
    int fail = 0;
    tm_attr a = {dup_or_null(name, &fail), dup_or_null(value, &fail)};
    if (fail) {
        free(a.name);
        free(a.value);
        return -1;
    }
    an->attrs[an->nattrs++] = a;
    return 0;
}

const char *tm_annot_attr(const tm_annot *an, const char *name)
{
    for (size_t i = 0; i < an->nattrs; i++)
        if (strcmp(an->attrs[i].name, name) == 0)
            return an->attrs[i].value;
    return NULL;
}

int tm_annot_add_prop(tm_annot *an, const char *type, const char *lang,
                      const char *value)
{
    if (grow((void **)&an->props, an->nprops, sizeof *an->props) != 0)
        return -1;
    int fail = 0;
    tm_prop p = {dup_or_null(type ? type : "", &fail), dup_or_null(lang, &fail),
                 dup_or_null(value ? value : "", &fail)};
    if (fail) {
        free(p.type);
        free(p.lang);
        free(p.value);
        return -1;
    }
    an->props[an->nprops++] = p;
    return 0;
}

const char *tm_annot_prop(const tm_annot *an, const char *type)
{
    for (size_t i = 0; i < an->nprops; i++)
        if (strcmp(an->props[i].type, type) == 0)
            return an->props[i].value;
    return NULL;
}

int tm_annot_add_note(tm_annot *an, const char *lang, const char *text)
{
    if (grow((void **)&an->notes, an->nnotes, sizeof *an->notes) != 0)
        return -1;
    int fail = 0;
    tm_note n = {dup_or_null(lang, &fail), dup_or_null(text ? text : "", &fail)};
    if (fail) {
        free(n.lang);
        free(n.text);
        return -1;
    }
    an->notes[an->nnotes++] = n;
    return 0;
}

int tm_annot_take_prop(tm_annot *an, char *type, char *lang, char *value)
{
    if (!type || !value || grow((void **)&an->props, an->nprops, sizeof *an->props) != 0) {
        free(type);
        free(lang);
        free(value);
        return -1;
    }
    an->props[an->nprops++] = (tm_prop){type, lang, value};
    return 0;
}

int tm_annot_take_note(tm_annot *an, char *lang, char *text)
{
    if (!text || grow((void **)&an->notes, an->nnotes, sizeof *an->notes) != 0) {
        free(lang);
        free(text);
        return -1;
    }
    an->notes[an->nnotes++] = (tm_note){lang, text};
    return 0;
}

tm_tuv *tm_tu_open_tuv(tm_tu *tu, const char *lang)
{
    assert(!tu->block); /* packed units are read-only */
    char *l = strdup(lang);
    if (!l || grow((void **)&tu->tuvs, tu->ntuvs, sizeof *tu->tuvs) != 0) {
        free(l);
        return NULL;
    }
    tm_tuv *v = &tu->tuvs[tu->ntuvs++];
    memset(v, 0, sizeof *v);
    v->lang = l;
    return v;
}

tm_tuv *tm_tu_add_tuv(tm_tu *tu, const char *lang, const char *text,
                      const char *markup)
{
    assert(!tu->block); /* packed units are read-only */
    if (grow((void **)&tu->tuvs, tu->ntuvs, sizeof *tu->tuvs) != 0)
        return NULL;
    int fail = 0;
    tm_tuv v;
    memset(&v, 0, sizeof v);
    v.lang = dup_or_null(lang ? lang : "", &fail);
    v.text = dup_or_null(text ? text : "", &fail);
    v.markup = dup_or_null(markup, &fail);
    if (fail) {
        free(v.lang);
        free(v.text);
        free(v.markup);
        return NULL;
    }
    tu->tuvs[tu->ntuvs] = v;
    return &tu->tuvs[tu->ntuvs++];
}

const tm_tuv *tm_tu_find(const tm_tu *tu, const char *lang)
{
    for (size_t i = 0; i < tu->ntuvs; i++)
        if (tm_lang_equal(tu->tuvs[i].lang, lang))
            return &tu->tuvs[i];
    for (size_t i = 0; i < tu->ntuvs; i++)
        if (tm_lang_same_primary(tu->tuvs[i].lang, lang))
            return &tu->tuvs[i];
    return NULL;
}

static int annot_copy(tm_annot *dst, const tm_annot *src)
{
    for (size_t i = 0; i < src->nattrs; i++)
        if (tm_annot_set_attr(dst, src->attrs[i].name, src->attrs[i].value) != 0)
            return -1;
    for (size_t i = 0; i < src->nprops; i++)
        if (tm_annot_add_prop(dst, src->props[i].type, src->props[i].lang,
                              src->props[i].value) != 0)
            return -1;
    for (size_t i = 0; i < src->nnotes; i++)
        if (tm_annot_add_note(dst, src->notes[i].lang, src->notes[i].text) != 0)
            return -1;
    return 0;
}

tm_tuv *tm_tu_copy_tuv(tm_tu *dst, const tm_tuv *src)
{
    tm_tuv *d = tm_tu_add_tuv(dst, src->lang, src->text, src->markup);
    return d && annot_copy(&d->an, &src->an) == 0 ? d : NULL;
}

int tm_tu_copy(tm_tu *dst, const tm_tu *src)
{
    if (annot_copy(&dst->an, &src->an) != 0)
        return -1;
    for (size_t i = 0; i < src->ntuvs; i++)
        if (!tm_tu_copy_tuv(dst, &src->tuvs[i]))
            return -1;
    dst->line = src->line;
    return 0;
}

int tm_lang_equal(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static size_t primary_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '-' && s[n] != '_')
        n++;
    return n;
}

int tm_lang_same_primary(const char *a, const char *b)
{
    size_t na = primary_len(a), nb = primary_len(b);
    return na == nb && na > 0 && strncasecmp(a, b, na) == 0;
}

int tm_lang_valid(const char *code)
{
    if (strcmp(code, "*all*") == 0)
        return 1;
    size_t n = 0;
    while (isalpha((unsigned char)code[n]))
        n++;
    if (n < 1 || n > 8)
        return 0;
    const char *p = code + n;
    while (*p) {
        if (*p != '-' && *p != '_')
            return 0;
        p++;
        size_t k = 0;
        while (isalnum((unsigned char)p[k]))
            k++;
        if (k < 1 || k > 8)
            return 0;
        p += k;
    }
    return 1;
}
