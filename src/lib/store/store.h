/*
 * store.h — the translation-memory store: one .tmdb file of translation
 * units, compressed and indexed (docs/store.md has the format and the
 * proofs).
 *
 * Readers (tm_store) map the file and see the commit that was current when
 * they opened it. A writer (tm_store_writer) holds the file's lock, gathers
 * units, and makes them visible in one atomic commit; until then nothing it
 * wrote is reachable, and a crash leaves the previous content.
 */
#ifndef TM_STORE_H
#define TM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "tmx/tu.h"

#define TM_STORE_FORMAT 8

typedef struct tm_store tm_store;

/* Open for reading. A missing file is TM_EIO; a damaged or foreign one
 * TM_EDATA naming what is wrong. */
tm_status tm_store_open(tm_store **out, const char *path, tm_error *err);
void tm_store_close(tm_store *s);

/* ---- writing ---------------------------------------------------------------- */

typedef struct tm_store_writer tm_store_writer;

/* Create the store when missing; wait for the writer lock. */
tm_status tm_store_writer_open(tm_store_writer **out, const char *path, tm_error *err);
/* Add one unit (copied). Units with fewer than one language variant are
 * refused (TM_EDATA). */
tm_status tm_store_writer_add(tm_store_writer *w, const tm_tu *tu, tm_error *err);
/* The same, taking tu's content instead of copying it: tu is left empty
 * (as TM_TU_INIT) when the unit is queued, untouched when it is refused. */
tm_status tm_store_writer_take(tm_store_writer *w, tm_tu *tu, tm_error *err);
/* Index every unit added so far (add queues units and indexes them in
 * batches; commit flushes too): the stats are complete after it, and an
 * error of a queued unit surfaces here. */
tm_status tm_store_writer_flush(tm_store_writer *w, tm_error *err);
/* Make everything added visible, atomically; frees w whatever happens. */
tm_status tm_store_writer_commit(tm_store_writer *w, tm_error *err);
/* Forget everything added; frees w. The store is unchanged. */
void tm_store_writer_abort(tm_store_writer *w);

typedef struct tm_store_import_stats {
    uint64_t added;   /* new units */
    uint64_t merged;  /* duplicates merged into an existing unit */
    uint64_t unchanged; /* of those, units the store already held as they are */
} tm_store_import_stats;
const tm_store_import_stats *tm_store_writer_stats(const tm_store_writer *w);

/* ---- reading ---------------------------------------------------------------- */

typedef struct tm_store_stats {
    uint64_t units;      /* live units */
    uint64_t segments;
    uint64_t file_bytes;
    uint64_t txid;
    uint32_t format;
    char langs[256];     /* language codes present, space-separated */
    size_t nsections;    /* the file's parts, summed over segments (docs/store.md) */
    const char *section_name[16];
    uint64_t section_bytes[16];
} tm_store_stats;

tm_status tm_store_get_stats(tm_store *s, tm_store_stats *st, tm_error *err);

/* Every live unit in storage order; fn returns non-zero to stop. */
typedef int (*tm_store_unit_fn)(void *ctx, uint64_t id, const tm_tu *tu);
tm_status tm_store_each(tm_store *s, tm_store_unit_fn fn, void *ctx, tm_error *err);

/* Rewrite the store as one segment, atomically (store_optimize.c): many
 * small imports make many segments, which every query visits. */
tm_status tm_store_optimize(const char *path, uint64_t *segments_before, tm_error *err);

/* Every live unit whose l1 or l2 variant may hold all the words of text
 * (a superset found through the word index, store_concord.c; the caller
 * checks each unit), segment by segment. */
tm_status tm_store_each_with_words(tm_store *s, const char *text, size_t len, const char *l1,
                                   const char *l2, tm_store_unit_fn fn, void *ctx, tm_error *err);

/* ---- concordance ------------------------------------------------------------------ */

/* A term to find (store_term.c): its words, compared on the match key, or
 * on the fold key (diacritics ignored) when fold. TM_EUSAGE when the term
 * has no word or more than 64. */
typedef struct tm_concord tm_concord;
tm_status tm_concord_new(tm_concord **out, const char *term, int fold, tm_error *err);
void tm_concord_free(tm_concord *c);
int tm_concord_folds(const tm_concord *c);
const char *tm_concord_term(const tm_concord *c);
/* Does text hold the term's words in a row (*found)? */
tm_status tm_concord_holds(tm_concord *c, const char *text, int marks, int *found, tm_error *err);
/* The term's words in text, for highlighting: *nwords words, with byte
 * spans [spans[2k], spans[2k+1]) and mark[k] set for the term's; *nwords is
 * 0 when the text's words do not line up with its key's. The arrays are
 * c's, valid until its next call. */
tm_status tm_concord_mark(tm_concord *c, const char *text, const uint32_t **spans,
                          const unsigned char **mark, size_t *nwords, tm_error *err);

typedef struct tm_concord_hit {
    uint64_t id;
    uint64_t date; /* tm_store_unit_date */
    tm_tu tu;      /* the unit, owned by the hit list */
} tm_concord_hit;

typedef struct tm_concord_hits {
    tm_concord_hit *hit;
    size_t n;
} tm_concord_hits;

/* Every unit with a src and a tgt variant, one of which holds c's term,
 * newest first (date, then id). */
tm_status tm_store_concord(tm_store *s, tm_concord *c, const char *src, const char *tgt,
                           tm_concord_hits *out, tm_error *err);
void tm_concord_hits_free(tm_concord_hits *h);

/* Verify every checksum and index of the file; the first damage found is
 * reported precisely (TM_EDATA). */
tm_status tm_store_check(const char *path, tm_error *err);

/* ---- queries ---------------------------------------------------------------------- */

typedef struct tm_store_hit {
    uint64_t id;
    int score;      /* percent */
    tm_tu tu;       /* the unit (owned by the hit list; packed, read-only: tu_pack.c) */
    size_t src_var, tgt_var; /* index of the source and target variants in tu.tuvs */
} tm_store_hit;

typedef struct tm_store_hits {
    tm_store_hit *hit;
    size_t n;
} tm_store_hits;

void tm_store_hits_free(tm_store_hits *h);

/* The best n units whose src variant scores at least min% against text and
 * that have a tgt variant, best first (score, then newest). */
tm_status tm_store_query(tm_store *s, const char *text, size_t len, const char *src,
                         const char *tgt, int min, size_t n, tm_store_hits *out, tm_error *err);

/* A unit's date as a number that orders units as their dates do: the digits
 * of its changedate, else of its creationdate (0 when it has neither). Query
 * hits of equal score rank by it, newest first. */
uint64_t tm_store_unit_date(const tm_tu *tu);

#endif
