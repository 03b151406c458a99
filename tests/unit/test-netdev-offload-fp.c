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
 * the compact NIC rule of a flow; and the cache of the netdevs of output
 * ports when a datapath port is deleted and re-added under another number
 * while flows are put, with a put between the two steps of the deletion
 * (the autotests' datapath numbers its ports itself); and a deletion, as
 * dpif-netdev makes it, while a NIC engine is held in the middle of a
 * packet of the flow. */

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
#include "random.h"
#include "smap.h"
#include "util.h"

/* netdev_ports_get() compares datapath types by pointer. */
static const char test_dpif_type[] = "netdev";

static struct fp_device *dev;
static struct netdev *p1, *p2;

static struct netdev *
open_port(const char *name, const char *port, uint32_t port_no)
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct dpif_port dpif_port;
    struct netdev *netdev;
    char *errp = NULL;

    assert_int_equal(netdev_open(name, "fp", &netdev), 0);
    smap_add(&args, "port", port);
    assert_int_equal(netdev_set_config(netdev, &args, &errp), 0);
    smap_destroy(&args);

    netdev_set_dpif_type(netdev, test_dpif_type);
    dpif_port.name = CONST_CAST(char *, name);
    dpif_port.type = CONST_CAST(char *, "fp");
    dpif_port.port_no = u32_to_odp(port_no);
    netdev_ports_insert(netdev, &dpif_port);
    return netdev;
}

static int
setup(void **state OVS_UNUSED)
{
    struct fp_device_config cfg;

    fp_device_config_default(&cfg);
    assert_int_equal(fp_device_create("fp0", &cfg, &dev), 0);
    p1 = open_port("p1", "phy0", 1);
    p2 = open_port("p2", "vf0", 2);
    return 0;
}

static int
teardown(void **state OVS_UNUSED)
{
    netdev_ports_remove(u32_to_odp(1), netdev_get_dpif_type(p1));
    netdev_ports_remove(u32_to_odp(2), netdev_get_dpif_type(p2));
    netdev_close(p1);
    netdev_close(p2);
    /* The next test's device has the same name: the flow API must listen
     * for its resets. */
    offload_fp_device_gone(dev);
    fp_device_destroy(dev);
    ovsrcu_quiesce();
    return 0;
}

/* A megaflow of TCP packets in on p1 from 10.0.0.1, with nw_tos matched
 * exactly (0) if 'tos_exact', wildcarded otherwise: the two have the same
 * masked key. */
static void
make_match(bool tos_exact, struct match *match)
{
    match_init_catchall(match);
    /* The datapath port, as dpif-netdev has it (match_set_in_port() sets
     * OpenFlow's). */
    match->flow.in_port.odp_port = u32_to_odp(1);
    match->wc.masks.in_port.odp_port = ODPP_NONE;
    match_set_recirc_id(match, 0);
    match_set_dl_type(match, htons(ETH_TYPE_IP));
    match_set_nw_proto(match, IPPROTO_TCP);
    match_set_nw_src(match, htonl(0x0a000001));
    match_set_nw_frag_masked(match, 0, FLOW_NW_FRAG_MASK);
    if (tos_exact) {
        match_set_nw_tos_masked(match, 0, 0xff);
    }
}

/* Puts the megaflow of make_match(tos_exact) under 'ufid' with actions
 * "output to p2" 'n_outputs' times. */
static void
put(const ovs_u128 *ufid, bool tos_exact, int n_outputs)
{
    struct offload_info info = { .flow_mark = 1 };
    struct ofpbuf actions;
    struct match match;
    int i;

    make_match(tos_exact, &match);
    ofpbuf_init(&actions, 64);
    for (i = 0; i < n_outputs; i++) {
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    }
    assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                actions.size, ufid, &info,
                                                NULL), 0);
    ofpbuf_uninit(&actions);
}

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

