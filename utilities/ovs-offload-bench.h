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

#ifndef OVS_OFFLOAD_BENCH_H
#define OVS_OFFLOAD_BENCH_H 1

#include <stddef.h>
#include <stdint.h>

/* The statistics sync benchmark (ovs-offload-bench-sync.c). */
void bench_sync_run(uint32_t n_flows);

/* The three ways side by side (ovs-offload-bench-dpdk.c): OVS's
 * netdev-offload-dpdk and our flow API through rte_flow on the net_fp vdev,
 * our flow API on the model, for each of the 'n' flow counts in
 * 'n_flows'.  Starts DPDK's EAL once per process, sized for the largest
 * count of the first call. */
void bench_dpdk_run(const uint32_t *n_flows, size_t n);

#endif /* ovs-offload-bench.h */
