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

/* Unit tests of the exact-match cache of a model engine
 * (lib/fp-model-emc.h).
 *
 * On its own, on an engine record with one set and no device: a lookup
 * finds a key's entry only if every word of the key is the entry's, even
 * when the hash and the map of nonzero words are the same (as when two
 * keys' hashes collide), which traffic through a device almost never
 * shows.
 *
 * Through a device, with the setup of fp-test-model.h: when the cache is
 * used, a packet of the parser's fast path and one that is not, which keys
 * it cannot hold, eviction, and entries made in older versions of the rule
 * table or of rules since removed.
 *
 * Beside the cache, what a hit touches besides its entry: a slot's packet
 * starts a cache line. */

#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-model-emc.h"
#include "fp-parse.h"
#include "fp-model-private.h"
#include "fp-test-model.h"
#include "ovs-rcu.h"
#include "random.h"
#include "util.h"

/* The one set of the cache of 'engine', with FP_MODEL_EMC_WAYS entries,
 * their tags and their rules. */
static void
emc_init(struct fp_model_engine *engine)
{
    memset(engine, 0, sizeof *engine);
    engine->emc = xzalloc_cacheline(FP_MODEL_EMC_WAYS * sizeof *engine->emc);
    engine->emc_tags = xzalloc_cacheline(FP_MODEL_EMC_WAYS
                                         * sizeof *engine->emc_tags);
    engine->emc_rules = xcalloc(FP_MODEL_EMC_WAYS, sizeof *engine->emc_rules);
    engine->emc_mask = FP_MODEL_EMC_WAYS - 1;
}

static void
emc_destroy(struct fp_model_engine *engine)
{
    free_cacheline(engine->emc);
    free_cacheline(engine->emc_tags);
    free(engine->emc_rules);
}

/* Looks 'key' up in 'set' of 'engine' with 'hash' and 'map' as its hash and
 * map, in version 1.  Returns true if the cache has it (with no rule). */
static bool
emc_lookup(struct fp_model_engine *engine,
           struct fp_model_emc_entry *set, const struct fp_key *key,
           uint32_t hash, uint32_t map)
{
    const struct fp_model_emc_entry *e;
    const void *data = engine;
    uint32_t user;

    e = fp_model_emc_find(engine, set, fp_model_emc_ways(engine, set, hash),
                          key, map, 1, &data, &user);
    if (e) {
        assert_null(data);
        assert_null(fp_model_emc_rule(engine, e));
    }
    return e != NULL;
}

/* A key with every word of the entry's head nonzero but two (zero words
 * are compared as they are), and every third later word nonzero or, as in
 * a TCP or UDP packet over IPv4, only the ports' word, is found again; the
 * same key with any one nonzero word changed is not, with the same hash
 * and map, nor the key with another hash. */
static void
test_fp_model_emc_words(void **state OVS_UNUSED)
{
    struct fp_model_engine engine;
    struct fp_model_emc_entry *set;
    struct fp_key key, other;
    uint32_t *w = (uint32_t *) &key;
    uint32_t *o = (uint32_t *) &other;
    uint32_t hash, map;
    int round;
    size_t i;

    BUILD_ASSERT(FP_MODEL_EMC_HEAD > 6);
    emc_init(&engine);
    random_set_seed(1);
    for (round = 0; round < 20; round++) {
        for (i = 0; i < FP_MODEL_EMC_WAYS; i++) {
            fp_model_emc_clear(&engine, &engine.emc[i]);
        }
        for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
            bool nonzero = (i < FP_MODEL_EMC_HEAD ? i != 5 && i != 6
                            : round % 2 ? i == FP_MODEL_EMC_PORTS
                            : i % 3 == 0);

            w[i] = nonzero ? (random_uint32() >> 1) + 1 : 0;
        }
        set = fp_model_emc_set(&engine, &key, false, &hash, &map);
        assert_non_null(set);
        assert_ptr_equal(set, engine.emc);
        fp_model_emc_insert(&engine, set, &key, hash, map, NULL, 1);
        assert_true(emc_lookup(&engine, set, &key, hash, map));
        assert_false(emc_lookup(&engine, set, &key, hash + 1, map));

        for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
            if (w[i]) {
                other = key;
                o[i] += 1;
                assert_false(emc_lookup(&engine, set, &other, hash, map));
            }
        }
    }
    emc_destroy(&engine);
}

/* The map of a key's nonzero words (fp_model_emc_map(), vectorized) has
 * a bit for each nonzero word, and only those, for keys with each word
 * zero or not at random, and for the key that is all zeros or all ones. */
