/*
 * fuzz_store.c — libFuzzer harness for the .tmdb store, two ways (first
 * byte):
 *
 *   even: the bytes are a store file. Open it, read the stats, run exact
 *         and fuzzy queries in both directions, export every unit, check.
 *         (`make fuzz` builds with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION,
 *         which makes the store accept any checksum, so the mutations reach
 *         the bounds checks a crafted file with valid checksums would meet.)
 *   odd:  the bytes are lines "vi<TAB>fr", then a line "?query". They are
 *         imported (two commits, so there are two segments and duplicates
 *         across them), then queried (and searched as a concordance term),
 *         the store must pass check, and again after `optimize`, which must
 *         keep the unit count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmkit.h"

static char path[128];

static int count_unit(void *ctx, uint64_t id, const tm_tu *tu)
{
    (void)id;
    (void)tu;
    ++*(size_t *)ctx;
    return 0;
}

static size_t units_in(const char *p)
{
    tm_error err = {TM_OK, ""};
    tm_store *s;
    size_t n = 0;
    if (tm_store_open(&s, p, &err) != TM_OK)
        return 0;
    tm_store_each(s, count_unit, &n, &err);
    tm_store_close(s);
    return n;
}

static void queries(tm_store *s, const char *q, size_t len)
{
    static const int mins[] = {0, 50, 70, 100};
    tm_error err = {TM_OK, ""};
    for (int k = 0; k < 4; k++) {
        tm_store_hits h;
        if (tm_store_query(s, q, len, "vi", "fr", mins[k], 5, &h, &err) == TM_OK)
            tm_store_hits_free(&h);
        if (tm_store_query(s, q, len, "fr", "vi", mins[k], 5, &h, &err) == TM_OK)
            tm_store_hits_free(&h);
    }
}

static void read_store(const char *q, size_t qlen)
{
    tm_error err = {TM_OK, ""};
    tm_store *s;
    if (tm_store_open(&s, path, &err) == TM_OK) {
        tm_store_stats st;
        tm_store_get_stats(s, &st, &err);
        queries(s, q, qlen);
        size_t n = 0;
        tm_store_each(s, count_unit, &n, &err);
        size_t m = 0;
        tm_store_each_with_words(s, q, qlen, "vi", "fr", count_unit, &m, &err);
        if (m > n && err.code == TM_OK)
            abort(); /* candidates are live units: never more than all of them */
        tm_store_close(s);
    } else if (err.msg[0] == '\0') {
        abort(); /* every refusal says why */
    }
    tm_store_check(path, &err);
}

static void as_file(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    fwrite(data, 1, size, fp);
    fclose(fp);
    read_store("Hà Nội là thủ đô của Việt Nam", strlen("Hà Nội là thủ đô của Việt Nam"));
}

/* Lines "vi\tfr" into one commit; stops at a "?" line. */
static const char *import_lines(const char *p, const char *end, int commits)
{
    tm_error err = {TM_OK, ""};
    tm_store_writer *w;
    if (tm_store_writer_open(&w, path, &err) != TM_OK)
        return end;
    tm_tu tu = TM_TU_INIT;
    char *line = NULL;
    while (p < end && *p != '?') {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line = realloc(line, n + 1);
        memcpy(line, p, n);
        line[n] = '\0';
        p += n + (nl != NULL);
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        tm_tu_clear(&tu);
        tm_annot_set_attr(&tu.an, "creationdate", commits ? "20240101T000000Z" : "20250101T000000Z");
        tm_tu_add_tuv(&tu, "vi", line, NULL);
        tm_tu_add_tuv(&tu, "fr", tab + 1, NULL);
        if (tm_store_writer_add(w, &tu, &err) != TM_OK)
            continue; /* invalid text is refused, not fatal */
    }
    free(line);
    tm_tu_clear(&tu);
    tm_store_writer_commit(w, &err);
    return p;
}

static void as_import(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    unlink(path);
    const char *half = p + size / 2;
    const char *nl = memchr(half, '\n', (size_t)(end - half));
    const char *cut = nl ? nl + 1 : end;
    import_lines(p, cut, 0);
    const char *q = import_lines(cut, end, 1);
    if (q < end && *q == '?') {
        q++;
        read_store(q, (size_t)(end - q));
    } else {
        read_store("", 0);
    }
    tm_error err = {TM_OK, ""};
    if (tm_store_check(path, &err) != TM_OK && access(path, F_OK) == 0) {
        fprintf(stderr, "a store tmkit wrote fails check: %s\n", err.msg);
        abort();
    }
    size_t before = units_in(path), after;
    uint64_t nseg;
    if (access(path, F_OK) == 0 && tm_store_optimize(path, &nseg, &err) == TM_OK &&
        (tm_store_check(path, &err) != TM_OK || (after = units_in(path)) != before)) {
        fprintf(stderr, "optimize changed the store: %s\n", err.msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "%s/tmkit-fuzz-%ld.tmdb",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    if (size == 0)
        return 0;
    if (data[0] & 1)
        as_import(data + 1, size - 1);
    else
        as_file(data + 1, size - 1);
    unlink(path);
    return 0;
}
