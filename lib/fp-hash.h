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

#ifndef FP_HASH_H
#define FP_HASH_H 1

/* The hashes of FP_ACTION_HASH (see "Recirculation" in include/fp/fp.h):
 * dp_hash computed as OVS 3.1's software datapath computes it, from the
 * NIC's own parse of the packet (struct fp_key), never from OVS's
 * flow_extract(). */

#include <stdbool.h>
#include <stdint.h>

struct fp_key;

bool fp_hash_alg_is_valid(uint32_t alg);
uint32_t fp_hash_l4(uint32_t rss_hash, uint32_t basis);
uint32_t fp_hash_sym_l4(const struct fp_key *, uint32_t basis);

#endif /* fp-hash.h */