static void
test_fp_model_emc_map(void **state OVS_UNUSED)
{
    struct fp_key key;
    uint32_t *w = (uint32_t *) &key;
    int round;
    size_t i;

    random_set_seed(2);
    for (round = 0; round < 10000; round++) {
        uint32_t expected = 0;
        uint32_t bits = random_uint32();
        uint32_t map;

        for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
            w[i] = (round == 0 ? 0
                    : round == 1 ? UINT32_MAX
                    : bits & (1u << i) ? random_uint32() | (1u << (i % 32))
                    : 0);
            expected |= (uint32_t) (w[i] != 0) << i;
        }
        map = fp_model_emc_map(&key);
        assert_int_equal(map, expected);
    }
}

/* Keys that fp_model_emc_spread() hashes, and the sets of the cache
 * it spreads them over. */
#define SPREAD_KEYS 4096
#define SPREAD_SETS (8192 / FP_MODEL_EMC_WAYS)

/* Returns how many of the SPREAD_KEYS keys of 'family' do not fit into a
 * cache of SPREAD_SETS sets of FP_MODEL_EMC_WAYS ways, hashed with the
 * CPU's CRC32C if 'crc' or else the multiply-xor hash: a key beyond the
 * ways of its set.  The families are what traffic looks like: one field
 * counting up, or two at random, in IPv4 and IPv6 UDP keys. */
static size_t
emc_spread(int family, bool crc)
{
    uint16_t *n = xcalloc(SPREAD_SETS, sizeof *n);
    size_t i, over = 0;

    random_set_seed(3 + family);
    for (i = 0; i < SPREAD_KEYS; i++) {
        struct fp_key key;
        uint32_t hash;

        memset(&key, 0, sizeof key);
        key.in_port = 1;
        memcpy(key.eth_dst, "\x02\x00\x00\x00\x00\x01", 6);
        memcpy(key.eth_src, "\x02\x00\x00\x00\x00\x02", 6);
        key.nw_proto = 17;
        key.nw_ttl = 64;
        key.tp_src = htons(1024);
        key.tp_dst = htons(80);
        if (family < 3) {
            key.eth_type = htons(0x0800);
            key.nw_src = htonl(0x0a000001);
            key.nw_dst = htonl(0x0a010000);
        } else {
            key.eth_type = htons(0x86dd);
            key.ipv6_src[0] = 0xfd;
            key.ipv6_dst[0] = 0xfd;
            key.ipv6_dst[15] = 1;
        }
        switch (family) {
        case 0:                 /* nw_dst counting up. */
            key.nw_dst = htonl(0x0a010000 + i);
            break;
        case 1:                 /* tp_dst counting up. */
            key.tp_dst = htons(i);
            break;
        case 2:                 /* nw_dst in a /16, tp_dst of 16. */
            key.nw_dst = htonl(0x0a010000 | (random_uint32() & 0xffff));
            key.tp_dst = htons(random_uint32() % 16);
            break;
        case 3:                 /* ipv6_src counting up. */
            key.ipv6_src[14] = i >> 8;
            key.ipv6_src[15] = i;
            break;
        default:
            OVS_NOT_REACHED();
        }
        hash = fp_model_emc_hash__(&key, crc, true);
        /* The set that fp_model_emc_set() picks. */
        hash &= ((SPREAD_SETS * FP_MODEL_EMC_WAYS - 1)
                 & ~(FP_MODEL_EMC_WAYS - 1));
        if (++n[hash / FP_MODEL_EMC_WAYS] > FP_MODEL_EMC_WAYS) {
            over++;
        }
    }
    free(n);
    return over;
}

/* Each hash of the exact-match cache spreads keys that differ in a field
 * or two over the sets about as a random one would: 4096 keys in a cache of
 * 8192 entries (the default size) leave few of them beyond the ways of
 * their set. */
static void
test_fp_model_emc_spread(void **state OVS_UNUSED)
{
    int family, crc;

    for (crc = 0; crc <= FP_MODEL_EMC_HAVE_CRC; crc++) {
        for (family = 0; family < 4; family++) {
            size_t over = emc_spread(family, crc);

            printf("hash %s, keys %d: %"PRIuSIZE" of %d beyond their set\n",
                   crc ? "crc32c" : "multiply-xor", family, over,
                   SPREAD_KEYS);
            assert_true(over < SPREAD_KEYS / 32);
        }
    }
}

