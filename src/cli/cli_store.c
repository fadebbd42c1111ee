/*
 * cli_store.c — what the store commands share (cli_store.h): their options,
 * opening a store with the error reported, a unit's provenance, and
 * printing a hit (marked words, jsonl).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_store.h"

int cli_store_parse(int argc, char **argv, cli_ctx *ctx, const char *cmd, const char *usage,
                    cli_store_opts *o)
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

void cli_store_opts_init(cli_store_opts *o)
{
    memset(o, 0, sizeof *o);
    o->src = "vi";
    o->tgt = "fr";
    o->format = "text";
    o->n = 5;
    o->min = 70;
}

int cli_store_open(const char *path, tm_store **s)
{
    tm_error err = {TM_OK, ""};
    if (tm_store_open(s, path, &err) != TM_OK)
        return cli_report(&err);
    return -1;
}

/* Where a unit comes from: its documents and date. */
void cli_unit_origin(const tm_tu *tu, tm_buf *out)
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

int cli_use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc);
}

/* Print text with the byte spans [spans[2k], spans[2k+1]) where mark[k] set
 * in bold red (when colored). */
void cli_print_marked(const char *text, const uint32_t *spans, const unsigned char *mark,
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

void cli_print_jsonl(int score, const char *src, const char *tgt, const char *orig)
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
