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

/* Unit tests of the model's actions (lib/fp-action.c, lib/fp-meter.c and
 * their use in lib/fp-model.c), one per action: the packet that leaves the
 * NIC is compared byte for byte with the expected packet, built from
 * scratch with its checksums (fp-test-packet.h). */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-parse.h"
#include "netlink.h"
#include "odp-execute.h"
#include "odp-netlink.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"
#include "fp-test-packet.h"

struct sent {
    uint32_t port;
    size_t size;
    uint8_t data[256];
};

static struct sent sent[8];
static size_t n_sent;
static bool sent_overflow;      /* More or bigger packets than 'sent' has
                                 * room for: checked by check(). */

/* The endpoint: runs on an engine thread, so no cmocka assertion here. */
static int
record_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
            size_t size)
{
    if (n_sent >= ARRAY_SIZE(sent) || size > sizeof sent[0].data) {
        sent_overflow = true;
        return 0;
    }
    sent[n_sent].port = port;
    sent[n_sent].size = size;
    memcpy(sent[n_sent].data, data, size);
    n_sent++;
    return 0;
}

static const struct fp_endpoint_ops record_ops = { .send = record_send };

static int
setup(void **state)
{
    struct fp_device *dev;
    uint32_t i;

    assert_int_equal(fp_device_create("act", NULL, &dev), 0);
    for (i = 0; i < fp_device_n_ports(dev); i++) {
        assert_int_equal(fp_port_set_endpoint(dev, i, &record_ops, NULL), 0);
    }
    assert_int_equal(fp_port_attach(dev, 0), 0);
    *state = dev;
    return 0;
}

static int
teardown(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* An IPv4 (or IPv6 with 'v6') TCP (or UDP with 'udp') packet on port 0. */
static struct fields
base(bool v6, bool udp)
{
    struct fields f;
    size_t i;

    memset(&f, 0, sizeof f);
    f.eth_dst[0] = 0x02;
    f.eth_dst[5] = 1;
    f.eth_src[0] = 0x02;
    f.eth_src[5] = 2;
    f.eth_type = v6 ? 0x86dd : 0x0800;
    f.ip4_src = 0x0a000001;
    f.ip4_dst = 0x0a000002;
    for (i = 0; i < 16; i++) {
        f.ip6_src[i] = 0x20 + i;
        f.ip6_dst[i] = 0x30 + i;
    }
    f.proto = udp ? 17 : 6;
    f.tos = 0x2e;
    f.ttl = 64;
    f.tp_src = 1234;
    f.tp_dst = 80;
    f.tcp_flags = udp ? 0 : 0x18;
    return f;
}

/* Adds a rule for port 0 with 'actions' and then output to port 1, injects
 * the packet of 'in', and checks that exactly the packet of 'out' (if
 * nonnull) leaves port 1.  Deletes the rule. */
static void
check(struct fp_device *dev, const struct fp_action *actions, size_t n,
      const struct fields *in, const struct fields *out)
{
    uint8_t pkt[128], exp[128];
    struct fp_rule rule;
    size_t size, exp_size;
    uint32_t id;

    memset(&rule, 0, sizeof rule);
    rule.mask.in_port = UINT32_MAX;
    memcpy(rule.actions, actions, n * sizeof *actions);
    rule.actions[n].type = FP_ACTION_OUTPUT;
    rule.actions[n].port = 1;
    rule.n_actions = n + 1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    size = build(in, pkt);
    n_sent = 0;
    assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
    assert_false(sent_overflow);
    if (out) {
        exp_size = build(out, exp);
        assert_int_equal(n_sent, 1);
        assert_int_equal(sent[0].port, 1);
        assert_int_equal(sent[0].size, exp_size);
        assert_memory_equal(sent[0].data, exp, exp_size);
    } else {
        assert_int_equal(n_sent, 0);
    }
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
}

static struct fp_action
set_action(enum fp_action_type type, const void *value, const void *mask,
           size_t n)
{
    struct fp_action a;

    memset(&a, 0, sizeof a);
    a.type = type;
    memcpy(a.set.value, value, n);
    memcpy(a.set.mask, mask, n);
    return a;
}

static const uint8_t ones[16] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static void
test_fp_action_set_eth(void **state)
{
    static const uint8_t mac[6] = { 0x0a, 1, 2, 3, 4, 5 };
    struct fields in = base(false, false), out = in;
    struct fp_action a[2];

    a[0] = set_action(FP_ACTION_SET_ETH_DST, mac, ones, 6);
    a[1] = set_action(FP_ACTION_SET_ETH_SRC, mac, ones, 6);
    memcpy(out.eth_dst, mac, 6);
    memcpy(out.eth_src, mac, 6);
    check(*state, a, 2, &in, &out);
}

static void
test_fp_action_set_ipv4(void **state)
{
    uint8_t addr[4] = { 192, 168, 7, 9 }, half[4] = { 0, 0, 0xff, 0xff };
    int udp;

    for (udp = 0; udp < 2; udp++) {
        struct fields in = base(false, udp), out = in;
        struct fp_action a[4];
        uint8_t tos = 0xb8, tos_mask = 0xfc, ttl = 9;

        a[0] = set_action(FP_ACTION_SET_IPV4_SRC, addr, ones, 4);
        a[1] = set_action(FP_ACTION_SET_IPV4_DST, addr, half, 4);
        a[2] = set_action(FP_ACTION_SET_IPV4_TOS, &tos, &tos_mask, 1);
        a[3] = set_action(FP_ACTION_SET_IPV4_TTL, &ttl, ones, 1);
        out.ip4_src = 0xc0a80709;
        out.ip4_dst = 0x0a000709;
        out.tos = 0xb8 | (in.tos & 3);
        out.ttl = 9;
        check(*state, a, 4, &in, &out);
    }
}

static void
test_fp_action_set_ipv6(void **state)
{
    uint8_t addr[16];
    int udp;

    memset(addr, 0x77, sizeof addr);
    for (udp = 0; udp < 2; udp++) {
        struct fields in = base(true, udp), out = in;
        struct fp_action a[4];
        uint8_t tc = 0x81, hlim = 3;

        a[0] = set_action(FP_ACTION_SET_IPV6_SRC, addr, ones, 16);
        a[1] = set_action(FP_ACTION_SET_IPV6_DST, addr, ones, 16);
        a[2] = set_action(FP_ACTION_SET_IPV6_TCLASS, &tc, ones, 1);
        a[3] = set_action(FP_ACTION_SET_IPV6_HLIM, &hlim, ones, 1);
        memcpy(out.ip6_src, addr, 16);
        memcpy(out.ip6_dst, addr, 16);
        out.tos = 0x81;
        out.ttl = 3;
        check(*state, a, 4, &in, &out);
    }
}

/* A dscp_remark meter band adds its prec_level to the drop precedence of
 * AF codepoints, in IPv4 (checksum updated) and IPv6, and keeps the ECN
 * bits; EF stays.  The band holds one packet: the first goes on as it is,
 * the next ones are remarked. */
static void
test_fp_action_dscp_remark(void **state)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 1,
        .bands = { { .rate = 1, .burst = 1, .remark = true,
                     .prec_level = 2 } },
    };
    struct fp_action a;
    int v6;

    memset(&a, 0, sizeof a);
    a.type = FP_ACTION_METER;
    a.meter_id = 7;
    for (v6 = 0; v6 < 2; v6++) {
        struct fields in = base(v6, true), out = in;

        assert_int_equal(fp_meter_set(*state, 7, &c), 0);
        in.tos = 0x29;          /* AF11, ECN 1. */
        out.tos = 0x29;
        check(*state, &a, 1, &in, &out);
        out.tos = 0x39;         /* AF13, ECN 1. */
        check(*state, &a, 1, &in, &out);
        in.tos = out.tos = 0xb9;    /* EF, ECN 1. */
        check(*state, &a, 1, &in, &out);
    }
    assert_int_equal(fp_meter_delete(*state, 7), 0);
}

