/*
 * cmd_store.c — the store commands: import, query, concord, export, stats,
 * check (CLI.md, section store).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util/json.h"

static const char usage_import[] =
    "Usage: tmkit import [--lenient] STORE FILE.tmx...\n"
    "\n"
    "Add the translation units of each TMX file to STORE (created when missing), in\n"
    "one atomic commit: after an error or an interruption the store holds what it\n"
    "held before. Units equal in every language (up to case, white space and the\n"
    "hoá/hóa spelling) are merged, keeping the newest date and every provenance.\n"
    "A second importer waits for the first.\n"
    "  --lenient   skip a malformed <tu> and count it instead of stopping\n"
    "  -q, -v, -h  quiet, verbose, help\n"
    "Exit status: 0 success, 1 usage, 2 bad TMX or damaged store, 3 I/O error.\n";

static const char usage_query[] =
    "Usage: tmkit query STORE [-s LANG -t LANG] [-n N] [--min PCT] [--format text|jsonl] TEXT\n"
    "\n"
    "The best N units (default 5) whose source variant matches TEXT at PCT% or more\n"
    "(default 70), best first: 100 = the same text up to white space and the hoá/hóa\n"
    "spelling; a number, case, punctuation or tag difference costs 2, 1, 1, 1; else\n"
    "word edit distance. Text output marks the words that differ (on a terminal,\n"
    "unless NO_COLOR is set). jsonl: {\"score\",\"source\",\"target\",\"origin\"} per match.\n"
    "  -s, --source LANG   language of TEXT (default vi)\n"
    "  -t, --target LANG   language of the translations wanted (default fr)\n"
    "Exit status: 0 (also when nothing matches), 1 usage, 2 damaged store, 3 I/O.\n";

static const char usage_concord[] =
    "Usage: tmkit concord STORE [-s LANG -t LANG] [--fold] [-n N] [--format text|jsonl] TERM\n"
    "\n"
    "Every unit whose source or target variant holds TERM as whole words (case\n"
    "ignored; diacritics significant unless --fold), newest first, TERM marked.\n"
    "Exit status: 0, 1 usage, 2 damaged store, 3 I/O.\n";

static const char usage_export[] =
    "Usage: tmkit export STORE [-s LANG -t LANG] [-o FILE.tmx]\n"
    "\n"
    "Write the store as TMX 1.4b: every unit and variant, or with -s and -t only the\n"
    "units holding both languages, with those two variants.\n";

static const char usage_stats[] = "Usage: tmkit stats STORE\n\nUnits, segments, size, languages.\n";
static const char usage_optimize[] =
    "Usage: tmkit optimize STORE\n\nRewrite STORE as one segment: every import adds a segment and\n"
    "every query visits them all, so a store built by many small imports answers faster after\n"
    "this. Atomic: on any error the store is left as it was.\n";

static const char usage_check[] =
    "Usage: tmkit check STORE\n\nVerify every checksum and index of STORE. Exit status 0 when\n"
    "intact, 2 with the first damage found, 3 when it cannot be read.\n";

typedef struct store_opts {
    const char *src, *tgt, *output, *format;
    int n, min, fold, lenient;
    int src_set, tgt_set; /* -s, -t given */
} store_opts;

