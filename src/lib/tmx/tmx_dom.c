/*
 * tmx_dom.c — small helpers over an expanded libxml2 subtree, for the
 * validator's walk: a <header>'s attributes, props and notes, the language
 * of an element, and which inline elements hold native code.
 */
#include "tmx_dom.h"

#include <string.h>

#include "util/buf.h"

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

static tm_status nomem(tm_error *err) { return tm_error_nomem(err); }

static tm_status read_attrs(xmlNodePtr node, tm_annot *an, tm_error *err)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
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
    tm_status st = read_attrs(node, an, err);
    for (xmlNodePtr c = node->children; st == TM_OK && c; c = c->next)
        if (read_note_or_prop(c, an) < 0)
            st = nomem(err);
    return st;
}
