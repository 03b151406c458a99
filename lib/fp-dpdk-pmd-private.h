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

#ifndef FP_DPDK_PMD_PRIVATE_H
#define FP_DPDK_PMD_PRIVATE_H 1

/* What lib/fp-dpdk-pmd.c (the ethdevs) and lib/fp-dpdk-pmd-flow.c (their
 * rte_flow operations) share.  Includes DPDK's driver headers (see
 * lib/dpdk-sdk/README.rst). */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_flow.h>

#include "fp/fp.h"
#include "openvswitch/compiler.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "ovs-thread.h"

struct rte_eth_dev;
struct rte_mempool;
struct rte_mtr_ops;

/* rte_flow priority levels of each kind of rule: attribute 'priority'
 * 0...FP_DPDK_PMD_N_PRIORITIES - 1, 0 the highest. */
#define FP_DPDK_PMD_N_PRIORITIES 8

/* One vdev: one model device and its ethdevs. */
struct fp_dpdk_pmd_dev {
    char *name;                 /* The vdev's and the model device's. */
    struct fp_device *fp;
    uint16_t switch_domain;
    uint32_t n_ports;           /* The model's ports, phy then VFs. */
    uint16_t *port_ids;         /* DPDK port id of each model port,
                                 * RTE_MAX_ETHPORTS if none (yet). */

    struct ovs_mutex mutex;
    struct ovs_list flows OVS_GUARDED;          /* struct rte_flow. */

    /* rte_mtr (lib/fp-dpdk-pmd-mtr.c): one namespace of profiles,
     * policies and meters for all the ethdevs of the vdev, as the model
     * device has one meter table. */
    struct hmap mtr_profiles OVS_GUARDED;
    struct hmap mtr_policies OVS_GUARDED;
    struct hmap meters OVS_GUARDED;

    /* Indirect COUNT actions (struct rte_flow_action_handle). */
    struct ovs_list counters OVS_GUARDED;
};

/* An indirect COUNT action: a shared counter of the model. */
struct rte_flow_action_handle {
    struct ovs_list node;       /* In fp_dpdk_pmd_dev's 'counters'. */
    uint32_t counter_id;
    struct fp_rule_stats base;  /* At the last query with 'reset'. */
};

/* One ethdev: 'dev_private' of struct rte_eth_dev_data. */
struct fp_dpdk_pmd_port {
    struct fp_dpdk_pmd_dev *dev;
    uint32_t fp_port;
    uint16_t port_id;
    bool attached;              /* Representor attached to the model. */
    bool rx_cksum;              /* Receive checksum offloads enabled. */

    /* Counters at the last stats_reset, subtracted from the model's. */
    struct fp_port_stats base;
    uint64_t rx_nombuf;
};

/* A rule: the handle that rte_flow_create() returns. */
struct rte_flow {
    struct ovs_list node;       /* In fp_dpdk_pmd_dev's 'flows'. */
    uint16_t port_id;           /* Created on this ethdev. */
    bool transfer;
    bool live;                  /* false once a stop or a flush removed the
                                 * fp rule: only rte_flow_destroy() then. */
    bool count;                 /* Has a COUNT action. */
    uint32_t fp_id;             /* The model's rule, if 'live'. */
    struct fp_rule_stats base;  /* Counters at the last query with
                                 * 'reset'. */
};

struct fp_dpdk_pmd_dev *fp_dpdk_pmd_dev_of(const struct rte_eth_dev *,
                                           uint32_t *fp_portp);
int fp_dpdk_pmd_fp_port(const struct fp_dpdk_pmd_dev *, uint16_t port_id,
                        uint32_t *fp_portp);

/* The parse of one rte_flow rule (lib/fp-dpdk-pmd-flow.c for the pattern,
 * lib/fp-dpdk-pmd-action.c for the actions). */
