/*
 * cmd_tmx.c — `tmkit tmx validate` and `tmkit tmx convert`.
 *
 * validate: every problem as "FILE:LINE: message" on stdout (it is the
 *           command's report, so it can be piped and grepped); exit 2 when
 *           any file has a problem.
 * convert:  TMX to tsv, moses, jsonl, or TMX 1.4 again (upgrading 1.1-1.3,
 *           keeping every unit, variant, prop, note and inline code).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/json.h"

static const char usage_tmx[] =
    "Usage: tmkit tmx validate [-q] FILE...\n"
    "       tmkit tmx convert [-s LANG -t LANG] --to tsv|moses|jsonl|tmx [--lenient] [-o OUT] FILE\n"
    "\n"
    "validate  check FILE against TMX 1.4b: structure and required attributes (as the\n"
    "          DTD), one tuv per language per tu, srclang present in every tu,\n"
    "          well-formed dates, paired bpt/ept. Prints every problem as\n"
    "          FILE:LINE: message. Exit 0 if valid, 2 if not.\n"
    "convert   write the units of FILE (\"-\" for stdin) as\n"
    "            tsv    source<TAB>target per unit (TAB and line breaks in text become spaces)\n"
    "            moses  OUT.SRC and OUT.TGT, line-parallel (-o OUT required)\n"
    "            jsonl  {\"tuid\",\"source\",\"target\",\"srclang\",\"tgtlang\"} per unit\n"
    "            tmx    TMX 1.4b again: every unit and variant kept (1.1-1.3 upgraded)\n"
    "          Units without both languages are skipped (counted with -v).\n"
    "\n"
    "  -s, --source LANG   source language (default vi); vi matches vi-VN\n"
    "  -t, --target LANG   target language (default fr)\n"
    "      --to FORMAT     output format (required for convert)\n"
    "      --lenient       skip a broken <tu> and count it instead of stopping\n"
    "  -o, --output OUT    output file (atomic; default stdout)\n"
    "  -q, --quiet / -v, --verbose / -h, --help\n"
    "\n"
    "Exit status: 0 success, 1 usage error, 2 invalid TMX or bad data, 3 I/O error.\n";

/* ---- validate ------------------------------------------------------------- */

typedef struct problem_ctx {
    const char *file;
} problem_ctx;

static void print_problem(void *arg, unsigned long line, const char *msg)
{
    problem_ctx *pc = arg;
    if (line)
        printf("%s:%lu: %s\n", pc->file, line, msg);
    else
        printf("%s: %s\n", pc->file, msg);
}

static int tmx_validate(int argc, char **argv, cli_ctx *ctx)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    int c, exit_now;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1)
        if (cli_common_opt(c, "tmx", usage_tmx, ctx, &exit_now) && exit_now >= 0)
            return exit_now;
    if (optind >= argc)
        return cli_usage_error("tmx", "validate needs a TMX file");
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        problem_ctx pc = {argv[i]};
        size_t n = 0;
        tm_error err = {TM_OK, ""};
        tm_status st = tm_tmx_validate(argv[i], print_problem, &pc, &n, &err);
        if (st != TM_OK) {
            int code = cli_report(&err);
            rc = code > rc ? code : rc;
            continue;
        }
        if (n > 0 && rc < TM_EDATA)
            rc = TM_EDATA;
        if (!ctx->quiet)
            printf(n ? "%s: %zu problem%s\n" : "%s: valid TMX\n", argv[i], n, n == 1 ? "" : "s");
    }
    fflush(stdout);
    return rc;
}

/* ---- convert ---------------------------------------------------------------- */

typedef enum { TO_NONE, TO_TSV, TO_MOSES, TO_JSONL, TO_TMX } conv_format;

typedef struct conv_opts {
    const char *src, *tgt, *output, *input;
    conv_format to;
    int lenient;
    int src_set; /* -s given */
} conv_opts;

static int parse_format(const char *s, conv_format *f)
{
    static const struct { const char *name; conv_format f; } names[] = {
        {"tsv", TO_TSV}, {"moses", TO_MOSES}, {"jsonl", TO_JSONL}, {"tmx", TO_TMX}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0) {
            *f = names[i].f;
            return 0;
        }
    return -1;
}

