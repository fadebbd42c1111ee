/*
 * rxsketch_build.c — from an ICU pattern to the automaton that rxsketch.c
 * walks: parsing (rx_parse), then repacking its bit sets (tm_rxsketch_new).
 *
 * The pattern is read once, recursively, and every character-consuming atom
 * ("a", "\.", "[.!?]", "\p{Lu}") becomes a position. Each sub-expression is
 * summarised by the positions a match of it can begin with (first), end
 * with (last) and whether it can match the empty string (nullable);
 * concatenation and repetition add "may follow" edges between positions
 * (Glushkov's construction: no epsilon moves, so walking it is a bit-set
 * loop).
 *
 * Exact where cheap: x{n,m} is unrolled into n copies and m - n optional
 * ones (up to 16, when room is left), and one look-around is modelled
 * because SRX abbreviation rules live on it: a negative look-behind of one
 * atom, (?<![\p{L}\p{N}]), and likewise ^, mark the atoms that can come
 * right after them (not_before): a match may start there only when the
 * character before is outside the class (for ^: when there is none).
 *
 * Loosened, which only ever adds strings to the language and clears
 * k->exact: other look-arounds, $ \b \B \z \Z \G (they match the empty
 * string); longer or unbounded repetitions (x+ or x*); possessive
 * quantifiers and atomic groups (as plain ones); a look-behind or ^
 * anywhere but at the start of the pattern. (A look-behind's class narrows
 * where a match may start, so it must never be taken wider than ICU's.)
 *
 * Declined (no sketch): back-references, inline flags and comments, \Q,
 * \N{}, \X, \R, \h, \v, and character classes written in ways where
 * UnicodeSet and ICU's regex syntax could differ. A class's set is also
 * checked against ICU's regex on a sample of characters before it is used.
 */
#include "rxsketch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define MAX_NESTING 64
#define MAX_UNITS 4096 /* a longer pattern gets no sketch */
#define UNROLL_MAX 16

/* A sub-expression's summary; first and last hold k->words words each. */
typedef struct frag {
    uint64_t *first, *last;
    int nullable;
} frag;

typedef struct parser {
    const UChar *s;
    int32_t n, i;
    tm_rxsketch *k;
    const USet **set_at; /* sets already made for the atom at each index */
    int nesting;
    int zero_width; /* assertions read so far (look-arounds, anchors...) */
    int repeats;    /* quantifiers read so far that repeat their atom (hi != 0, 1) */
    int bad;        /* something not modelled, or out of memory */
} parser;

/* ---- fragments ------------------------------------------------------- */

static void frag_empty(const parser *p, frag *f)
{
    memset(f->first, 0, 2 * p->k->words * sizeof *f->first);
    f->nullable = 1;
}

static int frag_init(parser *p, frag *f)
{
    f->first = calloc(2 * p->k->words, sizeof *f->first);
    f->last = f->first + p->k->words;
    f->nullable = 1;
    if (!f->first)
        p->bad = 1;
    return f->first != NULL;
}

static void frag_fini(frag *f) { free(f->first); }

static void frag_copy(const parser *p, frag *d, const frag *s)
{
    memcpy(d->first, s->first, 2 * p->k->words * sizeof *d->first);
    d->nullable = s->nullable;
}

static int frag_has_positions(const parser *p, const frag *f)
{
    for (size_t w = 0; w < 2 * p->k->words; w++)
        if (f->first[w])
            return 1;
    return 0;
}

/* Every position in from may be followed by every position in to. */
static void link(tm_rxsketch *k, const uint64_t *from, const uint64_t *to)
{
    for (size_t w = 0; w < k->words; w++)
        for (uint64_t b = from[w]; b; b &= b - 1)
            rx_bits_or(k->follow + (w * 64 + (size_t)__builtin_ctzll(b)) * k->words, to, k->words);
}

/* out = out followed by item. */
static void frag_concat(parser *p, frag *out, const frag *item)
{
    tm_rxsketch *k = p->k;
    link(k, out->last, item->first);
    if (out->nullable)
        rx_bits_or(out->first, item->first, k->words);
    if (!item->nullable)
        memset(out->last, 0, k->words * sizeof *out->last);
    rx_bits_or(out->last, item->last, k->words);
    out->nullable = out->nullable && item->nullable;
}

