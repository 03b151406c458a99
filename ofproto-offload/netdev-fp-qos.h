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

#ifndef NETDEV_FP_QOS_H
#define NETDEV_FP_QOS_H 1

/* Egress QoS of fp interfaces, from OVS's QoS and Queue tables: the
 * settings as OVSDB gives them, and the NIC's configuration they make
 * (struct fp_qos_config). */

#include "fp/fp.h"
#include "openvswitch/types.h"
#include "smap.h"

/* The QoS types fp interfaces take: linux-htb and egress-policer, with
 * their options and meaning, and ets, linux-htb's with a weight per queue
 * (IEEE 802.1Qaz Enhanced Transmission Selection: strict priorities, and
 * bandwidth shares by weight among the queues of one priority). */
#define NETDEV_FP_QOS_HTB "linux-htb"
#define NETDEV_FP_QOS_ETS "ets"
#define NETDEV_FP_QOS_POLICER "egress-policer"
extern const char *const netdev_fp_qos_types[3];

struct netdev_fp_qos {
    const char *type;           /* In netdev_fp_qos_types[], or NULL. */
    struct smap details;        /* The QoS's other_config. */
    struct smap queues[FP_QOS_N_QUEUES];   /* Each queue's other_config. */
    struct fp_qos_config config;
};

const char *netdev_fp_qos_type(const char *type);
void netdev_fp_qos_init(struct netdev_fp_qos *);
void netdev_fp_qos_destroy(struct netdev_fp_qos *);
int netdev_fp_qos_set(struct netdev_fp_qos *, const char *name,
                      const char *type, const struct smap *details,
                      char **errp);
int netdev_fp_qos_set_queue(struct netdev_fp_qos *, const char *name,
                            unsigned int queue_id, const struct smap *,
                            char **errp);
int netdev_fp_qos_delete_queue(struct netdev_fp_qos *, unsigned int queue_id);
int netdev_fp_parse_vf_rate(const char *name, const struct smap *args,
                            struct fp_qos_class *, bool *has_rate,
                            char **errp);

#endif /* netdev-fp-qos.h */
