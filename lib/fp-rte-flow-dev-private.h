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

#ifndef FP_RTE_FLOW_DEV_PRIVATE_H
#define FP_RTE_FLOW_DEV_PRIVATE_H 1

/* The rte_flow driver's state, shared by lib/fp-rte-flow-dev.c (devices,
 * rules) and lib/fp-rte-flow-dev-mtr.c (meters and shared counters). */

#include <rte_ethdev.h>
#include <rte_flow.h>

#include "fp/fp-provider.h"
#include "fp-rte-flow.h"
#include "openvswitch/hmap.h"
#include "ovs-thread.h"

/* One rule: its rte_flow, a copy of the fp rule, its counters. */
struct fp_rte_flow_dev_rule {
    struct hmap_node node;          /* In 'rules', by hash of 'id'. */
    uint32_t id;
    struct rte_flow *flow;          /* In the PMD, on the proxy. */
    struct fp_rule rule;            /* What 'flow' does. */
    struct fp_rule_stats base;      /* Of the rte_flows that MODIFY
                                     * replaced. */
    struct fp_rule_stats last;      /* Last read of 'flow'. */
};

struct fp_rte_flow_dev {
    struct fp_device up;
    uint16_t proxy;                 /* The transfer proxy's port id. */

    /* Under 'fp_rte_flow_dev_mutex'. */
    unsigned int port_refs[RTE_MAX_ETHPORTS]; /* fp_rte_flow_dev_open()s. */
    unsigned int n_refs;            /* Sum of 'port_refs', plus resets
                                     * under way. */

    struct ovs_mutex mutex;
    struct hmap rules OVS_GUARDED;  /* Of struct fp_rte_flow_dev_rule. */
    uint32_t next_id OVS_GUARDED;
    bool members[RTE_MAX_ETHPORTS] OVS_GUARDED; /* Opened ports. */
    bool stale OVS_GUARDED;         /* The PMD may have lost the rules. */
    unsigned int vlan_limit OVS_GUARDED; /* What the rules' keys mean. */
    uint64_t resets OVS_GUARDED;

    /* Meters and shared counters (lib/fp-rte-flow-dev-mtr.c). */
    struct hmap meters OVS_GUARDED;   /* struct fp_rte_flow_dev_meter. */
    struct hmap counters OVS_GUARDED; /* struct fp_rte_flow_dev_counter. */
    bool have_policy OVS_GUARDED;     /* rte_mtr policy 'policy_id' made. */
    uint32_t policy_id OVS_GUARDED;

    /* 'next_id' went past UINT32_MAX: a new id may be in use. */
    bool ids_wrapped OVS_GUARDED;
};

/* lib/fp-rte-flow-dev.c. */

/* The rte_flow device of 'dev', which must be one. */
struct fp_rte_flow_dev *fp_rte_flow_dev_cast(const struct fp_device *);

/* Formats into 'buf' the PMD's message of 'error', after 'what' (the DPDK
 * function), with the text of errno value 'err' if the message lacks it. */
void fp_rte_flow_dev_format_error(char *buf, size_t size, const char *what,
                                  const struct rte_flow_error *, int err);
/* Replaces the rte_flow of 'r' by one of 'op->rule' (a MODIFY). */
void fp_rte_flow_dev_modify(struct fp_rte_flow_dev *dev,
                            struct fp_rte_flow_dev_rule *,
                            struct fp_rule_op *)
    OVS_REQUIRES(dev->mutex);

/* lib/fp-rte-flow-dev-mtr.c: meters and shared counters (see "Meters" and
 * "Shared counters" in fp-rte-flow-dev.h). */

/* Initializes, and frees at the device's destruction (after
 * fp_rte_flow_dev_mtr_clear()), the meter and counter state of a device. */
void fp_rte_flow_dev_mtr_init(struct fp_rte_flow_dev *);
void fp_rte_flow_dev_mtr_destroy(struct fp_rte_flow_dev *);

/* Forgets every meter and shared counter of 'dev', whose rules are gone,
 * destroying them in the PMD (at a reset, at the device's destruction). */
void fp_rte_flow_dev_mtr_clear(struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(dev->mutex);

/* Checks that the meters that a rule uses have rte_mtr objects.  Returns
 * true if so, else false with the operation's 'error' and 'reason' set. */
bool fp_rte_flow_dev_mtr_check(struct fp_rte_flow_dev *dev,
                               const struct fp_rule *, struct fp_rule_op *)
    OVS_REQUIRES(dev->mutex);

/* Points the METER actions of a built rule, which name fp meter ids, at
 * the DPDK meter ids of those meters. */
void fp_rte_flow_dev_mtr_fix(struct fp_rte_flow_dev *dev,
                             struct fp_rte_flow *)
    OVS_REQUIRES(dev->mutex);

/* fp_rte_flow_build()'s 'counter_handle' (struct fp_rte_flow_config), with
 * the device as 'dev_': the indirect action of shared counter
 * 'counter_id', or NULL.  Called with the device's mutex held. */
struct rte_flow_action_handle *fp_rte_flow_dev_counter_handle(
    uint32_t counter_id, void *dev_);

/* Stores the meters and shared counters in use in '*stats'. */
void fp_rte_flow_dev_mtr_counts(struct fp_rte_flow_dev *dev,
                                struct fp_device_stats *)
    OVS_REQUIRES(dev->mutex);

/* The meters that the PMD of DPDK port 'proxy' can have
 * (rte_mtr_capabilities_get()), 0 without rte_mtr: the device's
 * 'n_meters'. */
uint32_t fp_rte_flow_dev_mtr_capacity(uint16_t proxy);

/* The meter and shared counter hooks of the driver (struct
 * fp_device_class, with the contracts of fp-provider.h). */
int fp_rte_flow_dev_meter_set(struct fp_device *, uint32_t meter_id,
                              const struct fp_meter_config *);
int fp_rte_flow_dev_meter_delete(struct fp_device *, uint32_t meter_id);
int fp_rte_flow_dev_meter_get_stats(struct fp_device *, uint32_t meter_id,
                                    struct fp_meter_stats *);
int fp_rte_flow_dev_counter_alloc(struct fp_device *, uint32_t *idp);
int fp_rte_flow_dev_counter_free(struct fp_device *, uint32_t id);
int fp_rte_flow_dev_counter_get(struct fp_device *, uint32_t id,
                                struct fp_rule_stats *);

#endif /* fp-rte-flow-dev-private.h */
