/*
 * tmx_build.c — SAX2 events to tm_tu records (the state machine is
 * described in tmx_build.h).
 *
 * Plain text of a segment: the text of <seg> and of the <hi>s inside it.
 * The contents of bpt, ept, it, ph and ut are native codes (RTF, HTML
 * tags...) and the contents of sub are a separate subflow, so neither
 * belongs to the sentence a translator matches against. A segment with any
 * inline element also keeps its inner XML as the tuv's markup, written the
 * way libxml2's xmlNodeDump writes a subtree (text escapes <, >, & and CR;
 * attribute values also ", TAB and LF; an element without children is
 * "<x/>"), so TMX -> tmkit -> TMX gives back what came in.
 *
 * A structural problem inside a <tu> (a <tuv> without language, a second
 * <seg>, an unknown element...) stops the parser, or in lenient mode drops
 * that unit, counts it and skips to its end.
 */
#include "tmx_build.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>

#include "tmx.h"
#include "tmx_dom.h"

/* libxml2's own limit when it builds a tree (xmlParserMaxDepth): deeper
 * documents are hostile, not translation memories. */
#define MAX_DEPTH 256

/* One start tag as SAX2 reports it. Attributes are (localname, prefix,
 * URI, value, end) quintuples; defaulted ones (from an ATTLIST) are left
 * out, as the tree builder leaves them out without XML_PARSE_DTDATTR. */
typedef struct element {
    const char *local, *prefix;
    int nns;
    const xmlChar **ns;
    int nattrs;
    const xmlChar **attrs;
} element;

/* ---- errors --------------------------------------------------------------- */

static unsigned long line_now(tmx_build *b)
{
    return b->ctxt ? (unsigned long)xmlSAX2GetLineNumber(b->ctxt) : b->line;
}

/* A problem that ends the read whatever the mode. */
static void fail_at(tmx_build *b, unsigned long line, const char *fmt, ...)
{
    if (b->fail.code == TM_OK) {
        char msg[sizeof b->fail.msg];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        tm_error_at(&b->fail, TM_EDATA, b->name, line, "%s", msg);
    }
    xmlStopParser(b->ctxt);
}

static void fail_nomem(tmx_build *b)
{
    if (b->fail.code == TM_OK)
        tm_error_nomem(&b->fail);
    xmlStopParser(b->ctxt);
}

static void drop_unit(tmx_build *b)
{
    tm_tu_clear(&b->tu);
    free(b->annot_type);
    free(b->annot_lang);
    b->annot_type = b->annot_lang = NULL;
    b->annot_depth = b->seg_depth = b->code_depth = -1;
}

/* A problem inside <body>: fatal, or in lenient mode the unit is dropped
 * and counted. Either way the rest of the element at depth 2 (the <tu>) is
 * skipped: a fatal problem only becomes the failure at its end, so that a
 * unit that is also not well-formed is reported as such, as libxml2 finds
 * it (the start tag of "<tu><se", a file cut short, comes before the cut). */
static void unit_fail(tmx_build *b, unsigned long line, const char *fmt, ...)
{
    if (b->lenient) {
        b->skipped++;
    } else if (b->pending.code == TM_OK) {
        char msg[sizeof b->pending.msg];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        tm_error_at(&b->pending, TM_EDATA, b->name, line, "%s", msg);
    }
    drop_unit(b);
    if (b->depth > 2) /* still inside the element */
        b->ignore = 2;
    else
        tmx_build_settle(b);
}

void tmx_build_settle(tmx_build *b)
{
    if (b->pending.code == TM_OK)
        return;
    if (b->fail.code == TM_OK)
        b->fail = b->pending;
    xmlStopParser(b->ctxt);
}

void tmx_xml_error(tm_error *err, const char *file, const xmlError *e)
{
    if (err->code != TM_OK || !e || e->level < XML_ERR_ERROR)
        return;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    tm_error_at(err, TM_EDATA, file, (unsigned long)(e->line > 0 ? e->line : 0),
                "not well-formed XML at column %d: %s", e->int2, msg);
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    tmx_build *b = ctx;
    tmx_xml_error(&b->fail, b->name, e);
}

