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

#include <stdint.h>

extern const struct netdev_flow_api netdev_offload_fp;

struct netdev_offload_fp_stats {
    uint64_t n_flows;           /* Datapath flows now in a NIC. */
    uint64_t added;             /* Flows put into a NIC. */
    uint64_t modified;          /* Flows modified in place. */
    uint64_t deleted;           /* Flows removed from a NIC. */
    uint64_t refused;           /* Flows the NIC cannot run. */
    uint64_t failed;            /* Flows the NIC refused (e.g. table full). */
};

void netdev_offload_fp_get_stats(struct netdev_offload_fp_stats *);

#endif /* netdev-offload-fp.h */
