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

/* Unit tests of rte_flow patterns from fp rules (lib/fp-rte-flow.c): every
 * item is compared field by field, spec and mask, with the bytes a wire
 * has (network order), in their order, up to END; every refusal with its
 * reason. */

#include <config.h>

#include <rte_ethdev.h>
#include <rte_ip.h>

#include "fp-rte-flow-test.h"

/* ## ------------------------ ## */
/* ## Attributes and in_port.  ## */
/* ## ------------------------ ## */

static void
test_fp_rte_flow_minimal(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_eth zero_eth;
    struct fp_rte_flow flow;

    build(&rule, &cfg, &flow);
    assert_int_equal(flow.port_id, 11);
    assert_int_equal(flow.attr.group, 0);
    assert_int_equal(flow.attr.priority, 0);
    assert_int_equal(flow.attr.transfer, 1);
    assert_int_equal(flow.attr.ingress, 0);
    assert_int_equal(flow.attr.egress, 0);

    /* REPRESENTED_PORT, an ETH item that matches any frame, END. */
    assert_port_item(&flow, 11);
    memset(&zero_eth, 0, sizeof zero_eth);
    assert_item(&flow, 1, RTE_FLOW_ITEM_TYPE_ETH, &zero_eth, &zero_eth,
                sizeof zero_eth);
    assert_end_item(&flow, 2);

    /* No action: a drop, counted. */
    assert_tail(&flow, 0, true);
    fp_rte_flow_destroy(&flow);
    assert_int_equal(flow.n_items, 0);
    assert_int_equal(flow.n_actions, 0);

    /* Without COUNT. */
    cfg.count = false;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_DROP, NULL, 0);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_END, NULL, 0);
    assert_int_equal(flow.n_actions, 2);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_priority(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct fp_rte_flow flow;

    cfg.n_priorities = 8;
    rule.priority = 2;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.attr.priority, 5);    /* rte_flow: 0 first. */
    fp_rte_flow_destroy(&flow);

    rule.priority = 7;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.attr.priority, 0);
    fp_rte_flow_destroy(&flow);

    rule.priority = 8;
    assert_refused(&rule, &cfg, "rule priority 8 beyond the 8 rte_flow "
                   "priority levels");
}

static void
test_fp_rte_flow_in_port(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_port_id pspec = { .id = 14 };
    struct rte_flow_item_port_id pmask = { .id = UINT32_MAX };
    struct rte_flow_item_eth zero_eth;
    struct fp_rte_flow flow;

    /* PORT_ID instead of REPRESENTED_PORT. */
    cfg.port_id = true;
    rule.key.in_port = 4;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.port_id, 14);
    assert_item(&flow, 0, RTE_FLOW_ITEM_TYPE_PORT_ID, &pspec, &pmask,
                sizeof pspec);
    fp_rte_flow_destroy(&flow);

    /* Ingress rules: no port item, the rule is on the port's ethdev. */
    cfg = config();
    cfg.transfer = false;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.port_id, 14);
    assert_int_equal(flow.attr.ingress, 1);
    assert_int_equal(flow.attr.transfer, 0);
    memset(&zero_eth, 0, sizeof zero_eth);
    assert_item(&flow, 0, RTE_FLOW_ITEM_TYPE_ETH, &zero_eth, &zero_eth,
                sizeof zero_eth);
    assert_end_item(&flow, 1);
    fp_rte_flow_destroy(&flow);

    cfg = config();
    rule.key.in_port = 3;
    assert_refused(&rule, &cfg, "fp port 3 has no DPDK port");
    rule.key.in_port = 5;
    assert_refused(&rule, &cfg, "fp port 5 has no DPDK port");

    /* A transfer rule without a port item would match every port's
     * traffic, the host's included. */
    rule.key.in_port = 0;
    rule.mask.in_port = 0;
    assert_refused(&rule, &cfg, "rule is for one input port, and the rule "
                   "matches in_port with mask 0");
    rule.mask.in_port = 0xfffffffe;
    assert_refused(&rule, &cfg, "mask 0xfffffffe");
}

/* ## ------------------- ## */
/* ## Ethernet and VLAN.  ## */
/* ## ------------------- ## */

