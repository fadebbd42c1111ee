/*
 * tmx_dom.c — one <tu> (or <header>) subtree to tm_tu / tm_annot.
 *
 * Plain text of a segment: text nodes of <seg> and of <hi> inside it; the
 * contents of bpt, ept, it, ph and ut are native codes (RTF, HTML tags...)
 * and the contents of sub are a separate subflow, so neither belongs to the
 * sentence a translator matches against. When a segment has any inline
 * element, its inner XML is kept verbatim as the tuv's markup.
 */
#include "tmx_dom.h"

#include <string.h>

#include "buf.h"

static int is_named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlChar *tm_dom_lang(xmlNodePtr node)
{
    xmlChar *v = xmlGetNsProp(node, BAD_CAST "lang", XML_XML_NAMESPACE);
    return v ? v : xmlGetNoNsProp(node, BAD_CAST "lang");
}

int tm_dom_is_code_element(const xmlChar *name)
{
    static const char *codes[] = {"bpt", "ept", "it", "ph", "ut", "sub"};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        if (strcmp((const char *)name, codes[i]) == 0)
            return 1;
    return 0;
}

static tm_status bad(xmlNodePtr n, const char *file, tm_error *err, const char *what,
                     const char *where)
{
    return tm_error_at(err, TM_EDATA, file, (unsigned long)xmlGetLineNo(n),
                       "%s <%s> in <%s>", what, n->name ? (const char *)n->name : "?", where);
}

static tm_status nomem(tm_error *err) { return tm_error_nomem(err); }

/* Copy attributes, skipping the language attribute when skip_lang. */
static tm_status read_attrs(xmlNodePtr node, tm_annot *an, int skip_lang, tm_error *err)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        int is_lang = strcmp((const char *)a->name, "lang") == 0;
        if (skip_lang && is_lang)
            continue;
        char name[128];
        if (a->ns && a->ns->prefix)
            snprintf(name, sizeof name, "%s:%s", a->ns->prefix, a->name);
        else
            snprintf(name, sizeof name, "%s", a->name);
        xmlChar *v = xmlNodeListGetString(node->doc, a->children, 1);
        int rc = tm_annot_set_attr(an, name, v ? (const char *)v : "");
        xmlFree(v);
        if (rc != 0)
            return nomem(err);
    }
    return TM_OK;
}

/* <note> or <prop> into an; returns 1 if node was one, 0 if not, <0 on error. */
static int read_note_or_prop(xmlNodePtr n, tm_annot *an)
{
    if (!is_named(n, "note") && !is_named(n, "prop"))
        return 0;
    xmlChar *text = xmlNodeGetContent(n);
    xmlChar *lang = xmlGetNsProp(n, BAD_CAST "lang", XML_XML_NAMESPACE);
    int rc;
    if (is_named(n, "note")) {
        rc = tm_annot_add_note(an, (const char *)lang, (const char *)text);
    } else {
        xmlChar *type = xmlGetNoNsProp(n, BAD_CAST "type");
        rc = tm_annot_add_prop(an, (const char *)type, (const char *)lang, (const char *)text);
        xmlFree(type);
    }
    xmlFree(text);
    xmlFree(lang);
    return rc == 0 ? 1 : -1;
}

tm_status tm_dom_read_annot(xmlNodePtr node, tm_annot *an, const char *file, tm_error *err)
{
    (void)file;
    tm_status st = read_attrs(node, an, 0, err);
    for (xmlNodePtr c = node->children; st == TM_OK && c; c = c->next)
        if (read_note_or_prop(c, an) < 0)
            st = nomem(err);
    return st;
}

static tm_status flatten(xmlNodePtr seg, tm_buf *text, int *markup,
                         const char *file, tm_error *err)
{
    for (xmlNodePtr c = seg->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content && tm_buf_puts(text, (const char *)c->content) != 0)
                return nomem(err);
        } else if (c->type == XML_ENTITY_REF_NODE) {
            return tm_error_at(err, TM_EDATA, file, (unsigned long)xmlGetLineNo(seg),
                               "entity reference &%s; is not allowed in TMX", c->name);
        } else if (c->type == XML_ELEMENT_NODE) {
            *markup = 1;
            if (is_named(c, "hi")) {
                tm_status st = flatten(c, text, markup, file, err);
                if (st != TM_OK)
                    return st;
            } else if (!tm_dom_is_code_element(c->name)) {
                return bad(c, file, err, "unexpected", (const char *)seg->name);
            }
        }
    }
    return TM_OK;
}

