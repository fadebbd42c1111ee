/*
 * store_write.c — importing: gather units, build one new segment, commit.
 *
 * The batch is kept as serialized units in memory (so an exact duplicate
 * arriving later can still be merged into its first occurrence), with the
 * index entries beside them. Commit writes, after the last commit's end:
 * the unit blocks, the indexes, the segment table, fsync; the new segment
 * list, fsync; then the older header slot with the next transaction id,
 * fsync. Only that last write makes anything visible (docs/store.md).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "norm.h"
#include "buf.h"
#include "store_internal.h"
#include "varint.h"

typedef struct keyent {
    uint64_t hash;
    uint32_t local;
} keyent;

typedef struct posting {
    uint32_t term;
    uint32_t local;
    uint32_t words;
} posting;

typedef struct vec {
    void *p;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
    if (tm_array_reserve(&v->p, &v->cap, v->n + 1, v->size, 1024))
        return NULL;
    return (char *)v->p + v->size * v->n++;
}

/* Units wait in a batch so that the costly part of adding them, preparing
 * every variant for matching (normalization, words), runs on two threads;
 * the rest (duplicates, serialization, index entries) runs in order. */
#define BATCH 512

typedef struct pending {
    tm_tu tu[BATCH];
    tm_mtext *mts[BATCH]; /* per unit, one per variant */
    size_t nmts[BATCH];
    tm_status st[BATCH];
    tm_error err[BATCH];
    size_t n;
} pending;

struct tm_store_writer {
    char *path;
    int fd;
    int created;   /* this writer made the file: an import that fails removes it */
    int committed;
    tm_store *old;         /* the content before this import, for duplicates */
    uint64_t first_id;
    tm_buf units;          /* serialized units of the batch */
    vec unit_off;          /* size_t: start of unit k in units; its end is the next start */
    vec unit_len;          /* size_t */
    vec exact, ident;      /* keyent */
    vec postings;          /* posting */
    vec tombs;             /* uint64_t */
    uint64_t *ident_slot;  /* batch duplicate detection: ident -> local + 1 */
    size_t ident_mask;
    tm_buf langs;          /* NUL-separated codes seen */
    tm_buf fwd;            /* match data of the batch's units */
    vec fwd_off;           /* uint64_t: start of unit k in fwd */
    tm_mtext *mts;         /* the variants of the unit being added, prepared once */
    size_t nmts;
    tm_store_import_stats stats;
    pending wait;          /* units added but not yet indexed (store_write.c, batch) */
};

/* ---- file helpers ---------------------------------------------------------------- */

static tm_status write_at(tm_store_writer *w, const void *p, size_t n, uint64_t off, tm_error *err)
{
    const char *c = p;
    while (n) {
        ssize_t k = pwrite(w->fd, c, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot write: %s",
                               k < 0 ? strerror(errno) : "no space");
        c += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return TM_OK;
}

static tm_status sync_file(tm_store_writer *w, tm_error *err)
{
    if (fsync(w->fd) != 0)
        return tm_error_at(err, TM_EIO, w->path, 0, "cannot sync: %s", strerror(errno));
    return TM_OK;
}

/* A new store: slot A at transaction 1 covering nothing, slot B empty. */
static tm_status init_file(tm_store_writer *w, tm_error *err)
{
    unsigned char buf[DATA_START];
    slot a = {TM_STORE_FORMAT, 1, DATA_START, 0, 0, 0, 1};
    tm_slot_encode(buf, &a);
    memset(buf + SLOT_SIZE, 0, SLOT_SIZE);
    tm_status st = write_at(w, buf, sizeof buf, 0, err);
    return st == TM_OK ? sync_file(w, err) : st;
}

/* Open the store (creating it) and take its writer lock. A writer that
 * created the file and then failed removes it; one waiting for the lock
 * meanwhile would then hold a lock on a removed file, so it checks that the
 * path still names the file it locked, and starts again if not. */
static tm_status lock_file(tm_store_writer *w, struct stat *sb, tm_error *err)
{
    for (int tries = 0; tries < 100; tries++) {
        w->fd = open(w->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (w->fd < 0)
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot open: %s", strerror(errno));
        if (flock(w->fd, LOCK_EX) != 0) /* a second importer waits here */
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot lock: %s", strerror(errno));
        struct stat named;
        if (fstat(w->fd, sb) != 0)
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot read: %s", strerror(errno));
        if (stat(w->path, &named) == 0 && named.st_ino == sb->st_ino && named.st_dev == sb->st_dev)
            return TM_OK;
        close(w->fd);
        w->fd = -1;
    }
    return tm_error_at(err, TM_EIO, w->path, 0, "cannot lock: the file keeps being replaced");
}

tm_status tm_store_writer_open(tm_store_writer **out, const char *path, tm_error *err)
{
    *out = NULL;
    tm_store_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        return tm_error_nomem(err);
    }
    w->exact.size = w->ident.size = sizeof(keyent);
    w->postings.size = sizeof(posting);
    w->tombs.size = sizeof(uint64_t);
    w->unit_off.size = w->unit_len.size = sizeof(size_t);
    w->fwd_off.size = sizeof(uint64_t);
    struct stat sb;
    tm_status st = lock_file(w, &sb, err);
    if (st == TM_OK && S_ISDIR(sb.st_mode))
        st = tm_error_at(err, TM_EIO, path, 0, "is a directory, not a store");
    if (st == TM_OK && sb.st_size == 0) {
        w->created = 1;
        st = init_file(w, err);
    }
    if (st == TM_OK)
        st = tm_store_open(&w->old, path, err);
    /* Whatever an interrupted import left after the last commit goes. */
    if (st == TM_OK && ftruncate(w->fd, (off_t)w->old->head.commit_end) != 0)
        st = tm_error_at(err, TM_EIO, path, 0, "cannot truncate: %s", strerror(errno));
    if (st == TM_OK) {
        w->first_id = tm_store_next_id(w->old);
        w->ident_mask = 1023;
        if (!(w->ident_slot = calloc(w->ident_mask + 1, sizeof *w->ident_slot)))
            st = tm_error_nomem(err);
    }
    if (st != TM_OK) {
        tm_store_writer_abort(w);
        return st;
    }
    *out = w;
    return TM_OK;
}

const tm_store_import_stats *tm_store_writer_stats(const tm_store_writer *w) { return &w->stats; }

void tm_store_writer_abort(tm_store_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0) {
        if (w->created && !w->committed) /* the store did not exist: it still does not */
            unlink(w->path);
        else if (w->old) /* leave the file as the last commit left it */
            if (ftruncate(w->fd, (off_t)w->old->head.commit_end) != 0) {
            }
        close(w->fd); /* releases the lock */
    }
    tm_store_close(w->old);
    tm_buf_free(&w->units);
    free(w->unit_off.p);
    free(w->unit_len.p);
    free(w->exact.p);
    free(w->ident.p);
    free(w->postings.p);
    free(w->tombs.p);
    free(w->ident_slot);
    tm_buf_free(&w->langs);
    tm_buf_free(&w->fwd);
    free(w->fwd_off.p);
    for (size_t k = 0; k < BATCH; k++) {
        tm_tu_clear(&w->wait.tu[k]);
        for (size_t i = 0; i < w->wait.nmts[k]; i++)
            tm_mtext_free(&w->wait.mts[k][i]);
        free(w->wait.mts[k]);
    }
    free(w->path);
    free(w);
}

