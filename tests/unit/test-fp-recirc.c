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

/* Unit tests of recirculation in the flow-processor model: the hash of
 * FP_ACTION_HASH (lib/fp-hash.c) against OVS's own, the lookup passes of
 * FP_ACTION_RECIRC (lib/fp-model-engine.c), what a packet that leaves the
 * NIC after a recirculation hands to the host, the depth limit, the checks
 * of rules (lib/fp-rule.c) and the chained traces. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp/fp-provider.h"
#include "fp-hash.h"
#include "fp-parse.h"
#include "fp-test-packet.h"
#include "hash.h"
#include "netlink.h"
#include "odp-execute.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-thread.h"
#include "packets.h"
#include "random.h"
#include "util.h"

/* Default device: phy0 = 0, phy1 = 1, vf0 = 2 ... vf7 = 9. */
#define PHY0 0
#define PHY1 1
#define VF0 2

/* Frames sent out of each port of the device, through an endpoint. */
#define N_PORTS 10
static struct ovs_mutex out_mutex = OVS_MUTEX_INITIALIZER;
static unsigned int out_count[N_PORTS];
static uint8_t out_last[N_PORTS][4096];
static size_t out_last_size[N_PORTS];

static int
capture_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
             size_t size)
{
    ovs_mutex_lock(&out_mutex);
    if (port < N_PORTS) {
        out_count[port]++;
        out_last_size[port] = MIN(size, sizeof out_last[port]);
        memcpy(out_last[port], data, out_last_size[port]);
    }
    ovs_mutex_unlock(&out_mutex);
    return 0;
}

static const struct fp_endpoint_ops capture_ops = { .send = capture_send };

/* Returns the frames sent out of 'port' and copies the last one to
 * 'last', its size to '*sizep' (if 'last' is nonnull).  Asserts nothing
 * under 'out_mutex', which the engine needs. */
static unsigned int
out_get(uint32_t port, uint8_t *last, size_t *sizep)
{
    unsigned int n;

    ovs_mutex_lock(&out_mutex);
    n = out_count[port];
    if (last) {
        *sizep = out_last_size[port];
        memcpy(last, out_last[port], out_last_size[port]);
    }
    ovs_mutex_unlock(&out_mutex);
    return n;
}

static void
out_reset(void)
{
    ovs_mutex_lock(&out_mutex);
    memset(out_count, 0, sizeof out_count);
    ovs_mutex_unlock(&out_mutex);
}

static unsigned int
out_total(void)
{
    unsigned int n = 0;
    size_t i;

    ovs_mutex_lock(&out_mutex);
    for (i = 0; i < N_PORTS; i++) {
        n += out_count[i];
    }
    ovs_mutex_unlock(&out_mutex);
    return n;
}

static int
setup_dev(void **state)
{
    struct fp_device *dev;
    uint32_t port;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    assert_int_equal(fp_device_n_ports(dev), N_PORTS);
    for (port = 0; port < N_PORTS; port++) {
        assert_int_equal(fp_port_set_endpoint(dev, port, &capture_ops, NULL),
                         0);
    }
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    out_reset();
    *state = dev;
    return 0;
}

