/*
 * tmx_validate.c — `tmkit tmx validate`: the walk through a TMX file, on
 * libxml2's xmlTextReader.
 *
 * The walk goes node by node; at the <header> and at each <tu> it expands
 * just that element into a small DOM subtree, hands it to the checks in
 * tmx_check.c, and skips past it, at which point libxml2 frees the
 * subtree. So memory is bounded by the largest <tu>, not the file. (The
 * reader that imports and converts units does not need a DOM and streams
 * SAX events instead: tmx_read.c.)
 *
 * Parser options: NONET (nothing over the network), no NOENT (entities are
 * never substituted), no DTDLOAD/DTDATTR (no external DTD is read),
 * BIG_LINES (true line numbers past 65535). A DOCTYPE whose internal subset
 * declares entities is refused outright, as is any entity reference.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "util/file.h"
#include "tmx_build.h"
#include "tmx_dom.h"
#include "tmx_internal.h"

#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | \
                        XML_PARSE_NOWARNING)

typedef struct walk {
    xmlTextReaderPtr xr;
    const char *name;
    char *version;
    tm_tu header; /* header attributes, props and notes in header.an */
    int skip;     /* the current element was expanded: step over its subtree */
    tm_error xml_err; /* the first error libxml2 reported */
    tmx_report *rep;
} walk;

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    walk *w = arg;
    tmx_xml_error(&w->xml_err, w->name, e);
}

static unsigned long cur_line(walk *w)
{
    return (unsigned long)xmlTextReaderGetParserLineNumber(w->xr);
}

static tm_status read_fail(walk *w, tm_error *err)
{
    if (w->xml_err.code != TM_OK) {
        if (err)
            *err = w->xml_err;
        return w->xml_err.code;
    }
    return tm_error_at(err, TM_EDATA, w->name, cur_line(w), "not well-formed XML");
}

static tm_status refuse_entities(walk *w, tm_error *err)
{
    /* Not xmlTextReaderCurrentDoc: it would make the reader keep every node. */
    xmlNodePtr node = xmlTextReaderCurrentNode(w->xr);
    if (node && node->type == XML_DTD_NODE &&
        (((xmlDtdPtr)node)->entities || ((xmlDtdPtr)node)->pentities))
        return tm_error_at(err, TM_EDATA, w->name, cur_line(w),
                           "the DOCTYPE declares entities; TMX files must not (refused for safety)");
    return TM_OK;
}

/* Advance to the next node; *more = 0 at the end of the document. */
static tm_status step(walk *w, int skip_subtree, int *more, tm_error *err)
{
    skip_subtree |= w->skip;
    w->skip = 0;
    int rc = skip_subtree ? xmlTextReaderNext(w->xr) : xmlTextReaderRead(w->xr);
    if (rc < 0 || w->xml_err.code != TM_OK)
        return read_fail(w, err);
    *more = rc == 1;
    if (rc == 1 && xmlTextReaderNodeType(w->xr) == XML_READER_TYPE_DOCUMENT_TYPE)
        return refuse_entities(w, err);
    if (rc == 1 && xmlTextReaderNodeType(w->xr) == XML_READER_TYPE_ENTITY_REFERENCE)
        return tm_error_at(err, TM_EDATA, w->name, cur_line(w),
                           "entity reference &%s; is not allowed in TMX",
                           (const char *)xmlTextReaderConstName(w->xr));
    return TM_OK;
}

static int at_element(walk *w, const char *name, int depth)
{
    return xmlTextReaderNodeType(w->xr) == XML_READER_TYPE_ELEMENT &&
           xmlTextReaderDepth(w->xr) == depth &&
           strcmp((const char *)xmlTextReaderConstName(w->xr), name) == 0;
}

/* Expand the current element; converts an expansion failure to an error. */
static tm_status expand(walk *w, xmlNodePtr *node, tm_error *err)
{
    *node = xmlTextReaderExpand(w->xr);
    w->skip = 1;
    if (!*node || w->xml_err.code != TM_OK)
        return read_fail(w, err);
    return TM_OK;
}

static tm_status walk_header(walk *w, tm_error *err)
{
    xmlNodePtr node;
    tm_status st = expand(w, &node, err);
    if (st == TM_OK)
        st = tm_dom_read_annot(node, &w->header.an, w->name, err);
    if (st == TM_OK)
        tmx_check_header(node, w->version, w->rep);
    return st;
}

