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
#include "hash.h"
#include "ovs-rcu.h"
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

/* One hash table holds the rules of every mask: rules of two masks whose
 * masked words are equal (in_port N and nw_src N, each one word) are told
 * apart by their mask, in both lookups.  A small table, whose buckets the
 * two masks share, filled and emptied again with other words, so that
 * some key of one mask lands in the bucket of the same key of the other. */
static void
test_fp_table_masks_apart(void **state OVS_UNUSED)
{
    enum { N = 32, ROUNDS = 64 };
    struct fp_table *table = fp_table_create(N + 1, 4);
    struct fp_key port_mask = make_mask(false);
    struct fp_table_rule *rules[N];
    struct fp_key src_mask, key;
    uint32_t data[N];
    int other;
    size_t i, r;

    memset(&src_mask, 0, sizeof src_mask);
    src_mask.nw_src = OVS_BE32_MAX;
    /* A rule of the other mask, of a higher priority, which the lookups
     * probe first. */
    key = make_key(0, 0);
    key.nw_src = htonl(UINT32_MAX);
    insert(table, &key, &src_mask, 2, 0, &other);

    for (r = 0; r < ROUNDS; r++) {
        for (i = 0; i < N; i++) {
            data[i] = r * N + i;
            key = make_key(data[i], 0);
            rules[i] = insert(table, &key, &port_mask, 1, data[i] + 1,
                              &data[i]);
        }
        for (i = 0; i < N; i++) {
            const struct fp_table_rule *found[1];
            const struct fp_key *keys[1] = { &key };

            /* nw_src X in mask nw_src has the masked word of in_port X in
             * mask in_port, but no rule has the packet's port. */
            key = make_key(UINT32_MAX, 0);
            key.nw_src = (OVS_FORCE ovs_be32) data[i];
            assert_null(lookup(table, &key));
            fp_table_lookup_batch(table, keys, 1, fp_table_version(table),
                                  found);
            assert_null(found[0]);

            key.in_port = data[i];
            assert_ptr_equal(lookup(table, &key), &data[i]);
            fp_table_lookup_batch(table, keys, 1, fp_table_version(table),
                                  found);
            assert_ptr_equal(fp_table_rule_data(found[0]), &data[i]);
        }
        for (i = 0; i < N; i++) {
            fp_table_remove(table, rules[i]);
        }
        fp_table_commit(table);
        fp_table_purge(table);
    }
    key.nw_src = htonl(UINT32_MAX);
    assert_ptr_equal(lookup(table, &key), &other);
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

/* Bits of a rule's key outside its mask are ignored: the rule matches
 * packets whatever they have there, as does a rule inserted with those
 * bits clear, and a lookup key's bits outside the mask do not matter. */
static void
test_fp_table_key_outside_mask(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 8);
    struct fp_key mask = make_mask(false), key = make_key(1, 0x86dd);
    struct fp_key pkt = make_key(1, 0x0800);
    const struct fp_table_rule *rule;
    int a;

    /* Words that the mask leaves out, and words that it covers in part: a
     * /24 of nw_src, the high nibble of a byte of eth_dst. */
    mask.nw_src = htonl(0xffffff00);
    mask.eth_dst[5] = 0xf0;
    memset(key.eth_src, 0xab, sizeof key.eth_src);
    key.nw_src = htonl(0x0a000077);
    key.eth_dst[5] = 0x3c;
    insert(table, &key, &mask, 3, 1, &a);
    pkt.nw_src = htonl(0x0a000005);
    pkt.eth_dst[5] = 0x30;
    assert_ptr_equal(lookup(table, &pkt), &a);
    memset(pkt.eth_src, 0xcd, sizeof pkt.eth_src);
    pkt.eth_dst[5] = 0x3f;
    pkt.tp_dst = htons(80);
    assert_ptr_equal(lookup(table, &pkt), &a);

    /* It is the same match as the rule with those bits clear. */
    key = make_key(1, 0);
    key.nw_src = htonl(0x0a000000);
    key.eth_dst[5] = 0x30;
    rule = fp_table_lookup(table, &pkt, fp_table_version(table));
    assert_non_null(rule);
    assert_true(fp_table_rule_same_match(table, rule, &key, &mask, 3));
    pkt.eth_dst[5] = 0x4f;
    assert_null(lookup(table, &pkt));
    pkt.eth_dst[5] = 0x3f;
    pkt.nw_src = htonl(0x0a000105);
    assert_null(lookup(table, &pkt));
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

/* A mask found again: the one of the last insertion, another one among
 * several, and one that went away with its last rule and comes back (a new
 * entry of the mask table, not the old one, even though the old one was the
 * last insertion's). */
static void
test_fp_table_mask_comes_back(void **state OVS_UNUSED)
{
    enum { N_MASKS = 40 };
    struct fp_table *table = fp_table_create(2 * N_MASKS + 2, N_MASKS);
    struct fp_table_rule *rules[2 * N_MASKS], *last;
    struct fp_key keys[2 * N_MASKS], masks[N_MASKS], key;
    int data[2 * N_MASKS + 2];
    size_t i;

    /* Each mask twice, in turn, so that the last insertion's mask is never
     * the one sought. */
    for (i = 0; i < 2 * N_MASKS; i++) {
        size_t m = i % N_MASKS;

        if (i < N_MASKS) {
            masks[m] = make_mask(true);
            masks[m].nw_dst = htonl(UINT32_MAX << (m % 32));
            masks[m].tp_dst = m < 32 ? 0 : UINT16_MAX;
        }
        keys[i] = make_key(i + 1, 0x0800);
        rules[i] = insert(table, &keys[i], &masks[m], 1, i, &data[i]);
    }
    assert_int_equal(fp_table_n_masks(table), N_MASKS);
    assert_true(fp_table_mask_available(table, &masks[N_MASKS / 2]));
    for (i = 0; i < 2 * N_MASKS; i++) {
        assert_ptr_equal(lookup(table, &keys[i]), &data[i]);
    }

    /* Mask 0 gets a third rule, the last insertion, then loses all three:
     * it goes away. */
    key = make_key(1000, 0x0800);
    last = insert(table, &key, &masks[0], 1, 100, &data[2 * N_MASKS]);
    fp_table_remove(table, rules[0]);
    fp_table_remove(table, rules[N_MASKS]);
    fp_table_remove(table, last);
    fp_table_commit(table);
    fp_table_purge(table);
    assert_int_equal(fp_table_n_masks(table), N_MASKS - 1);
    assert_null(lookup(table, &keys[0]));

    /* It comes back: a new entry of the mask table, where a lookup finds
     * its rule. */
    insert(table, &keys[0], &masks[0], 1, 200, &data[2 * N_MASKS + 1]);
    assert_int_equal(fp_table_n_masks(table), N_MASKS);
    assert_ptr_equal(lookup(table, &keys[0]), &data[2 * N_MASKS + 1]);
    assert_ptr_equal(lookup(table, &keys[N_MASKS - 1]), &data[N_MASKS - 1]);
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

/* A rule of test_fp_table_churn(), for the reference lookup. */
struct churn_rule {
    struct fp_table_rule *rule;     /* NULL if not in the table. */
    struct fp_key key;
    struct fp_key mask;
    uint32_t priority;
    uint64_t seq;
};

static uint32_t
churn_rand(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* Returns the rule of 'rules' that matches 'key' with the highest priority,
 * then the lowest seq, or NULL. */
static struct churn_rule *
churn_reference(struct churn_rule *rules, size_t n, const struct fp_key *key)
{
    struct churn_rule *best = NULL;
    size_t i;

    for (i = 0; i < n; i++) {
        struct churn_rule *r = &rules[i];

        if (r->rule
            && (key->in_port & r->mask.in_port) == r->key.in_port
            && (key->eth_type & r->mask.eth_type) == r->key.eth_type
            && (!best || r->priority > best->priority
                || (r->priority == best->priority && r->seq < best->seq))) {
            best = r;
        }
    }
    return best;
}

/* Random inserts, removals, replacements and purges over four masks, with
 * lookups, single and batched, checked against a linear reference after
 * every commit: the mask table's bounds and order never change a result. */
static void
test_fp_table_churn(void **state OVS_UNUSED)
{
    enum { N = 48 };
    struct fp_table *table = fp_table_create(N, 4);
    struct churn_rule rules[N];
    uint32_t rng = 12345;
    uint64_t seq = 0;
    int round;

    memset(rules, 0, sizeof rules);
    for (round = 0; round < 3000; round++) {
        const struct fp_key *keys[FP_TABLE_BATCH];
        const struct fp_table_rule *found[FP_TABLE_BATCH];
        struct fp_key all_keys[8];
        int op;
        size_t i;

        for (op = 0; op < 4; op++) {
            struct churn_rule *r = &rules[churn_rand(&rng) % N];
            enum fp_table_full full;
            uint32_t variant;

            if (r->rule && churn_rand(&rng) % 3) {
                fp_table_remove(table, r->rule);
                if (churn_rand(&rng) % 2) {
                    /* Replace it in the same version, with the same seq, as
                     * fp-model's modify does. */
                    r->priority = churn_rand(&rng) % 4;
                    assert_int_equal(fp_table_insert(table, &r->key, &r->mask,
                                                     r->priority, r->seq, r,
                                                     0, &r->rule, &full), 0);
                } else {
                    r->rule = NULL;
                }
                continue;
            } else if (r->rule) {
                continue;
            }
            variant = churn_rand(&rng) % 4;
            r->mask = make_mask(variant & 1);
            if (variant & 2) {
                r->mask.in_port = 0;
            }
            r->key = make_key(churn_rand(&rng) % 4,
                              churn_rand(&rng) % 2 ? 0x0800 : 0x86dd);
            r->key.in_port &= r->mask.in_port;
            r->key.eth_type &= r->mask.eth_type;
            r->priority = churn_rand(&rng) % 4;
            r->seq = seq++;
            assert_int_equal(fp_table_insert(table, &r->key, &r->mask,
                                             r->priority, r->seq, r, 0,
                                             &r->rule, &full), 0);
        }
        fp_table_commit(table);
        if (churn_rand(&rng) % 2) {
            fp_table_purge(table);
        }

        for (i = 0; i < ARRAY_SIZE(all_keys); i++) {
            all_keys[i] = make_key(i / 2, i % 2 ? 0x0800 : 0x86dd);
            keys[i] = &all_keys[i];
        }
        fp_table_lookup_batch(table, keys, ARRAY_SIZE(all_keys),
                              fp_table_version(table), found);
        for (i = 0; i < ARRAY_SIZE(all_keys); i++) {
            struct churn_rule *best = churn_reference(rules, N, keys[i]);

            assert_ptr_equal(lookup(table, keys[i]), best);
            assert_ptr_equal(found[i] ? fp_table_rule_data(found[i]) : NULL,
                             best);
        }
    }
    fp_table_purge(table);
    fp_table_destroy(table);
}

/* A rule of test_fp_table_many_masks(): IPv4 UDP, nw_dst on a prefix of
 * 32 - (mask % 32) bits, and tp_dst if mask >= 32, as the benchmark's. */
struct cliff_rule {
    struct fp_table_rule *rule;     /* NULL once removed. */
    uint32_t nw_dst;                /* Host order, masked. */
    uint32_t nw_mask;
    uint16_t tp_dst;
    bool with_tp;
    uint32_t priority;
    uint64_t seq;
};

/* Returns the rule of 'rules' that matches 'key' with the highest priority,
 * then the lowest seq, or NULL: a linear scan. */
static struct cliff_rule *
cliff_reference(struct cliff_rule *rules, size_t n, const struct fp_key *key)
{
    uint32_t dst = ntohl(key->nw_dst);
    struct cliff_rule *best = NULL;
    size_t i;

    for (i = 0; i < n; i++) {
        struct cliff_rule *r = &rules[i];

        if (r->rule
            && (dst & r->nw_mask) == r->nw_dst
            && (!r->with_tp || ntohs(key->tp_dst) == r->tp_dst)
            && (!best || r->priority > best->priority
                || (r->priority == best->priority && r->seq < best->seq))) {
            best = r;
        }
    }
    return best;
}

/* Looks up the 'n_pkts' keys of 'pkts' (a multiple of FP_TABLE_BATCH) in
 * 'table', singly and in batches, and checks the results against
 * cliff_reference() over the 'n' rules of 'rules'. */
static void
cliff_check(const struct fp_table *table, struct cliff_rule *rules, size_t n,
            const struct fp_key *pkts, size_t n_pkts)
{
    size_t i, j;

    for (i = 0; i < n_pkts; i += FP_TABLE_BATCH) {
        const struct fp_key *keys[FP_TABLE_BATCH];
        const struct fp_table_rule *found[FP_TABLE_BATCH];

        for (j = 0; j < FP_TABLE_BATCH; j++) {
            keys[j] = &pkts[i + j];
        }
        fp_table_lookup_batch(table, keys, FP_TABLE_BATCH,
                              fp_table_version(table), found);
        for (j = 0; j < FP_TABLE_BATCH; j++) {
            struct cliff_rule *best = cliff_reference(rules, n, keys[j]);

            assert_ptr_equal(lookup(table, keys[j]), best);
            assert_ptr_equal(found[j] ? fp_table_rule_data(found[j]) : NULL,
                             best);
        }
    }
}

/* Many rules over 64 masks, most of them sharing their masked key with
 * others (a short prefix has few keys), the case where each key's rules
 * form a long list: random packets, looked up singly and in batches, find
 * the rule that a linear scan finds (highest priority, then lowest seq),
 * before and after removing a third of the rules, the first of a list and
 * others. */
static void
test_fp_table_many_masks(void **state OVS_UNUSED)
{
    enum { N = 6000, N_MASKS = 64, N_PKTS = 1024 };
    struct fp_table *table = fp_table_create(N, N_MASKS);
    struct cliff_rule *rules = xcalloc(N, sizeof *rules);
    struct fp_key *pkts = xcalloc(N_PKTS, sizeof *pkts);
    uint32_t rng = 4242;
    int round;
    size_t i;

    for (i = 0; i < N; i++) {
        struct cliff_rule *r = &rules[i];
        int m = i % N_MASKS;
        int plen = 32 - (m % 32);
        struct fp_key key, mask;
        enum fp_table_full full;

        r->nw_mask = plen ? UINT32_MAX << (32 - plen) : 0;
        /* Few distinct values, so that long prefixes share keys too. */
        r->nw_dst = (churn_rand(&rng) % 8 ? churn_rand(&rng) % 16 << 28
                     : churn_rand(&rng)) & r->nw_mask;
        r->with_tp = m >= 32;
        r->tp_dst = churn_rand(&rng) % 4;
        r->priority = churn_rand(&rng) % 16;
        r->seq = i;

        memset(&key, 0, sizeof key);
        memset(&mask, 0, sizeof mask);
        key.eth_type = htons(0x0800);
        mask.eth_type = UINT16_MAX;
        key.nw_proto = 17;
        mask.nw_proto = UINT8_MAX;
        key.nw_dst = htonl(r->nw_dst);
        mask.nw_dst = htonl(r->nw_mask);
        if (r->with_tp) {
            key.tp_dst = htons(r->tp_dst);
            mask.tp_dst = UINT16_MAX;
        }
        assert_int_equal(fp_table_insert(table, &key, &mask, r->priority,
                                         r->seq, r, 0, &r->rule, &full), 0);
    }
    fp_table_commit(table);
    assert_int_equal(fp_table_n_masks(table), N_MASKS);

    for (i = 0; i < N_PKTS; i++) {
        const struct cliff_rule *r = &rules[churn_rand(&rng) % N];

        pkts[i].eth_type = htons(0x0800);
        pkts[i].nw_proto = 17;
        pkts[i].nw_dst = htonl(r->nw_dst | (churn_rand(&rng) & ~r->nw_mask));
        pkts[i].tp_dst = htons(churn_rand(&rng) % 5);
    }

    for (round = 0; round < 2; round++) {
        cliff_check(table, rules, N, pkts, N_PKTS);

        /* Remove a third of the rules, and the rule that each packet hits
         * (the first of its list) for a quarter of the packets. */
        for (i = 0; i < N; i++) {
            if (rules[i].rule && churn_rand(&rng) % 3 == 0) {
                fp_table_remove(table, rules[i].rule);
                rules[i].rule = NULL;
            }
        }
        for (i = 0; i < N_PKTS; i += 4) {
            struct cliff_rule *best = cliff_reference(rules, N, &pkts[i]);

            if (best) {
                fp_table_remove(table, best->rule);
                best->rule = NULL;
            }
        }
        fp_table_commit(table);

        /* The removed rules are still in their lists, invisible. */
        cliff_check(table, rules, N, pkts, N_PKTS);
        fp_table_purge(table);
    }
    cliff_check(table, rules, N, pkts, N_PKTS);
    fp_table_destroy(table);
    free(rules);
    free(pkts);
}

/* Inserts one rule per mask, 'n_masks' masks that all match one packet,
 * with distinct priorities in a random order, then removes the winner
 * again and again: the lookup always finds the rule of the highest
 * priority left, as the mask table stays sorted by the masks' bounds
 * (small mask tables and large ones are sorted differently). */
static void
mask_order_check(size_t n_masks)
{
    struct fp_table *table = fp_table_create(n_masks, n_masks);
    struct fp_table_rule **rules = xcalloc(n_masks, sizeof *rules);
    uint32_t *prios = xcalloc(n_masks, sizeof *prios);
    struct fp_key pkt;
    uint32_t rng = 1234;
    size_t i, j;

    memset(&pkt, 0, sizeof pkt);
    pkt.eth_type = htons(0x0800);
    pkt.nw_proto = 17;
    pkt.nw_dst = htonl(0x0a0b0c0d);
    pkt.tp_dst = htons(80);

    /* Priorities 1...n_masks, shuffled. */
    for (i = 0; i < n_masks; i++) {
        prios[i] = i + 1;
    }
    for (i = n_masks - 1; i > 0; i--) {
        uint32_t tmp;

        j = churn_rand(&rng) % (i + 1);
        tmp = prios[i];
        prios[i] = prios[j];
        prios[j] = tmp;
    }
    for (i = 0; i < n_masks; i++) {
        struct fp_key mask;

        memset(&mask, 0, sizeof mask);
        mask.eth_type = UINT16_MAX;
        mask.nw_dst = htonl(i % 33 ? UINT32_MAX << (32 - i % 33) : 0);
        mask.tp_dst = (i / 33) & 1 ? UINT16_MAX : 0;
        mask.nw_proto = (i / 66) & 1 ? UINT8_MAX : 0;
        rules[i] = insert(table, &pkt, &mask, prios[i], i, &prios[i]);
    }
    assert_int_equal(fp_table_n_masks(table), n_masks);

    for (i = n_masks; i > 0; i--) {
        const uint32_t *found = lookup(table, &pkt);

        assert_non_null(found);
        assert_int_equal(*found, i);
        j = found - prios;
        fp_table_remove(table, rules[j]);
        fp_table_commit(table);
        fp_table_purge(table);
    }
    assert_null(lookup(table, &pkt));
    fp_table_destroy(table);
    free(rules);
    free(prios);
}

static void
test_fp_table_mask_order(void **state OVS_UNUSED)
{
    mask_order_check(40);
    mask_order_check(130);
}

/* The table tells in which version a rule was last added, and in which
 * one a rule was last added that might beat an older one: of a higher
 * priority than the lowest ever inserted, or of a tie-breaker not higher
 * than every one before it. */
static void
test_fp_table_beat_version(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16, 8);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key narrow = make_mask(true), wide = make_mask(false);
    struct fp_table_rule *rule;
    enum fp_table_full full;
    uint64_t v;
    int a, b, c, d, e;

    assert_int_equal(fp_table_add_version(table), 0);
    assert_int_equal(fp_table_beat_version(table), 0);

    /* Rules of one priority, each later in the tie-break: none beats. */
    insert(table, &key, &narrow, 5, 1, &a);
    v = fp_table_version(table);
    assert_int_equal(fp_table_add_version(table), v);
    assert_int_equal(fp_table_beat_version(table), 0);
    insert(table, &key, &wide, 5, 2, &b);
    assert_int_equal(fp_table_add_version(table), v + 1);
    assert_int_equal(fp_table_beat_version(table), 0);
    assert_ptr_equal(lookup(table, &key), &a);

    /* A lower priority beats none either, and lowers the bound. */
    insert(table, &key, &wide, 3, 3, &c);
    assert_int_equal(fp_table_add_version(table), v + 2);
    assert_int_equal(fp_table_beat_version(table), 0);

    /* A priority above the lowest might beat one. */
    insert(table, &key, &wide, 4, 4, &d);
    assert_int_equal(fp_table_beat_version(table), v + 3);
    assert_ptr_equal(lookup(table, &key), &a);

    /* So might an earlier tie-breaker, as a modification keeps it: this one
     * beats 'a'. */
    insert(table, &key, &wide, 5, 0, &e);
    assert_int_equal(fp_table_beat_version(table), v + 4);
    assert_ptr_equal(lookup(table, &key), &e);

    /* Staged, not committed: newer than the readers' version. */
    assert_int_equal(fp_table_insert(table, &key, &narrow, 9, 9, &e, 0,
                                     &rule, &full), 0);
    assert_int_equal(fp_table_version(table), v + 4);
    assert_int_equal(fp_table_add_version(table), v + 5);
    assert_int_equal(fp_table_beat_version(table), v + 5);

    /* Removals move neither. */
    fp_table_commit(table);
    fp_table_remove(table, rule);
    fp_table_commit(table);
    fp_table_purge(table);
    assert_int_equal(fp_table_add_version(table), v + 5);
    assert_int_equal(fp_table_beat_version(table), v + 5);
    fp_table_destroy(table);
}

/* A reference keeps a removed rule in memory after fp_table_purge() and
 * every RCU callback, and the last one frees it (run under valgrind or
 * AddressSanitizer to see a use after free, or a leak). */
static void
test_fp_table_rule_ref(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 8);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key mask = make_mask(true);
    struct fp_table_rule *rule;
    uint64_t v;
    int a;

    rule = insert(table, &key, &mask, 1, 0, &a);
    v = fp_table_version(table);
    fp_table_rule_ref(rule);
    fp_table_rule_ref(rule);
    assert_false(fp_table_rule_removed(rule, v));

    fp_table_remove(table, rule);
    assert_false(fp_table_rule_removed(rule, v));
    fp_table_commit(table);
    assert_false(fp_table_rule_removed(rule, v));
    assert_true(fp_table_rule_removed(rule, v + 1));
    fp_table_purge(table);
    ovsrcu_barrier();
    assert_true(fp_table_rule_removed(rule, v + 1));
    fp_table_rule_unref(rule);
    ovsrcu_barrier();
    assert_true(fp_table_rule_removed(rule, v + 1));
    assert_int_equal(fp_table_rule_user(rule), 0);
    fp_table_rule_unref(rule);
    fp_table_rule_unref(NULL);
    assert_null(lookup(table, &key));
    fp_table_destroy(table);
}

/* Rules with the same mask and the same masked key, which the table keeps
 * in a list outside the rules: the best visible one wins, in any version,
 * in single and batched lookups, however the list changes (head, middle,
 * tail), and the list's memory is counted while it exists. */
static void
test_fp_table_shared_key(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16, 4);
    struct fp_key key = make_key(1, 0x0800), other = make_key(2, 0x0800);
    struct fp_key mask = make_mask(false);
    struct fp_table_rule *a, *b, *c, *d, *e, *f;
    const struct fp_key *keys[2] = { &key, &other };
    const struct fp_table_rule *found[2];
    size_t base, chain_size;
    enum fp_table_full full;
    uint64_t v0;
    int da, db, dc, dd, de, df;

    a = insert(table, &key, &mask, 1, 1, &da);
    e = insert(table, &other, &mask, 1, 5, &de);
    base = fp_table_memory(table);
    chain_size = fp_table_heap_size(offsetof(struct fp_table_rule, key)
                                    + sizeof(uint32_t));

    /* The second rule of a key, of a higher priority: it wins, and the key
     * now takes a chain entry (a rule's header and key words, in a heap
     * chunk of its own) and a link per rule (two pointers, in a heap chunk
     * of its own). */
    b = insert(table, &key, &mask, 3, 2, &db);
    assert_ptr_equal(lookup(table, &key), &db);
    assert_int_equal(fp_table_memory(table),
                     base + chain_size
                     + 2 * fp_table_heap_size(2 * sizeof(void *)));

    /* In the middle of the list, then at its tail with a priority that
     * ties with the head's: the head's lower 'seq' still wins. */
    c = insert(table, &key, &mask, 2, 3, &dc);
    d = insert(table, &key, &mask, 3, 4, &dd);
    assert_ptr_equal(lookup(table, &key), &db);
    assert_ptr_equal(lookup(table, &other), &de);
    assert_int_equal(fp_table_count(table), 5);

    /* Staged at the head: invisible until the commit. */
    assert_int_equal(fp_table_insert(table, &key, &mask, 9, 6, &df, 0, &f,
                                     &full), 0);
    assert_ptr_equal(lookup(table, &key), &db);
    fp_table_commit(table);
    assert_ptr_equal(lookup(table, &key), &df);

    /* Removals: the old version keeps its rule until the purge. */
    v0 = fp_table_version(table);
    fp_table_remove(table, f);
    fp_table_remove(table, b);
    fp_table_commit(table);
    assert_ptr_equal(fp_table_lookup(table, &key, v0), f);
    assert_ptr_equal(lookup(table, &key), &dd);
    fp_table_purge(table);
    fp_table_lookup_batch(table, keys, 2, fp_table_version(table), found);
    assert_ptr_equal(found[0], d);
    assert_ptr_equal(found[1], e);

    /* From the middle, then the head: the rule left alone still wins. */
    fp_table_remove(table, c);
    fp_table_commit(table);
    fp_table_purge(table);
    assert_ptr_equal(lookup(table, &key), &dd);
    fp_table_remove(table, d);
    fp_table_commit(table);
    fp_table_purge(table);
    assert_ptr_equal(lookup(table, &key), &da);
    fp_table_lookup_batch(table, keys, 2, fp_table_version(table), found);
    assert_ptr_equal(found[0], a);
    assert_ptr_equal(found[1], e);

    /* The last one: the chain entry goes with it, and a new rule of that
     * key takes the hash table entry itself again. */
    fp_table_remove(table, a);
    fp_table_commit(table);
    fp_table_purge(table);
    assert_null(lookup(table, &key));
    assert_int_equal(fp_table_count(table), 1);
    insert(table, &key, &mask, 1, 7, &da);
    assert_ptr_equal(lookup(table, &key), &da);
    assert_int_equal(fp_table_memory(table), base);
    fp_table_destroy(table);
}

