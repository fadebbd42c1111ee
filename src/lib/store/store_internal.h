/*
 * store_internal.h — the .tmdb layout (docs/store.md) as the store's C
 * files share it: byte helpers, section numbers, the parsed view of a
 * mapped file. Not public.
 */
#ifndef TM_STORE_INTERNAL_H
#define TM_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "util/buf.h"
#include "match/match.h"
#include "store.h"

/* The commit reads units, records and posting runs in the new unit order,
 * all over hundreds of megabytes: asking for the one a few steps ahead
 * hides most of the cache misses. */
#if defined(__GNUC__)
#define TM_PREFETCH(p) __builtin_prefetch(p)
#else
#define TM_PREFETCH(p) ((void)0)
#endif
#define PREFETCH_AHEAD 8

#define SLOT_SIZE 4096
#define DATA_START (2 * SLOT_SIZE)
#define SLOT_MAGIC "tmkitdb"  /* 7 chars + NUL = 8 bytes */
#define SEG_MAGIC "tmseg01"
#define BLOCK_TARGET 8192 /* raw bytes of units a block holds (about; a unit is not cut) */
#define DICT_SIZE 32768   /* zlib's window: the largest useful preset dictionary */
#define BLOCK_LEVEL 6     /* with the match data's deflateTune below (short hash chains):
                             5% smaller a file than level 2, which the import paid 9% more
                             CPU for; the file's margin under the TMX's gzip -9 on the 1M
                             bench memory was 2% at level 2 (docs/store.md) */
#define FWD_GROUP 64      /* units whose match data are deflated together */
#define RAW_MAX (64u << 20) /* the raw size of a block or group that readers accept (and writers
                               refuse to exceed): a damaged size cannot make a reader allocate more */
#define FWD_LEVEL 6
/* deflateTune for the match data and the blocks (levels 4-9 only: lazy matching): hash
 * chains followed 8 deep (level 6: 128), lazy matching only below 16
 * bytes, a match of 64 taken at once. On the 1M bench memory's records
 * (case signatures out, format 8) that deflated them in 1.58 s to 25.5 MB,
 * against 1.77 s and 24.9 MB for the former setting (8, 32, 128, 32) and
 * 1.54 s and 26.3 MB for level 4 (docs/store.md). */
#define Z_GOOD 4
#define Z_LAZY 16
#define Z_NICE 64
#define Z_CHAIN 8

enum {
    SEC_BLOCKS,    /* raw-deflated blocks of serialized units */
    SEC_BLOCKDIR,  /* BLOCKDIR_SIZE per block */
    SEC_EXACT,     /* EXACTENT_SIZE per variant: (high half of the hash of lang + match key, unit) */
    SEC_IDENT,     /* empty since format 7 (was KEYENT_SIZE per unit: identity hash, unit) */
    SEC_TERMS,     /* TERMENT_SIZE per term */
    SEC_POSTINGS,  /* varint (gap, run) lists: runs of consecutive units */
    SEC_TOMBS,     /* u64 global ids of superseded units, sorted */
    SEC_LANGS,     /* language codes of the variants, NUL-separated */
    SEC_FWD,       /* match data (per unit, per variant: code, words, signatures), deflated
                      FWD_GROUP units at a time, each group followed by its case signatures */
    SEC_FWDIDX,    /* FWDIDX_SIZE per group: offset, deflated and raw size */
    SEC_DICT,      /* zlib preset dictionary of the blocks (empty: none) */
    SEC_VOCAB,     /* VOCENT_SIZE per word of the match data: (hash, number), by hash */
    SEC_LENS,      /* per unit, per language of SEC_LANGS: its word count (LEN_*) */
    SEC_CHUNKS,    /* u32 CRC32 per CHUNK_SIZE bytes of each lazy section, in section order */
    NSECTIONS
};

/* The big indexes are checked a chunk at a time, on first touch
 * (tm_seg_verify), so opening a store reads no index and a query reads only
 * the pages it needs; `check` reads everything. */
#define CHUNK_SIZE 4096 /* a page: a unit's match data costs one page, not a run of them */
static inline int sec_is_lazy(int k)
{
    return k == SEC_EXACT || k == SEC_IDENT || k == SEC_POSTINGS || k == SEC_FWD || k == SEC_FWDIDX ||
           k == SEC_VOCAB || k == SEC_LENS;
}

