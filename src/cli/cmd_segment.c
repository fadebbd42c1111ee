/*
 * cmd_segment.c — `tmkit segment`: sentences of a text, one per line (a
 * blank line between paragraphs) or as jsonl with byte offsets.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/json.h"

static const char usage[] =
    "Usage: tmkit segment [-l LANG|auto] [--srx FILE] [--format text|jsonl] [-o OUT] [FILE|-]\n"
    "\n"
    "Split each paragraph (non-blank line) of FILE into sentences: ICU's sentence\n"
    "boundaries refined by SRX rules (built in for vi and fr). A sentence never\n"
    "crosses a line.\n"
    "\n"
    "  -l, --lang LANG     language of the text (BCP 47: vi, fr, de...); auto (default)\n"
    "                      guesses vi or fr from the first paragraphs; other languages\n"
    "                      get ICU's rules for their locale and the SRX default rules\n"
    "      --srx FILE      SRX 1.0/2.0 rules to use instead of the built-in ones\n"
    "      --icu-only      ICU's sentence boundaries alone, no rules (for comparison)\n"
    "      --format F      text (default): one sentence per line, a blank line between\n"
    "                      paragraphs; jsonl: {\"para\",\"sent\",\"start\",\"end\",\"text\"} per\n"
    "                      sentence, 0-based paragraph and document-wide sentence\n"
    "                      numbers, byte offsets into the NFC text (tmkit normalize)\n"
    "  -o, --output OUT    write to OUT (atomically) instead of stdout\n"
    "      --regex-time-limit N  stop a rule's regular expression after N steps of\n"
    "                      ICU's engine (about 0.1 ms each; default 10000, about 1 s) on\n"
    "                      one paragraph: exit 2 naming the rule (0: no limit)\n"
    "  -q, --quiet / -v, --verbose (language, rules, counts on stderr) / -h, --help\n"
    "\n"
    "Exit status: 0 success (an empty file gives no sentence), 1 usage error,\n"
    "2 bad input (invalid UTF-8, NUL byte, bad SRX file; nothing is written), 3 I/O error.\n";

typedef struct seg_opts {
    const char *lang, *srx, *output, *input;
    int jsonl, icu_only;
    int time_limit; /* --regex-time-limit */
} seg_opts;

