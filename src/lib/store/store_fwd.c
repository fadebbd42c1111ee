/*
 * store_fwd.c — reading the match data (SEC_FWD): what a query needs to
 * score a candidate without loading the unit (its variants' languages, word
 * numbers and signatures).
 *
 * The match data of FWD_GROUP consecutive units is deflated as one group
 * (store_commit.c), as (varint length, bytes) per unit. Units are stored
 * sorted by their words (store_order.c), so the match data of a group is
 * much alike and deflates to a quarter; and a query's candidates sit
 * together, so the store keeps the last group it inflated (s->fwd) and
 * most candidates after the first of a group cost no inflate at all.
 *
 * A group in the file is its records deflated, then the case signature of
 * each of their variants (four bytes, in record order), raw: random
 * 32-bit hashes, which deflate only spent time on and which cut the word
 * numbers of neighbouring variants apart.
 *
 * Invariant: s->fwd_valid implies s->fwd holds exactly the raw bytes of
 * group s->fwd_group of segment s->fwd_seg, its checksum chunks verified,
 * its length prefixes and record heads read to the end without overrunning
 * it, s->fwd_unit holding where each of its units' records lies, and
 * s->fwd_cases (in the mapped file, verified) holds four bytes per variant
 * of the group.
 */
#include <string.h>

#include <zlib.h>

#include "store_internal.h"
#include "util/varint.h"

int tm_fwd_record(const unsigned char **p, const unsigned char *end, uint64_t *date, uint64_t *nv)
{
    return tm_varint_get(p, end, date) != 0 || tm_varint_get(p, end, nv) != 0 ? -1 : 0;
}

int tm_fwd_variant_next(const unsigned char **p, const unsigned char *end,
                        const unsigned char **cases, const unsigned char *cases_end,
                        tm_fwd_variant *v)
{
    uint64_t len, nw, idlen;
    if (tm_varint_get(p, end, &len) != 0 || len > (uint64_t)(end - *p))
        return -1;
    v->code = *p;
    v->code_len = (size_t)len;
    *p += len;
    if (tm_varint_get(p, end, &nw) != 0 || tm_varint_get(p, end, &idlen) != 0 ||
        idlen > (uint64_t)(end - *p) || (uint64_t)(end - *p) - idlen < 12 || nw > idlen)
        return -1;
    v->nwords = (size_t)nw;
    v->ids = *p;
    v->ids_end = *p + idlen;
    v->sig[0] = 0;
    if (cases) {
        if (cases_end - *cases < 4)
            return -1;
        v->sig[0] = get_u32(*cases);
        *cases += 4;
    }
    for (int k = 1; k < 4; k++)
        v->sig[k] = get_u32(*p + idlen + 4 * (size_t)(k - 1));
    *p += idlen + 12;
    return 0;
}

static tm_status fwd_damaged(const tm_store *s, const segment *g, tm_error *err)
{
    return tm_error_at(err, TM_EDATA, s->path, 0,
                       "damaged store: the match data of the segment at byte offset %llu is "
                       "malformed (run 'tmkit check')",
                       (unsigned long long)g->off);
}

/* Every unit of the group has a length prefix and its bytes, its record
 * starts with a readable head, and the last one ends the group. Each
 * unit's record bounds and its variants' place among the group's go to
 * s->fwd_unit (so a lookup is an index, not a walk); *nv gets the variants
 * of all of them. */
static int group_well_formed(tm_store *s, size_t units, uint64_t *nv)
{
    const unsigned char *base = (const unsigned char *)s->fwd.data, *p = base;
    const unsigned char *end = base + s->fwd.len;
    *nv = 0;
    for (size_t k = 0; k < units; k++) {
        uint64_t len, date, n;
        const unsigned char *q;
        if (tm_varint_get(&p, end, &len) != 0 || len > (uint64_t)(end - p))
            return 0;
        q = p;
        if (tm_fwd_record(&q, p + len, &date, &n) != 0 || n > (uint64_t)len)
            return 0;
        s->fwd_unit[k] = (fwd_place){(size_t)(p - base), (size_t)len, *nv};
        *nv += n;
        p += len;
    }
    return p == end;
}

