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

/* Differential test of the flow-processor model: seeded random rule sets
 * times random packets, the model (parser, lookup, actions, counters)
 * against a plain reference written here, independently: packets are built
 * from field values with checksums computed from scratch, the reference
 * key comes from those values (not from a parser), the reference lookup is
 * a linear scan, and the reference applies set actions to the values and
 * builds the expected packet again.
 *
 * The seed is printed; FP_DIFF_SEED=<n> replays a run. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "util.h"
#include "fp-test-packet.h"

#define N_PORTS 4               /* 2 physical ports, 2 VFs. */
#define N_RULES 300
#define N_PACKETS 3000
#define N_ROUNDS 8

static uint32_t rng_state;

static uint32_t
rnd(void)
{
    /* xorshift32. */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static uint32_t
rnd_n(uint32_t n)
{
    return rnd() % n;
}

static void
random_fields(struct fields *f)
{
    static const uint16_t types[] = { 0x0800, 0x0800, 0x86dd, 0x0806 };
    size_t i;

    memset(f, 0, sizeof *f);
    f->in_port = rnd_n(N_PORTS);
    f->eth_dst[0] = 0x02;
    f->eth_dst[5] = rnd_n(4);
    f->eth_src[0] = 0x02;
    f->eth_src[5] = 0x10 + rnd_n(4);
    f->has_vlan = rnd_n(4) == 0;
    f->vlan_tci = rnd_n(4) << 13 | rnd_n(3);
    f->eth_type = types[rnd_n(ARRAY_SIZE(types))];
    f->ip4_src = 0x0a000000 | rnd_n(4) << 8 | rnd_n(4);
    f->ip4_dst = 0x0a000000 | rnd_n(4) << 8 | rnd_n(4);
    for (i = 0; i < 16; i++) {
        f->ip6_src[i] = i == 15 ? rnd_n(4) : 0x20;
        f->ip6_dst[i] = i == 15 ? rnd_n(4) : 0x30;
    }
    f->proto = rnd_n(2) ? 6 : 17;
    f->tos = rnd_n(4) << 2;
    f->ttl = 1 + rnd_n(64);
    f->tp_src = 1000 + rnd_n(4);
    f->tp_dst = 80 + rnd_n(4);
    f->tcp_flags = f->proto == 6 ? rnd_n(0x40) : 0;
}

/* Sets in 'm' the bits of one of a few field groups. */
static void
random_mask(struct fp_key *m)
{
    memset(m, 0, sizeof *m);
    switch (rnd_n(12)) {
    case 0:
        m->in_port = UINT32_MAX;
        break;
    case 1:
        m->in_port = UINT32_MAX;
        m->eth_type = 0xffff;
        break;
    case 2:
        memset(m->eth_dst, 0xff, 6);
        break;
    case 3:
        m->eth_type = 0xffff;
        m->nw_dst = htonl(0xffffff00);
        break;
    case 4:
        m->eth_type = 0xffff;
        m->nw_src = htonl(0xffffffff);
        m->nw_dst = htonl(0xffffffff);
        break;
    case 5:
        m->nw_proto = 0xff;
        m->tp_dst = 0xffff;
        break;
    case 6:
        m->vlans[0].tci = htons(0x1fff);
        break;
    case 7:
        m->eth_type = 0xffff;
        m->nw_dst = htonl(0xffff0000);
        m->tp_src = htons(0xfffe);
        break;
    case 8:
        m->ipv6_dst[15] = 0xff;
        m->eth_type = 0xffff;
        break;
    case 9:
        m->tcp_flags = htons(0x0012);
        m->nw_tos = 0xfc;
        break;
    case 10:
        memset(m->arp_sha, 0xff, 6);
        m->nw_ttl = 0xc0;
        break;
    default:
        m->in_port = UINT32_MAX;
        memset(m->eth_src, 0xff, 6);
        m->tp_dst = htons(0xfffc);
        break;
    }
}

/* A rule of the reference, with the id that the model gave it. */
struct ref_rule {
    struct fp_rule rule;
    uint32_t id;
    uint64_t n_packets;
    uint64_t n_bytes;
};

static void
random_actions(struct fp_rule *rule)
{
    size_t n = rnd_n(4), i;

    rule->n_actions = 0;
    for (i = 0; i < n; i++) {
        struct fp_action *a = &rule->actions[rule->n_actions++];

        memset(a, 0, sizeof *a);
        switch (rnd_n(7)) {
        case 0:
            a->type = FP_ACTION_SET_ETH_DST;
            memset(a->set.value, 0x40 + rnd_n(4), 6);
            memset(a->set.mask, 0xff, 6);
            break;
        case 1:
            a->type = FP_ACTION_SET_IPV4_DST;
            put32(a->set.value, 0xc0a80000 | rnd_n(256));
            put32(a->set.mask, rnd_n(2) ? 0xffffffff : 0x0000ffff);
            break;
        case 2:
            a->type = FP_ACTION_SET_TP_DST;
            put16(a->set.value, 8000 + rnd_n(100));
            put16(a->set.mask, 0xffff);
            break;
        case 3:
            a->type = FP_ACTION_SET_IPV4_TTL;
            a->set.value[0] = rnd_n(256);
            a->set.mask[0] = 0xff;
            break;
        default:
            a->type = FP_ACTION_OUTPUT;
            a->port = rnd_n(N_PORTS);
            break;
        }
    }
    /* Most rules output somewhere at the end. */
    if (rnd_n(4)) {
        rule->actions[rule->n_actions].type = FP_ACTION_OUTPUT;
        rule->actions[rule->n_actions++].port = rnd_n(N_PORTS);
    }
}

/* What the model sent out, recorded by the test's endpoint. */
struct sent {
    uint32_t port;
    size_t size;
    uint8_t data[160];
};

static struct sent sent[64];
static size_t n_sent;

static void
record_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
            size_t size)
{
    assert_true(n_sent < ARRAY_SIZE(sent));
    assert_true(size <= sizeof sent[0].data);
    sent[n_sent].port = port;
    sent[n_sent].size = size;
    memcpy(sent[n_sent].data, data, size);
    n_sent++;
}

