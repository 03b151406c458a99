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
 * commands; ovs_offload_init() creates the NIC devices when they are first
 * needed (after ovs-vswitchd has daemonized, because devices start
 * threads). */

/* The model NIC that every ovs-vswitchd of ours has, and the device an
 * "fp" interface uses when it has no options:device. */
#define OVS_OFFLOAD_DEFAULT_DEVICE "fp0"

void ovs_offload_init(void);

#endif /* ovs-offload.h */
