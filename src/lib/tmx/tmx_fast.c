/*
 * tmx_fast.c — the TMX reader's fast path (see tmx_fast.h for what it
 * reads and when it gives up).
 *
 * Why: libxml2 decodes Vietnamese text one character at a time, and on the
 * bench memory its tokenizer alone was 2.8 s of an import's 22 s of CPU.
 * This tokenizer finds the end of a text 16 bytes at a time (plain_run),
 * validates it with the SIMD UTF-8 validator, and hands the builder the
 * same SAX2 events.
 *
 * Every token is parsed from its first byte to its last before anything is
 * called: a token cut by the end of the input is left for the next feed,
 * whole (MORE), and the lines counted inside it are counted again then.
 * Lines are those libxml2 reports to the builder: a start tag is reported
 * at its closing '>', an end tag after it.
 *
 * Invariant: the names of the open elements lie one after the other in
 * f->names, each NUL-terminated, element k ending at open_end[k]; depth is
 * their number. A document element that has ended leaves where == EPILOG.
 */
#include "tmx_fast.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text/utf8.h"

enum { BAIL = -1, MORE = 0, DONE = 1 };
enum { PROLOG, CONTENT, EPILOG };

#define MAX_ATTRS 32
#define MAX_NAME 200
#define XML_NS "http://www.w3.org/XML/1998/namespace"

typedef const unsigned char uchar;

/* The scan of one token: input [0, n), position i, lines crossed. */
typedef struct scan {
    uchar *p;
    size_t n, i;
    unsigned long lines;
    int last;
} scan;

/* ---- characters ------------------------------------------------------------ */