static int inflate_group(tm_store *s, const unsigned char *src, uint32_t clen, uint32_t rawlen)
{
    tm_buf_clear(&s->fwd);
    if (tm_buf_grow(&s->fwd, (size_t)rawlen + 1) != 0)
        return -1;
    if (!s->fz_ready) {
        memset(&s->fz, 0, sizeof s->fz);
        if (inflateInit2(&s->fz, -15) != Z_OK) /* raw deflate, as written */
            return -1;
        s->fz_ready = 1;
    } else if (inflateReset(&s->fz) != Z_OK) {
        return -1;
    }
    s->fz.next_in = (Bytef *)src;
    s->fz.avail_in = clen;
    s->fz.next_out = (Bytef *)s->fwd.data;
    s->fz.avail_out = rawlen + 1; /* one more: a longer stream is damage, not truncation */
    int rc = inflate(&s->fz, Z_FINISH);
    s->fwd.len = rawlen + 1 - s->fz.avail_out;
    s->fwd.data[s->fwd.len] = '\0'; /* (room for rawlen + 2 bytes: a tm_buf ends in one) */
    return rc == Z_STREAM_END && s->fwd.len == rawlen ? 0 : -2;
}

/* Make group gr of segment gi the inflated one. */
static tm_status load_group(tm_store *s, size_t gi, size_t gr, tm_error *err)
{
    if (s->fwd_valid && s->fwd_seg == gi && s->fwd_group == gr)
        return TM_OK;
    segment *g = &s->seg[gi];
    s->fwd_valid = 0;
    if (tm_seg_verify(g, SEC_FWDIDX, (uint64_t)gr * FWDIDX_SIZE, FWDIDX_SIZE) != 0)
        return fwd_damaged(s, g, err);
    const unsigned char *e = g->sec[SEC_FWDIDX] + gr * FWDIDX_SIZE;
    uint64_t off = get_u64(e), nv;
    uint32_t clen = get_u32(e + 8), rawlen = get_u32(e + 12), cases = get_u32(e + 16);
    if (off > g->sec_len[SEC_FWD] || clen > g->sec_len[SEC_FWD] - off || rawlen > RAW_MAX ||
        cases > g->sec_len[SEC_FWD] - off - clen ||
        tm_seg_verify(g, SEC_FWD, off, (uint64_t)clen + cases) != 0)
        return fwd_damaged(s, g, err);
    int rc = inflate_group(s, g->sec[SEC_FWD] + off, clen, rawlen);
    if (rc == -1)
        return tm_error_nomem(err);
    size_t units = g->nunits - gr * FWD_GROUP < FWD_GROUP ? g->nunits - gr * FWD_GROUP : FWD_GROUP;
    if (rc != 0 || !group_well_formed(s, units, &nv) || nv * 4 != cases)
        return fwd_damaged(s, g, err);
    s->fwd_cases = g->sec[SEC_FWD] + off + clen;
    s->fwd_cases_len = cases;
    s->fwd_seg = gi;
    s->fwd_group = gr;
    s->fwd_valid = 1;
    return TM_OK;
}

tm_status tm_fwd_unit(tm_store *s, size_t gi, uint32_t local, tm_fwd_rec *r, tm_error *err)
{
    tm_status st = load_group(s, gi, local / FWD_GROUP, err);
    if (st != TM_OK)
        return st;
    const fwd_place *u = &s->fwd_unit[local % FWD_GROUP]; /* (set by group_well_formed) */
    r->p = (const unsigned char *)s->fwd.data + u->off;
    r->end = r->p + u->len;
    r->cases = s->fwd_cases + 4 * u->first_variant;
    r->cases_end = s->fwd_cases + s->fwd_cases_len;
    return TM_OK;
}

tm_status tm_fwd_check(tm_store *s, size_t gi, tm_error *err)
{
    tm_status st = TM_OK;
    for (size_t gr = 0; gr * FWD_GROUP < s->seg[gi].nunits && st == TM_OK; gr++)
        st = load_group(s, gi, gr, err);
    return st;
}