/* Entities are refused outright: that is how billion-laughs and external
 * entity files are stopped before they cost anything. */
static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
    tmx_build *b = ctx;
    fail_at(b, line_now(b), "the DOCTYPE declares entities; TMX files must not (refused for safety)");
}

static void on_reference(void *ctx, const xmlChar *name)
{
    tmx_build *b = ctx;
    fail_at(b, line_now(b), "entity reference &%s; is not allowed in TMX", (const char *)name);
}

/* ---- names and attributes ---------------------------------------------- */

static int named(const element *el, const char *name)
{
    return strcmp(el->local, name) == 0;
}

/* Named, without a namespace prefix (the document-level elements). */
static int qnamed(const element *el, const char *name)
{
    return !el->prefix && named(el, name);
}

static const char *qname(char *out, size_t cap, const char *local, const char *prefix)
{
    if (prefix)
        snprintf(out, cap, "%s:%s", prefix, local);
    else
        snprintf(out, cap, "%s", local);
    return out;
}

/* An attribute value, NUL-terminated in b->scratch. libxml2 hands over a
 * value that had references with every '&' written back as "&#38;" (for
 * the tree builder to resolve); no other reference can remain. */
static const char *attr_value(tmx_build *b, const xmlChar **a)
{
    const char *v = (const char *)a[3], *end = (const char *)a[4];
    tm_buf_clear(&b->scratch);
    while (v < end) {
        const char *amp = memchr(v, '&', (size_t)(end - v));
        size_t n = amp ? (size_t)(amp - v) : (size_t)(end - v);
        if (tm_buf_append(&b->scratch, v, n) != 0)
            return NULL;
        if (!amp)
            break;
        int ref = end - amp >= 5 && memcmp(amp, "&#38;", 5) == 0;
        if (tm_buf_putc(&b->scratch, '&') != 0)
            return NULL;
        v = amp + (ref ? 5 : 1);
    }
    if (!b->scratch.data && tm_buf_grow(&b->scratch, 1) != 0)
        return NULL;
    return b->scratch.data;
}

/* The attribute local name in namespace uri (NULL: no namespace). */
static const xmlChar **find_attr(const element *el, const char *local, const char *uri)
{
    for (int i = 0; i < el->nattrs; i++) {
        const xmlChar **a = el->attrs + 5 * i;
        const char *auri = (const char *)a[2];
        if (strcmp((const char *)a[0], local) == 0 &&
            (uri ? auri && strcmp(auri, uri) == 0 : !auri))
            return a;
    }
    return NULL;
}

/* strdup of an attribute's value, NULL when a is (the attribute is absent);
 * *nomem = 1 when memory ran out. */
static char *dup_attr(tmx_build *b, const xmlChar **a, int *nomem)
{
    if (!a)
        return NULL;
    const char *v = attr_value(b, a);
    char *s = v ? strdup(v) : NULL;
    if (!s)
        *nomem = 1;
    return s;
}

/* Every attribute into an (names as written: "xml:lang"), skipping the
 * language attribute when skip_lang. */
static int read_attrs(tmx_build *b, const element *el, tm_annot *an, int skip_lang)
{
    for (int i = 0; i < el->nattrs; i++) {
        const xmlChar **a = el->attrs + 5 * i;
        if (skip_lang && strcmp((const char *)a[0], "lang") == 0)
            continue;
        char name[128];
        qname(name, sizeof name, (const char *)a[0], (const char *)a[1]);
        const char *v = attr_value(b, a);
        if (!v || tm_annot_set_attr(an, name, v) != 0)
            return -1;
    }
    return 0;
}

/* ---- <note> and <prop> ----------------------------------------------------- */

static void annot_start(tmx_build *b, int depth, const element *el, tm_annot *an)
{
    int nomem = 0;
    b->annot_is_prop = named(el, "prop");
    b->annot_lang = dup_attr(b, find_attr(el, "lang", (const char *)XML_XML_NAMESPACE), &nomem);
    if (b->annot_is_prop) {
        b->annot_type = dup_attr(b, find_attr(el, "type", NULL), &nomem);
        if (!b->annot_type && !nomem && !(b->annot_type = strdup("")))
            nomem = 1;
    }
    if (nomem) {
        fail_nomem(b);
        return;
    }
    b->annot = an;
    b->annot_depth = depth;
    tm_buf_clear(&b->text);
}

