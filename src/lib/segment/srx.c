/*
 * srx.c — loading SRX files into rule sets (see srx.h).
 *
 * The file is small, so it is parsed into a DOM with libxml2 (no network,
 * no entities, no DTD) and walked once. Elements are matched by local name,
 * so files with or without the SRX namespace load alike.
 */
#include "srx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>

#include "util/buf.h"
#include "util/file.h"

typedef struct ruleset {
    char *name;
    tm_srx_rule *rules;
    size_t n;
} ruleset;

typedef struct langmap {
    char *pattern;
    char *ruleset;
    unsigned long line;
} langmap;

/* Limits on a rules file (docs/reliability.md). Real files hold hundreds
 * of rules of a few dozen characters; every rule costs about 16 KB of
 * compiled regexes and a look at every candidate break, so a file past
 * these is a mistake or an attack, refused with a clear error before any
 * regex is compiled for use. */
#define SRX_MAX_RULES 10000
#define SRX_MAX_PATTERN 4096          /* bytes of one beforebreak or afterbreak */
#define SRX_MAX_PATTERN_BYTES (1u << 20) /* bytes of every pattern together */

struct tm_srx {
    char *name;
    size_t nrules;        /* every rule of every set, against SRX_MAX_RULES */
    size_t pattern_bytes; /* against SRX_MAX_PATTERN_BYTES */
    int cascade;
    ruleset *sets;
    size_t nsets;
    langmap *maps;
    size_t nmaps;
};

extern const char tm_builtin_srx[];
extern const size_t tm_builtin_srx_len;

const char *tm_srx_name(const tm_srx *srx) { return srx->name; }

void tm_srx_free(tm_srx *srx)
{
    if (!srx)
        return;
    for (size_t i = 0; i < srx->nsets; i++) {
        for (size_t k = 0; k < srx->sets[i].n; k++) {
            free(srx->sets[i].rules[k].before);
            free(srx->sets[i].rules[k].after);
        }
        free(srx->sets[i].rules);
        free(srx->sets[i].name);
    }
    for (size_t i = 0; i < srx->nmaps; i++) {
        free(srx->maps[i].pattern);
        free(srx->maps[i].ruleset);
    }
    free(srx->sets);
    free(srx->maps);
    free(srx->name);
    free(srx);
}

/* ---- DOM helpers -------------------------------------------------------- */

static int is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_elem(c, name))
            return c;
    return NULL;
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* Text content, or NULL when the element is absent or empty. */
static char *text_of(xmlNodePtr n)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlNodeGetContent(n);
    char *s = v && *v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static unsigned long line_of(xmlNodePtr n) { return (unsigned long)xmlGetLineNo(n); }

/* ---- checks ---------------------------------------------------------------- */

/* Compile a pattern to check it; reports file, line, rule and ICU's error. */
static tm_status check_regex(const tm_srx *srx, const char *pattern, const char *what,
                             const char *set, int index, unsigned long line, tm_error *err)
{
    UErrorCode uc = U_ZERO_ERROR;
    UParseError pe;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, pattern, -1, &uc);
    UChar *u = malloc(((size_t)n16 + 1) * sizeof(UChar));
    if (!u)
        return tm_error_nomem(err);
    uc = U_ZERO_ERROR;
    u_strFromUTF8(u, n16 + 1, NULL, pattern, -1, &uc);
    URegularExpression *re = U_SUCCESS(uc) ? uregex_open(u, n16, 0, &pe, &uc) : NULL;
    free(u);
    if (U_FAILURE(uc) || !re)
        return tm_error_at(err, TM_EDATA, srx->name, line,
                           "rule %d of '%s': invalid %s regex /%s/: %s at offset %d",
                           index, set, what, pattern, u_errorName(uc), pe.offset);
    uregex_close(re);
    return TM_OK;
}

/* ---- building ------------------------------------------------------------- */

/* The limits on the rule just read (SRX_MAX_*). */
static tm_status check_limits(tm_srx *srx, const tm_srx_rule *rule, tm_error *err)
{
    size_t nb = rule->before ? strlen(rule->before) : 0, na = rule->after ? strlen(rule->after) : 0;
    srx->pattern_bytes += nb + na;
    if (++srx->nrules > SRX_MAX_RULES)
        return tm_error_at(err, TM_EDATA, srx->name, rule->line,
                           "more than %d rules: refused (a rules file holds hundreds)",
                           SRX_MAX_RULES);
    if (nb > SRX_MAX_PATTERN || na > SRX_MAX_PATTERN)
        return tm_error_at(err, TM_EDATA, srx->name, rule->line,
                           "rule %d of '%s': a pattern of %zu bytes, over the limit of %d",
                           rule->index, rule->ruleset, nb > na ? nb : na, SRX_MAX_PATTERN);
    if (srx->pattern_bytes > SRX_MAX_PATTERN_BYTES)
        return tm_error_at(err, TM_EDATA, srx->name, rule->line,
                           "the patterns pass %u bytes in all: refused", SRX_MAX_PATTERN_BYTES);
    return TM_OK;
}