static void
test_fp_rte_flow_eth(void **state OVS_UNUSED)
{
    static const uint8_t dst[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x02 };
    static const uint8_t src[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x01 };
    static const uint8_t src_mask[6] = { 0xff, 0xff, 0xff, 0, 0, 0 };
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_eth spec, mask;
    struct fp_rte_flow flow;

    memcpy(rule.key.eth_dst, dst, 6);
    memset(rule.mask.eth_dst, 0xff, 6);
    memcpy(rule.key.eth_src, src, 6);
    memcpy(rule.mask.eth_src, src_mask, 6);
    match_untagged(&rule, 0x88cc);
    build(&rule, &cfg, &flow);

    memset(&spec, 0, sizeof spec);
    memset(&mask, 0, sizeof mask);
    memcpy(spec.dst.addr_bytes, dst, 6);
    memset(mask.dst.addr_bytes, 0xff, 6);
    memcpy(spec.src.addr_bytes, src, 3);   /* Only the bits under mask. */
    memcpy(mask.src.addr_bytes, src_mask, 6);
    spec.type = htons(0x88cc);
    mask.type = htons(0xffff);
    spec.has_vlan = 0;
    mask.has_vlan = 1;
    assert_item(&flow, 1, RTE_FLOW_ITEM_TYPE_ETH, &spec, &mask, sizeof spec);
    /* Network order, as on the wire. */
    assert_int_equal(((const uint8_t *) flow.items[1].spec)[12], 0x88);
    assert_int_equal(((const uint8_t *) flow.items[1].spec)[13], 0xcc);
    /* LLDP has no L3 item. */
    assert_end_item(&flow, 2);
    fp_rte_flow_destroy(&flow);

    /* An untagged frame of any type. */
    rule = rule_base();
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    build(&rule, &cfg, &flow);
    assert_eth_untagged(&flow, 1, 0);
    assert_end_item(&flow, 2);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_eth_refused(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();

    /* The fp key's eth_type is after all VLAN tags; rte_flow's is after
     * the VLAN items of the pattern. */
    rule.key.eth_type = htons(0x0800);
    rule.mask.eth_type = htons(0xffff);
    assert_refused(&rule, &cfg, "rte_flow matches an ethertype after a "
                   "known number of VLAN tags, and the rule matches "
                   "eth_type 0x800 after any number");

    match_untagged(&rule, 0x0800);
    rule.mask.eth_type = htons(0xff00);
    assert_refused(&rule, &cfg, "eth_type with mask 0xff00");

    match_untagged(&rule, FP_ETH_TYPE_NONE);
    assert_refused(&rule, &cfg, "no item for 802.3 frames without SNAP");
}

static void
test_fp_rte_flow_vlan(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_eth espec, emask;
    struct rte_flow_item_vlan vspec, vmask;
    struct fp_rte_flow flow;

    /* One 802.1Q tag, VID 100 PCP 5, no second tag, then IPv4. */
    rule.key.vlans[0].tpid = htons(0x8100);
    rule.mask.vlans[0].tpid = htons(0xffff);
    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT | 0xa000 | 100);
    rule.mask.vlans[0].tci = htons(0xffff);
    rule.mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    rule.key.eth_type = htons(0x0800);
    rule.mask.eth_type = htons(0xffff);
    build(&rule, &cfg, &flow);

    memset(&espec, 0, sizeof espec);
    memset(&emask, 0, sizeof emask);
    espec.type = htons(0x8100);                 /* The TPID. */
    emask.type = htons(0xffff);
    espec.has_vlan = 1;
    emask.has_vlan = 1;
    assert_item(&flow, 1, RTE_FLOW_ITEM_TYPE_ETH, &espec, &emask,
                sizeof espec);
    memset(&vspec, 0, sizeof vspec);
    memset(&vmask, 0, sizeof vmask);
    vspec.tci = htons(0xa000 | 100);            /* Without the DEI bit, */
    vmask.tci = htons(0xefff);                  /* which fp has not. */
    vspec.inner_type = htons(0x0800);
    vmask.inner_type = htons(0xffff);
    vspec.has_more_vlan = 0;
    vmask.has_more_vlan = 1;
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_VLAN, &vspec, &vmask,
                sizeof vspec);
    assert_int_equal(((const uint8_t *) flow.items[2].spec)[0], 0xa0);
    assert_int_equal(((const uint8_t *) flow.items[2].spec)[1], 100);
    assert_int_equal(flow.items[3].type, RTE_FLOW_ITEM_TYPE_IPV4);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);

    /* The same with a parser of VLAN limit 1: the second tag's fields are
     * always zero, so its mask is no constraint, and the first tag's
     * ethertype is the fp key's whatever follows. */
    cfg.vlan_limit = 1;
    build(&rule, &cfg, &flow);
    vmask.has_more_vlan = 0;
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_VLAN, &vspec, &vmask,
                sizeof vspec);
    fp_rte_flow_destroy(&flow);
    rule.key.vlans[1].tci = htons(FP_VLAN_PRESENT);
    assert_refused(&rule, &cfg, "a second VLAN tag, which a parser of "
                   "VLAN limit 1 never gives");
    cfg.vlan_limit = 2;

    /* A tag of any TPID and VID, implied by a PCP bit: VLAN item without
     * a type; the ethertype is not matched. */
    rule = rule_base();
    rule.key.vlans[0].tci = htons(0x2000);
    rule.mask.vlans[0].tci = htons(0x2000);
    build(&rule, &cfg, &flow);
    memset(&espec, 0, sizeof espec);
    memset(&emask, 0, sizeof emask);
    espec.has_vlan = 1;
    emask.has_vlan = 1;
    assert_item(&flow, 1, RTE_FLOW_ITEM_TYPE_ETH, &espec, &emask,
                sizeof espec);
    memset(&vspec, 0, sizeof vspec);
    memset(&vmask, 0, sizeof vmask);
    vspec.tci = htons(0x2000);
    vmask.tci = htons(0x2000);
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_VLAN, &vspec, &vmask,
                sizeof vspec);
    assert_end_item(&flow, 3);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_qinq(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_eth espec, emask;
    struct rte_flow_item_vlan vspec, vmask;
    struct fp_rte_flow flow;

    /* 802.1ad VID 10 outside, 802.1Q VID 20 inside, then IPv6. */
    rule.key.vlans[0].tpid = htons(0x88a8);
    rule.mask.vlans[0].tpid = htons(0xffff);
    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT | 10);
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT | FP_VLAN_VID_MASK);
    rule.key.vlans[1].tpid = htons(0x8100);
    rule.mask.vlans[1].tpid = htons(0xffff);
    rule.key.vlans[1].tci = htons(FP_VLAN_PRESENT | 20);
    rule.mask.vlans[1].tci = htons(FP_VLAN_PRESENT | FP_VLAN_VID_MASK);
    rule.key.eth_type = htons(0x86dd);
    rule.mask.eth_type = htons(0xffff);
    build(&rule, &cfg, &flow);

    memset(&espec, 0, sizeof espec);
    memset(&emask, 0, sizeof emask);
    espec.type = htons(0x88a8);
    emask.type = htons(0xffff);
    espec.has_vlan = 1;
    emask.has_vlan = 1;
    assert_item(&flow, 1, RTE_FLOW_ITEM_TYPE_ETH, &espec, &emask,
                sizeof espec);
    memset(&vspec, 0, sizeof vspec);
    memset(&vmask, 0, sizeof vmask);
    vspec.tci = htons(10);
    vmask.tci = htons(FP_VLAN_VID_MASK);
    vspec.inner_type = htons(0x8100);           /* The inner TPID. */
    vmask.inner_type = htons(0xffff);
    vspec.has_more_vlan = 1;
    vmask.has_more_vlan = 1;
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_VLAN, &vspec, &vmask,
                sizeof vspec);
    memset(&vspec, 0, sizeof vspec);
    memset(&vmask, 0, sizeof vmask);
    vspec.tci = htons(20);
    vmask.tci = htons(FP_VLAN_VID_MASK);
    vspec.inner_type = htons(0x86dd);           /* The ethertype. */
    vmask.inner_type = htons(0xffff);
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_VLAN, &vspec, &vmask,
                sizeof vspec);
    assert_int_equal(flow.items[4].type, RTE_FLOW_ITEM_TYPE_IPV6);
    assert_end_item(&flow, 5);
    fp_rte_flow_destroy(&flow);

    /* A second tag implies the first, whatever the rule says of it. */
    rule.mask.vlans[0].tci = 0;
    rule.mask.vlans[0].tpid = 0;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.items[2].type, RTE_FLOW_ITEM_TYPE_VLAN);
    assert_int_equal(flow.items[3].type, RTE_FLOW_ITEM_TYPE_VLAN);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_vlan_refused(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();

    /* VID 0 without the presence bit: also untagged frames. */
    rule.mask.vlans[0].tci = htons(FP_VLAN_VID_MASK);
    assert_refused(&rule, &cfg, "fields of a VLAN tag that a packet may "
                   "not have");

    /* The same for the second tag. */
    rule = rule_base();
    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[1].tci = htons(FP_VLAN_VID_MASK);
    assert_refused(&rule, &cfg, "fields of a second VLAN tag that a packet "
                   "may not have");

    /* At most one tag, of a frame that may have none. */
    rule = rule_base();
    rule.mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    assert_refused(&rule, &cfg, "absence of a second VLAN tag in packets "
                   "that may have no first");

    /* Contradictions. */
    rule = rule_base();
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.key.vlans[1].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    assert_refused(&rule, &cfg, "a second VLAN tag without a first");
}