static int is_space(unsigned c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int is_name_start(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(unsigned c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* A code point XML 1.0 allows in a document. */
static int is_xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* A character of content at s->i that is not markup: its length in *len
 * (DONE), MORE when the input ends inside it, BAIL when it is not a valid
 * character. A CR must be followed by LF (it is read as that line end). */
static int one_char(scan *s, size_t *len)
{
    unsigned c = s->p[s->i];
    if (c >= 0x20 && c < 0x80) {
        *len = 1;
        return DONE;
    }
    if (c == '\n' || c == '\t') {
        s->lines += c == '\n';
        *len = 1;
        return DONE;
    }
    if (c == '\r') {
        if (s->i + 1 >= s->n)
            return s->last ? BAIL : MORE;
        if (s->p[s->i + 1] != '\n')
            return BAIL; /* a lone CR: rare, left to libxml2 */
        s->lines++;
        *len = 2;
        return DONE;
    }
    if (c < 0x80)
        return BAIL;
    uint32_t cp;
    size_t k = tm_utf8_decode(s->p + s->i, s->n - s->i, &cp);
    if (k == 0)
        return s->n - s->i < 4 && !s->last ? MORE : BAIL;
    if (!is_xml_char(cp))
        return BAIL;
    *len = k;
    return DONE;
}

static int skip_space(scan *s)
{
    while (s->i < s->n && is_space(s->p[s->i])) {
        if (s->p[s->i] == '\r') {
            size_t len;
            int rc = one_char(s, &len);
            if (rc != DONE)
                return rc;
            s->i += len;
            continue;
        }
        s->lines += s->p[s->i] == '\n';
        s->i++;
    }
    return s->i < s->n ? DONE : (s->last ? BAIL : MORE);
}

/* Does the input at s->i start with lit? MORE when it might. */
static int starts(const scan *s, const char *lit)
{
    size_t k = strlen(lit), have = s->n - s->i;
    if (memcmp(s->p + s->i, lit, have < k ? have : k) != 0)
        return BAIL;
    return have >= k ? DONE : (s->last ? BAIL : MORE);
}

/* An ASCII name at s->i, with at most one ':' when colon allows it. */
static int name(scan *s, size_t *start, size_t *len, int colon)
{
    size_t i = s->i;
    int colons = 0;
    if (i >= s->n)
        return s->last ? BAIL : MORE;
    if (!is_name_start(s->p[i]))
        return BAIL;
    for (;;) {
        while (i < s->n && is_name_char(s->p[i]))
            i++;
        if (i >= s->n)
            return s->last ? BAIL : MORE;
        if (s->p[i] != ':')
            break;
        if (!colon || ++colons > 1 || i + 1 >= s->n || !is_name_start(s->p[i + 1]))
            return i + 1 >= s->n && !s->last ? MORE : BAIL;
        i++;
    }
    if (s->p[i] >= 0x80 || i - s->i > MAX_NAME)
        return BAIL; /* non-ASCII names are left to libxml2 */
    *start = s->i;
    *len = i - s->i;
    s->i = i;
    return DONE;
}

/* The five predefined entities and character references, at s->i on
 * '&': the character into out (UTF-8), *olen its length. */
static int reference(scan *s, char out[4], size_t *olen)
{
    size_t i = s->i + 1, end = i;
    while (end < s->n && end - i < 12 && s->p[end] != ';')
        end++;
    if (end >= s->n)
        return s->last ? BAIL : MORE;
    if (s->p[end] != ';')
        return BAIL;
    const char *r = (const char *)s->p + i;
    size_t k = end - i;
    uint32_t cp = 0;
    if (k >= 2 && r[0] == '#') {
        int hex = r[1] == 'x';
        size_t d = hex ? 2 : 1;
        if (d >= k || k - d > 8)
            return BAIL;
        for (; d < k; d++) {
            unsigned c = (unsigned char)r[d];
            unsigned v = c >= '0' && c <= '9' ? c - '0'
                         : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                         : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
            if (v == 99)
                return BAIL;
            cp = cp * (hex ? 16 : 10) + v;
        }
        if (!is_xml_char(cp))
            return BAIL;
    } else if (k == 2 && memcmp(r, "lt", 2) == 0) {
        cp = '<';
    } else if (k == 2 && memcmp(r, "gt", 2) == 0) {
        cp = '>';
    } else if (k == 3 && memcmp(r, "amp", 3) == 0) {
        cp = '&';
    } else if (k == 4 && memcmp(r, "apos", 4) == 0) {
        cp = '\'';
    } else if (k == 4 && memcmp(r, "quot", 4) == 0) {
        cp = '"';
    } else {
        return BAIL; /* any other entity: libxml2 reports or refuses it */
    }
    *olen = tm_utf8_encode(cp, out);
    s->i = end + 1;
    return DONE;
}

/* ---- the builder ---------------------------------------------------------- */

/* Hand over what the builder's handlers did: BAIL once it failed or set a
 * unit aside (libxml2 then gives the message), else DONE. */
static int builder_ok(const tmx_fast *f)
{
    const tmx_build *b = f->b;
    return b->fail.code != TM_OK || b->pending.code != TM_OK || b->skipped ? BAIL : DONE;
}

static int characters(tmx_fast *f, const void *p, size_t n)
{
    f->sax.characters(f->b, (const xmlChar *)p, (int)n);
    return builder_ok(f);
}

/* ---- text and references -------------------------------------------------- */

/* Bytes that end a plain stretch of text: markup, references, "]]>",
 * controls (line ends included: they are counted) and 0xEF (U+FFFE and
 * U+FFFF are not XML characters). */
static int stops_text(unsigned c)
{
    return c < 0x20 || c == '<' || c == '&' || c == ']' || c == 0xEF;
}

/* How many bytes at p are not stops_text, 16 at a time where SSE2 is. */
static size_t plain_run(uchar *p, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), rb = _mm_set1_epi8(']'),
                  ef = _mm_set1_epi8((char)0xEF), ctl = _mm_set1_epi8(0x1F);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, rb), _mm_cmpeq_epi8(v, ef)));
        stop = _mm_or_si128(stop, _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v)); /* (v <= 0x1F) */
        unsigned m = (unsigned)_mm_movemask_epi8(stop);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && !stops_text(p[i]))
        i++;
    return i;
}

/* Character data from s->i up to the next markup, handed over in runs.
 * What was handed over is consumed: a character cut by the end of the
 * input ends the token there (DONE), and is MORE only when it comes
 * first. */
