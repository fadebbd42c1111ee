/*
 * tmx_build.h — libxml2 SAX2 events to tmkit records: the state machine
 * behind the TMX reader. Internal.
 *
 * The reader feeds the file to a push parser in chunks; the handlers here
 * turn the events into tm_tu records and append each finished unit to a
 * queue that the reader hands out one at a time. No DOM is ever built:
 * text goes straight into the unit's buffers, and a segment's inline
 * markup is serialized as it streams past.
 *
 * Depth counts elements from the root (depth 0). The shape the handlers
 * expect, by depth:
 *   0 <tmx>   1 <header> | <body>   2 <tu>   3 <tuv> | <note> | <prop>
 *   4 <seg> | <note> | <prop>       5+ inline elements of the segment
 * Anything else is either ignored (outside <body>) or an error.
 *
 * Invariants: at most one of "ignoring a subtree" (ignore >= 0), "reading a
 * note or prop" (annot_depth >= 0) and "reading a segment" (seg_depth >= 0)
 * holds at a time; fail.code != TM_OK once the parser has been stopped.
 */
#ifndef TM_TMX_BUILD_H
#define TM_TMX_BUILD_H

#include <libxml/parser.h>

#include "util/buf.h"
#include "util/error.h"
#include "tu.h"

typedef struct tmx_build {
    const char *name; /* file name for messages */
    int lenient;      /* skip and count a broken unit instead of failing */
    int pack;         /* pack each finished unit (TM_TMX_PACKED) ... */
    tm_tu_packer packer; /* ... with this */
    xmlParserCtxtPtr ctxt; /* NULL while the fast path reads (tmx_fast.c) */
    unsigned long line;    /* then the line of the event, as libxml2 would say */

    int depth;       /* depth of the next element to open (the root is 0) */
    int cdata_cr;    /* the last piece of CDATA text ended in a CR (on_cdata) */
    int ignore;      /* depth of the subtree being skipped, or -1 */
    int in_header;   /* inside <header> */
    int in_body;     /* inside <body> */
    int body_seen;   /* <body> has started (the prologue is complete) */
    char *version;   /* <tmx version> */
    tm_annot header; /* the header's attributes, props and notes */

    /* The unit being read (between <tu> and </tu>). */
    tm_tu tu;
    unsigned long tu_line, tuv_line;
    int segs; /* <seg>s in the current <tuv> */

    /* A <note> or <prop> being read: its text is every descendant's text. */
    int annot_depth;
    int annot_is_prop;
    tm_annot *annot;
    char *annot_type, *annot_lang;

    /* A <seg> being read: plain text, and its inner XML once an element,
     * comment or processing instruction has shown up inside it. */
    int seg_depth;
    int code_depth; /* depth of the enclosing bpt/ept/it/ph/ut/sub, or -1 */
    int xml_on;     /* xml holds the inner XML so far */
    int markup;     /* the segment has an inline element */
    int open_tag;   /* xml ends with a start tag still missing its '>' */
    tm_buf text, xml;
    tm_buf scratch; /* one attribute value */

    /* Finished units, handed out from qhead. */
    tm_tu *queue;
    size_t qhead, qlen, qcap;

    size_t skipped;
    tm_error fail;    /* the first error: XML, structure or memory */
    tm_error pending; /* a structural error waiting for the end of its unit */
} tmx_build;

void tmx_build_init(tmx_build *b, const char *name, int lenient);
/* An error libxml2 reports, as tmkit says it ("FILE:LINE: not well-formed
 * XML at column N: ..."), into err unless err holds one already (the
 * first error is the one to report) or it is only a warning. Shared with
 * the validator's walk. */
void tmx_xml_error(tm_error *err, const char *file, const xmlError *e);
/* The handlers; callbacks receive the tmx_build as user data. */
void tmx_build_handlers(xmlSAXHandler *sax);
/* A pending structural error becomes the failure, unless libxml2 reported
 * one first; the parser stops. Called at the end of the unit and of input. */
void tmx_build_settle(tmx_build *b);
void tmx_build_free(tmx_build *b);

#endif