/* The memory of a heap chunk, as glibc's malloc makes it on a 64-bit
 * host: the bytes asked and a size word, rounded up to 16 bytes, at least
 * 32.  A rule is an object of a slab (lib/fp-slab.h): its header and key
 * words rounded up to 8 bytes and a share of less than a byte of its
 * block's header, less than malloc() would take. */
/* Returns the hash of the words of 'key' that 'mask' selects, masked, as
 * the table hashes a key for a mask. */
/* Returns the hash of 'key' under 'mask', as fp-table.c's fp_table_hash()
 * for the first mask of a table, in slot 0. */
static uint32_t
masked_hash(const struct fp_key *key, const struct fp_key *mask)
{
    const uint32_t *k = (const uint32_t *) key;
    const uint32_t *m = (const uint32_t *) mask;
    uint32_t hash = 0, n = 0;
    size_t i;

    for (i = 0; i < sizeof *key / sizeof *k; i++) {
        if (m[i]) {
            hash = hash_add(hash, k[i] & m[i]);
            n++;
        }
    }
    return hash_finish(hash, n);
}

struct collision_entry {
    uint32_t hash;
    uint32_t in_port;
    uint16_t eth_type;
};

static int
collision_entry_cmp(const void *a_, const void *b_)
{
    const struct collision_entry *a = a_, *b = b_;

    return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* Two keys of different masked words and the same hash, for one mask, meet
 * in the same hash bucket: each lookup finds only the rule of its key, one
 * key at a time and in a batch. */
static void
test_fp_table_hash_collision(void **state OVS_UNUSED)
{
    enum { N = 1 << 18 };
    struct collision_entry *e = xmalloc(2 * N * sizeof *e);
    struct fp_key mask = make_mask(true);
    struct fp_key ka, kb;
    const struct fp_key *keys[2] = { &ka, &kb };
    const struct fp_table_rule *found[2];
    struct fp_table *table;
    size_t i, n = 0;
    int a, b;

    /* For one eth_type, the hash is a bijection of in_port: a collision
     * takes two eth_types.  About 16 are expected among these keys. */
    for (i = 0; i < 2 * N; i++) {
        struct fp_key key = make_key(i / 2, i % 2 ? 0x86dd : 0x0800);

        e[i].hash = masked_hash(&key, &mask);
        e[i].in_port = key.in_port;
        e[i].eth_type = ntohs(key.eth_type);
    }
    qsort(e, 2 * N, sizeof *e, collision_entry_cmp);
    for (i = 1; i < 2 * N; i++) {
        if (e[i].hash == e[i - 1].hash) {
            n = i;
            break;
        }
    }
    assert_true(n > 0);
    ka = make_key(e[n - 1].in_port, e[n - 1].eth_type);
    kb = make_key(e[n].in_port, e[n].eth_type);
    free(e);
    assert_memory_not_equal(&ka, &kb, sizeof ka);
    assert_int_equal(masked_hash(&ka, &mask), masked_hash(&kb, &mask));

    /* Only 'ka' has a rule: 'kb' matches none. */
    table = fp_table_create(8, 8);
    insert(table, &ka, &mask, 1, 0, &a);
    assert_ptr_equal(lookup(table, &ka), &a);
    assert_null(lookup(table, &kb));
    fp_table_lookup_batch(table, keys, 2, fp_table_version(table), found);
    assert_non_null(found[0]);
    assert_ptr_equal(fp_table_rule_data(found[0]), &a);
    assert_null(found[1]);

    /* Both have one, in the same bucket. */
    insert(table, &kb, &mask, 1, 1, &b);
    assert_ptr_equal(lookup(table, &ka), &a);
    assert_ptr_equal(lookup(table, &kb), &b);
    fp_table_lookup_batch(table, keys, 2, fp_table_version(table), found);
    assert_non_null(found[0]);
    assert_non_null(found[1]);
    assert_ptr_equal(fp_table_rule_data(found[0]), &a);
    assert_ptr_equal(fp_table_rule_data(found[1]), &b);
    fp_table_destroy(table);
}

static void
test_fp_table_heap_size(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(16, 4);
    struct fp_key key = make_key(1, 0x0800);
    struct fp_key one_word = make_mask(false);
    struct fp_key two_words = make_mask(true);
    struct fp_table_rule *a, *b;
    size_t header, size_a, size_b;
    int da, db;

    assert_int_equal(fp_table_heap_size(0), 32);
    assert_int_equal(fp_table_heap_size(24), 32);
    assert_int_equal(fp_table_heap_size(25), 48);
    assert_int_equal(fp_table_heap_size(56), 64);
    assert_int_equal(fp_table_heap_size(57), 80);
    assert_int_equal(fp_table_heap_size(68), 80);

    a = insert(table, &key, &one_word, 1, 1, &da);
    b = insert(table, &key, &two_words, 1, 2, &db);
    header = offsetof(struct fp_table_rule, key);
    size_a = ROUND_UP(header + sizeof(uint32_t), 8);
    size_b = ROUND_UP(header + 2 * sizeof(uint32_t), 8);
    assert_in_range(fp_table_rule_size(table, a), size_a, size_a + 1);
    assert_in_range(fp_table_rule_size(table, b), size_b, size_b + 1);
    assert_true(fp_table_rule_size(table, a)
                < fp_table_heap_size(header + sizeof(uint32_t)));
    fp_table_destroy(table);
}

/* fp_table_prefetch_insert() is only a hint: on an empty table, with the
 * last insertion's mask or another, and once the last insertion's mask
 * has gone (freed after a grace period: it must not read it), it changes
 * neither the table nor what lookups and insertions find. */
static void
test_fp_table_prefetch_insert(void **state OVS_UNUSED)
{
    struct fp_table *table = fp_table_create(8, 4);
    struct fp_key k1 = make_key(1, 0x0800), k2 = make_key(2, 0x0800);
    struct fp_key with_type = make_mask(true), port_only = make_mask(false);
    struct fp_table_rule *a;
    int da, db;

    fp_table_prefetch_insert(table, &k1, &with_type);
    assert_int_equal(fp_table_count(table), 0);
    assert_int_equal(fp_table_n_masks(table), 0);

    a = insert(table, &k1, &with_type, 1, 1, &da);
    fp_table_prefetch_insert(table, &k2, &with_type);
    fp_table_prefetch_insert(table, &k2, &port_only);
    assert_int_equal(fp_table_count(table), 1);
    assert_int_equal(fp_table_n_masks(table), 1);
    assert_ptr_equal(lookup(table, &k1), &da);
    assert_null(lookup(table, &k2));

    /* The mask goes with its only rule, and RCU frees it. */
    fp_table_remove(table, a);
    fp_table_commit(table);
    fp_table_purge(table);
    ovsrcu_barrier();
    assert_int_equal(fp_table_n_masks(table), 0);
    fp_table_prefetch_insert(table, &k1, &with_type);
    assert_int_equal(fp_table_count(table), 0);
    assert_null(lookup(table, &k1));

    /* The mask comes back, with the hint's key first. */
    fp_table_prefetch_insert(table, &k2, &port_only);
    insert(table, &k2, &port_only, 1, 2, &db);
    fp_table_prefetch_insert(table, &k1, &port_only);
    assert_ptr_equal(lookup(table, &k2), &db);
    assert_null(lookup(table, &k1));
    assert_int_equal(fp_table_n_masks(table), 1);
    fp_table_destroy(table);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_table_empty),
        cmocka_unit_test(test_fp_table_insert_lookup),
        cmocka_unit_test(test_fp_table_masks_apart),
        cmocka_unit_test(test_fp_table_versions),
        cmocka_unit_test(test_fp_table_beat_version),
        cmocka_unit_test(test_fp_table_rule_ref),
        cmocka_unit_test(test_fp_table_masks_priority),
        cmocka_unit_test(test_fp_table_ties),
        cmocka_unit_test(test_fp_table_shared_key),
        cmocka_unit_test(test_fp_table_key_outside_mask),
        cmocka_unit_test(test_fp_table_hash_collision),
        cmocka_unit_test(test_fp_table_full),
        cmocka_unit_test(test_fp_table_mask_comes_back),
        cmocka_unit_test(test_fp_table_mask_order),
        cmocka_unit_test(test_fp_table_set_data),
        cmocka_unit_test(test_fp_table_churn),
        cmocka_unit_test(test_fp_table_many_masks),
        cmocka_unit_test(test_fp_table_heap_size),
        cmocka_unit_test(test_fp_table_prefetch_insert),
    };

    return cmocka_run_group_tests_name("fp_table", tests, NULL, NULL);
}