static uint32_t
n_rules(void)
{
    struct fp_device_stats st;

    fp_device_get_stats(dev, &st);
    return st.n_rules;
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

/* Flow 'i' of test_many_records(): TCP from 11.0.0.0 + 'i', output to p2,
 * or, if 'partial', to a datapath port that is not on the NIC. */
static void
put_nth(uint32_t i, bool partial)
{
    struct offload_info info = { .flow_mark = i + 1 };
    ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };
    struct ofpbuf actions;
    struct match match;

    make_match(false, &match);
    match_set_nw_src(&match, htonl(0x0b000000 + i));
    ofpbuf_init(&actions, 64);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT,
                        u32_to_odp(partial ? 99 : 2));
    assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                actions.size, &ufid, &info,
                                                NULL), 0);
    ofpbuf_uninit(&actions);
}

/* Checks flow 'i' of test_many_records(): ENOENT if 'gone', else
 * offloaded, or partially if 'partial', with a reason only if partial. */
static void
check_nth(uint32_t i, bool gone, bool partial)
{
    ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };
    struct dpif_flow_attrs attrs;
    struct dpif_flow_stats stats;
    struct offload_fp_flow *flow;
    int error;

    error = netdev_offload_fp.flow_get(p1, NULL, NULL, &ufid, &stats,
                                       &attrs, NULL);
    assert_int_equal(error, gone ? ENOENT : 0);
    if (gone) {
        return;
    }
    assert_true(attrs.offloaded);
    assert_string_equal(attrs.dp_layer, partial ? "ovs" : "fp");
    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    assert_non_null(flow);
    assert_true(ovs_u128_equals(offload_fp_flow_ufid(flow), ufid));
    assert_int_equal(offload_fp_flow_reason(flow) != NULL, partial);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Records come from slabs of about 185 (netdev-offload-fp-record.c): flows
 * put and deleted in an interleaved order, over several slabs, keep their
 * records apart; the records of deleted flows are reused, and start
 * clean. */
static void
test_many_records(void **state OVS_UNUSED)
{
    enum { N = 1000 };
    size_t mask, kept;
    uint32_t i;

    for (i = 0; i < N; i++) {
        put_nth(i, !(i % 7));
        if (!i) {
            /* The first flow reserved buckets for as many flows as the NIC
             * has rules (65536 by default): one to two flows a bucket. */
            ovs_mutex_lock(&offload_fp_mutex);
            mask = offload_fp_flows.mask;
            ovs_mutex_unlock(&offload_fp_mutex);
            assert_true(mask + 1 >= 65536 / 2);
        }
    }
    /* Two flows of three go, the last first; the table keeps the buckets
     * that it reserved. */
    for (i = N; i-- > 0; ) {
        if (i % 3) {
            ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };

            assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
        }
    }
    ovs_mutex_lock(&offload_fp_mutex);
    kept = offload_fp_flows.mask;
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(kept, mask);
    for (i = 0; i < N; i++) {
        check_nth(i, i % 3, !(i % 7));
    }
    assert_int_equal(n_rules(), (N + 2) / 3);

    /* They come back, all fully offloaded, in records that partial flows
     * may have had. */
    for (i = 0; i < N; i++) {
        if (i % 3) {
            put_nth(i, false);
        }
    }
    for (i = 0; i < N; i++) {
        check_nth(i, false, !(i % 3) && !(i % 7));
    }

    for (i = 0; i < N; i++) {
        ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };

        assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    }
    assert_int_equal(n_rules(), 0);
    for (i = 0; i < N; i++) {
        check_nth(i, true, false);
    }

    /* The flows' table gave its buckets back as the flows went. */
    ovs_mutex_lock(&offload_fp_mutex);
    mask = offload_fp_flows.mask;
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_true(mask < 8);
}

/* A flush forgets every flow of its port, even when the flows' table
 * shrinks under it: with more flows than the table reserved for the NIC's
 * rules (65536; the NIC takes that many, the others wait for room), the
 * table grows, and the flush's destructions shrink it. */