static void
test_fp_action_set_ports(void **state)
{
    uint8_t src[2] = { 0x12, 0x34 }, dst[2] = { 0x00, 0x35 };
    int v6, udp;

    for (v6 = 0; v6 < 2; v6++) {
        for (udp = 0; udp < 2; udp++) {
            struct fields in = base(v6, udp), out = in;
            struct fp_action a[2];

            a[0] = set_action(FP_ACTION_SET_TP_SRC, src, ones, 2);
            a[1] = set_action(FP_ACTION_SET_TP_DST, dst, ones, 2);
            out.tp_src = 0x1234;
            out.tp_dst = 53;
            check(*state, a, 2, &in, &out);
        }
    }
}

static void
test_fp_action_dec_ttl(void **state)
{
    struct fp_device *dev = *state;
    struct fp_action a = { .type = FP_ACTION_DEC_TTL };
    struct fp_port_stats before, after;
    int v6;

    for (v6 = 0; v6 < 2; v6++) {
        struct fields in = base(v6, false), out = in;

        out.ttl--;
        check(dev, &a, 1, &in, &out);

        /* TTL 1: to the host instead. */
        in.ttl = 1;
        fp_port_get_stats(dev, 0, &before);
        check(dev, &a, 1, &in, NULL);
        fp_port_get_stats(dev, 0, &after);
        assert_int_equal(after.exceptions, before.exceptions + 1);
    }
}

static void
test_fp_action_vlan(void **state)
{
    struct fields in = base(false, false), out = in;
    struct fp_action a[2];
    uint8_t tci[2] = { 0x00, 0x2a }, vid_mask[2] = { 0x0f, 0xff };

    memset(a, 0, sizeof a);
    a[0].type = FP_ACTION_PUSH_VLAN;
    a[0].vlan.tpid = htons(0x8100);
    a[0].vlan.tci = htons(0xa005);
    out.has_vlan = true;
    out.vlan_tci = 0xa005;
    check(*state, a, 1, &in, &out);

    /* Modify the VID only, then pop. */
    in = out;
    a[0] = set_action(FP_ACTION_SET_VLAN, tci, vid_mask, 2);
    out.vlan_tci = 0xa02a;
    check(*state, a, 1, &in, &out);
    a[1].type = FP_ACTION_POP_VLAN;
    out.has_vlan = false;
    check(*state, a, 2, &in, &out);
}