/* ## ----- ## */
/* ## IPv4. ## */
/* ## ----- ## */

static void
test_fp_rte_flow_ipv4_tcp(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_ipv4 ispec, imask;
    struct rte_flow_item_tcp tspec, tmask;
    struct fp_rte_flow flow;

    match_ipv4(&rule, 6);
    rule.key.nw_src = htonl(0x0a000001);
    rule.mask.nw_src = htonl(0xffffffff);
    rule.key.nw_dst = htonl(0x0a000100);
    rule.mask.nw_dst = htonl(0xffffff00);
    rule.key.nw_tos = 0xb8;
    rule.mask.nw_tos = 0xfc;
    rule.key.nw_ttl = 64;
    rule.mask.nw_ttl = 0xff;
    rule.key.tp_src = htons(1234);
    rule.mask.tp_src = htons(0xffff);
    rule.key.tp_dst = htons(80);
    rule.mask.tp_dst = htons(0xfff0);
    rule.key.tcp_flags = htons(0x012);          /* SYN, ACK. */
    rule.mask.tcp_flags = htons(0x0fff);
    build(&rule, &cfg, &flow);

    assert_eth_untagged(&flow, 1, 0x0800);
    memset(&ispec, 0, sizeof ispec);
    memset(&imask, 0, sizeof imask);
    ispec.hdr.type_of_service = 0xb8;
    imask.hdr.type_of_service = 0xfc;
    ispec.hdr.time_to_live = 64;
    imask.hdr.time_to_live = 0xff;
    ispec.hdr.next_proto_id = 6;
    imask.hdr.next_proto_id = 0xff;
    ispec.hdr.src_addr = htonl(0x0a000001);
    imask.hdr.src_addr = htonl(0xffffffff);
    ispec.hdr.dst_addr = htonl(0x0a000100);
    imask.hdr.dst_addr = htonl(0xffffff00);
    /* Not a fragment: MF and offset zero. */
    ispec.hdr.fragment_offset = htons(0);
    imask.hdr.fragment_offset = htons(0x3fff);
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_IPV4, &ispec, &imask,
                sizeof ispec);
    assert_int_equal(((const uint8_t *) flow.items[2].spec)[12], 10);
    assert_int_equal(((const uint8_t *) flow.items[2].spec)[15], 1);

    memset(&tspec, 0, sizeof tspec);
    memset(&tmask, 0, sizeof tmask);
    tspec.hdr.src_port = htons(1234);
    tmask.hdr.src_port = htons(0xffff);
    tspec.hdr.dst_port = htons(80 & 0xfff0);
    tmask.hdr.dst_port = htons(0xfff0);
    tspec.hdr.data_off = 0x00;                  /* Reserved bits. */
    tmask.hdr.data_off = 0x0f;
    tspec.hdr.tcp_flags = 0x12;
    tmask.hdr.tcp_flags = 0xff;
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_TCP, &tspec, &tmask,
                sizeof tspec);
    assert_int_equal(((const uint8_t *) flow.items[3].spec)[0], 1234 >> 8);
    assert_int_equal(((const uint8_t *) flow.items[3].spec)[1], 1234 & 0xff);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_ipv4_frag(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    const struct rte_flow_item_ipv4 *spec, *mask, *last;
    struct fp_rte_flow flow;

    /* First fragment: MF set, offset zero. */
    match_ipv4(&rule, 17);
    rule.key.ip_frag = FP_IP_FRAG_ANY;
    rule.mask.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    build(&rule, &cfg, &flow);
    spec = flow.items[2].spec;
    mask = flow.items[2].mask;
    assert_int_equal(spec->hdr.fragment_offset, htons(0x2000));
    assert_int_equal(mask->hdr.fragment_offset, htons(0x3fff));
    assert_null(flow.items[2].last);
    fp_rte_flow_destroy(&flow);

    /* Later fragment: offset 1 to 8191, a range. */
    rule.key.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    build(&rule, &cfg, &flow);
    spec = flow.items[2].spec;
    mask = flow.items[2].mask;
    last = flow.items[2].last;
    assert_non_null(last);
    assert_int_equal(spec->hdr.fragment_offset, htons(1));
    assert_int_equal(last->hdr.fragment_offset, htons(0x1fff));
    assert_int_equal(mask->hdr.fragment_offset, htons(0x1fff));
    assert_int_equal(spec->hdr.next_proto_id, 17);
    assert_int_equal(last->hdr.next_proto_id, 0);  /* 0: no range. */
    assert_end_item(&flow, 3);
    fp_rte_flow_destroy(&flow);

    /* A later fragment's L4 fields are zero: a zero match on them is no
     * constraint, and there is no UDP item. */
    rule.mask.tp_src = htons(0xffff);
    build(&rule, &cfg, &flow);
    assert_end_item(&flow, 3);
    fp_rte_flow_destroy(&flow);
    /* A nonzero one matches nothing. */
    rule.key.tp_src = htons(53);
    assert_refused(&rule, &cfg, "matches no packet: a nonzero tp_src of "
                   "packets that have none (later fragments)");

    /* L4 fields, zero under their mask, of a rule that does not say
     * whether the packet is a later fragment, whose fields are zero. */
    rule = rule_base();
    match_ipv4(&rule, 17);
    rule.mask.ip_frag = 0;
    rule.mask.tp_dst = htons(0xffff);
    assert_refused(&rule, &cfg, "cannot match the zero L4 fields of later "
                   "fragments");
    /* Nonzero: later fragments cannot match; fine. */
    rule.key.tp_dst = htons(53);
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.items[3].type, RTE_FLOW_ITEM_TYPE_UDP);
    fp_rte_flow_destroy(&flow);

    /* Any fragment, first or later. */
    rule.key.ip_frag = FP_IP_FRAG_ANY;
    rule.mask.ip_frag = FP_IP_FRAG_ANY;
    assert_refused(&rule, &cfg, "cannot match any IPv4 fragment");

    /* Not a later fragment: offset zero, MF either. */
    rule.key.ip_frag = 0;
    rule.mask.ip_frag = FP_IP_FRAG_LATER;
    build(&rule, &cfg, &flow);
    spec = flow.items[2].spec;
    mask = flow.items[2].mask;
    assert_int_equal(spec->hdr.fragment_offset, htons(0));
    assert_int_equal(mask->hdr.fragment_offset, htons(0x1fff));
    fp_rte_flow_destroy(&flow);

    /* A later fragment that is not a fragment. */
    rule.key.ip_frag = FP_IP_FRAG_LATER;
    rule.mask.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    assert_refused(&rule, &cfg, "matches no packet: ip_frag 0x2/0x3");
}