static int
teardown_dev(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* Rules. */

/* Returns a rule that matches the packets of 'in_port' in the lookup pass
 * of 'recirc_id', with 'priority' and no actions. */
static struct fp_rule
rule_stage(uint32_t in_port, uint32_t recirc_id, uint32_t priority)
{
    struct fp_rule rule;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = in_port;
    rule.mask.in_port = UINT32_MAX;
    rule.key.recirc_id = recirc_id;
    rule.mask.recirc_id = UINT32_MAX;
    rule.priority = priority;
    return rule;
}

static struct fp_action *
add_action(struct fp_rule *rule, enum fp_action_type type)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static void
add_output(struct fp_rule *rule, uint32_t port)
{
    add_action(rule, FP_ACTION_OUTPUT)->port = port;
}

static void
add_hash(struct fp_rule *rule, enum fp_hash_alg alg, uint32_t basis)
{
    struct fp_action *a = add_action(rule, FP_ACTION_HASH);

    a->hash.alg = alg;
    a->hash.basis = basis;
}

static void
add_recirc(struct fp_rule *rule, uint32_t recirc_id)
{
    add_action(rule, FP_ACTION_RECIRC)->recirc_id = recirc_id;
}

static void
add_push(struct fp_rule *rule, uint16_t tci)
{
    struct fp_action *a = add_action(rule, FP_ACTION_PUSH_VLAN);

    a->vlan.tpid = htons(0x8100);
    a->vlan.tci = htons(tci);
}

static void
add_set(struct fp_rule *rule, enum fp_action_type type, const void *value,
        size_t n)
{
    struct fp_action *a = add_action(rule, type);

    memcpy(a->set.value, value, n);
    memset(a->set.mask, 0xff, n);
}

static uint64_t
rule_packets(struct fp_device *dev, uint32_t id)
{
    struct fp_rule_stats stats;

    assert_int_equal(fp_rule_get_stats(dev, id, &stats), 0);
    return stats.n_packets;
}

/* Frames. */

/* A random frame: Ethernet with 0 to 3 VLAN tags, then IPv4 or IPv6 (TCP,
 * UDP, SCTP, ICMP, another protocol; fragments, first and later), ARP,
 * 802.3 with LLC, or another Ethertype.  Returns its size.  Checksums are
 * not computed: neither parser checks them. */
static size_t
random_frame(uint8_t *p)
{
    static const uint8_t protos[] = { 6, 17, 132, 1, 58, 47, 6, 17 };
    uint32_t r = random_uint32();
    size_t ofs = 12, l3, i, n_tags = r % 8 < 4 ? 0 : r % 8 < 6 ? 1 : r % 4;
    unsigned int kind = (r >> 8) % 10;
    uint8_t proto = protos[(r >> 12) % ARRAY_SIZE(protos)];
    unsigned int frag = (r >> 16) % 4;  /* 0, 1: none; 2: first; 3: later. */

    memset(p, 0, 256);
    random_bytes(p, 12);
    p[0] &= ~1;                 /* Unicast or not, the hash does not care,
                                 * but keep most of them unicast. */
    if (r & (1u << 20)) {
        p[0] |= 1;
    }
    for (i = 0; i < n_tags; i++) {
        put16(p + ofs, random_uint32() & 1 ? 0x8100 : 0x88a8);
        put16(p + ofs + 2, random_uint32());
        ofs += 4;
    }
    if (kind <= 3) {
        /* IPv4. */
        size_t l4;

        put16(p + ofs, 0x0800);
        l3 = ofs + 2;
        l4 = l3 + 20;
        p[l3] = 0x45;
        p[l3 + 1] = random_uint32();
        put16(p + l3 + 2, 20 + 32);
        put16(p + l3 + 4, random_uint32());
        put16(p + l3 + 6, (frag == 2 ? 0x2000
                           : frag == 3 ? 0x2000 | (1 + random_uint32() % 100)
                           : 0));
        p[l3 + 8] = 64;
        p[l3 + 9] = proto;
        random_bytes(p + l3 + 12, 8);
        if (random_uint32() % 8 == 0) {
            memcpy(p + l3 + 16, p + l3 + 12, 4);    /* Same addresses. */
        }
        random_bytes(p + l4, 32);
        if (proto == 6) {
            p[l4 + 12] = 0x50;
        }
        return l4 + 32;
    } else if (kind <= 6) {
        /* IPv6, with a fragment header for 'frag' 2 and 3. */
        size_t l4;

        put16(p + ofs, 0x86dd);
        l3 = ofs + 2;
        l4 = l3 + 40;
        p[l3] = 0x60;
        put16(p + l3 + 4, 32 + (frag >= 2 ? 8 : 0));
        p[l3 + 6] = frag >= 2 ? 44 : proto;
        p[l3 + 7] = 64;
        random_bytes(p + l3 + 8, 32);
        if (frag >= 2) {
            p[l4] = proto;
            put16(p + l4 + 2, frag == 2 ? 0x0001
                  : (1 + random_uint32() % 100) << 3 | 1);
            put32(p + l4 + 4, random_uint32());
            l4 += 8;
        }
        random_bytes(p + l4, 32);
        if (proto == 6) {
            p[l4 + 12] = 0x50;
        }
        if (proto == 58) {
            p[l4] = 128 + random_uint32() % 2;      /* Echo. */
        }
        return l4 + 32;
    } else if (kind == 7) {
        /* ARP. */
        put16(p + ofs, 0x0806);
        l3 = ofs + 2;
        put16(p + l3, 1);
        put16(p + l3 + 2, 0x0800);
        p[l3 + 4] = 6;
        p[l3 + 5] = 4;
        put16(p + l3 + 6, 1 + random_uint32() % 2);
        random_bytes(p + l3 + 8, 20);
        return MAX(l3 + 28, 60);
    } else if (kind == 8) {
        /* 802.3 with LLC, no SNAP. */
        put16(p + ofs, 46);
        p[ofs + 2] = 0x42;
        p[ofs + 3] = 0x42;
        p[ofs + 4] = 0x03;
        return MAX(ofs + 48, 60);
    } else {
        put16(p + ofs, 0x88cc + random_uint32() % 4);
        random_bytes(p + ofs + 2, 46);
        return ofs + 48;
    }
}

/* Returns OVS's dp_hash of OVS_ACTION_ATTR_HASH with 'alg' and 'basis' for
 * the 'size' bytes at 'data' from datapath port 'in_port', as dpif-netdev
 * runs it: on a packet whose RSS hash is 'rss_hash'.  The hash action is
 * executed by OVS's odp_execute_actions(). */
static uint32_t
ovs_dp_hash(const void *data, size_t size, uint32_t in_port,
            uint32_t alg, uint32_t basis, uint32_t rss_hash)
{
    struct ovs_action_hash act = { .hash_alg = alg, .hash_basis = basis };
    struct dp_packet_batch batch;
    struct dp_packet *packet;
    struct ofpbuf actions;
    uint32_t hash;

    ofpbuf_init(&actions, 64);
    nl_msg_put_unspec(&actions, OVS_ACTION_ATTR_HASH, &act, sizeof act);
    packet = dp_packet_clone_data(data, size);
    pkt_metadata_init(&packet->md, u32_to_odp(in_port));
    dp_packet_set_rss_hash(packet, rss_hash);
    dp_packet_batch_init_packet(&batch, packet);
    odp_execute_actions(NULL, &batch, false, actions.data, actions.size,
                        NULL);
    hash = packet->md.dp_hash;
    dp_packet_delete(packet);
    ofpbuf_uninit(&actions);
    return hash;
}

/* Returns the RSS hash that OVS's dpif-netdev computes for the 'size' bytes
 * at 'data', a packet without one: miniflow_hash_5tuple(mf, 0). */
static uint32_t
ovs_rss_hash(const void *data, size_t size, uint32_t in_port)
{
    struct {
        struct miniflow mf;
        uint64_t buf[FLOW_MAX_PACKET_U64S];
    } m;
    struct dp_packet *packet;
    uint32_t hash;

    packet = dp_packet_clone_data(data, size);
    pkt_metadata_init(&packet->md, u32_to_odp(in_port));
    miniflow_extract(packet, &m.mf);
    hash = miniflow_hash_5tuple(&m.mf, 0);
    dp_packet_delete(packet);
    return hash;
}

/* (a) The hash. */

/* fp_hash_sym_l4() over the model's parse is OVS's
 * flow_hash_symmetric_l3l4(flow, basis, false) over flow_extract(), and
 * fp_hash_l4() of the RSS hash is hash_int(), for thousands of random
 * frames of every kind and random bases; and so is what OVS's own hash
 * action (odp_execute_actions()) computes.  Each frame is also cut short
 * at random: where the model parses what is left (it sends the others to
 * the host as malformed, without running any action), the hashes agree
 * too. */
static void
test_fp_recirc_hash(void **state OVS_UNUSED)
{
    size_t n_ip = 0, n_l4 = 0, n_frag = 0, n_l2 = 0, n_vlan = 0, n_cut = 0;
    uint32_t distinct = 0, last = 0;
    int i;

    random_set_seed(0x5eed1);
    for (i = 0; i < 10000; i++) {
        uint32_t basis = i % 4 ? random_uint32() : 0;
        uint32_t in_port = random_uint32() % 8;
        uint8_t frame[256];
        struct dp_packet *packet;
        struct fp_key key;
        struct flow flow;
        uint32_t sym, ovs_sym, rss;
        size_t size;

        size = random_frame(frame);
        if (i % 2) {
            size_t cut = 14 + random_uint32() % (size - 13);

            if (fp_parse(frame, cut, in_port, &key, NULL)) {
                continue;
            }
            size = cut;
            n_cut++;
        }
        assert_int_equal(fp_parse(frame, size, in_port, &key, NULL), 0);

        packet = dp_packet_clone_data(frame, size);
        pkt_metadata_init(&packet->md, u32_to_odp(in_port));
        flow_extract(packet, &flow);
        dp_packet_delete(packet);

        sym = fp_hash_sym_l4(&key, basis);
        ovs_sym = flow_hash_symmetric_l3l4(&flow, basis, false);
        if (sym != ovs_sym) {
            print_message("frame %d (%"PRIuSIZE" bytes, eth_type %04x, "
                          "proto %d, frag %d): %08"PRIx32" instead of %08"
                          PRIx32"\n", i, size, ntohs(key.eth_type),
                          key.nw_proto, key.ip_frag, sym, ovs_sym);
        }
        assert_int_equal(sym, ovs_sym);
        assert_int_equal(sym, ovs_dp_hash(frame, size, in_port,
                                          OVS_HASH_ALG_SYM_L4, basis, 0));

        rss = fp_parse_rss_hash(&key);
        assert_int_equal(rss, ovs_rss_hash(frame, size, in_port));
        assert_int_equal(fp_hash_l4(rss, basis), hash_int(rss, basis));
        assert_int_equal(fp_hash_l4(rss, basis),
                         ovs_dp_hash(frame, size, in_port, OVS_HASH_ALG_L4,
                                     basis, rss));

        /* What the frames covered. */
        if (flow.dl_type == htons(ETH_TYPE_IP)
            || flow.dl_type == htons(ETH_TYPE_IPV6)) {
            n_ip++;
            n_frag += (flow.nw_frag & FLOW_NW_FRAG_ANY) != 0;
            n_l4 += (!(flow.nw_frag & FLOW_NW_FRAG_ANY)
                     && (flow.nw_proto == IPPROTO_TCP
                         || flow.nw_proto == IPPROTO_SCTP));
        } else {
            n_l2++;
        }
        n_vlan += (flow.vlans[0].tci & htons(VLAN_CFI)) != 0;
        distinct += sym != last;
        last = sym;
    }
    print_message("%"PRIuSIZE" IP (%"PRIuSIZE" with ports, %"PRIuSIZE
                  " fragments), %"PRIuSIZE" L2, %"PRIuSIZE" tagged, %"
                  PRIuSIZE" cut\n", n_ip, n_l4, n_frag, n_l2, n_vlan, n_cut);
    assert_true(n_ip > 2000 && n_l4 > 500 && n_frag > 500);
    assert_true(n_l2 > 1000 && n_vlan > 1000 && n_cut > 1000);
    assert_true(distinct > 4900);
}

/* The symmetric hash is symmetric: swapping addresses and ports keeps it;
 * and it hashes the VIDs only, not the PCP nor the presence bit alone. */
static void
test_fp_recirc_hash_symmetric(void **state OVS_UNUSED)
{
    struct fields f = {
        .in_port = 1,
        .eth_dst = { 0x02, 0, 0, 0, 0, 1 },
        .eth_src = { 0x02, 0, 0, 0, 0, 2 },
        .eth_type = 0x0800, .ip4_src = 0x0a000001, .ip4_dst = 0x0a000002,
        .proto = 6, .ttl = 64, .tp_src = 1234, .tp_dst = 80,
    };
    struct fp_key a, b;

    key_of(&f, &a);
    b = a;
    b.nw_src = a.nw_dst;
    b.nw_dst = a.nw_src;
    b.tp_src = a.tp_dst;
    b.tp_dst = a.tp_src;
    memcpy(b.eth_src, a.eth_dst, 6);
    memcpy(b.eth_dst, a.eth_src, 6);
    assert_int_equal(fp_hash_sym_l4(&a, 7), fp_hash_sym_l4(&b, 7));
    b.tp_src = htons(1235);
    assert_int_not_equal(fp_hash_sym_l4(&a, 7), fp_hash_sym_l4(&b, 7));

    /* L2: the VID counts, the PCP does not. */
    a.eth_type = b.eth_type = htons(0x88cc);
    b = a;
    a.vlans[0].tpid = b.vlans[0].tpid = htons(0x8100);
    a.vlans[0].tci = htons(FP_VLAN_PRESENT | 10);
    b.vlans[0].tci = htons(FP_VLAN_PRESENT | 0xe000 | 10);
    assert_int_equal(fp_hash_sym_l4(&a, 7), fp_hash_sym_l4(&b, 7));
    b.vlans[0].tci = htons(FP_VLAN_PRESENT | 11);
    assert_int_not_equal(fp_hash_sym_l4(&a, 7), fp_hash_sym_l4(&b, 7));
}

/* (b) A two-stage pipeline: a select group, as OVS offloads it. */

/* Rule A (recirc_id 0) hashes and recirculates to 5; rules B0...B3 match
 * recirc_id 5 and dp_hash & 3 and output to vf0...vf3.  Each of many flows
 * goes to the VF of its bucket, the bucket that OVS's hash action picks
 * for it, and every counter is exact.  Each flow is sent twice: the second
 * packet finds both its lookups in the exact-match cache. */
static void
test_fp_recirc_pipeline(void **state)
{
    struct fp_device *dev = *state;
    unsigned int n_bucket[4] = { 0, 0, 0, 0 };
    struct fp_device_stats ds;
    uint32_t a_id, b_id[4];
    struct fp_rule rule;
    const int n = 200;
    int alg, i, j;

    for (alg = FP_HASH_L4; alg <= FP_HASH_SYM_L4; alg++) {
        uint32_t basis = 0x1234 + alg;

        memset(n_bucket, 0, sizeof n_bucket);
        rule = rule_stage(PHY0, 0, 10);
        add_hash(&rule, alg, basis);
        add_recirc(&rule, 5);
        assert_int_equal(fp_rule_add(dev, &rule, &a_id), 0);
        for (i = 0; i < 4; i++) {
            rule = rule_stage(PHY0, 5, 10);
            rule.key.dp_hash = i;
            rule.mask.dp_hash = 3;
            add_output(&rule, VF0 + i);
            assert_int_equal(fp_rule_add(dev, &rule, &b_id[i]), 0);
        }

        for (i = 0; i < n; i++) {
            struct fields f = {
                .in_port = PHY0,
                .eth_dst = { 0x02, 0, 0, 0, 0, 1 },
                .eth_src = { 0x02, 0, 0, 0, 0, 2 },
                .eth_type = i % 3 ? 0x0800 : 0x86dd,
                .ip4_src = 0x0a000000 + i, .ip4_dst = 0x0a010000 + i * 7,
                .ip6_src = { 0x20, 0x01, [15] = i },
                .ip6_dst = { 0x20, 0x01, [14] = i, [15] = 1 },
                .proto = i % 2 ? 6 : 17, .ttl = 64,
                .tp_src = 1000 + i, .tp_dst = 80,
            };
            uint32_t hash, bucket;
            uint8_t pkt[128], last[4096];
            size_t size = build(&f, pkt), last_size;
            unsigned int before;

            hash = ovs_dp_hash(pkt, size, PHY0,
                               alg == FP_HASH_L4
                               ? OVS_HASH_ALG_L4 : OVS_HASH_ALG_SYM_L4,
                               basis, ovs_rss_hash(pkt, size, PHY0));
            bucket = hash & 3;
            n_bucket[bucket]++;
            for (j = 0; j < 2; j++) {
                before = out_get(VF0 + bucket, NULL, NULL);
                assert_int_equal(fp_port_inject(dev, PHY0, pkt, size), 0);
                assert_int_equal(out_get(VF0 + bucket, last, &last_size),
                                 before + 1);
                assert_int_equal(last_size, size);
                assert_memory_equal(last, pkt, size);
            }
        }

        assert_int_equal(rule_packets(dev, a_id), 2 * n);
        for (i = 0; i < 4; i++) {
            assert_true(n_bucket[i] > n / 8);
            assert_int_equal(rule_packets(dev, b_id[i]), 2 * n_bucket[i]);
        }
        assert_int_equal(out_total(), 2 * n);

        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.hits, 2 * n);
        assert_int_equal(ds.misses, 0);
        assert_int_equal(ds.recirculations, 2 * n);
        assert_int_equal(ds.recirc_misses, 0);
        assert_int_equal(ds.recirc_exceeded, 0);
        /* More than the first lookups can answer: the later ones too. */
        assert_true(ds.emc_hits > n);

        /* A reset starts the counters again, as 'hits'. */
        assert_int_equal(fp_device_reset(dev), 0);
        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.hits, 0);
        assert_int_equal(ds.recirculations, 0);
        out_reset();
    }
}