static void
test_fp_action_drop(void **state)
{
    struct fields in = base(false, false);
    struct fp_action a = { .type = FP_ACTION_DROP };

    check(*state, &a, 1, &in, NULL);
}

static void
test_fp_action_mark_exception(void **state)
{
    struct fp_device *dev = *state;
    struct fields in = base(false, true);
    struct fp_action a[2];
    uint8_t pkt[128], buf[256];
    struct fp_packet_md md;
    size_t size, len;

    memset(a, 0, sizeof a);
    a[0].type = FP_ACTION_MARK;
    a[0].mark = 0xbeef;
    a[1].type = FP_ACTION_EXCEPTION;
    check(dev, a, 2, &in, &in);

    size = build(&in, pkt);
    assert_int_equal(fp_port_recv_md(dev, 0, buf, sizeof buf, &len, &md),
                     0);
    assert_int_equal(len, size);
    assert_memory_equal(buf, pkt, size);
    assert_int_equal(md.mark, 0xbeef);

    /* With the RSS hash of the packet. */
    {
        struct fp_key key;

        assert_int_equal(fp_parse(pkt, size, 0, &key, NULL), 0);
        assert_int_equal(md.rss_hash, fp_parse_rss_hash(&key));
        assert_int_not_equal(md.rss_hash, 0);
    }
}

static void
test_fp_action_count(void **state)
{
    struct fp_device *dev = *state;
    struct fields in = base(false, true);
    struct fp_rule_stats st;
    struct fp_action a;
    uint8_t pkt[128];
    uint32_t id;

    assert_int_equal(fp_counter_alloc(dev, &id), 0);
    memset(&a, 0, sizeof a);
    a.type = FP_ACTION_COUNT;
    a.counter_id = id;
    check(dev, &a, 1, &in, &in);
    check(dev, &a, 1, &in, &in);
    assert_int_equal(fp_counter_get(dev, id, &st), 0);
    assert_int_equal(st.n_packets, 2);
    assert_int_equal(st.n_bytes, 2 * build(&in, pkt));
    assert_int_equal(fp_counter_free(dev, id), 0);
    assert_int_equal(fp_counter_get(dev, id, &st), ENOENT);

    /* A rule cannot count in a counter that does not exist. */
    struct fp_rule rule;
    memset(&rule, 0, sizeof rule);
    rule.actions[0] = a;
    rule.n_actions = 1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), ENOENT);
}

/* srTCM in packets: CBS 2 and EBS 1 at a negligible rate: of 5 packets at
 * once, 2 are green, 1 yellow, 2 red.  trTCM: PBS 2, CBS 1: 1 green, 1
 * yellow, 3 red. */
/* Rule and shared counters carry the OR of the TCP flags of the packets
 * they count, in the single read, the bulk read and the final counters of
 * a deletion, and keep them across a modification. */
static void
test_fp_action_tcp_flags(void **state)
{
    struct fp_device *dev = *state;
    struct fields in = base(false, false);
    struct fp_rule_stats_entry *entries;
    struct fp_rule_stats st;
    struct fp_rule rule;
    uint32_t id, ctr;
    uint8_t pkt[128];
    size_t size, n;

    assert_int_equal(fp_counter_alloc(dev, &ctr), 0);
    memset(&rule, 0, sizeof rule);
    rule.mask.in_port = UINT32_MAX;
    rule.actions[0].type = FP_ACTION_COUNT;
    rule.actions[0].counter_id = ctr;
    rule.n_actions = 1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    in.tcp_flags = 0x002;                       /* SYN. */
    size = build(&in, pkt);
    assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &st), 0);
    assert_int_equal(st.tcp_flags, 0x002);

    /* A modification keeps them. */
    assert_int_equal(fp_rule_modify(dev, id, &rule), 0);
    in.tcp_flags = 0x011;                       /* FIN, ACK. */
    size = build(&in, pkt);
    assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &st), 0);
    assert_int_equal(st.n_packets, 2);
    assert_int_equal(st.tcp_flags, 0x013);
    assert_true(st.used > 0);
    assert_int_equal(fp_counter_get(dev, ctr, &st), 0);
    assert_int_equal(st.tcp_flags, 0x013);

    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(entries[0].stats.tcp_flags, 0x013);
    free(entries);

    /* A UDP packet has none. */
    in = base(false, true);
    size = build(&in, pkt);
    assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
    assert_int_equal(fp_rule_delete(dev, id, &st), 0);
    assert_int_equal(st.n_packets, 3);
    assert_int_equal(st.tcp_flags, 0x013);

    /* A new rule starts without. */
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &st), 0);
    assert_int_equal(st.n_packets, 1);
    assert_int_equal(st.tcp_flags, 0);
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    assert_int_equal(fp_counter_free(dev, ctr), 0);
}

