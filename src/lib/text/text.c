/*
 * text.c — decoding, line splitting, validation and NFC for tm_reader.
 *
 * Pipeline per refill: raw bytes --(UTF-16 decode if needed)--> dec (UTF-8)
 * --(split on LF/CR/CRLF)--> line --(strict check, NFC)--> caller.
 *
 * Invariants:
 *   - dec[dec_pos..dec.len) is decoded text not yet assigned to a line;
 *   - stream_off counts decoded bytes consumed into lines, terminators
 *     included, so for UTF-8 sources bom_len + stream_off is a file offset;
 *   - pending_cr is set when the last byte consumed was a CR that ended a
 *     line, so a following LF (possibly in the next chunk) is swallowed.
 */
#include "text.h"
#include "util/file.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "util/buf.h"
#include "utf8.h"

#define CHUNK 65536
#define LINE_MAX_BYTES ((size_t)1 << 30) /* ICU strings are int32-indexed */

struct tm_reader {
    FILE *fp;
    int own_fp;
    long start;  /* file position where the text starts (before any BOM) */
    char *name;
    int flags;

    tm_encoding enc;
    size_t bom_len;
    int eof;
    unsigned char *raw; /* UTF-16 only: undecoded bytes */
    size_t raw_off;     /* raw bytes read so far, BOM included */
    int carry;          /* UTF-16: an odd byte left over, or -1 */
    uint32_t high;      /* UTF-16: pending high surrogate, or 0 */

    tm_buf dec;
    size_t dec_pos;
    size_t stream_off;
    int pending_cr;

    tm_buf line;
    size_t line_start; /* stream offset of the current line */
    unsigned long lineno;
    size_t norm_off;

    int validated; /* the whole source passed check_line once already */
    int prevalidating;  /* in that first pass, noting unstable lines */
    int line_stable;    /* check_line found the current line NFC-stable */
    unsigned long *unstable; /* lines (numbers, increasing) not certainly NFC */
    size_t nunstable, capunstable, unstable_next;
    int unstable_overflow;   /* too many to note: check every line again */

    tm_buf nfc;
    UChar *u16;
    UChar *u16n;
    int32_t u16cap, u16ncap;
};

const char *tm_encoding_name(tm_encoding enc)
{
    switch (enc) {
    case TM_ENC_UTF8:
        return "UTF-8";
    case TM_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case TM_ENC_UTF16LE:
        return "UTF-16LE";
    case TM_ENC_UTF16BE:
        return "UTF-16BE";
    }
    return "?";
}

/* ---- set-up ---------------------------------------------------------- */

static void reset_state(tm_reader *r)
{
    r->enc = TM_ENC_UTF8;
    r->bom_len = 0;
    r->eof = 0;
    r->raw_off = 0;
    r->carry = -1;
    r->high = 0;
    tm_buf_clear(&r->dec);
    r->dec_pos = 0;
    r->stream_off = 0;
    r->pending_cr = 0;
    tm_buf_clear(&r->line);
    r->line_start = 0;
    r->lineno = 0;
    r->norm_off = 0;
}

/* Look at the first bytes for a byte-order mark. */
static tm_status detect_bom(tm_reader *r, tm_error *err)
{
    unsigned char b[4];
    size_t n = fread(b, 1, sizeof b, r->fp);
    if (ferror(r->fp))
        return tm_error_at(err, TM_EIO, r->name, 0, "read error: %s",
                           strerror(errno));
    if (n >= 4 && ((b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) ||
                   (b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)))
        return tm_error_at(err, TM_EDATA, r->name, 1,
                           "UTF-32 text is not supported; convert it to UTF-8");
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        r->enc = TM_ENC_UTF8_BOM;
        r->bom_len = 3;
    } else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
        r->enc = TM_ENC_UTF16LE;
        r->bom_len = 2;
    } else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
        r->enc = TM_ENC_UTF16BE;
        r->bom_len = 2;
    }
    if (fseek(r->fp, r->start + (long)r->bom_len, SEEK_SET) != 0)
        return tm_error_at(err, TM_EIO, r->name, 0, "cannot seek: %s",
                           strerror(errno));
    r->raw_off = r->bom_len;
    return TM_OK;
}

/* Copy a non-seekable stream (a pipe) into an anonymous temporary file so
 * that it can be validated first and read again. */
