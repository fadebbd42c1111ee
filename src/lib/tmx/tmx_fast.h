/*
 * tmx_fast.h — the TMX reader's fast path: a tokenizer for the plain XML
 * that translation memories are written in, feeding the same SAX2
 * handlers (tmx_build.c) that libxml2 feeds. Internal.
 *
 * It reads only what it is sure to read exactly as libxml2 does: UTF-8
 * without an encoding other than UTF-8 declared, elements and attributes
 * with ASCII names and no namespaces but xml:, the five predefined
 * entities and character references, comments, CDATA sections, a DOCTYPE
 * without internal subset. At anything else — any irregularity, any error
 * of the document or of the builder — it gives up ("bails"), and the
 * reader starts over with libxml2, which then reports the error or reads
 * the construct exactly as before. The fast path never reports an error
 * itself, so every message a user can see still comes from libxml2 or the
 * builder (tests/test_tmx_fast.c reads documents both ways and compares).
 *
 * The input comes in pieces; tmx_fast_feed consumes whole tokens and says
 * how far it got, and the caller hands the rest back with more bytes.
 */
#ifndef TM_TMX_FAST_H
#define TM_TMX_FAST_H

#include <stddef.h>

#include <libxml/parser.h>

#include "util/buf.h"
#include "tmx_build.h"

#define TMX_FAST_MAX_DEPTH 64 /* deeper documents go to libxml2 */

typedef struct tmx_fast {
    tmx_build *b;
    xmlSAXHandler sax; /* the builder's handlers */
    int where;         /* PROLOG, CONTENT (inside the root), EPILOG */
    int started;       /* the BOM and XML declaration are behind */
    int doctype_seen;
    unsigned long line; /* at the scan position */
    int depth;          /* open elements */
    size_t open_end[TMX_FAST_MAX_DEPTH]; /* end of each open element's name in names */
    tm_buf names;       /* the open elements' names, one after the other */
    tm_buf tag;         /* one start tag: names NUL-terminated, decoded values */
    tm_buf text;        /* a decoded reference or comment */
} tmx_fast;

/* Reader flags for tests, besides tmx.h's: read with libxml2 alone; give
 * the fast path its input 7 bytes at a time (tokens cut everywhere). */
#define TMX_READ_NO_FAST (1 << 30)
#define TMX_READ_SMALL_CHUNKS (1 << 29)
struct tm_tmx_reader;
/* Did the fast path give up on the reader's document (so far)? */
int tmx_reader_bailed(const struct tm_tmx_reader *r);

void tmx_fast_init(tmx_fast *f, tmx_build *b);
void tmx_fast_free(tmx_fast *f);

/* Tokenize p[0, n), whole tokens only, calling the builder's handlers;
 * last: no bytes follow. 0 with *used bytes consumed (the rest, an
 * unfinished token, is to come again with more bytes after it), or -1:
 * bail, the document must be read by libxml2. With last, 0 means the
 * whole document was read. */
int tmx_fast_feed(tmx_fast *f, const char *p, size_t n, int last, size_t *used);

#endif
