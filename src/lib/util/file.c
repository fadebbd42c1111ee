/*
 * file.c — safe input opening and the same-file check (file.h).
 */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

tm_status tm_file_open_read(const char *path, const char *what, int *fd, tm_error *err)
{
    *fd = -1;
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (f < 0)
        return tm_error_at(err, TM_EIO, path, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    tm_status s = TM_OK;
    if (fstat(f, &st) != 0)
        s = tm_error_at(err, TM_EIO, path, 0, "cannot read: %s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        s = tm_error_at(err, TM_EIO, path, 0, "is a directory, not %s", what);
    else if (!S_ISREG(st.st_mode))
        s = tm_error_at(err, TM_EIO, path, 0,
                        "is not a regular file (a FIFO, device or socket), not %s", what);
    else if (fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK) != 0)
        s = tm_error_at(err, TM_EIO, path, 0, "cannot read: %s", strerror(errno));
    if (s != TM_OK) {
        close(f);
        return s;
    }
    *fd = f;
    return TM_OK;
}

tm_status tm_file_fopen_read(const char *path, const char *what, FILE **fp, tm_error *err)
{
    int fd;
    *fp = NULL;
    tm_status s = tm_file_open_read(path, what, &fd, err);
    if (s != TM_OK)
        return s;
    if (!(*fp = fdopen(fd, "rb"))) {
        close(fd);
        return tm_error_at(err, TM_EIO, path, 0, "cannot open: %s", strerror(errno));
    }
    return TM_OK;
}

tm_status tm_file_check_distinct(const char *out, const char *const *inputs, size_t n,
                                 tm_error *err)
{
    struct stat o, i;
    if (!out || strcmp(out, "-") == 0 || stat(out, &o) != 0 || !S_ISREG(o.st_mode))
        return TM_OK;
    for (size_t k = 0; k < n; k++) {
        if (!inputs[k] || strcmp(inputs[k], "-") == 0 || stat(inputs[k], &i) != 0)
            continue;
        if (i.st_dev == o.st_dev && i.st_ino == o.st_ino)
            return tm_error_set(err, TM_EUSAGE,
                                "the output %s is the input %s: refusing to overwrite it "
                                "(nothing was read or written)",
                                out, inputs[k]);
    }
    return TM_OK;
}