/* Options shared by the store commands; returns -1 to go on. */
static int parse(int argc, char **argv, cli_ctx *ctx, const char *cmd, const char *usage,
                 store_opts *o)
{
    enum { O_MIN = 256, O_FORMAT, O_FOLD, O_LENIENT };
    static const struct option longopts[] = {
        {"source", required_argument, NULL, 's'}, {"target", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'}, {"min", required_argument, NULL, O_MIN},
        {"format", required_argument, NULL, O_FORMAT}, {"fold", no_argument, NULL, O_FOLD},
        {"lenient", no_argument, NULL, O_LENIENT}, {"number", required_argument, NULL, 'n'},
        CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    int c, exit_now;
    while ((c = getopt_long(argc, argv, "s:t:o:n:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (cli_common_opt(c, cmd, usage, ctx, &exit_now)) {
            if (exit_now >= 0)
                return exit_now;
        } else if (c == 's' || c == 't') {
            if (!tm_lang_valid(optarg) || !strcmp(optarg, "*all*"))
                return cli_usage_error(cmd, "'%s' is not a language code", optarg);
            *(c == 's' ? &o->src : &o->tgt) = optarg;
            *(c == 's' ? &o->src_set : &o->tgt_set) = 1;
        } else if (c == 'o') {
            o->output = optarg;
        } else if (c == 'n') {
            if (cli_parse_int(optarg, 1, 100000, &o->n) != 0)
                return cli_usage_error(cmd, "-n takes a number from 1 to 100000");
        } else if (c == O_MIN) {
            if (cli_parse_int(optarg, 0, 100, &o->min) != 0)
                return cli_usage_error(cmd, "--min takes a percentage from 0 to 100");
        } else if (c == O_FORMAT) {
            if (strcmp(optarg, "text") && strcmp(optarg, "jsonl"))
                return cli_usage_error(cmd, "unknown format '%s' (text or jsonl)", optarg);
            o->format = optarg;
        } else if (c == O_FOLD) {
            o->fold = 1;
        } else if (c == O_LENIENT) {
            o->lenient = 1;
        }
    }
    return -1;
}

static void opts_init(store_opts *o)
{
    memset(o, 0, sizeof *o);
    o->src = "vi";
    o->tgt = "fr";
    o->format = "text";
    o->n = 5;
    o->min = 70;
}

/* ---- import ------------------------------------------------------------------------ */

static tm_status import_file(tm_store_writer *w, const char *file, int lenient, cli_ctx *ctx,
                             size_t *units, tm_error *err)
{
    tm_tmx_reader *r;
    tm_status st = tm_tmx_reader_open(&r, file, TM_TMX_PACKED | (lenient ? TM_TMX_LENIENT : 0), err);
    if (st != TM_OK)
        return st;
    tm_tu tu = TM_TU_INIT;
    int got = 1, tty = !ctx->quiet && isatty(STDERR_FILENO);
    while ((st = tm_tmx_reader_next(r, &tu, &got, err)) == TM_OK && got) {
        unsigned long line = tu.line;
        if ((st = tm_store_writer_take(w, &tu, err)) != TM_OK) {
            tm_error_prefix(err, file, line);
            break;
        }
        if (tty && ++*units % 10000 == 0)
            fprintf(stderr, "\rtmkit: %zu units read...", *units);
    }
    if (st == TM_OK && tm_tmx_reader_skipped(r) && !ctx->quiet)
        fprintf(stderr, "tmkit: %s: %zu broken <tu> skipped (--lenient)\n", file,
                tm_tmx_reader_skipped(r));
    tm_tu_clear(&tu);
    tm_tmx_reader_free(r);
    return st;
}

/* Every import adds a segment and every query visits them all: say when
 * optimizing would pay. */
#define MANY_SEGMENTS 16

static void suggest_optimize(const char *store)
{
    tm_store *s;
    tm_error err = {TM_OK, ""};
    tm_store_stats st;
    if (tm_store_open(&s, store, &err) != TM_OK)
        return;
    if (tm_store_get_stats(s, &st, &err) == TM_OK && st.segments >= MANY_SEGMENTS)
        fprintf(stderr, "tmkit: %s: %llu segments; 'tmkit optimize %s' rewrites them as one (faster queries)\n",
                store, (unsigned long long)st.segments, store);
    tm_store_close(s);
}

int cli_store_import(const char *store, char *const *files, size_t n, int lenient,
                     cli_ctx *ctx)
{
    tm_error err = {TM_OK, ""};
    tm_store_writer *w;
    if (tm_store_writer_open(&w, store, &err) != TM_OK)
        return cli_report(&err);
    size_t units = 0;
    tm_status st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = import_file(w, files[i], lenient, ctx, &units, &err);
    if (!ctx->quiet && isatty(STDERR_FILENO) && units >= 10000)
        fputc('\n', stderr);
    if (st == TM_OK)
        st = tm_store_writer_flush(w, &err);
    if (st != TM_OK) {
        tm_store_writer_abort(w);
        return cli_report(&err);
    }
    tm_store_import_stats s = *tm_store_writer_stats(w);
    if (tm_store_writer_commit(w, &err) != TM_OK)
        return cli_report(&err);
    if (!ctx->quiet) {
        fprintf(stderr, "tmkit: %s: %llu units added, %llu merged with an equal unit (%llu already there as they are)\n",
                store, (unsigned long long)s.added, (unsigned long long)s.merged,
                (unsigned long long)s.unchanged);
        suggest_optimize(store);
    }
    return 0;
}

int cmd_import(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    int rc = parse(argc, argv, ctx, "import", usage_import, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind < 2)
        return cli_usage_error("import", "needs STORE and at least one TMX file");
    return cli_store_import(argv[optind], argv + optind + 1, (size_t)(argc - optind - 1),
                            o.lenient, ctx);
}

/* ---- shared: opening, provenance, highlighting ---------------------------------------- */

static int open_or_report(const char *path, tm_store **s)
{
    tm_error err = {TM_OK, ""};
    if (tm_store_open(s, path, &err) != TM_OK)
        return cli_report(&err);
    return -1;
}

/* Where a unit comes from: its documents and date. */
static void origin(const tm_tu *tu, tm_buf *out)
{
    tm_buf_clear(out);
    for (size_t i = 0; i < tu->an.nprops; i++)
        if (!strcmp(tu->an.props[i].type, "x-document")) {
            if (out->len)
                tm_buf_puts(out, ", ");
            tm_buf_puts(out, tu->an.props[i].value);
        }
    const char *tuid = tm_annot_attr(&tu->an, "tuid");
    if (!out->len && tuid)
        tm_buf_puts(out, tuid);
    const char *date = tm_annot_attr(&tu->an, "changedate");
    if (!date)
        date = tm_annot_attr(&tu->an, "creationdate");
    if (date) {
        if (out->len)
            tm_buf_puts(out, ", ");
        tm_buf_puts(out, date);
    }
    if (!out->data)
        tm_buf_grow(out, 0);
}

static int use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc);
}

/* Print text with the byte spans [spans[2k], spans[2k+1]) where mark[k] set
 * in bold red (when colored). */
static void print_marked(const char *text, const uint32_t *spans, const unsigned char *mark,
                         size_t nwords, int color)
{
    size_t at = 0, len = strlen(text);
    for (size_t k = 0; k < nwords && color; k++) {
        if (!mark[k])
            continue;
        fwrite(text + at, 1, spans[2 * k] - at, stdout);
        fputs("\033[1;31m", stdout);
        fwrite(text + spans[2 * k], 1, spans[2 * k + 1] - spans[2 * k], stdout);
        fputs("\033[0m", stdout);
        at = spans[2 * k + 1];
    }
    fwrite(text + at, 1, len - at, stdout);
}

static void print_jsonl(int score, const char *src, const char *tgt, const char *orig)
{
    tm_buf b = TM_BUF_INIT;
    char head[32];
    snprintf(head, sizeof head, "{\"score\":%d,\"source\":", score);
    tm_buf_puts(&b, head);
    tm_json_append_str(&b, src);
    tm_buf_puts(&b, ",\"target\":");
    tm_json_append_str(&b, tgt);
    tm_buf_puts(&b, ",\"origin\":");
    tm_json_append_str(&b, orig);
    tm_buf_puts(&b, "}\n");
    fwrite(b.data, 1, b.len, stdout);
    tm_buf_free(&b);
}

/* ---- query ---------------------------------------------------------------------------- */

static void print_hit(const tm_store_hit *h, const tm_mtext *q, int jsonl, int color, tm_buf *orig)
{
    const tm_tuv *sv = &h->tu.tuvs[h->src_var], *tv = &h->tu.tuvs[h->tgt_var];
    origin(&h->tu, orig);
    if (jsonl) {
        print_jsonl(h->score, sv->text, tv->text, orig->data);
        return;
    }
    tm_mtext c = TM_MTEXT_INIT;
    tm_error err = {TM_OK, ""};
    unsigned char *diff = NULL;
    if (tm_mtext_prepare(&c, sv->text, strlen(sv->text), sv->markup, &err) == TM_OK &&
        (diff = calloc(c.nwords + 1, 1)))
        tm_match_score(q, &c, diff);
    printf("%3d%%  ", h->score);
    if (diff)
        print_marked(sv->text, c.spans, diff, c.nwords, color);
    else
        fputs(sv->text, stdout);
    printf("\n      %s\n      %s\n", tv->text, orig->data);
    free(diff);
    tm_mtext_free(&c);
}

int cmd_query(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    int rc = parse(argc, argv, ctx, "query", usage_query, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 2)
        return cli_usage_error("query", "needs STORE and TEXT");
    tm_store *s;
    if ((rc = open_or_report(argv[optind], &s)) >= 0)
        return rc;
    const char *text = argv[optind + 1];
    tm_error err = {TM_OK, ""};
    if (tm_utf8_valid_prefix(text, strlen(text)) != strlen(text)) {
        tm_store_close(s);
        tm_error_set(&err, TM_EDATA, "query: TEXT is not valid UTF-8");
        return cli_report(&err);
    }
    tm_store_hits h;
    tm_status st = tm_store_query(s, text, strlen(text), o.src, o.tgt, o.min, (size_t)o.n, &h, &err);
    if (st == TM_OK) {
        tm_mtext q = TM_MTEXT_INIT;
        tm_buf orig = TM_BUF_INIT;
        tm_mtext_prepare(&q, text, strlen(text), NULL, &err);
        int jsonl = !strcmp(o.format, "jsonl"), color = use_color();
        for (size_t i = 0; i < h.n; i++)
            print_hit(&h.hit[i], &q, jsonl, color, &orig);
        if (!h.n && !jsonl && !ctx->quiet && q.nwords == 0) /* matching compares words */
            fprintf(stderr, "tmkit: no match: the query has no words\n");
        else if (!h.n && !jsonl && !ctx->quiet)
            fprintf(stderr, "tmkit: no match of %d%% or more\n", o.min);
        tm_mtext_free(&q);
        tm_buf_free(&orig);
        tm_store_hits_free(&h);
    }
    tm_store_close(s);
    return st == TM_OK ? 0 : cli_report(&err);
}


/* ---- concord ---------------------------------------------------------------------------- */

typedef struct concord_hit {
    uint64_t id;
    tm_tu tu;
    uint64_t date; /* tm_store_unit_date: query's order too */
} concord_hit;

typedef struct concord_ctx {
    const store_opts *o;
    uint32_t term[64];
    size_t nterm;
    tm_buf needle; /* the term's longest word: a key without it holds no term */
    concord_hit *hit;
    size_t n, cap;
    tm_buf key;
    /* the words of the key being checked, and for a hit being printed the
     * marks and byte spans of its text's words (nw of them when they line
     * up with the key's, else 0); room for wcap words */
    uint32_t *h, *spans;
    unsigned char *mark;
    size_t wcap, nw;
    tm_status st;
    tm_error *err;
} concord_ctx;

/* Room for n words in c's word arrays: 0, or -1 with c->st set. */
static int word_room(concord_ctx *c, size_t n)
{
    if (n <= c->wcap)
        return 0;
    size_t cap = n + n / 2 + 64;
    uint32_t *h = realloc(c->h, cap * sizeof *h);
    if (h)
        c->h = h;
    uint32_t *sp = h ? realloc(c->spans, 2 * cap * sizeof *sp) : NULL;
    if (sp)
        c->spans = sp;
    unsigned char *m = sp ? realloc(c->mark, cap) : NULL;
    if (!m) {
        c->st = tm_error_nomem(c->err);
        return -1;
    }
    c->mark = m;
    c->wcap = cap;
    return 0;
}

/* The words of s (hashes or spans) into c's arrays, grown to fit: their
 * count, or SIZE_MAX with c->st set. */
static size_t words_of(concord_ctx *c, const char *s, size_t len, int spans)
{
    size_t n = tm_match_words(s, len, spans ? NULL : c->h, spans ? c->spans : NULL, c->wcap);
    if (n > c->wcap) {
        if (word_room(c, n) != 0)
            return SIZE_MAX;
        tm_match_words(s, len, spans ? NULL : c->h, spans ? c->spans : NULL, c->wcap);
    }
    return n;
}

/* The key concord compares words on: the match key, or the fold key. */
static tm_status concord_key(const store_opts *o, const char *s, tm_buf *out, tm_error *err)
{
    return o->fold ? tm_norm_fold(s, strlen(s), out, err) : tm_norm_match(s, strlen(s), out, err);
}

/* Does h (n bytes) contain the m > 0 bytes of w? */
static int contains(const char *h, size_t n, const char *w, size_t m)
{
    for (const char *p = h, *end = h + n; (size_t)(end - p) >= m; p++) {
        if (!(p = memchr(p, w[0], (size_t)(end - p) - m + 1)))
            return 0;
        if (memcmp(p, w, m) == 0)
            return 1;
    }
    return 0;
}

/* Does text hold the term's words in a row? With marks, c->mark marks them
 * and c->spans, c->nw give the text's words, for printing. A failure sets
 * c->st (the caller stops). */
static int holds(concord_ctx *c, const char *text, int marks)
{
    if (concord_key(c->o, text, &c->key, c->err) != TM_OK) {
        c->st = c->err->code;
        return 0;
    }
    /* words are hashed as their bytes are (tm_match_words), so a key that
     * holds the term holds its longest word's bytes: most keys stop here */
    if (!marks && !contains(c->key.data, c->key.len, c->needle.data, c->needle.len))
        return 0;
    size_t n = words_of(c, c->key.data ? c->key.data : "", c->key.len, 0);
    if (n == SIZE_MAX)
        return 0;
    int found = 0;
    if (marks)
        memset(c->mark, 0, n);
    for (size_t i = 0; i + c->nterm <= n; i++) {
        size_t k = 0;
        while (k < c->nterm && c->h[i + k] == c->term[k])
            k++;
        if (k == c->nterm) {
            found = 1;
            if (marks)
                memset(c->mark + i, 1, c->nterm);
        }
    }
    if (marks) {
        size_t m = words_of(c, text, strlen(text), 1);
        c->nw = m == n ? n : 0; /* spans only when the words line up */
    }
    return found;
}

static int concord_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    concord_ctx *c = arg;
    const tm_tuv *sv = tm_tu_find(tu, c->o->src), *tv = tm_tu_find(tu, c->o->tgt);
    if (!sv || !tv || sv == tv || !(holds(c, sv->text, 0) || holds(c, tv->text, 0)))
        return c->st != TM_OK;
    if (tm_array_reserve(&c->hit, &c->cap, c->n + 1, sizeof *c->hit, 64)) {
        c->st = tm_error_nomem(c->err);
        return 1;
    }
    concord_hit *h = &c->hit[c->n++];
    memset(h, 0, sizeof *h);
    h->id = id;
    h->date = tm_store_unit_date(tu);
    if (tm_tu_copy(&h->tu, tu) != 0) {
        c->st = tm_error_nomem(c->err);
        return 1;
    }
    return 0;
}