/* ---- positions and sets ---------------------------------------------- */

static const USet *keep_set(parser *p, USet *set)
{
    tm_rxsketch *k = p->k;
    USet **grown = set ? realloc(k->sets, (k->nsets + 1) * sizeof *grown) : NULL;
    if (!grown) {
        if (set)
            uset_close(set);
        p->bad = 1;
        return NULL;
    }
    k->sets = grown;
    uset_freeze(set);
    return k->sets[k->nsets++] = set;
}

static void add_pos(parser *p, frag *f, const USet *set, UChar32 cp)
{
    tm_rxsketch *k = p->k;
    frag_empty(p, f);
    f->nullable = 0;
    if (p->bad || k->npos == k->cap) {
        p->bad = 1; /* cap is at least the pattern's length: not reached
                       unless unrolling miscounted */
        return;
    }
    size_t q = k->npos++;
    k->pos[q] = (rx_pos){set, cp, NULL, {0, 0, 0, 0}};
    rx_bits_set(f->first, q);
    rx_bits_set(f->last, q);
}

static const USet *open_set(parser *p, const char *pattern8)
{
    size_t n = strlen(pattern8) + 1; /* UTF-16 never needs more units than UTF-8 bytes */
    UChar *u = malloc(n * sizeof *u);
    UErrorCode uc = u ? U_ZERO_ERROR : U_MEMORY_ALLOCATION_ERROR;
    if (u)
        u_strFromUTF8(u, (int32_t)n, NULL, pattern8, -1, &uc);
    USet *set = U_SUCCESS(uc) ? uset_openPatternOptions(u, -1, 0, &uc) : NULL;
    free(u);
    if (U_FAILURE(uc)) {
        if (set)
            uset_close(set);
        p->bad = 1;
        return NULL;
    }
    return keep_set(p, set);
}

/* ICU's regex engine: \s is [\p{WhiteSpace}], \d is \p{Nd}, \w as below. */
#define WORD_SET "[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d]"

static const char *class_escape_set(UChar c)
{
    switch (c) {
    case 's': return "[\\p{WhiteSpace}]";
    case 'S': return "[\\P{WhiteSpace}]";
    case 'd': return "[\\p{Nd}]";
    case 'D': return "[\\P{Nd}]";
    case 'w': return WORD_SET;
    case 'W': return "[^\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d]";
    }
    return NULL;
}

/* End (one past ']') of the class starting at s[i] == '[', or -1. */
static int32_t class_end(const parser *p, int32_t i)
{
    const UChar *s = p->s;
    int depth = 0;
    while (i < p->n) {
        UChar c = s[i];
        if (c == '\\') {
            if (i + 2 < p->n && s[i + 2] == '{' && u_strchr(u"pPNx", s[i + 1])) {
                while (i < p->n && s[i] != '}')
                    i++;
            } else {
                i++;
            }
        } else if (c == '[') {
            depth++;
            if (i + 1 < p->n && s[i + 1] == '^')
                i++;
            if (i + 1 < p->n && s[i + 1] == ']')
                return -1; /* a leading ']': dialects differ */
        } else if (c == ']' && --depth == 0) {
            return i + 1;
        } else if ((c == '&' || c == '$' || c == '{' || c == '~') ||
                   (c == '-' && i + 1 < p->n && s[i + 1] == '-')) {
            return -1; /* set operators and strings: dialects differ */
        }
        i++;
    }
    return -1;
}

