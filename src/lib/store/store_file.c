/*
 * store_file.c — opening a .tmdb file for reading: the header slots, the
 * segment list, the segments' section tables (docs/store.md). The whole-file
 * check is store_check.c. Every offset read from the file is bounds-checked
 * against the mapping before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "util/file.h"
#include "store_internal.h"
#include "util/varint.h"

_Static_assert(NSECTIONS <= 16, "tm_store_stats holds 16 sections");

static const char *const section_name[NSECTIONS] = {
    "unit blocks", "block directory", "exact index", "identity index",
    "term dictionary", "postings", "tombstones", "language list", "match data",
    "match data index", "block dictionary", "vocabulary", "unit lengths", "chunk checksums"};

/* ---- header slots --------------------------------------------------------------- */

void tm_slot_encode(unsigned char *buf, const slot *sl)
{
    memset(buf, 0, SLOT_SIZE);
    memcpy(buf, SLOT_MAGIC, 8);
    put_u32(buf + 8, sl->format);
    put_u64(buf + 16, sl->txid);
    put_u64(buf + 24, sl->commit_end);
    put_u64(buf + 32, sl->seglist_off);
    put_u64(buf + 40, sl->seglist_len);
    put_u32(buf + 48, sl->seglist_crc);
    put_u32(buf + 52, tm_crc32(buf, 52));
}

slot tm_slot_decode(const unsigned char *p)
{
    slot sl;
    memset(&sl, 0, sizeof sl);
    if (memcmp(p, SLOT_MAGIC, 8) != 0 || tm_crc_bad(get_u32(p + 52), tm_crc32(p, 52)))
        return sl;
    sl.format = get_u32(p + 8);
    sl.txid = get_u64(p + 16);
    sl.commit_end = get_u64(p + 24);
    sl.seglist_off = get_u64(p + 32);
    sl.seglist_len = get_u64(p + 40);
    sl.seglist_crc = get_u32(p + 48);
    sl.valid = 1;
    return sl;
}

/* Is slot k of the file (map, size), which fails its checksum, either
 * unused or the older of the two, whose loss loses nothing? A slot is never
 * torn by a crash: kill -9 does not interrupt a write, and its 56 bytes lie
 * in one disk sector, which a power loss writes whole or not at all. So a
 * newest slot failing its checksum is damage, and falling back to the
 * commit before it would answer from old content, then let the next import
 * cut the newest commit off the file. Its fields are read as they are, and
 * one flipped bit leaves either its commit's end (when the segment list it
 * names is there and checks out, its end places it) or its transaction id
 * (otherwise) as written. */
static int older_slot(const unsigned char *map, size_t size, int k, const slot *valid)
{
    const unsigned char *p = map + k * SLOT_SIZE;
    int blank = 1;
    for (size_t i = 0; i < SLOT_USED && blank; i++)
        blank = p[i] == 0;
    if (blank)
        return 1;
    uint64_t txid = get_u64(p + 16), end = get_u64(p + 24), off = get_u64(p + 32),
             len = get_u64(p + 40);
    int list_ok = off >= DATA_START && off <= size && len <= size - off && off + len == end &&
                  !tm_crc_bad(get_u32(p + 48), tm_crc32(map + off, (size_t)len));
    return list_ok ? end < valid->commit_end : txid < valid->txid;
}