static int cmp_newest(const void *a, const void *b)
{
    const concord_hit *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? 1 : -1;
    return (x->id < y->id) - (x->id > y->id);
}

static void print_concord(concord_ctx *c, const concord_hit *h, int jsonl, int color, tm_buf *orig)
{
    const tm_tuv *sv = tm_tu_find(&h->tu, c->o->src), *tv = tm_tu_find(&h->tu, c->o->tgt);
    origin(&h->tu, orig);
    if (jsonl) {
        print_jsonl(100, sv->text, tv->text, orig->data);
        return;
    }
    c->nw = 0;
    holds(c, sv->text, 1);
    print_marked(sv->text, c->spans, c->mark, c->nw, color);
    fputs("\n      ", stdout);
    c->nw = 0;
    holds(c, tv->text, 1);
    print_marked(tv->text, c->spans, c->mark, c->nw, color);
    printf("\n      %s\n", orig->data);
}

int cmd_concord(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    o.n = 0;
    int rc = parse(argc, argv, ctx, "concord", usage_concord, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 2)
        return cli_usage_error("concord", "needs STORE and TERM");
    const char *term = argv[optind + 1];
    tm_error err = {TM_OK, ""};
    if (tm_utf8_valid_prefix(term, strlen(term)) != strlen(term)) {
        tm_error_set(&err, TM_EDATA, "concord: TERM is not valid UTF-8");
        return cli_report(&err);
    }
    concord_ctx c;
    memset(&c, 0, sizeof c);
    c.o = &o;
    c.err = &err;
    if (concord_key(&o, term, &c.key, &err) != TM_OK)
        return cli_report(&err);
    uint32_t spans[2 * 64];
    c.nterm = tm_match_words(c.key.data ? c.key.data : "", c.key.len, c.term, spans, 64);
    if (c.nterm == 0 || c.nterm > 64) {
        tm_buf_free(&c.key);
        return cli_usage_error("concord", "TERM needs 1 to 64 words");
    }
    size_t longest = 0;
    for (size_t k = 1; k < c.nterm; k++)
        if (spans[2 * k + 1] - spans[2 * k] > spans[2 * longest + 1] - spans[2 * longest])
            longest = k;
    if (tm_buf_append(&c.needle, c.key.data + spans[2 * longest],
                      spans[2 * longest + 1] - spans[2 * longest]) != 0) {
        tm_buf_free(&c.key);
        tm_error_nomem(&err);
        return cli_report(&err);
    }
    tm_store *s;
    if ((rc = open_or_report(argv[optind], &s)) >= 0) {
        tm_buf_free(&c.key);
        tm_buf_free(&c.needle);
        return rc;
    }
    /* Diacritics folded, the words are not the index's: every unit is read. */
    tm_status st = o.fold ? tm_store_each(s, concord_unit, &c, &err)
                          : tm_store_each_with_words(s, term, strlen(term), o.src, o.tgt, concord_unit, &c, &err);
    if (st == TM_OK)
        st = c.st;
    if (st == TM_OK) {
        if (c.n > 1) /* (qsort must not get a NULL base, even for 0 items) */
            qsort(c.hit, c.n, sizeof *c.hit, cmp_newest);
        tm_buf orig = TM_BUF_INIT;
        int jsonl = !strcmp(o.format, "jsonl"), color = use_color();
        for (size_t i = 0; i < c.n && (!o.n || i < (size_t)o.n) && c.st == TM_OK; i++)
            print_concord(&c, &c.hit[i], jsonl, color, &orig);
        tm_buf_free(&orig);
        st = c.st;
    }
    for (size_t i = 0; i < c.n; i++) {
        tm_tu_clear(&c.hit[i].tu);
    }
    free(c.hit);
    tm_buf_free(&c.key);
    tm_buf_free(&c.needle);
    free(c.h);
    free(c.spans);
    free(c.mark);
    tm_store_close(s);
    return st == TM_OK ? 0 : cli_report(&err);
}

