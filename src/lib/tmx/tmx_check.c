/*
 * tmx_check.c — the TMX 1.4b checks of `tmkit tmx validate`, on the DOM of
 * the header and of one <tu> at a time (tmx_validate.c walks the file).
 *
 * Enforces by itself what the DTD says (elements, their order and
 * required attributes), so users get the check without the DTD, and what
 * the specification says beyond it: one <tuv> per language in a <tu>, the
 * source language present in every <tu>, well-formed dates, paired
 * bpt/ept. Every problem is reported with its line; nothing stops early.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tmx_dom.h"
#include "tmx_internal.h"

void tmx_report_at(tmx_report *rep, unsigned long line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rep->count++;
    if (rep->fn)
        rep->fn(rep->ctx, line, msg);
}

static unsigned long line_of(xmlNodePtr n) { return (unsigned long)xmlGetLineNo(n); }

static int name_in(const xmlChar *name, const char *const *set)
{
    for (; *set; set++)
        if (strcmp((const char *)name, *set) == 0)
            return 1;
    return 0;
}

static const char *const DATE_ATTRS[] = {"creationdate", "changedate", "lastusagedate", NULL};
static const char *const SEGTYPES[] = {"block", "paragraph", "sentence", "phrase", NULL};

static const char *const HEADER_ATTRS[] = {
    "creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang",
    "datatype", "o-encoding", "creationdate", "creationid", "changedate", "changeid", NULL};
static const char *const HEADER_REQUIRED[] = {
    "creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang",
    "datatype", NULL};
static const char *const TU_ATTRS[] = {
    "tuid", "o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
    "creationtoolversion", "creationdate", "creationid", "changedate", "segtype", "changeid",
    "o-tmf", "srclang", NULL};
static const char *const TUV_ATTRS[] = {
    "lang", "o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
    "creationtoolversion", "creationdate", "creationid", "changedate", "o-tmf", "changeid", NULL};

/* Unknown attributes, malformed dates, bad segtype. */
static void check_attrs(xmlNodePtr n, const char *const *known, tmx_report *rep)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        int xml_ns = a->ns && a->ns->prefix && strcmp((const char *)a->ns->prefix, "xml") == 0;
        if (xml_ns ? strcmp((const char *)a->name, "lang") != 0 : !name_in(a->name, known)) {
            tmx_report_at(rep, line_of(n), "<%s> has unknown attribute '%s'", n->name, a->name);
            continue;
        }
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        const char *val = v ? (const char *)v : "";
        if (name_in(a->name, DATE_ATTRS) && !tm_tmx_date_valid(val))
            tmx_report_at(rep, line_of(n), "<%s %s=\"%s\">: not a TMX date (YYYYMMDDThhmmssZ)",
                          n->name, a->name, val);
        if (strcmp((const char *)a->name, "segtype") == 0 && !name_in(BAD_CAST val, SEGTYPES))
            tmx_report_at(rep, line_of(n), "<%s segtype=\"%s\">: not block, paragraph, sentence or phrase",
                          n->name, val);
        if (strcmp((const char *)a->name, "usagecount") == 0 && val[strspn(val, "0123456789")])
            tmx_report_at(rep, line_of(n), "<%s usagecount=\"%s\">: not a number", n->name, val);
        xmlFree(v);
    }
}

/* <prop> needs type; <note>/<prop> hold text only. */
static void check_note_prop(xmlNodePtr n, tmx_report *rep)
{
    if (strcmp((const char *)n->name, "prop") == 0 && !xmlHasProp(n, BAD_CAST "type"))
        tmx_report_at(rep, line_of(n), "<prop> without type");
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            tmx_report_at(rep, line_of(c), "unexpected <%s> in <%s>", c->name, n->name);
}

void tmx_check_header(xmlNodePtr h, const char *version, tmx_report *rep)
{
    static const char *const versions[] = {"1.1", "1.2", "1.3", "1.4", NULL};
    if (!version || !*version)
        tmx_report_at(rep, line_of(h), "<tmx> without version");
    else if (!name_in(BAD_CAST version, versions))
        tmx_report_at(rep, line_of(h), "<tmx version=\"%s\">: not a TMX version (1.1 to 1.4)", version);
    for (const char *const *a = HEADER_REQUIRED; *a; a++)
        if (!xmlHasProp(h, BAD_CAST * a))
            tmx_report_at(rep, line_of(h), "<header> without the required attribute '%s'", *a);
    check_attrs(h, HEADER_ATTRS, rep);
    xmlChar *src = xmlGetNoNsProp(h, BAD_CAST "srclang");
    if (src && !tm_lang_valid((const char *)src))
        tmx_report_at(rep, line_of(h), "<header srclang=\"%s\">: not a language code", src);
    xmlFree(src);
    for (xmlNodePtr c = h->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "note") == 0 || strcmp((const char *)c->name, "prop") == 0)
            check_note_prop(c, rep);
        else if (strcmp((const char *)c->name, "ude") != 0)
            tmx_report_at(rep, line_of(c), "unexpected <%s> in <header>", c->name);
    }
}

/* ---- segments ----------------------------------------------------------- */

#define MAX_PAIRS 64

typedef struct pairing {
    char open[MAX_PAIRS][16]; /* i of each <bpt> not yet closed */
    int nopen;
} pairing;

static void check_inline(xmlNodePtr parent, pairing *p, tmx_report *rep);