static void
test_fp_action_meter(void **state)
{
    struct fp_device *dev = *state;
    struct fields in = base(false, true);
    struct fp_meter_config mc = {
        .type = FP_METER_SRTCM, .pkts = true,
        .cir = 1, .cbs = 2, .ebs = 1,
    };
    struct fp_meter_stats ms;
    struct fp_action a;
    struct fp_rule rule;
    uint8_t pkt[128];
    size_t size = build(&in, pkt), i;
    int pass;
    uint32_t id;

    for (pass = 0; pass < 2; pass++) {
        assert_int_equal(fp_meter_set(dev, 77, &mc), 0);
        memset(&rule, 0, sizeof rule);
        rule.mask.in_port = UINT32_MAX;
        memset(&a, 0, sizeof a);
        a.type = FP_ACTION_METER;
        a.meter_id = 77;
        rule.actions[0] = a;
        rule.actions[1].type = FP_ACTION_OUTPUT;
        rule.actions[1].port = 1;
        rule.n_actions = 2;
        assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
        assert_int_equal(fp_meter_delete(dev, 77), EBUSY);

        n_sent = 0;
        for (i = 0; i < 5; i++) {
            assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
        }
        assert_int_equal(fp_meter_get_stats(dev, 77, &ms), 0);
        if (!pass) {
            assert_int_equal(n_sent, 3);
            assert_int_equal(ms.green_packets, 2);
            assert_int_equal(ms.yellow_packets, 1);
            assert_int_equal(ms.drop_packets, 2);
        } else {
            assert_int_equal(n_sent, 2);
            assert_int_equal(ms.green_packets, 1);
            assert_int_equal(ms.yellow_packets, 1);
            assert_int_equal(ms.drop_packets, 3);
        }
        assert_int_equal(ms.pass_bytes, n_sent * size);
        assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
        assert_int_equal(fp_meter_delete(dev, 77), 0);

        mc.type = FP_METER_TRTCM;
        mc.cbs = 1;
        mc.pir = 1;
        mc.ebs = 2;
    }
    mc.cir = 0;
    assert_int_equal(fp_meter_set(dev, 1, &mc), EINVAL);
}

/* Outputs to three ports with a set between the first and the second: the
 * first copy is the packet as it came in, the other two have the new
 * source address, in the order of the actions. */
static void
test_fp_action_mirror(void **state)
{
    struct fp_device *dev = *state;
    struct fields in = base(false, false), out = in;
    uint8_t src[6] = { 0x0a, 0, 0, 0, 0, 0x99 };
    uint8_t pkt[128], exp[128];
    struct fp_rule rule;
    size_t size, exp_size;
    uint32_t id;
    size_t i;

    memset(&rule, 0, sizeof rule);
    rule.mask.in_port = UINT32_MAX;
    rule.actions[0].type = FP_ACTION_OUTPUT;
    rule.actions[0].port = 2;
    rule.actions[1] = set_action(FP_ACTION_SET_ETH_SRC, src, ones, 6);
    rule.actions[2].type = FP_ACTION_OUTPUT;
    rule.actions[2].port = 3;
    rule.actions[3].type = FP_ACTION_OUTPUT;
    rule.actions[3].port = 1;
    rule.n_actions = 4;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    size = build(&in, pkt);
    memcpy(out.eth_src, src, 6);
    exp_size = build(&out, exp);
    n_sent = 0;
    assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
    assert_int_equal(n_sent, 3);
    assert_int_equal(sent[0].port, 2);
    assert_int_equal(sent[0].size, size);
    assert_memory_equal(sent[0].data, pkt, size);
    for (i = 1; i < 3; i++) {
        assert_int_equal(sent[i].port, i == 1 ? 3 : 1);
        assert_int_equal(sent[i].size, exp_size);
        assert_memory_equal(sent[i].data, exp, exp_size);
    }
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
}

/* The offset of the UDP checksum in an untagged IPv4 packet of build(). */
#define UDP4_CSUM_OFS (14 + 20 + 6)

/* A UDP checksum of 0 means "none" (IPv4): rewriting the ports or the
 * addresses leaves it 0.  A checksum that the update makes 0 is sent as
 * 0xffff, as RFC 768 wants and as OVS's software datapath does. */
