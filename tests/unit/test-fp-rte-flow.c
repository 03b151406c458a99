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

/* Unit tests of rte_flow rules from fp rules (lib/fp-rte-flow.c and
 * lib/fp-rte-flow-action.c): every item and action is compared field by
 * field, spec and mask, with the bytes a wire has (network order), in
 * their order, up to END; every refusal with its reason. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_ethdev.h>
#include <rte_ip.h>

#include "fp/fp.h"
#include "fp-rte-flow.h"
#include "util.h"

/* The port map of the tests: fp port N is DPDK port 10 + N, but fp port 3,
 * which has none. */
static const uint16_t port_ids[] = { 10, 11, 12, FP_RTE_FLOW_NO_PORT, 14 };

static struct fp_rte_flow_config
config(void)
{
    struct fp_rte_flow_config cfg;

    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = ARRAY_SIZE(port_ids);
    return cfg;
}

/* A rule of fp port 1 with no other field matched and no action. */
static struct fp_rule
rule_base(void)
{
    struct fp_rule rule;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = 1;
    rule.mask.in_port = UINT32_MAX;
    return rule;
}

/* Untagged Ethernet of 'eth_type' (host order). */
static void
match_untagged(struct fp_rule *rule, uint16_t eth_type)
{
    rule->mask.vlans[0].tci = htons(0xffff);
    rule->key.eth_type = htons(eth_type);
    rule->mask.eth_type = htons(0xffff);
}

/* 'proto' over untagged IPv4 that is not a fragment. */
static void
match_ipv4(struct fp_rule *rule, uint8_t proto)
{
    match_untagged(rule, 0x0800);
    rule->key.nw_proto = proto;
    rule->mask.nw_proto = 0xff;
    rule->mask.ip_frag = 0xff;
}

/* 'proto' over untagged IPv6 that is not a fragment. */
static void
match_ipv6(struct fp_rule *rule, uint8_t proto)
{
    match_untagged(rule, 0x86dd);
    rule->key.nw_proto = proto;
    rule->mask.nw_proto = 0xff;
    rule->mask.ip_frag = 0xff;
}

static struct fp_action *
add_action(struct fp_rule *rule, enum fp_action_type type)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static struct fp_action *
add_set(struct fp_rule *rule, enum fp_action_type type, const void *value,
        size_t size)
{
    struct fp_action *a = add_action(rule, type);

    memcpy(a->set.value, value, size);
    memset(a->set.mask, 0xff, size);
    return a;
}

static void
build(const struct fp_rule *rule, const struct fp_rte_flow_config *cfg,
      struct fp_rte_flow *flow)
{
    char *reason = NULL;
    int error = fp_rte_flow_build(rule, cfg, flow, &reason);

    if (error) {
        fail_msg("refused: %s", reason);
    }
    assert_null(reason);
}

/* Asserts that 'rule' is refused with a reason that contains 'expected',
 * and that the refused rule holds nothing. */
static void
assert_refused(const struct fp_rule *rule,
               const struct fp_rte_flow_config *cfg, const char *expected)
{
    struct fp_rte_flow flow, zero;
    char *reason = NULL;
    int error;

    memset(&flow, 0x5a, sizeof flow);
    error = fp_rte_flow_build(rule, cfg, &flow, &reason);
    assert_int_equal(error, EOPNOTSUPP);
    assert_non_null(reason);
    if (!strstr(reason, expected)) {
        fail_msg("reason \"%s\" does not say \"%s\"", reason, expected);
    }
    free(reason);
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&flow, &zero, sizeof flow);
}

/* Asserts that item 'i' of 'flow' has 'type', 'size' bytes of spec and
 * mask equal to 'spec' and 'mask', and no 'last'. */
static void
assert_item(const struct fp_rte_flow *flow, size_t i,
            enum rte_flow_item_type type, const void *spec, const void *mask,
            size_t size)
{
    assert_true(i < flow->n_items);
    assert_int_equal(flow->items[i].type, type);
    assert_non_null(flow->items[i].spec);
    assert_non_null(flow->items[i].mask);
    assert_memory_equal(flow->items[i].spec, spec, size);
    assert_memory_equal(flow->items[i].mask, mask, size);
    assert_null(flow->items[i].last);
}

