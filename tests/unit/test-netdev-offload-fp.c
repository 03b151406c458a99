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

/* Unit tests of our flow API (ofproto-offload/netdev-offload-fp.c), driven
 * as dpif-netdev drives it, on "fp" netdevs bound to a model NIC.
 *
 * They cover what the autotests cannot make happen: two puts under one ufid
 * with different matches, as OVS 3.1's dpif-netdev makes when two megaflows
 * have the same masked key and different masks (patches/ovs/0002 stops
 * that), and the names of datapath ports that netdev_ports_get() does not
 * know (tap ports, which need privileges); and the translation of
 * recirculation that OVS 3.1's ODP parser cannot make (the hash action),
 * and the table that the resume in software after a recirculation keeps;
 * and the cache of the netdevs of output ports when a datapath port is
 * deleted and re-added under another number while flows are put, with a
 * put between the two steps of the deletion (the autotests' datapath
 * numbers its ports itself); and a deletion, as dpif-netdev makes it,
 * while a NIC engine is held in the middle of a packet of the flow.  The
 * tests of the flow records are in test-netdev-offload-fp-record.c; the
 * setup they share is in fp-test-netdev.h. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dp-packet.h"
#include "dpif.h"
#include "dummy.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-test-holder.h"
#include "fp-test-netdev.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-fp-private.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "smap.h"
#include "util.h"

/* Composes a TCP packet from 10.0.0.1 (TOS 0) into 'p'. */
static void
compose(struct dp_packet *p)
{
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.dl_src = (struct eth_addr) { { { 0x50, 0x54, 0, 0, 0, 1 } } };
    flow.dl_dst = (struct eth_addr) { { { 0x50, 0x54, 0, 0, 0, 2 } } };
    flow.nw_src = htonl(0x0a000001);
    flow.nw_dst = htonl(0x0a000002);
    flow.nw_proto = IPPROTO_TCP;
    flow.nw_ttl = 64;
    flow.tp_src = htons(1234);
    flow.tp_dst = htons(80);
    flow_compose(p, &flow, NULL, 18);
}

/* Brings a TCP packet from 10.0.0.1 (TOS 0) into the NIC on phy0 and waits
 * until the NIC has processed it. */
static void
inject(void)
{
    struct dp_packet *p = dp_packet_new(0);

    compose(p);
    assert_int_equal(fp_port_inject(dev, 0, dp_packet_data(p),
                                    dp_packet_size(p)), 0);
    dp_packet_delete(p);
}

static void
get(const ovs_u128 *ufid, bool *offloaded, uint64_t *n_packets)
{
    struct dpif_flow_attrs attrs;
    struct dpif_flow_stats stats;

    assert_int_equal(netdev_offload_fp.flow_get(p1, NULL, NULL, ufid, &stats,
                                                &attrs, NULL), 0);
    *offloaded = attrs.offloaded;
    *n_packets = stats.n_packets;
}

/* The count of 'reason' in fp/offload-stats. */
static int
reason_count(const char *reason)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *line = xasprintf("  %s: ", reason);
    const char *p;
    int n = 0;

    netdev_offload_fp_format_stats(&s);
    p = strstr(ds_cstr(&s), line);
    if (p) {
        n = atoi(p + strlen(line));
    }
    free(line);
    ds_destroy(&s);
    return n;
}

#define SHARED "ufid shared by megaflows with different matches"

/* A put under a ufid we have, with the same match and other actions, is a
 * modification: the rule stays, with its counters. */
static void
test_modify_same_match(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 1, 2, 3, 4 } };
    uint64_t n_packets;
    bool offloaded;
    int before = reason_count(SHARED);

    put(&ufid, true, 1);
    inject();
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 1);

    put(&ufid, true, 2);
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 1);
    assert_int_equal(n_rules(), 1);
    assert_int_equal(reason_count(SHARED), before);

    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
}

/* A put under a ufid we have whose match refines the one we have (more
 * mask bits, the same values under ours), as dpif-netdev's modification of
 * a megaflow parsed from its ODP form may, is the same megaflow: the rule
 * follows, the counters go on. */