static int parse_args(int argc, char **argv, cli_ctx *ctx, seg_opts *o)
{
    enum { OPT_SRX = 256, OPT_FORMAT, OPT_ICU_ONLY, OPT_TIME };
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},   {"srx", required_argument, NULL, OPT_SRX},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"icu-only", no_argument, NULL, OPT_ICU_ONLY},
        {"regex-time-limit", required_argument, NULL, OPT_TIME},
        {"output", required_argument, NULL, 'o'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    int c, exit_now;
    while ((c = getopt_long(argc, argv, "l:o:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (cli_common_opt(c, "segment", usage, ctx, &exit_now)) {
            if (exit_now >= 0)
                return exit_now;
        } else if (c == 'l') {
            if (strcmp(optarg, "auto") != 0 && (!tm_lang_valid(optarg) || !strcmp(optarg, "*all*")))
                return cli_usage_error("segment", "'%s' is not a language code", optarg);
            o->lang = optarg;
        } else if (c == OPT_SRX) {
            o->srx = optarg;
        } else if (c == OPT_TIME) {
            if (cli_parse_int(optarg, 0, INT32_MAX, &o->time_limit) != 0)
                return cli_usage_error("segment", "--regex-time-limit takes a number from 0 to %d",
                                       INT32_MAX);
        } else if (c == OPT_ICU_ONLY) {
            o->icu_only = 1;
        } else if (c == OPT_FORMAT) {
            if (strcmp(optarg, "text") && strcmp(optarg, "jsonl"))
                return cli_usage_error("segment", "unknown format '%s' (text or jsonl)", optarg);
            o->jsonl = strcmp(optarg, "jsonl") == 0;
        } else if (c == 'o') {
            o->output = optarg;
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("segment", "one input file at most");
    if (o->icu_only && o->srx)
        return cli_usage_error("segment", "--icu-only and --srx exclude each other");
    o->input = optind < argc ? argv[optind] : "-";
    return -1;
}

/* Guess the language from the first 4 KB of paragraphs, then rewind. */
static tm_status detect_language(tm_reader *r, const char **lang, tm_error *err)
{
    tm_buf sample = TM_BUF_INIT;
    tm_line l;
    tm_status st;
    while ((st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text && sample.len < 4096) {
        tm_buf_append(&sample, l.text, l.len);
        tm_buf_putc(&sample, '\n');
    }
    const char *guess = sample.len ? tm_lang_detect(sample.data, sample.len) : NULL;
    tm_buf_free(&sample);
    *lang = guess ? guess : "und";
    return st == TM_OK ? tm_reader_rewind(r, err) : st;
}

static void put_jsonl(FILE *fp, tm_buf *b, unsigned long para, unsigned long sent,
                      size_t start, size_t end, const char *text, size_t len)
{
    tm_buf_clear(b);
    char head[128];
    snprintf(head, sizeof head, "{\"para\":%lu,\"sent\":%lu,\"start\":%zu,\"end\":%zu,\"text\":",
             para, sent, start, end);
    tm_buf_puts(b, head);
    char *t = strndup(text, len);
    if (t)
        tm_json_append_str(b, t);
    free(t);
    tm_buf_puts(b, "}\n");
    fwrite(b->data, 1, b->len, fp);
}

static tm_status segment_all(tm_reader *r, tm_segmenter *seg, const seg_opts *o, FILE *fp,
                             unsigned long *nsent, tm_error *err)
{
    tm_line l;
    tm_status st;
    tm_buf b = TM_BUF_INIT;
    unsigned long para = 0;
    while ((st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text) {
        const tm_span *sp;
        size_t n;
        if ((st = tm_segmenter_split(seg, l.text, l.len, &sp, &n, err)) != TM_OK) {
            tm_error_prefix(err, tm_reader_name(r), l.lineno);
            break;
        }
        if (!o->jsonl && para > 0)
            fputc('\n', fp);
        for (size_t i = 0; i < n; i++, (*nsent)++) {
            if (o->jsonl)
                put_jsonl(fp, &b, para, *nsent, l.offset + sp[i].start, l.offset + sp[i].end,
                          l.text + sp[i].start, sp[i].end - sp[i].start);
            else {
                fwrite(l.text + sp[i].start, 1, sp[i].end - sp[i].start, fp);
                fputc('\n', fp);
            }
        }
        para++;
    }
    tm_buf_free(&b);
    return st;
}

static tm_status load_rules(const seg_opts *o, tm_srx **srx, tm_error *err)
{
    if (o->icu_only)
        return TM_OK;
    return o->srx ? tm_srx_load_file(srx, o->srx, err) : tm_srx_load_builtin(srx, err);
}

int cmd_segment(int argc, char **argv, cli_ctx *ctx)
{
    seg_opts o = {NULL, NULL, NULL, NULL, 0, 0, TM_SEGMENT_TIME_LIMIT};
    int rc = parse_args(argc, argv, ctx, &o);
    if (rc >= 0)
        return rc;
    const char *inputs[] = {o.input, o.srx};
    if ((rc = cli_check_output("segment", o.output, inputs, 2)) >= 0)
        return rc;
    tm_error err = {TM_OK, ""};
    tm_srx *srx = NULL;
    tm_reader *r = NULL;
    tm_segmenter *seg = NULL;
    tm_out out = {NULL, NULL};
    const char *lang = o.lang;
    unsigned long nsent = 0;
    tm_status st = load_rules(&o, &srx, &err);
    if (st == TM_OK)
        st = tm_reader_open(&r, o.input, 0, &err);
    if (st == TM_OK && (!lang || strcmp(lang, "auto") == 0)) {
        st = detect_language(r, &lang, &err);
        cli_verbose(ctx, "%s: language %s%s", tm_reader_name(r), lang,
                    strcmp(lang, "und") ? " (guessed)" : " (not recognised: ICU root rules)");
    }
    if (st == TM_OK && (st = tm_segmenter_new(&seg, srx, lang, &err)) == TM_OK)
        tm_segmenter_set_time_limit(seg, o.time_limit);
    if (st == TM_OK) {
        cli_verbose(ctx, "%zu rules from %s", tm_segmenter_nrules(seg),
                    srx ? tm_srx_name(srx) : "nowhere (ICU only)");
        st = tm_out_open(&out, o.output, stdout, &err);
        if (st == TM_OK) {
            st = segment_all(r, seg, &o, out.fp, &nsent, &err);
            if (st == TM_OK)
                st = tm_out_close(&out, &err);
            else
                tm_out_abort(&out);
        }
    }
    tm_segmenter_free(seg);
    tm_reader_free(r);
    tm_srx_free(srx);
    if (st != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "%lu sentences", nsent);
    return 0;
}
