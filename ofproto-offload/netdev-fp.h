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

#ifndef NETDEV_FP_H
#define NETDEV_FP_H 1

/* The "fp" netdev class: an OVS port that is a port of a flow-processor
 * NIC (a physical uplink or the representor of a VF).
 *
 * What OVS sends to the netdev goes out of the NIC port; what the NIC does
 * not handle itself (a miss in its rule table) arrives on the netdev's
 * receive queue, so dpif-netdev processes it as usual. */

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct fp_device;
struct netdev;

extern const struct netdev_class netdev_fp_class;

bool netdev_fp_is_fp(const struct netdev *);
bool netdev_fp_get_port(const struct netdev *, struct fp_device **,
                        uint32_t *port);
struct netdev *netdev_fp_find_by_port(const struct fp_device *,
                                      uint32_t port);
void netdev_fp_save_stats(const struct fp_device *);
void netdev_fp_save_vf_stats(const struct fp_device *, uint32_t port);

#endif /* netdev-fp.h */
