/*
 * tmx_read.c — streaming TMX reader on libxml2's SAX2 push parser.
 *
 * The file is read in 64 KiB chunks and pushed into the parser; the SAX
 * handlers (tmx_build.c) turn the events into finished units in a queue,
 * and tm_tmx_reader_next hands them out, pushing another chunk whenever the
 * queue runs dry. Memory is bounded by a chunk's worth of units, not by the
 * file, and no DOM is built: an import spends its parsing time in the
 * tokenizer, not in building and freeing trees.
 *
 * A regular file or an in-memory document goes first through the fast
 * path (tmx_fast.c), 256 KiB at a time, which feeds the same handlers.
 * When it gives up, the document is read again from its first byte by
 * libxml2, and the units already handed out are skipped (delivered,
 * skip): the caller sees one stream of units, and every error is
 * libxml2's or the builder's. Standard input, which cannot be read again,
 * goes to libxml2 alone.
 *
 * The whole document is parsed, to its last byte: a file cut after
 * </body> is reported as not well-formed, like one cut anywhere else.
 * Units before an error are still handed out, then the error.
 *
 * Parser options: NONET (nothing over the network), no NOENT (entities are
 * never substituted), no DTDLOAD/DTDATTR (no external DTD is read),
 * BIG_LINES (true line numbers past 65535). Any entity declaration or
 * entity reference is refused (tmx_build.c).
 */
#include "util/file.h"
#include "tmx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "tmx_build.h"
#include "tmx_fast.h"

/* (no XML_PARSE_NOCDATA: it would send CDATA to the characters handler,
 * past on_cdata's line-end normalization, tmx_build.c) */
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING)
#define CHUNK (64 * 1024)
#define FAST_CHUNK (256 * 1024)
#define FAST_MAX_TOKEN (4 << 20) /* a longer token goes to libxml2 */

struct tm_tmx_reader {
    tmx_build b;
    xmlParserCtxtPtr ctxt;
    char *name;
    FILE *fp;            /* the file, or stdin (not closed) */
    char *mem;           /* or the bytes of an in-memory document */
    size_t mem_len, mem_pos;
    char *chunk;         /* the last 64 KiB read from fp (files only) */
    int finished; /* the parser has had the whole input */
    int lenient, pack;

    /* The fast path (tmx_fast.c), while it reads: the input must be a file
     * or memory, to be read again by libxml2 when the fast path gives up.
     * Then the units it handed out (delivered) are skipped (skip). */
    int fast;
    tmx_fast fx;
    char *fbuf;            /* file bytes not consumed yet: [fpos, flen) */
    size_t fpos, flen, fcap;
    size_t fchunk;         /* bytes read (or offered from memory) at a time */
    size_t fwin;           /* memory: how much is offered now */
    size_t delivered, skip;
    int bailed;
};

/* The builder, fresh, with the reader's options. */
static void build_init(tm_tmx_reader *r)
{
    tmx_build_init(&r->b, r->name, r->lenient);
    r->b.pack = r->pack;
}

/* The next bytes of the input (at most want) in *data: read into r->chunk
 * from a file, or pointed at in memory; *got = 0 at the end. */
static tm_status read_chunk(tm_tmx_reader *r, size_t want, const char **data, size_t *got,
                            tm_error *err)
{
    if (r->mem) {
        size_t n = r->mem_len - r->mem_pos;
        *got = n < want ? n : want;
        *data = r->mem + r->mem_pos;
        r->mem_pos += *got;
        return TM_OK;
    }
    *data = r->chunk;
    *got = fread(r->chunk, 1, want, r->fp);
    if (*got < want && ferror(r->fp))
        return tm_error_at(err, TM_EIO, r->name, 0, "read error: %s", strerror(errno));
    return TM_OK;
}

/* libxml2 stopped without a report through the error handler: an input
 * conversion failure (bytes that are not in the document's encoding). */
static void not_well_formed(tm_tmx_reader *r, int code)
{
    unsigned long line = (unsigned long)xmlSAX2GetLineNumber(r->ctxt);
    if (code == XML_ERR_INVALID_ENCODING || code == -1)
        tm_error_at(&r->b.fail, TM_EDATA, r->name, line,
                    "not well-formed XML: bytes that are not valid in the document's encoding");
    else
        tm_error_at(&r->b.fail, TM_EDATA, r->name, line, "not well-formed XML (libxml2 error %d)", code);
    r->finished = 1;
}