static void
assert_end_item(const struct fp_rte_flow *flow, size_t i)
{
    assert_int_equal(flow->n_items, i + 1);
    assert_int_equal(flow->items[i].type, RTE_FLOW_ITEM_TYPE_END);
    assert_null(flow->items[i].spec);
    assert_null(flow->items[i].mask);
}

/* Asserts that action 'i' of 'flow' has 'type' and, if 'size' is nonzero,
 * a configuration of 'size' bytes equal to 'conf', else none. */
static void
assert_action(const struct fp_rte_flow *flow, size_t i,
              enum rte_flow_action_type type, const void *conf, size_t size)
{
    assert_true(i < flow->n_actions);
    assert_int_equal(flow->actions[i].type, type);
    if (size) {
        assert_non_null(flow->actions[i].conf);
        assert_memory_equal(flow->actions[i].conf, conf, size);
    } else {
        assert_null(flow->actions[i].conf);
    }
}

/* Asserts the actions COUNT (anonymous), and DROP if 'drop', and END,
 * from action 'i' on. */
static void
assert_tail(const struct fp_rte_flow *flow, size_t i, bool drop)
{
    struct rte_flow_action_count count = { .id = 0 };

    assert_action(flow, i++, RTE_FLOW_ACTION_TYPE_COUNT, &count,
                  sizeof count);
    if (drop) {
        assert_action(flow, i++, RTE_FLOW_ACTION_TYPE_DROP, NULL, 0);
    }
    assert_action(flow, i, RTE_FLOW_ACTION_TYPE_END, NULL, 0);
    assert_int_equal(flow->n_actions, i + 1);
}

static void
assert_port_item(const struct fp_rte_flow *flow, uint16_t port)
{
    struct rte_flow_item_ethdev spec = { .port_id = port };
    struct rte_flow_item_ethdev mask = { .port_id = 0xffff };

    assert_item(flow, 0, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &spec, &mask,
                sizeof spec);
}

/* The ETH item of untagged frames of 'eth_type' (host order, 0: not
 * matched) without addresses. */
static void
assert_eth_untagged(const struct fp_rte_flow *flow, size_t i,
                    uint16_t eth_type)
{
    struct rte_flow_item_eth spec, mask;

    memset(&spec, 0, sizeof spec);
    memset(&mask, 0, sizeof mask);
    spec.type = htons(eth_type);
    mask.type = eth_type ? htons(0xffff) : 0;
    mask.has_vlan = 1;
    assert_item(flow, i, RTE_FLOW_ITEM_TYPE_ETH, &spec, &mask, sizeof spec);
}

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
    assert_refused(&rule, &cfg, "no portable item for recirc_id (the rule "
                   "is for lookup pass recirc_id=0x5)");
    /* The first pass is every rte_flow packet's. */
    rule.key.recirc_id = 0;
    build(&rule, &cfg, &flow);
    fp_rte_flow_destroy(&flow);
    rule.key.dp_hash = 1;
    rule.mask.dp_hash = 1;
    assert_refused(&rule, &cfg, "no portable item for dp_hash");

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

/* ## -------- ## */
/* ## Actions. ## */
/* ## -------- ## */

static void
test_fp_rte_flow_output(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_action_ethdev out0 = { .port_id = 10 };
    struct rte_flow_action_ethdev out2 = { .port_id = 12 };
    struct rte_flow_action_ethdev rep = { .port_id = 11 };
    struct rte_flow_action_port_id pout = { .id = 12 };
    struct rte_flow_action_queue queue = { .index = 0 };
    const struct rte_flow_action_rss *rss;
    struct fp_rte_flow flow;

    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    add_action(&rule, FP_ACTION_EXCEPTION);
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &out0,
                  sizeof out0);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &out2,
                  sizeof out2);
    /* The exception path: the representor of the input port. */
    assert_action(&flow, 2, RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, &rep,
                  sizeof rep);
    assert_tail(&flow, 3, false);
    fp_rte_flow_destroy(&flow);

    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    cfg.port_id = true;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_PORT_ID, &pout,
                  sizeof pout);
    fp_rte_flow_destroy(&flow);

    rule.actions[0].port = 3;
    assert_refused(&rule, &cfg, "fp port 3 has no DPDK port");

    /* Ingress rules: the exception path is a queue, or RSS. */
    cfg = config();
    cfg.transfer = false;
    rule = rule_base();
    add_action(&rule, FP_ACTION_MARK)->mark = 7;
    add_action(&rule, FP_ACTION_EXCEPTION);
    build(&rule, &cfg, &flow);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_QUEUE, &queue,
                  sizeof queue);
    assert_tail(&flow, 2, false);
    fp_rte_flow_destroy(&flow);

    cfg.n_queues = 4;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.actions[1].type, RTE_FLOW_ACTION_TYPE_RSS);
    rss = flow.actions[1].conf;
    assert_int_equal(rss->func, RTE_ETH_HASH_FUNCTION_DEFAULT);
    assert_int_equal(rss->level, 0);
    assert_int_equal(rss->queue_num, 4);
    assert_int_equal(rss->queue[0], 0);
    assert_int_equal(rss->queue[3], 3);
    assert_int_equal(rss->key_len, 0);
    assert_null(rss->key);
    fp_rte_flow_destroy(&flow);

    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    assert_refused(&rule, &cfg, "an ingress rte_flow rule cannot output to "
                   "a port");
}