/* ---- duplicates ------------------------------------------------------------------- */

static const char *const DATE_ATTRS[] = {"creationdate", "changedate", "lastusagedate"};

/* dst absorbs src: the newest of each date, every prop and note it lacks. */
static int merge_into(tm_tu *dst, const tm_tu *src)
{
    int rc = 0;
    for (size_t k = 0; k < 3; k++) {
        const char *a = tm_annot_attr(&dst->an, DATE_ATTRS[k]), *b = tm_annot_attr(&src->an, DATE_ATTRS[k]);
        if (b && (!a || strcmp(b, a) > 0))
            rc |= tm_annot_set_attr(&dst->an, DATE_ATTRS[k], b);
    }
    for (size_t i = 0; i < src->an.nprops; i++) {
        const tm_prop *p = &src->an.props[i];
        int have = 0;
        for (size_t j = 0; j < dst->an.nprops && !have; j++)
            have = !strcmp(dst->an.props[j].type, p->type) && !strcmp(dst->an.props[j].value, p->value);
        if (!have)
            rc |= tm_annot_add_prop(&dst->an, p->type, p->lang, p->value);
    }
    for (size_t i = 0; i < src->an.nnotes; i++) {
        const tm_note *n = &src->an.notes[i];
        int have = 0;
        for (size_t j = 0; j < dst->an.nnotes && !have; j++)
            have = !strcmp(dst->an.notes[j].text, n->text);
        if (!have)
            rc |= tm_annot_add_note(&dst->an, n->lang, n->text);
    }
    return rc;
}

/* Slot layout: high 32 bits = (ident >> 32) | 1 (never 0), low 32 = local + 1.
 * Two idents sharing their high half meet in one slot only after a full
 * 64-bit check below. */
static int ident_lookup(tm_store_writer *w, uint64_t ident, uint32_t *local)
{
    size_t i = (size_t)(ident * 0x9E3779B97F4A7C15ull >> 17) & w->ident_mask;
    for (; w->ident_slot[i]; i = (i + 1) & w->ident_mask) {
        uint32_t l = (uint32_t)w->ident_slot[i] - 1;
        if (((keyent *)w->ident.p)[l].hash == ident) {
            *local = l;
            return 1;
        }
    }
    return 0;
}

static int ident_insert(tm_store_writer *w, uint64_t ident, uint32_t local)
{
    if (2 * (w->ident.n + 1) > w->ident_mask) {
        size_t size = 2 * (w->ident_mask + 1);
        uint64_t *t = calloc(size, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i <= w->ident_mask; i++) {
            if (!w->ident_slot[i])
                continue;
            uint64_t h = ((keyent *)w->ident.p)[(uint32_t)w->ident_slot[i] - 1].hash;
            size_t k = (size_t)(h * 0x9E3779B97F4A7C15ull >> 17) & (size - 1);
            while (t[k])
                k = (k + 1) & (size - 1);
            t[k] = w->ident_slot[i];
        }
        free(w->ident_slot);
        w->ident_slot = t;
        w->ident_mask = size - 1;
    }
    size_t i = (size_t)(ident * 0x9E3779B97F4A7C15ull >> 17) & w->ident_mask;
    while (w->ident_slot[i])
        i = (i + 1) & w->ident_mask;
    w->ident_slot[i] = (uint64_t)1 << 32 | (local + 1);
    return 0;
}