static tm_status spool(tm_reader *r, tm_error *err)
{
    FILE *tmp = tmpfile();
    if (!tmp)
        return tm_error_at(err, TM_EIO, r->name, 0,
                           "cannot create a temporary file: %s", strerror(errno));
    char *chunk = malloc(CHUNK);
    if (!chunk) {
        fclose(tmp);
        return tm_error_nomem(err);
    }
    size_t n;
    while ((n = fread(chunk, 1, CHUNK, r->fp)) > 0) {
        if (fwrite(chunk, 1, n, tmp) != n) {
            free(chunk);
            fclose(tmp);
            return tm_error_at(err, TM_EIO, r->name, 0,
                               "cannot write a temporary copy: %s",
                               strerror(errno));
        }
    }
    free(chunk);
    if (ferror(r->fp)) {
        fclose(tmp);
        return tm_error_at(err, TM_EIO, r->name, 0, "read error: %s",
                           strerror(errno));
    }
    if (r->own_fp)
        fclose(r->fp);
    r->fp = tmp;
    r->own_fp = 1;
    r->start = 0;
    rewind(tmp);
    return TM_OK;
}

static int is_seekable(FILE *fp, long *pos)
{
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    *pos = ftell(fp);
    return *pos >= 0;
}

static tm_status prevalidate(tm_reader *r, tm_error *err)
{
    int saved = r->flags;
    r->prevalidating = !(r->flags & TM_READ_NO_NFC);
    r->flags |= TM_READ_NO_NFC;
    tm_line line;
    tm_status st;
    do
        st = tm_reader_next_line(r, &line, err);
    while (st == TM_OK && line.text);
    r->flags = saved;
    r->prevalidating = 0;
    if (st != TM_OK)
        return st;
    r->validated = 1;
    r->unstable_next = 0;
    reset_state(r);
    if (fseek(r->fp, r->start, SEEK_SET) != 0)
        return tm_error_at(err, TM_EIO, r->name, 0, "cannot seek: %s",
                           strerror(errno));
    return detect_bom(r, err);
}

static tm_status reader_init(tm_reader *r, tm_error *err)
{
    tm_status st;
    if (!(r->flags & TM_READ_NO_PREVALIDATE) && !is_seekable(r->fp, &r->start)) {
        if ((st = spool(r, err)) != TM_OK)
            return st;
    }
    reset_state(r);
    if ((st = detect_bom(r, err)) != TM_OK)
        return st;
    if (r->enc == TM_ENC_UTF16LE || r->enc == TM_ENC_UTF16BE) {
        r->raw = malloc(CHUNK);
        if (!r->raw)
            return tm_error_nomem(err);
    }
    if (!(r->flags & TM_READ_NO_PREVALIDATE))
        return prevalidate(r, err);
    return TM_OK;
}

static tm_reader *reader_new(const char *name, int flags)
{
    tm_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->name = strdup(name);
    if (!r->name) {
        free(r);
        return NULL;
    }
    r->flags = flags;
    return r;
}

static tm_status finish_open(tm_reader *r, tm_reader **out, tm_error *err)
{
    tm_status st = reader_init(r, err);
    if (st != TM_OK) {
        tm_reader_free(r);
        *out = NULL;
        return st;
    }
    *out = r;
    return TM_OK;
}

tm_status tm_reader_open(tm_reader **out, const char *path, int flags,
                         tm_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    tm_reader *r = reader_new(is_stdin ? "<stdin>" : path, flags);
    if (!r)
        return tm_error_nomem(err);
    if (is_stdin) {
        r->fp = stdin;
    } else {
        tm_status st = tm_file_fopen_read(path, "a text file", &r->fp, err);
        if (st != TM_OK) {
            tm_reader_free(r);
            return st;
        }
        r->own_fp = 1;
    }
    return finish_open(r, out, err);
}

tm_status tm_reader_open_mem(tm_reader **out, const char *name,
                             const void *data, size_t len, int flags,
                             tm_error *err)
{
    tm_reader *r = reader_new(name, flags);
    if (!r)
        return tm_error_nomem(err);
    r->fp = tmpfile();
    if (!r->fp || (len && fwrite(data, 1, len, r->fp) != len) ||
        fflush(r->fp) != 0) {
        tm_error_at(err, TM_EIO, name, 0, "cannot buffer input: %s",
                    strerror(errno));
        tm_reader_free(r);
        return TM_EIO;
    }
    r->own_fp = 1;
    rewind(r->fp);
    r->flags &= ~TM_READ_NO_PREVALIDATE; /* a regular file: always cheap */
    return finish_open(r, out, err);
}