static tm_status inner_xml(xmlNodePtr seg, char **out, tm_error *err)
{
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        return nomem(err);
    for (xmlNodePtr c = seg->children; c; c = c->next)
        xmlNodeDump(b, seg->doc, c, 0, 0);
    *out = strdup((const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    return *out ? TM_OK : nomem(err);
}

static tm_status read_seg(xmlNodePtr seg, tm_tuv *v, const char *file, tm_error *err)
{
    tm_buf text = TM_BUF_INIT;
    int markup = 0;
    tm_status st = flatten(seg, &text, &markup, file, err);
    if (st == TM_OK) {
        free(v->text);
        v->text = tm_buf_detach(&text);
        if (!v->text)
            st = nomem(err);
    }
    if (st == TM_OK && markup)
        st = inner_xml(seg, &v->markup, err);
    tm_buf_free(&text);
    return st;
}

/* The children of a <tu> or <tuv>: <note>s and <prop>s go into an, every
 * other element is handed to on_element (which refuses what does not
 * belong there); entity references are refused. */
typedef tm_status (*element_fn)(xmlNodePtr child, void *arg, const char *file, tm_error *err);

static tm_status read_children(xmlNodePtr node, tm_annot *an, element_fn on_element, void *arg,
                               const char *file, tm_error *err)
{
    tm_status st = TM_OK;
    for (xmlNodePtr c = node->children; st == TM_OK && c; c = c->next) {
        if (c->type == XML_ENTITY_REF_NODE)
            return tm_error_at(err, TM_EDATA, file, (unsigned long)xmlGetLineNo(node),
                               "entity reference &%s; is not allowed in TMX", c->name);
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int rc = read_note_or_prop(c, an);
        if (rc < 0)
            return nomem(err);
        if (!rc)
            st = on_element(c, arg, file, err);
    }
    return st;
}

typedef struct tuv_state {
    tm_tuv *v;
    int segs;
} tuv_state;

static tm_status on_tuv_child(xmlNodePtr c, void *arg, const char *file, tm_error *err)
{
    tuv_state *ts = arg;
    if (!is_named(c, "seg"))
        return bad(c, file, err, "unexpected", "tuv");
    if (++ts->segs > 1)
        return bad(c, file, err, "a second", "tuv");
    return read_seg(c, ts->v, file, err);
}

static tm_status read_tuv(xmlNodePtr node, tm_tu *tu, const char *file, tm_error *err)
{
    xmlChar *lang = tm_dom_lang(node);
    if (!lang || !*lang) {
        xmlFree(lang);
        return tm_error_at(err, TM_EDATA, file, (unsigned long)xmlGetLineNo(node),
                           "<tuv> without xml:lang");
    }
    tm_tuv *v = tm_tu_add_tuv(tu, (const char *)lang, "", NULL);
    xmlFree(lang);
    if (!v)
        return nomem(err);
    tuv_state ts = {v, 0};
    tm_status st = read_attrs(node, &v->an, 1, err);
    if (st == TM_OK)
        st = read_children(node, &v->an, on_tuv_child, &ts, file, err);
    if (st == TM_OK && ts.segs == 0)
        return tm_error_at(err, TM_EDATA, file, (unsigned long)xmlGetLineNo(node),
                           "<tuv xml:lang=\"%s\"> without <seg>", v->lang);
    return st;
}

static tm_status on_tu_child(xmlNodePtr c, void *arg, const char *file, tm_error *err)
{
    if (!is_named(c, "tuv"))
        return bad(c, file, err, "unexpected", "tu");
    return read_tuv(c, arg, file, err);
}

tm_status tm_dom_read_tu(xmlNodePtr node, tm_tu *tu, const char *file, tm_error *err)
{
    tm_status st = read_attrs(node, &tu->an, 0, err);
    if (st == TM_OK)
        st = read_children(node, &tu->an, on_tu_child, tu, file, err);
    if (st == TM_OK && tu->ntuvs == 0)
        return tm_error_at(err, TM_EDATA, file, (unsigned long)xmlGetLineNo(node),
                           "<tu> without <tuv>");
    return st;
}