/* (c) A miss in pass 2. */

/* Pass 0 rewrites the IPv4 source and the UDP source port, marks, hashes
 * and recirculates to 5; pass 1 rewrites the destination MAC, sets a mark
 * and recirculates to 6, which no rule matches.  The host gets the packet
 * as both passes rewrote it, with recirc_id 6, the dp_hash of pass 0, the
 * RSS hash of the packet as it came in, and no mark (a mark belongs to its
 * pass).  Nothing goes out, and the counters say a miss after a
 * recirculation. */
static void
test_fp_recirc_miss(void **state)
{
    struct fp_device *dev = *state;
    struct fields f = {
        .in_port = PHY0,
        .eth_dst = { 0x02, 0, 0, 0, 0, 1 },
        .eth_src = { 0x02, 0, 0, 0, 0, 2 },
        .eth_type = 0x0800, .ip4_src = 0x0a000001, .ip4_dst = 0x0a000002,
        .proto = 17, .ttl = 64, .tp_src = 1234, .tp_dst = 53,
    };
    static const uint8_t new_dst[6] = { 0x02, 0xaa, 0, 0, 0, 9 };
    const uint8_t new_src[4] = { 192, 0, 2, 1 };
    const uint8_t new_port[2] = { 0x1f, 0x90 };
    uint8_t pkt[128], exp[128], buf[256];
    struct fp_port_stats ps;
    struct fp_device_stats ds;
    struct fp_packet_md md;
    uint32_t a_id, b_id, rss;
    struct fp_rule rule;
    size_t size, len;

    size = build(&f, pkt);
    rss = ovs_rss_hash(pkt, size, PHY0);

    rule = rule_stage(PHY0, 0, 1);
    add_set(&rule, FP_ACTION_SET_IPV4_SRC, new_src, 4);
    add_set(&rule, FP_ACTION_SET_TP_SRC, new_port, 2);
    add_action(&rule, FP_ACTION_MARK)->mark = 77;
    add_hash(&rule, FP_HASH_L4, 99);
    add_recirc(&rule, 5);
    assert_int_equal(fp_rule_add(dev, &rule, &a_id), 0);
    rule = rule_stage(PHY0, 5, 1);
    add_set(&rule, FP_ACTION_SET_ETH_DST, new_dst, 6);
    add_action(&rule, FP_ACTION_MARK)->mark = 78;
    add_recirc(&rule, 6);
    assert_int_equal(fp_rule_add(dev, &rule, &b_id), 0);

    assert_int_equal(fp_port_inject(dev, PHY0, pkt, size), 0);
    assert_int_equal(fp_port_recv_md(dev, PHY0, buf, sizeof buf, &len, &md),
                     0);

    f.ip4_src = 0xc0000201;
    f.tp_src = 0x1f90;
    memcpy(f.eth_dst, new_dst, 6);
    assert_int_equal(build(&f, exp), size);
    assert_int_equal(len, size);
    assert_memory_equal(buf, exp, size);
    assert_int_equal(md.recirc_id, 6);
    assert_int_equal(md.dp_hash, hash_int(rss, 99));
    assert_int_equal(md.dp_hash, ovs_dp_hash(pkt, size, PHY0,
                                             OVS_HASH_ALG_L4, 99, rss));
    assert_int_equal(md.rss_hash, rss);
    assert_int_not_equal(md.rss_hash, ovs_rss_hash(exp, size, PHY0));
    assert_int_equal(md.mark, 0);
    assert_int_equal(fp_port_recv_md(dev, PHY0, buf, sizeof buf, &len, &md),
                     EAGAIN);
    assert_int_equal(out_total(), 0);

    assert_int_equal(rule_packets(dev, a_id), 1);
    assert_int_equal(rule_packets(dev, b_id), 1);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.hits, 1);
    assert_int_equal(ds.misses, 0);
    assert_int_equal(ds.recirculations, 2);
    assert_int_equal(ds.recirc_misses, 1);
    assert_int_equal(ds.recirc_exceeded, 0);
    fp_port_get_stats(dev, PHY0, &ps);
    assert_int_equal(ps.exceptions, 1);
    assert_int_equal(ps.drops, 0);

    /* A first-pass miss still hands the host no recirculation state. */
    f = (struct fields) {
        .in_port = PHY1, .eth_type = 0x0800, .proto = 6, .ttl = 1,
    };
    size = build(&f, pkt);
    assert_int_equal(fp_port_attach(dev, PHY1), 0);
    assert_int_equal(fp_port_inject(dev, PHY1, pkt, size), 0);
    assert_int_equal(fp_port_recv_md(dev, PHY1, buf, sizeof buf, &len, &md),
                     0);
    assert_int_equal(md.recirc_id, 0);
    assert_int_equal(md.dp_hash, 0);
    assert_int_equal(md.rss_hash, ovs_rss_hash(pkt, size, PHY1));
}

