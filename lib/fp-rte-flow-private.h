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

#ifndef FP_RTE_FLOW_PRIVATE_H
#define FP_RTE_FLOW_PRIVATE_H 1

/* What lib/fp-rte-flow.c (the match) and lib/fp-rte-flow-action.c (the
 * actions) share while they build one rule. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fp-rte-flow.h"
#include "openvswitch/compiler.h"

/* Later fragments among the packets that a rule matches. */
enum fp_rte_flow_later {
    FP_RTE_FLOW_LATER_MAYBE,
    FP_RTE_FLOW_LATER_NONE,
    FP_RTE_FLOW_LATER_ONLY,
};

/* The state of one build. */
struct fp_rte_flow_ctx {
    const struct fp_rule *rule;
    const struct fp_rte_flow_config *cfg;
    struct fp_rte_flow *flow;
    struct fp_key left;         /* Mask bits not translated yet. */
    char *reason;               /* The first refusal. */

    /* What every packet that the pattern matches is known to have, for
     * the actions that need it. */
    int min_tags;               /* At least so many VLAN tags. */
    uint16_t eth_type;          /* Host order, 0 if not known. */
    bool has_proto;             /* 'nw_proto' is known: */
    uint8_t nw_proto;
    enum fp_rte_flow_later later;
    bool has_l4_item;           /* The pattern has a TCP or UDP item. */
    bool ttl_ge2;               /* The TTL or hop limit is at least 2. */
};


int fp_rte_flow_refuse(struct fp_rte_flow_ctx *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);
struct rte_flow_item *fp_rte_flow_add_item(struct fp_rte_flow_ctx *,
                                           enum rte_flow_item_type,
                                           size_t size);
void fp_rte_flow_add_action(struct fp_rte_flow_ctx *,
                            enum rte_flow_action_type, void *conf);
int fp_rte_flow_map_port(struct fp_rte_flow_ctx *, uint32_t port,
                         uint16_t *portp);
bool fp_rte_flow_l4_item(struct fp_rte_flow_ctx *);
int fp_rte_flow_action_parse(struct fp_rte_flow_ctx *);

/* Returns true if the 'n' bytes at 'p' are all zero. */
static inline bool
fp_rte_flow_is_zero(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Returns true if the 'n' bytes at 'p' are all ones. */
static inline bool
fp_rte_flow_is_ones(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

#endif /* fp-rte-flow-private.h */