static void
test_flush_shrinks(void **state OVS_UNUSED)
{
    enum { N = 3 * 65536 };
    size_t n;
    uint32_t i;

    for (i = 0; i < N; i++) {
        put_nth(i, false);
    }
    /* Asserts outside the mutex: a failed one does not return. */
    ovs_mutex_lock(&offload_fp_mutex);
    n = hmap_count(&offload_fp_flows);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(n, N);

    assert_int_equal(netdev_offload_fp.flow_flush(p1), 0);
    ovs_mutex_lock(&offload_fp_mutex);
    n = hmap_count(&offload_fp_flows);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(n, 0);
    assert_int_equal(n_rules(), 0);
}

/* A flow keeps its NIC rule compact (offload_fp_rule_dup()): expanded,
 * it is the rule again, whichever words of its mask are set, the first
 * and the last among them, with a mark as its first action or not. */
static void
test_rule_compact(void **state OVS_UNUSED)
{
    int round;

    random_set_seed(7);
    ovs_mutex_lock(&offload_fp_mutex);
    for (round = 0; round < 2000; round++) {
        struct fp_rule rule, back;
        uint32_t *key = (uint32_t *) &rule.key;
        uint32_t *mask = (uint32_t *) &rule.mask;
        struct offload_fp_rule *c;
        size_t i;

        memset(&rule, 0, sizeof rule);
        for (i = 0; i < OFFLOAD_FP_KEY_WORDS; i++) {
            /* Some rounds with every word, some with none. */
            bool set = (round % 10 == 0 ? true
                        : round % 10 == 1 ? false
                        : random_range(4) == 0);

            if (set) {
                mask[i] = random_uint32() | 1;
                key[i] = random_uint32() & mask[i];
            }
        }
        rule.priority = random_uint32();
        rule.n_actions = random_range(FP_MAX_ACTIONS + 1);
        for (i = 0; i < rule.n_actions; i++) {
            rule.actions[i].type = FP_ACTION_OUTPUT;
            rule.actions[i].port = random_uint32();
        }
        if (rule.n_actions && round % 3 == 0) {
            rule.actions[0].type = FP_ACTION_MARK;
            rule.actions[0].mark = random_uint32();
        }

        c = offload_fp_rule_dup(&rule);
        offload_fp_rule_expand(c, &back);
        assert_memory_equal(&rule, &back, sizeof rule);
        offload_fp_rule_free(c);
    }
    assert_int_equal(offload_fp_n_shapes(), 0);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Compact rules of one mask, priority and actions share one shape (by its
 * id), whose last rule frees it, even with marks of their own as their
 * first actions, which each gets back; a rule that differs in any of these
 * has another shape, and a shape that is not the last one made is found
 * again. */
static void
test_rule_shapes(void **state OVS_UNUSED)
{
    enum { N = 64 };
    struct offload_fp_rule *c[N], *other, *again;
    struct fp_rule rule, back;
    size_t i;

    memset(&rule, 0, sizeof rule);
    rule.mask.recirc_id = UINT32_MAX;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 2;
    rule.actions[0].type = FP_ACTION_MARK;
    rule.actions[1].type = FP_ACTION_OUTPUT;
    rule.actions[1].port = 3;

    ovs_mutex_lock(&offload_fp_mutex);
    for (i = 0; i < N; i++) {
        rule.key.recirc_id = i;
        rule.actions[0].mark = 1000 + i;
        c[i] = offload_fp_rule_dup(&rule);
    }
    assert_int_equal(offload_fp_n_shapes(), 1);
    for (i = 0; i < N; i++) {
        assert_int_equal(c[i]->shape_id, c[0]->shape_id);
        rule.key.recirc_id = i;
        rule.actions[0].mark = 1000 + i;
        offload_fp_rule_expand(c[i], &back);
        assert_memory_equal(&rule, &back, sizeof rule);
    }

    rule.actions[1].port = 4;
    other = offload_fp_rule_dup(&rule);
    assert_int_equal(offload_fp_n_shapes(), 2);
    assert_int_not_equal(other->shape_id, c[0]->shape_id);
    rule.actions[1].port = 3;
    rule.priority = 1;
    offload_fp_rule_free(offload_fp_rule_dup(&rule));
    assert_int_equal(offload_fp_n_shapes(), 2);
    rule.priority = 0;
    again = offload_fp_rule_dup(&rule);
    assert_int_equal(again->shape_id, c[0]->shape_id);
    offload_fp_rule_free(again);
    offload_fp_rule_free(other);
    assert_int_equal(offload_fp_n_shapes(), 1);

    for (i = 0; i < N; i++) {
        assert_int_equal(offload_fp_n_shapes(), 1);
        offload_fp_rule_free(c[i]);
    }
    assert_int_equal(offload_fp_n_shapes(), 0);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* The fields of struct flow that the NIC key takes as they are. */
#define FIELD(MEMBER) \
    { offsetof(struct flow, MEMBER), sizeof ((struct flow *) NULL)->MEMBER }
static const struct {
    size_t offset;
    size_t size;
} key_fields[] = {
    FIELD(recirc_id), FIELD(dp_hash), FIELD(dl_dst), FIELD(dl_src),
    FIELD(dl_type), FIELD(vlans), FIELD(nw_frag), FIELD(nw_proto),
    FIELD(nw_tos), FIELD(nw_ttl), FIELD(tcp_flags), FIELD(nw_src),
    FIELD(nw_dst), FIELD(ipv6_label), FIELD(ipv6_src), FIELD(ipv6_dst),
    FIELD(nd_target), FIELD(arp_sha), FIELD(arp_tha), FIELD(tp_src),
    FIELD(tp_dst),
};
#undef FIELD

/* Makes in 'match' a random megaflow in on p1 (datapath port 1), as
 * dpif-netdev hands them over: the flow has the bytes of a packet under
 * the mask and outside it.  Its mask has a random subset of the fields of
 * the NIC key, each all ones or random bits, and skb_priority and
 * packet_type as the translation takes them whole (matched exactly on 0
 * and Ethernet), or not.  If 'odd', one of: a partial mask of
 * skb_priority, which the translation drops (the rule cannot give it
 * back), or a mask of pkt_mark, which it refuses. */
static void
random_match(bool odd, struct match *match)
{
    struct flow *mask = &match->wc.masks;
    size_t i;

    memset(match, 0, sizeof *match);
    random_bytes(&match->flow, sizeof match->flow);
    match->flow.in_port.odp_port = u32_to_odp(1);
    mask->in_port.odp_port = ODPP_NONE;
    for (i = 0; i < ARRAY_SIZE(key_fields); i++) {
        uint8_t *m = (uint8_t *) mask + key_fields[i].offset;

        switch (random_range(3)) {
        case 0:
            memset(m, 0xff, key_fields[i].size);
            break;
        case 1:
            random_bytes(m, key_fields[i].size);
            break;
        default:
            break;
        }
    }
    if (random_range(2)) {
        match->flow.skb_priority = 0;
        mask->skb_priority = UINT32_MAX;
    }
    if (random_range(2)) {
        match->flow.packet_type = htonl(PT_ETH);
        mask->packet_type = OVS_BE32_MAX;
    }
    if (odd && random_range(2)) {
        match->flow.skb_priority &= ~0xffu;
        mask->skb_priority = 0xff;
    } else if (odd) {
        mask->pkt_mark = UINT32_MAX;
    }
}

/* Asserts that 'got' is 'put' with the bits outside its mask zeroed. */
static void
assert_match_back(const struct match *put, const struct match *got)
{
    struct match want = *put;

    flow_zero_wildcards(&want.flow, &want.wc);
    assert_memory_equal(&want.flow, &got->flow, sizeof want.flow);
    assert_memory_equal(&want.wc, &got->wc, sizeof want.wc);
}

/* The reverse translation, offload_fp_match_from_rule(), gives back every
 * match that the translation takes whole, as it was under its mask, and
 * the translation says when it does not take a match whole. */
static void
test_match_from_rule(void **state OVS_UNUSED)
{
    int round, n_exact = 0, n_odd = 0;

    random_set_seed(11);
    for (round = 0; round < 5000; round++) {
        bool odd = round % 8 == 0;
        struct offload_fp_verdict v;
        struct match match, back;

        random_match(odd, &match);
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        free(v.reason);
        if (v.state == OFFLOAD_FP_REFUSED) {
            continue;
        }
        if (odd) {
            /* The partial skb_priority mask went through, dropped. */
            assert_false(v.rest.exact);
            n_odd++;
            continue;
        }
        assert_true(v.rest.exact);
        offload_fp_match_from_rule(&v.rule, &v.rest, &back);
        assert_match_back(&match, &back);
        n_exact++;
    }
    /* Most random matches translate (some have VLAN mask bits that the
     * NIC's VLAN limit refuses). */
    assert_true(n_exact > 1000);
    assert_true(n_odd > 50);
}

/* Checks that the flow 'ufid' has the match 'put' (see
 * offload_fp_flow_match()), and keeps it as a minimatch if
 * 'minimatch'. */
static void
check_flow_match(const ovs_u128 *ufid, const struct match *put,
                 bool minimatch)
{
    struct offload_fp_flow *flow;
    struct match got;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    assert_non_null(flow);
    assert_int_equal(offload_fp_flow_get_side(flow)
                     && offload_fp_flow_get_side(flow)->match, minimatch);
    offload_fp_flow_match(flow, &got);
    assert_match_back(put, &got);
    assert_int_equal(offload_fp_flow_recirc_id(flow),
                     put->flow.recirc_id & put->wc.masks.recirc_id);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* A flow keeps the match of its first put, whatever happens to its NIC
 * rule: without a minimatch while its rule gives the match back, with one
 * once the rule goes or changes to that of another match (a refined
 * match, a ufid shared with another megaflow), and from the start if the
 * rule cannot give it back or it has none. */
static void
test_flow_match_kept(void **state OVS_UNUSED)
{
    struct offload_info info = { .flow_mark = 1 };
    int round;

    random_set_seed(13);
    for (round = 0; round < 300; round++) {
        ovs_u128 ufid = { .u32 = { round + 1, 3, 3, 3 } };
        struct match match, other;
        struct ofpbuf actions;
        bool exact, refused;

        random_match(round % 4 == 0, &match);
        ofpbuf_init(&actions, 64);
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                    actions.size, &ufid,
                                                    &info, NULL), 0);
        ovs_mutex_lock(&offload_fp_mutex);
        refused = !offload_fp_flow_crule(offload_fp_flow_find(&ufid));
        ovs_mutex_unlock(&offload_fp_mutex);
        exact = !refused && round % 4;
        check_flow_match(&ufid, &match, !exact);

        /* The same match again, with more outputs: a modification. */
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                    actions.size, &ufid,
                                                    &info, NULL), 0);
        check_flow_match(&ufid, &match, !exact);

        /* Another match: refined (nw_tos exact, if it was not) or another
         * megaflow under the ufid (a mask bit less, if it was). */
        other = match;
        if (other.wc.masks.nw_tos != 0xff) {
            other.wc.masks.nw_tos = 0xff;
        } else {
            other.wc.masks.nw_tos = 0x7f;
        }
        assert_int_equal(netdev_offload_fp.flow_put(p1, &other, actions.data,
                                                    actions.size, &ufid,
                                                    &info, NULL), 0);
        check_flow_match(&ufid, &match, true);

        ofpbuf_uninit(&actions);
        assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    }
    assert_int_equal(n_rules(), 0);
}