static void annot_end(tmx_build *b)
{
    char *text = strdup(b->text.data ? b->text.data : "");
    int rc = b->annot_is_prop ? tm_annot_take_prop(b->annot, b->annot_type, b->annot_lang, text)
                              : tm_annot_take_note(b->annot, b->annot_lang, text);
    b->annot_type = b->annot_lang = NULL; /* taken (or freed) */
    b->annot_depth = -1;
    if (rc != 0)
        fail_nomem(b);
}

/* ---- <seg> and its inline XML -------------------------------------------- */

/* Escape as xmlNodeDump does: text content, or (attr) an attribute value. */
static int put_escaped(tm_buf *out, const char *s, size_t n, int attr)
{
    if (n == 0)
        return 0;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        case '\r': rep = "&#13;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        default: break;
        }
        if (!rep)
            continue;
        if (tm_buf_append(out, s + from, i - from) != 0 || tm_buf_puts(out, rep) != 0)
            return -1;
        from = i + 1;
    }
    return tm_buf_append(out, s + from, n - from);
}

/* From the first element, comment or PI on, the inner XML is kept too;
 * until then it is exactly the escaped text. Also completes a start tag
 * that turns out to have content. */
static int xml_continue(tmx_build *b)
{
    if (!b->xml_on) {
        tm_buf_clear(&b->xml);
        if (put_escaped(&b->xml, b->text.data, b->text.len, 0) != 0)
            return -1;
        b->xml_on = 1;
    }
    if (b->open_tag) {
        b->open_tag = 0;
        return tm_buf_putc(&b->xml, '>');
    }
    return 0;
}

static void seg_start(tmx_build *b, int depth)
{
    b->seg_depth = depth;
    b->code_depth = -1;
    b->xml_on = b->markup = b->open_tag = 0;
    tm_buf_clear(&b->text);
}

static void seg_end(tmx_build *b)
{
    tm_tuv *v = &b->tu.tuvs[b->tu.ntuvs - 1];
    char *text = strdup(b->text.data ? b->text.data : "");
    char *markup = b->markup ? strdup(b->xml.data ? b->xml.data : "") : NULL;
    b->seg_depth = -1;
    if (!text || (b->markup && !markup)) {
        free(text);
        free(markup);
        fail_nomem(b);
        return;
    }
    free(v->text);
    free(v->markup);
    v->text = text;
    v->markup = markup;
}

static int put_quoted(tm_buf *out, const char *s)
{
    char q = strchr(s, '"') && !strchr(s, '\'') ? '\'' : '"';
    if (tm_buf_putc(out, q) != 0)
        return -1;
    int rc = q == '"' ? put_escaped(out, s, strlen(s), 1) : tm_buf_puts(out, s);
    return rc != 0 ? -1 : tm_buf_putc(out, q);
}

/* "<name xmlns... attr=...", its '>' or "/>" still to come. */
static int put_start_tag(tmx_build *b, const element *el)
{
    char name[256];
    tm_buf *x = &b->xml;
    if (tm_buf_putc(x, '<') != 0 || tm_buf_puts(x, qname(name, sizeof name, el->local, el->prefix)) != 0)
        return -1;
    for (int i = 0; i < el->nns; i++) {
        const char *prefix = (const char *)el->ns[2 * i], *uri = (const char *)el->ns[2 * i + 1];
        if (tm_buf_puts(x, prefix ? " xmlns:" : " xmlns") != 0 || (prefix && tm_buf_puts(x, prefix) != 0) ||
            tm_buf_putc(x, '=') != 0 || put_quoted(x, uri ? uri : "") != 0)
            return -1;
    }
    for (int i = 0; i < el->nattrs; i++) {
        const xmlChar **a = el->attrs + 5 * i;
        const char *v = attr_value(b, a);
        if (!v || tm_buf_putc(x, ' ') != 0 ||
            tm_buf_puts(x, qname(name, sizeof name, (const char *)a[0], (const char *)a[1])) != 0 ||
            tm_buf_puts(x, "=\"") != 0 || put_escaped(x, v, strlen(v), 1) != 0 || tm_buf_putc(x, '"') != 0)
            return -1;
    }
    b->open_tag = 1;
    return 0;
}