tm_status tm_store_read_slots(const unsigned char *map, size_t size, const char *path, slot *best,
                              tm_error *err)
{
    if (size < DATA_START || memcmp(map, SLOT_MAGIC, 7) != 0)
        if (size < DATA_START || memcmp(map + SLOT_SIZE, SLOT_MAGIC, 7) != 0)
            return tm_error_at(err, TM_EDATA, path, 0, "not a tmkit store (no tmkitdb header)");
    slot a = tm_slot_decode(map), b = tm_slot_decode(map + SLOT_SIZE);
    if (!a.valid && !b.valid)
        return tm_error_at(err, TM_EDATA, path, 0, "damaged store: both header slots fail their checksum");
    *best = !b.valid || (a.valid && a.txid > b.txid) ? a : b;
    int other = !b.valid ? 1 : !a.valid ? 0 : -1; /* the slot that fails, if one does */
    if (other >= 0 && !older_slot(map, size, other, best))
        return tm_error_at(err, TM_EDATA, path, 0,
                           "damaged store: header slot %c fails its checksum and may hold the last "
                           "commit (run 'tmkit check')",
                           'A' + other);
    if (best->format > TM_STORE_FORMAT)
        return tm_error_at(err, TM_EDATA, path, 0,
                           "store written by format version %u; this tmkit reads version %u at most",
                           best->format, TM_STORE_FORMAT);
    if (best->format < TM_STORE_FORMAT) /* 0.1 development stores; no release wrote them */
        return tm_error_at(err, TM_EDATA, path, 0,
                           "store written by format version %u, which this tmkit (version %u) no longer "
                           "reads: export it with the tmkit that wrote it and import the TMX",
                           best->format, TM_STORE_FORMAT);
    if (best->commit_end > size || best->commit_end < DATA_START)
        return tm_error_at(err, TM_EDATA, path, 0,
                           "damaged store: truncated (the last commit ends at byte %llu, the file at %zu)",
                           (unsigned long long)best->commit_end, size);
    return TM_OK;
}

/* ---- segments ----------------------------------------------------------------------- */

static tm_status seg_damaged(const tm_store *s, uint64_t off, const char *what, tm_error *err)
{
    return tm_error_at(err, TM_EDATA, s->path, 0, "damaged store: %s (segment at byte offset %llu)",
                       what, (unsigned long long)off);
}

static tm_status parse_segment(tm_store *s, segment *g, uint32_t tabcrc, int verify_all, tm_error *err)
{
    if (g->off < DATA_START || g->off > s->size || g->len > s->size - g->off || g->len < SEGTAB_SIZE)
        return seg_damaged(s, g->off, "the segment list points outside the file", err);
    const unsigned char *t = s->map + g->off;
    if (memcmp(t, SEG_MAGIC, 8) != 0 ||
        tm_crc_bad(get_u32(t + SEGTAB_SIZE - 4), tm_crc32(t, SEGTAB_SIZE - 4)) ||
        tm_crc_bad(tabcrc, tm_crc32(t, SEGTAB_SIZE)))
        return seg_damaged(s, g->off, "its section table fails its checksum", err);
    g->base = t;
    g->first_id = get_u64(t + 8);
    g->nunits = get_u32(t + 16);
    for (int k = 0; k < NSECTIONS; k++) {
        const unsigned char *e = t + 24 + 24 * k;
        uint64_t off = get_u64(e), len = get_u64(e + 8);
        if (off < SEGTAB_SIZE || off > g->len || len > g->len - off)
            return seg_damaged(s, g->off, "a section lies outside its segment", err);
        g->sec[k] = t + off;
        g->sec_len[k] = len;
        g->sec_crc[k] = get_u32(e + 16);
        /* Small sections are checked whole at open, big indexes a chunk at
         * a time on first touch, unit blocks each on read; check: all. */
        if ((verify_all || (k != SEC_BLOCKS && !sec_is_lazy(k))) &&
            tm_crc_bad(g->sec_crc[k], tm_crc32(g->sec[k], len))) {
            char what[96];
            snprintf(what, sizeof what, "the %s section fails its checksum", section_name[k]);
            return seg_damaged(s, g->off, what, err);
        }
    }
    tm_langs_find(g->sec[SEC_LANGS], (size_t)g->sec_len[SEC_LANGS], "", &g->nlangs);
    if (g->sec_len[SEC_BLOCKDIR] % BLOCKDIR_SIZE || g->sec_len[SEC_EXACT] % EXACTENT_SIZE ||
        g->sec_len[SEC_IDENT] % KEYENT_SIZE || g->sec_len[SEC_TERMS] % TERMENT_SIZE ||
        g->sec_len[SEC_TOMBS] % 8 ||
        g->sec_len[SEC_FWDIDX] != FWDIDX_SIZE * (((uint64_t)g->nunits + FWD_GROUP - 1) / FWD_GROUP) ||
        g->sec_len[SEC_VOCAB] % VOCENT_SIZE ||
        g->sec_len[SEC_LENS] != (uint64_t)g->nunits * g->nlangs)
        return seg_damaged(s, g->off, "a section has a size its entries cannot have", err);
    uint64_t chunks = 0;
    for (int k = 0; k < NSECTIONS; k++)
        if (sec_is_lazy(k)) {
            g->chunk_first[k] = chunks;
            chunks += (g->sec_len[k] + CHUNK_SIZE - 1) / CHUNK_SIZE;
        }
    if (g->sec_len[SEC_CHUNKS] != 4 * chunks)
        return seg_damaged(s, g->off, "the chunk checksums do not cover the indexes", err);
    if (!(g->verified = calloc(chunks / 8 + 1, 1)))
        return tm_error_nomem(err);
    for (int k = 0; k < NSECTIONS && verify_all; k++)
        if (sec_is_lazy(k) && tm_seg_verify(g, k, 0, g->sec_len[k]) != 0) {
            char what[96];
            snprintf(what, sizeof what, "a chunk of the %s section fails its checksum", section_name[k]);
            return seg_damaged(s, g->off, what, err);
        }
    g->nblocks = (uint32_t)(g->sec_len[SEC_BLOCKDIR] / BLOCKDIR_SIZE);
    if (g->nunits && !g->nblocks)
        return seg_damaged(s, g->off, "units without blocks", err);
    return TM_OK;
}