/* A frame that fp_parse() takes by its fast path, UDP or TCP over IPv4,
 * gets the same map and hash from the cache whether the parser's word that
 * it is of the fast path is used or not, with its fields zero or not at
 * random; a frame of another kind (VLAN tag, IPv4 options, fragment,
 * VXLAN) is not of the fast path. */
static void
test_fp_model_emc_fast(void **state OVS_UNUSED)
{
    struct fp_model_engine engine;
    int round, n_fast = 0;

    emc_init(&engine);
    random_set_seed(4);
    for (round = 0; round < 20000; round++) {
        uint32_t bits = random_uint32();
        struct fp_parse_layers layers;
        struct fp_model_emc_entry *set;
        uint32_t hash, map, hash2, map2;
        uint8_t frame[80];
        struct fp_key key;
        size_t i;
        int error;

        for (i = 0; i < sizeof frame; i++) {
            frame[i] = bits & (1u << (i % 16)) ? random_uint32() : 0;
        }
        frame[12] = 0x08;               /* IPv4. */
        frame[13] = 0x00;
        frame[14] = 0x45;               /* No options. */
        frame[16] = 0;                  /* Total length: to the end. */
        frame[17] = sizeof frame - 14;
        frame[20] &= 0x40;              /* Not a fragment, DF at random. */
        frame[21] = 0;
        frame[23] = bits & (1u << 16) ? 6 : 17;
        frame[36] &= 0x0f;              /* Not a tunnel's UDP port. */
        frame[46] = 0x50;               /* TCP: data offset 5. */
        switch ((bits >> 17) % 8) {
        case 0:
            frame[12] = 0x81;           /* VLAN tag. */
            break;
        case 1:
            frame[14] = 0x46;           /* IPv4 options. */
            break;
        case 2:
            frame[21] = 1;              /* A later fragment. */
            break;
        case 3:
            frame[23] = 17;             /* VXLAN. */
            frame[36] = 4789 >> 8;
            frame[37] = 4789 & 0xff;
            break;
        default:
            break;
        }

        error = fp_parse(frame, sizeof frame, bits >> 30, &key, &layers);
        if ((bits >> 17) % 8 < 4) {
            assert_false(layers.fast);
        } else {
            assert_int_equal(error, 0);
            assert_true(layers.fast);
            n_fast++;
            set = fp_model_emc_set(&engine, &key, true, &hash, &map);
            assert_non_null(set);
            assert_ptr_equal(set, fp_model_emc_set(&engine, &key, false,
                                                   &hash2, &map2));
            assert_int_equal(hash, hash2);
            assert_int_equal(hash, fp_model_emc_hash(&key));
            assert_int_equal(map, map2);
        }
    }
    assert_true(n_fast > 5000);
    emc_destroy(&engine);
}

/* The exact-match cache is used only when the rule table has at least
 * FP_MODEL_EMC_MIN_MASKS (2) masks: with one, packets go to the table
 * directly, and hit the same rule either way. */
static void
test_fp_model_emc_masks(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule first = rule_in_port(PHY0, 10);
    struct fp_rule second = rule_in_port(PHY0, 5);
    struct fp_device_stats ds;
    struct fp_port_stats ps;
    uint32_t id1, id2;
    int i;

    add_output(&first, VF0);
    assert_int_equal(fp_rule_add(dev, &first, &id1), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
    }
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.n_masks, 1);
    assert_int_equal(ds.hits, 3);
    assert_int_equal(ds.emc_hits, 0);

    /* A second mask: the first packet fills the cache, the others hit it,
     * and the rule of the higher priority still wins. */
    second.key.eth_type = htons(0x0800);
    second.mask.eth_type = UINT16_MAX;
    add_output(&second, VF1);
    assert_int_equal(fp_rule_add(dev, &second, &id2), 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
    }
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.n_masks, 2);
    assert_int_equal(ds.hits, 6);
    assert_int_equal(ds.emc_hits, 2);
    fp_port_get_stats(dev, VF0, &ps);
    assert_int_equal(ps.tx_packets, 6);
    fp_port_get_stats(dev, VF1, &ps);
    assert_int_equal(ps.tx_packets, 0);
}

/* The engine's pass computes the cache set of a packet that the parser's
 * fast path takes in a branch of its own (fp_model_pass_parse()): such a
 * packet (untagged IPv4/UDP) and one that the fast path must leave to the
 * whole parser (the same with a VLAN tag) each fill an entry of the cache
 * and then hit it, and each hits its own rule, in the cache as in the
 * table. */
