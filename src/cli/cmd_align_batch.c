/*
 * cmd_align_batch.c — `tmkit align --batch DIR|MANIFEST -o OUTDIR -j N`.
 *
 * Pairs come from a directory (X.SRC.txt with X.TGT.txt) or a manifest
 * (src_path<TAB>tgt_path per line). N worker threads take pairs from a
 * shared counter; each pair is one tm_align_job_run() job writing its own file,
 * so a bad pair fails alone. The summary (OUTDIR/summary.tsv) lists every
 * pair with its status; a progress line is drawn on a terminal.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

typedef struct job {
    char *src, *tgt, *stem;
    int missing;       /* the partner file does not exist */
    tm_status status;
    tm_error err;
    tm_align_job_result res;
} job;

typedef struct batch {
    const tm_align_job_env *env;
    const char *outdir;
    const char *store_dir; /* --store: where each pair's TMX copy goes, or NULL */
    job *jobs;
    size_t n, next, done, sentences;
    pthread_mutex_t lock;
    int progress; /* draw a progress line */
    double start;
    const char *phase;   /* for the progress line: learning, aligning */
    int lexicon_failed;  /* --lexicon-out could not be written */
} batch;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_job(batch *b, size_t *cap, const char *src, const char *tgt)
{
    if (tm_array_reserve(&b->jobs, cap, b->n + 1, sizeof *b->jobs, 64))
        return -1;
    job *j = &b->jobs[b->n];
    memset(j, 0, sizeof *j);
    char stem[256];
    tm_align_job_stem(src, stem, sizeof stem);
    j->src = strdup(src);
    j->tgt = strdup(tgt);
    j->stem = strdup(stem);
    if (!j->src || !j->tgt || !j->stem)
        return -1;
    struct stat st;
    j->missing = stat(tgt, &st) != 0;
    b->n++;
    return 0;
}

static int cmp_job(const void *x, const void *y)
{
    return strcmp(((const job *)x)->src, ((const job *)y)->src);
}

/* DIR: every X.<src>.txt, paired with X.<tgt>.txt. */
static tm_status jobs_from_dir(batch *b, const char *dir, const tm_align_job_opts *o, tm_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return tm_error_at(err, TM_EIO, dir, 0, "cannot read directory: %s", strerror(errno));
    char suffix[64];
    snprintf(suffix, sizeof suffix, ".%s.txt", o->src_lang);
    size_t cap = 0, ls = strlen(suffix);
    struct dirent *e;
    tm_status st = TM_OK;
    while ((e = readdir(d)) && st == TM_OK) {
        size_t n = strlen(e->d_name);
        if (n <= ls || strcmp(e->d_name + n - ls, suffix) != 0)
            continue;
        size_t len = strlen(dir) + n + 64;
        char *src = malloc(len), *tgt = malloc(len);
        if (src && tgt) {
            snprintf(src, len, "%s/%s", dir, e->d_name);
            snprintf(tgt, len, "%s/%.*s.%s.txt", dir, (int)(n - ls), e->d_name, o->tgt_lang);
        }
        if (!src || !tgt || add_job(b, &cap, src, tgt) != 0)
            st = tm_error_nomem(err);
        free(src);
        free(tgt);
    }
    closedir(d);
    if (st == TM_OK && b->n == 0)
        st = tm_error_at(err, TM_EDATA, dir, 0, "no *%s file to align", suffix);
    if (b->n > 1) /* (qsort must not get a NULL base, even for 0 items) */
        qsort(b->jobs, b->n, sizeof *b->jobs, cmp_job);
    return st;
}

/* MANIFEST: src_path<TAB>tgt_path per line; relative paths are taken as
 * given (relative to the working directory). */