static void
test_fp_rte_flow_drop(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_action_ethdev out = { .port_id = 12 };
    struct fp_rte_flow flow;

    /* Actions after a drop are not executed. */
    add_action(&rule, FP_ACTION_DROP);
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_DROP, NULL, 0);
    assert_tail(&flow, 1, false);
    fp_rte_flow_destroy(&flow);

    /* A drop after an output: the copy was sent, nothing more happens. */
    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    add_action(&rule, FP_ACTION_DROP);
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &out,
                  sizeof out);
    assert_tail(&flow, 1, false);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_vlan_actions(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_action_of_push_vlan push = {
        .ethertype = htons(0x88a8)
    };
    struct rte_flow_action_of_set_vlan_vid vid = { .vlan_vid = htons(300) };
    struct rte_flow_action_of_set_vlan_pcp pcp = { .vlan_pcp = 6 };
    struct rte_flow_action_of_set_vlan_vid vid2 = { .vlan_vid = htons(7) };
    struct fp_rte_flow flow;
    struct fp_action *a;

    /* Push onto any frame; then the tag is there to set and pop. */
    a = add_action(&rule, FP_ACTION_PUSH_VLAN);
    a->vlan.tpid = htons(0x88a8);
    a->vlan.tci = htons(0xc000 | 300);
    a = add_action(&rule, FP_ACTION_SET_VLAN);
    a->set.value[1] = 7;
    a->set.mask[0] = 0x0f;
    a->set.mask[1] = 0xff;
    add_action(&rule, FP_ACTION_POP_VLAN);
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, &push,
                  sizeof push);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, &vid,
                  sizeof vid);
    assert_action(&flow, 2, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, &pcp,
                  sizeof pcp);
    assert_action(&flow, 3, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, &vid2,
                  sizeof vid2);
    assert_action(&flow, 4, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, NULL, 0);
    assert_int_equal(flow.actions[5].type,
                     RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT);
    assert_tail(&flow, 6, false);
    fp_rte_flow_destroy(&flow);

    /* A pop of a frame that may be untagged does nothing in fp. */
    rule = rule_base();
    add_action(&rule, FP_ACTION_POP_VLAN);
    assert_refused(&rule, &cfg, "OF_POP_VLAN needs a VLAN tag");
    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, NULL, 0);
    fp_rte_flow_destroy(&flow);
    /* Two pops of a frame with one known tag. */
    add_action(&rule, FP_ACTION_POP_VLAN);
    assert_refused(&rule, &cfg, "OF_POP_VLAN needs a VLAN tag");

    rule = rule_base();
    a = add_action(&rule, FP_ACTION_SET_VLAN);
    a->set.mask[0] = 0xe0;
    assert_refused(&rule, &cfg, "OF_SET_VLAN_VID and _PCP need a VLAN tag");
    a->set.mask[0] = 0x10;
    assert_refused(&rule, &cfg, "sets a whole VID or PCP, not TCI mask "
                   "0x1000");
    a->set.mask[0] = 0x00;
    a->set.mask[1] = 0xff;
    assert_refused(&rule, &cfg, "not TCI mask 0xff");

    rule = rule_base();
    a = add_action(&rule, FP_ACTION_PUSH_VLAN);
    a->vlan.tpid = htons(0x8100);
    a->vlan.tci = htons(0x1000);
    assert_refused(&rule, &cfg, "push a VLAN tag with its DEI bit");
}

