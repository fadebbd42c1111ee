/*
 * json.c — JSON string escaping (see json.h).
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

int tm_json_append_str(tm_buf *out, const char *s)
{
    int rc = tm_buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; rc == 0 && *p; p++) {
        const char *esc = NULL;
        char hex[8];
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (*p < 0x20) {
                snprintf(hex, sizeof hex, "\\u%04x", *p);
                esc = hex;
            }
        }
        rc = esc ? tm_buf_puts(out, esc) : tm_buf_putc(out, (char)*p);
    }
    return rc == 0 ? tm_buf_putc(out, '"') : rc;
}