static void
test_fp_action_udp_zero_csum(void **state)
{
    struct fp_device *dev = *state;
    uint8_t pkt[128], exp[128], port[2], addr[4] = { 10, 9, 8, 7 };
    struct fp_action a[2];
    struct fields in, out;
    uint32_t x;
    size_t i;

    /* No checksum: it stays 0. */
    for (i = 0; i < 2; i++) {
        struct fp_rule rule;
        size_t size, exp_size;
        uint32_t id;

        in = base(false, true);
        out = in;
        port[0] = 0x12;
        port[1] = 0x34;
        a[0] = (i == 0
                ? set_action(FP_ACTION_SET_TP_SRC, port, ones, 2)
                : set_action(FP_ACTION_SET_IPV4_SRC, addr, ones, 4));
        if (i == 0) {
            out.tp_src = 0x1234;
        } else {
            out.ip4_src = 0x0a090807;
        }
        size = build(&in, pkt);
        exp_size = build(&out, exp);
        memset(pkt + UDP4_CSUM_OFS, 0, 2);
        memset(exp + UDP4_CSUM_OFS, 0, 2);

        memset(&rule, 0, sizeof rule);
        rule.mask.in_port = UINT32_MAX;
        rule.actions[0] = a[0];
        rule.actions[1].type = FP_ACTION_OUTPUT;
        rule.actions[1].port = 1;
        rule.n_actions = 2;
        assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
        n_sent = 0;
        assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
        assert_int_equal(n_sent, 1);
        assert_int_equal(sent[0].size, exp_size);
        assert_memory_equal(sent[0].data, exp, exp_size);
        assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    }

    /* A source port that makes the checksum 0, for IPv4 and IPv6: build()
     * stores 0xffff for it, and so must the NIC. */
    for (i = 0; i < 2; i++) {
        bool found = false;

        in = base(i, true);
        out = in;
        for (x = 0; x < 65536 && !found; x++) {
            out.tp_src = x;
            build(&out, exp);
            found = (exp[i ? 14 + 40 + 6 : UDP4_CSUM_OFS] == 0xff
                     && exp[(i ? 14 + 40 + 6 : UDP4_CSUM_OFS) + 1] == 0xff);
        }
        assert_true(found);
        put16(port, out.tp_src);
        a[0] = set_action(FP_ACTION_SET_TP_SRC, port, ones, 2);
        check(dev, a, 1, &in, &out);
    }
}

/* CRC32c (Castagnoli, reflected, as SCTP uses it, RFC 4960 appendix B) of
 * the 'n' bytes at 'p', bit by bit. */
static uint32_t
test_crc32c(const uint8_t *p, size_t n)
{
    uint32_t crc = UINT32_MAX;
    size_t i;
    int b;

    for (i = 0; i < n; i++) {
        crc ^= p[i];
        for (b = 0; b < 8; b++) {
            crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78 : crc >> 1;
        }
    }
    return ~crc;
}

/* Builds an IPv4/SCTP packet from port 'src' to port 'dst' with a 16-byte
 * DATA chunk into 'p' (room for 80 bytes) and returns its size.  The SCTP
 * checksum is correct, XORed with 'csum_error'. */
static size_t
build_sctp(uint8_t *p, uint16_t src, uint16_t dst, uint32_t csum_error)
{
    size_t l3 = 14, l4 = l3 + 20, size = l4 + 12 + 16;
    uint32_t crc;

    memset(p, 0, 80);
    p[0] = 0x02;
    p[5] = 1;
    p[6] = 0x02;
    p[11] = 2;
    put16(p + 12, 0x0800);
    p[l3] = 0x45;
    put16(p + l3 + 2, size - l3);
    p[l3 + 8] = 64;
    p[l3 + 9] = 132;
    put32(p + l3 + 12, 0x0a000001);
    put32(p + l3 + 16, 0x0a000002);
    put16(p + l3 + 10, fold(sum16(0, p + l3, 20)));
    put16(p + l4, src);
    put16(p + l4 + 2, dst);
    put32(p + l4 + 4, 0xdeadbeef);          /* Verification tag. */
    p[l4 + 12] = 0;                         /* DATA chunk of 16 bytes. */
    p[l4 + 13] = 3;
    put16(p + l4 + 14, 16);
    memset(p + l4 + 16, 0x5a, 12);
    crc = test_crc32c(p + l4, size - l4) ^ csum_error;
    p[l4 + 8] = crc;                        /* Least significant first. */
    p[l4 + 9] = crc >> 8;
    p[l4 + 10] = crc >> 16;
    p[l4 + 11] = crc >> 24;
    return MAX(size, 60);
}

/* SCTP port rewrite: the CRC32c checksum is recomputed, and a wrong one
 * stays wrong by the same difference. */
static void
test_fp_action_set_sctp(void **state)
{
    uint8_t src[2] = { 0x12, 0x34 }, dst[2] = { 0x00, 0x35 };
    struct fp_device *dev = *state;
    uint32_t errors[] = { 0, 0x00010000 };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(errors); i++) {
        uint8_t pkt[80], exp[80];
        struct fp_rule rule;
        size_t size;
        uint32_t id;

        memset(&rule, 0, sizeof rule);
        rule.mask.in_port = UINT32_MAX;
        rule.actions[0] = set_action(FP_ACTION_SET_TP_SRC, src, ones, 2);
        rule.actions[1] = set_action(FP_ACTION_SET_TP_DST, dst, ones, 2);
        rule.actions[2].type = FP_ACTION_OUTPUT;
        rule.actions[2].port = 1;
        rule.n_actions = 3;
        assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

        size = build_sctp(pkt, 5060, 5061, errors[i]);
        assert_int_equal(build_sctp(exp, 0x1234, 53, errors[i]), size);
        n_sent = 0;
        assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
        assert_int_equal(n_sent, 1);
        assert_int_equal(sent[0].port, 1);
        assert_int_equal(sent[0].size, size);
        assert_memory_equal(sent[0].data, exp, size);
        assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    }
}

