/*
 * uclass.c — the table of uclass.h.
 */
#include "uclass.h"

#include <pthread.h>

uint16_t tm_uclass_bmp[0x10000];
static pthread_once_t built = PTHREAD_ONCE_INIT;

unsigned tm_uclass_of_slow(UChar32 c)
{
    int8_t t = u_charType(c);
    int term = c < 0x80 ? c == '.' || c == '!' || c == '?' || c == ':' || c == ';'
                        : c == 0x2026 || u_hasBinaryProperty(c, UCHAR_S_TERM);
    return (u_isalnum(c) ? TM_UC_ALNUM : 0) | (u_isalpha(c) ? TM_UC_ALPHA : 0) |
           (t == U_NON_SPACING_MARK ? TM_UC_MARK : 0) | (u_isUWhiteSpace(c) ? TM_UC_SPACE : 0) |
           (t == U_FORMAT_CHAR ? TM_UC_FORMAT : 0) | (term ? TM_UC_TERM : 0) |
           (c == '"' || c == '\'' || t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION
                ? TM_UC_CLOSER
                : 0) |
           (c >= 0xD800 && c <= 0xDBFF ? TM_UC_LEAD : 0) |
           (u_isUUppercase(c) || u_istitle(c) ? TM_UC_UPPER : 0) | (u_isULowercase(c) ? TM_UC_LOWER : 0);
}

static void build(void)
{
    for (UChar32 c = 0; c < 0x10000; c++)
        tm_uclass_bmp[c] = (uint16_t)tm_uclass_of_slow(c);
}

void tm_uclass_init(void) { pthread_once(&built, build); }
