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

#ifndef OVS_OFFLOAD_H
#define OVS_OFFLOAD_H 1

/* The one place that plugs ovs-offload into OVS: at program start it
 * registers the "fp" netdev class, the "fp" flow API and the fp/ unixctl
 * commands; it reads other_config:fp-* when ovs-vswitchd first reads the
 * Open_vSwitch table, and ovs_offload_init() creates the NIC devices they
 * describe at their first use. */

#include <stdbool.h>

struct fp_device_config;
struct smap;
struct sset;
struct svec;

/* The model NIC that ovs-vswitchd has unless other_config:fp-devices says
 * otherwise, and the device an "fp" interface uses when it has no
 * options:device. */
#define OVS_OFFLOAD_DEFAULT_DEVICE "fp0"

/* Most NIC devices (other_config:fp-devices). */
#define OVS_OFFLOAD_MAX_DEVICES 16

void ovs_offload_init(void);
const struct svec *ovs_offload_get_config_errors(void);
void ovs_offload_parse_config(const struct smap *other_config,
                              struct sset *devices,
                              struct fp_device_config *,
                              struct svec *errors);
bool ovs_offload_parse_fp_dpdk(const struct smap *other_config,
                               struct svec *errors);

#endif /* ovs-offload.h */