/* From the root up to <body>: the version and the header. */
static tm_status walk_prologue(walk *w, tm_error *err)
{
    int more = 1, saw_header = 0;
    tm_status st;
    while ((st = step(w, 0, &more, err)) == TM_OK && more) {
        if (xmlTextReaderNodeType(w->xr) != XML_READER_TYPE_ELEMENT)
            continue;
        if (xmlTextReaderDepth(w->xr) == 0) {
            if (!at_element(w, "tmx", 0))
                return tm_error_at(err, TM_EDATA, w->name, cur_line(w),
                                   "not a TMX file: root element is <%s>, not <tmx>",
                                   (const char *)xmlTextReaderConstName(w->xr));
            xmlChar *v = xmlTextReaderGetAttribute(w->xr, BAD_CAST "version");
            w->version = strdup(v ? (const char *)v : "");
            xmlFree(v);
            if (!w->version)
                return tm_error_nomem(err);
        } else if (at_element(w, "header", 1)) {
            if ((st = walk_header(w, err)) != TM_OK)
                return st;
            saw_header = 1;
        } else if (at_element(w, "body", 1)) {
            if (!saw_header)
                tmx_report_at(w->rep, cur_line(w), "<body> without a <header> before it");
            return TM_OK;
        } else {
            tmx_report_at(w->rep, cur_line(w), "unexpected <%s> in <tmx>",
                          (const char *)xmlTextReaderConstName(w->xr));
        }
    }
    if (st != TM_OK)
        return st;
    return tm_error_at(err, TM_EDATA, w->name, 0, "no <body> element: not a TMX file?");
}

/* Every element of <body>: each <tu> checked, anything else reported. */
static tm_status walk_body(walk *w, tm_error *err)
{
    if (xmlTextReaderIsEmptyElement(w->xr))
        return TM_OK;
    int more = 1;
    tm_status st;
    const char *srclang = tm_annot_attr(&w->header.an, "srclang");
    while ((st = step(w, 0, &more, err)) == TM_OK && more) {
        int type = xmlTextReaderNodeType(w->xr);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(w->xr) <= 1)
            return TM_OK;
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if (at_element(w, "tu", 2)) {
            xmlNodePtr node;
            if ((st = expand(w, &node, err)) != TM_OK)
                return st;
            tmx_check_tu(node, srclang, w->rep);
            continue;
        }
        tmx_report_at(w->rep, cur_line(w), "unexpected <%s> in <body>",
                      (const char *)xmlTextReaderConstName(w->xr));
        if ((st = step(w, 1, &more, err)) != TM_OK) /* skip the subtree */
            return st;
    }
    return st;
}

/* After </body>: the rest of the document, read to its end so that a file
 * cut short (no </tmx>) or broken later is an error, and any element after
 * <body> is reported. */
static tm_status walk_tail(walk *w, tm_error *err)
{
    int more = 1;
    tm_status st;
    while ((st = step(w, 0, &more, err)) == TM_OK && more) {
        if (xmlTextReaderNodeType(w->xr) != XML_READER_TYPE_ELEMENT)
            continue;
        tmx_report_at(w->rep, cur_line(w), "unexpected <%s> after <body>",
                      (const char *)xmlTextReaderConstName(w->xr));
        if ((st = step(w, 1, &more, err)) != TM_OK || !more) /* skip the subtree */
            break;
    }
    return st;
}

static tm_status tmx_walk(const char *path, tmx_report *rep, tm_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) /* (an I/O error, not a bad document) */
        return tm_error_at(err, TM_EIO, path, 0, "read error: %s", strerror(EISDIR));
    int probe; /* a FIFO or a device is refused before libxml2 blocks on it */
    tm_status pst = tm_file_open_read(path, "a TMX file", &probe, err);
    if (pst != TM_OK)
        return pst;
    close(probe);
    walk w = {.name = path, .rep = rep};
    w.xr = xmlReaderForFile(path, NULL, READER_OPTIONS);
    tm_status st;
    if (!w.xr) {
        st = tm_error_at(err, TM_EIO, path, 0, "cannot open");
    } else {
        xmlTextReaderSetStructuredErrorHandler(w.xr, on_xml_error, &w);
        st = walk_prologue(&w, err);
        if (st == TM_OK)
            st = walk_body(&w, err);
        if (st == TM_OK)
            st = walk_tail(&w, err);
        xmlFreeTextReader(w.xr);
    }
    tm_tu_clear(&w.header);
    free(w.version);
    return st;
}

tm_status tm_tmx_validate(const char *path, tm_tmx_problem_fn fn, void *ctx,
                          size_t *nproblems, tm_error *err)
{
    tmx_report rep = {fn, ctx, 0};
    tm_status st = tmx_walk(path, &rep, err);
    *nproblems = rep.count;
    return st;
}