void tm_reader_free(tm_reader *r)
{
    if (!r)
        return;
    if (r->own_fp && r->fp)
        fclose(r->fp);
    free(r->name);
    free(r->raw);
    tm_buf_free(&r->dec);
    tm_buf_free(&r->line);
    tm_buf_free(&r->nfc);
    free(r->u16);
    free(r->u16n);
    free(r->unstable);
    free(r);
}

tm_status tm_reader_rewind(tm_reader *r, tm_error *err)
{
    long pos;
    if (!is_seekable(r->fp, &pos))
        return tm_error_at(err, TM_EUSAGE, r->name, 0, "cannot read this input twice");
    reset_state(r);
    if (fseek(r->fp, r->start, SEEK_SET) != 0)
        return tm_error_at(err, TM_EIO, r->name, 0, "cannot seek: %s", strerror(errno));
    return detect_bom(r, err);
}

tm_encoding tm_reader_encoding(const tm_reader *r) { return r->enc; }
const char *tm_reader_name(const tm_reader *r) { return r->name; }

/* ---- decoding -------------------------------------------------------- */

static tm_status utf16_error(tm_reader *r, size_t at, uint32_t unit,
                             tm_error *err)
{
    return tm_error_at(err, TM_EDATA, r->name, r->lineno + 1,
                       "invalid UTF-16: unpaired surrogate 0x%04X at byte offset %zu",
                       (unsigned)unit, at);
}

static tm_status put_cp(tm_reader *r, uint32_t cp, tm_error *err)
{
    char enc[4];
    size_t n = tm_utf8_encode(cp, enc);
    return tm_buf_append(&r->dec, enc, n) == 0 ? TM_OK : tm_error_nomem(err);
}

/* Decode n raw UTF-16 bytes (plus a carried odd byte) into dec. */
static tm_status decode_utf16(tm_reader *r, const unsigned char *p, size_t n,
                              tm_error *err)
{
    int be = r->enc == TM_ENC_UTF16BE;
    size_t base = r->raw_off - n; /* file offset of p[0] */
    size_t i = 0;
    unsigned char pair[2];
    tm_status st;
    while (i < n) {
        size_t at = base + i;
        if (r->carry >= 0) {
            pair[0] = (unsigned char)r->carry;
            pair[1] = p[i++];
            r->carry = -1;
            at -= 1;
        } else if (i + 1 < n) {
            pair[0] = p[i++];
            pair[1] = p[i++];
        } else {
            r->carry = p[i++];
            break;
        }
        uint32_t u = be ? (uint32_t)(pair[0] << 8 | pair[1])
                        : (uint32_t)(pair[1] << 8 | pair[0]);
        if (r->high) {
            if (u < 0xDC00 || u > 0xDFFF)
                return utf16_error(r, at - 2, r->high, err);
            uint32_t cp = 0x10000 + ((r->high - 0xD800) << 10) + (u - 0xDC00);
            r->high = 0;
            if ((st = put_cp(r, cp, err)) != TM_OK)
                return st;
        } else if (u >= 0xD800 && u <= 0xDBFF) {
            r->high = u;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return utf16_error(r, at, u, err);
        } else if ((st = put_cp(r, u, err)) != TM_OK) {
            return st;
        }
    }
    return TM_OK;
}

/* Read the next chunk into dec. Sets r->eof when the source is exhausted. */
static tm_status refill(tm_reader *r, tm_error *err)
{
    /* Drop what the line splitter consumed, keep the rest. */
    if (r->dec_pos > 0) {
        size_t rest = r->dec.len - r->dec_pos;
        memmove(r->dec.data, r->dec.data + r->dec_pos, rest);
        r->dec.len = rest;
        r->dec_pos = 0;
    }
    int utf16 = r->enc == TM_ENC_UTF16LE || r->enc == TM_ENC_UTF16BE;
    size_t n;
    if (utf16) {
        n = fread(r->raw, 1, CHUNK, r->fp);
    } else {
        if (tm_buf_grow(&r->dec, CHUNK) != 0)
            return tm_error_nomem(err);
        n = fread(r->dec.data + r->dec.len, 1, CHUNK, r->fp);
    }
    if (ferror(r->fp))
        return tm_error_at(err, TM_EIO, r->name, 0, "read error: %s",
                           strerror(errno));
    r->raw_off += n;
    if (n == 0) {
        r->eof = 1;
        if (utf16 && r->carry >= 0)
            return tm_error_at(err, TM_EDATA, r->name, r->lineno + 1,
                               "truncated UTF-16: odd number of bytes");
        if (utf16 && r->high)
            return utf16_error(r, r->raw_off - 2, r->high, err);
        return TM_OK;
    }
    if (utf16)
        return decode_utf16(r, r->raw, n, err);
    r->dec.len += n;
    r->dec.data[r->dec.len] = '\0';
    return TM_OK;
}

