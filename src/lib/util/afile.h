/*
 * afile.h — atomic output files: write to a temporary file beside the
 * target, then fsync and rename over it on commit.
 *
 * Whatever happens before tm_afile_commit (an error, a crash, kill -9), the
 * target path keeps its previous content, or stays absent: no reader ever
 * sees a truncated file under the final name. tm_afile_abort (or free
 * without commit) removes the temporary file.
 */
#ifndef TM_AFILE_H
#define TM_AFILE_H

#include <stdio.h>

#include "error.h"

typedef struct tm_afile tm_afile;

tm_status tm_afile_open(tm_afile **out, const char *path, tm_error *err);
FILE *tm_afile_fp(tm_afile *af);
const char *tm_afile_path(const tm_afile *af);
/* Flush, fsync, rename into place and free af (also on failure). */
tm_status tm_afile_commit(tm_afile *af, tm_error *err);
/* Discard the temporary file and free af. NULL is fine. */
void tm_afile_abort(tm_afile *af);

#endif