static const struct fp_endpoint_ops record_ops = {
    .send = record_send,
};

/* The reference: the matching rule of highest priority, first added among
 * equal priorities, by linear scan. */
static struct ref_rule *
ref_lookup(struct ref_rule *rules, size_t n, const struct fp_key *key)
{
    const uint8_t *k = (const uint8_t *) key;
    struct ref_rule *best = NULL;
    size_t i, j;

    for (i = 0; i < n; i++) {
        const uint8_t *rk = (const uint8_t *) &rules[i].rule.key;
        const uint8_t *rm = (const uint8_t *) &rules[i].rule.mask;

        for (j = 0; j < sizeof *key; j++) {
            if ((k[j] ^ rk[j]) & rm[j]) {
                break;
            }
        }
        if (j == sizeof *key
            && (!best || rules[i].rule.priority > best->rule.priority)) {
            best = &rules[i];
        }
    }
    return best;
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void
run_round(uint32_t seed)
{
    struct ref_rule *rules = xcalloc(N_RULES, sizeof *rules);
    struct fp_device_config cfg;
    struct fp_rule_stats_entry *entries;
    struct fp_device *dev;
    size_t i, j, n_entries, n_hits = 0, n_rules;

    rng_state = seed ? seed : 1;
    n_rules = 1 + rnd_n(N_RULES);       /* Few rules: misses too. */
    fp_device_config_default(&cfg);
    cfg.n_vfs = N_PORTS - 2;
    cfg.emc_size = rnd_n(2) ? 64 : 0;
    assert_int_equal(fp_device_create("diff", &cfg, &dev), 0);
    for (i = 0; i < N_PORTS; i++) {
        assert_int_equal(fp_port_set_endpoint(dev, i, &record_ops, NULL),
                         0);
    }

    /* Rules made from random packets, so that packets hit them; priorities
     * from a small range, so that ties happen. */
    for (i = 0; i < n_rules; i++) {
        struct ref_rule *r = &rules[i];
        struct fields f;
        struct fp_key key;
        uint8_t *kb, *mb;

        random_fields(&f);
        key_of(&f, &key);
        random_mask(&r->rule.mask);
        kb = (uint8_t *) &r->rule.key;
        mb = (uint8_t *) &r->rule.mask;
        for (j = 0; j < sizeof key; j++) {
            kb[j] = ((uint8_t *) &key)[j] & mb[j];
        }
        r->rule.priority = rnd_n(8);
        random_actions(&r->rule);
        assert_int_equal(fp_rule_add(dev, &r->rule, &r->id), 0);
    }

    for (i = 0; i < N_PACKETS; i++) {
        struct fields f, g;
        struct fp_key key;
        struct ref_rule *r;
        uint8_t pkt[128], exp[128];
        size_t size, n_exp = 0;
        struct fp_port_stats before, after;

        random_fields(&f);
        size = build(&f, pkt);
        key_of(&f, &key);
        r = ref_lookup(rules, n_rules, &key);

        n_sent = 0;
        fp_port_get_stats(dev, f.in_port, &before);
        assert_int_equal(fp_port_inject(dev, f.in_port, pkt, size), 0);
        fp_port_get_stats(dev, f.in_port, &after);

        if (!r) {
            assert_int_equal(n_sent, 0);
            assert_int_equal(after.drops + after.exceptions,
                             before.drops + before.exceptions + 1);
            continue;
        }
        n_hits++;
        r->n_packets++;
        r->n_bytes += size;

        /* Apply the actions to the fields, build the expected packets. */
        g = f;
        for (j = 0; j < r->rule.n_actions; j++) {
            const struct fp_action *a = &r->rule.actions[j];
            uint32_t m;

            switch ((int) a->type) {
            case FP_ACTION_OUTPUT:
                assert_true(n_exp < n_sent);
                build(&g, exp);
                assert_int_equal(sent[n_exp].port, a->port);
                assert_int_equal(sent[n_exp].size, size);
                assert_memory_equal(sent[n_exp].data, exp, size);
                n_exp++;
                break;
            case FP_ACTION_SET_ETH_DST:
                memcpy(g.eth_dst, a->set.value, 6);
                break;
            case FP_ACTION_SET_IPV4_DST:
                if (g.eth_type == 0x0800) {
                    m = get32(a->set.mask);
                    g.ip4_dst = (g.ip4_dst & ~m) | (get32(a->set.value) & m);
                }
                break;
            case FP_ACTION_SET_TP_DST:
                if (g.eth_type != 0x0806) {
                    g.tp_dst = a->set.value[0] << 8 | a->set.value[1];
                }
                break;
            case FP_ACTION_SET_IPV4_TTL:
                if (g.eth_type == 0x0800) {
                    g.ttl = a->set.value[0];
                }
                break;
            default:
                fail();
            }
        }
        assert_int_equal(n_sent, n_exp);
    }

    /* Every rule's counters, in one call. */
    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n_entries), 0);
    assert_int_equal(n_entries, n_rules);
    for (i = 0; i < n_rules; i++) {
        for (j = 0; j < n_entries; j++) {
            if (entries[j].id == rules[i].id) {
                assert_int_equal(entries[j].stats.n_packets,
                                 rules[i].n_packets);
                assert_int_equal(entries[j].stats.n_bytes,
                                 rules[i].n_bytes);
                break;
            }
        }
        assert_true(j < n_entries);
    }
    free(entries);

    printf("fp-diff: seed %"PRIu32": %"PRIuSIZE" rules, %d packets, %"
           PRIuSIZE" hits, 0 mismatches\n", seed, n_rules, N_PACKETS, n_hits);
    fp_device_destroy(dev);
    free(rules);
}

static void
test_fp_diff_random(void **state OVS_UNUSED)
{
    const char *env = getenv("FP_DIFF_SEED");
    uint32_t seed;
    int i;

    if (env) {
        seed = strtoul(env, NULL, 0);
        printf("fp-diff: replaying seed %"PRIu32"\n", seed);
        run_round(seed);
        return;
    }
    seed = time(NULL) ^ getpid();
    for (i = 0; i < N_ROUNDS; i++) {
        /* Printed first, so that a failing round can be replayed. */
        printf("fp-diff: round %d: FP_DIFF_SEED=%"PRIu32"\n", i, seed + i);
        fflush(stdout);
        run_round(seed + i);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_diff_random),
    };

    return cmocka_run_group_tests_name("fp_diff", tests, NULL, NULL);
}
