/*
 * store_writer.h — the writer's state, shared by store_write.c (opening,
 * locking, adding units, duplicates) and store_commit.c (building the new
 * segment and publishing it). Not public.
 */
#ifndef TM_STORE_WRITER_H
#define TM_STORE_WRITER_H

#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include "util/buf.h"
#include "store_internal.h"
#include "util/u32map.h"

typedef struct keyent {
    uint64_t hash;
    uint32_t local;
} keyent;

typedef struct vec {
    void *p;
    size_t n, cap, size;
} vec;

static inline void *vec_push(vec *v)
{
    if (v->n >= v->cap && tm_array_reserve(&v->p, &v->cap, v->n + 1, v->size, 1024))
        return NULL;
    return (char *)v->p + v->size * v->n++;
}

/* Units wait in a batch so that the costly part of adding them, everything
 * that depends on the unit alone (preparing every variant for matching,
 * hashing keys and terms, serializing), runs on two threads; the rest
 * (duplicates, appending to the batch's sections) runs in order. A unit's
 * slot keeps its scratch buffers (key, words, record, serialized unit)
 * from batch to batch: 128 units keep the three batches' slots within the
 * caches, where 512 (1536 slots, megabytes) had them come from memory for
 * every unit. */
#define BATCH 128
#define IN_FLIGHT 3 /* batches: one filling, up to two closed (store_prep.c) */

/* What the workers make of one unit. */
typedef struct unit_entries {
    tm_mtext *mts;     /* one per variant, prepared for matching */
    size_t nmts;       /* allocated */
    uint64_t ident;    /* the unit's identity: its variants' keys hashed together */
    vec keys;          /* uint64_t per variant: hash of language + match key */
    vec terms;         /* uint32_t: the posting terms of every variant */
    tm_buf record;     /* match-data record, with word hashes (store_vocab.c numbers them) */
    tm_buf enc;        /* the serialized unit */
} unit_entries;

/* A unit of this import that absorbed duplicates: the merge so far, its
 * match-data record without the date (the record of the variant texts it
 * has, which a merge does not change when it keeps them), and the unit of
 * the import it replaces. */
typedef struct merged_unit {
    tm_tu tu;
    tm_buf rec;
    uint32_t local;
} merged_unit;

typedef struct pending {
    tm_tu tu[BATCH];
    unit_entries ent[BATCH];
    tm_status st[BATCH];
    tm_error err[BATCH];
    size_t n;                     /* units queued (the caller's) */
    size_t ready, next, finished; /* under the pool's mutex: published, claimed, prepared */
} pending;

/* store_prep.c: the caller and a helper thread preparing and adding
 * batches. add adds a prepared batch to the writer and empties it. */
typedef tm_status (*prep_add_fn)(void *arg, pending *p, tm_error *err);

typedef struct prep_pool {
    pthread_t thread;
    int started, quit;
    pthread_mutex_t mu;
    pthread_cond_t cv;     /* broadcast whenever a job ends or one appears */
    prep_add_fn add;
    void *arg;
    pending *open;         /* the batch being filled, or NULL */
    pending *closed[IN_FLIGHT - 1]; /* full: being prepared, then added, oldest first */
    int nclosed;
    int adding;            /* a thread is adding the closed batch */
    tm_status add_st;      /* the first failure of an add, and its error */
    tm_error add_err;
} prep_pool;

void tm_prep_init(prep_pool *pool, prep_add_fn add, void *arg);
/* p (empty) becomes the open batch. */
void tm_prep_open(prep_pool *pool, pending *p);
/* The open batch's units [0, n) may be prepared now. */
void tm_prep_publish(prep_pool *pool);
/* Close the open batch (after helping until at most one other batch is
 * closed); there is no open batch after. The first failure of an add so
 * far, with its error. */
tm_status tm_prep_close(prep_pool *pool, tm_error *err);
/* Help until every closed batch is added; the first failure of an add. */
tm_status tm_prep_drain(prep_pool *pool, tm_error *err);
/* End the helper (its current job finishes first). */
void tm_prep_stop(prep_pool *pool);