/* ---- lines ----------------------------------------------------------- */

/* BMP code points that are NFC_Quick_Check=Yes with canonical combining
 * class 0. A string made only of them is in NFC as it stands (the quick
 * check of UAX #15 can then only answer yes), so most lines skip the round
 * trip through UTF-16 and ICU. One bit per code point, built once. */
static uint64_t nfc_stable[0x10000 / 64];
static pthread_once_t nfc_stable_once = PTHREAD_ONCE_INIT;

/* Set once the stable code points are known to include all of U+0000..02FF,
 * U+1E00..1EFF and U+2002..203F, the ranges nfc_prefilter lets through. */
static int nfc_ranges_stable;

static int all_stable(UChar32 from, UChar32 to)
{
    for (UChar32 c = from; c <= to; c++)
        if (!((nfc_stable[c >> 6] >> (c & 63)) & 1))
            return 0;
    return 1;
}

static void nfc_stable_build(void)
{
    for (UChar32 c = 0; c < 0x10000; c++)
        if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES &&
            u_getCombiningClass(c) == 0)
            nfc_stable[c >> 6] |= UINT64_C(1) << (c & 63);
    nfc_ranges_stable = all_stable(0, 0x2FF) && all_stable(0x1E00, 0x1EFF) && all_stable(0x2002, 0x203F);
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Vietnamese and French text is ASCII, Latin (2-byte, below U+0300), the
 * Vietnamese letters of U+1E00..1EFF (E1 B8..BB xx) and punctuation of
 * U+2002..203F (E2 80 82..BF): all NFC-stable. Looks 16 bytes at a time
 * for any other lead byte; *done is how far it got (blocks of 16 that hold
 * none). 1 when it reached the last 17 bytes, 0 at the first other one. */
static int nfc_prefilter(const unsigned char *p, size_t n, size_t *done)
{
    const __m128i x_cc = _mm_set1_epi8((char)0xCC), x_e1 = _mm_set1_epi8((char)0xE1),
                  x_e2 = _mm_set1_epi8((char)0xE2), x_fc = _mm_set1_epi8((char)0xFC),
                  x_b8 = _mm_set1_epi8((char)0xB8), x_80 = _mm_set1_epi8((char)0x80),
                  x_82 = _mm_set1_epi8((char)0x82);
    size_t i = 0;
    for (; i + 18 <= n; i += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i n1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
        __m128i n2 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 2));
        __m128i high = _mm_cmpeq_epi8(_mm_max_epu8(b, x_cc), b); /* b >= 0xCC */
        __m128i ok_e1 = _mm_and_si128(_mm_cmpeq_epi8(b, x_e1),
                                      _mm_cmpeq_epi8(_mm_and_si128(n1, x_fc), x_b8));
        __m128i ok_e2 = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(b, x_e2), _mm_cmpeq_epi8(n1, x_80)),
                                      _mm_cmpeq_epi8(_mm_max_epu8(n2, x_82), n2));
        if (_mm_movemask_epi8(_mm_andnot_si128(_mm_or_si128(ok_e1, ok_e2), high))) {
            *done = i;
            return 0;
        }
    }
    *done = i;
    return 1;
}
#endif

/* Is valid UTF-8 s certainly in NFC? A code point at a time from where the
 * prefilter stopped (backed up to a character's start). */