/* An exception in a later pass (partial offload of a later stage) hands
 * the host that pass's recirc_id, mark and state. */
static void
test_fp_recirc_exception(void **state)
{
    struct fp_device *dev = *state;
    struct fields f = {
        .in_port = PHY0, .eth_type = 0x0800, .ip4_src = 0x0a000001,
        .ip4_dst = 0x0a000002, .proto = 6, .ttl = 64, .tp_src = 1,
        .tp_dst = 2,
    };
    uint8_t pkt[128], buf[256];
    struct fp_packet_md md;
    struct fp_rule rule;
    size_t size, len;
    uint32_t id;

    size = build(&f, pkt);
    rule = rule_stage(PHY0, 0, 1);
    add_hash(&rule, FP_HASH_SYM_L4, 3);
    add_recirc(&rule, 9);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    rule = rule_stage(PHY0, 9, 1);
    add_action(&rule, FP_ACTION_MARK)->mark = 42;
    add_action(&rule, FP_ACTION_EXCEPTION);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    assert_int_equal(fp_port_inject(dev, PHY0, pkt, size), 0);
    assert_int_equal(fp_port_recv_md(dev, PHY0, buf, sizeof buf, &len, &md),
                     0);
    assert_int_equal(len, size);
    assert_memory_equal(buf, pkt, size);
    assert_int_equal(md.recirc_id, 9);
    assert_int_equal(md.mark, 42);
    assert_int_equal(md.dp_hash, ovs_dp_hash(pkt, size, PHY0,
                                             OVS_HASH_ALG_SYM_L4, 3, 0));
    assert_int_equal(md.rss_hash, ovs_rss_hash(pkt, size, PHY0));
}