static void
test_modify_refined_match(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 9, 10, 11, 12 } };
    uint64_t n_packets;
    bool offloaded;
    int before = reason_count(SHARED);

    put(&ufid, false, 1);
    inject();
    put(&ufid, true, 1);
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 1);
    assert_int_equal(n_rules(), 1);
    assert_int_equal(reason_count(SHARED), before);

    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
}

/* A put under a ufid we have, with another match (same masked key, other
 * mask), is another megaflow: it is counted, the NIC rule goes, and
 * neither megaflow reports the NIC's counters or is shown offloaded until
 * the ufid is deleted. */
static void
test_shared_ufid(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 5, 6, 7, 8 } };
    struct dpif_flow_stats stats;
    uint64_t n_packets;
    bool offloaded;
    int before = reason_count(SHARED);

    put(&ufid, true, 1);
    inject();
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 1);

    /* The second megaflow. */
    put(&ufid, false, 1);
    assert_int_equal(reason_count(SHARED), before + 1);
    assert_int_equal(n_rules(), 0);
    get(&ufid, &offloaded, &n_packets);
    assert_false(offloaded);
    assert_int_equal(n_packets, 0);

    /* A modification of the first megaflow does not bring it back. */
    put(&ufid, true, 2);
    assert_int_equal(n_rules(), 0);
    get(&ufid, &offloaded, &n_packets);
    assert_false(offloaded);
    assert_int_equal(n_packets, 0);
    assert_int_equal(reason_count(SHARED), before + 1);

    /* Once deleted, without NIC counters, the ufid is free again. */
    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, &stats), 0);
    assert_int_equal(stats.n_packets, 0);
    put(&ufid, false, 1);
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_rules(), 1);
    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
}

/* The counters that flow_get() reports never go backwards: a failed read
 * of the NIC's reports the last read, a reset that evicts the flow keeps
 * them, and once the flow is back in the NIC with a new rule they go on
 * from there. */
static void
test_counters_kept(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 13, 14, 15, 16 } };
    uint64_t n_packets;
    bool offloaded;

    put(&ufid, true, 1);
    inject();
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 1);
    inject();
    get(&ufid, &offloaded, &n_packets);
    assert_int_equal(n_packets, 2);
    fp_device_fail_next(dev, FP_OP_RULE_STATS, 1, EIO);
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 2);

    /* Evicted by a reset, then back with a new rule. */
    assert_int_equal(fp_device_reset(dev), 0);
    get(&ufid, &offloaded, &n_packets);
    assert_false(offloaded);
    assert_int_equal(n_packets, 2);
    put(&ufid, true, 1);
    get(&ufid, &offloaded, &n_packets);
    assert_true(offloaded);
    assert_int_equal(n_packets, 2);
    inject();
    get(&ufid, &offloaded, &n_packets);
    assert_int_equal(n_packets, 3);
    fp_device_fail_next(dev, FP_OP_RULE_STATS, 1, EIO);
    get(&ufid, &offloaded, &n_packets);
    assert_int_equal(n_packets, 3);

    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
}

/* A datapath port that netdev_ports_get() does not know, as dpif_port_add()
 * leaves tap ports out of its map, is named from the copy of the datapath's
 * ports that netdev_offload_fp_names_run() keeps. */
