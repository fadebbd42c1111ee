/*
 * srx.h — segmentation rules in SRX 2.0 (and 1.0), the LISA format that
 * OmegaT and Okapi read and write.
 *
 * A tm_srx holds every <languagerule> of a file and its language map. For
 * a language code, tm_srx_select returns the rules that apply, in order:
 * the rule sets of every <languagemap> whose languagepattern (an ICU regular
 * expression) matches the whole code when the header says cascade="yes",
 * or of the first one that matches otherwise. Loading checks that the file
 * is well-formed, that every map names an existing rule set and that every
 * regular expression compiles, and reports the first problem with file,
 * line and rule.
 */
#ifndef TM_SRX_H
#define TM_SRX_H

#include <stddef.h>

#include "util/error.h"

typedef struct tm_srx_rule {
    int brk;             /* break="yes" (1) or "no" (0) */
    char *before;        /* beforebreak pattern, or NULL when absent/empty */
    char *after;         /* afterbreak pattern, or NULL */
    const char *ruleset; /* the languagerulename it belongs to */
    unsigned long line;  /* line of <rule> in the file */
    int index;           /* 1-based position within its rule set */
} tm_srx_rule;

typedef struct tm_srx tm_srx;

tm_status tm_srx_load_file(tm_srx **out, const char *path, tm_error *err);
tm_status tm_srx_load_mem(tm_srx **out, const char *name, const char *data,
                          size_t len, tm_error *err);
/* The rules tmkit ships (data/segment.srx, compiled in). */
tm_status tm_srx_load_builtin(tm_srx **out, tm_error *err);
void tm_srx_free(tm_srx *srx);

/* The file name given at load time. */
const char *tm_srx_name(const tm_srx *srx);

/* Rules for lang in application order. *rules is an array of pointers into
 * srx (valid while srx lives) that the caller frees with free(). */
tm_status tm_srx_select(const tm_srx *srx, const char *lang,
                        const tm_srx_rule ***rules, size_t *n, tm_error *err);

#endif