static void
test_fp_rte_flow_ipv4_l4(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_udp uspec, umask;
    struct rte_flow_item_sctp sspec, smask;
    struct rte_flow_item_icmp cspec, cmask;
    struct fp_rte_flow flow;

    match_ipv4(&rule, 17);
    rule.key.tp_dst = htons(4789);
    rule.mask.tp_dst = htons(0xffff);
    build(&rule, &cfg, &flow);
    memset(&uspec, 0, sizeof uspec);
    memset(&umask, 0, sizeof umask);
    uspec.hdr.dst_port = htons(4789);
    umask.hdr.dst_port = htons(0xffff);
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_UDP, &uspec, &umask,
                sizeof uspec);
    fp_rte_flow_destroy(&flow);

    rule.key.nw_proto = 132;
    build(&rule, &cfg, &flow);
    memset(&sspec, 0, sizeof sspec);
    memset(&smask, 0, sizeof smask);
    sspec.hdr.dst_port = htons(4789);
    smask.hdr.dst_port = htons(0xffff);
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_SCTP, &sspec, &smask,
                sizeof sspec);
    fp_rte_flow_destroy(&flow);

    /* ICMP echo request: type 8, code 0, in the low byte of tp_src and
     * tp_dst. */
    rule = rule_base();
    match_ipv4(&rule, 1);
    rule.key.tp_src = htons(8);
    rule.mask.tp_src = htons(0xffff);
    rule.key.tp_dst = htons(0);
    rule.mask.tp_dst = htons(0xffff);
    build(&rule, &cfg, &flow);
    memset(&cspec, 0, sizeof cspec);
    memset(&cmask, 0, sizeof cmask);
    cspec.hdr.icmp_type = 8;
    cmask.hdr.icmp_type = 0xff;
    cspec.hdr.icmp_code = 0;
    cmask.hdr.icmp_code = 0xff;
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_ICMP, &cspec, &cmask,
                sizeof cspec);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);

    /* IGMP has L4 fields in the fp key, and no rte_flow item. */
    rule.key.nw_proto = 2;
    assert_refused(&rule, &cfg, "no item for the L4 fields of IP protocol "
                   "2");

    /* L4 fields need an exact protocol. */
    rule.mask.nw_proto = 0xfe;
    assert_refused(&rule, &cfg, "does not match nw_proto exactly");

    /* tcp_flags of UDP: zero, no constraint; nonzero, no packet. */
    rule = rule_base();
    match_ipv4(&rule, 17);
    rule.key.tp_dst = htons(53);
    rule.mask.tp_dst = htons(0xffff);
    rule.mask.tcp_flags = htons(0x0fff);
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.items[3].type, RTE_FLOW_ITEM_TYPE_UDP);
    fp_rte_flow_destroy(&flow);
    rule.key.tcp_flags = htons(0x002);
    assert_refused(&rule, &cfg, "matches no packet: tcp_flags of IP "
                   "protocol 17");
}

