/*
 * store_write.c — importing: open and lock the store, take units in, merge
 * exact duplicates. store_commit.c builds the new segment and publishes it.
 *
 * The batch is kept as serialized units in memory (so an exact duplicate
 * arriving later can still be merged into its first occurrence), with the
 * index entries beside them. Units wait in batches of BATCH, prepared on
 * two threads (store_prep.c), then added here in order, on whichever
 * thread is free.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "store_writer.h"
#include "util/varint.h"

#define PUBLISH 64 /* units queued between two offers to the helper */

static tm_status add_batch(void *arg, pending *p, tm_error *err);

/* ---- file helpers ---------------------------------------------------------------- */

tm_status tm_writer_write_at(tm_store_writer *w, const void *p, size_t n, uint64_t off,
                             tm_error *err)
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

tm_status tm_writer_sync(tm_store_writer *w, tm_error *err)
{
    if (fsync(w->fd) != 0)
        return tm_error_at(err, TM_EIO, w->path, 0, "cannot sync: %s", strerror(errno));
    return TM_OK;
}

tm_status tm_sync_dir(const char *path, tm_error *err)
{
    char *copy = strdup(path);
    if (!copy)
        return tm_error_nomem(err);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* EINVAL: a file system that cannot sync a directory (it has no
     * such thing to make durable) */
    tm_status st = fd >= 0 && (fsync(fd) == 0 || errno == EINVAL)
                       ? TM_OK
                       : tm_error_at(err, TM_EIO, path, 0, "cannot sync its directory: %s", strerror(errno));
    if (fd >= 0)
        close(fd);
    free(copy);
    return st;
}

/* A new store: slot A at transaction 1 covering nothing, slot B empty. */
static tm_status init_file(tm_store_writer *w, tm_error *err)
{
    unsigned char buf[DATA_START];
    slot a = {TM_STORE_FORMAT, 1, DATA_START, 0, 0, 0, 1};
    tm_slot_encode(buf, &a);
    memset(buf + SLOT_SIZE, 0, SLOT_SIZE);
    tm_status st = tm_writer_write_at(w, buf, sizeof buf, 0, err);
    if (st == TM_OK)
        st = tm_writer_sync(w, err);
    return st == TM_OK ? tm_sync_dir(w->path, err) : st;
}

/* Open the store (creating it) and take its writer lock. A writer that
 * created the file and then failed removes it; one waiting for the lock
 * meanwhile would then hold a lock on a removed file, so it checks that the
 * path still names the file it locked, and starts again if not. */
