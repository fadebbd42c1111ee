/*
 * cmd_align.c — `tmkit align SRC TGT`: sentence alignment of two renditions
 * of one document, written as TMX (default), tsv, beads, ladder, moses or
 * jsonl. Batch mode (`--batch`) lives in cmd_align_batch.c; both share the
 * per-pair work of tm_align_job_run.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: tmkit align [-s LANG -t LANG] [--format F] [-o OUT] [--presegmented]\n"
    "                   [--min-score X] [--keep-unaligned] [--dict FILE] [--store STORE]\n"
    "                   SRC_FILE TGT_FILE\n"
    "       tmkit align --batch DIR|MANIFEST -o OUTDIR [-j N] [options]\n"
    "\n"
    "Align the sentences of two renditions of one document (SRC in language -s,\n"
    "TGT in -t; default vi and fr). Each paragraph (line) is split into sentences\n"
    "as `tmkit segment` does, unless --presegmented.\n"
    "\n"
    "  -s, --source LANG     source language (default vi)\n"
    "  -t, --target LANG     target language (default fr)\n"
    "  -f, --format F        tmx (default): TMX 1.4b, one <tu> per bead;\n"
    "                        tsv: source<TAB>target<TAB>score per bead;\n"
    "                        beads: src indices<TAB>tgt indices<TAB>score, every bead\n"
    "                        (the gold format plus a score);\n"
    "                        ladder: hunalign's ladder, 'i<TAB>j<TAB>score' per rung;\n"
    "                        moses: OUT.SRC and OUT.TGT, line-parallel (-o OUT needed);\n"
    "                        jsonl: {\"src\",\"tgt\",\"score\",\"source\",\"target\"} per bead\n"
    "  -o, --output OUT      output file (atomic; default stdout); with --batch, a directory\n"
    "      --presegmented    inputs are one sentence per line, a blank line between\n"
    "                        paragraphs (the .sent format)\n"
    "      --min-score X     leave beads with a confidence below X (0..1) out of tmx,\n"
    "                        tsv, moses and jsonl output\n"
    "      --keep-unaligned  keep sentences without counterpart (1-0, 0-1 beads) in\n"
    "                        tmx, tsv and jsonl output\n"
    "      --dict FILE       bilingual dictionary, hunalign format 'target @ source'\n"
    "      --no-lexical      do not learn word translations for a second pass\n"
    "      --lexicon FILE    word translations saved by --lexicon-out, used by every pair\n"
    "                        instead of what the pair alone could teach\n"
    "      --lexicon-from STORE  learn them from the units of a translation memory\n"
    "      --lexicon-out FILE    save the word translations learned (with --batch, from\n"
    "                        the confident beads of all pairs)\n"
    "      --srx FILE        segmentation rules instead of the built-in ones\n"
    "      --regex-time-limit N  as for tmkit segment (default 10000, about 1 s)\n"
    "      --batch D|M       align every pair: D/X.SRC.txt with D/X.TGT.txt, or the\n"
    "                        pairs of a manifest (src_path<TAB>tgt_path per line); all\n"
    "                        pairs are aligned once to learn one lexicon, then again with\n"
    "                        it (unless --lexicon, --lexicon-from or --no-lexical)\n"
    "      --store STORE     also add the beads to the translation memory STORE (the\n"
    "                        units --format tmx writes), in one commit after all pairs\n"
    "  -j, --jobs N          pairs aligned at once in batch mode (default: cores)\n"
    "  -q, --quiet / -v, --verbose (length model, band, scores on stderr) / -h, --help\n"
    "\n"
    "Every bead has a confidence in [0,1], its probability under the alignment model.\n"
    "Exit status: 0 success, 1 usage error, 2 bad input (invalid UTF-8, an empty side;\n"
    "nothing is written), 3 I/O error. In batch mode, the worst status of any pair:\n"
    "the other pairs are aligned all the same, and summary.tsv says which failed.\n";

static int parse_lang(const char *arg, const char **dst)
{
    if (!tm_lang_valid(arg) || strcmp(arg, "*all*") == 0)
        return cli_usage_error("align", "'%s' is not a language code", arg);
    *dst = arg;
    return -1;
}

static int parse_args(int argc, char **argv, cli_ctx *ctx, tm_align_job_opts *o)
{
    enum { O_PRESEG = 256, O_MIN, O_KEEP, O_DICT, O_NOLEX, O_SRX, O_BATCH, O_STORE, O_TIME,
           O_LEX, O_LEXOUT, O_LEXFROM };
    static const struct option longopts[] = {
        {"source", required_argument, NULL, 's'},  {"target", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'},  {"output", required_argument, NULL, 'o'},
        {"presegmented", no_argument, NULL, O_PRESEG},
        {"min-score", required_argument, NULL, O_MIN},
        {"keep-unaligned", no_argument, NULL, O_KEEP},
        {"dict", required_argument, NULL, O_DICT}, {"no-lexical", no_argument, NULL, O_NOLEX},
        {"srx", required_argument, NULL, O_SRX},   {"batch", required_argument, NULL, O_BATCH},
        {"jobs", required_argument, NULL, 'j'},    {"store", required_argument, NULL, O_STORE},
        {"regex-time-limit", required_argument, NULL, O_TIME},
        {"lexicon", required_argument, NULL, O_LEX},
        {"lexicon-out", required_argument, NULL, O_LEXOUT},
        {"lexicon-from", required_argument, NULL, O_LEXFROM},
        CLI_COMMON_LONGOPTS,                        {NULL, 0, NULL, 0}};
    int c, exit_now, rc;
    while ((c = getopt_long(argc, argv, "s:t:f:o:j:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (cli_common_opt(c, "align", usage, ctx, &exit_now)) {
            if (exit_now >= 0)
                return exit_now;
            continue;
        }
        char *end;
        switch (c) {
        case 's':
            if ((rc = parse_lang(optarg, &o->src_lang)) >= 0)
                return rc;
            break;
        case 't':
            if ((rc = parse_lang(optarg, &o->tgt_lang)) >= 0)
                return rc;
            break;
        case 'f':
            if (tm_align_format_parse(optarg, &o->format) != 0)
                return cli_usage_error("align", "unknown format '%s' (tmx, tsv, beads, ladder, moses or jsonl)", optarg);
            break;
        case 'o': o->output = optarg; break;
        case O_PRESEG: o->presegmented = 1; break;
        case O_MIN:
            o->min_score = strtod(optarg, &end);
            if (*end || end == optarg || o->min_score < 0 || o->min_score > 1)
                return cli_usage_error("align", "--min-score takes a number from 0 to 1");
            break;
        case O_KEEP: o->keep_unaligned = 1; break;
        case O_DICT: o->dict_path = optarg; break;
        case O_NOLEX: o->no_lexical = 1; break;
        case O_SRX: o->srx_path = optarg; break;
        case O_BATCH: o->batch = optarg; break;
        case 'j':
            if (cli_parse_int(optarg, 1, 256, &o->jobs) != 0)
                return cli_usage_error("align", "--jobs takes a number from 1 to 256");
            break;
        case O_STORE: o->store = optarg; break;
        case O_LEX: o->lexicon_path = optarg; break;
        case O_LEXOUT: o->lexicon_out = optarg; break;
        case O_LEXFROM: o->lexicon_from = optarg; break;
        case O_TIME:
            if (cli_parse_int(optarg, 0, INT32_MAX, &o->regex_time_limit) != 0)
                return cli_usage_error("align", "--regex-time-limit takes a number from 0 to %d",
                                       INT32_MAX);
            break;
        }
    }
    if (o->lexicon_path && o->lexicon_from)
        return cli_usage_error("align", "--lexicon and --lexicon-from: give one of them");
    if (o->no_lexical && (o->lexicon_path || o->lexicon_from || o->lexicon_out))
        return cli_usage_error("align", "--no-lexical leaves no lexicon to use or to save");
    return -1;
}

/* --lexicon-out: what the job learned (or was given). */
int align_save_lexicon(const tm_align_job_opts *o, const tm_lexicon *lx, cli_ctx *ctx)
{
    tm_error err = {TM_OK, ""};
    if (tm_lexicon_save(lx, o->lexicon_out, stdout, &err) != TM_OK)
        return cli_report(&err);
    cli_verbose(ctx, "lexicon: %zu translations from %zu sentence pairs saved to %s",
                tm_lexicon_size(lx), tm_lexicon_pairs(lx), o->lexicon_out);
    return 0;
}