/* The class text with \s \S \d \D \w \W spelled as UnicodeSet syntax. */
static char *class_text(const parser *p, int32_t from, int32_t to)
{
    size_t cap = (size_t)(to - from) * 3 * 60 + 1, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (int32_t i = from; i < to; i++) {
        int32_t units = p->s[i] == '\\' && i + 1 < to ? 2 : 1; /* an escape pair stays whole */
        const char *sub = units == 2 ? class_escape_set(p->s[i + 1]) : NULL;
        if (sub) {
            len += (size_t)strlen(strcpy(out + len, sub));
            i++;
            continue;
        }
        UErrorCode uc = U_ZERO_ERROR;
        int32_t n8 = 0;
        u_strToUTF8(out + len, (int32_t)(cap - len), &n8, p->s + i, units, &uc);
        i += units - 1;
        if (U_FAILURE(uc) && uc != U_STRING_NOT_TERMINATED_WARNING) {
            free(out);
            return NULL;
        }
        len += (size_t)n8;
    }
    out[len] = '\0';
    return out;
}

/* Characters on which the class's USet is checked against ICU's regex:
 * ASCII, Latin, Vietnamese, general punctuation, CJK punctuation, and
 * the full-width forms. */
static const UChar32 sample_ranges[][2] = {
    {0x0000, 0x02FF}, {0x1E00, 0x1EFF}, {0x2000, 0x206F}, {0x3000, 0x303F}, {0xFF00, 0xFF65}};

static int class_agrees(const UChar *cls, int32_t len, const USet *set)
{
    UErrorCode uc = U_ZERO_ERROR;
    URegularExpression *re = uregex_open(cls, len, 0, NULL, &uc);
    int ok = U_SUCCESS(uc);
    for (size_t r = 0; ok && r < sizeof sample_ranges / sizeof *sample_ranges; r++)
        for (UChar32 c = sample_ranges[r][0]; ok && c <= sample_ranges[r][1]; c++) {
            UChar one[1] = {(UChar)c};
            uregex_setText(re, one, 1, &uc);
            ok = U_SUCCESS(uc) && (uregex_matches(re, 0, &uc) != 0) == (uset_contains(set, c) != 0);
        }
    if (re)
        uregex_close(re);
    return ok;
}