/* Rewrites as OVS's software datapath does them.
 *
 * Each test packet below meets each set action that a megaflow can have
 * for it, once in the model and once in OVS's own odp_execute_actions()
 * (the code that dpif-netdev runs), and both must send the same bytes.
 * The packets cover what decides which checksum a rewrite updates: the L3
 * family, the IP protocol (also IP protocol 58 in IPv4, which is not
 * ICMPv6), a UDP checksum of 0, fragments (none, first, later; IPv6 atomic
 * fragments), IPv6 extension headers (hop-by-hop, a routing header with
 * and without segments left), and L2 padding.  Their checksums are
 * arbitrary: both sides update them incrementally.
 *
 * Not here: L4 port rewrites of later fragments, which the NIC refuses
 * (the flow is then partially offloaded, see netdev-offload-fp-translate.c),
 * and IPv4 address rewrites of later fragments, which OVS 3.1 gets wrong
 * without our patch to it (patches/ovs/). */

enum like_ovs_frag {
    LO_FRAG_NONE,
    LO_FRAG_FIRST,
    LO_FRAG_LATER,
    LO_FRAG_ATOMIC,             /* IPv6 only. */
};

struct like_ovs_pkt {
    bool v6;
    uint8_t proto;              /* IP protocol of the L4 header. */
    enum like_ovs_frag frag;
    int rh;                     /* IPv6: -1 no routing header, else its
                                 * segments left. */
    bool hbh;                   /* IPv6: a hop-by-hop header first. */
    bool udp_csum0;             /* UDP with checksum 0. */
};

/* Builds the packet that 'lp' describes into 'p' (room for 256 bytes) and
 * returns its size. */
static size_t
like_ovs_build(const struct like_ovs_pkt *lp, uint8_t *p)
{
    size_t l3 = 14, ofs, l4, end, i;
    uint8_t *next;

    memset(p, 0, 256);
    p[0] = 0x02;
    p[5] = 1;
    p[6] = 0x02;
    p[11] = 2;
    put16(p + 12, lp->v6 ? 0x86dd : 0x0800);
    if (!lp->v6) {
        p[l3] = 0x45;
        p[l3 + 1] = 0x10;
        put16(p + l3 + 4, 0x4242);
        put16(p + l3 + 6, (lp->frag == LO_FRAG_FIRST ? 0x2000
                           : lp->frag == LO_FRAG_LATER ? 0x0002 : 0x4000));
        p[l3 + 8] = 64;
        p[l3 + 9] = lp->proto;
        put16(p + l3 + 10, 0xabcd);
        put32(p + l3 + 12, 0x0a000001);
        put32(p + l3 + 16, 0x0a000002);
        l4 = l3 + 20;
        next = NULL;
    } else {
        put32(p + l3, 0x61234567);
        p[l3 + 7] = 64;
        for (i = 0; i < 16; i++) {
            p[l3 + 8 + i] = 0x20 + i;
            p[l3 + 24 + i] = 0x30 + i;
        }
        next = &p[l3 + 6];
        ofs = l3 + 40;
        if (lp->hbh) {
            *next = 0;
            next = &p[ofs];
            p[ofs + 2] = 1;             /* PadN of 4 bytes. */
            p[ofs + 3] = 4;
            ofs += 8;
        }
        if (lp->rh >= 0) {
            *next = 43;
            next = &p[ofs];
            p[ofs + 1] = 2;             /* 24 bytes: one address. */
            p[ofs + 3] = lp->rh;
            memset(&p[ofs + 8], 0x44, 16);
            ofs += 24;
        }
        if (lp->frag != LO_FRAG_NONE) {
            *next = 44;
            next = &p[ofs];
            put16(p + ofs + 2, (lp->frag == LO_FRAG_FIRST ? 0x0001
                                : lp->frag == LO_FRAG_LATER ? 0x0011 : 0));
            put32(p + ofs + 4, 0x42424242);
            ofs += 8;
        }
        *next = lp->proto;
        l4 = ofs;
    }

    /* 24 bytes of L4 header and payload, whatever the protocol (in a later
     * fragment, they only look like a header). */
    put16(p + l4, 1234);
    put16(p + l4 + 2, 80);
    for (i = 4; i < 24; i++) {
        p[l4 + i] = 0x60 + i;
    }
    switch (lp->proto) {
    case 6:
        p[l4 + 12] = 0x50;
        put16(p + l4 + 16, 0x1111);
        break;
    case 17:
        put16(p + l4 + 4, 24);
        put16(p + l4 + 6, lp->udp_csum0 ? 0 : 0x2222);
        break;
    case 1:
    case 58:
        p[l4] = lp->proto == 1 ? 8 : 128;
        p[l4 + 1] = 0;
        put16(p + l4 + 2, 0x4444);
        break;
    default:
        break;
    }
    end = l4 + 24;
    if (!lp->v6) {
        put16(p + l3 + 2, end - l3);
    } else {
        put16(p + l3 + 4, end - l3 - 40);
    }
    return MAX(end, 60);
}

