/*
 * fuzz_tmx.c — libFuzzer harness: arbitrary bytes as a TMX file, read
 * strictly or leniently (first byte), every unit written back through the
 * TMX writer, and the same bytes through the validator. The reader's fast
 * path is held to libxml2: the bytes are read with it (whole, and 7 bytes at
 * a time into packed units) and without it, and the outcomes must be equal
 * (abort if not).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tmx_outcome.h"
#include "tmkit.h"

static char path[64];

static void same_as_libxml2(const uint8_t *data, size_t size, int lenient)
{
    int bailed;
    char *ref = tmx_outcome((const char *)data, size, NULL, lenient | TMX_READ_NO_FAST, &bailed);
    /* whole, and 7 bytes at a time with packed units (the import's) */
    static const int WAYS[] = {0, TMX_READ_SMALL_CHUNKS | TM_TMX_PACKED};
    for (size_t w = 0; w < sizeof WAYS / sizeof WAYS[0]; w++) {
        int flags = WAYS[w];
        char *got = tmx_outcome((const char *)data, size, NULL, lenient | flags, &bailed);
        if (strcmp(ref, got) != 0) {
            fprintf(stderr, "fast path and libxml2 differ (flags %x):\nlibxml2:\n%s\nfast:\n%s\n",
                    flags, ref, got);
            abort();
        }
        free(got);
    }
    free(ref);
}

static void validate(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "%s/tmkit-fuzz-tmx-%ld.tmx",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    fwrite(data, 1, size, fp);
    fclose(fp);
    size_t problems;
    tm_error err = {TM_OK, ""};
    tm_tmx_validate(path, NULL, NULL, &problems, &err);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    tm_error err = {TM_OK, ""};
    tm_tmx_reader *r;
    int flags = (data[0] & 1) ? TM_TMX_LENIENT : 0;
    if (tm_tmx_reader_open_mem(&r, "fuzz.tmx", (const char *)data + 1, size - 1, flags, &err) == TM_OK) {
        FILE *sink = fopen("/dev/null", "w");
        tm_tmx_header h = {.srclang = "*all*", .creationdate = "20240101T000000Z"};
        tm_tmx_writer *w = NULL;
        if (sink && tm_tmx_writer_open(&w, sink, "sink", &h, &err) != TM_OK)
            w = NULL;
        tm_tu tu = TM_TU_INIT;
        int got = 1;
        while (tm_tmx_reader_next(r, &tu, &got, &err) == TM_OK && got)
            if (w)
                tm_tmx_writer_add(w, &tu, &err);
        tm_tu_clear(&tu);
        if (w) {
            tm_tmx_writer_finish(w, &err);
            tm_tmx_writer_free(w);
        }
        if (sink)
            fclose(sink);
        tm_tmx_reader_free(r);
    }
    same_as_libxml2(data + 1, size - 1, flags);
    validate(data + 1, size - 1);
    return 0;
}