static int hex_digit(UChar c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/* Exactly `count` hex digits, or (count 0) digits up to '}'. */
static UChar32 read_hex(parser *p, int count)
{
    UChar32 v = 0;
    int got = 0;
    while (p->i < p->n && (count ? got < count : p->s[p->i] != '}')) {
        int d = hex_digit(p->s[p->i++]);
        if (d < 0 || v > 0x10FFFF)
            return -1;
        v = v * 16 + d;
        got++;
    }
    if (count ? got < count : (p->i >= p->n || !got))
        return -1;
    if (!count)
        p->i++; /* the '}' */
    return v <= 0x10FFFF ? v : -1;
}

/* {n}, {n,}, {n,m} at p->i; *hi is -1 when unbounded. */
static int parse_interval(parser *p, int32_t *lo, int32_t *hi)
{
    int32_t v[2] = {-1, -1}, k = 0;
    p->i++;
    while (p->i < p->n && p->s[p->i] != '}') {
        UChar c = p->s[p->i++];
        if (c == ',' && k == 0)
            k = 1;
        else if (c >= '0' && c <= '9' && (v[k] < 0 || v[k] < 100000))
            v[k] = (v[k] < 0 ? 0 : v[k] * 10) + (c - '0');
        else
            return 0;
    }
    if (p->i >= p->n || v[0] < 0)
        return 0;
    p->i++;
    *lo = v[0];
    *hi = k ? v[1] : v[0];
    return 1;
}


/* The set of the atom at s[from, to) from its UnicodeSet spelling, checked
 * against ICU's regex; made once per atom however often it is unrolled. */
static const USet *atom_set(parser *p, int32_t from, int32_t to, const char *uset_text, int check)
{
    if (p->set_at[from])
        return p->set_at[from];
    const USet *set = uset_text ? open_set(p, uset_text) : NULL;
    if (set && check && !class_agrees(p->s + from, to - from, set))
        set = NULL;
    if (!set)
        p->bad = 1;
    return p->set_at[from] = set;
}

static void parse_class(parser *p, frag *f)
{
    int32_t from = p->i, to = class_end(p, from);
    if (to < 0) {
        p->bad = 1;
        return;
    }
    char *text = p->set_at[from] ? NULL : class_text(p, from, to);
    if (!p->set_at[from] && !text) {
        p->bad = 1;
        return;
    }
    const USet *set = atom_set(p, from, to, text, 1);
    free(text);
    p->i = to;
    if (set)
        add_pos(p, f, set, 0);
}

/* \p{Lu}, \P{Lu}, \pL: from is the backslash, p->i the character after p/P. */
static void parse_property(parser *p, frag *f, int32_t from)
{
    char buf[128];
    size_t len = 0;
    int32_t i = p->i, braced = i < p->n && p->s[i] == '{';
    memcpy(buf, p->s[from + 1] == 'p' ? "[\\p{" : "[\\P{", 4);
    len = 4;
    for (i += braced; i < p->n && len < sizeof buf - 3; i++) {
        UChar c = p->s[i];
        if (braced && c == '}')
            break;
        if (c >= 0x80 || c == '[' || c == ']' || c == '\\')
            break; /* property names are ASCII */
        buf[len++] = (char)c;
        if (!braced) {
            i++;
            break;
        }
    }
    if (braced && (i >= p->n || p->s[i] != '}')) {
        p->bad = 1;
        return;
    }
    p->i = i + braced;
    memcpy(buf + len, "}]", 3);
    const USet *set = atom_set(p, from, p->i, buf, 1);
    if (set)
        add_pos(p, f, set, 0);
}

static void parse_escape(parser *p, frag *f, USet const **lb)
{
    int32_t from = p->i++;
    if (p->i >= p->n) {
        p->bad = 1;
        return;
    }
    UChar c = p->s[p->i++];
    const char *named = class_escape_set(c);
    UChar32 cp = -1;
    if (named) { /* ICU's own definitions: no need to check them */
        const USet *set = atom_set(p, from, p->i, named, 0);
        if (set)
            add_pos(p, f, set, 0);
        return;
    }
    switch (c) {
    case 'A': /* as ^ */
        frag_empty(p, f);
        p->zero_width++;
        *lb = keep_set(p, uset_open(0, 0x10FFFF));
        return;
    case 'b': case 'B': case 'z': case 'Z': case 'G':
        frag_empty(p, f);
        p->zero_width++;
        p->k->exact = 0;
        return;
    case 'p': case 'P':
        parse_property(p, f, from);
        return;
    case 't': cp = '\t'; break;
    case 'n': cp = '\n'; break;
    case 'r': cp = '\r'; break;
    case 'f': cp = '\f'; break;
    case 'a': cp = 0x07; break;
    case 'e': cp = 0x1B; break;
    case 'u': cp = read_hex(p, 4); break;
    case 'U': cp = read_hex(p, 8); break;
    case 'x':
        if (p->i < p->n && p->s[p->i] == '{') {
            p->i++;
            cp = read_hex(p, 0);
        } else {
            cp = read_hex(p, 2);
        }
        break;
    default:
        /* Back-references, \Q, \N{}, \X, \R, \h, \v, \0...: not modelled. */
        if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            break;
        p->i--;
        U16_NEXT(p->s, p->i, p->n, cp); /* an escaped punctuation mark */
    }
    if (cp < 0) {
        p->bad = 1;
        return;
    }
    add_pos(p, f, NULL, cp);
}

static void parse_alt(parser *p, frag *f);

/* The class a one-atom look-behind (?<!X) tests, as a set. */
static const USet *lookbehind_set(parser *p, size_t q)
{
    const rx_pos *pos = &p->k->pos[q];
    if (pos->set)
        return pos->set;
    return keep_set(p, uset_open(pos->cp < 0 ? 0 : pos->cp, pos->cp < 0 ? 0x10FFFF : pos->cp));
}

/* ( ... ): a group, or a look-around (zero-width); *lb gets the class of
 * a negative look-behind of exactly one atom. */
static void parse_group(parser *p, frag *f, const USet **lb)
{
    const UChar *s = p->s;
    int zero_width = 0, negative_behind = 0;
    p->i++;
    if (p->i < p->n && s[p->i] == '?') {
        UChar a = p->i + 1 < p->n ? s[p->i + 1] : 0, b = p->i + 2 < p->n ? s[p->i + 2] : 0;
        if (a == ':' || a == '>') {
            p->k->exact = p->k->exact && a == ':'; /* atomic: may fail where we match */
            p->i += 2;
        } else if (a == '=' || a == '!') {
            p->i += 2;
            zero_width = 1;
        } else if (a == '<' && (b == '=' || b == '!')) {
            p->i += 3;
            zero_width = 1;
            negative_behind = b == '!';
        } else if (a == '<') { /* (?<name>...) */
            while (p->i < p->n && s[p->i] != '>')
                p->i++;
            p->i++;
        } else {
            p->bad = 1; /* inline flags, comments */
            return;
        }
    }
    size_t npos0 = p->k->npos;
    int zero_width0 = p->zero_width, repeats0 = p->repeats;
    if (++p->nesting > MAX_NESTING) {
        p->bad = 1;
        return;
    }
    parse_alt(p, f);
    p->nesting--;
    if (p->bad || p->i >= p->n || s[p->i] != ')') {
        p->bad = 1;
        return;
    }
    p->i++;
    if (!zero_width)
        return;
    /* Only a look-behind of one atom and nothing else means "the character
     * before is not in this class"; (?<!x$) for one means far less, and so
     * does (?<!x{79}), which a repetition too long to unroll leaves as one
     * looping position. */
    if (negative_behind && !f->nullable && p->k->npos == npos0 + 1 && p->zero_width == zero_width0 &&
        p->repeats == repeats0)
        *lb = lookbehind_set(p, npos0);
    else
        p->k->exact = 0;
    frag_empty(p, f);
    p->zero_width++;
}

static void parse_atom(parser *p, frag *f, const USet **lb)
{
    switch (p->s[p->i]) {
    case '(':
        parse_group(p, f, lb);
        return;
    case '[':
        parse_class(p, f);
        return;
    case '\\':
        parse_escape(p, f, lb);
        return;
    case '.': { /* ICU's: anything but a line end */
        const USet *set = atom_set(p, p->i, p->i + 1, "[^\\u000A-\\u000D\\u0085\\u2028\\u2029]", 0);
        p->i++;
        if (set)
            add_pos(p, f, set, 0);
        return;
    }
    case '^': /* start of the text: a look-behind no character passes */
        p->i++;
        frag_empty(p, f);
        p->zero_width++;
        *lb = keep_set(p, uset_open(0, 0x10FFFF));
        return;
    case '$':
        p->i++;
        frag_empty(p, f);
        p->zero_width++;
        p->k->exact = 0;
        return;
    case '*': case '+': case '?': case '{':
        p->bad = 1;
        return;
    }
    UChar32 cp;
    U16_NEXT(p->s, p->i, p->n, cp);
    add_pos(p, f, NULL, cp);
}

/* Reads a quantifier at p->i into lo and hi (-1: unbounded); 0 if none. */
static int parse_quantifier(parser *p, int32_t *lo, int32_t *hi)
{
    UChar c = p->i < p->n ? p->s[p->i] : 0;
    if (c == '*' || c == '+' || c == '?') {
        *lo = c == '+';
        *hi = c == '?' ? 1 : -1;
        p->i++;
    } else if (c != '{') {
        return 0;
    } else if (!parse_interval(p, lo, hi)) {
        p->bad = 1;
        return 0;
    }
    if (p->i < p->n && p->s[p->i] == '+') {
        p->i++;
        p->k->exact = 0; /* possessive: may fail where we match */
    } else if (p->i < p->n && p->s[p->i] == '?') {
        p->i++; /* lazy: the same strings */
    }
    return 1;
}

/* f holds one copy of the atom s[a0, a1); make it x{lo,hi} by unrolling:
 * lo copies, then hi - lo optional ones (or, unbounded, the last looping).
 * 0 when that would not fit: the caller loosens instead. */
static int unroll(parser *p, frag *f, int32_t a0, int32_t a1, size_t one, int32_t lo, int32_t hi)
{
    int32_t copies = hi < 0 ? lo : hi;
    tm_rxsketch *k = p->k;
    if (copies > UNROLL_MAX || k->npos + (size_t)(copies - 1) * one > k->cap)
        return 0;
    frag acc, item;
    if (!frag_init(p, &acc) || !frag_init(p, &item)) {
        if (acc.first)
            frag_fini(&acc);
        return 1; /* p->bad is set */
    }
    int32_t resume = p->i;
    for (int32_t c = 1; c <= copies && !p->bad; c++) {
        if (c == 1) {
            frag_copy(p, &item, f);
        } else {
            const USet *lb = NULL;
            p->i = a0;
            parse_atom(p, &item, &lb);
            if (p->i != a1)
                p->bad = 1;
        }
        if (c > lo)
            item.nullable = 1;
        if (hi < 0 && c == copies)
            link(k, item.last, item.first);
        frag_concat(p, &acc, &item);
    }
    p->i = resume;
    frag_copy(p, f, &acc);
    frag_fini(&acc);
    frag_fini(&item);
    return 1;
}

static void parse_quantified(parser *p, frag *f, const USet **lb)
{
    int32_t a0 = p->i, lo, hi;
    size_t npos0 = p->k->npos;
    parse_atom(p, f, lb);
    int32_t a1 = p->i;
    for (int n = 0; !p->bad && parse_quantifier(p, &lo, &hi); n++) {
        if (*lb) { /* a repeated assertion: its constraint is not modelled */
            *lb = NULL;
            p->k->exact = 0;
        }
        if (hi == 0) { /* x{0}: the empty string */
            frag_empty(p, f);
            continue;
        }
        if (hi != 1)
            p->repeats++;
        size_t one = p->k->npos - npos0;
        int simple = hi == 1 || (hi < 0 && lo <= 1);
        if (!simple && n == 0 && one > 0 && unroll(p, f, a0, a1, one, lo, hi))
            continue;
        if (!simple || n > 0)
            p->k->exact = 0;
        if (hi != 1)
            link(p->k, f->last, f->first);
        if (lo == 0)
            f->nullable = 1;
    }
}

/* Characters in a or b, as a new set. */
static const USet *set_union(parser *p, const USet *a, const USet *b)
{
    USet *u = uset_cloneAsThawed(a);
    if (u)
        uset_addAll(u, b);
    return keep_set(p, u);
}

/* Atoms that a pending look-behind (or ^) stands right before. */
static void mark_not_before(tm_rxsketch *k, const uint64_t *first, const USet *set)
{
    for (size_t w = 0; w < k->words; w++)
        for (uint64_t b = first[w]; b; b &= b - 1) {
            rx_pos *q = &k->pos[w * 64 + (size_t)__builtin_ctzll(b)];
            if (!q->not_before)
                q->not_before = set;
        }
}

static void parse_concat(parser *p, frag *out)
{
    tm_rxsketch *k = p->k;
    frag item;
    const USet *pending = NULL;
    int consumed = 0;
    frag_empty(p, out);
    if (!frag_init(p, &item))
        return;
    while (!p->bad && p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
        const USet *lb = NULL;
        parse_quantified(p, &item, &lb);
        if (p->bad)
            break;
        if (lb) {
            /* Exact only where it can only precede the match's first atom. */
            if (p->nesting > 0 || consumed)
                k->exact = 0;
            pending = pending ? set_union(p, pending, lb) : lb; /* both must hold */
            continue;
        }
        if (pending) {
            mark_not_before(k, item.first, pending);
            if (!item.nullable)
                pending = NULL;
        }
        consumed = consumed || frag_has_positions(p, &item);
        frag_concat(p, out, &item);
    }
    if (pending) /* the empty rest of the match was not constrained */
        k->exact = 0;
    frag_fini(&item);
}

static void parse_alt(parser *p, frag *f)
{
    frag alt;
    parse_concat(p, f);
    if (!frag_init(p, &alt))
        return;
    while (!p->bad && p->i < p->n && p->s[p->i] == '|') {
        p->i++;
        parse_concat(p, &alt);
        rx_bits_or(f->first, alt.first, p->k->words);
        rx_bits_or(f->last, alt.last, p->k->words);
        f->nullable = f->nullable || alt.nullable;
    }
    frag_fini(&alt);
}

int rx_parse(tm_rxsketch *k, const UChar *u, int32_t n)
{
    parser p = {u, n, 0, k, calloc((size_t)n + 1, sizeof(USet *)), 0, 0, 0, 0};
    frag f = {NULL, NULL, 1};
    if (!p.set_at || !frag_init(&p, &f)) {
        free(p.set_at);
        return 0;
    }
    k->exact = 1;
    parse_alt(&p, &f);
    int ok = !p.bad && p.i == n;
    if (ok) {
        memcpy(k->first, f.first, k->words * sizeof *f.first);
        memcpy(k->last, f.last, k->words * sizeof *f.last);
        k->nullable = f.nullable;
    }
    frag_fini(&f);
    free(p.set_at);
    return ok;
}

/* ---- construction ---------------------------------------------------- */

size_t tm_rxsketch_size(const tm_rxsketch *k)
{
    return k->npos;
}

void tm_rxsketch_free(tm_rxsketch *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->nsets; i++)
        uset_close(k->sets[i]);
    free(k->sets);
    free(k->pos);
    free(k->follow);
    free(k->by_latin);
    free(k);
}

