/*
 * tmx.h — TMX 1.4b: a streaming writer and a streaming reader (libxml2).
 *
 * Writer: xmlTextWriter into a caller's FILE*, constant memory. It writes
 * the header TMX 1.4b requires (creationtool, creationtoolversion, segtype,
 * o-tmf, adminlang, srclang, datatype, creationdate) and one <tu> per
 * tm_tu: its attributes, <prop>s and <note>s, then one <tuv xml:lang=...>
 * with its <seg> per variant. Characters XML 1.0 forbids (C0 controls other
 * than TAB, LF, CR; U+FFFE, U+FFFF) are dropped and counted: TMX from web
 * text must never be unreadable because of one stray control byte.
 *
 * Reader: libxml2's SAX2 push parser fed in chunks, units built straight
 * from the events (no DOM), so memory stays flat whatever the file size.
 * Reads TMX 1.1-1.4 (xml:lang or lang), UTF-8 or UTF-16 with a BOM, any
 * number of tuv per tu, keeps props, notes and the
 * inner XML of segments with inline codes, and gives plain text for
 * matching (bpt, ept, it, ph, ut and sub contents removed; hi kept).
 * Security: no network, no external DTD or entity is ever loaded, and a
 * document that declares or references entities is refused (that is how
 * billion-laughs and quadratic-blowup files are stopped before they cost
 * anything; real CAT tools never write entity declarations).
 */
#ifndef TM_TMX_H
#define TM_TMX_H

#include <stdio.h>
#include <time.h>

#include "util/error.h"
#include "tu.h"

/* ---- dates --------------------------------------------------------------- */

#define TM_TMX_DATE_LEN 17 /* "YYYYMMDDThhmmssZ" + NUL */
void tm_tmx_date(time_t t, char out[TM_TMX_DATE_LEN]);
/* Is s a well-formed TMX date with calendar-valid fields? */
int tm_tmx_date_valid(const char *s);

/* ---- writer ------------------------------------------------------------- */

/* The longest text tmkit reads into one <seg> (or <note>, <prop>), in
 * bytes. Segments are sentences or paragraphs; a longer one is a mistake or
 * an attack, and would cost many times its size in memory to index. The
 * reader refuses it (TM_EDATA naming the line; skipped and counted when
 * lenient), so an import stops before anything is committed. */
#define TM_TMX_MAX_TEXT (1u << 20)

typedef struct tm_tmx_header {
    const char *srclang;      /* required: "vi", "fr", "*all*" */
    const char *adminlang;    /* NULL: "en" */
    const char *datatype;     /* NULL: "plaintext" */
    const char *segtype;      /* NULL: "sentence" */
    const char *o_tmf;        /* NULL: "tmkit" */
    const char *creationdate; /* NULL: now */
    const tm_annot *extra;    /* header props and notes to write, or NULL */
} tm_tmx_header;

typedef struct tm_tmx_writer tm_tmx_writer;

/* Start a document on fp (not closed by the writer). name labels errors. */
tm_status tm_tmx_writer_open(tm_tmx_writer **out, FILE *fp, const char *name,
                             const tm_tmx_header *h, tm_error *err);
tm_status tm_tmx_writer_add(tm_tmx_writer *w, const tm_tu *tu, tm_error *err);
/* Close the document and flush it to fp. */
tm_status tm_tmx_writer_finish(tm_tmx_writer *w, tm_error *err);
/* Characters dropped because XML 1.0 does not allow them. */
size_t tm_tmx_writer_dropped(const tm_tmx_writer *w);
void tm_tmx_writer_free(tm_tmx_writer *w);

/* ---- reader -------------------------------------------------------------- */

enum {
    TM_TMX_LENIENT = 1 << 0, /* skip and count a broken <tu> instead of failing */
    /* Hand out packed units (tm_tu_pack): one allocation each, read-only.
     * For a caller that frees units on another thread (the store import). */
    TM_TMX_PACKED = 1 << 1,
};

typedef struct tm_tmx_reader tm_tmx_reader;

/* Open path ("-" for stdin) and read up to the start of <body>. */
tm_status tm_tmx_reader_open(tm_tmx_reader **out, const char *path, int flags,
                             tm_error *err);
tm_status tm_tmx_reader_open_mem(tm_tmx_reader **out, const char *name,
                                 const char *data, size_t len, int flags,
                                 tm_error *err);
/* Next unit into tu (cleared first). At the end: TM_OK and *got = 0. */
tm_status tm_tmx_reader_next(tm_tmx_reader *r, tm_tu *tu, int *got, tm_error *err);
/* The <tmx version> and the header's attributes, props and notes. */
const char *tm_tmx_reader_version(const tm_tmx_reader *r);
const tm_annot *tm_tmx_reader_header(const tm_tmx_reader *r);
/* Units skipped in lenient mode. */
size_t tm_tmx_reader_skipped(const tm_tmx_reader *r);
void tm_tmx_reader_free(tm_tmx_reader *r);

/* ---- validation ------------------------------------------------------------ */

/* Called once per problem found; line is 0 when unknown. */
typedef void (*tm_tmx_problem_fn)(void *ctx, unsigned long line, const char *msg);

/* Check a file against the TMX 1.4b structure and the rules beyond the DTD
 * (one tuv per language per tu, srclang present in every tu, well-formed
 * dates, paired bpt/ept). Every problem is reported through fn; *nproblems
 * receives the count. Returns TM_OK when the file could be read to the end
 * (whatever it found), or the error that stopped it (not well-formed XML,
 * unreadable file). */
tm_status tm_tmx_validate(const char *path, tm_tmx_problem_fn fn, void *ctx,
                          size_t *nproblems, tm_error *err);

#endif