static tm_status jobs_from_manifest(batch *b, const char *path, tm_error *err)
{
    tm_reader *r;
    tm_status st = tm_reader_open(&r, path, 0, err);
    if (st != TM_OK)
        return st;
    size_t cap = 0;
    tm_line l;
    while ((st = tm_reader_next_para(r, &l, err)) == TM_OK && l.text) {
        const char *tab = strchr(l.text, '\t');
        if (!tab || strchr(tab + 1, '\t')) {
            st = tm_error_at(err, TM_EDATA, path, l.lineno, "expected 'src_path<TAB>tgt_path'");
            break;
        }
        char *src = strndup(l.text, (size_t)(tab - l.text));
        if (!src || add_job(b, &cap, src, tab + 1) != 0)
            st = tm_error_nomem(err);
        free(src);
        if (st != TM_OK)
            break;
    }
    tm_reader_free(r);
    if (st == TM_OK && b->n == 0)
        st = tm_error_at(err, TM_EDATA, path, 0, "the manifest lists no pair");
    return st;
}

static void draw_progress(batch *b)
{
    double el = now() - b->start;
    double rate = el > 0 ? (double)b->sentences / el : 0;
    double eta = b->done ? el / (double)b->done * (double)(b->n - b->done) : 0;
    int width = 30, full = (int)((double)width * (double)b->done / (double)b->n);
    fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu pairs, %.0f sentences/s, ETA %d:%02d ",
            b->phase ? b->phase : "aligning", full, "##############################",
            width - full, "", b->done, b->n, rate, (int)eta / 60, (int)eta % 60);
    fflush(stderr);
}

/* The output of job j (for moses, the base of its two files). */
static void job_output(const batch *b, const tm_align_job_opts *o, const job *j, char *out,
                       size_t cap)
{
    snprintf(out, cap, "%s/%s%s%s", b->outdir, j->stem, o->format == TM_ALIGN_MOSES ? "" : ".",
             tm_align_format_ext(o->format));
}

typedef struct file_id {
    dev_t dev;
    ino_t ino;
} file_id;

static int cmp_id(const void *x, const void *y)
{
    const file_id *a = x, *b = y;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    return (a->ino > b->ino) - (a->ino < b->ino);
}

/* Is the existing regular file path one of the sorted ids? */
static int is_input(const file_id *ids, size_t n, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    file_id k = {st.st_dev, st.st_ino};
    return bsearch(&k, ids, n, sizeof *ids, cmp_id) != NULL;
}

/* Before anything is read: no output of any pair (nor the summary, nor
 * --store) may be the input of any pair. TM_EUSAGE naming the first. Each
 * pair's own outputs are checked again by its job. */
static tm_status check_outputs(const batch *b, const tm_align_job_opts *o, tm_error *err)
{
    file_id *ids = malloc((2 * b->n + 1) * sizeof *ids);
    if (!ids)
        return tm_error_nomem(err);
    size_t n = 0;
    struct stat st;
    for (size_t i = 0; i < b->n; i++)
        for (int k = 0; k < 2; k++)
            if (stat(k ? b->jobs[i].tgt : b->jobs[i].src, &st) == 0)
                ids[n++] = (file_id){st.st_dev, st.st_ino};
    qsort(ids, n, sizeof *ids, cmp_id);
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.tsv", b->outdir);
    tm_status s = TM_OK;
    if (is_input(ids, n, path) || (o->store && is_input(ids, n, o->store)))
        s = tm_error_set(err, TM_EUSAGE, "the output %s is an input of the batch: refusing to "
                         "overwrite it (nothing was read or written)",
                         is_input(ids, n, path) ? path : o->store);
    char files[2][4096];
    for (size_t i = 0; i < b->n && s == TM_OK; i++) {
        job_output(b, o, &b->jobs[i], path, sizeof path);
        size_t nf = tm_align_job_output_files(o, path, files);
        for (size_t k = 0; k < nf && s == TM_OK; k++)
            if (is_input(ids, n, files[k]))
                s = tm_error_set(err, TM_EUSAGE, "the output %s is an input of the batch: "
                                 "refusing to overwrite it (nothing was read or written)", files[k]);
    }
    free(ids);
    return s;
}

static void run_job(batch *b, job *j)
{
    char out[4096], copy[4096];
    if (b->store_dir)
        tm_align_job_spool_path(b->store_dir, (size_t)(j - b->jobs), copy, sizeof copy);
    job_output(b, b->env->o, j, out, sizeof out);
    size_t nth = (size_t)(j - b->jobs);
    if (j->missing) {
        j->status = tm_error_at(&j->err, TM_EIO, j->tgt, 0, "cannot open: no such file");
        if (b->env->learn) /* it teaches nothing, but takes its turn */
            tm_lexicon_add_nth(b->env->learn, nth, NULL, NULL, NULL, &(tm_error){TM_OK, ""});
    } else
        j->status = tm_align_job_run(b->env, nth, j->src, j->tgt, out, b->store_dir ? copy : NULL,
                                &j->res, &j->err);
}