static void inline_start(tmx_build *b, int depth, const element *el)
{
    if (b->code_depth < 0) {
        if (tm_dom_is_code_element((const xmlChar *)el->local)) {
            b->code_depth = depth;
        } else if (!named(el, "hi")) {
            unit_fail(b, line_now(b), "unexpected <%s> in <%s>", el->local,
                      depth == b->seg_depth + 1 ? "seg" : "hi");
            return;
        }
        b->markup = 1;
    }
    if (xml_continue(b) != 0 || put_start_tag(b, el) != 0)
        fail_nomem(b);
}

static void inline_end(tmx_build *b, int depth, const char *local, const char *prefix)
{
    char name[256];
    int rc;
    if (b->open_tag) {
        b->open_tag = 0;
        rc = tm_buf_puts(&b->xml, "/>");
    } else {
        rc = tm_buf_puts(&b->xml, "</") || tm_buf_puts(&b->xml, qname(name, sizeof name, local, prefix)) ||
             tm_buf_putc(&b->xml, '>');
    }
    if (depth == b->code_depth)
        b->code_depth = -1;
    if (rc != 0)
        fail_nomem(b);
}

/* Text past TM_TMX_MAX_TEXT in one <seg>, <note> or <prop>: the unit is
 * refused (skipped when lenient) before it grows further. 1 when so. */
static int too_long(tmx_build *b, size_t n)
{
    if (b->text.len + n <= TM_TMX_MAX_TEXT)
        return 0;
    unit_fail(b, line_now(b), "a %s longer than %u bytes: refused (the limit of one segment)",
              b->annot_depth >= 0 ? "note or prop" : "segment", TM_TMX_MAX_TEXT);
    return 1;
}

static void seg_text(tmx_build *b, const char *s, size_t n)
{
    if (too_long(b, n))
        return;
    if (b->code_depth < 0 && tm_buf_append(&b->text, s, n) != 0)
        fail_nomem(b);
    else if (b->xml_on && (xml_continue(b) != 0 || put_escaped(&b->xml, s, n, 0) != 0))
        fail_nomem(b);
}

/* A comment or processing instruction: kept in the inner XML only. */
static void seg_other(tmx_build *b, const char *open, const char *s1, const char *s2,
                      const char *close)
{
    if (xml_continue(b) != 0 || tm_buf_puts(&b->xml, open) != 0 || tm_buf_puts(&b->xml, s1) != 0 ||
        (s2 && (tm_buf_putc(&b->xml, ' ') != 0 || tm_buf_puts(&b->xml, s2) != 0)) ||
        tm_buf_puts(&b->xml, close) != 0)
        fail_nomem(b);
}

/* ---- the document's levels ---------------------------------------------- */

static void root_start(tmx_build *b, const element *el)
{
    if (!qnamed(el, "tmx")) {
        char name[256];
        fail_at(b, line_now(b), "not a TMX file: root element is <%s>, not <tmx>",
                qname(name, sizeof name, el->local, el->prefix));
        return;
    }
    const xmlChar **v = find_attr(el, "version", NULL);
    const char *version = v ? attr_value(b, v) : "";
    if (!version || !(b->version = strdup(version)))
        fail_nomem(b);
}

/* A child of <tmx>: the header, the body, or something to skip. */
static void section_start(tmx_build *b, int depth, const element *el)
{
    if (!b->body_seen && qnamed(el, "header")) {
        b->in_header = 1;
        if (read_attrs(b, el, &b->header, 0) != 0)
            fail_nomem(b);
    } else if (!b->body_seen && qnamed(el, "body")) {
        b->in_body = b->body_seen = 1;
    } else {
        b->ignore = depth;
    }
}

static void tu_start(tmx_build *b, const element *el)
{
    if (!qnamed(el, "tu")) {
        char name[256];
        unit_fail(b, line_now(b), "unexpected <%s> in <body>",
                  qname(name, sizeof name, el->local, el->prefix));
        return;
    }
    b->tu_line = line_now(b);
    if (read_attrs(b, el, &b->tu.an, 0) != 0)
        fail_nomem(b);
}

