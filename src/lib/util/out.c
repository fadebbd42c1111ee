/*
 * out.c — output destinations (out.h).
 */
#include <errno.h>
#include <string.h>

#include "out.h"

tm_status tm_out_open(tm_out *out, const char *path, FILE *std, tm_error *err)
{
    out->af = NULL;
    out->fp = std;
    if (!path || strcmp(path, "-") == 0)
        return TM_OK;
    tm_status st = tm_afile_open(&out->af, path, err);
    if (st == TM_OK)
        out->fp = tm_afile_fp(out->af);
    return st;
}

tm_status tm_out_close(tm_out *out, tm_error *err)
{
    if (out->af) {
        tm_afile *af = out->af;
        out->af = NULL;
        return tm_afile_commit(af, err);
    }
    if (fflush(out->fp) != 0 || ferror(out->fp))
        return tm_error_set(err, TM_EIO, "<stdout>: write error: %s", strerror(errno));
    return TM_OK;
}

void tm_out_abort(tm_out *out)
{
    tm_afile_abort(out->af);
    out->af = NULL;
}

const char *tm_out_name(const tm_out *out)
{
    return out->af ? tm_afile_path(out->af) : "<stdout>";
}