/* A live unit of the existing store with this identity (*id 0: none). */
static tm_status old_duplicate(tm_store_writer *w, uint64_t ident, uint64_t *id, size_t *gi,
                               uint32_t *local, tm_error *err)
{
    tm_store *s = w->old;
    *id = 0;
    for (size_t g = 0; g < s->nseg; g++) {
        size_t i;
        int rc = tm_seg_key_find(&s->seg[g], SEC_IDENT, ident, &i);
        uint32_t l;
        for (; rc == 0 && (rc = tm_seg_key_at(&s->seg[g], SEC_IDENT, i, ident, &l)) == 0; i++)
            if (!tm_store_is_tomb(s, s->seg[g].first_id + l)) {
                *id = s->seg[g].first_id + l;
                *gi = g;
                *local = l;
                return TM_OK;
            }
        if (rc < 0)
            return tm_error_at(err, TM_EDATA, s->path, 0,
                               "damaged store: the identity index fails its checksum (run 'tmkit check')");
    }
    return TM_OK;
}

/* ---- adding ---------------------------------------------------------------------------- */

static int cmp_u64v(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void note_lang(tm_store_writer *w, const char *lang)
{
    char prim[16];
    tm_lang_primary(lang, prim, sizeof prim);
    for (size_t i = 0; i < w->langs.len; i += strlen(w->langs.data + i) + 1)
        if (!strcmp(w->langs.data + i, prim))
            return;
    tm_buf_append(&w->langs, prim, strlen(prim) + 1);
}

/* Prepare every variant of tu for matching into (*mts)[i], grown as
 * needed: the keys give the identity, the words the postings and the match
 * data. */
static tm_status prepare_variants(const tm_tu *tu, tm_mtext **mts, size_t *nmts, tm_error *err)
{
    if (tu->ntuvs > *nmts) {
        tm_mtext *p = realloc(*mts, tu->ntuvs * sizeof *p);
        if (!p)
            return tm_error_nomem(err);
        for (size_t i = *nmts; i < tu->ntuvs; i++)
            memset(&p[i], 0, sizeof p[i]);
        *mts = p;
        *nmts = tu->ntuvs;
    }
    for (size_t i = 0; i < tu->ntuvs; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        tm_status st = tm_mtext_prepare(&(*mts)[i], v->text, strlen(v->text), v->markup, err);
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

typedef struct prep_job {
    pending *p;
    size_t from, to;
} prep_job;

static void *prepare_range(void *arg)
{
    prep_job *j = arg;
    for (size_t k = j->from; k < j->to; k++)
        j->p->st[k] = prepare_variants(&j->p->tu[k], &j->p->mts[k], &j->p->nmts[k], &j->p->err[k]);
    return NULL;
}

/* Prepare the batch: the second half on a helper thread (or here, if one
 * cannot be started). */
static void prepare_batch(pending *p)
{
    prep_job a = {p, 0, p->n / 2}, b = {p, p->n / 2, p->n};
    pthread_t t;
    int threaded = p->n >= 16 && pthread_create(&t, NULL, prepare_range, &b) == 0;
    prepare_range(&a);
    if (threaded)
        pthread_join(t, NULL);
    else
        prepare_range(&b);
}

static uint64_t variant_key(const tm_store_writer *w, const tm_tu *tu, size_t i)
{
    const tm_buf *k = &w->mts[i].key;
    return tm_key64(tu->tuvs[i].lang, k->data ? k->data : "", k->len);
}

/* Identity: the hashes of every variant's language and match key, sorted. */
static uint64_t unit_ident(const tm_store_writer *w, const tm_tu *tu)
{
    uint64_t keys[64];
    size_t n = tu->ntuvs < 64 ? tu->ntuvs : 64;
    for (size_t i = 0; i < n; i++)
        keys[i] = variant_key(w, tu, i);
    if (n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(keys, n, sizeof *keys, cmp_u64v);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            h = (h ^ ((keys[i] >> (8 * b)) & 0xFF)) * 1099511628211ull;
    return h;
}

static int put_u32b(tm_buf *b, uint32_t v)
{
    unsigned char x[4];
    put_u32(x, v);
    return tm_buf_append(b, x, 4);
}

/* The match data of one variant: its code (lower case), its words and its
 * signatures, so a query scores a candidate without decompressing it.
 * Staged with word hashes; numbered at commit (store_vocab.c). */
static int put_match_data(tm_buf *b, const char *lang, const tm_mtext *mt)
{
    char code[64];
    size_t n = strlen(lang) < sizeof code - 1 ? strlen(lang) : sizeof code - 1;
    for (size_t i = 0; i < n; i++)
        code[i] = (char)tolower((unsigned char)lang[i]);
    int rc = tm_varint_put(b, n) | tm_buf_append(b, code, n) | tm_varint_put(b, mt->nwords);
    for (size_t k = 0; k < mt->nwords; k++)
        rc |= put_u32b(b, mt->words[k]);
    return rc | put_u32b(b, mt->case_sig) | put_u32b(b, mt->punct_sig) |
           put_u32b(b, mt->number_sig) | put_u32b(b, mt->tag_sig);
}

/* A unit's date as a number (YYYYMMDDhhmmss; 0 when it has none), so that
 * queries break ties between equal scores without loading units. */
static uint64_t date_key(const tm_tu *tu)
{
    const char *d = tm_annot_attr(&tu->an, "changedate");
    if (!d)
        d = tm_annot_attr(&tu->an, "creationdate");
    uint64_t k = 0;
    for (; d && *d; d++)
        if (*d >= '0' && *d <= '9')
            k = k * 10 + (uint64_t)(*d - '0');
    return k;
}

/* Index entries of a new unit: exact keys, postings and match data of every
 * variant. */
static tm_status index_unit(tm_store_writer *w, const tm_tu *tu, uint32_t local, tm_error *err)
{
    uint64_t *fo = vec_push(&w->fwd_off);
    if (!fo)
        return tm_error_nomem(err);
    *fo = w->fwd.len;
    if (tm_varint_put(&w->fwd, date_key(tu)) != 0 || tm_varint_put(&w->fwd, tu->ntuvs) != 0)
        return tm_error_nomem(err);
    for (size_t i = 0; i < tu->ntuvs; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        const tm_mtext *mt = &w->mts[i];
        if (put_match_data(&w->fwd, v->lang, mt) != 0)
            return tm_error_nomem(err);
        keyent *e = vec_push(&w->exact);
        if (!e)
            return tm_error_nomem(err);
        *e = (keyent){variant_key(w, tu, i), local};
        note_lang(w, v->lang);
        if (mt->split) {
            posting *p = vec_push(&w->postings);
            if (!p)
                return tm_error_nomem(err);
            *p = (posting){TM_SPLIT_TERM(v->lang), local, (uint32_t)mt->nwords};
        }
        for (size_t k = 0; k < mt->nwords; k++) {
            uint32_t occ = 1;
            for (size_t q = 0; q < k; q++)
                occ += mt->words[q] == mt->words[k];
            posting *p = vec_push(&w->postings);
            if (!p)
                return tm_error_nomem(err);
            *p = (posting){tm_term32(v->lang, mt->words[k], occ), local, (uint32_t)mt->nwords};
        }
    }
    return TM_OK;
}

static tm_status append_unit(tm_store_writer *w, const tm_tu *tu, uint64_t ident, tm_error *err)
{
    uint32_t local = (uint32_t)w->unit_off.n;
    size_t *off = vec_push(&w->unit_off), *len = vec_push(&w->unit_len);
    keyent *e = vec_push(&w->ident);
    if (!off || !len || !e)
        return tm_error_nomem(err);
    *off = w->units.len;
    if (tm_unit_encode(&w->units, tu) != 0)
        return tm_error_nomem(err);
    *len = w->units.len - *off;
    *e = (keyent){ident, local};
    if (ident_insert(w, ident, local) != 0)
        return tm_error_nomem(err);
    return index_unit(w, tu, local, err);
}

/* A duplicate of a unit already in this batch: merge in place (the new
 * serialization is appended; the old bytes are simply no longer pointed to). */
static tm_status merge_in_batch(tm_store_writer *w, uint32_t local, const tm_tu *tu, tm_error *err)
{
    tm_tu have = TM_TU_INIT;
    size_t off = ((size_t *)w->unit_off.p)[local], len = ((size_t *)w->unit_len.p)[local];
    tm_status st = tm_unit_decode((const unsigned char *)w->units.data + off, len, &have) == 0
                       ? TM_OK
                       : tm_error_set(err, TM_EIO, "internal: a batch unit does not decode");
    if (st == TM_OK && merge_into(&have, tu) != 0)
        st = tm_error_nomem(err);
    if (st == TM_OK) {
        ((size_t *)w->unit_off.p)[local] = w->units.len;
        if (tm_unit_encode(&w->units, &have) != 0)
            st = tm_error_nomem(err);
        ((size_t *)w->unit_len.p)[local] = w->units.len - ((size_t *)w->unit_off.p)[local];
    }
    tm_tu_clear(&have);
    return st;
}

/* Would the merged unit be stored exactly as the old one is? (Compared
 * as serialized bytes, with the old unit's merge taken into account.) */
static int same_unit(tm_store_writer *w, const tm_tu *merged, const tm_tu *old)
{
    tm_tu both = TM_TU_INIT;
    tm_buf a = TM_BUF_INIT, b = TM_BUF_INIT;
    int same = tm_tu_copy(&both, old) == 0 && merge_into(&both, merged) == 0 &&
               tm_unit_encode(&a, &both) == 0 && tm_unit_encode(&b, old) == 0 &&
               a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    (void)w;
    tm_tu_clear(&both);
    tm_buf_free(&a);
    tm_buf_free(&b);
    return same;
}

/* Add one unit whose variants are prepared in w->mts. */
static tm_status add_prepared(tm_store_writer *w, const tm_tu *tu, tm_error *err)
{
    tm_status st = TM_OK;
    uint64_t ident = unit_ident(w, tu);
    uint32_t local;
    if (ident_lookup(w, ident, &local)) {
        w->stats.merged++;
        return merge_in_batch(w, local, tu, err);
    }
    size_t gi;
    uint32_t old_local;
    uint64_t old_id;
    tm_status dst = old_duplicate(w, ident, &old_id, &gi, &old_local, err);
    if (dst != TM_OK)
        return dst;
    if (!old_id) {
        w->stats.added++;
        return append_unit(w, tu, ident, err);
    }
    /* The stored unit is replaced by the merge of both. */
    tm_tu merged = TM_TU_INIT, old = TM_TU_INIT;
    uint64_t *tomb = vec_push(&w->tombs);
    st = tomb ? tm_store_load(w->old, gi, old_local, &old, err) : tm_error_nomem(err);
    if (st == TM_OK && (tm_tu_copy(&merged, tu) != 0 || merge_into(&merged, &old) != 0))
        st = tm_error_nomem(err);
    w->stats.merged += st == TM_OK;
    if (st == TM_OK && !same_unit(w, &merged, &old)) {
        *tomb = old_id;
        st = append_unit(w, &merged, ident, err);
    } else if (st == TM_OK) {
        w->tombs.n--; /* nothing new: the stored unit stays as it is */
        w->stats.unchanged++;
    }
    tm_tu_clear(&merged);
    tm_tu_clear(&old);
    return st;
}

/* Index every waiting unit, in the order they were added. */
static tm_status flush_batch(tm_store_writer *w, tm_error *err)
{
    pending *p = &w->wait;
    tm_status st = TM_OK;
    prepare_batch(p);
    for (size_t k = 0; k < p->n && st == TM_OK; k++) {
        if ((st = p->st[k]) != TM_OK) {
            *err = p->err[k];
            break;
        }
        w->mts = p->mts[k];
        w->nmts = p->nmts[k];
        st = add_prepared(w, &p->tu[k], err);
    }
    w->mts = NULL;
    w->nmts = 0;
    for (size_t k = 0; k < p->n; k++)
        tm_tu_clear(&p->tu[k]);
    p->n = 0;
    return st;
}

tm_status tm_store_writer_add(tm_store_writer *w, const tm_tu *tu, tm_error *err)
{
    if (tu->ntuvs == 0)
        return tm_error_set(err, TM_EDATA, "a unit without any language variant");
    if (w->unit_off.n + w->wait.n >= (1u << 31))
        return tm_error_set(err, TM_EDATA, "too many units in one import (2^31)");
    pending *p = &w->wait;
    if (tm_tu_copy(&p->tu[p->n], tu) != 0)
        return tm_error_nomem(err);
    p->st[p->n] = TM_OK;
    p->err[p->n] = (tm_error){TM_OK, ""};
    return ++p->n == BATCH ? flush_batch(w, err) : TM_OK;
}

tm_status tm_store_writer_flush(tm_store_writer *w, tm_error *err)
{
    return w->wait.n ? flush_batch(w, err) : TM_OK;
}

/* ---- commit ------------------------------------------------------------------------------ */

typedef struct segbuild {
    uint64_t start;                 /* file offset of the segment */
    uint64_t pos;                   /* next free offset, relative to start */
    uint64_t sec_off[NSECTIONS], sec_len[NSECTIONS];
    uint32_t sec_crc[NSECTIONS];
    tm_buf blockdir;
    tm_buf chunks[NSECTIONS]; /* per lazy section, its chunks' CRC32s */
} segbuild;

static tm_status write_section(tm_store_writer *w, segbuild *b, int k, const void *p, size_t n,
                               tm_error *err)
{
    b->sec_off[k] = b->pos;
    b->sec_len[k] = n;
    b->sec_crc[k] = tm_crc32(p, n);
    for (size_t c = 0; sec_is_lazy(k) && c < n; c += CHUNK_SIZE) {
        unsigned char x[4];
        put_u32(x, tm_crc32((const unsigned char *)p + c, n - c < CHUNK_SIZE ? n - c : CHUNK_SIZE));
        if (tm_buf_append(&b->chunks[k], x, 4) != 0)
            return tm_error_nomem(err);
    }
    b->pos += n;
    return n ? write_at(w, p, n, b->start + b->sec_off[k], err) : TM_OK;
}

/* A preset dictionary for the segment's blocks: units sampled evenly
 * across it, up to zlib's 32 KiB window. Small blocks compress poorly on
 * their own (little repeats within 4 KiB); primed with the segment's common
 * words and phrases they come close to compressing the whole memory at
 * once, while a query still inflates one block. Empty for small segments. */
static void build_dict(const tm_store_writer *w, tm_buf *dict)
{
    size_t n = w->unit_off.n, total = w->units.len;
    if (total < 4 * DICT_SIZE)
        return;
    size_t stride = total / DICT_SIZE + 1;
    for (size_t k = 0; k < n && dict->len < DICT_SIZE; k += stride) {
        size_t off = ((size_t *)w->unit_off.p)[k], len = ((size_t *)w->unit_len.p)[k];
        if (len > DICT_SIZE - dict->len)
            len = DICT_SIZE - dict->len;
        if (tm_buf_append(dict, w->units.data + off, len) != 0)
            return; /* a shorter dictionary only compresses less */
    }
}

/* One block of the segment: which units, and once compressed, its bytes. */
typedef struct zblock {
    uint32_t first, count;
    unsigned char *out;
    size_t clen, rawlen;
} zblock;

typedef struct zjob {
    const tm_store_writer *w;
    const tm_buf *dict;
    zblock *blocks;
    size_t from, to;
    int failed;
} zjob;

/* Compress blocks [from, to) of the job: units as (varint length, bytes),
 * deflated at BLOCK_LEVEL with the dictionary. */
static void *compress_range(void *arg)
{
    zjob *j = arg;
    z_stream z;
    memset(&z, 0, sizeof z);
    tm_buf raw = TM_BUF_INIT;
    j->failed = deflateInit(&z, BLOCK_LEVEL) != Z_OK;
    for (size_t i = j->from; i < j->to && !j->failed; i++) {
        zblock *bl = &j->blocks[i];
        tm_buf_clear(&raw);
        for (uint32_t k = bl->first; k < bl->first + bl->count && !j->failed; k++) {
            size_t off = ((size_t *)j->w->unit_off.p)[k], len = ((size_t *)j->w->unit_len.p)[k];
            j->failed = tm_varint_put(&raw, len) != 0 || tm_buf_append(&raw, j->w->units.data + off, len) != 0;
        }
        size_t cap = deflateBound(&z, (uLong)raw.len);
        if (j->failed || !(bl->out = malloc(cap)) || deflateReset(&z) != Z_OK ||
            (j->dict->len && deflateSetDictionary(&z, (const Bytef *)j->dict->data, (uInt)j->dict->len) != Z_OK)) {
            j->failed = 1;
            break;
        }
        z.next_in = (Bytef *)raw.data;
        z.avail_in = (uInt)raw.len;
        z.next_out = bl->out;
        z.avail_out = (uInt)cap;
        j->failed = deflate(&z, Z_FINISH) != Z_STREAM_END;
        bl->clen = cap - z.avail_out;
        bl->rawlen = raw.len;
    }
    deflateEnd(&z);
    tm_buf_free(&raw);
    return NULL;
}

/* Cut the units into blocks of about BLOCK_TARGET raw bytes. */
static zblock *cut_blocks(const tm_store_writer *w, size_t *nblocks)
{
    size_t n = w->unit_off.n, cap = 0, nb = 0, raw = 0;
    zblock *bl = NULL;
    uint32_t first = 0;
    for (size_t k = 0; k < n; k++) {
        size_t len = ((size_t *)w->unit_len.p)[k], vl = 1;
        for (size_t v = len >> 7; v; v >>= 7)
            vl++;
        raw += vl + len;
        if (raw >= BLOCK_TARGET || k + 1 == n) {
            if (tm_array_reserve(&bl, &cap, nb + 1, sizeof *bl, 64)) {
                free(bl);
                return NULL;
            }
            bl[nb++] = (zblock){first, (uint32_t)(k + 1 - first), NULL, 0, 0};
            first = (uint32_t)(k + 1);
            raw = 0;
        }
    }
    *nblocks = nb;
    return bl ? bl : calloc(1, sizeof *bl);
}

/* Compress every block on two threads, then write them in order. */
static tm_status write_blocks(tm_store_writer *w, segbuild *b, tm_error *err)
{
    tm_buf dict = TM_BUF_INIT;
    uint64_t blocks_len = 0;
    size_t nb = 0;
    build_dict(w, &dict);
    tm_status st = write_section(w, b, SEC_DICT, dict.data, dict.len, err);
    zblock *bl = st == TM_OK ? cut_blocks(w, &nb) : NULL;
    if (st == TM_OK && !bl)
        st = tm_error_nomem(err);
    if (st == TM_OK) {
        zjob one = {w, &dict, bl, 0, nb / 2, 0}, two = {w, &dict, bl, nb / 2, nb, 0};
        pthread_t t;
        int threaded = nb >= 8 && pthread_create(&t, NULL, compress_range, &two) == 0;
        compress_range(&one);
        if (threaded)
            pthread_join(t, NULL);
        else
            compress_range(&two);
        if (one.failed || two.failed)
            st = tm_error_set(err, TM_EIO, "zlib could not compress a block (or memory ran out)");
    }
    b->sec_off[SEC_BLOCKS] = b->pos;
    uLong crc = 0; /* the blocks' own CRCs guard them; the section's is for `check` */
    for (size_t i = 0; i < nb && st == TM_OK; i++) {
        crc = crc32_z(crc, bl[i].out, bl[i].clen);
        st = write_at(w, bl[i].out, bl[i].clen, b->start + b->sec_off[SEC_BLOCKS] + blocks_len, err);
        unsigned char d[BLOCKDIR_SIZE] = {0};
        put_u64(d, blocks_len);
        put_u32(d + 8, (uint32_t)bl[i].clen);
        put_u32(d + 12, (uint32_t)bl[i].rawlen);
        put_u32(d + 16, tm_crc32(bl[i].out, bl[i].clen));
        put_u32(d + 20, bl[i].first);
        put_u32(d + 24, bl[i].count);
        if (st == TM_OK && tm_buf_append(&b->blockdir, d, sizeof d) != 0)
            st = tm_error_nomem(err);
        blocks_len += bl[i].clen;
    }
    for (size_t i = 0; i < nb; i++)
        free(bl[i].out);
    free(bl);
    tm_buf_free(&dict);
    b->sec_len[SEC_BLOCKS] = blocks_len;
    b->pos += blocks_len;
    if (st != TM_OK)
        return st;
    b->sec_crc[SEC_BLOCKS] = (uint32_t)crc;
    return TM_OK;
}

static int cmp_keyent(const void *a, const void *b)
{
    const keyent *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->local < y->local ? -1 : x->local > y->local;
}

static tm_status write_keys(tm_store_writer *w, segbuild *b, int k, vec *v, tm_error *err)
{
    if (v->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(v->p, v->n, sizeof(keyent), cmp_keyent);
    unsigned char *out = calloc(v->n + 1, KEYENT_SIZE);
    if (!out)
        return tm_error_nomem(err);
    for (size_t i = 0; i < v->n; i++) {
        const keyent *e = &((keyent *)v->p)[i];
        put_u64(out + i * KEYENT_SIZE, e->hash);
        put_u32(out + i * KEYENT_SIZE + 8, e->local);
    }
    tm_status st = write_section(w, b, k, out, v->n * KEYENT_SIZE, err);
    free(out);
    return st;
}

/* Postings arrive in unit order; a stable sort by term keeps that order
 * within each term, which is what the lists need. LSD radix on 16-bit
 * halves: two passes, linear, where qsort was a tenth of an import. */
static int sort_postings(posting **p, size_t n)
{
    posting *tmp = malloc(n * sizeof *tmp);
    size_t *count = calloc(65536, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -1;
    }
    for (int shift = 0; shift < 32; shift += 16) {
        posting *src = *p;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i].term >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t k = 0; k < 65536; k++) {
            size_t c = count[k];
            count[k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(src[i].term >> shift) & 0xFFFF]++] = src[i];
        *p = tmp;
        tmp = src;
    }
    free(tmp);
    free(count);
    return 0;
}

/* Term dictionary and postings: per term, (unit delta, word count) varints. */
static tm_status write_postings(tm_store_writer *w, segbuild *b, tm_error *err)
{
    size_t n = w->postings.n;
    if (n > 1 && sort_postings((posting **)&w->postings.p, n) != 0)
        return tm_error_nomem(err);
    posting *p = w->postings.p;
    tm_buf terms = TM_BUF_INIT, lists = TM_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i;
        uint64_t start = lists.len;
        uint32_t prev = 0, df = 0;
        for (; j < n && p[j].term == p[i].term; j++) {
            if (j > i && p[j].local == p[j - 1].local)
                continue; /* hash collisions of terms: a unit once per list */
            rc |= tm_varint_put(&lists, p[j].local - prev) | tm_varint_put(&lists, p[j].words);
            prev = p[j].local;
            df++;
        }
        unsigned char e[TERMENT_SIZE] = {0};
        put_u32(e, p[i].term);
        put_u32(e + 4, df);
        put_u64(e + 8, start);
        put_u32(e + 16, (uint32_t)(lists.len - start));
        rc |= tm_buf_append(&terms, e, sizeof e);
        i = j;
    }
    tm_status st = rc ? tm_error_nomem(err) : TM_OK;
    if (st == TM_OK)
        st = write_section(w, b, SEC_TERMS, terms.data, terms.len, err);
    if (st == TM_OK)
        st = write_section(w, b, SEC_POSTINGS, lists.data, lists.len, err);
    tm_buf_free(&terms);
    tm_buf_free(&lists);
    return st;
}

/* The match data with its words renumbered (store_vocab.c), its index
 * and the vocabulary. */
static tm_status write_match_data(tm_store_writer *w, segbuild *b, tm_error *err)
{
    size_t n = w->fwd_off.n;
    tm_buf fwd = TM_BUF_INIT, vocab = TM_BUF_INIT;
    uint64_t *offs = malloc(8 * (n + 1));
    unsigned char *t = malloc(8 * (n + 1));
    tm_status st = offs && t ? TM_OK : tm_error_nomem(err);
    if (st == TM_OK)
        st = tm_vocab_recode(&w->fwd, w->fwd_off.p, n, &fwd, offs, &vocab, err);
    if (st == TM_OK)
        st = write_section(w, b, SEC_FWD, fwd.data, fwd.len, err);
    if (st == TM_OK) {
        for (size_t i = 0; i <= n; i++)
            put_u64(t + 8 * i, offs[i]);
        st = write_section(w, b, SEC_FWDIDX, t, 8 * (n + 1), err);
    }
    if (st == TM_OK)
        st = write_section(w, b, SEC_VOCAB, vocab.data, vocab.len, err);
    free(offs);
    free(t);
    tm_buf_free(&fwd);
    tm_buf_free(&vocab);
    return st;
}

static tm_status write_tail(tm_store_writer *w, segbuild *b, tm_error *err)
{
    tm_status st = write_section(w, b, SEC_BLOCKDIR, b->blockdir.data, b->blockdir.len, err);
    if (st == TM_OK)
        st = write_keys(w, b, SEC_EXACT, &w->exact, err);
    if (st == TM_OK)
        st = write_keys(w, b, SEC_IDENT, &w->ident, err);
    if (st == TM_OK)
        st = write_postings(w, b, err);
    if (st == TM_OK) {
        if (w->tombs.n > 1) /* (qsort must not get a NULL base, even for 0 items) */
            qsort(w->tombs.p, w->tombs.n, sizeof(uint64_t), cmp_u64v);
        unsigned char *t = malloc(8 * w->tombs.n + 1);
        if (!t)
            return tm_error_nomem(err);
        for (size_t i = 0; i < w->tombs.n; i++)
            put_u64(t + 8 * i, ((uint64_t *)w->tombs.p)[i]);
        st = write_section(w, b, SEC_TOMBS, t, 8 * w->tombs.n, err);
        free(t);
    }
    if (st == TM_OK)
        st = write_section(w, b, SEC_LANGS, w->langs.data, w->langs.len, err);
    if (st == TM_OK)
        st = write_match_data(w, b, err);
    tm_buf all = TM_BUF_INIT;
    for (int k = 0; k < NSECTIONS && st == TM_OK; k++)
        if (tm_buf_append(&all, b->chunks[k].data, b->chunks[k].len) != 0)
            st = tm_error_nomem(err);
    if (st == TM_OK)
        st = write_section(w, b, SEC_CHUNKS, all.data, all.len, err);
    tm_buf_free(&all);
    return st;
}

static void encode_table(const tm_store_writer *w, const segbuild *b, unsigned char *t)
{
    memset(t, 0, SEGTAB_SIZE);
    memcpy(t, SEG_MAGIC, 8);
    put_u64(t + 8, w->first_id);
    put_u32(t + 16, (uint32_t)w->unit_off.n);
    put_u32(t + 20, NSECTIONS);
    for (int k = 0; k < NSECTIONS; k++) {
        put_u64(t + 24 + 24 * k, b->sec_off[k]);
        put_u64(t + 24 + 24 * k + 8, b->sec_len[k]);
        put_u32(t + 24 + 24 * k + 16, b->sec_crc[k]);
    }
    put_u32(t + SEGTAB_SIZE - 4, tm_crc32(t, SEGTAB_SIZE - 4));
}

/* The new segment list (old entries, then the new one) after the segment,
 * then the older header slot. */
static tm_status publish(tm_store_writer *w, const segbuild *b, const unsigned char *table,
                         tm_error *err)
{
    const tm_store *s = w->old;
    size_t n = s->nseg + 1, len = 4 + n * SEGLIST_ENT;
    unsigned char *l = calloc(1, len);
    if (!l)
        return tm_error_nomem(err);
    put_u32(l, (uint32_t)n);
    for (size_t i = 0; i < s->nseg; i++) {
        put_u64(l + 4 + i * SEGLIST_ENT, s->seg[i].off);
        put_u64(l + 4 + i * SEGLIST_ENT + 8, s->seg[i].len);
        put_u32(l + 4 + i * SEGLIST_ENT + 16, tm_crc32(s->seg[i].base, SEGTAB_SIZE));
    }
    unsigned char *e = l + 4 + s->nseg * SEGLIST_ENT;
    put_u64(e, b->start);
    put_u64(e + 8, b->pos);
    put_u32(e + 16, tm_crc32(table, SEGTAB_SIZE));
    uint64_t list_off = b->start + b->pos;
    tm_status st = write_at(w, l, len, list_off, err);
    slot next = {TM_STORE_FORMAT, s->head.txid + 1, list_off + len, list_off, len,
                 tm_crc32(l, len), 1};
    free(l);
    if (st == TM_OK)
        st = sync_file(w, err);
    if (st != TM_OK)
        return st;
    /* the slot the current commit is not in */
    unsigned char cur[SLOT_SIZE], buf[SLOT_SIZE];
    tm_slot_encode(cur, &s->head);
    int in_a = memcmp(cur, s->map, SLOT_USED) == 0;
    tm_slot_encode(buf, &next);
    st = write_at(w, buf, SLOT_SIZE, in_a ? SLOT_SIZE : 0, err);
    return st == TM_OK ? sync_file(w, err) : st;
}

tm_status tm_store_writer_commit(tm_store_writer *w, tm_error *err)
{
    tm_status fst = tm_store_writer_flush(w, err);
    if (fst != TM_OK) {
        tm_store_writer_abort(w);
        return fst;
    }
    if (w->unit_off.n == 0 && w->tombs.n == 0) { /* nothing to make visible */
        w->committed = 1; /* a new store stays, empty */
        tm_store_writer_abort(w);
        return TM_OK;
    }
    segbuild b;
    memset(&b, 0, sizeof b);
    b.start = w->old->head.commit_end;
    b.pos = SEGTAB_SIZE;
    unsigned char table[SEGTAB_SIZE];
    tm_status st = write_blocks(w, &b, err);
    if (st == TM_OK)
        st = write_tail(w, &b, err);
    if (st == TM_OK) {
        encode_table(w, &b, table);
        st = write_at(w, table, SEGTAB_SIZE, b.start, err);
    }
    if (st == TM_OK)
        st = sync_file(w, err);
    if (st == TM_OK)
        st = publish(w, &b, table, err);
    tm_buf_free(&b.blockdir);
    for (int k = 0; k < NSECTIONS; k++)
        tm_buf_free(&b.chunks[k]);
    if (st == TM_OK) { /* keep the new content: do not truncate on the way out */
        tm_store_close(w->old);
        w->old = NULL;
        w->committed = 1;
    }
    tm_store_writer_abort(w);
    return st;
}