static int text(tmx_fast *f, scan *s)
{
    size_t from = s->i, len;
    int rc = DONE;
    while (s->i < s->n && rc == DONE) {
        unsigned c = s->p[s->i];
        size_t plain = plain_run(s->p + s->i, s->n - s->i), valid;
        if (plain >= 16 && (valid = tm_utf8_valid_prefix((const char *)s->p + s->i, plain)) > 0) {
            s->i += valid; /* (what follows, a character cut or not valid, one at a time) */
        } else if (c >= 0x20 && c < 0x80 && c != '<' && c != '&' && c != ']') {
            s->i++;
        } else if (c == '<' || c == '&') {
            break;
        } else if (c == ']') { /* "]]>" may not appear in text */
            rc = starts(s, "]]>");
            rc = rc == BAIL ? DONE : rc == DONE ? BAIL : MORE;
            s->i += rc == DONE;
        } else if ((rc = one_char(s, &len)) != DONE) {
            break;
        } else if (c == '\r') { /* CR LF: only the LF is handed over, as libxml2 does */
            if (s->i > from && characters(f, s->p + from, s->i - from) != DONE)
                return BAIL;
            s->i++;
            from = s->i;
            s->lines--; /* (the LF counts when it is read) */
        } else {
            s->i += len;
        }
    }
    if (rc == BAIL)
        return BAIL;
    if (s->i > from && characters(f, s->p + from, s->i - from) != DONE)
        return BAIL;
    return s->i > from || rc == DONE ? DONE : MORE;
}

static int content_reference(tmx_fast *f, scan *s)
{
    char out[4];
    size_t len;
    int rc = reference(s, out, &len);
    return rc == DONE ? characters(f, out, len) : rc;
}

/* ---- comments, CDATA, the prologue ------------------------------------------ */

/* The body of a construct whose opener (skip bytes) is at s->i and whose
 * end is three bytes ("-->" or "]]>"): [*from, *from + *n), s->i left
 * after the end. A CR is left to libxml2; in a comment "--" may only end
 * it. */
static int enclosed(scan *s, size_t skip, const char *end, size_t *from, size_t *n)
{
    *from = s->i + skip;
    for (s->i = *from;;) {
        if (s->i + 3 > s->n)
            return s->last ? BAIL : MORE;
        if (memcmp(s->p + s->i, end, 3) == 0)
            break;
        if (s->p[s->i] == '\r' || (end[0] == '-' && s->p[s->i] == '-' && s->p[s->i + 1] == '-'))
            return BAIL;
        size_t len;
        int rc = one_char(s, &len);
        if (rc != DONE)
            return rc;
        s->i += len;
    }
    *n = s->i - *from;
    s->i += 3;
    return DONE;
}

/* <!-- ... -->: handed to the builder inside the document element. */
static int comment(tmx_fast *f, scan *s)
{
    size_t from, n;
    int rc = enclosed(s, 4, "-->", &from, &n);
    if (rc != DONE || f->where != CONTENT)
        return rc;
    tm_buf_clear(&f->text);
    if (tm_buf_append(&f->text, s->p + from, n) != 0)
        return BAIL;
    f->sax.comment(f->b, (const xmlChar *)f->text.data);
    return builder_ok(f);
}

/* <![CDATA[ ... ]]>: its text, inside the document element only. */
static int cdata(tmx_fast *f, scan *s)
{
    size_t from, n;
    int rc = enclosed(s, 9, "]]>", &from, &n);
    if (rc != DONE)
        return rc;
    if (n == 0 || f->where != CONTENT)
        return BAIL; /* (libxml2 reports an empty section: left to it) */
    return characters(f, s->p + from, n);
}

/* A quoted literal; pubid: only the characters of a public identifier. */
static int literal(scan *s, int pubid)
{
    if (s->i >= s->n)
        return s->last ? BAIL : MORE;
    unsigned q = s->p[s->i];
    if (q != '"' && q != '\'')
        return BAIL;
    for (s->i++; s->i < s->n && s->p[s->i] != q; s->i++) {
        unsigned c = s->p[s->i];
        if (c < 0x20 || c >= 0x80 || (pubid && !(is_name_char(c) || strchr(" '()+,/:=?;!*#@$%", (int)c))))
            return BAIL;
    }
    if (s->i >= s->n)
        return s->last ? BAIL : MORE;
    s->i++;
    return DONE;
}

#define TRY(x)                                                                                   \
    do {                                                                                         \
        int rc_ = (x);                                                                           \
        if (rc_ != DONE)                                                                         \
            return rc_;                                                                          \
    } while (0)

/* White space that must be there. */
static int need_space(scan *s)
{
    size_t before = s->i;
    TRY(skip_space(s));
    return s->i > before ? DONE : BAIL;
}