static void
test_port_names(void **state OVS_UNUSED)
{
    const char *netdev_type = netdev_get_dpif_type(p1);
    struct ds s = DS_EMPTY_INITIALIZER;
    struct dpif *dpif;
    const char *type;

    assert_int_equal(dpif_create_and_open("ut0", "dummy", &dpif), 0);
    type = dpif_normalize_type(dpif_type(dpif));

    /* Its local port, 0, named after it, is in netdev_ports_get()'s map;
     * take it out, as if it were a tap port. */
    netdev_offload_fp_format_port(type, ODPP_LOCAL, &s);
    assert_string_equal(ds_cstr(&s), "ut0");
    assert_int_equal(netdev_ports_remove(ODPP_LOCAL, type), 0);
    ds_clear(&s);
    netdev_offload_fp_format_port(type, ODPP_LOCAL, &s);
    assert_string_equal(ds_cstr(&s), "0");

    /* Once p1 is in a datapath of that type, the main thread's copy of its
     * ports names it.  (Opening the datapath to read its ports puts the
     * port back into the map, as it does not for tap ports.) */
    netdev_set_dpif_type(p1, type);
    netdev_offload_fp_names_run();
    netdev_ports_remove(ODPP_LOCAL, type);
    ds_clear(&s);
    netdev_offload_fp_format_port(type, ODPP_LOCAL, &s);
    assert_string_equal(ds_cstr(&s), "ut0");
    ds_clear(&s);
    netdev_offload_fp_format_port(type, u32_to_odp(7), &s);
    assert_string_equal(ds_cstr(&s), "7");

    netdev_set_dpif_type(p1, netdev_type);
    dpif_delete(dpif);
    dpif_close(dpif);
    netdev_offload_fp_names_run();
    ds_destroy(&s);
}

/* Decides on a megaflow of IPv4 packets in on p1 at stage 'recirc_id', with
 * dp_hash 'dp_hash' under 'dp_hash_mask', and 'actions'. */
static void
decide_recirc(uint32_t recirc_id, uint32_t dp_hash, uint32_t dp_hash_mask,
              const struct ofpbuf *actions, struct offload_fp_verdict *v)
{
    struct match match;

    match_init_catchall(&match);
    match.flow.in_port.odp_port = u32_to_odp(1);
    match.wc.masks.in_port.odp_port = ODPP_NONE;
    match_set_recirc_id(&match, recirc_id);
    match_set_dp_hash_masked(&match, dp_hash, dp_hash_mask);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    match_set_nw_frag_masked(&match, 0, FLOW_NW_FRAG_MASK);
    netdev_offload_fp_decide(p1, dev, 0, &match, actions->data,
                             actions->size, 1, v);
}

static void
put_hash(struct ofpbuf *actions, uint32_t alg, uint32_t basis)
{
    struct ovs_action_hash *hash;

    hash = nl_msg_put_unspec_uninit(actions, OVS_ACTION_ATTR_HASH,
                                    sizeof *hash);
    hash->hash_alg = alg;
    hash->hash_basis = basis;
}

/* Matches on recirc_id and dp_hash, and the hash and recirc actions, become
 * the NIC's; a hash of an algorithm that OVS 3.1 does not have, a recirc
 * that is not the last action and a recirc to recirc_id 0 are partial, each
 * with its reason.  (OVS 3.1's ODP parser takes no hash action, so the
 * autotests cannot give these to fp/explain.) */
