/*
 * tu.h — a translation unit, the record that TMX files, the aligner and the
 * store exchange.
 *
 * A tm_tu holds what a TMX <tu> holds, and keeps everything it does not
 * interpret so that TMX → tmkit → TMX loses nothing:
 *   - attributes verbatim (tuid, creationdate, srclang, usagecount, ...);
 *   - <prop> and <note> elements, in order;
 *   - one tm_tuv per language variant: its language code exactly as
 *     written (vi-VN, FR-fr), its plain text (inline codes flattened away,
 *     what matching compares), and, when the segment had inline markup
 *     (bpt, ept, it, ph, hi, ut, sub), the segment's inner XML so that a
 *     writer can reproduce it.
 * All strings are NUL-terminated UTF-8 owned by the unit; tm_tu_clear
 * releases them and leaves an empty unit ready for reuse.
 */
#ifndef TM_TU_H
#define TM_TU_H

#include <stddef.h>

#include "util/error.h"

typedef struct tm_attr {
    char *name;
    char *value;
} tm_attr;

typedef struct tm_prop {
    char *type;
    char *lang; /* xml:lang of the prop, or NULL */
    char *value;
} tm_prop;

typedef struct tm_note {
    char *lang; /* xml:lang of the note, or NULL */
    char *text;
} tm_note;

/* The annotations that <tu> and <tuv> both carry. */
typedef struct tm_annot {
    tm_attr *attrs;
    size_t nattrs;
    tm_prop *props;
    size_t nprops;
    tm_note *notes;
    size_t nnotes;
} tm_annot;

typedef struct tm_tuv {
    char *lang;   /* as written in the file */
    char *text;   /* plain text */
    char *markup; /* inner XML of <seg> when it had inline elements, else NULL */
    tm_annot an;
} tm_tuv;

typedef struct tm_tu {
    tm_annot an;
    tm_tuv *tuvs;
    size_t ntuvs;
    unsigned long line; /* line of <tu> in its file, 0 if not from a file */
    void *block; /* a packed unit's chunk (tu_pack.c), else NULL */
} tm_tu;

#define TM_TU_INIT {{NULL, 0, NULL, 0, NULL, 0}, NULL, 0, 0, NULL}

/* Release everything the unit holds; it is empty and reusable after. */
void tm_tu_clear(tm_tu *tu);

/* Move everything the unit holds into one area of a shared chunk
 * (tu_pack.c): cheaper to free, above all on another thread. A packed unit
 * is read-only: read it, copy it (tm_tu_copy) or clear it, nothing else.
 * 0, or -1 when out of memory (the unit is unchanged). tm_tu_pack_with
 * cuts the areas of many units from the packer's chunks, one after the
 * other (TM_TU_PACKER_INIT: 64 KiB chunks; TM_TU_PACKER_ONE: a chunk of
 * the unit's size, for a packer used once); tm_tu_pack gives the unit a
 * chunk of its own. */
typedef struct tm_tu_packer {
    struct tm_pack_chunk *chunk; /* being filled, or NULL */
    int one;                     /* for one unit: a chunk of its size, not 64 KiB */
} tm_tu_packer;
#define TM_TU_PACKER_INIT {NULL, 0}
#define TM_TU_PACKER_ONE {NULL, 1}
int tm_tu_pack_with(tm_tu_packer *pk, tm_tu *tu);
int tm_tu_pack(tm_tu *tu);
/* For a maker that fills a unit's area itself (store_unit.c decodes into
 * one): room for bytes (a multiple of 8) in the packer's chunk, or in a new
 * one, with a reference taken for the unit; NULL when out of memory. The
 * unit's block is then tm_tu_packer_chunk(pk). */
char *tm_tu_pack_reserve(tm_tu_packer *pk, size_t bytes);
void *tm_tu_packer_chunk(const tm_tu_packer *pk);
/* Drop the packer's hold on its chunk (units packed keep theirs). */
void tm_tu_packer_free(tm_tu_packer *pk);
/* Drop a packed unit's hold on its chunk (tm_tu_clear). */
void tm_tu_block_release(void *block);

/* Set (or replace) an attribute. value NULL removes it. 0 or -1 (memory). */
int tm_annot_set_attr(tm_annot *an, const char *name, const char *value);
const char *tm_annot_attr(const tm_annot *an, const char *name);
int tm_annot_add_prop(tm_annot *an, const char *type, const char *lang,
                      const char *value);
/* The value of the first prop of that type, or NULL. */
const char *tm_annot_prop(const tm_annot *an, const char *type);
int tm_annot_add_note(tm_annot *an, const char *lang, const char *text);

/* Append a variant; returns it (owned by tu) or NULL when out of memory.
 * markup may be NULL. */
tm_tuv *tm_tu_add_tuv(tm_tu *tu, const char *lang, const char *text,
                      const char *markup);

/* For readers building units: the same as tm_annot_add_prop/_note and
 * tm_tu_add_tuv without copying. The take functions own the strings they
 * are given, and free them when they fail (-1; a NULL type, value or text
 * is taken for a copy that failed). tm_tu_open_tuv leaves the variant's
 * text NULL: the reader must set it before the unit leaves it. */
int tm_annot_take_prop(tm_annot *an, char *type, char *lang, char *value);
int tm_annot_take_note(tm_annot *an, char *lang, char *text);
tm_tuv *tm_tu_open_tuv(tm_tu *tu, const char *lang);

/* The variant for a language: an exact (case-insensitive) match of the
 * code first, else the first whose primary subtag matches ("vi" finds
 * "vi-VN", "fr-CA" finds "FR-fr" when there is no fr-CA). NULL if none. */
const tm_tuv *tm_tu_find(const tm_tu *tu, const char *lang);

/* Deep copy: dst must be empty (TM_TU_INIT or cleared). 0 or -1. */
int tm_tu_copy(tm_tu *dst, const tm_tu *src);

/* Append a copy of src (text, markup, attributes, props, notes) to dst's
 * variants; the copy, NULL when memory runs out. */
tm_tuv *tm_tu_copy_tuv(tm_tu *dst, const tm_tuv *src);

/* Language codes (BCP 47, compared case-insensitively). */
int tm_lang_equal(const char *a, const char *b);
/* Same primary subtag: vi = vi-VN = VI-vn. */
int tm_lang_same_primary(const char *a, const char *b);
/* Loose syntax check: 1-8 letters, then -subtags of 1-8 letters/digits,
 * or the TMX wildcard "*all*". */
int tm_lang_valid(const char *code);

#endif