/* <!DOCTYPE name [SYSTEM "..." | PUBLIC "..." "..."]>, no internal subset. */
static int doctype(tmx_fast *f, scan *s)
{
    if (f->doctype_seen)
        return BAIL;
    size_t at, len;
    s->i += 9;
    TRY(need_space(s));
    TRY(name(s, &at, &len, 1));
    size_t before = s->i;
    TRY(skip_space(s));
    if (s->i > before && starts(s, "SYSTEM") != BAIL) {
        TRY(starts(s, "SYSTEM"));
        s->i += 6;
        TRY(need_space(s));
        TRY(literal(s, 0));
    } else if (s->i > before && starts(s, "PUBLIC") != BAIL) {
        TRY(starts(s, "PUBLIC"));
        s->i += 6;
        TRY(need_space(s));
        TRY(literal(s, 1));
        TRY(need_space(s));
        TRY(literal(s, 0));
    }
    TRY(skip_space(s));
    if (s->p[s->i] != '>')
        return BAIL; /* an internal subset, or anything else */
    s->i++;
    f->doctype_seen = 1;
    return DONE;
}

/* One pseudo-attribute of the XML declaration: S name = "value". */
static int decl_attr(scan *s, const char *attr, char *value, size_t cap)
{
    size_t before = s->i;
    TRY(skip_space(s));
    if (s->i == before || starts(s, attr) != DONE)
        return BAIL;
    s->i += strlen(attr);
    TRY(skip_space(s));
    if (s->p[s->i] != '=')
        return BAIL;
    s->i++;
    TRY(skip_space(s));
    size_t from = s->i;
    TRY(literal(s, 0));
    size_t n = s->i - from - 2;
    if (n >= cap)
        return BAIL;
    memcpy(value, s->p + from + 1, n);
    value[n] = '\0';
    return DONE;
}

/* A UTF-8 byte order mark and <?xml version="1.0" encoding="UTF-8"
 * standalone="..."?> (encoding and standalone optional), read once the
 * whole declaration is in (within its first KiB, or it goes to libxml2). */
static int start_of_document(tmx_fast *f, scan *s)
{
    if (s->n < 6 && !s->last)
        return MORE;
    if (s->n >= 3 && memcmp(s->p, "\xEF\xBB\xBF", 3) == 0)
        s->i = 3;
    int rc = starts(s, "<?xml");
    if (rc == MORE || (rc == DONE && s->i + 5 >= s->n && !s->last))
        return MORE;
    if (rc != DONE || s->i + 5 >= s->n || !is_space(s->p[s->i + 5])) {
        f->started = 1;
        return s->i < s->n && (s->p[s->i] == '<' || is_space(s->p[s->i])) ? DONE : BAIL;
    }
    size_t end = s->i;
    while (end + 1 < s->n && end < 1024 && !(s->p[end] == '?' && s->p[end + 1] == '>'))
        end++;
    if (end + 1 >= s->n || end >= 1024)
        return end < 1024 && !s->last ? MORE : BAIL;
    scan d = {s->p, end, s->i + 5, 0, 1}; /* the declaration alone */
    char v[16];
    TRY(decl_attr(&d, "version", v, sizeof v));
    if (strcmp(v, "1.0") != 0)
        return BAIL;
    scan mark = d;
    if (decl_attr(&d, "encoding", v, sizeof v) == DONE) {
        if (strcmp(v, "UTF-8") != 0 && strcmp(v, "utf-8") != 0)
            return BAIL;
        mark = d;
    }
    d = mark;
    if (decl_attr(&d, "standalone", v, sizeof v) == DONE) {
        if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
            return BAIL;
        mark = d;
    }
    d = mark;
    while (d.i < d.n && is_space(d.p[d.i]) && d.p[d.i] != '\r')
        d.lines += d.p[d.i++] == '\n';
    if (d.i != end)
        return BAIL;
    s->i = end + 2;
    s->lines += d.lines;
    f->started = 1;
    return DONE;
}

/* ---- elements --------------------------------------------------------------- */

/* One attribute value, from s->i on its opening quote, decoded into
 * f->tag as libxml2 hands it to SAX2: white space normalized to spaces,
 * references resolved, each '&' that results written as "&#38;". */