static void
test_recirc_translate(void **state OVS_UNUSED)
{
    struct offload_fp_verdict v;
    struct ofpbuf actions;

    ofpbuf_init(&actions, 64);
    put_hash(&actions, OVS_HASH_ALG_SYM_L4, 7);
    nl_msg_put_u32(&actions, OVS_ACTION_ATTR_RECIRC, 6);
    decide_recirc(5, 0x1233, 0xf, &actions, &v);
    assert_int_equal(v.state, OFFLOAD_FP_OFFLOADED);
    assert_int_equal(v.rule.key.recirc_id, 5);
    assert_int_equal(v.rule.mask.recirc_id, UINT32_MAX);
    assert_int_equal(v.rule.key.dp_hash, 3);
    assert_int_equal(v.rule.mask.dp_hash, 0xf);
    assert_int_equal(v.rule.n_actions, 2);
    assert_int_equal(v.rule.actions[0].type, FP_ACTION_HASH);
    assert_int_equal(v.rule.actions[0].hash.alg, FP_HASH_SYM_L4);
    assert_int_equal(v.rule.actions[0].hash.basis, 7);
    assert_int_equal(v.rule.actions[1].type, FP_ACTION_RECIRC);
    assert_int_equal(v.rule.actions[1].recirc_id, 6);
    assert_null(v.reason);

    ofpbuf_clear(&actions);
    put_hash(&actions, OVS_HASH_ALG_L4, 0);
    decide_recirc(0, 0, 0, &actions, &v);
    assert_int_equal(v.state, OFFLOAD_FP_OFFLOADED);
    assert_int_equal(v.rule.key.recirc_id, 0);
    assert_int_equal(v.rule.mask.recirc_id, UINT32_MAX);
    assert_int_equal(v.rule.mask.dp_hash, 0);
    assert_int_equal(v.rule.actions[0].hash.alg, FP_HASH_L4);

    ofpbuf_clear(&actions);
    put_hash(&actions, 9, 0);
    nl_msg_put_u32(&actions, OVS_ACTION_ATTR_RECIRC, 6);
    decide_recirc(0, 0, 0, &actions, &v);
    assert_int_equal(v.state, OFFLOAD_FP_PARTIAL);
    assert_string_equal(v.reason, "action hash of an unknown algorithm not "
                        "supported by fp0 (alg 9, basis 0)");
    free(v.reason);

    ofpbuf_clear(&actions);
    nl_msg_put_u32(&actions, OVS_ACTION_ATTR_RECIRC, 6);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    decide_recirc(0, 0, 0, &actions, &v);
    assert_int_equal(v.state, OFFLOAD_FP_PARTIAL);
    assert_string_equal(v.reason, "action recirc followed by other actions "
                        "not supported by fp0 (recirc(0x6))");
    free(v.reason);

    ofpbuf_clear(&actions);
    nl_msg_put_u32(&actions, OVS_ACTION_ATTR_RECIRC, 0);
    decide_recirc(0, 0, 0, &actions, &v);
    assert_int_equal(v.state, OFFLOAD_FP_PARTIAL);
    assert_string_equal(v.reason, "action recirc to recirc_id 0 not "
                        "supported by fp0 (recirc(0))");
    free(v.reason);
    ofpbuf_uninit(&actions);
}

/* Decides on a megaflow with 'actions' twice, into a verdict filled with
 * zeros and into one filled with ones, and checks that the rules agree in
 * every byte of their key, mask, priority and actions: the translation
 * zeroes what it does not set of each action it adds (the records and the
 * model compare and hash actions whole), though not the unused ones. */
static void
check_actions_whole(const struct ofpbuf *actions, enum offload_fp_state state)
{
    struct offload_fp_verdict a, b;

    memset(&a, 0, sizeof a);
    memset(&b, 0xff, sizeof b);
    decide_recirc(0, 0, 0, actions, &a);
    decide_recirc(0, 0, 0, actions, &b);
    assert_int_equal(a.state, state);
    assert_int_equal(b.state, state);
    assert_int_equal(a.rule.n_actions, b.rule.n_actions);
    assert_true(a.rule.n_actions > 0);
    assert_memory_equal(&a.rule, &b.rule,
                        offsetof(struct fp_rule, actions)
                        + a.rule.n_actions * sizeof a.rule.actions[0]);
    free(a.reason);
    free(b.reason);
}

