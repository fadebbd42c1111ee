/*
 * store_prep.c — preparing units for the store, on two threads.
 *
 * Everything the index needs of a unit that depends on the unit alone —
 * its variants prepared for matching (normalization, words), their keys,
 * its identity, its posting terms, its match-data record, its
 * serialization — is made here, by either thread; what depends on the
 * other units (duplicates, positions in the batch's sections) is done in
 * order by store_write.c.
 *
 * The pool: up to three batches at a time. The caller fills the open one,
 * and publishes its units every so often; the closed ones (at most two)
 * are full and wait for the rest of their units to be prepared and then to
 * be added to the writer (the add callback: duplicates and the batch's
 * sections, in order). Two threads, the caller and a helper, take jobs
 * under the pool's mutex: adding the oldest closed batch once it is
 * prepared, units of the closed batches a few at a time, then units of the
 * open one. So the helper prepares units while the caller is still parsing
 * them and adds a batch while the caller parses the next; the caller does
 * jobs too whenever it has to wait (tm_prep_close), which keeps both cores
 * busy whichever side is slower.
 *
 * Invariants: only the caller writes the open batch's tu and n, and a
 * worker reads units below its published count (ready) only. A batch is
 * added once, after every unit of it is prepared, by one thread
 * (pool->adding), and batches are added in the order they were closed
 * (closed[0] first). The writer's sections are touched only by the add,
 * so by one thread at a time.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "text/norm.h"
#include "store_writer.h"
#include "util/varint.h"

#define CLAIM 8 /* units taken at a time */

/* ---- one unit ------------------------------------------------------------------------ */

void tm_prep_free_entries(unit_entries *e)
{
    for (size_t i = 0; i < e->nmts; i++)
        tm_mtext_free(&e->mts[i]);
    free(e->mts);
    free(e->keys.p);
    free(e->terms.p);
    tm_buf_free(&e->record);
    tm_buf_free(&e->enc);
    memset(e, 0, sizeof *e);
}

void tm_prep_empty(pending *p)
{
    for (size_t k = 0; k < p->n; k++)
        tm_tu_clear(&p->tu[k]);
    p->n = 0;
}

