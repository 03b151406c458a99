/*
 * Copyright (c) 2026 The ovs-offload authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* Unit tests of the model's rule table (lib/fp-table.c). */

#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp-slab.h"
#include "ovs-thread.h"
#include "util.h"

/* Checks that each of the 'n' objects of 'size' bytes in 'objects' still
 * holds its index's low byte in every byte, as the tests wrote it. */
static void
check_objects(uint8_t *objects[], size_t n, size_t size)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < size; j++) {
            assert_int_equal(objects[i][j], i & 0xff);
        }
    }
}

/* Objects of a slab more than a block holds: each aligned on 8 bytes,
 * none overlapping another (each keeps what was written to it), counted;
 * an object freed from the block with room is given again. */
static void
test_fp_slab_alloc_free(void **state OVS_UNUSED)
{
    enum { N = 1000, SIZE = 20 };
    struct fp_slab *slab = fp_slab_create(SIZE);
    uint8_t *objects[N];
    size_t i;

    for (i = 0; i < N; i++) {
        objects[i] = fp_slab_alloc(slab);
        assert_int_equal((uintptr_t) objects[i] % 8, 0);
        memset(objects[i], i & 0xff, SIZE);
    }
    assert_int_equal(fp_slab_count(slab), N);
    check_objects(objects, N, SIZE);
    /* Of 24 bytes each, with less than a byte of the block's header. */
    assert_in_range(fp_slab_object_cost(slab), 24, 25);

    fp_slab_free(objects[N - 1]);
    assert_int_equal(fp_slab_count(slab), N - 1);
    assert_ptr_equal(fp_slab_alloc(slab), objects[N - 1]);
    for (i = 0; i < N; i++) {
        fp_slab_free(objects[i]);
    }
    assert_int_equal(fp_slab_count(slab), 0);
    fp_slab_free(NULL);
    fp_slab_destroy(slab);
}

/* Objects of a slab aligned on 4 bytes (fp_slab_create_aligned()): 20
 * bytes each, side by side, so that half of them are not aligned on 8,
 * none overlapping another; objects freed on the owner's thread and on
 * another one (whose links are then not aligned on 8) are given again,
 * each once, and the others keep what was written to them. */
static void
test_fp_slab_align4(void **state OVS_UNUSED)
{
    enum { N = 2000, SIZE = 20 };
    struct fp_slab *slab = fp_slab_create_aligned(SIZE, 4);
    uint8_t *objects[N];
    size_t i, n_odd = 0;

    for (i = 0; i < N; i++) {
        objects[i] = fp_slab_alloc(slab);
        assert_int_equal((uintptr_t) objects[i] % 4, 0);
        n_odd += (uintptr_t) objects[i] % 8 != 0;
        memset(objects[i], i & 0xff, SIZE);
    }
    assert_true(n_odd > 0);
    assert_in_range(fp_slab_object_cost(slab), 20, 21);

    /* Every third object freed, half of them as another thread would. */
    for (i = 0; i < N; i += 3) {
        if (i % 2) {
            fp_slab_free_remote(objects[i]);
        } else {
            fp_slab_free(objects[i]);
        }
    }
    fp_slab_collect(slab);
    assert_int_equal(fp_slab_count(slab), N - (N + 2) / 3);
    for (i = 0; i < N; i += 3) {
        objects[i] = fp_slab_alloc(slab);
        memset(objects[i], i & 0xff, SIZE);
    }
    assert_int_equal(fp_slab_count(slab), N);
    check_objects(objects, N, SIZE);
    for (i = 0; i < N; i++) {
        fp_slab_free(objects[i]);
    }
    assert_int_equal(fp_slab_count(slab), 0);
    fp_slab_destroy(slab);
}

/* Objects freed after their slab's fp_slab_destroy(), by
 * fp_slab_free_remote() as an RCU callback frees a rule after its table is
 * gone: they stay valid until then, and the last one frees the slab (which
 * valgrind and the address sanitizer see: no leak, no use after free). */
static void
test_fp_slab_free_after_destroy(void **state OVS_UNUSED)
{
    enum { N = 3000 };
    struct fp_slab *slab = fp_slab_create(sizeof(uint64_t));
    uint64_t *objects[N];
    size_t i;

    for (i = 0; i < N; i++) {
        objects[i] = fp_slab_alloc(slab);
        *objects[i] = i;
    }
    fp_slab_free_remote(NULL);
    fp_slab_destroy(slab);
    for (i = 0; i < N; i++) {
        assert_int_equal(*objects[i], i);
        fp_slab_free_remote(objects[i]);
    }

    /* A slab destroyed without objects goes at once. */
    fp_slab_destroy(fp_slab_create(1));
    fp_slab_destroy(NULL);
}

struct free_arg {
    uint64_t **objects;
    size_t n;
};

static void *
free_main(void *arg_)
{
    struct free_arg *arg = arg_;
    size_t i;

    for (i = 0; i < arg->n; i++) {
        fp_slab_free_remote(arg->objects[i]);
    }
    return NULL;
}

/* Frees on another thread (fp_slab_free_remote()) while the owner
 * allocates, as the RCU thread frees rules while the table's writer
 * inserts: every object is given once, and the owner takes back those that
 * the other thread freed (fp_slab_collect()). */
static void
test_fp_slab_threads(void **state OVS_UNUSED)
{
    enum { N = 20000 };
    struct fp_slab *slab = fp_slab_create(40);
    uint64_t **objects = xmalloc(2 * N * sizeof *objects);
    struct free_arg arg = { objects, N };
    pthread_t thread;
    size_t i;

    for (i = 0; i < N; i++) {
        objects[i] = fp_slab_alloc(slab);
        *objects[i] = i;
    }
    thread = ovs_thread_create("fp_slab_free", free_main, &arg);
    for (i = N; i < 2 * N; i++) {
        objects[i] = fp_slab_alloc(slab);
        *objects[i] = i;
    }
    xpthread_join(thread, NULL);
    fp_slab_collect(slab);
    assert_int_equal(fp_slab_count(slab), N);
    for (i = N; i < 2 * N; i++) {
        assert_int_equal(*objects[i], i);
        fp_slab_free(objects[i]);
    }
    assert_int_equal(fp_slab_count(slab), 0);
    fp_slab_destroy(slab);
    free(objects);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_slab_alloc_free),
        cmocka_unit_test(test_fp_slab_align4),
        cmocka_unit_test(test_fp_slab_free_after_destroy),
        cmocka_unit_test(test_fp_slab_threads),
    };

    return cmocka_run_group_tests_name("fp_slab", tests, NULL, NULL);
}
