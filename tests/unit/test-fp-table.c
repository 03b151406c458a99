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

/* Inserts and commits a rule; returns it. */
static struct fp_table_rule *
insert(struct fp_table *table, const struct fp_key *key,
       const struct fp_key *mask, uint32_t priority, uint64_t seq,
       void *data)
{
    struct fp_table_rule *rule;
    enum fp_table_full full;

    assert_int_equal(fp_table_insert(table, key, mask, priority, seq, data,
                                     0, &rule, &full), 0);
    fp_table_commit(table);
    return rule;
}

static void *
lookup(const struct fp_table *table, const struct fp_key *key)
{
    const struct fp_table_rule *rule;

    rule = fp_table_lookup(table, key, fp_table_version(table));
    return rule ? fp_table_rule_data(rule) : NULL;
}

static void
test_fp_table_empty(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(4, 4);
    struct fp_key key = make_key(1, 0x0800);

    assert_null(lookup(table, &key));
    assert_int_equal(fp_table_count(table), 0);
    assert_int_equal(fp_table_n_masks(table), 0);
    fp_table_destroy(table);
}

static void
test_fp_table_insert_lookup(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 8);
    struct fp_key k1 = make_key(1, 0x0800), k2 = make_key(2, 0x86dd);
    struct fp_key mask = make_mask(true);
    int a, b;

    insert(table, &k1, &mask, 1, 0, &a);
    insert(table, &k2, &mask, 1, 1, &b);
    assert_ptr_equal(lookup(table, &k1), &a);
    assert_ptr_equal(lookup(table, &k2), &b);
    k1.eth_type = htons(0x0806);
    assert_null(lookup(table, &k1));
    assert_int_equal(fp_table_count(table), 2);
    assert_int_equal(fp_table_n_masks(table), 1);
    fp_table_destroy(table);
}

static void
test_fp_table_versions(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 8);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key mask = make_mask(true);
    struct fp_key mask2 = make_mask(false);
    struct fp_table_rule *old, *new;
    enum fp_table_full full;
    uint64_t v0;
    int a, b;

    old = insert(table, &key, &mask, 5, 0, &a);
    v0 = fp_table_version(table);

    /* Staged changes are invisible until the commit; the old version
     * keeps seeing the old rule, even with another mask. */
    fp_table_remove(table, old);
    assert_int_equal(fp_table_insert(table, &key, &mask2, 5, 0, &b, 0, &new,
                                     &full), 0);
    assert_ptr_equal(fp_table_rule_data(fp_table_lookup(table, &key, v0)),
                     &a);
    fp_table_commit(table);
    assert_ptr_equal(fp_table_rule_data(fp_table_lookup(table, &key, v0)),
                     &a);
    assert_ptr_equal(lookup(table, &key), &b);
    assert_int_equal(fp_table_n_masks(table), 2);
    fp_table_purge(table);
    assert_int_equal(fp_table_n_masks(table), 1);
    assert_ptr_equal(lookup(table, &key), &b);

    /* Inserted and removed in one version: never visible. */
    assert_int_equal(fp_table_insert(table, &key, &mask, 9, 1, &a, 0, &old,
                                     &full), 0);
    fp_table_remove(table, old);
    fp_table_commit(table);
    assert_ptr_equal(lookup(table, &key), &b);
    fp_table_purge(table);
    assert_int_equal(fp_table_count(table), 1);
    fp_table_destroy(table);
}

static void
test_fp_table_masks_priority(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 8);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key narrow = make_mask(true), wide = make_mask(false);
    int lo, hi;

    insert(table, &key, &narrow, 1, 0, &lo);
    insert(table, &key, &wide, 2, 1, &hi);
    assert_ptr_equal(lookup(table, &key), &hi);
    fp_table_destroy(table);

    /* The other way around: the order of masks does not matter. */
    table = fp_table_create(8, 8);
    insert(table, &key, &wide, 1, 0, &lo);
    insert(table, &key, &narrow, 2, 1, &hi);
    assert_ptr_equal(lookup(table, &key), &hi);
    fp_table_destroy(table);
}

static void
test_fp_table_ties(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 8);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key narrow = make_mask(true), wide = make_mask(false);
    int first, second;

    /* Equal priority: the lower 'seq' wins, whatever the mask or the
     * insertion order. */
    insert(table, &key, &narrow, 3, 7, &second);
    insert(table, &key, &wide, 3, 2, &first);
    assert_ptr_equal(lookup(table, &key), &first);
    insert(table, &key, &wide, 3, 5, &second);
    assert_ptr_equal(lookup(table, &key), &first);
    fp_table_destroy(table);
}

static void
test_fp_table_full(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(3, 2);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key m1 = make_mask(true), m2 = make_mask(false), m3;
    struct fp_table_rule *rule;
    enum fp_table_full full;
    int x;

    m3 = m2;
    m3.eth_src[0] = 0xff;
    insert(table, &key, &m1, 1, 0, &x);
    insert(table, &key, &m2, 1, 1, &x);

    /* A third mask does not fit, an existing one does. */
    assert_false(fp_table_mask_available(table, &m3));
    assert_true(fp_table_mask_available(table, &m1));
    assert_int_equal(fp_table_insert(table, &key, &m3, 1, 2, &x, 0, &rule,
                                     &full), ENOSPC);
    assert_int_equal(full, FP_TABLE_FULL_MASKS);

    insert(table, &key, &m1, 1, 3, &x);
    assert_int_equal(fp_table_insert(table, &key, &m1, 1, 4, &x, 0, &rule,
                                     &full), ENOSPC);
    assert_int_equal(full, FP_TABLE_FULL_RULES);
    assert_int_equal(fp_table_count(table), 3);
    fp_table_destroy(table);
}

static void
test_fp_table_set_data(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(2, 2);
    struct fp_key key = make_key(1, 0x0800), mask = make_mask(true);
    struct fp_table_rule *rule;
    int a, b;

    rule = insert(table, &key, &mask, 1, 0, &a);
    fp_table_rule_set_data(rule, &b);
    assert_ptr_equal(lookup(table, &key), &b);
    assert_true(fp_table_rule_same_match(table, rule, &key, &mask, 1));
    assert_false(fp_table_rule_same_match(table, rule, &key, &mask, 2));
    key.eth_src[0] = 1;         /* Outside the mask: still the same. */
    assert_true(fp_table_rule_same_match(table, rule, &key, &mask, 1));
    fp_table_destroy(table);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_table_empty),
        cmocka_unit_test(test_fp_table_insert_lookup),
        cmocka_unit_test(test_fp_table_versions),
        cmocka_unit_test(test_fp_table_masks_priority),
        cmocka_unit_test(test_fp_table_ties),
        cmocka_unit_test(test_fp_table_full),
        cmocka_unit_test(test_fp_table_set_data),
    };

    return cmocka_run_group_tests_name("fp_table", tests, NULL, NULL);
}