static void
test_actions_whole(void **state OVS_UNUSED)
{
    struct ovs_action_push_vlan vlan = {
        .vlan_tpid = htons(ETH_TYPE_VLAN),
        .vlan_tci = htons(VLAN_CFI | 5),
    };
    /* Two set actions from one attribute. */
    struct ovs_key_ethernet eth[2] = {
        { .eth_src = ETH_ADDR_C(00, 11, 22, 33, 44, 55),
          .eth_dst = ETH_ADDR_C(00, 66, 77, 88, 99, aa) },
        { .eth_src = ETH_ADDR_C(ff, ff, ff, ff, ff, ff),
          .eth_dst = ETH_ADDR_C(ff, ff, ff, ff, ff, ff) },
    };
    struct ofpbuf actions;
    size_t ofs;

    ofpbuf_init(&actions, 64);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    check_actions_whole(&actions, OFFLOAD_FP_OFFLOADED);

    ofpbuf_clear(&actions);
    nl_msg_put_unspec(&actions, OVS_ACTION_ATTR_PUSH_VLAN,
                      &vlan, sizeof vlan);
    nl_msg_put_flag(&actions, OVS_ACTION_ATTR_POP_VLAN);
    ofs = nl_msg_start_nested(&actions, OVS_ACTION_ATTR_SET_MASKED);
    nl_msg_put_unspec(&actions, OVS_KEY_ATTR_ETHERNET, eth, sizeof eth);
    nl_msg_end_nested(&actions, ofs);
    ofs = nl_msg_start_nested(&actions, OVS_ACTION_ATTR_SET);
    nl_msg_put_u32(&actions, OVS_KEY_ATTR_PRIORITY, 3);
    nl_msg_end_nested(&actions, ofs);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    check_actions_whole(&actions, OFFLOAD_FP_OFFLOADED);

    ofpbuf_clear(&actions);
    put_hash(&actions, OVS_HASH_ALG_L4, 7);
    nl_msg_put_u32(&actions, OVS_ACTION_ATTR_RECIRC, 6);
    check_actions_whole(&actions, OFFLOAD_FP_OFFLOADED);

    /* Partial: the mark and exception actions. */
    ofpbuf_clear(&actions);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    nl_msg_put_u32(&actions, OVS_ACTION_ATTR_RECIRC, 0);
    check_actions_whole(&actions, OFFLOAD_FP_PARTIAL);
    ofpbuf_uninit(&actions);
}

/* What netdev_fp_rxq_recv() notes of a batch, the hook restores in the
 * packet that dpif-netdev gives it, once; other packets stay as they are,
 * and the hook always returns 0. */
static void
test_resume(void **state OVS_UNUSED)
{
    struct dp_packet *a = dp_packet_new(64);
    struct dp_packet *b = dp_packet_new(64);
    uint64_t n = offload_fp_n_resumed();
    int i;

    netdev_offload_fp_resume_clear();
    netdev_offload_fp_resume_add(a, 7, 0x1234);

    /* As dpif-netdev: the metadata initialized, then the hook. */
    pkt_metadata_init(&a->md, u32_to_odp(1));
    pkt_metadata_init(&b->md, u32_to_odp(1));
    assert_int_equal(netdev_offload_fp.hw_miss_packet_recover(p1, b), 0);
    assert_int_equal(b->md.recirc_id, 0);
    assert_int_equal(b->md.dp_hash, 0);
    assert_int_equal(netdev_offload_fp.hw_miss_packet_recover(p1, a), 0);
    assert_int_equal(a->md.recirc_id, 7);
    assert_int_equal(a->md.dp_hash, 0x1234);
    assert_int_equal(offload_fp_n_resumed(), n + 1);

    /* Once only. */
    pkt_metadata_init(&a->md, u32_to_odp(1));
    assert_int_equal(netdev_offload_fp.hw_miss_packet_recover(p1, a), 0);
    assert_int_equal(a->md.recirc_id, 0);
    assert_int_equal(offload_fp_n_resumed(), n + 1);

    /* A new batch forgets the last; a batch has at most NETDEV_MAX_BURST
     * packets. */
    netdev_offload_fp_resume_add(a, 8, 1);
    netdev_offload_fp_resume_clear();
    assert_int_equal(netdev_offload_fp.hw_miss_packet_recover(p1, a), 0);
    assert_int_equal(a->md.recirc_id, 0);
    for (i = 0; i < NETDEV_MAX_BURST; i++) {
        netdev_offload_fp_resume_add(b, 9, 2);
    }
    netdev_offload_fp_resume_add(a, 8, 1);
    assert_int_equal(netdev_offload_fp.hw_miss_packet_recover(p1, a), 0);
    assert_int_equal(a->md.recirc_id, 0);
    assert_int_equal(netdev_offload_fp.hw_miss_packet_recover(p1, b), 0);
    assert_int_equal(b->md.recirc_id, 9);
    assert_int_equal(offload_fp_n_resumed(), n + 2);

    dp_packet_delete(a);
    dp_packet_delete(b);
}

/* The NIC port that flow 'i' of test_output_renumbered() outputs to, or
 * UINT32_MAX if it is not offloaded (the NIC does not run its actions). */