static void
test_fp_model_emc_pass_fast(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule plain = rule_in_port(PHY0, 10);
    struct fp_rule tagged = rule_in_port(PHY0, 20);
    uint8_t vlan_pkt[sizeof udp_pkt + 4];
    struct fp_device_stats ds;
    uint32_t id1, id2;
    int i;

    /* The same frame with an 802.1Q tag of VLAN 5 after the addresses. */
    memcpy(vlan_pkt, udp_pkt, 12);
    vlan_pkt[12] = 0x81;
    vlan_pkt[13] = 0x00;
    vlan_pkt[14] = 0x00;
    vlan_pkt[15] = 0x05;
    memcpy(vlan_pkt + 16, udp_pkt + 12, sizeof udp_pkt - 12);

    /* Two masks, so that the cache is used. */
    plain.key.eth_type = htons(0x0800);
    plain.mask.eth_type = UINT16_MAX;
    add_output(&plain, VF0);
    tagged.key.vlans[0].tci = htons(FP_VLAN_PRESENT | 5);
    tagged.mask.vlans[0].tci = htons(FP_VLAN_PRESENT | 0xfff);
    add_output(&tagged, VF1);
    assert_int_equal(fp_rule_add(dev, &plain, &id1), 0);
    assert_int_equal(fp_rule_add(dev, &tagged, &id2), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);

    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
        assert_int_equal(fp_port_inject(dev, PHY0, vlan_pkt,
                                        sizeof vlan_pkt), 0);
    }
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.n_masks, 2);
    assert_int_equal(ds.hits, 6);
    assert_int_equal(ds.misses, 0);
    assert_int_equal(ds.emc_hits, 4);
    assert_int_equal(tx_packets(dev, VF0), 3);
    assert_int_equal(tx_packets(dev, VF1), 3);
}

/* fp_model_emc_too_many() tells the same as counting the bits of the map
 * after its head, for every map with few zero words (the only ones with
 * too many words) and for random ones. */
static void
test_fp_model_emc_too_many(void **state OVS_UNUSED)
{
    uint32_t full = UINT32_MAX >> (32 - FP_MODEL_KEY_WORDS);
    size_t n_too_many = 0;
    uint32_t i, j, k;

    /* Every map with at most three zero words. */
    for (i = 0; i <= FP_MODEL_KEY_WORDS; i++) {
        for (j = i; j <= FP_MODEL_KEY_WORDS; j++) {
            for (k = j; k <= FP_MODEL_KEY_WORDS; k++) {
                uint32_t map = full;

                map &= i < FP_MODEL_KEY_WORDS ? ~(UINT32_C(1) << i) : map;
                map &= j < FP_MODEL_KEY_WORDS ? ~(UINT32_C(1) << j) : map;
                map &= k < FP_MODEL_KEY_WORDS ? ~(UINT32_C(1) << k) : map;
                assert_int_equal(fp_model_emc_too_many(map),
                                 (count_1bits(map >> FP_MODEL_EMC_HEAD)
                                  > FP_MODEL_EMC_WORDS - FP_MODEL_EMC_HEAD));
                n_too_many += fp_model_emc_too_many(map);
            }
        }
    }
    assert_true(n_too_many > 0);

    /* Random maps, dense and sparse. */
    for (i = 0; i < 100000; i++) {
        uint32_t map = random_uint32() & full;

        if (i % 2) {
            map |= random_uint32();
            map |= random_uint32();
            map &= full;
        }
        assert_int_equal(fp_model_emc_too_many(map),
                         (count_1bits(map >> FP_MODEL_EMC_HEAD)
                          > FP_MODEL_EMC_WORDS - FP_MODEL_EMC_HEAD));
    }
}

/* One flow more than the ways of an exact-match cache of one set
 * (FP_MODEL_EMC_WAYS), coming back in turn: the flows that the cache holds
 * stay, and mostly only the extra one misses (with a way taken on every
 * miss, flows evict each other in a chain and at least two miss each
 * round). */
