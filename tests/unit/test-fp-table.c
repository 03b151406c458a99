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

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-table.h"
#include "util.h"

/* Returns a key with 'in_port' and 'eth_type' (host order) set. */
static struct fp_key
make_key(uint32_t in_port, uint16_t eth_type)
{
    struct fp_key key;

    memset(&key, 0, sizeof key);
    key.in_port = in_port;
    key.eth_type = htons(eth_type);
    return key;
}

/* Returns a mask with all bits of 'in_port' and, if 'with_type', of
 * 'eth_type' set. */
static struct fp_key
make_mask(bool with_type)
{
    struct fp_key mask;

    memset(&mask, 0, sizeof mask);
    mask.in_port = UINT32_MAX;
    if (with_type) {
        mask.eth_type = UINT16_MAX;
    }
    return mask;
}

static void
test_fp_table_empty(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(4);
    struct fp_key key = make_key(1, 0x0800);

    assert_null(fp_table_lookup(table, &key));
    assert_int_equal(fp_table_count(table), 0);
    assert_int_equal(fp_table_capacity(table), 4);
    assert_int_equal(fp_table_n_masks(table), 0);
    assert_null(fp_table_get(table, 1));
    assert_int_equal(fp_table_remove(table, 1, NULL), ENOENT);
    assert_int_equal(fp_table_modify(table, 1, &key, &key, 0, NULL), ENOENT);
    fp_table_destroy(table);
    fp_table_destroy(NULL);
}

static void
test_fp_table_insert_lookup(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key mask = make_mask(true);
    struct fp_key pkt;
    int a, b;
    uint32_t id_a, id_b;

    assert_int_equal(fp_table_insert(table, &key, &mask, 10, &a, &id_a), 0);
    key.in_port = 2;
    assert_int_equal(fp_table_insert(table, &key, &mask, 10, &b, &id_b), 0);
    assert_int_not_equal(id_a, 0);
    assert_int_not_equal(id_b, 0);
    assert_int_not_equal(id_a, id_b);
    assert_int_equal(fp_table_count(table), 2);
    assert_int_equal(fp_table_n_masks(table), 1);
    assert_ptr_equal(fp_table_get(table, id_a), &a);
    assert_ptr_equal(fp_table_get(table, id_b), &b);

    pkt = make_key(1, 0x0800);
    memset(pkt.eth_src, 0x55, sizeof pkt.eth_src);  /* Not in the mask. */
    assert_ptr_equal(fp_table_lookup(table, &pkt), &a);
    pkt.in_port = 2;
    assert_ptr_equal(fp_table_lookup(table, &pkt), &b);
    pkt.in_port = 3;
    assert_null(fp_table_lookup(table, &pkt));
    pkt = make_key(1, 0x86dd);
    assert_null(fp_table_lookup(table, &pkt));

    fp_table_destroy(table);
}

/* Bits of a rule's key outside its mask are ignored. */
static void
test_fp_table_key_masked(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key mask = make_mask(false);
    struct fp_key pkt = make_key(1, 0x86dd);
    uint32_t id;
    int a;

    memset(key.eth_dst, 0xff, sizeof key.eth_dst);
    assert_int_equal(fp_table_insert(table, &key, &mask, 0, &a, &id), 0);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &a);
    fp_table_destroy(table);
}

static void
test_fp_table_masks_priority(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16);
    struct fp_key wide_mask = make_mask(false);
    struct fp_key narrow_mask = make_mask(true);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key pkt = make_key(1, 0x0800);
    struct fp_key all;
    uint32_t id_wide, id_narrow, id_all;
    int wide, narrow, catch_all;

    /* A low-priority exact rule and a high-priority wider one. */
    assert_int_equal(fp_table_insert(table, &key, &narrow_mask, 5, &narrow,
                                     &id_narrow), 0);
    assert_int_equal(fp_table_insert(table, &key, &wide_mask, 7, &wide,
                                     &id_wide), 0);
    memset(&all, 0, sizeof all);
    assert_int_equal(fp_table_insert(table, &all, &all, 1, &catch_all,
                                     &id_all), 0);
    assert_int_equal(fp_table_n_masks(table), 3);

    assert_ptr_equal(fp_table_lookup(table, &pkt), &wide);
    pkt.in_port = 9;
    assert_ptr_equal(fp_table_lookup(table, &pkt), &catch_all);

    /* Lower the wide rule below the narrow one. */
    assert_int_equal(fp_table_modify(table, id_wide, &key, &wide_mask, 3,
                                     &wide), 0);
    pkt.in_port = 1;
    assert_ptr_equal(fp_table_lookup(table, &pkt), &narrow);
    pkt.eth_type = htons(0x86dd);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &wide);

    /* Removing a mask's last rule removes the mask. */
    assert_int_equal(fp_table_remove(table, id_narrow, NULL), 0);
    assert_int_equal(fp_table_n_masks(table), 2);
    pkt.eth_type = htons(0x0800);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &wide);

    fp_table_destroy(table);
}