#define SLOT_USED 56
#define SEGTAB_SIZE (8 + 8 + 4 + 4 + NSECTIONS * 24 + 4)
#define BLOCKDIR_SIZE 32
#define KEYENT_SIZE 12  /* u64 hash, u32 unit */
#define EXACTENT_SIZE 8 /* u32 high half of the hash, u32 unit: a collision only adds a
                           candidate, which its score rejects (identity needs all 64 bits:
                           a collision there would merge two units) */
#define TERMENT_SIZE 24
#define VOCENT_SIZE 8
#define FWDIDX_SIZE 20 /* u64 offset, u32 deflated size, u32 raw size, u32 case bytes */
/* A unit's byte in SEC_LENS: its variant's word count in that language,
 * LEN_NONE without one, LEN_ANY when it has several there or 255 words or
 * more (the length filter then lets it through). */
#define LEN_NONE 0
#define LEN_ANY 255
#define SEGLIST_ENT 24

/* Little-endian fields. */
static inline void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* CRC32 of n bytes (crc32_z: sections may pass 4 GiB). */
static inline uint32_t tm_crc32(const void *p, size_t n)
{
    return (uint32_t)crc32_z(0L, (const unsigned char *)p, n);
}

/* A stored checksum that does not match. Fuzzing builds accept every
 * checksum so that the fuzzer reaches the bounds checks behind them (a
 * crafted file can carry valid checksums; those checks are what stands
 * between it and a crash). */
static inline int tm_crc_bad(uint32_t stored, uint32_t computed)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    (void)stored;
    (void)computed;
    return 0;
#else
    return stored != computed;
#endif
}

/* One header slot, decoded. */
typedef struct slot {
    uint32_t format;
    uint64_t txid, commit_end, seglist_off, seglist_len;
    uint32_t seglist_crc;
    int valid;
} slot;

/* One segment of a mapped file. */
typedef struct segment {
    const unsigned char *base;
    uint64_t off, len, first_id;
    uint32_t nunits;
    const unsigned char *sec[NSECTIONS];
    uint64_t sec_len[NSECTIONS];
    uint32_t sec_crc[NSECTIONS];
    uint32_t nblocks;
    size_t nlangs; /* in SEC_LANGS */
    uint64_t chunk_first[NSECTIONS]; /* a lazy section's first entry in SEC_CHUNKS */
    unsigned char *verified;         /* one bit per chunk of SEC_CHUNKS: checked */
} segment;

/* Where a unit's record lies in an inflated match-data group (its bytes
 * fwd[off, off + len)) and the place of its first variant among the
 * group's (its case signature is the first_variant-th of the tail). */
typedef struct fwd_place {
    size_t off, len;
    uint64_t first_variant;
} fwd_place;

struct tm_store {
    char *path;
    int fd;
    const unsigned char *map;
    size_t size; /* commit_end */
    slot head;
    segment *seg;
    size_t nseg;
    uint64_t *tombs; /* all tombstones, sorted */
    size_t ntombs;
    /* one block, inflated as far as it was needed (store_unit.c) */
    size_t cache_seg, cache_block, cache_ulen;
    tm_buf cache;
    int cache_valid;
    z_stream z;
    int z_ready;
    tm_tu_packer packer; /* loaded units are packed into its chunks (store_unit.c) */
    /* one group of match data, inflated whole (store_fwd.c) */
    size_t fwd_seg, fwd_group;
    int fwd_valid;
    tm_buf fwd;
    const unsigned char *fwd_cases; /* the group's case signatures, in the mapped file */
    size_t fwd_cases_len;
    fwd_place fwd_unit[FWD_GROUP];  /* each unit's record in fwd, its first case signature */
    z_stream fz;
    int fz_ready;
    uint16_t *tally; /* per unit of the biggest segment, zero between queries (store_query.c) */
    size_t tally_cap;
    tm_mtext mq, mc; /* query scratch */
    tm_mtext mqn;    /* the query with a segment's word numbers */
    uint32_t *keyeq; /* the units of that segment whose source has the query's match key, sorted */
    size_t nkeyeq, capkeyeq;
};

/* store_file.c */
tm_status tm_store_read_slots(const unsigned char *map, size_t size, const char *path, slot *best,
                              tm_error *err);