/* Returns the ODP key attribute of OVS's set action for 'type' on 'lp'. */
static enum ovs_key_attr
like_ovs_attr(enum fp_action_type type, const struct like_ovs_pkt *lp)
{
    if (type == FP_ACTION_SET_IPV4_SRC || type == FP_ACTION_SET_IPV4_DST
        || type == FP_ACTION_SET_IPV4_TOS || type == FP_ACTION_SET_IPV4_TTL) {
        return OVS_KEY_ATTR_IPV4;
    } else if (type == FP_ACTION_SET_IPV6_SRC
               || type == FP_ACTION_SET_IPV6_DST
               || type == FP_ACTION_SET_IPV6_TCLASS
               || type == FP_ACTION_SET_IPV6_HLIM) {
        return OVS_KEY_ATTR_IPV6;
    } else {
        return (lp->proto == 6 ? OVS_KEY_ATTR_TCP
                : lp->proto == 17 ? OVS_KEY_ATTR_UDP
                : OVS_KEY_ATTR_SCTP);
    }
}

/* Runs set action 'a' on the 'size' bytes of 'pkt' in OVS's software
 * datapath code and stores the result in 'out', its size in '*out_size'. */
static void
like_ovs_execute(const struct fp_action *a, const struct like_ovs_pkt *lp,
                 const uint8_t *pkt, size_t size, uint8_t *out,
                 size_t *out_size)
{
    union {
        struct ovs_key_ipv4 ipv4;
        struct ovs_key_ipv6 ipv6;
        struct ovs_key_tcp tp;
    } key[2];
    enum ovs_key_attr attr = like_ovs_attr(a->type, lp);
    struct dp_packet_batch batch;
    struct dp_packet *packet;
    struct ofpbuf actions;
    struct flow flow;
    size_t key_size, nested;
    int i;

    /* An ODP masked set's value has no bit outside its mask. */
    memset(key, 0, sizeof key);
    for (i = 0; i < 2; i++) {
        uint8_t v[16];
        size_t b;

        for (b = 0; b < 16; b++) {
            v[b] = a->set.mask[b] & (i ? 0xff : a->set.value[b]);
        }

        if (a->type == FP_ACTION_SET_IPV4_SRC) {
            memcpy(&key[i].ipv4.ipv4_src, v, 4);
        } else if (a->type == FP_ACTION_SET_IPV4_DST) {
            memcpy(&key[i].ipv4.ipv4_dst, v, 4);
        } else if (a->type == FP_ACTION_SET_IPV4_TOS) {
            key[i].ipv4.ipv4_tos = v[0];
        } else if (a->type == FP_ACTION_SET_IPV4_TTL) {
            key[i].ipv4.ipv4_ttl = v[0];
        } else if (a->type == FP_ACTION_SET_IPV6_SRC) {
            memcpy(&key[i].ipv6.ipv6_src, v, 16);
        } else if (a->type == FP_ACTION_SET_IPV6_DST) {
            memcpy(&key[i].ipv6.ipv6_dst, v, 16);
        } else if (a->type == FP_ACTION_SET_IPV6_TCLASS) {
            key[i].ipv6.ipv6_tclass = v[0];
        } else if (a->type == FP_ACTION_SET_IPV6_HLIM) {
            key[i].ipv6.ipv6_hlimit = v[0];
        } else if (a->type == FP_ACTION_SET_TP_SRC) {
            memcpy(&key[i].tp.tcp_src, v, 2);
        } else {
            assert_int_equal(a->type, FP_ACTION_SET_TP_DST);
            memcpy(&key[i].tp.tcp_dst, v, 2);
        }
    }
    key_size = (attr == OVS_KEY_ATTR_IPV4 ? sizeof key[0].ipv4
                : attr == OVS_KEY_ATTR_IPV6 ? sizeof key[0].ipv6
                : sizeof key[0].tp);

    ofpbuf_init(&actions, 128);
    nested = nl_msg_start_nested(&actions, OVS_ACTION_ATTR_SET_MASKED);
    {
        uint8_t kv[2 * sizeof key[0]];

        memcpy(kv, &key[0], key_size);
        memcpy(kv + key_size, &key[1], key_size);
        nl_msg_put_unspec(&actions, attr, kv, 2 * key_size);
    }
    nl_msg_end_nested(&actions, nested);

    packet = dp_packet_clone_data(pkt, size);
    flow_extract(packet, &flow);
    dp_packet_batch_init_packet(&batch, packet);
    odp_execute_actions(NULL, &batch, false, actions.data, actions.size,
                        NULL);
    *out_size = dp_packet_size(packet);
    assert_true(*out_size <= 256);
    memcpy(out, dp_packet_data(packet), *out_size);
    dp_packet_delete(packet);
    ofpbuf_uninit(&actions);
}

