/*
 * norm.c — the match and fold keys (norm.h): the ICU-free fast path for
 * ordinary text (norm_fast.c, norm_fold.c), and the general way
 * (norm_icu.c) when the text holds a character the fast path cannot take.
 * Both give the same key (test_norm holds them to each other).
 */
#include "norm.h"

tm_status tm_norm_match(const char *s, size_t n, tm_buf *out, tm_error *err)
{
    int rc = tm_norm_match_fast(s, n, out, err);
    if (rc < 0)
        return err->code;
    return rc ? TM_OK : tm_norm(s, n, TM_NORM_MATCH, out, err);
}

tm_status tm_norm_fold(const char *s, size_t n, tm_buf *out, tm_error *err)
{
    int rc = tm_norm_fold_fast(s, n, out, err);
    if (rc < 0)
        return err->code;
    return rc ? TM_OK : tm_norm(s, n, TM_NORM_FOLD, out, err);
}