static void check_code(xmlNodePtr c, pairing *p, tmx_report *rep)
{
    const char *name = (const char *)c->name;
    xmlChar *i = xmlGetNoNsProp(c, BAD_CAST "i");
    if ((!strcmp(name, "bpt") || !strcmp(name, "ept")) && !i)
        tmx_report_at(rep, line_of(c), "<%s> without the required attribute 'i'", name);
    if (!strcmp(name, "it")) {
        xmlChar *pos = xmlGetNoNsProp(c, BAD_CAST "pos");
        if (!pos || (strcmp((char *)pos, "begin") && strcmp((char *)pos, "end")))
            tmx_report_at(rep, line_of(c), "<it> needs pos=\"begin\" or pos=\"end\"");
        xmlFree(pos);
    }
    if (i && !strcmp(name, "bpt") && p->nopen < MAX_PAIRS)
        snprintf(p->open[p->nopen++], sizeof p->open[0], "%s", (char *)i);
    if (i && !strcmp(name, "ept")) {
        int k = p->nopen - 1;
        while (k >= 0 && strcmp(p->open[k], (char *)i))
            k--;
        if (k < 0)
            tmx_report_at(rep, line_of(c), "<ept i=\"%s\"> without a <bpt i=\"%s\"> before it", i, i);
        else
            memmove(p->open[k], p->open[k + 1], (size_t)(--p->nopen - k) * sizeof p->open[0]);
    }
    xmlFree(i);
    for (xmlNodePtr s = c->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)s->name, "sub") == 0) {
            pairing inner = {.nopen = 0};
            check_inline(s, &inner, rep);
        } else {
            tmx_report_at(rep, line_of(s), "unexpected <%s> in <%s>", s->name, name);
        }
    }
}

static void check_inline(xmlNodePtr parent, pairing *p, tmx_report *rep)
{
    static const char *const codes[] = {"bpt", "ept", "it", "ph", "ut", NULL};
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (name_in(c->name, codes))
            check_code(c, p, rep);
        else if (strcmp((const char *)c->name, "hi") == 0)
            check_inline(c, p, rep);
        else
            tmx_report_at(rep, line_of(c), "unexpected <%s> in <%s>", c->name, parent->name);
    }
}

static void check_seg(xmlNodePtr seg, tmx_report *rep)
{
    pairing p = {.nopen = 0};
    check_inline(seg, &p, rep);
    for (int k = 0; k < p.nopen; k++)
        tmx_report_at(rep, line_of(seg), "<bpt i=\"%s\"> without a matching <ept>", p.open[k]);
}

/* ---- units -------------------------------------------------------------- */

/* Children in DTD order: (note|prop)* then the tail element(s). Returns the
 * number of tail elements seen. */
static int check_children(xmlNodePtr n, const char *tail, tmx_report *rep,
                          void (*on_tail)(xmlNodePtr, void *), void *arg)
{
    int tails = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        if (!strcmp(name, "note") || !strcmp(name, "prop")) {
            check_note_prop(c, rep);
            if (tails)
                tmx_report_at(rep, line_of(c), "<%s> after <%s> in <%s>: it must come first",
                              name, tail, n->name);
        } else if (!strcmp(name, tail)) {
            tails++;
            if (on_tail)
                on_tail(c, arg);
        } else {
            tmx_report_at(rep, line_of(c), "unexpected <%s> in <%s>", name, n->name);
        }
    }
    return tails;
}

static void on_seg(xmlNodePtr seg, void *arg) { check_seg(seg, arg); }

#define MAX_LANGS 32

typedef struct tu_check {
    tmx_report *rep;
    char langs[MAX_LANGS][36];
    int nlangs;
} tu_check;

static void on_tuv(xmlNodePtr tuv, void *arg)
{
    tu_check *tc = arg;
    tmx_report *rep = tc->rep;
    check_attrs(tuv, TUV_ATTRS, rep);
    xmlChar *lang = tm_dom_lang(tuv);
    if (!lang) {
        tmx_report_at(rep, line_of(tuv), "<tuv> without xml:lang");
    } else if (!tm_lang_valid((const char *)lang)) {
        tmx_report_at(rep, line_of(tuv), "<tuv xml:lang=\"%s\">: not a language code", lang);
    } else {
        for (int k = 0; k < tc->nlangs; k++)
            if (tm_lang_equal(tc->langs[k], (const char *)lang))
                tmx_report_at(rep, line_of(tuv), "a second <tuv> for language '%s' in one <tu>", lang);
        if (tc->nlangs < MAX_LANGS)
            snprintf(tc->langs[tc->nlangs++], sizeof tc->langs[0], "%s", (const char *)lang);
    }
    xmlFree(lang);
    int segs = check_children(tuv, "seg", rep, on_seg, rep);
    if (segs != 1)
        tmx_report_at(rep, line_of(tuv), "<tuv> needs exactly one <seg>, has %d", segs);
}

void tmx_check_tu(xmlNodePtr tu, const char *srclang, tmx_report *rep)
{
    tu_check tc = {.rep = rep, .nlangs = 0};
    check_attrs(tu, TU_ATTRS, rep);
    if (check_children(tu, "tuv", rep, on_tuv, &tc) == 0)
        tmx_report_at(rep, line_of(tu), "<tu> without <tuv>");
    xmlChar *own = xmlGetNoNsProp(tu, BAD_CAST "srclang");
    const char *src = own ? (const char *)own : srclang;
    if (src && strcmp(src, "*all*") != 0 && tc.nlangs > 0) {
        int found = 0;
        for (int k = 0; k < tc.nlangs; k++)
            found |= tm_lang_equal(tc.langs[k], src);
        if (!found)
            tmx_report_at(rep, line_of(tu), "<tu> has no <tuv> in its source language '%s'", src);
    }
    xmlFree(own);
}
