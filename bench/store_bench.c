/*
 * store_bench.c — query latency of a store, in-process (no process start
 * per query): store_bench STORE QUERIES.tsv [MIN] [N] [TOP1.tsv]
 * QUERIES.tsv: 'kind<TAB>text' per line; prints, per kind, the count, the
 * p50 and p99 latency in microseconds and the mean number of matches.
 * TOP1.tsv, when given, gets 'line<TAB>score<TAB>target' of each query's
 * best match (empty when none), to compare with another tool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "tmkit.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: store_bench STORE QUERIES.tsv [MIN] [N]\n");
        return 1;
    }
    int min = argc > 3 ? atoi(argv[3]) : 70, n = argc > 4 ? atoi(argv[4]) : 5;
    tm_store *s;
    tm_error err = {TM_OK, ""};
    if (tm_store_open(&s, argv[1], &err) != TM_OK) {
        fprintf(stderr, "store_bench: %s\n", err.msg);
        return 1;
    }
    FILE *fp = fopen(argv[2], "r");
    FILE *top = argc > 5 ? fopen(argv[5], "w") : NULL;
    if (!fp || (argc > 5 && !top))
        return 1;
    size_t lineno = 0;
    static double lat[2][100000];
    size_t cnt[2] = {0, 0}, hits[2] = {0, 0};
    char line[8192];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        lineno++;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        int k = strncmp(line, "exact", 5) == 0 ? 0 : 1;
        const char *q = tab + 1;
        tm_store_hits h;
        double t0 = bench_now();
        if (tm_store_query(s, q, strlen(q), "vi", "fr", min, (size_t)n, &h, &err) != TM_OK) {
            fprintf(stderr, "store_bench: %s\n", err.msg);
            return 1;
        }
        double us = (bench_now() - t0) * 1e6;
        if (top)
            fprintf(top, "%zu\t%d\t%s\t%s\n", lineno, h.n ? h.hit[0].score : 0,
                    h.n ? h.hit[0].tu.tuvs[h.hit[0].tgt_var].text : "",
                    h.n ? h.hit[0].tu.tuvs[h.hit[0].src_var].text : "");
        if (cnt[k] < 100000)
            lat[k][cnt[k]++] = us;
        hits[k] += h.n;
        tm_store_hits_free(&h);
    }
    fclose(fp);
    if (top)
        fclose(top);
    for (int k = 0; k < 2; k++) {
        if (!cnt[k])
            continue;
        qsort(lat[k], cnt[k], sizeof(double), cmp_d);
        printf("kind=%s queries=%zu p50_us=%.1f p99_us=%.1f mean_hits=%.2f peak_rss_mb=%.1f anon_mb=%.1f\n",
               k ? "fuzzy" : "exact", cnt[k], lat[k][cnt[k] / 2], lat[k][cnt[k] * 99 / 100],
               (double)hits[k] / (double)cnt[k], bench_peak_rss_mb(), bench_rss_anon_mb());
    }
    tm_store_close(s);
    return 0;
}