static void
test_fp_action_like_ovs(void **state)
{
    static const uint8_t addr4[4] = { 192, 0, 2, 9 };
    static const uint8_t mask4[4] = { 0, 0, 0xff, 0xff };
    static const uint8_t addr6[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99
    };
    static const uint8_t mask6[16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    static const uint8_t tos = 0xb8, tos_mask = 0xfc, ttl = 9;
    static const uint8_t port[2] = { 0x00, 0x07 };
    static const uint8_t port_mask[2] = { 0x0f, 0xff };
    static const uint8_t protos[] = { 6, 17, 132, 1, 58, 47 };
    struct fp_action acts[12];
    struct fp_device *dev = *state;
    size_t n_acts = 0, n_checked = 0;
    size_t i, j, k;

    odp_execute_init();
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV4_SRC, addr4, ones, 4);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV4_DST, addr4, mask4, 4);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV4_TOS, &tos, &tos_mask, 1);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV4_TTL, &ttl, ones, 1);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV6_SRC, addr6, ones, 16);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV6_DST, addr6, mask6, 16);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV6_TCLASS, &tos, ones, 1);
    acts[n_acts++] = set_action(FP_ACTION_SET_IPV6_HLIM, &ttl, ones, 1);
    acts[n_acts++] = set_action(FP_ACTION_SET_TP_SRC, port, ones, 2);
    acts[n_acts++] = set_action(FP_ACTION_SET_TP_DST, port, port_mask, 2);

    for (i = 0; i < 2 * ARRAY_SIZE(protos) * 4 * 4 * 2; i++) {
        struct like_ovs_pkt lp;
        size_t x = i;

        memset(&lp, 0, sizeof lp);
        lp.v6 = x % 2;
        x /= 2;
        lp.proto = protos[x % ARRAY_SIZE(protos)];
        x /= ARRAY_SIZE(protos);
        lp.frag = x % 4;
        x /= 4;
        lp.rh = (int) (x % 4) - 2;      /* -2 and -1: none; 0, 1. */
        lp.hbh = lp.rh == -2;
        lp.rh = MAX(lp.rh, -1);
        x /= 4;
        lp.udp_csum0 = x % 2;
        if (!lp.v6 && (lp.frag == LO_FRAG_ATOMIC || lp.rh >= 0 || lp.hbh)) {
            continue;
        }
        if (lp.udp_csum0 && lp.proto != 17) {
            continue;
        }

        for (j = 0; j < n_acts; j++) {
            const struct fp_action *a = &acts[j];
            enum ovs_key_attr attr = like_ovs_attr(a->type, &lp);
            uint8_t pkt[256], exp[256];
            size_t size, exp_size;
            struct fp_rule rule;
            uint32_t id;

            if ((attr == OVS_KEY_ATTR_IPV4 && lp.v6)
                || (attr == OVS_KEY_ATTR_IPV6 && !lp.v6)) {
                continue;
            }
            if (attr != OVS_KEY_ATTR_IPV4 && attr != OVS_KEY_ATTR_IPV6
                && (lp.frag == LO_FRAG_LATER
                    || (lp.proto != 6 && lp.proto != 17
                        && lp.proto != 132))) {
                continue;
            }
            if (!lp.v6 && lp.frag == LO_FRAG_LATER
                && (a->type == FP_ACTION_SET_IPV4_SRC
                    || a->type == FP_ACTION_SET_IPV4_DST)) {
                continue;
            }

            size = like_ovs_build(&lp, pkt);
            like_ovs_execute(a, &lp, pkt, size, exp, &exp_size);

            memset(&rule, 0, sizeof rule);
            rule.mask.in_port = UINT32_MAX;
            rule.actions[0] = *a;
            rule.actions[1].type = FP_ACTION_OUTPUT;
            rule.actions[1].port = 1;
            rule.n_actions = 2;
            assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
            n_sent = 0;
            assert_int_equal(fp_port_inject(dev, 0, pkt, size), 0);
            assert_int_equal(fp_rule_delete(dev, id, NULL), 0);

            if (n_sent != 1 || sent[0].size != exp_size
                || memcmp(sent[0].data, exp, exp_size)) {
                print_message("packet: v6 %d proto %d frag %d rh %d hbh %d "
                              "udp_csum0 %d, action %d\n", lp.v6, lp.proto,
                              lp.frag, lp.rh, lp.hbh, lp.udp_csum0,
                              a->type);
                for (k = 0; k < exp_size; k++) {
                    print_message("%02x%s", exp[k],
                                  k + 1 < exp_size ? "" : " (OVS)\n");
                }
                for (k = 0; n_sent && k < sent[0].size; k++) {
                    print_message("%02x%s", sent[0].data[k],
                                  k + 1 < sent[0].size ? "" : " (NIC)\n");
                }
            }
            assert_int_equal(n_sent, 1);
            assert_int_equal(sent[0].size, exp_size);
            assert_memory_equal(sent[0].data, exp, exp_size);
            n_checked++;
        }
    }
    assert_true(n_checked > 300);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
        T(test_fp_action_set_eth),
        T(test_fp_action_set_ipv4),
        T(test_fp_action_set_ipv6),
        T(test_fp_action_set_ports),
        T(test_fp_action_dscp_remark),
        T(test_fp_action_set_sctp),
        T(test_fp_action_like_ovs),
        T(test_fp_action_dec_ttl),
        T(test_fp_action_vlan),
        T(test_fp_action_drop),
        T(test_fp_action_mark_exception),
        T(test_fp_action_count),
        T(test_fp_action_tcp_flags),
        T(test_fp_action_meter),
        T(test_fp_action_mirror),
        T(test_fp_action_udp_zero_csum),
#undef T
    };

    return cmocka_run_group_tests_name("fp_action", tests, NULL, NULL);
}