int tm_seg_verify(segment *g, int k, uint64_t off, uint64_t len)
{
    if (len == 0 || off >= g->sec_len[k])
        return 0;
    uint64_t last = off + len > g->sec_len[k] ? g->sec_len[k] - 1 : off + len - 1;
    for (uint64_t c = off / CHUNK_SIZE; c <= last / CHUNK_SIZE; c++) {
        uint64_t bit = g->chunk_first[k] + c;
        if (g->verified[bit >> 3] >> (bit & 7) & 1)
            continue;
        uint64_t start = c * CHUNK_SIZE;
        uint64_t n = g->sec_len[k] - start < CHUNK_SIZE ? g->sec_len[k] - start : CHUNK_SIZE;
        if (tm_crc_bad(get_u32(g->sec[SEC_CHUNKS] + 4 * bit), tm_crc32(g->sec[k] + start, (size_t)n)))
            return -1;
        g->verified[bit >> 3] |= (unsigned char)(1u << (bit & 7));
    }
    return 0;
}

/* The key of entry i of section k, its chunk verified first (lazy
 * sections): 0, or -1 when the chunk fails its checksum. */
static int key_at(segment *g, int k, size_t ent, int keybytes, size_t i, uint64_t *key)
{
    if (sec_is_lazy(k) && tm_seg_verify(g, k, (uint64_t)i * ent, ent) != 0)
        return -1;
    const unsigned char *p = g->sec[k] + i * ent;
    *key = keybytes == 8 ? get_u64(p) : get_u32(p);
    return 0;
}

/* The keys are hashes, spread evenly over their range: the search starts
 * where that spread puts the key, gallops out to bracket it, and ends with
 * a binary search of the bracket. On a million exact keys it reads one or
 * two chunks, where a plain binary search read a dozen (each verified
 * against its checksum on first use: a third of an exact query's time).
 * The spread only decides where to look first: any sorted section is
 * searched correctly, in O(log n) probes at worst. */
