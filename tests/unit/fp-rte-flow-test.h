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

#ifndef FP_RTE_FLOW_TEST_H
#define FP_RTE_FLOW_TEST_H 1

/* What the unit tests of lib/fp-rte-flow.c and lib/fp-rte-flow-action.c
 * share: a port map, rules, and the assertions that compare a built rule
 * with the expected one, item by item and action by action. */

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-rte-flow.h"
#include "util.h"

/* The port map of the tests: fp port N is DPDK port 10 + N, but fp port 3,
 * which has none. */
static const uint16_t port_ids[] = { 10, 11, 12, FP_RTE_FLOW_NO_PORT, 14 };

static inline struct fp_rte_flow_config
config(void)
{
    struct fp_rte_flow_config cfg;

    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = ARRAY_SIZE(port_ids);
    return cfg;
}

/* A rule of fp port 1 with no other field matched and no action. */
static inline struct fp_rule
rule_base(void)
{
    struct fp_rule rule;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = 1;
    rule.mask.in_port = UINT32_MAX;
    return rule;
}

/* Untagged Ethernet of 'eth_type' (host order). */
static inline void
match_untagged(struct fp_rule *rule, uint16_t eth_type)
{
    rule->mask.vlans[0].tci = htons(0xffff);
    rule->key.eth_type = htons(eth_type);
    rule->mask.eth_type = htons(0xffff);
}

/* 'proto' over untagged IPv4 that is not a fragment. */
static inline void
match_ipv4(struct fp_rule *rule, uint8_t proto)
{
    match_untagged(rule, 0x0800);
    rule->key.nw_proto = proto;
    rule->mask.nw_proto = 0xff;
    rule->mask.ip_frag = 0xff;
}

/* 'proto' over untagged IPv6 that is not a fragment. */
static inline void
match_ipv6(struct fp_rule *rule, uint8_t proto)
{
    match_untagged(rule, 0x86dd);
    rule->key.nw_proto = proto;
    rule->mask.nw_proto = 0xff;
    rule->mask.ip_frag = 0xff;
}

static inline struct fp_action *
add_action(struct fp_rule *rule, enum fp_action_type type)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static inline struct fp_action *
add_set(struct fp_rule *rule, enum fp_action_type type, const void *value,
        size_t size)
{
    struct fp_action *a = add_action(rule, type);

    memcpy(a->set.value, value, size);
    memset(a->set.mask, 0xff, size);
    return a;
}

static inline void
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
static inline void
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
static inline void
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

static inline void
assert_end_item(const struct fp_rte_flow *flow, size_t i)
{
    assert_int_equal(flow->n_items, i + 1);
    assert_int_equal(flow->items[i].type, RTE_FLOW_ITEM_TYPE_END);
    assert_null(flow->items[i].spec);
    assert_null(flow->items[i].mask);
}

/* Asserts that action 'i' of 'flow' has 'type' and, if 'size' is nonzero,
 * a configuration of 'size' bytes equal to 'conf', else none. */
static inline void
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
static inline void
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

static inline void
assert_port_item(const struct fp_rte_flow *flow, uint16_t port)
{
    struct rte_flow_item_ethdev spec = { .port_id = port };
    struct rte_flow_item_ethdev mask = { .port_id = 0xffff };

    assert_item(flow, 0, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &spec, &mask,
                sizeof spec);
}

/* The ETH item of untagged frames of 'eth_type' (host order, 0: not
 * matched) without addresses. */
static inline void
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

#endif /* fp-rte-flow-test.h */