/* ## ----- ## */
/* ## IPv6. ## */
/* ## ----- ## */

static void
test_fp_rte_flow_ipv6(void **state OVS_UNUSED)
{
    static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
    static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
    static const uint8_t dst_mask[16] = { 0xff, 0xff, 0xff, 0xff,
                                          0xff, 0xff, 0xff, 0xff };
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_ipv6 spec, mask;
    struct rte_flow_item_udp uspec, umask;
    struct rte_flow_item_icmp6 cspec, cmask;
    struct fp_rte_flow flow;

    match_ipv6(&rule, 17);
    memcpy(rule.key.ipv6_src, src, 16);
    memset(rule.mask.ipv6_src, 0xff, 16);
    memcpy(rule.key.ipv6_dst, dst, 16);
    memcpy(rule.mask.ipv6_dst, dst_mask, 16);
    rule.key.nw_tos = 0x2e << 2;
    rule.mask.nw_tos = 0xff;
    rule.key.ipv6_label = htonl(0x12345);
    rule.mask.ipv6_label = htonl(0xfffff);
    rule.key.nw_ttl = 255;
    rule.mask.nw_ttl = 0xff;
    rule.key.tp_src = htons(546);
    rule.mask.tp_src = htons(0xffff);
    build(&rule, &cfg, &flow);

    assert_eth_untagged(&flow, 1, 0x86dd);
    memset(&spec, 0, sizeof spec);
    memset(&mask, 0, sizeof mask);
    /* Version (unmatched), traffic class, flow label. */
    spec.hdr.vtc_flow = htonl((0xb8u << 20) | 0x12345);
    mask.hdr.vtc_flow = htonl(0x0fffffff);
    spec.hdr.proto = 17;
    mask.hdr.proto = 0xff;
    spec.hdr.hop_limits = 255;
    mask.hdr.hop_limits = 0xff;
    memcpy(spec.hdr.src_addr, src, 16);
    memset(mask.hdr.src_addr, 0xff, 16);
    memcpy(spec.hdr.dst_addr, dst, 8);
    memcpy(mask.hdr.dst_addr, dst_mask, 16);
    spec.has_frag_ext = 0;                      /* Not a fragment. */
    mask.has_frag_ext = 1;
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_IPV6, &spec, &mask,
                sizeof spec);
    assert_int_equal(((const uint8_t *) flow.items[2].spec)[0], 0x0b);
    assert_int_equal(((const uint8_t *) flow.items[2].spec)[1], 0x81);
    memset(&uspec, 0, sizeof uspec);
    memset(&umask, 0, sizeof umask);
    uspec.hdr.src_port = htons(546);
    umask.hdr.src_port = htons(0xffff);
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_UDP, &uspec, &umask,
                sizeof uspec);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);

    /* ICMPv6 echo request. */
    rule = rule_base();
    match_ipv6(&rule, 58);
    rule.key.tp_src = htons(128);
    rule.mask.tp_src = htons(0x00ff);
    build(&rule, &cfg, &flow);
    memset(&cspec, 0, sizeof cspec);
    memset(&cmask, 0, sizeof cmask);
    cspec.type = 128;
    cmask.type = 0xff;
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_ICMP6, &cspec, &cmask,
                sizeof cspec);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);

    /* Neighbor discovery: not translated. */
    rule.key.tp_src = htons(135);
    rule.mask.nd_target[15] = 0xff;
    assert_refused(&rule, &cfg, "does not translate ICMPv6 neighbor "
                   "discovery fields");
    rule.mask.nd_target[15] = 0;
    rule.mask.tcp_flags = htons(0x00ff);
    assert_refused(&rule, &cfg, "does not translate ICMPv6 ND options");

    /* An ICMP item is for IPv4 only. */
    rule = rule_base();
    match_ipv6(&rule, 1);
    rule.key.tp_src = htons(8);
    rule.mask.tp_src = htons(0xffff);
    assert_refused(&rule, &cfg, "no item for the L4 fields of IP protocol "
                   "1");
}