/* The symmetric hash is over the packet as the actions of its pass left
 * it, as OVS's flow_extract() in the hash action sees it; the L4 hash over
 * the RSS hash of the packet as it came in, whatever was rewritten. */
static void
test_fp_recirc_hash_rewritten(void **state)
{
    struct fp_device *dev = *state;
    struct fields f = {
        .in_port = PHY0, .eth_type = 0x86dd,
        .ip6_src = { 0x20, 0x01, [15] = 1 },
        .ip6_dst = { 0x20, 0x01, [15] = 2 },
        .proto = 6, .ttl = 64, .tp_src = 1000, .tp_dst = 22,
    };
    const uint8_t new_port[2] = { 0x30, 0x39 };
    uint8_t pkt[128], exp[128], buf[256];
    struct fp_packet_md md;
    struct fp_rule rule;
    size_t size, len;
    uint32_t id;
    int alg;

    size = build(&f, pkt);
    f.tp_src = 0x3039;
    build(&f, exp);
    for (alg = FP_HASH_L4; alg <= FP_HASH_SYM_L4; alg++) {
        rule = rule_stage(PHY0, 0, 1);
        add_set(&rule, FP_ACTION_SET_TP_SRC, new_port, 2);
        add_hash(&rule, alg, 5);
        add_recirc(&rule, 3);
        assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

        assert_int_equal(fp_port_inject(dev, PHY0, pkt, size), 0);
        assert_int_equal(fp_port_recv_md(dev, PHY0, buf, sizeof buf, &len,
                                         &md), 0);
        assert_int_equal(len, size);
        assert_memory_equal(buf, exp, size);
        assert_int_equal(md.recirc_id, 3);
        if (alg == FP_HASH_SYM_L4) {
            assert_int_equal(md.dp_hash,
                             ovs_dp_hash(exp, size, PHY0,
                                         OVS_HASH_ALG_SYM_L4, 5, 0));
            assert_int_not_equal(md.dp_hash,
                                 ovs_dp_hash(pkt, size, PHY0,
                                             OVS_HASH_ALG_SYM_L4, 5, 0));
        } else {
            assert_int_equal(md.dp_hash,
                             ovs_dp_hash(exp, size, PHY0, OVS_HASH_ALG_L4,
                                         5, ovs_rss_hash(pkt, size, PHY0)));
        }
        assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    }
}