static void
test_fp_rte_flow_set_actions(void **state OVS_UNUSED)
{
    static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 9 };
    static const uint8_t ip6[16] = { 0xfe, 0x80, [15] = 9 };
    const uint8_t ip4[4] = { 192, 0, 2, 9 };
    const uint8_t port[2] = { 0x1f, 0x90 };     /* 8080. */
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_action_set_dscp dscp = { .dscp = 46 };
    struct rte_flow_action_set_ttl ttl = { .ttl_value = 9 };
    struct rte_flow_item_tcp zero_tcp;
    struct fp_rte_flow flow;
    uint8_t tos = 46 << 2, hlim = 9;

    match_ipv4(&rule, 6);
    add_set(&rule, FP_ACTION_SET_ETH_SRC, mac, 6);
    add_set(&rule, FP_ACTION_SET_ETH_DST, mac, 6);
    add_set(&rule, FP_ACTION_SET_IPV4_SRC, ip4, 4);
    add_set(&rule, FP_ACTION_SET_IPV4_DST, ip4, 4);
    add_set(&rule, FP_ACTION_SET_IPV4_TOS, &tos, 1)->set.mask[0] = 0xfc;
    add_set(&rule, FP_ACTION_SET_IPV4_TTL, &hlim, 1);
    add_set(&rule, FP_ACTION_SET_TP_SRC, port, 2);
    add_set(&rule, FP_ACTION_SET_TP_DST, port, 2);
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_SET_MAC_SRC, mac, 6);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_SET_MAC_DST, mac, 6);
    assert_action(&flow, 2, RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC, ip4, 4);
    assert_action(&flow, 3, RTE_FLOW_ACTION_TYPE_SET_IPV4_DST, ip4, 4);
    assert_action(&flow, 4, RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP, &dscp,
                  sizeof dscp);
    assert_action(&flow, 5, RTE_FLOW_ACTION_TYPE_SET_TTL, &ttl,
                  sizeof ttl);
    assert_action(&flow, 6, RTE_FLOW_ACTION_TYPE_SET_TP_SRC, port, 2);
    assert_action(&flow, 7, RTE_FLOW_ACTION_TYPE_SET_TP_DST, port, 2);
    assert_int_equal(flow.actions[8].type,
                     RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT);
    assert_tail(&flow, 9, false);
    /* SET_TP_* has its TCP item, an empty one before END. */
    memset(&zero_tcp, 0, sizeof zero_tcp);
    assert_item(&flow, 3, RTE_FLOW_ITEM_TYPE_TCP, &zero_tcp, &zero_tcp,
                sizeof zero_tcp);
    assert_end_item(&flow, 4);
    fp_rte_flow_destroy(&flow);

    rule = rule_base();
    match_ipv6(&rule, 17);
    add_set(&rule, FP_ACTION_SET_IPV6_SRC, ip6, 16);
    add_set(&rule, FP_ACTION_SET_IPV6_DST, ip6, 16);
    add_set(&rule, FP_ACTION_SET_IPV6_TCLASS, &tos, 1)->set.mask[0] = 0xfc;
    add_set(&rule, FP_ACTION_SET_IPV6_HLIM, &hlim, 1);
    add_set(&rule, FP_ACTION_SET_TP_DST, port, 2);
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC, ip6, 16);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_SET_IPV6_DST, ip6, 16);
    assert_action(&flow, 2, RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP, &dscp,
                  sizeof dscp);
    assert_action(&flow, 3, RTE_FLOW_ACTION_TYPE_SET_TTL, &ttl,
                  sizeof ttl);
    assert_action(&flow, 4, RTE_FLOW_ACTION_TYPE_SET_TP_DST, port, 2);
    assert_tail(&flow, 5, true);
    assert_int_equal(flow.items[3].type, RTE_FLOW_ITEM_TYPE_UDP);
    fp_rte_flow_destroy(&flow);

    /* A set with an empty mask does nothing. */
    rule = rule_base();
    add_set(&rule, FP_ACTION_SET_ETH_SRC, mac, 6)->set.mask[0] = 0;
    rule.actions[0].set.mask[0] = 0;
    memset(rule.actions[0].set.mask, 0, 6);
    build(&rule, &cfg, &flow);
    assert_tail(&flow, 0, true);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_set_refused(void **state OVS_UNUSED)
{
    static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 9 };
    const uint8_t ip4[4] = { 192, 0, 2, 9 };
    const uint8_t port[2] = { 0x1f, 0x90 };
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule;
    uint8_t tos = 0xb9;

    rule = rule_base();
    add_set(&rule, FP_ACTION_SET_ETH_DST, mac, 6)->set.mask[5] = 0xf0;
    assert_refused(&rule, &cfg, "cannot set part of a field (set_eth_dst "
                   "with a partial mask)");

    /* fp does nothing to a packet without the header; rte_flow needs its
     * item. */
    rule = rule_base();
    add_set(&rule, FP_ACTION_SET_IPV4_SRC, ip4, 4);
    assert_refused(&rule, &cfg, "set_ipv4_src needs an IPv4 item, and the "
                   "rule matches packets that may have no IPv4 header");
    rule = rule_base();
    match_ipv4(&rule, 6);
    add_set(&rule, FP_ACTION_SET_IPV6_HLIM, &tos, 1);
    assert_refused(&rule, &cfg, "SET_TTL needs an IPv6 item");

    /* ECN. */
    rule = rule_base();
    match_ipv4(&rule, 6);
    add_set(&rule, FP_ACTION_SET_IPV4_TOS, &tos, 1);
    assert_refused(&rule, &cfg, "sets the DSCP of IPv4, and set_ipv4_tos "
                   "has mask 0xff");

    /* Ports of SCTP, and of packets that may be later fragments. */
    rule = rule_base();
    match_ipv4(&rule, 132);
    add_set(&rule, FP_ACTION_SET_TP_SRC, port, 2);
    assert_refused(&rule, &cfg, "SET_TP_* needs a TCP or UDP item");
    rule.key.nw_proto = 6;
    rule.mask.ip_frag = 0;
    assert_refused(&rule, &cfg, "SET_TP_* needs a TCP or UDP item");

    /* A change after an output. */
    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    add_set(&rule, FP_ACTION_SET_ETH_DST, mac, 6);
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    assert_refused(&rule, &cfg, "the rule changes or meters the packet "
                   "after an output");
}

