/*
 * error.h — status codes and the error record every fallible call fills.
 *
 * A library call returns a tm_status and, on failure, writes a one-line
 * human message into the caller's tm_error (never to a stream). The codes
 * are the CLI's exit statuses, so the tool maps an error to its exit code
 * without a table: 1 usage, 2 bad input data, 3 I/O or internal error.
 * There is no global "last error": each caller owns its tm_error, so
 * threads never share one.
 */
#ifndef TM_ERROR_H
#define TM_ERROR_H

#include <stddef.h>

typedef enum tm_status {
    TM_OK = 0,
    TM_EUSAGE = 1, /* the caller asked for something impossible */
    TM_EDATA = 2,  /* the input is malformed: the user must fix the data */
    TM_EIO = 3,    /* reading, writing, memory or an internal failure */
} tm_status;

#define TM_ERROR_MSG_MAX 512

typedef struct tm_error {
    tm_status code;
    char msg[TM_ERROR_MSG_MAX]; /* "FILE:LINE: what is wrong", no newline */
} tm_error;

/* Reset to "no error". Safe on a zeroed struct. */
void tm_error_clear(tm_error *err);

/* Record an error with a printf-style message; returns code so callers can
 * write `return tm_error_set(err, TM_EDATA, ...)`. err may be NULL. */
tm_status tm_error_set(tm_error *err, tm_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Like tm_error_set, prefixed with "FILE:LINE: " (LINE omitted when 0). */
tm_status tm_error_at(tm_error *err, tm_status code, const char *file,
                      unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Put "FILE:LINE: " in front of the message already in err (for errors
 * raised by code that did not know the position). Returns err->code. */
tm_status tm_error_prefix(tm_error *err, const char *file, unsigned long line);

/* The out-of-memory error, which must not allocate. */
tm_status tm_error_nomem(tm_error *err);

/* A short generic description of a status code ("bad input data", ...). */
const char *tm_status_str(tm_status code);

#endif
