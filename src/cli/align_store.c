/*
 * align_store.c — `tmkit align … --store STORE`.
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

#include "align_cli.h"

tm_status align_store_begin(char *dir, size_t cap, tm_error *err)
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

void align_store_path(const char *dir, size_t k, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%zu.tmx", dir, k);
}

static void remove_dir(const char *dir)
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

int align_store_finish(const char *store, const char *dir, const size_t *done, size_t n,
                       cli_ctx *ctx)
{
    if (n == 0) { /* every pair failed: leave the store as it is */
        remove_dir(dir);
        return 0;
    }
    char **files = calloc(n ? n : 1, sizeof *files);
    size_t named = 0;
    for (; files && named < n; named++) {
        char path[4096];
        align_store_path(dir, done[named], path, sizeof path);
        if (!(files[named] = strdup(path)))
            break;
    }
    int rc;
    if (named < n) {
        tm_error err = {TM_OK, ""};
        tm_error_nomem(&err);
        rc = cli_report(&err);
    } else {
        rc = cli_store_import(store, files, n, 0, ctx);
    }
    for (size_t i = 0; files && i < named; i++)
        free(files[i]);
    free(files);
    remove_dir(dir);
    return rc;
}

void align_store_cancel(const char *dir)
{
    remove_dir(dir);
}
