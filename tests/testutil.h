/*
 * testutil.h — shared scaffolding for the Check unit tests: a main() that
 * runs one suite and exits non-zero on any failure, plus small helpers.
 */
#ifndef TM_TESTUTIL_H
#define TM_TESTUTIL_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A check run on one text: whether the path under test took it. */
typedef int (*test_text_fn)(const char *s, size_t n);

/* fn on every line of the bundled corpora's sentence files (corpora,
 * *.sent); how many lines it took, and in *lines how many there were. */
static inline size_t test_corpus_taken(test_text_fn fn, size_t *lines)
{
    char dir[4096], path[8192], line[65536];
    snprintf(dir, sizeof dir, "%s/corpora", test_srcdir());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t taken = 0;
    *lines = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 5, ".sent") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        while (fgets(line, sizeof line, f)) {
            ++*lines;
            taken += fn(line, strcspn(line, "\n")) != 0;
        }
        fclose(f);
    }
    closedir(d);
    return taken;
}

/* Random text of up to 15 pieces chosen to hit every branch of the key
 * and word paths: tone marks precomposed and combining, oa/oe/uy endings
 * (and qu), letters whose folding changes length or width (ß, ﬁ, İ, Ⱥ, K),
 * canonical singletons (Ω, Å), marks with class 0, Hangul, spaces and
 * format characters, characters outside the BMP, numbers with '.' and ','
 * inside, digits of other scripts, superscripts. text needs 256 bytes;
 * returns its length (not terminated). */
static inline size_t test_random_text(unsigned *seed, char *text)
{
    static const char *const pieces[] = {
        "a", "o", "e", "u", "y", "q", "h", "k", "t", "Q", "O", "A", "U", "Y", "E",
        "\xc3\xb3", "\xc3\xb2", "\xe1\xbb\x8f", "\xc3\xb5", "\xe1\xbb\x8d", "\xc3\xa1",
        "\xc3\xa0", "\xe1\xba\xa3", "\xc3\xa9", "\xe1\xbb\xa7", "\xc3\xba", "\xe1\xbb\xb7",
        "\xc3\xbd", "\xc3\x93", "\xc3\x9a", "\xe1\xbb\x92", "\xc6\xa1", "\xc6\xb0", "\xc4\x91",
        "\xcc\x80", "\xcc\x81", "\xcc\x83", "\xcc\x89", "\xcc\xa3", "\xcc\x82", "\xcc\x86",
        "\xcc\x9b", " ", "  ", "\t", "\xc2\xa0", "\xe3\x80\x80", "\xe2\x80\x8b", "\xc2\xad",
        "\xef\xbb\xbf", "\xc3\x9f", "\xef\xac\x81", "\xc4\xb0", "\xc8\xba", "\xe2\x84\xaa",
        "\xe2\x84\xa6", "\xe2\x84\xab", "\xe2\x89\xa0", "\xea\xb0\x80", "\xe0\xb8\xb1",
        "\xc7\x85", "\xcf\x82", "\xce\xa3", "\xc5\x89", "\xe1\xba\x9e", "1", "2.5", ",", ".",
        "-", "'", "\xe2\x80\x99", "\xf0\x9f\x98\x80", "\xf0\x9d\x90\x80", "\xc5\x92", "\xc3\x86",
        "\xd0\x96", "\xe2\x80\x94", "\xc2\xab", "\xc2\xbb", "7", "0,", ".3", "\xc2\xb2",
        "\xd9\xa3", "\xef\xbc\x91", "hoa", "Khoa", "uy", "\xe1\xbb\xb3", "\xc4\x90",
    };
    const size_t np = sizeof pieces / sizeof *pieces;
    size_t len = 0, k = (*seed = *seed * 1103515245u + 12345u) >> 16 & 15;
    for (size_t j = 0; j < k; j++) {
        const char *p = pieces[((*seed = *seed * 1103515245u + 12345u) >> 16) % np];
        memcpy(text + len, p, strlen(p));
        len += strlen(p);
    }
    return len;
}

/* fn on count random texts from seed; how many it took. */
static inline size_t test_random_taken(test_text_fn fn, unsigned seed, int count)
{
    char text[256];
    size_t taken = 0;
    for (int t = 0; t < count; t++) {
        size_t len = test_random_text(&seed, text);
        taken += fn(text, len) != 0;
    }
    return taken;
}

#endif
