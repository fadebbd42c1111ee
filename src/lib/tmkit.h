/*
 * tmkit.h — the public interface of libtmkit, the library behind the
 * `tmkit` tool. Include this one header; the module headers it pulls in
 * each describe one concern:
 *
 *   error.h  status codes and error records
 *   buf.h    growable byte buffer
 *   utf8.h   strict UTF-8 decoding
 *   text.h   reading files: decoding, validation, lines, paragraphs, NFC
 *   norm.h   normalization keys for matching (case, tone marks, folding)
 *   afile.h  atomic output files
 *   tu.h     translation units, language codes
 *   tmx.h    TMX 1.4b streaming writer, reader and validator
 *   json.h   JSON string escaping for jsonl outputs
 *   srx.h    SRX 2.0 segmentation rules
 *   segment.h sentence segmentation (ICU + SRX), language guess
 *   eval.h   precision/recall of segmentations and alignments against gold
 *
 * Conventions (libgit2-like): functions are tm_<module>_<verb>[_<noun>];
 * every constructor has a matching *_free; fallible calls return tm_status
 * and fill a caller-owned tm_error. The library never exits and never
 * writes to stdout or stderr.
 */
#ifndef TMKIT_H
#define TMKIT_H

#include "util/util.h"
#include "text/text.h"
#include "segment/segment.h"
#include "align/align.h"
#include "tmx/tmx.h"
#include "match/match.h"
#include "store/store.h"
#include "job/job.h"

#endif