static uint32_t
renumbered_output(uint32_t i)
{
    ovs_u128 ufid = { .u32 = { i + 1, 9, 9, 9 } };
    struct offload_fp_flow *flow;
    uint32_t port = UINT32_MAX;
    struct fp_rule rule;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    assert_non_null(flow);
    if (flow->state == OFFLOAD_FP_OFFLOADED) {
        assert_non_null(offload_fp_flow_rule(flow, &rule));
        assert_int_equal(rule.n_actions, 1);
        assert_int_equal(rule.actions[0].type, FP_ACTION_OUTPUT);
        port = rule.actions[0].port;
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return port;
}

/* Puts flow 'i' of test_output_renumbered(), in on p1, output to datapath
 * port 'odp_port', and returns renumbered_output(i). */
static uint32_t
put_renumbered(uint32_t i, uint32_t odp_port)
{
    struct offload_info info = { .flow_mark = i + 1 };
    ovs_u128 ufid = { .u32 = { i + 1, 9, 9, 9 } };
    struct ofpbuf actions;
    struct match match;

    make_match(false, &match);
    match_set_nw_src(&match, htonl(0x0c000000 + i));
    ofpbuf_init(&actions, 64);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT,
                        u32_to_odp(odp_port));
    assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                actions.size, &ufid, &info,
                                                NULL), 0);
    ofpbuf_uninit(&actions);
    return renumbered_output(i);
}

/* Stores in '*port' the NIC port of 'netdev'. */
static void
nic_port(const struct netdev *netdev, uint32_t *port)
{
    struct fp_device *d;

    assert_true(netdev_offload_fp_get_port(netdev, &d, port));
    assert_ptr_equal(d, dev);
}

/* As dpif-netdev deletes datapath port 'port_no' of 'netdev'. */
static void
del_port(struct netdev *netdev, uint32_t port_no)
{
    netdev_uninit_flow_api(netdev);
    assert_int_equal(netdev_ports_remove(u32_to_odp(port_no),
                                         netdev_get_dpif_type(netdev)), 0);
}

/* As dpif_port_add() adds 'netdev' as datapath port 'port_no'. */
static void
add_port(struct netdev *netdev, const char *name, uint32_t port_no)
{
    struct dpif_port dpif_port = {
        .name = CONST_CAST(char *, name),
        .type = CONST_CAST(char *, "fp"),
        .port_no = u32_to_odp(port_no),
    };

    assert_int_equal(netdev_ports_insert(netdev, &dpif_port), 0);
}

/* Binds "fp" netdev 'netdev' to NIC port 'port' of fp0. */
static void
set_port(struct netdev *netdev, const char *port)
{
    struct smap args = SMAP_INITIALIZER(&args);
    char *errp = NULL;

    smap_add(&args, "port", port);
    assert_int_equal(netdev_set_config(netdev, &args, &errp), 0);
    smap_destroy(&args);
}

/* Puts flow 'i' of test_port_rebound(), in on p1, output to datapath port
 * 2, and stores in '*in' and '*out' the NIC ports of its rule's match and
 * output. */
static void
put_rebound(uint32_t i, uint32_t *in, uint32_t *out)
{
    struct offload_info info = { .flow_mark = i + 1 };
    ovs_u128 ufid = { .u32 = { i + 1, 8, 8, 8 } };
    struct offload_fp_flow *flow;
    struct ofpbuf actions;
    struct match match;
    struct fp_rule rule;

    make_match(false, &match);
    match_set_nw_src(&match, htonl(0x0d000000 + i));
    ofpbuf_init(&actions, 64);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                actions.size, &ufid, &info,
                                                NULL), 0);
    ofpbuf_uninit(&actions);

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    assert_non_null(flow);
    assert_int_equal(flow->state, OFFLOAD_FP_OFFLOADED);
    assert_non_null(offload_fp_flow_rule(flow, &rule));
    assert_int_equal(rule.n_actions, 1);
    assert_int_equal(rule.actions[0].type, FP_ACTION_OUTPUT);
    *in = rule.key.in_port;
    *out = rule.actions[0].port;
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
}

