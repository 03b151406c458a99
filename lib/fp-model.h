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
 * Each NIC port has an in-memory outside (fp_port_inject() brings packets
 * in; packets sent out are counted and may be captured to a pcap file) and
 * a host side (an exception queue of FP_MODEL_QUEUE_LEN packets per port).
 * Packet engines, 'n_engines' threads per device, parse each injected
 * packet with the model's own parser (fp-parse.h), look it up in the
 * model's rule table (fp-table.h) and apply the actions of the rule that
 * matches, or queue the packet for the host. */

#include "fp/fp-provider.h"

/* Packets that an exception queue holds.  Later exceptions are dropped. */
#define FP_MODEL_QUEUE_LEN 1024

/* Largest frame, in bytes, that the model accepts from the outside or the
 * host (EMSGSIZE beyond). */
#define FP_MODEL_MAX_FRAME 9216

extern const struct fp_device_class fp_model_class;

#endif /* fp-model.h */
