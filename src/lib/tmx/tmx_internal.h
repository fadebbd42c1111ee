/*
 * tmx_internal.h — the validator's checks (tmx_check.c); not public.
 *
 * The validator walks the file with xmlTextReader (tmx_validate.c),
 * expanding the <header> and each <tu> into a small DOM, and hands them to
 * the checks below, which report every problem with its line and go on.
 */
#ifndef TM_TMX_INTERNAL_H
#define TM_TMX_INTERNAL_H

#include <libxml/tree.h>

#include "tmx.h"

typedef struct tmx_report {
    tm_tmx_problem_fn fn;
    void *ctx;
    size_t count;
} tmx_report;

void tmx_report_at(tmx_report *rep, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

void tmx_check_header(xmlNodePtr header, const char *version, tmx_report *rep);
/* srclang: the header's, or NULL/"*all*" when any source is fine. */
void tmx_check_tu(xmlNodePtr tu, const char *srclang, tmx_report *rep);

#endif