static tm_status add_rule(tm_srx *srx, ruleset *rs, size_t *cap, xmlNodePtr r, tm_error *err)
{
    if (tm_array_reserve(&rs->rules, cap, rs->n + 1, sizeof *rs->rules, 16))
        return tm_error_nomem(err);
    tm_srx_rule *rule = &rs->rules[rs->n];
    memset(rule, 0, sizeof *rule);
    rs->n++;
    char *brk = attr(r, "break");
    rule->brk = !brk || strcmp(brk, "no") != 0; /* SRX: break defaults to yes */
    int bad_brk = brk && strcmp(brk, "no") != 0 && strcmp(brk, "yes") != 0;
    free(brk);
    rule->before = text_of(child(r, "beforebreak"));
    rule->after = text_of(child(r, "afterbreak"));
    rule->ruleset = rs->name;
    rule->line = line_of(r);
    rule->index = (int)rs->n;
    if (bad_brk)
        return tm_error_at(err, TM_EDATA, srx->name, rule->line,
                           "rule %d of '%s': break must be \"yes\" or \"no\"", rule->index, rs->name);
    tm_status st = check_limits(srx, rule, err);
    if (st == TM_OK && rule->before)
        st = check_regex(srx, rule->before, "beforebreak", rs->name, rule->index, rule->line, err);
    if (st == TM_OK && rule->after)
        st = check_regex(srx, rule->after, "afterbreak", rs->name, rule->index, rule->line, err);
    return st;
}

static tm_status add_ruleset(tm_srx *srx, xmlNodePtr lr, tm_error *err)
{
    ruleset *p = realloc(srx->sets, (srx->nsets + 1) * sizeof *p);
    if (!p)
        return tm_error_nomem(err);
    srx->sets = p;
    ruleset *rs = &srx->sets[srx->nsets++];
    memset(rs, 0, sizeof *rs);
    rs->name = attr(lr, "languagerulename");
    if (!rs->name)
        return tm_error_at(err, TM_EDATA, srx->name, line_of(lr),
                           "<languagerule> without languagerulename");
    tm_status st = TM_OK;
    size_t cap = 0;
    for (xmlNodePtr c = lr->children; st == TM_OK && c; c = c->next)
        if (is_elem(c, "rule"))
            st = add_rule(srx, rs, &cap, c, err);
    return st;
}

static const ruleset *find_set(const tm_srx *srx, const char *name)
{
    for (size_t i = 0; i < srx->nsets; i++)
        if (strcmp(srx->sets[i].name, name) == 0)
            return &srx->sets[i];
    return NULL;
}

static tm_status add_map(tm_srx *srx, xmlNodePtr m, tm_error *err)
{
    langmap *p = realloc(srx->maps, (srx->nmaps + 1) * sizeof *p);
    if (!p)
        return tm_error_nomem(err);
    srx->maps = p;
    langmap *map = &srx->maps[srx->nmaps++];
    map->pattern = attr(m, "languagepattern");
    map->ruleset = attr(m, "languagerulename");
    map->line = line_of(m);
    if (!map->pattern || !map->ruleset)
        return tm_error_at(err, TM_EDATA, srx->name, map->line,
                           "<languagemap> needs languagepattern and languagerulename");
    if (!find_set(srx, map->ruleset))
        return tm_error_at(err, TM_EDATA, srx->name, map->line,
                           "<languagemap> names an unknown languagerule '%s'", map->ruleset);
    return check_regex(srx, map->pattern, "languagepattern", "maprules", (int)srx->nmaps,
                       map->line, err);
}

/* SRX 2.0: maprules/languagemap; SRX 1.0: maprules/maprule/languagemap. */
static tm_status add_maps(tm_srx *srx, xmlNodePtr maprules, tm_error *err)
{
    tm_status st = TM_OK;
    for (xmlNodePtr c = maprules->children; st == TM_OK && c; c = c->next) {
        if (is_elem(c, "languagemap"))
            st = add_map(srx, c, err);
        else if (is_elem(c, "maprule"))
            for (xmlNodePtr m = c->children; st == TM_OK && m; m = m->next)
                if (is_elem(m, "languagemap"))
                    st = add_map(srx, m, err);
    }
    return st;
}

static tm_status build(tm_srx *srx, xmlDocPtr doc, tm_error *err)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!is_elem(root, "srx"))
        return tm_error_at(err, TM_EDATA, srx->name, root ? line_of(root) : 0,
                           "not an SRX file: the root element is not <srx>");
    char *cascade = attr(child(root, "header"), "cascade");
    srx->cascade = cascade && strcmp(cascade, "yes") == 0;
    free(cascade);
    xmlNodePtr body = child(root, "body");
    xmlNodePtr rules = child(body, "languagerules");
    xmlNodePtr maps = child(body, "maprules");
    if (!rules || !maps)
        return tm_error_at(err, TM_EDATA, srx->name, line_of(body ? body : root),
                           "SRX needs <body> with <languagerules> and <maprules>");
    tm_status st = TM_OK;
    for (xmlNodePtr c = rules->children; st == TM_OK && c; c = c->next)
        if (is_elem(c, "languagerule"))
            st = add_ruleset(srx, c, err);
    return st == TM_OK ? add_maps(srx, maps, err) : st;
}