/* The transmit queue that a pass chose carries over to the next, as OVS's
 * skb_priority does across recirculation. */
static void
test_fp_recirc_queue(void **state)
{
    struct fp_device *dev = *state;
    struct fields f = {
        .in_port = PHY0, .eth_type = 0x0800, .proto = 17, .ttl = 64,
    };
    struct fp_qos_config qos;
    struct fp_queue_stats qs;
    struct fp_rule rule;
    uint8_t pkt[128];
    size_t size;
    uint32_t id;

    memset(&qos, 0, sizeof qos);
    qos.rate = 1000 * 1000 * 1000;
    qos.queues = (1u << 0) | (1u << 3);
    assert_int_equal(fp_port_set_qos(dev, VF0 + 1, &qos), 0);

    rule = rule_stage(PHY0, 0, 1);
    add_action(&rule, FP_ACTION_SET_QUEUE)->queue = 3;
    add_recirc(&rule, 8);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    rule = rule_stage(PHY0, 8, 1);
    add_output(&rule, VF0 + 1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    size = build(&f, pkt);
    assert_int_equal(fp_port_inject(dev, PHY0, pkt, size), 0);
    assert_int_equal(out_get(VF0 + 1, NULL, NULL), 1);
    assert_int_equal(fp_port_get_queue_stats(dev, VF0 + 1, 3, &qs), 0);
    assert_int_equal(qs.tx_packets, 1);
    assert_int_equal(fp_port_get_queue_stats(dev, VF0 + 1, 0, &qs), 0);
    assert_int_equal(qs.tx_packets, 0);
}

/* (d) The depth limit. */

/* Rules R0...R5: Ri matches recirc_id i, pushes 14 VLAN tags and
 * recirculates to i + 1.  A packet runs R0...R4 (FP_MAX_RECIRC
 * recirculations) and goes to the host instead of a fifth, with recirc_id
 * 5 and every tag pushed so far: never dropped.  Small and large frames,
 * so that the NIC makes room for the tags of each pass, once in a larger
 * buffer. */
static void
test_fp_recirc_depth(void **state)
{
    struct fp_device *dev = *state;
    static uint8_t pkt[2000], buf[4096], exp[4096];
    const size_t sizes[] = { 60, 2000 };
    struct fp_device_stats ds;
    struct fp_port_stats ps;
    struct fp_packet_md md;
    uint32_t ids[6];
    size_t s, i, j, len;

    for (i = 0; i < 6; i++) {
        struct fp_rule rule = rule_stage(PHY0, i, 1);

        for (j = 0; j < 14; j++) {
            add_push(&rule, i * 16 + j);
        }
        add_hash(&rule, FP_HASH_L4, i);
        add_recirc(&rule, i + 1);
        assert_int_equal(fp_rule_add(dev, &rule, &ids[i]), 0);
    }

    for (s = 0; s < ARRAY_SIZE(sizes); s++) {
        size_t size = sizes[s], ofs;
        uint32_t rss;

        memset(pkt, 0, sizeof pkt);
        for (i = 0; i < 12; i++) {
            pkt[i] = i + 1;
        }
        put16(pkt + 12, 0x88b5);
        for (i = 14; i < size; i++) {
            pkt[i] = i * 7;
        }
        rss = ovs_rss_hash(pkt, size, PHY0);

        /* The tags of the last pass first: each push is outermost. */
        memcpy(exp, pkt, 12);
        ofs = 12;
        for (i = 5; i-- > 0;) {
            for (j = 14; j-- > 0;) {
                put16(exp + ofs, 0x8100);
                put16(exp + ofs + 2, i * 16 + j);
                ofs += 4;
            }
        }
        memcpy(exp + ofs, pkt + 12, size - 12);

        assert_int_equal(fp_port_inject(dev, PHY0, pkt, size), 0);
        assert_int_equal(fp_port_recv_md(dev, PHY0, buf, sizeof buf, &len,
                                         &md), 0);
        assert_int_equal(len, size + 5 * 14 * 4);
        assert_memory_equal(buf, exp, len);
        assert_int_equal(md.recirc_id, 5);
        assert_int_equal(md.dp_hash, hash_int(rss, 4));
        assert_int_equal(md.rss_hash, rss);
        assert_int_equal(md.mark, 0);
    }
    assert_int_equal(out_total(), 0);
    for (i = 0; i < 5; i++) {
        assert_int_equal(rule_packets(dev, ids[i]), 2);
    }
    assert_int_equal(rule_packets(dev, ids[5]), 0);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.hits, 2);
    assert_int_equal(ds.recirculations, 2 * FP_MAX_RECIRC);
    assert_int_equal(ds.recirc_misses, 0);
    assert_int_equal(ds.recirc_exceeded, 2);
    fp_port_get_stats(dev, PHY0, &ps);
    assert_int_equal(ps.exceptions, 2);
    assert_int_equal(ps.drops, 0);
}