static int nfc_quick_yes(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    pthread_once(&nfc_stable_once, nfc_stable_build);
#if defined(__SSE2__)
    if (nfc_ranges_stable) {
        nfc_prefilter(p, n, &i);
        while (i > 0 && (p[i] & 0xC0) == 0x80)
            i--;
    }
#endif
    while (i < n) {
        if (p[i] < 0x80) {
            i += i + 8 <= n ? tm_utf8_ascii8(s + i) : 1;
            continue;
        }
        uint32_t cp;
        size_t k = tm_utf8_decode(p + i, n - i, &cp);
        if (k == 0 || cp > 0xFFFF || !((nfc_stable[cp >> 6] >> (cp & 63)) & 1))
            return 0;
        i += k;
    }
    return 1;
}

/* The length of the longest valid UTF-8 prefix of s (n when all of it is
 * valid), and in *stable whether s is certainly in NFC. */
static size_t scan_utf8(const char *s, size_t n, int *stable)
{
    size_t ok = tm_utf8_valid_prefix(s, n);
    *stable = ok == n && nfc_quick_yes(s, n);
    return ok;
}

/* Pass 1 notes the lines that are not certainly NFC, so that pass 2 looks
 * at no other; past this many it gives up noting and pass 2 checks all. */
#define UNSTABLE_MAX 65536

static void note_unstable(tm_reader *r)
{
    if (r->unstable_overflow)
        return;
    if (r->nunstable == UNSTABLE_MAX ||
        tm_array_reserve(&r->unstable, &r->capunstable, r->nunstable + 1, sizeof *r->unstable, 64)) {
        r->unstable_overflow = 1; /* only costs speed */
        return;
    }
    r->unstable[r->nunstable++] = r->lineno;
}

/* Is the current line certainly in NFC already? */
static int line_is_stable(tm_reader *r, const char *s, size_t n)
{
    if (!r->validated)
        return r->line_stable; /* check_line just looked */
    if (r->unstable_overflow) {
        int stable;
        scan_utf8(s, n, &stable);
        return stable;
    }
    while (r->unstable_next < r->nunstable && r->unstable[r->unstable_next] < r->lineno)
        r->unstable_next++;
    return !(r->unstable_next < r->nunstable && r->unstable[r->unstable_next] == r->lineno);
}

static tm_status check_line(tm_reader *r, tm_error *err)
{
    const char *s = r->line.data ? r->line.data : "";
    size_t n = r->line.len;
    size_t ok = scan_utf8(s, n, &r->line_stable);
    int utf8 = r->enc == TM_ENC_UTF8 || r->enc == TM_ENC_UTF8_BOM;
    if (ok < n) /* only possible for UTF-8 sources: UTF-16 decodes to valid */
        return tm_error_at(err, TM_EDATA, r->name, r->lineno,
                           "invalid UTF-8 (byte 0x%02X) at byte offset %zu, column %zu",
                           (unsigned char)s[ok], r->bom_len + r->line_start + ok,
                           tm_utf8_count(s, ok) + 1);
    const char *nul = memchr(s, '\0', n);
    if (nul) {
        size_t at = (size_t)(nul - s);
        size_t col = tm_utf8_count(s, at) + 1;
        if (utf8)
            return tm_error_at(err, TM_EDATA, r->name, r->lineno,
                               "NUL byte at byte offset %zu, column %zu%s",
                               r->bom_len + r->line_start + at, col,
                               r->lineno == 1 ? " (UTF-16 without a byte-order mark?)" : "");
        return tm_error_at(err, TM_EDATA, r->name, r->lineno,
                           "NUL character at column %zu", col);
    }
    if (r->prevalidating && !r->line_stable)
        note_unstable(r);
    return TM_OK;
}

/* Assemble the next raw line into r->line. *got is 0 at end of input. */
static tm_status split_line(tm_reader *r, int *got, tm_error *err)
{
    tm_buf_clear(&r->line);
    r->line_start = r->stream_off;
    int any = 0;
    for (;;) {
        if (r->dec_pos == r->dec.len) {
            if (r->eof) {
                *got = any;
                return TM_OK;
            }
            tm_status st = refill(r, err);
            if (st != TM_OK)
                return st;
            continue;
        }
        const char *p = r->dec.data + r->dec_pos;
        size_t avail = r->dec.len - r->dec_pos;
        if (r->pending_cr) {
            r->pending_cr = 0;
            if (*p == '\n') {
                r->dec_pos++;
                r->stream_off++;
                r->line_start++;
                continue;
            }
        }
        const char *nl = memchr(p, '\n', avail);
        size_t k = nl ? (size_t)(nl - p) : avail;
        const char *cr = memchr(p, '\r', k);
        if (cr)
            k = (size_t)(cr - p);
        if (r->line.len + k > LINE_MAX_BYTES)
            return tm_error_at(err, TM_EDATA, r->name, r->lineno + 1,
                               "line longer than %zu bytes", LINE_MAX_BYTES);
        if (tm_buf_append(&r->line, p, k) != 0)
            return tm_error_nomem(err);
        any = 1;
        r->dec_pos += k;
        r->stream_off += k;
        if (k < avail) { /* found a line end */
            r->pending_cr = p[k] == '\r';
            r->dec_pos++;
            r->stream_off++;
            *got = 1;
            return TM_OK;
        }
    }
}

