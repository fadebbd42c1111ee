/*
 * tmx_read.c — streaming TMX reader on libxml2's xmlTextReader.
 *
 * The reader walks the document node by node; when it reaches a <tu> it
 * expands just that element into a small DOM subtree, converts it into a
 * tm_tu, and skips past it, at which point libxml2 frees the subtree. So
 * memory is bounded by the largest <tu>, not the file.
 *
 * Parser options: NONET (nothing over the network), no NOENT (entities are
 * never substituted), no DTDLOAD/DTDATTR (no external DTD is read),
 * BIG_LINES (true line numbers past 65535). A DOCTYPE whose internal subset
 * declares entities is refused outright, as is any entity reference.
 */
#include "tmx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "buf.h"
#include "tmx_dom.h"
#include "tmx_internal.h"

#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | \
                        XML_PARSE_NOWARNING)

struct tm_tmx_reader {
    xmlTextReaderPtr xr;
    char *name;
    char *mem; /* the bytes of an in-memory document */
    int flags;
    char *version;
    tm_tu header; /* header attributes, props and notes in header.an */
    size_t skipped;
    int in_body, done;
    int skip; /* the current element was expanded: step over its subtree */
    tm_error xml_err; /* the first error libxml2 reported */
    tmx_report *rep;  /* report mode (validation), or NULL */
    int saw_header;
};

/* libxml2 reports parse errors here; keep the first, with its position. */
static void on_xml_error(void *arg, xmlErrorPtr e)
{
    tm_tmx_reader *r = arg;
    if (r->xml_err.code != TM_OK || !e || e->level < XML_ERR_ERROR)
        return;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    tm_error_at(&r->xml_err, TM_EDATA, r->name, (unsigned long)(e->line > 0 ? e->line : 0),
                "not well-formed XML at column %d: %s", e->int2, msg);
}

static tm_status read_fail(tm_tmx_reader *r, tm_error *err)
{
    if (r->xml_err.code != TM_OK) {
        if (err)
            *err = r->xml_err;
        return r->xml_err.code;
    }
    return tm_error_at(err, TM_EDATA, r->name,
                       (unsigned long)xmlTextReaderGetParserLineNumber(r->xr),
                       "not well-formed XML");
}

static tm_status refuse_entities(tm_tmx_reader *r, tm_error *err)
{
    /* Not xmlTextReaderCurrentDoc: it would make the reader keep every node. */
    xmlNodePtr node = xmlTextReaderCurrentNode(r->xr);
    if (node && node->type == XML_DTD_NODE &&
        (((xmlDtdPtr)node)->entities || ((xmlDtdPtr)node)->pentities))
        return tm_error_at(err, TM_EDATA, r->name,
                           (unsigned long)xmlTextReaderGetParserLineNumber(r->xr),
                           "the DOCTYPE declares entities; TMX files must not (refused for safety)");
    return TM_OK;
}

/* Advance to the next node. 1: a node, 0: end of document. */
static tm_status step(tm_tmx_reader *r, int skip_subtree, int *more, tm_error *err)
{
    skip_subtree |= r->skip;
    r->skip = 0;
    int rc = skip_subtree ? xmlTextReaderNext(r->xr) : xmlTextReaderRead(r->xr);
    if (rc < 0 || r->xml_err.code != TM_OK)
        return read_fail(r, err);
    *more = rc == 1;
    if (rc == 1 && xmlTextReaderNodeType(r->xr) == XML_READER_TYPE_DOCUMENT_TYPE)
        return refuse_entities(r, err);
    if (rc == 1 && xmlTextReaderNodeType(r->xr) == XML_READER_TYPE_ENTITY_REFERENCE)
        return tm_error_at(err, TM_EDATA, r->name,
                           (unsigned long)xmlTextReaderGetParserLineNumber(r->xr),
                           "entity reference &%s; is not allowed in TMX",
                           (const char *)xmlTextReaderConstName(r->xr));
    return TM_OK;
}

static int at_element(tm_tmx_reader *r, const char *name, int depth)
{
    return xmlTextReaderNodeType(r->xr) == XML_READER_TYPE_ELEMENT &&
           xmlTextReaderDepth(r->xr) == depth &&
           strcmp((const char *)xmlTextReaderConstName(r->xr), name) == 0;
}

