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

#ifndef FP_PRIVATE_H
#define FP_PRIVATE_H 1

/* For the core's files only (lib/fp.c, lib/fp-port.c). */

#include <stddef.h>
#include <stdint.h>

#include "fp/fp.h"

struct fp_afpacket;
struct fp_device;

/* A Linux network interface as the outside of a port: see
 * fp_port_set_link().  Built on the endpoint API, as an endpoint that the
 * device's threads poll.  'dev->links[port]' is the link of 'port', or
 * NULL. */
struct fp_link {
    struct fp_device *dev;
    uint32_t port;
    struct fp_afpacket *afp;
};

/* Closes 'link', if nonnull, and frees it (lib/fp-port.c). */
void fp_link_close(struct fp_link *);

/* Returns 0 if the next operation of kind 'op' on 'dev' may go ahead, or
 * the errno value of a fault injected with fp_device_fail_next() or
 * fp_device_fail_random(), which it consumes (lib/fp.c). */
int fp_fault_check(const struct fp_device *dev, enum fp_op op);

#endif /* fp-private.h */
