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

/* Unit tests of rte_flow actions from fp actions
 * (lib/fp-rte-flow-action.c): every action is compared field by field, its
 * configuration with the bytes a wire has (network order), in their order,
 * up to END; every refusal with its reason. */

#include <config.h>

#include <rte_ethdev.h>
#include <rte_ip.h>

#include "fp-rte-flow-test.h"

/* ## -------- ## */
/* ## Actions. ## */
/* ## -------- ## */

static void
test_fp_rte_flow_action_output(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_drop(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_vlan(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_set(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_set_refused(void **state OVS_UNUSED)
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

    /* A change after an output, in order: rte_flow performs a rule's
     * actions in order, so the first copy leaves unchanged. */
    struct rte_flow_action_ethdev out0 = { .port_id = 10 };
    struct rte_flow_action_ethdev out2 = { .port_id = 12 };
    struct fp_rte_flow flow;

    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    add_set(&rule, FP_ACTION_SET_ETH_DST, mac, 6);
    add_action(&rule, FP_ACTION_OUTPUT)->port = 2;
    build(&rule, &cfg, &flow);
    assert_action(&flow, 0, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &out0,
                  sizeof out0);
    assert_action(&flow, 1, RTE_FLOW_ACTION_TYPE_SET_MAC_DST, mac, 6);
    assert_action(&flow, 2, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &out2,
                  sizeof out2);
    assert_tail(&flow, 3, false);
    fp_rte_flow_destroy(&flow);
}

static void
test_fp_rte_flow_action_dec_ttl(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_meter_mark_count(void **state OVS_UNUSED)
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

    /* A meter after an output: rte_flow's METER would police the copy
     * sent before it too. */
    rule = rule_base();
    add_action(&rule, FP_ACTION_OUTPUT)->port = 0;
    add_action(&rule, FP_ACTION_METER)->meter_id = 1;
    assert_refused(&rule, &cfg, "meters only what it sends after an output");
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
test_fp_rte_flow_action_shared_counter(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_refused(void **state OVS_UNUSED)
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
test_fp_rte_flow_action_full(void **state OVS_UNUSED)
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
        cmocka_unit_test(test_fp_rte_flow_action_output),
        cmocka_unit_test(test_fp_rte_flow_action_drop),
        cmocka_unit_test(test_fp_rte_flow_action_vlan),
        cmocka_unit_test(test_fp_rte_flow_action_set),
        cmocka_unit_test(test_fp_rte_flow_action_set_refused),
        cmocka_unit_test(test_fp_rte_flow_action_dec_ttl),
        cmocka_unit_test(test_fp_rte_flow_action_meter_mark_count),
        cmocka_unit_test(test_fp_rte_flow_action_shared_counter),
        cmocka_unit_test(test_fp_rte_flow_action_refused),
        cmocka_unit_test(test_fp_rte_flow_action_full),
    };

    return cmocka_run_group_tests_name("fp_rte_flow_action", tests, NULL,
                                       NULL);
}