int tm_seg_lower_bound(segment *g, int k, size_t ent, int keybytes, uint64_t key, size_t *pos)
{
    size_t n = g->sec_len[k] / ent, lo = 0, hi = n; /* the answer lies in [lo, hi] */
    uint64_t at;
    if (n > 0 && (uint64_t)n < ((uint64_t)1 << 32)) {
        uint64_t top = keybytes == 8 ? key >> 32 : key & 0xFFFFFFFFu;
        size_t i = (size_t)((top * n) >> 32);
        if (key_at(g, k, ent, keybytes, i, &at) != 0)
            return -1;
        if (at < key) {
            lo = i + 1;
            for (size_t step = 1; lo + step - 1 < n; step *= 2) {
                size_t j = lo + step - 1;
                if (key_at(g, k, ent, keybytes, j, &at) != 0)
                    return -1;
                if (at >= key) {
                    hi = j;
                    break;
                }
                lo = j + 1;
            }
        } else {
            hi = i;
            for (size_t step = 1; hi >= step; step *= 2) {
                size_t j = hi - step;
                if (key_at(g, k, ent, keybytes, j, &at) != 0)
                    return -1;
                if (at < key) {
                    lo = j + 1;
                    break;
                }
                hi = j;
            }
        }
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_at(g, k, ent, keybytes, mid, &at) != 0)
            return -1;
        if (at < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

int tm_seg_key_find(segment *g, int k, uint64_t key, size_t *pos)
{
    if (k == SEC_EXACT)
        return tm_seg_lower_bound(g, k, EXACTENT_SIZE, 4, key >> 32, pos);
    return tm_seg_lower_bound(g, k, KEYENT_SIZE, 8, key, pos);
}

int tm_seg_term(segment *g, uint32_t term, tm_plist *list, uint32_t *df)
{
    size_t i;
    tm_seg_lower_bound(g, SEC_TERMS, TERMENT_SIZE, 4, term, &i); /* (checked whole at open) */
    const unsigned char *e = g->sec[SEC_TERMS] + i * TERMENT_SIZE;
    if (i == g->sec_len[SEC_TERMS] / TERMENT_SIZE || get_u32(e) != term)
        return 0;
    uint64_t off = get_u64(e + 8), len = get_u32(e + 16);
    if (off > g->sec_len[SEC_POSTINGS] || len > g->sec_len[SEC_POSTINGS] - off)
        return -1;
    *df = get_u32(e + 4);
    list->p = g->sec[SEC_POSTINGS] + off;
    list->end = list->p + len;
    list->unit = 0;
    list->run = 0;
    return 1;
}

int tm_plist_check(segment *g, const tm_plist *list)
{
    const unsigned char *base = g->sec[SEC_POSTINGS];
    return tm_seg_verify(g, SEC_POSTINGS, (uint64_t)(list->p - base), (uint64_t)(list->end - list->p));
}

int tm_plist_next(tm_plist *list, uint32_t nunits, uint32_t *unit)
{
    if (list->run) {
        list->run--;
    } else {
        uint64_t gap, run;
        if (list->p >= list->end)
            return 0;
        if (tm_varint_get(&list->p, list->end, &gap) != 0 ||
            tm_varint_get(&list->p, list->end, &run) != 0 || gap == 0 || gap > nunits ||
            run >= nunits)
            return -1;
        list->unit += gap - 1;
        list->run = run;
    }
    if (list->unit >= nunits)
        return -1;
    *unit = (uint32_t)list->unit++;
    return 1;
}

int tm_plist_encode(tm_buf *out, const uint32_t *units, size_t n)
{
    uint64_t next = 0; /* the last unit written + 1 */
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i + 1;
        while (j < n && units[j] == units[j - 1] + 1)
            j++;
        rc = tm_varint_put(out, units[i] - next + 1) | tm_varint_put(out, j - i - 1);
        next = (uint64_t)units[j - 1] + 1;
        i = j;
    }
    return rc ? -1 : 0;
}

int tm_seg_unit_len(segment *g, int slot, uint32_t unit, unsigned *len)
{
    uint64_t i = (uint64_t)unit * g->nlangs + (uint64_t)slot;
    if (i >= g->sec_len[SEC_LENS] || tm_seg_verify(g, SEC_LENS, i, 1) != 0)
        return -1;
    *len = g->sec[SEC_LENS][i];
    return 0;
}

int tm_seg_key_at(segment *g, int k, size_t i, uint64_t key, uint32_t *local)
{
    size_t ent = k == SEC_EXACT ? EXACTENT_SIZE : KEYENT_SIZE;
    if (i >= g->sec_len[k] / ent)
        return 1;
    if (tm_seg_verify(g, k, (uint64_t)i * ent, ent) != 0)
        return -1;
    const unsigned char *e = g->sec[k] + i * ent;
    if (k == SEC_EXACT ? get_u32(e) != (uint32_t)(key >> 32) : get_u64(e) != key)
        return 1;
    *local = get_u32(e + ent - 4);
    return *local < g->nunits ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static tm_status gather_tombs(tm_store *s, tm_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < s->nseg; i++)
        total += s->seg[i].sec_len[SEC_TOMBS] / 8;
    s->tombs = malloc((total + 1) * sizeof *s->tombs);
    if (!s->tombs)
        return tm_error_nomem(err);
    for (size_t i = 0; i < s->nseg; i++)
        for (uint64_t k = 0; k < s->seg[i].sec_len[SEC_TOMBS] / 8; k++)
            s->tombs[s->ntombs++] = get_u64(s->seg[i].sec[SEC_TOMBS] + 8 * k);
    if (s->ntombs > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(s->tombs, s->ntombs, sizeof *s->tombs, cmp_u64);
    return TM_OK;
}

tm_status tm_store_parse(tm_store *s, int verify_all, tm_error *err)
{
    tm_status st = tm_store_read_slots(s->map, s->size, s->path, &s->head, err);
    if (st != TM_OK)
        return st;
    s->size = s->head.commit_end;
    const slot *h = &s->head;
    if (h->seglist_len == 0) /* a store with no commit yet */
        return TM_OK;
    if (h->seglist_off > s->size || h->seglist_len > s->size - h->seglist_off ||
        h->seglist_len < 4)
        return tm_error_at(err, TM_EDATA, s->path, 0, "damaged store: the segment list lies outside the file");
    const unsigned char *l = s->map + h->seglist_off;
    if (tm_crc_bad(h->seglist_crc, tm_crc32(l, h->seglist_len)))
        return tm_error_at(err, TM_EDATA, s->path, 0,
                           "damaged store: the segment list at byte offset %llu fails its checksum",
                           (unsigned long long)h->seglist_off);
    uint32_t n = get_u32(l);
    if ((uint64_t)n * SEGLIST_ENT + 4 != h->seglist_len)
        return tm_error_at(err, TM_EDATA, s->path, 0, "damaged store: the segment list has a wrong length");
    s->seg = calloc(n ? n : 1, sizeof *s->seg);
    if (!s->seg)
        return tm_error_nomem(err);
    for (uint32_t i = 0; i < n && st == TM_OK; i++) {
        const unsigned char *e = l + 4 + (size_t)i * SEGLIST_ENT;
        s->seg[i].off = get_u64(e);
        s->seg[i].len = get_u64(e + 8);
        st = parse_segment(s, &s->seg[i], get_u32(e + 16), verify_all, err);
        s->nseg = i + 1;
    }
    return st == TM_OK ? gather_tombs(s, err) : st;
}

int tm_store_is_tomb(const tm_store *s, uint64_t id)
{
    size_t lo = 0, hi = s->ntombs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->tombs[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->ntombs && s->tombs[lo] == id;
}

uint64_t tm_store_next_id(const tm_store *s)
{
    if (!s->nseg)
        return 1;
    const segment *g = &s->seg[s->nseg - 1];
    return g->first_id + g->nunits;
}

/* ---- open / close ---------------------------------------------------------------------- */

static tm_status map_file(tm_store *s, const char *path, tm_error *err)
{
    tm_status st = tm_file_open_read(path, "a store", &s->fd, err);
    if (st != TM_OK)
        return st;
    struct stat stt;
    if (fstat(s->fd, &stt) != 0)
        return tm_error_at(err, TM_EIO, path, 0, "cannot read: %s", strerror(errno));
    s->size = (size_t)stt.st_size;
    if (s->size < DATA_START)
        return tm_error_at(err, TM_EDATA, path, 0,
                           "not a tmkit store, or truncated (%zu bytes, a header alone is %d)",
                           s->size, DATA_START);
    void *m = mmap(NULL, s->size, PROT_READ, MAP_SHARED, s->fd, 0);
    if (m == MAP_FAILED)
        return tm_error_at(err, TM_EIO, path, 0, "cannot map: %s", strerror(errno));
    s->map = m;
    return TM_OK;
}

tm_status tm_store_open_verify(tm_store **out, const char *path, int verify_all, tm_error *err)
{
    *out = NULL;
    tm_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return tm_error_nomem(err);
    }
    s->fd = -1;
    tm_status st = map_file(s, path, err);
    size_t mapped = s->size;
    if (st == TM_OK)
        st = tm_store_parse(s, verify_all, err);
    if (st != TM_OK) {
        s->size = mapped;
        tm_store_close(s);
        return st;
    }
    s->size = mapped; /* munmap needs the mapped length */
    *out = s;
    return TM_OK;
}

tm_status tm_store_open(tm_store **out, const char *path, tm_error *err)
{
    return tm_store_open_verify(out, path, 0, err);
}

void tm_store_close(tm_store *s)
{
    if (!s)
        return;
    if (s->map)
        munmap((void *)s->map, s->size);
    if (s->fd >= 0)
        close(s->fd);
    for (size_t i = 0; s->seg && i < s->nseg; i++)
        free(s->seg[i].verified);
    free(s->seg);
    free(s->tombs);
    tm_buf_free(&s->cache);
    tm_tu_packer_free(&s->packer); /* (units loaded keep their chunks) */
    if (s->z_ready)
        inflateEnd(&s->z);
    tm_buf_free(&s->fwd);
    free(s->tally);
    if (s->fz_ready)
        inflateEnd(&s->fz);
    tm_mtext_free(&s->mq);
    tm_mtext_free(&s->mc);
    tm_mtext_free(&s->mqn);
    free(s->keyeq);
    free(s->path);
    free(s);
}

/* ---- stats, iteration, check --------------------------------------------------------- */

tm_status tm_store_get_stats(tm_store *s, tm_store_stats *st, tm_error *err)
{
    (void)err;
    memset(st, 0, sizeof *st);
    st->segments = s->nseg;
    st->file_bytes = s->head.commit_end;
    st->txid = s->head.txid;
    st->format = s->head.format;
    st->nsections = NSECTIONS;
    for (int k = 0; k < NSECTIONS; k++)
        st->section_name[k] = section_name[k];
    for (size_t i = 0; i < s->nseg; i++) {
        for (int k = 0; k < NSECTIONS; k++)
            st->section_bytes[k] += s->seg[i].sec_len[k];
        st->units += s->seg[i].nunits;
        const unsigned char *p = s->seg[i].sec[SEC_LANGS], *end = p + s->seg[i].sec_len[SEC_LANGS];
        while (p < end) {
            size_t n = strnlen((const char *)p, (size_t)(end - p));
            char code[32];
            snprintf(code, sizeof code, " %.*s ", (int)(n < 20 ? n : 20), p);
            char have[sizeof st->langs + 2];
            snprintf(have, sizeof have, " %s ", st->langs);
            if (n && !strstr(have, code) && strlen(st->langs) + n + 2 < sizeof st->langs) {
                if (st->langs[0])
                    strcat(st->langs, " ");
                strncat(st->langs, (const char *)p, n);
            }
            p += n + 1;
        }
    }
    st->units -= s->ntombs;
    return TM_OK;
}

tm_status tm_store_each(tm_store *s, tm_store_unit_fn fn, void *ctx, tm_error *err)
{
    tm_tu tu = TM_TU_INIT;
    tm_status st = TM_OK;
    for (size_t gi = 0; gi < s->nseg && st == TM_OK; gi++)
        for (uint32_t k = 0; k < s->seg[gi].nunits && st == TM_OK; k++) {
            uint64_t id = s->seg[gi].first_id + k;
            if (tm_store_is_tomb(s, id))
                continue;
            if ((st = tm_store_load(s, gi, k, &tu, err)) == TM_OK && fn(ctx, id, &tu))
                break;
        }
    tm_tu_clear(&tu);
    return st;
}