static void
test_fp_model_emc_evict(void **state OVS_UNUSED)
{
    struct fp_rule first = rule_in_port(PHY0, 10);
    struct fp_rule second = rule_in_port(PHY0, 5);
    struct fp_device_config config;
    struct fp_device_stats ds;
    struct fp_port_stats ps;
    struct fp_device *dev;
    uint8_t pkt[sizeof udp_pkt];
    uint32_t id;
    int round, flow;

    fp_device_config_default(&config);
    config.emc_size = FP_MODEL_EMC_WAYS;
    assert_int_equal(fp_device_create("evict", &config, &dev), 0);
    add_output(&first, VF0);
    assert_int_equal(fp_rule_add(dev, &first, &id), 0);
    second.key.eth_type = htons(0x0800);
    second.mask.eth_type = UINT16_MAX;
    add_output(&second, VF1);
    assert_int_equal(fp_rule_add(dev, &second, &id), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);

    memcpy(pkt, udp_pkt, sizeof pkt);
    for (round = 0; round < 20; round++) {
        for (flow = 0; flow < FP_MODEL_EMC_WAYS + 1; flow++) {
            pkt[35] = flow;     /* UDP source port. */
            assert_int_equal(fp_port_inject(dev, PHY0, pkt, sizeof pkt), 0);
        }
    }
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.hits, 20 * (FP_MODEL_EMC_WAYS + 1));
    assert_true(ds.emc_hits >= 20 * (FP_MODEL_EMC_WAYS - 1));
    fp_port_get_stats(dev, VF0, &ps);
    assert_int_equal(ps.tx_packets, 20 * (FP_MODEL_EMC_WAYS + 1));
    fp_device_destroy(dev);
}

/* Sends 'udp_pkt' in on 'port_no' and returns by how much the device's
 * exact-match cache hits went up. */
static uint64_t
inject_emc_hits(struct fp_device *dev, uint32_t port_no)
{
    struct fp_device_stats ds0, ds1;

    fp_device_get_stats(dev, &ds0);
    assert_int_equal(fp_port_inject(dev, port_no, udp_pkt, sizeof udp_pkt),
                     0);
    fp_device_get_stats(dev, &ds1);
    return ds1.emc_hits - ds0.emc_hits;
}

/* An entry of the exact-match cache made in an older table version is
 * still used while it is right: its rule is not removed, and no rule that
 * might beat it was added since (an entry of no rule: no rule at all). */
static void
test_fp_model_emc_versions(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule a = rule_in_port(PHY0, 0);
    struct fp_rule b = rule_in_port(PHY0, 0);
    struct fp_rule tie = rule_in_port(PHY0, 0);
    struct fp_rule high = rule_in_port(PHY0, 1);
    struct fp_rule other = rule_in_port(PHY1, 0);
    struct fp_rule_stats rstats;
    struct fp_port_stats ps;
    uint32_t id_a, id_b, id_tie, id_high, id_other;

    /* Two masks, so that the cache is used; 'a' wins the tie with 'b'. */
    add_output(&a, VF0);
    assert_int_equal(fp_rule_add(dev, &a, &id_a), 0);
    b.key.eth_type = htons(0x0800);
    b.mask.eth_type = UINT16_MAX;
    add_output(&b, VF1);
    assert_int_equal(fp_rule_add(dev, &b, &id_b), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    assert_int_equal(fp_port_attach(dev, PHY1), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);
    assert_int_equal(tx_packets(dev, VF0), 2);

    /* A rule added in a new version that matches the packet, of the same
     * priority and so later in the tie-break, cannot beat 'a': the entry
     * stays. */
    memcpy(tie.key.eth_src, udp_pkt + 6, ETH_ADDR_LEN);
    memset(tie.mask.eth_src, 0xff, ETH_ADDR_LEN);
    add_output(&tie, VF0 + 2);
    assert_int_equal(fp_rule_add(dev, &tie, &id_tie), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);
    assert_int_equal(tx_packets(dev, VF0), 4);
    assert_int_equal(tx_packets(dev, VF0 + 2), 0);

    /* One of a higher priority that matches it beats it: the entry goes. */
    high.key.eth_type = htons(0x0800);
    high.mask.eth_type = UINT16_MAX;
    add_output(&high, VF1);
    assert_int_equal(fp_rule_add(dev, &high, &id_high), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 0);
    assert_int_equal(tx_packets(dev, VF1), 1);
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);
    assert_int_equal(tx_packets(dev, VF1), 2);

    /* Its rule removed, the entry goes too: 'a' wins again.  (The action
     * list of 'high' is the one of 'b', so that an entry that outlived its
     * rule would still send the packet to VF1, not to freed memory.) */
    assert_int_equal(fp_rule_delete(dev, id_high, NULL), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 0);
    assert_int_equal(tx_packets(dev, VF0), 5);
    assert_int_equal(tx_packets(dev, VF1), 2);

    /* An entry of no rule goes when any rule is added, even one that beats
     * no other. */
    assert_int_equal(inject_emc_hits(dev, PHY1), 0);
    assert_int_equal(inject_emc_hits(dev, PHY1), 1);
    fp_port_get_stats(dev, PHY1, &ps);
    assert_int_equal(ps.exceptions, 2);
    add_output(&other, VF1);
    assert_int_equal(fp_rule_add(dev, &other, &id_other), 0);
    assert_int_equal(inject_emc_hits(dev, PHY1), 0);
    assert_int_equal(tx_packets(dev, VF1), 3);
    fp_port_get_stats(dev, PHY1, &ps);
    assert_int_equal(ps.exceptions, 2);

    /* The entry for 'a' (still right) survived all this. */
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);
    assert_int_equal(tx_packets(dev, VF0), 6);

    /* Each packet counted on the rule that the cache or the table found
     * (the cache holds its counter's index): all six to VF0 on 'a', four
     * of them cache hits; none on 'b' or 'tie'. */
    assert_int_equal(fp_rule_get_stats(dev, id_a, &rstats), 0);
    assert_int_equal(rstats.n_packets, 6);
    assert_int_equal(rstats.n_bytes, 6 * sizeof udp_pkt);
    assert_int_equal(fp_rule_get_stats(dev, id_b, &rstats), 0);
    assert_int_equal(rstats.n_packets, 0);
    assert_int_equal(fp_rule_get_stats(dev, id_tie, &rstats), 0);
    assert_int_equal(rstats.n_packets, 0);
}