static unsigned long cur_line(tm_tmx_reader *r)
{
    return (unsigned long)xmlTextReaderGetParserLineNumber(r->xr);
}

/* Expand the current element; converts an expansion failure to an error. */
static tm_status expand(tm_tmx_reader *r, xmlNodePtr *node, tm_error *err)
{
    *node = xmlTextReaderExpand(r->xr);
    r->skip = 1;
    if (!*node || r->xml_err.code != TM_OK)
        return read_fail(r, err);
    return TM_OK;
}

/* Read from the root up to <body>: the version and the header. */
static tm_status read_prologue(tm_tmx_reader *r, tm_error *err)
{
    int more = 1;
    tm_status st;
    while ((st = step(r, 0, &more, err)) == TM_OK && more) {
        if (xmlTextReaderNodeType(r->xr) != XML_READER_TYPE_ELEMENT)
            continue;
        int depth = xmlTextReaderDepth(r->xr);
        if (depth == 0) {
            if (!at_element(r, "tmx", 0))
                return tm_error_at(err, TM_EDATA, r->name, cur_line(r),
                                   "not a TMX file: root element is <%s>, not <tmx>",
                                   (const char *)xmlTextReaderConstName(r->xr));
            xmlChar *v = xmlTextReaderGetAttribute(r->xr, BAD_CAST "version");
            r->version = strdup(v ? (const char *)v : "");
            xmlFree(v);
            if (!r->version)
                return tm_error_nomem(err);
        } else if (at_element(r, "header", 1)) {
            xmlNodePtr node;
            if ((st = expand(r, &node, err)) != TM_OK)
                return st;
            if ((st = tm_dom_read_annot(node, &r->header.an, r->name, err)) != TM_OK)
                return st;
            r->saw_header = 1;
            if (r->rep)
                tmx_check_header(node, r->version, r->rep);
        } else if (at_element(r, "body", 1)) {
            if (r->rep && !r->saw_header)
                tmx_report_at(r->rep, cur_line(r), "<body> without a <header> before it");
            r->in_body = 1;
            r->done = xmlTextReaderIsEmptyElement(r->xr);
            return TM_OK;
        } else if (r->rep) {
            tmx_report_at(r->rep, cur_line(r), "unexpected <%s> in <tmx>",
                          (const char *)xmlTextReaderConstName(r->xr));
        }
    }
    if (st != TM_OK)
        return st;
    return tm_error_at(err, TM_EDATA, r->name, 0, "no <body> element: not a TMX file?");
}

static tm_status reader_start(tm_tmx_reader *r, tm_tmx_reader **out, tm_error *err)
{
    tm_status st;
    if (!r->xr) {
        st = tm_error_at(err, TM_EIO, r->name, 0, "cannot open");
    } else {
        xmlTextReaderSetStructuredErrorHandler(r->xr, on_xml_error, r);
        st = read_prologue(r, err);
    }
    if (st != TM_OK) {
        tm_tmx_reader_free(r);
        *out = NULL;
        return st;
    }
    *out = r;
    return TM_OK;
}

static tm_tmx_reader *reader_new(const char *name, int flags)
{
    tm_tmx_reader *r = calloc(1, sizeof *r);
    if (r && !(r->name = strdup(name))) {
        free(r);
        r = NULL;
    }
    if (r)
        r->flags = flags;
    return r;
}

tm_status tm_tmx_reader_open(tm_tmx_reader **out, const char *path, int flags,
                             tm_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    *out = NULL;
    FILE *probe = is_stdin ? NULL : fopen(path, "rb");
    if (!is_stdin && !probe)
        return tm_error_at(err, TM_EIO, path, 0, "cannot open: %s", strerror(errno));
    if (probe)
        fclose(probe);
    tm_tmx_reader *r = reader_new(is_stdin ? "<stdin>" : path, flags);
    if (!r)
        return tm_error_nomem(err);
    r->xr = is_stdin ? xmlReaderForFd(0, "stdin", NULL, READER_OPTIONS)
                     : xmlReaderForFile(path, NULL, READER_OPTIONS);
    return reader_start(r, out, err);
}

