/*
 * tm_align_job_run.c — one alignment job: read (and segment) both sides, align,
 * write. Used by `tmkit align` and by each worker of `--batch`; everything
 * it touches is either its own or read-only (tm_align_job_env).
 */
#include <stdio.h>
#include <string.h>

#include "job.h"
#include "util/file.h"

void tm_align_job_opts_init(tm_align_job_opts *o)
{
    memset(o, 0, sizeof *o);
    o->src_lang = "vi";
    o->tgt_lang = "fr";
    o->format = TM_ALIGN_TMX;
    o->std_out = stdout;
    o->regex_time_limit = TM_SEGMENT_TIME_LIMIT;
}

int tm_align_format_parse(const char *s, tm_align_format *f)
{
    static const char *names[] = {"tmx", "tsv", "beads", "ladder", "moses", "jsonl"};
    for (int i = 0; i < 6; i++)
        if (strcmp(s, names[i]) == 0) {
            *f = (tm_align_format)i;
            return 0;
        }
    return -1;
}

const char *tm_align_format_ext(tm_align_format f)
{
    static const char *ext[] = {"tmx", "tsv", "beads", "ladder", "", "jsonl"};
    return ext[f];
}

tm_status tm_align_job_env_init(tm_align_job_env *env, const tm_align_job_opts *o, tm_error *err)
{
    memset(env, 0, sizeof *env);
    env->o = o;
    tm_status st = TM_OK;
    if (!o->presegmented)
        st = o->srx_path ? tm_srx_load_file(&env->srx, o->srx_path, err)
                         : tm_srx_load_builtin(&env->srx, err);
    if (st == TM_OK && o->dict_path)
        st = tm_dict_read(&env->dict, o->dict_path, err);
    if (st == TM_OK && o->lexicon_path)
        st = tm_lexicon_load(&env->lexicon, o->lexicon_path, err);
    if (st == TM_OK && o->lexicon_from)
        st = tm_align_job_lexicon_from_store(&env->lexicon, o->lexicon_from, o->src_lang,
                                             o->tgt_lang, err);
    if (st != TM_OK)
        tm_align_job_env_free(env);
    return st;
}

void tm_align_job_env_free(tm_align_job_env *env)
{
    tm_srx_free(env->srx);
    tm_dict_free(env->dict);
    tm_lexicon_free(env->lexicon);
    env->srx = NULL;
    env->dict = NULL;
    env->lexicon = NULL;
}

typedef struct store_pairs {
    tm_lexicon *lx;
    const char *src, *tgt;
    tm_error *err;
    tm_status st;
} store_pairs;

static int add_unit(void *arg, uint64_t id, const tm_tu *tu)
{
    (void)id;
    store_pairs *sp = arg;
    const tm_tuv *s = tm_tu_find(tu, sp->src), *t = tm_tu_find(tu, sp->tgt);
    if (s && t && s->text && t->text)
        sp->st = tm_lexicon_add_pair(sp->lx, s->text, strlen(s->text), t->text, strlen(t->text),
                                     sp->err);
    return sp->st != TM_OK;
}

tm_status tm_align_job_lexicon_from_store(tm_lexicon **out, const char *store, const char *src,
                                          const char *tgt, tm_error *err)
{
    tm_store *s = NULL;
    tm_lexicon *lx = NULL;
    tm_status st = tm_store_open(&s, store, err);
    if (st == TM_OK)
        st = tm_lexicon_new(&lx, err);
    store_pairs sp = {lx, src, tgt, err, TM_OK};
    if (st == TM_OK)
        st = tm_store_each(s, add_unit, &sp, err);
    if (st == TM_OK && sp.st != TM_OK)
        st = sp.st;
    if (st == TM_OK && tm_lexicon_pairs(lx) == 0)
        st = tm_error_at(err, TM_EDATA, store, 0, "no unit holds both %s and %s: nothing to "
                         "learn a lexicon from", src, tgt);
    if (st == TM_OK)
        st = tm_lexicon_train(lx, err);
    tm_store_close(s);
    if (st != TM_OK) {
        tm_lexicon_free(lx);
        lx = NULL;
    }
    *out = lx;
    return st;
}

void tm_align_job_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && (strcmp(dot, ".txt") == 0 || strcmp(dot, ".sent") == 0))
        *dot = '\0';
    dot = strrchr(out, '.');
    if (dot && tm_lang_valid(dot + 1) && strlen(dot + 1) <= 8)
        *dot = '\0';
}

static tm_status read_side(const tm_align_job_env *env, const char *path, const char *lang,
                           tm_doc **doc, tm_error *err)
{
    tm_segmenter *seg = NULL;
    tm_status st = TM_OK;
    if (env->srx && (st = tm_segmenter_new(&seg, env->srx, lang, err)) == TM_OK)
        tm_segmenter_set_time_limit(seg, env->o->regex_time_limit);
    if (st == TM_OK)
        st = tm_doc_read(doc, path, seg, err);
    tm_segmenter_free(seg);
    if (st == TM_OK && tm_doc_count(*doc) == 0) {
        tm_doc_free(*doc);
        *doc = NULL;
        st = tm_error_at(err, TM_EDATA, path, 0, "no sentences to align (empty file?)");
    }
    return st;
}