/* A record has one word for its compact rule or its side block (see
 * 'rule_or_side' in struct offload_fp_flow): a flow that gets a side block
 * keeps its compact rule, which gives its match back, a modification in
 * place then puts the new rule into the side block, and the side block
 * and the rule go with the flow (valgrind sees no leak). */
static void
test_flow_side_keeps_rule(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 77, 3, 3, 3 } };
    const struct offload_fp_rule *c;
    struct offload_fp_flow *flow;
    struct match match, got;
    bool missing_side, same_rule, has_side;
    size_t n_actions;

    make_match(true, &match);
    put(&ufid, true, 1);

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    c = offload_fp_flow_crule(flow);
    missing_side = !offload_fp_flow_get_side(flow);
    has_side = (offload_fp_flow_side(flow)
                == offload_fp_flow_get_side(flow));
    same_rule = c && offload_fp_flow_crule(flow) == c;
    offload_fp_flow_match(flow, &got);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_true(missing_side);
    assert_true(has_side);
    assert_true(same_rule);
    assert_match_back(&match, &got);

    put(&ufid, true, 2);
    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    has_side = offload_fp_flow_get_side(flow) != NULL;
    c = offload_fp_flow_crule(flow);
    n_actions = c ? offload_fp_rule_n_actions(c) : 0;
    offload_fp_flow_match(flow, &got);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_true(has_side);
    assert_int_equal(n_actions, 2);
    assert_match_back(&match, &got);

    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
}

