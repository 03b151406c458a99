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

#ifndef FP_RTE_FLOW_H
#define FP_RTE_FLOW_H 1

/* rte_flow rules from fp rules.
 *
 * fp_rte_flow_build() turns one struct fp_rule (include/fp/fp.h) into the
 * attributes, pattern and actions of one DPDK 22.11 rte_flow rule, ready
 * for rte_flow_validate() and rte_flow_create().  It is the translation
 * phase of the rte_flow driver of the fp driver interface
 * (lib/fp-rte-flow-dev.c): it calls no DPDK function, so it runs, and is
 * tested, without an EAL.
 *
 * The rule it builds never matches a packet that the fp rule does not
 * match, and does to every packet it matches what the fp rule does.  Every
 * mask bit of the fp rule is either translated or the rule is refused
 * (EOPNOTSUPP, with a reason a person can read), as OVS's
 * lib/netdev-offload-dpdk.c consumes the mask of a megaflow.  Where
 * rte_flow can say only less, the rte_flow rule matches fewer packets than
 * the fp rule; those miss this rule and, among rules that do not overlap
 * (as dpif-netdev's megaflows do not), take the exception path, which
 * costs performance, not correctness.  These cases are:
 *
 *   - IPv6 with extension headers: rte_flow's IPV6 item matches the Next
 *     Header of the fixed header, where the fp key has the protocol after
 *     the extension headers; and an IPv6 "atomic fragment" (a fragment
 *     header with offset and M flag zero) has a fragment header for
 *     rte_flow but is not a fragment for the fp key;
 *
 *   - 802.3 frames with an LLC/SNAP header, whose ethertype the fp key
 *     takes from the SNAP header, and rte_flow's ETH item from the frame.
 *
 * A VLAN item stands for a tag as the fp parser takes one, of TPID 0x8100
 * or 0x88a8; a NIC whose parser also takes another TPID (0x9100) for a
 * tag differs from the fp parser on such frames.
 *
 * Recirculation (recirc_id, dp_hash, FP_ACTION_HASH, FP_ACTION_RECIRC) is
 * refused: DPDK 22.11 has no action that computes OVS's dp_hash; a
 * recirc_id could be carried from group to group (SET_TAG or SET_META,
 * then JUMP, and a TAG or META item in the rules of the next group), but
 * a packet that misses in the next group goes wherever the PMD sends the
 * misses of that group (rte_flow does not say), where the NIC hands it to
 * the host with its recirc_id and dp_hash so that OVS resumes there.  A
 * rule of the first lookup pass (recirc_id 0, or not matched) is what
 * every rte_flow rule sees.
 *
 * Actions: an fp rule's actions run in order, and rte_flow performs an
 * action list in order (rte_flow.h), so the actions keep their order: a
 * rewrite after an output changes only what later outputs send.  A PMD
 * that cannot do that refuses the rule in rte_flow_validate().  A meter
 * after an output or an exception is refused, since rte_flow's METER
 * polices every packet of the rule.  fp's rewrites do nothing to a packet that has no such
 * header, where rte_flow's need the item of their header: a rewrite is
 * refused unless every packet of the rule has its header (an exact
 * eth_type, nw_proto TCP or UDP and no later fragment for SET_TP_*, a VLAN
 * tag for OF_POP_VLAN and OF_SET_VLAN_*).  Partial masks of sets are
 * refused, but the DSCP of an IPv4 TOS or IPv6 traffic class
 * (SET_IPV4_DSCP, SET_IPV6_DSCP).  FP_ACTION_DEC_TTL hands a packet of TTL
 * 0 or 1 to the host instead, which DEC_TTL does not say it does: it is
 * refused unless the rule matches a TTL of 2 or more.  A rule without an
 * output, exception or drop drops what it matches (DROP).  Meter ids
 * (METER's 'mtr_id') and marks are the fp rule's; the caller creates its
 * DPDK meters with the fp meter ids.  Checksums: the PMD updates the
 * checksums that a rewrite changes, as fp's rewrites do (rte_flow assumes
 * it; no test here can check it on hardware).
 *
 * Byte orders: the fp key and mask are in network byte order (but
 * 'in_port', 'recirc_id', 'dp_hash'), as are rte_flow's specs, masks and
 * action configurations, so multi-byte fields are copied as they are.
 * 'port_id' and DPDK port ids are host byte order, as DPDK has them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_flow.h>
#include "fp/fp.h"

/* A port map entry for an fp port that has no DPDK port. */
#define FP_RTE_FLOW_NO_PORT UINT16_MAX

