/*
 * util.h — module util (src/lib/util/): the plumbing every other module
 * stands on. Public here: status codes and error records (error.h), the
 * growable byte buffer (buf.h), JSON string escaping (json.h), atomic
 * output files (afile.h), output destinations (out.h), safe input
 * opening and the same-file check (file.h) and the library's version. Internal to the
 * library: hashing (hash.h), the u32 -> u32 map (u32map.h) and varints
 * (varint.h).
 *
 * Depends on: the C library only. Nothing here knows about text,
 * languages or translation units.
 */
#ifndef TM_UTIL_H
#define TM_UTIL_H

#include "afile.h"
#include "buf.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "out.h"

/* The library's version string, e.g. "0.1.0". */
const char *tm_version(void);

#endif