/* ---- export, stats, check ------------------------------------------------------------------ */

typedef struct export_ctx {
    const store_opts *o;
    tm_tmx_writer *w;
    tm_tu pair;
    tm_status st;
    tm_error *err;
    unsigned long n;
} export_ctx;

static int export_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    export_ctx *e = arg;
    (void)id;
    const tm_tu *out = tu;
    if (e->o->src_set) { /* only the two variants of the pair */
        const tm_tuv *sv = tm_tu_find(tu, e->o->src), *tv = tm_tu_find(tu, e->o->tgt);
        if (!sv || !tv || sv == tv)
            return 0;
        tm_tu_clear(&e->pair);
        tm_tu only = *tu;
        only.tuvs = NULL;
        only.ntuvs = 0;
        /* the unit's source is its -s variant, which may be coded vi-VN
         * where -s (and so the header) says vi */
        int here = tm_annot_attr(&tu->an, "srclang") || !tm_lang_equal(sv->lang, e->o->src);
        if (tm_tu_copy(&e->pair, &only) != 0 || !tm_tu_copy_tuv(&e->pair, sv) ||
            !tm_tu_copy_tuv(&e->pair, tv) ||
            (here && tm_annot_set_attr(&e->pair.an, "srclang", sv->lang) != 0)) {
            e->st = tm_error_nomem(e->err);
            return 1;
        }
        out = &e->pair;
    }
    e->st = tm_tmx_writer_add(e->w, out, e->err);
    e->n++;
    return e->st != TM_OK;
}

