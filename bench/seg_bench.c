/*
 * seg_bench.c — segmentation throughput, tmkit against bare ICU.
 *
 *   seg_bench icu FILE LANG     ubrk_open(UBRK_SENTENCE, LANG) over every line
 *   seg_bench tmkit FILE LANG [SRX]  tm_reader (validation, NFC) + tm_segmenter
 *                               (built-in rules, or the SRX file given)
 *
 * Prints "op=... bytes=... sentences=... seconds=... mb_per_s=... peak_rss_mb=...".
 * Both read the file line by line and convert to UTF-16 as they go; bare
 * ICU does nothing else, tmkit also validates, normalizes and applies the
 * SRX rules. Run by bench/segment.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#include "bench_util.h"
#include "tmkit.h"


static long run_icu(const char *path, const char *lang)
{
    FILE *fp = fopen(path, "r");
    UErrorCode uc = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, lang, NULL, 0, &uc);
    if (!fp || U_FAILURE(uc))
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    UChar *u = NULL;
    int32_t ucap = 0;
    long sentences = 0;
    while ((n = getline(&line, &cap, fp)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n + 1 > ucap) {
            ucap = (int32_t)n + 1;
            u = realloc(u, (size_t)ucap * sizeof *u);
        }
        int32_t n16 = 0;
        uc = U_ZERO_ERROR;
        u_strFromUTF8(u, ucap, &n16, line, (int32_t)n, &uc);
        ubrk_setText(bi, u, n16, &uc);
        for (int32_t b = ubrk_first(bi); (b = ubrk_next(bi)) != UBRK_DONE;)
            sentences++;
    }
    free(line);
    free(u);
    ubrk_close(bi);
    fclose(fp);
    return sentences;
}

static long run_tmkit(const char *path, const char *lang, const char *srx_path)
{
    tm_error err = {TM_OK, ""};
    tm_srx *srx;
    tm_segmenter *seg;
    tm_reader *r;
    tm_status st = srx_path ? tm_srx_load_file(&srx, srx_path, &err) : tm_srx_load_builtin(&srx, &err);
    if (st != TM_OK || tm_segmenter_new(&seg, srx, lang, &err) != TM_OK ||
        tm_reader_open(&r, path, 0, &err) != TM_OK) {
        fprintf(stderr, "seg_bench: %s\n", err.msg);
        return -1;
    }
    long sentences = 0;
    tm_line l;
    while (tm_reader_next_para(r, &l, &err) == TM_OK && l.text) {
        const tm_span *sp;
        size_t n;
        if (tm_segmenter_split(seg, l.text, l.len, &sp, &n, &err) != TM_OK)
            return -1;
        sentences += (long)n;
    }
    tm_reader_free(r);
    tm_segmenter_free(seg);
    tm_srx_free(srx);
    return err.code == TM_OK ? sentences : -1;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5 || (strcmp(argv[1], "icu") && strcmp(argv[1], "tmkit"))) {
        fprintf(stderr, "usage: seg_bench icu|tmkit FILE LANG [SRX]\n");
        return 1;
    }
    struct stat st;
    if (stat(argv[2], &st) != 0)
        return 1;
    double t0 = bench_now();
    long s = strcmp(argv[1], "icu") == 0 ? run_icu(argv[2], argv[3]) : run_tmkit(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
    double secs = bench_now() - t0;
    if (s < 0)
        return 1;
    printf("op=%s bytes=%lld sentences=%ld seconds=%.3f mb_per_s=%.1f peak_rss_mb=%.1f\n", argv[1],
           (long long)st.st_size, s, secs, (double)st.st_size / 1e6 / secs, bench_peak_rss_mb());
    return 0;
}