/* Every variant of tu prepared for matching into e->mts, grown as needed. */
static tm_status prepare_variants(const tm_tu *tu, unit_entries *e, tm_error *err)
{
    if (tu->ntuvs > e->nmts) {
        tm_mtext *p = realloc(e->mts, tu->ntuvs * sizeof *p);
        if (!p)
            return tm_error_nomem(err);
        for (size_t i = e->nmts; i < tu->ntuvs; i++)
            memset(&p[i], 0, sizeof p[i]);
        e->mts = p;
        e->nmts = tu->ntuvs;
    }
    for (size_t i = 0; i < tu->ntuvs; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        tm_status st = tm_mtext_prepare_words(&e->mts[i], v->text, strlen(v->text), v->markup, err);
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

static int put_u32b(tm_buf *b, uint32_t v)
{
    unsigned char x[4];
    put_u32(x, v);
    return tm_buf_append(b, x, 4);
}

/* The match data of one variant: its code (lower case), its words and its
 * signatures, so a query scores a candidate without decompressing it.
 * Staged with word hashes; numbered at commit (store_vocab.c). */
static int put_match_data(tm_buf *b, const char *lang, const tm_mtext *mt)
{
    char code[64];
    size_t n = strlen(lang) < sizeof code - 1 ? strlen(lang) : sizeof code - 1;
    for (size_t i = 0; i < n; i++)
        code[i] = (char)tolower((unsigned char)lang[i]);
    int rc = tm_varint_put(b, n) | tm_buf_append(b, code, n) | tm_varint_put(b, mt->nwords);
    for (size_t k = 0; k < mt->nwords; k++)
        rc |= put_u32b(b, mt->words[k]);
    return rc | put_u32b(b, mt->case_sig) | put_u32b(b, mt->punct_sig) |
           put_u32b(b, mt->number_sig) | put_u32b(b, mt->tag_sig);
}

/* The posting terms of one variant: each word with its occurrence number
 * (the second "le" is another term than the first), and the split marker. */
static int put_terms(vec *terms, const char *lang, const tm_mtext *mt)
{
    uint32_t *t;
    if (mt->split) {
        if (!(t = vec_push(terms)))
            return -1;
        *t = TM_SPLIT_TERM(lang);
    }
    if (mt->nwords == 0)
        return 0;
    if (terms->n + mt->nwords > terms->cap &&
        tm_array_reserve(&terms->p, &terms->cap, terms->n + mt->nwords, terms->size, 1024))
        return -1;
    t = (uint32_t *)terms->p + terms->n;
    if (tm_terms_of(tm_term_lang(lang), mt->words, mt->nwords, t) != 0)
        return -1;
    terms->n += mt->nwords;
    return 0;
}

/* Identity: the hashes of every variant's language and match key, sorted,
 * hashed together into *out. 0, -1 when memory runs out. Every variant
 * counts: two units that differ only in their 65th variant are two units. */
static int unit_ident(const uint64_t *vkeys, size_t n, uint64_t *out)
{
    uint64_t small[64], *keys = n <= 64 ? small : malloc(n * sizeof *keys);
    if (!keys)
        return -1;
    if (n <= 64) {
        /* insertion sort: a unit has two or three variants, and qsort's
         * setup and calls per comparison cost more than the sorting */
        for (size_t i = 0; i < n; i++) {
            size_t j = i;
            for (; j > 0 && keys[j - 1] > vkeys[i]; j--)
                keys[j] = keys[j - 1];
            keys[j] = vkeys[i];
        }
    } else {
        memcpy(keys, vkeys, n * sizeof *keys);
        qsort(keys, n, sizeof *keys, tm_cmp_u64);
    }
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            h = (h ^ ((keys[i] >> (8 * b)) & 0xFF)) * 1099511628211ull;
    if (keys != small)
        free(keys);
    *out = h;
    return 0;
}

tm_status tm_prep_identity(const tm_tu *tu, uint64_t *ident, tm_error *err)
{
    size_t n = tu->ntuvs;
    uint64_t small[64], *keys = n <= 64 ? small : malloc(n * sizeof *keys);
    if (!keys)
        return tm_error_nomem(err);
    tm_buf key = TM_BUF_INIT;
    tm_status st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        st = tm_norm_match(v->text, strlen(v->text), &key, err);
        keys[i] = tm_key64(v->lang, key.data ? key.data : "", key.len);
    }
    tm_buf_free(&key);
    if (st == TM_OK && unit_ident(keys, n, ident) != 0)
        st = tm_error_nomem(err);
    if (keys != small)
        free(keys);
    return st;
}

tm_status tm_prep_make_entries(const tm_tu *tu, unit_entries *e, tm_error *err)
{
    e->keys.n = e->terms.n = 0;
    e->keys.size = sizeof(uint64_t);
    e->terms.size = sizeof(uint32_t);
    tm_buf_clear(&e->record);
    tm_buf_clear(&e->enc);
    int rc = tm_varint_put(&e->record, tm_unit_date(tu)) | tm_varint_put(&e->record, tu->ntuvs) |
             tm_unit_encode(&e->enc, tu);
    for (size_t i = 0; i < tu->ntuvs && rc == 0; i++) {
        const tm_tuv *v = &tu->tuvs[i];
        const tm_mtext *mt = &e->mts[i];
        const tm_buf *k = &mt->key;
        uint64_t *key = vec_push(&e->keys);
        if (!key)
            return tm_error_nomem(err);
        *key = tm_key64(v->lang, k->data ? k->data : "", k->len);
        rc = put_match_data(&e->record, v->lang, mt) | put_terms(&e->terms, v->lang, mt);
    }
    if (rc != 0)
        return tm_error_nomem(err);
    return unit_ident(e->keys.p, e->keys.n, &e->ident) == 0 ? TM_OK : tm_error_nomem(err);
}

tm_status tm_prep_unit(const tm_tu *tu, unit_entries *e, tm_error *err)
{
    tm_status st = prepare_variants(tu, e, err);
    return st == TM_OK ? tm_prep_make_entries(tu, e, err) : st;
}

static void prepare_unit(pending *p, size_t k)
{
    p->st[k] = tm_prep_unit(&p->tu[k], &p->ent[k], &p->err[k]);
}

/* ---- the pool ---------------------------------------------------------------------- */

/* The next job under the mutex: units of the closed batches, oldest
 * first (the caller may be waiting for them), then adding the oldest once
 * every unit of it is prepared, then units of the open batch that have
 * been published. */
enum job { NONE, PREP, ADD };

static pending *claimable(prep_pool *pool)
{
    for (int k = 0; k < pool->nclosed; k++)
        if (pool->closed[k]->next < pool->closed[k]->ready)
            return pool->closed[k];
    pending *o = pool->open;
    return o && o->next < o->ready ? o : NULL;
}

static enum job pick(prep_pool *pool, pending **pp, size_t *from, size_t *to)
{
    pending *p = claimable(pool), *c = pool->nclosed ? pool->closed[0] : NULL;
    if (c && c->finished == c->ready && !pool->adding) {
        pool->adding = 1;
        *pp = c;
        return ADD;
    }
    if (p) {
        *pp = p;
        *from = p->next;
        *to = p->next + CLAIM < p->ready ? p->next + CLAIM : p->ready;
        p->next = *to;
        return PREP;
    }
    return NONE;
}

/* Add the closed batch (once an add has failed, only empty it). Called
 * without the mutex, by one thread at a time (pool->adding). */
static tm_status add_closed(prep_pool *pool, pending *p, tm_status failed, tm_error *err)
{
    if (failed == TM_OK)
        return pool->add(pool->arg, p, err);
    tm_prep_empty(p);
    return TM_OK;
}

/* Do one job if there is one; called and returns with the mutex held.
 * Whether a job was done. */
static int do_job(prep_pool *pool)
{
    pending *p;
    size_t from, to;
    enum job j = pool->quit ? NONE : pick(pool, &p, &from, &to);
    if (j == NONE)
        return 0;
    tm_status failed = pool->add_st, st = TM_OK;
    tm_error err = {TM_OK, ""};
    pthread_mutex_unlock(&pool->mu);
    if (j == PREP)
        for (size_t k = from; k < to; k++)
            prepare_unit(p, k);
    else
        st = add_closed(pool, p, failed, &err);
    pthread_mutex_lock(&pool->mu);
    if (j == PREP) {
        p->finished += to - from;
    } else {
        if (st != TM_OK && pool->add_st == TM_OK) {
            pool->add_st = st;
            pool->add_err = err;
        }
        memmove(pool->closed, pool->closed + 1, (IN_FLIGHT - 2) * sizeof *pool->closed);
        pool->closed[--pool->nclosed] = NULL;
        pool->adding = 0;
    }
    pthread_cond_broadcast(&pool->cv);
    return 1;
}

static void *helper(void *arg)
{
    prep_pool *pool = arg;
    pthread_mutex_lock(&pool->mu);
    while (!pool->quit)
        if (!do_job(pool))
            pthread_cond_wait(&pool->cv, &pool->mu);
    pthread_mutex_unlock(&pool->mu);
    return NULL;
}

void tm_prep_init(prep_pool *pool, prep_add_fn add, void *arg)
{
    memset(pool, 0, sizeof *pool);
    pool->add = add;
    pool->arg = arg;
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
}

void tm_prep_open(prep_pool *pool, pending *p)
{
    pthread_mutex_lock(&pool->mu);
    p->ready = p->next = p->finished = 0;
    pool->open = p;
    pthread_mutex_unlock(&pool->mu);
}

void tm_prep_publish(prep_pool *pool)
{
    /* started on first use: an import of a few units needs no thread (and
     * when none can be started, the caller does every job itself) */
    if (!pool->started && pool->open->n > CLAIM)
        pool->started = pthread_create(&pool->thread, NULL, helper, pool) == 0;
    pthread_mutex_lock(&pool->mu);
    pool->open->ready = pool->open->n;
    pthread_cond_broadcast(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
}

/* Help until at most `most` batches are closed; the first failure of an add. */
static tm_status drain_locked(prep_pool *pool, int most, tm_error *err)
{
    while (pool->nclosed > most && !pool->quit)
        if (!do_job(pool))
            pthread_cond_wait(&pool->cv, &pool->mu);
    if (pool->add_st != TM_OK)
        *err = pool->add_err;
    return pool->add_st;
}

tm_status tm_prep_close(prep_pool *pool, tm_error *err)
{
    tm_prep_publish(pool);
    pthread_mutex_lock(&pool->mu);
    tm_status st = drain_locked(pool, IN_FLIGHT - 2, err);
    pool->closed[pool->nclosed++] = pool->open;
    pool->open = NULL;
    pthread_cond_broadcast(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
    return st;
}

tm_status tm_prep_drain(prep_pool *pool, tm_error *err)
{
    pthread_mutex_lock(&pool->mu);
    tm_status st = drain_locked(pool, 0, err);
    pthread_mutex_unlock(&pool->mu);
    return st;
}

void tm_prep_stop(prep_pool *pool)
{
    if (pool->started) {
        pthread_mutex_lock(&pool->mu);
        pool->quit = 1;
        pthread_cond_broadcast(&pool->cv);
        pthread_mutex_unlock(&pool->mu);
        pthread_join(pool->thread, NULL);
        pool->started = 0;
    }
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->cv);
}