static tm_status lock_file(tm_store_writer *w, struct stat *sb, tm_error *err)
{
    for (int tries = 0; tries < 100; tries++) {
        w->fd = open(w->path, O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0666);
        if (w->fd < 0)
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot open: %s", strerror(errno));
        if (flock(w->fd, LOCK_EX) != 0) /* a second importer waits here */
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot lock: %s", strerror(errno));
        struct stat named;
        if (fstat(w->fd, sb) != 0)
            return tm_error_at(err, TM_EIO, w->path, 0, "cannot read: %s", strerror(errno));
        if (!S_ISREG(sb->st_mode))
            return tm_error_at(err, TM_EIO, w->path, 0,
                               "is not a regular file (a FIFO, device or socket), not a store");
        fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) & ~O_NONBLOCK);
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
    w->postings.size = sizeof(uint32_t);
    w->post_end.size = sizeof(uint64_t);
    w->tombs.size = sizeof(uint64_t);
    w->unit_off.size = w->unit_len.size = sizeof(size_t);
    w->fwd_off.size = w->fwd_end.size = sizeof(uint64_t);
    w->cand[0].size = w->cand[1].size = sizeof(uint32_t);
    tm_prep_init(&w->pool, add_batch, w);
    tm_prep_open(&w->pool, &w->wait[0]);
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
    tm_prep_stop(&w->pool); /* first: the helper may be adding, reading the old store */
    if (w->fd >= 0) {
        if (w->published) { /* old or new content, whichever slot won: see publish() */
        } else if (w->created && !w->committed) /* the store did not exist: it still does not */
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
    free(w->post_end.p);
    free(w->tombs.p);
    free(w->cand[0].p);
    free(w->cand[1].p);
    free(w->ident_slot);
    tm_buf_free(&w->langs);
    tm_buf_free(&w->fwd);
    free(w->order);
    free(w->fwd_off.p);
    free(w->fwd_end.p);
    for (size_t i = 0; i < w->nmerged; i++) {
        tm_tu_clear(&w->merged[i].tu);
        tm_buf_free(&w->merged[i].rec);
    }
    free(w->merged);
    u32map_free(&w->merged_ix);
    for (int b = 0; b < IN_FLIGHT; b++)
        for (size_t k = 0; k < BATCH; k++) {
            tm_tu_clear(&w->wait[b].tu[k]);
            tm_prep_free_entries(&w->wait[b].ent[k]);
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

/* dst absorbs src, a duplicate added after it: the text (and attributes)
 * of the one with the newer date, the later one on a tie, with the newest
 * dates and every prop and note of both. Within one import or across
 * imports, the same rule. */
static int merge_newest(tm_tu *dst, const tm_tu *src)
{
    int src_wins = tm_unit_date(src) >= tm_unit_date(dst);
    /* dst keeps accumulating: comparing src's few props and notes with dst's
     * many is linear, where copying src and merging dst into it was not */
    if (merge_into(dst, src) != 0)
        return -1;
    if (!src_wins)
        return 0;
    tm_tu t = TM_TU_INIT;
    int rc = tm_tu_copy(&t, src);
    if (rc == 0) { /* src's variants; dst's go with t */
        tm_tuv *v = dst->tuvs;
        size_t n = dst->ntuvs;
        dst->tuvs = t.tuvs;
        dst->ntuvs = t.ntuvs;
        t.tuvs = v;
        t.ntuvs = n;
    }
    for (size_t i = 0; i < src->an.nattrs && rc == 0; i++) { /* and its attributes */
        const tm_attr *a = &src->an.attrs[i];
        int date = 0;
        for (size_t k = 0; k < 3; k++)
            date |= !strcmp(a->name, DATE_ATTRS[k]);
        if (!date) /* (the dates are the newest of both already) */
            rc = tm_annot_set_attr(&dst->an, a->name, a->value);
    }
    tm_tu_clear(&t);
    return rc ? -1 : 0;
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

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The units of segment g that hold key in the exact index (by the high
 * half of its hash), sorted, into v. 0, -1 damaged, -2 out of memory. */
static int key_units(segment *g, uint64_t key, vec *v)
{
    size_t i;
    uint32_t l, *p;
    v->n = 0;
    int rc = tm_seg_key_find(g, SEC_EXACT, key, &i);
    for (; rc == 0 && (rc = tm_seg_key_at(g, SEC_EXACT, i, key, &l)) == 0; i++) {
        if (!(p = vec_push(v)))
            return -2;
        *p = l;
    }
    if (rc < 0)
        return -1;
    if (v->n > 1)
        qsort(v->p, v->n, sizeof *p, cmp_u32);
    return 0;
}

/* Keep in a the units also in b (both sorted). */
static void intersect(vec *a, const vec *b)
{
    uint32_t *x = a->p;
    const uint32_t *y = b->p;
    size_t i = 0, j = 0, n = 0;
    while (i < a->n && j < b->n) {
        if (x[i] < y[j])
            i++;
        else if (x[i] > y[j])
            j++;
        else
            x[n++] = x[i++];
    }
    a->n = n;
}

/* Is unit l of segment g a live unit with this identity? 1 yes (the unit
 * loaded into *old), 0 no, or 0 with *st set when it cannot be read. */
static int is_duplicate(tm_store_writer *w, size_t g, uint32_t l, uint64_t ident, tm_tu *old,
                        tm_status *st, tm_error *err)
{
    tm_store *s = w->old;
    uint64_t have;
    if (tm_store_is_tomb(s, s->seg[g].first_id + l))
        return 0;
    tm_tu_clear(old);
    if ((*st = tm_store_load(s, g, l, old, err)) != TM_OK ||
        (*st = tm_prep_identity(old, &have, err)) != TM_OK)
        return 0;
    return have == ident;
}

/* A live unit of the existing store with e's identity (*id 0: none), left
 * loaded in *old. The store keeps no identity index: the candidates are
 * the units holding the new unit's first two variant keys in the exact
 * index, and a candidate is the duplicate when its identity, recomputed
 * from its text, is e's (so a hash collision never merges two units). */
static tm_status old_duplicate(tm_store_writer *w, const unit_entries *e, uint64_t *id, size_t *gi,
                               tm_tu *old, tm_error *err)
{
    tm_store *s = w->old;
    const uint64_t *keys = e->keys.p;
    *id = 0;
    for (size_t g = 0; g < s->nseg; g++) {
        int rc = key_units(&s->seg[g], keys[0], &w->cand[0]);
        if (rc == 0 && e->keys.n > 1 && w->cand[0].n) {
            rc = key_units(&s->seg[g], keys[1], &w->cand[1]);
            intersect(&w->cand[0], &w->cand[1]);
        }
        if (rc == -2)
            return tm_error_nomem(err);
        if (rc < 0)
            return tm_error_at(err, TM_EDATA, s->path, 0,
                               "damaged store: the exact index fails its checksum (run 'tmkit check')");
        const uint32_t *c = w->cand[0].p;
        for (size_t i = 0; i < w->cand[0].n; i++) {
            tm_status st = TM_OK;
            if (i > 0 && c[i] == c[i - 1])
                continue;
            if (is_duplicate(w, g, c[i], e->ident, old, &st, err)) {
                *id = s->seg[g].first_id + c[i];
                *gi = g;
                return TM_OK;
            }
            if (st != TM_OK)
                return st;
        }
    }
    return TM_OK;
}

/* ---- adding ---------------------------------------------------------------------------- */

int tm_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int note_lang(tm_store_writer *w, const char *lang)
{
    char prim[16];
    if (tm_langs_find(w->langs.data, w->langs.len, lang, NULL) >= 0)
        return 0;
    tm_lang_primary(lang, prim, sizeof prim);
    return tm_buf_append(&w->langs, prim, strlen(prim) + 1);
}

/* Append a new unit and its index entries to the batch's sections. */
static tm_status append_unit(tm_store_writer *w, const tm_tu *tu, const unit_entries *e,
                             tm_error *err)
{
    uint32_t local = (uint32_t)w->unit_off.n;
    size_t *off = vec_push(&w->unit_off), *len = vec_push(&w->unit_len);
    keyent *id = vec_push(&w->ident);
    uint64_t *fo = vec_push(&w->fwd_off), *fe = vec_push(&w->fwd_end), *pe = vec_push(&w->post_end);
    if (!off || !len || !id || !fo || !fe || !pe || ident_insert(w, e->ident, local) != 0)
        return tm_error_nomem(err);
    *off = w->units.len;
    *len = e->enc.len;
    *id = (keyent){e->ident, local};
    *fo = w->fwd.len;
    *fe = w->fwd.len + e->record.len;
    if (tm_buf_append(&w->units, e->enc.data, e->enc.len) != 0 ||
        tm_buf_append(&w->fwd, e->record.data, e->record.len) != 0 ||
        tm_array_reserve(&w->exact.p, &w->exact.cap, w->exact.n + e->keys.n, sizeof(keyent), 1024) ||
        tm_array_reserve(&w->postings.p, &w->postings.cap, w->postings.n + e->terms.n,
                         sizeof(uint32_t), 1024))
        return tm_error_nomem(err);
    const uint64_t *keys = e->keys.p;
    for (size_t i = 0; i < e->keys.n; i++) {
        ((keyent *)w->exact.p)[w->exact.n++] = (keyent){keys[i], local};
        if (note_lang(w, tu->tuvs[i].lang) != 0)
            return tm_error_nomem(err);
    }
    if (e->terms.n) /* (postings.p is NULL while no unit had a word) */
        memcpy((uint32_t *)w->postings.p + w->postings.n, e->terms.p, e->terms.n * sizeof(uint32_t));
    w->postings.n += e->terms.n;
    *pe = w->postings.n;
    return TM_OK;
}

/* The record r (n bytes: a varint date, then the variants' data) without
 * its date into out. */
static int record_tail(const unsigned char *r, size_t n, tm_buf *out)
{
    const unsigned char *p = r;
    uint64_t date;
    tm_buf_clear(out);
    if (tm_varint_get(&p, r + n, &date) != 0)
        return -1;
    return tm_buf_append(out, p, (size_t)(r + n - p));
}

/* A duplicate of a unit already in this import (tu, prepared into e):
 * merged into that unit, which is kept decoded until the commit encodes it
 * once (tm_writer_finish_merges). Encoding it again at each duplicate made
 * n duplicates of one unit cost n^2 bytes. */
static tm_status merge_in_batch(tm_store_writer *w, uint32_t local, const tm_tu *tu,
                                const unit_entries *e, tm_error *err)
{
    if (!w->merged_ix.slot && u32map_init(&w->merged_ix, 64) != 0)
        return tm_error_nomem(err);
    int added;
    uint32_t *ix = u32map_put(&w->merged_ix, local, &added);
    if (!ix)
        return tm_error_nomem(err);
    if (added) {
        if (tm_array_reserve((void **)&w->merged, &w->capmerged, w->nmerged + 1, sizeof *w->merged, 16))
            return tm_error_nomem(err);
        merged_unit *m = &w->merged[w->nmerged];
        memset(m, 0, sizeof *m);
        m->local = local;
        *ix = (uint32_t)++w->nmerged;
        size_t off = ((size_t *)w->unit_off.p)[local], len = ((size_t *)w->unit_len.p)[local];
        uint64_t ro = ((uint64_t *)w->fwd_off.p)[local], re = ((uint64_t *)w->fwd_end.p)[local];
        if (tm_unit_decode((const unsigned char *)w->units.data + off, len, &m->tu) != 0 ||
            record_tail((const unsigned char *)w->fwd.data + ro, (size_t)(re - ro), &m->rec) != 0)
            return tm_error_set(err, TM_EIO, "internal: a unit of the import does not decode");
    }
    merged_unit *m = &w->merged[*ix - 1];
    if (tm_unit_date(tu) >= tm_unit_date(&m->tu) && /* tu's text wins (merge_newest) */
        record_tail((const unsigned char *)e->record.data, e->record.len, &m->rec) != 0)
        return tm_error_nomem(err);
    return merge_newest(&m->tu, tu) == 0 ? TM_OK : tm_error_nomem(err);
}

tm_status tm_writer_finish_merges(tm_store_writer *w, tm_error *err)
{
    tm_status st = TM_OK;
    for (size_t i = 0; i < w->nmerged && st == TM_OK; i++) {
        merged_unit *m = &w->merged[i];
        ((size_t *)w->unit_off.p)[m->local] = w->units.len;
        ((uint64_t *)w->fwd_off.p)[m->local] = w->fwd.len;
        /* the same variant keys and words: the index entries stay */
        if (tm_unit_encode(&w->units, &m->tu) != 0 ||
            tm_varint_put(&w->fwd, tm_unit_date(&m->tu)) != 0 ||
            tm_buf_append(&w->fwd, m->rec.data, m->rec.len) != 0)
            st = tm_error_nomem(err);
        ((size_t *)w->unit_len.p)[m->local] = w->units.len - ((size_t *)w->unit_off.p)[m->local];
        ((uint64_t *)w->fwd_end.p)[m->local] = w->fwd.len;
    }
    return st;
}

/* Would the merged unit be stored exactly as the old one is? (Compared
 * as serialized bytes, with the old unit's merge taken into account.) */
static int same_unit(const tm_tu *merged, const tm_tu *old)
{
    tm_tu both = TM_TU_INIT;
    tm_buf a = TM_BUF_INIT, b = TM_BUF_INIT;
    int same = tm_tu_copy(&both, old) == 0 && merge_into(&both, merged) == 0 &&
               tm_unit_encode(&a, &both) == 0 && tm_unit_encode(&b, old) == 0 &&
               a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    tm_tu_clear(&both);
    tm_buf_free(&a);
    tm_buf_free(&b);
    return same;
}

/* tu duplicates old, a live unit of the store: the stored unit is replaced
 * by the merge of both, unless the merge changes nothing. e holds tu's
 * prepared variants (the merge has the same ones) and is remade for it. */
static tm_status replace_old(tm_store_writer *w, const tm_tu *tu, unit_entries *e,
                             uint64_t old_id, const tm_tu *old, tm_error *err)
{
    tm_tu merged = TM_TU_INIT;
    uint64_t *tomb = vec_push(&w->tombs);
    tm_status st = tomb ? TM_OK : tm_error_nomem(err);
    if (st == TM_OK && (tm_tu_copy(&merged, old) != 0 || merge_newest(&merged, tu) != 0))
        st = tm_error_nomem(err);
    w->stats.merged += st == TM_OK;
    if (st == TM_OK && !same_unit(&merged, old)) {
        *tomb = old_id;
        /* e holds tu's variants prepared: enough when the merge has tu's text */
        st = tm_unit_date(tu) >= tm_unit_date(old) ? tm_prep_make_entries(&merged, e, err)
                                                   : tm_prep_unit(&merged, e, err);
        if (st == TM_OK)
            st = append_unit(w, &merged, e, err);
    } else if (st == TM_OK) {
        w->tombs.n--; /* nothing new: the stored unit stays as it is */
        w->stats.unchanged++;
    }
    tm_tu_clear(&merged);
    return st;
}

/* Add one prepared unit: merged into a duplicate of this import or of the
 * store, or appended. */
static tm_status add_prepared(tm_store_writer *w, const tm_tu *tu, unit_entries *e, tm_error *err)
{
    uint32_t local;
    if (ident_lookup(w, e->ident, &local)) {
        w->stats.merged++;
        return merge_in_batch(w, local, tu, e, err);
    }
    size_t gi;
    uint64_t old_id;
    tm_tu old = TM_TU_INIT;
    tm_status st = old_duplicate(w, e, &old_id, &gi, &old, err);
    if (st == TM_OK && old_id) {
        st = replace_old(w, tu, e, old_id, &old, err);
    } else if (st == TM_OK) {
        w->stats.added++;
        st = append_unit(w, tu, e, err);
    }
    tm_tu_clear(&old);
    return st;
}

/* Add every unit of a prepared batch, in order; the batch is empty after.
 * (The pool's add callback: it runs on either thread, one batch at a time.) */
static tm_status add_batch(void *arg, pending *p, tm_error *err)
{
    tm_store_writer *w = arg;
    tm_status st = TM_OK;
    for (size_t k = 0; k < p->n && st == TM_OK; k++) {
        if ((st = p->st[k]) != TM_OK) {
            *err = p->err[k];
            break;
        }
        st = add_prepared(w, &p->tu[k], &p->ent[k], err);
    }
    tm_prep_empty(p);
    return st;
}

/* The filling batch is full: close it (it is prepared and added while the
 * next one fills) and open the other one. */
static tm_status rotate(tm_store_writer *w, tm_error *err)
{
    tm_status st = tm_prep_close(&w->pool, err);
    w->filling = (w->filling + 1) % IN_FLIGHT; /* empty: the others are the closed ones */
    tm_prep_open(&w->pool, &w->wait[w->filling]);
    return st;
}

/* Queue tu, copied or (take) moved. */
static tm_status queue(tm_store_writer *w, tm_tu *tu, int take, tm_error *err)
{
    if (tu->ntuvs == 0)
        return tm_error_set(err, TM_EDATA, "a unit without any language variant");
    if (w->queued + 2 * BATCH >= (1u << 31))
        return tm_error_set(err, TM_EDATA, "too many units in one import (2^31)");
    pending *p = &w->wait[w->filling];
    if (take) {
        p->tu[p->n] = *tu;
        *tu = (tm_tu)TM_TU_INIT;
    } else if (tm_tu_copy(&p->tu[p->n], tu) != 0) {
        return tm_error_nomem(err);
    }
    p->st[p->n] = TM_OK;
    p->err[p->n] = (tm_error){TM_OK, ""};
    w->queued++;
    if (++p->n == BATCH)
        return rotate(w, err);
    if (p->n % PUBLISH == 0)
        tm_prep_publish(&w->pool);
    return TM_OK;
}

tm_status tm_store_writer_add(tm_store_writer *w, const tm_tu *tu, tm_error *err)
{
    return queue(w, (tm_tu *)tu, 0, err); /* (not written to: copied) */
}

tm_status tm_store_writer_take(tm_store_writer *w, tm_tu *tu, tm_error *err)
{
    return queue(w, tu, 1, err);
}

tm_status tm_store_writer_flush(tm_store_writer *w, tm_error *err)
{
    tm_status st = rotate(w, err);
    return st == TM_OK ? tm_prep_drain(&w->pool, err) : st;
}