/* Move the bit sets from room for k->cap positions to k->npos, and fill
 * by_latin. */
static int repack(tm_rxsketch *k)
{
    size_t w = k->npos / 64 + 1, rows = k->npos;
    uint64_t *m = calloc((2 * rows + 2) * w, sizeof *m);
    k->by_latin = calloc(256 * w, sizeof *k->by_latin);
    if (!m || !k->by_latin) {
        free(m);
        return 0;
    }
    for (size_t q = 0; q < rows; q++) {
        memcpy(m + q * w, k->follow + q * k->words, w * sizeof *m);
        for (size_t r = 0; r < rows; r++) /* precede: the transpose */
            if (rx_bits_get(k->follow + q * k->words, r))
                rx_bits_set(m + (rows + r) * w, q);
    }
    memcpy(m + 2 * rows * w, k->first, w * sizeof *m);
    memcpy(m + (2 * rows + 1) * w, k->last, w * sizeof *m);
    free(k->follow);
    k->follow = m;
    k->precede = m + rows * w;
    k->first = m + 2 * rows * w;
    k->last = k->first + w;
    k->words = w;
    for (UChar32 c = 0; c < 256; c++)
        for (size_t q = 0; q < rows; q++) {
            if (rx_pos_has(&k->pos[q], c))
                rx_bits_set(k->by_latin + (size_t)c * w, q);
            if (k->pos[q].not_before && uset_contains(k->pos[q].not_before, c))
                rx_bits_set(k->pos[q].not_before_latin, (size_t)c);
        }
    return 1;
}