/* A DOCTYPE that declares entities (general or parameter) is refused, as
 * the TMX reader refuses it: entities are never expanded, and a parameter
 * entity can name a local file. The line is the DOCTYPE's. */
static tm_status refuse_entities(xmlDocPtr doc, const char *name, const char *data, size_t len,
                                 tm_error *err)
{
    xmlDtdPtr dtd = xmlGetIntSubset(doc);
    if (!dtd || (!dtd->entities && !dtd->pentities))
        return TM_OK;
    unsigned long line = 1;
    size_t at = 0;
    for (; at + 9 <= len && memcmp(data + at, "<!DOCTYPE", 9) != 0; at++)
        line += data[at] == '\n';
    return tm_error_at(err, TM_EDATA, name, at + 9 <= len ? line : 0,
                       "the DOCTYPE declares entities: refused (an SRX file needs none)");
}

tm_status tm_srx_load_mem(tm_srx **out, const char *name, const char *data,
                          size_t len, tm_error *err)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return tm_error_at(err, TM_EDATA, name, 0, "SRX file too large");
    tm_srx *srx = calloc(1, sizeof *srx);
    if (!srx || !(srx->name = strdup(name))) {
        free(srx);
        return tm_error_nomem(err);
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDocPtr doc = ctxt ? xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOWARNING |
                                                 XML_PARSE_NOERROR)
                         : NULL;
    tm_status st;
    if (!doc) {
        xmlErrorPtr e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
        const char *m = e && e->message ? e->message : "parse error";
        st = tm_error_at(err, TM_EDATA, name, e ? (unsigned long)e->line : 0,
                         "not well-formed XML at column %d: %.*s", e ? e->int2 : 0,
                         (int)strcspn(m, "\n"), m);
    } else if ((st = refuse_entities(doc, name, data, len, err)) == TM_OK) {
        st = build(srx, doc, err);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (st != TM_OK) {
        tm_srx_free(srx);
        return st;
    }
    *out = srx;
    return TM_OK;
}

tm_status tm_srx_load_file(tm_srx **out, const char *path, tm_error *err)
{
    *out = NULL;
    FILE *fp;
    tm_status st = tm_file_fopen_read(path, "an SRX file", &fp, err);
    if (st != TM_OK)
        return st;
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *p = realloc(data, cap);
            if (!p) {
                free(data);
                fclose(fp);
                return tm_error_nomem(err);
            }
            data = p;
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(data);
        return tm_error_at(err, TM_EIO, path, 0, "read error");
    }
    st = tm_srx_load_mem(out, path, data ? data : "", len, err);
    free(data);
    return st;
}

tm_status tm_srx_load_builtin(tm_srx **out, tm_error *err)
{
    return tm_srx_load_mem(out, "segment.srx (built in)", tm_builtin_srx, tm_builtin_srx_len, err);
}

/* ---- selection -------------------------------------------------------------- */

static int pattern_matches(const char *pattern, const char *lang)
{
    UErrorCode uc = U_ZERO_ERROR;
    UParseError pe;
    URegularExpression *re = uregex_openC(pattern, 0, &pe, &uc);
    if (U_FAILURE(uc)) { /* non-ASCII pattern: go through UTF-16 */
        uc = U_ZERO_ERROR;
        UChar u[512];
        u_strFromUTF8(u, 512, NULL, pattern, -1, &uc);
        re = U_SUCCESS(uc) ? uregex_open(u, -1, 0, &pe, &uc) : NULL;
    }
    if (!re)
        return 0;
    UChar text[64];
    u_uastrncpy(text, lang, 63);
    text[63] = 0;
    uregex_setText(re, text, -1, &uc);
    int m = U_SUCCESS(uc) && uregex_matches(re, 0, &uc);
    uregex_close(re);
    return m && U_SUCCESS(uc);
}

tm_status tm_srx_select(const tm_srx *srx, const char *lang,
                        const tm_srx_rule ***rules, size_t *n, tm_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < srx->nsets; i++)
        total += srx->sets[i].n * srx->nmaps;
    const tm_srx_rule **v = malloc((total ? total : 1) * sizeof *v);
    if (!v)
        return tm_error_nomem(err);
    *n = 0;
    for (size_t m = 0; m < srx->nmaps; m++) {
        if (!pattern_matches(srx->maps[m].pattern, lang))
            continue;
        const ruleset *rs = find_set(srx, srx->maps[m].ruleset);
        for (size_t k = 0; k < rs->n; k++)
            v[(*n)++] = &rs->rules[k];
        if (!srx->cascade)
            break;
    }
    *rules = v;
    return TM_OK;
}
