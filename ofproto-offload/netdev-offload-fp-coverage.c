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

/* The coverage counters of the flow API, which any thread counts (see
 * OFFLOAD_FP_COVERAGE in netdev-offload-fp-private.h). */

#include <config.h>

#include "netdev-offload-fp-private.h"

#include "coverage.h"
#include "ovs-atomic.h"

#define OFFLOAD_FP_COUNTER(NAME) COVERAGE_DEFINE(NAME);
OFFLOAD_FP_COVERAGE
#undef OFFLOAD_FP_COUNTER

atomic_uint64_t offload_fp_coverage[OFFLOAD_FP_N_COUNTERS];

/* Main thread only: moves the counts of 'offload_fp_coverage' into the
 * coverage counters. */
void
offload_fp_coverage_run(void)
{
    uint64_t n, orig;

#define OFFLOAD_FP_COUNTER(NAME)                                        \
    atomic_read_relaxed(&offload_fp_coverage[OFFLOAD_FP_##NAME], &n);   \
    if (n) {                                                            \
        atomic_sub_relaxed(&offload_fp_coverage[OFFLOAD_FP_##NAME], n,  \
                           &orig);                                      \
        COVERAGE_ADD(NAME, n);                                          \
    }
    OFFLOAD_FP_COVERAGE
#undef OFFLOAD_FP_COUNTER
}