static void
test_fp_rte_flow_ipv6_frag(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_ipv6_frag_ext fspec, fmask, flast;
    const struct rte_flow_item_ipv6 *spec, *mask;
    struct fp_rte_flow flow;

    /* First fragment of UDP: the protocol moves to the fragment header's
     * Next Header. */
    match_ipv6(&rule, 17);
    rule.key.ip_frag = FP_IP_FRAG_ANY;
    rule.mask.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    build(&rule, &cfg, &flow);
    spec = flow.items[2].spec;
    mask = flow.items[2].mask;
    assert_int_equal(spec->has_frag_ext, 1);
    assert_int_equal(mask->has_frag_ext, 1);
    assert_int_equal(spec->hdr.proto, 0);
    assert_int_equal(mask->hdr.proto, 0);
    memset(&fspec, 0, sizeof fspec);
    memset(&fmask, 0, sizeof fmask);
    fspec.hdr.next_header = 17;
    fmask.hdr.next_header = 0xff;
    fspec.hdr.frag_data = htons(0x0001);        /* M set, offset 0. */
    fmask.hdr.frag_data = htons(0xfff9);
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT, &fspec, &fmask,
                sizeof fspec);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);

    /* Later fragment: 'nw_proto' is 44, the fragment header's; offset 1
     * or more as a range. */
    rule.key.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    rule.key.nw_proto = 44;
    build(&rule, &cfg, &flow);
    memset(&fspec, 0, sizeof fspec);
    memset(&fmask, 0, sizeof fmask);
    memset(&flast, 0, sizeof flast);
    fspec.hdr.frag_data = htons(1 << 3);
    fmask.hdr.frag_data = htons(0xfff8);
    flast.hdr.frag_data = htons(0xfff8);
    assert_int_equal(flow.items[3].type, RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT);
    assert_memory_equal(flow.items[3].spec, &fspec, sizeof fspec);
    assert_memory_equal(flow.items[3].mask, &fmask, sizeof fmask);
    assert_non_null(flow.items[3].last);
    assert_memory_equal(flow.items[3].last, &flast, sizeof flast);
    fp_rte_flow_destroy(&flow);

    rule.key.nw_proto = 17;
    assert_refused(&rule, &cfg, "an IPv6 later fragment with nw_proto "
                   "other than 44");

    rule.mask.ip_frag = FP_IP_FRAG_ANY;
    rule.key.ip_frag = FP_IP_FRAG_ANY;
    assert_refused(&rule, &cfg, "cannot match any IPv6 fragment");

    /* Not a later fragment: no fragment header, or a first fragment. */
    rule.key.nw_proto = 17;
    rule.mask.ip_frag = FP_IP_FRAG_LATER;
    rule.key.ip_frag = 0;
    assert_refused(&rule, &cfg, "cannot match IPv6 packets that are not "
                   "later fragments");
}