tm_rxsketch *tm_rxsketch_new(const char *pattern)
{
    int32_t n = 0;
    UErrorCode uc = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &n, pattern, -1, &uc);
    if (n > MAX_UNITS || (U_FAILURE(uc) && uc != U_BUFFER_OVERFLOW_ERROR))
        return NULL;
    UChar *u = malloc(((size_t)n + 1) * sizeof *u);
    tm_rxsketch *k = calloc(1, sizeof *k);
    if (!u || !k) {
        free(u);
        free(k);
        return NULL;
    }
    uc = U_ZERO_ERROR;
    u_strFromUTF8(u, n + 1, NULL, pattern, -1, &uc);
    /* Each atom takes a unit of the pattern; unrolling stays within as
     * many again (it checks). */
    k->cap = 2 * (size_t)n + 64;
    k->words = k->cap / 64 + 1;
    k->pos = calloc(k->cap, sizeof *k->pos);
    k->follow = calloc((k->cap + 2) * k->words, sizeof *k->follow);
    int ok = U_SUCCESS(uc) && k->pos && k->follow;
    if (ok) {
        k->first = k->follow + k->cap * k->words;
        k->last = k->first + k->words;
        ok = rx_parse(k, u, n) && k->npos <= MAX_POSITIONS && repack(k);
    }
    free(u);
    if (!ok) {
        tm_rxsketch_free(k);
        return NULL;
    }
    return k;
}
