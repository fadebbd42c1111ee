/*
 * out.h — an output destination: a stream the caller owns for "-" (or no
 * path), else an atomic file (afile.h) that appears whole on close or not
 * at all. Every command's -o goes through it.
 *
 * The library never picks stdout itself: the caller passes the stream that
 * "-" means.
 */
#ifndef TM_OUT_H
#define TM_OUT_H

#include <stdio.h>

#include "afile.h"
#include "error.h"

typedef struct tm_out {
    FILE *fp;     /* where to write */
    tm_afile *af; /* the file being written, or NULL for the stream */
} tm_out;

/* Open path ("-" or NULL: the stream std). */
tm_status tm_out_open(tm_out *out, const char *path, FILE *std, tm_error *err);
/* Finish the output: commit the file, or flush the stream. */
tm_status tm_out_close(tm_out *out, tm_error *err);
/* Drop the output after an error: the target keeps its old content. */
void tm_out_abort(tm_out *out);
/* The output's name for messages: its path, or "<stdout>". */
const char *tm_out_name(const tm_out *out);

#endif