/* The NIC port of a netdev comes from a cache of the bindings last found,
 * without a lock (see netdev_fp_get_port()): a netdev bound to another NIC
 * port is found on its new port at once, by flow_put() for its input and
 * its output too, and a netdev opened where a destroyed one was, as malloc
 * reuses the address, is found on its own port. */
static void
test_port_rebound(void **state OVS_UNUSED)
{
    uint32_t phy0, phy1, vf0, vf1, vf2, vf3, in, out, port;
    struct netdev *p3, *p4;
    const void *p3_addr;

    assert_int_equal(fp_port_from_string(dev, "phy0", &phy0), 0);
    assert_int_equal(fp_port_from_string(dev, "phy1", &phy1), 0);
    assert_int_equal(fp_port_from_string(dev, "vf0", &vf0), 0);
    assert_int_equal(fp_port_from_string(dev, "vf1", &vf1), 0);
    assert_int_equal(fp_port_from_string(dev, "vf2", &vf2), 0);
    assert_int_equal(fp_port_from_string(dev, "vf3", &vf3), 0);

    /* Both in the cache, twice. */
    put_rebound(0, &in, &out);
    assert_int_equal(in, phy0);
    assert_int_equal(out, vf0);
    put_rebound(1, &in, &out);
    assert_int_equal(in, phy0);
    assert_int_equal(out, vf0);

    /* The output port moves, then the input port. */
    set_port(p2, "vf1");
    nic_port(p2, &port);
    assert_int_equal(port, vf1);
    put_rebound(2, &in, &out);
    assert_int_equal(in, phy0);
    assert_int_equal(out, vf1);
    set_port(p1, "phy1");
    put_rebound(3, &in, &out);
    assert_int_equal(in, phy1);
    assert_int_equal(out, vf1);
    nic_port(p1, &port);
    assert_int_equal(port, phy1);

    /* A netdev destroyed and another opened, most likely at its address. */
    p3 = open_port("p3", "vf2", 3);
    nic_port(p3, &port);
    assert_int_equal(port, vf2);
    p3_addr = p3;
    assert_int_equal(netdev_ports_remove(u32_to_odp(3),
                                         netdev_get_dpif_type(p3)), 0);
    netdev_close(p3);
    p4 = open_port("p4", "vf3", 3);
    nic_port(p4, &port);
    assert_int_equal(port, vf3);
    if ((const void *) p4 != p3_addr) {
        print_message("p4 is not where p3 was: the cache was not tried\n");
    }
    assert_int_equal(netdev_ports_remove(u32_to_odp(3),
                                         netdev_get_dpif_type(p4)), 0);
    netdev_close(p4);

    /* As setup() left them, for teardown(). */
    set_port(p1, "phy0");
    set_port(p2, "vf0");
}

/* The flow API keeps the netdevs of output ports in a cache (see
 * netdev-offload-fp-translate.c): flows put after a datapath port was
 * deleted, re-added under another number and its number given to another
 * port output where the datapath's map says, not where it said before.
 *
 * Runs last: it enables OVS's flow API (as hw-offload=true does), which
 * cannot be undone. */
void __real_netdev_set_flow_api_enabled(const struct smap *);