/* Push the next chunk (or the end of input) into the parser. */
static tm_status feed(tm_tmx_reader *r, tm_error *err)
{
    size_t n;
    const char *data;
    tm_status st = read_chunk(r, CHUNK, &data, &n, err);
    if (st != TM_OK)
        return st;
    r->finished = n == 0;
    int rc = xmlParseChunk(r->ctxt, data, (int)n, r->finished);
    if (r->finished)
        tmx_build_settle(&r->b);
    if (r->b.fail.code == TM_OK && (rc != 0 || !r->ctxt->wellFormed))
        not_well_formed(r, rc);
    if (r->b.fail.code != TM_OK)
        r->finished = 1;
    return TM_OK;
}

static tm_status fail(tm_tmx_reader *r, tm_error *err)
{
    if (err)
        *err = r->b.fail;
    return r->b.fail.code;
}

/* Create the parser on the first bytes (they tell UTF-16 from UTF-8) and
 * parse up to the start of <body>. */
static tm_status start_libxml2(tm_tmx_reader *r, tm_error *err)
{
    xmlSAXHandler sax;
    tmx_build_handlers(&sax);
    size_t n;
    const char *data;
    tm_status st = read_chunk(r, 4, &data, &n, err);
    if (st != TM_OK)
        return st;
    r->ctxt = xmlCreatePushParserCtxt(&sax, &r->b, data, (int)n, r->name);
    if (!r->ctxt)
        return tm_error_nomem(err);
    xmlCtxtUseOptions(r->ctxt, READER_OPTIONS);
    r->b.ctxt = r->ctxt;
    while (!r->b.body_seen && !r->finished)
        if ((st = feed(r, err)) != TM_OK)
            return st;
    return TM_OK;
}

/* The fast path gave up: everything is read again by libxml2 from the
 * first byte, and the units already handed out are skipped. */
static tm_status restart(tm_tmx_reader *r, tm_error *err)
{
    tmx_fast_free(&r->fx);
    r->fast = 0;
    r->bailed = 1;
    tmx_build_free(&r->b);
    build_init(r);
    r->skip = r->delivered;
    r->finished = 0;
    r->mem_pos = 0;
    if (r->fp) {
        clearerr(r->fp);
        if (fseek(r->fp, 0, SEEK_SET) != 0)
            return tm_error_at(err, TM_EIO, r->name, 0, "cannot read again: %s", strerror(errno));
    }
    return start_libxml2(r, err);
}

/* The fast path's next input: from memory a window of it, from a file
 * what is left unconsumed and the next chunk. */
static tm_status fast_input(tm_tmx_reader *r, const char **p, size_t *n, int *last, tm_error *err)
{
    if (r->mem) {
        size_t left = r->mem_len - r->mem_pos;
        *n = left < r->fwin ? left : r->fwin;
        *p = r->mem + r->mem_pos;
        *last = *n == left;
        return TM_OK;
    }
    if (r->fpos) {
        memmove(r->fbuf, r->fbuf + r->fpos, r->flen - r->fpos);
        r->flen -= r->fpos;
        r->fpos = 0;
    }
    if (tm_array_reserve(&r->fbuf, &r->fcap, r->flen + r->fchunk, 1, FAST_CHUNK) != 0)
        return tm_error_nomem(err);
    size_t got = fread(r->fbuf + r->flen, 1, r->fchunk, r->fp);
    if (got < r->fchunk && ferror(r->fp))
        return tm_error_at(err, TM_EIO, r->name, 0, "read error: %s", strerror(errno));
    r->flen += got;
    *p = r->fbuf;
    *n = r->flen;
    *last = got < r->fchunk;
    return TM_OK;
}

/* Tokens of the next input through the fast path, or the switch to
 * libxml2 when it gives up. */
static tm_status fast_feed(tm_tmx_reader *r, tm_error *err)
{
    const char *p = NULL;
    size_t n = 0, used;
    int last = 0;
    tm_status st = fast_input(r, &p, &n, &last, err);
    if (st != TM_OK)
        return st;
    int rc = tmx_fast_feed(&r->fx, p, n, last, &used);
    if (rc == 0 && used == 0 && !last && n >= FAST_MAX_TOKEN)
        rc = -1;
    if (rc != 0)
        return restart(r, err);
    if (r->mem) {
        r->mem_pos += used;
        r->fwin = used ? r->fchunk : r->fwin * 2; /* (a token longer than the window) */
    } else {
        r->fpos = used;
    }
    r->finished = last;
    return TM_OK;
}

