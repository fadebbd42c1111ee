/*
 * afile.c — temp file + fsync + rename. The temporary name is
 * "<dir>/.<base>.tmp-XXXXXX" so that the rename stays within one file
 * system, which is what makes it atomic.
 *
 * A path that is a symbolic link is written through: the temporary file
 * goes beside the link's target and is renamed over the target, so the
 * link stays. A path that exists and is neither a regular file nor a
 * directory (a device such as /dev/null, a FIFO) is written directly: a
 * rename would replace it with a regular file.
 */
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tm_afile {
    FILE *fp;
    char *path;   /* as given, for messages */
    char *target; /* what the rename replaces: path, links followed */
    char *tmp;
    int created; /* tmp exists on disk */
    int direct;  /* writing path itself (a device or FIFO): no tmp, no rename */
};

static char *temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dirlen;
    size_t n = dirlen + 1 + strlen(base) + sizeof ".tmp-XXXXXX";
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%.*s.%s.tmp-XXXXXX", (int)dirlen, path, base);
    return t;
}

/* Open the existing non-regular file path (a device, a FIFO) for writing. */
static tm_status open_direct(tm_afile *af, tm_error *err)
{
    int fd = open(af->path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0 && !(af->fp = fdopen(fd, "wb")))
        close(fd);
    if (!af->fp) {
        tm_error_at(err, TM_EIO, af->path, 0, "cannot open output: %s", strerror(errno));
        tm_afile_abort(af);
        return TM_EIO;
    }
    af->direct = 1;
    return TM_OK;
}

static tm_status open_temp(tm_afile *af, tm_error *err)
{
    if (!(af->tmp = temp_name(af->target))) {
        tm_afile_abort(af);
        return tm_error_nomem(err);
    }
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        tm_error_at(err, TM_EIO, af->path, 0, "cannot create output: %s", strerror(errno));
        free(af->tmp);
        af->tmp = NULL;
        tm_afile_abort(af);
        return TM_EIO;
    }
    af->created = 1;
    /* mkstemp makes 0600; give the file the usual umask-governed mode. */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        close(fd);
        tm_afile_abort(af);
        return tm_error_at(err, TM_EIO, af->path, 0, "cannot create output: %s", strerror(errno));
    }
    return TM_OK;
}

tm_status tm_afile_open(tm_afile **out, const char *path, tm_error *err)
{
    *out = NULL;
    tm_afile *af = calloc(1, sizeof *af);
    if (!af || !(af->path = strdup(path))) {
        tm_afile_abort(af);
        return tm_error_nomem(err);
    }
    struct stat st, lst;
    int exists = stat(path, &st) == 0;
    tm_status s;
    if (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        s = open_direct(af, err);
    } else {
        int link = exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
        af->target = link ? realpath(path, NULL) : strdup(path);
        if (!af->target) {
            tm_afile_abort(af);
            return tm_error_nomem(err);
        }
        s = open_temp(af, err);
    }
    if (s == TM_OK)
        *out = af;
    return s;
}

FILE *tm_afile_fp(tm_afile *af) { return af->fp; }
const char *tm_afile_path(const tm_afile *af) { return af->path; }

static void afile_free(tm_afile *af)
{
    free(af->path);
    free(af->target);
    free(af->tmp);
    free(af);
}

tm_status tm_afile_commit(tm_afile *af, tm_error *err)
{
    int failed = ferror(af->fp) || fflush(af->fp) != 0 ||
                 (!af->direct && fsync(fileno(af->fp)) != 0);
    int saved = errno;
    if (fclose(af->fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    af->fp = NULL;
    if (!failed && !af->direct && rename(af->tmp, af->target) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        tm_error_at(err, TM_EIO, af->path, 0, "cannot write output: %s",
                    saved ? strerror(saved) : "write error");
        if (af->created)
            unlink(af->tmp);
        afile_free(af);
        return TM_EIO;
    }
    afile_free(af);
    return TM_OK;
}

void tm_afile_abort(tm_afile *af)
{
    if (!af)
        return;
    if (af->fp)
        fclose(af->fp);
    if (af->created)
        unlink(af->tmp);
    afile_free(af);
}
