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

#ifndef FP_PARSE_H
#define FP_PARSE_H 1

/* The flow-processor model's packet parser.
 *
 * This is the model's own parser, written from the protocol definitions,
 * not OVS's flow_extract(): testing the model against OVS's software
 * datapath would prove nothing if both shared a parser.  It extracts the
 * fields of 'struct fp_key' with OVS's meaning (see include/fp/fp.h). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_key;

/* Where the parser found each layer of a packet, as offsets from its first
 * byte, or FP_PARSE_NONE for a layer that it does not have.  The actions
 * (fp-action.c) use these to rewrite headers without parsing again. */
#define FP_PARSE_NONE UINT16_MAX
struct fp_parse_layers {
    uint16_t l3;                /* IPv4 or IPv6 header. */
    uint16_t l4;                /* TCP, UDP, SCTP, ICMP or ICMPv6 header,
                                 * only if the packet is not a later
                                 * fragment and the header is complete. */
    uint16_t l3_end;            /* End of the IP datagram (L2 padding
                                 * follows). */
    bool fast;                  /* Parsed by the fast path: untagged IPv4,
                                 * not a fragment, TCP or UDP but a tunnel's
                                 * outer header.  Then the key has no other
                                 * fields than in_port, the Ethernet
                                 * addresses and type, nw_tos, nw_ttl,
                                 * nw_proto, the IPv4 addresses, the ports
                                 * and tcp_flags. */
};

/* Most VLAN tags the parser takes, as OVS's FLOW_MAX_VLAN_HEADERS. */
#define FP_PARSE_MAX_VLANS 2

int fp_parse(const void *data, size_t size, uint32_t in_port,
             struct fp_key *key, struct fp_parse_layers *layers);
uint32_t fp_parse_rss_hash(const struct fp_key *);
int fp_parse_limited(const void *data, size_t size, uint32_t in_port,
                     unsigned int vlan_limit, struct fp_key *key,
                     struct fp_parse_layers *layers);
int fp_parse_general(const void *data, size_t size, uint32_t in_port,
                     unsigned int vlan_limit, struct fp_key *key,
                     struct fp_parse_layers *layers);

#endif /* fp-parse.h */