/* (e) The checks of rules. */

static void
test_fp_recirc_validation(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule_op ops[2];
    struct fp_rule rule, bad;
    uint32_t id;

    /* A recirc action only last. */
    rule = rule_stage(PHY0, 0, 1);
    add_recirc(&rule, 5);
    add_output(&rule, VF0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);

    /* With a nonzero recirc_id. */
    rule = rule_stage(PHY0, 0, 1);
    add_output(&rule, VF0);
    add_recirc(&rule, 0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);

    /* A hash action of a known algorithm. */
    rule = rule_stage(PHY0, 0, 1);
    add_hash(&rule, FP_HASH_SYM_L4 + 1, 0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);
    rule.actions[0].hash.alg = UINT32_MAX;
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);

    /* Nothing was added. */
    {
        struct fp_device_stats ds;

        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.n_rules, 0);
    }

    /* What is valid. */
    rule = rule_stage(PHY0, 0, 1);
    add_output(&rule, VF0);
    add_hash(&rule, FP_HASH_L4, 0);
    add_hash(&rule, FP_HASH_SYM_L4, 0);
    add_recirc(&rule, 1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    /* A modify is checked as an add, and changes nothing if refused. */
    bad = rule;
    bad.actions[3].recirc_id = 0;
    assert_int_equal(fp_rule_modify(dev, id, &bad), EINVAL);
    bad = rule;
    bad.actions[2] = rule.actions[3];
    bad.actions[3] = rule.actions[2];
    assert_int_equal(fp_rule_modify(dev, id, &bad), EINVAL);

    /* In a batch, the refused one alone. */
    memset(ops, 0, sizeof ops);
    ops[0].type = FP_RULE_OP_ADD;
    ops[0].rule = &bad;
    ops[1].type = FP_RULE_OP_ADD;
    ops[1].rule = &rule;
    assert_int_equal(fp_rule_batch(dev, ops, 2), EINVAL);
    assert_int_equal(ops[0].error, EINVAL);
    assert_int_equal(ops[1].error, 0);
}

/* (f) Traces. */

/* Returns the number of lookup passes in the chain of 'trace'. */
static size_t
trace_passes(const struct fp_trace *trace)
{
    size_t n = 0;

    for (; trace; trace = trace->next) {
        assert_int_equal(trace->pass, n);
        n++;
    }
    return n;
}

/* A dry trace follows the chain and changes nothing; a live trace is an
 * inject and records the same chain. */