/* Prepare tu's variants into e and make its entries. */
tm_status tm_prep_unit(const tm_tu *tu, unit_entries *e, tm_error *err);
/* Remake e's entries for tu, whose variants e->mts already holds prepared
 * (a merged unit: same variants, other annotations). */
tm_status tm_prep_make_entries(const tm_tu *tu, unit_entries *e, tm_error *err);
void tm_prep_free_entries(unit_entries *e);
/* Empty p (its units cleared). */
void tm_prep_empty(pending *p);
/* The identity of tu, as tm_prep_make_entries computes it (for a stored
 * unit, from its text). */
tm_status tm_prep_identity(const tm_tu *tu, uint64_t *ident, tm_error *err);

struct tm_store_writer {
    char *path;
    int fd;
    int created;   /* this writer made the file: an import that fails removes it */
    int committed;
    int published; /* the new header slot was written: the file is never cut back after */
    tm_store *old;         /* the content before this import, for duplicates */
    uint64_t first_id;
    tm_buf units;          /* serialized units of the batch */
    vec unit_off;          /* size_t: start of unit k in units; its end is the next start */
    vec unit_len;          /* size_t */
    vec exact, ident;      /* keyent */
    vec postings;          /* uint32_t: the posting terms of every unit, unit after unit */
    vec post_end;          /* uint64_t: where unit k's terms end in postings */
    vec tombs;             /* uint64_t */
    vec cand[2];           /* uint32_t: units of an old segment holding a key (old_duplicate) */
    uint64_t *ident_slot;  /* batch duplicate detection: ident -> local + 1 */
    size_t ident_mask;
    tm_buf langs;          /* NUL-separated codes seen */
    tm_buf fwd;            /* match data of the batch's units */
    vec fwd_off;           /* uint64_t: start of unit k in fwd */
    vec fwd_end;           /* uint64_t: its end (a merged unit's record moves to the end) */
    /* Units of this import that absorbed a later duplicate, kept decoded
     * until the commit encodes each once (store_write.c: merge_in_batch). */
    struct merged_unit *merged;
    size_t nmerged, capmerged;
    u32map merged_ix;       /* local -> index into merged + 1 (slot NULL until the first) */
    tm_store_import_stats stats;
    uint32_t *order;       /* at commit: new unit number -> the order added (store_order.c) */
    pending wait[IN_FLIGHT]; /* units added but not yet indexed: one batch filling */
    int filling;           /* (wait[filling]), the others closed or empty */
    size_t queued;         /* units given to the writer */
    prep_pool pool;
};

/* store_write.c: encode the units of this import that absorbed duplicates
 * (each once, with the merged text's match data); the commit calls it after
 * the last add. */
tm_status tm_writer_finish_merges(tm_store_writer *w, tm_error *err);

/* store_write.c: file helpers the commit uses too */
tm_status tm_writer_write_at(tm_store_writer *w, const void *p, size_t n, uint64_t off,
                             tm_error *err);
tm_status tm_writer_sync(tm_store_writer *w, tm_error *err);
int tm_cmp_u64(const void *a, const void *b);

/* store_index.c: the exact, term and posting sections of the
 * new segment, built in memory (the commit does it on a thread while the
 * blocks are compressed). */
typedef struct tm_index_sections {
    tm_buf exact, terms, lists; /* the sections' bytes */
} tm_index_sections;

/* Build them from w's entries (sorting its vectors in place): 0, -1 when
 * memory ran out. ix starts zeroed. */
int tm_index_build(tm_index_sections *ix, tm_store_writer *w);
void tm_index_free(tm_index_sections *ix);

/* store_order.c: sort the batch's units by their first variant's words and
 * renumber the index entries (w->order keeps the permutation). */
tm_status tm_writer_reorder(tm_store_writer *w, tm_error *err);

#endif