/* The fp key's IPv6 protocol is after the extension headers, rte_flow's
 * is the fixed header's: an rte_flow rule of protocol 0 (hop-by-hop)
 * would match TCP behind a hop-by-hop header, whose fp protocol is 6. */
static void
test_fp_rte_flow_ipv6_proto(void **state OVS_UNUSED)
{
    static const uint8_t ext[] = { 0, 43, 51, 60 };
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ext); i++) {
        rule = rule_base();
        match_ipv6(&rule, ext[i]);
        assert_refused(&rule, &cfg, "an extension header that the parser "
                       "skips");
    }

    /* 44 is the protocol of later fragments only. */
    rule = rule_base();
    match_ipv6(&rule, 44);
    rule.mask.ip_frag = 0;
    assert_refused(&rule, &cfg, "IPv6 nw_proto 44 (of later fragments "
                   "only) without ip_frag later");

    /* A partial mask takes in extension headers. */
    rule = rule_base();
    match_ipv6(&rule, 6);
    rule.mask.nw_proto = 0xf0;
    rule.key.nw_proto = 0;
    assert_refused(&rule, &cfg, "IPv6 nw_proto with mask 0xf0");
}

/* ## ---- ## */
/* ## ARP. ## */
/* ## ---- ## */

static void
test_fp_rte_flow_arp(void **state OVS_UNUSED)
{
    static const uint8_t sha[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x01 };
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_item_arp_eth_ipv4 spec, mask;
    struct fp_rte_flow flow;

    match_untagged(&rule, 0x0806);
    rule.key.nw_proto = 1;
    rule.mask.nw_proto = 0xff;
    rule.key.nw_dst = htonl(0x0a000002);
    rule.mask.nw_dst = htonl(0xffffffff);
    memcpy(rule.key.arp_sha, sha, 6);
    memset(rule.mask.arp_sha, 0xff, 6);
    build(&rule, &cfg, &flow);

    assert_eth_untagged(&flow, 1, 0x0806);
    memset(&spec, 0, sizeof spec);
    memset(&mask, 0, sizeof mask);
    spec.hrd = htons(1);                        /* Ethernet/IPv4 only. */
    mask.hrd = htons(0xffff);
    spec.pro = htons(0x0800);
    mask.pro = htons(0xffff);
    spec.hln = 6;
    mask.hln = 0xff;
    spec.pln = 4;
    mask.pln = 0xff;
    spec.op = htons(1);
    mask.op = htons(0xffff);    /* Above 255 the fp key's opcode is 0. */
    memcpy(spec.sha.addr_bytes, sha, 6);
    memset(mask.sha.addr_bytes, 0xff, 6);
    spec.tpa = htonl(0x0a000002);
    mask.tpa = htonl(0xffffffff);
    assert_item(&flow, 2, RTE_FLOW_ITEM_TYPE_ARP_ETH_IPV4, &spec, &mask,
                sizeof spec);
    assert_end_item(&flow, 3);
    fp_rte_flow_destroy(&flow);

    /* Only the ethertype: no ARP item. */
    rule = rule_base();
    match_untagged(&rule, 0x0806);
    build(&rule, &cfg, &flow);
    assert_end_item(&flow, 2);
    fp_rte_flow_destroy(&flow);

    /* All zero under the mask: also ARP without Ethernet/IPv4. */
    rule.mask.nw_src = htonl(0xffffffff);
    assert_refused(&rule, &cfg, "ARP fields that are all zero under their "
                   "mask");
    rule.key.nw_src = htonl(1);
    rule.mask.nw_proto = 0xff;
    assert_refused(&rule, &cfg, "cannot match ARP opcode 0");

    /* RARP. */
    rule = rule_base();
    match_untagged(&rule, 0x8035);
    rule.key.nw_proto = 3;
    rule.mask.nw_proto = 0xff;
    assert_refused(&rule, &cfg, "no item for RARP");
}