/* Most items and actions of a built rule, END included. */
#define FP_RTE_FLOW_MAX_ITEMS 12
#define FP_RTE_FLOW_MAX_ACTIONS (3 * FP_MAX_ACTIONS + 3)

/* How to build: set by the caller, which owns 'port_ids'.
 * fp_rte_flow_config_default() gives each member its default. */
struct fp_rte_flow_config {
    /* The port map: 'port_ids[N]' is the DPDK ethdev port id of fp port N
     * (for N below 'n_ports'), or FP_RTE_FLOW_NO_PORT.  A physical port's
     * ethdev is its uplink's port, a VF's is its representor's. */
    const uint16_t *port_ids;
    size_t n_ports;

    /* true (default): transfer rules of the NIC's embedded switch, which
     * match the input port with a REPRESENTED_PORT item (the traffic that
     * comes in from the wire or the VF of that ethdev), output with
     * REPRESENTED_PORT actions and send the exception path to the
     * representor of the input port with PORT_REPRESENTOR.
     *
     * false: ingress rules of the input port's ethdev, which cannot
     * output to another port (refused) and send the exception path to
     * the ethdev's receive queues: QUEUE 0 if 'n_queues' is 1, else RSS
     * over queues 0...n_queues - 1. */
    bool transfer;

    /* Use the PORT_ID item and action (deprecated in DPDK 22.11, but
     * older PMDs know only them) instead of REPRESENTED_PORT.  Default
     * false. */
    bool port_id;

    /* The VLAN limit of the fp device whose rules are translated
     * (fp_device_get_vlan_limit(): 1 or 2, default 2), which says what
     * its keys' 'vlans' and 'eth_type' mean. */
    unsigned int vlan_limit;

    /* Priority levels of the rte_flow device (default 1): an fp rule of
     * priority P becomes rte_flow priority n_priorities - 1 - P (0 is the
     * highest in rte_flow), and a rule of a higher priority than
     * n_priorities - 1 is refused. */
    uint32_t n_priorities;

    /* Ingress rules: receive queues of the exception path (default 1). */
    uint16_t n_queues;

    /* Add an (anonymous) COUNT action, the rule's own counters for
     * rte_flow_query() (default true). */
    bool count;

    /* Shared counters (FP_ACTION_COUNT).  DPDK 22.11 shares a counter
     * between rules only as an indirect action: if 'counter_handle' is
     * nonnull, it returns the handle (rte_flow_action_handle_create() of
     * a COUNT) of the caller's shared counter 'counter_id', or NULL if
     * there is none (the rule is refused), and the action is an INDIRECT
     * action with that handle, which stays the caller's.  If it is NULL
     * (default), the action is a COUNT whose 'id' is 'counter_id', which
     * counts the rule's packets but is not shared with other rules. */
    struct rte_flow_action_handle *(*counter_handle)(uint32_t counter_id,
                                                     void *aux);
    void *counter_aux;
};

/* A built rule, ready for rte_flow_create(port_id, &attr, items, actions,
 * &error).  Its specs, masks, 'last' ranges and action configurations are
 * allocated by fp_rte_flow_build() and owned by this structure, which
 * fp_rte_flow_destroy() frees, but for the handles of INDIRECT actions,
 * which are the caller's (see 'counter_handle'); the items and actions
 * arrays are members. */
struct fp_rte_flow {
    /* The ethdev to create the rule on: the input port's.  (A transfer
     * rule is created through that port's transfer proxy,
     * rte_flow_pick_transfer_proxy(), which is the caller's business.) */
    uint16_t port_id;

    struct rte_flow_attr attr;
    struct rte_flow_item items[FP_RTE_FLOW_MAX_ITEMS];
    size_t n_items;             /* With the END item. */
    struct rte_flow_action actions[FP_RTE_FLOW_MAX_ACTIONS];
    size_t n_actions;           /* With the END action. */
};

void fp_rte_flow_config_default(struct fp_rte_flow_config *);
int fp_rte_flow_build(const struct fp_rule *,
                      const struct fp_rte_flow_config *,
                      struct fp_rte_flow *, char **reasonp);
void fp_rte_flow_destroy(struct fp_rte_flow *);

#endif /* fp-rte-flow.h */
