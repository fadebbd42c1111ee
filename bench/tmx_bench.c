/*
 * tmx_bench.c — throughput of the TMX writer and reader.
 *
 *   tmx_bench write OUT.tmx MB CORPORA_DIR   write units until OUT is MB megabytes
 *   tmx_bench read FILE.tmx                  read every unit back
 *
 * Prints one line "op=... bytes=... units=... seconds=... mb_per_s=... peak_rss_mb=...".
 * Units are built from the corpus sentences (vi and fr .sent lines paired
 * by position), with a running tuid, a creation date and two props, as the
 * aligner writes them. Not a test: run by bench/tmx.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_util.h"
#include "tmkit.h"


typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void load_sent(const char *dir, const char *lang, lines *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cat %s/*.%s.sent", dir, lang);
    FILE *p = popen(cmd, "r");
    char buf[65536];
    while (p && fgets(buf, sizeof buf, p)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (!buf[0])
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 1024;
            out->v = realloc(out->v, out->cap * sizeof *out->v);
        }
        out->v[out->n++] = strdup(buf);
    }
    if (p)
        pclose(p);
}

static int do_write(const char *path, double mb, const char *dir)
{
    lines vi = {0}, fr = {0};
    load_sent(dir, "vi", &vi);
    load_sent(dir, "fr", &fr);
    if (!vi.n || !fr.n) {
        fprintf(stderr, "tmx_bench: no sentences under %s\n", dir);
        return 1;
    }
    FILE *fp = fopen(path, "wb");
    tm_error err = {TM_OK, ""};
    tm_tmx_writer *w;
    tm_tmx_header h = {.srclang = "vi"};
    if (!fp || tm_tmx_writer_open(&w, fp, path, &h, &err) != TM_OK) {
        fprintf(stderr, "tmx_bench: %s\n", err.msg);
        return 1;
    }
    double t0 = bench_now();
    size_t units = 0, target = (size_t)(mb * 1e6);
    char tuid[32], date[TM_TMX_DATE_LEN];
    tm_tmx_date(time(NULL), date);
    tm_tu tu = TM_TU_INIT;
    for (;; units++) {
        if (units % 4096 == 0 && (size_t)ftell(fp) >= target)
            break;
        snprintf(tuid, sizeof tuid, "u%zu", units);
        tm_annot_set_attr(&tu.an, "tuid", tuid);
        tm_annot_set_attr(&tu.an, "creationdate", date);
        tm_annot_add_prop(&tu.an, "x-document", NULL, "bench");
        tm_annot_add_prop(&tu.an, "x-score", NULL, "0.93");
        tm_tu_add_tuv(&tu, "vi", vi.v[units % vi.n], NULL);
        tm_tu_add_tuv(&tu, "fr", fr.v[units % fr.n], NULL);
        if (tm_tmx_writer_add(w, &tu, &err) != TM_OK) {
            fprintf(stderr, "tmx_bench: %s\n", err.msg);
            return 1;
        }
        tm_tu_clear(&tu);
    }
    tm_tmx_writer_finish(w, &err);
    tm_tmx_writer_free(w);
    fclose(fp);
    double secs = bench_now() - t0;
    struct stat st;
    stat(path, &st);
    printf("op=write bytes=%lld units=%zu seconds=%.3f mb_per_s=%.1f peak_rss_mb=%.1f\n",
           (long long)st.st_size, units, secs, (double)st.st_size / 1e6 / secs, bench_peak_rss_mb());
    return 0;
}

static int do_read(const char *path)
{
    tm_error err = {TM_OK, ""};
    tm_tmx_reader *r;
    double t0 = bench_now();
    if (tm_tmx_reader_open(&r, path, 0, &err) != TM_OK) {
        fprintf(stderr, "tmx_bench: %s\n", err.msg);
        return 1;
    }
    tm_tu tu = TM_TU_INIT;
    size_t units = 0, chars = 0;
    int got = 1;
    while (tm_tmx_reader_next(r, &tu, &got, &err) == TM_OK && got) {
        units++;
        chars += strlen(tu.tuvs[0].text);
    }
    tm_tu_clear(&tu);
    tm_tmx_reader_free(r);
    if (err.code != TM_OK) {
        fprintf(stderr, "tmx_bench: %s\n", err.msg);
        return 1;
    }
    double secs = bench_now() - t0;
    struct stat st;
    stat(path, &st);
    printf("op=read bytes=%lld units=%zu seconds=%.3f mb_per_s=%.1f peak_rss_mb=%.1f\n",
           (long long)st.st_size, units, secs, (double)st.st_size / 1e6 / secs, bench_peak_rss_mb());
    return chars ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return do_write(argv[2], atof(argv[3]), argv[4]);
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return do_read(argv[2]);
    fprintf(stderr, "usage: tmx_bench write OUT.tmx MB CORPORA_DIR | tmx_bench read FILE.tmx\n");
    return 1;
}
