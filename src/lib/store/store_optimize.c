/*
 * store_optimize.c — rewrite a store as one segment.
 *
 * Every import adds a segment, and a query visits every segment: a store
 * built by many small imports answers several times slower than the same
 * units in one segment, and takes more room (small segments get no block
 * dictionary, superseded units stay until rewritten). Optimizing copies the
 * live units, in storage order, into a new file beside the store, commits
 * it, and renames it over the store while holding the store's writer lock:
 *
 *   - nothing changes unless everything worked: a failure or a crash leaves
 *     the store as it was (and at worst a STORE.optimize-XXXXXX file, which
 *     nothing reads);
 *   - readers that opened the store before keep their mapping of the old
 *     file; readers after the rename see the new one, never a mix;
 *   - an importer waiting for the lock meanwhile finds that the path no
 *     longer names the file it locked and starts again on the new file
 *     (store_write.c, lock_file).
 *
 * Units keep their text, attributes, props and notes (dates, provenance);
 * their internal numbers change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"

typedef struct copy_ctx {
    tm_store_writer *w;
    tm_status st;
    tm_error *err;
} copy_ctx;

static int copy_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    copy_ctx *c = arg;
    (void)id;
    c->st = tm_store_writer_add(c->w, tu, c->err);
    return c->st != TM_OK;
}

/* Copy the live units of the store w->old reads into a new store at tmp. */
static tm_status copy_store(tm_store *from, const char *tmp, tm_error *err)
{
    copy_ctx c = {NULL, TM_OK, err};
    tm_status st = tm_store_writer_open(&c.w, tmp, err);
    if (st != TM_OK)
        return st;
    st = tm_store_each(from, copy_unit, &c, err);
    if (st == TM_OK)
        st = c.st;
    if (st != TM_OK) {
        tm_store_writer_abort(c.w);
        return st;
    }
    return tm_store_writer_commit(c.w, err);
}

tm_status tm_store_optimize(const char *path, uint64_t *segments_before, tm_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) /* (the writer below would create a missing store) */
        return tm_error_at(err, TM_EIO, path, 0, "cannot open: %s", strerror(errno));
    /* (and would make an empty file a store, then remove it as one it made) */
    if (S_ISREG(sb.st_mode) && sb.st_size == 0)
        return tm_error_at(err, TM_EDATA, path, 0, "not a tmkit store: the file is empty");
    tm_store_writer *lock; /* held, never committed: it keeps importers out */
    tm_status st = tm_store_writer_open(&lock, path, err);
    if (st != TM_OK)
        return st;
    tm_store *from; /* opened under the lock: no import can be missed */
    if ((st = tm_store_open(&from, path, err)) != TM_OK) {
        tm_store_writer_abort(lock);
        return st;
    }
    *segments_before = from->nseg;
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    int fd = -1;
    if (!tmp)
        st = tm_error_nomem(err);
    else {
        snprintf(tmp, n, "%s.optimize-XXXXXX", path);
        if ((fd = mkstemp(tmp)) < 0)
            st = tm_error_at(err, TM_EIO, tmp, 0, "cannot create: %s", strerror(errno));
    }
    if (fd >= 0) {
        if (fchmod(fd, sb.st_mode & 07777) != 0) { /* the store's permissions, not mkstemp's */
        }
        close(fd); /* an empty file: the writer makes it a store */
    }
    if (st == TM_OK)
        st = copy_store(from, tmp, err);
    tm_store_close(from);
    if (st == TM_OK && rename(tmp, path) != 0)
        st = tm_error_at(err, TM_EIO, path, 0, "cannot replace: %s", strerror(errno));
    if (st == TM_OK)
        st = tm_sync_dir(path, err);
    else if (tmp && fd >= 0)
        unlink(tmp);
    free(tmp);
    tm_store_writer_abort(lock);
    return st;
}