static int align_one(int argc, char **argv, const tm_align_job_opts *o, cli_ctx *ctx)
{
    if (argc - optind != 2)
        return cli_usage_error("align", "needs SRC_FILE and TGT_FILE (or --batch)");
    if (o->format == TM_ALIGN_MOSES && (!o->output || strcmp(o->output, "-") == 0))
        return cli_usage_error("align", "--format moses writes OUT.SRC and OUT.TGT: give -o OUT");
    tm_align_job_env env;
    tm_error err = {TM_OK, ""};
    if (tm_align_job_env_init(&env, o, &err) != TM_OK)
        return cli_report(&err);
    char dir[4096], copy[4096];
    tm_status st = o->store ? tm_align_job_spool_begin(dir, sizeof dir, &err) : TM_OK;
    int have_dir = o->store && st == TM_OK;
    if (have_dir)
        tm_align_job_spool_path(dir, 0, copy, sizeof copy);
    tm_align_job_result res;
    if (st == TM_OK && o->lexicon_out && !env.lexicon)
        st = tm_lexicon_new(&env.learn, &err);
    if (st == TM_OK)
        st = tm_align_job_run(&env, 0, argv[optind], argv[optind + 1], o->output,
                        have_dir ? copy : NULL, &res, &err);
    if (st == TM_OK && env.learn)
        st = tm_lexicon_train(env.learn, &err);
    int rc = 0;
    if (st == TM_OK && o->lexicon_out)
        rc = align_save_lexicon(o, env.learn ? env.learn : env.lexicon, ctx);
    tm_lexicon_free(env.learn);
    env.learn = NULL;
    if (st == TM_OK) {
        cli_verbose(ctx, "%s", res.summary);
        if (res.warning[0] && !ctx->quiet)
            fprintf(stderr, "tmkit: warning: %s\n", res.warning);
    }
    tm_align_job_env_free(&env);
    if (st != TM_OK) {
        if (have_dir)
            tm_align_job_spool_remove(dir);
        return cli_report(&err);
    }
    size_t only = 0;
    int rs = have_dir ? align_store_finish(o->store, dir, &only, 1, ctx) : 0;
    return rs > rc ? rs : rc;
}

int cmd_align(int argc, char **argv, cli_ctx *ctx)
{
    tm_align_job_opts o;
    tm_align_job_opts_init(&o);
    int rc = parse_args(argc, argv, ctx, &o);
    if (rc >= 0)
        return rc;
    if (o.batch)
        return align_batch(argc, argv, &o, ctx);
    return align_one(argc, argv, &o, ctx);
}