/* Read up to the start of <body>. */
static tm_status start(tm_tmx_reader *r, tm_error *err)
{
    tm_status st;
    if (!r->fast && (st = start_libxml2(r, err)) != TM_OK)
        return st;
    while (r->fast && !r->b.body_seen && !r->finished)
        if ((st = fast_feed(r, err)) != TM_OK)
            return st;
    if (!r->b.body_seen && r->b.fail.code != TM_OK)
        return fail(r, err); /* (a later error comes after the units before it) */
    if (!r->b.body_seen)
        return tm_error_at(err, TM_EDATA, r->name, 0, "no <body> element: not a TMX file?");
    return TM_OK;
}

static tm_status open_reader(tm_tmx_reader *r, tm_tmx_reader **out, tm_error *err)
{
    tm_status st = start(r, err);
    if (st != TM_OK) {
        tm_tmx_reader_free(r);
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
        return NULL;
    }
    if (r) {
        r->lenient = flags & TM_TMX_LENIENT;
        r->pack = (flags & TM_TMX_PACKED) != 0;
        build_init(r);
        tmx_fast_init(&r->fx, &r->b);
        r->fchunk = r->fwin = flags & TMX_READ_SMALL_CHUNKS ? 7 : FAST_CHUNK;
    }
    return r;
}

tm_status tm_tmx_reader_open(tm_tmx_reader **out, const char *path, int flags,
                             tm_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    *out = NULL;
    FILE *fp = stdin;
    if (!is_stdin) {
        tm_status st = tm_file_fopen_read(path, "a TMX file", &fp, err);
        if (st != TM_OK)
            return st;
    }
    tm_tmx_reader *r = reader_new(is_stdin ? "<stdin>" : path, flags);
    struct stat sb;
    if (r) {
        r->fp = fp; /* (closed by tm_tmx_reader_free from here on) */
        r->fast = !is_stdin && !(flags & TMX_READ_NO_FAST) && fstat(fileno(fp), &sb) == 0 &&
                  S_ISREG(sb.st_mode);
    }
    if (!r || !(r->chunk = malloc(CHUNK))) {
        if (r)
            tm_tmx_reader_free(r);
        else if (!is_stdin)
            fclose(fp);
        return tm_error_nomem(err);
    }
    return open_reader(r, out, err);
}

tm_status tm_tmx_reader_open_mem(tm_tmx_reader **out, const char *name,
                                 const char *data, size_t len, int flags,
                                 tm_error *err)
{
    *out = NULL;
    tm_tmx_reader *r = reader_new(name, flags);
    if (!r || !(r->mem = malloc(len ? len : 1))) {
        tm_tmx_reader_free(r);
        return tm_error_nomem(err);
    }
    memcpy(r->mem, data, len);
    r->mem_len = len;
    r->fast = !(flags & TMX_READ_NO_FAST);
    return open_reader(r, out, err);
}

tm_status tm_tmx_reader_next(tm_tmx_reader *r, tm_tu *tu, int *got, tm_error *err)
{
    tm_tu_clear(tu);
    *got = 0;
    tmx_build *b = &r->b;
    for (;;) {
        while (b->qhead == b->qlen) {
            if (b->fail.code != TM_OK)
                return fail(r, err);
            if (r->finished)
                return TM_OK;
            b->qhead = b->qlen = 0;
            tm_status st = r->fast ? fast_feed(r, err) : feed(r, err);
            if (st != TM_OK)
                return st;
        }
        tm_tu *next = &b->queue[b->qhead++];
        if (r->skip == 0)
            break;
        r->skip--; /* (handed out before libxml2 took over) */
        tm_tu_clear(next);
    }
    *tu = b->queue[b->qhead - 1];
    *got = 1;
    r->delivered++;
    return TM_OK;
}

const char *tm_tmx_reader_version(const tm_tmx_reader *r) { return r->b.version; }
const tm_annot *tm_tmx_reader_header(const tm_tmx_reader *r) { return &r->b.header; }
size_t tm_tmx_reader_skipped(const tm_tmx_reader *r) { return r->b.skipped; }
int tmx_reader_bailed(const tm_tmx_reader *r) { return r->bailed; }

void tm_tmx_reader_free(tm_tmx_reader *r)
{
    if (!r)
        return;
    if (r->ctxt) {
        /* libxml2 builds a document of its own for an entity declaration
         * (which is then refused); the context does not free it. */
        if (r->ctxt->myDoc)
            xmlFreeDoc(r->ctxt->myDoc);
        xmlFreeParserCtxt(r->ctxt);
    }
    if (r->fp && r->fp != stdin)
        fclose(r->fp);
    tmx_build_free(&r->b);
    tmx_fast_free(&r->fx);
    free(r->fbuf);
    free(r->chunk);
    free(r->mem);
    free(r->name);
    free(r);
}
