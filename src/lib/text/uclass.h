/*
 * uclass.h — Unicode properties of BMP characters from one table.
 *
 * Tokenizers, key normalization and the segmenter ask the same few
 * questions of every character (letter or digit? combining mark? white
 * space?), and a call into ICU per character was a tenth of an import.
 * The answers for the 65,536 BMP code points are computed from ICU once
 * (pthread_once, about 3 ms) into a table; characters outside the BMP
 * are asked of ICU directly.
 */
#ifndef TM_UCLASS_H
#define TM_UCLASS_H

#include <stdint.h>

#include <unicode/uchar.h>

enum {
    TM_UC_ALNUM = 1 << 0,  /* u_isalnum */
    TM_UC_ALPHA = 1 << 1,  /* u_isalpha */
    TM_UC_MARK = 1 << 2,   /* general category Mn (non-spacing mark) */
    TM_UC_SPACE = 1 << 3,  /* u_isUWhiteSpace */
    TM_UC_FORMAT = 1 << 4, /* general category Cf */
    TM_UC_TERM = 1 << 5,   /* sentence punctuation: . ! ? : ; … and Sentence_Terminal */
    TM_UC_CLOSER = 1 << 6, /* " ' and categories Pe, Pf */
    TM_UC_LEAD = 1 << 7,   /* a lead surrogate (UTF-16 scanners decode the pair) */
    TM_UC_UPPER = 1 << 8,  /* u_isUUppercase or u_istitle */
    TM_UC_LOWER = 1 << 9   /* u_isULowercase */
};

extern uint16_t tm_uclass_bmp[0x10000];

/* Build the table (once; cheap to call again). Every user calls it before
 * reading tm_uclass_bmp directly. */
void tm_uclass_init(void);

/* The classes of c, any code point (the table must be built). */
unsigned tm_uclass_of_slow(UChar32 c);

static inline unsigned tm_uclass(UChar32 c)
{
    return c >= 0 && c < 0x10000 ? tm_uclass_bmp[c] : tm_uclass_of_slow(c);
}

#endif