static void tu_end(tmx_build *b)
{
    if (b->tu.ntuvs == 0) {
        unit_fail(b, b->tu_line, "<tu> without <tuv>");
        return;
    }
    if (tm_array_reserve(&b->queue, &b->qcap, b->qlen + 1, sizeof *b->queue, 64) != 0) {
        fail_nomem(b);
        return;
    }
    for (size_t i = 0; i < b->tu.ntuvs; i++)
        assert(b->tu.tuvs[i].text); /* tuv_end refused a <tuv> without <seg> */
    b->tu.line = b->tu_line;
    if (b->pack && tm_tu_pack_with(&b->packer, &b->tu) != 0) {
        fail_nomem(b);
        return;
    }
    b->queue[b->qlen++] = b->tu;
    memset(&b->tu, 0, sizeof b->tu);
}

static void tuv_start(tmx_build *b, const element *el)
{
    const xmlChar **a = find_attr(el, "lang", (const char *)XML_XML_NAMESPACE);
    if (!a)
        a = find_attr(el, "lang", NULL);
    const char *lang = a ? attr_value(b, a) : NULL;
    if (a && !lang) {
        fail_nomem(b);
        return;
    }
    if (!lang || !*lang) {
        unit_fail(b, line_now(b), "<tuv> without xml:lang");
        return;
    }
    if (!tm_lang_valid(lang)) { /* as tmkit tmx validate says it */
        unit_fail(b, line_now(b), "<tuv xml:lang=\"%s\">: not a language code", lang);
        return;
    }
    tm_tuv *v = tm_tu_open_tuv(&b->tu, lang); /* its text comes at </seg> */
    if (!v || read_attrs(b, el, &v->an, 1) != 0) {
        fail_nomem(b);
        return;
    }
    b->tuv_line = line_now(b);
    b->segs = 0;
}

static void tuv_end(tmx_build *b)
{
    if (b->segs == 0)
        unit_fail(b, b->tuv_line, "<tuv xml:lang=\"%s\"> without <seg>",
                  b->tu.tuvs[b->tu.ntuvs - 1].lang);
}

/* Depth 2 and below that: header children, units, variants, segments. */
static void inner_start(tmx_build *b, int depth, const element *el)
{
    if (depth == 2 && b->in_header) {
        if (named(el, "note") || named(el, "prop"))
            annot_start(b, depth, el, &b->header);
        else
            b->ignore = depth;
    } else if (depth == 2) {
        tu_start(b, el);
    } else if (named(el, "note") || named(el, "prop")) {
        annot_start(b, depth, el, depth == 3 ? &b->tu.an : &b->tu.tuvs[b->tu.ntuvs - 1].an);
    } else if (depth == 3) {
        if (named(el, "tuv"))
            tuv_start(b, el);
        else
            unit_fail(b, line_now(b), "unexpected <%s> in <tu>", el->local);
    } else if (!named(el, "seg")) {
        unit_fail(b, line_now(b), "unexpected <%s> in <tuv>", el->local);
    } else if (++b->segs > 1) {
        unit_fail(b, line_now(b), "a second <seg> in <tuv>");
    } else {
        seg_start(b, depth);
    }
}

/* ---- the handlers ----------------------------------------------------------- */

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                     const xmlChar **attrs)
{
    (void)uri;
    tmx_build *b = ctx;
    int depth = b->depth++;
    if (depth > MAX_DEPTH) {
        fail_at(b, line_now(b), "not well-formed XML at column %d: excessive depth in document "
                "(more than %d nested elements)", xmlSAX2GetColumnNumber(b->ctxt), MAX_DEPTH);
        return;
    }
    if (b->ignore >= 0 || b->annot_depth >= 0)
        return;
    element el = {(const char *)local, (const char *)prefix, nns, ns, nattrs - ndefaulted, attrs};
    if (b->seg_depth >= 0)
        inline_start(b, depth, &el);
    else if (depth == 0)
        root_start(b, &el);
    else if (depth == 1)
        section_start(b, depth, &el);
    else if (b->in_header || b->in_body)
        inner_start(b, depth, &el);
    else
        b->ignore = depth;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)uri;
    tmx_build *b = ctx;
    int depth = --b->depth;
    if (b->ignore >= 0) {
        if (depth == b->ignore)
            b->ignore = -1;
        if (depth == 2)
            tmx_build_settle(b);
    } else if (b->annot_depth >= 0) {
        if (depth == b->annot_depth)
            annot_end(b);
    } else if (b->seg_depth >= 0) {
        if (depth == b->seg_depth)
            seg_end(b);
        else
            inline_end(b, depth, (const char *)local, (const char *)prefix);
    } else if (depth == 1) {
        b->in_header = b->in_body = 0;
    } else if (depth == 2 && b->in_body) {
        tu_end(b);
    } else if (depth == 3 && b->in_body) {
        tuv_end(b);
    }
}