struct pmd_parse {
    struct fp_dpdk_pmd_dev *dev;
    const struct rte_flow_attr *attr;
    struct fp_rule *rule;
    struct rte_flow_error *error;
    uint16_t port_id;           /* The ethdev the rule is created on. */
    unsigned int vlan_limit;

    /* What every packet of the pattern has. */
    uint16_t in_port_id;        /* DPDK port of 'rule->key.in_port'. */
    int min_tags;               /* VLAN tags, at least. */
    uint16_t l3;                /* Ethertype of the L3 item, 0 if none. */
    bool l4;                    /* A TCP, UDP, SCTP, ICMP or ICMP6 item. */
    bool tcp_udp;               /* A TCP or UDP item. */
    bool later;                 /* Later fragments only. */
    bool ttl_ge2;               /* TTL or hop limit of 2 or more. */
};

/* Sets the parse's rte_flow_error to 'code' (a positive errno value) for
 * 'cause' of 'type', with a message (kept in a per-thread buffer, valid
 * until the thread's next refusal), and returns -code. */
int fp_dpdk_pmd_vfail(struct pmd_parse *, int code,
                      enum rte_flow_error_type, const void *cause,
                      const char *format, va_list)
    OVS_PRINTF_FORMAT(5, 0);
/* Parses 'actions' into the parse's rule, whose pattern is parsed, and
 * stores in '*countp' whether they have a COUNT.  Returns 0 or a negative
 * errno value with the error set. */
int fp_dpdk_pmd_parse_actions(struct pmd_parse *,
                              const struct rte_flow_action[], bool *countp);

/* Indirect actions (lib/fp-dpdk-pmd-action.c). */
struct rte_flow_action_handle *fp_dpdk_pmd_handle_create(
    struct rte_eth_dev *, const struct rte_flow_indir_action_conf *,
    const struct rte_flow_action *, struct rte_flow_error *);
int fp_dpdk_pmd_handle_destroy(struct rte_eth_dev *,
                               struct rte_flow_action_handle *,
                               struct rte_flow_error *);
int fp_dpdk_pmd_handle_query(struct rte_eth_dev *,
                             const struct rte_flow_action_handle *,
                             void *data, struct rte_flow_error *);
void fp_dpdk_pmd_handle_free_all(struct fp_dpdk_pmd_dev *);

/* Whether the fp parser takes 'type' (host order) as a VLAN TPID. */
static inline bool
fp_dpdk_pmd_is_tpid(uint16_t type)
{
    return type == 0x8100 || type == 0x88a8;
}

/* lib/fp-dpdk-pmd-flow.c. */
extern const struct rte_flow_ops fp_dpdk_pmd_flow_ops;
void fp_dpdk_pmd_flow_stop(struct fp_dpdk_pmd_dev *, uint16_t port_id,
                           bool proxy);
void fp_dpdk_pmd_flow_free_all(struct fp_dpdk_pmd_dev *);

/* The parse, for the unit tests: turns an rte_flow rule created on DPDK
 * port 'port_id' of 'dev' into '*rule'.  Returns 0 or a negative errno
 * value with 'error' set, as rte_flow_validate() does. */
int fp_dpdk_pmd_flow_parse(struct fp_dpdk_pmd_dev *, uint16_t port_id,
                           const struct rte_flow_attr *,
                           const struct rte_flow_item[],
                           const struct rte_flow_action[],
                           struct fp_rule *, bool *countp,
                           struct rte_flow_error *);
struct fp_dpdk_pmd_dev *fp_dpdk_pmd_dev_find(const char *name);

/* lib/fp-dpdk-pmd-mtr.c. */
extern const struct rte_mtr_ops fp_dpdk_pmd_mtr_ops;
void fp_dpdk_pmd_mtr_init(struct fp_dpdk_pmd_dev *);
void fp_dpdk_pmd_mtr_destroy(struct fp_dpdk_pmd_dev *);
bool fp_dpdk_pmd_mtr_exists(struct fp_dpdk_pmd_dev *, uint32_t mtr_id);

#endif /* fp-dpdk-pmd-private.h */
