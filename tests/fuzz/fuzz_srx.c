/*
 * fuzz_srx.c — libFuzzer harness: arbitrary bytes as an SRX file (1.0 or
 * 2.0: XML parsing, languagemap, ICU regex compilation), then the rules it
 * selects for French applied to a fixed paragraph.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tmkit.h"

static const char SAMPLE[] =
    "M. Dupont est arrivé à 9 h. Il a dit : « Bonjour ! » Puis il est parti... "
    "Le 25/11/2024, 1.000.000 đồng. TP. Hồ Chí Minh? Oui. a) un; b) deux.";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tm_srx *srx;
    tm_error err = {TM_OK, ""};
    if (tm_srx_load_mem(&srx, "fuzz.srx", (const char *)data, size, &err) != TM_OK) {
        if (err.msg[0] == '\0') /* every refusal says why */
            abort();
        return 0;
    }
    tm_segmenter *seg;
    if (tm_segmenter_new(&seg, srx, "fr", &err) == TM_OK) {
        const tm_span *spans;
        size_t n;
        tm_segmenter_split(seg, SAMPLE, strlen(SAMPLE), &spans, &n, &err);
        tm_segmenter_free(seg);
    }
    tm_srx_free(srx);
    return 0;
}
