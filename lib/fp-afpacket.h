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

#ifndef FP_AFPACKET_H
#define FP_AFPACKET_H 1

/* A Linux network interface as the outside of a model NIC port.
 *
 * Packets arriving on the interface are read from a TPACKET_V2 receive
 * ring (an AF_PACKET socket with a memory-mapped ring, one frame per
 * packet, each handed over at once) and handed to a callback, as many as
 * are there (up to 32), with any VLAN tag that the kernel took out of the
 * frame put back, by the user's own thread, which polls the socket (a
 * packet engine: a packet wakes one thread).  Packets are sent with
 * send() on the same socket, which does not see its own transmissions.
 * Typically the interface is one end of a veth pair whose other end is in
 * a network namespace that plays a VM or an external host. */

#include <stdbool.h>
#include <stddef.h>

struct fp_afpacket;
struct fp_packet;

/* Called on the thread that reads the ring (fp_afpacket_receive()) with
 * the 'n' (at least 1) packets 'pkts' received, in their order: each holds
 * an Ethernet frame, owned by the caller and valid during the call. */
typedef void fp_afpacket_rx_cb(void *aux, const struct fp_packet *pkts,
                               size_t n);

int fp_afpacket_open(const char *ifname, fp_afpacket_rx_cb *, void *aux,
                     struct fp_afpacket **);
void fp_afpacket_close(struct fp_afpacket *);
int fp_afpacket_fd(const struct fp_afpacket *);
size_t fp_afpacket_receive(struct fp_afpacket *, size_t max);
void fp_afpacket_clear_error(struct fp_afpacket *);
int fp_afpacket_send(struct fp_afpacket *, const void *data, size_t size);
const char *fp_afpacket_name(const struct fp_afpacket *);
int fp_afpacket_get_carrier(const struct fp_afpacket *, bool *carrier);

#endif /* fp-afpacket.h */