static int attr_value(tmx_fast *f, scan *s)
{
    if (s->i >= s->n)
        return s->last ? BAIL : MORE;
    unsigned q = s->p[s->i++];
    if (q != '"' && q != '\'')
        return BAIL;
    for (;;) {
        size_t from = s->i;
        while (s->i < s->n && s->p[s->i] >= 0x20 && s->p[s->i] < 0x80 && s->p[s->i] != q &&
               s->p[s->i] != '&' && s->p[s->i] != '<')
            s->i++;
        if (tm_buf_append(&f->tag, s->p + from, s->i - from) != 0)
            return BAIL;
        if (s->i >= s->n)
            return s->last ? BAIL : MORE;
        unsigned c = s->p[s->i];
        if (c == q)
            break;
        if (c == '<')
            return BAIL;
        int rc;
        size_t len;
        if (c == '&') {
            char out[4];
            if ((rc = reference(s, out, &len)) != DONE)
                return rc;
            rc = len == 1 && out[0] == '&' ? tm_buf_append(&f->tag, "&#38;", 5)
                                           : tm_buf_append(&f->tag, out, len);
        } else if ((rc = one_char(s, &len)) != DONE) {
            return rc;
        } else {
            rc = c == '\t' || c == '\n' || c == '\r' ? tm_buf_putc(&f->tag, ' ')
                                                   : tm_buf_append(&f->tag, s->p + s->i, len);
            s->i += len;
        }
        if (rc != 0)
            return BAIL;
    }
    s->i++;
    return tm_buf_putc(&f->tag, '\0') == 0 ? DONE : BAIL;
}

/* Where a start tag's names and values lie in f->tag. */
typedef struct attr_at {
    size_t local, prefix, value, end; /* prefix: (size_t)-1 for none */
} attr_at;

/* Append a name to f->tag NUL-terminated, split at its colon. */
static int put_name(tmx_fast *f, uchar *p, size_t len, size_t *local, size_t *prefix)
{
    uchar *colon = memchr(p, ':', len);
    *prefix = (size_t)-1;
    if (colon) {
        *prefix = f->tag.len;
        if (tm_buf_append(&f->tag, p, (size_t)(colon - p)) != 0 || tm_buf_putc(&f->tag, '\0') != 0)
            return BAIL;
        len -= (size_t)(colon - p) + 1;
        p = colon + 1;
    }
    *local = f->tag.len;
    return tm_buf_append(&f->tag, p, len) == 0 && tm_buf_putc(&f->tag, '\0') == 0 ? DONE : BAIL;
}

/* Its attributes, after the element's name: *nattrs of them into at, and
 * at '>' or "/>" (*empty). */
static int attributes(tmx_fast *f, scan *s, attr_at *at, int *nattrs, int *empty)
{
    for (*nattrs = 0;; ++*nattrs) {
        size_t before = s->i;
        TRY(skip_space(s));
        if (s->p[s->i] == '>' || s->p[s->i] == '/')
            break;
        if (s->i == before || *nattrs == MAX_ATTRS)
            return BAIL;
        size_t from, len;
        TRY(name(s, &from, &len, 1));
        attr_at *a = &at[*nattrs];
        TRY(put_name(f, s->p + from, len, &a->local, &a->prefix));
        const char *pre = a->prefix == (size_t)-1 ? NULL : f->tag.data + a->prefix;
        if ((pre && strcmp(pre, "xml") != 0) || (!pre && strcmp(f->tag.data + a->local, "xmlns") == 0))
            return BAIL; /* namespaces other than xml: are left to libxml2 */
        for (int k = 0; k < *nattrs; k++)
            if (strcmp(f->tag.data + at[k].local, f->tag.data + a->local) == 0 &&
                (at[k].prefix == (size_t)-1) == !pre)
                return BAIL; /* a repeated attribute */
        TRY(skip_space(s));
        if (s->p[s->i] != '=')
            return BAIL;
        s->i++;
        TRY(skip_space(s));
        a->value = f->tag.len;
        TRY(attr_value(f, s));
        a->end = f->tag.len - 1;
    }
    *empty = s->p[s->i] == '/';
    if (*empty && s->i + 1 >= s->n)
        return s->last ? BAIL : MORE;
    if (*empty && s->p[s->i + 1] != '>')
        return BAIL;
    s->i += *empty ? 2 : 1;
    return DONE;
}

static int end_element(tmx_fast *f)
{
    size_t from = f->depth > 1 ? f->open_end[f->depth - 2] : 0;
    f->sax.endElementNs(f->b, (const xmlChar *)f->names.data + from, NULL, NULL);
    f->names.len = from;
    if (--f->depth == 0)
        f->where = EPILOG;
    return builder_ok(f);
}

