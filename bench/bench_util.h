/*
 * bench_util.h — what the in-process benchmarks share: a monotonic clock
 * and the peak resident memory of the process.
 */
#ifndef TM_BENCH_UTIL_H
#define TM_BENCH_UTIL_H

#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double bench_peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

#endif