/* ## -------------------------------------- ## */
/* ## Fields that rte_flow does not express.  ## */
/* ## -------------------------------------- ## */

static void
test_fp_rte_flow_match_refused(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule;
    struct fp_rte_flow flow;

    /* A later lookup pass. */
    rule = rule_base();
    rule.key.recirc_id = 5;
    rule.mask.recirc_id = UINT32_MAX;
    assert_refused(&rule, &cfg, "rte_flow rules see only a packet's first "
                   "lookup pass, and the rule is for lookup pass "
                   "recirc_id=0x5");
    /* The first pass is every rte_flow packet's. */
    rule.key.recirc_id = 0;
    build(&rule, &cfg, &flow);
    fp_rte_flow_destroy(&flow);
    rule.key.dp_hash = 1;
    rule.mask.dp_hash = 1;
    assert_refused(&rule, &cfg, "whose dp_hash is 0, and the rule matches "
                   "a nonzero dp_hash");

    /* Tunnels. */
    rule = rule_base();
    rule.key.tun_vni = 42;
    rule.mask.tun_vni = 0xffffff;
    assert_refused(&rule, &cfg, "does not translate a match on tun_vni");
    rule = rule_base();
    rule.mask.tun_type = 0xff;
    assert_refused(&rule, &cfg, "does not translate a match on tun_type");

    /* An L3 field without the ethertype. */
    rule = rule_base();
    rule.mask.nw_ttl = 0xff;
    assert_refused(&rule, &cfg, "rte_flow matches nw_ttl in the item of a "
                   "protocol, and the rule does not match eth_type");

    /* An L3 field of a packet that has none. */
    rule = rule_base();
    match_untagged(&rule, 0x88cc);
    rule.mask.nw_src = htonl(0xffffffff);
    build(&rule, &cfg, &flow);
    fp_rte_flow_destroy(&flow);
    rule.key.nw_src = htonl(1);
    assert_refused(&rule, &cfg, "matches no packet: a nonzero nw_src of "
                   "packets that have none (non-IP packets)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_rte_flow_minimal),
        cmocka_unit_test(test_fp_rte_flow_priority),
        cmocka_unit_test(test_fp_rte_flow_in_port),
        cmocka_unit_test(test_fp_rte_flow_eth),
        cmocka_unit_test(test_fp_rte_flow_eth_refused),
        cmocka_unit_test(test_fp_rte_flow_vlan),
        cmocka_unit_test(test_fp_rte_flow_qinq),
        cmocka_unit_test(test_fp_rte_flow_vlan_refused),
        cmocka_unit_test(test_fp_rte_flow_ipv4_tcp),
        cmocka_unit_test(test_fp_rte_flow_ipv4_frag),
        cmocka_unit_test(test_fp_rte_flow_ipv4_l4),
        cmocka_unit_test(test_fp_rte_flow_ipv6),
        cmocka_unit_test(test_fp_rte_flow_ipv6_frag),
        cmocka_unit_test(test_fp_rte_flow_ipv6_proto),
        cmocka_unit_test(test_fp_rte_flow_arp),
        cmocka_unit_test(test_fp_rte_flow_match_refused),
    };

    return cmocka_run_group_tests_name("fp_rte_flow", tests, NULL,
                                       NULL);
}