static void
test_fp_rte_flow_dec_ttl(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct fp_rte_flow flow;
    uint8_t ttl = 1;

    /* fp sends a packet of TTL 0 or 1 to the host; rte_flow's DEC_TTL
     * does not say. */
    match_ipv4(&rule, 6);
    add_action(&rule, FP_ACTION_DEC_TTL);
    assert_refused(&rule, &cfg, "DEC_TTL does not send a packet whose TTL "
                   "is 0 or 1 to the host");
    rule.key.nw_ttl = 1;
    rule.mask.nw_ttl = 0xff;
    assert_refused(&rule, &cfg, "DEC_TTL does not send");

    /* A TTL of 2 or more: one bit of 0xfe set under the mask. */
    rule.key.nw_ttl = 0x40;
    rule.mask.nw_ttl = 0x40;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_DEC_TTL, NULL, 0);
    fp_rte_flow_destroy(&flow);

    /* Twice: the second may meet a TTL of 1. */
    add_action(&rule, FP_ACTION_DEC_TTL);
    assert_refused(&rule, &cfg, "DEC_TTL does not send");

    /* After a set of the TTL. */
    rule = rule_base();
    match_ipv6(&rule, 17);
    ttl = 2;
    add_set(&rule, FP_ACTION_SET_IPV6_HLIM, &ttl, 1);
    add_action(&rule, FP_ACTION_DEC_TTL);
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.actions[0].type, RTE_FLOW_ACTION_TYPE_SET_TTL);
    assert_int_equal(flow.actions[1].type, RTE_FLOW_ACTION_TYPE_DEC_TTL);
    fp_rte_flow_destroy(&flow);

    rule = rule_base();
    add_action(&rule, FP_ACTION_DEC_TTL);
    assert_refused(&rule, &cfg, "DEC_TTL needs an IPv4 or IPv6 item");
}

