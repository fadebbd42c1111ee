/*
 * json.h — the few JSON helpers tmkit's jsonl outputs need: escaping a
 * UTF-8 string into a JSON string literal (RFC 8259).
 */
#ifndef TM_JSON_H
#define TM_JSON_H

#include "buf.h"

/* Append s as a quoted JSON string. Non-ASCII UTF-8 is kept as is;
 * control characters become \uXXXX or their short escapes. 0 or -1. */
int tm_json_append_str(tm_buf *out, const char *s);

#endif