static void
test_fp_recirc_trace(void **state)
{
    struct fp_device *dev = *state;
    struct fields f = {
        .in_port = PHY0,
        .eth_dst = { 0x02, 0, 0, 0, 0, 1 },
        .eth_src = { 0x02, 0, 0, 0, 0, 2 },
        .eth_type = 0x0800, .ip4_src = 0x0a000001, .ip4_dst = 0x0a000002,
        .proto = 6, .ttl = 64, .tp_src = 4321, .tp_dst = 80,
    };
    struct fp_device_stats ds;
    uint32_t a_id, b_id[4], hash, bucket;
    uint8_t pkt[128], buf[256];
    struct fp_trace trace;
    struct fp_rule rule;
    size_t size, len;
    int i, dry;

    size = build(&f, pkt);
    hash = ovs_dp_hash(pkt, size, PHY0, OVS_HASH_ALG_SYM_L4, 11, 0);
    bucket = hash & 3;

    rule = rule_stage(PHY0, 0, 10);
    add_hash(&rule, FP_HASH_SYM_L4, 11);
    add_recirc(&rule, 5);
    assert_int_equal(fp_rule_add(dev, &rule, &a_id), 0);
    for (i = 0; i < 4; i++) {
        rule = rule_stage(PHY0, 5, 20 + i);
        rule.key.dp_hash = i;
        rule.mask.dp_hash = 3;
        add_output(&rule, VF0 + i);
        assert_int_equal(fp_rule_add(dev, &rule, &b_id[i]), 0);
    }

    for (dry = 1; dry >= 0; dry--) {
        const struct fp_trace *next;

        assert_int_equal(fp_port_trace(dev, PHY0, pkt, size, dry, &trace),
                         0);
        assert_int_equal(trace_passes(&trace), 2);
        assert_true(trace.hit);
        assert_int_equal(trace.rule_id, a_id);
        assert_int_equal(trace.key.recirc_id, 0);
        assert_int_equal(trace.n_steps, 2);
        assert_int_equal(trace.steps[0].action.type, FP_ACTION_HASH);
        assert_int_equal(trace.steps[1].action.type, FP_ACTION_RECIRC);
        assert_false(trace.recirc_exceeded);

        next = trace.next;
        assert_true(next->dry == dry);
        assert_int_equal(next->key.recirc_id, 5);
        assert_int_equal(next->key.dp_hash, hash);
        assert_int_equal(next->key.in_port, PHY0);
        assert_int_equal(next->key.tp_src, htons(4321));
        assert_true(next->hit);
        assert_int_equal(next->rule_id, b_id[bucket]);
        assert_int_equal(next->priority, 20 + bucket);
        assert_int_equal(next->n_steps, 1);
        assert_int_equal(next->steps[0].action.type, FP_ACTION_OUTPUT);
        assert_int_equal(next->steps[0].action.port, VF0 + bucket);
        assert_int_equal(next->steps[0].size, size);
        assert_memory_equal(next->steps[0].packet, pkt, size);
        assert_null(next->next);
        fp_trace_uninit(&trace);
        assert_null(trace.next);

        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.recirculations, dry ? 0 : 1);
        assert_int_equal(rule_packets(dev, a_id), dry ? 0 : 1);
        assert_int_equal(rule_packets(dev, b_id[bucket]), dry ? 0 : 1);
        assert_int_equal(out_total(), dry ? 0 : 1);
    }

    /* Beyond the limit: the trace of the last pass says where the packet
     * went instead; a dry trace queues nothing. */
    for (i = 0; i < 4; i++) {
        assert_int_equal(fp_rule_delete(dev, b_id[i], NULL), 0);
    }
    rule = rule_stage(PHY0, 5, 10);
    add_recirc(&rule, 5);
    assert_int_equal(fp_rule_add(dev, &rule, &b_id[0]), 0);
    for (dry = 1; dry >= 0; dry--) {
        const struct fp_trace *last;

        assert_int_equal(fp_port_trace(dev, PHY0, pkt, size, dry, &trace),
                         0);
        assert_int_equal(trace_passes(&trace), FP_MAX_RECIRC + 1);
        for (last = &trace; last->next; last = last->next) {
            assert_false(last->recirc_exceeded);
            assert_true(last->hit);
        }
        assert_true(last->hit);
        assert_int_equal(last->rule_id, b_id[0]);
        assert_true(last->recirc_exceeded);
        assert_int_equal(last->recirc_host, FP_TRACE_HOST_QUEUED);
        fp_trace_uninit(&trace);
        assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len),
                         dry ? EAGAIN : 0);
    }
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.recirc_exceeded, 1);

    /* A miss in a later pass. */
    assert_int_equal(fp_rule_delete(dev, b_id[0], NULL), 0);
    for (dry = 1; dry >= 0; dry--) {
        assert_int_equal(fp_port_trace(dev, PHY0, pkt, size, dry, &trace),
                         0);
        assert_int_equal(trace_passes(&trace), 2);
        assert_false(trace.next->hit);
        assert_int_equal(trace.next->rule_id, 0);
        assert_int_equal(trace.next->miss, FP_TRACE_HOST_QUEUED);
        assert_int_equal(trace.next->key.recirc_id, 5);
        fp_trace_uninit(&trace);
        assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len),
                         dry ? EAGAIN : 0);
    }
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.recirc_misses, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_recirc_hash),
        cmocka_unit_test(test_fp_recirc_hash_symmetric),
        cmocka_unit_test_setup_teardown(test_fp_recirc_pipeline,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_miss,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_exception,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_hash_rewritten,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_queue,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_depth,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_validation,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_recirc_trace,
                                        setup_dev, teardown_dev),
    };

    return cmocka_run_group_tests_name("fp-recirc", tests, NULL, NULL);
}
