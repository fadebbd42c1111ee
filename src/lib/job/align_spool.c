/*
 * align_spool.c — the spool of `tmkit align … --store STORE` (job.h).
 *
 * Each pair's beads are also written as TMX (the same units --format tmx
 * would write, after --min-score and --keep-unaligned) into a private
 * temporary directory. When every pair is done, the files of the pairs that
 * succeeded are imported in one commit, exactly as `tmkit import` would, so
 * the store gains the whole run or nothing, and the units carry the same
 * provenance as the TMX output. The directory is removed afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdio.h>

#include "job.h"

tm_status tm_align_job_spool_begin(char *dir, size_t cap, tm_error *err)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(dir, cap, "%s/tmkit-align-XXXXXX", tmp);
    if (!mkdtemp(dir))
        return tm_error_at(err, TM_EIO, dir, 0, "cannot create a temporary directory: %s",
                           strerror(errno));
    return TM_OK;
}

void tm_align_job_spool_path(const char *dir, size_t k, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%zu.tmx", dir, k);
}

void tm_align_job_spool_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}
