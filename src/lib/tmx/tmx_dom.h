/*
 * tmx_dom.h — helpers over an expanded TMX element (a libxml2 DOM
 * subtree), for the validator. Internal.
 */
#ifndef TM_TMX_DOM_H
#define TM_TMX_DOM_H

#include <libxml/tree.h>

#include "util/error.h"
#include "tu.h"

/* Attributes, <note>s and <prop>s of a <header> (other children ignored). */
tm_status tm_dom_read_annot(xmlNodePtr node, tm_annot *an, const char *file,
                            tm_error *err);

/* The xml:lang (or TMX 1.1-1.3 lang) of an element; caller frees with xmlFree. */
xmlChar *tm_dom_lang(xmlNodePtr node);

/* Is this inline element one whose content is native code, not text? */
int tm_dom_is_code_element(const xmlChar *name);

#endif