tm_status tm_tmx_reader_open_mem(tm_tmx_reader **out, const char *name,
                                 const char *data, size_t len, int flags,
                                 tm_error *err)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return tm_error_at(err, TM_EDATA, name, 0, "document too large for memory input");
    tm_tmx_reader *r = reader_new(name, flags);
    if (!r || !(r->mem = malloc(len ? len : 1))) {
        tm_tmx_reader_free(r);
        return tm_error_nomem(err);
    }
    memcpy(r->mem, data, len);
    r->xr = xmlReaderForMemory(r->mem, (int)len, name, NULL, READER_OPTIONS);
    return reader_start(r, out, err);
}

/* Position on the next <tu> (depth 2), or note the end of the body. */
static tm_status seek_tu(tm_tmx_reader *r, int *found, tm_error *err)
{
    int more = 1;
    tm_status st;
    *found = 0;
    while ((st = step(r, 0, &more, err)) == TM_OK && more) {
        int type = xmlTextReaderNodeType(r->xr);
        int depth = xmlTextReaderDepth(r->xr);
        if (type == XML_READER_TYPE_END_ELEMENT && depth <= 1) {
            r->done = 1;
            return TM_OK;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if (at_element(r, "tu", 2)) {
            *found = 1;
            return TM_OK;
        }
        if (r->rep)
            tmx_report_at(r->rep, cur_line(r), "unexpected <%s> in <body>",
                          (const char *)xmlTextReaderConstName(r->xr));
        else if (!(r->flags & TM_TMX_LENIENT))
            return tm_error_at(err, TM_EDATA, r->name, cur_line(r),
                               "unexpected <%s> in <body>",
                               (const char *)xmlTextReaderConstName(r->xr));
        r->skipped++;
        if ((st = step(r, 1, &more, err)) != TM_OK) /* skip the subtree */
            return st;
    }
    if (st == TM_OK)
        r->done = 1;
    return st;
}

tm_status tm_tmx_reader_next(tm_tmx_reader *r, tm_tu *tu, int *got, tm_error *err)
{
    tm_tu_clear(tu);
    *got = 0;
    while (!r->done) {
        int found;
        tm_status st = seek_tu(r, &found, err);
        if (st != TM_OK || !found)
            return st;
        unsigned long line = cur_line(r);
        xmlNodePtr node;
        if ((st = expand(r, &node, err)) != TM_OK)
            return st;
        if (r->rep) {
            tmx_check_tu(node, tm_annot_attr(&r->header.an, "srclang"), r->rep);
            *got = 1;
            return TM_OK;
        }
        tm_error tu_err = {TM_OK, ""};
        st = tm_dom_read_tu(node, tu, r->name, &tu_err);
        tu->line = line;
        if (st == TM_OK) {
            *got = 1;
            return TM_OK;
        }
        if (st != TM_EDATA || !(r->flags & TM_TMX_LENIENT)) {
            if (err)
                *err = tu_err;
            return st;
        }
        r->skipped++;
        tm_tu_clear(tu);
    }
    return TM_OK;
}

tm_status tmx_reader_open_report(tm_tmx_reader **out, const char *path,
                                 tmx_report *rep, tm_error *err)
{
    *out = NULL;
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return tm_error_at(err, TM_EIO, path, 0, "cannot open: %s", strerror(errno));
    fclose(probe);
    tm_tmx_reader *r = reader_new(path, 0);
    if (!r)
        return tm_error_nomem(err);
    r->rep = rep;
    r->xr = xmlReaderForFile(path, NULL, READER_OPTIONS);
    return reader_start(r, out, err);
}

const char *tm_tmx_reader_version(const tm_tmx_reader *r) { return r->version; }
const tm_annot *tm_tmx_reader_header(const tm_tmx_reader *r) { return &r->header.an; }
size_t tm_tmx_reader_skipped(const tm_tmx_reader *r) { return r->skipped; }

void tm_tmx_reader_free(tm_tmx_reader *r)
{
    if (!r)
        return;
    if (r->xr)
        xmlFreeTextReader(r->xr);
    tm_tu_clear(&r->header);
    free(r->version);
    free(r->mem);
    free(r->name);
    free(r);
}
