/*
 * file.h — opening inputs safely, and telling two paths apart.
 *
 * An input path is opened without blocking (O_NONBLOCK, then fstat): a
 * FIFO with no writer, a terminal or a device would otherwise hang or feed
 * endless data, so only a regular file is taken ("-" for stdin is the
 * caller's business). An output that is the same file as an input (same
 * device and inode, links followed) is refused before anything is read or
 * written: writing it would destroy the input.
 */
#ifndef TM_FILE_H
#define TM_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Open path read-only into *fd. TM_EIO, naming path: it cannot be opened,
 * "is a directory, not WHAT", or "is not a regular file (a FIFO, device or
 * socket), not WHAT". The descriptor is blocking again once open. */
tm_status tm_file_open_read(const char *path, const char *what, int *fd, tm_error *err);
/* The same as a stdio stream ("rb"). */
tm_status tm_file_fopen_read(const char *path, const char *what, FILE **fp, tm_error *err);

/* TM_EUSAGE when the existing regular file out is one of inputs[0, n)
 * ("-" and NULL entries skipped): "the output OUT is the input IN: ...". An output
 * that does not exist yet, or is a device or FIFO, is never an input. */
tm_status tm_file_check_distinct(const char *out, const char *const *inputs, size_t n,
                                 tm_error *err);

#endif
