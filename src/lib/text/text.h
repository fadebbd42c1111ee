/*
 * text.h — the text layer: turning a file or stdin into validated NFC
 * UTF-8 lines and paragraphs.
 *
 * A tm_reader decodes its source (UTF-8, optionally with a BOM; UTF-16LE/BE
 * with a BOM), splits it on LF, CRLF or CR, checks every line strictly
 * (valid UTF-8 or UTF-16, no NUL byte) and hands out each line in NFC.
 * Memory is bounded by the longest line, not by the file.
 *
 * Because a command must never write output for an input that later turns
 * out to be broken, tm_reader_open validates the whole source before the
 * first line is handed out (stdin is spooled to a temporary file for that).
 * A caller that streams from a pipe of unbounded size can opt out with
 * TM_READ_NO_PREVALIDATE and handle a late error itself.
 *
 * Offsets: tm_line.offset is the byte offset of the line in the
 * *normalized text*, i.e. the concatenation of the NFC lines each followed by
 * one '\n' (BOM removed, any line end counted as one byte). This is the text
 * that `segment --format jsonl` offsets refer to.
 */
#ifndef TM_TEXT_H
#define TM_TEXT_H

#include <stdio.h>

#include "util/error.h"
#include "norm.h"
#include "utf8.h"

typedef enum tm_encoding {
    TM_ENC_UTF8 = 0,
    TM_ENC_UTF8_BOM,
    TM_ENC_UTF16LE,
    TM_ENC_UTF16BE,
} tm_encoding;

enum {
    TM_READ_NO_PREVALIDATE = 1 << 0, /* hand out lines before seeing the end */
    TM_READ_NO_NFC = 1 << 1,         /* keep the text as decoded */
};

typedef struct tm_line {
    const char *text;     /* NUL-terminated, no line end; valid until the next call */
    size_t len;           /* bytes, without the terminator */
    unsigned long lineno; /* 1-based line number in the source */
    size_t offset;        /* byte offset in the normalized text (see above) */
} tm_line;

typedef struct tm_reader tm_reader;

/* Open path for reading ("-" is stdin). name is used in error messages
 * ("<stdin>" for "-"). */
tm_status tm_reader_open(tm_reader **out, const char *path, int flags,
                         tm_error *err);

/* Read from memory (tests, fuzzers, embedded callers). The bytes are
 * copied; name labels errors. */
tm_status tm_reader_open_mem(tm_reader **out, const char *name,
                             const void *data, size_t len, int flags,
                             tm_error *err);

/* Next line, empty lines included. At end of input: TM_OK with
 * line->text == NULL. */
tm_status tm_reader_next_line(tm_reader *r, tm_line *line, tm_error *err);

/* Next paragraph: the next line that holds something other than
 * whitespace. Same end-of-input convention. */
tm_status tm_reader_next_para(tm_reader *r, tm_line *para, tm_error *err);

/* Start again from the first line (a validated source is always
 * seekable: files are, and stdin was spooled). TM_EUSAGE for a reader
 * opened with TM_READ_NO_PREVALIDATE on a pipe. */
tm_status tm_reader_rewind(tm_reader *r, tm_error *err);

/* The source's encoding, as detected from its first bytes. */
tm_encoding tm_reader_encoding(const tm_reader *r);
const char *tm_encoding_name(tm_encoding enc);

/* The name used in messages. */
const char *tm_reader_name(const tm_reader *r);

void tm_reader_free(tm_reader *r);

/* True if s holds only Unicode white space (or nothing). s is valid UTF-8. */
int tm_text_is_blank(const char *s, size_t n);

#endif
