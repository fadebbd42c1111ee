/*
 * tmx_write.c — streaming TMX 1.4b writer on libxml2's xmlTextWriter.
 *
 * The writer never holds more than one unit: each tm_tmx_writer_add
 * serializes its unit straight into the output buffer. Every libxml2 call
 * returns < 0 on failure; the first failure is turned into a tm_error and
 * the writer refuses further work.
 */
#include "tmx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "util/buf.h"
#include "util/util.h"
#include "text/utf8.h"

struct tm_tmx_writer {
    xmlTextWriterPtr xw;
    char *name;
    size_t dropped;
    tm_buf clean; /* scratch: text with forbidden characters removed */
    int failed;
    FILE *fp; /* where libxml2 writes: its error says why a write failed */
};

void tm_tmx_date(time_t t, char out[TM_TMX_DATE_LEN])
{
    struct tm tmv;
    /* four-digit years only (0001..9999): else the epoch, not a malformed date */
    if (!gmtime_r(&t, &tmv) || tmv.tm_year < 1 - 1900 || tmv.tm_year > 9999 - 1900 ||
        strftime(out, TM_TMX_DATE_LEN, "%Y%m%dT%H%M%SZ", &tmv) != TM_TMX_DATE_LEN - 1)
        memcpy(out, "19700101T000000Z", TM_TMX_DATE_LEN);
}

int tm_tmx_date_valid(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
#define NUM2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
    int mon = NUM2(s + 4), day = NUM2(s + 6);
    int hh = NUM2(s + 9), mm = NUM2(s + 11), ss = NUM2(s + 13);
    int year = NUM2(s) * 100 + NUM2(s + 2);
#undef NUM2
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return mon >= 1 && mon <= 12 && day >= 1 && day <= mdays[mon - 1] &&
           (mon != 2 || day != 29 || leap) && hh <= 23 && mm <= 59 && ss <= 60;
}

/* XML 1.0 Char production, for code points that valid UTF-8 can hold. */
static int xml_char_ok(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x9 || cp == 0xA || cp == 0xD;
    return cp != 0xFFFE && cp != 0xFFFF;
}

/* Text with the characters XML forbids removed (w->clean, or s itself). */
static const char *clean_text(tm_tmx_writer *w, const char *s)
{
    size_t n = strlen(s), i = 0;
    tm_buf_clear(&w->clean);
    int copied = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = tm_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len == 0) { /* not UTF-8: drop the byte */
            cp = 0;
            len = 1;
        }
        if (!xml_char_ok(cp)) {
            if (!copied) {
                tm_buf_append(&w->clean, s, i);
                copied = 1;
            }
            w->dropped++;
        } else if (copied) {
            tm_buf_append(&w->clean, s + i, len);
        }
        i += len;
    }
    return copied ? (w->clean.data ? w->clean.data : "") : s;
}

static tm_status xml_fail(tm_tmx_writer *w, tm_error *err)
{
    int e = errno;
    w->failed = 1;
    if (ferror(w->fp) && e)
        return tm_error_at(err, TM_EIO, w->name, 0, "cannot write TMX: %s", strerror(e));
    return tm_error_at(err, TM_EIO, w->name, 0, "cannot write TMX (disk full or closed output?)");
}

#define XW(call)                      \
    do {                              \
        if ((call) < 0)               \
            return xml_fail(w, err);  \
    } while (0)

static tm_status write_attr(tm_tmx_writer *w, const char *name,
                            const char *value, tm_error *err)
{
    XW(xmlTextWriterWriteAttribute(w->xw, BAD_CAST name, BAD_CAST clean_text(w, value)));
    return TM_OK;
}

static tm_status write_text_element(tm_tmx_writer *w, const char *elem,
                                    const char *type, const char *lang,
                                    const char *text, tm_error *err)
{
    tm_status st;
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST elem));
    if (type && (st = write_attr(w, "type", type, err)) != TM_OK)
        return st;
    if (lang && (st = write_attr(w, "xml:lang", lang, err)) != TM_OK)
        return st;
    XW(xmlTextWriterWriteString(w->xw, BAD_CAST clean_text(w, text)));
    XW(xmlTextWriterEndElement(w->xw));
    return TM_OK;
}

