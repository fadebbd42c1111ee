/* test_buf.c — the growable buffer keeps its invariant through growth;
 * the u32map finds every key it was given, across its growth. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tmkit.h"
#include "util/u32map.h"

START_TEST(test_append_and_terminate)
{
    tm_buf b = TM_BUF_INIT;
    ck_assert_int_eq(tm_buf_puts(&b, "xin "), 0);
    ck_assert_int_eq(tm_buf_append(&b, "chào", strlen("chào")), 0);
    ck_assert_int_eq(tm_buf_putc(&b, '!'), 0);
    ck_assert_str_eq(b.data, "xin chào!");
    ck_assert_uint_eq(b.len, strlen("xin chào!"));
    ck_assert(b.len < b.cap);
    tm_buf_free(&b);
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_growth_many_appends)
{
    tm_buf b = TM_BUF_INIT;
    for (int i = 0; i < 100000; i++)
        ck_assert_int_eq(tm_buf_putc(&b, (char)('a' + i % 26)), 0);
    ck_assert_uint_eq(b.len, 100000);
    ck_assert_int_eq(b.data[26], 'a');
    ck_assert_int_eq(b.data[b.len], '\0');
    tm_buf_free(&b);
}
END_TEST

START_TEST(test_clear_keeps_memory_detach_resets)
{
    tm_buf b = TM_BUF_INIT;
    tm_buf_puts(&b, "Quảng Ninh");
    size_t cap = b.cap;
    tm_buf_clear(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, cap);
    ck_assert_str_eq(b.data, "");
    tm_buf_puts(&b, "Hạ Long");
    char *s = tm_buf_detach(&b);
    ck_assert_str_eq(s, "Hạ Long");
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.cap, 0);
    free(s);
    s = tm_buf_detach(&b); /* empty buffer: an empty string, not NULL */
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(test_grow_overflow_refused)
{
    tm_buf b = TM_BUF_INIT;
    tm_buf_puts(&b, "x");
    ck_assert_int_eq(tm_buf_grow(&b, (size_t)-1), -1);
    ck_assert_str_eq(b.data, "x");
    tm_buf_free(&b);
}
END_TEST

START_TEST(test_array_reserve_doubles_and_keeps_items)
{
    int *a = NULL;
    size_t cap = 0, n = 0;
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(tm_array_reserve(&a, &cap, n + 1, sizeof *a, 4), 0);
        ck_assert_uint_ge(cap, n + 1);
        a[n++] = i;
    }
    ck_assert_uint_eq(cap, 1024); /* 4 doubled eight times */
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(a[i], i);
    ck_assert_int_eq(tm_array_reserve(&a, &cap, 10, sizeof *a, 4), 0); /* already room */
    ck_assert_uint_eq(cap, 1024);
    free(a);
}
END_TEST

START_TEST(test_array_reserve_overflow_leaves_array)
{
    int *a = NULL;
    size_t cap = 0;
    ck_assert_int_eq(tm_array_reserve(&a, &cap, 3, sizeof *a, 4), 0);
    int *before = a;
    ck_assert_int_eq(tm_array_reserve(&a, &cap, SIZE_MAX / 2 + 2, sizeof *a, 4), -1);
    ck_assert_ptr_eq(a, before);
    ck_assert_uint_eq(cap, 4);
    ck_assert_int_eq(tm_array_reserve(&a, &cap, SIZE_MAX / 4, sizeof *a, 4), -1);
    ck_assert_uint_eq(cap, 4);
    free(a);
}
END_TEST

START_TEST(test_u32map_against_an_array)
{
    /* keys that collide in the low bits too, and key 0 */
    enum { N = 50000 };
    u32map m;
    ck_assert_int_eq(u32map_init(&m, 4), 0);
    for (uint32_t i = 0; i < N; i++) {
        int added;
        uint32_t *v = u32map_put(&m, i * 4096u, &added);
        ck_assert_ptr_nonnull(v);
        ck_assert_int_eq(added, 1);
        ck_assert_uint_eq(*v, 0);
        *v = i + 7;
    }
    ck_assert_uint_eq(m.n, N);
    ck_assert(2 * m.n <= m.mask + 1);
    for (uint32_t i = 0; i < N; i++) {
        int added;
        ck_assert_uint_eq(*u32map_put(&m, i * 4096u, &added), i + 7);
        ck_assert_int_eq(added, 0);
        ck_assert_uint_eq(*u32map_get(&m, i * 4096u), i + 7);
    }
    ck_assert_ptr_null(u32map_get(&m, 4096u * N));
    ck_assert_ptr_null(u32map_get(&m, 1));
    ck_assert_uint_eq(m.n, N);
    u32map_free(&m);
}
END_TEST

static Suite *buf_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_append_and_terminate);
    tcase_add_test(tc, test_growth_many_appends);
    tcase_add_test(tc, test_clear_keeps_memory_detach_resets);
    tcase_add_test(tc, test_grow_overflow_refused);
    tcase_add_test(tc, test_array_reserve_doubles_and_keeps_items);
    tcase_add_test(tc, test_array_reserve_overflow_leaves_array);
    tcase_add_test(tc, test_u32map_against_an_array);
    suite_add_tcase(s, tc);
    return s;
}

TM_TEST_MAIN(buf_suite)