/* Runs netdev_offload_fp_run() after its retry interval. */
static void
run_pass(void)
{
    xnanosleep(1100 * 1000 * 1000);
    netdev_offload_fp_run();
}

/* Stores in '*armed' whether flow 'ufid' is armed for misses, in
 * '*has_side' whether it has a side block, and in '*crule' its compact
 * rule. */
static void
armed_state(const ovs_u128 *ufid, bool *armed, bool *has_side,
            const struct offload_fp_rule **crule)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    assert_non_null(flow);
    assert_int_equal(flow->state, OFFLOAD_FP_OFFLOADED);
    *armed = offload_fp_flow_watched(flow, false);
    *has_side = offload_fp_flow_get_side(flow) != NULL;
    *crule = offload_fp_flow_crule(flow);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* An offloaded flow armed for misses (netdev_offload_fp_run()'s second
 * pass) has a watch block and no side block: the record points to the
 * watch block, which holds the compact rule.  A side block made for it
 * takes the watch block and the rule over, and once it holds nothing else
 * goes again (offload_fp_flow_trim_side()).  Disarmed (fp/miss-watch's
 * limit lowered), the flow keeps its compact rule in the record again, and
 * no side block: flows armed in turn do not each keep one for good. */
static void
test_disarmed_side_freed(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 78, 4, 4, 4 } };
    size_t old_max = netdev_offload_fp_set_watch_max(1);
    const struct offload_fp_rule *c, *c2;
    const struct offload_fp_watch *w;
    struct offload_fp_flow *flow;
    bool armed, has_side, side_ok, trimmed_ok;

    put(&ufid, false, 1);
    run_pass();
    run_pass();
    armed_state(&ufid, &armed, &has_side, &c);
    assert_true(armed);
    assert_false(has_side);
    assert_non_null(c);

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    w = offload_fp_flow_watch(flow);
    side_ok = (offload_fp_flow_side(flow) == offload_fp_flow_get_side(flow)
               && offload_fp_flow_watch(flow) == w
               && offload_fp_flow_crule(flow) == c
               && offload_fp_flow_watched(flow, false));
    offload_fp_flow_trim_side(flow);
    trimmed_ok = (!offload_fp_flow_get_side(flow)
                  && offload_fp_flow_watch(flow) == w
                  && offload_fp_flow_crule(flow) == c);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_non_null(w);
    assert_true(side_ok);
    assert_true(trimmed_ok);

    netdev_offload_fp_set_watch_max(0);
    run_pass();
    armed_state(&ufid, &armed, &has_side, &c2);
    assert_false(armed);
    assert_false(has_side);
    assert_ptr_equal(c2, c);

    netdev_offload_fp_set_watch_max(old_max);
    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
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
        cmocka_unit_test_setup_teardown(test_many_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_shrinks, setup, teardown),
        cmocka_unit_test(test_rule_compact),
        cmocka_unit_test(test_rule_shapes),
        cmocka_unit_test_setup_teardown(test_match_from_rule, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flow_match_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flow_side_keeps_rule, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_disarmed_side_freed, setup,
                                        teardown),
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