static int parse_convert(int argc, char **argv, cli_ctx *ctx, conv_opts *o)
{
    enum { OPT_TO = 256, OPT_LENIENT };
    static const struct option longopts[] = {
        {"source", required_argument, NULL, 's'}, {"target", required_argument, NULL, 't'},
        {"to", required_argument, NULL, OPT_TO},  {"lenient", no_argument, NULL, OPT_LENIENT},
        {"output", required_argument, NULL, 'o'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    int c, exit_now;
    while ((c = getopt_long(argc, argv, "s:t:o:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (cli_common_opt(c, "tmx", usage_tmx, ctx, &exit_now)) {
            if (exit_now >= 0)
                return exit_now;
        } else if (c == 's' || c == 't') {
            if (!tm_lang_valid(optarg) || strcmp(optarg, "*all*") == 0)
                return cli_usage_error("tmx", "'%s' is not a language code", optarg);
            *(c == 's' ? &o->src : &o->tgt) = optarg;
            o->src_set |= c == 's';
        } else if (c == OPT_TO) {
            if (parse_format(optarg, &o->to) != 0)
                return cli_usage_error("tmx", "unknown format '%s' (tsv, moses, jsonl or tmx)", optarg);
        } else if (c == OPT_LENIENT) {
            o->lenient = 1;
        } else if (c == 'o') {
            o->output = optarg;
        }
    }
    if (o->to == TO_NONE)
        return cli_usage_error("tmx", "convert needs --to tsv|moses|jsonl|tmx");
    if (argc - optind != 1)
        return cli_usage_error("tmx", "convert takes exactly one TMX file");
    if (o->to == TO_MOSES && (!o->output || strcmp(o->output, "-") == 0))
        return cli_usage_error("tmx", "--to moses writes OUT.SRC and OUT.TGT: give -o OUT");
    o->input = argv[optind];
    return -1;
}

/* One line of text for tsv/moses: TAB, CR and LF become spaces. */
static void put_flat(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

typedef struct conv_state {
    const conv_opts *o;
    tm_out out, out2; /* out2: the target file of moses */
    tm_tmx_writer *tmx;
    tm_buf line;
    unsigned long written, skipped;
} conv_state;

static tm_status put_jsonl(conv_state *cs, const tm_tu *tu, const tm_tuv *s, const tm_tuv *t)
{
    tm_buf *b = &cs->line;
    const char *tuid = tm_annot_attr(&tu->an, "tuid");
    tm_buf_clear(b);
    tm_buf_puts(b, "{\"tuid\":");
    if (tuid)
        tm_json_append_str(b, tuid);
    else
        tm_buf_puts(b, "null");
    tm_buf_puts(b, ",\"source\":");
    tm_json_append_str(b, s->text);
    tm_buf_puts(b, ",\"target\":");
    tm_json_append_str(b, t->text);
    tm_buf_puts(b, ",\"srclang\":");
    tm_json_append_str(b, s->lang);
    tm_buf_puts(b, ",\"tgtlang\":");
    tm_json_append_str(b, t->lang);
    if (tm_buf_puts(b, "}\n") != 0)
        return TM_EIO;
    fwrite(b->data, 1, b->len, cs->out.fp);
    return TM_OK;
}

static tm_status convert_unit(conv_state *cs, const tm_tu *tu, tm_error *err)
{
    if (cs->o->to == TO_TMX) {
        cs->written++;
        return tm_tmx_writer_add(cs->tmx, tu, err);
    }
    const tm_tuv *s = tm_tu_find(tu, cs->o->src), *t = tm_tu_find(tu, cs->o->tgt);
    if (!s || !t || s == t) {
        cs->skipped++;
        return TM_OK;
    }
    cs->written++;
    switch (cs->o->to) {
    case TO_TSV:
        put_flat(cs->out.fp, s->text);
        fputc('\t', cs->out.fp);
        put_flat(cs->out.fp, t->text);
        fputc('\n', cs->out.fp);
        return TM_OK;
    case TO_MOSES:
        put_flat(cs->out.fp, s->text);
        fputc('\n', cs->out.fp);
        put_flat(cs->out2.fp, t->text);
        fputc('\n', cs->out2.fp);
        return TM_OK;
    case TO_JSONL:
        return put_jsonl(cs, tu, s, t) == TM_OK ? TM_OK : tm_error_nomem(err);
    default:
        return TM_OK;
    }
}

static tm_status open_outputs(conv_state *cs, tm_tmx_reader *r, tm_error *err)
{
    const conv_opts *o = cs->o;
    if (o->to != TO_MOSES)
        return tm_out_open(&cs->out, o->output, stdout, err);
    char *p1 = malloc(strlen(o->output) + 40), *p2 = malloc(strlen(o->output) + 40);
    tm_status st = TM_EIO;
    if (p1 && p2) {
        sprintf(p1, "%s.%s", o->output, o->src);
        sprintf(p2, "%s.%s", o->output, o->tgt);
        st = tm_out_open(&cs->out, p1, stdout, err);
        if (st == TM_OK && (st = tm_out_open(&cs->out2, p2, stdout, err)) != TM_OK)
            tm_out_abort(&cs->out);
    } else {
        tm_error_nomem(err);
    }
    free(p1);
    free(p2);
    (void)r;
    return st;
}

static tm_status start_tmx(conv_state *cs, tm_tmx_reader *r, tm_error *err)
{
    const tm_annot *h = tm_tmx_reader_header(r);
    const char *src = tm_annot_attr(h, "srclang");
    tm_tmx_header hdr = {
        /* without one in the input or from -s, any variant may be the
         * source: a made-up vi would name a language the units may lack */
        .srclang = src && tm_lang_valid(src) ? src : cs->o->src_set ? cs->o->src : "*all*",
        .adminlang = tm_annot_attr(h, "adminlang"),
        .datatype = tm_annot_attr(h, "datatype"),
        .segtype = tm_annot_attr(h, "segtype"),
        .o_tmf = tm_annot_attr(h, "o-tmf"),
        .extra = h,
    };
    return tm_tmx_writer_open(&cs->tmx, cs->out.fp, tm_out_name(&cs->out),
                              &hdr, err);
}

static tm_status run_convert(conv_state *cs, tm_tmx_reader *r, tm_error *err)
{
    tm_status st = open_outputs(cs, r, err);
    if (st != TM_OK)
        return st;
    if (cs->o->to == TO_TMX)
        st = start_tmx(cs, r, err);
    tm_tu tu = TM_TU_INIT;
    int got = 1;
    while (st == TM_OK && (st = tm_tmx_reader_next(r, &tu, &got, err)) == TM_OK && got)
        st = convert_unit(cs, &tu, err);
    tm_tu_clear(&tu);
    if (st == TM_OK && cs->tmx)
        st = tm_tmx_writer_finish(cs->tmx, err);
    tm_tmx_writer_free(cs->tmx);
    cs->tmx = NULL;
    if (st == TM_OK && cs->o->to == TO_MOSES)
        st = tm_out_close(&cs->out2, err);
    if (st == TM_OK)
        return tm_out_close(&cs->out, err);
    tm_out_abort(&cs->out);
    if (cs->o->to == TO_MOSES)
        tm_out_abort(&cs->out2);
    return st;
}

/* -o (or moses' two files) must not be the input: the exit status, or -1. */
static int check_outputs(const conv_opts *o)
{
    if (o->to != TO_MOSES)
        return cli_check_output("tmx convert", o->output, &o->input, 1);
    char p[4096];
    int rc = -1;
    for (int k = 0; k < 2 && rc < 0; k++) {
        snprintf(p, sizeof p, "%s.%s", o->output, k ? o->tgt : o->src);
        rc = cli_check_output("tmx convert", p, &o->input, 1);
    }
    return rc;
}

static int tmx_convert(int argc, char **argv, cli_ctx *ctx)
{
    conv_opts o = {"vi", "fr", NULL, NULL, TO_NONE, 0, 0};
    int rc = parse_convert(argc, argv, ctx, &o);
    if (rc >= 0)
        return rc;
    if ((rc = check_outputs(&o)) >= 0)
        return rc;
    tm_error err = {TM_OK, ""};
    tm_tmx_reader *r = NULL;
    if (tm_tmx_reader_open(&r, o.input, o.lenient ? TM_TMX_LENIENT : 0, &err) != TM_OK)
        return cli_report(&err);
    conv_state cs = {.o = &o};
    tm_status st = run_convert(&cs, r, &err);
    size_t broken = tm_tmx_reader_skipped(r);
    tm_tmx_reader_free(r);
    tm_buf_free(&cs.line);
    if (st != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%s: %lu units written, %lu without both %s and %s skipped, %zu broken skipped",
                o.input, cs.written, cs.skipped, o.src, o.tgt, broken);
    if (broken && !ctx->quiet)
        fprintf(stderr, "tmkit: %s: %zu broken <tu> skipped (--lenient)\n", o.input, broken);
    return 0;
}

int cmd_tmx(int argc, char **argv, cli_ctx *ctx)
{
    if (argc < 2)
        return cli_usage_error("tmx", "which subcommand: validate or convert?");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        fputs(usage_tmx, stdout);
        return 0;
    }
    if (strcmp(sub, "validate") == 0)
        return tmx_validate(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "convert") == 0)
        return tmx_convert(argc - 1, argv + 1, ctx);
    return cli_usage_error("tmx", "unknown subcommand '%s' (validate or convert)", sub);
}