/* A start tag, at s->i on '<'. */
static int start_tag(tmx_fast *f, scan *s)
{
    if (f->where == EPILOG || f->depth == TMX_FAST_MAX_DEPTH)
        return BAIL;
    size_t from, len, local, prefix;
    s->i++;
    TRY(name(s, &from, &len, 0));
    tm_buf_clear(&f->tag);
    TRY(put_name(f, s->p + from, len, &local, &prefix));
    attr_at at[MAX_ATTRS];
    int nattrs, empty;
    TRY(attributes(f, s, at, &nattrs, &empty));
    const xmlChar *attrs[5 * MAX_ATTRS];
    const xmlChar *base = (const xmlChar *)f->tag.data;
    for (int k = 0; k < nattrs; k++) {
        int pre = at[k].prefix != (size_t)-1;
        attrs[5 * k] = base + at[k].local;
        attrs[5 * k + 1] = pre ? base + at[k].prefix : NULL;
        attrs[5 * k + 2] = pre ? (const xmlChar *)XML_NS : NULL;
        attrs[5 * k + 3] = base + at[k].value;
        attrs[5 * k + 4] = base + at[k].end;
    }
    /* (libxml2 reports the start tag at its '>': lines before it count) */
    f->b->line = f->line + s->lines;
    if (tm_buf_append(&f->names, base + local, len + 1) != 0)
        return BAIL;
    f->open_end[f->depth++] = f->names.len;
    f->where = CONTENT;
    f->sax.startElementNs(f->b, base + local, NULL, NULL, 0, NULL, nattrs, 0, attrs);
    TRY(builder_ok(f));
    return empty ? end_element(f) : DONE;
}

/* An end tag, at s->i on "</". */
static int end_tag(tmx_fast *f, scan *s)
{
    size_t from, len;
    s->i += 2;
    TRY(name(s, &from, &len, 0));
    TRY(skip_space(s));
    if (s->p[s->i] != '>' || f->depth == 0)
        return BAIL;
    s->i++;
    size_t open = f->depth > 1 ? f->open_end[f->depth - 2] : 0;
    if (f->names.len - 1 - open != len || memcmp(f->names.data + open, s->p + from, len) != 0)
        return BAIL;
    f->b->line = f->line + s->lines;
    return end_element(f);
}

/* ---- the document ------------------------------------------------------------- */

/* The token at s->i: markup, a reference, text or (outside the document
 * element) white space. */
static int token(tmx_fast *f, scan *s)
{
    unsigned c = s->p[s->i];
    if (c == '&')
        return f->where == CONTENT ? content_reference(f, s) : BAIL;
    if (c != '<') {
        if (f->where == CONTENT)
            return text(f, s);
        if (!is_space(c))
            return BAIL;
        int rc = skip_space(s);
        return rc == DONE || s->i > s->n - 1 ? DONE : rc; /* (white space may end the input) */
    }
    if (s->i + 1 >= s->n)
        return s->last ? BAIL : MORE;
    c = s->p[s->i + 1];
    if (c == '/')
        return end_tag(f, s);
    if (c == '!') {
        int rc = starts(s, "<!--");
        if (rc == DONE)
            return comment(f, s);
        if (rc == MORE)
            return MORE;
        if (f->where == CONTENT)
            return starts(s, "<![CDATA[") == DONE ? cdata(f, s) : (s->n - s->i < 9 && !s->last ? MORE : BAIL);
        if (f->where == PROLOG && f->depth == 0)
            return starts(s, "<!DOCTYPE") == DONE ? doctype(f, s) : (s->n - s->i < 9 && !s->last ? MORE : BAIL);
        return BAIL;
    }
    return start_tag(f, s); /* ('<?': a processing instruction fails the name) */
}

int tmx_fast_feed(tmx_fast *f, const char *p, size_t n, int last, size_t *used)
{
    scan s = {(uchar *)p, n, 0, 0, last};
    *used = 0;
    if (!f->started) {
        int rc = start_of_document(f, &s);
        if (rc != DONE)
            return rc == MORE ? 0 : -1;
        f->line += s.lines;
        *used = s.i;
    }
    while (s.i < n) {
        s.lines = 0;
        int rc = token(f, &s);
        if (rc == BAIL)
            return -1;
        if (rc == MORE)
            return last ? -1 : 0;
        f->line += s.lines;
        *used = s.i;
    }
    return last && f->where != EPILOG ? -1 : 0;
}

void tmx_fast_init(tmx_fast *f, tmx_build *b)
{
    memset(f, 0, sizeof *f);
    f->b = b;
    f->line = 1;
    tmx_build_handlers(&f->sax);
}

void tmx_fast_free(tmx_fast *f)
{
    tm_buf_free(&f->names);
    tm_buf_free(&f->tag);
    tm_buf_free(&f->text);
}