static void *worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t k = b->next < b->n ? b->next++ : b->n;
        pthread_mutex_unlock(&b->lock);
        if (k >= b->n)
            return NULL;
        run_job(b, &b->jobs[k]);
        pthread_mutex_lock(&b->lock);
        b->done++;
        b->sentences += b->jobs[k].res.nsrc + b->jobs[k].res.ntgt;
        if (b->progress)
            draw_progress(b);
        pthread_mutex_unlock(&b->lock);
    }
}

static void flat(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' ? ' ' : *s, fp);
}

/* OUTDIR/summary.tsv; returns the worst status. */
static int write_summary(batch *b, int *nfail, int *nwarn, tm_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.tsv", b->outdir);
    tm_out out;
    if (tm_out_open(&out, path, stdout, err) != TM_OK)
        return TM_EIO;
    fputs("pair\tstatus\tsrc_sentences\ttgt_sentences\tbeads\tmean_score\tmessage\n", out.fp);
    int worst = 0;
    for (size_t i = 0; i < b->n; i++) {
        job *j = &b->jobs[i];
        const char *status = j->status != TM_OK ? "error" : j->res.warning[0] ? "warning" : "ok";
        fprintf(out.fp, "%s\t%s\t%zu\t%zu\t%zu\t%.4f\t", j->stem, status, j->res.nsrc,
                j->res.ntgt, j->res.nbeads, j->res.mean_score);
        flat(out.fp, j->status != TM_OK ? j->err.msg : j->res.warning);
        fputc('\n', out.fp);
        if (j->status != TM_OK) {
            (*nfail)++;
            if ((int)j->status > worst)
                worst = (int)j->status;
        }
        *nwarn += j->status == TM_OK && j->res.warning[0];
    }
    if (tm_out_close(&out, err) != TM_OK)
        return TM_EIO;
    return worst;
}

/* --store: import the TMX copies of the pairs that succeeded. */
static int store_done(batch *b, const char *store, cli_ctx *ctx)
{
    size_t *ok = malloc((b->n ? b->n : 1) * sizeof *ok), n = 0;
    if (!ok) {
        tm_align_job_spool_remove(b->store_dir);
        tm_error err = {TM_OK, ""};
        tm_error_nomem(&err);
        return cli_report(&err);
    }
    for (size_t i = 0; i < b->n; i++)
        if (b->jobs[i].status == TM_OK)
            ok[n++] = i;
    int rc = align_store_finish(store, b->store_dir, ok, n, ctx);
    free(ok);
    return rc;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int run_batch(batch *b, const tm_align_job_opts *o, cli_ctx *ctx)
{
    int jobs = o->jobs ? o->jobs : online_cores();
    if ((size_t)jobs > b->n)
        jobs = (int)b->n;
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    if (!th)
        return TM_EIO;
    b->start = now();
    b->progress = !ctx->quiet && isatty(STDERR_FILENO);
    pthread_mutex_init(&b->lock, NULL);
    int started = 0;
    for (int i = 0; i < jobs; i++)
        started += pthread_create(&th[i], NULL, worker, b) == 0;
    if (started == 0)
        worker(b); /* no thread could start: do the work here */
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&b->lock);
    free(th);
    if (b->progress)
        fputc('\n', stderr);
    return 0;
}

/* The first pass of a batch: align every pair to learn one lexicon from
 * the confident beads of all of them (nothing is written); the second pass
 * then uses it. A lexicon that learned nothing is dropped (each pair then
 * learns its own, as alone). */