/* A removed rule stays in memory while an entry of the exact-match cache
 * holds it, however many RCU grace periods pass: the engine checks it
 * before it uses the entry (run under valgrind or AddressSanitizer to see
 * a use after free). */
static void
test_fp_model_emc_purged(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule a = rule_in_port(PHY0, 0);
    struct fp_rule b = rule_in_port(PHY0, 0);
    struct fp_rule c = rule_in_port(PHY1, 0);
    uint32_t id_a, id_b, id_c;

    /* Two masks with 'a' gone too ('c' keeps the mask of 'a'), so that the
     * cache stays in use. */
    add_output(&a, VF0);
    assert_int_equal(fp_rule_add(dev, &a, &id_a), 0);
    b.key.eth_type = htons(0x0800);
    b.mask.eth_type = UINT16_MAX;
    add_output(&b, VF1);
    assert_int_equal(fp_rule_add(dev, &b, &id_b), 0);
    add_output(&c, VF1);
    assert_int_equal(fp_rule_add(dev, &c, &id_c), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 0);
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);

    /* 'a' is removed and purged, and every RCU callback has run. */
    assert_int_equal(fp_rule_delete(dev, id_a, NULL), 0);
    ovsrcu_barrier();
    assert_int_equal(inject_emc_hits(dev, PHY0), 0);
    assert_int_equal(tx_packets(dev, VF0), 2);
    assert_int_equal(tx_packets(dev, VF1), 1);
    assert_int_equal(inject_emc_hits(dev, PHY0), 1);
    assert_int_equal(tx_packets(dev, VF1), 2);
}

/* A slot's packet starts a cache line (64 bytes), so that a packet of 64
 * bytes, which the parse and the send touch, is one line, however its
 * buffer grew or moved. */
static void
test_fp_model_slot_aligned(void **state OVS_UNUSED)
{
    struct fp_model_slot slot;
    size_t i;

    memset(&slot, 0, sizeof slot);
    for (i = 0; i <= 3; i++) {
        const uint8_t *data;

        fp_model_slot_reserve(&slot, i ? FP_MODEL_SLOT_MIN * i + 1 : 64);
        data = fp_model_slot_data(&slot);
        assert_int_equal((uintptr_t) data % 64, 0);
    }
    fp_model_slot_free_buf(slot.buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_model_emc_map),
        cmocka_unit_test(test_fp_model_emc_words),
        cmocka_unit_test(test_fp_model_emc_fast),
        cmocka_unit_test(test_fp_model_emc_spread),
        cmocka_unit_test_setup_teardown(test_fp_model_emc_masks,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_emc_pass_fast,
                                        setup_dev, teardown_dev),
        cmocka_unit_test(test_fp_model_emc_too_many),
        cmocka_unit_test(test_fp_model_emc_evict),
        cmocka_unit_test_setup_teardown(test_fp_model_emc_versions,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_emc_purged,
                                        setup_dev, teardown_dev),
        cmocka_unit_test(test_fp_model_slot_aligned),
    };

    return cmocka_run_group_tests_name("fp_model_emc", tests, NULL, NULL);
}