static void
test_fp_rte_flow_meter_mark_count(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct rte_flow_action_meter meter = { .mtr_id = 77 };
    struct rte_flow_action_mark mark = { .id = 0xabcdef };
    struct rte_flow_action_count count = { .id = 5 };
    struct rte_flow_action_ethdev rep = { .port_id = 11 };
    struct fp_rte_flow flow;

    add_action(&rule, FP_ACTION_METER)->meter_id = 77;
    add_action(&rule, FP_ACTION_COUNT)->counter_id = 5;
    add_action(&rule, FP_ACTION_MARK)->mark = 0xabcdef;
    add_action(&rule, FP_ACTION_EXCEPTION);
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_METER, &meter,
                  sizeof meter);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_COUNT, &count,
                  sizeof count);
    assert_action(&flow, 2, RTE_FLOW_ACTION_TYPE_MARK, &mark, sizeof mark);
    assert_action(&flow, 3, RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, &rep,
                  sizeof rep);
    assert_tail(&flow, 4, false);
    fp_rte_flow_destroy(&flow);

    /* A meter after an output would police the copy sent before it. */
    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    add_action(&rule, FP_ACTION_METER)->meter_id = 1;
    assert_refused(&rule, &cfg, "after an output");
}

/* Stands for the handles of indirect COUNT actions: shared counter N has
 * handle &handles[N], for N below 4. */
static char handles[4];

static struct rte_flow_action_handle *
counter_handle(uint32_t counter_id, void *aux)
{
    assert_ptr_equal(aux, handles);
    return (counter_id < ARRAY_SIZE(handles)
            ? (struct rte_flow_action_handle *) &handles[counter_id]
            : NULL);
}

static void
test_fp_rte_flow_shared_counter(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct fp_rte_flow flow;

    cfg.counter_handle = counter_handle;
    cfg.counter_aux = handles;
    add_action(&rule, FP_ACTION_COUNT)->counter_id = 2;
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.actions[0].type, RTE_FLOW_ACTION_TYPE_INDIRECT);
    assert_ptr_equal(flow.actions[0].conf, &handles[2]);
    fp_rte_flow_destroy(&flow);     /* Does not free the handle. */

    rule.actions[0].counter_id = 4;
    assert_refused(&rule, &cfg, "shared counter 4 has no rte_flow indirect "
                   "action");
}

static void
test_fp_rte_flow_actions_refused(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule;
    struct fp_action *a;

    rule = rule_base();
    add_action(&rule, FP_ACTION_SET_QUEUE)->queue = 3;
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    assert_refused(&rule, &cfg, "no action for the transmit queue of an "
                   "output (set_queue 3)");

    rule = rule_base();
    a = add_action(&rule, FP_ACTION_HASH);
    a->hash.alg = FP_HASH_L4;
    assert_refused(&rule, &cfg, "no action that computes OVS's dp_hash");

    rule = rule_base();
    add_action(&rule, FP_ACTION_RECIRC)->recirc_id = 9;
    assert_refused(&rule, &cfg, "JUMP to another group does not hand a "
                   "packet that misses there to the host with its "
                   "recirc_id");
}

/* Every action's configuration is owned by the built rule: a rule with
 * the most actions is built and freed (run under a leak checker, as the
 * sanitizer build does). */
static void
test_fp_rte_flow_full(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg = config();
    struct fp_rule rule = rule_base();
    struct fp_rte_flow flow;
    struct fp_action *a;
    size_t i;

    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    for (i = 0; i < FP_MAX_ACTIONS - 1; i++) {
        a = add_action(&rule, FP_ACTION_PUSH_VLAN);
        a->vlan.tpid = htons(0x8100);
        a->vlan.tci = htons(i);
    }
    add_action(&rule, FP_ACTION_OUTPUT)->port = 4;
    cfg.n_queues = 2;
    build(&rule, &cfg, &flow);
    assert_int_equal(flow.n_actions, 3 * (FP_MAX_ACTIONS - 1) + 3);
    fp_rte_flow_destroy(&flow);
    fp_rte_flow_destroy(&flow);     /* Empty: nothing to free. */
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
        cmocka_unit_test(test_fp_rte_flow_output),
        cmocka_unit_test(test_fp_rte_flow_drop),
        cmocka_unit_test(test_fp_rte_flow_vlan_actions),
        cmocka_unit_test(test_fp_rte_flow_set_actions),
        cmocka_unit_test(test_fp_rte_flow_set_refused),
        cmocka_unit_test(test_fp_rte_flow_dec_ttl),
        cmocka_unit_test(test_fp_rte_flow_meter_mark_count),
        cmocka_unit_test(test_fp_rte_flow_shared_counter),
        cmocka_unit_test(test_fp_rte_flow_actions_refused),
        cmocka_unit_test(test_fp_rte_flow_full),
    };

    return cmocka_run_group_tests_name("fp_rte_flow", tests, NULL, NULL);
}
