/*
 * testutil.h — shared scaffolding for the Check unit tests: a main() that
 * runs one suite and exits non-zero on any failure, plus small helpers.
 */
#ifndef TM_TESTUTIL_H
#define TM_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

#define TM_TEST_MAIN(make_suite)                                   \
    int main(void)                                                 \
    {                                                              \
        SRunner *sr = srunner_create(make_suite());                \
        srunner_run_all(sr, CK_ENV);                               \
        int failed = srunner_ntests_failed(sr);                    \
        srunner_free(sr);                                          \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;               \
    }

/* The source tree (for fixtures); set by the test harness, "." otherwise. */
static inline const char *test_srcdir(void)
{
    const char *d = getenv("top_srcdir");
    return d && *d ? d : ".";
}

#endif