/* Attributes first, then notes and props: the order the DTD asks for. */
static tm_status write_annot_attrs(tm_tmx_writer *w, const tm_annot *an, tm_error *err)
{
    for (size_t i = 0; i < an->nattrs; i++) {
        tm_status st = write_attr(w, an->attrs[i].name, an->attrs[i].value, err);
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

static tm_status write_annot_children(tm_tmx_writer *w, const tm_annot *an, tm_error *err)
{
    tm_status st;
    for (size_t i = 0; i < an->nnotes; i++)
        if ((st = write_text_element(w, "note", NULL, an->notes[i].lang,
                                     an->notes[i].text, err)) != TM_OK)
            return st;
    for (size_t i = 0; i < an->nprops; i++)
        if ((st = write_text_element(w, "prop", an->props[i].type, an->props[i].lang,
                                     an->props[i].value, err)) != TM_OK)
            return st;
    return TM_OK;
}

static tm_status write_header(tm_tmx_writer *w, const tm_tmx_header *h, tm_error *err)
{
    /* now, or SOURCE_DATE_EPOCH for reproducible output (tmkit.1, ENVIRONMENT) */
    char now[TM_TMX_DATE_LEN];
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long t = sde ? strtoll(sde, &end, 10) : 0;
    tm_tmx_date(sde && *sde && !*end ? (time_t)t : time(NULL), now);
    const char *attrs[][2] = {
        {"creationtool", "tmkit"},
        {"creationtoolversion", tm_version()},
        {"segtype", h->segtype ? h->segtype : "sentence"},
        {"o-tmf", h->o_tmf ? h->o_tmf : "tmkit"},
        {"adminlang", h->adminlang ? h->adminlang : "en"},
        {"srclang", h->srclang},
        {"datatype", h->datatype ? h->datatype : "plaintext"},
        {"creationdate", h->creationdate ? h->creationdate : now},
    };
    tm_status st;
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST "header"));
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++)
        if ((st = write_attr(w, attrs[i][0], attrs[i][1], err)) != TM_OK)
            return st;
    if (h->extra && (st = write_annot_children(w, h->extra, err)) != TM_OK)
        return st;
    XW(xmlTextWriterEndElement(w->xw));
    return TM_OK;
}

static tm_status start_document(tm_tmx_writer *w, const tm_tmx_header *h, tm_error *err)
{
    XW(xmlTextWriterSetIndent(w->xw, 1));
    XW(xmlTextWriterSetIndentString(w->xw, BAD_CAST "  "));
    XW(xmlTextWriterStartDocument(w->xw, "1.0", "UTF-8", NULL));
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST "tmx"));
    XW(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "version", BAD_CAST "1.4"));
    tm_status st = write_header(w, h, err);
    if (st != TM_OK)
        return st;
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST "body"));
    return TM_OK;
}

tm_status tm_tmx_writer_open(tm_tmx_writer **out, FILE *fp, const char *name,
                             const tm_tmx_header *h, tm_error *err)
{
    *out = NULL;
    if (!h->srclang || !tm_lang_valid(h->srclang))
        return tm_error_set(err, TM_EUSAGE, "TMX header needs a valid srclang, got '%s'",
                            h->srclang ? h->srclang : "(none)");
    tm_tmx_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->name = strdup(name))) {
        free(w);
        return tm_error_nomem(err);
    }
    w->fp = fp;
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(fp, NULL);
    if (ob)
        w->xw = xmlNewTextWriter(ob); /* takes ownership of ob */
    if (!w->xw) {
        if (ob)
            xmlOutputBufferClose(ob);
        tm_tmx_writer_free(w);
        return tm_error_nomem(err);
    }
    tm_status st = start_document(w, h, err);
    if (st != TM_OK) {
        tm_tmx_writer_free(w);
        return st;
    }
    *out = w;
    return TM_OK;
}

static tm_status write_tuv(tm_tmx_writer *w, const tm_tuv *v, tm_error *err)
{
    tm_status st;
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST "tuv"));
    if ((st = write_attr(w, "xml:lang", v->lang, err)) != TM_OK ||
        (st = write_annot_attrs(w, &v->an, err)) != TM_OK ||
        (st = write_annot_children(w, &v->an, err)) != TM_OK)
        return st;
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST "seg"));
    if (v->markup) /* inner XML from the reader: already escaped */
        XW(xmlTextWriterWriteRaw(w->xw, BAD_CAST v->markup));
    else
        XW(xmlTextWriterWriteString(w->xw, BAD_CAST clean_text(w, v->text)));
    XW(xmlTextWriterEndElement(w->xw));
    XW(xmlTextWriterEndElement(w->xw));
    return TM_OK;
}

tm_status tm_tmx_writer_add(tm_tmx_writer *w, const tm_tu *tu, tm_error *err)
{
    if (w->failed)
        return tm_error_at(err, TM_EIO, w->name, 0, "TMX writer already failed");
    tm_status st;
    XW(xmlTextWriterStartElement(w->xw, BAD_CAST "tu"));
    if ((st = write_annot_attrs(w, &tu->an, err)) != TM_OK ||
        (st = write_annot_children(w, &tu->an, err)) != TM_OK)
        return st;
    for (size_t i = 0; i < tu->ntuvs; i++)
        if ((st = write_tuv(w, &tu->tuvs[i], err)) != TM_OK)
            return st;
    XW(xmlTextWriterEndElement(w->xw));
    return TM_OK;
}

tm_status tm_tmx_writer_finish(tm_tmx_writer *w, tm_error *err)
{
    if (w->failed)
        return tm_error_at(err, TM_EIO, w->name, 0, "TMX writer already failed");
    XW(xmlTextWriterEndDocument(w->xw)); /* closes body and tmx */
    XW(xmlTextWriterFlush(w->xw));
    return TM_OK;
}

size_t tm_tmx_writer_dropped(const tm_tmx_writer *w) { return w->dropped; }

void tm_tmx_writer_free(tm_tmx_writer *w)
{
    if (!w)
        return;
    if (w->xw)
        xmlFreeTextWriter(w->xw); /* also frees the output buffer, not fp */
    tm_buf_free(&w->clean);
    free(w->name);
    free(w);
}