static void learn_lexicon(batch *b, tm_align_job_env *env, const tm_align_job_opts *o,
                          cli_ctx *ctx)
{
    tm_error err = {TM_OK, ""};
    tm_lexicon *lx = NULL;
    if (tm_lexicon_new(&lx, &err) != TM_OK)
        return;
    env->learn = lx;
    env->learn_only = 1;
    b->phase = "learning the lexicon";
    run_batch(b, o, ctx);
    env->learn = NULL;
    env->learn_only = 0;
    b->phase = "aligning";
    b->next = b->done = b->sentences = 0;
    if (tm_lexicon_pairs(lx) > 0 && tm_lexicon_train(lx, &err) == TM_OK && tm_lexicon_size(lx)) {
        cli_verbose(ctx, "lexicon: %zu translations learned from %zu sentence pairs of %zu "
                    "document pairs", tm_lexicon_size(lx), tm_lexicon_pairs(lx), b->n);
        env->lexicon = lx;
        return;
    }
    tm_lexicon_free(lx);
}

int align_batch(int argc, char **argv, const tm_align_job_opts *o, cli_ctx *ctx)
{
    if (argc - optind != 0)
        return cli_usage_error("align", "--batch takes no file arguments ('%s'): give DIR or MANIFEST to --batch",
                               argv[optind]);
    if (!o->output || strcmp(o->output, "-") == 0)
        return cli_usage_error("align", "--batch needs -o OUTDIR");
    tm_error err = {TM_OK, ""};
    batch b;
    memset(&b, 0, sizeof b);
    b.outdir = o->output;
    struct stat st;
    tm_status s = stat(o->batch, &st) != 0
                      ? tm_error_at(&err, TM_EIO, o->batch, 0, "cannot open: %s", strerror(errno))
                  : S_ISDIR(st.st_mode) ? jobs_from_dir(&b, o->batch, o, &err)
                                        : jobs_from_manifest(&b, o->batch, &err);
    if (s == TM_OK && (s = check_outputs(&b, o, &err)) != TM_OK)
        cli_report(&err); /* (reported here: the pairs are known) */
    if (s == TM_OK && mkdir(o->output, 0777) != 0 && errno != EEXIST)
        s = tm_error_at(&err, TM_EIO, o->output, 0, "cannot create directory: %s", strerror(errno));
    char store_dir[4096];
    if (s == TM_OK && o->store && (s = tm_align_job_spool_begin(store_dir, sizeof store_dir, &err)) == TM_OK)
        b.store_dir = store_dir;
    tm_align_job_env env;
    if (s == TM_OK && (s = tm_align_job_env_init(&env, o, &err)) == TM_OK) {
        b.env = &env;
        if (!o->no_lexical && !env.lexicon)
            learn_lexicon(&b, &env, o, ctx);
        run_batch(&b, o, ctx);
        if (o->lexicon_out && env.lexicon && align_save_lexicon(o, env.lexicon, ctx) != 0)
            b.lexicon_failed = 1;
        int nfail = 0, nwarn = 0;
        int worst = write_summary(&b, &nfail, &nwarn, &err);
        tm_align_job_env_free(&env);
        for (size_t i = 0; i < b.n; i++)
            if (b.jobs[i].status != TM_OK && !ctx->quiet)
                fprintf(stderr, "tmkit: %s\n", b.jobs[i].err.msg);
        if (!ctx->quiet)
            fprintf(stderr, "tmkit: %zu pairs: %zu aligned, %d failed, %d with warnings (%s/summary.tsv)\n",
                    b.n, b.n - (size_t)nfail, nfail, nwarn, o->output);
        if (err.code != TM_OK && worst == TM_EIO)
            cli_report(&err);
        if (b.store_dir) {
            int rc = store_done(&b, o->store, ctx);
            b.store_dir = NULL;
            if (rc > worst)
                worst = rc;
        }
        if (b.lexicon_failed && worst < TM_EIO)
            worst = TM_EIO;
        s = (tm_status)worst;
    }
    if (b.store_dir)
        tm_align_job_spool_remove(b.store_dir);
    for (size_t i = 0; i < b.n; i++) {
        free(b.jobs[i].src);
        free(b.jobs[i].tgt);
        free(b.jobs[i].stem);
    }
    free(b.jobs);
    if (s != TM_OK && err.code == s && b.n == 0)
        return cli_report(&err);
    return (int)s;
}