static tm_status grow_u16(UChar **p, int32_t *cap, int32_t need, tm_error *err)
{
    if (need <= *cap)
        return TM_OK;
    UChar *q = realloc(*p, (size_t)need * sizeof(UChar));
    if (!q)
        return tm_error_nomem(err);
    *p = q;
    *cap = need;
    return TM_OK;
}

/* Put the NFC form of r->line into line->text. */
static tm_status to_nfc(tm_reader *r, tm_line *line, tm_error *err)
{
    line->text = r->line.data ? r->line.data : "";
    line->len = r->line.len;
    if ((r->flags & TM_READ_NO_NFC) || line_is_stable(r, line->text, line->len))
        return TM_OK;
    UErrorCode uc = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&uc);
    int32_t n16 = 0;
    tm_status st = grow_u16(&r->u16, &r->u16cap, (int32_t)line->len + 1, err);
    if (st != TM_OK)
        return st;
    u_strFromUTF8(r->u16, r->u16cap, &n16, line->text, (int32_t)line->len, &uc);
    if (U_FAILURE(uc))
        return tm_error_at(err, TM_EIO, r->name, r->lineno, "ICU: %s", u_errorName(uc));
    if (unorm2_spanQuickCheckYes(nfc, r->u16, n16, &uc) == n16 && U_SUCCESS(uc))
        return TM_OK;
    /* NFC never more than triples the length (Unicode stability policy). */
    if ((st = grow_u16(&r->u16n, &r->u16ncap, 3 * n16 + 1, err)) != TM_OK)
        return st;
    uc = U_ZERO_ERROR;
    int32_t nn = unorm2_normalize(nfc, r->u16, n16, r->u16n, r->u16ncap, &uc);
    if (U_FAILURE(uc))
        return tm_error_at(err, TM_EIO, r->name, r->lineno, "ICU: %s", u_errorName(uc));
    int32_t n8 = 0;
    u_strToUTF8(NULL, 0, &n8, r->u16n, nn, &uc);
    uc = U_ZERO_ERROR;
    tm_buf_clear(&r->nfc);
    if (tm_buf_grow(&r->nfc, (size_t)n8) != 0)
        return tm_error_nomem(err);
    u_strToUTF8(r->nfc.data, n8 + 1, &n8, r->u16n, nn, &uc);
    if (U_FAILURE(uc))
        return tm_error_at(err, TM_EIO, r->name, r->lineno, "ICU: %s", u_errorName(uc));
    r->nfc.len = (size_t)n8;
    line->text = r->nfc.data;
    line->len = r->nfc.len;
    return TM_OK;
}

tm_status tm_reader_next_line(tm_reader *r, tm_line *line, tm_error *err)
{
    int got = 0;
    line->text = NULL;
    line->len = 0;
    tm_status st = split_line(r, &got, err);
    if (st != TM_OK || !got)
        return st;
    r->lineno++;
    if (!r->validated && (st = check_line(r, err)) != TM_OK)
        return st;
    if ((st = to_nfc(r, line, err)) != TM_OK)
        return st;
    line->lineno = r->lineno;
    line->offset = r->norm_off;
    r->norm_off += line->len + 1;
    return TM_OK;
}

tm_status tm_reader_next_para(tm_reader *r, tm_line *para, tm_error *err)
{
    for (;;) {
        tm_status st = tm_reader_next_line(r, para, err);
        if (st != TM_OK || !para->text || !tm_text_is_blank(para->text, para->len))
            return st;
    }
}

int tm_text_is_blank(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = tm_utf8_decode(p + i, n - i, &cp);
        if (len == 0 || !u_isUWhiteSpace((UChar32)cp))
            return 0;
        i += len;
    }
    return 1;
}
