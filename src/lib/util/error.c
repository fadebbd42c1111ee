/*
 * error.c — filling tm_error records. Messages are truncated, never
 * overflowed: a message is for a human and one line is enough.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tm_error_clear(tm_error *err)
{
    if (!err)
        return;
    err->code = TM_OK;
    err->msg[0] = '\0';
}

static void strip_newlines(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

tm_status tm_error_set(tm_error *err, tm_status code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    strip_newlines(err->msg);
    err->code = code;
    return code;
}

tm_status tm_error_at(tm_error *err, tm_status code, const char *file,
                      unsigned long line, const char *fmt, ...)
{
    if (!err)
        return code;
    int n;
    if (line > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%lu: ", file, line);
    else
        n = snprintf(err->msg, sizeof err->msg, "%s: ", file);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof err->msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
        va_end(ap);
    }
    strip_newlines(err->msg);
    err->code = code;
    return code;
}

tm_status tm_error_prefix(tm_error *err, const char *file, unsigned long line)
{
    if (!err)
        return TM_EIO;
    char msg[TM_ERROR_MSG_MAX];
    memcpy(msg, err->msg, sizeof msg);
    return tm_error_at(err, err->code ? err->code : TM_EIO, file, line, "%s", msg);
}

tm_status tm_error_nomem(tm_error *err)
{
    if (err) {
        err->code = TM_EIO;
        strcpy(err->msg, "out of memory");
    }
    return TM_EIO;
}

const char *tm_status_str(tm_status code)
{
    switch (code) {
    case TM_OK:
        return "success";
    case TM_EUSAGE:
        return "usage error";
    case TM_EDATA:
        return "bad input data";
    case TM_EIO:
        return "I/O or internal error";
    }
    return "unknown error";
}
