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

#ifndef FP_MODEL_H
#define FP_MODEL_H 1

/* The flow-processor model: a software NIC, the default driver.
 *
 * Each NIC port has an outside (an endpoint: in memory by default, see
 * fp_port_set_endpoint()), an RX ring that packets from the outside go
 * through, and a host side (an exception queue of FP_MODEL_QUEUE_LEN
 * packets).  Packet engines, 'n_engines' threads per device, each own the
 * RX rings of the ports p with p % n_engines equal to their index: they
 * take packets in batches, parse them with the model's own parser
 * (fp-parse.h), look them up in a per-engine exact-match cache and then in
 * the model's rule table (fp-table.h), and execute the actions of the rule
 * that matches (fp-action.h, fp-meter.h), or queue the packet for the
 * host.
 *
 * Engines never take a lock to read rules: rule changes are versioned
 * (fp-table.h) and a control operation waits, after publishing a new
 * version, only until every engine has finished the batch it was
 * processing, which takes microseconds. */

#include "fp/fp-provider.h"

/* Packets that an exception queue holds.  Later exceptions are dropped. */
#define FP_MODEL_QUEUE_LEN 1024

/* Largest frame, in bytes, that the model accepts from the outside or the
 * host (EMSGSIZE beyond). */
#define FP_MODEL_MAX_FRAME 9216

/* Rate of every port's link, in Mbit/s, as the model reports it (it does
 * not limit the rate). */
#define FP_MODEL_LINK_SPEED 100000

extern const struct fp_device_class fp_model_class;

/* A rule batch that needs none of what earlier batches' deletions with
 * 'no_wait' left for later (their counters, action lists and the table's
 * purge) does that work only once FP_MODEL_DEFER_RULES such deletions wait
 * or the oldest has waited FP_MODEL_DEFER_MS milliseconds: the purge
 * frees the rules after an RCU grace period, and while one is pending
 * OVS's RCU thread wakes at every quiescent state of every thread (the
 * engines' included), so that a grace period per batch of changes cost
 * the engines more than the changes themselves (ovs-offload-bench, churn
 * in small batches).  Operations that depend on the work (statistics,
 * shared counters, meters, a reset, a batch that would run out of counters
 * or masks) still finish it first. */
#define FP_MODEL_DEFER_RULES 4096
#define FP_MODEL_DEFER_MS 100

size_t fp_model_deferred_rules(const struct fp_device *);

/* Figures of one engine, for the benchmark. */
struct fp_model_engine_stats {
    uint64_t packets;           /* Packets processed. */
    uint64_t batches;           /* Batches that 'packets' came in. */
    uint64_t busy_ns;           /* CPU time spent processing batches. */
};
void fp_model_get_engine_stats(const struct fp_device *, size_t engine,
                               struct fp_model_engine_stats *);
size_t fp_model_memory_per_rule(const struct fp_device *);

#endif /* fp-model.h */
