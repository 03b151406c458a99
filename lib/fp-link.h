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

#ifndef FP_LINK_H
#define FP_LINK_H 1

/* For the core's files only (lib/fp.c, lib/fp-hotplug.c). */

#include <stddef.h>
#include <stdint.h>

struct fp_afpacket;
struct fp_device;
struct fp_packet;

/* A Linux network interface as the outside of a port: see
 * fp_port_set_link().  Built on the endpoint API, so it works with any
 * driver.  'dev->links[port]' is the link of 'port', or NULL. */
struct fp_link {
    struct fp_device *dev;
    uint32_t port;
    struct fp_afpacket *afp;
};

/* Flow control of a link's receive side (see fp.c). */
#define FP_LINK_PAUSE_NS 20000
#define FP_LINK_MAX_PAUSES 500

unsigned int fp_link_receive(struct fp_link *, const struct fp_packet *,
                             size_t n);

#endif /* fp-link.h */
