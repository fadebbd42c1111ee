/*
 * bench_util.h — what the in-process benchmarks share: a monotonic clock
 * and the peak resident memory of the process.
 */
#ifndef TM_BENCH_UTIL_H
#define TM_BENCH_UTIL_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident anonymous memory now (heap, stacks; not mapped file pages), MB:
 * what a process really holds, where a mmap'd file's pages are the kernel's
 * cache and counted in RSS while mapped. -1 when /proc is missing. */
static inline double bench_rss_anon_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "RssAnon: %lf", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb < 0 ? -1 : kb / 1024.0;
}

static inline double bench_peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

#endif