static void on_characters(void *ctx, const xmlChar *s, int len)
{
    tmx_build *b = ctx;
    if (b->ignore >= 0)
        return;
    if (b->annot_depth >= 0) {
        if (too_long(b, (size_t)len))
            return;
        if (tm_buf_append(&b->text, s, (size_t)len) != 0)
            fail_nomem(b);
    } else if (b->seg_depth >= 0) {
        seg_text(b, (const char *)s, (size_t)len);
    }
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    ((tmx_build *)ctx)->cdata_cr = 0;
    on_characters(ctx, s, len);
}

static void text_piece(void *ctx, const char *s, size_t n)
{
    if (n)
        on_characters(ctx, (const xmlChar *)s, (int)n);
}

/* CDATA text. libxml2's push parser (2.9.14) hands it over with its line
 * ends as they are, where XML makes CR LF and a lone CR one LF (its pull
 * parser does): a memory saved with CRLF would keep CRs in its segments.
 * A CR LF may be cut between two pieces. */
static void on_cdata(void *ctx, const xmlChar *value, int len)
{
    tmx_build *b = ctx;
    const char *p = (const char *)value;
    size_t n = (size_t)len, from = b->cdata_cr && n && p[0] == '\n';
    b->cdata_cr = n && p[n - 1] == '\r';
    for (size_t i = from; i < n; i++) {
        if (p[i] != '\r')
            continue;
        text_piece(ctx, p + from, i - from);
        text_piece(ctx, "\n", 1);
        if (i + 1 < n && p[i + 1] == '\n')
            i++;
        from = i + 1;
    }
    text_piece(ctx, p + from, n - from);
}

static void on_comment(void *ctx, const xmlChar *value)
{
    tmx_build *b = ctx;
    if (b->ignore < 0 && b->seg_depth >= 0)
        seg_other(b, "<!--", (const char *)value, NULL, "-->");
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    tmx_build *b = ctx;
    if (b->ignore < 0 && b->seg_depth >= 0)
        seg_other(b, "<?", (const char *)target, (const char *)data, "?>");
}

void tmx_build_handlers(xmlSAXHandler *sax)
{
    memset(sax, 0, sizeof *sax);
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = on_start;
    sax->endElementNs = on_end;
    sax->characters = on_text;
    sax->ignorableWhitespace = on_text;
    sax->cdataBlock = on_cdata;
    sax->comment = on_comment;
    sax->processingInstruction = on_pi;
    sax->entityDecl = on_entity_decl;
    sax->reference = on_reference;
    sax->serror = on_xml_error;
}

void tmx_build_init(tmx_build *b, const char *name, int lenient)
{
    memset(b, 0, sizeof *b);
    b->name = name;
    b->lenient = lenient;
    b->ignore = b->annot_depth = b->seg_depth = b->code_depth = -1;
}

void tmx_build_free(tmx_build *b)
{
    drop_unit(b);
    for (size_t i = b->qhead; i < b->qlen; i++)
        tm_tu_clear(&b->queue[i]);
    free(b->queue);
    free(b->version);
    tm_tu h = {b->header, NULL, 0, 0, NULL};
    tm_tu_clear(&h);
    tm_buf_free(&b->text);
    tm_buf_free(&b->xml);
    tm_buf_free(&b->scratch);
    tm_tu_packer_free(&b->packer);
    memset(b, 0, sizeof *b);
}
