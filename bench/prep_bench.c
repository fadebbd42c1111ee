/*
 * prep_bench.c — how long preparing text for matching takes (the import's
 * one-pass walk, match_scan.c, and the word hashes): every line of FILE is
 * prepared ROUNDS times with tm_mtext_prepare_words, as the import does.
 *
 *   bench/prep_bench FILE [ROUNDS]
 *
 * Prints lines, CPU seconds and a checksum of the results (words and case
 * signatures), so two builds can be compared on the same output. For a
 * count that does not drift with the machine, run it under
 * `valgrind --tool=cachegrind --cache-sim=no`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match/match.h"

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *d = NULL;
    long len;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (d = malloc((size_t)len + 1)) && fread(d, 1, (size_t)len, f) == (size_t)len) {
        d[len] = '\0';
        *n = (size_t)len;
    } else {
        free(d);
        d = NULL;
    }
    if (f)
        fclose(f);
    return d;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: prep_bench FILE [ROUNDS]\n");
        return 1;
    }
    size_t n;
    char *d = slurp(argv[1], &n);
    if (!d) {
        fprintf(stderr, "prep_bench: cannot read %s\n", argv[1]);
        return 1;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    tm_mtext mt = TM_MTEXT_INIT;
    tm_error err = {TM_OK, ""};
    unsigned long sum = 0, lines = 0;
    double t0 = cpu_seconds();
    for (int r = 0; r < rounds; r++)
        for (char *p = d; p < d + n;) {
            char *e = memchr(p, '\n', (size_t)(d + n - p));
            if (!e)
                e = d + n;
            if (tm_mtext_prepare_words(&mt, p, (size_t)(e - p), NULL, &err) != TM_OK) {
                fprintf(stderr, "prep_bench: %s\n", err.msg);
                return 1;
            }
            for (size_t k = 0; k < mt.nwords; k++)
                sum = sum * 31 + mt.words[k];
            sum += mt.case_sig;
            lines++;
            p = e + 1;
        }
    printf("lines=%lu cpu_s=%.3f checksum=%lu\n", lines, cpu_seconds() - t0, sum);
    tm_mtext_free(&mt);
    free(d);
    return 0;
}