/* Equal priorities: the rule inserted first wins, whatever the masks, and a
 * modified rule keeps its place. */
static void
test_fp_table_ties(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key narrow_mask = make_mask(true);
    struct fp_key wide_mask = make_mask(false);
    struct fp_key pkt = make_key(1, 0x0800);
    uint32_t id1, id2, id3;
    int first, second, third;

    assert_int_equal(fp_table_insert(table, &key, &wide_mask, 5, &first,
                                     &id1), 0);
    assert_int_equal(fp_table_insert(table, &key, &narrow_mask, 5, &second,
                                     &id2), 0);
    assert_int_equal(fp_table_insert(table, &key, &narrow_mask, 5, &third,
                                     &id3), 0);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &first);

    assert_int_equal(fp_table_remove(table, id1, NULL), 0);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &second);

    /* Modify keeps the order: 'second' still wins over 'third'. */
    assert_int_equal(fp_table_modify(table, id2, &key, &wide_mask, 5,
                                     &second), 0);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &second);

    /* A rule added now comes after 'third'. */
    assert_int_equal(fp_table_insert(table, &key, &wide_mask, 5, &first,
                                     &id1), 0);
    assert_int_equal(fp_table_remove(table, id2, NULL), 0);
    assert_ptr_equal(fp_table_lookup(table, &pkt), &third);

    fp_table_destroy(table);
}

static void
test_fp_table_full(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(3);
    struct fp_key mask = make_mask(false);
    uint32_t ids[3], id;
    int data[4];
    size_t i;

    for (i = 0; i < 3; i++) {
        struct fp_key key = make_key(i, 0);

        assert_int_equal(fp_table_insert(table, &key, &mask, 0, &data[i],
                                         &ids[i]), 0);
    }
    struct fp_key key = make_key(3, 0);
    assert_int_equal(fp_table_insert(table, &key, &mask, 0, &data[3], &id),
                     ENOSPC);
    assert_int_equal(fp_table_count(table), 3);
    assert_null(fp_table_lookup(table, &key));

    /* Modify does not need room. */
    assert_int_equal(fp_table_modify(table, ids[0], &key, &mask, 0,
                                     &data[0]), 0);
    assert_ptr_equal(fp_table_lookup(table, &key), &data[0]);

    fp_table_destroy(table);
}

static void
test_fp_table_delete_reuse(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(2);
    struct fp_key mask = make_mask(false);
    struct fp_key k1 = make_key(1, 0), k2 = make_key(2, 0);
    uint32_t id1, id2, id3;
    void *data;
    int a, b, c;

    assert_int_equal(fp_table_insert(table, &k1, &mask, 0, &a, &id1), 0);
    assert_int_equal(fp_table_insert(table, &k2, &mask, 0, &b, &id2), 0);
    assert_int_equal(fp_table_insert(table, &k2, &mask, 0, &c, &id3),
                     ENOSPC);

    assert_int_equal(fp_table_remove(table, id1, &data), 0);
    assert_ptr_equal(data, &a);
    assert_int_equal(fp_table_remove(table, id1, &data), ENOENT);
    assert_null(fp_table_get(table, id1));
    assert_null(fp_table_lookup(table, &k1));
    assert_int_equal(fp_table_count(table), 1);

    /* The freed slot (and handle) is reused. */
    assert_int_equal(fp_table_insert(table, &k1, &mask, 0, &c, &id3), 0);
    assert_int_equal(id3, id1);
    assert_ptr_equal(fp_table_lookup(table, &k1), &c);
    assert_ptr_equal(fp_table_lookup(table, &k2), &b);

    fp_table_destroy(table);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_table_empty),
        cmocka_unit_test(test_fp_table_insert_lookup),
        cmocka_unit_test(test_fp_table_key_masked),
        cmocka_unit_test(test_fp_table_masks_priority),
        cmocka_unit_test(test_fp_table_ties),
        cmocka_unit_test(test_fp_table_full),
        cmocka_unit_test(test_fp_table_delete_reuse),
    };

    return cmocka_run_group_tests_name("fp_table", tests, NULL, NULL);
}