int cmd_export(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    int rc = parse(argc, argv, ctx, "export", usage_export, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("export", "needs STORE");
    if (o.src_set != o.tgt_set) /* one alone would pair it with a default */
        return cli_usage_error("export", "-s and -t go together");
    tm_store *s;
    if ((rc = open_or_report(argv[optind], &s)) >= 0)
        return rc;
    tm_error err = {TM_OK, ""};
    cli_out out;
    export_ctx e;
    memset(&e, 0, sizeof e);
    e.o = &o;
    e.err = &err;
    tm_status st = cli_out_open(&out, o.output, &err);
    if (st == TM_OK) {
        tm_tmx_header h = {.srclang = o.src_set ? o.src : "*all*"};
        st = tm_tmx_writer_open(&e.w, out.fp, cli_out_name(&out), &h, &err);
        if (st == TM_OK)
            st = tm_store_each(s, export_unit, &e, &err);
        if (st == TM_OK)
            st = e.st;
        if (st == TM_OK)
            st = tm_tmx_writer_finish(e.w, &err);
        tm_tmx_writer_free(e.w);
        if (st == TM_OK)
            st = cli_out_close(&out, &err);
        else
            cli_out_abort(&out);
    }
    tm_tu_clear(&e.pair);
    tm_store_close(s);
    if (st != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%lu units exported", e.n);
    return 0;
}

int cmd_stats(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    int rc = parse(argc, argv, ctx, "stats", usage_stats, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("stats", "needs STORE");
    tm_store *s;
    if ((rc = open_or_report(argv[optind], &s)) >= 0)
        return rc;
    tm_store_stats st;
    tm_error err = {TM_OK, ""};
    tm_store_get_stats(s, &st, &err);
    printf("store: %s\nunits: %llu\nsegments: %llu\nbytes: %llu\nlanguages: %s\nformat: %u\ntransaction: %llu\n",
           argv[optind], (unsigned long long)st.units, (unsigned long long)st.segments,
           (unsigned long long)st.file_bytes, st.langs, st.format, (unsigned long long)st.txid);
    for (size_t k = 0; k < st.nsections; k++)
        printf("section %s: %llu\n", st.section_name[k], (unsigned long long)st.section_bytes[k]);
    tm_store_close(s);
    return 0;
}

int cmd_optimize(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    int rc = parse(argc, argv, ctx, "optimize", usage_optimize, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("optimize", "needs STORE");
    const char *path = argv[optind];
    struct stat before, after;
    tm_error err = {TM_OK, ""};
    uint64_t nseg = 0;
    if (stat(path, &before) != 0)
        before.st_size = 0;
    if (tm_store_optimize(path, &nseg, &err) != TM_OK)
        return cli_report(&err);
    if (!ctx->quiet && stat(path, &after) == 0)
        fprintf(stderr, "tmkit: %s: %llu segment(s) rewritten as one, %lld bytes -> %lld\n", path,
                (unsigned long long)nseg, (long long)before.st_size, (long long)after.st_size);
    return 0;
}

int cmd_check(int argc, char **argv, cli_ctx *ctx)
{
    store_opts o;
    opts_init(&o);
    int rc = parse(argc, argv, ctx, "check", usage_check, &o);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage_error("check", "needs STORE");
    tm_error err = {TM_OK, ""};
    if (tm_store_check(argv[optind], &err) != TM_OK)
        return cli_report(&err);
    if (!ctx->quiet)
        printf("%s: intact\n", argv[optind]);
    return 0;
}
