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

#ifndef NETDEV_OFFLOAD_FP_H
#define NETDEV_OFFLOAD_FP_H 1

/* The "fp" netdev flow API: offloads the megaflows of dpif-netdev whose
 * in_port is an "fp" netdev into the rule table of that port's NIC. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"

struct dp_packet;
struct ds;
struct fp_device;
struct hmap;
struct match;
struct ofputil_meter_config;
struct ofputil_meter_stats;
struct netdev;
struct nlattr;
struct simap;

extern const struct netdev_flow_api netdev_offload_fp;

struct netdev_offload_fp_stats {
    uint64_t n_flows;           /* Datapath flows now in a NIC (fully or
                                 * partially). */
    uint64_t n_state[5];        /* Flows by verdict: offloaded, partial,
                                 * waiting, evicted, refused. */

    /* Events. */
    uint64_t added;             /* Rules put into a NIC. */
    uint64_t modified;          /* Rules modified in place. */
    uint64_t deleted;           /* Rules taken out of a NIC. */
    uint64_t partial;           /* Flows partially offloaded. */
    uint64_t refused;           /* Flows the NIC cannot run. */
    uint64_t failed;            /* Rules the NIC refused (e.g. full). */
    uint64_t evicted;           /* Flows taken out by a device reset. */
    uint64_t reoffloaded;       /* Waiting or evicted flows put back. */
    uint64_t missing;           /* Offloaded flows whose packets the NIC
                                 * missed. */
    uint64_t missed;            /* Packets of those that it missed. */
    uint64_t resumed;           /* Packets that a NIC handed over after a
                                 * recirculation and that dpif-netdev
                                 * resumed at that stage. */
};

void netdev_offload_fp_get_stats(struct netdev_offload_fp_stats *);
void netdev_offload_fp_format_stats(struct ds *);
bool netdev_offload_fp_explain_ufid(const ovs_u128 *ufid, struct ds *);
void netdev_offload_fp_explain_flow(const struct netdev *,
                                    const struct match *,
                                    const struct nlattr *actions,
                                    size_t actions_len, struct ds *);
void netdev_offload_fp_explain_all(struct ds *);
bool netdev_offload_fp_explain_rule(const struct fp_device *,
                                    uint32_t rule_id, bool full,
                                    struct hmap *dp_flows, struct ds *);
void netdev_offload_fp_explain_done(struct hmap *dp_flows);
void netdev_offload_fp_port_names(struct simap *);
int netdev_offload_fp_match_from_odp(const struct nlattr *key,
                                     size_t key_len,
                                     const struct nlattr *mask,
                                     size_t mask_len, struct match *,
                                     char **errorp);
void netdev_offload_fp_run(void);
void netdev_offload_fp_count_exception(const struct fp_device *,
                                       uint32_t port,
                                       const struct dp_packet *);
size_t netdev_offload_fp_set_watch_max(size_t max);
void netdev_offload_fp_get_watch(size_t *max, size_t *armed);
void netdev_offload_fp_resume_clear(void);
void netdev_offload_fp_resume_add(const struct dp_packet *,
                                  uint32_t recirc_id, uint32_t dp_hash);

void netdev_offload_fp_meter_set(uint32_t id,
                                 const struct ofputil_meter_config *);
void netdev_offload_fp_meter_get(uint32_t id, struct ofputil_meter_stats *);
void netdev_offload_fp_meter_del(uint32_t id, struct ofputil_meter_stats *);
void netdev_offload_fp_meter_show(const struct fp_device *, struct ds *);
void netdev_offload_fp_meter_format_stats(struct ds *);
void netdev_offload_fp_hotplug_register(void);
void netdev_offload_fp_hold_register(void);
char *netdev_offload_fp_parse_vf(const char *dev_name, const char *vf_name,
                                 struct fp_device **, uint32_t *port);

/* Our flow API on "dpdk" netdevs (netdev-offload-fp-dpdk.c). */
bool netdev_offload_fp_get_port(const struct netdev *, struct fp_device **,
                                uint32_t *port);
struct netdev *netdev_offload_fp_find_by_port(const struct fp_device *,
                                              uint32_t port);
void netdev_offload_fp_dpdk_set_enabled(bool);
bool netdev_offload_fp_dpdk_enabled(void);
void netdev_offload_fp_dpdk_port_started(uint16_t port_id);

#endif /* netdev-offload-fp.h */
