/*
 * tmx_internal.h — what the TMX reader and validator share; not public.
 *
 * The validator is the reader run in "report" mode: instead of turning each
 * expanded <header> and <tu> into records and stopping at the first
 * problem, the reader hands them to the checks below, which report every
 * problem with its line and go on.
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

/* Open a reader in report mode: tm_tmx_reader_next then checks each unit
 * (leaving tu empty) instead of converting it. */
tm_status tmx_reader_open_report(tm_tmx_reader **out, const char *path,
                                 tmx_report *rep, tm_error *err);

void tmx_check_header(xmlNodePtr header, const char *version, tmx_report *rep);
/* srclang: the header's, or NULL/"*all*" when any source is fine. */
void tmx_check_tu(xmlNodePtr tu, const char *srclang, tmx_report *rep);

#endif