/* Suspicious pairs: very unequal sizes, or texts that do not look like
 * translations of each other. */
static void check_pair(tm_align_job_result *res, const char *src, const char *tgt)
{
    size_t a = res->nsrc, b = res->ntgt;
    if (a >= 10 * b || b >= 10 * a)
        snprintf(res->warning, sizeof res->warning,
                 "%s and %s differ a lot in size (%zu and %zu sentences)", src, tgt, a, b);
    else if (res->aligned >= 3 && res->mean_score < 0.5)
        snprintf(res->warning, sizeof res->warning,
                 "%s and %s do not look like translations of each other (mean bead score %.2f)",
                 src, tgt, res->mean_score);
}

/* No output (nor --store) may be an input: writing it would destroy it. */
static tm_status check_outputs(const tm_align_job_opts *o, const char *src, const char *tgt,
                               const char *out_path, tm_error *err)
{
    const char *in[] = {src, tgt};
    tm_status st = tm_file_check_distinct(o->store, in, 2, err);
    if (st != TM_OK || !out_path || strcmp(out_path, "-") == 0)
        return st;
    char files[2][4096];
    size_t n = tm_align_job_output_files(o, out_path, files);
    for (size_t k = 0; k < n && st == TM_OK; k++)
        st = tm_file_check_distinct(files[k], in, 2, err);
    return st;
}

tm_status tm_align_job_run(const tm_align_job_env *env, size_t nth, const char *src,
                           const char *tgt, const char *out_path, const char *tmx_copy,
                           tm_align_job_result *res, tm_error *err)
{
    const tm_align_job_opts *o = env->o;
    memset(res, 0, sizeof *res);
    tm_doc *ds = NULL, *dt = NULL;
    tm_alignment al;
    memset(&al, 0, sizeof al);
    tm_status st = check_outputs(o, src, tgt, out_path, err);
    if (st == TM_OK)
        st = read_side(env, src, o->src_lang, &ds, err);
    if (st == TM_OK)
        st = read_side(env, tgt, o->tgt_lang, &dt, err);
    tm_align_opts ao = TM_ALIGN_OPTS_INIT;
    ao.dict = env->dict;
    ao.lexical = !o->no_lexical;
    if (!o->no_lexical)
        ao.lexicon = env->lexicon;
    if (st == TM_OK)
        st = tm_align(ds, dt, &ao, &al, err);
    if (env->learn) { /* a pair that failed teaches nothing, but takes its turn */
        tm_error ignored = {TM_OK, ""};
        tm_status sl = tm_lexicon_add_nth(env->learn, nth, ds, dt, st == TM_OK ? &al : NULL,
                                          st == TM_OK ? err : &ignored);
        if (st == TM_OK)
            st = sl;
    }
    if (st == TM_OK && !env->learn_only) {
        char stem[256];
        tm_align_job_stem(src, stem, sizeof stem);
        tm_align_job_output out = {o, ds, dt, &al, stem, &res->dropped};
        st = tm_align_job_write(&out, out_path, err);
        if (st == TM_OK && tmx_copy) {
            tm_align_job_opts as_tmx = *o;
            as_tmx.format = TM_ALIGN_TMX;
            out.o = &as_tmx;
            if (o->format == TM_ALIGN_TMX) /* (counted once) */
                out.dropped = NULL;
            st = tm_align_job_write(&out, tmx_copy, err);
        }
    }
    if (st == TM_OK) {
        res->nsrc = tm_doc_count(ds);
        res->ntgt = tm_doc_count(dt);
        res->nbeads = al.n;
        for (size_t i = 0; i < al.n; i++)
            res->aligned += al.beads[i].nsrc && al.beads[i].ntgt;
        res->mean_score = al.mean_score;
        snprintf(res->summary, sizeof res->summary,
                 "%s: %zu + %zu sentences, %zu beads (%zu with two sides), c=%.3f s2=%.2f, "
                 "band %zu, mean score %.3f",
                 src, res->nsrc, res->ntgt, al.n, res->aligned, al.c, al.s2, al.band,
                 al.mean_score);
        check_pair(res, src, tgt);
        if (!res->warning[0] && res->dropped) /* the text is not all in the TMX: say so */
            snprintf(res->warning, sizeof res->warning,
                     "%s, %s: %zu control character%s that XML does not allow left out of the TMX",
                     src, tgt, res->dropped, res->dropped == 1 ? "" : "s");
    }
    tm_alignment_free(&al);
    tm_doc_free(ds);
    tm_doc_free(dt);
    return st;
}
