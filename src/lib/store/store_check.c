/*
 * store_check.c — `tmkit check`: every checksum and index of a store.
 * The file is opened with every section verified (store_file.c), then each
 * segment's match data is loaded group by group (store_fwd.c) and each
 * unit decoded (store_unit.c): a store that passes can be read whole.
 */
#include "store_internal.h"

/* Readers refuse a store whose newest slot fails its checksum
 * (older_slot) and read past damage in the older one, which a commit
 * overwrites anyway; check reports any slot that is neither unused (all
 * zeros) nor valid with zeros past its fields. */
static tm_status check_slot(const tm_store *s, int k, tm_error *err)
{
    const unsigned char *p = s->map + k * SLOT_SIZE;
    int head_zero = 1, tail_zero = 1;
    for (size_t i = 0; i < SLOT_SIZE; i++)
        if (p[i])
            *(i < SLOT_USED ? &head_zero : &tail_zero) = 0;
    if (!tail_zero)
        return tm_error_at(err, TM_EDATA, s->path, 0,
                           "damaged store: header slot %c has bytes set past its fields", 'A' + k);
    if (!head_zero && !tm_slot_decode(p).valid)
        return tm_error_at(err, TM_EDATA, s->path, 0,
                           "damaged store: header slot %c fails its checksum (the older slot: "
                           "the store shows transaction %llu, as it should)",
                           'A' + k, (unsigned long long)s->head.txid);
    return TM_OK;
}

tm_status tm_store_check(const char *path, tm_error *err)
{
    tm_store *s;
    tm_status st = tm_store_open_verify(&s, path, 1, err);
    if (st != TM_OK)
        return st;
    for (int k = 0; k < 2 && st == TM_OK; k++)
        st = check_slot(s, k, err);
    tm_tu tu = TM_TU_INIT;
    for (size_t gi = 0; gi < s->nseg && st == TM_OK; gi++) {
        st = tm_fwd_check(s, gi, err);
        for (uint32_t k = 0; k < s->seg[gi].nunits && st == TM_OK; k++)
            st = tm_store_load(s, gi, k, &tu, err);
    }
    tm_tu_clear(&tu);
    tm_store_close(s);
    return st;
}
