/*
 * langid.c — telling Vietnamese from French in a sample of text.
 *
 * Scores, per language: letters only that language writes (Vietnamese: ă
 * đ ơ ư and the precomposed vowels with stacked tone marks of U+1EA0..1EF9;
 * French: ç œ æ ë ï ÿ û ù) and its commonest function words. Vietnamese
 * letters are decisive in practice: a Vietnamese sentence rarely goes five
 * words without one. The larger score wins when it is at least twice the
 * other and at least 3.
 */
#include <string.h>

#include "segment.h"
#include "text/utf8.h"

static int vi_letter(uint32_t c)
{
    return (c >= 0x1EA0 && c <= 0x1EF9) || c == 0x0103 || c == 0x0102 || c == 0x0111 ||
           c == 0x0110 || c == 0x01A1 || c == 0x01A0 || c == 0x01AF || c == 0x01B0 ||
           c == 0x0129 || c == 0x0169; /* ĩ ũ */
}

static int fr_letter(uint32_t c)
{
    return c == 0x00E7 || c == 0x00C7 || c == 0x0153 || c == 0x0152 || c == 0x00E6 ||
           c == 0x00EB || c == 0x00EF || c == 0x00FF || c == 0x00FB || c == 0x00F9;
}

/* Is the word w[0, n) in list, ignoring the case of an ASCII first letter
 * (sentence-initial "Les", "Các" are "les", "các")? */
static int in_list(const char *w, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list + 1, w + 1, n - 1) == 0 &&
            ((*list)[0] == w[0] || ((*list)[0] >= 'a' && (*list)[0] - 'a' + 'A' == w[0])))
            return 1;
    return 0;
}

static const char *const VI_WORDS[] = {"và", "của", "các", "những", "được", "trong", "là", "có",
                                       "với", "cho", "này", "không", "người", "đã", "một", NULL};
static const char *const FR_WORDS[] = {"le", "la", "les", "des", "du", "de", "et", "est", "une",
                                       "un", "dans", "pour", "que", "qui", "avec", "sur", "par",
                                       "au", "aux", "ont", NULL};

const char *tm_lang_detect(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    long vi = 0, fr = 0;
    size_t i = 0, word = 0;
    while (i <= len) {
        uint32_t c = ' ';
        size_t k = 1;
        if (i < len && (k = tm_utf8_decode(p + i, len - i, &c)) == 0) {
            k = 1;
            c = '?';
        }
        int letter = i < len && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0);
        if (!letter) {
            size_t n = i - word;
            if (n > 0 && in_list(text + word, n, VI_WORDS))
                vi++;
            if (n > 0 && in_list(text + word, n, FR_WORDS))
                fr++;
            word = i + k;
        }
        vi += 2 * vi_letter(c);
        fr += 2 * fr_letter(c);
        i += k;
    }
    if (vi >= 3 && vi >= 2 * fr)
        return "vi";
    if (fr >= 3 && fr >= 2 * vi)
        return "fr";
    return NULL;
}