tm_status tm_store_parse(tm_store *s, int verify_all, tm_error *err);
int tm_store_is_tomb(const tm_store *s, uint64_t id);
/* Check the chunks of lazy section k of g that [off, off + len) touches,
 * once each. 0, or -1 when one fails its checksum. */
int tm_seg_verify(segment *g, int k, uint64_t off, uint64_t len);
/* The first entry of section k (entries of ent bytes sorted by the u32 or
 * u64 key their first keybytes hold) whose key is >= key, into *pos; -1
 * when a chunk it touched fails its checksum (lazy sections). */
int tm_seg_lower_bound(segment *g, int k, size_t ent, int keybytes, uint64_t key, size_t *pos);

/* A posting list being read: varint pairs (gap, run): the next unit is
 * gap after the last one read (the first: gap - 1 after 0), and run more
 * units follow it one by one. Units of near-duplicates sit together
 * (store_order.c), so most lists are a few long runs. */
typedef struct tm_plist {
    const unsigned char *p, *end;
    uint64_t unit; /* the last unit read + 1 */
    uint64_t run;  /* units of the current run still to come */
} tm_plist;
/* Term's posting list in g: 1 (and its document frequency), 0 when the
 * segment lacks the term, -1 when the dictionary points outside. */
int tm_seg_term(segment *g, uint32_t term, tm_plist *list, uint32_t *df);
/* Check the chunks a list lies in (0, or -1 damaged), before reading it. */
int tm_plist_check(segment *g, const tm_plist *list);
/* The list's next unit: 1, 0 at the end, -1 damaged. */
int tm_plist_next(tm_plist *list, uint32_t nunits, uint32_t *unit);
/* Append a list of sorted, distinct units to out. 0, or -1 for memory. */
int tm_plist_encode(tm_buf *out, const uint32_t *units, size_t n);

/* The unit's LEN_* byte for language slot; -1 when its chunk is damaged. */
int tm_seg_unit_len(segment *g, int slot, uint32_t unit, unsigned *len);

/* Key indexes (SEC_EXACT, SEC_IDENT: entries sorted by hash; SEC_EXACT
 * keeps the high 32 bits). find: the first entry whose hash is >= key
 * into *pos. at: the unit of entry i if its hash is key (0), 1 past the
 * run, -1 when damaged. */
int tm_seg_key_find(segment *g, int k, uint64_t key, size_t *pos);
int tm_seg_key_at(segment *g, int k, size_t i, uint64_t key, uint32_t *local);
uint64_t tm_store_next_id(const tm_store *s);
void tm_slot_encode(unsigned char *buf, const slot *sl);
/* The slot at p, with .valid set when its checksum holds. */
slot tm_slot_decode(const unsigned char *p);
/* tm_store_open, verifying every section's checksum when verify_all
 * (tm_store_check) instead of each lazily on first use. */
tm_status tm_store_open_verify(tm_store **out, const char *path, int verify_all, tm_error *err);

/* store_vocab.c: word numbers of the match data */
/* The final match data of n units: their records (unit k's at
 * records[offs[k], offs[k + 1])) and their case signatures (unit k's at
 * cases[case_offs[k], case_offs[k + 1]), four bytes per variant). offs and
 * case_offs have room for n + 1 entries (the caller's). */
typedef struct tm_fwd_out {
    tm_buf records, cases;
    uint64_t *offs, *case_offs;
} tm_fwd_out;
/* Renumber the staged match data of n units (unit u's record at
 * staged[offs[u], ends[u])) into out in the given order (order[k]: the
 * staged unit that becomes unit k; NULL: as staged), and write the
 * vocabulary section. */
tm_status tm_vocab_recode(const tm_buf *staged, const uint64_t *offs, const uint64_t *ends,
                          size_t n, const uint32_t *order, tm_fwd_out *out, tm_buf *vocab,
                          tm_error *err);
/* The segment's number for a word hash: 1 and *id, 0 when the segment has
 * no such word, -1 when the vocabulary is damaged. */
int tm_vocab_number(segment *g, uint32_t hash, uint32_t *id);

/* store_fwd.c: the match data of unit local of segment gi: its record
 * p..end and the case signatures of its variants from cases on (up to
 * cases_end, the group's last); valid until the next call. TM_EDATA when
 * its group is damaged. */