static void
test_output_renumbered(void **state OVS_UNUSED)
{
    struct smap config = SMAP_INITIALIZER(&config);
    uint32_t vf0, vf1;
    struct netdev *p3;

    /* With the flow API enabled, p1 and p2 get ours, as in a datapath. */
    smap_add(&config, "hw-offload", "true");
    __real_netdev_set_flow_api_enabled(&config);
    smap_destroy(&config);
    assert_int_equal(netdev_init_flow_api(p2), 0);
    assert_ptr_equal(ovsrcu_get(const struct netdev_flow_api *,
                                &p2->flow_api), &netdev_offload_fp);
    nic_port(p2, &vf0);

    /* Datapath port 2 is p2, twice (the second from the cache). */
    assert_int_equal(put_renumbered(0, 2), vf0);
    assert_int_equal(put_renumbered(1, 2), vf0);

    /* Port 2 deleted: an output to it is not on the NIC. */
    del_port(p2, 2);
    assert_int_equal(put_renumbered(2, 2), UINT32_MAX);

    /* p2 back as port 3, and port 2 another netdev, on vf1. */
    add_port(p2, "p2", 3);
    p3 = open_port("p3", "vf1", 2);
    nic_port(p3, &vf1);
    assert_int_not_equal(vf0, vf1);
    assert_int_equal(put_renumbered(3, 2), vf1);
    assert_int_equal(put_renumbered(4, 3), vf0);
    assert_int_equal(put_renumbered(5, 2), vf1);

    /* Port 2 deleted again, p3 still open (as the bridge keeps it), with a
     * flow put between the datapath's deletion and dpif_port_del()'s
     * netdev_ports_remove(), which still finds p3: afterwards an output
     * to port 2 is no longer on the NIC, although p3 still is. */
    netdev_uninit_flow_api(p3);
    assert_int_equal(put_renumbered(6, 2), vf1);
    assert_int_equal(netdev_ports_remove(u32_to_odp(2),
                                         netdev_get_dpif_type(p3)), 0);
    assert_int_equal(put_renumbered(7, 2), UINT32_MAX);
    assert_int_equal(put_renumbered(8, 3), vf0);

    /* As setup() left them, for teardown(). */
    netdev_close(p3);
    del_port(p2, 3);
    add_port(p2, "p2", 2);
}

static void
watchdog_fired(int sig OVS_UNUSED)
{
    static const char msg[] = "test-netdev-offload-fp: flow_del() waited "
                              "for the held NIC engine\n";

    ignore(write(STDERR_FILENO, msg, sizeof msg - 1));
    _exit(EXIT_FAILURE);
}

/* dpif-netdev deletes an offloaded flow with flow_del() without counters
 * (it read them with flow_get() before): the flow's rule leaves the NIC
 * without waiting for a NIC engine that is in the middle of a packet of the
 * flow, which still goes out as the rule said. */
static void
test_del_no_wait(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 9, 10, 11, 12 } };
    struct dp_packet *p = dp_packet_new(0);
    struct fp_test_holder holder;
    struct fp_packet pkt;
    uint32_t vf0;
    size_t n_queued;

    signal(SIGALRM, watchdog_fired);
    alarm(60);
    fp_test_holder_init(&holder);
    assert_int_equal(fp_port_from_string(dev, "vf0", &vf0), 0);
    assert_int_equal(fp_port_set_endpoint(dev, vf0, &fp_test_holder_ops,
                                          &holder), 0);

    put(&ufid, true, 1);
    assert_int_equal(n_rules(), 1);

    /* The engine stays in the packet's send() out of vf0. */
    compose(p);
    pkt = (struct fp_packet) { .data = dp_packet_data(p),
                               .size = dp_packet_size(p) };
    assert_int_equal(fp_port_receive_batch(dev, 0, &pkt, 1, &n_queued), 0);
    assert_int_equal(n_queued, 1);
    fp_test_holder_wait(&holder);

    /* (The device's counters would wait for the engine: see
     * fp_rule_batch().) */
    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(fp_test_holder_n_sent(&holder), 0);

    fp_test_holder_release(&holder);
    assert_int_equal(fp_device_flush(dev), 0);
    assert_int_equal(fp_test_holder_n_sent(&holder), 1);
    assert_int_equal(n_rules(), 0);

    alarm(0);
    assert_int_equal(fp_port_set_endpoint(dev, vf0, NULL, NULL), 0);
    dp_packet_delete(p);
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_modify_same_match,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_modify_refined_match, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shared_ufid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counters_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recirc_translate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_actions_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_del_no_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_rebound, setup, teardown),
        /* Last: it enables OVS's flow API. */
        cmocka_unit_test_setup_teardown(test_output_renumbered, setup,
                                        teardown),
    };

    set_program_name(argv[0]);
    netdev_dummy_register(DUMMY_OVERRIDE_NONE);
    dpif_dummy_register(DUMMY_OVERRIDE_NONE);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    return cmocka_run_group_tests_name("netdev-offload-fp", tests, NULL,
                                       NULL);
}