typedef struct tm_fwd_rec {
    const unsigned char *p, *end, *cases, *cases_end;
} tm_fwd_rec;
tm_status tm_fwd_unit(tm_store *s, size_t gi, uint32_t local, tm_fwd_rec *r, tm_error *err);
/* One variant of a unit's match data (the record SEC_FWD holds per unit:
 * date, variant count, then per variant its code, word count, word
 * numbers and the punctuation, number and tag signatures; the case
 * signature comes from the group's raw tail). */
typedef struct tm_fwd_variant {
    const unsigned char *code; /* lower case, not NUL-terminated */
    size_t code_len;
    size_t nwords;
    const unsigned char *ids, *ids_end; /* word numbers, varints (store_vocab.c) */
    uint32_t sig[4];                    /* case, punctuation, numbers, tags */
} tm_fwd_variant;
/* Read a record's head, then its variants one by one: 0, or -1 when the
 * record does not hold what it says (the reader then stops). A variant's
 * case signature is read at *cases (advanced), or 0 when cases is NULL. */
int tm_fwd_record(const unsigned char **p, const unsigned char *end, uint64_t *date, uint64_t *nv);
int tm_fwd_variant_next(const unsigned char **p, const unsigned char *end,
                        const unsigned char **cases, const unsigned char *cases_end,
                        tm_fwd_variant *v);

/* Inflate and read through every group of segment gi (check). */
tm_status tm_fwd_check(tm_store *s, size_t gi, tm_error *err);

/* store_unit.c: unit (de)serialization */
int tm_unit_encode(tm_buf *out, const tm_tu *tu);
int tm_unit_decode(const unsigned char *p, size_t n, tm_tu *tu);
/* The bits of a counting sort's buckets for n uniform keys (the commit's
 * unit order and exact keys): about eight keys a bucket, 2 to 2^max
 * buckets. */
static inline int tm_bucket_bits(size_t n, int max)
{
    int bits = 1;
    while (bits < max && ((size_t)8 << bits) < n)
        bits++;
    return bits;
}

/* The same into a packed unit (tu_pack.c), its area cut from pk's chunks:
 * what loads hand out. 0, -1 when the bytes are not a unit, -2 out of
 * memory. */
int tm_unit_decode_packed(const unsigned char *p, size_t n, tm_tu_packer *pk, tm_tu *tu);
/* A unit's date as a number (YYYYMMDDhhmmss; 0 when it has none). */
uint64_t tm_unit_date(const tm_tu *tu);
tm_status tm_store_load(tm_store *s, size_t segi, uint32_t local, tm_tu *tu, tm_error *err);

/* The posting term marking a unit whose variant in a language had its
 * words normalized one by one (tm_mtext.split): its words may differ from
 * its key's, so a search by the key's words must look at it too. Real
 * terms have occurrences from 1; a collision only adds a candidate. */
#define TM_SPLIT_TERM(lang) tm_term32((lang), 0, 0)

/* keys and terms */
uint64_t tm_key64(const char *lang, const char *key, size_t n);
uint32_t tm_term32(const char *lang, uint32_t word, uint32_t occurrence);
/* The same in two steps, for many words of one language:
 * tm_term32(lang, w, o) == tm_term32_in(tm_term_lang(lang), w, o). */
uint32_t tm_term_lang(const char *lang);
uint32_t tm_term32_in(uint32_t lang_hash, uint32_t word, uint32_t occurrence);
/* The posting terms of n words of one language, into terms[0, n): word k
 * as tm_term32_in(lang_hash, words[k], its occurrence number among
 * words[0..k]). 0, or -1 when memory runs out. */
int tm_terms_of(uint32_t lang_hash, const uint32_t *words, size_t n, uint32_t *terms);
/* The language part of a code, lower-cased, into out (for keys and stats). */
void tm_lang_primary(const char *code, char *out, size_t cap);
/* The place of lang's primary language in a list of NUL-separated primary
 * codes of len bytes (the writer's, or a segment's SEC_LANGS), or -1;
 * *count (when not NULL) gets the number of codes in the list. */
int tm_langs_find(const void *list, size_t len, const char *lang, size_t *count);

/* store_write.c: fsync the directory holding path, so that a name made or
 * replaced in it (a new store, an optimized one) survives a power loss. */
tm_status tm_sync_dir(const char *path, tm_error *err);

#endif
